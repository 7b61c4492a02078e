"""Glue between Airflow's task context and the pipeline: the only module that knows both.

Imported inside task functions only, so the DAG file stays cheap to parse. Every task of
``akhbar_nightly`` goes through :func:`run_stage`: the night it processes is the first line of its log,
libraries log only what needs a look, and a failure that no retry can fix fails at once.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from akhbar.nights import night_of_run

if TYPE_CHECKING:
    from akhbar.pipeline import RunContext

log = logging.getLogger("akhbar.tasks")

# XCom key of the run's note: the plugin's listener (plugins/akhbar_run_notes.py) shows it as the DAG
# run's note in Airflow's UI.
RUN_NOTE_KEY = "run_note"


def night_of(context) -> _dt.date:
    """The night a run processes: its ``night`` param, else the start of its data interval in the
    schedule's timezone (see :mod:`akhbar.nights`)."""
    params = context.get("params") or {}
    return night_of_run(
        data_interval_start=context.get("data_interval_start"),
        logical_date=context.get("logical_date"),
        night_param=params.get("night"),
    )


def run_context(context):
    from akhbar.pipeline import RunContext

    params = context.get("params") or {}
    kwargs = {}
    if params.get("data_dir"):
        kwargs["data_dir"] = Path(params["data_dir"])
    if params.get("sources"):
        kwargs["sources_path"] = Path(params["sources"])
    return RunContext(
        dt=night_of(context), run_id=context["run_id"], reprocess=bool(params.get("reprocess")), **kwargs
    )


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
            "re-reads the registry at its next parse; a `sources` param must name a registry with the same sources."
        )
    return sources


def run_stage(context, stage: str, *args):
    """One task of akhbar_nightly: ``akhbar.pipeline.<stage>(ctx, *args)`` (or :func:`checked_sources`), logged and failed as an
    operator needs (the night first, third-party chatter down, deterministic failures at once)."""
    from akhbar.logs import quiet_third_party

    quiet_third_party()
    night = night_of(context)
    log.info("night %s, run %s: %s", night, context.get("run_id"), " ".join([stage, *map(str, args)]))
    from akhbar import pipeline

    ctx = run_context(context)
    step = checked_sources if stage == "checked_sources" else getattr(pipeline, stage)
    result = fail_fast(step, ctx, *args, context=context)
    if stage == "report":
        after_report(context, result)
    return result


def fail_fast(stage, ctx, *args, context=None):
    """Run a stage; a failure that no retry can fix (an invalid registry, a failed quality gate, counts
    that do not add up, a source path that does not exist) fails the task at once, its reason first,
    instead of being retried; the run's note says so."""
    from airflow.sdk.exceptions import AirflowFailException

    from akhbar.config import ConfigError
    from akhbar.pipeline import AccountingError, SourceFailed
    from akhbar.quality import QualityGateFailed

    try:
        return stage(ctx, *args)
    except (ConfigError, QualityGateFailed, AccountingError, SourceFailed) as exc:
        if isinstance(exc, SourceFailed) and exc.retry_can_help:
            raise
        reason = f"{type(exc).__name__}: {exc}"
        if context is not None and not isinstance(exc, SourceFailed):  # one source does not fail the night
            _push_note(context, f"night {ctx.dt}: failed, {reason}")
        raise AirflowFailException(reason) from exc


def after_report(context, summary: dict) -> None:
    """The readable summary in the report task's log, the run's note, and an alert when the night came
    back empty or an enabled source brought nothing."""
    from akhbar.report import render, run_note

    log.info("summary of the night\n%s", render(summary, examples=False))
    _push_note(context, run_note(summary))
    empty = (summary.get("quality") or {}).get("empty_night") or []
    if empty:
        from akhbar import alerts

        ti = context.get("ti")
        alerts.dispatch(
            alerts.Alert(
                event=alerts.EMPTY_NIGHT,
                dag_id=getattr(ti, "dag_id", "akhbar_nightly"),
                run_id=context.get("run_id", "?"),
                task_id=getattr(ti, "task_id", "report"),
                reason=f"night {summary['dt']}: " + " ".join(empty),
                link=alerts.task_link(context),
            )
        )


def _push_note(context, note: str) -> None:
    ti = context.get("ti")
    if ti is None:
        return
    try:
        ti.xcom_push(key=RUN_NOTE_KEY, value=note[:1000])
    except Exception:  # the note is a view: never fail the task for it
        log.warning("could not record the run's note", exc_info=True)


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
        record = {
            "task_id": ti.task_id,
            "map_index": ti.map_index,
            "try_number": ti.try_number,
            "hostname": getattr(ti, "hostname", None) or socket.gethostname(),
            "pid": os.getpid(),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "cpu_user": usage.ru_utime,
            "cpu_system": usage.ru_stime,
        }
        folder = run_context(context).work_dir / "tasks"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ti.task_id}.{ti.map_index}.{ti.try_number}.json"
        path.write_text(json.dumps(record), encoding="utf-8")
    except Exception:  # figures only: a task that succeeded stays successful
        logging.getLogger(__name__).warning("could not record the task's resource usage", exc_info=True)
