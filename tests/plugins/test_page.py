"""The Corpus page's HTML, rendered from the small catalog of conftest.py: search results a user can act on,
quality results in the order they matter, and every value escaped by the templates."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from akhbar import corpus_search, corpus_stats
from tests.conftest import ROOT

PLUGIN = ROOT / "plugins" / "akhbar_corpus"


@pytest.fixture(scope="module")
def stats(catalog):
    return corpus_stats.corpus_stats(catalog)


def render(stats, **kwargs) -> str:
    from akhbar_corpus import page

    return page.render(stats, nonce="n0nce", **kwargs)


def hits(html: str) -> list[str]:
    return re.findall(r'<tr class="hit">(.*?)</tr>', html, re.DOTALL)


def test_search_titles_link_to_the_article_and_snippets_mark_the_match(catalog, stats):
    found = corpus_stats.search(catalog, "تونس")
    rows = hits(render(stats, search=found, q="تونس"))
    assert len(rows) == 3
    for row, a in zip(rows, found["results"]):
        title = a["title"].replace("تونس", "<mark>تونس</mark>")  # o1's "title o1" has no match to mark
        assert (
            f'<td dir="auto" class="title"><a href="{a["url"]}" rel="noopener noreferrer" target="_blank">'
            f"{title}</a></td>"
        ) in row
        assert "<mark>تونس</mark>" in row.split('class="muted snippet"')[1]


def test_a_url_that_is_not_http_stays_text_and_markup_in_the_data_stays_text(stats):
    query = corpus_search.parse_query("x")
    rows = [
        {
            "article_id": "z1",
            "title": '<b onmouseover="alert(1)">t</b>',
            "published_at": None,
            "dt": "2026-11-28",
            "source_id": "<i>src</i>",
            "lang": "en",
            "score": 1.0,
            "url": "javascript:alert(1)",
            "text": "a <script>alert(2)</script> x y",
            "matches": 2,
        },
        {
            "article_id": "z2",
            "title": "t2",
            "published_at": None,
            "dt": "2026-11-28",
            "source_id": "s",
            "lang": "en",
            "score": 0.5,
            "url": 'https://e.test/"><script>alert(3)</script>',
            "text": "x",
            "matches": 2,
        },
    ]
    found = {"query": "x", "count": 2, "limit": 20, "results": [corpus_stats._hit(r, query) for r in rows]}
    html = render(stats, search=found, q="x")
    first, second = hits(html)
    assert "<a " not in first and "javascript:" not in html
    assert (
        "&lt;b onmouseover=&#34;alert(1)&#34;&gt;t&lt;/b&gt;" in first and "&lt;i&gt;src&lt;/i&gt;" in first
    )
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in first and "<mark>x</mark>" in first
    assert 'href="https://e.test/&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in second
    assert html.count("<script") == 1  # the page's own


def test_the_search_box_explains_its_syntax(stats):
    html = render(stats)
    hint = re.search(r'<p class="hint muted" id="search-hint">(.*?)</p>', html).group(1)
    assert '"two words"' in hint and "+word" in hint and "\n" not in hint


def quality(results: list[dict], failed: dict) -> dict:
    return {
        "dt": "2026-11-28",
        "run_id": "r9",
        "checked_at": "2026-11-29T03:00:00",
        "failed": failed,
        "checked": len(results),
        "results": results,
    }


def check(n: int, severity: str, success: bool) -> dict:
    return {
        "suite": "akhbar_articles",
        "expectation": f"expect_{n}",
        "column": f"c{n}",
        "severity": severity,
        "success": success,
        "observed": "{}",
        "details": f"check {n}",
    }


def test_failures_first_then_warnings_and_the_passing_folded(stats):
    # The catalog's rows (failures first, critical before warning), 43 of them passing.
    results = [check(1, "critical", False), check(2, "warning", False), check(3, "warning", False)]
    results += [check(10 + i, "critical" if i % 2 else "warning", True) for i in range(43)]
    s = copy.deepcopy(stats)
    s["latest_quality"] = quality(results, {"critical": 1, "warning": 2})
    html = render(s)
    table = html.split('id="quality-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr class="(fail|warn)"><td class="(?:bad|warn)">(FAIL|WARN)</td><td>(\w+)</td>'
        r".*?<td>(expect_\d+)</td>",
        table,
    )
    assert rows == [
        ("fail", "FAIL", "critical", "expect_1"),
        ("warn", "WARN", "warning", "expect_2"),
        ("warn", "WARN", "warning", "expect_3"),
    ]
    assert 'class="pass"' not in table
    folded = re.search(
        r'<details class="passing" id="quality-passing">(.*?)</details>', html, re.DOTALL
    ).group(1)
    assert '<summary><span class="ok">43 passing expectations</span></summary>' in folded
    assert folded.count('<tr class="pass">') == 43
    assert html.index('id="quality-table"') < html.index('id="quality-passing"')


def test_a_run_without_failures_says_so_and_still_folds_its_checks(stats):
    s = copy.deepcopy(stats)
    s["latest_quality"] = quality([check(1, "critical", True)], {})
    html = render(s)
    assert 'id="quality-table"' not in html and 'id="quality-no-failure"' in html
    assert "1 passing expectation<" in html


def test_passing_rows_beyond_the_listed_ones_are_counted(stats):
    s = copy.deepcopy(stats)
    s["latest_quality"] = {
        **quality([check(1, "critical", False)] + [check(2, "warning", True)] * 3, {"critical": 1}),
        "checked": 500,
    }
    html = render(s)
    assert '499 passing expectations</span> <span class="muted">(the first 3 listed)</span>' in html


def test_the_catalogs_own_quality_results(stats):
    html = render(stats)
    table = html.split('id="quality-table"')[1].split("</table>")[0]
    assert table.index("lang") < table.index("quarantine_share")
    assert "1 passing expectation" in html.split('id="quality-passing"')[1]


def test_templates_autoescape_and_the_plugin_writes_no_html_by_hand():
    from akhbar_corpus import templating

    assert templating.ENV.autoescape is True
    assert (
        templating.render("error.html", status=422, message="<script>x</script>").count("&lt;script&gt;") == 1
    )
    with pytest.raises(Exception, match="undefined"):
        templating.render("error.html", status=422)
    for module in PLUGIN.glob("*.py"):
        assert not re.search(r"\bescape\(|from html import", module.read_text()), module.name
    script = Path(PLUGIN / "templates" / "corpus.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "textContent" in script


def test_the_search_status_says_what_was_left_out():
    from akhbar_corpus.page import search_status

    base = {"query": "تونس", "limit": 20, "results": []}
    assert search_status({**base, "count": 3, "matches": 3}) == "3 result(s) for “تونس”"
    assert (
        search_status({**base, "count": 20, "matches": 3412})
        == "20 result(s) for “تونس” (the first 20 of 3,412)"
    )
    phrase = {**base, "query": '"في تونس"', "count": 2, "matches": 5000, "phrase_checked": 1000}
    assert search_status(phrase) == (
        '2 result(s) for “"في تونس"”; the phrase was looked for in the best 1,000 '
        "of the 5,000 articles with its words"
    )
    assert search_status({**phrase, "matches": 900, "phrase_checked": 900}) == '2 result(s) for “"في تونس"”'
