"""A child process that publishes a staged night or runs the catalog's maintenance, for the tests
that run writers in other processes (concurrency, SIGKILL). No test hook in production code: the
child calls the same functions the publish and maintenance tasks call.

    python -m tests.lakehouse.publisher publish <data dir> <staged.json> [--wait]
    python -m tests.lakehouse.publisher maintain <data dir> <keep_days> <grace_hours>

It prints "ready" once imported and set up (then, with --wait, waits for a line on stdin before
starting), and "done <figures>" when it finished.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from akhbar.lakehouse.maintenance import maintain_catalog
from akhbar.lakehouse.publish import publish_night
from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.staging import StagedNight
from tests.lakehouse.helpers import settings_for

ROOT = Path(__file__).resolve().parents[2]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.lakehouse.publisher", *map(str, args)]


def child_env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "include")])}


def main(argv: list[str]) -> int:
    what, data_dir = argv[0], Path(argv[1])
    settings = settings_for(data_dir)
    if what == "publish":
        staged = StagedNight.load(Path(argv[2]))
        print("ready", flush=True)
        if "--wait" in argv:
            sys.stdin.readline()
        with writer_session(settings, f"publish {staged.night} from a test child", memory_limit="1GB") as con:
            figures = asdict(publish_night(con, staged))
    else:
        keep_days, grace_hours = int(argv[2]), float(argv[3])
        print("ready", flush=True)
        figures = maintain_catalog(settings, keep_days=keep_days, grace_hours=grace_hours)
    print("done " + json.dumps(figures, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
