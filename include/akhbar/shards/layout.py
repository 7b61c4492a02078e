"""Where a night's shards keep their work: ``<work dir>/shards/source=<id>/`` per source, with the
source's plan and one folder per shard. A shard's outputs are written whole (temporary file, then
rename), and its figures last: a shard whose figures exist is done."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Row groups of the shard files: a later stage streams them group by group.
ROW_GROUP_ROWS = 65_536


@dataclass(frozen=True)
class SourceShards:
    """A source's folder of shards for one night."""

    folder: Path

    @property
    def plan(self) -> Path:
        return self.folder / "plan.json"

    def shard(self, index: int) -> ShardFiles:
        return ShardFiles(self.folder / f"{index:05d}")


@dataclass(frozen=True)
class ShardFiles:
    """The files of one shard."""

    folder: Path

    # extract_clean
    @property
    def cleaned(self) -> Path:
        return self.folder / "cleaned.parquet"

    @property
    def quarantine(self) -> Path:
        return self.folder / "quarantine.parquet"

    @property
    def doc_freq(self) -> Path:
        return self.folder / "docfreq.parquet"

    @property
    def sample(self) -> Path:
        return self.folder / "boilerplate-sample.parquet"

    @property
    def extracted(self) -> Path:
        return self.folder / "extract_clean.json"

    # enrich
    @property
    def articles(self) -> Path:
        return self.folder / "articles.parquet"

    @property
    def places(self) -> Path:
        return self.folder / "article_places.parquet"

    @property
    def dates(self) -> Path:
        return self.folder / "article_dates.parquet"

    @property
    def keywords(self) -> Path:
        return self.folder / "article_keywords.parquet"

    @property
    def entries(self) -> Path:
        return self.folder / "dedup_entries.parquet"

    @property
    def enriched(self) -> Path:
        return self.folder / "enrich.json"


def temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def write_table(table: pa.Table, path: Path) -> None:
    tmp = temporary(path)
    pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    os.replace(tmp, path)


def write_json(data: dict, path: Path) -> None:
    tmp = temporary(path)
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


class StreamedTable:
    """A Parquet file written batch by batch under a temporary name, renamed when complete."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.tmp = temporary(path)
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self.writer.write_table(table.cast(self.schema), row_group_size=ROW_GROUP_ROWS)
            self.rows += table.num_rows

    def close(self) -> None:
        self.writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False
