"""`akhbar sql` is read-only (issue 11, item 1): run as a user runs it (the venv's `akhbar` in a
subprocess), it refuses every statement that reads outside the catalog, writes anywhere, changes
the configuration or loads code, and leaves the catalog and the data dir exactly as they were;
results leave only through --format/--out."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from akhbar.lakehouse import sandbox
from tests.lakehouse.helpers import Night, akhbar, article, publish, settings_for

D1 = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandbox")
    data_dir = root / "data"
    settings = settings_for(data_dir)
    publish(
        settings,
        Night(
            D1,
            [
                article("a1", D1, "انسحاب القوات من العراق"),
                article("f1", D1, "le gouvernement annonce des élections", "fr"),
                article("e1", D1, "the harbour reopened, after the storm", "en"),
            ],
        ),
        root / "work",
    )
    # Files of the data dir that are not the catalog's: the raw zone of a night.
    (data_dir / "raw").mkdir()
    (data_dir / "raw" / "secret.txt").write_text("raw zone bytes", encoding="utf-8")
    shutil.copytree(data_dir, root / "pristine")
    return root, data_dir


@pytest.fixture
def site(pristine):
    """The catalog as published, restored in place before each test (a refusal that failed to refuse
    must not spoil the next test)."""
    root, data_dir = pristine
    shutil.rmtree(data_dir)
    shutil.copytree(root / "pristine", data_dir)
    shutil.rmtree(root / "outside", ignore_errors=True)
    (root / "outside").mkdir()
    return root, data_dir


def state(data_dir: Path) -> dict:
    """Every file of the data dir with its size, and the catalog's bytes. SQLite's companions: the
    -shm index changes on reads, and a reader may create an empty -wal (a write would fill it)."""
    files = {
        str(p.relative_to(data_dir)): p.stat().st_size
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.endswith(("-shm", "-wal"))
    }
    wal = data_dir / "catalog.sqlite-wal"
    return {
        "files": files,
        "wal": wal.stat().st_size if wal.exists() else 0,
        "catalog": hashlib.sha256((data_dir / "catalog.sqlite").read_bytes()).hexdigest(),
    }


def akhbar_sql(data_dir: Path, query: str, *options: str) -> subprocess.CompletedProcess:
    return akhbar("sql", query, "--data-dir", data_dir, *options, timeout=120)


REFUSED = {
    "read_text": "SELECT * FROM read_text('/etc/passwd')",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "raw zone": "SELECT * FROM read_text('{data}/raw/secret.txt')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "copy to": "COPY articles TO '{outside}/articles.csv'",
    "copy over the catalog": "COPY (SELECT 'x') TO '{data}/catalog.sqlite' (FORMAT csv)",
    "explain analyze copy": "EXPLAIN ANALYZE COPY (SELECT 'x') TO '{data}/catalog.sqlite' (FORMAT csv)",
    "explain analyze copy (comment)": "EXPLAIN /* plan */ ANALYZE COPY (SELECT 'x') TO '{data}/x.csv' (FORMAT csv)",
    "export database": "EXPORT DATABASE '{outside}/dump'",
    "attach read_write": "ATTACH '{outside}/other.duckdb' AS other (READ_WRITE)",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set": "SET enable_external_access = true",
    "reset": "RESET lock_configuration",
    "pragma": "PRAGMA enable_profiling",
    "call": "CALL ducklake_expire_snapshots('akhbar', older_than => now())",
    "multiple statements": "SELECT 1; SELECT 2",
    "a query then a copy": "SELECT 1; COPY (SELECT 'x') TO '{data}/catalog.sqlite' (FORMAT csv)",
    "delete": "DELETE FROM articles",
    "create table as": "CREATE TABLE memory.main.t AS SELECT * FROM articles",
    "merge files (a write in the data path)": "SELECT * FROM ducklake_merge_adjacent_files('akhbar')",
    "merge files, catalog form": "SELECT * FROM akhbar.merge_adjacent_files()",
    "cleanup files": "SELECT * FROM ducklake_cleanup_old_files('akhbar', cleanup_all => true)",
    "sql in a string": "SELECT * FROM query('SELECT * FROM ducklake_merge_adjacent_files(''akhbar'')')",
    "serialized sql": (
        "SELECT * FROM json_execute_serialized_sql(json_serialize_sql("
        "'SELECT * FROM ducklake_merge_adjacent_files(''akhbar'')'))"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REFUSED))
def test_akhbar_sql_refuses(site, name):
    root, data_dir = site
    before = state(data_dir)
    query = REFUSED[name].format(data=data_dir, outside=root / "outside")
    proc = akhbar_sql(data_dir, query)
    assert proc.returncode != 0, (name, proc.stdout[:500])
    assert proc.stderr.startswith("akhbar: "), proc.stderr[-2000:]  # a message, not a traceback
    assert "root:" not in proc.stdout and "raw zone bytes" not in proc.stdout
    assert state(data_dir) == before  # the catalog file and the data dir are unchanged
    assert list((root / "outside").iterdir()) == []


def test_refusals_name_what_is_refused():
    cases = {
        "SELECT 1; SELECT 2": "one statement at a time",
        "COPY t TO 'x'": "refused a COPY statement",
        "SET threads = 1": "refused a SET statement",
        "PRAGMA enable_profiling": "refused a PRAGMA",
        "EXPLAIN ANALYZE COPY t TO 'x'": "COPY",
        "SELECT * FROM query('SELECT 1')": "query",
        "SELECT * FROM ducklake_expire_snapshots('akhbar')": "ducklake_expire_snapshots",
    }
    for sql, message in cases.items():
        with pytest.raises(sandbox.QueryRefused, match=message):
            sandbox.check_statement(sql)
    # Legitimate queries pass, whatever their case or comments.
    for sql in [
        "select 1",
        "/* hello */ SELECT * FROM articles",
        "EXPLAIN SELECT 1",
        "EXPLAIN ANALYZE SELECT 1",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "SELECT * FROM ducklake_snapshots('akhbar')",
        "SELECT count(*) FROM articles AT (VERSION => 1)",
    ]:
        assert sandbox.check_statement(sql)


@pytest.mark.slow
def test_results_leave_only_through_format_and_out(site, tmp_path):
    _, data_dir = site
    before = state(data_dir)
    query = "SELECT article_id, lang, title FROM articles ORDER BY article_id"
    expected = [
        {"article_id": "a1", "lang": "ar", "title": "title a1"},
        {"article_id": "e1", "lang": "en", "title": "title e1"},
        {"article_id": "f1", "lang": "fr", "title": "title f1"},
    ]

    out_csv = tmp_path / "result.csv"
    proc = akhbar_sql(data_dir, query, "--format", "csv", "--out", str(out_csv))
    assert proc.returncode == 0, proc.stderr
    with open(out_csv, encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == expected
    assert "3 rows written to" in proc.stderr

    proc = akhbar_sql(data_dir, query, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected

    out_parquet = tmp_path / "sub" / "result.parquet"
    proc = akhbar_sql(data_dir, query, "--format", "parquet", "--out", str(out_parquet))
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(out_parquet).to_pylist() == expected

    proc = akhbar_sql(data_dir, "SELECT article_id FROM search_articles('élection')", "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line) for line in proc.stdout.splitlines()] == [{"article_id": "f1"}]

    proc = akhbar_sql(data_dir, query, "--max-rows", "2", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1:] == ['"a1","ar","title a1"', '"e1","en","title e1"']

    proc = akhbar_sql(data_dir, "EXPLAIN SELECT count(*) FROM articles")
    assert proc.returncode == 0 and "physical_plan" in proc.stdout, proc.stderr
    assert state(data_dir) == before
