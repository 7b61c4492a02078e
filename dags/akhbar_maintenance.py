"""akhbar_maintenance: weekly housekeeping of the raw zone, the lake and the warehouse."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

TIMEZONE = os.environ.get("AKHBAR_TIMEZONE", "Africa/Tunis")
RAW_RETENTION_DAYS = int(os.environ.get("AKHBAR_RAW_RETENTION_DAYS", "90"))

DOC = f"""
### akhbar_maintenance
Weekly, Sunday 05:00 ({TIMEZONE}):
- **expire_raw**: deletes raw-zone nights older than `AKHBAR_RAW_RETENTION_DAYS`
  (now {RAW_RETENTION_DAYS}); the lake and the warehouse keep their rows, but those nights can
  no longer be reprocessed from raw.
- **compact_lake**: folds partitions made of several files back into one, removes leftovers
  of killed writers.
- **upkeep_warehouse**: rebuilds the full-text indexes and checkpoints DuckDB (through the
  one-slot warehouse pool, so it never races the nightly load).

**When it fails**: nothing downstream depends on it; read the task log, fix, clear the task.
"""


def _ctx():
    from akhbar.config import default_data_dir

    return default_data_dir()


@dag(
    dag_id="akhbar_maintenance",
    schedule="0 5 * * 0",
    start_date=pendulum.datetime(2026, 11, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    tags=["akhbar", "maintenance"],
    doc_md=DOC,
    default_args={"owner": "akhbar", "retries": 1, "retry_delay": timedelta(minutes=10)},
)
def akhbar_maintenance():
    @task(doc_md="Deletes raw-zone nights past the retention period.")
    def expire_raw() -> dict:
        import datetime as dt

        from akhbar.maintenance import expire_raw as run

        return run(_ctx(), keep_days=RAW_RETENTION_DAYS, today=dt.date.today()).as_dict()

    @task(doc_md="Compacts lake partitions of several files into one.")
    def compact_lake() -> dict:
        from akhbar.maintenance import compact_lake as run

        return run(os.environ.get("AKHBAR_LAKE_ROOT") or _ctx() / "lake").as_dict()

    @task(pool="akhbar_warehouse", doc_md="Rebuilds full-text search and checkpoints DuckDB.")
    def upkeep_warehouse() -> dict:
        from akhbar.maintenance import upkeep_warehouse as run

        return run(_ctx() / "warehouse.duckdb").as_dict()

    expire_raw() >> compact_lake() >> upkeep_warehouse()


akhbar_maintenance()
