"""One HTML page: bytes -> text, title, authors, canonical URL, publication date.

Two steps, so that a batch can learn what each host repeats before deciding on any page:

1. :func:`read_page`: decode, parse once with lexbor, read the metadata, walk the tree into text
   blocks (the tree is dropped: a page is then plain values).
2. :func:`finish_page`: title, main text and publication date, with what the page's host repeats
   on its other pages of the night when that is known (:class:`~akhbar.extraction.site.HostView`).

:func:`extract_html` does both for one page on its own.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin

from akhbar.extraction.dom import PageDom, read_dom
from akhbar.extraction.encoding import decode_html
from akhbar.extraction.main_text import find_main_text
from akhbar.extraction.metadata import PageMetadata, read_metadata
from akhbar.extraction.publication_date import DateContext, PageEvidence, publication_date
from akhbar.extraction.site import HostView, PageSignature, SiteProfile, host_of, host_view, page_signature
from akhbar.extraction.title import choose_title

_MIN_TEXT = 200  # characters below which the JSON-LD articleBody, when longer, is preferred


@dataclass
class ExtractedPage:
    title: str | None = None
    text: str = ""
    authors: str | None = None  # "; "-joined
    canonical_url: str | None = None
    published_raw: str | None = None
    published_at: _dt.datetime | None = None  # aware, UTC
    date_source: str = "none"  # metadata, jsonld, time_tag, feed, text, url, dump, none
    encoding: str | None = None
    lang: str | None = None  # <html lang>
    description: str | None = None
    date_candidates: list = field(default_factory=list, repr=False)  # [(source, raw)] considered


@dataclass
class ParsedPage:
    """A page read and walked, waiting for its host's profile."""

    url: str | None
    encoding: str
    meta: PageMetadata
    dom: PageDom

    @property
    def host(self) -> str:
        return host_of(self.url)

    def signature(self) -> PageSignature:
        texts = [b.text for b in self.dom.blocks]
        return page_signature(self.host, texts, self.dom.keys(), self.meta.title_tag, self.meta.dates)


def read_page(html: bytes, *, url: str | None = None, headers: dict | None = None) -> ParsedPage:
    """Decode and walk one page. Raises :class:`UnknownEncodingError` for undecodable bytes."""
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = decode_html(html, headers)
    if not text.strip():
        return ParsedPage(url, encoding, PageMetadata(), PageDom())
    tree = LexborHTMLParser(text)
    meta = read_metadata(tree)
    root = tree.body or tree.root
    if root is None:
        return ParsedPage(url, encoding, meta, PageDom())
    return ParsedPage(url, encoding, meta, read_dom(root))


@dataclass(frozen=True)
class RecordHints:
    """What the raw record says about its page besides the bytes."""

    feed_published: str | None = None
    tz: str | None = None
    lang_hint: str | None = None
    reference: _dt.date | None = None


def _jsonld_text(meta: PageMetadata) -> str:
    return "\n".join(line.strip() for line in unescape(meta.jsonld_body or "").splitlines() if line.strip())


def finish_page(parsed: ParsedPage, hints: RecordHints, host: HostView | None = None) -> ExtractedPage:
    host = host or HostView()
    meta, dom = parsed.meta, parsed.dom
    page = ExtractedPage(encoding=parsed.encoding, lang=meta.lang, description=meta.description)
    page.canonical_url = _absolute(meta.canonical or meta.og_url, parsed.url)
    page.authors = "; ".join(meta.authors[:5]) or None
    title = choose_title(meta, dom, set(host.site_names))
    page.title = title.text
    main = find_main_text(dom, title.block, title.text, host)
    page.text = main.text
    if len(page.text) < _MIN_TEXT and meta.jsonld_body:
        body = _jsonld_text(meta)
        page.text = body if len(body) > len(page.text) else page.text
    lang = (hints.lang_hint or meta.lang or "").split("-")[0].lower() or None
    ctx = DateContext(hints.tz, lang, hints.reference or _dt.date.today(), parsed.url, hints.feed_published)
    date = publication_date(meta, dom, PageEvidence(title.block, main.kept), host, ctx)
    page.published_raw, page.published_at, page.date_source = date.raw, date.when, date.source
    page.date_candidates = [(c.source, c.raw) for c in date.candidates]
    return page


def extract_html(
    html: bytes,
    *,
    url: str | None = None,
    headers: dict | None = None,
    feed_published: str | None = None,
    tz: str | None = None,
    lang_hint: str | None = None,
    reference: _dt.date | None = None,
    site: SiteProfile | None = None,
) -> ExtractedPage:
    """Extract one HTML page. Raises :class:`UnknownEncodingError` for undecodable bytes.

    ``feed_published`` (the container's date), ``tz``, ``lang_hint`` and ``reference`` (the
    night being processed, for relative dates) are optional context from the raw record;
    ``site`` is what the page's host repeats on its other pages, when known.
    """
    parsed = read_page(html, url=url, headers=headers)
    hints = RecordHints(feed_published, tz, lang_hint, reference)
    return finish_page(parsed, hints, host_view(site, parsed.host))


def _absolute(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    return urljoin(base, href) if base else href
