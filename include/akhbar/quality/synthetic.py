"""Synthetic nights of valid tables (all schemas of akhbar.schema), for tests and benchmarks.

Columnar and vectorised so a million articles build in seconds; texts are short
repeated Arabic/French/English snippets whose lengths vary around 200-4000 chars.
"""

from __future__ import annotations

import datetime
import hashlib

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
    """A clean night: ``articles, quarantine, places, dates, keywords, raw`` + ``raw_count``."""
    rng = np.random.default_rng(seed)
    n = n_articles
    langs = rng.choice(["ar", "fr", "en"], size=n, p=[0.6, 0.25, 0.15])
    # Few distinct texts (language x repetitions), taken by index: no Python string per row.
    reps = rng.integers(4, max_reps + 1, size=n)
    lang_codes = ["ar", "fr", "en"]
    distinct = pa.array([_SNIPPETS[lang] * r for lang in lang_codes for r in range(max_reps + 1)])
    lang_idx = np.searchsorted(np.array(lang_codes), langs, sorter=np.argsort(lang_codes))
    lang_idx = np.argsort(lang_codes)[lang_idx]
    pick = lang_idx * (max_reps + 1) + reps
    step = 100_000  # chunks stay below the 2 GiB offsets of pa.string()
    text = pa.chunked_array(
        [pc.take(distinct, pa.array(pick[i : i + step])) for i in range(0, max(n, 1), step)], pa.string()
    )
    n_chars = pc.utf8_length(text).cast(pa.int32())
    article_id = _ids("a", n)
    record_id = _ids("r", n)
    source_id = pa.array(np.char.add("src", (np.arange(n) % n_sources).astype(str)).tolist(), pa.string())
    base = datetime.datetime.combine(dt, datetime.time(), datetime.UTC)
    offsets = rng.integers(-3 * 86400, 86400, size=n).astype("int64") * 1_000_000
    published = pa.array(np.int64(base.timestamp() * 1_000_000) + offsets, pa.int64()).cast(S.TS)
    fetched = pa.array([base] * n, S.TS)
    is_dup = rng.random(n) < duplicate_share
    is_dup[0] = False
    dup_target = (np.arange(n) * 7919) % np.maximum(np.arange(n), 1)  # an earlier article
    duplicate_of = pa.array(
        [f"a{t}" if d else None for d, t in zip(is_dup.tolist(), dup_target.tolist())], pa.string()
    )
    hashes = pa.array([hashlib.sha256(f"{i}".encode()).hexdigest() for i in range(n)], pa.string())
    cols = {
        "article_id": article_id,
        "record_id": record_id,
        "source_id": source_id,
        "url": pc.binary_join_element_wise(pa.array(["https://news.example/"] * n), article_id, ""),
        "text": text,
        "text_search": text,
        "lang": pa.array(langs.tolist(), pa.string()),
        "published_at": published,
        "fetched_at": fetched,
        "dt": pa.array([dt] * n, pa.date32()),
        "content_hash": hashes,
        "n_chars": n_chars,
        "duplicate_of": duplicate_of,
        "duplicate_kind": pa.array(["near" if d else None for d in is_dup.tolist()], pa.string()),
    }
    articles = pa.table(
        [cols[f.name] if f.name in cols else pa.nulls(n, f.type) for f in S.ARTICLE], schema=S.ARTICLE
    )

    def child(k: int) -> tuple[pa.Array, np.ndarray]:
        idx = np.repeat(np.arange(n), k)
        return pc.take(article_id, pa.array(idx)), idx

    pid, pidx = child(places_per_article)
    m = len(pidx)
    slot = np.tile(np.arange(places_per_article), n)
    places = pa.table(
        {
            "article_id": pid,
            "place_id": pa.array(np.char.add("geo", slot.astype(str)).tolist(), pa.string()),
            "name": pa.array(["Somewhere"] * m, pa.string()),
            "country_code": pa.array(_COUNTRIES[rng.integers(0, len(_COUNTRIES), m)].tolist(), pa.string()),
            "place_type": pa.array(["city"] * m, pa.string()),
            "mentions": pa.array(rng.integers(1, 5, m), pa.int32()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_PLACES,
    )
    did, didx = child(dates_per_article)
    m = len(didx)
    days = rng.integers(-400, 30, m)
    dates = pa.table(
        {
            "article_id": did,
            "mention": pa.array(["12 جويلية 2022"] * m, pa.string()),
            "date": pa.array([dt + datetime.timedelta(days=int(d)) for d in days], pa.date32()),
            "granularity": pa.array(["day"] * m, pa.string()),
            "calendar": pa.array(["gregorian"] * m, pa.string()),
            "is_relative": pa.array([False] * m, pa.bool_()),
            "char_offset": pa.array(np.tile(np.arange(dates_per_article) * 40, n), pa.int32()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_DATES,
    )
    kid, kidx = child(keywords_per_article)
    m = len(kidx)
    rank = np.tile(np.arange(1, keywords_per_article + 1), n)
    keywords = pa.table(
        {
            "article_id": kid,
            "keyword": pa.array(_KEYWORDS[(rank - 1) % len(_KEYWORDS)].tolist(), pa.string()),
            "score": pa.array(1.0 / rank, pa.float32()),
            "rank": pa.array(rank, pa.int16()),
            "dt": pa.array([dt] * m, pa.date32()),
        },
        schema=S.ARTICLE_KEYWORDS,
    )
    nq = int(round(n * quarantine_share / (1 - quarantine_share)))
    qid = _ids("q", nq)
    quarantine = pa.table(
        {
            "record_id": qid,
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
    raw_ids = pa.concat_arrays([record_id, qid])
    nr = len(raw_ids)
    raw_cols = {
        "record_id": raw_ids,
        "source_id": pa.concat_arrays([source_id, pa.array(["src0"] * nq, pa.string())]),
        "kind": pa.array(["rss"] * nr, pa.string()),
        "locator": raw_ids,
        "fetched_at": pa.array([base] * nr, S.TS),
    }
    raw = pa.table(
        [raw_cols[f.name] if f.name in raw_cols else pa.nulls(nr, f.type) for f in S.RAW_RECORD],
        schema=S.RAW_RECORD,
    )
    return {
        "articles": articles,
        "quarantine": quarantine,
        "places": places,
        "dates": dates,
        "keywords": keywords,
        "raw": raw,
        "raw_count": nr,
    }


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
