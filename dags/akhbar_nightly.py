"""akhbar_nightly: one night of news, from the configured sources to the lakehouse catalog.

Orchestration only: each task calls one stage of the akhbar library (include/akhbar).
Nothing heavy is imported at the top of this file.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum

# AsyncCallback, DeadlineAlert and DeadlineReference are exported by airflow.sdk at run time but missing
# from its stub airflow/sdk/__init__.pyi (Airflow 3.3.2).
from airflow.sdk import (  # type: ignore[attr-defined]
    Asset,
    AsyncCallback,
    DeadlineAlert,
    DeadlineReference,
    Param,
    TaskGroup,
    dag,
    get_current_context,
    task,
)
from airflow.timetables.interval import CronDataIntervalTimetable

from akhbar.config import default_sources_path, enabled_source_ids  # light: YAML only

SCHEDULE = os.environ.get("AKHBAR_SCHEDULE", "30 2 * * *")  # 02:30, after the press has published the day
TIMEZONE = os.environ.get("AKHBAR_TIMEZONE", "Africa/Tunis")
# Alert if a run has not finished this long after it was queued; 0 turns the alert off
# (`airflow dags test` in Airflow 3.3.2 cannot run a DAG that has a deadline alert).
DEADLINE_MINUTES = int(os.environ.get("AKHBAR_DEADLINE_MINUTES", "240"))
HTTP_POOL = "akhbar_http"
# One slot: the dedup index and the catalog each take one writer at a time (both also lock
# themselves; the pool keeps waiting tasks from holding worker slots).
CATALOG_POOL = "akhbar_catalog"

# The registry's enabled sources, read (not validated: list_sources does that at run time) when the
# DAG is parsed: one task group each.
SOURCE_IDS = enabled_source_ids(default_sources_path())

# Emitted by `publish` only: a night that fails its audit emits nothing.
CORPUS = Asset(name="akhbar_corpus", uri="ducklake://akhbar/corpus")

DOC = """
### akhbar_nightly
Fetches every enabled source of the registry (`AKHBAR_SOURCES`; one task group per source), cuts
each source's records into shards (`shard_records`), extracts and cleans them shard by shard as
soon as the source is fetched, enriches them (language, dates, places, keywords) shard by shard
once the night's keyword frequencies are known, removes duplicates, then
**writes, audits and publishes** the night: `stage` prepares it (its full-text index too),
`validate` checks the staged night with Great Expectations and the accounting, and only then
`publish` replaces that night in every table of the lakehouse catalog in one transaction
(DuckLake; `AKHBAR_CATALOG`, default `AKHBAR_DATA_DIR/catalog.sqlite`) and emits the
`akhbar_corpus` asset. Readers (the Corpus page, `akhbar sql`, notebooks) keep answering from
the previous snapshot until the commit. The night processed is the start of the data interval
(the previous day in the schedule's timezone): the date in a scheduled or backfill run's id. Each
run's note says which night it processed and what landed ("night 2026-11-26: 11 articles, 0
critical failures"), and every task's log starts with the night.

**When it fails**: open the failed task's log; the message names the stage and the cause.
A failed `fetch` task is one source (its URL or resolved path is named; a path that does not exist
fails at once): the rest of the night still runs and the report lists it. A failed `extract_clean`
shard is quarantined whole (reason `shard_failed`) by `frequencies` and the report lists it;
reprocess the night (`reprocess: true`) once the cause is fixed. An invalid registry, a failed
quality gate or counts that do not add up fail at once, without retries.
A failed `validate` means a critical quality expectation failed: nothing was published, the
staged night stays in `AKHBAR_DATA_DIR/work/dt=<night>/`, the results are in the table
`dq_results` and the Data Docs. Fix, then clear the task.
"""


def _on_failure(context):
    from akhbar.alerts import on_task_failure

    on_task_failure(context)


def _on_success(context):
    from akhbar.airflow_tasks import record_usage

    record_usage(context)


def _run(stage: str, *args):
    # The night first in the task's log, libraries' chatter down, no retry for what cannot succeed.
    from akhbar.airflow_tasks import run_stage

    return run_stage(get_current_context(), stage, *args)


@task(
    doc_md="Checks the run's source registry (its error names the key) against the sources this DAG was "
    "parsed with; fails at once, without retries, when they differ."
)
def list_sources(expected: list[str]) -> list[str]:
    return _run("checked_sources", expected)


@task(
    pool=HTTP_POOL,
    execution_timeout=timedelta(minutes=int(os.environ.get("AKHBAR_FETCH_TIMEOUT_MINUTES", "120"))),
    doc_md="Fetches one source into the raw zone. Failure affects this source only; see the log.",
)
def fetch(source_id: str) -> dict:
    return _run("fetch", source_id)


@task(
    trigger_rule="all_done",
    doc_md="Cuts the source's raw records of the night into shards (`shard_records` in the registry). "
    "Runs even when the fetch failed: its failure record is quarantined like any other.",
)
def cut(source_id: str) -> list[str]:
    return _run("cut", source_id)


@task(
    map_index_template="{{ task.op_kwargs['shard_id'] }}",
    doc_md="HTML extraction and text cleaning of one shard, with its keyword document frequencies and a "
    "sample of its source's texts. A shard that fails for good is quarantined whole "
    "(reason shard_failed) and the night goes on.",
)
def extract_clean(shard_id: str) -> dict:
    return _run("extract_clean_shard", shard_id)


@task(
    trigger_rule="all_done",
    doc_md="The night's keyword document frequencies and each source's boilerplate, from the shards' "
    "small outputs; quarantines the shards whose extraction failed. Lists the night's shards.",
)
def frequencies() -> list[str]:
    return _run("frequencies")


@task(
    map_index_template="{{ task.op_kwargs['shard_id'] }}",
    doc_md="Language, dates, places, keywords, categories and counts of one shard; signs its articles "
    "for the deduplication and embeds them for the stories.",
)
def enrich(shard_id: str) -> dict:
    return _run("enrich_shard", shard_id)


# The dedup index is shared state across nights: one writer at a time. A night without a shard
# (every source empty) skips the mapped enrich; the night still goes on, to be published empty
# and reported as the failed warning it is.
@task(
    pool=CATALOG_POOL,
    trigger_rule="none_failed",
    doc_md="Exact and near duplicates against this night and the persisted index of earlier nights, "
    "from the shards' signatures; then the night's work files for staging.",
)
def deduplicate() -> dict:
    return _run("dedup")


@task(
    doc_md="Stories of the night: its articles linked to each other and to the published nights around "
    "it (D-2 .. D+2), from the vectors the enrich shards wrote; left in the work dir for staging."
)
def stories() -> dict:
    return _run("stories")


@task(
    doc_md="Stages the night for publishing: its rows and stories as Parquet files, its full-text index "
    "tokenised and stemmed (outside the publish transaction)."
)
def stage() -> dict:
    return _run("stage_rows")


@task(
    doc_md="Audits the staged night: accounting, then Great Expectations. A critical failure stops the "
    "run before anything is published; the results are in dq_results and the Data Docs."
)
def validate() -> dict:
    return _run("validate")


@task(
    pool=CATALOG_POOL,
    outlets=[CORPUS],
    doc_md="Replaces the night in every table of the catalog in one transaction (a new snapshot).",
)
def publish() -> dict:
    return _run("publish")


@task(
    doc_md="Checks that every raw record landed exactly once; records the run's figures; logs the night's "
    "summary and sets the run's note (night, articles, failures); alerts when the night or an "
    "enabled source came back empty."
)
def report() -> dict:
    return _run("report")


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
        "on_success_callback": _on_success,  # the task's peak memory and CPU time, in the work dir
    },
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(minutes=DEADLINE_MINUTES),
        callback=AsyncCallback(
            "akhbar.alerts.on_deadline_missed",
            kwargs={"deadline": f"within {DEADLINE_MINUTES} minutes of being queued"},
        ),
    )
    if DEADLINE_MINUTES > 0
    else None,
    params={
        "reprocess": Param(
            False, type="boolean", description="Rebuild the night from the raw zone; fetch nothing."
        ),
        "night": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Process this night (YYYY-MM-DD) instead of the data interval's.",
        ),
        "sources": Param(
            None,
            type=["null", "string"],
            description="Source registry path (default AKHBAR_SOURCES); it must enable the sources "
            "of the registry the DAG was parsed with.",
        ),
        "data_dir": Param(None, type=["null", "string"], description="Data dir (default AKHBAR_DATA_DIR)."),
    },
)
def akhbar_nightly():
    checked = list_sources(SOURCE_IDS)
    extracted = [_source_group(source_id, checked) for source_id in SOURCE_IDS]
    night = frequencies()
    checked >> night
    extracted >> night
    enriched = enrich.expand(shard_id=night)
    enriched >> deduplicate() >> stories() >> stage() >> validate() >> publish() >> report()


# One group per source of the registry: its extraction starts when its own fetch ends, and its
# failure stays inside it. (Airflow 3.3 cannot map tasks inside a mapped task group, so the groups
# come from the registry, read when the DAG is parsed, and the shards are mapped inside each.)
def _source_group(source_id: str, checked):
    """The source's task group: fetch after the registry check, cut, then extract_clean per shard."""
    with TaskGroup(group_id=source_id, tooltip=f"source {source_id}: fetch, cut, extract_clean per shard"):
        shards = cut(source_id)
        checked >> fetch(source_id) >> shards
        return extract_clean.expand(shard_id=shards)


akhbar_nightly()
