"""A warm worker: what every shard task would load again, loaded once in the process that forks them.

A Celery worker forks a process per task, and each task of a stage imports the same modules and
builds the same tables (the language model, the gazetteer, the character classes of cleaning, the
extraction's and the date parser's patterns): about two seconds of CPU per task, for work of a few
seconds to a minute. :func:`warm` runs one tiny page and one tiny text through extraction, cleaning
and enrichment, so that all of it is loaded before the worker forks; forked tasks share it.
``akhbar.celery_config`` has Celery import this module in the worker's main process (set
``AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=akhbar.celery_config.CELERY_CONFIG``). It opens no file,
connection or thread pool that a fork would have to share.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time

log = logging.getLogger(__name__)

_PAGE = (
    "<html lang='ar'><head><title>تونس</title><meta property='article:published_time' "
    "content='2026-11-28T09:00:00+01:00'></head><body><article><h1>افتتاح معرض الكتاب في تونس</h1>"
    "<p>افتتح وزير الثقافة صباح اليوم السبت 28 نوفمبر 2026 معرض تونس الدولي للكتاب بحضور عدد كبير من "
    "الناشرين والكتاب من الجزائر والمغرب ومصر.</p></article></body></html>"
)
_TEXT = (
    "Le ministre a inauguré samedi 28 novembre 2026 à Tunis le salon du livre, en présence d'éditeurs "
    "venus d'Alger, de Rabat et du Caire."
)


def warm() -> float:
    """Load what the shard tasks use; returns the seconds it took."""
    import pyarrow as pa

    import akhbar.pipeline
    import akhbar.shards.enrich
    import akhbar.shards.night  # noqa: F401 - the stages, their schemas and helpers
    from akhbar.cleaning import clean_documents
    from akhbar.dedup.entries import article_entries
    from akhbar.enrichment import enrich
    from akhbar.schema import RAW_RECORD
    from akhbar.shards.extract import extract_batch

    started = time.perf_counter()
    night_of = _dt.date(2026, 11, 28)
    at = _dt.datetime(2026, 11, 28, 10, tzinfo=_dt.UTC)
    rows = [
        {
            "record_id": "warm-html",
            "source_id": "warm",
            "kind": "warc",
            "locator": "warm#0",
            "url": "https://warm.example/a",
            "fetched_at": at,
            "content_type": "text/html",
            "body": _PAGE.encode(),
            "http_status": 200,
        },
        {
            "record_id": "warm-text",
            "source_id": "warm",
            "kind": "jsonl",
            "locator": "warm:1",
            "url": "https://warm.example/b",
            "fetched_at": at,
            "content_type": "text/plain",
            "body": _TEXT.encode(),
            "meta_published": "2026-11-28T09:00:00+01:00",
        },
    ]
    raw = pa.Table.from_pylist(
        [{name: r.get(name) for name in RAW_RECORD.names} for r in rows], schema=RAW_RECORD
    )
    docs, _, _ = extract_batch(raw, night_of)
    cleaned, _, _ = clean_documents(docs, dt=night_of)
    result = enrich(cleaned, dt=night_of)
    article_entries(result.articles, dt=night_of, boilerplate={})
    seconds = time.perf_counter() - started
    log.info("akhbar: worker warmed in %.1f s", seconds)
    return seconds
