"""DuckDB sessions on the catalog: a bounded writer, read-only readers, and the SQL to attach it yourself.

Every session is an in-memory DuckDB that loads the bundled extensions and attaches the DuckLake
catalog under the name ``akhbar`` (then ``USE akhbar``), so queries name tables plainly.

Readers attach ``READ_ONLY`` and work on snapshots: they never wait for the nightly publish and
never see half of it. A SQLite catalog is switched to WAL journaling when the writer first opens it;
in SQLite's default journal mode a reader's open transaction makes the writer's commit fail with
"database is locked".
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any

import duckdb

from akhbar.lakehouse import extensions
from akhbar.lakehouse.settings import CATALOG_NAME, CatalogSettings


class CatalogMissing(FileNotFoundError):
    """No catalog at the configured place yet (the first night creates it)."""


class CatalogUnavailable(RuntimeError):
    """The catalog could not be attached; the message names where, never a password."""


_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)|(://[^:/@\s]+:)[^@\s]+(@)", re.I)


def redact(text: str) -> str:
    """``text`` without the passwords a connection string in it may hold."""
    return _PASSWORD.sub(
        lambda m: (m.group(1) + "***") if m.group(1) else (m.group(3) + "***" + m.group(4)), text
    )


def _attach(con: duckdb.DuckDBPyConnection, settings: CatalogSettings, statements: list[str]) -> None:
    for statement in statements:
        try:
            con.execute(statement)
        except duckdb.Error as exc:
            message = redact(str(exc))
            if statement.startswith("ATTACH") and "does not exist" in message:
                raise CatalogMissing(
                    f"no catalog yet ({settings.describe()}): it is created by the first "
                    "akhbar_nightly run (or `akhbar run`)"
                ) from None
            raise CatalogUnavailable(f"cannot open the catalog ({settings.describe()}): {message}") from None


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple[Any, ...]:
    """The row of a query that always gives exactly one (an aggregate without GROUP BY, a snapshot id)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise RuntimeError(f"no row from a query that always gives one: {sql[:200]}")
    return row


def _sql_string(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _extension_names(settings: CatalogSettings) -> list[str]:
    names = ["ducklake", "sqlite_scanner" if settings.kind == "sqlite" else "postgres_scanner", "fts"]
    if settings.is_remote_data:
        names.append("httpfs")
    return names


def _secret_sql(settings: CatalogSettings) -> str | None:
    """A session-only S3 secret from the environment's credentials (never persisted)."""
    s3 = settings.s3
    if s3 is None:
        return None
    parts = [
        "TYPE s3",
        f"REGION {_sql_string(s3.region)}",
        f"URL_STYLE {_sql_string(s3.url_style)}",
        f"USE_SSL {'true' if s3.use_ssl else 'false'}",
    ]
    if s3.endpoint:
        parts.append(f"ENDPOINT {_sql_string(s3.endpoint)}")
    if s3.key_id:
        parts += [f"KEY_ID {_sql_string(s3.key_id)}", f"SECRET {_sql_string(s3.secret or '')}"]
    if s3.session_token:
        parts.append(f"SESSION_TOKEN {_sql_string(s3.session_token)}")
    return f"CREATE OR REPLACE SECRET akhbar_s3 ({', '.join(parts)})"


def attach_statements(
    settings: CatalogSettings, *, read_only: bool = True, data_path: bool = False
) -> list[str]:
    """The statements that attach the catalog in any DuckDB session (the CLI, a notebook, a script)."""
    statements = [f"LOAD {_sql_string(extensions.extension_path(n))}" for n in _extension_names(settings)]
    secret = _secret_sql(settings)
    if secret:
        statements.append(secret)
    options = []
    if data_path:
        options.append(f"DATA_PATH {_sql_string(settings.data_path)}")
    if read_only:
        options.append("READ_ONLY")
    suffix = f" ({', '.join(options)})" if options else ""
    statements += [
        f"ATTACH {_sql_string(settings.attach_uri)} AS {CATALOG_NAME}{suffix}",
        f"USE {CATALOG_NAME}",
    ]
    return statements


def exists(settings: CatalogSettings) -> bool:
    """Whether a catalog has been created (a SQLite file exists; a PostgreSQL one is assumed to)."""
    return settings.kind != "sqlite" or Path(settings.target).exists()


def _prepare_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    try:
        # Persistent in the file: readers then never block the writer's commit.
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def open_writer(
    settings: CatalogSettings, *, temp_dir: str | Path | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """The session that changes the catalog (publish, schema changes, maintenance).

    Bounded memory: DuckDB spills to ``temp_dir`` beyond ``memory_limit`` (AKHBAR_DUCKDB_MEMORY_LIMIT,
    1 GB by default) instead of taking the machine. Creates the catalog on first use.
    """
    if settings.kind == "sqlite":
        _prepare_sqlite(Path(settings.target))
    if not settings.is_remote_data:
        Path(settings.data_path).mkdir(parents=True, exist_ok=True)
    config: extensions.DuckDBConfig = {
        **extensions.OFFLINE_CONFIG,
        "memory_limit": memory_limit or os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "1GB"),
    }
    if temp_dir:
        Path(temp_dir).mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_dir)
    con = duckdb.connect(config=config)
    try:
        _attach(con, settings, attach_statements(settings, read_only=False, data_path=True))
    except BaseException:
        con.close()
        raise
    return con


def open_reader(settings: CatalogSettings, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only session on the latest snapshot (each new transaction sees the latest commit).

    ``sandbox=True`` is for SQL written by users (``akhbar sql``, the Corpus page): no file or network
    access beyond the catalog's own, no extension loading and the configuration locked, on top of the
    read-only attachment (see :mod:`akhbar.lakehouse.sandbox`).
    """
    if not exists(settings):
        raise CatalogMissing(
            f"no catalog yet ({settings.describe()}): it is created by the first akhbar_nightly "
            "run (or `akhbar run`)"
        )
    # Parquet footers kept between queries: a search reads the footers of every postings file, and
    # parsing them again each time cost more than the search itself.
    con = duckdb.connect(config=dict(extensions.OFFLINE_CONFIG))
    try:
        con.execute("SET parquet_metadata_cache = true")
        _attach(con, settings, attach_statements(settings, read_only=True))
        if settings.kind == "sqlite":
            # Every query first reads a dozen small catalog tables: spreading each over threads cost
            # more than it saved (a search at 100k: CPU p50 -17% with one thread, bench_warehouse).
            con.execute("SET sqlite_disable_multithreaded_scans = true")
        from akhbar.stories.search import register

        register(con)  # akhbar_embed, for the catalog's search_semantic (the model loads on first use)
        if sandbox:
            # The data path only: DuckDB allows the attached SQLite catalog's own files itself, and
            # the rest of the data dir (raw zone, work files) is not the catalog's.
            # A literal, not a bound parameter: binding any parameter makes duckdb import pandas,
            # a second or more of start-up for `akhbar sql`.
            con.execute(f"SET allowed_directories = [{_sql_string(settings.data_path)}]")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


# (kind, target, data path, sandbox) -> the kept session
_SHARED: dict[tuple[str, str, str, bool], duckdb.DuckDBPyConnection] = {}
_SHARED_LOCK = threading.Lock()


def shared_reader(settings: CatalogSettings, *, sandbox: bool = True) -> duckdb.DuckDBPyConnection:
    """A cursor on a read-only session kept for the life of the process (a web app's requests):
    opening a session loads the extensions, about half a second; a cursor costs nothing. Each
    cursor's statements see the latest snapshot, like a fresh session's. Close the cursor, not the
    session."""
    key = (settings.kind, settings.target, settings.data_path, sandbox)
    with _SHARED_LOCK:
        base = _SHARED.get(key)
        if base is None:
            base = open_reader(settings, sandbox=sandbox)
            _SHARED[key] = base
        cursor = base.cursor()
    cursor.execute(f"USE {CATALOG_NAME}")  # a cursor starts in the session's default database
    return cursor


def forget_shared_readers() -> None:
    """Close the kept sessions (after a failure, or in tests)."""
    with _SHARED_LOCK:
        for con in _SHARED.values():
            try:
                con.close()
            except duckdb.Error:
                pass
        _SHARED.clear()
