"""What the two stores of the stories contract share: :mod:`akhbar.stories.memory_store` (Arrow tables
in memory) and :mod:`akhbar.stories.duckdb_store` (SQL on a DuckDB database) keep the same tables,
under their catalog names, and run a night the same way; they differ only in how they read and
replace rows.
"""

from __future__ import annotations

import datetime as _dt
from abc import ABC, abstractmethod
from collections.abc import Iterable

import pyarrow as pa

from akhbar.schema import CATALOG_TABLES, STORY_TABLES
from akhbar.stories import PARAMS, STORY_ARTICLES, StoriesResult, StoryInputs, StoryParams, build_stories
from akhbar.stories.embeddings import embed_texts

# The articles' enrichment the stage reads, by catalog name, in the order load_night takes it.
ENRICHMENT_TABLES = ("article_places", "article_dates", "article_keywords")
# Every table a store keeps besides its articles: the enrichment, then what the stage writes.
STORE_TABLES: dict[str, pa.Schema] = {
    name: CATALOG_TABLES[name].schema for name in (*ENRICHMENT_TABLES, *STORY_TABLES)
}
# What a snapshot holds of each table the stage writes, and the key that orders its rows.
SNAPSHOT_KEYS: dict[str, tuple[str, ...]] = {
    "article_stories": ("article_id",),
    "stories": ("story_id",),
    "story_links": ("article_id", "linked_article_id"),
    "article_embeddings": ("article_id",),
}


def night_enrichment(
    places: pa.Table | None, dates: pa.Table | None, keywords: pa.Table | None
) -> dict[str, pa.Table]:
    """The night's enrichment tables in the contract's schemas, by catalog name (empty where not given)."""
    out = {}
    for name, table in zip(ENRICHMENT_TABLES, (places, dates, keywords)):
        schema = STORE_TABLES[name]
        out[name] = schema.empty_table() if table is None else table.select(schema.names).cast(schema)
    return out


class StoryStore(ABC):
    """A store of the stories contract: the articles and their enrichment as the earlier stages leave
    them, and the stories tables, read and replaced night by night as the warehouse does."""

    @abstractmethod
    def replace_night(self, night: _dt.date, articles: pa.Table, enrichment: dict[str, pa.Table]) -> None:
        """Replace the night's articles (STORY_ARTICLES) and enrichment (by catalog name)."""

    @abstractmethod
    def remove_articles(self, article_ids: Iterable[str]) -> None:
        """Articles that became duplicates of an earlier copy (dedup's demotion): no longer articles."""

    @abstractmethod
    def inputs_for(self, night: _dt.date, params: StoryParams = PARAMS, removed=()) -> StoryInputs:
        """What the caller reads for ``night``; ``removed``: articles that stopped being articles."""

    @abstractmethod
    def apply(self, night: _dt.date, result: StoriesResult) -> None:
        """The replacement rules of the stories contract, in the order the warehouse runs them."""

    @abstractmethod
    def table(self, name: str) -> pa.Table:
        """A table the stage writes, by its catalog name, in its contract schema."""

    def load_night(
        self,
        night: _dt.date,
        articles: pa.Table,
        places: pa.Table | None = None,
        dates: pa.Table | None = None,
        keywords: pa.Table | None = None,
    ) -> None:
        """The night's articles and enrichment, as the earlier stages leave them (replacing a rerun's)."""
        rows = articles.select(STORY_ARTICLES.names).cast(STORY_ARTICLES)
        self.replace_night(night, rows, night_enrichment(places, dates, keywords))

    def run_night(
        self, night: _dt.date, params: StoryParams = PARAMS, embed=embed_texts, removed=()
    ) -> StoriesResult:
        """The stories of ``night``; ``removed``: articles the night's dedup made duplicates of its own."""
        self.remove_articles(removed)
        result = build_stories(self.inputs_for(night, params, removed), params, embed=embed)
        self.apply(night, result)
        return result

    def snapshot(self) -> dict[str, list[dict]]:
        """Every table the stage writes as sorted rows: equal snapshots mean equal stories."""
        return {
            name: self.table(name).sort_by([(k, "ascending") for k in keys]).to_pylist()
            for name, keys in SNAPSHOT_KEYS.items()
        }
