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
