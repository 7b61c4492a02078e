"""The polite and safe HTTP client used by every fetcher.

Polite: a clear User-Agent, robots.txt read by protego (RFC 9309: longest match wins,
``*`` and ``$`` patterns; fetched once per host and run, Crawl-delay honoured), a per-host
rate limit and concurrency limit, retries with exponential backoff and jitter on 429/5xx
honouring Retry-After up to ``max_retry_after`` (a longer one is not waited for: the URL
fails at once and the host, which asked us to stay away, is given up for the run), a
back-off shared by every worker of a host, and a circuit breaker that gives a host up after
``host_failure_limit`` consecutive failed URLs; conditional requests.

Safe: only http(s); every connection goes to an address checked at connect time
(:mod:`akhbar.sources.transport`: private and loopback addresses refused unless
``allow_private``, link-local and cloud metadata addresses always), on every redirect hop;
redirects bounded and loops detected; bodies capped while streaming, compressed bodies
capped *after* decompression so a gzip bomb cannot exhaust memory; connect/read timeouts
and a whole-response deadline (``max_response_seconds``, streamed downloads included).

Failures never raise: :meth:`HttpClient.get` returns a :class:`Response` whose ``error``
is "<reason_code>: <detail>" (http_404, timeout, too_large, refused_private_address,
host_given_up, ...).
"""

from __future__ import annotations

import io
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from akhbar.config import SourceSettings
from akhbar.sources.bodies import BodyDecoder, FetchFailure, Response, StreamReader, retry_after_seconds
from akhbar.sources.hosts import HostBreaker, HostLimits, RobotsRules, product_token
from akhbar.sources.records import utcnow
from akhbar.sources.safety import Refused, check_url
from akhbar.sources.transport import GuardedBackend, GuardedTransport

__all__ = ["GuardedBackend", "HttpClient", "Response"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Outcomes that say the host is in trouble (not the URL): they count towards the breaker.
HOST_FAILURES = frozenset(
    {"timeout", "network_error", "truncated_body"} | {f"http_{s}" for s in RETRY_STATUSES}
)
ROBOTS_MAX_BYTES = 512 * 1024
ERROR_BODY_MAX = 64 * 1024  # how much of a retried error page is kept
CHUNK = 64 * 1024
STREAM_LIMIT = 1 << 62  # streamed downloads have no size cap, only a deadline


# How the body of a successful answer is read (HttpClient._read_body with a limit); None streams it.
BodyReader = Callable[[httpx.Response], bytes]


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _close_stream(response: Response) -> None:
    """Close the unread body of a streamed exchange whose answer is not the one kept (an error, a
    redirect hop, a retried answer); a no-op for answers whose body was read."""
    if response.stream is not None:
        response.stream.close()
        response.stream = None


class HttpClient:
    """Polite, safe HTTP GETs. One client per source run (its settings are the source's).

    ``stats`` counts what politeness cost: retry_after_capped, hosts_given_up,
    host_given_up (URLs refused because their host was given up).
    """

    def __init__(
        self,
        settings: SourceSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ):
        self.settings = settings or SourceSettings()
        self.sleep = sleep
        self.rng = rng
        self.requests = 0  # HTTP requests sent, robots.txt included
        self.waits: list[tuple[str, float]] = []  # (why, seconds) of every backoff wait
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._agent = product_token(self.settings.user_agent)
        self._limits = HostLimits(self.settings.rate_per_second, self.settings.concurrency, sleep)
        self._breaker = HostBreaker(self.settings.host_failure_limit)
        self._robots: dict[str, RobotsRules] = {}
        self._robots_lock = threading.Lock()
        self._host_robot_locks: dict[str, threading.Lock] = {}
        self._executor: ThreadPoolExecutor | None = None
        s = self.settings
        self._client = httpx.Client(
            transport=GuardedTransport(s),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.read_timeout,
                pool=s.connect_timeout + s.read_timeout,
            ),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _count(self, what: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[what] += n

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
        limit = self.settings.max_bytes if max_bytes is None else max_bytes
        result = Response(url=url, fetched_at=utcnow())
        try:
            response, final_url, attempts = self._exchange(
                url, headers, lambda r: self._read_body(r, limit), robots=robots
            )
        except FetchFailure as failure:
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
        workers = self.settings.concurrency
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="akhbar-fetch")
        window: deque[Future[Response]] = deque()
        for url, headers in requests:
            window.append(self._executor.submit(self.get, url, headers=headers, max_bytes=max_bytes))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    @contextmanager
    def open_stream(self, url: str) -> Iterator[tuple[Response, io.BufferedReader[StreamReader] | None]]:
        """Stream a large body (a WARC, a dump): no max_bytes cap, same safety and politeness,
        and the same whole-response deadline (``max_response_seconds``).

        Yields (Response, reader), or (Response with ``error``, None).
        """
        try:
            response, final_url, _ = self._exchange(url, None, None)
        except FetchFailure as failure:
            out = failure.response or Response(url=url, fetched_at=utcnow())
            out.error = f"{failure.code}: {failure.detail}"
            yield out, None
            return
        except Refused as refused:
            yield Response(url=url, error=f"{refused.code}: {refused.detail}", fetched_at=utcnow()), None
            return
        raw = response.stream
        assert raw is not None  # an exchange without read_body keeps the answer open there
        try:
            try:
                decoder = BodyDecoder(raw.headers.get("content-encoding"), limit=STREAM_LIMIT)
            except FetchFailure as failure:
                yield (
                    Response(
                        url=url,
                        final_url=final_url,
                        status=raw.status_code,
                        error=f"{failure.code}: {failure.detail}",
                        fetched_at=response.fetched_at,
                    ),
                    None,
                )
                return
            seconds = self.settings.max_response_seconds
            reader = io.BufferedReader(
                StreamReader(raw, decoder, time.monotonic() + seconds, seconds), buffer_size=CHUNK
            )
            meta = Response(
                url=url,
                final_url=final_url,
                status=raw.status_code,
                headers=list(raw.headers.multi_items()),
                fetched_at=response.fetched_at,
            )
            yield meta, reader
        finally:
            raw.close()

    # -- robots.txt ----------------------------------------------------------------
    def allowed_by_robots(self, url: str) -> bool:
        if not self.settings.robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._robots_lock:
            lock = self._host_robot_locks.setdefault(key, threading.Lock())
        with lock:  # one robots.txt fetch per host, even with concurrent workers
            rules = self._robots.get(key)
            if rules is None:
                rules = self._robots[key] = self._fetch_robots(key)
        return rules.allows(url, self._agent)

    def _fetch_robots(self, origin: str) -> RobotsRules:
        """RFC 9309: 4xx means no rules, 5xx or unreachable means disallow everything."""
        response = self.get(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, robots=False)
        if response.error_code in (
            "refused_private_address",
            "refused_link_local_address",
            "refused_scheme",
            "dns_error",
        ):
            raise Refused(response.error_code, (response.error or "").split(": ", 1)[-1])
        if response.status is not None and 400 <= response.status < 500:
            return RobotsRules(allow_all=True)
        if response.error or response.status != 200:
            return RobotsRules(allow_all=False)
        rules = RobotsRules.parse((response.body or b"").decode("utf-8", "replace"))
        delay = rules.crawl_delay(self._agent)
        if delay:
            self._limits.set_crawl_delay(
                urlsplit(origin).netloc.lower(), min(delay, self.settings.max_crawl_delay)
            )
            self._count("robots_crawl_delay")
        return rules

    # -- internals -----------------------------------------------------------------
    def _exchange(
        self,
        url: str,
        extra_headers: Mapping[str, str] | None,
        read_body: BodyReader | None,
        *,
        robots: bool = True,
    ) -> tuple[Response, str, int]:
        """Follow redirects (checking each hop), retry 429/5xx/timeouts; return the final response.

        With ``read_body`` the body is read (inside the retry loop) and a complete Response
        is returned; without it the open httpx response is returned in ``Response.stream``.
        """
        current = check_url(url)
        seen = {current}
        hops = 0
        attempts_total = 0
        headers = dict(extra_headers or {})
        while True:
            refused = self._breaker.reason_to_refuse(_host(current))
            if refused:
                self._count("host_given_up")
                raise FetchFailure("host_given_up", refused)
            if robots and not self.allowed_by_robots(current):
                raise FetchFailure("robots_disallowed", f"robots.txt of {_host(current)} disallows {current}")
            response, attempts = self._with_retries(current, headers, read_body)
            attempts_total += attempts
            if response.status in REDIRECT_STATUSES:
                current = self._redirect_target(current, response, seen)
                hops += 1
                if hops > self.settings.max_redirects:
                    raise FetchFailure(
                        "too_many_redirects",
                        f"more than max_redirects={self.settings.max_redirects} from {url}",
                        response=response,
                    )
                seen.add(current)
                headers = {}  # validators belong to the first URL only
                continue
            if response.status == 304:
                response.not_modified = True
                return response, current, attempts_total
            if response.status is not None and response.status >= 400:
                _close_stream(response)
                raise FetchFailure(
                    f"http_{response.status}", f"HTTP {response.status} for {current}", response=response
                )
            return response, current, attempts_total

    @staticmethod
    def _redirect_target(current: str, response: Response, seen: set[str]) -> str:
        location = response.header("location")
        _close_stream(response)
        if not location:
            raise FetchFailure(
                "bad_redirect", f"HTTP {response.status} without Location at {current}", response=response
            )
        try:
            target = check_url(urljoin(current, location.strip()))
        except (Refused, ValueError) as refused:
            code, detail = (
                (refused.code, refused.detail) if isinstance(refused, Refused) else ("bad_url", str(refused))
            )
            raise FetchFailure(code, f"redirect from {current}: {detail}", response=response) from None
        if target in seen:
            raise FetchFailure("redirect_loop", f"{current} redirects back to {target}", response=response)
        return target

    def _with_retries(
        self, url: str, headers: Mapping[str, str], read_body: BodyReader | None
    ) -> tuple[Response, int]:
        """One hop, retried; its final outcome is recorded for the host's circuit breaker."""
        host = _host(url)
        try:
            response, attempts = self._attempts(url, host, headers, read_body)
        except FetchFailure as failure:
            self._note_outcome(host, failure.code)
            raise
        self._note_outcome(host, f"http_{response.status}" if response.status in RETRY_STATUSES else None)
        return response, attempts

    def _note_outcome(self, host: str, code: str | None) -> None:
        if self._breaker.record(host, code if code in HOST_FAILURES else None):
            self._count("hosts_given_up")

    def _attempts(
        self, url: str, host: str, headers: Mapping[str, str], read_body: BodyReader | None
    ) -> tuple[Response, int]:
        attempt = 0
        while True:
            attempt += 1
            self._limits.wait_turn(host)
            failure: FetchFailure | None = None
            response: Response | None = None
            with self._limits.semaphore(host):
                try:
                    response = self._send_once(url, headers, read_body)
                except FetchFailure as exc:
                    failure = exc
            if response is not None:
                if response.status not in RETRY_STATUSES or attempt > self.settings.max_retries:
                    return response, attempt
                told = retry_after_seconds(response.header("retry-after"))
                if told is not None and told > self.settings.max_retry_after:
                    # The host asks us to stay away longer than this run waits: this URL fails
                    # now and the host is not contacted again tonight (as it asked).
                    self._count("retry_after_capped")
                    if self._breaker.give_up(
                        host, f"Retry-After {told:.0f} s > max_retry_after={self.settings.max_retry_after:g}"
                    ):
                        self._count("hosts_given_up")
                    return response, attempt
                delay = self._backoff(attempt, told)
                _close_stream(response)
            else:
                assert failure is not None
                if not failure.retryable or attempt > self.settings.max_retries:
                    raise failure
                delay = self._backoff(attempt, None)
            self.waits.append((f"retry {attempt} of {url}", delay))
            self._limits.defer(host, delay)
            self.sleep(delay)

    def _backoff(self, attempt: int, told: float | None) -> float:
        cap = self.settings.max_retry_after
        if told is not None:
            return min(told, cap)
        base = self.settings.backoff_base * (2.0 ** (attempt - 1))
        return min(cap, base * (0.5 + self.rng()))  # jitter: 50%..150% of the exponential step

    def _send_once(self, url: str, headers: Mapping[str, str], read_body: BodyReader | None) -> Response:
        fetched_at = utcnow()
        self.requests += 1
        try:
            request = self._client.build_request("GET", url, headers=headers)
            raw = self._client.send(request, stream=True)
        except Refused:
            raise
        except httpx.TimeoutException as exc:
            raise FetchFailure("timeout", f"{type(exc).__name__} for {url}", retryable=True) from exc
        except (httpx.TransportError, httpcore.ProtocolError) as exc:
            raise FetchFailure(
                "network_error", f"{type(exc).__name__}: {exc} for {url}", retryable=True
            ) from exc
        except (
            httpx.InvalidURL,
            httpx.UnsupportedProtocol,
            ValueError,
        ) as exc:  # UnicodeError (IDNA) included
            raise FetchFailure("bad_url", f"{type(exc).__name__}: {str(exc)[:200]} for {url[:200]}") from exc
        response = Response(
            url=url, status=raw.status_code, headers=list(raw.headers.multi_items()), fetched_at=fetched_at
        )
        if read_body is None:
            response.stream = raw
            return response
        try:
            response.body = self._body_of(raw, response, read_body)
        finally:
            raw.close()
        return response

    def _body_of(self, raw: httpx.Response, response: Response, read_body: BodyReader) -> bytes | None:
        if raw.status_code in REDIRECT_STATUSES or raw.status_code == 304:
            return None
        if raw.status_code in RETRY_STATUSES or raw.status_code >= 400:
            try:
                return self._read_body(raw, ERROR_BODY_MAX, truncate=True)
            except FetchFailure:
                return None
        try:
            return read_body(raw)
        except FetchFailure as failure:
            failure.response = response
            response.body = failure.partial
            raise

    def _read_body(self, raw: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
        seconds = self.settings.max_response_seconds
        deadline = time.monotonic() + seconds
        decoder = BodyDecoder(raw.headers.get("content-encoding"), limit)
        parts: list[bytes] = []
        try:
            for chunk in raw.iter_raw():
                try:
                    parts.append(decoder.feed(chunk))
                except FetchFailure as failure:
                    if truncate and failure.code == "too_large":
                        break
                    raise
                if time.monotonic() > deadline:
                    raise FetchFailure("timeout", f"body not complete after max_response_seconds={seconds}")
            else:
                decoder.finish()
        except FetchFailure as failure:
            failure.partial = b"".join(parts)[:limit]  # what was received is kept for the quarantine
            raise
        except httpx.TimeoutException as exc:
            timeout = FetchFailure(
                "timeout", f"read timeout while receiving the body of {raw.url}", retryable=True
            )
            timeout.partial = b"".join(parts)
            raise timeout from exc
        except (httpx.TransportError, httpcore.ProtocolError) as exc:
            cut = FetchFailure("truncated_body", f"{type(exc).__name__}: {exc}", retryable=True)
            cut.partial = b"".join(parts)
            raise cut from exc
        return b"".join(parts)
