"""Files written whole or not at all (akhbar.atomic)."""

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import atomic


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(atomic.TEMPORARY_SUFFIX))


def test_a_file_is_replaced_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a" / "counts.json"
    atomic.write_json(path, {"n": 1})
    atomic.write_json(path, {"n": 2, "ar": "أخبار"})
    assert path.read_text(encoding="utf-8") == '{"n": 2, "ar": "أخبار"}'
    assert leftovers(path.parent) == []


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    path = tmp_path / "night.parquet"
    atomic.write_parquet(path, pa.table({"x": [1, 2]}))
    with pytest.raises(RuntimeError, match="disk full"), atomic.replacing(path) as tmp:
        tmp.write_bytes(b"half a file")
        raise RuntimeError("disk full")
    assert pq.read_table(path).column("x").to_pylist() == [1, 2]
    assert leftovers(tmp_path) == []


def test_two_writers_never_share_a_temporary_name(tmp_path):
    path = tmp_path / "state.parquet"
    names = {atomic.temporary_name(path) for _ in range(100)}
    assert len(names) == 100 and all(
        n.parent == tmp_path and n.name.startswith(".state.parquet.") for n in names
    )


def test_a_streamed_file_appears_only_when_closed(tmp_path):
    path = tmp_path / "shard.parquet"
    schema = pa.schema([("x", pa.int64())])
    with atomic.StreamedParquet(path, schema) as out:
        out.write(pa.table({"x": [1]}, schema=schema))
        out.write(pa.table({"x": [2, 3]}, schema=schema))
        assert not path.exists() and len(leftovers(tmp_path)) == 1
    assert pq.read_table(path).column("x").to_pylist() == [1, 2, 3] and out.rows == 3
    with pytest.raises(ValueError), atomic.StreamedParquet(tmp_path / "other.parquet", schema) as out:
        out.write(pa.table({"x": [4]}, schema=schema))
        raise ValueError("a bad batch")
    assert not (tmp_path / "other.parquet").exists() and leftovers(tmp_path) == []


def test_the_rename_is_flushed_to_the_folder(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), real(fd)))
    atomic.write_text(tmp_path / "f.txt", "x")
    assert synced[-1] == str(tmp_path) and synced[0].endswith(".tmp")
