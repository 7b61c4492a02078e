"""Candidate pairs from the fixed cells: what they find does not depend on the other articles."""

from __future__ import annotations

import numpy as np

from akhbar.stories.cells import assign_cells, codebook, similar_pairs, train_codebook


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _clustered(rng, n_topics=20, per_topic=15, spread=0.6):
    topics = _unit(rng.standard_normal((n_topics, 512)))
    return _unit(
        np.repeat(topics, per_topic, axis=0) + spread * rng.standard_normal((n_topics * per_topic, 512)) / 22
    )


def test_the_shipped_codebook():
    c = codebook()
    assert c.shape == (256, 512) and np.allclose(np.linalg.norm(c, axis=1), 1.0, atol=1e-3)


def test_similar_pairs_are_exact_cosines_each_once_and_a_subset_of_all_pairs():
    rng = np.random.default_rng(7)
    v = _clustered(rng)
    centroids = train_codebook(v, 16, iterations=5)
    is_new = np.zeros(len(v), bool)
    is_new[::3] = True
    i, j, cos = similar_pairs(v, is_new, 0.3, probes=3, centroids=centroids)
    assert len(i) > 0 and (i < j).all() and len(set(zip(i.tolist(), j.tolist()))) == len(i)
    assert (is_new[i] | is_new[j]).all()
    assert np.allclose(cos, np.einsum("ij,ij->i", v[i], v[j]), atol=1e-6) and (cos >= 0.3).all()
    full = v @ v.T
    a, b = np.nonzero(np.triu(full >= 0.3, 1))
    wanted = {(x, y) for x, y in zip(a.tolist(), b.tolist()) if is_new[x] or is_new[y]}
    found = set(zip(i.tolist(), j.tolist()))
    assert found <= wanted and len(found) >= 0.9 * len(wanted)  # an approximate search, nearly complete here


def test_a_pair_is_found_with_the_same_cosine_whatever_else_is_indexed():
    rng = np.random.default_rng(3)
    v = _clustered(rng)
    centroids = train_codebook(v, 16, iterations=5)
    everyone = np.ones(len(v), bool)
    i, j, cos = similar_pairs(v, everyone, 0.3, probes=3, centroids=centroids)
    whole = dict(zip(zip(i.tolist(), j.tolist()), cos.tolist()))
    half = np.arange(0, len(v), 2)  # the same articles, half of the others gone
    i2, j2, cos2 = similar_pairs(v[half], np.ones(len(half), bool), 0.3, probes=3, centroids=centroids)
    for a, b, c in zip(half[i2].tolist(), half[j2].tolist(), cos2.tolist()):
        assert whole[(a, b)] == c
    expected = {(a, b) for (a, b) in whole if a % 2 == 0 and b % 2 == 0}
    assert set(zip(half[i2].tolist(), half[j2].tolist())) == expected


def test_assign_cells_orders_nearest_first():
    rng = np.random.default_rng(5)
    v = _unit(rng.standard_normal((10, 512)))
    cells = assign_cells(v, 4)
    sims = v @ codebook().T
    for row, c in zip(sims, cells):
        assert list(c) == list(np.argsort(-row, kind="stable")[:4])
