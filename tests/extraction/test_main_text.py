"""akhbar.extraction.main_text (and dom): a decision per block on tables, div soup, AMP and <article>."""

from __future__ import annotations

import pytest
from akhbar.extraction import extract_html
from akhbar.extraction.dom import ASIDE, NAV, read_dom
from selectolax.lexbor import LexborHTMLParser

from tests.extraction.helpers import ARABIC_PARAGRAPHS, TITLE

RELATED = ["وزير الصحة يزور مستشفى الجهة ويعلن عن برنامج جديد", "انطلاق الموسم الفلاحي في ظروف مناخية صعبة",
           "الترجي يفوز على النجم في قمة الجولة الخامسة", "ارتفاع أسعار الخضر في الأسواق البلدية"]  # fmt: skip
DATELINE = "نشر في 12 جويلية 2022 - 10:30"


def side_cell() -> str:
    links = "<br>".join(f"<a href='/n/{i}'>{t}</a> <font size=1>0{i + 1}/07/2022</font>" for i, t in enumerate(RELATED))
    return f"<td width='30%' valign='top'><b>اقرأ أيضا</b><br>{links}</td>"


def table_page(*, side_first: bool, br: bool = True) -> bytes:
    body = ("<br><br>".join(ARABIC_PARAGRAPHS) if br else "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS))
    main = (f"<td width='70%' valign='top'><font size=5><b>{TITLE}</b></font><br>"
            f"<font size=1 color=gray>{DATELINE}</font><br><br>{body}</td>")  # fmt: skip
    cells = side_cell() + main if side_first else main + side_cell()
    html = (f"<html dir='rtl'><head><meta charset='windows-1256'><title>{TITLE} - جريدة الأنباء</title></head><body>"
            f"<table width=980><tr><td><a href='/'>الرئيسية</a> | <a href='/s'>رياضة</a> | <a href='/w'>عالمية</a></td></tr>"
            f"<tr><td><table><tr>{cells}</tr></table></td></tr>"
            f"<tr><td>© 2008-2022 جريدة الأنباء. جميع الحقوق محفوظة</td></tr></table></body></html>")  # fmt: skip
    return html.encode("cp1256")


@pytest.mark.parametrize("side_first", [True, False])
@pytest.mark.parametrize("br", [True, False])
def test_table_layout_article_cell_only_paragraphs_kept(side_first, br):
    page = extract_html(table_page(side_first=side_first, br=br), url="https://anbaa.example.tn/n/1")
    assert page.encoding == "cp1256"
    assert page.title == TITLE
    assert page.text.split("\n") == ARABIC_PARAGRAPHS  # one paragraph a line, nothing else
    for t in RELATED:
        assert t not in page.text
    assert TITLE not in page.text.split("\n") and "نشر في" not in page.text and "©" not in page.text
    assert page.published_at is not None and page.published_at.date().isoformat() == "2022-07-12"


def div_page(comments: bool = True, cards: bool = True) -> bytes:
    cards_html = "".join(f"<div class='x9f2'><a href='/a/{i}'>{t}</a><span>0{i}/06/2022</span>"
                         f"<div>{ARABIC_PARAGRAPHS[i % 3][:90]} ...</div></div>" for i, t in enumerate(RELATED))  # fmt: skip
    comment_html = ("<div class='k1'><h3>تعليقات القراء (2)</h3><div class='k2'><b>سامية</b><p>شكرا على هذا المقال"
                    " القيم، نرجو المزيد من المتابعة لهذا الملف.</p></div><div class='k2'><b>كريم</b><p>أين كانت"
                    " الجهات المسؤولة قبل هذا؟ المواطن البسيط هو من يدفع الثمن.</p></div></div>")  # fmt: skip
    html = (f"<html lang='ar'><head><meta charset='utf-8'><title>{TITLE} | موقع</title></head><body>"
            "<div class='a1'><div class='a2'><div><a href='/'>الرئيسية</a></div><div><a href='/x'>اقتصاد</a></div></div>"
            f"<div class='a3'><div class='a4'>{TITLE}</div><div class='a5'>{DATELINE}</div>"
            + "".join(f"<div>{p}</div>" for p in ARABIC_PARAGRAPHS)
            + f"</div><div class='a6'>{cards_html if cards else ''}</div>{comment_html if comments else ''}"
            "</div></body></html>")  # fmt: skip
    return html.encode()


def test_div_soup_with_generated_classes():
    page = extract_html(div_page(), url="https://x.example/a/9")
    assert page.text.split("\n") == ARABIC_PARAGRAPHS
    assert "سامية" not in page.text and "شكرا على هذا المقال" not in page.text
    assert not any(t in page.text for t in RELATED)


def test_amp_and_article_pages():
    amp = (f"<html ⚡ lang='ar'><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
           "<amp-sidebar id='s' layout='nodisplay'><ul><li><a href='/'>الرئيسية</a></li><li><a href='/r'>رياضة</a></li></ul></amp-sidebar>"
           f"<main><article><h1>{TITLE}</h1><time datetime='2022-07-12T10:30:00+01:00'>{DATELINE}</time>"
           "<amp-img src='/i.jpg' width='800' height='400'></amp-img>" + "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
           + "<amp-ad width='300' height='250' type='x'></amp-ad></article><section><h2>اقرأ أيضا</h2><ul>"
           + "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(RELATED)) + "</ul></section></main>"
           "<footer>© 2022 موقع</footer></body></html>")  # fmt: skip
    page = extract_html(amp.encode())
    assert page.text.split("\n") == ARABIC_PARAGRAPHS
    assert page.date_source == "time_tag" and page.published_at.date().isoformat() == "2022-07-12"


def test_read_also_between_paragraphs_and_related_heading_are_dropped():
    html = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><p>{ARABIC_PARAGRAPHS[0]}</p>"
            f"<p><strong>اقرأ أيضا:</strong> <a href='/o'>{RELATED[0]}</a></p><p>{ARABIC_PARAGRAPHS[1]}</p>"
            f"<p>{ARABIC_PARAGRAPHS[2]}</p><h3>أخبار ذات صلة</h3>"
            + "".join(f"<p><a href='/{i}'>{t}</a></p>" for i, t in enumerate(RELATED[1:])) + "</article></body></html>")  # fmt: skip
    page = extract_html(html.encode())
    assert page.text.split("\n") == ARABIC_PARAGRAPHS


def test_dom_blocks_keep_br_paragraphs_apart_and_know_their_region():
    tree = LexborHTMLParser("<body><nav><a href='/'>الرئيسية</a></nav><aside><p>جانبي</p></aside>"
                            "<div>أول<br><br>ثان<br>ثالث<script>x=1</script><span style='display:none'>مخفي</span></div></body>")  # fmt: skip
    dom = read_dom(tree.body)
    texts = [b.text for b in dom.blocks]
    assert texts == ["الرئيسية", "جانبي", "أول", "ثان", "ثالث"]
    assert dom.blocks[0].flags & NAV and dom.blocks[0].link_density == 1.0
    assert dom.blocks[1].flags & ASIDE and not dom.blocks[2].flags & (NAV | ASIDE)


def test_body_split_in_columns_and_standfirst_in_its_own_box():
    columns = "".join(f"<div class='col'><div class='inner'><p>{p}</p><p>{p}</p></div></div>" for p in ARABIC_PARAGRAPHS)
    lead = "وقد أعلنت الوزارة في بلاغ صادر عنها اليوم عن تفاصيل الحملة الوطنية وأهدافها ومراحلها المختلفة."
    html = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><div class='lede'><p>{lead}</p></div>"
            f"<section>{columns}</section></article><aside><a href='/x'>{RELATED[0]}</a></aside></body></html>")  # fmt: skip
    page = extract_html(html.encode())
    lines = page.text.split("\n")
    assert lines[0] == lead and lines[1:] == [p for p in ARABIC_PARAGRAPHS for _ in range(2)]
