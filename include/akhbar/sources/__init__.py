"""Fetch: one source of the registry -> a stream of RAW_RECORD batches.

The pipeline calls :func:`fetch_source` once per enabled source (one mapped Airflow task
each). Nothing is dropped: a record that could not be fetched or parsed is yielded with
``error`` = "<reason_code>: <detail>" and the bytes it had; the next stage quarantines it.
One bad item, line, row, document or WARC record is one such record, and the reader goes
on at the next one; only a failure of the whole source raises (the pipeline then writes one
"source_failed" record and fails the source's task). What is left out on purpose is counted
by cause in the figures (duplicate_link, max_items, outside_window, ...).
"""

from __future__ import annotations

import datetime as _dt
import logging
import pathlib
from collections.abc import Callable, Iterator

import pyarrow as pa

from akhbar.config import Source
from akhbar.sources.context import Context
from akhbar.sources.dumps import fetch_csv, fetch_jsonl, fetch_parquet
from akhbar.sources.http import HttpClient, Response
from akhbar.sources.pages import fetch_pages
from akhbar.sources.records import BATCH_RECORDS, FetchCounts, RecordFactory, Row, batches
from akhbar.sources.rss import fetch_rss
from akhbar.sources.safety import Refused, check_source_id
from akhbar.sources.sitemap import fetch_sitemap
from akhbar.sources.state import FetchState
from akhbar.sources.trec import fetch_text, fetch_trec
from akhbar.sources.warc import fetch_warc
from akhbar.stats import StageCounts

__all__ = ["KINDS", "FetchCounts", "HttpClient", "Refused", "Response", "fetch_source"]

log = logging.getLogger(__name__)

KINDS: dict[str, Callable[[Context], Iterator[Row]]] = {
    "rss": fetch_rss,
    "sitemap": fetch_sitemap,
    "pages": fetch_pages,
    "warc": fetch_warc,
    "jsonl": fetch_jsonl,
    "csv": fetch_csv,
    "parquet": fetch_parquet,
    "trec": fetch_trec,
    "text": fetch_text,
}
NEEDS_PATH = {"jsonl", "csv", "parquet", "trec", "text"}
# Kinds whose locators could repeat (links of containers, archive members): their record
# ids are tracked so that a repeat gets a distinct one. The others build locators from a
# file name and a position in it, unique by construction, and track nothing (memory).
TRACKED_IDS = {"rss", "sitemap", "pages", "trec", "text"}


def fetch_source(
    source: Source,
    *,
    dt: _dt.date,
    state_dir: pathlib.Path | None = None,
    client: HttpClient | None = None,
    counts: StageCounts | None = None,
    batch_size: int = BATCH_RECORDS,
) -> Iterator[pa.RecordBatch]:
    """Yield RAW_RECORD batches (about ``batch_size`` records each) for one source.

    ``state_dir``: where the incremental state (ETag, Last-Modified, body hash per URL)
    lives; None disables conditional requests. ``client``: an :class:`HttpClient` to use
    (its settings then apply instead of the source's); by default one is made from
    ``source.settings`` and closed at the end. ``counts``: an optional
    :class:`akhbar.stats.StageCounts` whose ``extra`` receives the figures of the fetch
    (see :meth:`FetchCounts.as_extra`: errors by reason, skipped by cause, 304s, HTTP
    waits, bytes read and quarantined), also when the fetch is interrupted.
    The state is saved only once the whole source has been consumed.
    """
    check_source_id(source.id)
    fetcher = KINDS.get(source.kind)
    if fetcher is None:
        raise ValueError(f"source {source.id!r}: unknown kind {source.kind!r} (known: {sorted(KINDS)})")
    if source.kind in NEEDS_PATH and source.path is None:
        raise ValueError(f"source {source.id!r}: kind {source.kind!r} needs 'path'")
    if not (source.url or source.urls or source.path):
        raise ValueError(f"source {source.id!r}: give one of url, urls or path")
    fetch_counts = FetchCounts()
    ctx = Context(
        source=source,
        dt=dt,
        state=FetchState.load(state_dir, source.id, dt),
        counts=fetch_counts,
        factory=RecordFactory(source, fetch_counts, track_ids=source.kind in TRACKED_IDS),
        client=client,
        owns_client=False,
    )
    completed = False
    try:
        yield from batches(fetcher(ctx), size=batch_size)
        completed = True
        ctx.state.save()
    finally:
        ctx.close()
        if counts is not None:
            _add_figures(counts, fetch_counts)
        log.info(
            "fetch %s (%s)%s: %s",
            source.id,
            source.kind,
            "" if completed else " interrupted",
            fetch_counts.as_extra(),
        )


def _add_figures(counts: StageCounts, fetch_counts: FetchCounts) -> None:
    """Add one fetch's figures to a StageCounts (numbers summed, counts by cause merged)."""
    counts.records_out += fetch_counts.records
    counts.rejected += sum(fetch_counts.errors.values())
    for key, value in fetch_counts.as_extra().items():
        if isinstance(value, dict):
            bucket = counts.extra.setdefault(key, {})
            for k, v in value.items():
                bucket[k] = bucket.get(k, 0) + v
        else:
            counts.extra[key] = counts.extra.get(key, 0) + value
