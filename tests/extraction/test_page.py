"""akhbar.extraction.page: one page's metadata, date order and source, real pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from akhbar.extraction import extract_html
from tests.extraction.helpers import CORPUS, NIGHT, TITLE, arabic_page, needs

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
    assert page.published_at == dt.datetime(2024, 5, 3, 8, 30, tzinfo=dt.UTC)


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
    assert page.published_at == dt.datetime(2024, 5, 7, 13, 0, tzinfo=dt.UTC)


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
    page = extract_html(
        arabic_page(footer="<div class='copy'>© 2022 دار الصباح</div>").encode(), reference=NIGHT
    )
    assert page.date_source == "none" and page.published_at is None


def test_url_is_the_last_resort():
    from akhbar import dates

    url = "https://example.tn/2021/03/04/article.html"
    assert dates.date_from_url(url) == dt.date(2021, 3, 4)
    page = extract_html(arabic_page().encode(), url=url, reference=NIGHT)
    assert page.date_source == "url"
    assert page.published_at.date() == dt.date(2021, 3, 4)


# ------------------------------------------------------------------------------------ real pages


@pytest.mark.corpus
def test_assabah_real_page():
    base = needs(CORPUS / "trafilatura")
    gold = next(
        v for v in json.loads((base / "evaldata.json").read_text(encoding="utf-8")).values()
        if v["file"] == "assabah.com.tn.article.html"
    )  # fmt: skip
    body = (base / "eval" / "assabah.com.tn.article.html").read_bytes()
    page = extract_html(
        body, url="http://www.assabah.com.tn/article/164913", tz="Africa/Tunis", reference=NIGHT
    )
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
    base = needs(CORPUS / folder)
    if folder == "goose3":
        body = (base / "test_cnn_arabic.html").read_bytes()
        expected = json.loads((base / "test_cnn_arabic.json").read_text(encoding="utf-8"))["expected"]
        text = expected["cleaned_text"]
    else:
        body = (base / "html" / "arabic_article.html").read_bytes()
        expected = json.loads((base / "metadata" / "arabic_article.json").read_text(encoding="utf-8"))
        text = (base / "txt" / "arabic_article.txt").read_text(encoding="utf-8")
        assert expected["title"] != ""
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
    <footer><p>© 2024 موقع. جميع الحقوق محفوظة.</p></footer></body></html>""".encode()
    page = extract_html(html, url="https://x.example/a")
    # At most a share line is left, which cleaning removes as boilerplate: nothing is an article.
    from akhbar.cleaning import clean_text

    assert "الرئيسية" not in (page.text or "") and "مواعيد القطارات" not in (page.text or "")
    assert clean_text(page.text) == ""
