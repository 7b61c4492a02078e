"""SQL written by users, run read-only: `akhbar sql`, the Corpus page, analysts' helpers.

Four locks on top of each other, so that "read-only" stays read-only whatever the query says:

* the catalog is attached ``READ_ONLY``: no statement can change a table, a view or a snapshot;
* file and network access are off (``enable_external_access = false``) except the catalog's own data
  path, so ``read_text('/etc/passwd')``, ``COPY ... TO``, ``ATTACH`` and ``INSTALL`` fail;
* the configuration is locked (``lock_configuration``): no ``SET`` turns the others off;
* exactly one statement, and only a query (SELECT, or EXPLAIN of one: EXPLAIN ANALYZE runs what it
  explains): ``COPY``, ``EXPORT DATABASE``, ``PRAGMA``, ``CALL``, ``SET`` and several statements are
  refused before anything runs, and so are the table functions that write files (DuckLake's upkeep)
  or run SQL given as a string (``query``).

Writing a result somewhere is the caller's business, through explicit options (``akhbar sql --format
csv --out FILE``), never through SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from akhbar.lakehouse.session import reader_session
from akhbar.lakehouse.settings import CatalogSettings

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
MAX_SQL_CHARS = 100_000
# Table functions a SELECT may call that write to the catalog's files (DuckLake's upkeep writes or
# deletes Parquet files before the read-only metadata refuses its commit) or that run SQL given as a
# string, which the statement check cannot see. Refused by name, with or without the ducklake_ prefix.
REFUSED_FUNCTIONS = {
    "merge_adjacent_files",
    "rewrite_data_files",
    "cleanup_old_files",
    "delete_orphaned_files",
    "expire_snapshots",
    "flush_inlined_data",
    "add_data_files",
    "set_option",
    "set_commit_message",
    "query",
    "query_table",
    "json_execute_serialized_sql",
}
_IDENTIFIER = re.compile(r'"(?:[^"]|"")*"|[^\s(),.;"]+')


class QueryRefused(ValueError):
    """A statement that read-only access does not run; the message says which and why."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    table: pa.Table

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        return (
            list(zip(*(self.table.column(i).to_pylist() for i in range(self.table.num_columns))))
            if self.table.num_columns
            else []
        )


def check_statement(sql: str) -> str:
    """The one query of ``sql``, or :class:`QueryRefused` naming what is not allowed."""
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefused(
            f"the query is {len(sql):,} characters long; at most {MAX_SQL_CHARS:,} are accepted"
        )
    try:
        statements = [s for s in duckdb.extract_statements(sql) if s.query.strip()]
    except duckdb.Error as exc:
        raise QueryRefused(f"the SQL does not parse: {exc}") from None
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time: this SQL holds {len(statements)}")
    statement = statements[0]
    if statement.type not in ALLOWED:
        kind = statement.type.name.replace("_STATEMENT", "").replace("_", " ")
        raise QueryRefused(f"read-only access runs queries only (SELECT); refused a {kind} statement")
    if statement.type == duckdb.StatementType.EXPLAIN:
        _check_explained(statement.query)  # EXPLAIN ANALYZE runs what it explains
    _check_functions(statement.query)
    return statement.query


def _tokens(sql: str) -> list[tuple[str, duckdb.token_type]]:
    out = []
    for position, kind in duckdb.tokenize(sql):
        match = _IDENTIFIER.match(sql, position)
        out.append((match.group(0) if match else sql[position : position + 1], kind))
    return out


def _check_explained(sql: str) -> None:
    """The statement after EXPLAIN [ANALYZE] must itself be a query."""
    positions = [p for p, _ in duckdb.tokenize(sql)]
    words = [text.upper() for text, _ in _tokens(sql)]
    start = 1 + (len(words) > 1 and words[1] in ("ANALYZE", "ANALYSE"))
    inner = sql[positions[start] :] if start < len(positions) else ""
    try:
        explained = [s for s in duckdb.extract_statements(inner) if s.query.strip()]
    except duckdb.Error:
        explained = []
    if len(explained) != 1 or explained[0].type != duckdb.StatementType.SELECT:
        kind = explained[0].type.name.replace("_STATEMENT", "") if len(explained) == 1 else "non-query"
        raise QueryRefused(f"read-only access explains queries only; refused EXPLAIN of a {kind} statement")


def _check_functions(sql: str) -> None:
    for text, kind in _tokens(sql):
        if kind != duckdb.token_type.identifier:
            continue
        name = text.strip('"').replace('""', '"').lower()
        if name.removeprefix("ducklake_") in REFUSED_FUNCTIONS:
            raise QueryRefused(
                f"read-only access does not call {name}(): it writes files or runs SQL given as a string"
            )


def run_query(
    settings: CatalogSettings,
    sql: str,
    params: Sequence[object] | None = None,
    *,
    max_rows: int | None = None,
) -> QueryResult:
    """Run one user query in a sandboxed read-only session; at most ``max_rows`` rows are fetched."""
    query = check_statement(sql)
    with reader_session(settings, sandbox=True) as con:
        cursor = con.execute(query, params or [])
        if cursor.description is None:
            return QueryResult([], pa.table({}))
        reader = cursor.fetch_record_batch(rows_per_batch=10_000)
        batches, n = [], 0
        for batch in reader:
            if max_rows is not None and n + batch.num_rows > max_rows:
                batches.append(batch.slice(0, max_rows - n))
                break
            batches.append(batch)
            n += batch.num_rows
        table = pa.Table.from_batches(batches, schema=reader.schema)
    return QueryResult(table.column_names, table)


def query(
    settings: CatalogSettings, sql: str, params: Sequence[object] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """akhbar's own read-only queries (not user SQL): (column names, rows)."""
    with reader_session(settings) as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description] if cursor.description else []
        return names, cursor.fetchall()
