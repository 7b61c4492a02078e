"""Enrichment: language, places, dates, keywords, category and counts of each cleaned document.

``enrich(cleaned, dt=..., doc_freq=..., categories=...)`` turns a CLEANED_DOCUMENT
table into ARTICLE rows (dedup columns left null) and the three side tables
ARTICLE_PLACES, ARTICLE_DATES and ARTICLE_KEYWORDS. No record is rejected here:
records_out == records_in.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from akhbar.enrichment import categories as _categories
from akhbar.enrichment import keywords as _keywords
from akhbar.enrichment import langid as _langid
from akhbar.enrichment import places as _places
from akhbar.enrichment import textstats as _textstats
from akhbar.enrichment.keywords import DocFreq
from akhbar.hashing import stable_id
from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES
from akhbar.stats import StageCounts

__all__ = ["EnrichResult", "enrich", "DocFreq"]

log = logging.getLogger(__name__)

# Columns copied unchanged from CLEANED_DOCUMENT into ARTICLE.
_COPIED = (
    "record_id", "source_id", "url", "canonical_url", "title", "text_search", "authors",
    "published_at", "date_source", "fetched_at", "content_hash", "category_raw",
    "letter_ratio", "repeated_line_ratio", "is_fragment", "is_short", "is_mostly_nonletters", "is_repetitive",
)


@dataclass
class EnrichResult:
    articles: pa.Table  # ARTICLE; dedup columns null
    places: pa.Table  # ARTICLE_PLACES
    dates: pa.Table  # ARTICLE_DATES
    keywords: pa.Table  # ARTICLE_KEYWORDS
    counts: StageCounts  # stage="enrich"


def _date_finder():
    try:
        from akhbar.dates import find_date_mentions
    except ImportError:  # pragma: no cover - only while akhbar.dates is missing
        log.warning("akhbar.dates is not importable: no date mentions this run")
        return None
    return find_date_mentions


def enrich(
    cleaned: pa.Table,
    *,
    dt: _dt.date,
    doc_freq: DocFreq | None = None,
    categories: dict[str, dict[str, str]] | None = None,
) -> EnrichResult:
    """Enrich a CLEANED_DOCUMENT table.

    ``doc_freq``: document frequencies of the previous nights *and* tonight's documents
    (the pipeline merges them); when None the batch's own frequencies are used.
    ``categories``: per source id, the registry's raw label -> taxonomy mapping.
    """
    start = time.perf_counter()
    counts = StageCounts(stage="enrich", records_in=cleaned.num_rows)
    cols = {name: cleaned.column(name).to_pylist()
            for name in ("record_id", "source_id", "title", "text", "category_raw", "published_at")}
    n = cleaned.num_rows
    if doc_freq is None:
        doc_freq = DocFreq.from_texts(cleaned.column("text_search"))
    categories = categories or {}
    find_dates = _date_finder()
    night = dt.isoformat()

    texts = [t or "" for t in cols["text"]]
    titles = cols["title"]
    # One id per raw record and night: unique within a night and across nights, stable on
    # reruns. The same story under the same URL on another night is found by dedup
    # (exact_url) and points to the first one, rather than clashing on the id.
    article_ids = [stable_id(rid, night) for rid in cols["record_id"]]
    detect = _langid.detect
    langs, lang_scores = zip(*map(detect, texts)) if n else ((), ())
    title_langs: list[str | None] = [None] * n
    title_scores: list[float | None] = [None] * n
    for i, title in enumerate(titles):
        if title:
            title_langs[i], title_scores[i] = detect(title)
    # Counts and keywords: batch-wide, the same values as text_stats / top_keywords per text.
    stats = _textstats.text_stats_batch(texts, list(langs))
    kw = _keywords.top_keywords_batch(cleaned.column("text_search"), doc_freq)

    # A source's raw label maps to the same category every time: map each pair once.
    category_of: dict[tuple, str] = {}
    category = []
    for source_id, raw in zip(cols["source_id"], cols["category_raw"]):
        key = (source_id, raw)
        cat = category_of.get(key)
        if cat is None:
            cat = category_of[key] = _categories.map_category(raw, categories.get(source_id))
        category.append(cat)
    main_country = []
    places: dict[str, list[Any]] = {f.name: [] for f in ARTICLE_PLACES if f.name != "dt"}
    dates: dict[str, list[Any]] = {f.name: [] for f in ARTICLE_DATES if f.name != "dt"}
    with_places = 0
    date_errors = 0
    find_places = _places.find_places
    for i in range(n):
        article_id = article_ids[i]
        text = texts[i]
        title = titles[i]
        hits = find_places(f"{title}\n{text}" if title else text)
        main_country.append(_places.main_country(hits))
        if hits:
            with_places += 1
        for h in hits:
            places["article_id"].append(article_id)
            places["place_id"].append(h.place.place_id)
            places["name"].append(h.place.name)
            places["country_code"].append(h.place.country_code)
            places["place_type"].append(h.place.place_type)
            places["mentions"].append(h.mentions)

        if find_dates is not None and text:
            lang = langs[i]
            published = cols["published_at"][i]
            reference = published.date() if published is not None else dt
            try:
                mentions = find_dates(text, reference=reference, lang=lang if lang in ("ar", "fr", "en") else None)
            except Exception:  # a date parser bug must not lose the article
                log.exception("date mentions failed for %s", article_id)
                date_errors += 1
                mentions = []
            for m in mentions:
                dates["article_id"].append(article_id)
                dates["mention"].append(m.mention)
                dates["date"].append(m.date)
                dates["granularity"].append(m.granularity)
                dates["calendar"].append(m.calendar)
                dates["is_relative"].append(m.is_relative)
                dates["char_offset"].append(m.char_offset)

    by_lang: dict[str, int] = {}
    for lang in langs:
        by_lang[lang] = by_lang.get(lang, 0) + 1
    by_category: dict[str, int] = {}
    for cat in category:
        by_category[cat] = by_category.get(cat, 0) + 1
    ids_arr = pa.array(article_ids, pa.string())
    out = {
        "article_id": ids_arr, "text": cleaned.column("text").combine_chunks().fill_null(""),
        "lang": pa.array(langs, pa.string()),
        "lang_score": lang_scores, "title_lang": title_langs, "title_lang_score": title_scores,
        "dt": pa.array([dt] * n, pa.date32()), "category": category, "main_country": main_country,
        "n_chars": stats.n_chars, "n_words": stats.n_words, "n_sentences": stats.n_sentences,
        "reading_minutes": stats.reading_minutes,
    }
    arrays = []
    for f in ARTICLE:
        if f.name in out:
            values = out[f.name]
            arrays.append(values.cast(f.type) if isinstance(values, pa.Array) else pa.array(values, f.type))
        elif f.name in _COPIED:
            arrays.append(cleaned.column(f.name).cast(f.type).combine_chunks() if n else pa.array([], f.type))
        else:  # dedup columns: filled by the dedup stage
            arrays.append(pa.nulls(n, f.type))
    articles = pa.Table.from_arrays(arrays, schema=ARTICLE)
    n_kw = len(kw.doc)
    keywords = pa.Table.from_arrays([
        ids_arr.take(pa.array(kw.doc, pa.int64())), kw.keyword, pa.array(kw.score, pa.float32()),
        pa.array(kw.rank, pa.int16()), pa.array([dt] * n_kw, pa.date32()),
    ], schema=ARTICLE_KEYWORDS)
    places["dt"] = [dt] * len(places["article_id"])
    dates["dt"] = [dt] * len(dates["article_id"])

    counts.records_out = n
    counts.changed = n
    counts.extra = {
        "by_lang": by_lang,
        "by_category": by_category,
        "with_places": with_places,
        "place_rows": len(places["article_id"]),
        "date_rows": len(dates["article_id"]),
        "keyword_rows": n_kw,
        "date_errors": date_errors,
    }
    counts.seconds = time.perf_counter() - start
    return EnrichResult(
        articles=articles,
        places=pa.Table.from_pydict(places, schema=ARTICLE_PLACES),
        dates=pa.Table.from_pydict(dates, schema=ARTICLE_DATES),
        keywords=keywords,
        counts=counts,
    )
