"""Issue 11, items 6 and 7 on the fetch side: bounded cost for every input, and the smaller
gaps (symlinks, non-http URLs from dumps). Each case failed before the fix."""

from __future__ import annotations

import gzip
import json
import os
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar.stats import StageCounts
from tests.sources.helpers import collect, errors, make_source, settings
from tests.sources.test_feeds import page, rss2, serve_pages
from tests.sources.test_isolation import trec_doc, warc_bytes

# -- compressed dumps: inflated size and line count are capped --------------------------------------


def test_gzip_dump_inflating_past_the_cap_stops_with_one_record(tmp_path):
    bomb = gzip.compress(b'{"text": "x"}\n' * 3 + b"\n" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000  # about the 51 KB
    (tmp_path / "bomb.jsonl.gz").write_bytes(bomb)
    counts = StageCounts("fetch")
    rows = collect(
        make_source(kind="jsonl", path=tmp_path, settings=settings(max_decompressed_bytes=1024 * 1024)),
        counts=counts,
    )
    assert len(rows) == 4 and errors(rows) == ["too_large"]
    assert "max_decompressed_bytes=1048576" in rows[-1]["error"] and "not read" in rows[-1]["error"]
    assert counts.extra["bytes_read"] <= 1024 * 1024 + 256 * 1024


def test_dump_line_count_is_capped(tmp_path):
    lines = b"".join(json.dumps({"text": f"نص {i}"}).encode() + b"\n" for i in range(50))
    (tmp_path / "d.jsonl.gz").write_bytes(gzip.compress(lines))
    (tmp_path / "e.csv").write_bytes(b"content\n" + b"".join(f"row {i}\n".encode() for i in range(50)))
    rows = collect(make_source(kind="jsonl", path=tmp_path / "d.jsonl.gz", settings=settings(max_lines=20)))
    assert len(rows) == 21 and errors(rows) == ["too_large"] and rows[-1]["locator"] == "d.jsonl.gz:21"
    assert "max_lines=20" in rows[-1]["error"]
    rows = collect(
        make_source(
            kind="csv", path=tmp_path / "e.csv", mapping={"text": "content"}, settings=settings(max_lines=20)
        )
    )
    assert len(rows) == 20 and errors(rows) == ["too_large"]  # 19 rows after the header, then the cap


def test_cut_gzip_dump_keeps_its_tail_bytes(tmp_path):
    data = gzip.compress(b"".join(json.dumps({"text": f"t{i}"}).encode() + b"\n" for i in range(2000)))
    cut = data[: len(data) // 2]
    (tmp_path / "cut.jsonl.gz").write_bytes(cut)
    rows = collect(make_source(kind="jsonl", path=tmp_path))
    assert errors(rows)[-1] == "truncated_gzip" and rows[-1]["body"] == cut  # one member: its bytes from 0
    assert sum(1 for r in rows if not r["error"]) > 100


def test_tarball_inflated_size_is_capped(tmp_path):
    import io
    import tarfile

    path = tmp_path / "docs.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for i in range(5):
            data = (trec_doc(i) + " " * 4000).encode()
            info = tarfile.TarInfo(f"d/{i}.trec")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    rows = collect(make_source(kind="trec", path=path, settings=settings(max_decompressed_bytes=10_000)))
    assert len(rows) == 3 and errors(rows) == ["too_large"]  # two members fit, the third passes the cap


# -- streamed downloads honour max_response_seconds -------------------------------------------------


def test_streamed_warc_download_stops_at_max_response_seconds(server):
    data = warc_bytes(40)

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/warc")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        for start in range(0, len(data), 512):
            handler.wfile.write(data[start : start + 512])
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/slow.warc"] = drip
    started = time.monotonic()
    rows = collect(
        make_source(
            kind="warc",
            url=server.url("/slow.warc"),
            settings=settings(max_response_seconds=0.5, read_timeout=5.0),
        )
    )
    elapsed = time.monotonic() - started
    assert errors(rows)[-1] == "timeout" and "max_response_seconds=0.5" in rows[-1]["error"]
    assert 0 < sum(1 for r in rows if not r["error"]) < 40  # what arrived in time is kept
    assert elapsed < len(data) / 512 * 0.05  # it did not wait for the whole drip


# -- one failing host: back-off and circuit breaker through a source ---------------------------------


def test_failing_host_is_given_up_with_a_reason_on_each_remaining_record(server):
    for i in range(6):
        server.static(f"/down/{i}.html", b"busy", "text/plain", status=503)
    links = [server.url(f"/down/{i}.html") for i in range(6)]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    counts = StageCounts("fetch")
    rows = collect(
        make_source(
            url=server.url("/feed.xml"), settings=settings(host_failure_limit=3, concurrency=1, max_retries=1)
        ),
        counts=counts,
    )
    assert errors(rows) == ["http_503"] * 3 + ["host_given_up"] * 3
    assert all("given up after 3 consecutive failed URLs" in r["error"] for r in rows[3:])
    assert all(server.hits(f"/down/{i}.html") == 0 for i in range(3, 6))
    assert counts.extra["http_waits"] == {"hosts_given_up": 1, "host_given_up": 3}


def test_huge_retry_after_costs_no_wait_per_url(server):
    for i in range(4):
        server.static(f"/p/{i}", b"later", "text/plain", status=429, **{"Retry-After": "999999"})
    links = [server.url(f"/p/{i}") for i in range(4)]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    counts = StageCounts("fetch")
    started = time.monotonic()
    rows = collect(
        make_source(
            url=server.url("/feed.xml"), settings=settings(max_retries=3, max_retry_after=0.2, concurrency=1)
        ),
        counts=counts,
    )
    assert errors(rows) == ["http_429", "host_given_up", "host_given_up", "host_given_up"]
    assert counts.extra["http_waits"] == {"retry_after_capped": 1, "hosts_given_up": 1, "host_given_up": 3}
    assert time.monotonic() - started < 5  # before: max_retries x min(Retry-After, cap) per URL
    assert all(server.hits(f"/p/{i}") == 0 for i in range(1, 4))


# -- symbolic links inside a source folder are never followed -------------------------------------


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (secret / "dir").mkdir()
    (secret / "dir" / "2026-11-28.jsonl").write_text('{"text": "secret"}\n', encoding="utf-8")
    return secret


@pytest.mark.parametrize(
    "kind, name, content",
    [
        ("jsonl", "a.jsonl", b'{"text": "ok"}\n'),
        ("csv", "a.csv", b"text\nok\n"),
        ("trec", "a.trec", trec_doc(1).encode()),
        ("text", "a.txt", "عنوان\nنص\n".encode()),
        ("warc", "a.warc", warc_bytes(1)),
    ],
)
def test_symlinks_in_a_source_folder_are_refused_not_followed(tmp_path, outside, kind, name, content):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / name).write_bytes(content)
    suffix = name.rsplit(".", 1)[1]
    os.symlink(outside / "passwd", folder / f"link.{suffix}")
    os.symlink(outside / "dir", folder / "linked-dir")
    mapping = {"text": "text"} if kind == "csv" else {}
    rows = collect(make_source(kind=kind, path=folder, mapping=mapping))
    refused = sorted(r["locator"] for r in rows if r["error"] and r["error"].startswith("refused_symlink"))
    assert refused == ["link." + suffix, "linked-dir"]
    assert all(r["body"] is None for r in rows if r["locator"] in refused)
    assert not any(b"root:x" in (r["body"] or b"") or b"secret" in (r["body"] or b"") for r in rows)
    assert not any("root:x" in (r["error"] or "") for r in rows)
    assert sum(1 for r in rows if not r["error"]) == 1


def test_symlinks_below_a_glob_are_refused(tmp_path, outside):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"text": "ok"}\n', encoding="utf-8")
    os.symlink(outside / "dir", folder / "sub")
    os.symlink(outside / "passwd", folder / "b.jsonl")
    rows = collect(make_source(kind="jsonl", path=folder / "**" / "*.jsonl"))
    assert sorted(r["locator"] for r in rows if r["error"]) == ["b.jsonl", "sub/2026-11-28.jsonl"]
    assert [r["body"] for r in rows if not r["error"]] == [b"ok"]


def test_parquet_folder_symlink_refused(tmp_path, outside):
    folder = tmp_path / "src"
    folder.mkdir()
    pq.write_table(pa.table({"text": ["ok"]}), folder / "a.parquet")
    other = outside / "b.parquet"
    pq.write_table(pa.table({"text": ["secret"]}), other)
    os.symlink(other, folder / "b.parquet")
    rows = collect(make_source(kind="parquet", path=folder))
    assert errors(rows) == ["refused_symlink"] and [r["body"] for r in rows if not r["error"]] == [b"ok"]


def test_a_mirrored_page_reached_through_a_symlink_is_refused(tmp_path, outside):
    site = tmp_path / "site"
    site.mkdir()
    (site / "0.html").write_bytes(page(0))
    os.symlink(outside / "passwd", site / "1.html")
    (site / "feed.xml").write_bytes(rss2("http://example.invalid", ["0.html", "1.html"]))
    rows = collect(make_source(path=site / "feed.xml"))
    assert errors(rows) == ["refused_symlink"] and rows[0]["body"] == page(0)
    assert all(b"root:x" not in (r["body"] or b"") for r in rows)


# -- javascript: and data: URLs from dumps are not stored as url ------------------------------------


def test_non_http_urls_from_dumps_are_dropped_and_noted(tmp_path):
    lines = [
        {"text": "a", "url": "javascript:alert(document.cookie)", "id": "1"},
        {"text": "b", "url": "data:text/html;base64,PHNjcmlwdD4="},
        {"text": "c", "url": "https://example.tn/c"},
        {"text": "d", "url": "/relative/d"},
        {"text": "e", "url": "http://[::1"},
    ]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="jsonl", path=tmp_path / "d.jsonl"), counts=counts)
    assert [r["url"] for r in rows] == [None, None, "https://example.tn/c", "/relative/d", None]
    assert json.loads(rows[0]["headers"]) == {"id": "1", "url_dropped": "scheme 'javascript' is not http(s)"}
    assert "unparseable URL" in json.loads(rows[4]["headers"])["url_dropped"]
    assert counts.extra["fetch_notes"]["url_dropped"] == 3 and not errors(rows)


def test_non_http_urls_from_trec_are_dropped_and_noted(tmp_path):
    doc = trec_doc(1).replace("<DOCNO>", "<URL>javascript:void(0)</URL><DOCNO>")
    (tmp_path / "a.trec").write_text(doc, encoding="utf-8")
    rows = collect(make_source(kind="trec", path=tmp_path / "a.trec"))
    assert rows[0]["url"] is None and "url_dropped" in json.loads(rows[0]["headers"])


def test_pages_fetched_once_per_link_across_sources_items(server):
    """A feed's duplicate links cost no second request (and no second record)."""
    serve_pages(server, 1)
    server.static("/feed.xml", rss2(server.base, [server.url("/a/0.html")] * 3), "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert len(rows) == 1 and server.hits("/a/0.html") == 1
