"""What needs the whole night, computed from the shards' small outputs, never from their texts.

* the keyword document frequencies: the sum of the shards' (term, df) tables;
* each source's boilerplate shingles: the merge of its shards' samples;
* a shard whose extraction did not finish (its task failed for good): its raw records are quarantined
  with the reason, so that the night still accounts for every record and the other sources go on.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar.dedup import PARAMS, DedupParams
from akhbar.dedup.boilerplate import (
    ShardSample,
    boilerplate_shingles,
    boilerplate_table,
    source_counts,
)
from akhbar.enrichment.keywords import DOCFREQ_SCHEMA, DocFreq
from akhbar.quarantine import QuarantineBuilder
from akhbar.schema import CLEANED_DOCUMENT, QUARANTINE
from akhbar.shards.extract import ShardFigures
from akhbar.shards.layout import ShardFiles, SourceShards, StreamedTable, write_json, write_table
from akhbar.shards.plan import Shard, ShardPlan, iter_shard
from akhbar.stats import StageCounts

log = logging.getLogger(__name__)

FAILED_SHARD = "shard_failed"


@dataclass(frozen=True)
class SourceNight:
    """One source's raw file of the night, its shards and their folder."""

    source_id: str
    raw_file: Path
    plan: ShardPlan
    folder: SourceShards

    def shards(self) -> Iterator[tuple[Shard, ShardFiles]]:
        for shard in self.plan.shards:
            yield shard, self.folder.shard(shard.index)


def quarantine_shard(
    source: SourceNight, shard: Shard, files: ShardFiles, *, night: _dt.date, detail: str, batch_rows: int
) -> ShardFigures:
    """Every raw record of a shard whose extraction did not finish, quarantined with the reason and its bytes."""
    figures = ShardFigures(
        shard, StageCounts(stage=f"extract:{shard.source_id}"), StageCounts(stage=f"clean:{shard.source_id}")
    )
    with StreamedTable(files.quarantine, QUARANTINE) as out:
        for raw in iter_shard(source.raw_file, shard, batch_rows, columns=["record_id", "locator", "body"]):
            rejected = QuarantineBuilder("extract", night)
            for record_id, locator, body in zip(
                *(raw.column(c).to_pylist() for c in ("record_id", "locator", "body"))
            ):
                rejected.reject(
                    record_id=record_id,
                    source_id=shard.source_id,
                    reason=FAILED_SHARD,
                    detail=detail,
                    locator=locator,
                    body=body,
                )
            out.write(rejected.table())
    figures.extract.records_in = figures.extract.rejected = shard.rows
    figures.extract.extra["reasons"] = {FAILED_SHARD: shard.rows}
    write_table(CLEANED_DOCUMENT.empty_table(), files.cleaned)
    write_table(DocFreq().to_table(), files.doc_freq)
    write_table(ShardSample(shard.source_id, 1).table(PARAMS), files.sample)
    write_json(figures.as_dict(), files.extracted)
    return figures


def _sum_doc_freq(tables: list[pa.Table]) -> pa.Table:
    summed = (
        pa.concat_tables([t.cast(DOCFREQ_SCHEMA) for t in tables]).group_by("term").aggregate([("df", "sum")])
    )
    return pa.table({"term": summed.column("term"), "df": summed.column("df_sum")}, schema=DOCFREQ_SCHEMA)


def night_doc_freq(parts: list[Path], fan_in: int = 8) -> pa.Table:
    """The sum of the shards' document frequencies, sorted by term, ``n_docs`` in the metadata. Shards are
    added ``fan_in`` at a time: memory holds the night's vocabulary and a few shards', not every shard's."""
    n_docs = sum(int((pq.read_schema(p).metadata or {}).get(b"n_docs", b"0")) for p in parts)
    summed = DOCFREQ_SCHEMA.empty_table()
    for i in range(0, len(parts), fan_in):
        summed = _sum_doc_freq([summed, *(pq.read_table(p) for p in parts[i : i + fan_in])])
    summed = summed.take(pc.sort_indices(summed, sort_keys=[("term", "ascending")]))
    return summed.replace_schema_metadata({"n_docs": str(n_docs)})


def night_boilerplate(sources: list[SourceNight], params: DedupParams = PARAMS) -> pa.Table:
    """Each source's boilerplate shingles, from its shards' samples."""
    by_source = {}
    for source in sources:
        samples = [files.sample for _, files in source.shards() if files.sample.exists()]
        by_source[source.source_id] = boilerplate_shingles(source_counts(samples, params), params)
    return boilerplate_table(by_source)


def source_figures(source: SourceNight) -> tuple[StageCounts, StageCounts]:
    """The extraction and cleaning figures of a source: the sum of its shards'."""
    import json

    extract, clean = (
        StageCounts(stage=f"extract:{source.source_id}"),
        StageCounts(stage=f"clean:{source.source_id}"),
    )
    for _, files in source.shards():
        data = json.loads(files.extracted.read_text(encoding="utf-8"))
        for counts, key in ((extract, "extract"), (clean, "clean")):
            part = dict(data[key])
            part.pop("stage", None)
            counts.merge(StageCounts(stage=counts.stage, **part))
    return extract, clean
