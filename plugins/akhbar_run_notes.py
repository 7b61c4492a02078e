"""Airflow plugin: each akhbar_nightly run says in its note which night it processed and what landed.

A DAG-run listener, called where the run changes state (the scheduler; ``airflow dags test`` in-process):
when a run starts its note says its night; when it ends, the note the ``report`` task pushed
("night 2026-11-26: 11 articles, 0 critical failures"), or the failure a task pushed when it failed for
good, or which tasks failed. A note written by a person is never replaced. Airflow's UI shows the note on
the run's page and in the runs list.

Nothing heavy is imported: the scheduler loads this module.
"""

from __future__ import annotations

import logging
import sys
from typing import ClassVar

from airflow.listeners import hookimpl
from airflow.plugins_manager import AirflowPlugin

log = logging.getLogger(__name__)

DAG_IDS = ("akhbar_nightly",)
NOTE_KEY = "run_note"  # akhbar.airflow_tasks.RUN_NOTE_KEY
OURS = "night "  # notes this plugin writes start so; any other note is a person's


@hookimpl
def on_dag_run_running(dag_run, msg: str):
    _set_note(dag_run, running=True)


@hookimpl
def on_dag_run_success(dag_run, msg: str):
    _set_note(dag_run)


@hookimpl
def on_dag_run_failed(dag_run, msg: str):
    _set_note(dag_run)


def _set_note(dag_run, *, running: bool = False) -> None:
    if dag_run.dag_id not in DAG_IDS:
        return
    try:
        from airflow import settings
        from airflow.models.dagrun import DagRunNote
        from sqlalchemy.orm import object_session

        # The scheduler's session holds the run; `airflow dags test` hands over a detached run, and its
        # thread's scoped session is the one it commits.
        session = object_session(dag_run)
        if session is None:
            assert settings.Session is not None  # Airflow sets up its ORM before any listener runs
            session = settings.Session()
        row = session.get(DagRunNote, dag_run.id)
        if row is not None and (row.user_id or not (row.content or "").startswith(OURS)):
            return
        text = _note(dag_run, session, running=running)[:1000]
        if row is None:
            row = DagRunNote(content=text)
            row.dag_run_id = dag_run.id
            session.add(row)
        else:
            row.content = text
    except Exception:  # a note is a view: it never gets in the way of the run
        log.warning("could not set the note of %s %s", dag_run.dag_id, dag_run.run_id, exc_info=True)


def _note(dag_run, session, *, running: bool) -> str:
    from akhbar.nights import night_of_run

    night = night_of_run(
        data_interval_start=dag_run.data_interval_start,
        logical_date=dag_run.logical_date,
        night_param=(dag_run.conf or {}).get("night"),
    )
    if running:
        return f"night {night}: running"
    pushed = _pushed_note(dag_run, session)
    if pushed:
        return pushed
    if str(dag_run.state) in ("failed", "DagRunState.FAILED"):
        failed = sorted({ti.task_id for ti in dag_run.get_task_instances(state=["failed"], session=session)})
        return f"night {night}: failed at {', '.join(failed) or 'a task'} (see its log)"
    return f"night {night}"


def _pushed_note(dag_run, session) -> str | None:
    """The latest note a task of this run pushed (XCom ``run_note``)."""
    from airflow.models.xcom import XComModel

    rows = session.scalars(
        XComModel.get_many(run_id=dag_run.run_id, key=NOTE_KEY, dag_ids=dag_run.dag_id)
    ).all()
    if not rows:
        return None
    latest = max(rows, key=lambda x: x.timestamp)
    value = XComModel.deserialize_value(latest)
    return str(value) if value else None


class AkhbarRunNotesPlugin(AirflowPlugin):
    name = "akhbar_run_notes"
    # AirflowPlugin types its class-level lists as instance variables: a ClassVar here is what they are.
    listeners: ClassVar[list] = [sys.modules[__name__]]  # type: ignore[misc]  # the hooks above
