"""The DuckDB warehouse: nightly idempotent loads from the lake, and full-text search.

DuckDB allows one writer process per file: every write goes through :func:`load_night`
(one Airflow pool slot in the DAG), and readers open the file read-only.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from akhbar import lake

log = logging.getLogger(__name__)

# One search index table per language, each with the stemmer of its language.
SEARCH_LANGUAGES = {"ar": "arabic", "fr": "french", "en": "english"}

ARTICLE_COLUMNS = [
    "article_id", "record_id", "source_id", "url", "canonical_url", "title", "text", "text_search",
    "authors", "lang", "lang_score", "title_lang", "title_lang_score", "published_at", "date_source",
    "fetched_at", "dt", "content_hash", "category_raw", "category", "main_country", "n_chars", "n_words",
    "n_sentences", "reading_minutes", "letter_ratio", "repeated_line_ratio", "is_fragment", "is_short",
    "is_mostly_nonletters", "is_repetitive", "cluster_id",
]  # fmt: skip


def sql_text(name: str) -> str:
    return resources.files("akhbar").joinpath("sql", name).read_text(encoding="utf-8")


def fts_extension_path() -> str:
    """The fts extension shipped by the duckdb-extension-fts wheel: loading it never downloads."""
    import duckdb_extension_fts

    base = Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    path = base / "fts.duckdb_extension"
    if not path.exists():
        raise RuntimeError(
            f"fts extension for DuckDB {duckdb.__version__} not found at {path}: "
            "install duckdb-extension-fts of the same version as duckdb"
        )
    return str(path)


def connect(db_path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path = Path(db_path)
    if read_only and not db_path.exists():
        raise FileNotFoundError(f"warehouse not found: {db_path} (run the nightly pipeline first)")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=read_only, config={"autoinstall_known_extensions": False,
                                                                     "autoload_known_extensions": False})
    con.execute(f"LOAD '{fts_extension_path()}'")
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("schema.sql"))
    con.execute(sql_text("views.sql"))


def upsert_sources(con: duckdb.DuckDBPyConnection, sources) -> None:
    rows = [
        (s.id, s.kind, s.name, s.url or (str(s.path) if s.path else None) or ",".join(s.urls),
         s.country, s.lang, s.timezone, s.enabled)
        for s in sources
    ]
    con.execute("DELETE FROM sources")
    if rows:
        con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _register(con, name: str, table: pa.Table) -> None:
    con.register(name, table)


def load_night(
    db_path: str | Path,
    *,
    lake_root: str | Path,
    dt: _dt.date,
    demoted: pa.Table | None = None,
    dq_results: pa.Table | None = None,
    sources=(),
    doc_freq: pa.Table | None = None,
) -> dict:
    """Replace one night in the warehouse from the lake, in one transaction.

    The night's rows are deleted and inserted again by key, so a rerun or a backfill in any
    order leaves the same contents; a crash before COMMIT leaves the previous state.
    """
    articles = lake.read_partition(lake_root, "articles", dt)
    quarantine = lake.read_partition(lake_root, "quarantine", dt).drop_columns(["body"])
    places = lake.read_partition(lake_root, "article_places", dt)
    dates = lake.read_partition(lake_root, "article_dates", dt)
    keywords = lake.read_partition(lake_root, "article_keywords", dt)

    con = connect(db_path)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        _register(con, "night_articles", articles)
        _register(con, "night_quarantine", quarantine)
        _register(con, "night_places", places)
        _register(con, "night_dates", dates)
        _register(con, "night_keywords", keywords)
        for table in ("article_places", "article_dates", "article_keywords", "duplicates", "articles",
                      "quarantine"):
            con.execute(f"DELETE FROM {table} WHERE dt = ?", [dt])
        cols = ", ".join(ARTICLE_COLUMNS)
        # An article already loaded from an earlier night (same id, same URL) keeps its first night.
        con.execute(
            f"""
            INSERT INTO articles ({cols})
            SELECT {cols} FROM night_articles n
            WHERE n.duplicate_of IS NULL
              AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = n.article_id AND a.dt < n.dt)
            ON CONFLICT (article_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS[1:])}
            """
        )
        con.execute(
            """
            INSERT OR REPLACE INTO duplicates
            SELECT article_id, duplicate_of, coalesce(cluster_id, duplicate_of), duplicate_kind, similarity,
                   source_id, url, title, dt
            FROM night_articles WHERE duplicate_of IS NOT NULL AND article_id <> duplicate_of
            """
        )
        if demoted is not None and demoted.num_rows:
            # Articles of later nights that this night's articles now precede become duplicates.
            _register(con, "night_demoted", demoted)
            con.execute(
                """
                INSERT OR REPLACE INTO duplicates
                SELECT d.article_id, d.duplicate_of, d.cluster_id, d.kind, d.similarity, d.source_id, d.url,
                       d.title, d.dt FROM night_demoted d
                """
            )
            for child in ("article_places", "article_dates", "article_keywords"):
                con.execute(f"DELETE FROM {child} WHERE article_id IN (SELECT article_id FROM night_demoted)")
            con.execute("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM night_demoted)")
        kept = "SELECT article_id FROM articles"
        con.execute(f"INSERT OR REPLACE INTO article_places SELECT * FROM night_places WHERE article_id IN ({kept})")
        con.execute(
            f"INSERT OR REPLACE INTO article_dates SELECT * FROM night_dates WHERE article_id IN ({kept})"
        )
        con.execute(
            f"INSERT OR REPLACE INTO article_keywords SELECT * FROM night_keywords WHERE article_id IN ({kept})"
        )
        con.execute(
            """INSERT OR REPLACE INTO quarantine
               SELECT record_id, source_id, stage, reason, detail, locator, dt FROM night_quarantine"""
        )
        if dq_results is not None:
            con.execute("DELETE FROM dq_results WHERE dt = ?", [dt])
            _register(con, "night_dq", dq_results)
            con.execute(
                """INSERT INTO dq_results SELECT run_id, dt, suite, expectation, "column", severity, success,
                   observed, details, checked_at FROM night_dq"""
            )
        if doc_freq is not None:
            con.execute("DELETE FROM keyword_doc_freq WHERE dt = ?", [dt])
            n_docs = int((doc_freq.schema.metadata or {}).get(b"n_docs", b"0"))
            _register(con, "night_df", doc_freq)
            con.execute("INSERT INTO keyword_doc_freq SELECT ?, term, df, ? FROM night_df", [dt, n_docs])
        if sources:
            upsert_sources(con, sources)
        con.execute("COMMIT")
        figures = {
            "articles": con.execute("SELECT count(*) FROM articles WHERE dt = ?", [dt]).fetchone()[0],
            "duplicates": con.execute("SELECT count(*) FROM duplicates WHERE dt = ?", [dt]).fetchone()[0],
            "quarantine": con.execute("SELECT count(*) FROM quarantine WHERE dt = ?", [dt]).fetchone()[0],
        }
        rebuild_search_index(con)
        con.execute("CHECKPOINT")
        return figures
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    finally:
        con.close()


# Tokens are runs of letters and digits in any script (the extension's default keeps only a-z).
_FTS_TOKEN_SEPARATORS = r"(\.|[^\p{L}\p{N}])+"


def rebuild_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """One fts index per language, each with its own stemmer; the search macro unions them."""
    for lang, stemmer in SEARCH_LANGUAGES.items():
        con.execute(
            f"""CREATE OR REPLACE TABLE search_{lang} AS
                SELECT article_id, coalesce(title, '') AS title, text FROM articles WHERE lang = ?""",
            [lang],
        )
        con.execute(
            f"""PRAGMA create_fts_index('search_{lang}', 'article_id', 'title', 'text',
                stemmer='{stemmer}', stopwords='none', strip_accents=1, lower=1,
                ignore='{_FTS_TOKEN_SEPARATORS}', overwrite=1)"""
        )
    con.execute(sql_text("search.sql"))


def record_dq_results(db_path: str | Path, dt: _dt.date, results: pa.Table) -> None:
    """Keep a night's quality results even when its gate failed and nothing else is loaded."""
    con = connect(db_path)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM dq_results WHERE dt = ?", [dt])
        con.register("night_dq", results)
        con.execute(
            """INSERT INTO dq_results SELECT run_id, dt, suite, expectation, "column", severity, success,
               observed, details, checked_at FROM night_dq"""
        )
        con.execute("COMMIT")
    finally:
        con.close()


def record_runs(db_path: str | Path, rows: list[dict]) -> None:
    """Append one row per (run, night, stage) to `runs`; a retried task replaces its own row."""
    if not rows:
        return
    con = connect(db_path)
    try:
        ensure_schema(con)
        con.executemany(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r["run_id"], r["dt"], r["stage"], r.get("records_in", 0), r.get("records_out", 0),
                    r.get("rejected", 0), r.get("duplicates", 0), r.get("changed", 0),
                    float(r.get("seconds", 0.0)), json.dumps(r.get("extra", {}), ensure_ascii=False, default=str),
                    _dt.datetime.now(_dt.timezone.utc),
                )
                for r in rows
            ],
        )
    finally:
        con.close()


def query(db_path: str | Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Run one read-only query; returns (column names, rows)."""
    con = connect(db_path, read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall()
    finally:
        con.close()
