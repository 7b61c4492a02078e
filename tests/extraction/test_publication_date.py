"""akhbar.extraction.publication_date: every candidate reconciled, the ones that agree win."""

from __future__ import annotations

import datetime as dt

from akhbar.extraction import extract_html
from tests.extraction.helpers import ARABIC_PARAGRAPHS, NIGHT, TITLE

BODY = "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)


def page(head: str = "", before: str = "", after: str = "", top: str = "") -> bytes:
    return (f"<html lang='ar'><head><meta charset='utf-8'><title>{TITLE}</title>{head}</head><body>"
            f"<header><div class='today'>{top}</div><nav><a href='/'>الرئيسية</a></nav></header>"
            f"<article><h1>{TITLE}</h1>{before}{BODY}{after}</article>"
            "<aside><h3>الأكثر قراءة</h3><ul><li><a href='/1'>خبر قديم عن الانتخابات البلدية</a> 03/01/2019</li>"
            "<li><a href='/2'>خبر آخر عن الميزانية</a> 4 فيفري 2020</li></ul></aside>"
            "<footer>© 2008-2023 جريدة الأنباء</footer></body></html>").encode()  # fmt: skip


def local_day(page_) -> dt.date:
    return page_.published_at.astimezone(dt.timezone(dt.timedelta(hours=1))).date()


def test_a_wrong_metadata_date_loses_to_the_dateline_and_the_url_that_agree():
    got = extract_html(page(head="<meta name='date' content='2010-05-01'>",
                            before="<div class='meta'>نشر في 12 جويلية 2022 - 10:30</div>"),
                       url="https://anbaa.example.tn/2022/07/12/123.html", tz="Africa/Tunis", reference=NIGHT)  # fmt: skip
    assert local_day(got) == dt.date(2022, 7, 12) and got.date_source == "text"
    assert ("metadata", "2010-05-01") in got.date_candidates


def test_dates_of_the_header_sidebar_footer_and_updates_are_never_taken():
    got = extract_html(page(top="الأربعاء 29 نوفمبر 2023",
                            before="<div>آخر تحديث: 14 جويلية 2022</div>"), reference=NIGHT)  # fmt: skip
    assert got.published_at is None and got.date_source == "none"


def test_day_and_month_order_is_settled_by_the_other_candidates():
    dateline = "<div class='meta'>03/11/2013</div>"
    got = extract_html(page(before=dateline), url="https://x.example/2013/11/03/a.html", reference=NIGHT)
    assert got.published_at.date() == dt.date(2013, 11, 3)
    got = extract_html(page(before=dateline), url="https://x.example/2013/03/11/a.html", reference=NIGHT)
    assert got.published_at.date() == dt.date(2013, 3, 11)


def test_a_time_element_and_its_text_are_one_piece_of_evidence():
    got = extract_html(page(head="<meta property='article:published_time' content='2024-02-01T10:00:00+01:00'>",
                            before="<time datetime='2023-01-01'>1 janvier 2023</time>"), reference=NIGHT)  # fmt: skip
    assert got.date_source == "metadata" and got.published_at.date() == dt.date(2024, 2, 1)


def test_the_feed_date_is_a_candidate_like_the_others():
    got = extract_html(page(before="<div>12/07/2022</div>"), feed_published="Tue, 12 Jul 2022 09:00:00 GMT",
                       reference=NIGHT)  # fmt: skip
    assert got.date_source == "feed" and got.published_at == dt.datetime(2022, 7, 12, 9, tzinfo=dt.UTC)


def test_a_published_tag_that_is_the_modification_date_loses_to_the_json_ld_publication():
    """The CMS rewrites article:published_time at each edit; its JSON-LD keeps datePublished and says the
    same stamp is dateModified."""
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-07-12T22:00:40Z",'
          ' "dateModified": "2022-07-13T12:43:39Z"}</script>')  # fmt: skip
    head = f"<meta property='article:published_time' content='2022-07-13T12:43:39Z'>{ld}"
    got = extract_html(page(head=head, before="<time datetime='2022-07-13T12:43:39Z'>13/07/2022</time>"),
                       reference=NIGHT)  # fmt: skip
    assert got.published_at == dt.datetime(2022, 7, 12, 22, 0, 40, tzinfo=dt.UTC)
    assert got.date_source == "jsonld"
