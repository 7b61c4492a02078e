"""Synthetic nights of valid tables (all schemas of akhbar.schema), for tests and benchmarks.

Columnar and vectorised so a million articles build in seconds; texts are short
repeated Arabic/French/English snippets whose lengths vary around 200-4000 chars.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from akhbar import schema as S

_SNIPPETS = {
    "ar": "أعلنت الحكومة اليوم عن خطة جديدة لدعم التعليم في المناطق الريفية. ",
    "fr": "Le gouvernement a annoncé aujourd'hui un nouveau plan pour l'école. ",
    "en": "The government announced a new plan for rural schools on Monday. ",
}
_COUNTRIES = np.array(["MA", "DZ", "TN", "EG", "LB", "FR", "IQ", "JO"])
_KEYWORDS = np.array(["حكومة", "تعليم", "ميزانية", "école", "plan", "schools", "election", "اقتصاد"])


def _ids(prefix: str, n: int, offset: int = 0) -> pa.Array:
    return pc.binary_join_element_wise(
        pa.array([prefix] * n, pa.string()), pa.array(np.arange(offset, offset + n)).cast(pa.string()), ""
    )


class SyntheticArticles(NamedTuple):
    """The night's ARTICLE table and the id columns the other tables are built from."""

    table: pa.Table
    article_id: pa.Array
    record_id: pa.Array
    source_id: pa.Array


class Children(NamedTuple):
    """Rows of a per-article table (places, dates, keywords): the same number for each article, in order."""

    article_id: pa.Array  # the article of each row
    slot: np.ndarray  # the row's position among its article's rows: 0, 1, ...


def night(
    n_articles: int,
    dt: datetime.date,
    *,
    n_sources: int = 8,
    seed: int = 0,
    duplicate_share: float = 0.1,
    places_per_article: int = 2,
    dates_per_article: int = 1,
    keywords_per_article: int = 3,
    quarantine_share: float = 0.05,
    max_reps: int = 60,
) -> dict[str, pa.Table]:
    """A clean night: ``articles, quarantine, places, dates, keywords, raw`` + ``raw_count``.

    The tables are drawn from one random stream in this order (the same seed gives the same night).
    """
    rng = np.random.default_rng(seed)
    start = datetime.datetime.combine(dt, datetime.time(), datetime.UTC)
    articles = _articles(rng, n_articles, dt, start, n_sources, duplicate_share, max_reps)
    places = _places(rng, _children(articles.article_id, places_per_article), dt)
    dates = _dates(rng, _children(articles.article_id, dates_per_article), dt)
    keywords = _keywords(_children(articles.article_id, keywords_per_article), dt)
    quarantine = _quarantine(int(round(n_articles * quarantine_share / (1 - quarantine_share))), dt)
    raw = _raw(articles, quarantine, start)
    return {
        "articles": articles.table,
        "quarantine": quarantine,
        "places": places,
        "dates": dates,
        "keywords": keywords,
        "raw": raw,
        "raw_count": raw.num_rows,
    }


def _articles(
    rng: np.random.Generator,
    n: int,
    dt: datetime.date,
    start: datetime.datetime,
    n_sources: int,
    duplicate_share: float,
    max_reps: int,
) -> SyntheticArticles:
    langs = rng.choice(["ar", "fr", "en"], size=n, p=[0.6, 0.25, 0.15])
    text = _texts(rng, langs, max_reps)
    article_id = _ids("a", n)
    record_id = _ids("r", n)
    source_id = pa.array(np.char.add("src", (np.arange(n) % n_sources).astype(str)).tolist(), pa.string())
    offsets = rng.integers(-3 * 86400, 86400, size=n).astype("int64") * 1_000_000
    published = pa.array(np.int64(start.timestamp() * 1_000_000) + offsets, pa.int64()).cast(S.TS)
    duplicate_of, duplicate_kind = _duplicates(rng, n, duplicate_share)
    cols = {
        "article_id": article_id,
        "record_id": record_id,
        "source_id": source_id,
        "url": pc.binary_join_element_wise(pa.array(["https://news.example/"] * n), article_id, ""),
        "text": text,
        "text_search": text,
        "lang": pa.array(langs.tolist(), pa.string()),
        "published_at": published,
        "fetched_at": pa.array([start] * n, S.TS),
        "dt": pa.array([dt] * n, pa.date32()),
        "content_hash": pa.array(
            [hashlib.sha256(f"{i}".encode()).hexdigest() for i in range(n)], pa.string()
        ),
        "n_chars": pc.utf8_length(text).cast(pa.int32()),
        "duplicate_of": duplicate_of,
        "duplicate_kind": duplicate_kind,
    }
    return SyntheticArticles(_with_nulls(cols, S.ARTICLE, n), article_id, record_id, source_id)


def _texts(rng: np.random.Generator, langs: np.ndarray, max_reps: int) -> pa.ChunkedArray:
    """Few distinct texts (language x repetitions), taken by index: no Python string per row."""
    n = len(langs)
    reps = rng.integers(4, max_reps + 1, size=n)
    lang_codes = ["ar", "fr", "en"]
    distinct = pa.array([_SNIPPETS[lang] * r for lang in lang_codes for r in range(max_reps + 1)])
    lang_idx = np.searchsorted(np.array(lang_codes), langs, sorter=np.argsort(lang_codes))
    lang_idx = np.argsort(lang_codes)[lang_idx]
    pick = lang_idx * (max_reps + 1) + reps
    step = 100_000  # chunks stay below the 2 GiB offsets of pa.string()
    return pa.chunked_array(
        [pc.take(distinct, pa.array(pick[i : i + step])) for i in range(0, max(n, 1), step)], pa.string()
    )


def _duplicates(rng: np.random.Generator, n: int, share: float) -> tuple[pa.Array, pa.Array]:
    """``duplicate_of`` and ``duplicate_kind``: about ``share`` of the articles are near duplicates."""
    is_dup = rng.random(n) < share
    is_dup[0] = False
    dup_target = (np.arange(n) * 7919) % np.maximum(np.arange(n), 1)  # an earlier article
    duplicate_of = pa.array(
        [f"a{t}" if d else None for d, t in zip(is_dup.tolist(), dup_target.tolist())], pa.string()
    )
    return duplicate_of, pa.array(["near" if d else None for d in is_dup.tolist()], pa.string())


def _with_nulls(cols: dict[str, Any], schema: pa.Schema, n: int) -> pa.Table:
    """The table of ``schema`` from ``cols``, its other columns null."""
    return pa.table([cols[f.name] if f.name in cols else pa.nulls(n, f.type) for f in schema], schema=schema)


def _children(article_id: pa.Array, per_article: int) -> Children:
    n = len(article_id)
    idx = np.repeat(np.arange(n), per_article)
    return Children(pc.take(article_id, pa.array(idx)), np.tile(np.arange(per_article), n))


def _places(rng: np.random.Generator, rows: Children, dt: datetime.date) -> pa.Table:
    m = len(rows.slot)
    return pa.table(
        {
            "article_id": rows.article_id,
            "place_id": pa.array(np.char.add("geo", rows.slot.astype(str)).tolist(), pa.string()),
            "name": pa.array(["Somewhere"] * m, pa.string()),
            "country_code": pa.array(_COUNTRIES[rng.integers(0, len(_COUNTRIES), m)].tolist(), pa.string()),
            "place_type": pa.array(["city"] * m, pa.string()),
            "mentions": pa.array(rng.integers(1, 5, m), pa.int32()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_PLACES,
    )


def _dates(rng: np.random.Generator, rows: Children, dt: datetime.date) -> pa.Table:
    m = len(rows.slot)
    days = rng.integers(-400, 30, m)
    return pa.table(
        {
            "article_id": rows.article_id,
            "mention": pa.array(["12 جويلية 2022"] * m, pa.string()),
            "date": pa.array([dt + datetime.timedelta(days=int(d)) for d in days], pa.date32()),
            "granularity": pa.array(["day"] * m, pa.string()),
            "calendar": pa.array(["gregorian"] * m, pa.string()),
            "is_relative": pa.array([False] * m, pa.bool_()),
            "char_offset": pa.array(rows.slot * 40, pa.int32()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_DATES,
    )


def _keywords(rows: Children, dt: datetime.date) -> pa.Table:
    m = len(rows.slot)
    rank = rows.slot + 1
    return pa.table(
        {
            "article_id": rows.article_id,
            "keyword": pa.array(_KEYWORDS[(rank - 1) % len(_KEYWORDS)].tolist(), pa.string()),
            "score": pa.array(1.0 / rank, pa.float32()),
            "rank": pa.array(rank, pa.int16()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_KEYWORDS,
    )


def _quarantine(nq: int, dt: datetime.date) -> pa.Table:
    return pa.table(
        {
            "record_id": _ids("q", nq),
            "source_id": pa.array(["src0"] * nq, pa.string()),
            "stage": pa.array(["clean"] * nq, pa.string()),
            "reason": pa.array(["too_short"] * nq, pa.string()),
            "detail": pa.nulls(nq, pa.string()),
            "locator": pa.nulls(nq, pa.string()),
            "body": pa.nulls(nq, pa.binary()),
            "dt": pa.array([dt] * nq, pa.date32()),
        },
        schema=S.QUARANTINE,
    )


def _raw(articles: SyntheticArticles, quarantine: pa.Table, fetched: datetime.datetime) -> pa.Table:
    """One raw record per article and per quarantined record."""
    quarantined = quarantine.column("record_id").combine_chunks()
    raw_ids = pa.concat_arrays([articles.record_id, quarantined])
    nr = len(raw_ids)
    cols = {
        "record_id": raw_ids,
        "source_id": pa.concat_arrays(
            [articles.source_id, pa.array(["src0"] * len(quarantined), pa.string())]
        ),
        "kind": pa.array(["rss"] * nr, pa.string()),
        "locator": raw_ids,
        "fetched_at": pa.array([fetched] * nr, S.TS),
    }
    return _with_nulls(cols, S.RAW_RECORD, nr)


def history(dt: datetime.date, per_source: dict[str, int], nights: int = 7) -> pa.Table:
    """Volume history: the same count per source for each of the `nights` nights before dt."""
    rows = [
        {"dt": dt - datetime.timedelta(days=k), "source_id": s, "n_articles": c}
        for k in range(1, nights + 1)
        for s, c in per_source.items()
    ]
    return pa.Table.from_pylist(
        rows, schema=pa.schema([("dt", pa.date32()), ("source_id", pa.string()), ("n_articles", pa.int64())])
    )
