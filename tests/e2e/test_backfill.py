"""Backfills in any order, and reruns, leave the catalog exactly as one in-order pass does."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from akhbar.pipeline import RunContext, run_night
from tests.conftest import ROOT
from tests.e2e.catalog import dump

pytestmark = [pytest.mark.e2e]

NIGHTS = [dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)]
EXPECTED = json.loads((ROOT / "sample" / "EXPECTED.json").read_text(encoding="utf-8"))
TABLES = ["articles", "duplicates", "article_places", "article_dates", "article_keywords", "quarantine",
          "keyword_doc_freq", "sources", "search_docs", "search_postings", "search_stats"]
VIEWS = ["daily_volume", "top_places_by_day", "duplicate_rate_by_source"]


def run(data_dir, order):
    for night in order:
        summary = run_night(RunContext(dt=night, data_dir=data_dir))
        assert summary["accounting"]["balanced"]


def snapshot(data_dir) -> dict:
    # Two independent fetches differ in when they fetched, and in nothing else. Views analysts use:
    # same answers too.
    return dump(data_dir, TABLES + VIEWS, exclude={"articles": "EXCLUDE (fetched_at)"})


@pytest.fixture(scope="module")
def in_order(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("in_order")
    run(data_dir, NIGHTS)
    return snapshot(data_dir)


def test_reverse_backfill_and_reruns_equal_one_in_order_pass(in_order, tmp_path):
    run(tmp_path, list(reversed(NIGHTS)) + [NIGHTS[1], NIGHTS[2]])
    again = snapshot(tmp_path)
    for table in in_order:
        assert again[table] == in_order[table], table


def test_in_order_backfill_matches_the_sample_expectations(in_order):
    by_night = {}
    for night, n in EXPECTED["nights"].items():
        by_night[night] = (len(n["articles"]), len(n["duplicates"]), len(n["quarantined"]))
    articles, duplicates, quarantine = (in_order[t] for t in ("articles", "duplicates", "quarantine"))
    got = {}
    for night in EXPECTED["nights"]:
        day = dt.date.fromisoformat(night)
        # An article's night is the `dt` column: 16th position in `articles` (fetched_at left out),
        # 9th in `duplicates`, last in `quarantine`.
        got[night] = (sum(1 for r in articles if r[15] == day), sum(1 for r in duplicates if r[8] == day),
                      sum(1 for r in quarantine if r[-1] == day))
    assert got == by_night
    # The French update of 2026-11-28 points to the story of the night before.
    kinds = {(r[5], r[3]) for r in duplicates}
    assert ("courrier-maghreb", "near") in kinds
