"""``akhbar migrate``: move a warehouse.duckdb and Parquet lake of akhbar 0.1 into the catalog.

Idempotent: every migrated table is replaced whole in one transaction, so running it twice gives
the same catalog. Before and after, each table's row count and content hash are printed side by side
(the hash is an order-independent digest of the rows over the columns both sides have); the command
exits non-zero when any pair differs.

Where each table comes from:
* ``articles``, ``article_places``, ``article_dates``, ``article_keywords``, ``sources``, ``runs``,
  ``dq_results``, ``keyword_doc_freq``: the old warehouse (the lake's copies held duplicates too);
* ``duplicates``: the old warehouse, with each row's ``record_id`` from the lake's articles partitions;
* ``quarantine``: the old warehouse, with the raw bytes (``body``) from the lake's quarantine partitions;
* the full-text index is rebuilt from the migrated articles, night by night.
"""

from __future__ import annotations

import datetime as _dt
import logging
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from akhbar.config import Registry
from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.search_index import stage_search_index
from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.staging import STAGING_FOLDER, _Writer, staging_session
from akhbar.schema import CATALOG_TABLES

log = logging.getLogger(__name__)

MIGRATED = (
    "articles",
    "duplicates",
    "article_places",
    "article_dates",
    "article_keywords",
    "quarantine",
    "keyword_doc_freq",
    "sources",
    "runs",
    "dq_results",
)


@dataclass
class TableFigures:
    table: str
    rows_before: int
    hash_before: str
    rows_after: int = 0
    hash_after: str = ""

    @property
    def matches(self) -> bool:
        return self.rows_before == self.rows_after and self.hash_before == self.hash_after


@dataclass
class MigrationReport:
    tables: list[TableFigures] = field(default_factory=list)
    nights_indexed: int = 0

    @property
    def matches(self) -> bool:
        return all(t.matches for t in self.tables)

    def render(self) -> str:
        from akhbar.report import _table

        rows = [
            (
                t.table,
                t.rows_before,
                t.hash_before,
                t.rows_after,
                t.hash_after,
                "ok" if t.matches else "DIFFERS",
            )
            for t in self.tables
        ]
        return (
            _table(["table", "rows before", "hash before", "rows after", "hash after", ""], rows)
            + f"\nsearch index rebuilt for {self.nights_indexed} night(s)"
        )


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _shared_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    old = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'old' AND table_name = ?",
            [table],
        ).fetchall()
    }
    return [c for c in CATALOG_TABLES[table].schema.names if c in old]


def _digest(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str]) -> tuple[int, str]:
    """Rows and an order-independent hash of ``columns`` of ``relation``."""
    cols = ", ".join(f'"{c}"' for c in columns)
    count, digest = one_row(con, f"SELECT count(*), coalesce(bit_xor(hash(({cols}))), 0) FROM {relation}")
    return count, f"{digest:016x}"


def _lake_glob(lake: Path, table: str) -> str | None:
    files = sorted((lake / table).glob("dt=*/*.parquet"))
    return "[" + ", ".join(_quote(p) for p in files) + "]" if files else None


def _source_select(con: duckdb.DuckDBPyConnection, table: str, lake: Path) -> str:
    """The SELECT that reads one table of the old warehouse in the catalog's column order."""
    columns = CATALOG_TABLES[table].schema.names
    shared = set(_shared_columns(con, table))
    parts = []
    for c in columns:
        parts.append(f'o."{c}"' if c in shared else f'NULL AS "{c}"')
    select = f"SELECT {', '.join(parts)} FROM old.{table} o"
    if table == "duplicates" and "record_id" not in shared and (files := _lake_glob(lake, "articles")):
        cols = ", ".join(p.replace('NULL AS "record_id"', 'l.record_id AS "record_id"') for p in parts)
        select = (
            f"SELECT {cols} FROM old.duplicates o LEFT JOIN (SELECT article_id, record_id FROM "
            f"read_parquet({files}, union_by_name = true, hive_partitioning = false)) l USING (article_id)"
        )
    if table == "quarantine" and "body" not in shared and (files := _lake_glob(lake, "quarantine")):
        cols = ", ".join(p.replace('NULL AS "body"', 'l.body AS "body"') for p in parts)
        select = (
            f"SELECT {cols} FROM old.quarantine o LEFT JOIN (SELECT dt, record_id, any_value(body) AS body "
            f"FROM read_parquet({files}, union_by_name = true, hive_partitioning = false) GROUP BY dt, record_id) l USING (dt, record_id)"
        )
    return select


def _rebuild_index(con: duckdb.DuckDBPyConnection, settings: CatalogSettings, temp: Path) -> int:
    """The full-text index of every migrated night, staged night by night as the pipeline stages it
    (akhbar.lakehouse.staging), then registered in one transaction."""
    nights = [r[0] for r in con.execute("SELECT DISTINCT dt FROM articles ORDER BY dt").fetchall()]
    location = f"{settings.data_path.rstrip('/')}/{STAGING_FOLDER}/migrate-{uuid.uuid4().hex[:12]}"
    session = staging_session(settings, memory_limit="1GB", temp_dir=temp / "duckdb-tmp")
    files: dict[str, list[str]] = {}
    try:
        for night in nights:
            articles = temp / f"articles-{night}.parquet"
            con.execute(
                f"COPY (SELECT *, NULL::VARCHAR AS duplicate_of FROM articles WHERE dt = ?) "
                f"TO {_quote(articles)} (FORMAT parquet)",
                [night],
            )
            staged = stage_search_index(session, articles, night, _Writer(session, settings, location, night))
            for table, paths in staged.items():
                files.setdefault(table, []).extend(paths)
    finally:
        session.close()
    con.execute("BEGIN TRANSACTION")
    for table in ("search_postings", "search_docs", "search_stats", "search_terms"):
        con.execute(f"DELETE FROM {table}")
    for table, paths in files.items():
        for path in paths:
            con.execute("CALL ducklake_add_data_files('akhbar', ?, ?)", [table, path])
    con.execute("COMMIT")
    return len(nights)


def migrate(
    settings: CatalogSettings,
    *,
    warehouse: Path,
    lake: Path,
    registry: Registry | None = None,
    temp_dir: Path | None = None,
) -> MigrationReport:
    warehouse, lake = Path(warehouse), Path(lake)
    if not warehouse.exists():
        raise FileNotFoundError(f"no akhbar 0.1 warehouse at {warehouse}: nothing to migrate")
    report = MigrationReport()
    with (
        writer_session(settings, f"migrate {warehouse}", temp_dir=temp_dir) as con,
        tempfile.TemporaryDirectory(prefix="akhbar-migrate-") as temp,
    ):
        con.execute(f"ATTACH {_quote(warehouse)} AS old (READ_ONLY)")
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old'"
            ).fetchall()
        }
        tables = [t for t in MIGRATED if t in present]
        for table in tables:
            rows, digest = _digest(con, f"old.{table}", _shared_columns(con, table))
            report.tables.append(TableFigures(table, rows, digest))
        con.execute("BEGIN TRANSACTION")
        for table in tables:
            con.execute(f"DELETE FROM {table}")
            cols = ", ".join(f'"{c}"' for c in CATALOG_TABLES[table].schema.names)
            con.execute(f"INSERT INTO {table} ({cols}) {_source_select(con, table, lake)}")
        con.execute(
            "CALL akhbar.set_commit_message('akhbar', ?, extra_info => ?)",
            [f"migrate {warehouse.name}", f'{{"migrated_at": "{_dt.datetime.now(_dt.UTC).isoformat()}"}}'],
        )
        con.execute("COMMIT")
        for figures in report.tables:
            figures.rows_after, figures.hash_after = _digest(
                con, figures.table, _shared_columns(con, figures.table)
            )
        report.nights_indexed = _rebuild_index(con, settings, Path(temp))
        con.execute("DETACH old")
    log.info("migrated %s: %s", warehouse, [(t.table, t.rows_after) for t in report.tables])
    return report
