"""Helpers of the fetch tests: a local HTTP server on 127.0.0.1, sources, contract checks."""

from __future__ import annotations

import datetime as _dt
import http.server
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from akhbar.config import Source, SourceSettings
from akhbar.hashing import sha256_hex, stable_id
from akhbar.schema import RAW_RECORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("AKHBAR_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
DT = _dt.date(2024, 5, 10)


def corpus_path(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real corpus not available: {path} (expected at ../shared/corpus from the project root)")
    return path


class Server:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) with per-path handlers."""

    def __init__(self):
        self.routes: dict[str, Callable] = {}
        self.log: list[tuple[float, str, dict]] = []  # (monotonic time, path, headers)
        self.inflight = 0
        self.max_inflight = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with outer._lock:
                    outer.log.append((time.monotonic(), self.path, dict(self.headers)))
                    outer.inflight += 1
                    outer.max_inflight = max(outer.max_inflight, outer.inflight)
                try:
                    route = outer.routes.get(self.path.split("?", 1)[0])
                    if route is None:
                        outer.send(self, 404, b"<html>not found</html>", "text/html")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with outer._lock:
                        outer.inflight -= 1

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # clients hang up on purpose
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @staticmethod
    def send(
        handler, status: int, body: bytes = b"", content_type: str | None = None, headers: dict | None = None
    ):
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if body:
            handler.wfile.write(body)

    def static(
        self,
        path: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        **headers,
    ):
        def route(handler):
            self.send(handler, status, body, content_type, headers)

        self.routes[path] = route

    def conditional(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        content_type: str = "text/html; charset=utf-8",
    ):
        """A resource answering 304 to matching If-None-Match / If-Modified-Since."""

        def route(handler):
            headers = {}
            if etag:
                headers["ETag"] = etag
            if last_modified:
                headers["Last-Modified"] = last_modified
            if (etag and handler.headers.get("If-None-Match") == etag) or (
                last_modified and handler.headers.get("If-Modified-Since") == last_modified
            ):
                self.send(handler, 304, b"", None, headers)
                return
            self.send(handler, 200, body, content_type, headers)

        self.routes[path] = route

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.log if p == path)

    def url(self, path: str) -> str:
        return self.base + path

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def settings(**overrides) -> SourceSettings:
    """Fast, permissive-for-localhost settings; tests override what they exercise."""
    base = {
        "allow_private": True,
        "robots": False,
        "rate_per_second": 1000.0,
        "max_retries": 0,
        "read_timeout": 5.0,
        "connect_timeout": 5.0,
        "backoff_base": 0.01,
        # Fixtures carry dates of many years; the night window has tests of its own.
        "window_days": 100_000,
    }
    base.update(overrides)
    return SourceSettings(**base)


def make_source(id="src", kind="rss", **kwargs) -> Source:
    kwargs.setdefault("settings", settings())
    kwargs.setdefault("lang", "ar")
    kwargs.setdefault("timezone", "Africa/Tunis")
    return Source(id=id, kind=kind, **kwargs)


def collect(source, **kwargs) -> list[dict]:
    """Run fetch_source, check every batch against the contract, return the rows."""
    from akhbar.sources import fetch_source

    kwargs.setdefault("dt", DT)
    rows = []
    for batch in fetch_source(source, **kwargs):
        assert isinstance(batch, pa.RecordBatch)
        assert batch.schema.equals(RAW_RECORD), batch.schema
        rows.extend(batch.to_pylist())
    for row in rows:
        assert row["record_id"] == stable_id(source.id, row["locator"])
        assert row["source_id"] == source.id and row["kind"] == source.kind
        if row["body"] is not None:
            assert row["content_hash"] == sha256_hex(row["body"])
        assert row["tz_hint"] == source.timezone
        if row["error"]:
            code, sep, detail = row["error"].partition(": ")
            assert sep and code and detail, row["error"]
    assert len({r["record_id"] for r in rows}) == len(rows), "record ids must be unique within a source"
    return rows


def errors(rows) -> list[str]:
    return [r["error"].split(":", 1)[0] for r in rows if r["error"]]
