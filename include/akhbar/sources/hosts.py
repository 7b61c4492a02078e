"""Politeness per host: request spacing, concurrency, shared back-off, a circuit breaker, robots.txt.

All state is per run of one source (one :class:`~akhbar.sources.http.HttpClient`) and safe
to share between its worker threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego


class HostLimits:
    """Per-host request spacing (rate, Crawl-delay, back-off) and concurrency."""

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

    def crawl_delay(self, host: str) -> float:
        with self._lock:
            return self._extra_delay.get(host, 0.0)

    def defer(self, host: str, seconds: float) -> None:
        """No request to ``host`` before ``seconds`` from now (a 429/5xx back-off: every
        worker of the host waits, not only the one that was told)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)

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


@dataclass
class _HostRecord:
    consecutive_failures: int = 0
    last_failure: str = ""
    given_up: bool = False


class HostBreaker:
    """Gives a host up after ``limit`` consecutive failed URLs (429, 5xx, timeouts, network
    errors after their retries), or at once when it asks for a longer wait than we make: the
    rest of its URLs fail at once with the reason, instead of each costing its own retries
    and waits."""

    def __init__(self, limit: int):
        self.limit = limit
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostRecord] = {}

    def reason_to_refuse(self, host: str) -> str | None:
        with self._lock:
            record = self._hosts.get(host)
            if record is None or not record.given_up:
                return None
            if record.consecutive_failures >= self.limit:
                why = f"after {self.limit} consecutive failed URLs (last: {record.last_failure})"
            else:
                why = f"({record.last_failure})"
            return f"{host} given up {why}; not contacted again in this run"

    def give_up(self, host: str, reason: str) -> bool:
        """Give ``host`` up now (it asked us to stay away longer than we wait); True the first time."""
        with self._lock:
            record = self._hosts.setdefault(host, _HostRecord())
            first = not record.given_up
            record.given_up, record.last_failure = True, reason[:200]
            return first

    def record(self, host: str, failure: str | None) -> bool:
        """Note one URL's outcome; True when this failure made the host given up."""
        with self._lock:
            record = self._hosts.setdefault(host, _HostRecord())
            if record.given_up:
                return False  # its reason stays the one it was given up for
            if failure is None:
                record.consecutive_failures = 0
                return False
            record.consecutive_failures += 1
            record.last_failure = failure[:200]
            if not record.given_up and record.consecutive_failures >= self.limit:
                record.given_up = True
                return True
            return False


class RobotsRules:
    """robots.txt of one origin, read by protego (RFC 9309), or a blanket answer."""

    def __init__(self, parser: Protego | None = None, *, allow_all: bool = True):
        self.parser = parser
        self.allow_all = allow_all

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        return cls(Protego.parse(text))

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, agent)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return None if delay is None else float(delay)


def product_token(user_agent: str) -> str:
    """The crawler's name for robots.txt groups (RFC 9309 §2.2.1): "akhbar" of "akhbar/0.1 (...)"."""
    token = user_agent.strip().split("/", 1)[0].split(" ", 1)[0]
    return token or user_agent
