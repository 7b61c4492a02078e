"""The polite, safe HTTP client against real local servers (127.0.0.1 only)."""

from __future__ import annotations

import gzip
import itertools
import time

import pytest

from akhbar.sources.http import HttpClient
from tests.sources.helpers import settings

ARABIC_PAGE = (
    "<html><head><title>تونس</title></head><body><p>أعلنت وزارة الشؤون الثقافية</p></body></html>".encode()
)


class Recorder:
    """A sleep that really sleeps but also records what was asked."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        time.sleep(min(seconds, 0.05))  # keep tests quick; the asked delay is what we check


def test_200_keeps_bytes_headers_and_status(server):
    server.static("/a.html", ARABIC_PAGE, ETag='"v1"')
    with HttpClient(settings()) as client:
        response = client.get(server.url("/a.html"))
    assert response.error is None
    assert response.status == 200
    assert response.body == ARABIC_PAGE
    assert response.header("etag") == '"v1"'
    assert response.final_url == server.url("/a.html")
    # The User-Agent of the settings was sent.
    sent = server.log[-1][2]
    assert sent["User-Agent"] == settings().user_agent


def test_404_is_an_error_with_the_page_kept(server):
    with HttpClient(settings()) as client:
        response = client.get(server.url("/nope"))
    assert response.error.startswith("http_404: ")
    assert response.status == 404
    assert response.body == b"<html>not found</html>"


def test_429_waits_retry_after_then_succeeds(server):
    state = {"n": 0}

    def route(handler):
        state["n"] += 1
        if state["n"] == 1:
            server.send(handler, 429, b"slow down", "text/plain", {"Retry-After": "1"})
        else:
            server.send(handler, 200, ARABIC_PAGE, "text/html")

    server.routes["/limited"] = route
    sleep = Recorder()
    with HttpClient(settings(max_retries=2), sleep=sleep) as client:
        response = client.get(server.url("/limited"))
    assert response.error is None and response.body == ARABIC_PAGE
    assert response.attempts == 2
    assert 1.0 in sleep.calls  # the server's Retry-After, exactly


def test_retry_after_beyond_the_cap_fails_the_url_and_gives_the_host_up(server):
    """Issue 11: `Retry-After: 999999` cost 3 minutes per URL. A Retry-After above
    max_retry_after is not waited for: the URL fails now (counted) and the host, which asked
    us to stay away longer than the run waits, is not contacted again."""
    server.static("/limited", b"no", "text/plain", status=429, **{"Retry-After": "999999"})
    server.static("/a.html", ARABIC_PAGE)
    sleep = Recorder()
    with HttpClient(settings(max_retries=3, max_retry_after=2.0), sleep=sleep) as client:
        response = client.get(server.url("/limited"))
        assert response.error.startswith("http_429: ")
        assert server.hits("/limited") == 1 and sleep.calls == []  # no retry, no wait
        later = client.get(server.url("/a.html"))
    assert later.error_code == "host_given_up" and "Retry-After 999999 s > max_retry_after=2" in later.error
    assert server.hits("/a.html") == 0 and sleep.calls == []
    assert client.stats["retry_after_capped"] == 1 and client.stats["hosts_given_up"] == 1


def test_retry_after_within_the_cap_is_waited(server):
    state = {"n": 0}

    def route(handler):
        state["n"] += 1
        status = 503 if state["n"] == 1 else 200
        server.send(handler, status, ARABIC_PAGE, "text/html", {"Retry-After": "2"} if status == 503 else {})

    server.routes["/x"] = route
    sleep = Recorder()
    with HttpClient(settings(max_retries=1, max_retry_after=2.0), sleep=sleep) as client:
        assert client.get(server.url("/x")).error is None
    assert 2.0 in sleep.calls


def test_500_then_200_retries_with_backoff_and_jitter(server):
    state = {"n": 0}

    def route(handler):
        state["n"] += 1
        if state["n"] < 3:
            server.send(handler, 500, b"oops", "text/plain")
        else:
            server.send(handler, 200, ARABIC_PAGE, "text/html")

    server.routes["/flaky"] = route
    sleep = Recorder()
    with HttpClient(settings(max_retries=3, backoff_base=0.2), sleep=sleep, rng=lambda: 0.25) as client:
        response = client.get(server.url("/flaky"))
    assert response.error is None and response.status == 200
    assert server.hits("/flaky") == 3
    backoffs = [w for _, w in client.waits]
    # exponential: 0.2 * 2**(n-1), times the jitter factor 0.5 + 0.25
    assert backoffs == pytest.approx([0.2 * 0.75, 0.4 * 0.75])


def test_500_gives_up_after_max_retries(server):
    server.static("/down", b"down", "text/plain", status=503)
    with HttpClient(settings(max_retries=2), sleep=Recorder()) as client:
        response = client.get(server.url("/down"))
    assert response.error.startswith("http_503: ")
    assert server.hits("/down") == 3


def test_read_timeout_on_slow_response(server):
    def slow(handler):
        time.sleep(1.5)
        server.send(handler, 200, b"late", "text/plain")

    server.routes["/slow"] = slow
    with HttpClient(settings(read_timeout=0.2, max_retries=1), sleep=Recorder()) as client:
        response = client.get(server.url("/slow"))
    assert response.error.startswith("timeout: "), response.error
    assert server.hits("/slow") == 2  # retried once


def test_slow_drip_body_hits_the_response_deadline(server):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/drip"] = drip
    with HttpClient(settings(read_timeout=1.0, max_response_seconds=0.3)) as client:
        response = client.get(server.url("/drip"))
    assert response.error.startswith("timeout: ")
    assert response.body and 0 < len(response.body) < 100  # what arrived is kept


def test_redirects_followed_and_final_url(server):
    server.static("/r1", b"", None, status=301, Location="/r2")
    server.static("/r2", b"", None, status=302, Location=server.url("/a.html"))
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings()) as client:
        response = client.get(server.url("/r1"))
    assert response.error is None
    assert response.url == server.url("/r1")
    assert response.final_url == server.url("/a.html")
    assert response.body == ARABIC_PAGE


def test_redirect_loop_and_too_many_redirects(server):
    server.static("/loop1", b"", None, status=302, Location="/loop2")
    server.static("/loop2", b"", None, status=302, Location="/loop1")
    for i in range(10):
        server.static(f"/chain{i}", b"", None, status=307, Location=f"/chain{i + 1}")
    with HttpClient(settings(max_redirects=3)) as client:
        loop = client.get(server.url("/loop1"))
        chain = client.get(server.url("/chain0"))
    assert loop.error.startswith("redirect_loop: ")
    assert chain.error.startswith("too_many_redirects: ")
    assert server.hits("/chain4") == 0  # stopped after max_redirects hops


def test_redirect_to_file_scheme_is_refused(server):
    server.static("/evil", b"", None, status=302, Location="file:///etc/passwd")
    with HttpClient(settings()) as client:
        response = client.get(server.url("/evil"))
    assert response.error.startswith("refused_scheme: ")
    assert response.body in (None, b"")


def test_wrong_charset_header_keeps_bytes_untouched(server):
    server.static("/latin", ARABIC_PAGE, "text/html; charset=iso-8859-1")
    with HttpClient(settings()) as client:
        response = client.get(server.url("/latin"))
    assert response.body == ARABIC_PAGE  # no transcoding: extraction decides the charset
    assert "iso-8859-1" in response.content_type


def test_oversized_body_is_cut_and_flagged(server):
    server.static("/big", b"a" * 300_000, "text/html")
    with HttpClient(settings(max_bytes=100_000)) as client:
        response = client.get(server.url("/big"))
    assert response.error.startswith("too_large: ")
    assert response.body is not None and len(response.body) <= 100_000


def test_gzip_bomb_is_capped_after_decompression(server):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MiB of zeros
    assert len(bomb) < 300_000
    server.static("/bomb", bomb, "text/html", **{"Content-Encoding": "gzip"})
    with HttpClient(settings(max_bytes=1_000_000)) as client:
        response = client.get(server.url("/bomb"))
    assert response.error.startswith("too_large: ")
    assert "decompression" in response.error
    assert len(response.body) <= 1_000_000


def test_gzip_response_is_decoded(server):
    server.static("/gz", gzip.compress(ARABIC_PAGE), "text/html", **{"Content-Encoding": "gzip"})
    with HttpClient(settings()) as client:
        response = client.get(server.url("/gz"))
    assert response.error is None and response.body == ARABIC_PAGE


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "10.0.0.1", "192.168.1.1", "[::ffff:127.0.0.1]"],
)
def test_private_addresses_refused_unless_allowed(server, host):
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings(allow_private=False)) as client:
        response = client.get(f"http://{host}:{server.port}/a.html")
    assert response.error.startswith("refused_private_address: "), response.error
    assert server.hits("/a.html") == 0


def test_address_is_checked_at_connect_time(server):
    """The check sits in the connection layer: every connection (redirect hops, reused
    pools) goes to an address that was checked, never to a second DNS answer."""
    from akhbar.sources.safety import Refused
    from akhbar.sources.transport import GuardedBackend

    with pytest.raises(Refused) as refused:
        GuardedBackend(allow_private=False).connect_tcp("localhost", server.port, timeout=1.0)
    assert refused.value.code == "refused_private_address"
    stream = GuardedBackend(allow_private=True).connect_tcp("localhost", server.port, timeout=1.0)
    stream.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "gopher://x/",
        "javascript:alert(1)",
        "http://user:pw@127.0.0.1/",
    ],
)
def test_bad_schemes_and_credentials_refused(url):
    with HttpClient(settings()) as client:
        response = client.get(url)
    assert response.error_code in ("refused_scheme", "refused_credentials", "bad_url")


def test_robots_txt_honoured_and_fetched_once(server):
    server.static("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    server.static("/public/a.html", ARABIC_PAGE)
    server.static("/private/b.html", ARABIC_PAGE)
    with HttpClient(settings(robots=True)) as client:
        ok = [client.get(server.url("/public/a.html")) for _ in range(3)]
        no = client.get(server.url("/private/b.html"))
    assert all(r.error is None for r in ok)
    assert no.error.startswith("robots_disallowed: ")
    assert server.hits("/private/b.html") == 0
    assert server.hits("/robots.txt") == 1


def test_robots_5xx_means_disallow_and_404_means_allow(server):
    server.static("/robots.txt", b"", "text/plain", status=404)
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings(robots=True)) as client:
        assert client.get(server.url("/a.html")).error is None
    server.routes.clear()
    server.static("/robots.txt", b"", "text/plain", status=503)
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings(robots=True)) as client:
        assert client.get(server.url("/a.html")).error_code == "robots_disallowed"


def test_conditional_request_gets_304(server):
    server.conditional("/c.html", ARABIC_PAGE, etag='"abc"')
    with HttpClient(settings()) as client:
        response = client.get(server.url("/c.html"), headers={"If-None-Match": '"abc"'})
    assert response.not_modified and response.status == 304 and response.error is None


def test_rate_limit_spaces_requests_per_host(server):
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings(rate_per_second=10.0, concurrency=2)) as client:
        began = time.monotonic()
        results = list(client.get_many((server.url("/a.html"), None) for _ in range(5)))
    assert all(r.error is None for r in results)
    # 10 requests/s at most: the k-th request cannot reach the server before k tenths of a second
    # after the first could be sent. (Gaps between arrivals are no measure on a loaded machine: a
    # request released late by the scheduler arrives close to the next one, released on time.)
    times = sorted(t for t, p, _ in server.log if p == "/a.html")
    assert len(times) == 5
    assert all(t - began >= 0.1 * k for k, t in enumerate(times)), [t - began for t in times]


def test_concurrency_limit_per_host(server):
    def slowish(handler):
        time.sleep(0.15)
        server.send(handler, 200, ARABIC_PAGE, "text/html")

    server.routes["/s"] = slowish
    with HttpClient(settings(concurrency=2)) as client:
        results = list(client.get_many((server.url("/s"), None) for _ in range(8)))
    assert len(results) == 8 and all(r.error is None for r in results)
    assert server.max_inflight <= 2


def test_unreachable_host_is_an_error_not_an_exception():
    with HttpClient(settings(connect_timeout=0.5)) as client:
        # a port nothing listens on: bind, read the port, close.
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        response = client.get(f"http://127.0.0.1:{port}/")
    assert response.error_code == "network_error"


def test_host_is_given_up_after_consecutive_failures(server):
    """Circuit breaker: after host_failure_limit failed URLs in a row the host is not
    contacted again; each remaining URL fails at once with the reason."""
    server.static("/down", b"down", "text/plain", status=503)
    urls = [server.url(f"/down?{i}") for i in range(10)]
    sleep = Recorder()
    with HttpClient(settings(max_retries=1, host_failure_limit=3, concurrency=1), sleep=sleep) as client:
        responses = list(client.get_many((u, None) for u in urls))
    assert [r.error_code for r in responses] == ["http_503"] * 3 + ["host_given_up"] * 7
    assert sum(1 for _, p, _ in server.log if p.startswith("/down")) == 6  # 3 URLs x (try + retry), then none
    assert "given up after 3 consecutive failed URLs (last: http_503)" in responses[-1].error
    assert client.stats["hosts_given_up"] == 1 and client.stats["host_given_up"] == 7


def test_a_success_resets_the_breaker(server):
    state = {"n": 0}

    def flaky(handler):
        state["n"] += 1
        status = 200 if state["n"] % 2 == 0 else 503
        server.send(handler, status, ARABIC_PAGE, "text/html")

    server.routes["/flaky"] = flaky
    with HttpClient(settings(host_failure_limit=2, concurrency=1)) as client:
        codes = [client.get(server.url("/flaky")).error_code for _ in range(8)]
    assert codes == ["http_503", None] * 4  # never two failures in a row: never given up
    assert "hosts_given_up" not in client.stats


def test_retries_back_off_the_whole_host(server):
    """The back-off of one URL delays the host's next request from any worker."""
    state = {"n": 0}

    def once_busy(handler):
        state["n"] += 1
        if state["n"] == 1:
            server.send(handler, 503, b"busy", "text/plain", {"Retry-After": "0.4"})
        else:
            server.send(handler, 200, ARABIC_PAGE, "text/html")

    server.routes["/x"] = once_busy
    server.static("/y", ARABIC_PAGE)
    with HttpClient(settings(max_retries=1, concurrency=2)) as client:
        results = list(client.get_many([(server.url("/x"), None), (server.url("/y"), None)]))
    assert all(r.error is None for r in results)
    first = min(t for t, p, _ in server.log)
    later = sorted(t for t, p, _ in server.log if t > first)
    assert later and later[-1] - first >= 0.35  # the retry waited; /y was sent before or after the wait


# -- robots.txt through protego (RFC 9309) ---------------------------------------------------------


@pytest.mark.parametrize(
    "rules, path, allowed",
    [
        ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/news/a.html", True),  # longest match wins
        ("User-agent: *\nDisallow: /\nAllow: /news/\n", "/sport/a.html", False),
        ("User-agent: *\nDisallow: /*.pdf$\n", "/a.pdf", False),  # * and $ patterns
        ("User-agent: *\nDisallow: /*.pdf$\n", "/a.pdf.html", True),
        ("User-agent: akhbar\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n", "/public.html", True),
        ("User-agent: akhbar\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n", "/private/x.html", False),
    ],
)
def test_robots_rules_follow_rfc_9309(server, rules, path, allowed):
    server.static("/robots.txt", rules.encode(), "text/plain")
    server.static(path, ARABIC_PAGE)
    with HttpClient(settings(robots=True)) as client:
        response = client.get(server.url(path))
    assert (response.error is None) is allowed, response.error
    assert server.hits(path) == (1 if allowed else 0)


def test_robots_crawl_delay_spaces_requests(server):
    server.static("/robots.txt", b"User-agent: *\nCrawl-delay: 0.3\n", "text/plain")
    server.static("/a.html", ARABIC_PAGE)
    with HttpClient(settings(robots=True, rate_per_second=1000.0)) as client:
        assert all(client.get(server.url("/a.html")).error is None for _ in range(3))
        assert client.stats["robots_crawl_delay"] == 1
    times = sorted(t for t, p, _ in server.log if p == "/a.html")
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.3 - 0.02


def test_crawl_delay_is_capped(server):
    server.static("/robots.txt", b"User-agent: *\nCrawl-delay: 3600\n", "text/plain")
    server.static("/a.html", ARABIC_PAGE)
    sleep = Recorder()
    with HttpClient(settings(robots=True, max_crawl_delay=0.5), sleep=sleep) as client:
        client.get(server.url("/a.html"))
        client.get(server.url("/a.html"))
    assert max(sleep.calls) <= 0.5


# -- addresses that allow_private never opens (stubbed resolver: nothing leaves 127.0.0.1) ------


@pytest.fixture
def resolver(monkeypatch):
    """Names under .test resolve to the addresses a test gives; connections still go
    through the network guard of conftest (loopback only)."""
    import socket

    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in table:
            address = table[name]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port or 80, 0, 0) if family == socket.AF_INET6 else (address, port or 80)
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return table


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.1.1",
        "fe80::1",
        "fd00:ec2::254",
        "100.100.100.200",
        "::ffff:169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",
    ],
)
def test_allow_private_never_opens_link_local_or_metadata(resolver, address):
    resolver["cloud.test"] = address
    with HttpClient(settings(allow_private=True)) as client:
        response = client.get("http://cloud.test/latest/meta-data/")
    assert response.error_code == "refused_link_local_address", response.error


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.20", "fd12:3456::1"])
def test_allow_private_opens_private_ranges(resolver, address):
    resolver["lab.test"] = address
    with HttpClient(settings(allow_private=True, connect_timeout=0.5)) as client:
        response = client.get("http://lab.test/a.html")
    # Not refused by the address check: the connection was attempted (and stopped by the
    # test's network guard, which lets nothing leave loopback).
    assert response.error_code == "network_error", response.error


def test_redirect_to_the_metadata_address_is_refused_with_allow_private(server, resolver):
    resolver["metadata.test"] = "169.254.169.254"
    server.static("/go", b"", None, status=302, Location="http://metadata.test/latest/meta-data/iam/")
    with HttpClient(settings(allow_private=True)) as client:
        response = client.get(server.url("/go"))
    assert response.error_code == "refused_link_local_address", response.error
    assert server.hits("/go") == 1


def test_no_private_httpx_attributes_are_used():
    import ast
    from pathlib import Path

    import akhbar.sources as package

    for path in Path(package.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                owner = ast.unparse(node.value)
                assert not owner.startswith(("httpx", "httpcore", "transport", "raw")), (
                    f"{path.name}: {owner}.{node.attr}"
                )
