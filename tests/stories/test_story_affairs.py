"""Affairs and their stories (akhbar.stories.affairs): where a chain of best links stops being one happening.

The vectors here are built with chosen cosines (the Cholesky factor of their Gram matrix), so each
decision is known in advance; tests/stories/test_story_order.py has the same on written articles
through the real encoder."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pytest

from akhbar.stories import PARAMS, StoryParams
from akhbar.stories.affairs import AffairArticle, Line, story_parents
from akhbar.stories.memory_store import MemoryStore


def unit_vectors(gram: list[list[float]]) -> np.ndarray:
    """Vectors of 512 floats whose pairwise cosines are ``gram``, in the span of the first cell of the
    codebook and its nearest cells: candidate pairs come from shared cells (akhbar.stories.cells), so
    the vectors must lie where articles do, not along arbitrary axes."""
    from akhbar.stories.cells import codebook

    cells = codebook().astype(np.float64)
    near = np.argsort(-(cells @ cells[0]))[: len(gram)]
    basis, _ = np.linalg.qr(cells[near].T)
    out = np.linalg.cholesky(np.asarray(gram, dtype=np.float64)) @ basis.T
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_the_line_score_is_a_link_score_without_keywords_averaged_over_the_line():
    a, b = unit_vectors([[1.0, 0.6], [0.6, 1.0]])
    first = AffairArticle("a", None, "ar", 100.0, a)
    line = Line(a.copy(), {"ar": 1}, np.array([100.0])).extended(AffairArticle("b", "a", "en", 130.0, b))
    assert line.length == 2
    params = StoryParams(cross_lingual_bonus=0.10, line_late_penalty=0.10, grace_hours=6.0)
    # An Arabic article like a, published with a: b is English (+0.10) and 30 hours later (-0.10 a day
    # beyond 6 hours); a is itself.
    assert line.closeness(first, params) == pytest.approx((1.0 + 0.6 + 0.10 - 0.10 * 24 / 24) / 2)
    late = AffairArticle("c", "b", "en", 178.0, b)  # like b, 78 and 48 hours after a and b
    assert line.closeness(late, params) == pytest.approx((0.6 + 0.10 - 0.3 + 1.0 - 0.10 * 42 / 24) / 2)


def test_an_article_that_drifts_from_its_line_starts_a_story_that_its_children_continue():
    # a -> b -> c -> d by best links; c is close to b but far from a (mean 0.45): it starts a story,
    # and d, close to c alone, continues c's story, not a's.
    v = unit_vectors(
        [
            [1.0, 0.75, 0.20, 0.10],
            [0.75, 1.0, 0.70, 0.40],
            [0.20, 0.70, 1.0, 0.80],
            [0.10, 0.40, 0.80, 1.0],
        ]
    )
    params = StoryParams(story_line_threshold=0.50)
    members = [  # one language, within a few hours: the line score is the mean cosine
        AffairArticle("a", None, "ar", 0.0, v[0]),
        AffairArticle("b", "a", "ar", 1.0, v[1]),
        AffairArticle("c", "b", "ar", 2.0, v[2]),
        AffairArticle("d", "c", "ar", 3.0, v[3]),
    ]
    assert story_parents(members, params) == {"a": None, "b": "a", "c": None, "d": "c"}
    # Lower the bar below c's mean (0.45) and the affair is one story.
    assert story_parents(members, StoryParams(story_line_threshold=0.40)) == {
        "a": None,
        "b": "a",
        "c": "b",
        "d": "c",
    }
    # A parent that is not a member, and an article without a vector, start stories.
    lone = [
        AffairArticle("x", "elsewhere", "ar", 0.0, v[0]),
        AffairArticle("y", "x", "ar", 0.0, np.zeros(512)),
    ]
    assert story_parents(lone, params) == {"x": None, "y": None}


# A chain over five nights, one link a night: A -> B -> C -> E -> F. Cosines chosen so that F's line
# without A (E, C, B) is too far from F (mean 0.46 < 0.50) and with A (E, C, B, A) close enough
# (0.53): F's story depends on a night three nights before its own. The line score here is the mean
# cosine (no time term), so that the chosen cosines decide alone.
CHAIN = replace(PARAMS, story_line_threshold=0.50, line_late_penalty=0.0)
NAMES = ("A", "B", "C", "E", "F")
GRAM = [
    [1.00, 0.77, 0.55, 0.66, 0.73],
    [0.77, 1.00, 0.73, 0.42, 0.35],
    [0.55, 0.73, 1.00, 0.76, 0.33],
    [0.66, 0.42, 0.76, 1.00, 0.70],
    [0.73, 0.35, 0.33, 0.70, 1.00],
]
D0 = dt.date(2026, 5, 4)
NIGHT_OF = {name: D0 + dt.timedelta(days=k) for k, name in enumerate(NAMES)}
HOUR_OF = {"A": 12, "B": 12, "C": 12, "E": 18, "F": 6}


def _night(name: str) -> pa.Table:
    night = NIGHT_OF[name]
    return pa.Table.from_pylist(
        [
            {
                "article_id": f"chain-{name}",
                "source_id": f"source-{name}",
                "lang": "ar",
                "title": f"report {name}",
                "text": f"text of report {name}",
                "published_at": dt.datetime.combine(night, dt.time(HOUR_OF[name]), tzinfo=dt.UTC),
                "dt": night,
            }
        ]
    )


def _embed(texts):
    vectors = unit_vectors(GRAM).astype(np.float32)
    return np.stack([vectors[NAMES.index(re.search(r"report (\w)", t).group(1))] for t in texts])


def _run(order, store=None):
    store = store or MemoryStore()
    for name in order:
        store.load_night(NIGHT_OF[name], _night(name))
        store.run_night(NIGHT_OF[name], CHAIN, embed=_embed)
    return store


def _stories(store) -> dict[str, str]:
    snapshot = store.snapshot()["article_stories"]
    return {r["article_id"].removeprefix("chain-"): r["story_id"].removeprefix("chain-") for r in snapshot}


def test_a_story_beyond_the_window_follows_its_affair_when_an_early_night_comes_last():
    forward = _run(NAMES)
    assert _stories(forward) == dict.fromkeys(NAMES, "A")
    without_a = _run(NAMES[1:])
    assert _stories(without_a) == {"B": "B", "C": "B", "E": "B", "F": "F"}
    # A's night processed last: F is three nights after it, outside the nights a run recomputes, and its
    # own story has no article in A's window; its affair does, so it is read and F joins A's story.
    late = _run(["A"], _run(NAMES[1:]))
    assert late.snapshot() == forward.snapshot()
    assert "chain-F" not in late.stories.column("story_id").to_pylist()  # the old story is retired


def test_the_sql_store_follows_the_affair_too():
    import duckdb

    from akhbar.stories.duckdb_store import DuckDBStore

    sql = _run(["B", "C", "E", "F", "A"], DuckDBStore(duckdb.connect()))
    assert sql.snapshot() == _run(NAMES).snapshot()


def test_rows_written_before_affairs_are_read_with_their_story_as_affair():
    """A catalog of before affairs (article_stories without affair_id, until the writer brings it in
    line with the contract): its stories were its affairs, and are read as such."""
    import duckdb

    from akhbar.schema import ARTICLE_STORIES, STORY_LINKS
    from akhbar.stories.duckdb_store import article_stories_columns, select_members

    con = duckdb.connect()
    old = pa.schema([f for f in ARTICLE_STORIES if f.name != "affair_id"])
    rows = pa.Table.from_pylist(  # noqa: F841 (read by DuckDB)
        [
            {"article_id": "first", "story_id": "first", "dt": D0, "parent_id": None, "score": None},
            {
                "article_id": "later",
                "story_id": "first",
                "dt": D0 + dt.timedelta(days=6),
                "parent_id": "first",
            },
            {"article_id": "other", "story_id": "other", "dt": D0 + dt.timedelta(days=9), "parent_id": None},
        ],
        schema=old,
    )
    links = STORY_LINKS.empty_table()  # noqa: F841
    con.execute("CREATE TABLE article_stories AS SELECT * FROM rows")
    con.execute("CREATE TABLE story_links AS SELECT * FROM links")
    select_members(con, D0, PARAMS, [])
    members = {r[0] for r in con.execute("SELECT article_id FROM story_members").fetchall()}
    assert members == {"first", "later"}  # the whole story, six nights after the window too
    read = con.execute(f"SELECT {article_stories_columns(con)} FROM article_stories").fetch_arrow_table()
    assert read.cast(ARTICLE_STORIES).column("affair_id").null_count == 3
