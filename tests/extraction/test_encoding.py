"""akhbar.extraction.encoding: the right decoding of Arabic and French pages, mojibake spotted."""

from __future__ import annotations

import pytest

from akhbar.extraction import UnknownEncodingError, decode_html, extract_html, mojibake_score
from tests.extraction.helpers import ARABIC_PARAGRAPHS, TITLE, arabic_page


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
    text, _used = decode_html(body, {"Content-Type": header})
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
    text, _used = decode_html(html.encode("latin-1"), {"Content-Type": "text/html"})
    assert "Élection à Tunis : les électeurs déçus" in text


def test_mojibake_score_separates_right_from_wrong():
    arabic = " ".join(ARABIC_PARAGRAPHS)
    assert mojibake_score(arabic) == 0.0
    assert mojibake_score(arabic.encode("utf-8").decode("latin-1")) > 0.3
    assert mojibake_score(arabic.encode("utf-8").decode("cp1256")) > 0.3
    assert mojibake_score(arabic.encode("cp1256").decode("latin-1")) > 0.3
    assert mojibake_score("les électeurs déçus".encode().decode("cp1252")) > 0.3


def test_binary_bytes_are_undecodable():
    with pytest.raises(UnknownEncodingError):
        decode_html(bytes(range(256)) * 50, {"Content-Type": "text/html"})


@pytest.mark.parametrize(
    "label,codec,text",
    [
        ("gb2312", "gb18030", "镕基与堃的新闻：数据中心今日开放。"),  # 镕 and 堃 are GBK, not GB 2312
        ("Shift_JIS", "cp932", "①髙橋さんは本日、新しい研究所を開きました。"),  # ① and 髙 are Windows-31J
        ("euc-kr", "cp949", "똠방각하는 오늘 새로운 연구소를 열었습니다."),  # 똠 is only in CP949
        ("big5", "big5hkscs", "香港嘅新聞：今日開咗新嘅研究所，市民踴躍參觀。"),  # 嘅 咗: HKSCS
    ],
)
def test_east_asian_labels_decode_with_the_tables_browsers_use(label, codec, text):
    """A page labelled with an older East Asian table holds characters of its superset (as browsers
    decode it): the strict decode with the label's own table would fail and fall to guessing."""
    html = f"<html><head><meta charset='{label}'><title>t</title></head><body><p>{text}</p></body></html>"
    decoded, used = decode_html(html.encode(codec), None)
    assert text in decoded and used == codec


@pytest.mark.parametrize("label", ["gb2312", "Shift_JIS", "windows-1256"])
def test_valid_utf8_beyond_ascii_wins_over_an_old_label(label):
    """The UTF-8 bytes of 新华社北京电 decode without an error as GB18030 (鏂板崕绀惧寳浜數) and as
    Windows-31J: a page saved as UTF-8 that kept its old label must not become such characters."""
    text = "新华社北京电 今天天气很好"
    html = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={label}'></head><body><p>{text}</p></body></html>"
    decoded, used = decode_html(html.encode("utf-8"), {"Content-Type": f"text/html; charset={label}"})
    assert used == "utf-8" and text in decoded
