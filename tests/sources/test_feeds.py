"""rss / sitemap / pages sources end to end through fetch_source, against local servers."""

from __future__ import annotations

import datetime as _dt
import gzip
import json

import pytest

from akhbar.sources import fetch_source
from akhbar.stats import StageCounts
from tests.sources.helpers import DT, collect, corpus_path, errors, make_source, settings

TITLES = ["الحكومة تعلن عن إجراءات جديدة", "Le gouvernement annonce des mesures", "ارتفاع صادرات التمور"]


def page(i: int) -> bytes:
    return (
        f"<html><head><title>{TITLES[i % 3]}</title></head><body><p>نص المقال {i}</p></body></html>".encode()
    )


def rss2(base: str, links: list[str]) -> bytes:
    items = "".join(
        f"""<item><title>{TITLES[i % 3]}</title><link>{link}</link>
        <description>ملخص {i}</description><pubDate>Fri, 10 May 2024 0{i}:30:00 +0100</pubDate>
        <author>desk@example.tn (مكتب الأخبار)</author><category>وطنية</category><category>سياسة</category></item>"""
        for i, link in enumerate(links)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>أخبار</title><link>{base}/</link><description>d</description>
{items}</channel></rss>""".encode()


def serve_pages(server, n: int):
    for i in range(n):
        server.static(f"/a/{i}.html", page(i))


def test_rss2_items_and_pages(server):
    serve_pages(server, 3)
    links = [server.url(f"/a/{i}.html") for i in range(3)]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert len(rows) == 3 and not errors(rows)
    assert [r["meta_title"] for r in rows] == TITLES
    assert [r["body"] for r in rows] == [page(i) for i in range(3)]
    first = rows[0]
    assert first["url"] == links[0] and first["locator"] == links[0]
    assert first["http_status"] == 200
    assert first["meta_published"] == "Fri, 10 May 2024 00:30:00 +0100"  # as written
    assert first["meta_summary"] == "ملخص 0"
    assert first["meta_category"] == "وطنية; سياسة"
    assert "مكتب الأخبار" in first["meta_author"]
    assert first["lang_hint"] == "ar" and first["tz_hint"] == "Africa/Tunis"
    assert json.loads(first["headers"])["content-type"].startswith("text/html")


def test_atom_and_rss1_feeds(server):
    serve_pages(server, 2)
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id><updated>2024-05-10T10:00:00Z</updated>
<entry><title>{TITLES[0]}</title><link rel="alternate" href="/a/0.html"/><id>urn:1</id>
<published>2024-05-10T09:00:00+01:00</published><updated>2024-05-10T10:00:00Z</updated>
<author><name>سامي</name></author><summary>ملخص</summary><category term="economie"/></entry>
</feed>""".encode()
    rdf = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{server.base}/"><title>t</title><link>{server.base}/</link><description>d</description></channel>
<item rdf:about="{server.url("/a/1.html")}"><title>{TITLES[1]}</title><link>{server.url("/a/1.html")}</link>
<dc:date>2024-05-10</dc:date><dc:creator>Amel</dc:creator></item></rdf:RDF>""".encode()
    server.static("/atom.xml", atom, "application/atom+xml")
    server.static("/rdf.xml", rdf, "application/rdf+xml")
    rows = collect(make_source(url=server.url("/atom.xml")))
    assert len(rows) == 1 and not errors(rows)
    assert rows[0]["url"] == server.url("/a/0.html")  # relative link resolved against the feed URL
    assert rows[0]["meta_author"] == "سامي" and rows[0]["meta_published"] == "2024-05-10T09:00:00+01:00"
    assert rows[0]["meta_category"] == "economie"
    rows = collect(make_source(url=server.url("/rdf.xml")))
    assert len(rows) == 1 and rows[0]["meta_title"] == TITLES[1] and rows[0]["meta_author"] == "Amel"
    assert rows[0]["body"] == page(1)


def test_real_json_feed_served_locally(server):
    """The real NPR JSON Feed; its article links are pointed at the local server so that
    nothing leaves 127.0.0.1 (the JSON is otherwise served byte for byte)."""
    original = corpus_path("html", "trafilatura", "resources", "feed.json").read_bytes()
    doc = json.loads(original)
    local = original.replace(b"https:\\/\\/www.npr.org\\/", f"http:\\/\\/127.0.0.1:{server.port}\\/".encode())
    server.static("/feed.json", local, "application/feed+json")
    for item in json.loads(local)["items"]:
        path = item["url"].split(str(server.port), 1)[1].split("?", 1)[0]
        server.static(path, f"<html><title>{item['title']}</title></html>".encode())
    rows = collect(make_source(url=server.url("/feed.json"), lang="en"))
    assert len(rows) == len(doc["items"]) == 25
    assert not errors(rows)
    assert [r["meta_title"] for r in rows] == [i["title"] for i in doc["items"]]
    assert [r["meta_published"] for r in rows] == [i["date_published"] for i in doc["items"]]
    assert rows[0]["meta_summary"] == doc["items"][0]["summary"]
    assert all(r["body"].startswith(b"<html><title>") for r in rows)


def test_malformed_feed_gives_an_error_record_with_the_bytes(server):
    not_a_feed = b"<html><body>Service temporarily unavailable</body>"
    server.static("/feed.xml", not_a_feed, "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert len(rows) == 1 and errors(rows) == ["malformed_xml"]
    assert rows[0]["body"] == not_a_feed and rows[0]["locator"] == server.url("/feed.xml")


def test_cut_feed_is_quarantined_and_what_was_read_is_fetched(server):
    serve_pages(server, 2)
    whole = rss2(server.base, [server.url("/a/0.html"), server.url("/a/1.html")])
    cut = whole[: whole.index(b"</item>") + 40]  # second item cut in its middle
    server.static("/feed.xml", cut, "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows)[0] == "malformed_xml" and rows[0]["body"] == cut
    assert rows[1]["error"] is None and rows[1]["body"] == page(0)


def test_unreachable_feed_gives_one_error_record():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rows = collect(
        make_source(url=f"http://127.0.0.1:{port}/feed.xml", settings=settings(connect_timeout=0.5))
    )
    assert len(rows) == 1 and errors(rows) == ["network_error"]


def test_billion_laughs_feed_refused(server):
    lol = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>/a/0.html</link></item></channel></rss>"""
    server.static("/feed.xml", lol, "application/rss+xml")
    serve_pages(server, 1)
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows) == ["unsafe_xml"] and len(rows) == 1
    assert server.hits("/a/0.html") == 0  # nothing of the feed was followed


def test_xxe_feed_refused(server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><link>{server.url("/a/0.html")}</link>
</item></channel></rss>""".encode()
    server.static("/feed.xml", xxe, "application/rss+xml")
    serve_pages(server, 1)
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows) == ["unsafe_xml"]
    assert all("TOP-SECRET" not in (r["meta_title"] or "") for r in rows)
    assert server.hits("/a/0.html") == 0


def test_malformed_xml_declaring_entities_is_refused_not_parsed_leniently(server):
    evil = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]>
<rss version="2.0"><channel><item><title>&a;</title><link>/x</link></item><unclosed></channel></rss>"""
    server.static("/feed.xml", evil, "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows) == ["unsafe_xml"]


def test_wrong_charset_header_on_feed_keeps_arabic_titles(server):
    serve_pages(server, 1)
    server.static("/feed.xml", rss2(server.base, [server.url("/a/0.html")]), "text/xml; charset=iso-8859-1")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert rows[0]["meta_title"] == TITLES[0]


def test_item_errors_are_kept_with_their_metadata(server):
    serve_pages(server, 1)
    server.static("/gone.html", b"<html>gone</html>", status=410)
    links = [
        server.url("/a/0.html"),
        server.url("/missing.html"),
        server.url("/gone.html"),
        "file:///etc/passwd",
    ]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml")))
    assert errors(rows) == ["http_404", "http_410", "refused_scheme"]
    by_code = {r["error"].split(":")[0]: r for r in rows if r["error"]}
    assert by_code["http_404"]["meta_title"] == TITLES[1] and by_code["http_404"]["http_status"] == 404
    assert by_code["http_410"]["body"] == b"<html>gone</html>"
    assert rows[0]["error"] is None


def test_local_feed_with_mirrored_pages(tmp_path, server):
    site = tmp_path / "site"
    (site / "articles").mkdir(parents=True)
    for i in range(2):
        (site / "articles" / f"{i}.html").write_bytes(page(i))
    (tmp_path / "outside.html").write_text("secret")
    serve_pages(server, 3)
    links = [
        "articles/0.html",
        "/articles/1.html",
        "../outside.html",
        "articles/none.html",
        server.url("/a/2.html"),
        "file:///etc/passwd",
    ]
    (site / "feed.xml").write_bytes(rss2("http://example.invalid", links))
    rows = collect(make_source(path=site / "feed.xml"))
    assert errors(rows) == ["path_traversal", "not_found", "refused_scheme"]
    good = [r for r in rows if not r["error"]]
    assert [r["body"] for r in good] == [page(0), page(1), page(2)]
    assert good[0]["locator"] == "articles/0.html" and good[0]["content_type"] == "text/html"
    assert good[2]["locator"] == server.url("/a/2.html") and good[2]["http_status"] == 200
    assert all(b"secret" not in (r["body"] or b"") for r in rows)


def test_conditional_requests_across_nights(server, tmp_path):
    state_dir = tmp_path / "state"
    server.conditional("/a/0.html", page(0), etag='"p0"')
    server.conditional("/a/1.html", page(1), last_modified="Fri, 10 May 2024 08:00:00 GMT")
    server.static("/a/2.html", page(2))  # no validators: compared by body hash
    links = [server.url(f"/a/{i}.html") for i in range(3)]
    server.conditional("/feed.xml", rss2(server.base, links), etag='"f1"', content_type="application/rss+xml")
    source = make_source(url=server.url("/feed.xml"))

    night1 = collect(source, dt=DT, state_dir=state_dir)
    assert len(night1) == 3 and (state_dir / "src.parquet").exists()

    # Same night again (a retry): everything is yielded again, no conditional headers.
    again = collect(source, dt=DT, state_dir=state_dir)
    assert len(again) == 3

    # Next night, feed unchanged: the feed is read again (items are what is incremental),
    # every page answers 304 or is unchanged: nothing new.
    counts = StageCounts("fetch")
    night2 = collect(source, dt=DT + _dt.timedelta(days=1), state_dir=state_dir, counts=counts)
    assert night2 == [] and counts.extra["not_modified"] == 2 and counts.extra["unchanged"] == 1
    feed_requests = [h for _, p, h in server.log if p == "/feed.xml"]
    assert "If-None-Match" not in feed_requests[-1]

    # The feed changes (new ETag, one new item); old pages answer 304 or are unchanged.
    server.static("/a/3.html", page(3))
    links.append(server.url("/a/3.html"))
    server.conditional("/feed.xml", rss2(server.base, links), etag='"f2"', content_type="application/rss+xml")
    counts = StageCounts("fetch")
    night3 = collect(source, dt=DT + _dt.timedelta(days=2), state_dir=state_dir, counts=counts)
    assert [r["url"] for r in night3] == [server.url("/a/3.html")]
    assert counts.extra["not_modified"] == 2  # /a/0 (ETag) and /a/1 (Last-Modified)
    assert counts.extra["unchanged"] == 1  # /a/2, same body hash
    sent = {p: h for _, p, h in server.log[-5:]}
    assert sent["/a/0.html"].get("If-None-Match") == '"p0"'
    assert sent["/a/1.html"].get("If-Modified-Since") == "Fri, 10 May 2024 08:00:00 GMT"


def test_item_error_keeps_feed_uncached_so_tomorrow_retries(server, tmp_path):
    server.static("/a/0.html", b"", status=503)
    server.conditional(
        "/feed.xml",
        rss2(server.base, [server.url("/a/0.html")]),
        etag='"f"',
        content_type="application/rss+xml",
    )
    source = make_source(url=server.url("/feed.xml"))
    assert errors(collect(source, dt=DT, state_dir=tmp_path)) == ["http_503"]
    serve_pages(server, 1)
    rows = collect(source, dt=DT + _dt.timedelta(days=1), state_dir=tmp_path)
    assert len(rows) == 1 and rows[0]["error"] is None and rows[0]["body"] == page(0)


def test_max_items_and_duplicate_links(server):
    serve_pages(server, 5)
    links = [server.url(f"/a/{i}.html") for i in (0, 0, 1, 2, 3, 4)]
    server.static("/feed.xml", rss2(server.base, links), "application/rss+xml")
    counts = StageCounts("fetch")
    rows = collect(make_source(url=server.url("/feed.xml"), settings=settings(max_items=3)), counts=counts)
    assert len(rows) == 3
    assert counts.extra["fetch_skipped"] == {"duplicate_link": 1, "max_items": 2}


def test_private_feed_refused_without_allow_private(server):
    server.static("/feed.xml", rss2(server.base, []), "application/rss+xml")
    rows = collect(make_source(url=server.url("/feed.xml"), settings=settings(allow_private=False)))
    assert errors(rows) == ["refused_private_address"]
    assert server.hits("/feed.xml") == 0


# -- sitemaps -------------------------------------------------------------------------------


def urlset(entries: list[tuple[str, str | None, str | None]]) -> bytes:
    out = []
    for loc, lastmod, news_date in entries:
        news = (
            (
                f"<news:news><news:publication><news:name>Assabah</news:name><news:language>ar</news:language>"
                f"</news:publication><news:publication_date>{news_date}</news:publication_date>"
                f"<news:title>عنوان {loc[-6:]}</news:title></news:news>"
            )
            if news_date
            else ""
        )
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        out.append(f"<url><loc>{loc}</loc>{mod}{news}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(out) + "</urlset>"
    ).encode()


def test_sitemap_index_news_and_window(server):
    serve_pages(server, 6)
    u = server.url
    news = urlset(
        [
            (u("/a/0.html"), None, "2024-05-10T08:00:00+01:00"),  # in window
            (u("/a/1.html"), None, "2024-04-01T08:00:00+01:00"),  # too old
            (u("/a/2.html"), "2024-05-09", None),  # lastmod in window
        ]
    )
    plain = urlset(
        [(u("/a/3.html"), None, None), (u("/a/4.html"), "2024-05-12T00:00:00Z", None)]
    )  # undated, future
    old = urlset([(u("/a/5.html"), "2023-01-01", None)])
    index = f"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{u("/news.xml")}</loc><lastmod>2024-05-10</lastmod></sitemap>
<sitemap><loc>{u("/plain.xml.gz")}</loc></sitemap>
<sitemap><loc>{u("/old.xml")}</loc><lastmod>2023-01-02</lastmod></sitemap>
</sitemapindex>""".encode()
    server.static("/index.xml", index, "application/xml")
    server.static("/news.xml", news, "application/xml")
    server.static("/plain.xml.gz", gzip.compress(plain), "application/gzip")
    server.static("/old.xml", old, "application/xml")
    counts = StageCounts("fetch")
    rows = collect(
        make_source(kind="sitemap", url=u("/index.xml"), settings=settings(window_days=2)), counts=counts
    )
    assert [r["url"] for r in rows] == [u("/a/0.html"), u("/a/2.html"), u("/a/3.html")]
    assert (
        rows[0]["meta_title"] == "عنوان 0.html" and rows[0]["meta_published"] == "2024-05-10T08:00:00+01:00"
    )
    assert server.hits("/old.xml") == 0  # child sitemap older than the window not fetched
    assert server.hits("/a/1.html") == 0 and server.hits("/a/4.html") == 0
    assert counts.extra["fetch_skipped"]["outside_window"] == 2


def test_sitemap_recursion_is_bounded(server):
    for i in range(6):
        server.static(
            f"/idx{i}.xml",
            f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{server.url(f"/idx{i + 1}.xml")}</loc></sitemap></sitemapindex>""".encode(),
            "application/xml",
        )
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="sitemap", url=server.url("/idx0.xml")), counts=counts)
    assert rows == []
    assert server.hits("/idx4.xml") == 0 and server.hits("/idx3.xml") == 1
    assert counts.extra["fetch_skipped"]["sitemap_too_deep"] == 1


def test_sitemap_billion_laughs_refused(server):
    server.static(
        "/s.xml",
        b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url></urlset>""",
        "application/xml",
    )
    rows = collect(make_source(kind="sitemap", url=server.url("/s.xml")))
    assert errors(rows) == ["unsafe_xml"]


# -- pages --------------------------------------------------------------------------------


def test_pages_from_urls_and_from_a_file(server, tmp_path):
    serve_pages(server, 2)
    urls = (server.url("/a/0.html"), server.url("/a/1.html"), server.url("/nope.html"))
    rows = collect(make_source(kind="pages", urls=urls))
    assert [r["body"] for r in rows[:2]] == [page(0), page(1)] and errors(rows) == ["http_404"]
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# today\n{urls[0]}\n\n{urls[1]}\n")
    rows = collect(make_source(kind="pages", path=listing))
    assert [r["locator"] for r in rows] == list(urls[:2])


def test_batches_are_bounded(server):
    serve_pages(server, 7)
    urls = tuple(server.url(f"/a/{i}.html") for i in range(7))
    sizes = [b.num_rows for b in fetch_source(make_source(kind="pages", urls=urls), dt=DT, batch_size=3)]
    assert sizes == [3, 3, 1]


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        list(fetch_source(make_source(kind="ftp", url="http://127.0.0.1/"), dt=DT))
    with pytest.raises(ValueError):
        list(fetch_source(make_source(id="../etc", url="http://127.0.0.1/"), dt=DT))


def test_feed_items_and_dated_exports_outside_the_night_are_skipped(tmp_path):
    """window_days 0: an item belongs to the night it was published on (source timezone)."""
    import datetime as dt

    from akhbar.stats import StageCounts

    feed = tmp_path / "feed.xml"
    items = "".join(
        f"<item><title>t{i}</title><link>p{i}.html</link><pubDate>{when}</pubDate></item>"
        for i, when in enumerate(
            [
                "Fri, 27 Nov 2026 22:30:00 +0000",  # 23:30 in Tunis: the 27th
                "Fri, 27 Nov 2026 23:30:00 +0000",  # 00:30 in Tunis: the 28th
                "Sat, 28 Nov 2026 10:00:00 +0100",
            ]
        )
    )
    feed.write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}</channel></rss>",
        encoding="utf-8",
    )
    for i in range(3):
        (tmp_path / f"p{i}.html").write_text(f"<html><body><p>page {i}</p></body></html>", encoding="utf-8")
    counts = StageCounts(stage="fetch")
    rows = collect(
        make_source(path=feed, settings=settings(window_days=0)), dt=dt.date(2026, 11, 28), counts=counts
    )
    assert sorted(r["meta_title"] for r in rows) == ["t1", "t2"]
    assert counts.extra["fetch_skipped"]["outside_window"] == 1

    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for night in ("2026-11-27", "2026-11-28"):
        (dumps / f"{night}.jsonl").write_text(
            json.dumps({"text": f"نص {night}", "url": f"u{night}"}) + "\n", encoding="utf-8"
        )
    rows = collect(
        make_source(kind="jsonl", path=dumps, settings=settings(window_days=0)), dt=dt.date(2026, 11, 28)
    )
    assert [r["url"] for r in rows] == ["u2026-11-28"]
    # Exports exist but none for this night: nothing was published, which is not an error.
    rows = collect(
        make_source(kind="jsonl", path=dumps, settings=settings(window_days=0)), dt=dt.date(2026, 11, 30)
    )
    assert rows == []
    # No file at all is an error record.
    rows = collect(
        make_source(kind="jsonl", path=tmp_path / "nothing-here", settings=settings(window_days=0)),
        dt=dt.date(2026, 11, 30),
    )
    assert [r["error"].split(":")[0] for r in rows] == ["not_found"]
