"""Data Docs that work offline: real GX builds, then the pages akhbar rewrites and the index it renders."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from akhbar.quality import data_docs, synthetic, validate_night

# Great Expectations builds Data Docs for a validated night: set up once a module, tens of seconds; not the fast lane.
pytestmark = pytest.mark.slow

DT = datetime.date(2026, 11, 20)


class _Refs(HTMLParser):
    """Every URL a browser would fetch by itself (scripts, stylesheets, images) and every link."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("script", "img") and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "link" and a.get("href"):
            self.fetched.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def refs(page: Path) -> _Refs:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    quality_dir = tmp_path_factory.mktemp("data") / "quality"
    night = synthetic.night(200, DT, seed=3)
    for run_id in ("scheduled__2026-11-20T01:30:00+00:00", 'manual__"<b>&x'):
        validate_night(
            dt=DT,
            run_id=run_id,
            raw_count=night["raw_count"],
            history=None,
            quality_dir=quality_dir,
            **{k: night[k] for k in ("articles", "quarantine", "places", "dates", "keywords", "raw")},
        )
    return quality_dir / "data_docs"


@pytest.mark.slow
def test_no_page_fetches_anything_from_elsewhere(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        found = refs(page)
        assert found.scripts == 0, page
        remote = [u for u in found.fetched if re.match(r"^(https?:)?//", u)]
        assert remote == [], (page, remote)
        for url in found.fetched:  # the logo, the favicon and the stylesheet are the site's own files
            assert (page.parent / unquote(url.split("?")[0])).resolve().is_file(), (page, url)


def test_the_index_lists_each_validation_run_with_its_night_and_working_links(site):
    index = site / "index.html"
    html = index.read_text(encoding="utf-8")
    assert 'id="validation-runs"' in html
    rows = re.findall(r'<tr class="(pass|fail)" data-run-id="([^"]*)" data-night="([^"]*)"', html)
    assert {(run, night) for _, run, night in rows} == {
        ("scheduled__2026-11-20T01:30:00+00:00", "2026-11-20"),
        ("manual__&#34;&lt;b&gt;&amp;x", "2026-11-20"),
    }
    assert "<b>&x" not in html  # a run id is text, never markup
    suite_links = [u for u in refs(index).links if u.startswith("validations/")]
    assert len(suite_links) == 2 * 9
    for url in suite_links:
        assert (site / unquote(url)).is_file(), url


@pytest.mark.slow
def test_making_a_page_offline_twice_changes_nothing(site):
    page = next(site.rglob("validations/*/*/*/*.html"))
    html = page.read_text(encoding="utf-8")
    assert (
        data_docs.offline_html(html, depth=4).count(data_docs.OFFLINE_MARK) == 2
    )  # the function itself adds
    assert data_docs.make_offline(site) == 0  # every page already rewritten: none touched again
