"""A small catalog with known figures, built with the real staging and publish code."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.schema import DQ_RESULTS, RUNS
from tests.lakehouse.helpers import Night, publish, settings_for
from tests.lakehouse.helpers import article as _article
from tests.lakehouse.helpers import quarantined as _quarantined

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "plugins") not in sys.path:  # Airflow puts the plugins folder on sys.path; so do the tests
    sys.path.insert(0, str(ROOT / "plugins"))

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
OLD = dt.date(2026, 9, 1)  # outside the 30 nights ending at D3
UTC = dt.UTC


def article(article_id, day, text, lang="ar", source="tunis-akhbar", duplicate_of=None, title=None):
    return _article(
        article_id,
        day,
        text,
        lang,
        source=source,
        title=title or f"title {article_id}",
        duplicate_of=duplicate_of,
    )


def quarantined(record_id, day, source="tunis-akhbar", reason="empty_body"):
    return _quarantined(record_id, day, source, reason, b"")


NIGHTS = {
    OLD: ([article("o1", OLD, "خبر قديم من تونس")], []),
    D1: (
        [
            article("a1", D1, "انسحاب القوات من العراق"),
            article("f1", D1, "le gouvernement annonce des élections", "fr", "courrier-maghreb"),
        ],
        [quarantined("q1", D1)],
    ),
    D2: (
        [
            article("a2", D2, "الحكومة في تونس تعلن الميزانية", title="ميزانية تونس"),
            article("a1b", D2, "انسحاب القوات من العراق", duplicate_of="a1"),
            article("e2", D2, "the harbour reopened after the storm", "en", "harbour-gazette"),
        ],
        [],
    ),
    D3: (
        [
            article(
                "a3", D3, "أمطار غزيرة في تونس العاصمة اليوم", source="mashriq-wire", title="أمطار في تونس"
            ),
            article("e3", D3, "elections were announced yesterday", "en", "harbour-gazette"),
            article(
                "e3b", D3, "elections were announced yesterday", "en", "harbour-gazette", duplicate_of="e3"
            ),
        ],
        [quarantined("q2", D3, "mashriq-wire"), quarantined("q3", D3, "mashriq-wire", "not_html")],
    ),
}


def dq(run_id, day, suite, expectation, severity, success, checked_at, column=None):
    return {
        "run_id": run_id,
        "dt": day,
        "suite": suite,
        "expectation": expectation,
        "column": column,
        "severity": severity,
        "success": success,
        "observed": "{}",
        "details": f"{expectation} {severity}",
        "checked_at": checked_at,
    }


DQ = {
    D2: [
        dq(
            "r2",
            D2,
            "akhbar_articles",
            "expect_column_values_to_not_be_null",
            "critical",
            True,
            dt.datetime(2026, 11, 28, 3, tzinfo=UTC),
            "text",
        ),
        dq(
            "r2",
            D2,
            "akhbar_volume",
            "expect_column_values_to_be_between",
            "warning",
            False,
            dt.datetime(2026, 11, 28, 3, tzinfo=UTC),
            "articles",
        ),
    ],
    D3: [  # an earlier run of D3 (all passing), then the latest one with two failures
        dq(
            "r3-old",
            D3,
            "akhbar_articles",
            "expect_column_values_to_be_unique",
            "critical",
            True,
            dt.datetime(2026, 11, 29, 1, tzinfo=UTC),
            "article_id",
        ),
        dq(
            "r3",
            D3,
            "akhbar_articles",
            "expect_column_values_to_be_unique",
            "critical",
            True,
            dt.datetime(2026, 11, 29, 3, tzinfo=UTC),
            "article_id",
        ),
        dq(
            "r3",
            D3,
            "akhbar_articles",
            "expect_column_values_to_not_be_null",
            "critical",
            False,
            dt.datetime(2026, 11, 29, 3, tzinfo=UTC),
            "lang",
        ),
        dq(
            "r3",
            D3,
            "akhbar_night",
            "expect_column_values_to_be_between",
            "warning",
            False,
            dt.datetime(2026, 11, 29, 3, tzinfo=UTC),
            "quarantine_share",
        ),
    ],
}

RUN_ROWS = [
    {"run_id": "r2", "dt": D2, "stage": "extract", "seconds": 1.5},
    {"run_id": "r2", "dt": D2, "stage": "publish", "seconds": 2.5},
    {"run_id": "r3", "dt": D3, "stage": "extract", "seconds": 3.0},
    {"run_id": "r3", "dt": D3, "stage": "validate", "seconds": 7.25},
    {"run_id": "r3", "dt": D3, "stage": "report", "seconds": 0.5, "details": '{"wall_seconds": 42.5}'},
    {"run_id": "r-old", "dt": OLD, "stage": "extract", "seconds": 99.0},
]


def _runs_table() -> pa.Table:
    recorded = dt.datetime(2026, 11, 29, 4, tzinfo=UTC)
    return pa.Table.from_pylist(
        [
            {
                "details": "{}",
                **r,
                "records_in": 0,
                "records_out": 0,
                "rejected": 0,
                "duplicates": 0,
                "changed": 0,
                "recorded_at": recorded,
            }
            for r in RUN_ROWS
        ],
        schema=RUNS,
    )


def build_catalog(data_dir: Path) -> CatalogSettings:
    """Publish the nights above through staging and publish, then record quality results and run
    figures as the validate and report tasks do; returns the catalog's settings."""
    settings = settings_for(data_dir)
    for day, (rows, quarantine) in NIGHTS.items():
        publish(settings, Night(day, rows, quarantine=quarantine), data_dir / "work", run_id=f"build-{day}")
    dq_rows = [r for rows in DQ.values() for r in rows]
    with writer_session(settings, "test quality results and runs") as con:
        con.execute("BEGIN TRANSACTION")
        con.register("_dq", pa.Table.from_pylist(dq_rows, schema=DQ_RESULTS))
        con.execute("INSERT INTO dq_results SELECT * FROM _dq")
        con.register("_runs", _runs_table())
        con.execute("INSERT INTO runs SELECT * FROM _runs")
        con.execute("COMMIT")
    return settings


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("akhbar_data")
    build_catalog(root)
    return root


@pytest.fixture(scope="session")
def catalog(data_dir) -> CatalogSettings:
    return settings_for(data_dir)
