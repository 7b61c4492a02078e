"""STORIES rows: what a story is, from its members (articles, places, dates).

* ``first_*``: the first article (the story's id), by ``(dt, published_at, article_id)``;
* ``titles``: per language, the title of the first article of that language with a title;
* ``main_places``: the place names mentioned by the most member articles (at most 3), ties by name;
  ``main_country``: the country whose places the most members mention;
* ``main_dates``: the explicit days (not relative) mentioned by the most members (at most 3).
Every figure is a function of the member set, so it does not depend on processing order either.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from dataclasses import dataclass

import pyarrow as pa

from akhbar.schema import STORIES

MAIN_PLACES = 3
MAIN_DATES = 3
_ROWS_PER_BLOCK = 8192


@dataclass(frozen=True)
class Member:
    article_id: str
    story_id: str
    key: tuple  # linking.first_key
    night: _dt.date
    published_at: _dt.datetime | None
    source_id: str
    lang: str
    title: str | None


def _top(counts: Counter, k: int) -> list:
    return [value for value, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def story_rows(members: list[Member], places: pa.Table | None, dates: pa.Table | None) -> pa.Table:
    """One STORIES row per story id of ``members`` (which must hold every member of those stories)."""
    place_names: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, set[str]] = defaultdict(set)
    if places is not None and places.num_rows:
        for article_id, name, country in zip(
            *(places.column(c).to_pylist() for c in ("article_id", "name", "country_code"))
        ):
            place_names[article_id].add(name)
            countries[article_id].add(country)
    days: dict[str, set[_dt.date]] = defaultdict(set)
    if dates is not None and dates.num_rows:
        for article_id, day, granularity, relative in zip(
            *(dates.column(c).to_pylist() for c in ("article_id", "date", "granularity", "is_relative"))
        ):
            if granularity == "day" and not relative:
                days[article_id].add(day)

    by_story: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        by_story[m.story_id].append(m)
    rows: list[dict] = []
    blocks: list[pa.Table] = []
    for story_id in sorted(by_story):
        if len(rows) == _ROWS_PER_BLOCK:  # rows as dicts cost ~3 KB each: made into Arrow by blocks
            blocks.append(pa.Table.from_pylist(rows, schema=STORIES))
            rows = []
        group = sorted(by_story[story_id], key=lambda m: m.key)
        first = group[0]
        titles: dict[str, Member] = {}
        for m in group:
            if m.title and m.lang not in titles:
                titles[m.lang] = m
        place_counts = Counter(p for m in group for p in place_names.get(m.article_id, ()))
        country_counts = Counter(c for m in group for c in countries.get(m.article_id, ()))
        day_counts = Counter(d for m in group for d in days.get(m.article_id, ()))
        rows.append(
            {
                "story_id": story_id,
                "first_article_id": first.article_id,
                "first_seen_at": first.published_at,
                "first_source_id": first.source_id,
                "first_dt": first.night,
                "last_dt": max(m.night for m in group),
                "size": len(group),
                "n_sources": len({m.source_id for m in group}),
                "languages": sorted({m.lang for m in group}),
                "sources": sorted({m.source_id for m in group}),
                "titles": [
                    {"lang": lang, "title": titles[lang].title, "article_id": titles[lang].article_id}
                    for lang in sorted(titles)
                ],
                "main_country": (_top(country_counts, 1) or [None])[0],
                "main_places": _top(place_counts, MAIN_PLACES),
                "main_dates": _top(day_counts, MAIN_DATES),
            }
        )
    blocks.append(pa.Table.from_pylist(rows, schema=STORIES))
    return pa.concat_tables(blocks).combine_chunks()
