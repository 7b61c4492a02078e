"""Files outside the catalog written whole or not at all.

Every file the pipeline keeps between tasks (work files of a night, shard outputs, fetch state,
the dedup index, counts) is written under a unique temporary name in its own folder, flushed to
disk, renamed over its final name, and the folder flushed too: a reader sees the old file or the
new one, never a part, and a crash (or a kill, or a power cut) leaves at worst a ``.*.tmp`` file
that ``akhbar_maintenance`` removes. Two writers of the same file never share a temporary name.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

TEMPORARY_SUFFIX = ".tmp"


def temporary_name(path: Path) -> Path:
    """A fresh hidden name beside ``path`` (its folder created): ``.<name>.<random>.tmp``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(tmp: Path, path: Path) -> None:
    """Make a fully written temporary file ``path``: flush it, rename it, flush the folder."""
    _fsync_file(tmp)
    os.replace(tmp, path)
    _fsync_folder(path.parent)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """``with replacing(path) as tmp: <write tmp>``: ``path`` is replaced when the block ends
    normally; on an exception the temporary file is removed and ``path`` is left as it was."""
    tmp = temporary_name(path)
    try:
        yield tmp
        commit(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, default=str))


def write_parquet(path: Path, table: pa.Table, **options: Any) -> None:
    """``pq.write_table(table, path, **options)``, whole or not at all."""
    with replacing(path) as tmp:
        pq.write_table(table, tmp, **options)


class StreamedParquet:
    """A Parquet file written batch by batch under a temporary name, in place when closed, gone
    when aborted (also as a context manager: aborted on an exception)."""

    def __init__(
        self,
        path: Path,
        schema: pa.Schema,
        writer: Callable[[Path, pa.Schema], pq.ParquetWriter] | None = None,
        **options: Any,
    ):
        self.path, self.schema = path, schema
        self.tmp = temporary_name(path)
        self.writer = writer(self.tmp, schema) if writer else pq.ParquetWriter(self.tmp, schema, **options)
        self.rows = 0

    def write(self, table: pa.Table, **options: Any) -> None:
        if table.num_rows:
            self.writer.write_table(table, **options)
            self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()
        commit(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.writer.close()
        finally:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> StreamedParquet:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
