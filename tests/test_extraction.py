"""Tests of akhbar.extraction: encodings, date order, canonical URL, quarantine, dumps, real pages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from akhbar.extraction import (
    UnknownEncodingError,
    decode_html,
    extract_html,
    extract_records,
    extract_records_parallel,
    mojibake_score,
)
from akhbar.schema import DOCUMENT, QUARANTINE, RAW_RECORD

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "html"
NIGHT = dt.date(2026, 11, 29)

ARABIC_PARAGRAPHS = [
    "أعلنت وزارة الصحة التونسية اليوم عن إطلاق حملة وطنية للتلقيح ضد الحصبة في كل الولايات،"
    " وقالت إن الحملة تستهدف الأطفال دون سن الخامسة وتستمر ثلاثة أسابيع.",
    "وأوضح المدير العام للصحة الأساسية أن الفرق الطبية ستتنقل إلى المدارس والمناطق الريفية"
    " لضمان وصول اللقاح إلى جميع العائلات، مؤكدا أن اللقاح مجاني.",
    "ودعت الوزارة الأولياء إلى التوجه إلى أقرب مركز صحي والاستظهار بدفتر التلاقيح،"
    " مشيرة إلى أن نسبة التغطية بلغت في العام الماضي خمسة وثمانين بالمائة فقط.",
]
TITLE = "حملة وطنية للتلقيح ضد الحصبة"


def arabic_page(
    *,
    charset_meta: str | None = None,
    head_extra: str = "",
    before_text: str = "",
    footer: str = "<footer><p>&copy; 2022 جميع الحقوق محفوظة</p></footer>",
) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head>{meta}<title>{TITLE} | جريدة الأخبار</title>'
        f"{head_extra}</head><body><nav><a href='/'>الرئيسية</a> <a href='/sport'>رياضة</a></nav>"
        f"<article><h1>{TITLE}</h1>{before_text}{paragraphs}</article>"
        f"<aside><h3>الأكثر قراءة</h3><p>خبر آخر لا علاقة له بالموضوع</p></aside>{footer}</body></html>"
    )


# ------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    "encoding,header,meta",
    [
        ("windows-1256", "text/html; charset=windows-1256", None),
        ("windows-1256", "text/html", "windows-1256"),
        ("windows-1256", "text/html; charset=iso-8859-1", "windows-1256"),  # wrong header, right meta
        ("iso-8859-6", "text/html; charset=iso-8859-6", None),
        ("iso-8859-6", "text/html; charset=windows-1256", "iso-8859-6"),  # wrong header, right meta
        ("utf-8", "text/html; charset=iso-8859-1", "utf-8"),
        ("utf-8", "text/html", None),  # no declaration at all
        ("utf-8", "text/html; charset=windows-1256", None),  # wrong header, no meta
        ("windows-1256", "text/html; charset=utf-8", "windows-1256"),  # wrong header (strict fails)
    ],
)
def test_arabic_encodings_decode_right(encoding, header, meta):
    html = arabic_page(charset_meta=meta)
    body = html.encode(encoding)
    text, used = decode_html(body, {"Content-Type": header})
    assert ARABIC_PARAGRAPHS[0] in text
    assert mojibake_score(text) == 0.0
    page = extract_html(body, headers={"content-type": header})
    assert page.title == TITLE
    assert ARABIC_PARAGRAPHS[1] in page.text
    assert "الأكثر قراءة" not in page.text and "الرئيسية" not in page.text
    assert page.lang == "ar"


def test_windows_1256_without_any_declaration_is_detected():
    body = arabic_page().encode("windows-1256")
    text, used = decode_html(body, None)
    assert ARABIC_PARAGRAPHS[2] in text
    assert used in ("cp1256", "windows-1256")


def test_utf8_bom_wins_over_a_wrong_header():
    body = b"\xef\xbb\xbf" + arabic_page().encode("utf-8")
    text, used = decode_html(body, {"Content-Type": "text/html; charset=iso-8859-1"})
    assert used == "utf-8"
    assert text.startswith("<!DOCTYPE") and ARABIC_PARAGRAPHS[0] in text


def test_french_latin1_page_keeps_its_accents():
    html = "<html><head><meta charset='iso-8859-1'></head><body><p>Élection à Tunis : les électeurs déçus, çà et là.</p></body></html>"
    text, used = decode_html(html.encode("latin-1"), {"Content-Type": "text/html"})
    assert "Élection à Tunis : les électeurs déçus" in text


def test_mojibake_score_separates_right_from_wrong():
    arabic = " ".join(ARABIC_PARAGRAPHS)
    assert mojibake_score(arabic) == 0.0
    assert mojibake_score(arabic.encode("utf-8").decode("latin-1")) > 0.3
    assert mojibake_score(arabic.encode("utf-8").decode("cp1256")) > 0.3
    assert mojibake_score(arabic.encode("cp1256").decode("latin-1")) > 0.3
    assert mojibake_score("les électeurs déçus".encode("utf-8").decode("cp1252")) > 0.3


def test_binary_bytes_are_undecodable():
    with pytest.raises(UnknownEncodingError):
        decode_html(bytes(range(256)) * 50, {"Content-Type": "text/html"})


# ------------------------------------------------------------------------------------ metadata


def test_canonical_url_is_made_absolute_and_og_url_is_the_fallback():
    page = extract_html(
        arabic_page(head_extra='<link rel="canonical" href="/news/2024/05/vaccins">').encode(),
        url="https://example.tn/amp/news/123?utm_source=x",
    )
    assert page.canonical_url == "https://example.tn/news/2024/05/vaccins"
    page = extract_html(
        arabic_page(head_extra='<meta property="og:url" content="https://example.tn/a/1">').encode(),
        url="https://example.tn/x",
    )
    assert page.canonical_url == "https://example.tn/a/1"


def test_authors_from_meta_and_jsonld():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE,
          "author": [{"@type": "Person", "name": "آسيا العتروس"}, {"@type": "Person", "name": "Jean Dupont"}]}  # fmt: skip
    page = extract_html(
        arabic_page(head_extra=f'<script type="application/ld+json">{json.dumps(ld)}</script>').encode()
    )
    assert page.authors == "آسيا العتروس; Jean Dupont"


# ------------------------------------------------------------------------------------ dates


def test_metadata_date_wins_over_visible_text_and_url():
    page = extract_html(
        arabic_page(
            head_extra='<meta property="article:published_time" content="2024-05-03T09:30:00+01:00">',
            before_text="<p class='date'>الجمعة 12 جويلية 2022</p>",
        ).encode(),
        url="https://example.tn/2020/01/15/article.html",
    )
    assert page.date_source == "metadata"
    assert page.published_raw == "2024-05-03T09:30:00+01:00"
    assert page.published_at == dt.datetime(2024, 5, 3, 8, 30, tzinfo=dt.timezone.utc)


def test_jsonld_and_time_tag_order():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2024-02-01T10:00:00Z"}
    html = arabic_page(
        head_extra=f'<script type="application/ld+json">{json.dumps(ld)}</script>',
        before_text='<time datetime="2023-01-01T00:00:00Z">1 janvier 2023</time>',
    )
    page = extract_html(html.encode())
    assert page.date_source == "jsonld" and page.published_at.date() == dt.date(2024, 2, 1)
    page = extract_html(arabic_page(before_text='<time datetime="2023-03-04T05:00:00Z">x</time>').encode())
    assert page.date_source == "time_tag" and page.published_at.date() == dt.date(2023, 3, 4)


def test_feed_date_comes_before_visible_text():
    page = extract_html(
        arabic_page(before_text="<p>الجمعة 12 جويلية 2022</p>").encode(),
        feed_published="Tue, 07 May 2024 14:00:00 +0100",
    )
    assert page.date_source == "feed"
    assert page.published_at == dt.datetime(2024, 5, 7, 13, 0, tzinfo=dt.timezone.utc)


def test_visible_date_near_title_beats_url_and_copyright_year_is_ignored():
    page = extract_html(
        arabic_page(before_text="<div class='meta'>تونس - الجمعة 12 جويلية 2022</div>").encode(),
        url="https://example.tn/2021/03/04/article.html",
        tz="Africa/Tunis",
        reference=NIGHT,
    )
    assert page.date_source == "text"
    assert page.published_at is not None
    assert page.published_at.astimezone(dt.timezone(dt.timedelta(hours=1))).date() == dt.date(2022, 7, 12)


def test_copyright_footer_alone_gives_no_date():
    page = extract_html(arabic_page(footer="<div class='copy'>© 2022 دار الصباح</div>").encode(), reference=NIGHT)
    assert page.date_source == "none" and page.published_at is None


def test_url_is_the_last_resort():
    from akhbar import dates

    url = "https://example.tn/2021/03/04/article.html"
    assert dates.date_from_url(url) == dt.date(2021, 3, 4)
    page = extract_html(arabic_page().encode(), url=url, reference=NIGHT)
    assert page.date_source == "url"
    assert page.published_at.date() == dt.date(2021, 3, 4)


# ------------------------------------------------------------------------------------ records


def raw_row(i: int, **over) -> dict:
    row = {
        "record_id": f"r{i}",
        "source_id": "src",
        "kind": "pages",
        "locator": f"https://example.tn/{i}",
        "url": f"https://example.tn/{i}",
        "final_url": None,
        "http_status": 200,
        "headers": json.dumps({"Content-Type": "text/html; charset=utf-8"}),
        "fetched_at": dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.timezone.utc),
        "content_type": "text/html",
        "body": arabic_page().encode(),
        "content_hash": None,
        "meta_title": None,
        "meta_summary": None,
        "meta_published": None,
        "meta_author": None,
        "meta_category": "صحة",
        "lang_hint": "ar",
        "tz_hint": "Africa/Tunis",
        "error": None,
    }
    row.update(over)
    return row


def raw_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=RAW_RECORD)


def test_extract_records_quarantine_reasons_and_accounting():
    nav_only = "<html><body><nav><a href='/a'>أ</a><a href='/b'>ب</a></nav><footer>© 2024</footer></body></html>"
    rows = [
        raw_row(0),
        raw_row(1, error="timeout: read timed out after 30 s", body=None, http_status=None),
        raw_row(2, http_status=404, body=b"<html><body>not found</body></html>"),
        raw_row(3, body=b""),
        raw_row(4, body=nav_only.encode()),
        raw_row(5, body=bytes(range(256)) * 40),
        raw_row(6, content_type="text/plain", body=b"\xff\xfe\xfa" * 100),
        raw_row(7, body=arabic_page().encode("windows-1256"),
                headers=json.dumps({"Content-Type": "text/html; charset=iso-8859-1"}),
                meta_published="Tue, 07 May 2024 14:00:00 +0100"),
    ]  # fmt: skip
    docs, quarantine, counts = extract_records(raw_table(rows), dt=NIGHT)
    assert docs.schema.equals(DOCUMENT) and quarantine.schema.equals(QUARANTINE)
    assert counts.records_in == 8 == counts.records_out + counts.rejected
    assert docs.num_rows + quarantine.num_rows == 8
    assert sorted(docs.column("record_id").to_pylist() + quarantine.column("record_id").to_pylist()) == [
        f"r{i}" for i in range(8)
    ]
    reasons = dict(zip(quarantine.column("record_id").to_pylist(), quarantine.column("reason").to_pylist()))
    assert reasons == {"r1": "timeout", "r2": "http_404", "r3": "empty_page", "r4": "no_main_text",
                       "r5": "unknown_encoding", "r6": "invalid_utf8"}  # fmt: skip
    q = {r["record_id"]: r for r in quarantine.to_pylist()}
    assert q["r1"]["detail"] == "read timed out after 30 s"
    assert q["r2"]["body"] == b"<html><body>not found</body></html>" and q["r2"]["stage"] == "extract"
    assert all(r["dt"] == NIGHT for r in q.values())
    assert counts.extra["reasons"]["http_404"] == 1
    d = {r["record_id"]: r for r in docs.to_pylist()}
    assert d["r7"]["title"] == TITLE and ARABIC_PARAGRAPHS[0] in d["r7"]["text"]
    assert d["r7"]["date_source"] == "feed" and d["r0"]["category_raw"] == "صحة"
    assert counts.extra["date_source"]["feed"] == 1


def test_text_plain_dump_records():
    text = "الصباح - " + " ".join(ARABIC_PARAGRAPHS)
    rows = [
        raw_row(0, kind="trec", content_type="text/plain", body=text.encode(), meta_title="عنوان المقال",
                meta_published="2017-01-22T18:56:00+01:00", meta_author="حاتم"),
        raw_row(1, kind="jsonl", content_type="text/plain", body=text.encode() + b"\xff", meta_title="t"),
    ]  # fmt: skip
    docs, quarantine, counts = extract_records(raw_table(rows), dt=NIGHT)
    assert quarantine.num_rows == 0 and counts.records_out == 2
    first, second = docs.to_pylist()
    assert first["title"] == "عنوان المقال" and first["text"] == text and first["authors"] == "حاتم"
    assert first["date_source"] == "dump"
    assert first["published_at"] == dt.datetime(2017, 1, 22, 17, 56, tzinfo=dt.timezone.utc)
    assert second["text"].startswith("الصباح") and second["text"].endswith("\ufffd")


def test_extract_records_is_a_pure_function_of_any_slice():
    rows = [raw_row(i) for i in range(4)] + [raw_row(9, http_status=500)]
    table = raw_table(rows)
    whole, q_whole, _ = extract_records(table, dt=NIGHT)
    parts = [extract_records(table.slice(i, 2), dt=NIGHT) for i in range(0, 5, 2)]
    assert pa.concat_tables([p[0] for p in parts]).equals(whole)
    assert pa.concat_tables([p[1] for p in parts]).equals(q_whole)


def test_parallel_matches_serial():
    rows = [raw_row(i) for i in range(6)] + [raw_row(7, body=b"")]
    table = raw_table(rows)
    serial = extract_records(table, dt=NIGHT)
    parallel = extract_records_parallel(table, NIGHT, workers=2)
    assert parallel[0].equals(serial[0]) and parallel[1].equals(serial[1])
    assert parallel[2].records_in == 7 and parallel[2].records_out == 6 and parallel[2].rejected == 1


# ------------------------------------------------------------------------------------ real pages


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real corpus not found at {path} (../shared/corpus from the project root)")
    return path


@pytest.mark.corpus
def test_assabah_real_page():
    base = _needs(CORPUS / "trafilatura")
    gold = next(
        v for v in json.loads((base / "evaldata.json").read_text(encoding="utf-8")).values()
        if v["file"] == "assabah.com.tn.article.html"
    )  # fmt: skip
    body = (base / "eval" / "assabah.com.tn.article.html").read_bytes()
    page = extract_html(body, url="http://www.assabah.com.tn/article/164913", tz="Africa/Tunis", reference=NIGHT)
    assert " ".join(page.title.split()) == " ".join(gold["title"].split())
    for snippet in gold["with"]:
        assert snippet in page.text
    for snippet in gold["without"]:
        assert snippet not in page.text
    # dc:date in the article (the page shows "الجمعة 8 فيفري 2019"); never the "©" footer
    assert page.date_source == "metadata" and page.published_raw.startswith("2019-02-08")
    assert page.canonical_url.startswith("http://www.assabah.com.tn/article/164913/")
    assert page.lang is None or page.lang.startswith("ar")


@pytest.mark.corpus
@pytest.mark.parametrize("folder", ["goose3", "newspaper4k"])
def test_cnn_arabic_real_page(folder):
    base = _needs(CORPUS / folder)
    if folder == "goose3":
        body = (base / "test_cnn_arabic.html").read_bytes()
        expected = json.loads((base / "test_cnn_arabic.json").read_text(encoding="utf-8"))["expected"]
        text = expected["cleaned_text"]
    else:
        body = (base / "html" / "arabic_article.html").read_bytes()
        expected = json.loads((base / "metadata" / "arabic_article.json").read_text(encoding="utf-8"))
        text = (base / "txt" / "arabic_article.txt").read_text(encoding="utf-8")
        assert "" != expected["title"]
    url = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    page = extract_html(body, url=url, reference=NIGHT)
    assert page.title == "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
    assert page.lang == "ar"
    assert page.canonical_url == url
    got = " ".join(page.text.split())
    want = " ".join(text.split())
    assert want[:80] in got and want[-80:] in got
    assert "© 2013" not in page.text and "Cable News Network" not in page.text
    assert page.published_at is None or page.published_at.year == 2013
    assert page.published_at is None or (page.published_at.month, page.published_at.day) != (1, 1)


def test_page_with_only_navigation_and_lists_has_no_main_text():
    html = """<html lang="ar"><head><meta charset="utf-8"><title>تحديث | موقع</title></head><body>
    <header><nav><ul><li><a href="/0">الرئيسية</a></li><li><a href="/1">وطنية</a></li><li><a href="/2">جهات</a></li>
    <li><a href="/3">اقتصاد</a></li><li><a href="/4">رياضة</a></li></ul></nav></header>
    <main><article><div class="article-body"></div><div class="share">شارك المقال: فيسبوك | تويتر</div></article>
    <aside><h3>الأكثر قراءة</h3><ul><li><a href="/p/0">جدول مباريات الأسبوع</a></li><li><a href="/p/1">أسعار المحروقات</a></li>
    <li><a href="/p/2">مواعيد القطارات</a></li></ul></aside></main>
    <footer><p>© 2024 موقع. جميع الحقوق محفوظة.</p></footer></body></html>""".encode("utf-8")
    page = extract_html(html, url="https://x.example/a")
    # At most a share line is left, which cleaning removes as boilerplate: nothing is an article.
    from akhbar.cleaning import clean_text

    assert "الرئيسية" not in (page.text or "") and "مواعيد القطارات" not in (page.text or "")
    assert clean_text(page.text) == ""
