"""``make run``: one night of akhbar_nightly through ``airflow dags test``, shown as it goes.

``airflow dags test`` runs every task in its own process and prints several hundred lines. Run through
this module it:

* starts the run now with the night as its ``night`` param. Given a logical date in the past, Airflow
  takes that date as the run's start, and the UI then shows a first run lasting days, which squashes
  every later run in the duration chart;
* prints a line per task as it ends (state, seconds, the stage's figures) and akhbar's progress lines,
  and keeps the whole output in a file;
* writes each task's lines into that task's log file under ``AIRFLOW_HOME/logs``, where the UI reads
  task logs (``airflow dags test`` runs tasks in-process and writes no log file).

Usage: ``python -m akhbar.local_run NIGHT [--log FILE]``; exits 1 when the run did not succeed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

DAG_ID = "akhbar_nightly"
# A structlog console line: timestamp, [level], event, [logger], key=value...
LINE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\S+) \[(?P<level>\w+)\s*\] (?P<event>.*?) \[(?P<logger>[\w.]+)\](?P<rest>.*)$"
)
START = re.compile(r"\[DAG TEST\] starting task_id=(?P<task>\S+) map_index=(?P<map>-?\d+)")
RUNNING = re.compile(r"\[DAG TEST\] running task <TaskInstance: \S+ (?P<run_id>\S+)")
END = re.compile(r"\[DAG TEST\] end task task_id=(?P<task>\S+) map_index=(?P<map>-?\d+)")
NEW_STATE = re.compile(r"new_state=(?P<state>\w+)")
FINISHED = re.compile(r"DagRun Finished: .*?run_id=(?P<run_id>[^,]+),.*?state=(?P<state>\w+)")
FIGURES = re.compile(
    r": in=(?P<in>\d+) out=(?P<out>\d+) rejected=(?P<rejected>\d+) duplicates=(?P<duplicates>\d+)"
)


@dataclass
class TaskLines:
    task_id: str
    map_index: int
    started: float
    lines: list[str] = field(default_factory=list)
    what: str = ""  # the task's first akhbar line: "fetch tunis-akhbar"
    figures: str = ""  # the stage's counts line
    state: str = "?"


@dataclass
class Progress:
    """Reads `airflow dags test` output line by line: what to print, and each task's lines."""

    log_dir: Path
    out: TextIO = sys.stdout
    run_id: str | None = None
    final_state: str | None = None
    current: TaskLines | None = None
    attempts: dict[tuple[str, int], int] = field(default_factory=dict)  # (task id, map index) -> attempts

    def feed(self, line: str) -> None:
        m = LINE.match(line)
        event, logger, level = (m["event"], m["logger"], m["level"]) if m else (line, "", "")
        if (s := START.search(event)) is not None:
            self.current = TaskLines(s["task"], int(s["map"]), time.monotonic())
        if self.current is not None:
            self.current.lines.append(line)
            self._note(self.current, event, logger, m)
        elif level in ("error", "critical"):
            self._print(f"  {event}")
        if (r := RUNNING.search(event)) is not None and self.run_id is None:
            self.run_id = r["run_id"]
        if END.search(event) and self.current is not None:
            self._end(self.current)
            self.current = None
        if (f := FINISHED.search(event)) is not None:
            self.run_id, self.final_state = f["run_id"], f["state"]

    def _note(self, task: TaskLines, event: str, logger: str, m: re.Match[str] | None) -> None:
        if logger == "akhbar.tasks" and not task.what and ": " in event:
            task.what = event.split(": ", 1)[1]
        elif logger == "akhbar.pipeline" and (f := FIGURES.search(event)) is not None:
            task.figures = f"{f['in']} in, {f['out']} out" + "".join(
                f", {f[k]} {k}" for k in ("rejected", "duplicates") if f[k] != "0"
            )
        elif logger == "akhbar.progress":
            self._print(f"    {event}")
        if (st := NEW_STATE.search(m["rest"] if m else event)) is not None:
            task.state = st["state"]
        if m and m["level"] in ("error", "critical"):
            self._print(f"    {m['level'].upper()}: {event}")

    def _end(self, task: TaskLines) -> None:
        seconds = time.monotonic() - task.started
        name = task.what or (task.task_id + (f"[{task.map_index}]" if task.map_index >= 0 else ""))
        mark = "ok" if task.state == "success" else task.state.upper()
        self._print(f"  {mark:<6} {name:<34} {seconds:5.1f}s  {task.figures}".rstrip())
        self._write_task_log(task)

    def _write_task_log(self, task: TaskLines) -> None:
        if not self.run_id:
            return
        key = (task.task_id, task.map_index)
        self.attempts[key] = self.attempts.get(key, 0) + 1
        # Airflow's default log_filename_template.
        folder = self.log_dir / f"dag_id={DAG_ID}" / f"run_id={self.run_id}" / f"task_id={task.task_id}"
        if task.map_index >= 0:
            folder = folder / f"map_index={task.map_index}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"attempt={self.attempts[key]}.log").write_text(
            "\n".join(task.lines) + "\n", encoding="utf-8"
        )

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def run(night: str, log_path: Path) -> int:
    home = Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow"))
    airflow = Path(sys.executable).with_name("airflow")
    cmd = [str(airflow), "dags", "test", DAG_ID, "-c", json.dumps({"night": night})]
    env = {**os.environ, "AKHBAR_DEADLINE_MINUTES": "0"}  # dags test cannot run a deadline alert (3.3.2)
    progress = Progress(log_dir=home / "logs")
    print(
        f"akhbar_nightly, night {night}: `airflow dags test` (about two minutes; full log in {log_path})",
        flush=True,
    )
    started = time.monotonic()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        ) as proc,
    ):
        assert proc.stdout is not None  # stdout=PIPE
        for line in proc.stdout:
            log.write(line)
            progress.feed(line.rstrip("\n"))
    ok = proc.returncode == 0 and progress.final_state == "success"
    print(
        f"run {progress.run_id}: {progress.final_state or 'not finished'} in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    if not ok:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        print(f"airflow dags test did not succeed: full log in {log_path}", file=sys.stderr)
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akhbar.local_run", description=__doc__.split("\n\n")[0])
    parser.add_argument("night", help="YYYY-MM-DD")
    parser.add_argument("--log", type=Path, default=None, help="where the full output goes")
    args = parser.parse_args(argv)
    home = Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow"))
    return run(args.night, args.log or home / "last-run.log")


if __name__ == "__main__":
    sys.exit(main())
