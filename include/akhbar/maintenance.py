"""Housekeeping of the data dir: raw-zone retention, catalog upkeep, leftovers of killed processes."""

from __future__ import annotations

import datetime as _dt
import logging
import shutil
import time
from pathlib import Path

from akhbar.stats import StageCounts, Timer

log = logging.getLogger(__name__)

# Temporary files older than this are leftovers of a killed writer (no writer runs this long).
STALE_TEMP_SECONDS = 6 * 3600
_TEMP_PATTERNS = ("*.tmp", ".*.tmp")


def expire_raw(data_dir: Path, *, keep_days: int, today: _dt.date) -> StageCounts:
    """Delete raw-zone nights older than ``keep_days`` (the catalog keeps their rows)."""
    counts = StageCounts(stage="expire_raw")
    with Timer(counts):
        cutoff = today - _dt.timedelta(days=keep_days)
        for night in sorted((Path(data_dir) / "raw").glob("dt=*")):
            counts.records_in += 1
            try:
                day = _dt.date.fromisoformat(night.name[3:])
            except ValueError:
                log.warning("not a raw night folder, left alone: %s", night)
                continue
            if day < cutoff:
                shutil.rmtree(night)
                counts.rejected += 1
                log.info("raw zone: removed %s (older than %d days)", night.name, keep_days)
            else:
                counts.records_out += 1
    return counts


def remove_stale_temporaries(
    data_dir: Path, *, older_than_seconds: float = STALE_TEMP_SECONDS
) -> StageCounts:
    """Temporary files of writers killed mid-write (``*.tmp``) and DuckDB spill folders, under the
    data dir's work, raw and state folders."""
    counts = StageCounts(stage="remove_stale_temporaries")
    now = time.time()
    with Timer(counts):
        for folder in ("work", "raw", "state", "dedup"):
            base = Path(data_dir) / folder
            if not base.exists():
                continue
            for pattern in _TEMP_PATTERNS:
                for path in base.rglob(pattern):
                    counts.records_in += 1
                    if path.is_file() and now - path.stat().st_mtime > older_than_seconds:
                        path.unlink(missing_ok=True)
                        counts.rejected += 1
    return counts


def maintain_catalog(data_dir: Path, *, keep_days: int, grace_hours: float) -> StageCounts:
    """DuckLake's own upkeep (merge small files, expire old snapshots except exported ones, delete
    unreferenced files), under the catalog's writer lock."""
    from akhbar.lakehouse.maintenance import maintain_catalog as run
    from akhbar.lakehouse.settings import CatalogSettings

    counts = StageCounts(stage="maintain_catalog")
    with Timer(counts):
        settings = CatalogSettings.from_env(data_dir)
        counts.extra.update(
            run(
                settings,
                keep_days=keep_days,
                grace_hours=grace_hours,
                temp_dir=Path(data_dir) / "work" / "duckdb-tmp",
            )
        )
    return counts
