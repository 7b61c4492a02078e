"""What the DAG tests share: parsing the DAG folder in a child process without a metadata DB, and the
tasks of the nightly DAG that run once a night after the per-source ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# The nightly DAG's night-wide tasks, in their order (each source's fetch, cut and extract_clean first).
NIGHT_TASKS = ("frequencies", "enrich", "deduplicate", "stories", "stage", "validate", "publish", "report")


def parse_dags(script: str, home: Path, extra_env: dict[str, str] | None = None):
    """What ``script`` prints after ``RESULT`` (as JSON), run on the DAG folder in a child Python whose
    metadata DB cannot be reached: parsing must need none."""
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/missing/dir/airflow.db",
        "PATH": "/usr/bin:/bin",
        **(extra_env or {}),
    }
    proc = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "dags")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])
