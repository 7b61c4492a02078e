"""The full-text index of a night, staged as Parquet before the publish (akhbar/sql/search.sql reads it).

A night's kept articles in Arabic, French and English are tokenised like the fts extension
(lower-case, accents stripped, runs of letters and digits of any script) and stemmed with its stem()
and the language's Snowball stemmer. Each (term, document) becomes one posting with its count; the
term is stored as ``md5_number_lower(stem)`` so that every night, shard or writer computes the same
key without a shared dictionary. The work happens here, outside the publish transaction: the publish
only inserts the staged files.

Cost: texts are split on spaces first (a byte split), and each distinct piece is folded, split and
stemmed once per batch, which is about ten times cheaper than a regular expression over every text.
Memory: batches of ``BATCH_DOCS`` documents per language, in a DuckDB session bounded by its
memory limit (it spills to disk beyond).
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from akhbar.lakehouse import extensions

log = logging.getLogger(__name__)

STEMMERS = {"ar": "arabic", "fr": "french", "en": "english"}
BATCH_DOCS = 100_000
ROW_GROUP_ROWS = 20_480  # postings of one term sit in one or two row groups: reads stay small
_TOKEN_SPLIT = r"[^\p{L}\p{N}]+"


def docid_base(night: _dt.date) -> int:
    """Docids of a night start at (day number << 32): unique across nights without coordination."""
    return (night - _dt.date(1970, 1, 1)).days << 32


@dataclass(frozen=True)
class StagedIndex:
    docs: Path
    postings: list[Path]
    documents: int
    postings_rows: int


def _session(memory_limit: str, temp_dir: Path) -> duckdb.DuckDBPyConnection:
    temp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={**extensions.OFFLINE_CONFIG, "memory_limit": memory_limit,
                                 "temp_directory": str(temp_dir), "preserve_insertion_order": False})
    extensions.load(con, "fts")
    return con


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _stage_docs(con, articles: Path, night: _dt.date) -> None:
    """One row per indexed document: docid by rank of article_id among the night's articles
    (duplicates included, so a docid never depends on which articles a later night demotes)."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _docs AS
            WITH ranked AS (
                SELECT article_id, lang, duplicate_of,
                       {docid_base(night)} + row_number() OVER (ORDER BY article_id) - 1 AS docid
                FROM read_parquet({_quote(articles)})
            )
            SELECT docid, article_id, lang FROM ranked
            WHERE duplicate_of IS NULL AND lang IN ({", ".join(f"'{lang}'" for lang in STEMMERS)})"""
    )


def _tokenise_batch(con, batch, lang: str) -> int:
    """Postings (term, docid, tf) in ``_post`` of the documents of one language in an Arrow batch of
    the work file; returns how many documents it held."""
    con.register("_batch", batch)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _pieces AS
                WITH docs AS (
                    SELECT d.docid, b.title, b.text FROM _batch b JOIN _docs d USING (article_id)
                    WHERE d.lang = '{lang}'
                )
                SELECT docid, unnest(string_split(coalesce(title, ''), ' ')) AS r FROM docs
                UNION ALL SELECT docid, unnest(string_split(coalesce(text, ''), ' ')) FROM docs"""
        )
    finally:
        con.unregister("_batch")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _piece_terms AS
            SELECT r, md5_number_lower(stem(tok, '{STEMMERS[lang]}')) AS term, count(*)::INTEGER AS n FROM (
                SELECT r, unnest(regexp_split_to_array(lower(strip_accents(r)), '{_TOKEN_SPLIT}')) AS tok
                FROM (SELECT DISTINCT r FROM _pieces)
            ) WHERE tok <> '' GROUP BY ALL"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _post AS
           SELECT m.term, x.docid, sum(m.n)::INTEGER AS tf
           FROM _pieces x JOIN _piece_terms m USING (r) GROUP BY m.term, x.docid"""
    )
    return con.execute("SELECT count(DISTINCT docid) FROM _pieces").fetchone()[0]


def _write_postings(con, path: Path, lang: str, night: _dt.date) -> int:
    con.execute(
        f"""COPY (SELECT '{lang}' AS lang, term, docid, tf, DATE '{night.isoformat()}' AS dt
                  FROM _post ORDER BY term, docid)
            TO {_quote(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"""
    )
    con.execute("INSERT INTO _lens SELECT docid, sum(tf)::INTEGER FROM _post GROUP BY docid")
    return con.execute("SELECT count(*) FROM _post").fetchone()[0]


def _write_docs(con, path: Path, night: _dt.date) -> int:
    # A document without any token (an empty title and a text of punctuation) still counts in
    # num_docs and avgdl, with length 0, as in the extension's index.
    con.execute(
        f"""COPY (SELECT d.lang, d.docid, d.article_id, coalesce(l.len, 0)::INTEGER AS len,
                         DATE '{night.isoformat()}' AS dt
                  FROM _docs d LEFT JOIN _lens l USING (docid) ORDER BY d.lang, d.docid)
            TO {_quote(path)} (FORMAT parquet, COMPRESSION zstd)"""
    )
    return con.execute("SELECT count(*) FROM _docs").fetchone()[0]


def stage_night(articles: Path, night: _dt.date, out_dir: Path, *, memory_limit: str = "2GB",
                batch_docs: int = BATCH_DOCS) -> StagedIndex:
    """Write ``out_dir/search_docs.parquet`` and ``out_dir/search_postings-<lang>-<n>.parquet`` for the
    kept articles of ``articles`` (the night's ARTICLE work file, duplicates included)."""
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("search_*.parquet"):
        old.unlink()
    con = _session(memory_limit, out_dir.parent / "duckdb-tmp")
    try:
        _stage_docs(con, articles, night)
        con.execute("CREATE OR REPLACE TEMP TABLE _lens (docid BIGINT, len INTEGER)")
        postings: list[Path] = []
        n_postings = 0
        # The work file is read once, batch by batch: only a batch's texts are in memory.
        source = pq.ParquetFile(articles)
        for batch in source.iter_batches(batch_size=batch_docs, columns=["article_id", "title", "text"]):
            for lang in STEMMERS:
                if not _tokenise_batch(con, batch, lang):
                    continue
                path = out_dir / f"search_postings-{len(postings):05d}-{lang}.parquet"
                n_postings += _write_postings(con, path, lang, night)
                postings.append(path)
        docs_path = out_dir / "search_docs.parquet"
        documents = _write_docs(con, docs_path, night)
    finally:
        con.close()
    log.info("search index of %s: %d documents, %d postings in %d files", night, documents, n_postings, len(postings))
    return StagedIndex(docs=docs_path, postings=postings, documents=documents, postings_rows=n_postings)
