"""Enrichment of one shard, its articles signed for the deduplication and their sentence vectors.

Runs once the night's reductions are known: keywords are weighed against the document frequencies
of the whole night, and each article is signed with its source's boilerplate removed. The shard's
cleaned documents are read batch by batch; of the night's frequencies only the terms of this shard
are loaded. Last, every article of the shard (duplicates included: dedup decides later) is
embedded for the stories step, batch by batch from the shard's articles file
(:func:`akhbar.stories.embeddings.encode_articles`): the night's most expensive step spreads over
the shards like the rest.
"""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from akhbar.dedup import PARAMS, DedupParams
from akhbar.dedup.entries import article_entries
from akhbar.dedup.index import entry_schema
from akhbar.enrichment.keywords import DocFreq
from akhbar.schema import ARTICLE, ARTICLE_CHILD_TABLES
from akhbar.shards.layout import ShardFiles, StreamedTable, write_json
from akhbar.stats import StageCounts
from akhbar.stories import PARAMS as STORY_PARAMS


@dataclass(frozen=True)
class NightContext:
    """What every shard of a night is enriched with."""

    night: _dt.date
    doc_freq: Path  # the night's keyword document frequencies (term, df; n_docs in the metadata)
    boilerplate: dict  # source id -> its boilerplate shingles (sorted uint64)
    categories: dict  # source id -> raw label -> category
    batch_rows: int
    params: DedupParams = PARAMS
    lead_words: int = STORY_PARAMS.lead_words  # the text embedded: title + this many words (stories)


def shard_doc_freq(night_doc_freq: Path, texts: pa.ChunkedArray) -> DocFreq:
    """The night's document frequencies of the terms found in ``texts`` (all a shard's keywords need)."""
    from akhbar.enrichment.keywords import _tokens

    # Every distinct token: the night's table holds content terms only, so the others find nothing.
    terms = _tokens(texts).vocab_arrow
    meta = pq.read_schema(night_doc_freq).metadata or {}
    n_docs = int(meta.get(b"n_docs", b"0"))
    if not len(terms):
        return DocFreq({}, n_docs)
    found = ds.dataset(night_doc_freq).to_table(filter=ds.field("term").isin(terms))
    return DocFreq(dict(zip(found.column("term").to_pylist(), found.column("df").to_pylist())), n_docs)


def _streams(files: ShardFiles, params: DedupParams) -> dict[str, StreamedTable]:
    """The shard's outputs, written batch by batch: its articles, each child table (by name) and
    the articles' dedup entries."""
    streams = {"articles": StreamedTable(files.articles, ARTICLE)}
    streams |= {
        name: StreamedTable(path, ARTICLE_CHILD_TABLES[name]) for name, path in files.children.items()
    }
    streams["entries"] = StreamedTable(files.entries, entry_schema(params))
    return streams


def _enrich_batches(files: ShardFiles, source_id: str, context: NightContext, streams: dict) -> StageCounts:
    from akhbar.enrichment import enrich as enrich_table

    counts = StageCounts(stage="enrich")
    texts = pq.read_table(files.cleaned, columns=["text_search"]).column("text_search")
    doc_freq = shard_doc_freq(context.doc_freq, texts)
    boilerplate = {source_id: context.boilerplate.get(source_id, np.zeros(0, np.uint64))}
    for batch in pq.ParquetFile(files.cleaned).iter_batches(batch_size=context.batch_rows):
        result = enrich_table(
            pa.Table.from_batches([batch]), dt=context.night, doc_freq=doc_freq, categories=context.categories
        )
        counts.merge(result.counts)
        streams["articles"].write(result.articles)
        for name, table in result.children.items():
            streams[name].write(table)
        streams["entries"].write(
            article_entries(result.articles, dt=context.night, boilerplate=boilerplate, params=context.params)
        )
    return counts


def _embed(files: ShardFiles, context: NightContext, counts: StageCounts) -> None:
    """The sentence vectors of the shard's articles (kept when a retry finds the same texts)."""
    from akhbar.stories.embeddings import encode_articles

    started = time.perf_counter()
    encoded = encode_articles(
        files.articles, files.embeddings, context.lead_words, batch_rows=context.batch_rows
    )
    counts.extra.update(encoded=encoded, embed_seconds=round(time.perf_counter() - started, 3))


def enrich_shard(files: ShardFiles, source_id: str, context: NightContext) -> StageCounts:
    """A shard's cleaned documents -> its articles, its rows of each child table and dedup entries."""
    started = time.perf_counter()
    streams = _streams(files, context.params)
    try:
        counts = _enrich_batches(files, source_id, context, streams)
    except BaseException:
        for stream in streams.values():
            stream.abort()
        raise
    for stream in streams.values():
        stream.close()
    _embed(files, context, counts)
    counts.seconds = time.perf_counter() - started  # the shard's time, signing and embedding included
    write_json({"enrich": counts.as_dict()}, files.enriched)
    return counts
