"""make run's view of `airflow dags test`: a line per task, each task's lines in its own log file."""

from __future__ import annotations

import io

from akhbar.local_run import Progress

RUN = "manual__2026-12-01T11:41:02.557007+00:00"


def line(event: str, logger: str, level: str = "info", rest: str = "") -> str:
    return f"2026-12-01T11:42:33.458078Z [{level:<9}] {event} [{logger}]{rest}"


def task(task_id: str, map_index: int, what: str, figures: str, state: str = "success") -> list[str]:
    return [
        line(f"[DAG TEST] starting task_id={task_id} map_index={map_index}", "airflow.sdk.definitions.dag"),
        line(
            f"[DAG TEST] running task <TaskInstance: akhbar_nightly.{task_id} {RUN} [TaskInstanceState.SCHEDULED]>",
            "airflow.sdk.definitions.dag",
        ),
        line(f"night 2026-11-28, run {RUN}: {what}", "akhbar.tasks"),
        line(f"{what.replace(' ', ':')}: {figures} (0.09s)", "akhbar.pipeline"),
        line(
            "Task instance state updated",
            "airflow.api_fastapi.execution_api.routes.task_instances",
            rest=f" new_state={state} rows_affected=1",
        ),
        line(f"[DAG TEST] end task task_id={task_id} map_index={map_index}", "airflow.sdk.definitions.dag"),
    ]


def test_a_line_per_task_and_each_tasks_log_where_the_ui_reads_it(tmp_path):
    out = io.StringIO()
    progress = Progress(log_dir=tmp_path, out=out)
    lines = (
        task("fetch", 0, "fetch tunis-akhbar", "in=10 out=10 rejected=0 duplicates=0")
        + ["a continuation line of a multi-line message"]
        + task("dedup", -1, "dedup", "in=37 out=34 rejected=0 duplicates=3")
        + task("validate", -1, "validate", "in=37 out=37 rejected=0 duplicates=0", state="failed")
        + [
            line(
                f"DagRun Finished: dag_id=akhbar_nightly, run_id={RUN}, state=failed, run_type=manual",
                "airflow.models.dagrun.DagRun",
            )
        ]
    )
    for text in lines:
        progress.feed(text)
    printed = out.getvalue().splitlines()
    assert [p.split()[:3] for p in printed] == [
        ["ok", "fetch", "tunis-akhbar"],
        ["ok", "dedup", "0.0s"],
        ["FAILED", "validate", "0.0s"],
    ]
    assert printed[0].endswith("10 in, 10 out") and printed[1].endswith("37 in, 34 out, 3 duplicates")
    assert progress.final_state == "failed" and progress.run_id == RUN
    fetch_log = (
        tmp_path
        / "dag_id=akhbar_nightly"
        / f"run_id={RUN}"
        / "task_id=fetch"
        / "map_index=0"
        / "attempt=1.log"
    )
    assert fetch_log.read_text(encoding="utf-8").splitlines() == task(
        "fetch", 0, "fetch tunis-akhbar", "in=10 out=10 rejected=0 duplicates=0"
    )
    dedup_log = tmp_path / "dag_id=akhbar_nightly" / f"run_id={RUN}" / "task_id=dedup" / "attempt=1.log"
    assert "night 2026-11-28" in dedup_log.read_text(encoding="utf-8")
