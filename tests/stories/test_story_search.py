"""The warehouse side: story_timeline, similar_articles and search_semantic in plain DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest
from akhbar.stories.memory_store import MemoryStore
from akhbar.stories.search import register, stories_sql
from akhbar.warehouse import sql_text

from .conftest import NIGHTS


@pytest.fixture(scope="module")
def con(enriched_nights):
    store = MemoryStore()
    for night in NIGHTS:
        e = enriched_nights[night]
        store.load_night(night, e.articles, e.places, e.dates, e.keywords)
        store.run_night(night)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(sql_text("schema.sql"))
    articles_arrow = pa.concat_tables([e.articles for e in enriched_nights.values()])  # noqa: F841 (read by DuckDB)
    con.execute("INSERT INTO articles BY NAME "
                "SELECT * EXCLUDE (duplicate_of, duplicate_kind, similarity) FROM articles_arrow")
    for name in ("article_stories", "stories", "links", "embeddings"):
        source = getattr(store, name)  # noqa: F841 (read by DuckDB)
        target = {"links": "story_links", "embeddings": "article_embeddings"}.get(name, name)
        con.execute(f"CREATE TABLE {target} AS SELECT * FROM source")
    con.execute(stories_sql())
    register(con)
    yield con
    con.close()


def _ids(con, key_of, sql, *params):
    return [key_of.get(r[0], r[0]) for r in con.execute(sql, list(params)).fetchall()]


def test_a_french_query_finds_the_arabic_article_on_the_same_event(con, key_of):
    found = con.execute("SELECT article_id, lang FROM search_semantic("
                        "'Inondations à Sfax : la protection civile évacue des familles', 5)").fetchall()
    arabic = [key_of[a] for a, lang in found if lang == "ar"]
    assert arabic and arabic[0].startswith("flood"), [key_of[a] for a, _ in found]
    assert {key_of[a] for a, _ in found[:3]} <= {"flood-ar", "flood-fr", "flood-en", "flood-toll-ar", "flood-toll-en"}


def test_an_english_query_finds_the_central_bank_story_in_arabic_and_french(con, key_of):
    found = _ids(con, key_of, "SELECT article_id FROM search_semantic(?, 2)", "Tunisia's central bank raises its key rate")
    assert set(found) == {"rate-ar", "rate-fr"}


def test_similar_articles_crosses_languages(con, key_of):
    flood_ar = next(a for a, k in key_of.items() if k == "flood-ar")
    found = _ids(con, key_of, "SELECT article_id FROM similar_articles(?, 3)", flood_ar)
    assert "flood-ar" not in found and set(found) <= {"flood-fr", "flood-en", "flood-toll-ar", "flood-toll-en"}


def test_story_timeline_says_who_reported_first_and_shows_duplicates(con, key_of):
    flood_ar = next(a for a, k in key_of.items() if k == "flood-ar")
    con.execute("INSERT INTO duplicates VALUES ('copy-1', ?, ?, 'exact_text', 1.0, 'copycat', NULL, ?, ?)",
                [flood_ar, flood_ar, "فيضانات في صفاقس", dt.date(2026, 3, 3)])
    rows = con.execute("SELECT source_id, lang, first_article_id, report_rank, after_first_report FROM story_timeline "
                       "WHERE story_id = ? ORDER BY report_rank", [flood_ar]).fetchall()
    assert rows[0][:4] == ("tunis-akhbar", "ar", flood_ar, 1) and rows[0][4] == dt.timedelta(0)
    assert {(r[0], r[1]) for r in rows} >= {("courrier-maghreb", "fr"), ("harbour-gazette", "en"), ("copycat", "ar")}
    assert all(r[4] > dt.timedelta(0) for r in rows[1:])
