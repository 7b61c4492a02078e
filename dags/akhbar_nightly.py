"""akhbar_nightly: one night of news, from the configured sources to the DuckDB warehouse.

Orchestration only: each task calls one stage of the akhbar library (include/akhbar).
Nothing heavy is imported at the top of this file.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AsyncCallback, DeadlineAlert, DeadlineReference, Param, dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

SCHEDULE = os.environ.get("AKHBAR_SCHEDULE", "30 2 * * *")  # 02:30, after the press has published the day
TIMEZONE = os.environ.get("AKHBAR_TIMEZONE", "Africa/Tunis")
# Alert if a run has not finished this long after it was queued; 0 turns the alert off
# (`airflow dags test` in Airflow 3.3.2 cannot run a DAG that has a deadline alert).
DEADLINE_MINUTES = int(os.environ.get("AKHBAR_DEADLINE_MINUTES", "240"))
HTTP_POOL = "akhbar_http"
WAREHOUSE_POOL = "akhbar_warehouse"  # one slot: DuckDB and the dedup index each allow a single writer

LAKE = Asset(name="akhbar_lake", uri="file://akhbar/lake")
WAREHOUSE = Asset(name="akhbar_warehouse", uri="file://akhbar/warehouse.duckdb")

DOC = """
### akhbar_nightly
Fetches every enabled source of the registry (`AKHBAR_SOURCES`), extracts and cleans the
articles, enriches them (language, dates, places, keywords), removes duplicates, writes the
night's Parquet partitions, checks them with Great Expectations and loads DuckDB
(`AKHBAR_DATA_DIR/warehouse.duckdb`). The night processed is the start of the data interval
(the previous day in the schedule's timezone).

**When it fails**: open the failed task's log; the message names the stage and the cause.
A failed `fetch` task is one source: the rest of the night still runs and the report lists it.
A failed `validate` means a critical quality expectation failed: the warehouse was left as it
was; read the Data Docs under `AKHBAR_DATA_DIR/quality/data_docs/`. Fix, then clear the task.
"""


def _on_failure(context):
    from akhbar.alerts import on_task_failure

    on_task_failure(context)


@dag(
    dag_id="akhbar_nightly",
    schedule=CronDataIntervalTimetable(SCHEDULE, timezone=TIMEZONE),
    start_date=pendulum.datetime(2026, 11, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    tags=["akhbar", "news", "nightly"],
    doc_md=DOC,
    default_args={
        "owner": "akhbar",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": _on_failure,
    },
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(minutes=DEADLINE_MINUTES),
        callback=AsyncCallback("akhbar.alerts.on_deadline_missed",
                               kwargs={"deadline": f"within {DEADLINE_MINUTES} minutes of being queued"}),
    )
    if DEADLINE_MINUTES > 0
    else None,
    params={
        "reprocess": Param(False, type="boolean", description="Rebuild the night from the raw zone; fetch nothing."),
        "night": Param(None, type=["null", "string"], format="date",
                       description="Process this night (YYYY-MM-DD) instead of the data interval's."),
        "sources": Param(None, type=["null", "string"], description="Source registry path (default AKHBAR_SOURCES)."),
        "data_dir": Param(None, type=["null", "string"], description="Data dir (default AKHBAR_DATA_DIR)."),
    },
)
def akhbar_nightly():
    def ctx():
        from akhbar.airflow_tasks import run_context

        return run_context(get_current_context())

    @task(doc_md="Lists the enabled sources of the registry; fails on an invalid registry (the error names the key).")
    def list_sources() -> list[str]:
        from akhbar import pipeline

        return pipeline.list_sources(ctx())

    @task(pool=HTTP_POOL, map_index_template="{{ task.op_kwargs['source_id'] }}",
          execution_timeout=timedelta(minutes=int(os.environ.get("AKHBAR_FETCH_TIMEOUT_MINUTES", "120"))),
          doc_md="Fetches one source into the raw zone. Failure affects this source only; see the log.")
    def fetch(source_id: str) -> dict:
        from akhbar import pipeline

        return pipeline.fetch(ctx(), source_id)

    @task(trigger_rule="all_done", map_index_template="{{ task.op_kwargs['source_id'] }}",
          doc_md="HTML extraction and text cleaning of one source's raw records (one task per source, so "
                 "the costliest step spreads over workers). Runs even when some fetches failed.")
    def extract_clean(source_id: str) -> dict:
        from akhbar import pipeline

        return pipeline.extract_clean(ctx(), source_id)

    @task(doc_md="Language, dates, places, keywords, categories, counts.")
    def enrich() -> dict:
        from akhbar import pipeline

        return pipeline.enrich(ctx())

    # The dedup index is shared state across nights: one writer at a time, like the warehouse.
    @task(pool=WAREHOUSE_POOL,
          doc_md="Exact and near duplicates against this night and the persisted index of earlier nights.")
    def deduplicate() -> dict:
        from akhbar import pipeline

        return pipeline.dedup(ctx())

    @task(outlets=[LAKE], doc_md="Writes the night's Parquet partitions (atomic replace of that night only).")
    def write_lake() -> dict:
        from akhbar import pipeline

        return pipeline.write_lake(ctx())

    @task(pool=WAREHOUSE_POOL,  # on failure it records the quality results in the warehouse
          doc_md="Great Expectations gates. A critical failure stops the run before the warehouse load; "
                 "the results are in the warehouse table dq_results and the Data Docs.")
    def validate() -> dict:
        from akhbar import pipeline

        return pipeline.validate(ctx())

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE],
          doc_md="Merges the night into DuckDB in one transaction and rebuilds full-text search.")
    def load_warehouse() -> dict:
        from akhbar import pipeline

        return pipeline.load_warehouse(ctx())

    @task(pool=WAREHOUSE_POOL, doc_md="Checks that every raw record landed exactly once; records the run's figures.")
    def report() -> dict:
        from akhbar import pipeline

        return pipeline.report(ctx())

    sources = list_sources()
    fetched = fetch.expand(source_id=sources)
    cleaned = extract_clean.expand(source_id=sources)
    fetched >> cleaned >> enrich() >> deduplicate() >> write_lake() >> validate() >> load_warehouse() >> report()


akhbar_nightly()
