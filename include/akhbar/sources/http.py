"""The polite and safe HTTP client used by every fetcher.

Polite: a clear User-Agent, robots.txt (fetched once per host and run, Crawl-delay
honoured), a per-host rate limit and concurrency limit, retries with exponential backoff
and jitter on 429/5xx honouring a capped Retry-After, conditional requests.

Safe: only http(s); every connection goes to an address checked at connect time
(private, loopback, link-local, multicast and reserved addresses refused unless
``allow_private``), including on every redirect hop; redirects bounded and loops detected;
bodies capped while streaming, and compressed bodies capped *after* decompression so a
gzip bomb cannot exhaust memory; connect/read timeouts and a whole-response deadline.

Failures never raise: :meth:`HttpClient.get` returns a :class:`Response` whose ``error``
is "<reason_code>: <detail>" (http_404, timeout, too_large, refused_private_address, ...).
"""

from __future__ import annotations

import email.utils
import io
import random
import threading
import time
import urllib.robotparser
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from akhbar.config import DEFAULT_SETTINGS
from akhbar.sources.records import utcnow
from akhbar.sources.safety import Refused, check_url, resolve_checked

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512 * 1024
ERROR_BODY_MAX = 64 * 1024  # how much of a retried error page is kept
CHUNK = 64 * 1024

# Settings this module reads beyond DEFAULT_SETTINGS (optional keys of the registry).
EXTRA_DEFAULTS: dict[str, Any] = {
    "max_retry_after": 60.0,  # cap on a server's Retry-After, seconds
    "backoff_base": 0.5,  # first retry waits about this long, doubling after
    "max_response_seconds": 120.0,  # whole-response deadline (defeats slow-drip servers)
    "max_crawl_delay": 30.0,  # cap on robots.txt Crawl-delay
}


@dataclass
class Response:
    """The outcome of one GET: a body, or an error, or ``not_modified``."""

    url: str
    final_url: str | None = None
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    error: str | None = None
    fetched_at: Any = None
    not_modified: bool = False
    attempts: int = 0

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def error_code(self) -> str | None:
        return self.error.split(":", 1)[0] if self.error else None


class _Failure(Exception):
    """Internal: a fetch that failed with a reason code (turned into Response.error)."""

    def __init__(self, code: str, detail: str, *, retryable: bool = False, response: Response | None = None):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.retryable = retryable
        self.response = response


class _GuardedBackend(httpcore.SyncBackend):
    """Network backend that checks the address it connects to (every connection, every hop)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = resolve_checked(host, port, allow_private=self.allow_private)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, *args, **kwargs):  # pragma: no cover - never configured
        raise Refused("refused_scheme", "unix sockets are not used")


class _Decoder:
    """Content-Encoding decoder whose output never exceeds ``limit`` bytes in memory."""

    def __init__(self, encoding: str | None, limit: int):
        encoding = (encoding or "identity").strip().lower()
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        self.raw_size = 0
        if encoding in ("identity", ""):
            self._d = None
        elif encoding in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._d = None
            self._deflate_pending = True
        else:
            raise _Failure("unsupported_encoding", f"Content-Encoding {encoding!r} was not asked for")

    def _room(self) -> int:
        return self.limit - self.size + 1  # one byte more than allowed reveals an overflow

    def feed(self, chunk: bytes) -> bytes:
        self.raw_size += len(chunk)
        if self.encoding == "deflate" and self._d is None:
            # "deflate" is zlib-wrapped per the RFC but raw deflate in the wild.
            self._d = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        if self._d is None:
            out = chunk
        else:
            try:
                out = self._d.decompress(chunk, self._room())
                # Output stops at the room left: any tail still compressed means the
                # decompressed body is larger than allowed.
                if self._d.unconsumed_tail:
                    more = self._d.decompress(self._d.unconsumed_tail, 1)
                    out += more
                    if more or self._d.unconsumed_tail:
                        self.size += len(out)
                        self._too_large()
            except zlib.error as exc:
                raise _Failure("bad_encoding", f"cannot decode {self.encoding} body: {exc}") from exc
        self.size += len(out)
        if self.size > self.limit:
            self._too_large()
        return out

    def _too_large(self):
        detail = f"body larger than max_bytes={self.limit}"
        if self._d is not None:
            detail += f" after decompression ({self.raw_size} compressed bytes read; decompression bomb?)"
        raise _Failure("too_large", detail)

    def finish(self) -> None:
        if self._d is not None and self.encoding in ("gzip", "x-gzip") and not self._d.eof and self.raw_size:
            raise _Failure("truncated_body", f"gzip body ended early after {self.raw_size} bytes")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        import datetime as _dt

        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - utcnow()).total_seconds())


class _HostLimits:
    """Per-host request spacing (rate) and concurrency."""

    def __init__(self, rate_per_second: float, concurrency: int, sleep: Callable[[float], None]):
        self.interval = 1.0 / rate_per_second
        self.concurrency = concurrency
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._sems: dict[str, threading.BoundedSemaphore] = {}
        self._extra_delay: dict[str, float] = {}

    def set_crawl_delay(self, host: str, seconds: float) -> None:
        with self._lock:
            self._extra_delay[host] = seconds

    def semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            sem = self._sems.get(host)
            if sem is None:
                sem = self._sems[host] = threading.BoundedSemaphore(self.concurrency)
            return sem

    def wait_turn(self, host: str) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + max(self.interval, self._extra_delay.get(host, 0.0))
        wait = start - now
        if wait > 0:
            self.sleep(wait)
        return wait


class _StreamReader(io.RawIOBase):
    """File-like view of a streaming response body (decoded), for warcio."""

    def __init__(self, response: httpx.Response, decoder: _Decoder, deadline: float):
        self._chunks = response.iter_raw()
        self._decoder = decoder
        self._deadline = deadline
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        # Failures surface as OSError: readers of files (warcio, gzip) expect that.
        while not self._buffer and not self._done:
            try:
                if time.monotonic() > self._deadline:
                    raise _Failure("timeout", "stream exceeded its deadline")
                try:
                    chunk = next(self._chunks)
                except StopIteration:
                    self._done = True
                    self._decoder.finish()
                    break
                self._buffer = self._decoder.feed(chunk)
            except _Failure as failure:
                raise OSError(str(failure)) from failure
            except (httpx.TransportError, httpx.StreamError, httpcore.ProtocolError) as exc:
                raise OSError(f"network_error: {type(exc).__name__}: {exc}") from exc
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class HttpClient:
    """Polite, safe HTTP GETs. One client per source run (its settings are the source's)."""

    def __init__(
        self,
        settings: Mapping[str, Any] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ):
        merged = {**DEFAULT_SETTINGS, **EXTRA_DEFAULTS, **(settings or {})}
        self.settings = merged
        self.user_agent: str = merged["user_agent"]
        self.max_bytes: int = int(merged["max_bytes"])
        self.max_redirects: int = int(merged["max_redirects"])
        self.max_retries: int = int(merged["max_retries"])
        self.allow_private: bool = bool(merged["allow_private"])
        self.use_robots: bool = bool(merged["robots"])
        self.sleep = sleep
        self.rng = rng
        self.requests = 0  # HTTP requests sent, robots.txt included
        self.waits: list[tuple[str, float]] = []  # (why, seconds) of every backoff wait
        self._limits = _HostLimits(float(merged["rate_per_second"]), int(merged["concurrency"]), sleep)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._robots_lock = threading.Lock()
        self._host_robot_locks: dict[str, threading.Lock] = {}
        self._executor: ThreadPoolExecutor | None = None
        transport = httpx.HTTPTransport(trust_env=False, retries=0)
        # Route every connection through the address check (also on redirect hops and
        # reused pools). The pool is rebuilt with the guarded backend.
        transport._pool = httpcore.ConnectionPool(
            ssl_context=transport._pool._ssl_context,
            max_connections=max(4, 4 * int(merged["concurrency"])),
            max_keepalive_connections=max(2, 2 * int(merged["concurrency"])),
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(self.allow_private),
        )
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=float(merged["connect_timeout"]),
                read=float(merged["read_timeout"]),
                write=float(merged["read_timeout"]),
                pool=float(merged["connect_timeout"]) + float(merged["read_timeout"]),
            ),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public API ----------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        robots: bool = True,
    ) -> Response:
        """GET ``url`` following redirects; never raises for network or server trouble."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        result = Response(url=url, fetched_at=utcnow())
        try:
            response, final_url, attempts = self._exchange(
                url, headers, lambda r, hop: self._read_body(r, limit), robots=robots
            )
        except _Failure as failure:
            out = failure.response or result
            out.url = url
            out.error = f"{failure.code}: {failure.detail}"
            out.fetched_at = out.fetched_at or result.fetched_at
            return out
        except Refused as refused:
            result.error = f"{refused.code}: {refused.detail}"
            return result
        response.url = url
        response.final_url = final_url
        response.attempts = attempts
        return response

    def get_many(
        self, requests: Iterable[tuple[str, Mapping[str, str] | None]], *, max_bytes: int | None = None
    ) -> Iterator[Response]:
        """GET many URLs concurrently (bounded), yielding responses in input order."""
        workers = int(self.settings["concurrency"])
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="akhbar-fetch")
        window: deque = deque()
        for url, headers in requests:
            window.append(self._executor.submit(self.get, url, headers=headers, max_bytes=max_bytes))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    @contextmanager
    def open_stream(self, url: str) -> Iterator[tuple[Response, io.BufferedReader]]:
        """Stream a large body (a WARC, a dump): no max_bytes cap, same safety and politeness.

        Raises :class:`Refused` or returns a Response with ``error`` (and a None reader).
        """
        try:
            response, final_url, _ = self._exchange(url, None, None)
        except _Failure as failure:
            out = failure.response or Response(url=url, fetched_at=utcnow())
            out.error = f"{failure.code}: {failure.detail}"
            yield out, None
            return
        except Refused as refused:
            yield Response(url=url, error=f"{refused.code}: {refused.detail}", fetched_at=utcnow()), None
            return
        raw: httpx.Response = response.body  # type: ignore[assignment]
        try:
            decoder = _Decoder(raw.headers.get("content-encoding"), limit=1 << 62)
            deadline = time.monotonic() + 24 * 3600
            reader = io.BufferedReader(_StreamReader(raw, decoder, deadline), buffer_size=CHUNK)
            meta = Response(
                url=url, final_url=final_url, status=raw.status_code,
                headers=list(raw.headers.multi_items()), fetched_at=response.fetched_at,
            )
            yield meta, reader
        finally:
            raw.close()

    # -- robots.txt ----------------------------------------------------------------
    def allowed_by_robots(self, url: str) -> bool:
        if not self.use_robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._robots_lock:
            lock = self._host_robot_locks.setdefault(key, threading.Lock())
        with lock:  # one robots.txt fetch per host, even with concurrent workers
            rules = self._robots.get(key)
            if rules is None:
                rules = self._robots[key] = self._fetch_robots(key)
        if isinstance(rules, str):
            return rules == "allow"
        return rules.can_fetch(self.user_agent, url)

    def _fetch_robots(self, origin: str):
        """RFC 9309: 4xx means no rules, 5xx or unreachable means disallow everything."""
        response = self.get(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, robots=False)
        if response.error_code in ("refused_private_address", "refused_scheme", "dns_error"):
            raise Refused(response.error_code, response.error.split(": ", 1)[1])
        if response.status is not None and 400 <= response.status < 500:
            return "allow"
        if response.error or response.status is None or response.status >= 500 or response.status != 200:
            return "disallow"
        parser = urllib.robotparser.RobotFileParser()
        text = (response.body or b"").decode("utf-8", "replace")
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            host = urlsplit(origin).netloc.lower()
            self._limits.set_crawl_delay(host, min(float(delay), float(self.settings["max_crawl_delay"])))
        return parser

    # -- internals -----------------------------------------------------------------
    def _exchange(self, url: str, extra_headers: Mapping[str, str] | None, read_body, *, robots: bool = True):
        """Follow redirects (checking each hop), retry 429/5xx/timeouts; return the final response.

        With ``read_body`` the body is read (inside the retry loop) and a complete Response
        is returned; without it the open httpx response is returned in ``Response.body``.
        """
        current = check_url(url)
        seen = {current}
        hops = 0
        attempts_total = 0
        headers = dict(extra_headers or {})
        while True:
            if robots and not self.allowed_by_robots(current):
                raise _Failure("robots_disallowed", f"robots.txt of {urlsplit(current).netloc} disallows {current}")
            response, attempts = self._with_retries(current, headers, read_body)
            attempts_total += attempts
            status = response.status
            if status in REDIRECT_STATUSES:
                location = response.header("location")
                if read_body is None:
                    response.body.close()  # type: ignore[union-attr]
                if not location:
                    raise _Failure("bad_redirect", f"HTTP {status} without Location at {current}", response=response)
                target = urljoin(current, location.strip())
                try:
                    target = check_url(target)
                except Refused as refused:
                    raise _Failure(refused.code, f"redirect from {current}: {refused.detail}", response=response)
                if target in seen:
                    raise _Failure("redirect_loop", f"{current} redirects back to {target}", response=response)
                hops += 1
                if hops > self.max_redirects:
                    raise _Failure(
                        "too_many_redirects", f"more than max_redirects={self.max_redirects} from {url}",
                        response=response,
                    )
                seen.add(target)
                current = target
                headers = {}  # validators belong to the first URL only
                continue
            if status == 304:
                response.not_modified = True
                return response, current, attempts_total
            if status is not None and status >= 400:
                if read_body is None:
                    response.body.close()  # type: ignore[union-attr]
                    response.body = None
                raise _Failure(f"http_{status}", f"HTTP {status} for {current}", response=response)
            return response, current, attempts_total

    def _with_retries(self, url: str, headers: Mapping[str, str], read_body) -> tuple[Response, int]:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            attempt += 1
            self._limits.wait_turn(host)
            failure: _Failure | None = None
            response: Response | None = None
            with self._limits.semaphore(host):
                try:
                    response = self._send_once(url, headers, read_body)
                except _Failure as exc:
                    failure = exc
            if failure is None and response is not None:
                if response.status not in RETRY_STATUSES or attempt > self.max_retries:
                    return response, attempt
                delay = self._backoff(attempt, response.header("retry-after"))
                if read_body is None:
                    response.body.close()  # type: ignore[union-attr]
                    response.body = None
            else:
                assert failure is not None
                if not failure.retryable or attempt > self.max_retries:
                    raise failure
                delay = self._backoff(attempt, None)
            self.waits.append((f"retry {attempt} of {url}", delay))
            self.sleep(delay)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        cap = float(self.settings["max_retry_after"])
        told = _retry_after(retry_after)
        if told is not None:
            return min(told, cap)
        base = float(self.settings["backoff_base"]) * (2 ** (attempt - 1))
        return min(cap, base * (0.5 + self.rng()))  # jitter: 50%..150% of the exponential step

    def _send_once(self, url: str, headers: Mapping[str, str], read_body) -> Response:
        fetched_at = utcnow()
        self.requests += 1
        try:
            request = self._client.build_request("GET", url, headers=headers)
            raw = self._client.send(request, stream=True)
        except Refused:
            raise
        except httpx.TimeoutException as exc:
            raise _Failure("timeout", f"{type(exc).__name__} for {url}", retryable=True) from exc
        except (httpx.TransportError, httpcore.ProtocolError) as exc:
            raise _Failure("network_error", f"{type(exc).__name__}: {exc} for {url}", retryable=True) from exc
        response = Response(
            url=url, status=raw.status_code, headers=list(raw.headers.multi_items()), fetched_at=fetched_at
        )
        if read_body is None:
            response.body = raw  # type: ignore[assignment]
            return response
        try:
            if raw.status_code in REDIRECT_STATUSES or raw.status_code == 304:
                response.body = None
            elif raw.status_code in RETRY_STATUSES or raw.status_code >= 400:
                try:
                    response.body = self._read_body(raw, ERROR_BODY_MAX, truncate=True)
                except _Failure:
                    response.body = None
            else:
                try:
                    response.body = read_body(raw, 0)
                except _Failure as failure:
                    failure.response = response
                    response.body = getattr(failure, "partial", None)
                    raise
        finally:
            raw.close()
        return response

    def _read_body(self, raw: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
        deadline = time.monotonic() + float(self.settings["max_response_seconds"])
        decoder = _Decoder(raw.headers.get("content-encoding"), limit)
        parts: list[bytes] = []
        kept = 0
        try:
            for chunk in raw.iter_raw():
                try:
                    out = decoder.feed(chunk)
                except _Failure as failure:
                    if truncate and failure.code == "too_large":
                        break
                    raise
                parts.append(out)
                kept += len(out)
                if time.monotonic() > deadline:
                    raise _Failure(
                        "timeout", f"body not complete after max_response_seconds={self.settings['max_response_seconds']}"
                    )
            else:
                decoder.finish()
        except _Failure as failure:
            # Keep what was received (bounded by max_bytes) for the quarantine.
            joined = b"".join(parts)
            failure.partial = joined[:limit]  # type: ignore[attr-defined]
            raise
        except httpx.TimeoutException as exc:
            failure = _Failure("timeout", f"read timeout while receiving the body of {raw.url}", retryable=True)
            failure.partial = b"".join(parts)  # type: ignore[attr-defined]
            raise failure from exc
        except (httpx.TransportError, httpcore.ProtocolError) as exc:
            failure = _Failure("truncated_body", f"{type(exc).__name__}: {exc}", retryable=True)
            failure.partial = b"".join(parts)  # type: ignore[attr-defined]
            raise failure from exc
        return b"".join(parts)
