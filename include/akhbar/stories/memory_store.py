"""The caller's side of :func:`akhbar.stories.build_stories`, in memory: an executable statement of
what the warehouse reads for a night and what it replaces afterwards. Used by the tests (order
independence) and the evaluation; the warehouse does the same in SQL within one transaction.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from akhbar.schema import (
    ARTICLE_DATES,
    ARTICLE_EMBEDDINGS,
    ARTICLE_KEYWORDS,
    ARTICLE_PLACES,
    ARTICLE_STORIES,
    STORIES,
    STORY_LINKS,
)
from akhbar.stories import (
    PARAMS,
    STORY_ARTICLE_COLUMNS,
    StoriesResult,
    StoryInputs,
    StoryParams,
    build_stories,
    window_nights,
)
from akhbar.stories.embeddings import embed_texts

_ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("text", pa.string()),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)


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
class MemoryStore:
    """The tables the stories stage reads and writes, each a pyarrow Table."""

    articles: pa.Table = field(default_factory=_ARTICLES.empty_table)
    places: pa.Table = field(default_factory=ARTICLE_PLACES.empty_table)
    dates: pa.Table = field(default_factory=ARTICLE_DATES.empty_table)
    keywords: pa.Table = field(default_factory=ARTICLE_KEYWORDS.empty_table)
    embeddings: pa.Table = field(default_factory=ARTICLE_EMBEDDINGS.empty_table)
    article_stories: pa.Table = field(default_factory=ARTICLE_STORIES.empty_table)
    links: pa.Table = field(default_factory=STORY_LINKS.empty_table)
    stories: pa.Table = field(default_factory=STORIES.empty_table)

    def load_night(
        self,
        night: _dt.date,
        articles: pa.Table,
        places: pa.Table | None = None,
        dates: pa.Table | None = None,
        keywords: pa.Table | None = None,
    ) -> None:
        """The night's articles and enrichment, as the earlier stages leave them (replacing a rerun's)."""
        day = pa.scalar(night, pa.date32())
        self.articles = pa.concat_tables(
            [
                self.articles.filter(pc.not_equal(self.articles.column("dt"), day)),
                articles.select(list(STORY_ARTICLE_COLUMNS)).cast(_ARTICLES),
            ]
        )
        for name, table, schema in (
            ("places", places, ARTICLE_PLACES),
            ("dates", dates, ARTICLE_DATES),
            ("keywords", keywords, ARTICLE_KEYWORDS),
        ):
            old = getattr(self, name)
            new = table.select(schema.names).cast(schema) if table is not None else schema.empty_table()
            setattr(self, name, pa.concat_tables([old.filter(pc.not_equal(old.column("dt"), day)), new]))

    def inputs_for(self, night: _dt.date, params: StoryParams = PARAMS, removed=()) -> StoryInputs:
        """What the caller reads for ``night``; ``removed``: articles that stopped being articles (they
        are no longer in ``self.articles``, see :meth:`remove_articles`)."""
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
        """Articles that became duplicates of an earlier copy (dedup's demotion): no longer articles."""
        self.articles = _not_in(self.articles, "article_id", article_ids)

    def apply(self, night: _dt.date, result: StoriesResult) -> None:
        """The replacement rules of the stories contract, in the order the warehouse runs them."""
        day = pa.scalar(night, pa.date32())
        removed = result.removed_article_ids
        embeddings = _not_in(self.embeddings, "article_id", removed)
        self.embeddings = pa.concat_tables(
            [embeddings.filter(pc.not_equal(embeddings.column("dt"), day)), result.article_embeddings]
        )
        links = _not_in(_not_in(self.links, "article_id", removed), "linked_article_id", removed)
        keep = pc.and_(pc.not_equal(links.column("dt"), day), pc.not_equal(links.column("linked_dt"), day))
        self.links = pa.concat_tables([links.filter(keep), result.links])
        rows = self.article_stories.filter(pc.not_equal(self.article_stories.column("dt"), day))
        rows = _not_in(
            rows, "article_id", [*result.article_stories.column("article_id").to_pylist(), *removed]
        )
        self.article_stories = pa.concat_tables([rows, result.article_stories])
        gone = set(result.retired_story_ids) | set(result.stories.column("story_id").to_pylist())
        self.stories = pa.concat_tables([_not_in(self.stories, "story_id", gone), result.stories])

    def run_night(
        self, night: _dt.date, params: StoryParams = PARAMS, embed=embed_texts, removed=()
    ) -> StoriesResult:
        """The stories of ``night``; ``removed``: articles the night's dedup made duplicates of its own."""
        self.remove_articles(removed)
        result = build_stories(self.inputs_for(night, params, removed), params, embed=embed)
        self.apply(night, result)
        return result

    def snapshot(self) -> dict[str, list[dict]]:
        """Every stories table as sorted rows: equal snapshots mean equal stories."""
        keys = {
            "article_stories": ["article_id"],
            "stories": ["story_id"],
            "links": ["article_id", "linked_article_id"],
            "embeddings": ["article_id"],
        }
        out = {}
        for name, key in keys.items():
            table = getattr(self, name)
            out[name] = table.sort_by([(k, "ascending") for k in key]).to_pylist()
        return out
