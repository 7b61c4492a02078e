"""A whole night, end to end, in-process and through Airflow: what sharding costs and what it buys.

    .venv/bin/python -m bench.bench_night                          # 100,000 raw records, every mode
    .venv/bin/python -m bench.bench_night --records 100000 1000000
    .venv/bin/python -m bench.bench_night --modes inprocess celery1 celery2 --shard-records 20000

The night is built from the real corpora in ../shared/corpus (bench/night_corpus.py: Arabic, French
and English sentences of real articles in JSONL and TREC dumps and a WARC crawl of HTML pages, with
copies, edited copies and broken records), once per size, under ``--dir`` (default
/tmp/akhbar-bench-night). Each mode publishes it into a fresh data dir:

* ``inprocess``: ``akhbar run``'s steps in one process (``pipeline.run_night``), shard after shard;
* ``local``: the nightly DAG through Airflow with the LocalExecutor (two task slots);
* ``celery1``, ``celery2``: the CeleryExecutor with one, then two workers of one task slot each (a
  worker per core: the two-worker run is what a second machine adds).

Airflow runs as deployed (PostgreSQL metadata, Redis broker from ``.ci/services.sh``, api-server,
scheduler, dag-processor, triggerer). Printed for each: wall time; CPU time of everything involved
(the in-process run's process; every process of the Airflow deployment, idle polling included); the
seconds and CPU of each stage; the peak memory (RSS) of each task, which each task records itself
(``akhbar.airflow_tasks.record_usage``; in-process, the process's high-water mark when each step
ends); Airflow's overhead (its CPU time against the in-process
run's); the speed-up of two workers over one. On a shared machine the wall-clock figures move with
the load, which is printed before and after each run: the CPU figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.airflow_topology import DAG_ID, ROOT, Deployment, services, wait_until
from bench.night_corpus import NIGHT, build_night, sentence_pools

MODES = ("inprocess", "local", "celery1", "celery2")
# The stages the tables show, in order, each with the pipeline function the in-process run times.
STAGE_FUNCTIONS = {
    "fetch": "fetch",
    "cut": "cut",
    "extract_clean": "extract_clean_shard",
    "frequencies": "frequencies",
    "enrich": "enrich_shard",
    "dedup": "dedup",
    "stories": "stories",
    "stage": "stage_rows",
    "validate": "validate",
    "publish": "publish",
    "report": "report",
}
STAGES = tuple(STAGE_FUNCTIONS)
RUN_TIMEOUT = 4 * 3600


# --------------------------------------------------------------------------- in-process
def _driver(registry: str, data_dir: str, out: str) -> None:
    """In a child process: run_night, with the wall and CPU time of each step recorded."""
    from akhbar import pipeline
    from akhbar.pipeline import RunContext

    figures: dict = defaultdict(lambda: {"seconds": 0.0, "cpu": 0.0, "calls": 0})

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                f = figures[name]
                f["seconds"] += time.perf_counter() - wall
                f["cpu"] += time.process_time() - cpu
                f["calls"] += 1
                # The process's high-water mark when the step ends: the first step to raise it is
                # the one that sets the in-process peak.
                f["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        return wrapper

    for name, attr in STAGE_FUNCTIONS.items():
        setattr(pipeline, attr, timed(name, getattr(pipeline, attr)))
    summary = pipeline.run_night(RunContext(dt=NIGHT, data_dir=Path(data_dir), sources_path=Path(registry)))
    Path(out).write_text(json.dumps({"stages": figures, "accounting": summary["accounting"]}, default=str))


def run_inprocess(registry: Path, data_dir: Path) -> dict:
    out = data_dir.parent / f"{data_dir.name}.inprocess.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), GX_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_night", "--driver", str(registry), str(data_dir), str(out)],
        cwd=str(ROOT),
        env=env,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status:
        raise RuntimeError(f"in-process run failed (status {status})")
    result = json.loads(out.read_text())
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "stages": result["stages"],
        "accounting": result["accounting"],
    }


# --------------------------------------------------------------------------- Airflow
def _api(deployment: Deployment):
    import httpx

    return httpx.Client(base_url=f"http://127.0.0.1:{deployment.api_port}", timeout=60)


def _trigger_and_wait(deployment: Deployment, api) -> tuple[dict, list[dict]]:
    run_id = f"bench_{deployment.executor}_{deployment.workers}_{int(time.time())}"
    wait_until(
        lambda: (deployment.check_alive(), api.get(f"/api/v2/dags/{DAG_ID}").status_code == 200)[1],
        timeout=900,
        interval=2,
        what="the DAG parsed",
    )
    api.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).raise_for_status()
    r = api.post(
        f"/api/v2/dags/{DAG_ID}/dagRuns",
        json={"dag_run_id": run_id, "logical_date": None, "conf": {"night": NIGHT.isoformat()}},
    )
    r.raise_for_status()

    def finished():
        deployment.check_alive()
        state = api.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}").json()
        return state if state["state"] in ("success", "failed") else None

    run = wait_until(finished, timeout=RUN_TIMEOUT, interval=5, what=f"run {run_id}")
    tis = api.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 10000}).json()
    return run, tis["task_instances"]


def _seconds(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()


def _stage_of(task_id: str) -> str:
    name = task_id.rpartition(".")[2]
    return {"deduplicate": "dedup", "list_sources": "cut"}.get(name, name)


def _task_figures(tis: list[dict], data_dir: Path) -> dict:
    """Per stage: task instances, their summed duration, the tasks' own CPU and their largest peak RSS."""
    usage = {}
    for path in (data_dir / "work" / f"dt={NIGHT.isoformat()}" / "tasks").glob("*.json"):
        u = json.loads(path.read_text())
        usage[(u["task_id"], u["map_index"])] = u  # the last try
    stages: dict = defaultdict(
        lambda: {
            "tasks": 0,
            "seconds": 0.0,
            "cpu": 0.0,
            "peak_rss_mib": 0.0,
            "peak_task": None,
            "hosts": defaultdict(int),
        }
    )
    for ti in tis:
        s = stages[_stage_of(ti["task_id"])]
        s["tasks"] += 1
        s["seconds"] += _seconds(ti.get("start_date"), ti.get("end_date"))
        s["hosts"][ti.get("hostname") or "?"] += 1
        u = usage.get((ti["task_id"], ti["map_index"]))
        if u:
            s["cpu"] += u["cpu_user"] + u["cpu_system"]
            if u["peak_rss_mib"] >= s["peak_rss_mib"]:
                s["peak_rss_mib"], s["peak_task"] = u["peak_rss_mib"], f"{ti['task_id']}[{ti['map_index']}]"
    return stages


def run_airflow(mode: str, registry: Path, data_dir: Path, home: Path) -> dict:
    executor, workers = {
        "local": ("LocalExecutor", 2),
        "celery1": ("CeleryExecutor", 1),
        "celery2": ("CeleryExecutor", 2),
    }[mode]
    deployment = Deployment(home, executor, workers, registry, data_dir)
    svc = services()
    try:
        deployment.up(svc)
        with _api(deployment) as api:
            wait_until(
                lambda: (deployment.check_alive(), api.get("/api/v2/version").status_code == 200)[1],
                timeout=900,
                interval=2,
                what="the api-server",
            )
            if executor == "CeleryExecutor":
                wait_until(
                    lambda: all(
                        " ready." in (home / f"worker{i + 1}.log").read_text(errors="replace")
                        for i in range(workers)
                    ),
                    timeout=900,
                    interval=2,
                    what="the workers",
                )
            cpu_before = deployment.cpu_by_process()
            run, tis = _trigger_and_wait(deployment, api)
            cpu_after = deployment.cpu_by_process()
            by_process = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    finally:
        deployment.down(svc)
    if run["state"] != "success":
        failed = [(t["task_id"], t["map_index"], t["state"]) for t in tis if t["state"] != "success"]
        raise RuntimeError(f"{mode}: the run {run['dag_run_id']} {run['state']}: {failed[:10]}")
    stages = _task_figures(tis, data_dir)
    return {
        "wall": _seconds(run["start_date"], run["end_date"]),
        "cpu": sum(by_process.values()),
        "cpu_by_process": by_process,
        "task_cpu": sum(s["cpu"] for s in stages.values()),
        "peak_rss_mib": max(s["peak_rss_mib"] for s in stages.values()),
        "stages": stages,
        "tasks": len(tis),
    }


# --------------------------------------------------------------------------- report
def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def report(records: int, results: dict, shard_records: int) -> None:
    print(f"\n=== night of {records:,} raw records, shards of {shard_records:,} ===")
    print(f"{'mode':<11} {'wall s':>8} {'CPU s':>8} {'tasks':>6} {'peak task MiB':>14}  load before/after")
    for mode, r in results.items():
        print(
            f"{mode:<11} {r['wall']:>8.0f} {r['cpu']:>8.0f} {r.get('tasks', 1):>6} {r['peak_rss_mib']:>14.0f}  "
            f"{r['load_before']} / {r['load_after']}"
        )
    print(f"\n{'stage':<14}" + "".join(f"{m:>22}" for m in results))
    for stage in STAGES:
        row = ""
        for r in results.values():
            s = r["stages"].get(stage)
            row += f"{(s['seconds'] if s else 0):>9.0f}s {(s['cpu'] if s else 0):>6.0f}cpu {(s.get('peak_rss_mib', 0) if s else 0):>4.0f}M"
        print(f"{stage:<14}{row}")
    base = results.get("inprocess")
    for mode in ("local", "celery1", "celery2"):
        if base and mode in results:
            r = results[mode]
            print(
                f"Airflow overhead, {mode} against in-process: CPU {100 * (r['cpu'] / base['cpu'] - 1):+.1f}% "
                f"(the tasks' own CPU {100 * (r['task_cpu'] / base['cpu'] - 1):+.1f}%), "
                f"wall {100 * (r['wall'] / base['wall'] - 1):+.1f}%"
            )
    if "celery1" in results and "celery2" in results:
        print(
            f"two workers against one: {results['celery1']['wall'] / results['celery2']['wall']:.2f}x (wall)"
        )
    for mode, r in results.items():
        if mode != "inprocess":
            print(
                f"{mode}: CPU by process (tasks included under their executor): "
                + ", ".join(f"{n} {c:.0f}" for n, c in r["cpu_by_process"].items())
            )
            hosts = {
                stage: dict(s["hosts"])
                for stage, s in r["stages"].items()
                if stage in ("extract_clean", "enrich")
            }
            print(
                f"{mode}: shards per worker {hosts}; largest task {max(r['stages'].values(), key=lambda s: s['peak_rss_mib'])['peak_task']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--shard-records", type=int, default=None, help="default: the registry's default")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/akhbar-bench-night"))
    parser.add_argument("--keep", action="store_true", help="keep each mode's data dir")
    parser.add_argument("--driver", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        _driver(*args.driver)
        return 0
    from akhbar.config import SourceSettings

    shard_records = args.shard_records or SourceSettings().shard_records
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {_load()}"
    )
    args.dir.mkdir(parents=True, exist_ok=True)
    pools_file = args.dir / "sentence-pools.pickle"
    if not pools_file.exists():
        pools_file.write_bytes(pickle.dumps(sentence_pools()))
    pools = pickle.loads(pools_file.read_bytes())
    print("sentences:", {lang: len(p) for lang, p in pools.items()})
    for records in args.records:
        started = time.perf_counter()
        registry = build_night(records, args.dir / f"night-{records}", shard_records, pools)
        print(f"night of {records:,} built in {time.perf_counter() - started:.0f} s: {registry.parent}")
        results = {}
        for mode in args.modes:
            data_dir = args.dir / f"data-{records}-{mode}"
            shutil.rmtree(data_dir, ignore_errors=True)
            before = _load()
            if mode == "inprocess":
                results[mode] = run_inprocess(registry, data_dir)
            else:
                home = args.dir / f"airflow-{records}-{mode}"
                shutil.rmtree(home, ignore_errors=True)
                results[mode] = run_airflow(mode, registry, data_dir, home)
            results[mode].update(load_before=before, load_after=_load())
            print(
                f"{mode}: wall {results[mode]['wall']:.0f} s, CPU {results[mode]['cpu']:.0f} s, "
                f"peak task {results[mode]['peak_rss_mib']:.0f} MiB ({before} -> {_load()})",
                flush=True,
            )
            (args.dir / f"result-{records}-{mode}.json").write_text(
                json.dumps(results[mode], default=str, indent=1)
            )
            if not args.keep:
                shutil.rmtree(data_dir, ignore_errors=True)
        report(records, results, shard_records)
    print(f"\nbenchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
