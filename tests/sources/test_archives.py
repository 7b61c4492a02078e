"""warc / jsonl / csv / parquet / trec / text sources on real files and small written ones."""

from __future__ import annotations

import gzip
import io
import json
import tarfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from akhbar.sources import fetch_source
from akhbar.sources.safety import Refused, safe_local_path, safe_member_name
from akhbar.stats import StageCounts
from tests.sources.helpers import DT, collect, corpus_path, errors, make_source, settings

# -- WARC -------------------------------------------------------------------------------------


def test_real_dolma_warcs():
    folder = corpus_path("warc", "dolma")
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="warc", path=folder, lang="en"), counts=counts)
    assert len(rows) == 37 and not errors(rows)  # 37 request/response pairs
    assert counts.extra["fetch_skipped"]["warc_request"] == 37
    for row in rows:
        assert row["url"].startswith("http") and "<" not in row["url"] and ">" not in row["url"]
        assert row["http_status"] == 200
        assert row["body"].lstrip()[:1] == b"<"
        assert "content-type" in json.loads(row["headers"])
        assert row["locator"].startswith(("sample-0000.warc.gz#", "sample-0001.warc.gz#"))
        assert row["fetched_at"].year >= 2020  # WARC-Date, not now


def test_real_warcio_edge_cases():
    folder = corpus_path("warc", "warcio")
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="warc", path=folder, lang="en"), counts=counts)
    by_file = {}
    for row in rows:
        by_file.setdefault(row["locator"].split("#")[0], []).append(row)
    # gzip with a revisit, chunked transfer, bad (wrapped) target URIs: one HTML response each
    ok = by_file["example.warc.gz"][0]
    assert ok["error"] is None and ok["body"].startswith(b"<!doctype html>")  # gzip content-encoding undone
    chunked = by_file["example-iana.org-chunked.warc"][0]
    assert chunked["error"] is None and chunked["body"].startswith(b"<!doctype html>")
    assert b"\r\n001c37" not in chunked["body"][:20]  # chunk sizes removed
    wget = by_file["example-wget-bad-target-uri.warc.gz"][0]
    assert wget["error"] is None and wget["url"] == "http://example.com/"
    trunc = by_file["example-trunc.warc"]
    assert [r["error"].split(":")[0] for r in trunc] == ["truncated_warc"]
    assert trunc[0]["body"]  # what could be read is kept
    assert counts.extra["fetch_skipped"]["warc_metadata"] == 1
    assert counts.extra["fetch_skipped"]["warc_resource"] == 2
    assert counts.extra["fetch_skipped"]["warc_revisit"] == 1


def test_warc_cut_in_the_middle(tmp_path):
    data = corpus_path("warc", "dolma", "sample-0000.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: len(data) // 2])
    raw = gzip.decompress(data)
    (tmp_path / "cut.warc").write_bytes(raw[: len(raw) // 2])
    gz_rows = collect(make_source(kind="warc", path=tmp_path / "cut.warc.gz"))
    assert errors(gz_rows)[-1:] == ["truncated_warc"] and len(gz_rows) > 5
    assert gz_rows[-1]["locator"] == "cut.warc.gz#end"
    plain_rows = collect(make_source(kind="warc", path=tmp_path / "cut.warc"))
    assert errors(plain_rows) == ["truncated_warc"] and len(plain_rows) > 5
    assert "short of its Content-Length" in plain_rows[-1]["error"]


def write_warc(path, records, *, gz=True, version="WARC/1.1"):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz, warc_version=version)
        for uri, ctype, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(rec)


def test_warc_1_1_html_only_and_bad_target_uri(tmp_path):
    html = "<html><body>خبر عاجل</body></html>".encode()
    write_warc(
        tmp_path / "a.warc",
        [
            ("https://assabah.com.tn/ar/1", "text/html; charset=utf-8", html),
            ("https://assabah.com.tn/logo.png", "image/png", b"\x89PNG...."),
            ("not a uri at all", "text/html", html),
        ],
        gz=False,
    )
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="warc", path=tmp_path / "a.warc"), counts=counts)
    assert [r["url"] for r in rows] == [
        "https://assabah.com.tn/ar/1",
        "not%20a%20uri%20at%20all",
    ]  # as warcio reads it
    assert rows[0]["body"] == html and rows[0]["error"] is None
    assert errors(rows) == ["bad_target_uri"] and rows[1]["body"] == html
    assert counts.extra["fetch_skipped"]["warc_non_html"] == 1


def test_warc_over_http_is_streamed(server):
    data = corpus_path("warc", "dolma", "sample-0001.warc.gz").read_bytes()
    server.static("/crawl.warc.gz", data, "application/warc")
    remote = collect(make_source(kind="warc", url=server.url("/crawl.warc.gz")))
    local = collect(make_source(kind="warc", path=corpus_path("warc", "dolma", "sample-0001.warc.gz")))
    assert len(remote) == len(local) > 10
    assert [r["body"] for r in remote] == [r["body"] for r in local]
    assert remote[0]["locator"].startswith(server.url("/crawl.warc.gz") + "#")


def test_warc_url_whose_redirect_fails_is_an_error_record(server):
    """A streamed download's redirect that goes nowhere (a loop, no Location) is one error record
    per URL, with no body: the open answer of the hop is closed, never stored as the body."""
    server.static("/loop1", b"", None, status=302, Location="/loop2")
    server.static("/loop2", b"", None, status=302, Location="/loop1")
    server.static("/nowhere", b"", None, status=302)
    rows = collect(make_source(kind="warc", urls=(server.url("/loop1"), server.url("/nowhere"))))
    assert errors(rows) == ["redirect_loop", "bad_redirect"]
    assert [r["body"] for r in rows] == [None, None]
    assert [r["http_status"] for r in rows] == [302, 302]


def test_warc_missing_file_is_an_error_record(tmp_path):
    rows = collect(make_source(kind="warc", path=tmp_path / "none.warc.gz"))
    assert errors(rows) == ["not_found"]


# -- dumps ------------------------------------------------------------------------------------


MAPPING = {
    "id": "guid",
    "url": "link",
    "title": "headline",
    "text": "content",
    "published": "date",
    "author": "by",
    "category": "section",
}


def test_jsonl_with_mapping_errors_and_gzip(tmp_path):
    lines = [
        json.dumps(
            {
                "guid": "1",
                "link": "https://a.tn/1",
                "headline": "عنوان",
                "content": "نص المقال",
                "date": "12 جويلية 2022",
                "by": "سامي",
                "section": "وطنية",
            },
            ensure_ascii=False,
        ),
        "{not json",
        json.dumps({"guid": "3", "headline": "no text"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"guid": "6", "content": "texte français", "lang": "fr"}, ensure_ascii=False),
    ]
    text = ("\n".join(lines) + "\n").encode()
    (tmp_path / "d.jsonl").write_bytes(text)
    rows = collect(make_source(kind="jsonl", path=tmp_path / "d.jsonl", mapping=MAPPING))
    assert [r["locator"] for r in rows] == ["d.jsonl:1", "d.jsonl:2", "d.jsonl:3", "d.jsonl:5", "d.jsonl:6"]
    assert errors(rows) == ["malformed_json", "missing_text", "malformed_json"]
    first = rows[0]
    assert first["body"] == "نص المقال".encode() and first["content_type"] == "text/plain"
    assert (first["meta_title"], first["meta_published"], first["meta_author"], first["meta_category"]) == (
        "عنوان",
        "12 جويلية 2022",
        "سامي",
        "وطنية",
    )
    assert first["url"] == "https://a.tn/1" and json.loads(first["headers"]) == {"id": "1"}
    assert rows[1]["body"] == b"{not json\n"  # the line is kept
    assert rows[4]["lang_hint"] == "fr"
    # the same, gzipped, and cut short
    (tmp_path / "g.jsonl.gz").write_bytes(gzip.compress(text))
    assert len(collect(make_source(kind="jsonl", path=tmp_path / "g.jsonl.gz", mapping=MAPPING))) == 5
    big = gzip.compress(text * 200)
    (tmp_path / "cut.jsonl.gz").write_bytes(big[: len(big) // 2])
    cut = collect(make_source(kind="jsonl", path=tmp_path / "cut.jsonl.gz", mapping=MAPPING))
    assert errors(cut)[-1] == "truncated_gzip"


def test_jsonl_html_mapping_and_long_line(tmp_path):
    rows_in = [{"h": "<html><p>خبر</p></html>", "t": "خبر"}, {"h": "", "t": "نص فقط"}, {"t": "x" * 5000}]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows_in) + "\n")
    src = make_source(
        kind="jsonl",
        path=tmp_path / "d.jsonl",
        mapping={"html": "h", "text": "t"},
        settings=settings(max_bytes=2048),
    )
    rows = collect(src)
    assert rows[0]["content_type"] == "text/html" and rows[0]["body"] == "<html><p>خبر</p></html>".encode()
    assert rows[1]["content_type"] == "text/plain" and rows[1]["body"] == "نص فقط".encode()
    assert errors(rows) == ["too_large"] and len(rows[2]["body"]) == 2048


def test_dump_value_without_text_is_no_html_nor_text(tmp_path):
    """An html or text value with no text in it (an empty list) counts as absent: the row falls
    back to its text, or is a missing_text record; it never fails the source."""
    rows_in = [{"h": [], "t": "نص بديل"}, {"h": [None], "t": []}, {"h": "<p>خبر</p>", "t": "خبر"}]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows_in) + "\n")
    rows = collect(make_source(kind="jsonl", path=tmp_path / "d.jsonl", mapping={"html": "h", "text": "t"}))
    assert errors(rows) == ["missing_text"] and rows[1]["error"].startswith("missing_text: ")
    assert rows[0]["content_type"] == "text/plain" and rows[0]["body"] == "نص بديل".encode()
    assert rows[2]["content_type"] == "text/html" and rows[2]["body"] == "<p>خبر</p>".encode()
    pq.write_table(
        pa.table({"h": pa.array([[], ["<p>خبر</p>"]], pa.list_(pa.string())), "t": ["نص", "خبر"]}),
        tmp_path / "d.parquet",
    )
    parquet = collect(
        make_source(kind="parquet", path=tmp_path / "d.parquet", mapping={"html": "h", "text": "t"})
    )
    assert errors(parquet) == []
    assert [(r["content_type"], r["body"]) for r in parquet] == [
        ("text/plain", "نص".encode()),
        ("text/html", "<p>خبر</p>".encode()),
    ]


def test_csv_dump(tmp_path):
    (tmp_path / "d.csv").write_text(
        'guid,headline,content,date\n1,عنوان,"سطر أول\nسطر ثان",2024-05-10\n2,بدون نص,,2024-05-09\n3,Titre,Texte,2024\n',
        encoding="utf-8",
    )
    rows = collect(make_source(kind="csv", path=tmp_path / "d.csv", mapping=MAPPING))
    assert [r["locator"] for r in rows] == ["d.csv:2", "d.csv:4", "d.csv:5"]
    assert rows[0]["body"] == "سطر أول\nسطر ثان".encode() and rows[0]["meta_title"] == "عنوان"
    assert errors(rows) == ["missing_text"]
    wrong = collect(make_source(kind="csv", path=tmp_path / "d.csv", mapping={"text": "body"}))
    assert errors(wrong) == ["missing_column"]


def test_parquet_dump_is_read_in_batches(tmp_path):
    n = 1200
    table = pa.table(
        {
            "content": [f"نص رقم {i}" if i % 100 else None for i in range(n)],
            "headline": [f"عنوان {i}" for i in range(n)],
            "date": pa.array([1715328000000000 + i for i in range(n)], pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(table, tmp_path / "d.parquet", row_group_size=300)
    src = make_source(kind="parquet", path=tmp_path / "*.parquet", mapping=MAPPING)
    sizes = [b.num_rows for b in fetch_source(src, dt=DT)]
    assert sizes == [500, 500, 200]
    rows = collect(src)
    assert errors(rows) == ["missing_text"] * 12
    assert rows[1]["body"] == "نص رقم 1".encode() and rows[1]["meta_published"].startswith(
        "2024-05-10T08:00:00"
    )
    assert rows[1]["locator"] == "d.parquet#1"


# -- TREC and text ------------------------------------------------------------------------------


DOCS = """<DOC>
<DOCNO>JA-1</DOCNO>
<URL>http://www.jawharafm.net/ar/article/1</URL>
<SRC>Jawhara FM</SRC>
<CAT>culture</CAT>
<TITLE>عنوان أول</TITLE>
<TIME>2017-01-22T185600</TIME>
<AUTHOR></AUTHOR>
<ABSTRACT>ملخص</ABSTRACT>
<TEXT>
نص أول & <b>كما هو</b>
</TEXT>
</DOC>
<DOC><DOCNO>JA-2</DOCNO><TITLE>ثان</TITLE><TIME>06/01/2017</TIME><TEXT>
</TEXT></DOC>
"""


def test_trec_directory_and_tarball_with_traversal(tmp_path):
    folder = tmp_path / "trec"
    (folder / "culture").mkdir(parents=True)
    (folder / "culture" / "a.txt").write_text(DOCS, encoding="utf-8")
    (folder / "README.md").write_text("<DOC><TEXT>example</TEXT></DOC>")
    rows = collect(make_source(kind="trec", path=folder))
    assert [r["locator"] for r in rows] == ["culture/a.txt#0", "culture/a.txt#1"]
    first = rows[0]
    assert first["body"] == "نص أول & <b>كما هو</b>".encode() and first["content_type"] == "text/plain"
    assert (first["meta_title"], first["meta_published"], first["meta_category"], first["meta_summary"]) == (
        "عنوان أول",
        "2017-01-22T185600",
        "culture",
        "ملخص",
    )
    assert first["meta_author"] is None and first["url"] == "http://www.jawharafm.net/ar/article/1"
    assert json.loads(first["headers"]) == {"DOCNO": "JA-1", "SRC": "Jawhara FM"}
    assert errors(rows) == ["missing_text"]

    tar_path = tmp_path / "docs.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        for name in ("ok/a.txt", "../evil.txt", "/abs/evil.txt", "ok/../../x.txt"):
            data = DOCS.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("ok/link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    counts = StageCounts("fetch")
    rows = collect(make_source(kind="trec", path=tar_path), counts=counts)
    assert errors(rows) == ["missing_text", "path_traversal", "path_traversal", "path_traversal"]
    assert rows[0]["locator"] == "docs.tar.gz/ok/a.txt#0"
    assert counts.extra["fetch_skipped"]["tar_link_or_device"] == 1
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.slow
def test_real_ant_tarball_count():
    counts = StageCounts("fetch")
    rows = 0
    empty = 0
    for batch in fetch_source(
        make_source(kind="trec", path=corpus_path("ant", "ant-v1.1.tar.gz")), dt=DT, counts=counts
    ):
        rows += batch.num_rows
        empty += sum(1 for e in batch.column("error").to_pylist() if e)
        assert batch.num_rows <= 500
    assert rows == 10161
    assert empty == counts.extra["errors_by_reason"]["missing_text"] == 23  # real DOCs with an empty TEXT


def test_text_files(tmp_path):
    folder = tmp_path / "bbcarabicnews" / "36"
    folder.mkdir(parents=True)
    (folder / "2013-03-01 10:20:30#0f1e.txt").write_text(
        "عنوان الخبر\nالنص الأول\nالنص الثاني\n", encoding="utf-8"
    )
    (folder / "2013-03-01 10:20:31#0f1f.txt").write_text("عنوان فقط\n", encoding="utf-8")
    rows = collect(make_source(kind="text", path=tmp_path))
    assert rows[0]["meta_title"] == "عنوان الخبر" and rows[0]["body"] == "النص الأول\nالنص الثاني".encode()
    assert rows[0]["meta_published"] == "2013-03-01 10:20:30"
    assert errors(rows) == ["missing_text"]


@pytest.mark.slow
def test_real_news_credibility_count():
    path = corpus_path("news-credibility", "news-credibility-rss-subset.tar.gz")
    total = sum(b.num_rows for b in fetch_source(make_source(kind="text", path=path), dt=DT))
    assert total == 11351


# -- path safety properties -----------------------------------------------------------------------

NAME = st.lists(st.sampled_from(["a", "b", "..", ".", "", "/", "\\", "c.txt", "C:"]), min_size=1, max_size=6)


@given(NAME)
def test_accepted_member_names_stay_inside(parts):
    import posixpath

    name = "/".join(parts)
    try:
        safe = safe_member_name(name)
    except Refused:
        return
    resolved = posixpath.normpath(posixpath.join("/root", safe))
    assert resolved == "/root" or resolved.startswith("/root/")


@given(NAME)
def test_accepted_local_links_stay_inside(tmp_path_factory, parts):
    base = tmp_path_factory.getbasetemp() / "mirror"
    base.mkdir(exist_ok=True)
    try:
        target = safe_local_path(base, "/".join(parts))
    except Refused:
        return
    assert target == base.resolve() or base.resolve() in target.parents


def test_trec_tags_follow_the_registry_mapping(tmp_path):
    doc = (
        "<DOC><DOCNO>MAP-1</DOCNO><DATE>2026-11-28 13:00</DATE><HEADLINE>عنوان</HEADLINE>"
        "<TEXT>نص الخبر</TEXT></DOC>"
    )
    (tmp_path / "a.trec").write_text(doc, encoding="utf-8")
    rows = collect(
        make_source(
            kind="trec", path=tmp_path, mapping={"title": "HEADLINE", "published": "DATE", "id": "DOCNO"}
        )
    )
    assert rows[0]["meta_title"] == "عنوان" and rows[0]["meta_published"] == "2026-11-28 13:00"
    assert rows[0]["body"] == "نص الخبر".encode()
