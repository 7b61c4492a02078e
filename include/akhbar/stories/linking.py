"""Links between the night's articles and the articles of the window, then stories as components.

Step 1, :func:`find_links`: the pairs sharing a fixed cell (:mod:`akhbar.stories.cells`), each with at
least one article of the night, whose cosine reaches ``min_cosine``; the evidence and the score of those (:mod:`akhbar.stories.signals`, :mod:`akhbar.stories.scoring`); the linked
pairs as STORY_LINKS rows.

Step 2, :func:`stories_of`: the stories are the connected components of all links among the members
the stage sees (the night's new links plus the stored links between other nights); a story's id is
the ``article_id`` of its first article, the smallest ``(dt, published_at or +inf, article_id)``,
the same rule as dedup's cluster heads. Components of a symmetric relation and a minimum as id: the
result does not depend on the order in which the links were found.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from akhbar.schema import STORY_LINKS
from akhbar.stories.cells import similar_pairs
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
    candidates: int  # pairs sharing a cell with a cosine >= min_cosine
    scored: int  # of those, within the window
    links: int


def find_links(pool: LinkPool, params: StoryParams = PARAMS) -> tuple[pa.Table, LinkStats]:
    """STORY_LINKS rows for every linked pair with at least one article of the night."""
    i, j, cosine = similar_pairs(pool.vectors, pool.is_new, params.min_cosine)
    n_candidates = len(i)
    nights = np.array([d.toordinal() for d in pool.nights], dtype=np.int64)
    near = np.abs(nights[i] - nights[j]) <= params.window_nights
    i, j, cosine = i[near], j[near], cosine[near]
    evidence = pair_evidence(pool.signals, i, j)
    score = pair_scores(cosine, evidence, params)
    keep = linked(score, evidence, params)
    n_scored = len(i)
    i, j, cosine, score = i[keep], j[keep], cosine[keep], score[keep]
    # Stored once, the smaller article_id first, so a link found from either night is the same row.
    ids = pool.article_ids
    first = [ids[a] < ids[b] for a, b in zip(i.tolist(), j.tolist())]
    a = np.where(first, i, j)
    b = np.where(first, j, i)
    table = pa.Table.from_arrays([
        pa.array([ids[k] for k in a.tolist()], pa.string()),
        pa.array([ids[k] for k in b.tolist()], pa.string()),
        pa.array(score, pa.float32()), pa.array(cosine.astype(np.float32), pa.float32()),
        pa.array([pool.nights[k] for k in a.tolist()], pa.date32()),
        pa.array([pool.nights[k] for k in b.tolist()], pa.date32()),
    ], schema=STORY_LINKS).sort_by([("article_id", "ascending"), ("linked_article_id", "ascending")])
    return table, LinkStats(candidates=n_candidates, scored=n_scored, links=table.num_rows)


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def first_key(night: _dt.date, published: _dt.datetime | None, article_id: str) -> tuple:
    """The order that names a story after its first article (dedup's head order)."""
    return (night, published is None, published or _dt.datetime.min.replace(tzinfo=_dt.UTC), article_id)


def stories_of(article_ids: list[str], keys: list[tuple], links: pa.Table) -> list[str]:
    """The story id of each article: the id of the first article (smallest key) of its component."""
    index = {article_id: k for k, article_id in enumerate(article_ids)}
    parent = list(range(len(article_ids)))
    for a, b in zip(links.column("article_id").to_pylist(), links.column("linked_article_id").to_pylist()):
        ra, rb = _find(parent, index[a]), _find(parent, index[b])
        if ra != rb:
            if keys[rb] < keys[ra]:
                ra, rb = rb, ra
            parent[rb] = ra  # the root is always the smallest key of its component
    return [article_ids[_find(parent, k)] for k in range(len(article_ids))]
