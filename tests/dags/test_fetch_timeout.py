"""Issue 11: a fetch task cannot run forever: it has an execution_timeout (AKHBAR_FETCH_TIMEOUT_MINUTES)."""

from __future__ import annotations

import pytest

from tests.dags.helpers import parse_dags

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
    extra = {} if minutes is None else {"AKHBAR_FETCH_TIMEOUT_MINUTES": minutes}
    assert parse_dags(PARSE, tmp_path, extra) == [expected]  # every source's fetch task
