"""Extraction and cleaning of one shard, and the small counts the night's reductions need from it.

A shard's raw records go through extraction (HTML main text, dates) and cleaning batch by batch,
straight to its files: its memory is one batch. Beside its documents it keeps what the night needs
from its texts without reading them again: the keyword document frequencies of its documents and a
sample of its source's texts for the boilerplate (see :mod:`akhbar.dedup.boilerplate`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from akhbar.dedup import PARAMS, DedupParams
from akhbar.dedup.boilerplate import ShardSample
from akhbar.enrichment.keywords import DocFreq
from akhbar.quarantine import QuarantineBuilder
from akhbar.schema import CLEANED_DOCUMENT, QUARANTINE
from akhbar.shards.layout import ShardFiles, StreamedTable, write_json, write_table
from akhbar.shards.plan import Shard, iter_shard
from akhbar.stats import StageCounts


def extract_batch(raw: pa.Table, night: _dt.date) -> tuple[pa.Table, pa.Table, StageCounts]:
    """RAW_RECORD rows -> (DOCUMENT, QUARANTINE, counts): the pipeline's one call into extraction."""
    from akhbar.extraction import extract_records

    return extract_records(raw, dt=night)


@dataclass
class ShardFigures:
    """What a shard's extraction and cleaning did, saved as the shard's done mark."""

    shard: Shard
    extract: StageCounts
    clean: StageCounts

    def as_dict(self) -> dict:
        return {
            "shard": self.shard.id,
            "raw_rows": self.shard.rows,
            "extract": self.extract.as_dict(),
            "clean": self.clean.as_dict(),
        }


def _set_repeats_aside(raw: pa.Table, shard: Shard, night: _dt.date) -> tuple[pa.Table, pa.Table]:
    """Rows repeating a record already fetched this night go to the quarantine, once each."""
    if not shard.repeated:
        return raw, QUARANTINE.empty_table()
    repeated = set(shard.repeated)
    rows = raw.column("_row").to_pylist()
    keep = [i for i, r in enumerate(rows) if r not in repeated]
    quarantine = QuarantineBuilder("extract", night)
    for i in (i for i, r in enumerate(rows) if r in repeated):
        quarantine.reject(
            record_id=raw.column("record_id")[i].as_py(),
            source_id=shard.source_id,
            reason="repeated_record",
            detail="record already fetched this night",
            locator=raw.column("locator")[i].as_py(),
        )
    return raw.take(pa.array(keep, pa.int64())), quarantine.table()


def _count_repeats(counts: StageCounts, n: int) -> None:
    counts.records_in += n
    counts.rejected += n
    reasons = counts.extra.setdefault("reasons", {})
    reasons["repeated_record"] = reasons.get("repeated_record", 0) + n


def extract_clean_shard(
    raw_file: Path,
    shard: Shard,
    files: ShardFiles,
    *,
    night: _dt.date,
    batch_rows: int,
    params: DedupParams = PARAMS,
) -> ShardFigures:
    """Raw records of one shard -> its cleaned documents, its quarantine and its counts."""
    from akhbar.cleaning import clean_documents

    figures = ShardFigures(
        shard, StageCounts(stage=f"extract:{shard.source_id}"), StageCounts(stage=f"clean:{shard.source_id}")
    )
    doc_freq = DocFreq()
    sample = ShardSample(shard.source_id, params.boilerplate_sample)
    with (
        StreamedTable(files.cleaned, CLEANED_DOCUMENT) as cleaned_out,
        StreamedTable(files.quarantine, QUARANTINE) as quarantine_out,
    ):
        for raw in iter_shard(raw_file, shard, batch_rows):
            raw, repeats = _set_repeats_aside(raw, shard, night)
            docs, rejected, extract_counts = extract_batch(raw.drop_columns(["_row"]), night)
            cleaned, unclean, clean_counts = clean_documents(docs, dt=night)
            if repeats.num_rows:
                _count_repeats(extract_counts, repeats.num_rows)
            figures.extract.merge(extract_counts)
            figures.clean.merge(clean_counts)
            for table in (repeats, rejected, unclean):
                quarantine_out.write(table)
            cleaned_out.write(cleaned)
            doc_freq.update(cleaned.column("text_search"))
            sample.add(cleaned.column("content_hash"), cleaned.column("text_search"))
    write_table(doc_freq.to_table(), files.doc_freq)
    write_table(sample.table(params), files.sample)
    write_json(figures.as_dict(), files.extracted)
    return figures
