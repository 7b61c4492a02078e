"""Stories do not depend on the order in which nights are processed, nor on reruns."""

from __future__ import annotations

import pytest
from akhbar.stories.memory_store import MemoryStore

from .conftest import N1, N2, N3, N4


def _run(order, enriched_nights) -> MemoryStore:
    store = MemoryStore()
    for night in order:
        e = enriched_nights[night]
        store.load_night(night, e.articles, e.places, e.dates, e.keywords)
        store.run_night(night)
    return store


@pytest.fixture(scope="module")
def forward(enriched_nights) -> MemoryStore:
    return _run([N1, N2, N3, N4], enriched_nights)


def test_the_stories_of_the_written_nights(forward, key_of):
    story = {key_of[r["article_id"]]: r["story_id"] for r in forward.article_stories.to_pylist()}
    # The flood reported on Sunday night in Arabic and on Monday morning in French and English: one story
    # across two nights and three languages, named after its first article.
    assert story["flood-ar"] == story["flood-fr"] == story["flood-en"], story
    assert story["flood-ar"] == next(a for a, k in key_of.items() if k == "flood-ar")
    assert story["flood-toll-ar"] == story["flood-toll-en"]  # Wednesday and Friday, Arabic and English
    assert story["festival-ar"] not in {story["flood-ar"], story["flood-toll-ar"]}  # same city and night
    assert story["rate-ar"] == story["rate-fr"] != story["flood-ar"]
    row = next(r for r in forward.stories.to_pylist() if r["story_id"] == story["flood-ar"])
    assert row["size"] >= 3 and row["languages"] == ["ar", "en", "fr"]
    assert row["first_source_id"] == "tunis-akhbar" and row["first_dt"] == N1 and row["last_dt"] >= N2
    assert {t["lang"] for t in row["titles"]} == {"ar", "en", "fr"}
    assert "Sfax" in row["main_places"]
    assert forward.stories.num_rows == len(set(story.values()))  # no stale story rows


@pytest.mark.parametrize("order", [
    [N4, N3, N2, N1],  # a backfill run backwards
    [N2, N4, N1, N3],  # the bridging nights last
    [N1, N2, N3, N4, N2, N3, N1],  # reruns
    [N3, N1, N4, N2, N2],
])
def test_any_order_and_reruns_give_the_same_stories(order, forward, enriched_nights):
    assert _run(order, enriched_nights).snapshot() == forward.snapshot()


def test_the_sql_store_reads_and_replaces_like_the_reference(forward, enriched_nights):
    """akhbar.stories.duckdb_store (the contract in SQL) ends with the same rows as the in-memory one."""
    import duckdb
    from akhbar.stories.duckdb_store import DuckDBStore

    store = DuckDBStore(duckdb.connect())
    for night in [N3, N1, N4, N2, N3]:
        e = enriched_nights[night]
        store.load_night(night, e.articles, e.places, e.dates, e.keywords)
        store.run_night(night)
    assert store.snapshot() == forward.snapshot()


def test_an_empty_night_and_bad_inputs(enriched_nights):
    import datetime as dt

    import pyarrow as pa
    from akhbar.stories import StoryInputs, build_stories

    store = _run([N1, N2], enriched_nights)
    before = store.snapshot()
    empty = enriched_nights[N1].articles.slice(0, 0)
    store.load_night(N3, empty)
    result = store.run_night(N3)
    assert result.article_embeddings.num_rows == 0 and result.links.num_rows == 0
    assert store.snapshot()["article_stories"] == before["article_stories"]
    with pytest.raises(ValueError, match="lacks source_id, lang"):
        build_stories(StoryInputs(night=N1, articles=pa.table({"article_id": ["x"], "dt": [dt.date(2026, 3, 2)]})))
    twice = pa.concat_tables([enriched_nights[N1].articles] * 2)
    with pytest.raises(ValueError, match="duplicated article_id"):
        build_stories(StoryInputs(night=N1, articles=twice))
