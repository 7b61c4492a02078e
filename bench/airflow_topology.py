"""Airflow as deployed, started from the venv for a benchmark: metadata in PostgreSQL, Redis as the
Celery broker (both from `.ci/services.sh`, on loopback), an api-server, scheduler, dag-processor and
triggerer, and Celery workers or the LocalExecutor. Every process is a child of the benchmark, so the
CPU time of the whole deployment is read from its process tree."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DAG_ID = "akhbar_nightly"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def services() -> dict:
    """PostgreSQL and Redis of `.ci/services.sh` (started if they are not running)."""
    folder = Path(os.environ.get("AKHBAR_SERVICES_DIR", "/tmp/akhbar-services"))
    env_file = folder / "services.env"
    if not env_file.exists():
        subprocess.run(["bash", str(ROOT / ".ci" / "services.sh"), "start"], check=True, capture_output=True)
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    return {"pg": values["AKHBAR_TEST_PG_DSN"], "redis": values["AKHBAR_TEST_REDIS_URL"]}


def create_database(pg_dsn: str, name: str) -> str:
    import psycopg2

    con = psycopg2.connect(pg_dsn, connect_timeout=10)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    con.close()
    return pg_dsn.rsplit("/", 1)[0] + "/" + name


def drop_database(pg_dsn: str, name: str) -> None:
    import psycopg2

    con = psycopg2.connect(pg_dsn, connect_timeout=10)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    con.close()


@dataclass
class Deployment:
    """One Airflow deployment for one run of the nightly DAG."""

    home: Path
    executor: str  # "LocalExecutor" or "CeleryExecutor"
    workers: int  # Celery workers (one task slot each), or the LocalExecutor's parallelism
    registry: Path
    data_dir: Path
    procs: dict = field(default_factory=dict)

    def __post_init__(self):
        self.home.mkdir(parents=True, exist_ok=True)
        self.api_port = free_port()
        self.database = f"akhbar_bench_{uuid.uuid4().hex[:8]}"
        self.queue = f"akhbar-bench-{uuid.uuid4().hex[:8]}"

    def env(self, svc: dict, metadata_url: str) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW__", "AKHBAR_", "AIRFLOW_CONN_")) and k != "PYTHONDONTWRITEBYTECODE"
        }
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__EXECUTOR=self.executor,
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=metadata_url.replace(
                "postgresql://", "postgresql+psycopg2://"
            ),
            AIRFLOW__CELERY__BROKER_URL=f"{svc['redis']}/0",
            AIRFLOW__CELERY__RESULT_BACKEND="db+" + metadata_url,
            AIRFLOW__OPERATORS__DEFAULT_QUEUE=self.queue,
            AIRFLOW__CORE__PARALLELISM=str(max(self.workers, 2)),
            AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
            AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL=os.environ.get(
                "AKHBAR_BENCH_PARSE_INTERVAL", "300"
            ),
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{self.api_port}/execution/",
            AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
            AIRFLOW__API__SECRET_KEY=secrets.token_hex(32),
            AIRFLOW__API__WORKERS="1",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="True",
            AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="False",
            AKHBAR_DATA_DIR=str(self.data_dir),
            AKHBAR_SOURCES=str(self.registry),
            AKHBAR_SCHEDULE="0 0 1 1 *",
            GX_ANALYTICS_ENABLED="False",
            HF_HUB_OFFLINE="1",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        if self.executor == "LocalExecutor":
            env["AIRFLOW__CORE__PARALLELISM"] = str(self.workers)
        else:  # as docker-compose.yaml: warm workers (akhbar.warm)
            env["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"] = "akhbar.celery_config.CELERY_CONFIG"
        return env

    def airflow(self, args: list[str], env: dict, timeout: int = 1800) -> None:
        proc = subprocess.run(
            [str(VENV_BIN / "airflow"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(ROOT),
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(
                f"airflow {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            )

    def start(self, name: str, args: list[str], env: dict) -> None:
        log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 - the child keeps it
        self.procs[name] = subprocess.Popen(
            [str(VENV_BIN / "airflow"), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(ROOT),
        )
        log.close()

    def up(self, svc: dict) -> dict:
        env = self.env(svc, create_database(svc["pg"], self.database))
        self.airflow(["db", "migrate"], env)
        self.airflow(["pools", "set", "akhbar_http", "4", "concurrent HTTP fetches"], env)
        self.airflow(["pools", "set", "akhbar_catalog", "1", "one catalog writer at a time"], env)
        self.start("api-server", ["api-server", "-H", "127.0.0.1", "-p", str(self.api_port), "-w", "1"], env)
        self.start("scheduler", ["scheduler"], env)
        self.start("dag-processor", ["dag-processor"], env)
        self.start("triggerer", ["triggerer"], env)
        if self.executor == "CeleryExecutor":
            for i in range(self.workers):
                name = f"worker{i + 1}"
                self.start(
                    name,
                    [
                        "celery",
                        "worker",
                        "--celery-hostname",
                        f"{name}@%h",
                        "--concurrency",
                        "1",
                        "--skip-serve-logs",
                    ],
                    dict(
                        env,
                        AKHBAR_E2E_WORKER_NAME=f"bench-{name}",
                        AIRFLOW__CORE__HOSTNAME_CALLABLE="tests.e2e.worker_hostname.hostname",
                    ),
                )
        return env

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            tails = "\n".join(
                f"--- {n}:\n{(self.home / f'{n}.log').read_text(errors='replace')[-3000:]}" for n in dead
            )
            raise RuntimeError(f"Airflow processes exited: {dead}\n{tails}")

    def cpu_by_process(self) -> dict[str, float]:
        """CPU time of each started process and its descendants so far (children that ended included)."""
        import psutil

        out = {}
        for name, proc in self.procs.items():
            total = 0.0
            try:
                parent = psutil.Process(proc.pid)
                for p in [parent, *parent.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        t = p.cpu_times()
                        total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                pass
            out[name] = total
        return out

    def down(self, svc: dict) -> None:
        import psutil

        victims = []
        for proc in self.procs.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                parent = psutil.Process(proc.pid)
                victims += [parent, *parent.children(recursive=True)]
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        _, alive = psutil.wait_procs(victims, timeout=30)
        for p in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            drop_database(svc["pg"], self.database)


def wait_until(check, *, timeout: float, interval: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except (RuntimeError, AssertionError):
            raise
        except Exception as exc:
            last = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last error: {last!r})")
