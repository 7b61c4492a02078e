"""Links between the night's articles and the articles of the window, then the trees of best links.

Step 1, :func:`find_links`: the candidate pairs, each with at least one article of the night, sharing
a fixed cell (:mod:`akhbar.stories.cells`), whose cosine reaches ``min_cosine`` and where one article
is among the other's ``neighbours`` nearest of its night (:mod:`akhbar.stories.neighbours`); the
evidence and the score of those (:mod:`akhbar.stories.signals`, :mod:`akhbar.stories.scoring`), one
night of the window at a time; the linked pairs as STORY_LINKS rows.

Step 2, :func:`best_parents` and :func:`roots`: every article hangs from its *parent*, the earlier
article (smaller ``(dt, published_at or +inf, article_id)``, dedup's head order) it has the
best-scoring link with; an article without a link to an earlier one starts a tree, named after it.
The trees are *affairs*; :mod:`akhbar.stories.affairs` cuts them into stories.

Why trees and not the connected components of the links: components chain. On the 35,000 articles
of the evaluation, single-linkage components put 5,970 articles of four months of Korea, Syria and
Iran news into one "story" (pairwise precision 0.64), because one mistaken link merges two stories
whole. With a single parent per article a new article joins one tree and never merges two. (Trees
still chain the developments of an affair one to the next, which is what the story line cuts.)
A parent depends only on the article's links to earlier articles (all within ``window_nights``):
deterministic given the links, hence independent of the order of processing as well.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from akhbar.schema import STORY_LINKS
from akhbar.stories.neighbours import candidate_pairs
from akhbar.stories.scoring import PARAMS, StoryParams, linked, pair_scores
from akhbar.stories.signals import ArticleSignals, pair_evidence


@dataclass(frozen=True)
class LinkPool:
    """The articles that can be linked tonight: the night's and the window's, aligned arrays."""

    article_ids: list[str]
    nights: list[_dt.date]
    vectors: np.ndarray  # (n, 512) unit vectors; zero rows never link
    signals: ArticleSignals
    is_new: np.ndarray  # bool: article of the night being processed


@dataclass(frozen=True)
class LinkStats:
    candidates: int  # candidate pairs (nearest neighbours sharing a cell, cosine >= min_cosine)
    scored: int  # of those, within the window
    links: int


_PAIRS_PER_BLOCK = 65536  # candidate pairs scored at a time


class _Linked(NamedTuple):
    """Linked pairs of the pool: indices, cosines and scores."""

    i: np.ndarray
    j: np.ndarray
    cosine: np.ndarray
    score: np.ndarray


def _linked_pairs(pool: LinkPool, params: StoryParams) -> tuple[_Linked, LinkStats]:
    """Every candidate pair scored, one night of the window at a time (only the links are kept)."""
    nights = np.array([d.toordinal() for d in pool.nights], dtype=np.int64)
    ranks = np.asarray(pc.rank(pa.array(pool.article_ids, pa.string()), tiebreaker="first"), np.int64)
    night = int(nights[pool.is_new][0]) if pool.is_new.any() else 0
    parts, n_candidates, n_scored = [], 0, 0
    for i, j, cosine in candidate_pairs(
        pool.vectors, nights, ranks, night, params.min_cosine, params.neighbours
    ):
        n_candidates += len(i)
        near = np.abs(nights[i] - nights[j]) <= params.window_nights
        i, j, cosine = i[near], j[near], cosine[near]
        n_scored += len(i)
        # By blocks of pairs: the evidence walks the pairs as Python ints (a night of 90,000 articles
        # has 1.7 million candidates); each pair's score depends on that pair alone.
        for s in range(0, len(i), _PAIRS_PER_BLOCK):
            block = slice(s, s + _PAIRS_PER_BLOCK)
            parts.append(_scored(pool, i[block], j[block], cosine[block], params))
    pairs = _Linked(*(np.concatenate(p) for p in zip(*parts))) if parts else _Linked(*_no_pairs())
    return pairs, LinkStats(candidates=n_candidates, scored=n_scored, links=len(pairs.i))


def _scored(pool: LinkPool, i: np.ndarray, j: np.ndarray, cosine: np.ndarray, params: StoryParams) -> _Linked:
    """The linked pairs among the candidates (i, j)."""
    evidence = pair_evidence(pool.signals, i, j)
    score = pair_scores(cosine, evidence, params)
    keep = linked(score, evidence, params)
    return _Linked(i[keep], j[keep], cosine[keep], score[keep])


def _no_pairs() -> tuple[np.ndarray, ...]:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32)


def find_links(pool: LinkPool, params: StoryParams = PARAMS) -> tuple[pa.Table, LinkStats]:
    """STORY_LINKS rows for every linked pair with at least one article of the night."""
    pairs, stats = _linked_pairs(pool, params)
    i, j, cosine, score = pairs
    # Stored once, the smaller article_id first, so a link found from either night is the same row.
    ids = pool.article_ids
    first = [ids[a] < ids[b] for a, b in zip(i.tolist(), j.tolist())]
    a = np.where(first, i, j)
    b = np.where(first, j, i)
    table = pa.Table.from_arrays(
        [
            pa.array([ids[k] for k in a.tolist()], pa.string()),
            pa.array([ids[k] for k in b.tolist()], pa.string()),
            pa.array(score, pa.float32()),
            pa.array(cosine.astype(np.float32), pa.float32()),
            pa.array([pool.nights[k] for k in a.tolist()], pa.date32()),
            pa.array([pool.nights[k] for k in b.tolist()], pa.date32()),
        ],
        schema=STORY_LINKS,
    ).sort_by([("article_id", "ascending"), ("linked_article_id", "ascending")])
    return table, stats


def first_key(night: _dt.date, published: _dt.datetime | None, article_id: str) -> tuple:
    """The order of first reports, which names a story after its first article (dedup's head order)."""
    return (night, published is None, published or _dt.datetime.min.replace(tzinfo=_dt.UTC), article_id)


@dataclass(frozen=True)
class Parent:
    article_id: str | None  # None: the article starts a story
    score: float | None


def best_parents(keys: dict[str, tuple], links: pa.Table, articles: set[str]) -> dict[str, Parent]:
    """For each article of ``articles``: its best-scoring link to an article with a smaller key
    (ties: the smaller key), over ``links``, whose endpoints must all be in ``keys``."""
    best: dict[str, tuple] = {}
    for a, b, score in zip(
        *(links.column(c).to_pylist() for c in ("article_id", "linked_article_id", "score"))
    ):
        later, earlier = (a, b) if keys[a] > keys[b] else (b, a)
        if later in articles:
            candidate = (-score, keys[earlier], earlier)
            if later not in best or candidate < best[later]:
                best[later] = candidate
    return {a: Parent(best[a][2], -best[a][0]) if a in best else Parent(None, None) for a in sorted(articles)}


def roots(parents: dict[str, str | None]) -> dict[str, str]:
    """The first article of each article's tree: follow the parent to the article that has none.
    Parents always have smaller keys, so the walk ends; a parent outside ``parents`` ends it too."""
    root: dict[str, str] = {}
    for start in parents:
        path = []
        x = start
        while x not in root:
            path.append(x)
            up = parents.get(x)
            if up is None or up not in parents:
                root[x] = x
                break
            x = up
        top = root[x]
        for y in path:
            root[y] = top
    return root
