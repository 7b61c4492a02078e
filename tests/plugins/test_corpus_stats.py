"""The Corpus page's figures, read from a small catalog published with the real staging and publish code."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from akhbar import corpus_stats
from akhbar.lakehouse.session import reader_session, writer_session
from tests.conftest import ROOT
from tests.lakehouse.helpers import count, settings_for

from .conftest import D2, D3, build_catalog


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "include")])}


def by(rows, *keys):
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


def test_window_is_the_30_nights_ending_at_the_latest(catalog):
    stats = corpus_stats.corpus_stats(catalog)
    assert stats["available"] and not stats["empty"]
    assert stats["latest_night"] == "2026-11-28"
    assert stats["window"]["start"] == "2026-10-30" and stats["window"]["end"] == "2026-11-28"
    assert len(stats["window"]["nights"]) == 30
    # The night of 2026-09-01 is in the totals but in no chart.
    assert stats["totals"] == {"articles": 7, "duplicates": 2, "quarantined": 3, "sources": 0}
    for key in ("articles_by_source", "articles_by_lang", "nightly_rates", "quality_failures", "runs"):
        assert all(r["dt"] >= "2026-10-30" for r in stats[key]), key
    assert "r-old" not in {r["run_id"] for r in stats["runs"]}


def test_articles_by_source_and_language(catalog):
    stats = corpus_stats.corpus_stats(catalog)
    src = {k: r["articles"] for k, r in by(stats["articles_by_source"], "dt", "source_id").items()}
    assert src == {
        ("2026-11-26", "courrier-maghreb"): 1,
        ("2026-11-26", "tunis-akhbar"): 1,
        ("2026-11-27", "harbour-gazette"): 1,
        ("2026-11-27", "tunis-akhbar"): 1,
        ("2026-11-28", "harbour-gazette"): 1,
        ("2026-11-28", "mashriq-wire"): 1,
    }
    lang = {k: r["articles"] for k, r in by(stats["articles_by_lang"], "dt", "lang").items()}
    assert lang == {
        ("2026-11-26", "ar"): 1,
        ("2026-11-26", "fr"): 1,
        ("2026-11-27", "ar"): 1,
        ("2026-11-27", "en"): 1,
        ("2026-11-28", "ar"): 1,
        ("2026-11-28", "en"): 1,
    }


def test_duplicate_and_quarantine_rates(catalog):
    rates = by(corpus_stats.corpus_stats(catalog)["nightly_rates"], "dt")
    assert list(rates) == ["2026-11-26", "2026-11-27", "2026-11-28"]
    assert (rates["2026-11-26"]["duplicate_rate"], rates["2026-11-26"]["quarantine_rate"]) == (
        0.0,
        round(1 / 3, 4),
    )
    assert (rates["2026-11-27"]["duplicates"], rates["2026-11-27"]["duplicate_rate"]) == (1, round(1 / 3, 4))
    assert rates["2026-11-27"]["quarantine_rate"] == 0.0
    d3 = rates["2026-11-28"]
    assert (d3["articles"], d3["duplicates"], d3["quarantined"]) == (2, 1, 2)
    assert d3["duplicate_rate"] == round(1 / 3, 4) and d3["quarantine_rate"] == 0.4


def test_quality_failures_by_severity_and_latest_results(catalog):
    stats = corpus_stats.corpus_stats(catalog)
    fails = {
        k: (r["failed"], r["checked"]) for k, r in by(stats["quality_failures"], "dt", "severity").items()
    }
    # D3 holds two runs (r3-old and r3): the chart counts the checks of its latest run (dq_latest).
    assert fails == {
        ("2026-11-27", "critical"): (0, 1),
        ("2026-11-27", "warning"): (1, 1),
        ("2026-11-28", "critical"): (1, 2),
        ("2026-11-28", "warning"): (1, 1),
    }
    latest = stats["latest_quality"]
    assert (latest["dt"], latest["run_id"], latest["checked"]) == ("2026-11-28", "r3", 3)
    assert latest["failed"] == {"critical": 1, "warning": 1}
    # Failures first, critical before warning.
    assert [(r["success"], r["severity"], r["column"]) for r in latest["results"]] == [
        (False, "critical", "lang"),
        (False, "warning", "quarantine_share"),
        (True, "critical", "article_id"),
    ]


def test_run_duration_is_the_runs_own_else_the_sum_of_its_stages(catalog):
    runs = by(corpus_stats.corpus_stats(catalog)["runs"], "run_id")
    assert set(runs) == {"r2", "r3"}
    # r2 recorded no duration of its own (an older run): the sum of its stages.
    assert (runs["r2"]["dt"], runs["r2"]["seconds"], runs["r2"]["stages"]) == ("2026-11-27", 4.0, 2)
    # r3's report recorded the run's duration, longer than its stages' sum (stages wait, tasks start).
    assert (runs["r3"]["dt"], runs["r3"]["seconds"], runs["r3"]["stages"]) == ("2026-11-28", 42.5, 3)
    assert runs["r3"]["stage_seconds"] == 10.75


def test_explicit_window(catalog):
    stats = corpus_stats.corpus_stats(catalog, end=D2, nights=2)
    assert stats["window"]["nights"] == ["2026-11-26", "2026-11-27"]
    assert {r["dt"] for r in stats["articles_by_source"]} == {"2026-11-26", "2026-11-27"}
    assert [r["run_id"] for r in stats["runs"]] == ["r2"]
    # Out-of-range sizes are clamped, not trusted.
    assert (
        len(corpus_stats.corpus_stats(catalog, nights=10_000)["window"]["nights"]) == corpus_stats.MAX_NIGHTS
    )
    assert len(corpus_stats.corpus_stats(catalog, nights=-3)["window"]["nights"]) == 1


def test_search_finds_the_articles_and_caps_the_results(catalog):
    found = corpus_stats.search(catalog, "تونس")
    ids = [r["article_id"] for r in found["results"]]
    assert set(ids) == {"o1", "a2", "a3"}
    assert found["count"] == 3 and all(r["score"] > 0 for r in found["results"])
    scores = [r["score"] for r in found["results"]]
    assert scores == sorted(scores, reverse=True)
    a3 = by(found["results"], "article_id")["a3"]
    assert (a3["title"], a3["source_id"], a3["lang"], a3["dt"]) == (
        "أمطار في تونس",
        "mashriq-wire",
        "ar",
        "2026-11-28",
    )
    assert a3["snippet"].startswith("أمطار غزيرة")
    assert [r["article_id"] for r in corpus_stats.search(catalog, "تونس", limit=1)["results"]] == [ids[0]]
    assert corpus_stats.search(catalog, "تونس", limit=500)["limit"] == corpus_stats.SEARCH_LIMIT
    assert corpus_stats.search(catalog, "   ")["results"] == []


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE articles; --",
        '" OR 1=1 --',
        "' OR '1'='1",
        "a AND NOT b*",
        "(((",
        "\\",
        "%_%",
        "تونس'); DELETE FROM articles; --",
        "\x00\x07 bell",
        "\ud800 lone surrogate",
        "élections\u200f ‏تونس",
        "x" * 5000,
    ],
)
def test_hostile_search_strings_are_only_data(catalog, hostile):
    result = corpus_stats.search(catalog, hostile)
    assert result["count"] == len(result["results"]) <= corpus_stats.SEARCH_LIMIT
    assert len(result["query"]) <= corpus_stats.MAX_QUERY_CHARS
    assert count(catalog, "SELECT count(*) FROM articles") == 7


def test_the_term_is_bound_not_formatted(catalog):
    # Had the term reached the SQL text, the quote would end the string and the UNION would list every
    # article; bound, the punctuation only separates words, so it finds what its words alone find.
    hostile = "zzq') UNION SELECT article_id, title, published_at, dt, source_id, lang, 1 FROM articles --"
    words = "zzq UNION SELECT article_id title published_at dt source_id lang 1 FROM articles"
    got = corpus_stats.search(catalog, hostile)
    assert [r["article_id"] for r in got["results"]] == [
        r["article_id"] for r in corpus_stats.search(catalog, words)["results"]
    ]
    assert got["count"] < 7


def test_missing_catalog(tmp_path):
    missing = settings_for(tmp_path)
    with pytest.raises(corpus_stats.WarehouseUnavailable) as err:
        corpus_stats.corpus_stats(missing)
    assert err.value.reason == "missing"
    with pytest.raises(corpus_stats.WarehouseUnavailable):
        corpus_stats.search(missing, "تونس")
    assert list(tmp_path.iterdir()) == []  # reading never creates it


def test_catalog_with_tables_but_no_night(tmp_path):
    empty = settings_for(tmp_path)
    with writer_session(empty, "create"):
        pass
    stats = corpus_stats.corpus_stats(empty)
    assert stats["empty"] and stats["window"] is None and stats["totals"]["articles"] == 0
    assert corpus_stats.search(empty, "تونس")["results"] == []


HOLD_WRITE = """
import sys
from akhbar.lakehouse.session import writer_session
from tests.lakehouse.helpers import settings_for
with writer_session(settings_for(sys.argv[1]), "a long write") as con:
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM articles")
    con.execute("DELETE FROM quarantine")
    print("writing", flush=True)
    if sys.stdin.readline().strip() == "commit":
        con.execute("COMMIT")
print("done", flush=True)
"""


@pytest.mark.slow
def test_the_page_answers_while_another_process_writes(tmp_path):
    """A writer in the middle of a transaction neither blocks the page nor shows it anything; its
    commit is not blocked by the page's reads, and the next request sees it."""
    copy = tmp_path / "data"  # a catalog of its own: this test changes it
    catalog = build_catalog(copy)
    before = corpus_stats.corpus_stats(catalog)
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE, str(copy)],
        cwd=ROOT,
        env=_env(),
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        during = corpus_stats.corpus_stats(catalog)
        assert during["totals"] == before["totals"] and during["snapshot_id"] == before["snapshot_id"]
        assert corpus_stats.search(catalog, "تونس")["count"] == 3
        with reader_session(catalog) as con:  # a page request still reading when the writer commits
            con.execute("BEGIN TRANSACTION")
            assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 7
            writer.stdin.write("commit\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "done", writer.stderr.read()
            assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 7
            con.execute("COMMIT")
    finally:
        writer.stdin.close()
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read()
    after = corpus_stats.corpus_stats(catalog)
    assert after["totals"]["articles"] == 0 and after["totals"]["quarantined"] == 0
    assert after["snapshot_id"] > before["snapshot_id"]
    assert corpus_stats.search(catalog, "تونس")["count"] == 0  # results are joined with the articles


def test_chart_queries_read_only_the_windows_files(catalog):
    """The dt filter reaches DuckLake's scan: a one-night window reads that night's file only."""
    with reader_session(catalog) as con:
        assert con.execute("SELECT count(DISTINCT dt) FROM articles").fetchone()[0] == 4
        plan = "\n".join(
            r[1]
            for r in con.execute(
                "EXPLAIN ANALYZE SELECT dt, source_id, count(*) FROM articles WHERE dt BETWEEN ? AND ? GROUP BY ALL",
                [D3, D3],
            ).fetchall()
        )
    assert "Total Files Read: 1" in plan
    assert "dt>=" in plan.replace(" ", "")


def test_data_docs_links(tmp_path):
    docs = tmp_path / "data_docs"
    page = docs / "validations" / "akhbar_articles" / "r3" / "20261129T030000Z" / "akhbar_night-articles.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    (docs / "index.html").write_text("<html></html>")
    latest = {
        "run_id": "r3",
        "results": [{"suite": "akhbar_articles"}, {"suite": "akhbar_night"}, {"suite": "../../../etc"}],
    }
    links = corpus_stats.data_docs_links(docs, latest)
    assert links == {
        "index": "index.html",
        "suites": {
            "akhbar_articles": "validations/akhbar_articles/r3/20261129T030000Z/akhbar_night-articles.html"
        },
    }
    assert corpus_stats.data_docs_links(tmp_path / "none", latest) == {"index": None, "suites": {}}


def test_clean_query():
    assert corpus_stats.clean_query("  a\x00b \n c ") == "a b c"
    assert corpus_stats.clean_query(None) == ""
    assert corpus_stats.clean_query("ت" * 1000) == "ت" * corpus_stats.MAX_QUERY_CHARS
    assert corpus_stats.clean_query("\ud800x") == "?x"


def test_dates_are_iso_strings(catalog):
    stats = corpus_stats.corpus_stats(catalog, end=dt.date(2026, 11, 28))
    assert isinstance(stats["runs"][0]["recorded_at"], str)
    assert isinstance(stats["latest_quality"]["checked_at"], str)
