"""Stories in the catalog (akhbar.lakehouse.stories): each night's stories are read from, staged with and
published into the catalog; nights published in any order, reruns and dedup's demotions give the same
story tables."""

from __future__ import annotations

import pyarrow as pa
import pytest

from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.stories import stories_are_stale
from tests.lakehouse.helpers import dump
from tests.stories.catalog import STORY_TABLES_AND_VIEWS, publish_enriched_night, settings_for
from tests.stories.conftest import N1, N2, N3, N4, affair_nights, enriched_nights  # noqa: F401 (fixtures)
from tests.stories.test_story_order import COPY, night_with_copy  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


def publish_all(data_dir, nights: dict, order, per_night: dict | None = None) -> dict:
    settings = settings_for(data_dir)
    for night in order:
        publish_enriched_night(
            settings, night, nights[night], data_dir / "work", **(per_night or {}).get(night, {})
        )
    return dump(settings, tables=list(STORY_TABLES_AND_VIEWS), views=False)


@pytest.fixture(scope="module")
def forward(affair_nights, tmp_path_factory):
    """The written nights with an affair of two stories (tests/stories/conftest.py, DRIFT)."""
    data_dir = tmp_path_factory.mktemp("forward")
    return data_dir, publish_all(data_dir, affair_nights, [N1, N2, N3, N4])


def test_every_kept_article_is_in_one_story_with_its_embedding(forward, affair_nights):
    data_dir, _ = forward
    ids = {a for e in affair_nights.values() for a in e.articles.column("article_id").to_pylist()}
    with reader_session(settings_for(data_dir)) as con:
        members = con.execute("SELECT article_id, story_id FROM article_stories").fetchall()
        assert {a for a, _ in members} == ids and len(members) == len(ids)
        assert con.execute(
            "SELECT count(DISTINCT article_id), min(len(vector)), max(len(vector)) FROM article_embeddings"
        ).fetchone() == (len(ids), 512, 512)
        sizes = dict(con.execute("SELECT story_id, size FROM stories").fetchall())
        assert sizes == {s: sum(1 for _, t in members if t == s) for _, s in members}
        # The flood: Arabic on Sunday night, French and English on Monday, one story.
        langs = con.execute("SELECT languages FROM stories ORDER BY size DESC, story_id LIMIT 1").fetchone()[
            0
        ]
        assert langs == ["ar", "en", "fr"]
        # The rate decision's affair holds two stories: the decision and its consequences, the developers' request.
        affairs = con.execute(
            "SELECT affair_id, count(DISTINCT story_id) FROM article_stories GROUP BY ALL HAVING count(*) > 4"
        ).fetchall()
        assert [n for _, n in affairs] == [2]


@pytest.mark.parametrize("order", [[N4, N3, N2, N1], [N2, N4, N1, N3, N2, N4]])
def test_any_order_and_reruns_publish_the_same_stories(forward, affair_nights, tmp_path, order):
    _, state = forward
    assert publish_all(tmp_path, affair_nights, order) == state


def test_a_demoted_article_leaves_its_story_as_if_it_had_never_been(
    enriched_nights, night_with_copy, tmp_path
):
    e3, copy_id = night_with_copy
    nights = {**enriched_nights, N3: e3}
    # The earlier copy's night first: dedup makes the wire copy a duplicate when N3 is processed.
    never = publish_all(
        tmp_path / "never", nights, [N1, N2, N3, N4], {N3: {"duplicates": {copy_id: "elsewhere"}}}
    )
    # The copy's nights first: an article, in a story, until N1's publish demotes it.
    demotion = {
        "article_id": copy_id,
        "duplicate_of": "elsewhere",
        "cluster_id": "elsewhere",
        "kind": "near",
        "similarity": 0.9,
        "source_id": COPY[1],
        "url": None,
        "title": COPY[3],
        "dt": N3,
        "record_id": None,
    }
    settings = settings_for(tmp_path / "demoted")
    for night in [N3, N4, N2]:
        publish_enriched_night(settings, night, nights[night], tmp_path / "demoted" / "work")
    with reader_session(settings) as con:
        assert (
            con.execute("SELECT count(*) FROM article_stories WHERE parent_id = ?", [copy_id]).fetchone()[0]
            > 0
        )
    publish_enriched_night(settings, N1, nights[N1], tmp_path / "demoted" / "work", demoted=[demotion])
    assert dump(settings, tables=list(STORY_TABLES_AND_VIEWS), views=False) == never


def test_a_publish_since_the_stories_were_read_makes_them_stale(forward):
    data_dir, _ = forward
    settings = settings_for(data_dir)
    with writer_session(settings, "test") as con:
        last = con.execute(
            "SELECT max(snapshot_id) FROM akhbar.snapshots() WHERE commit_message LIKE 'publish night %'"
        ).fetchone()[0]
        assert not stories_are_stale(con, last)
        assert stories_are_stale(con, last - 1) and stories_are_stale(con, None)
        # A write that publishes no night (quality results, run figures) does not.
        con.execute("BEGIN TRANSACTION")
        con.register("_t", pa.table({"x": [1]}))
        con.execute("CREATE TABLE scratch AS SELECT * FROM _t")
        con.execute("COMMIT")
        assert not stories_are_stale(con, last)
        con.execute("DROP TABLE scratch")


def test_a_rerun_that_finds_the_night_empty_retires_its_stories(enriched_nights, tmp_path):
    from dataclasses import replace

    settings = settings_for(tmp_path)
    for night in (N1, N2):
        publish_enriched_night(settings, night, enriched_nights[night], tmp_path / "work")
    e = enriched_nights[N2]
    emptied = replace(
        e,
        articles=e.articles.slice(0, 0),
        children={name: rows.slice(0, 0) for name, rows in e.children.items()},
    )
    publish_enriched_night(settings, N2, emptied, tmp_path / "work")
    with reader_session(settings) as con:
        assert con.execute("SELECT count(*) FROM article_stories WHERE dt = ?", [N2]).fetchone()[0] == 0
        assert (
            con.execute(
                "SELECT count(*) FROM story_links WHERE dt = ? OR linked_dt = ?", [N2, N2]
            ).fetchone()[0]
            == 0
        )
        sizes = con.execute("SELECT sum(size), max(last_dt) FROM stories").fetchone()
        assert sizes == (enriched_nights[N1].articles.num_rows, N1)


def _night_work(work_dir, enriched):
    """The work files of one night as dedup leaves them (no duplicates), without vectors."""
    import pyarrow.parquet as pq

    from akhbar.lakehouse.stories import NightArticles
    from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    work_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table, schema in (
        ("articles", enriched.articles, ARTICLE),
        ("places", enriched.places, ARTICLE_PLACES),
        ("dates", enriched.dates, ARTICLE_DATES),
        ("keywords", enriched.keywords, ARTICLE_KEYWORDS),
    ):
        paths.append(work_dir / f"{name}.parquet")
        pq.write_table(table.select(schema.names).cast(schema), paths[-1])
    return NightArticles(*paths, demoted=None)


def test_the_stories_step_reads_the_shards_vectors_and_names_what_is_missing(enriched_nights, tmp_path):
    """The stories step encodes nothing: a shard without its vectors file, or a file that lacks one
    of the night's articles, stops it with an error that says which and what to do."""
    import dataclasses

    import pyarrow.parquet as pq

    from akhbar.lakehouse.stories import StoryWork, VectorsMissing, night_stories
    from akhbar.stories.embeddings import encode_articles

    work = _night_work(tmp_path / "work", enriched_nights[N1])
    first, rest = tmp_path / "work" / "first.parquet", tmp_path / "work" / "rest.parquet"
    articles = pq.read_table(work.articles)
    half = articles.num_rows // 2
    assert half >= 1
    pq.write_table(articles.slice(0, half), first)
    pq.write_table(articles.slice(half), rest)
    shard_vectors = (tmp_path / "shard-0" / "vectors.parquet", tmp_path / "shard-1" / "vectors.parquet")
    for path, part in zip(shard_vectors, (first, rest)):
        path.parent.mkdir()
        assert encode_articles(part, path) == pq.read_metadata(part).num_rows
    settings, out = settings_for(tmp_path / "data"), StoryWork(tmp_path / "work" / "stories")
    counts = night_stories(settings, dataclasses.replace(work, vectors=shard_vectors), out, night=N1)
    assert counts.records_in == articles.num_rows
    assert pq.read_table(out.table("article_embeddings")).num_rows == articles.num_rows
    with pytest.raises(VectorsMissing, match="shard-1"):
        night_stories(
            settings,
            dataclasses.replace(work, vectors=(shard_vectors[0], tmp_path / "shard-1" / "x")),
            out,
            night=N1,
        )
    lacking = articles.column("article_id")[half].as_py()
    with pytest.raises(VectorsMissing, match=f"no vector .*{lacking}"):
        night_stories(settings, dataclasses.replace(work, vectors=shard_vectors[:1]), out, night=N1)
