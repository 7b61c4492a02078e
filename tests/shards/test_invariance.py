"""The same published night whatever the sharding: a night cut into 1, 3 and 17 shards, and the sample
corpus's night with one shard per source or one record per shard, publish identical catalogs.

Each variant reprocesses the same raw zone (fetched once: the raw zone is immutable, and a reprocess
with another shard size is exactly what an operator would run). Compared: every table of the catalog
and the views analysts read, row for row. Left out, because they say when and by which run the
night was processed, not what it holds: ``runs.run_id, seconds, details, recorded_at`` (``details``
holds the stage's timings and, for the cut, the number of shards), ``dq_results.run_id, checked_at``,
the same columns of the views over them (``nightly_summary``, ``dq_latest``).
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from akhbar import pipeline
from akhbar.lakehouse.session import reader_session
from akhbar.pipeline import RunContext
from akhbar.schema import CATALOG_TABLES
from tests.conftest import ROOT
from tests.lakehouse.helpers import STATE_VIEWS
from tests.shards import night as test_night

pytestmark = [pytest.mark.slow]

# What legitimately differs between two runs of the same night: when and by which run.
EXCLUDED = {
    "runs": ["run_id", "seconds", "details", "recorded_at"],
    "dq_results": ["run_id", "checked_at"],
    "exports": ["created_at"],
    "schema_changes": ["changed_at"],
    "nightly_summary": ["run_id", "seconds", "details"],
    "dq_latest": ["run_id", "checked_at"],
}


def catalog(data_dir) -> dict:
    ctx = RunContext(dt=dt.date(2026, 11, 28), data_dir=data_dir)
    out = {}
    with reader_session(ctx.catalog) as con:
        for name in (*CATALOG_TABLES, *STATE_VIEWS):
            skip = EXCLUDED.get(name)
            cols = f"* EXCLUDE ({', '.join(skip)})" if skip else "*"
            out[name] = con.execute(f"SELECT {cols} FROM {name} ORDER BY ALL").fetchall()
    return out


def fetch_once(base, nights, sources_path) -> None:
    for night in nights:
        ctx = RunContext(dt=night, data_dir=base, sources_path=sources_path)
        for source_id in pipeline.list_sources(ctx):
            pipeline.fetch(ctx, source_id)


def reprocess(base, data_dir, nights, sources_path) -> dict[dt.date, int]:
    """The nights rebuilt from a copy of ``base``'s raw zone; returns the number of shards of each."""
    shutil.copytree(base / "raw", data_dir / "raw")
    shards = {}
    for night in nights:
        ctx = RunContext(dt=night, data_dir=data_dir, sources_path=sources_path, reprocess=True)
        summary = pipeline.run_night(ctx)
        assert summary["accounting"]["balanced"] and not summary["failed_sources"], summary
        shards[night] = sum(len(pipeline._plan(ctx, sid).shards) for sid in pipeline.list_sources(ctx))
    return shards


def differences(a: dict, b: dict) -> dict:
    return {name: (len(a[name]), len(b[name])) for name in a if a[name] != b[name]}


@pytest.mark.corpus
def test_a_night_cut_into_1_3_and_17_shards_publishes_the_same_catalog(tmp_path, corpus):
    dumps = test_night.build(tmp_path / "corpus", corpus)
    nights = [dt.date.fromisoformat(test_night.NIGHT_1), dt.date.fromisoformat(test_night.NIGHT_2)]
    fetch_once(tmp_path / "base", nights, test_night.registry(tmp_path, dumps, 1000))
    catalogs = {}
    for size, expected in ((51, 1), (17, 3), (3, 17)):
        data_dir = tmp_path / f"shards-of-{size}"
        shards = reprocess(tmp_path / "base", data_dir, nights, test_night.registry(tmp_path, dumps, size))
        assert shards[nights[1]] == expected, shards
        catalogs[expected] = catalog(data_dir)
    one = catalogs[1]
    # The night is worth comparing: duplicates of both kinds, across nights, quarantined records, HTML.
    assert len(one["articles"]) > 30 and len(one["quarantine"]) >= 5
    kinds = {row[3] for row in one["duplicates"]}
    assert {"exact_text", "near"} <= kinds, kinds
    # The vectors were encoded by the enrich shards, every article of the night (duplicates too).
    night = RunContext(dt=nights[1], data_dir=tmp_path / "shards-of-3", reprocess=True)
    published = [row for row in one["article_embeddings"] if row[1] == nights[1]]
    assert published and all(len(row[3]) == 512 for row in published)
    shards, encoded = shard_vectors(night)
    assert shards == 17 and encoded >= len(published)  # the published: the night's kept articles
    for count in (3, 17):
        assert differences(one, catalogs[count]) == {}, f"1 shard and {count} shards differ"
        assert one == catalogs[count]


def shard_vectors(ctx: RunContext) -> tuple[int, int]:
    """How many of the night's shards wrote their articles' vectors (checked against their articles),
    and how many vectors they wrote."""
    import pyarrow.parquet as pq

    written = rows = 0
    for folder in sorted((ctx.work_dir / "shards").glob("source=*/[0-9]*")):
        vectors, articles = folder / "article_embeddings.parquet", folder / "articles.parquet"
        assert pq.read_table(vectors, columns=["article_id"]).equals(
            pq.read_table(articles, columns=["article_id"])
        )
        written += 1
        rows += pq.read_metadata(vectors).num_rows
    return written, rows


def sample_registry(folder, shard_records: int):
    text = (ROOT / "include" / "config" / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("../../sample/", f"{ROOT / 'sample'}/")
    text = text.replace("defaults:\n", f"defaults:\n  shard_records: {shard_records}\n", 1)
    path = folder / f"sample-{shard_records}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_night_one_shard_per_source_or_one_record_per_shard(tmp_path):
    night = [dt.date(2026, 11, 28)]
    fetch_once(tmp_path / "base", night, sample_registry(tmp_path, 1000))
    whole = reprocess(tmp_path / "base", tmp_path / "whole", night, sample_registry(tmp_path, 1000))
    single = reprocess(tmp_path / "base", tmp_path / "single", night, sample_registry(tmp_path, 1))
    assert whole[night[0]] == 6 and single[night[0]] > 30, (whole, single)
    a, b = catalog(tmp_path / "whole"), catalog(tmp_path / "single")
    assert differences(a, b) == {}
    assert a == b
