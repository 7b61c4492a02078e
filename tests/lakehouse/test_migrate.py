"""`akhbar migrate`: an akhbar 0.1 warehouse.duckdb and Parquet lake move into the catalog,
idempotently, with equal row counts and content hashes, the quarantine's bytes and the duplicates'
record ids taken from the lake, and a search index rebuilt from the migrated articles.

The old format is built here from akhbar 0.1's own DDL (tests/lakehouse/data/akhbar-0.1-schema.sql,
``git show 3fd3129:include/akhbar/sql/schema.sql``) and its lake layout
``lake/<table>/dt=YYYY-MM-DD/part-0.parquet``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar.lakehouse.migrate import migrate
from akhbar.lakehouse.session import reader_session
from akhbar.schema import ARTICLE, ARTICLE_KEYWORDS, ARTICLE_PLACES, QUARANTINE
from tests.lakehouse.helpers import akhbar, article, dump, keyword, place, quarantined, search_many

D1, D2 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
UTC = dt.UTC
OLD_DDL = Path(__file__).parent / "data" / "akhbar-0.1-schema.sql"

LAKE = {
    D1: [
        article("a1", D1, "انسحاب القوات من العراق", source="tunis-akhbar"),
        article("f1", D1, "le gouvernement annonce des élections", "fr", source="courrier-maghreb"),
        article(
            "a1b",
            D1,
            "انسحاب القوات من العراق",
            source="mashriq-wire",
            duplicate_of="a1",
            kind="exact_text",
            similarity=1.0,
        ),
    ],
    D2: [
        article("e2", D2, "the harbour reopened after the storm", "en", source="harbour-gazette"),
        article("a2", D2, "الحكومة العراقية تعلن الميزانية", source="tunis-akhbar"),
        article(
            "e2b",
            D2,
            "the harbour reopened after a storm",
            "en",
            source="harbour-gazette",
            duplicate_of="e2",
            similarity=0.8,
        ),
    ],
}
QUARANTINE_ROWS = {
    D1: [quarantined("q1", D1, "tunis-akhbar", "empty_text", b"<html><body></body></html>")],
    D2: [
        quarantined("q2", D2, "mashriq-wire", "malformed_json", b'{"title": '),
        quarantined("q3", D2, "mashriq-wire", "not_html", b"\x89PNG\r\n"),
    ],
}
PLACES = {D1: [place("a1", D1, "IQ", "Iraq")], D2: [place("a2", D2, "IQ", "Iraq"), place("a2", D2)]}
KEYWORDS = {
    D1: [keyword("a1", D1, "العراق"), keyword("f1", D1, "élections")],
    D2: [keyword("a2", D2, "الميزانية")],
}


def write_lake(lake: Path) -> None:
    for table, schema, rows in [
        ("articles", ARTICLE, LAKE),
        ("quarantine", QUARANTINE, QUARANTINE_ROWS),
        ("article_places", ARTICLE_PLACES, PLACES),
        ("article_keywords", ARTICLE_KEYWORDS, KEYWORDS),
    ]:
        for day, night_rows in rows.items():
            path = lake / table / f"dt={day.isoformat()}" / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(night_rows, schema=schema), path)


def write_warehouse(path: Path) -> None:
    """The old warehouse as akhbar 0.1 loaded it: kept articles, duplicates as links (no record id),
    the quarantine without bodies, runs and quality results; and its own search tables and views,
    which the catalog does not take."""
    con = duckdb.connect(str(path))
    try:
        con.execute(OLD_DDL.read_text(encoding="utf-8"))
        kept = [r for rows in LAKE.values() for r in rows if r["duplicate_of"] is None]
        con.register("_kept", pa.Table.from_pylist(kept, schema=ARTICLE))
        con.execute(
            "INSERT INTO articles SELECT * EXCLUDE (duplicate_of, duplicate_kind, similarity) FROM _kept"
        )
        for r in (r for rows in LAKE.values() for r in rows if r["duplicate_of"] is not None):
            con.execute(
                "INSERT INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    r["article_id"],
                    r["duplicate_of"],
                    r["cluster_id"],
                    r["duplicate_kind"],
                    r["similarity"],
                    r["source_id"],
                    r["url"],
                    r["title"],
                    r["dt"],
                ],
            )
        for rows in QUARANTINE_ROWS.values():
            for q in rows:
                con.execute(
                    "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        q["record_id"],
                        q["source_id"],
                        q["stage"],
                        q["reason"],
                        q["detail"],
                        q["locator"],
                        q["dt"],
                    ],
                )
        for rows in PLACES.values():
            for p in rows:
                con.execute("INSERT INTO article_places VALUES (?, ?, ?, ?, ?, ?, ?)", list(p.values()))
        for rows in KEYWORDS.values():
            for k in rows:
                con.execute("INSERT INTO article_keywords VALUES (?, ?, ?, ?, ?)", list(k.values()))
        con.execute(
            "INSERT INTO article_dates VALUES ('a2', 'أمس', DATE '2026-11-26', 'day', 'gregorian', true, 3, ?)",
            [D2],
        )
        con.execute(
            "INSERT INTO sources VALUES ('tunis-akhbar', 'rss', 'تونس أخبار', 'feed.xml', 'TN', 'ar', "
            "'Africa/Tunis', true), ('old-source', 'jsonl', NULL, NULL, NULL, NULL, NULL, false)"
        )
        when = dt.datetime(2026, 11, 27, 3, tzinfo=UTC)
        for day in LAKE:
            con.execute(
                "INSERT INTO runs VALUES (?, ?, 'load_warehouse', 3, 2, 0, 1, 0, 1.5, '{}', ?)",
                [f"run-{day}", day, when],
            )
            con.execute(
                "INSERT INTO dq_results VALUES (?, ?, 'akhbar_articles', 'expect_column_values_to_be_unique', "
                "'article_id', 'critical', true, '{}', 'ok', ?)",
                [f"run-{day}", day, when],
            )
            con.execute("INSERT INTO keyword_doc_freq VALUES (?, 'العراق', 1, 2)", [day])
        con.execute("CREATE TABLE search_ar_docs (docid BIGINT, article_id VARCHAR, len INTEGER, fp UBIGINT)")
        con.execute("INSERT INTO search_ar_docs VALUES (1, 'a1', 4, 0)")
        con.execute("CREATE VIEW daily_volume AS SELECT dt, count(*) AS articles FROM articles GROUP BY dt")
    finally:
        con.close()


@pytest.fixture
def old_site(data_dir):
    data_dir.mkdir(parents=True)
    write_lake(data_dir / "lake")
    write_warehouse(data_dir / "warehouse.duckdb")
    return data_dir


def run_migrate(data_dir: Path) -> subprocess.CompletedProcess:
    return akhbar("migrate", "--data-dir", data_dir, timeout=600)


def old_rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_migrate_moves_warehouse_and_lake_into_the_catalog_idempotently(old_site, catalog):
    warehouse = old_site / "warehouse.duckdb"
    proc = run_migrate(old_site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Counts and hashes before and after, side by side, every migrated table matching.
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    for table, n in [
        ("articles", 4),
        ("duplicates", 2),
        ("quarantine", 3),
        ("article_places", 3),
        ("article_keywords", 3),
        ("article_dates", 1),
        ("sources", 2),
        ("runs", 2),
        ("dq_results", 2),
        ("keyword_doc_freq", 2),
    ]:
        assert table in lines, proc.stdout
        words = lines[table].split()
        assert words[1] == words[3] == str(n) and words[2] == words[4] and words[-1] == "ok", lines[table]
    first = dump(catalog)

    with reader_session(catalog) as con:
        for table, key in [
            ("articles", "article_id"),
            ("article_places", "article_id, place_id"),
            ("article_keywords", "article_id, keyword"),
            ("runs", "run_id"),
            ("sources", "source_id"),
        ]:
            cols = ", ".join(c[0] for c in old_rows(warehouse, f"DESCRIBE {table}"))
            assert con.execute(f"SELECT {cols} FROM {table} ORDER BY {key}").fetchall() == old_rows(
                warehouse, f"SELECT {cols} FROM {table} ORDER BY {key}"
            ), table
        # What the old warehouse did not keep comes from the lake.
        assert con.execute(
            "SELECT article_id, duplicate_of, kind, record_id FROM duplicates ORDER BY 1"
        ).fetchall() == [("a1b", "a1", "exact_text", "ra1b"), ("e2b", "e2", "near", "re2b")]
        assert con.execute("SELECT record_id, body FROM quarantine ORDER BY 1").fetchall() == [
            ("q1", b"<html><body></body></html>"),
            ("q2", b'{"title": '),
            ("q3", b"\x89PNG\r\n"),
        ]
        # The catalog's own views answer on the migrated rows; the old search tables are not taken.
        assert con.execute("SELECT sum(articles) FROM daily_volume").fetchone()[0] == 4
        assert (
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'search_ar%'"
            ).fetchone()[0]
            == 0
        )
        assert con.execute("SELECT dt, lang, n_docs FROM search_stats ORDER BY ALL").fetchall() == [
            (D1, "ar", 1),
            (D1, "fr", 1),
            (D2, "ar", 1),
            (D2, "en", 1),
        ]
    # The search index is rebuilt from the migrated articles.
    hits = search_many(catalog, ["العراق", "élection", "storm"])
    assert [a for a, _ in hits["العراق"]] in (["a1", "a2"], ["a2", "a1"])
    assert [a for a, _ in hits["élection"]] == ["f1"] and [a for a, _ in hits["storm"]] == ["e2"]

    # Twice: the same catalog.
    again = run_migrate(old_site)
    assert again.returncode == 0, again.stdout + again.stderr
    assert dump(catalog) == first
    # The old files are left as they were.
    assert old_rows(warehouse, "SELECT count(*) FROM articles") == [(4,)]
    assert (old_site / "lake" / "articles" / f"dt={D1}" / "part-0.parquet").exists()


@pytest.mark.slow
def test_migrate_reports_a_difference_and_exits_non_zero(old_site, catalog, monkeypatch):
    """The before/after figures are computed, not assumed: a migrated table that lost a row differs."""
    from akhbar.lakehouse import migrate as module

    real = module._source_select

    def lossy(con, table, lake):
        sql = real(con, table, lake)
        return sql + (" WHERE o.article_id <> 'a2'" if table == "articles" else "")

    monkeypatch.setattr(module, "_source_select", lossy)
    report = migrate(catalog, warehouse=old_site / "warehouse.duckdb", lake=old_site / "lake")
    figures = {t.table: t for t in report.tables}
    assert not report.matches and not figures["articles"].matches and figures["duplicates"].matches
    assert (figures["articles"].rows_before, figures["articles"].rows_after) == (4, 3)
    assert "DIFFERS" in report.render()


def test_migrate_without_a_warehouse_says_so(tmp_path):
    proc = run_migrate(tmp_path)
    assert proc.returncode == 2 and "no akhbar 0.1 warehouse" in proc.stderr
