"""Fixtures for whole-deployment tests: PostgreSQL, Redis, a local S3 server, process groups.

PostgreSQL and Redis come from `.ci/services.sh`: if it already started them (CI calls
``bash .ci/services.sh start`` before the tests), the tests use them, each with a database of
its own; otherwise the fixture runs the same script on free ports in a temporary folder and
stops it at the end of the session. Nothing here mocks a server: they are the real ones,
on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES_SCRIPT = ROOT / ".ci" / "services.sh"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    """Poll ``check()`` until it returns something truthy; bounded. Returns that value."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except AssertionError:
            raise  # a definite failure (a task failed): waiting longer cannot help
        except Exception as exc:  # not ready yet
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last error: {last_error!r})")


# --------------------------------------------------------------------------- process groups
class ProcessGroup:
    """Long-running processes, each in its own session, logs in files; all stopped at the end.

    Stopping sends SIGTERM to each process's group and to every descendant found (a process
    that started its own session is still found through its parent), then SIGKILL to what is
    left after a bounded wait.
    """

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")
        proc = subprocess.Popen(
            args,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(ROOT),
        )
        log.close()
        self.procs[name] = proc
        return proc

    def log_text(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            details = "\n".join(
                f"--- {n} exited with {rc}:\n{self.log_text(n)[-3000:]}" for n, rc in dead.items()
            )
            raise RuntimeError(f"processes exited early: {sorted(dead)}\n{details}")

    def tails(self, n_chars: int = 2500) -> str:
        return "\n".join(f"--- {name}.log (end):\n{self.log_text(name)[-n_chars:]}" for name in self.procs)

    def stop_all(self, grace: float = 30.0) -> None:
        import psutil

        victims: dict[int, psutil.Process] = {}
        for proc in self.procs.values():
            try:
                parent = psutil.Process(proc.pid)
                victims[parent.pid] = parent
                for child in parent.children(recursive=True):
                    victims[child.pid] = child
            except psutil.NoSuchProcess:
                pass
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        for p in victims.values():
            with contextlib.suppress(psutil.NoSuchProcess):
                p.terminate()
        _, alive = psutil.wait_procs(list(victims.values()), timeout=grace)
        for p in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
        psutil.wait_procs(alive, timeout=10)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)


@pytest.fixture
def process_group(tmp_path):
    group = ProcessGroup(tmp_path / "process-logs")
    try:
        yield group
    finally:
        group.stop_all()


# --------------------------------------------------------------------------- PostgreSQL + Redis
@dataclass(frozen=True)
class Services:
    pg_dsn: str  # postgresql://user:password@127.0.0.1:port/postgres
    redis_url: str  # redis://127.0.0.1:port

    def pg_url(self, database: str, driver: str = "postgresql") -> str:
        parts = urlsplit(self.pg_dsn)
        return f"{driver}://{parts.netloc}/{database}"


def _read_env_file(path: Path) -> dict:
    values = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    return values


def _answers(services: Services) -> bool:
    import psycopg2
    import redis

    try:
        psycopg2.connect(services.pg_dsn, connect_timeout=3).close()
        return bool(redis.Redis.from_url(services.redis_url, socket_timeout=3).ping())
    except Exception:
        return False


def _running_services() -> Services | None:
    """Services already started by `.ci/services.sh start` (environment, or its services.env)."""
    values = {k: os.environ[k] for k in ("AKHBAR_TEST_PG_DSN", "AKHBAR_TEST_REDIS_URL") if k in os.environ}
    if len(values) < 2:
        folder = Path(os.environ.get("AKHBAR_SERVICES_DIR", "/tmp/akhbar-services"))
        values = {**_read_env_file(folder / "services.env"), **values}
    if "AKHBAR_TEST_PG_DSN" not in values or "AKHBAR_TEST_REDIS_URL" not in values:
        return None
    services = Services(values["AKHBAR_TEST_PG_DSN"], values["AKHBAR_TEST_REDIS_URL"])
    return services if _answers(services) else None


def _pg_binaries_present() -> bool:
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return bool(debian) or shutil.which("pg_ctl") is not None


@pytest.fixture(scope="session")
def services():
    """PostgreSQL and Redis on loopback: the running ones of `.ci/services.sh`, or our own."""
    running = _running_services()
    if running is not None:
        yield running
        return
    missing = [
        name
        for name, ok in (
            ("PostgreSQL (pg_ctl)", _pg_binaries_present()),
            ("redis-server", shutil.which("redis-server") is not None),
        )
        if not ok
    ]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed: run `bash .ci/services.sh start` "
            "(it installs postgresql and redis-server from Debian packages; .ci/run does it)"
        )
    # Our own pair, in a folder the postgres user can reach (pytest's tmp dirs are private to root).
    folder = Path(tempfile.mkdtemp(prefix="akhbar-services-", dir="/tmp"))
    env = dict(
        os.environ,
        AKHBAR_SERVICES_DIR=str(folder),
        AKHBAR_PG_PORT=str(free_port()),
        AKHBAR_REDIS_PORT=str(free_port()),
        AKHBAR_CI_APT="0",
    )
    proc = subprocess.run(
        ["bash", str(SERVICES_SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=300
    )
    try:
        assert proc.returncode == 0, f"services.sh start failed:\n{proc.stdout}\n{proc.stderr}"
        values = _read_env_file(folder / "services.env")
        yield Services(values["AKHBAR_TEST_PG_DSN"], values["AKHBAR_TEST_REDIS_URL"])
    finally:
        subprocess.run(
            ["bash", str(SERVICES_SCRIPT), "clean"], env=env, capture_output=True, text=True, timeout=120
        )


@contextlib.contextmanager
def _fresh_database(services, prefix: str):
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    con = psycopg2.connect(services.pg_dsn, connect_timeout=10)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        con.close()
    try:
        yield name
    finally:
        con = psycopg2.connect(services.pg_dsn, connect_timeout=10)
        con.autocommit = True
        try:
            with con.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            con.close()


@pytest.fixture
def pg_database(services):
    """A fresh, empty database on the test PostgreSQL server (Airflow's metadata); dropped afterwards."""
    with _fresh_database(services, "akhbar_e2e") as name:
        yield name


@pytest.fixture
def catalog_database(services):
    """A second fresh database, beside Airflow's, for the lakehouse catalog (as in docker-compose)."""
    with _fresh_database(services, "akhbar_catalog") as name:
        yield name


# --------------------------------------------------------------------------- S3 (moto server)
@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:port
    access_key: str = "akhbar-test"
    secret_key: str = "akhbar-test-secret"
    region: str = "us-east-1"

    def env(self) -> dict:
        """The standard AWS variables: pyarrow's S3 filesystem and boto3 both read them."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )


@pytest.fixture
def s3_server(tmp_path):
    """moto's S3-compatible HTTP server on a free loopback port, stopped at the end."""
    moto_server = VENV_BIN / "moto_server"
    if not moto_server.exists():
        pytest.skip("moto_server not installed (pip install 'moto[server]', pinned in requirements.in)")
    port = free_port()
    group = ProcessGroup(tmp_path / "moto-logs")
    group.start("moto", [str(moto_server), "-H", "127.0.0.1", "-p", str(port)], env=dict(os.environ))
    server = S3Server(endpoint=f"http://127.0.0.1:{port}")
    try:

        def ready():
            group.check_alive()
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True

        wait_until(ready, timeout=60, what="moto S3 server")
        yield server
    finally:
        group.stop_all(grace=10)
