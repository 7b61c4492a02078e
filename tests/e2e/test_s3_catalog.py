"""The catalog's files on object storage: a whole night against a local S3-compatible server.

moto's server mode is a real S3 HTTP API on 127.0.0.1; the pipeline reaches it exactly as a
deployment reaches MinIO or S3 (docker-compose): ``AKHBAR_LAKE_ROOT=s3://bucket/prefix`` plus the
standard AWS variables. The night is staged on S3, audited, and published by registering the staged
objects in the catalog; readers (the sandboxed `akhbar sql` session included) read them from S3.
A rerun replaces the night; a missing bucket is an error, never a local folder.
"""

from __future__ import annotations

import datetime as _dt
import os

import pytest

from akhbar import pipeline
from akhbar.lakehouse.sandbox import run_query
from tests.e2e.catalog import query, settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHT = _dt.date(2026, 11, 28)
BUCKET = "akhbar-lakehouse-test"
PREFIX = "akhbar"


def _keys(client, prefix: str = "") -> list[str]:
    return [
        obj["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        for obj in page.get("Contents", [])
    ]


def test_night_with_catalog_files_on_s3(s3_server, tmp_path, monkeypatch, root):
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AKHBAR_LAKE_ROOT", f"s3://{BUCKET}/{PREFIX}")
    monkeypatch.delenv("AKHBAR_CATALOG", raising=False)
    client = s3_server.client()
    client.create_bucket(Bucket=BUCKET)
    data_dir = tmp_path / "data"
    ctx = pipeline.RunContext(
        dt=NIGHT, data_dir=data_dir, sources_path=root / "include" / "config" / "sources.yaml"
    )
    assert ctx.catalog.data_path == f"s3://{BUCKET}/{PREFIX}/"

    summary = pipeline.run_night(ctx)
    accounting = summary["accounting"]
    assert accounting["balanced"] is True and accounting["articles"] > 0
    assert summary["failed_sources"] == []

    # Every published file is an object of the bucket; nothing of the catalog's data is on local disk.
    files = [r[0] for r in query(data_dir, "SELECT data_file FROM ducklake_list_files('akhbar', 'articles')")]
    assert files and all(f.startswith(f"s3://{BUCKET}/{PREFIX}/") for f in files), files
    keys = set(_keys(client, PREFIX + "/"))
    assert {f.removeprefix(f"s3://{BUCKET}/") for f in files} <= keys
    assert not (data_dir / "lakehouse").exists()

    # Readers answer from S3: counts, the sandboxed session, full-text search.
    assert (
        query(data_dir, "SELECT count(*) FROM articles WHERE dt = ?", [NIGHT])[0][0] == accounting["articles"]
    )
    assert (
        query(data_dir, "SELECT count(*) FROM duplicates WHERE dt = ?", [NIGHT])[0][0]
        == accounting["duplicates"]
    )
    assert (
        query(data_dir, "SELECT count(*) FROM quarantine WHERE dt = ?", [NIGHT])[0][0]
        == accounting["quarantined"]
    )
    target_id, title = query(
        data_dir,
        "SELECT article_id, title FROM articles WHERE dt = ? AND lang = 'ar' "
        "AND title IS NOT NULL ORDER BY article_id LIMIT 1",
        [NIGHT],
    )[0]
    word = max(title.split(), key=len)
    hits = run_query(settings(data_dir), "SELECT article_id FROM search_articles(?)", [word])
    assert target_id in {r[0] for r in hits.rows}, (word, hits.rows[:5])
    # The sandbox lets the catalog's own objects be read, and nothing else.
    with pytest.raises(Exception, match="disabled|Permission"):
        run_query(settings(data_dir), "SELECT * FROM read_text('/etc/hostname')")

    # A rerun replaces the night: same articles, one more labelled snapshot.
    before = query(data_dir, "SELECT article_id FROM articles ORDER BY ALL")
    pipeline.run_night(
        pipeline.RunContext(
            dt=NIGHT, data_dir=data_dir, sources_path=root / "include" / "config" / "sources.yaml"
        )
    )
    assert query(data_dir, "SELECT article_id FROM articles ORDER BY ALL") == before
    assert query(data_dir, "SELECT count(*) FROM published_nights")[0][0] == 2


def test_a_missing_bucket_is_an_error_not_a_local_folder(s3_server, tmp_path, monkeypatch, root):
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AKHBAR_LAKE_ROOT", f"s3://no-such-bucket-{os.getpid()}/akhbar")
    ctx = pipeline.RunContext(
        dt=NIGHT, data_dir=tmp_path / "data", sources_path=root / "include" / "config" / "sources.yaml"
    )
    for source_id in pipeline.list_sources(ctx):
        pipeline.fetch(ctx, source_id)
    pipeline.extract_clean(ctx)
    pipeline.enrich(ctx)
    pipeline.dedup(ctx)
    with pytest.raises(Exception, match="no-such-bucket|NoSuchBucket|404|Not Found"):
        pipeline.stage(ctx)
    assert not (tmp_path / "data" / "lakehouse").exists()
