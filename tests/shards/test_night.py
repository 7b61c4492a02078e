"""akhbar.shards.night and akhbar.dedup.boilerplate: what the night needs, computed from shard outputs,
equals what the whole night in one piece gives."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.dedup import PARAMS, DedupParams, table_boilerplate
from akhbar.dedup.boilerplate import ShardSample, boilerplate_shingles, source_counts
from akhbar.enrichment.keywords import DocFreq
from akhbar.shards.night import night_doc_freq

WORDS = [f"كلمة{i}" for i in range(400)]
FOOTER = " ".join(f"حقوق{i} محفوظة" for i in range(20))


def texts(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = " ".join(rng.choice(WORDS) for _ in range(60))
        out.append(f"{body} {FOOTER}" if i % 4 == 0 else body)
    return out


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cuts(n: int):
    yield [(0, n)]
    yield [(i, min(i + 7, n)) for i in range(0, n, 7)]
    yield [(i, i + 1) for i in range(n)]


def test_night_document_frequencies_are_the_sum_of_the_shards(tmp_path):
    night = texts(60)
    whole = DocFreq.from_texts(pa.array(night))
    for k, ranges in enumerate(cuts(len(night))):
        parts = []
        for j, (a, b) in enumerate(ranges):
            path = tmp_path / f"{k}-{j}.parquet"
            pq.write_table(DocFreq.from_texts(pa.array(night[a:b])).to_table(), path)
            parts.append(path)
        summed = night_doc_freq(parts, fan_in=3)
        assert DocFreq.from_table(summed).df == whole.df and DocFreq.from_table(summed).n_docs == 60
        assert summed.column("term").to_pylist() == sorted(whole.df)


def boilerplate_of(night: list[str], ranges, params: DedupParams) -> np.ndarray:
    samples = []
    for a, b in ranges:
        sample = ShardSample("src", params.boilerplate_sample)
        sample.add([content_hash(t) for t in night[a:b]], night[a:b])
        samples.append(sample.table(params))
    return boilerplate_shingles(source_counts(samples, params), params)


def test_a_sources_boilerplate_is_the_same_however_its_texts_are_sharded():
    night = texts(80) + texts(5)[:5]  # five texts twice: counted once
    for params in (PARAMS, DedupParams(boilerplate_sample=16)):  # exact, and from a sample of 16 texts
        results = [boilerplate_of(night, ranges, params) for ranges in cuts(len(night))]
        assert all(np.array_equal(results[0], r) for r in results[1:])
    exact = boilerplate_of(night, [(0, len(night))], PARAMS)
    # The footer's shingles (on a quarter of the texts) and nothing else.
    table = pa.table(
        {
            "source_id": ["src"] * len(night),
            "content_hash": [content_hash(t) for t in night],
            "text_search": night,
        }
    )
    assert np.array_equal(table_boilerplate(table)["src"], exact)
    assert 30 <= len(exact) <= 45


def test_the_sample_keeps_the_smallest_keys_of_a_large_source():
    night = texts(200, seed=3)
    params = DedupParams(boilerplate_sample=50)
    sample = ShardSample("src", params.boilerplate_sample)
    for i in range(0, 200, 30):
        sample.add([content_hash(t) for t in night[i : i + 30]], night[i : i + 30])
    table = sample.table(params)
    keys = sorted(int(content_hash(t)[:16], 16) for t in night)
    assert table.num_rows == 200
    sampled = table.filter(pa.compute.is_valid(table.column("shingles")))
    assert sorted(sampled.column("content_key").to_pylist()) == keys[:50]
    counts = source_counts([table], params)
    assert (counts.distinct, counts.sampled) == (200, 50)


def test_a_shard_loads_the_nights_frequencies_of_its_own_terms_only(tmp_path):
    from akhbar.enrichment.keywords import terms
    from akhbar.shards.enrich import shard_doc_freq

    night = texts(60, seed=5)
    path = tmp_path / "night.parquet"
    pq.write_table(DocFreq.from_texts(pa.array(night)).to_table(), path)
    whole = DocFreq.load(path)
    shard = night[10:25]
    mine = shard_doc_freq(path, pa.chunked_array([pa.array(shard)]))
    assert mine.n_docs == 60
    assert mine.df == {t: whole.df[t] for text in shard for t in terms(text)}
