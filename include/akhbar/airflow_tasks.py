"""Glue between Airflow's task context and the pipeline: the only module that knows both.

Imported inside task functions only, so the DAG file stays cheap to parse.
"""

from __future__ import annotations

import datetime as _dt
import os
import zoneinfo
from pathlib import Path

from akhbar.pipeline import RunContext


def night_of(context) -> _dt.date:
    """The night a run processes: the start of its data interval, in the schedule's timezone."""
    tz = zoneinfo.ZoneInfo(os.environ.get("AKHBAR_TIMEZONE", "Africa/Tunis"))
    start = context.get("data_interval_start") or context.get("logical_date")
    if start is None:  # a manual run with no logical date processes yesterday
        return (_dt.datetime.now(tz) - _dt.timedelta(days=1)).date()
    return start.astimezone(tz).date()


def run_context(context) -> RunContext:
    params = context.get("params") or {}
    kwargs = {}
    if params.get("data_dir"):
        kwargs["data_dir"] = Path(params["data_dir"])
    if params.get("sources"):
        kwargs["sources_path"] = Path(params["sources"])
    night = params.get("night")
    dt = _dt.date.fromisoformat(night) if night else night_of(context)
    return RunContext(dt=dt, run_id=context["run_id"], reprocess=bool(params.get("reprocess")), **kwargs)


def checked_sources(ctx: RunContext, expected: list[str]) -> list[str]:
    """The run's enabled sources, which must be the DAG's own task groups (read from the registry when the
    DAG was parsed): a source without a group would never be fetched, a group without a source never run."""
    from akhbar.config import ConfigError
    from akhbar.pipeline import list_sources

    sources = list_sources(ctx)  # ConfigError on an invalid registry, naming the key
    if sorted(sources) != sorted(expected):
        missing, extra = sorted(set(expected) - set(sources)), sorted(set(sources) - set(expected))
        raise ConfigError(
            f"the registry {ctx.sources_path} enables {sorted(sources)} but this DAG was parsed with "
            f"{sorted(expected)} (not in the registry: {missing}; not in the DAG: {extra}). The dag-processor "
            "re-reads the registry at its next parse; a `sources` param must name a registry with the same sources.")
    return sources


def fail_fast(stage, ctx):
    """Run a stage; a failure that no retry can fix (an invalid registry, a failed quality gate, counts
    that do not add up) fails the task at once, its reason first, instead of being retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from akhbar.config import ConfigError
    from akhbar.pipeline import AccountingError
    from akhbar.quality import QualityGateFailed

    try:
        return stage(ctx)
    except (ConfigError, QualityGateFailed, AccountingError) as exc:
        raise AirflowFailException(f"{type(exc).__name__}: {exc}") from exc


def record_usage(context) -> None:
    """A finished task's peak memory and CPU time, kept with the night's work files
    (``work/dt=<night>/tasks/``): what workers are sized by, and what bench/bench_night.py reports.
    Runs in the task's own process (an on_success_callback); never fails the task."""
    import json
    import logging
    import resource
    import socket

    try:
        ti = context["ti"]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        record = {"task_id": ti.task_id, "map_index": ti.map_index, "try_number": ti.try_number,
                  "hostname": getattr(ti, "hostname", None) or socket.gethostname(), "pid": os.getpid(),
                  "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "cpu_user": usage.ru_utime,
                  "cpu_system": usage.ru_stime}
        folder = run_context(context).work_dir / "tasks"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ti.task_id}.{ti.map_index}.{ti.try_number}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
    except Exception:  # figures only: a task that succeeded stays successful
        logging.getLogger(__name__).warning("could not record the task's resource usage", exc_info=True)
