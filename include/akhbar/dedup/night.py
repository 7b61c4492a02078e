"""A night clustered against itself and every night in the index, from its entries alone (no texts).

Nodes are the other nights' index rows (0..N-1) followed by tonight's entries (N..N+n-1), read
through one :class:`~akhbar.dedup.index.Parts`: the clustering holds their keys and band keys, and
reads signatures, titles and URLs for the few rows that need them.
"""

from __future__ import annotations

import datetime
import pathlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.dedup import graph
from akhbar.dedup.index import (
    DUPLICATE_COLUMNS,
    LIGHT_COLUMNS,
    ROW_GROUP_ROWS,
    Parts,
    check_file_format,
    index_schema,
    night_files,
    night_path,
    parquet_writer,
)
from akhbar.dedup.minhash import estimate_similarity
from akhbar.dedup.params import KINDS, DedupParams
from akhbar.schema import DUPLICATES
from akhbar.stats import StageCounts

# What the clustering decides for each of tonight's articles, in tonight's order.
DECISIONS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("duplicate_of", pa.string()),
        pa.field("duplicate_kind", pa.string()),
        pa.field("similarity", pa.float32()),
    ]
)


@dataclass
class NightClusters:
    decisions: pa.Table  # DECISIONS, one row per article of tonight
    duplicates: pa.Table  # DUPLICATES rows of tonight's duplicates
    demoted: pa.Table  # DUPLICATES rows of other nights' articles whose head changed
    counts: StageCounts = field(default_factory=lambda: StageCounts(stage="dedup"))


@dataclass
class _Nodes:
    """Every node's keys, and where to read the rest."""

    parts: Parts  # index files, then tonight's entries
    schema: pa.Schema
    n_index: int
    ids: pa.Array  # article_id of every node
    rank: np.ndarray
    content: np.ndarray
    url: np.ndarray
    url_ok: np.ndarray
    near_ok: np.ndarray

    @property
    def total(self) -> int:
        return len(self.rank)

    def signatures(self, nodes: np.ndarray, params: DedupParams) -> np.ndarray:
        return self.parts.signatures(nodes, params, self.schema)


@dataclass
class _Edges:
    u: list = field(default_factory=list)
    v: list = field(default_factory=list)

    def add(self, u: np.ndarray, v: np.ndarray) -> None:
        self.u.append(np.asarray(u, np.int64))
        self.v.append(np.asarray(v, np.int64))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.u:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(self.u), np.concatenate(self.v)


def _index_parts(index_dir: pathlib.Path, dt: datetime.date, params: DedupParams) -> list[pathlib.Path]:
    files = [p for d, p in night_files(index_dir).items() if d != dt]
    for p in files:
        check_file_format(p, params)
    return files


def _check_ids(index_ids: pa.Array, tonight_ids: pa.Array, dt: datetime.date) -> None:
    if len(pc.unique(tonight_ids)) != len(tonight_ids):
        raise ValueError("deduplicate: article_id values must be unique within the night")
    if len(index_ids) and len(tonight_ids) and pc.any(pc.is_in(tonight_ids, value_set=index_ids)).as_py():
        clash = sorted(set(index_ids.to_pylist()).intersection(tonight_ids.to_pylist()))
        raise ValueError(
            f"deduplicate: {len(clash)} article_id(s) of night {dt} are already indexed under another night "
            f"(e.g. {clash[0]!r}); article ids must be unique across nights"
        )


def _nodes(index: Parts, tonight: Parts, params: DedupParams) -> tuple[_Nodes, pa.Table, pa.Table]:
    """The node arrays; also the index's light rows (with heads and links) and tonight's."""
    schema = index_schema(params)
    idx = index.read(LIGHT_COLUMNS + ["cluster_id", "links"], schema)
    light = tonight.read(LIGHT_COLUMNS, schema)
    both = pa.concat_tables([idx.select(LIGHT_COLUMNS), light]).combine_chunks()
    ids = both.column("article_id").combine_chunks()
    dt_days = np.asarray(both.column("dt").cast(pa.int32()), dtype=np.int64)
    rank = graph.order_rank(dt_days, graph.published_us(both.column("published_at")), ids)
    content, _ok = graph.as_codes(both.column("content_hash").combine_chunks())
    url, url_ok = graph.as_codes(both.column("url_key").combine_chunks())
    if url_ok.any():  # a URL key carried by many different texts does not identify an article
        pairs = np.unique(np.stack([url[url_ok], content[url_ok]]), axis=1)
        texts_per_url = np.bincount(pairs[0], minlength=int(url.max()) + 1)
        url_ok &= texts_per_url[np.maximum(url, 0)] <= params.max_texts_per_url
    near_ok = np.asarray(both.column("near_ok"), dtype=bool) if both.num_rows else np.zeros(0, bool)
    parts = Parts([*index.parts, *tonight.parts])
    return _Nodes(parts, schema, idx.num_rows, ids, rank, content, url, url_ok, near_ok), idx, light


def _stored_links(idx: pa.Table, nodes: _Nodes, stale: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Near links the other nights' files hold, minus those touching tonight (found again): the edges,
    and for every stored link whether it was dropped."""
    links = idx.column("links").combine_chunks() if idx.num_rows else pa.array([], pa.list_(pa.string()))
    parent = np.asarray(pc.list_parent_indices(links), dtype=np.int64)
    values = pc.list_flatten(links)
    target = np.asarray(pc.index_in(values, value_set=nodes.ids).fill_null(-1), dtype=np.int64)
    dropped = np.asarray(pc.is_in(values, value_set=stale), dtype=bool)
    keep = (target >= 0) & ~dropped
    return parent[keep], target[keep], parent[dropped]


def _near_edges(
    idx: pa.Table, light: pa.Table, nodes: _Nodes, params: DedupParams
) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidate pairs from shared band keys, kept when their estimated similarity reaches the threshold
    (and how many candidates there were)."""
    n_index, n = nodes.n_index, light.num_rows
    # Tonight's texts take part once per distinct content (copies are joined by exact edges).
    content_t = nodes.content[n_index:]
    first = np.zeros(n, bool)
    if n:
        first[np.unique(content_t, return_index=True)[1]] = True
    use_t = np.flatnonzero(nodes.near_ok[n_index:] & first)
    bands_t = _bands(light, params)[use_t]
    use_i = np.flatnonzero(nodes.near_ok[:n_index])
    bands_i = _bands(idx, params)[use_i]
    cu, cv = graph.candidate_pairs(bands_t, use_t + n_index, bands_i, use_i, nodes.rank, params.bucket_window)
    same_text = nodes.content[cu] == nodes.content[cv]
    cu, cv = cu[~same_text], cv[~same_text]
    sim = (
        estimate_similarity(nodes.signatures(cu, params), nodes.signatures(cv, params))
        if len(cu)
        else np.zeros(0)
    )
    near = sim >= params.threshold
    return cu[near], cv[near], len(cu)


def _bands(table: pa.Table, params: DedupParams) -> np.ndarray:
    if not table.num_rows:
        return np.zeros((0, params.bands), np.int64)
    values = table.column("band_keys").combine_chunks().values
    return np.asarray(values, dtype=np.int64).reshape(table.num_rows, params.bands)


def _kinds(nodes: _Nodes, members: np.ndarray, heads: np.ndarray, params: DedupParams):
    """Kind and similarity of each duplicate relative to its head."""
    members, heads = np.asarray(members, np.int64), np.asarray(heads, np.int64)
    if not len(members):
        return [], []
    same_text = nodes.content[members] == nodes.content[heads]
    same_url = nodes.url_ok[members] & nodes.url_ok[heads] & (nodes.url[members] == nodes.url[heads])
    both_ok = nodes.near_ok[members] & nodes.near_ok[heads]
    # Signatures only where the estimate is reported: identical texts say 1.0 and short texts nothing.
    need = np.flatnonzero(~same_text & both_ok)
    est = np.zeros(len(members))
    if len(need):
        est[need] = estimate_similarity(
            nodes.signatures(members[need], params), nodes.signatures(heads[need], params)
        )
    kinds: list[str] = []
    sims: list[float | None] = []
    for i in range(len(members)):
        if same_text[i]:
            kinds.append("exact_text")
            sims.append(1.0)
        else:
            kinds.append("exact_url" if same_url[i] else "near")
            sims.append(float(est[i]) if both_ok[i] else None)
    return kinds, sims


def _duplicate_rows(nodes: _Nodes, members: np.ndarray, heads: np.ndarray, params: DedupParams) -> pa.Table:
    kinds, sims = _kinds(nodes, members, heads, params)
    extra = nodes.parts.take(members, DUPLICATE_COLUMNS + ["dt"], nodes.schema)
    head_ids = nodes.ids.take(pa.array(heads, pa.int64()))
    return pa.table(
        {
            "article_id": nodes.ids.take(pa.array(members, pa.int64())),
            "duplicate_of": head_ids,
            "cluster_id": head_ids,
            "kind": pa.array(kinds, pa.string()),
            "similarity": pa.array(sims, pa.float32()),
            "source_id": extra.column("source_id"),
            "url": extra.column("url"),
            "title": extra.column("title"),
            "dt": extra.column("dt"),
            # Filled at publish from the article's own row (the index does not keep record ids).
            "record_id": pa.nulls(len(members), pa.string()),
        }
    ).cast(DUPLICATES)


def _decisions(nodes: _Nodes, head: np.ndarray, params: DedupParams) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """Tonight's clusters: a DECISIONS row per article, DUPLICATES rows for the duplicates."""
    n_index, total = nodes.n_index, nodes.total
    head_t = head[n_index:]
    is_dup = head_t != np.arange(n_index, total)
    members = np.flatnonzero(is_dup) + n_index
    duplicates = _duplicate_rows(nodes, members, head_t[is_dup], params)
    n = total - n_index
    head_ids = nodes.ids.take(pa.array(head_t, pa.int64()))
    dup_of = pc.if_else(pa.array(is_dup), head_ids, pa.nulls(n, pa.string()))
    kind = np.full(n, None, dtype=object)
    sim = np.full(n, None, dtype=object)
    kind[is_dup] = duplicates.column("kind").to_pylist()
    sim[is_dup] = duplicates.column("similarity").to_pylist()
    decisions = pa.table(
        {
            "article_id": nodes.ids.slice(n_index),
            "cluster_id": head_ids,
            "duplicate_of": dup_of,
            "duplicate_kind": pa.array(kind.tolist(), pa.string()),
            "similarity": pa.array(sim.tolist(), pa.float32()),
        },
        schema=DECISIONS,
    )
    return decisions, duplicates, is_dup


def _demotions(idx: pa.Table, nodes: _Nodes, head: np.ndarray, params: DedupParams):
    """Other nights' articles whose head changed: demoted (a new head elsewhere) or promoted (head again)."""
    n_index = nodes.n_index
    stored = idx.column("cluster_id").combine_chunks() if n_index else pa.array([], pa.string())
    new_head = nodes.ids.take(pa.array(head[:n_index], pa.int64()))
    changed = ~np.asarray(pc.equal(stored, new_head), dtype=bool) if n_index else np.zeros(0, bool)
    own = head[:n_index] == np.arange(n_index)
    demoted_pos = np.flatnonzero(changed & ~own)
    promoted = nodes.ids.take(pa.array(np.flatnonzero(changed & own), pa.int64())).to_pylist()
    demoted = _duplicate_rows(nodes, demoted_pos, head[demoted_pos], params)
    return demoted, promoted, changed, new_head


def _links_of_tonight(nodes: _Nodes, nu: np.ndarray, nv: np.ndarray) -> list[list[str]]:
    n_index = nodes.n_index
    links: list[list[str]] = [[] for _ in range(nodes.total - n_index)]
    ids = nodes.ids.take(pa.array(np.concatenate([nu, nv]), pa.int64())).to_pylist()
    for a, b, id_a, id_b in zip(nu.tolist(), nv.tolist(), ids[: len(nu)], ids[len(nu) :]):
        if a >= n_index:
            links[a - n_index].append(id_b)
        else:
            links[b - n_index].append(id_a)
    return [sorted(ls) for ls in links]


def _write_tonight(
    tonight: Parts, decisions: pa.Table, links: list[list[str]], path: pathlib.Path, params: DedupParams
) -> None:
    """Tonight's index file, part after part (the signatures are never all in memory)."""
    if not tonight.num_rows:
        path.unlink(missing_ok=True)
        return
    schema = index_schema(params)
    with atomic.replacing(path) as tmp, parquet_writer(tmp, schema) as writer:
        for p, part in enumerate(tonight.parts):
            start, stop = int(tonight.starts[p]), int(tonight.starts[p + 1])
            table = part if isinstance(part, pa.Table) else pq.read_table(part)
            table = table.append_column(
                "cluster_id", decisions.column("cluster_id").slice(start, stop - start)
            )
            table = table.append_column("links", pa.array(links[start:stop], pa.list_(pa.string())))
            writer.write_table(table.select(schema.names).cast(schema), row_group_size=ROW_GROUP_ROWS)


def _rewrite_others(
    index: Parts, idx: pa.Table, dirty: np.ndarray, new_head: pa.Array, stale: set, params: DedupParams
) -> int:
    """Other nights' files whose heads or links changed, rewritten; returns how many."""
    schema = index_schema(params)
    links_col = idx.column("links").combine_chunks() if idx.num_rows else None
    part_of = index.part_of(np.flatnonzero(dirty))
    for p in np.unique(part_of).tolist():
        assert links_col is not None  # a dirty row is a row of idx
        start, stop = int(index.starts[p]), int(index.starts[p + 1])
        rows = pa.array(np.arange(start, stop), pa.int64())
        links = [[x for x in (ls or ()) if x not in stale] for ls in links_col.take(rows).to_pylist()]
        full = pq.read_table(index.parts[p])
        full = full.set_column(full.schema.get_field_index("cluster_id"), "cluster_id", new_head.take(rows))
        full = full.set_column(
            full.schema.get_field_index("links"), "links", pa.array(links, pa.list_(pa.string()))
        )
        path = index.parts[p]
        with atomic.replacing(path) as tmp, parquet_writer(tmp, schema) as writer:
            writer.write_table(full.cast(schema), row_group_size=ROW_GROUP_ROWS)
    return len(np.unique(part_of))


def cluster_night(
    tonight: Parts, *, index_dir: pathlib.Path, dt: datetime.date, params: DedupParams, counts: StageCounts
) -> NightClusters:
    """Cluster tonight's entries (in night order) with the index; update the index. Call under its lock."""
    night_file = night_path(index_dir, dt)
    index = Parts(_index_parts(index_dir, dt, params))
    nodes, idx, light = _nodes(index, tonight, params)
    _check_ids(nodes.ids.slice(0, nodes.n_index), nodes.ids.slice(nodes.n_index), dt)
    old_ids: list[str] = []
    if night_file.exists():
        check_file_format(night_file, params)
        old_ids = pq.read_table(night_file, columns=["article_id"]).column("article_id").to_pylist()
    stale_set = set(old_ids) | set(light.column("article_id").to_pylist())
    stale = pa.array(sorted(stale_set), pa.string())

    edges = _Edges()
    for codes, ok in ((nodes.content, nodes.content >= 0), (nodes.url, nodes.url_ok)):
        edges.add(*graph.group_edges(codes, ok, nodes.rank))
    link_u, link_v, stale_parents = _stored_links(idx, nodes, stale)
    edges.add(link_u, link_v)
    nu, nv, n_candidates = _near_edges(idx, light, nodes, params)
    edges.add(nu, nv)
    head = graph.components(nodes.total, nodes.rank, *edges.arrays())

    decisions, duplicates, is_dup = _decisions(nodes, head, params)
    demoted, promoted, changed, new_head = _demotions(idx, nodes, head, params)
    _write_tonight(tonight, decisions, _links_of_tonight(nodes, nu, nv), night_file, params)
    dirty = changed.copy()
    dirty[stale_parents] = True
    rewritten = _rewrite_others(index, idx, dirty, new_head, stale_set, params)

    by_kind = {k: 0 for k in KINDS}
    for k in duplicates.column("kind").to_pylist():
        by_kind[k] += 1
    counts.records_in = len(is_dup)
    counts.records_out = int((~is_dup).sum())
    counts.duplicates = int(is_dup.sum())
    counts.extra.update(
        {
            "by_kind": by_kind,
            "cross_night": int((is_dup & (head[nodes.n_index :] < nodes.n_index)).sum()),
            "demoted": demoted.num_rows,
            "promoted": promoted,
            "near_skipped_short": int((~nodes.near_ok[nodes.n_index :]).sum()),
            "lsh_candidate_pairs": int(n_candidates),
            "near_pairs": len(nu),
            "index_rows_other_nights": nodes.n_index,
            "index_files_rewritten": rewritten,
        }
    )
    return NightClusters(decisions=decisions, duplicates=duplicates, demoted=demoted, counts=counts)
