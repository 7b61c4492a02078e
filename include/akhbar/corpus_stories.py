"""Read-only figures of the Corpus page about stories (akhbar.stories): the night's largest stories, and
one story with its timeline and its articles in time order.

Plain functions over a read-only catalog session (akhbar.corpus_stats.reader), usable without
Airflow. A story id comes from a URL: it is checked against a pattern and bound as a parameter.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from akhbar.corpus_stats import _iso, _tables, reader
from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.settings import CatalogSettings

NIGHT_STORIES = 10  # the largest stories shown for a night
STORY_ARTICLES = 500  # articles listed on a story's page
STORY_ID = re.compile(r"[0-9A-Za-z_.:-]{1,128}")
STORY_TABLES = {"stories", "article_stories", "story_timeline", "story_articles"}


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO strings, inside lists and structs too."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return _iso(value)


def _records(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [{n: _plain(v) for n, v in zip(names, row)} for row in cur.fetchall()]


def largest_stories(con, night: _dt.date, limit: int = NIGHT_STORIES) -> list[dict]:
    """The night's largest stories (more than one article), with the articles they gained that night."""
    rows = _records(
        con.execute(
            """SELECT s.story_id, s.size, s.n_sources, s.languages, s.sources, s.titles, s.first_seen_at,
                  s.first_source_id, s.first_dt, s.last_dt, s.main_places, t.tonight
           FROM stories s
           JOIN (SELECT story_id, count(*) AS tonight FROM article_stories WHERE dt = ? GROUP BY story_id) t
           USING (story_id)
           WHERE s.size > 1
           ORDER BY s.size DESC, s.n_sources DESC, s.story_id
           LIMIT ?""",
            [night, limit],
        )
    )
    return rows


def night_stories(con, night: _dt.date | None, present: set[str] | None = None) -> list[dict] | None:
    """``largest_stories`` of ``night``, or None when the catalog has no stories tables yet."""
    present = _tables(con) if present is None else present
    if night is None or not present >= STORY_TABLES:
        return None
    return largest_stories(con, night)


def story(catalog: CatalogSettings, story_id: str) -> dict | None:
    """One story: its row, when each source and language first reported it, and its articles (duplicates
    included) in time order. None when there is no such story."""
    if not STORY_ID.fullmatch(story_id or ""):
        return None
    with reader(catalog) as con:
        if not _tables(con) >= STORY_TABLES:
            return None
        rows = _records(con.execute("SELECT * FROM stories WHERE story_id = ?", [story_id]))
        if not rows:
            return None
        out: dict[str, Any] = {"story": rows[0]}
        out["timeline"] = _records(
            con.execute(
                """SELECT source_id, lang, first_reported_at, first_article_id, first_title, articles,
                      epoch(after_first_report) AS seconds_after_first, report_rank
               FROM story_timeline WHERE story_id = ? ORDER BY report_rank, source_id, lang""",
                [story_id],
            )
        )
        out["articles"] = _records(
            con.execute(
                """SELECT article_id, dt, source_id, lang, title, url, reported_at, duplicate_of
               FROM story_articles WHERE story_id = ?
               ORDER BY reported_at, article_id LIMIT ?""",
                [story_id, STORY_ARTICLES],
            )
        )
        out["articles_total"] = one_row(
            con, "SELECT count(*) FROM story_articles WHERE story_id = ?", [story_id]
        )[0]
    return out
