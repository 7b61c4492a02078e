"""A source's raw records of a night cut into shards: consecutive ranges of its raw-zone file.

The raw zone keeps one immutable file per source and night, in the order the records were fetched
(a source's files in name order, each file's records in order). A shard is at most
``shard_records`` consecutive rows of it: a small WARC or dump file is one shard or part of one, a
large one several. The cut reads the record ids only. A record id met a second time in the source
(the same item fetched twice) is marked on the shard that holds the repeat, whatever the shard of
the first one, so that every way of cutting the night keeps the same first copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar import atomic


@dataclass(frozen=True)
class Shard:
    source_id: str
    index: int
    start: int  # first row of the source's raw file
    stop: int  # one past the last row
    repeated: tuple[int, ...] = ()  # rows (of the raw file) repeating a record id met before

    @property
    def id(self) -> str:
        return shard_id(self.source_id, self.index)

    @property
    def rows(self) -> int:
        return self.stop - self.start


def shard_id(source_id: str, index: int) -> str:
    return f"{source_id}/{index:05d}"


def parse_shard_id(value: str) -> tuple[str, int]:
    """``"<source>/<index>"`` -> (source id, index); a clear error otherwise."""
    source_id, sep, index = str(value).rpartition("/")
    if not sep or not source_id or not index.isdigit():
        raise ValueError(f"not a shard id (expected '<source id>/<number>'): {value!r}")
    return source_id, int(index)


@dataclass(frozen=True)
class ShardPlan:
    source_id: str
    raw_rows: int
    shard_records: int
    shards: tuple[Shard, ...]

    def save(self, path: Path) -> None:
        atomic.write_text(path, json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> ShardPlan:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        shards = tuple(Shard(**{**s, "repeated": tuple(s["repeated"])}) for s in data.pop("shards"))
        return cls(**data, shards=shards)

    def shard(self, index: int) -> Shard:
        if not 0 <= index < len(self.shards):
            raise KeyError(
                f"source {self.source_id} has {len(self.shards)} shard(s) tonight, not shard {index}"
            )
        return self.shards[index]


def repeated_rows(record_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Rows whose record id appeared on an earlier row."""
    if not len(record_ids):
        return np.zeros(0, np.int64)
    codes = np.asarray(
        pc.dictionary_encode(record_ids).combine_chunks().indices
        if isinstance(record_ids, pa.ChunkedArray)
        else pc.dictionary_encode(record_ids).indices,
        dtype=np.int64,
    )
    first = np.zeros(len(codes), bool)
    first[np.unique(codes, return_index=True)[1]] = True
    return np.flatnonzero(~first)


def cut(raw_file: Path | None, source_id: str, shard_records: int) -> ShardPlan:
    """The shards of one source's raw file (none when it is missing or empty)."""
    if shard_records < 1:
        raise ValueError(f"shard_records must be positive, not {shard_records}")
    if raw_file is None or not Path(raw_file).exists():
        return ShardPlan(source_id, 0, shard_records, ())
    ids = pq.read_table(raw_file, columns=["record_id"]).column("record_id")
    repeats = repeated_rows(ids)
    shards = []
    for index, start in enumerate(range(0, len(ids), shard_records)):
        stop = min(start + shard_records, len(ids))
        mine = repeats[(repeats >= start) & (repeats < stop)]
        shards.append(Shard(source_id, index, start, stop, tuple(int(r) for r in mine)))
    return ShardPlan(source_id, len(ids), shard_records, tuple(shards))


def iter_shard(
    raw_file: Path, shard: Shard, batch_rows: int, columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """The shard's raw records, ``batch_rows`` at a time, reading only the row groups that hold them;
    each batch carries its rows' positions in the raw file (column ``_row``)."""
    pf = pq.ParquetFile(raw_file)
    sizes = [pf.metadata.row_group(g).num_rows for g in range(pf.metadata.num_row_groups)]
    starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    groups = [g for g in range(len(sizes)) if starts[g] < shard.stop and starts[g + 1] > shard.start]
    if not groups:
        return
    row = int(starts[groups[0]])
    pending: list[pa.Table] = []
    held = 0
    for batch in pf.iter_batches(batch_size=batch_rows, row_groups=groups, columns=columns):
        lo, hi = max(shard.start - row, 0), min(shard.stop - row, batch.num_rows)
        if hi > lo:
            piece = pa.Table.from_batches([batch.slice(lo, hi - lo)])
            pending.append(piece.append_column("_row", pa.array(np.arange(row + lo, row + hi), pa.int64())))
            held += hi - lo
        row += batch.num_rows
        if held >= batch_rows:
            yield pa.concat_tables(pending)
            pending, held = [], 0
        if row >= shard.stop:
            break
    if pending:
        yield pa.concat_tables(pending)
