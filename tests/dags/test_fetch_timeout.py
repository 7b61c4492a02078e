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
timeout = dag.get_task("fetch").execution_timeout
print("RESULT" + json.dumps(timeout.total_seconds() if timeout else None))
"""


@pytest.mark.parametrize("minutes, expected", [(None, 120 * 60), ("7", 7 * 60)])
def test_fetch_task_has_an_execution_timeout(tmp_path, minutes, expected):
    env = {"AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/missing/dir/airflow.db",
           "PATH": "/usr/bin:/bin"}
    if minutes is not None:
        env["AKHBAR_FETCH_TIMEOUT_MINUTES"] = minutes
    proc = subprocess.run([sys.executable, "-c", PARSE, str(ROOT / "dags")], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    assert json.loads(line[len("RESULT"):]) == expected
