"""One source's failure of the quality gate never blocks the others: the source is quarantined as a
whole, with its reason, and the rest of the night is published.

The failure is made the way a reader bug would make it: one source's raw records repeat a record
id (a key the gate checks), the other sources are sound.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import pipeline
from akhbar.lakehouse.session import reader_session
from akhbar.pipeline import RunContext

NIGHT = dt.date(2026, 11, 28)
BROKEN = "mashriq-wire"


@pytest.mark.slow
def test_a_source_failing_the_gate_alone_is_set_aside(tmp_path, root):
    ctx = RunContext(dt=NIGHT, data_dir=tmp_path, sources_path=root / "include" / "config" / "sources.yaml")
    for source_id in pipeline.list_sources(ctx):
        pipeline.fetch(ctx, source_id)
    raw_path = ctx.raw_path(BROKEN)
    raw = pq.read_table(raw_path)
    pq.write_table(pa.concat_tables([raw, raw.slice(0, 1)]), raw_path)  # a repeated key in one source
    pipeline.extract_clean(ctx)
    pipeline.enrich(ctx)
    pipeline.dedup(ctx)
    pipeline.stage(ctx)
    validated = pipeline.validate(ctx)  # passes once the source is set aside
    assert BROKEN in validated["extra"]["set_aside_sources"]
    assert "akhbar_raw_records" in validated["extra"]["set_aside_sources"][BROKEN]
    pipeline.publish(ctx)
    summary = pipeline.report(ctx)
    assert summary["accounting"]["balanced"]

    with reader_session(ctx.catalog) as con:
        sources = dict(
            con.execute(
                "SELECT source_id, count(*) FROM articles WHERE dt = ? GROUP BY 1", [NIGHT]
            ).fetchall()
        )
        quarantined = con.execute(
            "SELECT reason, count(*), count(body) FROM quarantine WHERE dt = ? AND source_id = ? GROUP BY 1",
            [NIGHT, BROKEN],
        ).fetchall()
        audits = con.execute(
            """SELECT checked_at, count(*) FILTER (WHERE NOT success AND severity = 'critical') FROM dq_results
               WHERE dt = ? AND run_id = ? GROUP BY 1 ORDER BY 1""",
            [NIGHT, ctx.run_id],
        ).fetchall()
    assert BROKEN not in sources and len(sources) >= 4  # the other sources' night is published
    assert quarantined == [("source_failed_quality", raw.num_rows + 1, raw.num_rows + 1)]
    # Both audits are kept: the failed one, then the one without the source.
    assert [failed for _, failed in audits] == [1, 0]
