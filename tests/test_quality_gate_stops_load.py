"""The quality gate with the real pipeline stages: a critical expectation made to fail (a night
with a duplicated article id) stops the load; a warning one (too many articles outside ar/fr/en)
does not. Both leave their results in the warehouse's dq_results."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import lake, pipeline
from akhbar.pipeline import RunContext
from akhbar.quality import QualityGateFailed

GOOD, BAD = dt.date(2026, 11, 28), dt.date(2026, 11, 27)
TABLES = ("articles", "duplicates", "article_places", "article_dates", "article_keywords", "quarantine",
          "keyword_doc_freq")


def snapshot(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def dq_rows(db, day: dt.date) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute('SELECT suite, expectation, "column", severity, success, run_id FROM dq_results '
                          "WHERE dt = ? ORDER BY ALL", [day])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def up_to_lake(ctx: RunContext) -> pa.Table:
    for source_id in pipeline.list_sources(ctx):
        pipeline.fetch(ctx, source_id)  # the sample's sources all fetch: a failure here is a bug
    pipeline.extract_clean(ctx)
    pipeline.enrich(ctx)
    pipeline.dedup(ctx)
    pipeline.write_lake(ctx)
    return lake.read_partition(ctx.lake_root, "articles", ctx.dt)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("gate")
    summary = pipeline.run_night(RunContext(dt=GOOD, data_dir=data_dir))
    assert summary["accounting"]["balanced"]
    return data_dir


def test_critical_failure_stops_the_load_and_is_recorded(data_dir):
    db = data_dir / "warehouse.duckdb"
    before = snapshot(db)
    assert before["articles"], "the good night loaded nothing"
    ctx = RunContext(dt=BAD, data_dir=data_dir, run_id="gate-critical")
    articles = up_to_lake(ctx)
    assert articles.num_rows >= 2
    # The night's lake partition gets an article id twice (as a buggy stage would write it).
    repeated = pa.concat_tables([articles, articles.slice(0, 1)])
    lake.write_partition(ctx.lake_root, "articles", BAD, repeated)

    with pytest.raises(QualityGateFailed, match="article_id"):
        pipeline.validate(ctx)
    # As in the DAG and run_night: load_warehouse is never reached. The warehouse is unchanged ...
    assert snapshot(db) == before
    # ... except for the night's quality results, which say why.
    rows = dq_rows(db, BAD)
    failed = [r for r in rows if not r["success"]]
    assert {"suite": "akhbar_articles", "expectation": "expect_column_values_to_be_unique", "column": "article_id",
            "severity": "critical", "success": False, "run_id": "gate-critical"} in failed
    assert len(rows) > len(failed)  # the passing expectations are recorded too
    # The good night's results are untouched.
    assert dq_rows(db, GOOD) and all(r["run_id"] != "gate-critical" for r in dq_rows(db, GOOD))


def test_warning_failure_does_not_stop_the_load_and_is_recorded(data_dir):
    db = data_dir / "warehouse.duckdb"
    ctx = RunContext(dt=BAD, data_dir=data_dir, run_id="gate-warning")
    articles = lake.read_partition(ctx.lake_root, "articles", BAD)
    if articles.num_rows == 0 or len(set(articles.column("article_id").to_pylist())) != articles.num_rows:
        articles = up_to_lake(ctx)  # this test alone: make the night, without the duplicate
    # A valid language code outside ar/fr/en on a third of the night (the warning allows 5%).
    n_foreign = max(1, articles.num_rows // 3)
    langs = ["de"] * n_foreign + articles.column("lang").to_pylist()[n_foreign:]
    articles = articles.set_column(articles.schema.get_field_index("lang"), articles.schema.field("lang"),
                                   pa.array(langs, pa.string()))
    lake.write_partition(ctx.lake_root, "articles", BAD, articles)
    before = snapshot(db)

    result = pipeline.validate(ctx)  # no exception
    assert result["extra"]["critical_failures"] == 0
    assert result["extra"]["warning_failures"] >= 1
    pipeline.load_warehouse(ctx)

    after = snapshot(db)
    expected_ids = sorted(r["article_id"] for r in articles.to_pylist() if r["duplicate_of"] is None)
    con = duckdb.connect(str(db), read_only=True)
    try:
        loaded = con.execute("SELECT article_id, lang FROM articles WHERE dt = ? ORDER BY 1", [BAD]).fetchall()
        # Articles of other nights are what they were.
        others = con.execute("SELECT * FROM articles WHERE dt <> ? ORDER BY ALL", [BAD]).fetchall()
    finally:
        con.close()
    assert [a for a, _ in loaded] == expected_ids
    assert sum(1 for _, lang in loaded if lang == "de") >= 1
    # Articles of other nights are what they were, but for those this night takes over (the same
    # article seen on both nights belongs to the earlier one) and those it demotes to duplicates.
    demoted_path = ctx.work_dir / "demoted.parquet"
    demoted = set(pq.read_table(demoted_path).column("article_id").to_pylist()) if demoted_path.exists() else set()
    taken = set(articles.column("article_id").to_pylist()) | demoted
    kept_before = [r for r in before["articles"] if r[16] != BAD and r[0] not in taken]
    assert kept_before and [r for r in others if r[0] not in taken] == kept_before
    assert after != before
    rows = dq_rows(db, BAD)
    assert {r["run_id"] for r in rows} == {"gate-warning"}  # replaced the failed run's results
    warning = [r for r in rows if not r["success"]]
    assert warning and all(r["severity"] == "warning" for r in warning)
    assert {"suite": "akhbar_articles", "expectation": "expect_column_values_to_be_in_set", "column": "lang",
            "severity": "warning", "success": False, "run_id": "gate-warning"} in warning
