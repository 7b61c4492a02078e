"""Candidate pairs without comparing every article with every other: a fixed coarse quantizer.

The embedding space is cut into ``K`` cells by a codebook of unit vectors shipped with akhbar
(``akhbar/data/story_cells.npy``, trained once by ``bench/build_story_cells.py`` with spherical
k-means on the ANT v1.1 articles, a corpus the evaluation does not use). Every article is put in the ``probes`` cells nearest to its
vector, and two articles are a candidate pair when they share a cell; only candidates get a cosine.

Why a fixed codebook rather than an HNSW graph (DuckDB's vss) or a k-means trained on the data of
the night: whether two articles are candidates then depends on the two vectors alone, never on what
else is indexed, so the links found do not depend on the order in which nights are processed. The
cost per night is ``probes**2 / K`` of the all-pairs comparison (about 4 % at K = 256, probes = 3),
i.e. linear in the night's size for a bounded night size per cell; a night of n articles against a
window of m costs about ``K * d + probes**2 * n * m / K * d`` multiply-adds.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

PROBES = 3
CODEBOOK_FILE = "story_cells.npy"


@lru_cache(maxsize=1)
def codebook() -> np.ndarray:
    """(K, 512) float32 unit vectors."""
    with resources.files("akhbar").joinpath("data", CODEBOOK_FILE).open("rb") as f:
        centroids = np.load(f).astype(np.float32)
    return centroids / np.linalg.norm(centroids, axis=1, keepdims=True)


def assign_cells(vectors: np.ndarray, probes: int = PROBES, centroids: np.ndarray | None = None) -> np.ndarray:
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


def candidate_pairs(cells: np.ndarray, is_new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, sharing at least one cell, with at least one of the two ``is_new``.

    ``cells``: (n, probes) from :func:`assign_cells`. Returned once each, sorted.
    """
    n, probes = cells.shape
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
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
        if len(new) == 0 or e - s < 2:
            continue
        a = np.repeat(new, len(members))
        b = np.tile(members, len(new))
        keep = a != b
        a, b = a[keep], b[keep]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keys.append(lo * n + hi)
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    unique = np.unique(np.concatenate(keys))
    return unique // n, unique % n
