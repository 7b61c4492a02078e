"""Candidate pairs, a bounded number per article: the nearest neighbours within the fixed cells.

Two articles are compared only when they share a cell of the codebook (:mod:`akhbar.stories.cells`).
Within the cells, pairs above ``min_cosine`` are not all kept: on a big night they are quadratic in
the night (2.8 % of random pairs of news reach 0.32, and a cell of a 100,000-article night held
16,000 articles: 11 GB of pairs before the step was stopped). An article keeps, for each night of
the window, its ``neighbours`` nearest articles of that night (cosine, ties: the smaller article id)
among those sharing a cell with it; a pair is a candidate when either of its articles keeps the
other. So a night of n articles yields at most about ``n * neighbours * (2 * window + 1) * 2`` pairs,
and the memory of the search is a few blocks of products plus those lists.

Why per night, and never the nearest over the whole window: when night D is processed the nights
after it may be missing (they come later, or were processed before and are there). The lists of an
article for night D' depend on the article and on the articles of D' only, which are the same in
whatever order the nights are processed, and the pair of two nights is decided when the later of
the two is processed, with both present: the same candidates, hence the same links and stories, in
any order. (One exception, bounded by ``neighbours``: an article that a later night's dedup removes
leaves a place in the lists of the pairs already decided, which no one takes until one of their
nights is processed again.)

The products are made in float32 blocks of at most ``_ROWS`` x ``_COLS`` articles, twice: a first
pass finds each article's k-th best value, a second selects what lies within ``_SLACK`` of it. A
block's values round differently with its shape, so they only pre-select: the lists are ranked on
cosines recomputed per pair in float64 (exact products of float32 values), so which neighbours an
article keeps never depends on how the products were cut. A pair sharing several cells is compared
in the lowest of them only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from akhbar.stories.cells import PROBES, assign_cells, codebook

NEIGHBOURS = 24
_SLACK = 1e-4  # float32 block products may differ from the exact cosine by ~1e-6
_ROWS = 256  # articles of the night per block
_COLS = 4096  # articles of the other night per block: blocks of 4 MB (8 MB of cell tests)
_DENSE = 1 << 20  # two nights whose articles make at most this many pairs are one block (4 MB)
_PAIRS_PER_GATHER = 4096  # exact cosines computed this many pairs at a time (vectors of 16 MB)
_LIST_BUDGET = 1 << 21  # kept-neighbour rows gathered before the lists are cut to size again

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def exact_cosines(vectors: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """float64 dot products of the rows ``a`` and ``b`` of ``vectors``, pair by pair."""
    out = np.empty(len(a), dtype=np.float64)
    for s in range(0, len(a), _PAIRS_PER_GATHER):
        x = vectors[a[s : s + _PAIRS_PER_GATHER]].astype(np.float64)
        y = vectors[b[s : s + _PAIRS_PER_GATHER]].astype(np.float64)
        out[s : s + _PAIRS_PER_GATHER] = np.einsum("ij,ij->i", x, y)
    return out


class NeighbourLists:
    """Each owner's kept neighbours: at most ``size`` per owner, the highest cosines first (ties: the
    smaller rank), each neighbour once. Fed by blocks, cut to size whenever enough rows are waiting."""

    def __init__(self, size: int, ranks: np.ndarray):
        self.size = size
        self.ranks = ranks
        self.parts: list[Pairs] = []
        self.waiting = 0  # rows added since the last cut
        self.kept = 0  # rows the last cut kept
        self.cuts = 0

    def add(self, owners: np.ndarray, others: np.ndarray, cosines: np.ndarray) -> None:
        self.parts.append((owners, others, cosines))
        self.waiting += len(owners)
        # Cut when the new rows outnumber both the budget and what is already kept: on a big night the
        # full lists alone exceed the budget, and cutting at every block would sort them every time.
        if self.waiting > max(_LIST_BUDGET, self.kept):
            self._cut()

    def _cut(self) -> None:
        owners, others, cosines = (np.concatenate(p) for p in zip(*self.parts)) if self.parts else _empty()
        self.waiting = 0
        if not len(owners):
            self.parts, self.kept = [_empty()], 0
            return
        order = np.lexsort((self.ranks[others], -cosines, owners))
        owners, others, cosines = owners[order], others[order], cosines[order]
        # The same pair found in two cells has the same exact cosine and rank: they are side by side.
        first = np.r_[True, (owners[1:] != owners[:-1]) | (others[1:] != others[:-1])]
        owners, others, cosines = owners[first], others[first], cosines[first]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        place = np.arange(len(owners)) - np.repeat(starts, np.diff(np.r_[starts, len(owners)]))
        keep = place < self.size
        self.parts = [(owners[keep], others[keep], cosines[keep])]
        self.kept = int(keep.sum())
        self.cuts += 1

    def pairs(self, n: int) -> Pairs:
        """Every kept (owner, neighbour) as a pair (i, j), i < j, each once, sorted, with its cosine."""
        self._cut()
        owners, others, cosines = self.parts[0]
        key = np.minimum(owners, others) * n + np.maximum(owners, others)
        key, first = np.unique(key, return_index=True)
        return key // n, key % n, cosines[first].astype(np.float32)


def _empty() -> Pairs:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)


def _cell_groups(
    cells: np.ndarray, nights: np.ndarray, ranks: np.ndarray
) -> dict[tuple[int, int], np.ndarray]:
    """(cell, night) -> the articles of that night in that cell, in the order of their ranks."""
    owner = np.repeat(np.arange(len(cells), dtype=np.int64), cells.shape[1])
    cell = cells.reshape(-1).astype(np.int64)
    order = np.lexsort((ranks[owner], nights[owner], cell))
    owner, cell = owner[order], cell[order]
    night = nights[owner]
    starts = np.flatnonzero(np.r_[True, (cell[1:] != cell[:-1]) | (night[1:] != night[:-1])])
    ends = np.r_[starts[1:], len(owner)]
    return {(int(cell[s]), int(night[s])): owner[s:e] for s, e in zip(starts.tolist(), ends.tolist())}


class _Search(NamedTuple):
    """What the blocks of one pair of nights are cut from."""

    vectors: np.ndarray
    groups: dict  # (cell, night) -> articles (see _cell_groups)
    bits: np.ndarray  # (n, words) uint64: each article's cells as a bit set
    night: int
    other: int
    floor: float  # min_cosine
    nights: np.ndarray  # each article's night


def _cell_bits(cells: np.ndarray, n_cells: int) -> np.ndarray:
    bits = np.zeros((len(cells), (n_cells + 63) // 64), dtype=np.uint64)
    rows = np.repeat(np.arange(len(cells)), cells.shape[1])
    flat = cells.reshape(-1).astype(np.uint64)
    np.bitwise_or.at(
        bits, (rows, (flat // np.uint64(64)).astype(np.int64)), np.uint64(1) << (flat % np.uint64(64))
    )
    return bits


def _below(cell: int, words: int) -> np.ndarray:
    """The bit set of the cells numbered below ``cell``."""
    mask = np.zeros(words, dtype=np.uint64)
    mask[: cell // 64] = np.iinfo(np.uint64).max
    if cell % 64:
        mask[cell // 64] = (np.uint64(1) << np.uint64(cell % 64)) - np.uint64(1)
    return mask


def _blocks(search: _Search) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(rows, cols, cosines) of every block of the night's articles against ``other``'s, cell by cell;
    -inf where a pair is below ``floor`` (within the slack), pairs an article with itself, or shares a
    lower cell (it is compared there: each pair once). Two small nights are one block."""
    of_night = np.flatnonzero(search.nights == search.night)
    of_other = np.flatnonzero(search.nights == search.other)
    if len(of_night) * len(of_other) <= _DENSE:
        yield _dense_block(search, of_night, of_other)
        return
    vectors, bits = search.vectors, search.bits
    for (cell, group_night), rows in search.groups.items():
        cols = search.groups.get((cell, search.other)) if group_night == search.night else None
        if cols is None:
            continue
        below = _below(cell, bits.shape[1])
        for c0 in range(0, len(cols), _COLS):
            col = cols[c0 : c0 + _COLS]
            col_vectors, col_below = vectors[col], bits[col] & below
            for r0 in range(0, len(rows), _ROWS):
                row = rows[r0 : r0 + _ROWS]
                sims = vectors[row] @ col_vectors.T
                for word in range(bits.shape[1]):
                    sims[(bits[row, word][:, None] & col_below[None, :, word]) != 0] = -np.inf
                if search.other == search.night:
                    sims[row[:, None] == col[None, :]] = -np.inf
                sims[sims < search.floor - _SLACK] = -np.inf
                yield row, col, sims


def _dense_block(
    search: _Search, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every article of the night against every article of ``other`` in one product: the pairs that
    share a cell, each once, as the cell blocks give them (the blocks of a few articles each that a
    night of a few hundred articles makes cost more in Python than in products). The float32 values
    may differ from the cell blocks' in the last bits: both passes and the exact cosines of the
    chosen pairs make the result independent of how the products are cut (module docstring)."""
    bits = search.bits
    sims = search.vectors[rows] @ search.vectors[cols].T
    shared = np.zeros(sims.shape, dtype=bool)
    for word in range(bits.shape[1]):
        shared |= (bits[rows, word][:, None] & bits[cols, word][None, :]) != 0
    sims[~shared] = -np.inf
    if search.other == search.night:
        sims[rows[:, None] == cols[None, :]] = -np.inf
    sims[sims < search.floor - _SLACK] = -np.inf
    return rows, cols, sims


def _keep_best(best: np.ndarray, owners: np.ndarray, sims: np.ndarray) -> None:
    """Merge each owner's (a row of ``sims``) highest values into its row of ``best``."""
    size = best.shape[1]
    k = min(size, sims.shape[1])
    top = -np.partition(-sims, k - 1, axis=1)[:, :k]
    merged = np.concatenate([best[owners], top], axis=1)
    best[owners] = -np.partition(-merged, size - 1, axis=1)[:, :size]


def _bars(search: _Search, size: int) -> np.ndarray:
    """First pass: each article's ``size``-th best float32 cosine (or ``floor``), less the slack; its
    exact ``size`` nearest are all above it, however the products were cut."""
    best = np.full((len(search.vectors), size), -np.inf, dtype=np.float32)
    for row, col, sims in _blocks(search):
        _keep_best(best, row, sims)
        if search.other != search.night:
            _keep_best(best, col, sims.T)
    return np.maximum(best.min(axis=1), np.float32(search.floor)) - np.float32(_SLACK)


def _lists_for(search: _Search, lists: NeighbourLists) -> None:
    """Second pass: the pairs above either article's bar, with their exact cosines, into ``lists``."""
    bars = _bars(search, lists.size)
    for row, col, sims in _blocks(search):
        chosen = sims >= bars[row][:, None]
        if search.other != search.night:
            chosen |= sims >= bars[col][None, :]
        r, c = np.nonzero(chosen)
        a, b = row[r], col[c]
        cosines = exact_cosines(search.vectors, a, b)
        keep = cosines >= search.floor
        a, b, cosines = a[keep], b[keep], cosines[keep]
        lists.add(a, b, cosines)
        if search.other != search.night:  # the other night's articles keep their nearest of the night
            lists.add(b, a, cosines)


def candidate_pairs(
    vectors: np.ndarray,
    nights: np.ndarray,
    ranks: np.ndarray,
    night: int,
    min_cosine: float,
    neighbours: int = NEIGHBOURS,
    probes: int = PROBES,
    centroids: np.ndarray | None = None,
) -> Iterator[Pairs]:
    """The candidate pairs of the articles of ``night`` (``nights`` holds each article's night as an
    integer, ``ranks`` its place in the order of article ids), one night of the pool at a time: for
    each night, the pairs (i, j), i < j, of an article of ``night`` and one of that night, sharing a
    cell, with an exact cosine of at least ``min_cosine``, where either keeps the other among its
    ``neighbours`` nearest of the other's night; (i, j, cosine) sorted by (i, j)."""
    if len(vectors) == 0 or not (nights == night).any():
        return
    centroids = codebook() if centroids is None else centroids
    cells = assign_cells(vectors, probes, centroids)
    groups = _cell_groups(cells, nights, ranks)
    bits = _cell_bits(cells, len(centroids))
    for other in sorted({int(x) for x in np.unique(nights)}):
        lists = NeighbourLists(neighbours, ranks)
        _lists_for(_Search(vectors, groups, bits, night, other, min_cosine, nights), lists)
        yield lists.pairs(len(vectors))
