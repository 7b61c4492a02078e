"""One writer at a time on a catalog: a lock that names its holder.

Every change to the catalog (a night's publish, quality results, run figures, schema changes,
maintenance) runs under this lock. A SQLite catalog is on one machine: an exclusive ``flock`` on
``<catalog>.lock`` (released by the kernel when a holder dies, even by SIGKILL). A PostgreSQL catalog
serves several machines: a session-level advisory lock in that database (released when the holder's
connection ends). Readers never take it.

Waiting is bounded (``AKHBAR_WRITER_LOCK_TIMEOUT`` seconds, 6 hours by default: a backfill night waits
for the one being published); the error then names the holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from akhbar.lakehouse.settings import CatalogSettings

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x616B686261720001  # "akhbar" + 1: the catalog writer
POLL_SECONDS = 0.2
REPORT_EVERY_SECONDS = 30.0


class WriterBusy(TimeoutError):
    """Another writer held the catalog for longer than we could wait."""


def _holder(purpose: str) -> dict[str, str | int]:
    return {
        "purpose": purpose,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _timeout() -> float:
    return float(os.environ.get("AKHBAR_WRITER_LOCK_TIMEOUT", str(6 * 3600)))


@contextlib.contextmanager
def _file_lock(path: Path, purpose: str, timeout: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        started, last_report = time.monotonic(), None  # the first wait is told at once
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now = time.monotonic()
                fh.seek(0)
                holder = fh.read().strip() or "unknown"
                if now - started > timeout:
                    raise WriterBusy(
                        f"{path.name} is held by another process ({holder}); waited "
                        f"{timeout:.0f} s for {purpose} (lock file {path})"
                    ) from None
                if last_report is None or now - last_report > REPORT_EVERY_SECONDS:
                    log.warning("waiting for %s, held by %s", path.name, holder)
                    last_report = now
                time.sleep(POLL_SECONDS)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(_holder(purpose)))
            fh.flush()
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _try_advisory_lock(conn: psycopg.Connection[tuple[Any, ...]]) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY]).fetchone()
    assert row is not None  # a SELECT without FROM gives one row
    return bool(row[0])


@contextlib.contextmanager
def _advisory_lock(conninfo: str, purpose: str, timeout: float) -> Iterator[None]:
    import psycopg

    holder = _holder(purpose)
    name = f"akhbar writer: {purpose} pid {holder['pid']}@{holder['host']}"[:63]
    with psycopg.connect(conninfo, autocommit=True, application_name=name) as conn:
        started = last_report = time.monotonic()
        while not _try_advisory_lock(conn):
            row = conn.execute(
                """SELECT a.application_name, a.client_addr::text, a.backend_start::text FROM pg_locks l
                   JOIN pg_stat_activity a ON a.pid = l.pid
                   WHERE l.locktype = 'advisory' AND l.granted
                     AND ((l.classid::bigint << 32) | l.objid::bigint) = %s""",
                [ADVISORY_KEY & 0xFFFFFFFFFFFFFFFF],
            ).fetchone()
            who = f"{row[0]} (from {row[1] or 'local'}, connected {row[2]})" if row else "another session"
            now = time.monotonic()
            if now - started > timeout:
                raise WriterBusy(
                    f"the catalog is being written by {who}; waited {timeout:.0f} s for {purpose}"
                )
            if now - last_report > REPORT_EVERY_SECONDS:
                log.warning("waiting for the catalog writer lock held by %s", who)
                last_report = now
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


@contextlib.contextmanager
def night_runner_lock(data_dir: Path, purpose: str, *, timeout: float | None = None) -> Iterator[None]:
    """One in-process night at a time on a data dir (``akhbar run``): a second run waits, told who runs."""
    with _file_lock(Path(data_dir) / ".akhbar-run.lock", purpose, _timeout() if timeout is None else timeout):
        yield


@contextlib.contextmanager
def writer_lock(settings: CatalogSettings, purpose: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the catalog's writer lock for ``purpose`` (shown to whoever waits)."""
    timeout = _timeout() if timeout is None else timeout
    if settings.kind == "sqlite":
        lock = _file_lock(Path(settings.target + ".lock"), purpose, timeout)
    else:
        lock = _advisory_lock(settings.target, purpose, timeout)
    with lock:
        yield
