"""A small warehouse with known figures, built with the real lake and warehouse code."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from akhbar import lake, warehouse
from akhbar.schema import ARTICLE, QUARANTINE

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "plugins") not in sys.path:  # Airflow puts the plugins folder on sys.path; so do the tests
    sys.path.insert(0, str(ROOT / "plugins"))

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
OLD = dt.date(2026, 9, 1)  # outside the 30 nights ending at D3
UTC = dt.timezone.utc


def article(article_id, day, text, lang="ar", source="tunis-akhbar", duplicate_of=None, title=None):
    row = {name: None for name in ARTICLE.names}
    row.update(article_id=article_id, record_id="r" + article_id, source_id=source, url=f"https://x.test/{article_id}",
               title=title or f"title {article_id}", text=text, text_search=text, lang=lang, dt=day,
               fetched_at=dt.datetime(2026, 11, 28, tzinfo=UTC), content_hash="h" + article_id,
               cluster_id=duplicate_of or article_id, duplicate_of=duplicate_of,
               duplicate_kind="near" if duplicate_of else None, similarity=0.9 if duplicate_of else None)
    return row


def quarantined(record_id, day, source="tunis-akhbar", reason="empty_body"):
    return {"record_id": record_id, "source_id": source, "stage": "extract", "reason": reason, "detail": "x",
            "locator": record_id, "body": b"", "dt": day}


NIGHTS = {
    OLD: ([article("o1", OLD, "خبر قديم من تونس")], []),
    D1: ([article("a1", D1, "انسحاب القوات من العراق"),
          article("f1", D1, "le gouvernement annonce des élections", "fr", "courrier-maghreb")],
         [quarantined("q1", D1)]),
    D2: ([article("a2", D2, "الحكومة في تونس تعلن الميزانية", title="ميزانية تونس"),
          article("a1b", D2, "انسحاب القوات من العراق", duplicate_of="a1"),
          article("e2", D2, "the harbour reopened after the storm", "en", "harbour-gazette")],
         []),
    D3: ([article("a3", D3, "أمطار غزيرة في تونس العاصمة اليوم", source="mashriq-wire", title="أمطار في تونس"),
          article("e3", D3, "elections were announced yesterday", "en", "harbour-gazette"),
          article("e3b", D3, "elections were announced yesterday", "en", "harbour-gazette", duplicate_of="e3")],
         [quarantined("q2", D3, "mashriq-wire"), quarantined("q3", D3, "mashriq-wire", "not_html")]),
}


def dq(run_id, day, suite, expectation, severity, success, checked_at, column=None):
    return {"run_id": run_id, "dt": day, "suite": suite, "expectation": expectation, "column": column,
            "severity": severity, "success": success, "observed": "{}", "details": f"{expectation} {severity}",
            "checked_at": checked_at}


DQ = {
    D2: [dq("r2", D2, "akhbar_articles", "expect_column_values_to_not_be_null", "critical", True,
            dt.datetime(2026, 11, 28, 3, tzinfo=UTC), "text"),
         dq("r2", D2, "akhbar_volume", "expect_column_values_to_be_between", "warning", False,
            dt.datetime(2026, 11, 28, 3, tzinfo=UTC), "articles")],
    D3: [  # an earlier run of D3 (all passing), then the latest one with two failures
        dq("r3-old", D3, "akhbar_articles", "expect_column_values_to_be_unique", "critical", True,
           dt.datetime(2026, 11, 29, 1, tzinfo=UTC), "article_id"),
        dq("r3", D3, "akhbar_articles", "expect_column_values_to_be_unique", "critical", True,
           dt.datetime(2026, 11, 29, 3, tzinfo=UTC), "article_id"),
        dq("r3", D3, "akhbar_articles", "expect_column_values_to_not_be_null", "critical", False,
           dt.datetime(2026, 11, 29, 3, tzinfo=UTC), "lang"),
        dq("r3", D3, "akhbar_night", "expect_column_values_to_be_between", "warning", False,
           dt.datetime(2026, 11, 29, 3, tzinfo=UTC), "quarantine_share"),
    ],
}

DQ_SCHEMA = pa.schema([("run_id", pa.string()), ("dt", pa.date32()), ("suite", pa.string()),
                       ("expectation", pa.string()), ("column", pa.string()), ("severity", pa.string()),
                       ("success", pa.bool_()), ("observed", pa.string()), ("details", pa.string()),
                       ("checked_at", pa.timestamp("us", tz="UTC"))])

RUNS = [
    {"run_id": "r2", "dt": D2, "stage": "extract", "seconds": 1.5},
    {"run_id": "r2", "dt": D2, "stage": "load_warehouse", "seconds": 2.5},
    {"run_id": "r3", "dt": D3, "stage": "extract", "seconds": 3.0},
    {"run_id": "r3", "dt": D3, "stage": "validate", "seconds": 7.25},
    {"run_id": "r-old", "dt": OLD, "stage": "extract", "seconds": 99.0},
]


def build_warehouse(data_dir: Path) -> Path:
    """Load the nights above through akhbar.lake and akhbar.warehouse; returns the warehouse path."""
    lake_root = data_dir / "lake"
    db = data_dir / "warehouse.duckdb"
    for day, (rows, quarantine) in NIGHTS.items():
        lake.write_partition(lake_root, "articles", day, pa.Table.from_pylist(rows, schema=ARTICLE))
        lake.write_partition(lake_root, "quarantine", day, pa.Table.from_pylist(quarantine, schema=QUARANTINE))
    for day in NIGHTS:
        dq_rows = DQ.get(day)
        warehouse.load_night(db, lake_root=lake_root, dt=day,
                             dq_results=pa.Table.from_pylist(dq_rows, schema=DQ_SCHEMA) if dq_rows else None)
    warehouse.record_runs(db, RUNS)
    return db


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("akhbar_data")
    build_warehouse(root)
    return root


@pytest.fixture(scope="session")
def db(data_dir) -> Path:
    return data_dir / "warehouse.duckdb"
