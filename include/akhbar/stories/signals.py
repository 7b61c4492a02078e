"""What akhbar already knows about an article, reduced to what tells two events apart.

Per article (:class:`ArticleSignals`): the gazetteer places it mentions and their countries
(ARTICLE_PLACES), the days it mentions explicitly (ARTICLE_DATES, day granularity, not relative: "on
5 March" is evidence, "today" only repeats the publication day), its top keywords (ARTICLE_KEYWORDS,
comparable only within one language), its source and its publication time (``published_at``, else
the night).

Per pair (:func:`pair_evidence`): shared places, countries that exclude each other, shared or
conflicting dates, shared keywords, one source or two, and the time between the two publications. The score that
combines them with the embedding cosine is in :mod:`akhbar.stories.scoring`.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

KEYWORD_RANKS = 10  # the top keywords compared between two articles of one language


@dataclass(frozen=True)
class ArticleSignals:
    """Signals of n articles, aligned with the articles table they were built for."""

    places: list[frozenset[str]]  # gazetteer place ids
    countries: list[frozenset[str]]  # ISO codes of those places
    days: list[frozenset[_dt.date]]  # explicit day mentions
    keywords: list[frozenset[str]]
    langs: list[str]
    sources: list[str]
    hours: np.ndarray  # publication time, hours since the epoch (float64)


@dataclass(frozen=True)
class PairEvidence:
    """Evidence for m candidate pairs (i, j), as arrays."""

    shared_places: np.ndarray  # int: places both mention
    country_conflict: np.ndarray  # bool: both name places and share no country
    shared_days: np.ndarray  # int: explicit days both mention
    day_conflict: np.ndarray  # bool: both mention days and share none
    shared_keywords: np.ndarray  # int: same language only (0 across languages)
    same_lang: np.ndarray  # bool
    same_source: np.ndarray  # bool
    hours_apart: np.ndarray  # float


def _sets_by_article(
    ids: list[str], table: pa.Table | None, key: str, value: str, keep=None
) -> list[frozenset]:
    index = {article_id: i for i, article_id in enumerate(ids)}
    sets: dict[int, set] = defaultdict(set)
    if table is not None and table.num_rows:
        columns = [table.column(c).to_pylist() for c in (key, value, *(keep[0] if keep else ()))]
        for row in zip(*columns):
            i = index.get(row[0])
            if i is not None and (keep is None or keep[1](*row[2:])):
                sets[i].add(row[1])
    empty: frozenset = frozenset()
    return [frozenset(sets[i]) if i in sets else empty for i in range(len(ids))]


def publication_hours(published: list, nights: list) -> np.ndarray:
    """Hours since the epoch of each publication; unknown: noon of the article's night."""
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
    out = np.empty(len(published), dtype=np.float64)
    for i, (p, night) in enumerate(zip(published, nights)):
        if p is None:  # unknown publication time: noon of the night it was processed
            p = _dt.datetime.combine(night, _dt.time(12), tzinfo=_dt.UTC)
        elif p.tzinfo is None:
            p = p.replace(tzinfo=_dt.UTC)
        out[i] = (p - epoch).total_seconds() / 3600.0
    return out


def article_signals(
    articles: pa.Table, places: pa.Table | None, dates: pa.Table | None, keywords: pa.Table | None
) -> ArticleSignals:
    """Signals of ``articles`` (article_id, lang, published_at, dt) from its side tables."""
    ids = articles.column("article_id").to_pylist()
    place_sets = _sets_by_article(ids, places, "article_id", "place_id")
    country_sets = _sets_by_article(ids, places, "article_id", "country_code")
    day_sets = _sets_by_article(
        ids,
        dates,
        "article_id",
        "date",
        keep=(
            ("granularity", "is_relative"),
            lambda granularity, relative: granularity == "day" and not relative,
        ),
    )
    keyword_sets = _sets_by_article(
        ids,
        keywords,
        "article_id",
        "keyword",
        keep=(("rank",), lambda rank: rank is not None and rank <= KEYWORD_RANKS),
    )
    return ArticleSignals(
        places=place_sets,
        countries=country_sets,
        days=day_sets,
        keywords=keyword_sets,
        langs=[lang or "" for lang in articles.column("lang").to_pylist()],
        sources=articles.column("source_id").to_pylist(),
        hours=publication_hours(
            articles.column("published_at").to_pylist(), articles.column("dt").to_pylist()
        ),
    )


def pair_evidence(signals: ArticleSignals, i: np.ndarray, j: np.ndarray) -> PairEvidence:
    """Evidence for the pairs (i[k], j[k]) of articles of ``signals``."""
    m = len(i)
    shared_places = np.zeros(m, dtype=np.int32)
    country_conflict = np.zeros(m, dtype=bool)
    shared_days = np.zeros(m, dtype=np.int32)
    day_conflict = np.zeros(m, dtype=bool)
    shared_keywords = np.zeros(m, dtype=np.int32)
    same_lang = np.zeros(m, dtype=bool)
    same_source = np.zeros(m, dtype=bool)
    s = signals
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        shared_places[k] = len(s.places[a] & s.places[b])
        country_conflict[k] = (
            bool(s.countries[a]) and bool(s.countries[b]) and s.countries[a].isdisjoint(s.countries[b])
        )
        shared_days[k] = len(s.days[a] & s.days[b])
        day_conflict[k] = bool(s.days[a]) and bool(s.days[b]) and not shared_days[k]
        same_lang[k] = s.langs[a] == s.langs[b]
        same_source[k] = s.sources[a] == s.sources[b]
        if same_lang[k]:
            shared_keywords[k] = len(s.keywords[a] & s.keywords[b])
    return PairEvidence(
        shared_places=shared_places,
        country_conflict=country_conflict,
        shared_days=shared_days,
        day_conflict=day_conflict,
        shared_keywords=shared_keywords,
        same_lang=same_lang,
        same_source=same_source,
        hours_apart=np.abs(s.hours[i] - s.hours[j]),
    )
