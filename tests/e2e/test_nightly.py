"""The nightly DAG through real Airflow on the sample corpus, checked against sample/EXPECTED.json."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLE_NIGHT, airflow, airflow_env

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("airflow")]

LOGICAL_DATE = "2026-11-29T02:30:00+01:00"  # its data interval is the night of 2026-11-28
EXPECTED = json.loads((ROOT / "sample" / "EXPECTED.json").read_text(encoding="utf-8"))

# Tables whose contents must not change when a night is run again (runs and dq_results carry run ids).
STABLE_TABLES = ["articles", "duplicates", "article_places", "article_dates", "article_keywords", "quarantine",
                 "sources"]


def snapshot(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in STABLE_TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def nightly(airflow_home, tmp_path_factory):
    """Run akhbar_nightly twice for the same night through `airflow dags test`."""
    data_dir = tmp_path_factory.mktemp("data")
    env = airflow_env(airflow_home, data_dir)
    env["AKHBAR_DEADLINE_MINUTES"] = "0"  # dags test cannot run deadline alerts (Airflow 3.3.2)
    snapshots = []
    for attempt in range(2):
        proc = airflow(["dags", "test", "akhbar_nightly", LOGICAL_DATE], env)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-6000:]
        assert "failed" not in [line.split()[-1] for line in log.splitlines() if "Marking run" in line]
        snapshots.append(snapshot(data_dir / "warehouse.duckdb"))
    return data_dir, snapshots


def expected_records(night: str, *, standalone: bool) -> list[dict]:
    records = [r for r in EXPECTED["records"] if r["night"] == night]
    if standalone:
        extra = set(EXPECTED["standalone"].get(night, {}).get("articles_extra", []))
        records = [dict(r, outcome="article") if r["locator"] in extra else r for r in records]
    return records


def query(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_the_night_lands_where_the_sample_says(nightly):
    data_dir, _ = nightly
    db = data_dir / "warehouse.duckdb"
    records = expected_records(SAMPLE_NIGHT, standalone=True)
    night = dt.date.fromisoformat(SAMPLE_NIGHT)

    articles = Counter((s, lang) for s, lang in query(db, "SELECT source_id, lang FROM articles WHERE dt = ?", [night]))
    want = Counter((r["source_id"], r["lang"]) for r in records if r["outcome"] == "article")
    assert articles == want

    titles = {r["locator"]: r.get("title") for r in records}
    got_dups = set(query(db, """SELECT d.source_id, d.title, d.kind, a.title FROM duplicates d
                                JOIN articles a ON a.article_id = d.duplicate_of WHERE d.dt = ?""", [night]))
    want_dups = {(r["source_id"], r["title"], r["duplicate_kind"], titles[r["duplicate_of"]])
                 for r in records if r["outcome"] == "duplicate"}
    assert got_dups == want_dups

    got_q = Counter(query(db, "SELECT source_id, reason FROM quarantine WHERE dt = ?", [night]))
    want_q = Counter((r["source_id"], r["reason"]) for r in records if r["outcome"] == "quarantined")
    assert got_q == want_q


def test_counts_add_up_and_every_stage_is_recorded(nightly):
    data_dir, _ = nightly
    db = data_dir / "warehouse.duckdb"
    night = dt.date.fromisoformat(SAMPLE_NIGHT)
    raw = EXPECTED["nights"][SAMPLE_NIGHT]["raw_records"]
    (report,) = query(db, """SELECT records_in, records_out, duplicates, rejected, details FROM nightly_summary
                              WHERE dt = ? AND stage = 'report'""", [night])
    assert report[0] == raw == report[1] + report[2] + report[3]
    assert json.loads(report[4])["balanced"] is True
    stages = {s for (s,) in query(db, "SELECT DISTINCT stage FROM runs WHERE dt = ?", [night])}
    assert {"extract", "clean", "enrich", "dedup", "write_lake", "validate", "load_warehouse", "report"} <= stages
    per_source = dict(query(db, "SELECT split_part(stage, ':', 2), records_out FROM nightly_summary "
                                "WHERE dt = ? AND stage LIKE 'fetch:%'", [night]))
    assert per_source == EXPECTED["nights"][SAMPLE_NIGHT]["raw_records_per_source"]
    failed = query(db, "SELECT count(*) FROM dq_results WHERE dt = ? AND severity = 'critical' AND NOT success",
                   [night])
    assert failed == [(0,)]


def test_lake_partitions_and_data_docs_are_written(nightly):
    data_dir, _ = nightly
    for table in ("articles", "quarantine", "article_places", "article_dates", "article_keywords"):
        assert (data_dir / "lake" / table / f"dt={SAMPLE_NIGHT}" / "part-0.parquet").exists(), table
    assert (data_dir / "quality" / "data_docs" / "index.html").exists()
    assert list((data_dir / "raw" / f"dt={SAMPLE_NIGHT}").glob("source=*/records.parquet"))


def test_running_the_same_night_twice_changes_nothing(nightly):
    _, (first, second) = nightly
    assert first["articles"], "the first run loaded nothing"
    assert first == second


def test_the_readme_queries_answer_on_the_nights_warehouse(nightly):
    """Every analyst query documented in the README runs, and most find rows after one night."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_queries", ROOT / "docs" / "render_queries.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    data_dir, _ = nightly
    queries = render.queries()
    assert len(queries) >= 10
    from akhbar import warehouse  # loads the bundled fts extension (a bare connection would try to download it)

    answered = [q for _, q in queries if warehouse.query(data_dir / "warehouse.duckdb", q.rstrip(";"))[1]]
    assert len(answered) >= 9, [name for name, q in queries if q not in answered]
