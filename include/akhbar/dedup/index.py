"""The persistent index on disk: one Parquet file per night, its format, its lock and its generation.

``index_dir/dt=YYYY-MM-DD.parquet`` holds one row per article of that night (see :func:`index_schema`);
``index_dir/_format.json`` and each file's schema metadata record the parameters. Rows are read by
position through :class:`Parts`, a list of files (or tables) read one row group at a time: a night's
signatures are never all in memory.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import pathlib
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.dedup.params import DedupParams, IndexFormatError
from akhbar.schema import TS

FORMAT_KEY = b"akhbar.dedup.format"
ROW_GROUP_ROWS = 65_536
# Random numbers: a dictionary only costs time (and space) before Parquet falls back to plain pages.
RANDOM_COLUMNS = ("signature", "band_keys")
# What the clustering reads of every row (of tonight and of the other nights).
LIGHT_COLUMNS = ["article_id", "dt", "published_at", "url_key", "content_hash", "near_ok", "band_keys"]
# Only the DUPLICATES rows need these: read for the duplicates alone.
DUPLICATE_COLUMNS = ["source_id", "url", "title"]
_GENERATION_FILE = "_generation"


def index_schema(params: DedupParams) -> pa.Schema:
    fields = [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("published_at", TS),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("url_key", pa.string()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("n_shingles", pa.int32(), nullable=False),
        pa.field("near_ok", pa.bool_(), nullable=False),
        pa.field("band_keys", pa.list_(pa.int64(), params.bands), nullable=False),
        pa.field("signature", pa.list_(pa.uint32(), params.num_perm), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("links", pa.list_(pa.string())),
    ]
    return pa.schema(fields, metadata={FORMAT_KEY: json.dumps(params.fingerprint(), sort_keys=True).encode()})


def entry_schema(params: DedupParams) -> pa.Schema:
    """An article as a shard signs it: the index row without what the clustering decides."""
    schema = index_schema(params)
    return pa.schema([f for f in schema if f.name not in ("cluster_id", "links")], metadata=schema.metadata)


def night_path(index_dir: pathlib.Path, dt: datetime.date) -> pathlib.Path:
    return index_dir / f"dt={dt.isoformat()}.parquet"


def night_files(index_dir: pathlib.Path) -> dict[datetime.date, pathlib.Path]:
    out = {}
    for p in sorted(index_dir.glob("dt=*.parquet")):
        try:
            out[datetime.date.fromisoformat(p.stem[3:])] = p
        except ValueError:
            continue
    return out


def check_format(index_dir: pathlib.Path, params: DedupParams) -> None:
    want = params.fingerprint()
    fmt = index_dir / "_format.json"
    hint = (
        f"Delete {index_dir} and reprocess the nights (a backfill) to rebuild the index with the current "
        "parameters, or run with the parameters it was built with."
    )
    if fmt.exists():
        have = json.loads(fmt.read_text())
        if have != want:
            raise IndexFormatError(
                f"dedup index {index_dir} was built with {have}, this code uses {want}. {hint}"
            )
    elif night_files(index_dir):
        raise IndexFormatError(f"dedup index {index_dir} has night files but no _format.json. {hint}")
    else:
        atomic_write_text(fmt, json.dumps(want, sort_keys=True, indent=1))


def check_file_format(path: pathlib.Path, params: DedupParams) -> None:
    meta = pq.read_schema(path).metadata or {}
    have = json.loads(meta.get(FORMAT_KEY, b"null"))
    if have != params.fingerprint():
        raise IndexFormatError(
            f"dedup index file {path} was written with {have}, this code uses {params.fingerprint()}; "
            f"delete {path.parent} and reprocess the nights to rebuild it"
        )


def atomic_write_text(path: pathlib.Path, text: str) -> None:
    atomic.write_text(path, text)


def parquet_writer(path: pathlib.Path, schema: pa.Schema) -> pq.ParquetWriter:
    dictionary = [name for name in schema.names if name not in RANDOM_COLUMNS]
    return pq.ParquetWriter(path, schema, compression="zstd", use_dictionary=dictionary)


def atomic_write_table(table: pa.Table, path: pathlib.Path) -> None:
    with atomic.replacing(path) as tmp, parquet_writer(tmp, table.schema) as writer:
        writer.write_table(table, row_group_size=ROW_GROUP_ROWS)


@contextmanager
def locked(index_dir: pathlib.Path):
    """One deduplication at a time on an index (processes of any machine sharing the folder)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def index_generation(index_dir: pathlib.Path) -> int:
    """How many deduplications have changed the index so far. A night whose deduplication saw
    generation g is stale if the index is past g when the night is published: another night's
    deduplication ran in between and may have changed this night's heads."""
    path = pathlib.Path(index_dir) / _GENERATION_FILE
    try:
        return int(path.read_text().strip() or 0)
    except FileNotFoundError:
        return 0


def bump_generation(index_dir: pathlib.Path) -> int:
    generation = index_generation(index_dir) + 1
    atomic_write_text(index_dir / _GENERATION_FILE, str(generation))
    return generation


class Parts:
    """Rows of several Parquet files (or in-memory tables) as one sequence, read by position."""

    def __init__(self, parts: list[pathlib.Path | pa.Table]):
        self.parts = list(parts)
        sizes = [
            p.num_rows if isinstance(p, pa.Table) else pq.ParquetFile(p).metadata.num_rows for p in self.parts
        ]
        self.starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))

    @property
    def num_rows(self) -> int:
        return int(self.starts[-1])

    def read(self, columns: list[str], schema: pa.Schema) -> pa.Table:
        """``columns`` of every row, in order."""
        target = pa.schema([schema.field(c) for c in columns])
        tables = [
            (p.select(columns) if isinstance(p, pa.Table) else pq.read_table(p, columns=columns)).cast(target)
            for p in self.parts
        ]
        return pa.concat_tables([target.empty_table(), *tables]).combine_chunks()

    def part_of(self, rows: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, rows, side="right") - 1

    def take(self, rows: np.ndarray, columns: list[str], schema: pa.Schema) -> pa.Table:
        """``columns`` of the given rows, in the order given; only the row groups holding them are read."""
        rows = np.asarray(rows, np.int64)
        order = np.argsort(rows, kind="stable")
        target = pa.schema([schema.field(c) for c in columns])
        pieces = [target.empty_table()]
        part = self.part_of(rows[order]) if len(rows) else np.zeros(0, np.int64)
        for p in np.unique(part).tolist():
            local = rows[order][part == p] - self.starts[p]
            pieces.append(_take_rows(self.parts[p], local, columns).cast(target))
        table = pa.concat_tables(pieces).combine_chunks()
        back = np.empty(len(rows), np.int64)
        back[order] = np.arange(len(rows))
        return table.take(pa.array(back, pa.int64()))

    def signatures(self, rows: np.ndarray, params: DedupParams, schema: pa.Schema) -> np.ndarray:
        col = self.take(rows, ["signature"], schema).column("signature").combine_chunks()
        return np.asarray(col.values, dtype=np.uint32).reshape(-1, params.num_perm)


def _take_rows(part: pathlib.Path | pa.Table, local: np.ndarray, columns: list[str]) -> pa.Table:
    """Rows ``local`` (sorted positions) of one part."""
    if isinstance(part, pa.Table):
        return part.select(columns).take(pa.array(local, pa.int64()))
    pf = pq.ParquetFile(part)
    sizes = [pf.metadata.row_group(g).num_rows for g in range(pf.metadata.num_row_groups)]
    group_starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
    group_of = np.searchsorted(group_starts, local, side="right") - 1
    pieces = []
    for g in np.unique(group_of).tolist():
        table = pf.read_row_group(g, columns=columns)
        pieces.append(table.take(pa.array(local[group_of == g] - group_starts[g], pa.int64())))
    return pa.concat_tables(pieces)
