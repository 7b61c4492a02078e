"""Write, audit, publish with the real pipeline stages on the sample corpus: a night whose staged
data fails a critical expectation leaves every table of the catalog as it was (its quality results
are recorded in dq_results, its staged files stay for inspection); a warning does not stop the
publish."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import pipeline
from akhbar.lakehouse.maintenance import maintain_catalog
from akhbar.lakehouse.session import reader_session
from akhbar.lakehouse.staging import StagedNight
from akhbar.pipeline import RunContext
from akhbar.quality import QualityGateFailed
from tests.lakehouse.helpers import dump

pytestmark = pytest.mark.slow

GOOD, BAD = dt.date(2026, 11, 28), dt.date(2026, 11, 27)


def dq_rows(catalog, day: dt.date) -> list[dict]:
    with reader_session(catalog) as con:
        cur = con.execute(
            'SELECT suite, expectation, "column", severity, success, run_id FROM dq_results '
            "WHERE dt = ? ORDER BY ALL",
            [day],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def without_quality_results(state: dict) -> dict:
    return {k: v for k, v in state.items() if k not in ("dq_results", "dq_latest")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """GOOD published by a whole run; BAD taken through dedup (nothing of it staged yet)."""
    data_dir = tmp_path_factory.mktemp("gate")
    summary = pipeline.run_night(RunContext(dt=GOOD, data_dir=data_dir))
    assert summary["accounting"]["balanced"]
    ctx = RunContext(dt=BAD, data_dir=data_dir, run_id="prepare")
    for source_id in pipeline.list_sources(ctx):
        pipeline.fetch(ctx, source_id)  # the sample's sources all fetch: a failure here is a bug
    pipeline.extract_clean(ctx)
    pipeline.enrich(ctx)
    pipeline.dedup(ctx)
    articles = ctx.work_dir / "articles.parquet"
    shutil.copy(articles, articles.with_name("articles.pristine.parquet"))
    return data_dir


def bad_night(data_dir, run_id: str, change) -> RunContext:
    """BAD's work file as a buggy stage would leave it (``change`` of its rows), then staged."""
    ctx = RunContext(dt=BAD, data_dir=data_dir, run_id=run_id)
    pristine = pq.read_table(ctx.work_dir / "articles.pristine.parquet")
    assert pristine.num_rows >= 3
    pq.write_table(change(pristine), ctx.work_dir / "articles.parquet")
    pipeline.stage(ctx)
    return ctx


def with_langs(table: pa.Table, langs: list[str]) -> pa.Table:
    return table.set_column(table.schema.get_field_index("lang"), table.schema.field("lang"), pa.array(langs))


def test_a_critical_failure_publishes_nothing_and_is_recorded(site):
    ctx = RunContext(dt=BAD, data_dir=site)
    before = dump(ctx.catalog)
    assert any(r[16] == GOOD for r in before["articles"]), "the good night published nothing"
    # Articles whose language is not a language code, in every source (a source failing alone would be set
    # aside and the rest of the night published, tests/test_source_set_aside.py): a critical expectation.
    ctx = bad_night(site, "gate-critical", lambda t: with_langs(t, ["Arabic!"] * t.num_rows))
    with pytest.raises(QualityGateFailed, match=r"expect_column_values_to_match_regex\(lang\)") as failure:
        pipeline.validate(ctx)
    assert "Nothing was published" in str(failure.value)
    # As in the DAG and run_night, publish is never reached: every table is as it was ...
    after = dump(ctx.catalog)
    assert without_quality_results(after) == without_quality_results(before)
    # ... but for the night's quality results, which say why (the passing ones too).
    rows = dq_rows(ctx.catalog, BAD)
    failed = [r for r in rows if not r["success"]]
    assert {
        "suite": "akhbar_articles",
        "expectation": "expect_column_values_to_match_regex",
        "column": "lang",
        "severity": "critical",
        "success": False,
        "run_id": "gate-critical",
    } in failed
    assert len(rows) > len(failed) and {r["run_id"] for r in rows} == {"gate-critical"}
    assert dq_rows(ctx.catalog, GOOD) and all(
        r["run_id"] != "gate-critical" for r in dq_rows(ctx.catalog, GOOD)
    )
    # The staged night stays for inspection, unpublished, through the catalog's upkeep.
    staged = StagedNight.load(ctx.work_dir / "staged.json")
    maintain_catalog(ctx.catalog, keep_days=30, grace_hours=24)
    langs = [
        lang for f in staged.files["articles"] for lang in pq.ParquetFile(f).read().column("lang").to_pylist()
    ]
    assert "Arabic!" in langs and len(langs) == staged.rows["articles"]
    assert all(pq.ParquetFile(f).metadata.num_rows >= 0 for files in staged.files.values() for f in files)
    with reader_session(ctx.catalog) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE dt = ?", [BAD]).fetchone()[0] == 0


def test_a_warning_does_not_stop_the_publish_and_both_runs_are_recorded(site):
    def foreign(table: pa.Table) -> pa.Table:
        n = max(1, table.num_rows // 3)  # a valid code outside ar/fr/en on a third of the night (5% allowed)
        return with_langs(table, ["de"] * n + table.column("lang").to_pylist()[n:])

    ctx = bad_night(site, "gate-warning", foreign)
    before = dump(ctx.catalog)
    result = pipeline.validate(ctx)  # no exception
    assert result["extra"]["critical_failures"] == 0 and result["extra"]["warning_failures"] >= 1
    figures = pipeline.publish(ctx)
    # The task retried after its commit: the same snapshot, nothing computed or staged again.
    again = pipeline.publish(ctx)
    assert again["extra"]["snapshot_id"] == figures["extra"]["snapshot_id"]
    assert again["extra"].get("already_published") and "stories_recomputed" not in again["extra"]
    work = pq.read_table(ctx.work_dir / "articles.parquet")
    kept = sorted(r["article_id"] for r in work.to_pylist() if r["duplicate_of"] is None)
    with reader_session(ctx.catalog) as con:
        published = con.execute(
            "SELECT article_id, lang FROM articles WHERE dt = ? ORDER BY 1", [BAD]
        ).fetchall()
        good = con.execute("SELECT * FROM articles WHERE dt = ? ORDER BY ALL", [GOOD]).fetchall()
    assert [a for a, _ in published] == kept and figures["extra"]["articles"] == len(kept)
    assert any(lang == "de" for _, lang in published)
    # The good night is what it was but for the articles the new night demotes.
    demoted = set(pq.read_table(ctx.work_dir / "demoted.parquet").column("article_id").to_pylist())
    assert [r for r in good if r[0] not in demoted] == [
        r for r in before["articles"] if r[16] == GOOD and r[0] not in demoted
    ]
    rows = dq_rows(ctx.catalog, BAD)
    # dq_results is an audit log: the failed run's results stay beside the published run's.
    assert {r["run_id"] for r in rows} >= {"gate-warning"}
    warnings = [r for r in rows if r["run_id"] == "gate-warning" and not r["success"]]
    assert warnings and all(r["severity"] == "warning" for r in warnings)
    assert {
        "suite": "akhbar_articles",
        "expectation": "expect_column_values_to_be_in_set",
        "column": "lang",
        "severity": "warning",
        "success": False,
        "run_id": "gate-warning",
    } in warnings


def test_the_stage_task_computes_the_stories_it_finds_missing_or_older_than_the_dedup(site):
    """The DAG's stories and stage tasks are two: a stage task that runs without the stories task's
    output (cleared, or a deduplicate task run again since) computes the stories itself."""
    ctx = RunContext(dt=BAD, data_dir=site, run_id="stage-rows")
    shutil.copy(ctx.work_dir / "articles.pristine.parquet", ctx.work_dir / "articles.parquet")
    done = ctx.work_dir / "counts" / "stories.json"
    done.unlink(missing_ok=True)
    shutil.rmtree(ctx.work_dir / "stories", ignore_errors=True)
    pipeline.stage_rows(ctx)
    assert done.exists() and StagedNight.load(ctx.work_dir / "staged.json").stories is not None
    first = done.stat().st_mtime_ns
    pipeline.stage_rows(ctx)  # the stories are current: staged as they are
    assert done.stat().st_mtime_ns == first
    os.utime(ctx.work_dir / "counts" / "dedup.json", ns=(first + 1, first + 1))  # deduplicated since
    pipeline.stage_rows(ctx)
    assert done.stat().st_mtime_ns > first
