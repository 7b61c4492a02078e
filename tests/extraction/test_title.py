"""akhbar.extraction.title: the visible headline reconciled with og:title, <title> and JSON-LD."""

from __future__ import annotations

import json

import pytest

from akhbar.extraction import extract_html
from akhbar.extraction.title import strip_site_name
from tests.extraction.helpers import ARABIC_PARAGRAPHS

BODY = "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
HEADLINE = "البرلمان يصادق على قانون المالية لسنة 2023"


def page(head: str, body: str) -> bytes:
    return f"<html lang='ar'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize(
    "title,names,expected",
    [
        (f"{HEADLINE} - جريدة الصباح", {"جريدة الصباح"}, HEADLINE),
        (f"جريدة الصباح | {HEADLINE}", {"جريدة الصباح"}, HEADLINE),
        (f"موقع الأخبار :: رياضة :: {HEADLINE}", {"موقع الأخبار"}, HEADLINE),
        ("Parité hommes-femmes : la Tunisie recule – Société – La Presse", {"La Presse"},
         "Parité hommes-femmes : la Tunisie recule"),
        ("Obama admits US gun laws are his biggest frustration | BBC News", set(),
         "Obama admits US gun laws are his biggest frustration"),
        ("Crise politique - le président s'exprime", set(), "Crise politique - le président s'exprime"),
    ],
)  # fmt: skip
def test_site_names_and_separators_removed(title, names, expected):
    assert strip_site_name(title, names) == expected


def test_visible_headline_wins_over_metadata_variants():
    head = (f"<title>{HEADLINE} | الصباح نيوز</title><meta property='og:title' content='{HEADLINE} - الصباح نيوز'>"
            f"<meta property='og:site_name' content='الصباح نيوز'>")  # fmt: skip
    got = extract_html(
        page(
            head,
            f"<header><h1><a href='/'>الصباح نيوز</a></h1></header><article><h2>{HEADLINE}</h2>{BODY}</article>",
        )
    )
    assert got.title == HEADLINE and HEADLINE not in got.text.split("\n")


def test_headline_in_a_table_without_h1_is_found_through_the_title_tag():
    head = f"<title>الأهرام :: أخبار مصر :: {HEADLINE}</title>"
    got = extract_html(
        page(head, f"<table><tr><td><font size=5><b>{HEADLINE}</b></font><br>{BODY}</td></tr></table>")
    )
    assert got.title == HEADLINE


def test_truncated_jsonld_headline_does_not_stand():
    long_title = (
        "Le gouvernement présente un projet de loi sur les retraites qui divise la majorité et l’opposition"
    )
    ld = {"@type": "NewsArticle", "headline": long_title[:57] + "…"}
    head = f"<title>{long_title} - Le Quotidien</title><script type='application/ld+json'>{json.dumps(ld)}</script>"
    got = extract_html(page(head, f"<article><h1>{long_title}</h1>{BODY}</article>"))
    assert got.title == long_title
    got = extract_html(page(head, BODY))  # nothing visible matches: the <title> without the site name
    assert got.title == long_title
