"""Issue 11: a fetch task cannot run forever: it has an execution_timeout (AKHBAR_FETCH_TIMEOUT_MINUTES)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PARSE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
dag = DagBag(dag_folder=sys.argv[1]).dags["akhbar_nightly"]
fetches = [t for t in dag.tasks if t.task_id.endswith(".fetch")]
timeouts = {t.execution_timeout.total_seconds() if t.execution_timeout else None for t in fetches}
print("RESULT" + json.dumps(sorted(timeouts, key=str) if fetches else "no fetch task"))
"""


@pytest.mark.parametrize("minutes, expected", [(None, 120 * 60), ("7", 7 * 60)])
def test_fetch_task_has_an_execution_timeout(tmp_path, minutes, expected):
    env = {
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/missing/dir/airflow.db",
        "PATH": "/usr/bin:/bin",
    }
    if minutes is not None:
        env["AKHBAR_FETCH_TIMEOUT_MINUTES"] = minutes
    proc = subprocess.run(
        [sys.executable, "-c", PARSE, str(ROOT / "dags")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    assert json.loads(line[len("RESULT") :]) == [expected]  # every source's fetch task
