"""Backfills in any order, and reruns, leave the catalog exactly as one in-order pass does."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from akhbar.pipeline import RunContext, run_night
from akhbar.schema import STORY_TABLES
from tests.conftest import ROOT
from tests.e2e.catalog import dump
from tests.lakehouse.helpers import NIGHT_TABLES

pytestmark = [pytest.mark.e2e]

NIGHTS = [dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)]
EXPECTED = json.loads((ROOT / "sample" / "EXPECTED.json").read_text(encoding="utf-8"))
TABLES = [*NIGHT_TABLES, "sources", *STORY_TABLES]
VIEWS = ["daily_volume", "top_places_by_day", "duplicate_rate_by_source", "story_articles", "story_timeline"]


def run(data_dir, order):
    for night in order:
        summary = run_night(RunContext(dt=night, data_dir=data_dir))
        assert summary["accounting"]["balanced"]


def snapshot(data_dir) -> dict:
    # Two independent fetches differ in when they fetched, and in nothing else. Views analysts use:
    # same answers too.
    return dump(data_dir, TABLES + VIEWS, exclude={"articles": "EXCLUDE (fetched_at)"})


@pytest.fixture(scope="module")
def in_order_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("in_order")
    run(data_dir, NIGHTS)
    return data_dir


@pytest.fixture(scope="module")
def in_order(in_order_dir):
    return snapshot(in_order_dir)


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
        got[night] = (
            sum(1 for r in articles if r[15] == day),
            sum(1 for r in duplicates if r[8] == day),
            sum(1 for r in quarantine if r[-1] == day),
        )
    assert got == by_night
    # The French update of 2026-11-28 points to the story of the night before.
    kinds = {(r[5], r[3]) for r in duplicates}
    assert ("courrier-maghreb", "near") in kinds


def test_the_published_nights_answer_the_story_views_and_macros(in_order_dir):
    """Stories are published with their nights and read through the catalog like any table: every kept
    article is in one story, and a French query finds the Arabic article on the same event."""
    from tests.e2e.catalog import query

    q = lambda sql, params=(): query(in_order_dir, sql, params)
    assert q("SELECT count(*) FROM articles")[0][0] == q("SELECT count(*) FROM article_stories")[0][0] > 0
    assert (
        q("""SELECT count(*) FROM articles a LEFT JOIN article_stories s USING (article_id)
                LEFT JOIN article_embeddings e USING (article_id) WHERE s.story_id IS NULL OR e.vector IS NULL""")
        == [(0,)]
    )
    assert q("SELECT sum(size) FROM stories")[0][0] == q("SELECT count(*) FROM article_stories")[0][0]
    # Every duplicate is shown in its head's story; the timeline says who reported each story first.
    assert (
        q("SELECT count(*) FROM story_articles WHERE duplicate_of IS NOT NULL")[0][0]
        == q("SELECT count(*) FROM duplicates")[0][0]
    )
    assert (
        q("SELECT count(*) FROM story_timeline WHERE report_rank = 1")[0][0]
        >= q("SELECT count(*) FROM stories")[0][0]
    )
    # The sample's Cairo industrial-zone report is in Arabic only (mashriq-wire, 2026-11-28).
    found = q(
        "SELECT lang, title FROM search_semantic(?, 3)",
        ["Le Caire : de nouvelles entreprises s'installent dans la zone industrielle"],
    )
    assert found[0][0] == "ar" and "القاهرة" in found[0][1], found
    cairo = q("SELECT article_id FROM articles WHERE title LIKE '%القاهرة%' AND title LIKE '%الصناعية%'")[0][
        0
    ]
    similar = q("SELECT article_id, similarity FROM similar_articles(?, 5)", [cairo])
    assert len(similar) == 5 and cairo not in {a for a, _ in similar}
    assert [s for _, s in similar] == sorted((s for _, s in similar), reverse=True)
