"""The production topology without Docker: CeleryExecutor, PostgreSQL, Redis, two workers.

docker-compose.yaml runs api-server, scheduler, dag-processor, triggerer and Celery workers
on PostgreSQL (metadata, Celery results) and Redis (broker). Docker cannot run on the test
machines, so this test runs the same processes from the venv against PostgreSQL and Redis from
Debian packages (`.ci/services.sh`), all on 127.0.0.1, triggers the nightly DAG through the
REST API and waits (bounded) for it to succeed. Then it checks, in the REST API and in the
metadata DB, that every task went through the Celery queue, that the tasks were spread over
both workers, and that the night was published in the lakehouse catalog as a deployment keeps
it: the catalog's metadata in a PostgreSQL database beside Airflow's (credentials from an Airflow
connection given in the environment, as docker-compose does), its Parquet files on an
S3-compatible server (moto, on loopback).

One machine has one hostname, so each worker gets its own through
``[core] hostname_callable`` (tests/e2e/worker_hostname.py): that is what Airflow records in
``task_instance.hostname``.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.dags.helpers import NIGHT_TASKS
from tests.e2e.conftest import ROOT, VENV_BIN, free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAG_ID = "akhbar_nightly"
NIGHT = "2026-11-28"
WORKERS = ("akhbar-w1", "akhbar-w2")
RUN_TIMEOUT = 20 * 60  # bound on the whole DAG run (two cores, eight Airflow processes)
TERMINAL_FAILURE = {"failed", "up_for_retry", "upstream_failed"}


BUCKET = "akhbar-lakehouse"


# The sample registry cut into shards of two records: a night of ~20 shards, as a large night is of
# many, for the two workers to share.
SHARD_RECORDS = 2


def sharded_registry(folder: Path) -> Path:
    """The sample registry (paths made absolute) with small shards."""
    text = (ROOT / "include" / "config" / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("../../sample/", f"{ROOT / 'sample'}/")
    text = text.replace("defaults:\n", f"defaults:\n  shard_records: {SHARD_RECORDS}\n", 1)
    path = folder / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _topology_env(
    home: Path, data_dir: Path, services, database: str, api_port: int, queue: str, catalog_database: str, s3
) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIRFLOW__", "AKHBAR_", "AIRFLOW_CONN_", "AWS_"))
    }
    pg = services.pg_url(database, driver="postgresql+psycopg2")
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=pg,
        AIRFLOW__CELERY__BROKER_URL=f"{services.redis_url}/0",
        # As docker-compose.yaml: warm workers (akhbar.warm).
        AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS="akhbar.celery_config.CELERY_CONFIG",
        AIRFLOW__CELERY__RESULT_BACKEND="db+" + services.pg_url(database),
        # A queue of our own: a Redis shared with another run never hands our tasks to its workers.
        AIRFLOW__OPERATORS__DEFAULT_QUEUE=queue,
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{api_port}/execution/",
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
        AIRFLOW__API__SECRET_KEY=secrets.token_hex(32),
        AIRFLOW__API__WORKERS="1",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="True",  # REST calls of the test need no login
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="False",
        AKHBAR_DATA_DIR=str(data_dir),
        AKHBAR_SOURCES=str(sharded_registry(home)),
        # The lakehouse as deployed: PostgreSQL catalog through an Airflow connection, files on S3.
        AKHBAR_CATALOG_CONN_ID="akhbar_catalog",
        AIRFLOW_CONN_AKHBAR_CATALOG=services.pg_url(catalog_database),
        AKHBAR_LAKE_ROOT=f"s3://{BUCKET}/akhbar",
        **s3.env(),
        # A schedule whose first interval lies in the future: unpausing creates no scheduled run
        # beside the one this test triggers (catchup is off, max_active_runs is 1).
        AKHBAR_SCHEDULE="0 0 1 1 *",
        GX_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


def _airflow(args: list[str], env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(VENV_BIN / "airflow"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
    )
    assert proc.returncode == 0, (
        f"airflow {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    )
    return proc


def metadata_tables(services, database: str) -> set[str]:
    import psycopg2

    con = psycopg2.connect(services.pg_url(database), connect_timeout=10)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            return {r[0] for r in cur.fetchall()}
    finally:
        con.close()


def _task_logs(home: Path, run_id: str, task_id: str) -> str:
    folder = home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / f"task_id={task_id}"
    parts = []
    for path in sorted(folder.rglob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace")
        parts.append(f"--- {path.relative_to(folder)}:\n{text[-6000:]}")
    return "\n".join(parts) or f"(no log under {folder})"


def test_nightly_dag_on_celery_topology(
    services, pg_database, catalog_database, s3_server, process_group, tmp_path
):
    import httpx
    import psycopg2

    from akhbar import pipeline
    from akhbar.lakehouse.settings import CatalogSettings
    from tests.e2e.catalog import query as catalog_query

    home = tmp_path / "airflow_home"
    home.mkdir()
    data_dir = tmp_path / "data"
    api_port = free_port()
    queue = f"akhbar-e2e-{uuid.uuid4().hex[:8]}"
    env = _topology_env(home, data_dir, services, pg_database, api_port, queue, catalog_database, s3_server)
    s3_server.client().create_bucket(Bucket=BUCKET)
    run_id = f"e2e_celery_{uuid.uuid4().hex[:8]}"
    timings: dict[str, float] = {}
    t0 = time.monotonic()

    def diagnostics() -> str:
        return f"\n(timings so far: {timings})\n{process_group.tails()}"

    # The init service of docker-compose: migrate the metadata DB, create the pools.
    _airflow(["db", "migrate"], env, timeout=900)
    _airflow(["pools", "set", "akhbar_http", "4", "concurrent HTTP fetches"], env)
    _airflow(["pools", "set", "akhbar_catalog", "1", "one catalog writer at a time"], env)
    timings["migrate"] = round(time.monotonic() - t0, 1)

    airflow_bin = str(VENV_BIN / "airflow")
    process_group.start(
        "api-server", [airflow_bin, "api-server", "-H", "127.0.0.1", "-p", str(api_port), "-w", "1"], env
    )
    process_group.start("scheduler", [airflow_bin, "scheduler"], env)
    process_group.start("dag-processor", [airflow_bin, "dag-processor"], env)
    process_group.start("triggerer", [airflow_bin, "triggerer"], env)
    for name in WORKERS:
        worker_env = dict(
            env,
            AKHBAR_E2E_WORKER_NAME=name,
            AIRFLOW__CORE__HOSTNAME_CALLABLE="tests.e2e.worker_hostname.hostname",
        )
        process_group.start(
            name,
            [
                airflow_bin,
                "celery",
                "worker",
                "--celery-hostname",
                f"{name}@%h",
                "--concurrency",
                "2",
                "--skip-serve-logs",
            ],
            worker_env,
        )

    api = httpx.Client(base_url=f"http://127.0.0.1:{api_port}", timeout=30)
    try:

        def api_ready():
            process_group.check_alive()
            return api.get("/api/v2/version").status_code == 200

        wait_until(api_ready, timeout=300, interval=1, what="api-server /api/v2/version")
        timings["api_ready"] = round(time.monotonic() - t0, 1)

        def workers_ready():
            process_group.check_alive()
            return all(" ready." in process_group.log_text(name) for name in WORKERS)

        wait_until(workers_ready, timeout=300, interval=1, what="both Celery workers ready")
        timings["workers_ready"] = round(time.monotonic() - t0, 1)

        def dag_parsed():
            process_group.check_alive()
            return api.get(f"/api/v2/dags/{DAG_ID}").status_code == 200

        wait_until(dag_parsed, timeout=300, interval=2, what=f"{DAG_ID} parsed by the dag-processor")
        timings["dag_parsed"] = round(time.monotonic() - t0, 1)

        r = api.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False})
        assert r.status_code == 200, r.text
        r = api.post(
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            json={"dag_run_id": run_id, "logical_date": None, "conf": {"night": NIGHT}},
        )
        assert r.status_code in (200, 201), r.text

        def task_instances() -> list[dict]:
            r = api.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
            r.raise_for_status()
            return r.json()["task_instances"]

        def run_finished():
            process_group.check_alive()
            for ti in task_instances():
                if ti["state"] in TERMINAL_FAILURE:
                    raise AssertionError(
                        f"task {ti['task_id']}[{ti['map_index']}] is {ti['state']} on {ti.get('hostname')}:\n"
                        f"{_task_logs(home, run_id, ti['task_id'])}"
                    )
            state = api.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}").json()["state"]
            return state if state in ("success", "failed") else None

        try:
            state = wait_until(
                run_finished, timeout=RUN_TIMEOUT, interval=3, what=f"dag run {run_id} finished"
            )
        except (AssertionError, TimeoutError, RuntimeError) as exc:
            pytest.fail(f"{exc}{diagnostics()}")
        timings["run_finished"] = round(time.monotonic() - t0, 1)
        assert state == "success", diagnostics()

        # REST API: every task instance succeeded on one of our two workers.
        tis = task_instances()
        assert all(ti["state"] == "success" for ti in tis), [(ti["task_id"], ti["state"]) for ti in tis]
        hostnames = Counter(ti["hostname"] for ti in tis)
        registry = Path(env["AKHBAR_SOURCES"])
        expected_sources = pipeline.list_sources(
            pipeline.RunContext(dt=_dt.date.fromisoformat(NIGHT), data_dir=data_dir, sources_path=registry)
        )
        fetch_tis = [ti for ti in tis if ti["task_id"].endswith(".fetch")]
        extract_tis = [ti for ti in tis if ti["task_id"].endswith(".extract_clean")]
        enrich_tis = [ti for ti in tis if ti["task_id"] == "enrich"]
        processing_tis = [
            ti for ti in tis if not ti["task_id"].endswith(".fetch") and ti["task_id"] != "list_sources"
        ]
        assert len(fetch_tis) == len(expected_sources) > 1
        assert {ti["task_id"].rpartition(".")[2] for ti in processing_tis} == {
            "cut",
            "extract_clean",
            *NIGHT_TASKS,
        }
        # The night was cut into shards, each extracted and enriched by a mapped task instance of its own.
        shards = [ti["rendered_map_index"] for ti in extract_tis]
        assert len(shards) == len(set(shards)) > 2 * len(expected_sources), shards
        assert sorted(ti["rendered_map_index"] for ti in enrich_tis) == sorted(shards)
        assert set(hostnames) <= set(WORKERS), hostnames
        assert set(hostnames) == set(WORKERS), f"all tasks ran on one worker: {hostnames}"
        # Four fetches are queued at once (pool akhbar_http) and a worker reserves at most its
        # concurrency (2; Airflow's Celery prefetch multiplier is 1): the fetches must use both.
        assert {ti["hostname"] for ti in fetch_tis} == set(WORKERS), fetch_tis
        # The shards of the night spread over both workers: each ran extraction shards.
        extract_hosts = Counter(ti["hostname"] for ti in extract_tis)
        assert set(extract_hosts) == set(WORKERS), (
            f"extraction shards ran on one worker only: {extract_hosts}"
        )
        print(
            f"\ntasks per worker: {dict(hostnames)}; "
            f"fetch: {dict(Counter(ti['hostname'] for ti in fetch_tis))}; "
            f"extract_clean shards: {dict(extract_hosts)}; "
            f"enrich shards: {dict(Counter(ti['hostname'] for ti in enrich_tis))}; "
            f"processing: {dict(Counter(ti['hostname'] for ti in processing_tis))}; timings: {timings}"
        )

        # Metadata DB: the same hostnames, our Celery queue, all successful.
        def metadata(sql: str, params: tuple = ()) -> list[tuple]:
            con = psycopg2.connect(services.pg_url(pg_database), connect_timeout=10)
            try:
                with con.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.fetchall()
            finally:
                con.close()

        rows = metadata(
            "SELECT task_id, map_index, hostname, queue, state FROM task_instance "
            "WHERE dag_id = %s AND run_id = %s",
            (DAG_ID, run_id),
        )
        assert len(rows) == len(tis)
        assert Counter(r[2] for r in rows) == hostnames
        assert {r[3] for r in rows} == {queue}
        assert {r[4] for r in rows} == {"success"}

        # Each worker's own log agrees: it executed exactly as many Celery tasks as Airflow recorded
        # under its name, and each is one of Celery's results in PostgreSQL. A task instance is marked
        # successful a moment before its Celery task returns, so wait (bounded) for the last one.
        def celery_agrees():
            celery_ids = {
                r[0] for r in metadata("SELECT task_id FROM celery_taskmeta WHERE status = 'SUCCESS'")
            }
            done = {
                name: re.findall(
                    r"Task execute_workload\[([0-9a-f-]+)\] succeeded", process_group.log_text(name)
                )
                for name in WORKERS
            }
            return all(len(done[n]) == hostnames[n] and set(done[n]) <= celery_ids for n in WORKERS) and done

        try:
            wait_until(
                celery_agrees, timeout=120, interval=1, what="Celery results matching the task instances"
            )
        except TimeoutError as exc:
            pytest.fail(f"{exc}: task instances per worker {dict(hostnames)}{diagnostics()}")

        # The catalog holds the night's articles, and the run's figures: its metadata in PostgreSQL,
        # its files on the S3 server, nothing of it on the local disk.
        settings = CatalogSettings.from_env(data_dir, env=env)
        assert settings.kind == "postgres" and settings.data_path.startswith(f"s3://{BUCKET}/")
        n_articles = catalog_query(data_dir, "SELECT count(*) FROM articles WHERE dt = ?", [NIGHT], env=env)[
            0
        ][0]
        assert n_articles > 0
        stages = dict(
            catalog_query(data_dir, "SELECT stage, details FROM runs WHERE run_id = ?", [run_id], env=env)
        )
        assert {"extract", "clean", "enrich", "dedup", "stage", "validate", "publish", "report"} <= set(
            stages
        ), sorted(stages)
        assert len([s for s in stages if s.startswith("fetch:")]) == len(expected_sources)
        report = json.loads(stages["report"])
        assert report["balanced"] is True
        assert report["articles"] == n_articles
        assert metadata_tables(services, catalog_database) >= {"ducklake_snapshot", "ducklake_data_file"}
        objects = [
            o["Key"]
            for page in s3_server.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for o in page.get("Contents", [])
        ]
        assert any("/main/" in k or "/_staging/" in k for k in objects), objects[:5]
        registered = catalog_query(
            data_dir, "SELECT count(*) FROM ducklake_list_files('akhbar', 'articles')", env=env
        )[0][0]
        assert registered > 0
        assert not (data_dir / "lakehouse").exists()
        assert not (data_dir / "catalog.sqlite").exists()
    finally:
        api.close()
