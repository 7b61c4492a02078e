"""The lake on object storage: a whole night against a local S3-compatible server.

moto's server mode is a real S3 HTTP API on 127.0.0.1; the pipeline reaches it exactly as a
deployment reaches MinIO or S3 (docker-compose's s3 profile): ``AKHBAR_LAKE_ROOT``-style
``s3://bucket/prefix`` root plus the standard AWS variables (``AWS_ENDPOINT_URL``, keys,
region). Write, validate, load and query; then a rerun replaces the night's objects in place.
"""

from __future__ import annotations

import datetime as _dt
import io
import os

import pyarrow.parquet as pq
import pytest

from akhbar import lake, pipeline, warehouse
from akhbar.schema import LAKE_TABLES

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHT = _dt.date(2026, 11, 28)
BUCKET = "akhbar-lake-test"
PREFIX = "lake"


def _keys(client, prefix: str = "") -> dict[str, int]:
    keys = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            keys[obj["Key"]] = obj["Size"]
    return keys


def _read_object(client, table: str):
    """One night's Parquet object of a table, read from the bytes the S3 API returns."""
    key = f"{PREFIX}/{table}/dt={NIGHT.isoformat()}/part-0.parquet"
    return pq.read_table(io.BytesIO(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def _parquet_files(keys: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in keys.items() if k.endswith(".parquet")}


def test_night_with_lake_on_s3(s3_server, tmp_path, monkeypatch, root):
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AKHBAR_LAKE_ROOT", raising=False)
    client = s3_server.client()
    client.create_bucket(Bucket=BUCKET)
    lake_root = f"s3://{BUCKET}/{PREFIX}"
    data_dir = tmp_path / "data"
    ctx = pipeline.RunContext(dt=NIGHT, data_dir=data_dir, lake_root=lake_root,
                              sources_path=root / "include" / "config" / "sources.yaml")
    assert ctx.lake_root == lake_root

    summary = pipeline.run_night(ctx)

    accounting = summary["accounting"]
    assert accounting["balanced"] is True
    assert accounting["articles"] > 0
    assert summary["failed_sources"] == []

    # The lake is on the object store, one object per table and night, nothing left in staging,
    # and nothing written to a local lake folder.
    keys = _keys(client, PREFIX + "/")
    parquet = _parquet_files(keys)
    expected = {f"{PREFIX}/{table}/dt={NIGHT.isoformat()}/part-0.parquet" for table in LAKE_TABLES}
    assert set(parquet) == expected, sorted(parquet)
    assert all(size > 0 for size in parquet.values())
    assert not (data_dir / "lake").exists()

    # The objects are readable Parquet holding the night, whatever reads them (here boto3's bytes).
    articles = _read_object(client, "articles")
    assert articles.num_rows == accounting["articles"] + accounting["duplicates"]
    assert set(articles.column("dt").to_pylist()) == {NIGHT}
    assert _read_object(client, "quarantine").num_rows == accounting["quarantined"]

    # The lake API on S3: partitions listed, a missing night reads as an empty table of the contract.
    assert lake.list_partitions(lake_root, "articles") == [NIGHT]
    assert lake.list_partitions(lake_root, "no_such_table") == []
    assert lake.read_partition(lake_root, "articles", NIGHT - _dt.timedelta(days=1)).num_rows == 0
    assert lake.dataset(lake_root, "articles").count_rows() == articles.num_rows

    # Validation ran over the S3 partitions and passed its critical gates.
    validate_counts = summary["stages"]["validate"]
    assert validate_counts["records_in"] == articles.num_rows
    dq = pq.read_table(ctx.work_dir / "dq_results.parquet").to_pylist()
    assert dq, "no Great Expectations results were recorded"
    assert not [r for r in dq if r["severity"] == "critical" and not r["success"]]

    # The warehouse was loaded from the S3 lake and answers queries, full-text search included.
    _, rows = warehouse.query(ctx.warehouse_path, "SELECT count(*) FROM articles WHERE dt = ?", [NIGHT])
    assert rows[0][0] == accounting["articles"]
    lake_ids = {r["article_id"] for r in articles.to_pylist() if r["duplicate_of"] is None}
    _, rows = warehouse.query(ctx.warehouse_path, "SELECT article_id FROM articles WHERE dt = ?", [NIGHT])
    assert {r[0] for r in rows} == lake_ids
    _, rows = warehouse.query(ctx.warehouse_path, "SELECT count(*) FROM dq_results WHERE dt = ?", [NIGHT])
    assert rows[0][0] == len(dq)
    # Search for a word of an Arabic article's title: that article must come back.
    _, rows = warehouse.query(
        ctx.warehouse_path,
        "SELECT article_id, title FROM articles WHERE dt = ? AND lang = 'ar' AND title IS NOT NULL "
        "ORDER BY article_id LIMIT 1", [NIGHT])
    assert rows, "no Arabic article with a title in the warehouse"
    target_id, title = rows[0]
    word = max(title.split(), key=len)
    names, hits = warehouse.query(ctx.warehouse_path, "SELECT * FROM search_articles(?)", [word])
    assert "article_id" in names
    assert target_id in {h[names.index("article_id")] for h in hits}, (word, hits[:5])

    # A rerun of the lake and warehouse stages replaces the night's objects in place on S3:
    # still one object per table, same contents, warehouse unchanged (idempotent).
    pipeline.write_lake(ctx)
    pipeline.validate(ctx)
    pipeline.load_warehouse(ctx)
    after_keys = _parquet_files(_keys(client, PREFIX + "/"))
    assert set(after_keys) == expected
    assert not [k for k in _keys(client, PREFIX + "/_staging/") if k.endswith(".parquet")]
    rewritten = _read_object(client, "articles")
    assert sorted(rewritten.column("article_id").to_pylist()) == \
        sorted(articles.column("article_id").to_pylist())
    _, rows = warehouse.query(ctx.warehouse_path, "SELECT count(*) FROM articles WHERE dt = ?", [NIGHT])
    assert rows[0][0] == accounting["articles"]


def test_s3_lake_write_returns_uri_and_missing_bucket_fails(s3_server, monkeypatch):
    """write_partition answers the object's s3:// URI; a missing bucket is an error, not a local folder."""
    for key, value in s3_server.env().items():
        monkeypatch.setenv(key, value)
    s3_server.client().create_bucket(Bucket=BUCKET)
    lake_root = f"s3://{BUCKET}/{PREFIX}"
    table = LAKE_TABLES["article_keywords"].empty_table()
    written = lake.write_partition(lake_root, "article_keywords", NIGHT, table)
    assert written == f"{lake_root}/article_keywords/dt={NIGHT.isoformat()}/part-0.parquet"
    assert lake.list_partitions(lake_root, "article_keywords") == [NIGHT]
    # Another bucket that does not exist: the server says so (a local path would just be created).
    with pytest.raises(OSError):
        lake.write_partition(f"s3://no-such-bucket-{os.getpid()}/lake", "article_keywords", NIGHT, table)
