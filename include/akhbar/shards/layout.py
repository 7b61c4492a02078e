"""Where a night's shards keep their work: ``<work dir>/shards/source=<id>/`` per source, with the
source's plan and one folder per shard. A shard's outputs are written whole (temporary file, then
rename), and its figures last: a shard whose figures exist is done."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from akhbar import atomic
from akhbar.schema import ARTICLE_CHILD_TABLES

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

    def child(self, table: str) -> Path:
        """The shard's rows of a child table of articles (schema.ARTICLE_CHILD_TABLES), by its name."""
        return self.folder / f"{table}.parquet"

    @property
    def children(self) -> dict[str, Path]:
        """Every child table of articles -> the shard's file of it."""
        return {table: self.child(table) for table in ARTICLE_CHILD_TABLES}

    @property
    def entries(self) -> Path:
        return self.folder / "dedup_entries.parquet"

    @property
    def embeddings(self) -> Path:
        """ARTICLE_EMBEDDINGS rows of the shard's articles (read by the night's stories step)."""
        return self.folder / "article_embeddings.parquet"

    @property
    def enriched(self) -> Path:
        return self.folder / "enrich.json"


def write_table(table: pa.Table, path: Path) -> None:
    atomic.write_parquet(path, table, compression="zstd", row_group_size=ROW_GROUP_ROWS)


def write_json(data: dict, path: Path) -> None:
    atomic.write_json(path, data)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


class StreamedTable(atomic.StreamedParquet):
    """A shard's Parquet file written batch by batch (cast to its schema, row groups of the lake's
    size) under a temporary name, in place when complete."""

    def __init__(self, path: Path, schema: pa.Schema):
        super().__init__(path, schema, compression="zstd")

    def write(self, table: pa.Table, **options: Any) -> None:
        super().write(table.cast(self.schema), row_group_size=ROW_GROUP_ROWS)
