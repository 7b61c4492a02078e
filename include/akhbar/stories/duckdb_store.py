"""The caller's side of the stories contract in SQL, on a DuckDB database: what the warehouse reads for
night D and the one transaction that replaces the stage's rows. A reference for the warehouse (the
same statements work on a DuckLake catalog) and the store of ``bench/bench_stories.py``, whose memory
must not grow with the nights already stored: everything but the window is left to DuckDB.
"""

from __future__ import annotations

import datetime as _dt

import duckdb
import pyarrow as pa

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
)
from akhbar.stories.embeddings import embed_texts

_TABLES = {
    "article_places": ARTICLE_PLACES,
    "article_dates": ARTICLE_DATES,
    "article_keywords": ARTICLE_KEYWORDS,
    "article_embeddings": ARTICLE_EMBEDDINGS,
    "article_stories": ARTICLE_STORIES,
    "story_links": STORY_LINKS,
    "stories": STORIES,
}

# Night D's members (the contract of akhbar.stories, in SQL; akhbar.lakehouse.stories runs the same
# statements on the catalog): every article of an affair with an article in D-w .. D+w, of the affairs of
# removed articles, and of the affairs at the other end of the links of their orphans (articles whose
# parent is removed), removed articles excepted. ``{affair}`` is the affair of an article_stories row:
# rows written before affairs have no affair_id (and a catalog not yet brought in line with the
# contract has no such column): their story_id was their affair's. Temp tables: story_removed
# (article_id) is the caller's.
MEMBER_STATEMENTS = (
    """CREATE OR REPLACE TEMP TABLE story_orphans AS
       SELECT article_id FROM article_stories
       WHERE parent_id IN (SELECT article_id FROM story_removed)
         AND article_id NOT IN (SELECT article_id FROM story_removed)""",
    """CREATE OR REPLACE TEMP TABLE story_touched AS
       SELECT {affair} AS affair_id FROM article_stories WHERE dt BETWEEN $first AND $last
       UNION SELECT {affair} FROM article_stories WHERE article_id IN (SELECT article_id FROM story_removed)
       UNION SELECT {affair} FROM article_stories WHERE article_id IN (
           SELECT linked_article_id FROM story_links WHERE article_id IN (SELECT article_id FROM story_orphans)
           UNION SELECT article_id FROM story_links WHERE linked_article_id IN (SELECT article_id FROM story_orphans))""",
    """CREATE OR REPLACE TEMP TABLE story_members AS
       SELECT article_id, dt FROM article_stories
       WHERE {affair} IN (SELECT affair_id FROM story_touched)
         AND article_id NOT IN (SELECT article_id FROM story_removed)""",
)


def _has_affair_column(con: duckdb.DuckDBPyConnection) -> bool:
    description = con.execute("SELECT * FROM article_stories LIMIT 0").description or []
    return any(column[0] == "affair_id" for column in description)


def _affair_of_row(con: duckdb.DuckDBPyConnection) -> str:
    return "COALESCE(affair_id, story_id)" if _has_affair_column(con) else "story_id"


def article_stories_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The SELECT list of article_stories as ARTICLE_STORIES, also from a table of before affairs."""
    return "*" if _has_affair_column(con) else "*, NULL::VARCHAR AS affair_id"


def select_members(con: duckdb.DuckDBPyConnection, night: _dt.date, params: StoryParams, removed) -> None:
    """Fill the temp tables story_removed and story_members for ``night`` (see MEMBER_STATEMENTS)."""
    w = _dt.timedelta(days=params.window_nights)
    removed_ids = pa.table({"article_id": pa.array(sorted(set(removed)), pa.string())})  # noqa: F841
    con.execute("CREATE OR REPLACE TEMP TABLE story_removed AS SELECT article_id FROM removed_ids")
    affair = _affair_of_row(con)
    for statement in MEMBER_STATEMENTS:
        sql = statement.format(affair=affair)
        con.execute(sql, {"first": night - w, "last": night + w} if "$first" in sql else None)


class DuckDBStore:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        con.execute(
            "CREATE TABLE IF NOT EXISTS story_input_articles (article_id VARCHAR, source_id VARCHAR, "
            "lang VARCHAR, title VARCHAR, text VARCHAR, published_at TIMESTAMPTZ, dt DATE)"
        )
        for name, schema in _TABLES.items():
            empty = schema.empty_table()  # noqa: F841 (read by DuckDB below)
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM empty")

    def load_night(
        self,
        night: _dt.date,
        articles: pa.Table,
        places: pa.Table | None = None,
        dates: pa.Table | None = None,
        keywords: pa.Table | None = None,
    ) -> None:
        con = self.con
        rows = articles.select(list(STORY_ARTICLE_COLUMNS))  # noqa: F841
        con.execute("BEGIN")
        con.execute("DELETE FROM story_input_articles WHERE dt = ?", [night])
        con.execute("INSERT INTO story_input_articles SELECT * FROM rows")
        for name, table in (
            ("article_places", places),
            ("article_dates", dates),
            ("article_keywords", keywords),
        ):
            con.execute(f"DELETE FROM {name} WHERE dt = ?", [night])
            if table is not None and table.num_rows:
                side = table.select(_TABLES[name].names)  # noqa: F841
                con.execute(f"INSERT INTO {name} SELECT * FROM side")
        con.execute("COMMIT")

    def inputs_for(self, night: _dt.date, params: StoryParams = PARAMS, removed=()) -> StoryInputs:
        con = self.con
        w = _dt.timedelta(days=params.window_nights)
        bounds = {"first": night - w, "last": night + w, "night": night}
        select_members(con, night, params, removed)
        con.execute(
            "INSERT INTO story_members SELECT article_id, dt FROM story_input_articles WHERE dt = $night "
            "AND article_id NOT IN (SELECT article_id FROM story_members)",
            {"night": night},
        )

        def rows(sql: str, schema: pa.Schema | None = None, **params) -> pa.Table:
            table = con.execute(sql, params).fetch_arrow_table()
            return table.cast(schema) if schema is not None else table

        member = "article_id IN (SELECT article_id FROM story_members)"
        window = "dt BETWEEN $first AND $last"
        return StoryInputs(
            night=night,
            articles=rows(f"SELECT * FROM story_input_articles WHERE {member}"),
            places=rows(f"SELECT * FROM article_places WHERE {member}", ARTICLE_PLACES),
            dates=rows(f"SELECT * FROM article_dates WHERE {member}", ARTICLE_DATES),
            keywords=rows(
                f"SELECT * FROM article_keywords WHERE {member} AND {window}",
                ARTICLE_KEYWORDS,
                first=bounds["first"],
                last=bounds["last"],
            ),
            embeddings=rows(
                f"SELECT * FROM article_embeddings WHERE {member} AND dt <> $night",
                ARTICLE_EMBEDDINGS,
                night=night,
            ),
            article_stories=rows(
                f"SELECT {article_stories_columns(con)} FROM article_stories WHERE {member} "
                "OR article_id IN (SELECT article_id FROM story_removed)",
                ARTICLE_STORIES,
            ),
            links=rows(
                f"SELECT * FROM story_links WHERE {member} AND linked_article_id IN "
                "(SELECT article_id FROM story_members)",
                STORY_LINKS,
            ),
            removed_article_ids=tuple(sorted(set(removed))),
        )

    def apply(self, night: _dt.date, result: StoriesResult) -> None:
        """The replacement of the stories contract, in one transaction."""
        con = self.con
        new_embeddings, new_links = result.article_embeddings, result.links  # noqa: F841 (read by DuckDB)
        new_members, new_stories = result.article_stories, result.stories  # noqa: F841
        retired_ids = pa.table({"story_id": pa.array(result.retired_story_ids, pa.string())})  # noqa: F841
        removed_ids = pa.table({"article_id": pa.array(result.removed_article_ids, pa.string())})  # noqa: F841
        removed = "article_id IN (SELECT article_id FROM removed_ids)"
        con.execute("BEGIN")
        con.execute(f"DELETE FROM article_embeddings WHERE dt = ? OR {removed}", [night])
        con.execute("INSERT INTO article_embeddings SELECT * FROM new_embeddings")
        con.execute(
            f"DELETE FROM story_links WHERE dt = $night OR linked_dt = $night OR {removed} "
            "OR linked_article_id IN (SELECT article_id FROM removed_ids)",
            {"night": night},
        )
        con.execute("INSERT INTO story_links SELECT * FROM new_links")
        con.execute(
            f"DELETE FROM article_stories WHERE dt = ? OR {removed} "
            "OR article_id IN (SELECT article_id FROM new_members)",
            [night],
        )
        con.execute("INSERT INTO article_stories SELECT * FROM new_members")
        con.execute(
            "DELETE FROM stories WHERE story_id IN (SELECT story_id FROM retired_ids) "
            "OR story_id IN (SELECT story_id FROM new_stories)"
        )
        con.execute("INSERT INTO stories SELECT * FROM new_stories")
        con.execute("COMMIT")

    def snapshot(self) -> dict[str, list[dict]]:
        """The same sorted rows as MemoryStore.snapshot."""
        order = {
            "article_stories": "article_id",
            "stories": "story_id",
            "story_links": "article_id, linked_article_id",
            "article_embeddings": "article_id",
        }
        names = {
            "article_stories": "article_stories",
            "stories": "stories",
            "story_links": "links",
            "article_embeddings": "embeddings",
        }
        return {
            names[t]: self.con.execute(f"SELECT * FROM {t} ORDER BY {o}")
            .fetch_arrow_table()
            .cast(_TABLES[t])
            .to_pylist()
            for t, o in order.items()
        }

    def remove_articles(self, article_ids) -> None:
        """Articles that became duplicates of an earlier copy (dedup's demotion): no longer articles."""
        ids = pa.table({"article_id": pa.array(sorted(set(article_ids)), pa.string())})  # noqa: F841
        self.con.execute("DELETE FROM story_input_articles WHERE article_id IN (SELECT article_id FROM ids)")

    def run_night(
        self, night: _dt.date, params: StoryParams = PARAMS, embed=embed_texts, removed=()
    ) -> StoriesResult:
        self.remove_articles(removed)
        result = build_stories(self.inputs_for(night, params, removed), params, embed=embed)
        self.apply(night, result)
        return result
