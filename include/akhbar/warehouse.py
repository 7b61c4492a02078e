"""The DuckDB warehouse: nightly idempotent loads from the lake, and full-text search.

DuckDB allows one writer process per file: every write goes through :func:`load_night`
(one Airflow pool slot in the DAG), and readers open the file read-only.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import logging
import re
import tempfile
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
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if not read_only:
        # A bounded writer spills to disk instead of taking the machine (a 1M-article first
        # load went past 20 GB unbounded); readers keep DuckDB's default.
        config["memory_limit"] = os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "3GB")
    con = duckdb.connect(str(db_path), read_only=read_only, config=config)
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


def _attach_night(con, name: str, lake_root: str | Path, table_name: str, dt: _dt.date, copy_dir: Path) -> None:
    """Make one night of one lake table readable as ``name``, with the contract's columns in order
    (a column an older partition lacks reads as NULL). DuckDB reads the file itself (a lake on
    object storage through a local copy), so the load stays within its memory limit."""
    path, present = lake.local_partition(lake_root, table_name, dt, copy_dir=copy_dir)
    if path is None:
        _register(con, name, lake.LAKE_TABLES[table_name].empty_table())
        return
    select = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in lake.LAKE_TABLES[table_name].names)
    quoted = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {select} FROM read_parquet({quoted})")


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
    con = connect(db_path)
    # Local copies of a remote lake's night, beside the warehouse, gone after the load.
    copies = tempfile.TemporaryDirectory(prefix=".lake-night-", dir=Path(db_path).parent)
    try:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        # Lazy scans: DuckDB streams the night's files with only the columns each statement needs.
        for name, table_name in (("night_articles", "articles"), ("night_quarantine", "quarantine"),
                                 ("night_places", "article_places"), ("night_dates", "article_dates"),
                                 ("night_keywords", "article_keywords")):
            _attach_night(con, name, lake_root, table_name, dt, Path(copies.name))
        for table in ("article_places", "article_dates", "article_keywords", "duplicates", "articles",
                      "quarantine"):
            con.execute(f"DELETE FROM {table} WHERE dt = ?", [dt])
        cols = ", ".join(ARTICLE_COLUMNS)
        # Article ids are per record and night (see enrichment), so tonight's ids are only ever
        # tonight's: the night's rows deleted above, a plain insert puts them back.
        # Row order within a night means nothing (every reader orders, the night's rows still go
        # after the earlier nights'), and keeping it made a 1M-article insert take twice as long.
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(
                f"INSERT INTO articles ({cols}) SELECT {cols} FROM night_articles WHERE duplicate_of IS NULL"
            )
        finally:
            con.execute("RESET preserve_insertion_order")
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
        # The children of tonight's kept articles (not of its duplicates). Their rows of this night
        # were deleted above, and their keys checked by the quality gate: a plain insert.
        for child, night_rows in (("article_places", "night_places"), ("article_dates", "night_dates"),
                                  ("article_keywords", "night_keywords")):
            con.execute(
                f"""INSERT INTO {child} SELECT * FROM {night_rows}
                    WHERE article_id IN (SELECT article_id FROM articles WHERE dt = ?)""",
                [dt],
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
        copies.cleanup()


# The extension's tokeniser with letters and digits of any script as the token characters (its
# default keeps only a-z): the reference index of tests/test_search.py is built with it.
_FTS_TOKEN_SEPARATORS = r"(\.|[^\p{L}\p{N}])+"

# Full-text index: for each language, four tables with the layout of the fts extension's own
# (fts_main_<t>.docs/.dict/.terms/.stats), built with the same tokeniser (lower-case, accents
# stripped, runs of letters and digits), the same Snowball stemmer (the extension's stem()),
# no stop words, over title and text. Differences, all for speed:
#   * terms holds one row per (term, document) with its count tf, not one row per occurrence,
#     and is stored ordered by termid within each batch, so a query reads only the row groups
#     of its own terms (zone maps) instead of the whole table;
#   * the index follows `articles` incrementally: documents whose (title, text) fingerprint
#     changed or that left `articles` are removed, new ones are tokenised and appended, df and
#     the stats are updated. A full rebuild gives the same scores (see tests/test_search.py).
# search.sql scores with these tables exactly as the extension's match_bm25 does (k=1.2, b=0.75).
SEARCH_INDEX_BATCH = 100_000  # documents tokenised per step: bounds the memory of a first load
SEARCH_INDEX_COMPACT_SHARE = 0.25  # more documents removed than this share: rebuild that language
# DuckDB's own default is 80% of the RAM, and it keeps what it may: the rebuild runs under this
# cap (lowered only, restored after), spilling to the temp directory beyond it.
SEARCH_INDEX_MEMORY_LIMIT_BYTES = 2 * 1024**3
_TOKEN_SPLIT = r"[^\p{L}\p{N}]+"


def _search_tables(lang: str) -> dict[str, str]:
    return {t: f"search_{lang}_{t}" for t in ("docs", "dict", "terms", "stats")}


def _create_search_tables(con, lang: str) -> None:
    t = _search_tables(lang)
    con.execute(f"CREATE TABLE IF NOT EXISTS {t['docs']} (docid BIGINT, article_id VARCHAR, len INTEGER, fp UBIGINT)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {t['dict']} (termid INTEGER, term VARCHAR, df BIGINT)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {t['terms']} (termid INTEGER, docid BIGINT, tf INTEGER)")
    con.execute(f"CREATE TABLE IF NOT EXISTS {t['stats']} (num_docs BIGINT, avgdl DOUBLE)")


def _drop_search_tables(con, lang: str) -> None:
    for table in _search_tables(lang).values():
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _index_batch(con, stemmer: str, rids: tuple[int, int], docids: tuple[int, int]) -> int:
    """Tokenise the new documents with rowids and docids in these ranges into the staged index
    (temporary tables _fts_sdict, _fts_sterms, _fts_sdocs)."""
    # Split on spaces first (a plain byte split, ten times cheaper than a regular expression over
    # every text), then fold, split on non-letters and stem each distinct piece once: the same
    # tokens as the extension's lower(strip_accents(text)) split on non-letters, since a space is
    # one of its separators. A piece may hold several tokens ("word,word") or none ("--").
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fts_pieces AS
           WITH batch AS (
               SELECT n.docid, a.title, a.text
               FROM (SELECT rowid AS rid, title, text FROM articles WHERE rowid BETWEEN ? AND ?) a
               JOIN _fts_new n ON n.rid = a.rid
               WHERE n.docid BETWEEN ? AND ?
           )
           SELECT docid, unnest(string_split(coalesce(title, ''), ' ')) AS r FROM batch
           UNION ALL
           SELECT docid, unnest(string_split(text, ' ')) AS r FROM batch""",
        [*rids, *docids],
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _fts_map AS
            SELECT r, stem(tok, '{stemmer}') AS term, count(*)::INTEGER AS n FROM (
                SELECT r, unnest(regexp_split_to_array(lower(strip_accents(r)), '{_TOKEN_SPLIT}')) AS tok
                FROM (SELECT DISTINCT r FROM _fts_pieces)
            ) WHERE tok <> '' GROUP BY ALL"""
    )
    con.execute(
        """INSERT INTO _fts_sdict
           SELECT (SELECT coalesce(max(termid), -1) FROM _fts_sdict) + row_number() OVER (ORDER BY term), term
           FROM (SELECT DISTINCT term FROM _fts_map) p
           WHERE NOT EXISTS (SELECT 1 FROM _fts_sdict d WHERE d.term = p.term)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fts_rmap AS
           SELECT m.r, d.termid, m.n FROM _fts_map m JOIN _fts_sdict d USING (term)"""
    )
    # One row per piece occurrence joined to its terms, counted per (term, document): the
    # high-cardinality aggregate is the bulk of the work. Ordered by term within the batch, so a
    # query reads only the row groups of its own terms.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fts_post AS
           SELECT m.termid, x.docid, sum(m.n)::INTEGER AS tf
           FROM _fts_pieces x JOIN _fts_rmap m USING (r) GROUP BY m.termid, x.docid ORDER BY m.termid, x.docid"""
    )
    con.execute("INSERT INTO _fts_sterms SELECT termid, docid, tf FROM _fts_post")
    con.execute(
        """INSERT INTO _fts_sdocs
           SELECT n.docid, n.article_id, coalesce(l.len, 0), n.fp FROM _fts_new n
           LEFT JOIN (SELECT docid, sum(tf)::INTEGER AS len FROM _fts_post GROUP BY docid) l USING (docid)
           WHERE n.docid BETWEEN ? AND ?""",
        list(docids),
    )
    for temp in ("_fts_pieces", "_fts_map", "_fts_rmap", "_fts_post"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    return docids[1] - docids[0] + 1  # the new documents' docids are consecutive


def _refresh_stats(con, lang: str) -> None:
    t = _search_tables(lang)
    con.execute(f"DELETE FROM {t['stats']}")
    con.execute(
        f"INSERT INTO {t['stats']} SELECT count(*), coalesce(sum(len) / nullif(count(len), 0), 0) FROM {t['docs']}"
    )


@contextlib.contextmanager
def _step(con):
    """A transaction of its own (or the caller's, when one is open)."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        own = False
    else:
        own = True
    try:
        yield
    except BaseException:
        if own:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
        raise
    if own:
        con.execute("COMMIT")


_STAGING = ("_fts_want", "_fts_gone", "_fts_new", "_fts_sdict", "_fts_sterms", "_fts_sdocs")


def _sync_search_language(con, lang: str, stemmer: str, *, full: bool) -> dict:
    """Bring one language's index in line with `articles`; returns what changed.

    The new documents are tokenised batch by batch into temporary staging tables, outside any
    transaction (temporary tables created and dropped inside one long transaction keep their
    memory until it ends: the first 1M-article build took 96 s that way, 63 s staged). Then one
    short transaction applies the removals and moves the staged postings in: readers see the
    old index or the new one, and a crash leaves the old one for the next call to update.
    """
    t = _search_tables(lang)
    with _step(con):
        _create_search_tables(con, lang)
    # What the index should hold: every article of the language, fingerprinted by what is indexed.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fts_want AS
           SELECT article_id, hash(coalesce(title, ''), text) AS fp, rowid AS rid FROM articles WHERE lang = ?""",
        [lang],
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _fts_gone AS
            SELECT d.docid FROM {t['docs']} d ANTI JOIN _fts_want w ON d.article_id = w.article_id AND d.fp = w.fp"""
    )
    n_gone = con.execute("SELECT count(*) FROM _fts_gone").fetchone()[0]
    n_docs = con.execute(f"SELECT count(*) FROM {t['docs']}").fetchone()[0]
    # Most of the index stale: rebuilding is cheaper than deleting, and leaves it compact.
    rebuild = full or bool(n_gone and n_gone > SEARCH_INDEX_COMPACT_SHARE * n_docs)
    if rebuild:
        n_gone = 0
        con.execute("CREATE OR REPLACE TEMP TABLE _fts_sdict (termid INTEGER, term VARCHAR)")
        con.execute("CREATE OR REPLACE TEMP TABLE _fts_kept (article_id VARCHAR, fp UBIGINT)")
        first_docid = 0
    else:
        # The staged dictionary continues the index's own: known terms keep their termid.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _fts_sdict AS SELECT termid, term FROM {t['dict']}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _fts_kept AS SELECT article_id, fp FROM {t['docs']}")
        first_docid = con.execute(f"SELECT coalesce(max(docid), -1) + 1 FROM {t['docs']}").fetchone()[0]
    old_max_termid = con.execute("SELECT coalesce(max(termid), -1) FROM _fts_sdict").fetchone()[0]
    # New documents get docids in the order of their rows in `articles`, and are tokenised in
    # batches of consecutive rows: each batch reads only its own row groups (rowid range), not
    # every text of the table; a night's new articles are the last rows, read once.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fts_new AS
           SELECT ? - 1 + row_number() OVER (ORDER BY w.rid) AS docid, w.article_id, w.fp, w.rid
           FROM _fts_want w ANTI JOIN _fts_kept k ON k.article_id = w.article_id AND k.fp = w.fp""",
        [first_docid],
    )
    con.execute("DROP TABLE _fts_kept")
    con.execute("CREATE OR REPLACE TEMP TABLE _fts_sterms (termid INTEGER, docid BIGINT, tf INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE _fts_sdocs (docid BIGINT, article_id VARCHAR, len INTEGER, fp UBIGINT)")
    batches = con.execute(
        """SELECT min(docid), max(docid), min(rid), max(rid) FROM _fts_new
           GROUP BY (docid - (SELECT min(docid) FROM _fts_new)) // ? ORDER BY 1""",
        [SEARCH_INDEX_BATCH],
    ).fetchall()
    n_new = 0
    for lo_doc, hi_doc, lo_rid, hi_rid in batches:
        n_new += _index_batch(con, stemmer, (lo_rid, hi_rid), (lo_doc, hi_doc))
    with _step(con):
        if rebuild:
            _drop_search_tables(con, lang)
            _create_search_tables(con, lang)
        elif n_gone:
            con.execute(
                f"""UPDATE {t['dict']} AS d SET df = d.df - g.n FROM (
                        SELECT termid, count(*) AS n FROM {t['terms']} WHERE docid IN (SELECT docid FROM _fts_gone)
                        GROUP BY termid) g
                    WHERE d.termid = g.termid"""
            )
            con.execute(f"DELETE FROM {t['terms']} WHERE docid IN (SELECT docid FROM _fts_gone)")
            con.execute(f"DELETE FROM {t['docs']} WHERE docid IN (SELECT docid FROM _fts_gone)")
        con.execute(
            f"INSERT INTO {t['dict']} SELECT termid, term, 0 FROM _fts_sdict WHERE termid > ? ORDER BY termid",
            [-1 if rebuild else old_max_termid],
        )
        con.execute(f"INSERT INTO {t['terms']} SELECT termid, docid, tf FROM _fts_sterms")
        con.execute(
            f"""UPDATE {t['dict']} AS d SET df = d.df + b.n
                FROM (SELECT termid, count(*) AS n FROM _fts_sterms GROUP BY termid) b WHERE d.termid = b.termid"""
        )
        con.execute(f"INSERT INTO {t['docs']} SELECT docid, article_id, len, fp FROM _fts_sdocs")
        _refresh_stats(con, lang)
    for temp in _STAGING:
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    return {"removed": n_gone, "added": n_new, "rebuilt": rebuild}


def rebuild_search_index(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> dict:
    """Bring the per-language full-text indexes in line with `articles`; (re)create search.sql.

    Incremental by default: only documents added, changed or removed since the last call are
    (un)indexed, so a night costs the tokenising of that night; ``full`` rebuilds from scratch
    (the results are the same). Each language's index changes in one short transaction after
    its new documents are staged: readers see the old index or the new one, and a crash leaves
    the old one, which the next call brings up to date. Inside a caller's open transaction it
    all runs in that one. Returns per language the documents removed and added.
    """
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    limit_bytes = _size_bytes(limit)
    capped = limit_bytes is None or limit_bytes > SEARCH_INDEX_MEMORY_LIMIT_BYTES
    if capped:
        con.execute("SET memory_limit = ?", [f"{SEARCH_INDEX_MEMORY_LIMIT_BYTES // 1024**2}MiB"])
    try:
        return _rebuild_search_index(con, full=full)
    finally:
        if capped:
            con.execute("SET memory_limit = ?", [limit])


_SIZE_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4,
               "kib": 1024, "mib": 1024**2, "gib": 1024**3, "tib": 1024**4}


def _size_bytes(text: str) -> float | None:
    """DuckDB's way of showing a size ('18.8 GiB', '500.0 MiB') in bytes; None if unlimited/unknown."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]+)\s*", text or "")
    if not match or match.group(2).lower() not in _SIZE_UNITS:
        return None
    return float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]


def _rebuild_search_index(con: duckdb.DuckDBPyConnection, *, full: bool) -> dict:
    changes = {}
    for lang, stemmer in SEARCH_LANGUAGES.items():
        with _step(con):
            # The extension-built tables of earlier versions of the warehouse.
            con.execute(f"DROP SCHEMA IF EXISTS fts_main_search_{lang} CASCADE")
            con.execute(f"DROP TABLE IF EXISTS search_{lang}")
        changes[lang] = _sync_search_language(con, lang, stemmer, full=full)
    with _step(con):
        con.execute(sql_text("search.sql"))
    log.info("search index: %s", changes)
    return changes


def record_dq_results(db_path: str | Path, dt: _dt.date, results: pa.Table) -> None:
    """Keep a night's quality results even when its gate failed and nothing else is loaded."""
    con = connect(db_path)
    # Local copies of a remote lake's night, beside the warehouse, gone after the load.
    copies = tempfile.TemporaryDirectory(prefix=".lake-night-", dir=Path(db_path).parent)
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
