"""akhbar.shards.plan: a source's raw records cut into ranges, repeats marked, ranges read back."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar.schema import RAW_RECORD
from akhbar.shards.plan import ShardPlan, cut, iter_shard, parse_shard_id, shard_id


def raw_file(path, ids: list[str], row_group: int = 4):
    n = len(ids)
    cols = {
        "record_id": ids,
        "source_id": ["s"] * n,
        "kind": ["jsonl"] * n,
        "locator": [f"f.jsonl:{i + 1}" for i in range(n)],
        "fetched_at": [dt.datetime(2026, 11, 28, tzinfo=dt.UTC)] * n,
        "body": [f"body {i}".encode() for i in range(n)],
    }
    table = pa.Table.from_arrays(
        [pa.array(cols[f.name], f.type) if f.name in cols else pa.nulls(n, f.type) for f in RAW_RECORD],
        schema=RAW_RECORD,
    )
    pq.write_table(table, path, row_group_size=row_group)
    return path


def test_shards_are_consecutive_ranges_of_at_most_the_shard_size(tmp_path):
    path = raw_file(tmp_path / "r.parquet", [f"id{i}" for i in range(10)])
    plan = cut(path, "s", 4)
    assert [(s.start, s.stop) for s in plan.shards] == [(0, 4), (4, 8), (8, 10)]
    assert [s.id for s in plan.shards] == ["s/00000", "s/00001", "s/00002"]
    assert plan.raw_rows == 10 and cut(path, "s", 10).shards[0].rows == 10
    assert cut(tmp_path / "missing.parquet", "s", 4).shards == ()
    with pytest.raises(ValueError, match="positive"):
        cut(path, "s", 0)


def test_a_repeated_record_is_marked_where_it_repeats_whatever_the_cut(tmp_path):
    ids = ["a", "b", "c", "a", "d", "e", "b", "f", "a"]
    path = raw_file(tmp_path / "r.parquet", ids)
    for size in (1, 2, 3, 9):
        repeated = sorted(r for s in cut(path, "s", size).shards for r in s.repeated)
        assert repeated == [3, 6, 8], size  # the first copy is kept, in the source's order


def test_a_plan_survives_its_file_and_names_its_shards(tmp_path):
    plan = cut(raw_file(tmp_path / "r.parquet", ["a", "b", "a"]), "s", 2)
    plan.save(tmp_path / "plan.json")
    assert ShardPlan.load(tmp_path / "plan.json") == plan
    assert plan.shard(1).repeated == (2,)
    with pytest.raises(KeyError, match="2 shard"):
        plan.shard(2)
    assert parse_shard_id(shard_id("my-source", 12)) == ("my-source", 12)
    with pytest.raises(ValueError, match="not a shard id"):
        parse_shard_id("no-index")


def test_reading_a_shard_yields_its_rows_only_with_their_positions(tmp_path):
    path = raw_file(tmp_path / "r.parquet", [f"id{i}" for i in range(23)], row_group=5)
    for shard in cut(path, "s", 7).shards:
        batches = list(iter_shard(path, shard, batch_rows=3, columns=["record_id"]))
        rows = [r for b in batches for r in b.column("_row").to_pylist()]
        assert rows == list(range(shard.start, shard.stop))
        assert [r for b in batches for r in b.column("record_id").to_pylist()] == [f"id{i}" for i in rows]
        assert all(b.num_rows <= 3 + 4 for b in batches)  # a batch, plus at most the rest of a row group
