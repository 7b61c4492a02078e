"""The catalog side: story_articles, story_timeline, similar_articles, search_vector and search_semantic,
on a DuckLake catalog the written nights were published into (stories step, staging, publish)."""

from __future__ import annotations

import pytest

from akhbar.lakehouse import open_catalog

from .catalog import publish_enriched_night, settings_for
from .conftest import NIGHTS

# The stories of published nights in a catalog: set up once a module, tens of seconds; not the fast lane.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def catalog_dir(enriched_nights, key_of, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("stories_catalog")
    settings = settings_for(data_dir)
    flood_ar = next(a for a, k in key_of.items() if k == "flood-ar")
    for night in NIGHTS:
        publish_enriched_night(settings, night, enriched_nights[night], data_dir / "work")
    return data_dir, flood_ar


@pytest.fixture
def con(catalog_dir):
    con = open_catalog(catalog_dir[0])  # an analyst's read-only session
    yield con
    con.close()


def _ids(con, key_of, sql, *params):
    return [key_of.get(r[0], r[0]) for r in con.execute(sql, list(params)).fetchall()]


@pytest.mark.slow
def test_a_french_query_finds_the_arabic_and_english_articles_on_the_same_event(con, key_of):
    found = con.execute(
        "SELECT article_id, lang FROM search_semantic("
        "'Inondations à Sfax : la protection civile évacue des familles', 5)"
    ).fetchall()
    arabic = [key_of[a] for a, lang in found if lang == "ar"]
    assert arabic and arabic[0].startswith("flood"), [key_of[a] for a, _ in found]
    assert {key_of[a] for a, _ in found[:3]} <= {
        "flood-ar",
        "flood-fr",
        "flood-en",
        "flood-toll-ar",
        "flood-toll-en",
    }
    assert {lang for a, lang in found[:4]} >= {"ar", "en"}


def test_an_english_query_finds_the_central_bank_story_in_arabic_and_french(con, key_of):
    found = _ids(
        con,
        key_of,
        "SELECT article_id FROM search_semantic(?, 2)",
        "Tunisia's central bank raises its key rate",
    )
    assert set(found) == {"rate-ar", "rate-fr"}


def test_search_vector_is_search_semantic_for_clients_that_embed_themselves(con, key_of):
    from akhbar.stories.embeddings import embed_texts

    q = "La Banque centrale relève son taux"
    vector = embed_texts([q])[0].tolist()
    assert (
        con.execute("SELECT article_id, similarity FROM search_vector(?, 3)", [vector]).fetchall()
        == con.execute("SELECT article_id, similarity FROM search_semantic(?, 3)", [q]).fetchall()
    )
    assert con.execute("SELECT count(*) FROM search_semantic(NULL, 3)").fetchone()[0] == 0


def test_similar_articles_crosses_languages(con, key_of, catalog_dir):
    found = _ids(con, key_of, "SELECT article_id FROM similar_articles(?, 3)", catalog_dir[1])
    assert "flood-ar" not in found and set(found) <= {
        "flood-fr",
        "flood-en",
        "flood-toll-ar",
        "flood-toll-en",
    }


@pytest.mark.slow
def test_story_timeline_says_who_reported_first(con, key_of, catalog_dir):
    flood_ar = catalog_dir[1]
    rows = con.execute(
        "SELECT source_id, lang, first_article_id, report_rank, after_first_report FROM story_timeline "
        "WHERE story_id = ? ORDER BY report_rank",
        [flood_ar],
    ).fetchall()
    assert rows[0][:4] == ("tunis-akhbar", "ar", flood_ar, 1) and rows[0][4].total_seconds() == 0
    assert {(r[0], r[1]) for r in rows} >= {("courrier-maghreb", "fr"), ("harbour-gazette", "en")}
    assert all(r[4].total_seconds() > 0 for r in rows[1:])


def test_the_macros_run_in_the_sandbox_of_user_sql(catalog_dir, key_of):
    """`akhbar sql` and the Corpus page run user SQL in the read-only sandbox: the macros work there too."""
    from akhbar.lakehouse.sandbox import run_query

    result = run_query(
        settings_for(catalog_dir[0]),
        "SELECT article_id FROM search_semantic('البنك المركزي يرفع نسبة الفائدة', 2)",
    )
    assert {key_of[r[0]] for r in result.rows} == {"rate-ar", "rate-fr"}
