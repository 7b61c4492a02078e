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
    cols = {name: cleaned.column(name).to_pylist() for name in _COPIED + ("text",)}
    n = cleaned.num_rows
    if doc_freq is None:
        doc_freq = DocFreq.from_texts(cols["text_search"])
    categories = categories or {}
    find_dates = _date_finder()

    out = {name: [] for name in ("article_id", "text", "lang", "lang_score", "title_lang", "title_lang_score",
                                 "dt", "category", "main_country", "n_chars", "n_words", "n_sentences",
                                 "reading_minutes")}
    places = {f.name: [] for f in ARTICLE_PLACES}
    dates = {f.name: [] for f in ARTICLE_DATES}
    kws = {f.name: [] for f in ARTICLE_KEYWORDS}
    by_lang: dict[str, int] = {}
    by_category: dict[str, int] = {}
    with_places = 0
    date_errors = 0

    for i in range(n):
        source_id = cols["source_id"][i]
        text = cols["text"][i] or ""
        title = cols["title"][i]
        # One id per raw record and night: unique within a night and across nights, stable on
        # reruns. The same story under the same URL on another night is found by dedup
        # (exact_url) and points to the first one, rather than clashing on the id.
        article_id = stable_id(cols["record_id"][i], dt.isoformat())
        lang, lang_score = _langid.detect(text)
        if title:
            title_lang, title_score = _langid.detect(title)
        else:
            title_lang, title_score = None, None
        stats = _textstats.text_stats(text, lang)
        hits = _places.find_places(f"{title}\n{text}" if title else text)
        category = _categories.map_category(cols["category_raw"][i], categories.get(source_id))

        out["article_id"].append(article_id)
        out["text"].append(text)
        out["lang"].append(lang)
        out["lang_score"].append(lang_score)
        out["title_lang"].append(title_lang)
        out["title_lang_score"].append(title_score)
        out["dt"].append(dt)
        out["category"].append(category)
        out["main_country"].append(_places.main_country(hits))
        out["n_chars"].append(stats.n_chars)
        out["n_words"].append(stats.n_words)
        out["n_sentences"].append(stats.n_sentences)
        out["reading_minutes"].append(stats.reading_minutes)
        by_lang[lang] = by_lang.get(lang, 0) + 1
        by_category[category] = by_category.get(category, 0) + 1

        if hits:
            with_places += 1
        for h in hits:
            places["article_id"].append(article_id)
            places["place_id"].append(h.place.place_id)
            places["name"].append(h.place.name)
            places["country_code"].append(h.place.country_code)
            places["place_type"].append(h.place.place_type)
            places["mentions"].append(h.mentions)
            places["dt"].append(dt)

        if find_dates is not None and text:
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
                dates["dt"].append(dt)

        for rank, (term, score) in enumerate(_keywords.top_keywords(cols["text_search"][i], doc_freq), 1):
            kws["article_id"].append(article_id)
            kws["keyword"].append(term)
            kws["score"].append(score)
            kws["rank"].append(rank)
            kws["dt"].append(dt)

    arrays = []
    for f in ARTICLE:
        if f.name in out:
            arrays.append(pa.array(out[f.name], f.type))
        elif f.name in _COPIED:
            arrays.append(cleaned.column(f.name).cast(f.type).combine_chunks() if n else pa.array([], f.type))
        else:  # dedup columns: filled by the dedup stage
            arrays.append(pa.nulls(n, f.type))
    articles = pa.Table.from_arrays(arrays, schema=ARTICLE)

    counts.records_out = n
    counts.changed = n
    counts.extra = {
        "by_lang": by_lang,
        "by_category": by_category,
        "with_places": with_places,
        "place_rows": len(places["article_id"]),
        "date_rows": len(dates["article_id"]),
        "keyword_rows": len(kws["article_id"]),
        "date_errors": date_errors,
    }
    counts.seconds = time.perf_counter() - start
    return EnrichResult(
        articles=articles,
        places=pa.Table.from_pydict(places, schema=ARTICLE_PLACES),
        dates=pa.Table.from_pydict(dates, schema=ARTICLE_DATES),
        keywords=pa.Table.from_pydict(kws, schema=ARTICLE_KEYWORDS),
        counts=counts,
    )
