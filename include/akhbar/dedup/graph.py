"""The graph of duplicates: nodes ranked by (night, publication time, id), edges by shared keys and
LSH buckets, clusters as connected components headed by their smallest node."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from akhbar.schema import TS


def components(n: int, rank: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components: for every node, the node of smallest rank in its component."""
    node_of_rank = np.empty(n, dtype=np.int64)
    node_of_rank[rank] = np.arange(n)
    label = rank.astype(np.int64).copy()
    if len(u):
        while True:
            before = label.copy()
            m = np.minimum(label[u], label[v])
            np.minimum.at(label, u, m)
            np.minimum.at(label, v, m)
            while True:  # pointer jumping: follow the label's own label
                jumped = label[node_of_rank[label]]
                if np.array_equal(jumped, label):
                    break
                label = jumped
            if np.array_equal(before, label):
                break
    return node_of_rank[label]


def group_edges(keys: np.ndarray, valid: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges from every node to the smallest-rank node sharing its key."""
    idx = np.nonzero(valid)[0]
    if len(idx) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = idx[np.lexsort((rank[idx], keys[idx]))]
    k = keys[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = k[1:] != k[:-1]
    first = order[np.nonzero(new_group)[0]][np.cumsum(new_group) - 1]
    keep = first != order
    return order[keep], first[keep]


def as_codes(values: list | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for strings (None -> invalid)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    enc = pc.dictionary_encode(arr)
    codes = np.asarray(enc.indices.fill_null(-1), dtype=np.int64)
    return codes, codes >= 0


# --------------------------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------------------------


def order_rank(dt_days: np.ndarray, published_us: np.ndarray, ids: list[str] | pa.Array) -> np.ndarray:
    t = pa.table(
        {
            "d": dt_days,
            "p": published_us,
            "a": ids if isinstance(ids, pa.Array) else pa.array(ids, pa.string()),
        }
    )
    order = np.asarray(
        pc.sort_indices(t, sort_keys=[("d", "ascending"), ("p", "ascending"), ("a", "ascending")])
    )
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def published_us(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    arr = pc.cast(col, TS).cast(pa.int64())
    return np.asarray(arr.fill_null(np.iinfo(np.int64).max), dtype=np.int64)


def _bucket_pairs(keys_t, nodes_t, keys_i, nodes_i, rank, window):
    """Pairs of nodes sharing a key of one band, at least one from tonight, as (u, v) arrays."""
    # A hash set (Arrow) rather than np.isin's sorts: the index holds nights x articles keys.
    in_tonight = (
        np.asarray(pc.is_in(pa.array(keys_i), value_set=pa.array(keys_t)), dtype=bool)
        if len(keys_i) and len(keys_t)
        else np.zeros(len(keys_i), bool)
    )
    keys = np.concatenate([keys_t, keys_i[in_tonight]])
    nodes = np.concatenate([nodes_t, nodes_i[in_tonight]])
    tonight = np.concatenate([np.ones(len(keys_t), bool), np.zeros(int(in_tonight.sum()), bool)])
    order = np.lexsort((rank[nodes], keys))
    keys, nodes, tonight = keys[order], nodes[order], tonight[order]
    us, vs = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for d in range(1, window + 1):
        if d >= len(keys):
            break
        same = keys[d:] == keys[:-d]
        if not same.any():
            break
        same &= tonight[d:] | tonight[:-d]
        us.append(nodes[:-d][same])
        vs.append(nodes[d:][same])
    return np.concatenate(us), np.concatenate(vs)


def candidate_pairs(
    bands_t: np.ndarray,
    nodes_t: np.ndarray,
    bands_i: np.ndarray,
    nodes_i: np.ndarray,
    rank: np.ndarray,
    window: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of nodes sharing a band key, at least one from tonight; unique, as (u, v) with u < v.

    In a band bucket every node is paired with the ``window`` following ones in rank order. Bands are
    taken one at a time: memory holds one band of keys, not all of them.
    """
    us, vs = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for band in range(bands_t.shape[1] if bands_t.ndim == 2 else 0):
        u, v = _bucket_pairs(
            np.ascontiguousarray(bands_t[:, band]),
            nodes_t,
            np.ascontiguousarray(bands_i[:, band]),
            nodes_i,
            rank,
            window,
        )
        us.append(u)
        vs.append(v)
    u, v = np.concatenate(us), np.concatenate(vs)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    if not keep.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    n = int(rank.max()) + 1
    code = np.unique(lo[keep] * n + hi[keep])
    return code // n, code % n
