"""Semantic search in the warehouse: ``search_semantic(q, k)`` for DuckDB connections akhbar opens.

A DuckDB macro cannot embed text by itself, and a macro that names a function missing on the
connection cannot even be created. So the split is:

* ``sql/stories.sql`` (persisted, plain SQL): the views ``story_articles`` and ``story_timeline``,
  ``similar_articles(target_article_id, k)`` and ``search_vector(query_vector, k)``, usable from any
  DuckDB client;
* :func:`register` (per connection): a Python scalar function ``akhbar_embed(text) -> FLOAT[512]``
  running the offline encoder, and a TEMP macro ``search_semantic(q, k)`` =
  ``search_vector(akhbar_embed(q), k)``. A query in French finds Arabic and English articles on the
  same subject, since the encoder maps the three languages into one space.
"""

from __future__ import annotations

from importlib import resources

import duckdb
from duckdb import sqltypes

from akhbar.schema import EMBEDDING_DIM
from akhbar.stories.embeddings import embed_texts

EMBED_FUNCTION = "akhbar_embed"


def stories_sql() -> str:
    return resources.files("akhbar").joinpath("sql", "stories.sql").read_text(encoding="utf-8")


def _embed_one(text: str | None) -> list[float] | None:
    if text is None or not text.strip():
        return None
    return embed_texts([text])[0].tolist()


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Add ``akhbar_embed`` and ``search_semantic`` to this connection (idempotent)."""
    try:
        con.remove_function(EMBED_FUNCTION)
    except duckdb.InvalidInputException:
        pass
    con.create_function(EMBED_FUNCTION, _embed_one, [sqltypes.VARCHAR],
                        duckdb.array_type(sqltypes.FLOAT, EMBEDDING_DIM), null_handling="special")
    con.execute(f"CREATE OR REPLACE TEMP MACRO search_semantic(q, k) AS TABLE "
                f"FROM search_vector({EMBED_FUNCTION}(q), k)")
