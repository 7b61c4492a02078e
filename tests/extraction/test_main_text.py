"""akhbar.extraction.main_text (and dom): a decision per block on tables, div soup, AMP and <article>."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from akhbar.extraction import extract_html
from akhbar.extraction.dom import ASIDE, NAV, read_dom
from tests.extraction.helpers import ARABIC_PARAGRAPHS, TITLE

RELATED = ["وزير الصحة يزور مستشفى الجهة ويعلن عن برنامج جديد", "انطلاق الموسم الفلاحي في ظروف مناخية صعبة",
           "الترجي يفوز على النجم في قمة الجولة الخامسة", "ارتفاع أسعار الخضر في الأسواق البلدية"]  # fmt: skip
DATELINE = "نشر في 12 جويلية 2022 - 10:30"


def side_cell() -> str:
    links = "<br>".join(
        f"<a href='/n/{i}'>{t}</a> <font size=1>0{i + 1}/07/2022</font>" for i, t in enumerate(RELATED)
    )
    return f"<td width='30%' valign='top'><b>اقرأ أيضا</b><br>{links}</td>"


def table_page(*, side_first: bool, br: bool = True) -> bytes:
    body = "<br><br>".join(ARABIC_PARAGRAPHS) if br else "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
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
    columns = "".join(
        f"<div class='col'><div class='inner'><p>{p}</p><p>{p}</p></div></div>" for p in ARABIC_PARAGRAPHS
    )
    lead = "وقد أعلنت الوزارة في بلاغ صادر عنها اليوم عن تفاصيل الحملة الوطنية وأهدافها ومراحلها المختلفة."
    html = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><div class='lede'><p>{lead}</p></div>"
            f"<section>{columns}</section></article><aside><a href='/x'>{RELATED[0]}</a></aside></body></html>")  # fmt: skip
    page = extract_html(html.encode())
    lines = page.text.split("\n")
    assert lines[0] == lead and lines[1:] == [p for p in ARABIC_PARAGRAPHS for _ in range(2)]


def test_links_inside_a_list_of_points_are_text_but_a_menu_is_not():
    """Link density is the list's: an item that is a link among items of prose stays; a list that is
    links as a whole (a menu, related titles) goes, whatever the class names."""
    points = [f"<li>{ARABIC_PARAGRAPHS[0]}</li>", "<li><a href='/report'>التقرير الكامل للوزارة حول الحملة</a></li>",
              f"<li>{ARABIC_PARAGRAPHS[1]}</li>", f"<li>{ARABIC_PARAGRAPHS[2]}</li>"]  # fmt: skip
    menu = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(RELATED))
    html = (f"<html><head><title>{TITLE}</title></head><body><div><ul>{menu}</ul></div><div><h1>{TITLE}</h1>"
            f"<p>{ARABIC_PARAGRAPHS[2]}</p><ul>{''.join(points)}</ul><p>{ARABIC_PARAGRAPHS[0]}</p></div>"
            f"<div><ul>{menu}</ul></div></body></html>")  # fmt: skip
    lines = extract_html(html.encode()).text.split("\n")
    assert "التقرير الكامل للوزارة حول الحملة" in lines
    assert not any(t in lines for t in RELATED)


def test_a_table_of_data_keeps_its_linked_cells():
    rows = "".join(f"<tr><td>{2000 + i}</td><td><a href='/f/{i}'>{t}</a></td><td>{p}</td></tr>"
                   for i, (t, p) in enumerate(zip(RELATED, ARABIC_PARAGRAPHS)))  # fmt: skip
    html = (
        f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>{ARABIC_PARAGRAPHS[1]}</p>"
        f"<table>{rows}</table><p>{ARABIC_PARAGRAPHS[2]}</p></body></html>"
    )
    lines = extract_html(html.encode()).text.split("\n")
    assert RELATED[0] in lines and "2000" in lines


def test_chart_labels_between_paragraphs_are_not_text():
    labels = "".join(f"<p>{x}</p>" for x in ("$915", "billion", "600", "300", "’17", "’18", "’19", "%"))
    html = (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><p>{ARABIC_PARAGRAPHS[0]}</p>"
        f"<div class='chart'><p>مدفوعات الفوائد</p>{labels}</div><p>{ARABIC_PARAGRAPHS[1]}</p></article></body></html>"
    )
    assert extract_html(html.encode()).text.split("\n") == ARABIC_PARAGRAPHS[:2]


def test_lines_of_chinese_without_punctuation_are_not_taken_for_a_dateline():
    """Sizes count a CJK character three: twenty of them are a line of text, not a byline."""
    lines = ["玉峰道路一路上雲氣山嵐滯留山頭順路下切蜿蜒道路", "美樹美如其名偌大楓香樹早已呈現金黃泛紅色彩",
             "第二次造訪美樹發現到營區變了印象中以前的招牌換成了原木招牌",
             "營區內除了露營民宿餐飲賞楓項目多了許多原木飾品更有畫龍點睛效果"]  # fmt: skip
    html = (
        "<html><head><title>美樹營地賞楓</title></head><body><h1>美樹營地賞楓</h1><div>"
        + "<br>".join(lines)
        + "</div></body></html>"
    )
    assert extract_html(html.encode()).text.split("\n") == lines


def test_a_linked_subheading_between_paragraphs_stays_but_a_related_box_goes():
    html = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><div class='c'>"
            f"<p>{ARABIC_PARAGRAPHS[0]}</p><h3><a href='/vaccine'>لقاح الحصبة (مجاني)</a></h3>"
            f"<p>{ARABIC_PARAGRAPHS[1]}</p><div class='r'><h3><a href='/o'>{RELATED[0]}</a></h3></div>"
            f"<p>{ARABIC_PARAGRAPHS[2]}</p></div></article></body></html>")  # fmt: skip
    lines = extract_html(html.encode()).text.split("\n")
    assert lines == [ARABIC_PARAGRAPHS[0], "لقاح الحصبة (مجاني)", *ARABIC_PARAGRAPHS[1:]]


ENGLISH = [
    "The city council voted on Tuesday to expand the bus network to the northern districts, a plan debated for three years.",
    "Supporters said the new lines would cut commuting times by half for the workers who change buses twice every morning.",
    "Opponents argued that the cost, estimated at forty million, would be better spent on repairing the roads in the centre.",
    "The first of the new lines is expected to open next spring, and the others will follow over the next two years or so.",
    "Drivers' unions welcomed the vote but asked for the new routes to be staffed by hiring rather than by longer shifts.",
    "Residents of the northern districts have collected signatures for a decade, and several of them attended the session.",
]  # fmt: skip


def test_an_article_in_two_parts_deep_in_wrappers_is_found_whole_without_a_headline():
    """The second part is deeper (wrappers of wrappers) and longer: the first part joins it because what
    it adds is prose; no headline matches any metadata title to start the text from."""
    deep = "".join(f"<p>{p}</p>" for p in ENGLISH)
    part2 = "<div><div><div><div><div class='s2'>" + deep + "</div></div></div></div></div>"
    side = (
        "<div class='w'>"
        + "".join(f"<p><a href='/{i}'>{t}</a></p>" for i, t in enumerate(RELATED))
        + "</div>"
    )
    html = ("<html><head><title>Page</title></head><body><div class='post'><div class='s1'>"
            + "".join(f"<p>{p}</p>" for p in ENGLISH[:4]) + f"</div><figure><img src='x.jpg'></figure>{part2}</div>"
            + f"{side}</body></html>")  # fmt: skip
    assert extract_html(html.encode()).text.split("\n") == ENGLISH[:4] + ENGLISH


def test_paragraphs_beside_the_body_continue_it_across_ad_slots_and_rules():
    rest = "<div class='more'>" + "".join(f"<p>{p}</p>" for p in ENGLISH for _ in range(2)) + "</div>"
    html = (
        f"<html><head><title>Page</title></head><body><div class='c'><p>{ENGLISH[0]}</p><div class='ad'></div>"
        f"<p>{ENGLISH[1]}</p><div class='slot'></div><hr><div class='ad2'></div><hr>{rest}</div></body></html>"
    )
    lines = extract_html(html.encode()).text.split("\n")
    assert lines[:2] == ENGLISH[:2] and len(lines) == 14


@pytest.mark.parametrize(
    "body,expected",
    [
        ("<div>Lorem ipsum dolor sit amet<br>consetetur sadipscing elitr<br>sed diam nonumy</div>",
         ["Lorem ipsum dolor sit amet", "consetetur sadipscing elitr", "sed diam nonumy"]),
        ("<h1>Test</h1><p>Lorem ipsum dolor sit amet</p><p>Consetetur sadipscing elitr</p>",
         ["Lorem ipsum dolor sit amet", "Consetetur sadipscing elitr"]),
        ("<p>Hello world, this is it</p>", ["Hello world, this is it"]),
    ],
)  # fmt: skip
def test_a_page_of_a_few_short_lines_keeps_them(body, expected):
    """No sentence long enough to anchor the text: the short lines are not a dateline zone, they are the text."""
    html = f"<html><head><title>Test</title></head><body>{body}</body></html>"
    assert extract_html(html.encode()).text.split("\n") == expected


def test_a_caption_or_a_box_inside_the_article_body_is_not_text():
    first, *rest = (f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
    html = (f"<html><body><h1>{TITLE}</h1><div class='article-body'>{first}"
            "<figure><img src='a.jpg'><figcaption>صورة أرشيفية لمركز صحي في العاصمة</figcaption></figure>"
            "<aside><p>اقرأ كذلك خبرا آخر عن الصحة في الجهات الداخلية للبلاد</p></aside>"
            f"<div class='article-body-image-credit'>وكالة الأنباء</div>{''.join(rest)}</div>"
            "</body></html>")  # fmt: skip
    text = extract_html(html.encode()).text
    assert "صورة أرشيفية" not in text and "خبرا آخر" not in text and "وكالة الأنباء" not in text
    assert text.split("\n") == ARABIC_PARAGRAPHS


def test_a_class_name_says_content_or_a_part_of_it():
    from akhbar.extraction.vocabulary import attribute_kind

    assert attribute_kind("article-body", "") == "content"
    assert attribute_kind("article-body-image-caption", "") == "boilerplate"
    assert attribute_kind("entry-content-share", "") == "boilerplate"
    assert attribute_kind("post-content-wrapper", "") == "content"
