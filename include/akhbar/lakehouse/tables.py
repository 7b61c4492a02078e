"""The catalog's tables, generated from the Arrow contract (akhbar.schema.CATALOG_TABLES).

:func:`ensure_catalog` brings a catalog in line with the contract in one transaction: missing tables
are created (with their partitioning, sort order and row-group size), new optional columns are added,
views and macros are (re)created when their SQL changed, and every change is recorded in
``schema_changes``. A change that would break readers or old rows (a column the contract no longer
has, a changed type, a new required column) is refused with :class:`SchemaChangeRefused` naming the
table and the column; nothing is applied then.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from akhbar.schema import CATALOG_TABLES, CatalogTable

log = logging.getLogger(__name__)

# The SQL files stored in the catalog (views and macros), in the order they are created.
CATALOG_SQL = ("views.sql", "search.sql", "stories.sql")


# One change of a table's plan: (statement, column, change, detail).
PlannedChange = tuple[str, str | None, str, str | None]


class SchemaChangeRefused(RuntimeError):
    """The contract and an existing catalog table differ in a way that cannot be applied safely."""


def duckdb_type(arrow_type: pa.DataType) -> str:
    """The DuckDB (and DuckLake) type of an Arrow type of the contract."""
    simple = {
        pa.string(): "VARCHAR",
        pa.large_string(): "VARCHAR",
        pa.binary(): "BLOB",
        pa.bool_(): "BOOLEAN",
        pa.int16(): "SMALLINT",
        pa.int32(): "INTEGER",
        pa.int64(): "BIGINT",
        pa.uint32(): "UINTEGER",
        pa.uint64(): "UBIGINT",
        pa.float32(): "FLOAT",
        pa.float64(): "DOUBLE",
        pa.date32(): "DATE",
    }
    if arrow_type in simple:
        return simple[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP WITH TIME ZONE" if arrow_type.tz else "TIMESTAMP"
    if pa.types.is_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type):
        # DuckLake has no fixed-size ARRAY type: embeddings are stored as FLOAT[] lists.
        return duckdb_type(arrow_type.value_type) + "[]"
    if pa.types.is_struct(arrow_type):
        # Field names unquoted, as duckdb_columns() spells the type (compared in plan_table).
        fields = ", ".join(f"{f.name} {duckdb_type(f.type)}" for f in arrow_type)
        return f"STRUCT({fields})"
    raise TypeError(f"no catalog type for Arrow type {arrow_type}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_ddl(field: pa.Field) -> str:
    return f"{_quote(field.name)} {duckdb_type(field.type)}{'' if field.nullable else ' NOT NULL'}"


def create_table_ddl(table: CatalogTable) -> list[str]:
    """CREATE TABLE and its layout statements, from the contract."""
    columns = ",\n    ".join(column_ddl(f) for f in table.schema)
    statements = [f"CREATE TABLE {table.name} (\n    {columns}\n)"]
    statements += _layout_ddl(table)
    return statements


def _layout_ddl(table: CatalogTable) -> list[str]:
    out = []
    if table.partitioned:
        out.append(f"ALTER TABLE {table.name} SET PARTITIONED BY (dt)")
    if table.sorted_by:
        out.append(f"ALTER TABLE {table.name} SET SORTED BY ({', '.join(table.sorted_by)})")
    return out


@dataclass(frozen=True)
class ColumnState:
    name: str
    type: str
    nullable: bool


def existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[ColumnState]]:
    """Every table of the catalog with its columns, in one query (duckdb_columns(), not
    information_schema, which also walks the metadata database table by table)."""
    rows = con.execute(
        """SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns()
           WHERE database_name = current_database() AND schema_name = 'main'
           ORDER BY table_name, column_index"""
    ).fetchall()
    out: dict[str, list[ColumnState]] = {}
    for table, *column in rows:
        out.setdefault(table, []).append(ColumnState(*column))
    return out


def plan_table(
    con: duckdb.DuckDBPyConnection, table: CatalogTable, columns: dict[str, list[ColumnState]] | None = None
) -> list[PlannedChange]:
    """What must change for one table: (statement, column, change, detail) rows; raises on a breaking change."""
    columns = existing_columns(con) if columns is None else columns
    existing = {c.name: c for c in columns.get(table.name, [])}
    if not existing:
        return [(sql, None, "create_table", None) for sql in create_table_ddl(table)]
    changes: list[PlannedChange] = []
    contract = {f.name: f for f in table.schema}
    for name in existing:
        if name not in contract:
            raise SchemaChangeRefused(
                f"catalog table {table.name!r}: column {name!r} exists in the catalog but not in the contract "
                "(akhbar/schema.py): removing a column breaks readers and old snapshots; keep it in the contract"
            )
    for field in table.schema:
        want = duckdb_type(field.type)
        have = existing.get(field.name)
        if have is None:
            if not field.nullable:
                raise SchemaChangeRefused(
                    f"catalog table {table.name!r}: new column {field.name!r} is required (NOT NULL), but the "
                    "rows already in the catalog have no value for it: make it nullable"
                )
            changes.append(
                (f"ALTER TABLE {table.name} ADD COLUMN {column_ddl(field)}", field.name, "add_column", want)
            )
        elif have.type != want:
            raise SchemaChangeRefused(
                f"catalog table {table.name!r}: column {field.name!r} is {have.type} in the catalog, the contract "
                f"says {want}: changing a column's type is not applied automatically"
            )
        elif have.nullable and not field.nullable:
            raise SchemaChangeRefused(
                f"catalog table {table.name!r}: column {field.name!r} allows NULL in the catalog, the contract "
                "makes it required: rows already stored may hold NULL"
            )
    return changes


def _catalog_sql() -> str:
    return "\n".join(
        resources.files("akhbar").joinpath("sql", name).read_text(encoding="utf-8") for name in CATALOG_SQL
    )


def _sql_fingerprint() -> str:
    return hashlib.sha256(_catalog_sql().encode()).hexdigest()[:16]


def _views_current(con: duckdb.DuckDBPyConnection, columns: dict[str, list[ColumnState]]) -> bool:
    if "schema_changes" not in columns:
        return False
    row = con.execute(
        "SELECT detail FROM schema_changes WHERE change = 'views' ORDER BY changed_at DESC LIMIT 1"
    ).fetchone()
    return row is not None and row[0] == _sql_fingerprint()


def ensure_catalog(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Create or evolve every table, then the views and macros, in one transaction.

    Returns the changes applied (empty when the catalog already matches the contract). The caller
    holds the publish lock: two writers never evolve the catalog at once.
    """
    columns = existing_columns(con)
    plans = {name: plan_table(con, table, columns) for name, table in CATALOG_TABLES.items()}
    views_current = _views_current(con, columns)
    if not any(plans.values()) and views_current:
        return []
    now = _dt.datetime.now(_dt.UTC)
    con.execute("BEGIN TRANSACTION")
    try:
        applied = _apply_plans(con, plans, now)
        if not views_current:
            applied.append(_create_views(con, now))
        _record_changes(con, applied)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    _set_table_options(con, plans)
    for row in applied:
        if row["change"] != "create_table":
            log.info("catalog: %s %s.%s", row["change"], row["table_name"], row["column_name"] or "")
    return applied


def _change(now: _dt.datetime, table: str, column: str | None, change: str, detail: Any) -> dict[str, Any]:
    """A row of schema_changes."""
    return {"changed_at": now, "table_name": table, "column_name": column, "change": change, "detail": detail}


def _apply_plans(
    con: duckdb.DuckDBPyConnection, plans: dict[str, list[PlannedChange]], now: _dt.datetime
) -> list[dict[str, Any]]:
    applied = []
    for name, plan in plans.items():
        for sql, column, change, detail in plan:
            con.execute(sql)
            if change == "create_table" and not sql.startswith("CREATE"):
                continue  # a layout statement of a table just created
            applied.append(_change(now, name, column, change, detail))
    return applied


def _create_views(con: duckdb.DuckDBPyConnection, now: _dt.datetime) -> dict[str, Any]:
    from akhbar.stories.search import register

    register(con)  # search_semantic names the encoder's function: it must exist to be created
    for statement in _statements(_catalog_sql()):
        con.execute(statement)
    return _change(now, "*", None, "views", _sql_fingerprint())


def _record_changes(con: duckdb.DuckDBPyConnection, applied: list[dict[str, Any]]) -> None:
    rows = pa.Table.from_pylist(applied, schema=CATALOG_TABLES["schema_changes"].schema)
    con.register("_schema_changes", rows)
    con.execute("INSERT INTO schema_changes SELECT * FROM _schema_changes")
    con.unregister("_schema_changes")


def _set_table_options(con: duckdb.DuckDBPyConnection, plans: dict[str, list[PlannedChange]]) -> None:
    # Table options can only be set on committed tables.
    for name, table in CATALOG_TABLES.items():
        if table.row_group_rows and any(c == "create_table" for _, _, c, _ in plans[name]):
            con.execute(
                "CALL akhbar.set_option('parquet_row_group_size', ?, table_name => ?)",
                [str(table.row_group_rows), name],
            )


def _statements(sql: str) -> list[str]:
    """The statements of a SQL file (DuckDB splits them itself, comments and strings included)."""
    return [s.query for s in duckdb.extract_statements(sql) if s.query.strip()]
