"""A shard whose extraction fails for good is quarantined whole (reason shard_failed, its bytes kept):
the night still accounts for every record, the other shards and sources are published, and the
report names the shard."""

from __future__ import annotations

import datetime as dt

import pytest

from akhbar import pipeline
from akhbar.lakehouse.session import reader_session
from akhbar.pipeline import RunContext
from akhbar.shards import extract
from tests.shards.test_invariance import sample_registry

pytestmark = [pytest.mark.slow]


def test_a_failing_shard_is_quarantined_and_the_night_goes_on(tmp_path, monkeypatch):
    real = extract.extract_batch

    def broken(raw, night):
        if "web-archive" in raw.column("source_id").to_pylist():
            raise MemoryError("simulated: the worker ran out of memory")
        return real(raw, night)

    monkeypatch.setattr(extract, "extract_batch", broken)
    ctx = RunContext(dt=dt.date(2026, 11, 28), data_dir=tmp_path, sources_path=sample_registry(tmp_path, 2))
    summary = pipeline.run_night(ctx)
    assert summary["accounting"]["balanced"]
    failed = [f for f in summary["failed_sources"] if "web-archive" in f]
    assert failed and all("did not finish" in f for f in failed), summary["failed_sources"]
    raw = {r["record_id"] for r in pipeline.pq.read_table(ctx.raw_path("web-archive")).to_pylist()}
    with reader_session(ctx.catalog) as con:
        quarantined = con.execute(
            "SELECT record_id, reason, detail, body IS NOT NULL FROM quarantine "
            "WHERE dt = ? AND source_id = 'web-archive'",
            [ctx.dt],
        ).fetchall()
        others = con.execute(
            "SELECT count(DISTINCT source_id) FROM articles WHERE dt = ?", [ctx.dt]
        ).fetchone()[0]
    assert {r[0] for r in quarantined} == raw and {r[1] for r in quarantined} == {"shard_failed"}
    assert all("web-archive/0000" in r[2] and r[3] for r in quarantined)
    assert others == len(pipeline.list_sources(ctx)) - 1
