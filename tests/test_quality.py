"""Quality gates: real Great Expectations runs on small nights built with akhbar.schema.

GX takes seconds to import and to create its file context, so all tests share one
quality dir (session fixture): it also checks that re-running keeps one suite,
validation definition and checkpoint per suite.
"""

from __future__ import annotations

import datetime
import json
import pathlib

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from akhbar import schema as S
from akhbar.quality import (
    DQ_RESULTS_SCHEMA,
    QualityGateFailed,
    QualityReport,
    suites,
    synthetic,
    validate_night,
    volume_counts,
)

DT = datetime.date(2026, 11, 20)
N = 200  # articles; 8 sources of 25


@pytest.fixture(scope="session")
def quality_dir(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("data") / "quality"


@pytest.fixture()
def night() -> dict:
    return synthetic.night(N, DT, seed=7)


def _history() -> pa.Table:
    return synthetic.history(DT, {f"src{i}": N // 8 for i in range(8)})


def _run(quality_dir, night, *, run_id="test", history=None, raw_count=None, **replace) -> QualityReport:
    tables = {k: night[k] for k in ("articles", "quarantine", "places", "dates", "keywords", "raw")}
    tables |= replace
    return validate_night(
        dt=DT,
        run_id=run_id,
        raw_count=night["raw_count"] if raw_count is None else raw_count,
        history=_history() if history is None else history,
        quality_dir=quality_dir,
        **tables,
    )


def _set(table: pa.Table, name: str, values: list) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def _failed(report: QualityReport) -> set[tuple[str, str, str | None, str]]:
    return {(r["suite"], r["expectation"], r["column"], r["severity"]) for r in report.failures()}


@pytest.mark.slow
def test_clean_night_passes_and_keeps_results(quality_dir, night):
    report = _run(quality_dir, night, run_id="scheduled__2026-11-20T00:00:00+00:00")
    assert report.passed
    assert (report.critical_failures, report.warning_failures) == (0, 0), report.failures()
    report.raise_for_failure()  # does not raise

    results = report.results
    assert results.schema.equals(DQ_RESULTS_SCHEMA, check_metadata=False)
    n_checks = sum(len(s.checks) for s in suites.SUITES)
    assert results.num_rows == n_checks
    assert set(results.column("suite").to_pylist()) == {s.full_name for s in suites.SUITES}
    assert set(results.column("severity").to_pylist()) == {"critical", "warning"}
    assert results.column("dt").to_pylist() == [DT] * n_checks
    for observed in results.column("observed").to_pylist():
        json.loads(observed)
    row = next(
        r
        for r in results.to_pylist()
        if r["suite"] == "akhbar_articles" and r["expectation"] == "expect_column_values_to_be_unique"
    )
    assert row["column"] == "article_id" and row["severity"] == "critical" and row["success"]
    assert json.loads(row["observed"])["element_count"] == N

    index = report.data_docs_index
    assert index == quality_dir / "data_docs" / "index.html" and index.exists()
    html = index.read_text(encoding="utf-8")
    assert "akhbar_articles" in html and "akhbar_article_places" in html
    # The expectation suites themselves are rendered too, with their notes.
    suite_pages = list((quality_dir / "data_docs" / "expectations").rglob("akhbar_articles.html"))
    assert suite_pages and "ISO 639" in suite_pages[0].read_text(encoding="utf-8")


@pytest.mark.slow
def test_duplicate_article_ids_fail_critically(quality_dir, night):
    articles = night["articles"]
    ids = articles.column("article_id").to_pylist()
    # The same article written twice (e.g. a retried partition).
    report = _run(quality_dir, night, articles=pa.concat_tables([articles, articles.slice(4, 1)]))
    assert not report.passed
    assert report.critical_failures == 1
    assert _failed(report) == {
        ("akhbar_articles", "expect_column_values_to_be_unique", "article_id", "critical")
    }
    (row,) = report.failures("critical")
    assert ids[4] in row["details"]
    assert json.loads(row["observed"])["unexpected_count"] == 2
    with pytest.raises(QualityGateFailed, match="akhbar_articles.*article_id is a key"):
        report.raise_for_failure()


@pytest.mark.slow
def test_languages_outside_the_corpus_are_warnings_invalid_codes_critical(quality_dir, night):
    langs = night["articles"].column("lang").to_pylist()
    # 2% German: within the tolerated share, nothing fails.
    few = _run(quality_dir, night, articles=_set(night["articles"], "lang", ["de"] * 4 + langs[4:]))
    assert (few.critical_failures, few.warning_failures) == (0, 0)
    # 10% German (and "und"): a warning, the run goes on.
    many = _run(
        quality_dir, night, articles=_set(night["articles"], "lang", ["de"] * 19 + ["und"] + langs[20:])
    )
    assert many.passed and many.warning_failures == 1
    assert _failed(many) == {("akhbar_articles", "expect_column_values_to_be_in_set", "lang", "warning")}
    assert json.loads(many.failures()[0]["observed"])["unexpected_count"] == 20
    # Not a language code at all: critical.
    bad = _run(quality_dir, night, articles=_set(night["articles"], "lang", ["Arabic"] + langs[1:]))
    assert not bad.passed
    assert ("akhbar_articles", "expect_column_values_to_match_regex", "lang", "critical") in _failed(bad)


@pytest.mark.slow
def test_volume_drop_to_zero_and_tripling_are_warnings(quality_dir, night):
    articles = night["articles"]
    keep = pc.not_equal(articles.column("source_id"), "src3")
    articles = articles.filter(keep)
    kept = set(articles.column("article_id").to_pylist())
    children = {
        name: night[name].filter(pc.is_in(night[name].column("article_id"), pa.array(sorted(kept))))
        for name in ("places", "dates", "keywords")
    }
    # Keep only duplicates that still point inside the night.
    dup = [d if d in kept else None for d in articles.column("duplicate_of").to_pylist()]
    articles = _set(articles, "duplicate_of", dup)
    history = synthetic.history(DT, {f"src{i}": N // 8 for i in range(8) if i != 1} | {"src1": 5})
    report = _run(quality_dir, night, articles=articles, history=history, **children)
    assert report.passed
    pair = "expect_column_pair_values_a_to_be_greater_than_b"
    assert _failed(report) == {
        ("akhbar_volume", pair, "n_articles,min_expected", "warning"),
        ("akhbar_volume", pair, "max_expected,n_articles", "warning"),
    }
    details = {r["column"]: r["details"] for r in report.failures()}
    assert "src3: 0 tonight vs median 25" in details["n_articles,min_expected"]
    assert "src1: 25 tonight vs median 5" in details["max_expected,n_articles"]
    # Too little history: nobody is judged.
    short = synthetic.history(DT, {f"src{i}": 100 for i in range(8)}, nights=2)
    assert _run(quality_dir, night, articles=articles, history=short, **children).warning_failures == 0
    # volume_counts gives the history rows the pipeline keeps.
    counts = dict(zip(*volume_counts(articles, DT).select(["source_id", "n_articles"]).to_pydict().values()))
    assert counts["src0"] == N // 8 and "src3" not in counts


@pytest.mark.slow
def test_broken_foreign_key_in_places_is_critical(quality_dir, night):
    ids = night["places"].column("article_id").to_pylist()
    ids[3] = "a-not-in-this-night"
    report = _run(quality_dir, night, places=_set(night["places"], "article_id", ids))
    assert not report.passed
    assert _failed(report) == {
        ("akhbar_article_places", "expect_column_values_to_be_in_set", "article_id_found", "critical")
    }
    assert "a-not-in-this-night" in report.failures()[0]["details"]
    with pytest.raises(QualityGateFailed) as err:
        report.raise_for_failure()
    assert "akhbar_article_places" in str(err.value) and str(report.data_docs_index) in str(err.value)


@pytest.mark.slow
def test_schema_break_quarantine_share_and_child_values(quality_dir, night):
    articles = night["articles"].drop_columns(["content_hash"])
    codes = night["places"].column("country_code").to_pylist()
    places = _set(night["places"], "country_code", ["ma"] + codes[1:])
    days = night["dates"].column("date").to_pylist()
    dates = _set(night["dates"], "date", [datetime.date(3000, 1, 1)] + days[1:])
    n_q = night["quarantine"].num_rows
    report = _run(quality_dir, night, articles=articles, places=places, dates=dates, raw_count=N + n_q * 3)
    assert _failed(report) == {
        ("akhbar_schema", "expect_column_pair_values_to_be_equal", "actual_type,expected_type", "critical"),
        ("akhbar_articles", "expect_column_values_to_not_be_null", "content_hash", "critical"),
        ("akhbar_article_places", "expect_column_values_to_match_regex", "country_code", "critical"),
        ("akhbar_article_dates", "expect_column_values_to_be_between", "year", "warning"),
    }
    schema_row = next(r for r in report.failures() if r["suite"] == "akhbar_schema")
    assert "articles.content_hash: missing" in schema_row["details"]

    # 50% of raw records quarantined: warning only; 75%: critical.
    half = _run(quality_dir, night, raw_count=2 * n_q)
    assert half.passed and _failed(half) == {
        ("akhbar_night", "expect_column_values_to_be_between", "quarantine_share", "warning")
    }
    most = _run(quality_dir, night, raw_count=n_q + n_q // 3)
    assert not most.passed
    between = "expect_column_values_to_be_between"
    assert ("akhbar_night", between, "quarantine_share", "critical") in _failed(most)


@pytest.mark.slow
def test_rerunning_updates_instead_of_duplicating(quality_dir, night):
    _run(quality_dir, night, run_id="rerun")
    _run(quality_dir, night, run_id="rerun")
    gx_dir = quality_dir / "gx"
    names = {s.full_name for s in suites.SUITES}
    assert {p.stem for p in (gx_dir / "expectations").glob("*.json")} == names
    assert len(list((gx_dir / "validation_definitions").glob("*"))) == len(names)
    assert len(list((gx_dir / "checkpoints").glob("*"))) == len(names)
    suite = json.loads((gx_dir / "expectations" / "akhbar_articles.json").read_text())
    assert suite["meta"]["akhbar_suite_version"] == suites.SUITE_VERSION
    assert {e["meta"]["severity"] for e in suite["expectations"]} == {"critical", "warning"}
    config = (gx_dir / "great_expectations.yml").read_text()
    assert "analytics_enabled: false" in config


@pytest.mark.slow
def test_importing_the_package_does_not_import_great_expectations():
    import subprocess
    import sys

    code = (
        "import sys, akhbar.quality, akhbar.quality.suites, akhbar.quality.frames;"
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def validate_empty_night(quality_dir, run_id: str, history, **kwargs):
    """The gate on a night without a single raw record: every table empty."""
    return validate_night(
        dt=DT,
        run_id=run_id,
        articles=S.empty(S.ARTICLE),
        raw_count=0,
        quarantine=S.empty(S.QUARANTINE),
        places=S.empty(S.ARTICLE_PLACES),
        dates=S.empty(S.ARTICLE_DATES),
        keywords=S.empty(S.ARTICLE_KEYWORDS),
        history=history,
        quality_dir=quality_dir,
        raw=S.empty(S.RAW_RECORD),
        **kwargs,
    )


@pytest.mark.slow
def test_empty_night_validates_and_flags_the_silent_source(quality_dir):
    import pickle

    report = validate_empty_night(quality_dir, "empty", synthetic.history(DT, {"src0": 10}))
    assert report.passed and report.warning_failures == 2
    details = {(f["suite"], f["column"]): f["details"] for f in report.failures("warning")}
    assert "src0: 0 tonight vs median 10" in details[("akhbar_volume", "n_articles,min_expected")]
    assert ("akhbar_night", "n_articles") in details  # a night with no article is a warning
    # The exception survives pickling (Airflow ships task exceptions between processes).
    err = pickle.loads(pickle.dumps(QualityGateFailed(report)))
    assert isinstance(err, QualityGateFailed) and "run empty" in str(err)


@pytest.mark.slow
def test_a_night_with_no_article_or_a_silent_source_is_a_warning_from_the_first_night(quality_dir):
    """No history at all (the first night): an enabled source that brought no record, and a night with no
    article, are each a failed warning check naming what is empty; the night still passes the gate."""
    report = validate_empty_night(
        quality_dir,
        "first-night-empty",
        None,
        records_by_source={"tunis-akhbar": 0, "mashriq-wire": 0},
        data_docs=False,
    )
    assert report.passed
    failed = {(f["suite"], f["column"]): f["details"] for f in report.failures("warning")}
    assert set(failed) == set(suites.EMPTY_NIGHT_CHECKS)
    assert (
        "Enabled sources with no record tonight: mashriq-wire, tunis-akhbar."
        in failed[("akhbar_volume", "n_raw")]
    )


@pytest.mark.slow
def test_only_the_enabled_source_without_records_is_flagged_silent(quality_dir, night):
    counts = {f"src{i}": 10 for i in range(8)} | {"new-source": 0}
    report = _run(quality_dir, night, run_id="one-silent", records_by_source=counts, data_docs=False)
    assert report.passed
    failed = {(f["suite"], f["column"]): f["details"] for f in report.failures("warning")}
    assert set(failed) == {("akhbar_volume", "n_raw")}
    assert "no record tonight: new-source." in failed[("akhbar_volume", "n_raw")]
