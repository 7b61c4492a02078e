"""akhbar_maintenance: weekly housekeeping of the raw zone and the lakehouse catalog."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

TIMEZONE = os.environ.get("AKHBAR_TIMEZONE", "Africa/Tunis")
RAW_RETENTION_DAYS = int(os.environ.get("AKHBAR_RAW_RETENTION_DAYS", "90"))
SNAPSHOT_RETENTION_DAYS = int(os.environ.get("AKHBAR_SNAPSHOT_RETENTION_DAYS", "30"))
FILE_GRACE_HOURS = float(os.environ.get("AKHBAR_FILE_GRACE_HOURS", "24"))

DOC = f"""
### akhbar_maintenance
Weekly, Sunday 05:00 ({TIMEZONE}):
- **expire_raw**: deletes raw-zone nights older than `AKHBAR_RAW_RETENTION_DAYS`
  (now {RAW_RETENTION_DAYS}); the catalog keeps their rows, but those nights can no longer be
  reprocessed from raw.
- **maintain_catalog**: DuckLake's own upkeep under the catalog's writer lock: flushes inlined
  rows, merges small files, expires snapshots older than `AKHBAR_SNAPSHOT_RETENTION_DAYS`
  (now {SNAPSHOT_RETENTION_DAYS}) except those an `akhbar export` used, and deletes files no
  snapshot refers to once unreferenced for `AKHBAR_FILE_GRACE_HOURS` (now {FILE_GRACE_HOURS:g}).
  Readers (the Corpus page, `akhbar sql`, notebooks) keep answering meanwhile.
- **remove_stale_temporaries**: temporary files of processes killed mid-write.

**When it fails**: nothing downstream depends on it; read the task log, fix, clear the task.
Every step can be rerun: a killed run leaves the catalog consistent.
"""


def _data_dir():
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

        return run(_data_dir(), keep_days=RAW_RETENTION_DAYS, today=dt.date.today()).as_dict()

    @task(
        pool="akhbar_catalog", doc_md="Merges small files, expires old snapshots, deletes unreferenced files."
    )
    def maintain_catalog() -> dict:
        from akhbar.maintenance import maintain_catalog as run

        return run(_data_dir(), keep_days=SNAPSHOT_RETENTION_DAYS, grace_hours=FILE_GRACE_HOURS).as_dict()

    @task(doc_md="Removes temporary files of processes killed mid-write.")
    def remove_stale_temporaries() -> dict:
        from akhbar.maintenance import remove_stale_temporaries as run

        return run(_data_dir()).as_dict()

    expire_raw() >> maintain_catalog() >> remove_stale_temporaries()


akhbar_maintenance()
