"""The caller's side of :func:`akhbar.stories.build_stories`, in memory: an executable statement of
what the warehouse reads for a night and what it replaces afterwards. Used by the tests (order
independence) and the evaluation; the warehouse does the same in SQL within one transaction.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from akhbar.stories import PARAMS, STORY_ARTICLES, StoriesResult, StoryInputs, StoryParams, window_nights
from akhbar.stories.store import STORE_TABLES, StoryStore

# The store's attribute of each table, by catalog name.
_ATTRIBUTES = {
    "article_places": "places",
    "article_dates": "dates",
    "article_keywords": "keywords",
    "article_embeddings": "embeddings",
    "article_stories": "article_stories",
    "story_links": "links",
    "stories": "stories",
}


def _empty(name: str) -> Any:
    """A dataclass field holding an empty table of ``name`` (a catalog name)."""
    return field(default_factory=STORE_TABLES[name].empty_table)


def _other_nights(table: pa.Table, day: pa.Scalar) -> pa.Table:
    return table.filter(pc.not_equal(table.column("dt"), day))


def _in(table: pa.Table, column: str, values) -> pa.Table:
    values = sorted(set(values))
    if not values or not table.num_rows:
        return table.schema.empty_table()
    return table.filter(pc.is_in(table.column(column), pa.array(values, table.schema.field(column).type)))


def _not_in(table: pa.Table, column: str, values) -> pa.Table:
    values = sorted(set(values))
    if not values or not table.num_rows:
        return table
    return table.filter(
        pc.invert(pc.is_in(table.column(column), pa.array(values, table.schema.field(column).type)))
    )


@dataclass
class MemoryStore(StoryStore):
    """The tables the stories stage reads and writes, each a pyarrow Table."""

    articles: pa.Table = field(default_factory=STORY_ARTICLES.empty_table)
    places: pa.Table = _empty("article_places")
    dates: pa.Table = _empty("article_dates")
    keywords: pa.Table = _empty("article_keywords")
    embeddings: pa.Table = _empty("article_embeddings")
    article_stories: pa.Table = _empty("article_stories")
    links: pa.Table = _empty("story_links")
    stories: pa.Table = _empty("stories")

    def table(self, name: str) -> pa.Table:
        table: pa.Table = getattr(self, _ATTRIBUTES[name])
        return table

    def replace_night(self, night: _dt.date, articles: pa.Table, enrichment: dict[str, pa.Table]) -> None:
        day = pa.scalar(night, pa.date32())
        self.articles = pa.concat_tables([_other_nights(self.articles, day), articles])
        for name, rows in enrichment.items():
            setattr(self, _ATTRIBUTES[name], pa.concat_tables([_other_nights(self.table(name), day), rows]))

    def inputs_for(self, night: _dt.date, params: StoryParams = PARAMS, removed=()) -> StoryInputs:
        """Removed articles are no longer in ``self.articles`` (see :meth:`remove_articles`)."""
        removed = set(removed)
        window = window_nights(night, params)
        in_window = self.article_stories.filter(
            pc.is_in(self.article_stories.column("dt"), pa.array(window, pa.date32()))
        )
        touched = set(in_window.column("affair_id").to_pylist())
        touched |= set(_in(self.article_stories, "article_id", removed).column("affair_id").to_pylist())
        touched |= self._affairs_linked_to_orphans(removed)
        member_ids = (
            set(_in(self.article_stories, "affair_id", touched).column("article_id").to_pylist()) - removed
        )
        is_night = pc.equal(self.articles.column("dt"), pa.scalar(night, pa.date32()))
        night_ids = set(self.articles.filter(is_night).column("article_id").to_pylist())
        articles = _in(self.articles, "article_id", member_ids | night_ids)
        ids = set(articles.column("article_id").to_pylist())
        other_nights = self.embeddings.filter(pc.not_equal(self.embeddings.column("dt"), night))
        window_ids = set(_in(articles, "dt", window).column("article_id").to_pylist())
        links = _in(self.links, "article_id", ids)
        return StoryInputs(
            night=night,
            articles=articles,
            places=_in(self.places, "article_id", ids),
            dates=_in(self.dates, "article_id", ids),
            keywords=_in(self.keywords, "article_id", window_ids),
            embeddings=_in(other_nights, "article_id", ids),
            article_stories=_in(self.article_stories, "article_id", member_ids | night_ids | removed),
            links=_in(links, "linked_article_id", ids),
            removed_article_ids=tuple(sorted(removed)),
        )

    def _affairs_linked_to_orphans(self, removed: set[str]) -> set[str]:
        """The affairs of the other ends of the links of the articles whose parent is removed."""
        orphans = _in(self.article_stories, "parent_id", removed).column("article_id").to_pylist()
        orphans = set(orphans) - removed
        if not orphans:
            return set()
        ends = set(_in(self.links, "article_id", orphans).column("linked_article_id").to_pylist())
        ends |= set(_in(self.links, "linked_article_id", orphans).column("article_id").to_pylist())
        return set(_in(self.article_stories, "article_id", ends - removed).column("affair_id").to_pylist())

    def remove_articles(self, article_ids) -> None:
        self.articles = _not_in(self.articles, "article_id", article_ids)

    def apply(self, night: _dt.date, result: StoriesResult) -> None:
        day = pa.scalar(night, pa.date32())
        removed = result.removed_article_ids
        embeddings = _not_in(self.embeddings, "article_id", removed)
        self.embeddings = pa.concat_tables([_other_nights(embeddings, day), result.article_embeddings])
        links = _not_in(_not_in(self.links, "article_id", removed), "linked_article_id", removed)
        keep = pc.and_(pc.not_equal(links.column("dt"), day), pc.not_equal(links.column("linked_dt"), day))
        self.links = pa.concat_tables([links.filter(keep), result.links])
        rows = _not_in(
            _other_nights(self.article_stories, day),
            "article_id",
            [*result.article_stories.column("article_id").to_pylist(), *removed],
        )
        self.article_stories = pa.concat_tables([rows, result.article_stories])
        gone = set(result.retired_story_ids) | set(result.stories.column("story_id").to_pylist())
        self.stories = pa.concat_tables([_not_in(self.stories, "story_id", gone), result.stories])
