"""The catalog's tables come from the contract (akhbar.schema.CATALOG_TABLES), evolve with it when
the change is safe, and refuse it, naming table and column, when it is not. Views and macros live
in the catalog itself."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from akhbar.lakehouse import tables as tables_module
from akhbar.lakehouse.extensions import OFFLINE_CONFIG
from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.tables import SchemaChangeRefused
from akhbar.schema import CATALOG_TABLES, TS, CatalogTable
from tests.lakehouse.helpers import VIEWS, Night, akhbar, article, dump, keyword, place, publish

D1, D2 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
BIN = Path(sys.executable).parent

# Written out here rather than taken from akhbar.lakehouse.tables: the test states what each Arrow
# type of the contract must be in the catalog.
EXPECTED_TYPE = {
    pa.string(): "VARCHAR",
    pa.binary(): "BLOB",
    pa.bool_(): "BOOLEAN",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.uint64(): "UBIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
    TS: "TIMESTAMP WITH TIME ZONE",
    # The stories tables: DuckLake has no fixed-size arrays (an embedding is a FLOAT[] list of 512).
    pa.list_(pa.float32(), 512): "FLOAT[]",
    pa.list_(pa.string()): "VARCHAR[]",
    pa.list_(pa.date32()): "DATE[]",
    pa.list_(
        pa.struct([("lang", pa.string()), ("title", pa.string()), ("article_id", pa.string())])
    ): "STRUCT(lang VARCHAR, title VARCHAR, article_id VARCHAR)[]",
}


def columns(con, table: str) -> list[tuple[str, str, bool]]:
    return [
        (n, t, nullable == "YES")
        for n, t, nullable in con.execute(
            """SELECT column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_catalog = 'akhbar' AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position""",
            [table],
        ).fetchall()
    ]


def layout(con) -> dict[str, tuple[list[str], list[str]]]:
    """Per table: its partition columns and its sort expressions, from DuckLake's own metadata."""
    meta = "__ducklake_metadata_akhbar"
    live = f"(SELECT table_id, table_name FROM {meta}.ducklake_table WHERE end_snapshot IS NULL)"
    partitions = con.execute(
        f"""SELECT t.table_name, c.column_name FROM {meta}.ducklake_partition_column p
            JOIN {meta}.ducklake_partition_info i USING (partition_id, table_id)
            JOIN {live} t USING (table_id)
            JOIN {meta}.ducklake_column c ON c.table_id = p.table_id AND c.column_id = p.column_id
            WHERE i.end_snapshot IS NULL AND c.end_snapshot IS NULL ORDER BY 1, p.partition_key_index"""
    ).fetchall()
    sorts = con.execute(
        f"""SELECT t.table_name, e.expression FROM {meta}.ducklake_sort_expression e
            JOIN {meta}.ducklake_sort_info s USING (sort_id, table_id) JOIN {live} t USING (table_id)
            WHERE s.end_snapshot IS NULL ORDER BY 1, e.sort_key_index"""
    ).fetchall()
    out: dict[str, tuple[list[str], list[str]]] = {}
    for table, column in partitions:
        out.setdefault(table, ([], []))[0].append(column)
    for table, expression in sorts:
        out.setdefault(table, ([], []))[1].append(expression)
    return out


@pytest.mark.slow
def test_every_table_has_exactly_the_contracts_columns_and_types(catalog):
    with writer_session(catalog, "create"):
        pass
    with reader_session(catalog) as con:
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'akhbar' "
                "AND table_type = 'BASE TABLE'"
            ).fetchall()
        }
        assert present == set(CATALOG_TABLES)
        for name, spec in CATALOG_TABLES.items():
            want = [(f.name, EXPECTED_TYPE[f.type], f.nullable) for f in spec.schema]
            assert columns(con, name) == want, name
            # What a reader gets back is the contract's Arrow schema, names and order.
            assert (
                con.execute(f"SELECT * FROM {name} LIMIT 0").fetch_arrow_table().schema.names
                == spec.schema.names
            )
        got = layout(con)
    for name, spec in CATALOG_TABLES.items():
        partitions, sort = got.get(name, ([], []))
        assert partitions == (["dt"] if spec.partitioned else []), name
        assert sort == list(spec.sorted_by), name


@pytest.mark.slow
def test_a_second_writer_session_changes_nothing(catalog):
    with writer_session(catalog, "create"):
        pass
    with reader_session(catalog) as con:
        first = con.execute("SELECT max(snapshot_id) FROM akhbar.snapshots()").fetchone()[0]
        changes = con.execute("SELECT count(*) FROM schema_changes").fetchone()[0]
    with writer_session(catalog, "again") as con:
        assert tables_module.ensure_catalog(con) == []
    with reader_session(catalog) as con:
        assert con.execute("SELECT max(snapshot_id) FROM akhbar.snapshots()").fetchone()[0] == first
        assert con.execute("SELECT count(*) FROM schema_changes").fetchone()[0] == changes
        created = con.execute(
            "SELECT table_name FROM schema_changes WHERE change = 'create_table'"
        ).fetchall()
    assert sorted(r[0] for r in created) == sorted(CATALOG_TABLES)


def _with_field(
    name: str, field: pa.Field, *, drop: str | None = None, replace: bool = False
) -> CatalogTable:
    spec = CATALOG_TABLES[name]
    schema = spec.schema
    if drop:
        schema = schema.remove(schema.get_field_index(drop))
    elif replace:
        schema = schema.set(schema.get_field_index(field.name), field)
    else:
        schema = schema.append(field)
    return CatalogTable(
        spec.name,
        schema,
        nightly=spec.nightly,
        partitioned=spec.partitioned,
        sorted_by=spec.sorted_by,
        row_group_rows=spec.row_group_rows,
    )


def _night(day: dt.date, tag: str) -> Night:
    return Night(
        day,
        [article(f"{tag}1", day, "انسحاب القوات من العراق"), article(f"{tag}2", day, "خبر آخر", "ar")],
        places=[place(f"{tag}1", day)],
        keywords=[keyword(f"{tag}1", day, "العراق", 1), keyword(f"{tag}2", day, "خبر", 1)],
    )


@pytest.mark.slow
def test_a_new_optional_column_is_added_on_the_next_writer_session_and_recorded(
    catalog, tmp_path, monkeypatch
):
    publish(catalog, _night(D1, "a"), tmp_path / "work")
    monkeypatch.setitem(
        CATALOG_TABLES, "article_keywords", _with_field("article_keywords", pa.field("model", pa.string()))
    )
    monkeypatch.setitem(
        CATALOG_TABLES, "articles", _with_field("articles", pa.field("sentiment", pa.float32()))
    )
    # The next night's writer session applies it; the night's work files do not have the columns yet.
    publish(catalog, _night(D2, "b"), tmp_path / "work")
    with reader_session(catalog) as con:
        assert columns(con, "article_keywords")[-1] == ("model", "VARCHAR", True)
        assert columns(con, "articles")[-1] == ("sentiment", "FLOAT", True)
        assert con.execute("SELECT count(*), count(model) FROM article_keywords").fetchone() == (4, 0)
        assert con.execute("SELECT count(*) FROM articles WHERE sentiment IS NULL").fetchone()[0] == 4
        recorded = con.execute(
            "SELECT table_name, column_name, change, detail FROM schema_changes "
            "WHERE change = 'add_column' ORDER BY 1"
        ).fetchall()
    assert recorded == [
        ("article_keywords", "model", "add_column", "VARCHAR"),
        ("articles", "sentiment", "add_column", "FLOAT"),
    ]
    # A work file that has the new column publishes its values.
    night = _night(D2, "c")
    night.tables["keywords"] = pa.Table.from_pylist(
        [dict(k, model="yake-v2") for k in night.keywords], schema=CATALOG_TABLES["article_keywords"].schema
    )
    publish(catalog, night, tmp_path / "work")
    with reader_session(catalog) as con:
        assert con.execute("SELECT DISTINCT model FROM article_keywords WHERE dt = ?", [D2]).fetchall() == [
            ("yake-v2",)
        ]
        assert (
            con.execute("SELECT count(*) FROM schema_changes WHERE change = 'add_column'").fetchone()[0] == 2
        )


@pytest.mark.slow
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda: _with_field("article_keywords", pa.field("score", pa.float32()), drop="score"),
            r"'article_keywords'.*column 'score' exists in the catalog but not in the contract",
        ),
        (
            lambda: _with_field(
                "article_keywords", pa.field("rank", pa.string(), nullable=False), replace=True
            ),
            r"'article_keywords'.*column 'rank' is SMALLINT in the catalog, the contract says VARCHAR",
        ),
        (
            lambda: _with_field("article_keywords", pa.field("must", pa.int32(), nullable=False)),
            r"'article_keywords'.*new column 'must' is required",
        ),
        (
            lambda: _with_field("sources", pa.field("name", pa.string(), nullable=False), replace=True),
            r"'sources'.*column 'name' allows NULL in the catalog",
        ),
    ],
    ids=["column removed", "type changed", "required column added", "column made required"],
)
def test_a_breaking_change_is_refused_naming_table_and_column_and_nothing_is_applied(
    catalog, tmp_path, monkeypatch, change, message
):
    publish(catalog, _night(D1, "a"), tmp_path / "work")
    before = dump(catalog)
    with reader_session(catalog) as con:
        snapshot = con.execute("SELECT max(snapshot_id) FROM akhbar.snapshots()").fetchone()[0]
    # A safe change elsewhere in the same contract is not applied either: all or nothing.
    monkeypatch.setitem(
        CATALOG_TABLES, "articles", _with_field("articles", pa.field("sentiment", pa.float32()))
    )
    refused = change()
    monkeypatch.setitem(CATALOG_TABLES, refused.name, refused)
    with pytest.raises(SchemaChangeRefused, match=message), writer_session(catalog, "refused"):
        pytest.fail("the writer session must not start")
    monkeypatch.undo()
    with reader_session(catalog) as con:
        assert con.execute("SELECT max(snapshot_id) FROM akhbar.snapshots()").fetchone()[0] == snapshot
        assert "sentiment" not in [c[0] for c in columns(con, "articles")]
    assert dump(catalog) == before


@pytest.mark.slow
def test_views_and_macros_are_stored_in_the_catalog(catalog, data_dir, tmp_path):
    publish(catalog, _night(D1, "a"), tmp_path / "work")
    # In the catalog's own metadata database, not in a session: read with SQLite itself.
    db = sqlite3.connect(catalog.sqlite_path)
    try:
        views = {r[0] for r in db.execute("SELECT view_name FROM ducklake_view WHERE end_snapshot IS NULL")}
        macros = {
            r[0] for r in db.execute("SELECT macro_name FROM ducklake_macro WHERE end_snapshot IS NULL")
        }
    finally:
        db.close()
    assert views == set(VIEWS)
    assert {
        "search_articles",
        "akhbar_fold",
        "akhbar_tokens",
        "similar_articles",
        "search_vector",
        "search_semantic",
    } <= macros

    # A plain DuckDB session that runs what `akhbar catalog` prints has them.
    proc = akhbar("catalog", "--data-dir", data_dir)
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(config=dict(OFFLINE_CONFIG))
    try:
        for statement in duckdb.extract_statements(proc.stdout):
            con.execute(statement.query)
        assert con.execute("SELECT sum(articles) FROM daily_volume").fetchone()[0] == 2
        assert con.execute("SELECT article_id FROM search_articles('العراقية', k := 5)").fetchall() == [
            ("a1",)
        ]
        assert con.execute("SELECT count(*) FROM top_places_by_day").fetchone()[0] == 1
        with pytest.raises(duckdb.Error):  # attached read-only
            con.execute("DELETE FROM articles")
    finally:
        con.close()
    # So does the duckdb command-line shell.
    shell = subprocess.run(
        [
            str(BIN / "duckdb"),
            "-csv",
            "-noheader",
            "-c",
            proc.stdout + "\nSELECT article_id FROM search_articles('العراق');",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == ["a1"]
    # And Python lines from `akhbar catalog --python`.
    py = akhbar("catalog", "--python", "--data-dir", data_dir)
    assert py.returncode == 0, py.stderr
    scope: dict = {}
    exec(py.stdout, scope)
    try:
        assert scope["con"].execute("SELECT count(*) FROM daily_volume").fetchone()[0] == 1
    finally:
        scope["con"].close()


@pytest.mark.slow
def test_changed_view_sql_is_applied_on_the_next_writer_session(catalog, monkeypatch):
    with writer_session(catalog, "create"):
        pass
    real = tables_module._catalog_sql
    monkeypatch.setattr(
        tables_module,
        "_catalog_sql",
        lambda: (
            real() + "\nCREATE OR REPLACE VIEW articles_per_night AS "
            "SELECT dt, count(*) AS n FROM articles GROUP BY dt;\n"
        ),
    )
    with writer_session(catalog, "views changed"):
        pass
    with reader_session(catalog) as con:
        assert con.execute("SELECT count(*) FROM articles_per_night").fetchone()[0] == 0
        fingerprints = con.execute(
            "SELECT detail FROM schema_changes WHERE change = 'views' ORDER BY changed_at"
        ).fetchall()
    assert len(fingerprints) == 2 and fingerprints[0] != fingerprints[1]
