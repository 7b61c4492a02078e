"""Semantic search in the catalog: the encoder as a DuckDB function, for ``search_semantic(q, k)``.

A DuckDB macro cannot embed text by itself. The catalog's SQL (``sql/stories.sql``) stores the macro
``search_semantic(q, k)`` = ``search_vector(akhbar_embed(q), k)``, and every session akhbar opens
(readers, the writer that creates the macro, ``akhbar sql``, the Corpus page) registers
``akhbar_embed(text) -> FLOAT[]``, a Python function running the offline encoder
(:func:`register`; the model loads on the first call only). A plain DuckDB session that attaches the
catalog has ``search_vector(vector, k)``, and ``search_semantic`` once it calls :func:`register`;
without it, DuckDB says that ``akhbar_embed`` does not exist.
"""

from __future__ import annotations

from importlib import resources

import duckdb
from duckdb import sqltypes
from duckdb.func import FunctionNullHandling

EMBED_FUNCTION = "akhbar_embed"
MAX_QUERY_CHARS = 2_000  # a query is a few words; a whole text would only cost time


def stories_sql() -> str:
    return resources.files("akhbar").joinpath("sql", "stories.sql").read_text(encoding="utf-8")


def _embed_one(text: str | None) -> list[float] | None:
    if text is None or not text.strip():
        return None
    from akhbar.stories.embeddings import embed_texts

    return embed_texts([text[:MAX_QUERY_CHARS]])[0].tolist()


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Add ``akhbar_embed(text) -> FLOAT[]`` to this connection and its cursors (idempotent)."""
    try:
        con.remove_function(EMBED_FUNCTION)
    except duckdb.InvalidInputException:
        pass
    con.create_function(
        EMBED_FUNCTION,
        _embed_one,
        [sqltypes.VARCHAR],
        duckdb.list_type(sqltypes.FLOAT),
        null_handling=FunctionNullHandling.SPECIAL,
        side_effects=False,
    )
