"""What a shard computes for the deduplication of its articles: keys, MinHash signature and band keys.

An entry depends on the article alone and on its source's boilerplate, never on the other articles
of its shard: the night's entries are the same however it was cut. The clustering reads them
without the texts.
"""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from akhbar.dedup.boilerplate import remove_boilerplate
from akhbar.dedup.index import entry_schema
from akhbar.dedup.minhash import band_keys, shingles_of, signatures_of_shingles
from akhbar.dedup.params import PARAMS, DedupParams
from akhbar.dedup.urls import url_key
from akhbar.schema import TS


def _distinct_texts(content: list[str], sources: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """First position of each distinct (source, content) pair, and each row's pair."""
    pairs = np.array([f"{s}\x1f{c}" for s, c in zip(sources, content)], dtype=object)
    if not len(pairs):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    _, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _signatures(texts: pa.Array, sources: list[str], boilerplate: dict[str, np.ndarray], params: DedupParams):
    shingles, counts = shingles_of(texts, params)
    shingles, counts, _ = remove_boilerplate(shingles, counts, sources, boilerplate)
    return signatures_of_shingles(shingles, counts, params), counts


def article_entries(
    articles: pa.Table, *, dt: datetime.date, boilerplate: dict[str, np.ndarray], params: DedupParams = PARAMS
) -> pa.Table:
    """One entry per article (ARTICLE rows with ``text_search``), signed once per distinct text."""
    n = articles.num_rows
    schema = entry_schema(params)
    if not n:
        return schema.empty_table()
    content = articles.column("content_hash").to_pylist()
    sources = articles.column("source_id").to_pylist()
    first, inverse = _distinct_texts(content, sources)
    texts = articles.column("text_search").combine_chunks().take(pa.array(first, pa.int64()))
    sig_u, count_u = _signatures(texts, [sources[i] for i in first], boilerplate, params)
    sig, n_shingles = sig_u[inverse], count_u[inverse]
    canonical = pc.coalesce(articles.column("canonical_url"), articles.column("url")).to_pylist()
    columns = {
        "article_id": articles.column("article_id"),
        "dt": pa.array([dt] * n, pa.date32()),
        "published_at": articles.column("published_at").cast(TS),
        "source_id": articles.column("source_id"),
        "url": articles.column("url"),
        "title": articles.column("title"),
        "url_key": pa.array([url_key(u) for u in canonical], pa.string()),
        "content_hash": articles.column("content_hash"),
        "n_shingles": pa.array(n_shingles.astype(np.int32)),
        "near_ok": pa.array(n_shingles >= params.min_shingles),
        "band_keys": pa.FixedSizeListArray.from_arrays(
            pa.array(band_keys(sig, params=params).ravel()), params.bands
        ),
        "signature": pa.FixedSizeListArray.from_arrays(pa.array(sig.ravel()), params.num_perm),
    }
    return pa.table(columns).cast(schema)
