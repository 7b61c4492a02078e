"""Which articles are compared at all: a fixed coarse quantizer.

The embedding space is cut into ``K`` cells by a codebook of unit vectors shipped with akhbar
(``akhbar/data/story_cells.npy``, trained once by ``bench/build_story_cells.py`` with spherical
k-means on the ANT v1.1 articles, a corpus the evaluation does not use). Every article is put in the ``probes`` cells nearest to its
vector, and two articles are compared only when they share a cell (:mod:`akhbar.stories.neighbours`
keeps, of those, each article's nearest).

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
_ASSIGN_ROWS = 8192
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
    out = np.zeros((len(vectors), probes), dtype=np.int32)
    for start in range(0, len(vectors), _ASSIGN_ROWS):  # products of 8 MB, whatever the night's size
        sims = vectors[start : start + _ASSIGN_ROWS] @ centroids.T
        top = np.argpartition(-sims, probes - 1, axis=1)[:, :probes]
        order = np.lexsort((top, -np.take_along_axis(sims, top, axis=1)), axis=1)
        out[start : start + _ASSIGN_ROWS] = np.take_along_axis(top, order, axis=1)
    return out


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
