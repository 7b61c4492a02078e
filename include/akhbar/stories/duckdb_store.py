"""The caller's side of the stories contract in SQL, on a DuckDB database: what the warehouse reads for
night D and the one transaction that replaces the stage's rows. A reference for the warehouse (the
same statements work on a DuckLake catalog) and the store of ``bench/bench_stories.py``, whose memory
must not grow with the nights already stored: everything but the window is left to DuckDB.
"""

from __future__ import annotations

import datetime as _dt

import duckdb
import pyarrow as pa

from akhbar.stories import PARAMS, STORY_ARTICLES, StoriesResult, StoryInputs, StoryParams
from akhbar.stories.store import STORE_TABLES, StoryStore

# The store's articles (STORY_ARTICLES rows; the warehouse reads its own ``articles``).
ARTICLES_TABLE = "story_input_articles"

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


def contract_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str,
    bind: dict[str, object] | None = None,
    columns: str = "*",
) -> pa.Table:
    """The rows of a table of the contract (by its catalog name) where ``where`` holds, in its schema;
    ``columns``: the SELECT list where the stored table may lack a column (see article_stories_columns)."""
    return (
        con.execute(f"SELECT {columns} FROM {table} WHERE {where}", bind)
        .fetch_arrow_table()
        .cast(STORE_TABLES[table])
    )


class DuckDBStore(StoryStore):
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        for name, schema in {ARTICLES_TABLE: STORY_ARTICLES, **STORE_TABLES}.items():
            empty = schema.empty_table()  # noqa: F841 (read by DuckDB below)
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM empty")

    def table(self, name: str) -> pa.Table:
        return contract_rows(self.con, name, "true")

    def replace_night(self, night: _dt.date, articles: pa.Table, enrichment: dict[str, pa.Table]) -> None:
        con = self.con
        con.execute("BEGIN")
        for name, rows in {ARTICLES_TABLE: articles, **enrichment}.items():  # noqa: B007 (read by DuckDB)
            con.execute(f"DELETE FROM {name} WHERE dt = ?", [night])
            con.execute(f"INSERT INTO {name} SELECT * FROM rows")
        con.execute("COMMIT")

    def inputs_for(self, night: _dt.date, params: StoryParams = PARAMS, removed=()) -> StoryInputs:
        con = self.con
        w = _dt.timedelta(days=params.window_nights)
        bounds: dict[str, object] = {"first": night - w, "last": night + w}
        select_members(con, night, params, removed)
        con.execute(
            f"INSERT INTO story_members SELECT article_id, dt FROM {ARTICLES_TABLE} WHERE dt = $night "
            "AND article_id NOT IN (SELECT article_id FROM story_members)",
            {"night": night},
        )
        member = "article_id IN (SELECT article_id FROM story_members)"
        window = "dt BETWEEN $first AND $last"
        return StoryInputs(
            night=night,
            articles=con.execute(f"SELECT * FROM {ARTICLES_TABLE} WHERE {member}").fetch_arrow_table(),
            places=contract_rows(con, "article_places", member),
            dates=contract_rows(con, "article_dates", member),
            keywords=contract_rows(con, "article_keywords", f"{member} AND {window}", bounds),
            embeddings=contract_rows(
                con, "article_embeddings", f"{member} AND dt <> $night", {"night": night}
            ),
            article_stories=contract_rows(
                con,
                "article_stories",
                f"{member} OR article_id IN (SELECT article_id FROM story_removed)",
                columns=article_stories_columns(con),
            ),
            links=contract_rows(
                con,
                "story_links",
                f"{member} AND linked_article_id IN (SELECT article_id FROM story_members)",
            ),
            removed_article_ids=tuple(sorted(set(removed))),
        )

    def apply(self, night: _dt.date, result: StoriesResult) -> None:
        """In one transaction."""
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

    def remove_articles(self, article_ids) -> None:
        ids = pa.table({"article_id": pa.array(sorted(set(article_ids)), pa.string())})  # noqa: F841
        self.con.execute(f"DELETE FROM {ARTICLES_TABLE} WHERE article_id IN (SELECT article_id FROM ids)")
