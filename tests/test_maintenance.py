"""Housekeeping of the data dir (akhbar.maintenance): raw-zone retention, leftovers of killed
processes, and the catalog's upkeep as the maintenance DAG calls it."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from akhbar import maintenance
from tests.lakehouse.helpers import Night, article, count, publish, settings_for

DAY = dt.date(2026, 11, 28)


def test_expire_raw_keeps_recent_nights(tmp_path):
    for night in ("2026-07-01", "2026-11-20", "2026-11-28"):
        (tmp_path / "raw" / f"dt={night}" / "source=s").mkdir(parents=True)
    (tmp_path / "raw" / "notes").mkdir()
    counts = maintenance.expire_raw(tmp_path, keep_days=30, today=DAY)
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["dt=2026-11-20", "dt=2026-11-28", "notes"]
    assert (counts.records_in, counts.records_out, counts.rejected) == (3, 2, 1)


def test_stale_temporaries_of_killed_writers_are_removed_and_fresh_ones_kept(tmp_path):
    old, fresh = time.time() - 2 * maintenance.STALE_TEMP_SECONDS, time.time()
    files = {
        "work/dt=2026-11-28/.articles.parquet.abc.tmp": old,
        "raw/dt=2026-11-28/source=s/.records.x.tmp": old,
        "state/fetch/x.tmp": fresh,
        "work/dt=2026-11-28/articles.parquet": old,
        "elsewhere/y.tmp": old,
    }
    for rel, mtime in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half written")
        os.utime(path, (mtime, mtime))
    counts = maintenance.remove_stale_temporaries(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["elsewhere/y.tmp", "state/fetch/x.tmp", "work/dt=2026-11-28/articles.parquet"]
    assert (counts.records_in, counts.rejected) == (3, 2)


@pytest.mark.slow
def test_maintain_catalog_reports_duckdb_upkeep_figures(tmp_path):
    data_dir = tmp_path / "data"
    settings = settings_for(data_dir)
    for tag in ("a", "b", "c"):  # the same night three times: two versions to expire
        publish(settings, Night(DAY, [article(f"{tag}1", DAY, "خبر عن تونس")]), tmp_path / "work")
    counts = maintenance.maintain_catalog(data_dir, keep_days=0, grace_hours=0)
    assert counts.stage == "maintain_catalog"
    assert counts.extra["snapshots_expired"] >= 2 and counts.extra["snapshots_kept"] == 1
    assert set(counts.extra) >= {"files_merged", "files_deleted", "orphans_deleted", "pinned_by_exports"}
    assert count(settings, "SELECT article_id FROM articles") == "c1"
