"""Issue 11, items 2-4: record ids unique by construction, one bad record never fails its
source, and file readers lose nothing (each case failed before the fix)."""

from __future__ import annotations

import datetime as _dt
import gzip
import io
import json

import pyarrow.parquet as pq
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from akhbar.stats import StageCounts
from tests.sources.helpers import DT, collect, errors, make_source, settings
from tests.sources.test_feeds import page, rss2, serve_pages, urlset

# -- item 2: one URL reached twice in one source is one record ----------------------------------


def sitemap_index(*locs: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    ).encode()


def test_overlapping_child_sitemaps_give_one_record_per_url(server):
    serve_pages(server, 3)
    u = server.url
    server.static(
        "/news.xml", urlset([(u("/a/0.html"), None, None), (u("/a/1.html"), None, None)]), "application/xml"
    )
    server.static(
        "/2024-05.xml",
        urlset([(u("/a/1.html"), None, None), (u("/a/2.html"), None, None), (u("/a/0.html"), None, None)]),
        "application/xml",
    )
    server.static("/index.xml", sitemap_index(u("/news.xml"), u("/2024-05.xml")), "application/xml")
    counts = StageCounts("fetch")
    rows = collect(
        make_source(kind="sitemap", url=u("/index.xml")), counts=counts
    )  # collect checks unique ids
    assert sorted(r["url"] for r in rows) == [u(f"/a/{i}.html") for i in range(3)]
    assert counts.extra["fetch_skipped"]["duplicate_link"] == 2
    assert all(server.hits(f"/a/{i}.html") == 1 for i in range(3))


def test_sitemap_index_listing_itself_is_read_once(server):
    serve_pages(server, 1)
    u = server.url
    server.static("/news.xml", urlset([(u("/a/0.html"), None, None)]), "application/xml")
    server.static(
        "/index.xml", sitemap_index(u("/index.xml"), u("/news.xml"), u("/news.xml")), "application/xml"
    )
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="sitemap", url=u("/index.xml")), counts=counts)
    assert [r["url"] for r in rows] == [u("/a/0.html")]
    assert server.hits("/index.xml") == 1 and server.hits("/news.xml") == 1
    assert counts.extra["fetch_skipped"]["sitemap_repeated"] == 2


def test_local_sitemaps_overlapping_and_listing_themselves(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for i in range(2):
        (site / f"{i}.html").write_bytes(page(i))
    (site / "a.xml").write_bytes(urlset([("0.html", None, None), ("1.html", None, None)]))
    (site / "b.xml").write_bytes(urlset([("1.html", None, None), ("/0.html", None, None)]))
    (site / "index.xml").write_bytes(sitemap_index("index.xml", "a.xml", "b.xml"))
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="sitemap", path=site / "index.xml"), counts=counts)
    assert sorted(r["locator"] for r in rows) == ["0.html", "1.html"]
    assert counts.extra["fetch_skipped"] == {"duplicate_link": 2, "sitemap_repeated": 1}


def test_a_feed_listing_an_item_twice_bad_link_included(server):
    serve_pages(server, 1)
    links = [server.url("/a/0.html"), "http://[::1", server.url("/a/0.html"), "http://[::1"]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    counts = StageCounts("fetch")
    rows = collect(make_source(url=server.url("/feed.xml")), counts=counts)
    assert errors(rows) == ["bad_url"] and len(rows) == 2
    assert counts.extra["fetch_skipped"]["duplicate_link"] == 2


def test_plain_and_refetch_reruns_give_the_same_records(server, tmp_path):
    serve_pages(server, 2)
    u = server.url
    server.static(
        "/a.xml", urlset([(u("/a/0.html"), None, None), (u("/a/1.html"), None, None)]), "application/xml"
    )
    server.static("/index.xml", sitemap_index(u("/a.xml"), u("/a.xml"), u("/index.xml")), "application/xml")
    source = make_source(kind="sitemap", url=u("/index.xml"))
    runs = [collect(source, dt=DT, state_dir=tmp_path) for _ in range(3)]  # first run, rerun, rerun
    ids = [sorted(r["record_id"] for r in rows) for rows in runs]
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == 2


def test_pipeline_fetch_writes_unique_ids_and_its_figures(tmp_path):
    """Through pipeline.fetch (the raw zone): unique record ids, and the fetch figures
    (duplicate_link, skips by cause) in the stage counts (issue 15)."""
    from akhbar import pipeline

    site = tmp_path / "site"
    site.mkdir()
    for i in range(2):
        (site / f"{i}.html").write_bytes(page(i))
    (site / "a.xml").write_bytes(urlset([("0.html", None, None), ("1.html", None, None)]))
    (site / "index.xml").write_bytes(sitemap_index("a.xml", "a.xml", "index.xml"))
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n  - id: site\n    kind: sitemap\n    path: site/index.xml\n", encoding="utf-8"
    )
    ctx = pipeline.RunContext(dt=DT, data_dir=tmp_path / "data", sources_path=registry)
    figures = pipeline.fetch(ctx, "site")
    table = pq.read_table(ctx.raw_path("site"))
    assert table.num_rows == 2 and len(set(table.column("record_id").to_pylist())) == 2
    assert figures["extra"]["fetch_skipped"] == {"sitemap_repeated": 2}
    refetched = pipeline.fetch(ctx, "site", refetch=True)
    assert sorted(pq.read_table(ctx.raw_path("site")).column("record_id").to_pylist()) == sorted(
        table.column("record_id").to_pylist()
    )
    assert refetched["extra"]["fetch_skipped"] == figures["extra"]["fetch_skipped"]


# -- item 3: one bad record is one quarantined record, the rest proceeds -------------------------


def test_bad_item_link_in_a_feed_is_one_record(server):
    serve_pages(server, 2)
    links = [server.url("/a/0.html"), "http://[::1", server.url("/a/1.html")]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows) == ["bad_url"] and len(rows) == 3
    bad = next(r for r in rows if r["error"])
    assert b"http://[::1" in bad["body"] and "Invalid IPv6 URL" in bad["error"]
    assert [r["body"] for r in rows if not r["error"]] == [page(0), page(1)]


def test_bad_item_link_in_a_sitemap_and_a_url_list(server, tmp_path):
    serve_pages(server, 1)
    server.static(
        "/s.xml",
        urlset([("http://[::1", None, None), (server.url("/a/0.html"), None, None)]),
        "application/xml",
    )
    rows = collect(make_source(kind="sitemap", url=server.url("/s.xml")))
    assert errors(rows) == ["bad_url"] and b"<loc>http://[::1</loc>" in rows[0]["body"]
    assert rows[1]["body"] == page(0)
    listing = tmp_path / "urls.txt"
    listing.write_bytes(b"http://[::1\n" + server.url("/a/0.html").encode() + b"\n\xff\xfe not utf-8\n")
    rows = collect(make_source(kind="pages", path=listing))
    assert errors(rows) == ["bad_url", "bad_encoding"]
    assert rows[0]["body"] == b"http://[::1" and rows[2]["body"] == b"\xff\xfe not utf-8"
    assert rows[1]["body"] == page(0)


def test_json_feed_url_that_is_a_list_is_one_record(server):
    serve_pages(server, 2)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [
            {"id": "1", "url": server.url("/a/0.html"), "title": "أول"},
            {"id": "2", "url": [server.url("/a/1.html"), "x"], "title": "ثان"},
            {"id": "3", "url": server.url("/a/1.html"), "title": "ثالث"},
            "not an object",
        ],
    }
    server.static("/feed.json", json.dumps(feed, ensure_ascii=False).encode(), "application/feed+json")
    rows = collect(make_source(url=server.url("/feed.json")))
    assert errors(rows) == ["bad_item", "bad_item"] and len(rows) == 4
    listed = next(r for r in rows if r["error"] and "list" in r["error"])
    assert json.loads(listed["body"])["id"] == "2" and listed["meta_title"] == "ثان"
    assert [r["meta_title"] for r in rows if not r["error"]] == ["أول", "ثالث"]


def write_lines(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_jsonl_lone_surrogate_and_deep_nesting_are_one_record_each(tmp_path):
    good = json.dumps({"text": "نص سليم"}, ensure_ascii=False).encode()
    surrogate = b'{"text": "before \\ud800 after", "title": "t"}'
    deep = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    title_only = b'{"text": "ok", "title": "\\udfff"}'
    write_lines(tmp_path / "d.jsonl", [good, surrogate, deep, good, title_only])
    rows = collect(make_source(kind="jsonl", path=tmp_path / "d.jsonl"))
    assert [r["locator"] for r in rows] == [f"d.jsonl:{i}" for i in range(1, 6)]
    assert errors(rows) == ["invalid_unicode", "malformed_json", "invalid_unicode"]
    assert rows[1]["body"] == surrogate + b"\n" and rows[2]["body"] == deep + b"\n"
    assert "nested too deeply" in rows[2]["error"]
    assert rows[0]["body"] == rows[3]["body"] == "نص سليم".encode()


def test_a_whole_source_failure_raises_for_its_task(tmp_path):
    """What still fails a source (here its fetch state cannot be read) raises out of
    pipeline.fetch (the Airflow task fails) after one source_failed record is written."""
    import pytest

    from akhbar import pipeline

    (tmp_path / "d.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    registry = tmp_path / "sources.yaml"
    registry.write_text("sources:\n  - id: dump\n    kind: jsonl\n    path: d.jsonl\n", encoding="utf-8")
    ctx = pipeline.RunContext(dt=DT, data_dir=tmp_path / "data", sources_path=registry)
    state = ctx.state_dir / "fetch" / "dump.parquet"
    state.parent.mkdir(parents=True)
    state.write_bytes(b"not parquet")
    with pytest.raises(RuntimeError, match=r"source dump \(.*d\.jsonl\) failed: .*dump\.parquet"):
        pipeline.fetch(ctx, "dump")
    rows = pq.read_table(ctx.raw_path("dump")).to_pylist()
    assert [r["error"].split(":")[0] for r in rows] == ["source_failed"]


# -- item 4: file readers lose nothing -------------------------------------------------------------


def trec_doc(n: int) -> str:
    return f"<DOC>\n<DOCNO>D-{n}</DOCNO>\n<TITLE>عنوان {n}</TITLE>\n<TEXT>\nنص {n}\n</TEXT>\n</DOC>\n"


def test_trec_doc_without_end_tag_resumes_at_the_next_doc(tmp_path):
    broken_middle = trec_doc(2).replace("</DOC>", "")
    broken_last = trec_doc(6).replace("</DOC>", "")
    text = trec_doc(1) + broken_middle + trec_doc(3) + trec_doc(4) + trec_doc(5) + broken_last
    (tmp_path / "a.trec").write_text(text, encoding="utf-8")
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="trec", path=tmp_path / "a.trec"), counts=counts)
    assert len(rows) == 6  # 2 of 6 were lost before
    assert [r["error"].split(":")[0] if r["error"] else r["body"].decode() for r in rows] == [
        "نص 1",
        "malformed_trec",
        "نص 3",
        "نص 4",
        "نص 5",
        "malformed_trec",
    ]
    assert rows[1]["body"] == broken_middle.encode() and rows[5]["body"] == broken_last.encode()
    assert counts.extra["bytes_read"] == len(text.encode()) and counts.extra["bytes_quarantined"] == len(
        (broken_middle + broken_last).encode()
    )


def test_trec_text_outside_documents_is_quarantined(tmp_path):
    text = "junk before\n" + trec_doc(1) + "\n\n" + trec_doc(2) + "trailing junk"
    (tmp_path / "a.trec").write_text(text, encoding="utf-8")
    rows = collect(make_source(kind="trec", path=tmp_path / "a.trec"))
    assert errors(rows) == ["malformed_trec", "malformed_trec"] and len(rows) == 4
    assert rows[0]["body"] == b"junk before\n" and rows[-1]["body"] == b"\ntrailing junk"


def csv_text(n: int) -> bytes:
    rows = [b"id,headline,content"] + [f"{i},عنوان {i},نص {i}".encode() for i in range(n)]
    return b"\n".join(rows) + b"\n"


def test_one_invalid_byte_in_a_csv_quarantines_that_row_only(tmp_path):
    data = csv_text(19).replace("نص 7".encode(), b"\xff\xfe bad 7")
    (tmp_path / "d.csv").write_bytes(data)
    rows = collect(make_source(kind="csv", path=tmp_path / "d.csv", mapping={"text": "content"}))
    assert len(rows) == 19  # 12 of 19 were lost before
    assert errors(rows) == ["bad_encoding"]
    bad = next(r for r in rows if r["error"])
    assert (
        bad["locator"] == "d.csv:9"
        and bad["body"] == b"7,\xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86 7,\xff\xfe bad 7\n"
    )
    assert rows[8]["body"] == "نص 8".encode()


def test_csv_row_the_parser_refuses_and_quoted_newlines_keep_their_bytes(tmp_path):
    huge = b"2," + b"x" * 140_000 + b"\n"  # a field over the parser's limit: csv.Error for that row
    data = b'id,content\n1,"line one\nline two"\n' + huge + b"3,fine\n"
    (tmp_path / "d.csv").write_bytes(data)
    counts = StageCounts("fetch")
    rows = collect(
        make_source(
            kind="csv",
            path=tmp_path / "d.csv",
            mapping={"text": "content"},
            settings=settings(max_bytes=4096),
        ),
        counts=counts,
    )
    assert [r["locator"] for r in rows] == ["d.csv:2", "d.csv:4", "d.csv:5"]
    assert errors(rows) == ["malformed_csv"] and rows[1]["body"] == huge
    assert rows[0]["body"] == b"line one\nline two" and rows[2]["body"] == b"fine"
    assert counts.extra["bytes_read"] == len(data)


def warc_bytes(n: int) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i in range(n):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.tn/{i}",
            "response",
            payload=io.BytesIO(f"<html><p>خبر {i}</p></html>".encode()),
            http_headers=headers,
        )
        writer.write_record(record)
    return out.getvalue()


def test_warc_gzipped_as_one_stream_is_read_whole(tmp_path):
    plain = warc_bytes(5)
    (tmp_path / "one.warc.gz").write_bytes(gzip.compress(plain))
    rows = collect(make_source(kind="warc", path=tmp_path / "one.warc.gz"))
    assert len(rows) == 5 and not errors(rows)  # 1 of 5 before
    assert [r["url"] for r in rows] == [f"https://example.tn/{i}" for i in range(5)]
    assert rows[0]["locator"] == "one.warc.gz#0" and rows[1]["locator"].startswith("one.warc.gz#0+")


def test_warc_record_with_a_too_large_content_length_resyncs_at_the_next_record(tmp_path):
    plain = warc_bytes(4)
    second = plain.index(b"WARC/1.", 10)
    head_end = plain.index(b"\r\n\r\n", second)
    length_at = plain.index(b"Content-Length: ", second, head_end) + len(b"Content-Length: ")
    length_end = plain.index(b"\r\n", length_at)
    bigger = str(int(plain[length_at:length_end]) + 500).encode()
    data = plain[:length_at] + bigger + plain[length_end:]
    (tmp_path / "bad.warc").write_bytes(data)
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="warc", path=tmp_path / "bad.warc"), counts=counts)
    assert len(rows) == 4 and errors(rows) == ["truncated_warc"]  # it swallowed the next record before
    assert [r["url"] for r in rows if not r["error"]] == [
        "https://example.tn/0",
        "https://example.tn/2",
        "https://example.tn/3",
    ]
    damaged = rows[1]
    assert damaged["locator"] == f"bad.warc#{second}" and damaged["body"].startswith(b"WARC/1.")
    assert "خبر 1".encode() in damaged["body"] and b"example.tn/2" not in damaged["body"]
    assert counts.extra["bytes_read"] == len(data)


def test_warc_record_with_a_too_small_content_length_resyncs_too(tmp_path):
    plain = warc_bytes(3)
    second = plain.index(b"WARC/1.", 10)
    length_at = plain.index(b"Content-Length: ", second) + len(b"Content-Length: ")
    length_end = plain.index(b"\r\n", length_at)
    smaller = str(int(plain[length_at:length_end]) - 20).encode()
    data = plain[:length_at] + smaller + plain[length_end:]
    (tmp_path / "bad.warc").write_bytes(data)
    rows = collect(make_source(kind="warc", path=tmp_path / "bad.warc"))
    assert [r["url"] for r in rows if not r["error"]] == ["https://example.tn/0", "https://example.tn/2"]
    assert errors(rows) == ["truncated_warc"] and rows[1]["body"].startswith(b"WARC/1.")


def test_garbage_between_warc_records_is_quarantined(tmp_path):
    plain = warc_bytes(2)
    second = plain.index(b"WARC/1.", 10)
    data = plain[:second] + b"some garbage\r\n" + plain[second:]
    (tmp_path / "g.warc").write_bytes(data)
    rows = collect(make_source(kind="warc", path=tmp_path / "g.warc"))
    assert errors(rows) == ["bad_warc"] and rows[1]["body"] == b"some garbage\r\n" and len(rows) == 3


def test_warc_gzip_members_with_a_corrupt_one_in_the_middle(tmp_path):
    plain = warc_bytes(3)
    cut = plain.index(b"WARC/1.", 10)
    members = [gzip.compress(plain[:cut]), gzip.compress(plain[cut:])]
    corrupt = members[1][:20] + b"\x00" * 30 + members[1][50:]
    (tmp_path / "c.warc.gz").write_bytes(members[0] + corrupt)
    rows = collect(make_source(kind="warc", path=tmp_path / "c.warc.gz"))
    assert rows[0]["error"] is None and rows[0]["url"] == "https://example.tn/0"
    assert rows[-1]["error"].startswith("bad_gzip") and rows[-1]["body"] == corrupt


def test_fetch_figures_are_exact_for_a_night_window(tmp_path):
    """Items dropped outside the window are counted by cause, not only logged (item 7)."""
    feed = tmp_path / "feed.xml"
    items = "".join(
        f"<item><title>t{i}</title><link>p{i}.html</link><pubDate>{day} Nov 2026 10:00:00 +0100</pubDate>"
        "</item>"
        for i, day in enumerate(["Fri, 27", "Sat, 28", "Sat, 28"])
    )
    feed.write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}</channel></rss>",
        encoding="utf-8",
    )
    for i in range(3):
        (tmp_path / f"p{i}.html").write_text(f"<html><body><p>page {i}</p></body></html>", encoding="utf-8")
    counts = StageCounts("fetch")
    rows = collect(
        make_source(path=feed, settings=settings(window_days=0, max_items=1)),
        dt=_dt.date(2026, 11, 28),
        counts=counts,
    )
    assert len(rows) == 1
    assert counts.extra["fetch_skipped"] == {"outside_window": 1, "max_items": 1}


def test_items_without_a_link_are_each_one_record(server):
    feed = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
        b"<item><title>a</title></item><item><title>b</title></item></channel></rss>"
    )
    server.static("/feed.xml", feed, "application/rss+xml")
    counts = StageCounts("fetch")
    rows = collect(make_source(url=server.url("/feed.xml")), counts=counts)
    assert errors(rows) == ["missing_link", "missing_link"] and [r["meta_title"] for r in rows] == ["a", "b"]
    assert counts.extra["fetch_skipped"] == {}


def test_a_missing_child_sitemap_keeps_the_entry_that_named_it(tmp_path):
    """Found by the fuzzing suite: the error record of a child sitemap that is not there had no bytes."""
    (tmp_path / "index.xml").write_bytes(sitemap_index("missing.xml"))
    rows = collect(make_source(kind="sitemap", path=tmp_path / "index.xml"))
    assert errors(rows) == ["not_found"] and b"<loc>missing.xml</loc>" in rows[0]["body"]


def test_unknown_declared_encoding_is_one_record(tmp_path, server):
    """Found by the fuzzing suite: `encoding="TTF-8"` raised LookupError out of the sitemap reader."""
    body = urlset([("a.html", None, None)]).replace(b'encoding="UTF-8"', b'encoding="TTF-8"')
    (tmp_path / "s.xml").write_bytes(body)
    rows = collect(make_source(kind="sitemap", path=tmp_path / "s.xml"))
    assert errors(rows) == ["malformed_xml"] and rows[0]["body"] == body and "TTF-8" in rows[0]["error"]
    serve_pages(server, 1)
    feed = rss2(server.base, [server.url("/a/0.html")]).replace(b'encoding="UTF-8"', b'encoding="TTF-8"')
    server.static("/feed.xml", feed, "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert all(r["body"] is not None for r in rows) and len(rows) >= 1
