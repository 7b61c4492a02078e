"""Candidate pairs without comparing every article with every other: a fixed coarse quantizer.

The embedding space is cut into ``K`` cells by a codebook of unit vectors shipped with akhbar
(``akhbar/data/story_cells.npy``, trained once by ``bench/build_story_cells.py`` with spherical
k-means on the ANT v1.1 articles, a corpus the evaluation does not use). Every article is put in the ``probes`` cells nearest to its
vector, and two articles are a candidate pair when they share a cell; only candidates get a cosine.

Why a fixed codebook rather than an HNSW graph (DuckDB's vss) or a k-means trained on the data of
the night: whether two articles are candidates then depends on the two vectors alone, never on what
else is indexed, so the links found do not depend on the order in which nights are processed. The
cost is a fraction of the all-pairs comparison of the night with its window: about ``probes**2 / K``
in theory, 21 % measured at K = 256, probes = 8 (cells are not equally full), for a recall of 0.991
of the pairs with a cosine of 0.5 or more (0.86 with 3 probes, 0.97 with 6; measured over 61 nights
of the evaluation corpus, 21,273 such pairs). Per article the work grows with the window's size
over K: a bigger codebook keeps it flat for bigger nights.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

PROBES = 8
_SLACK = 1e-4  # float32 block products may differ from the exact cosine by ~1e-6
CODEBOOK_FILE = "story_cells.npy"


@lru_cache(maxsize=1)
def codebook() -> np.ndarray:
    """(K, 512) float32 unit vectors."""
    with resources.files("akhbar").joinpath("data", CODEBOOK_FILE).open("rb") as f:
        centroids = np.load(f).astype(np.float32)
    return centroids / np.linalg.norm(centroids, axis=1, keepdims=True)


def assign_cells(
    vectors: np.ndarray, probes: int = PROBES, centroids: np.ndarray | None = None
) -> np.ndarray:
    """(n, probes) int32: the cells nearest to each vector, nearest first (ties by cell number)."""
    centroids = codebook() if centroids is None else centroids
    if len(vectors) == 0:
        return np.zeros((0, probes), dtype=np.int32)
    sims = vectors @ centroids.T
    top = np.argpartition(-sims, probes - 1, axis=1)[:, :probes]
    order = np.lexsort((top, -np.take_along_axis(sims, top, axis=1)), axis=1)
    return np.take_along_axis(top, order, axis=1).astype(np.int32)


def train_codebook(vectors: np.ndarray, k: int, *, iterations: int = 25, seed: int = 16) -> np.ndarray:
    """Spherical k-means (cosine), k-means++ seeding from a fixed seed: (k, d) float32 unit vectors."""
    rng = np.random.default_rng(seed)
    x = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centroids = [x[rng.integers(len(x))]]
    distance = 1.0 - x @ centroids[0]
    for _ in range(1, k):
        p = np.maximum(distance, 0) ** 2
        centroids.append(x[rng.choice(len(x), p=p / p.sum())])
        distance = np.minimum(distance, 1.0 - x @ centroids[-1])
    c = np.stack(centroids)
    for _ in range(iterations):
        nearest = np.argmax(x @ c.T, axis=1)
        for cell in range(k):
            members = x[nearest == cell]
            if len(members):
                mean = members.sum(axis=0)
                c[cell] = mean / max(np.linalg.norm(mean), 1e-12)
    return c.astype(np.float32)


def similar_pairs(
    vectors: np.ndarray,
    is_new: np.ndarray,
    min_cosine: float,
    probes: int = PROBES,
    centroids: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, that share a cell, have at least one ``is_new`` article and a cosine of at
    least ``min_cosine``: (i, j, cosine), each pair once, sorted by (i, j).

    One small matrix product per cell (its new members against all its members) keeps the work at
    about ``probes**2 / K`` of the all-pairs product and never gathers a vector per pair.
    """
    n = len(vectors)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    if n == 0 or not is_new.any():
        return empty
    cells = assign_cells(vectors, probes, centroids)
    owner = np.repeat(np.arange(n, dtype=np.int64), probes)
    cell = cells.reshape(-1).astype(np.int64)
    order = np.lexsort((owner, cell))
    owner, cell = owner[order], cell[order]
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
    ends = np.r_[starts[1:], len(cell)]
    keys = []
    for s, e in zip(starts.tolist(), ends.tolist()):
        members = owner[s:e]
        new = members[is_new[members]]
        if len(new) == 0 or len(members) < 2:
            continue
        sims = vectors[new] @ vectors[members].T
        # Each unordered pair once: a new article with an old one, or two new ones in index order.
        sims[(members[None, :] <= new[:, None]) & is_new[members][None, :]] = -2.0
        r, c = np.nonzero(sims >= min_cosine - _SLACK)
        a, b = new[r], members[c]
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    if not keys:
        return empty
    key = np.unique(np.concatenate(keys))
    i, j = key // n, key % n
    # The block products round differently with the blocks' shapes, i.e. with which other articles
    # are indexed: the kept cosines are recomputed per pair in float64 (exact products of float32
    # values), so a pair's cosine, and its fate at a threshold, never depend on the rest of the data.
    cosine = np.einsum("ij,ij->i", vectors[i].astype(np.float64), vectors[j].astype(np.float64))
    keep = cosine >= min_cosine
    return i[keep], j[keep], cosine[keep].astype(np.float32)
