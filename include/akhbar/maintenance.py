"""Housekeeping of the data dir: raw-zone retention, lake compaction, warehouse upkeep."""

from __future__ import annotations

import datetime as _dt
import logging
import shutil
import time
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.fs as pafs

from akhbar import lake
from akhbar.stats import StageCounts, Timer

log = logging.getLogger(__name__)

# Temporary files older than this in the lake's staging folder are leftovers of a killed writer.
STALE_STAGING_SECONDS = 6 * 3600


def expire_raw(data_dir: Path, *, keep_days: int, today: _dt.date) -> StageCounts:
    """Delete raw-zone nights older than ``keep_days`` (the lake and warehouse keep their rows)."""
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


def compact_lake(lake_root: str | Path, *, tables=tuple(lake.LAKE_TABLES)) -> StageCounts:
    """Rewrite partitions made of several files or undersized row groups into one file each.

    The nightly writer already writes one file per partition; files dropped in by other tools
    or older releases are folded back in, and leftovers of killed writers are removed.
    """
    counts = StageCounts(stage="compact_lake")
    with Timer(counts):
        fs, base = lake._fs_and_path(lake_root)
        for table in tables:
            for day in lake.list_partitions(lake_root, table):
                directory = f"{base}/{table}/dt={day.isoformat()}"
                files = [i for i in fs.get_file_info(pafs.FileSelector(directory)) if i.is_file
                         and i.base_name.endswith(".parquet")]
                counts.records_in += 1
                if len(files) <= 1:
                    counts.records_out += 1
                    continue
                merged = ds.dataset([f.path for f in files], filesystem=fs, format="parquet").to_table()
                lake.write_partition(lake_root, table, day, merged)
                for f in files:
                    if f.base_name != "part-0.parquet":
                        fs.delete_file(f.path)
                counts.changed += 1
                counts.records_out += 1
                log.info("compacted %s/%s: %d files -> 1", table, day, len(files))
        staging = f"{base}/_staging"
        now = time.time()
        for info in fs.get_file_info(pafs.FileSelector(staging, allow_not_found=True)):
            if info.is_file and info.mtime is not None and now - info.mtime.timestamp() > STALE_STAGING_SECONDS:
                fs.delete_file(info.path)
                counts.extra["stale_staging_removed"] = counts.extra.get("stale_staging_removed", 0) + 1
    return counts


def upkeep_warehouse(db_path: Path) -> StageCounts:
    """Rebuild the full-text indexes and checkpoint the DuckDB file (the single writer)."""
    from akhbar import warehouse

    counts = StageCounts(stage="upkeep_warehouse")
    with Timer(counts):
        if not Path(db_path).exists():
            log.info("no warehouse yet at %s", db_path)
            return counts
        con = warehouse.connect(db_path)
        try:
            warehouse.ensure_schema(con)
            warehouse.rebuild_search_index(con)
            con.execute("CHECKPOINT")
            counts.records_in = counts.records_out = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    return counts
