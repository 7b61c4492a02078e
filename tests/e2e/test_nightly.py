"""The nightly DAG through real Airflow on the sample corpus, checked against sample/EXPECTED.json,
with an analyst's read-only session held open on the catalog the whole time."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from akhbar.lakehouse.connect import open_reader
from tests.conftest import ROOT, SAMPLE_NIGHT, airflow, airflow_env
from tests.e2e.catalog import dump, settings
from tests.e2e.catalog import query as catalog_query
from tests.lakehouse.helpers import NIGHT_TABLES

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("airflow")]

LOGICAL_DATE = "2026-11-29T02:30:00+01:00"  # its data interval is the night of 2026-11-28
PREVIOUS = ("2026-11-28T02:30:00+01:00", "2026-11-27")  # the night before, published first
EXPECTED = json.loads((ROOT / "sample" / "EXPECTED.json").read_text(encoding="utf-8"))

# Tables whose contents must not change when a night is run again (runs and dq_results carry run ids).
STABLE_TABLES = [*NIGHT_TABLES, "sources"]


def run_dag(env, logical_date: str) -> str:
    proc = airflow(["dags", "test", "akhbar_nightly", logical_date], env)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    assert "failed" not in [line.split()[-1] for line in log.splitlines() if "Marking run" in line]
    return log


def nights_seen(con) -> dict:
    return dict(con.execute("SELECT dt::VARCHAR, count(*) FROM articles GROUP BY dt ORDER BY dt").fetchall())


@pytest.fixture(scope="module")
def nightly(airflow_home, tmp_path_factory):
    """The night before through `airflow dags test`; then, with a reader's transaction open on the
    catalog, the sample night twice (a rerun must change nothing)."""
    data_dir = tmp_path_factory.mktemp("data")
    env = airflow_env(airflow_home, data_dir)
    env["AKHBAR_DEADLINE_MINUTES"] = "0"  # dags test cannot run deadline alerts (Airflow 3.3.2)
    run_dag(env, PREVIOUS[0])
    reader = open_reader(settings(data_dir, env))  # an analyst's notebook, open all day
    reader.execute("BEGIN TRANSACTION")
    seen = {"before": nights_seen(reader)}
    snapshots = []
    for _ in range(2):
        run_dag(env, LOGICAL_DATE)
        snapshots.append(dump(data_dir, STABLE_TABLES, env=env))
        seen.setdefault("during", nights_seen(reader))
    seen["still_in_transaction"] = nights_seen(reader)
    reader.execute("COMMIT")
    seen["next_transaction"] = nights_seen(reader)
    reader.close()
    return data_dir, snapshots, seen


def test_an_open_reader_keeps_its_snapshot_and_then_sees_the_new_night(nightly):
    _, _, seen = nightly
    assert seen["before"] == {PREVIOUS[1]: len(EXPECTED["nights"][PREVIOUS[1]]["articles"])}
    # Two whole nights ran through Airflow while the reader's transaction stayed open: both
    # succeeded, and the reader kept seeing the snapshot it began with.
    assert seen["during"] == seen["still_in_transaction"] == seen["before"]
    assert set(seen["next_transaction"]) == {PREVIOUS[1], SAMPLE_NIGHT}


def expected_records(night: str, *, standalone: bool) -> list[dict]:
    records = [r for r in EXPECTED["records"] if r["night"] == night]
    if standalone:
        extra = set(EXPECTED["standalone"].get(night, {}).get("articles_extra", []))
        records = [dict(r, outcome="article") if r["locator"] in extra else r for r in records]
    return records


def query(data_dir, sql, params=()):
    return catalog_query(data_dir, sql, params)


def test_the_night_lands_where_the_sample_says(nightly):
    data_dir, _, _ = nightly
    db = data_dir
    records = expected_records(SAMPLE_NIGHT, standalone=False)  # the night before was published first
    night = dt.date.fromisoformat(SAMPLE_NIGHT)

    articles = Counter(
        (s, lang) for s, lang in query(db, "SELECT source_id, lang FROM articles WHERE dt = ?", [night])
    )
    want = Counter((r["source_id"], r["lang"]) for r in records if r["outcome"] == "article")
    assert articles == want

    # A duplicate may point to an article of the night before: titles of every night.
    titles = {r["locator"]: r.get("title") for r in EXPECTED["records"]}
    got_dups = set(
        query(
            db,
            """SELECT d.source_id, d.title, d.kind, a.title FROM duplicates d
                                JOIN articles a ON a.article_id = d.duplicate_of WHERE d.dt = ?""",
            [night],
        )
    )
    want_dups = {
        (r["source_id"], r["title"], r["duplicate_kind"], titles[r["duplicate_of"]])
        for r in records
        if r["outcome"] == "duplicate"
    }
    assert got_dups == want_dups

    got_q = Counter(query(db, "SELECT source_id, reason FROM quarantine WHERE dt = ?", [night]))
    want_q = Counter((r["source_id"], r["reason"]) for r in records if r["outcome"] == "quarantined")
    assert got_q == want_q


def test_counts_add_up_and_every_stage_is_recorded(nightly):
    data_dir, _, _ = nightly
    db = data_dir
    night = dt.date.fromisoformat(SAMPLE_NIGHT)
    raw = EXPECTED["nights"][SAMPLE_NIGHT]["raw_records"]
    (report,) = query(
        db,
        """SELECT records_in, records_out, duplicates, rejected, details FROM nightly_summary
                              WHERE dt = ? AND stage = 'report'""",
        [night],
    )
    assert report[0] == raw == report[1] + report[2] + report[3]
    assert json.loads(report[4])["balanced"] is True
    stages = {s for (s,) in query(db, "SELECT DISTINCT stage FROM runs WHERE dt = ?", [night])}
    assert {"extract", "clean", "enrich", "dedup", "stage", "validate", "publish", "report"} <= stages
    per_source = dict(
        query(
            db,
            "SELECT split_part(stage, ':', 2), records_out FROM nightly_summary "
            "WHERE dt = ? AND stage LIKE 'fetch:%'",
            [night],
        )
    )
    assert per_source == EXPECTED["nights"][SAMPLE_NIGHT]["raw_records_per_source"]
    failed = query(
        db, "SELECT count(*) FROM dq_results WHERE dt = ? AND severity = 'critical' AND NOT success", [night]
    )
    assert failed == [(0,)]


def test_catalog_files_snapshots_and_data_docs_are_written(nightly):
    data_dir, _, _ = nightly
    night = dt.date.fromisoformat(SAMPLE_NIGHT)
    # Every nightly table's rows of the night are in Parquet files of the catalog's data path.
    files = query(
        data_dir,
        """SELECT t.table_name, count(*) FROM ducklake_table_info('akhbar') t
                               GROUP BY ALL""",
    )
    assert files, "the catalog has no tables"
    for table in (
        "articles",
        "quarantine",
        "article_places",
        "article_dates",
        "article_keywords",
        "search_postings",
    ):
        assert query(data_dir, f"SELECT count(*) FROM {table} WHERE dt = ?", [night])[0][0] > 0, table
    parquet = list((data_dir / "lakehouse").rglob("*.parquet"))
    assert any(f"dt={SAMPLE_NIGHT}" in str(p) for p in parquet)
    # One snapshot per published night, labelled.
    published = query(
        data_dir,
        "SELECT commit_message FROM akhbar.snapshots() WHERE commit_message LIKE 'publish%' "
        "ORDER BY snapshot_id",
    )
    assert [m for (m,) in published] == [f"publish night {PREVIOUS[1]}"] + [
        f"publish night {SAMPLE_NIGHT}"
    ] * 2
    assert (data_dir / "quality" / "data_docs" / "index.html").exists()
    assert list((data_dir / "raw" / f"dt={SAMPLE_NIGHT}").glob("source=*/records.parquet"))


def test_running_the_same_night_twice_changes_nothing(nightly):
    _, (first, second), _ = nightly
    assert first["articles"], "the first run published nothing"
    assert first == second


def test_the_readme_queries_answer_on_the_nights_catalog(nightly):
    """Every analyst query documented in the README runs, and most find rows after one night."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_queries", ROOT / "docs" / "render_queries.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    data_dir, _, _ = nightly
    queries = render.queries()
    assert len(queries) >= 10
    from akhbar.lakehouse.sandbox import run_query

    answered = [q for _, q in queries if run_query(settings(data_dir), q.rstrip(";")).rows]
    assert len(answered) >= 9, [name for name, q in queries if q not in answered]


def test_example_corpus_trends_runs_after_the_nightly_run(nightly, airflow_home):
    """The analysis DAG shipped as an example, run after the nights were published: its CSV holds the
    top places per language of the last seven nights, as a query of the catalog finds them."""
    import csv

    data_dir, _, _ = nightly
    env = airflow_env(airflow_home, data_dir)
    proc = airflow(["dags", "test", "example_corpus_trends"], env)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "state=success" in log, log[-4000:]
    out = data_dir / "reports" / "weekly_top_places.csv"
    with out.open(encoding="utf-8") as fh:
        rows = [(r["lang"], r["country_code"], r["name"], int(r["articles"])) for r in csv.DictReader(fh)]
    want = query(
        data_dir,
        """
        SELECT a.lang, p.country_code, p.name, count(DISTINCT a.article_id) AS n
        FROM article_places p JOIN articles a USING (article_id)
        WHERE a.dt >= (SELECT max(dt) FROM articles) - INTERVAL 6 DAY
        GROUP BY ALL ORDER BY a.lang, n DESC, p.name""",
    )
    assert rows, "the example DAG wrote no row"
    for lang in {r[0] for r in want}:
        got = [r for r in rows if r[0] == lang]
        assert got == [tuple(r) for r in want if r[0] == lang][:5], lang


def test_the_run_says_which_night_it_processed(nightly, airflow_home):
    """The run's note (set from the report task's figures) and every task's first akhbar log line."""
    import sqlite3

    data_dir, _, _ = nightly
    db = sqlite3.connect(airflow_home / "airflow.db")
    try:
        notes = [
            n
            for (n,) in db.execute(
                """SELECT n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id
               WHERE r.dag_id = 'akhbar_nightly' AND r.data_interval_start < '2026-11-29'"""
            )
        ]
    finally:
        db.close()
    articles = query(
        data_dir, "SELECT count(*) FROM articles WHERE dt = ?", [dt.date.fromisoformat(SAMPLE_NIGHT)]
    )
    assert f"night {SAMPLE_NIGHT}: {articles[0][0]} articles, 0 critical failures" in notes, notes
    assert f"night {PREVIOUS[1]}: " in " ".join(notes)
