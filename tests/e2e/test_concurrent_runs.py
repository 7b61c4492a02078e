"""Two runs on one data dir at the same time end exactly as if run one after the other.

Two `akhbar run` processes start together, for two nights whose articles overlap (the later night
repeats the earlier night's stories, so deduplicating one depends on the other). `akhbar run` takes
the data dir's runner lock, so the second waits, told who holds it; the catalog then holds exactly
what two runs in turn leave. The in-Airflow case (stages of two runs interleaved) is covered by the
publish, which deduplicates a night again when another night was deduplicated since its own.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from tests.conftest import ROOT
from tests.e2e.catalog import dump
from tests.lakehouse.helpers import NIGHT_TABLES

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHTS = ("2026-11-27", "2026-11-28")
TABLES = list(NIGHT_TABLES)


def akhbar_run(data_dir, night: str, log_dir) -> subprocess.Popen:
    # Output to files, not pipes: a run waiting for the lock is not read while the other runs, and a
    # full pipe would block the run that holds the lock.
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"{night}.log", "w")
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "akhbar"),
            "-v",
            "run",
            "--date",
            night,
            "--data-dir",
            str(data_dir),
            "--no-examples",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "AKHBAR_WRITER_LOCK_TIMEOUT": "1200"},
    )


def finished(proc: subprocess.Popen, log_dir, night: str, timeout: float) -> None:
    code = proc.wait(timeout=timeout)
    assert code == 0, (log_dir / f"{night}.log").read_text()[-3000:]


def snapshot(data_dir) -> dict:
    # Two independent fetches differ in when they fetched, and in nothing else.
    return dump(data_dir, TABLES, exclude={"articles": "EXCLUDE (fetched_at)"})


def test_two_runs_at_once_equal_two_runs_in_turn(tmp_path):
    if not (ROOT / ".venv" / "bin" / "akhbar").exists():
        pytest.skip("the project's venv (make install) is needed to run the akhbar command")
    in_turn, logs = tmp_path / "in_turn", tmp_path / "logs"
    for night in NIGHTS:
        finished(akhbar_run(in_turn, night, logs / "in_turn"), logs / "in_turn", night, 1200)

    together = tmp_path / "together"
    procs = {night: akhbar_run(together, night, logs / "together") for night in reversed(NIGHTS)}
    time.sleep(0.5)
    for night, proc in procs.items():
        finished(proc, logs / "together", night, 2400)
    assert "held by" in "".join((logs / "together" / f"{n}.log").read_text() for n in NIGHTS)
    assert snapshot(together) == snapshot(in_turn)
    published = dump(together, ["published_nights"])["published_nights"]
    assert sorted(str(r[2]) for r in published) == sorted(NIGHTS)


def test_a_waiting_run_names_the_holder(tmp_path):
    from akhbar.lakehouse.lock import WriterBusy, night_runner_lock

    with night_runner_lock(tmp_path, "the first run"), pytest.raises(WriterBusy, match="the first run"):
        with night_runner_lock(tmp_path, "the second run", timeout=0.5):
            pass
