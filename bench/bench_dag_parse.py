"""Parse time of each DAG file, as the dag-processor sees it (Airflow already imported).

Target (issue 2): under half a second per file, which rules out heavy imports at top level.
Each file is parsed in a fresh interpreter so that one file's imports do not warm another's.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5

PROBE = r"""
import json, sys, time
import airflow.sdk  # the dag-processor has Airflow loaded before it parses a file
from airflow.dag_processing.dagbag import DagBag
start = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
elapsed = time.perf_counter() - start
print("RESULT" + json.dumps({"seconds": elapsed, "dags": sorted(bag.dags), "errors": len(bag.import_errors)}))
"""


def parse_once(path: Path, home: str) -> dict:
    env = {**os.environ, "AIRFLOW_HOME": home, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, text=True, check=True
    )
    line = next(out for out in proc.stdout.splitlines() if out.startswith("RESULT"))
    return json.loads(line[6:])


def main() -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as home:
        worst = 0.0
        for path in sorted((ROOT / "dags").glob("*.py")):
            times = []
            for _ in range(RUNS):
                result = parse_once(path, home)
                if result["errors"]:
                    raise SystemExit(f"{path.name}: import errors")
                times.append(result["seconds"])
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"{path.name:<32} dags={','.join(result['dags']) or '-':<40} "
                f"parse median {median * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms  (target < 500 ms)"
            )
        print(f"worst median: {worst * 1000:.1f} ms -> {'OK' if worst < 0.5 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
