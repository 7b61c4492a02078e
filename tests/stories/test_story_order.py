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
def forward(affair_nights) -> MemoryStore:
    return _run([N1, N2, N3, N4], affair_nights)


def test_the_stories_of_the_written_nights(forward, key_of):
    rows = {key_of[r["article_id"]]: r for r in forward.article_stories.to_pylist()}
    story = {k: r["story_id"] for k, r in rows.items()}
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


def test_an_affair_splits_where_its_line_drifts(forward, key_of, affair_nights):
    rows = {key_of[r["article_id"]]: r for r in forward.article_stories.to_pylist()}
    story = {k: r["story_id"] for k, r in rows.items()}
    affair = {k: r["affair_id"] for k, r in rows.items()}
    parent = {k: r["parent_id"] and key_of[r["parent_id"]] for k, r in rows.items()}
    # One affair, chained by best links: the decision, the loan rates, the homes, the developers.
    assert parent["rate-loans-fr"] == "rate-fr" and parent["housing-en"] == "rate-loans-fr"
    assert parent["developers-fr"] in {"housing-en", "housing-ar"}
    members = ("rate-ar", "rate-fr", "rate-loans-fr", "housing-en", "housing-ar", "developers-fr")
    assert {affair[k] for k in members} == {story["rate-ar"]}
    # The loan rates and the homes continue the decision's story; Friday's request starts its own (a
    # night that a run of Monday does not recompute, yet its story changes with Monday).
    assert {story[k] for k in members[:-1]} == {story["rate-ar"]}
    assert story["developers-fr"] == rows["developers-fr"]["article_id"]
    # Without Monday's Arabic report the line is short enough: one story.
    without_monday = _run([N3, N4], affair_nights)
    later = {key_of[r["article_id"]]: r["story_id"] for r in without_monday.article_stories.to_pylist()}
    assert later["developers-fr"] == later["housing-en"] == later["rate-fr"]


@pytest.mark.parametrize(
    "order",
    [
        [N4, N3, N2, N1],  # a backfill run backwards
        [N2, N4, N1, N3],  # the bridging nights last
        [N1, N2, N3, N4, N2, N3, N1],  # reruns
        [N3, N1, N4, N2, N2],
    ],
)
def test_any_order_and_reruns_give_the_same_stories(order, forward, affair_nights):
    assert _run(order, affair_nights).snapshot() == forward.snapshot()


def test_the_sql_store_reads_and_replaces_like_the_reference(forward, affair_nights):
    """akhbar.stories.duckdb_store (the contract in SQL) ends with the same rows as the in-memory one."""
    import duckdb

    from akhbar.stories.duckdb_store import DuckDBStore

    store = DuckDBStore(duckdb.connect())
    for night in [N3, N1, N4, N2, N3]:
        e = affair_nights[night]
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
        build_stories(
            StoryInputs(night=N1, articles=pa.table({"article_id": ["x"], "dt": [dt.date(2026, 3, 2)]}))
        )
    twice = pa.concat_tables([enriched_nights[N1].articles] * 2)
    with pytest.raises(ValueError, match="duplicated article_id"):
        build_stories(StoryInputs(night=N1, articles=twice))


# An English wire copy of the toll report, late on Wednesday: the Friday English report's best link.
# Dedup keeps it as an article while its night is processed before the night holding an earlier copy,
# then makes it a duplicate.
COPY = (
    "flood-toll-copy",
    "copy-wire",
    "en",
    "Sfax flood death toll rises to three",
    (
        "The death toll from the floods in the Tunisian city of Sfax has risen to three after the body of a "
        "man swept away by the water was found. Civil protection teams are pumping water out of the flooded "
        "neighbourhoods."
    ),
)


@pytest.fixture(scope="module")
def night_with_copy(enriched_nights):
    """N3 enriched with the copy among its documents (enrichment runs before dedup in both orders)."""
    import datetime as dt

    import pyarrow as pa

    from akhbar.cleaning import clean_documents
    from akhbar.enrichment import enrich
    from akhbar.schema import DOCUMENT

    from .conftest import _documents, document_row

    at = dt.datetime.combine(N3, dt.time(23), tzinfo=dt.UTC)
    copy = pa.Table.from_pylist([document_row(*COPY, at)], schema=DOCUMENT)
    cleaned, _q, _c = clean_documents(pa.concat_tables([_documents(N3), copy]), dt=N3)
    e = enrich(cleaned, dt=N3)
    copy_id = (
        e.articles.filter(pa.compute.equal(e.articles.column("record_id"), COPY[0]))
        .column("article_id")[0]
        .as_py()
    )
    return e, copy_id


def _without(table, article_id):
    import pyarrow.compute as pc

    return table.filter(pc.not_equal(table.column("article_id"), article_id))


def test_an_article_made_a_duplicate_leaves_its_story_as_if_it_had_never_been(
    enriched_nights, night_with_copy
):
    import numpy as np

    from akhbar.schema import EMBEDDING_DIM
    from akhbar.stories.embeddings import embed_texts, story_text

    e3, copy_id = night_with_copy
    nights = {**enriched_nights, N3: e3}
    # As the pipeline does (each enrich shard): every article encoded once, duplicates included; a
    # vector depends on its text alone (tests/stories/test_story_encoder.py), here all in one batch.
    texts = sorted(
        {
            story_text(t, x)
            for e in nights.values()
            for t, x in zip(e.articles.column("title").to_pylist(), e.articles.column("text").to_pylist())
        }
        - {""}
    )
    vector_of = dict(zip(texts, embed_texts(texts)))

    def embed(batch):
        out = np.zeros((len(batch), EMBEDDING_DIM), dtype=np.float32)
        for i, text in enumerate(batch):
            if text:
                out[i] = vector_of[text]
        return out

    def load(store, night, keep_copy):
        e = nights[night]
        tables = [e.articles, e.places, e.dates, e.keywords]
        if not keep_copy:
            tables = [_without(t, copy_id) for t in tables]
        store.load_night(night, *tables)

    never = MemoryStore()  # the earlier copy's night first: the copy is a duplicate from the start
    for night in [N1, N2, N3, N4]:
        load(never, night, keep_copy=False)
        never.run_night(night, embed=embed)

    store = MemoryStore()  # the copy's nights first: it is an article, then N1's dedup demotes it
    for night in [N2, N3, N4]:
        load(store, night, keep_copy=True)
        store.run_night(night, embed=embed)
    parents = {r["article_id"]: r["parent_id"] for r in store.article_stories.to_pylist()}
    night_of = {r["article_id"]: r["dt"] for r in store.article_stories.to_pylist()}
    orphans = sorted(a for a, p in parents.items() if p == copy_id)
    # An orphan on N4: outside the nights N1's run recomputes (N1 .. N1 + 2), only the orphan rule reaches it.
    assert N4 in {night_of[a] for a in orphans}, "the test would not exercise the orphan rule"
    load(store, N1, keep_copy=True)
    result = store.run_night(N1, removed=[copy_id], embed=embed)
    assert result.removed_article_ids == (copy_id,)
    assert store.snapshot() == never.snapshot()
    assert copy_id not in {r["article_id"] for r in store.article_stories.to_pylist()}

    import duckdb

    from akhbar.stories.duckdb_store import DuckDBStore

    sql = DuckDBStore(duckdb.connect())
    for night in [N4, N3, N2]:
        load(sql, night, keep_copy=True)
        sql.run_night(night, embed=embed)
    load(sql, N1, keep_copy=True)
    sql.run_night(N1, removed=[copy_id], embed=embed)
    assert sql.snapshot() == never.snapshot()
