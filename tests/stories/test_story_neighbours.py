"""Candidate pairs: each article's nearest of each night, in the cells; what they are does not depend
on the order of the articles, on how the products are cut, nor on the nights outside the pair."""

from __future__ import annotations

import numpy as np
import pytest

import akhbar.stories.neighbours as neighbours
from akhbar.stories.cells import assign_cells, train_codebook
from akhbar.stories.neighbours import candidate_pairs

MIN_COSINE = 0.3


def _unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def pool():
    """600 articles on 15 topics over 4 nights; two of them with the same vector (a tie)."""
    rng = np.random.default_rng(1)
    topics = _unit(rng.standard_normal((15, 512)))
    v = _unit(np.repeat(topics, 40, axis=0) + 0.6 * rng.standard_normal((600, 512)) / 22)
    v[5] = v[4]
    nights = rng.integers(0, 4, 600).astype(np.int64)
    ranks = rng.permutation(600).astype(np.int64)
    return v, nights, ranks, train_codebook(v, 16, iterations=5)


def _found(v, nights, ranks, centroids, night, size, ids=None):
    ids = np.arange(len(v)) if ids is None else ids
    out = {}
    for i, j, cos in candidate_pairs(
        v, nights, ranks, night, MIN_COSINE, size, probes=3, centroids=centroids
    ):
        for a, b, c in zip(ids[i].tolist(), ids[j].tolist(), cos.tolist()):
            out[(min(a, b), max(a, b))] = c
    return out


def _by_hand(v, nights, ranks, centroids, night, size):
    """The definition, article by article: the ``size`` nearest of each night sharing a cell (ties:
    the smaller rank), for the night's articles, and of the night, for the other nights' articles."""
    cells = assign_cells(v, 3, centroids)
    share = np.zeros((len(v), len(v)), bool)
    for c in range(len(centroids)):
        inside = (cells == c).any(axis=1)
        share |= np.outer(inside, inside)
    cos = v.astype(np.float64) @ v.T.astype(np.float64)

    def nearest(a, among):
        kept = [b for b in among if b != a and share[a, b] and cos[a, b] >= MIN_COSINE]
        return sorted(kept, key=lambda b: (-cos[a, b], ranks[b]))[:size]

    new = np.flatnonzero(nights == night)
    pairs = set()
    for other in np.unique(nights):
        of_other = np.flatnonzero(nights == other)
        pairs |= {(min(a, b), max(a, b)) for a in new for b in nearest(a, of_other)}
        if other != night:
            pairs |= {(min(a, b), max(a, b)) for b in of_other for a in nearest(b, new)}
    return pairs


def test_the_candidates_are_each_articles_nearest_of_each_night(pool):
    v, nights, ranks, centroids = pool
    found = _found(v, nights, ranks, centroids, 2, 5)
    assert set(found) == _by_hand(v, nights, ranks, centroids, 2, 5)
    i, j = np.array(list(found)).T
    assert np.allclose(list(found.values()), np.einsum("ij,ij->i", v[i], v[j]), atol=1e-6)
    assert min(found.values()) >= MIN_COSINE
    # The bound: every article of the night keeps at most 5 per night (4 nights), and so does every
    # other article of the night's: the pairs are far fewer than all the pairs above the threshold.
    assert len(found) <= 5 * (4 * (nights == 2).sum() + (nights != 2).sum())
    everything = np.triu(v @ v.T >= MIN_COSINE, 1) & ((nights == 2)[:, None] | (nights == 2)[None, :])
    assert len(found) < everything.sum()


@pytest.mark.parametrize("dense", [1 << 20, 0], ids=["one block per pair of nights", "cell by cell"])
def test_enough_neighbours_keep_every_pair_sharing_a_cell(pool, monkeypatch, dense):
    monkeypatch.setattr(neighbours, "_DENSE", dense)
    v, nights, ranks, centroids = pool
    found = _found(v, nights, ranks, centroids, 1, 600)
    assert set(found) == _by_hand(v, nights, ranks, centroids, 1, 600)


def test_the_same_pairs_whatever_the_order_of_the_articles_and_the_blocks(pool, monkeypatch):
    v, nights, ranks, centroids = pool
    found = _found(v, nights, ranks, centroids, 2, 5)
    order = np.random.default_rng(9).permutation(len(v))
    assert _found(v[order], nights[order], ranks[order], centroids, 2, 5, ids=order) == found
    # Two nights of 150 articles are one product; cut cell by cell, and in small blocks, the same.
    monkeypatch.setattr(neighbours, "_DENSE", 0)
    assert _found(v, nights, ranks, centroids, 2, 5) == found
    monkeypatch.setattr(neighbours, "_ROWS", 7)
    monkeypatch.setattr(neighbours, "_COLS", 13)
    monkeypatch.setattr(neighbours, "_LIST_BUDGET", 50)
    assert _found(v, nights, ranks, centroids, 2, 5) == found


def test_the_pairs_of_two_nights_do_not_depend_on_the_other_nights(pool):
    v, nights, ranks, centroids = pool
    found = _found(v, nights, ranks, centroids, 2, 5)
    two = np.flatnonzero((nights == 2) | (nights == 3))
    alone = _found(v[two], nights[two], ranks[two], centroids, 2, 5, ids=two)
    assert alone == {p: c for p, c in found.items() if {nights[p[0]], nights[p[1]]} <= {2, 3}}


def test_full_lists_are_not_sorted_again_at_every_block(monkeypatch):
    """Once the kept lists alone exceed the budget (a big night), a cut waits until as many new rows
    have come: the number of cuts grows with the logarithm of the rows, not with the blocks."""
    monkeypatch.setattr(neighbours, "_LIST_BUDGET", 50)
    rng = np.random.default_rng(3)
    owners_n, size, blocks = 40, 5, 400
    lists = neighbours.NeighbourLists(size, ranks=np.arange(1000, dtype=np.int64))
    everything = []
    for _ in range(blocks):
        owners = rng.integers(0, owners_n, 20)
        others = rng.integers(owners_n, 1000, 20)
        cosines = rng.random(20)
        lists.add(owners, others, cosines)
        everything.append((owners, others, cosines))
    # 8,000 rows in blocks of 20 against kept lists of about 200 rows: without the rule, a cut every
    # few blocks (more than 100); with it, a cut only when the new rows outnumber the kept ones.
    assert lists.cuts < 60
    a, b, c = lists.pairs(1000)
    # The same lists as one cut over everything: each owner's 5 best (cosine desc, then rank).
    owners, others, cosines = (np.concatenate(x) for x in zip(*everything))
    want = set()
    for o in range(owners_n):
        mine = sorted({(-cosines[i], others[i]) for i in np.flatnonzero(owners == o)})
        want |= {(o, int(other)) for _, other in mine[:size]}
    assert set(zip(a.tolist(), b.tolist())) == want
