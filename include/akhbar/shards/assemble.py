"""The night's work files from its shards, once deduplicated: what staging reads.

The articles of every shard, in the night's order, with the deduplication's decisions (rows in the
same order) set on them; of each child table of articles, the rows of every shard after one another.
Each is streamed batch by batch: the night's texts pass through, they are never all in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar.dedup import with_decisions
from akhbar.schema import ARTICLE, ARTICLE_CHILD_TABLES
from akhbar.shards.layout import ShardFiles, StreamedTable

BATCH_ROWS = 8_192


@dataclass(frozen=True)
class NightWorkFiles:
    articles: Path
    children: Mapping[str, Path]  # child table of articles (schema.ARTICLE_CHILD_TABLES) -> its file


def _articles(shards: list[ShardFiles], decisions: pa.Table, out: Path) -> int:
    offset = 0
    with StreamedTable(out, ARTICLE) as writer:
        for files in shards:
            for batch in pq.ParquetFile(files.articles).iter_batches(batch_size=BATCH_ROWS):
                mine = decisions.slice(offset, batch.num_rows)
                if not pc.all(pc.equal(mine.column("article_id"), batch.column("article_id"))).as_py():
                    raise RuntimeError(
                        f"dedup decisions do not line up with the articles of {files.folder} "
                        f"(row {offset}): the shard was enriched again after the deduplication"
                    )
                writer.write(with_decisions(pa.Table.from_batches([batch]).cast(ARTICLE), mine))
                offset += batch.num_rows
    if offset != decisions.num_rows:
        raise RuntimeError(f"{decisions.num_rows} dedup decisions for {offset} articles in the shards")
    return offset


def _concatenated(parts: list[Path], schema: pa.Schema, out: Path) -> None:
    with StreamedTable(out, schema) as writer:
        for path in parts:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS * 4):
                writer.write(pa.Table.from_batches([batch]))


def assemble_night(shards: list[ShardFiles], decisions: pa.Table, out: NightWorkFiles) -> int:
    """Write the night's work files; returns the number of articles."""
    n = _articles(shards, decisions, out.articles)
    for name, path in out.children.items():
        _concatenated([files.child(name) for files in shards], ARTICLE_CHILD_TABLES[name], path)
    return n
