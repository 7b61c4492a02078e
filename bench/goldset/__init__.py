"""The gold sets of bench/eval_extraction.py, built at evaluation time from ../shared/corpus.

- ``layouts``: real Arabic, French and English articles (see articles.py) put into the realistic
  layouts of layouts.py; gold body, title and publication day are the article's own, the
  furniture around it is recorded as probes that must not come back in the text.
- ``readability``: Mozilla Readability's 130 test pages with their expected content and metadata.
- ``trafilatura41``: the 36 trafilatura evaluation pages plus the 5 goose3/newspaper4k pages with
  gold snippets (loaded by bench/eval_extraction.py as before).

Split: a page is held out when the hash of its article's id (the case name for Readability) falls
in the lowest 30%; fixed before any tuning, never to be changed. Held-out pages of ``layouts``
also use site instances (class names, boxes, formats) drawn for the held-out split only.
"""

from __future__ import annotations

import datetime as dt
import json
import tarfile
from dataclasses import dataclass
from email.utils import format_datetime

from goldset.articles import READABILITY, Article, load_articles, stable_hash
from goldset.layouts import SITES, make_site, render

HELD_OUT_SHARE = 3  # in tenths


def split_of(key: str) -> str:
    return "heldout" if stable_hash(f"split:{key}") % 10 < HELD_OUT_SHARE else "dev"


@dataclass(frozen=True)
class GoldPage:
    id: str
    set: str  # layouts, readability, trafilatura41
    lang: str
    split: str  # dev, heldout
    host: str
    url: str | None
    body: bytes
    headers: dict | None
    feed_published: str | None
    title: str | None
    text: str | None  # the gold main text, paragraphs one a line (None: scored by snippets)
    date: str  # YYYY-MM-DD, "" when unknown
    probes: tuple[str, ...] = ()
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    family: str = ""


_CHARSET_LABEL = {"utf-8": "utf-8", "cp1256": "windows-1256", "cp1252": "windows-1252"}


def _headers(site) -> dict:
    spec = site.spec
    if spec.encoding != "utf-8" and site.charset_in == "meta":
        return {"Content-Type": "text/html"}
    return {"Content-Type": f"text/html; charset={_CHARSET_LABEL[spec.encoding]}"}


def _feed_date(article: Article) -> str:
    return format_datetime(article.published.astimezone(dt.UTC), usegmt=True)


def layout_pages() -> list[GoldPage]:
    pool = load_articles()
    pages = []
    sites = {(spec.host, split): make_site(spec, split) for spec in SITES for split in ("dev", "heldout")}
    for article in pool.articles:
        split = split_of(article.id)
        specs = [s for s in SITES if s.publisher == article.publisher]
        if article.publisher != "french":  # one site of the publisher's two, by the article's hash
            specs = [specs[stable_hash(article.id) % len(specs)]]
        for spec in specs:
            site = sites[(spec.host, split)]
            page = render(site, article, pool.others.get(article.publisher, []))
            pages.append(GoldPage(
                id=f"{spec.host}/{article.id}", set="layouts", lang=spec.lang, split=split, host=spec.host,
                url=page.url, body=page.html.encode(spec.encoding, "xmlcharrefreplace"), headers=_headers(site),
                feed_published=_feed_date(article) if "feed_date" in spec.features else None,
                title=article.title, text="\n".join(article.paragraphs), date=article.published.date().isoformat(),
                probes=page.probes, family=spec.family,
            ))  # fmt: skip
    return pages


_GOLD_BLOCKS = frozenset(["address", "article", "aside", "blockquote", "body", "br", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption"])  # fmt: skip


def _gold_text(html: str) -> str:
    """The visible text of Readability's expected content, one line per block: block elements and <br>
    end a line, inline elements (<a>, <span>, <b>) join their text as a browser shows it ("<span>Z</span>
    imbabwe" is "Zimbabwe", and a Chinese sentence with a link inside stays one run of characters)."""
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(f"<div id='gold'>{html}</div>").css_first("#gold")
    lines: list[str] = []
    current: list[str] = []
    stack = [(root.iter(include_text=True), True)]  # (children, is a block)
    while stack:
        children, block = stack[-1]
        node = next(children, None)
        tag = node.tag if node is not None else None
        if node is None or tag in _GOLD_BLOCKS:
            if node is None:
                stack.pop()
            if node is None and not block:
                continue
            lines.append("".join(current))  # a block starts or ends: the line ends
            current = []
            if node is not None:
                stack.append((node.iter(include_text=True), True))
        elif tag == "-text":
            current.append(node.text_content or "")
        elif tag and tag not in ("script", "style") and not tag.startswith(("-", "!", "_")):
            stack.append((node.iter(include_text=True), False))
    lines.append("".join(current))
    return "\n".join(text for text in (" ".join(line.split()) for line in lines) if text)


def readability_pages() -> list[GoldPage]:
    if not READABILITY.exists():
        return []
    cases: dict[str, dict] = {}
    with tarfile.open(READABILITY) as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3:
                continue
            cases.setdefault(parts[1], {})[parts[2]] = tar.extractfile(member).read()
    pages = []
    for name, files in sorted(cases.items()):
        if not {"source.html", "expected.html", "expected-metadata.json"} <= files.keys():
            continue
        meta = json.loads(files["expected-metadata.json"])
        lang = (meta.get("lang") or "").split("-")[0].lower() or "und"
        published = meta.get("publishedTime") or ""
        pages.append(GoldPage(
            id=f"readability/{name}", set="readability", lang=lang, split=split_of(f"readability/{name}"),
            host=name, url=f"http://{name}.fakehost.test/", body=files["source.html"], headers=None,
            feed_published=None, title=meta.get("title"), text=_gold_text(files["expected.html"].decode("utf-8")),
            date=published[:10],
        ))  # fmt: skip
    return pages
