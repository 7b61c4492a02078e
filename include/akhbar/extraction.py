"""RAW_RECORD -> DOCUMENT: bytes to text, main text, title, authors, canonical URL, date and its source.

How a page is read (see docs in the functions for details):

1. ``decode_html``: BOM, then the HTTP charset, then ``<meta charset>`` / http-equiv, then UTF-8,
   then charset detection. Every candidate is decoded strictly and must look plausible (no
   mojibake such as ``ÇáÚÑÈíÉ`` or ``Ø§Ù„``): a wrong header charset loses to a right meta tag.
2. The page is parsed once with selectolax (lexbor). Metadata (title, canonical, authors, dates,
   ``lang``) is read from that tree.
3. The tree is pruned: scripts, styles, navigation, asides, forms, iframes, comment sections,
   share bars, "related" blocks, captions and hidden elements go; the main container is chosen
   (``itemprop=articleBody`` / ``<article>`` / ``<main>`` when they hold the text). Only that
   small pruned fragment is handed to trafilatura's fast extractor (no fallback pass), which
   is where most of the speed comes from. Short results fall back to the JSON-LD
   ``articleBody`` and then to trafilatura on the whole page.
4. The publication date: page metadata -> JSON-LD -> ``<time datetime>`` in the article -> the
   container (feed) date -> a date written near the title -> the URL. A year after "©" is never
   a date.

The functions are pure: ``extract_records`` works on any slice of a RAW_RECORD table.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape

import pyarrow as pa

from akhbar.quarantine import QuarantineBuilder
from akhbar.schema import DOCUMENT
from akhbar.stats import StageCounts, Timer

__all__ = [
    "ExtractedPage",
    "UnknownEncodingError",
    "decode_html",
    "extract_html",
    "extract_records",
    "extract_records_parallel",
]

# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------


class UnknownEncodingError(ValueError):
    """No candidate encoding turns the bytes into plausible text."""


_CHARSET_IN_CT = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.I)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Labels browsers treat as another encoding (WHATWG Encoding Standard, the ones that matter here).
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "arabic": "iso-8859-6",
    "asmo-708": "iso-8859-6",
    "ecma-114": "iso-8859-6",
    "x-mac-arabic": "mac-arabic",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}

# Signs of bytes decoded with the wrong table.
_C1_OR_REPLACEMENT = re.compile("[\x80-\x9f\ufffd]")
_UTF8_AS_LATIN = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_LATIN1_RUN = re.compile("[\u00c0-\u00ff]{3,}")  # Arabic single-byte text read as Latin-1
_MIXED_WORD = re.compile(
    "[\u0621-\u064a][\u00c0-\u00ff]|[\u00c0-\u00ff][\u0621-\u064a]"
)  # Arabic and Latin letters glued in one word: ISO-8859-6 read as windows-1256 and the like
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_TA_ZA = re.compile("[\u0637\u0638]")  # ط ظ: every UTF-8 Arabic letter read as windows-1256 starts with one


def _normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: dict | None, name: str) -> str | None:
    if not headers:
        return None
    name = name.lower()
    for key, value in headers.items():
        if str(key).lower() == name:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            return None if value is None else str(value)
    return None


_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")


def mojibake_score(text: str) -> float:
    """Share of the non-ASCII characters that look like a wrong decoding (0 = clean).

    Only the non-ASCII runs are examined (every sign of mojibake lives there), which keeps this
    to one fast scan of a page.
    """
    if text.isascii():
        return 0.0
    sample = " ".join(_NON_ASCII_RUN.findall(text, 0, 400_000))
    non_ascii = len(sample) - sample.count(" ")
    if non_ascii == 0:
        return 0.0
    bad = len(_C1_OR_REPLACEMENT.findall(sample))
    bad += 2 * len(_UTF8_AS_LATIN.findall(sample))
    bad += sum(len(m) for m in _LATIN1_RUN.findall(sample))
    bad += 2 * len(_MIXED_WORD.findall(sample))
    arabic = len(_ARABIC_LETTER.findall(sample))
    if arabic >= 20:
        ta_za = len(_TA_ZA.findall(sample))
        if ta_za > 0.25 * arabic:  # ~1.5% in real Arabic, ~50% in UTF-8 read as windows-1256
            bad += 2 * ta_za
    return min(1.0, bad / non_ascii)


_PLAUSIBLE = 0.05  # at most 5% suspicious non-ASCII characters
_BINARY = re.compile(b"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _declared_meta_charset(body: bytes) -> str | None:
    head = body[:8192]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def decode_html(body: bytes, headers: dict | None) -> tuple[str, str]:
    """Decode an HTML body; return ``(text, encoding used)``.

    Candidates in order: BOM, HTTP ``Content-Type`` charset, ``<meta charset>`` / http-equiv /
    XML declaration, UTF-8, charset_normalizer's guess, windows-1256, windows-1252. The first
    one that decodes strictly *and* gives plausible text (see :func:`mojibake_score`) wins, so a
    wrong header charset loses to a right meta tag. Raises :class:`UnknownEncodingError` for
    binary or undecodable bytes.
    """
    if not body:
        return "", "utf-8"
    for bom, enc in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(enc), _normalise_label(enc.replace("-sig", "")) or enc
            except UnicodeDecodeError:
                break
    sample = body[:65536]
    if len(_BINARY.findall(sample)) > max(8, len(sample) // 200):
        raise UnknownEncodingError("binary content (control bytes)")

    content_type = _header(headers, "content-type") or ""
    m = _CHARSET_IN_CT.search(content_type)
    candidates = [
        _normalise_label(m.group(1)) if m else None,
        _normalise_label(_declared_meta_charset(body)),
        "utf-8",
    ]
    tried: list[tuple[float, str, str]] = []
    seen: set[str] = set()

    def attempt(enc: str | None) -> tuple[str, str] | None:
        if not enc or enc in seen:
            return None
        seen.add(enc)
        try:
            text = body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            return None
        score = mojibake_score(text)
        tried.append((score, enc, text))
        return (text, enc) if score <= _PLAUSIBLE else None

    for enc in candidates:
        found = attempt(enc)
        if found:
            return found
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        guess = _normalise_label(best.encoding) if best is not None else None
    except Exception:  # detection is a best effort, the fixed fallbacks follow
        guess = None
    for enc in (guess, "cp1256", "cp1252"):
        found = attempt(enc)
        if found:
            return found
    if tried:
        score, enc, text = min(tried, key=lambda t: t[0])
        if score < 0.5:
            return text, enc
    raise UnknownEncodingError("no encoding gives plausible text")


# --------------------------------------------------------------------------------------------
# Page model
# --------------------------------------------------------------------------------------------


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
    date_candidates: list = field(default_factory=list, repr=False)  # [(source, raw)] in order


# --------------------------------------------------------------------------------------------
# Metadata with selectolax
# --------------------------------------------------------------------------------------------

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish_date",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "date",
)
_PUBLISHED_RANK = {name: i for i, name in enumerate(_PUBLISHED_META)}
_TITLE_META = ("og:title", "twitter:title", "title", "dc.title", "headline")
_AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author", "sailthru.author")
_ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|blog", re.I)


def _clean(s: str | None) -> str:
    if not s:
        return ""
    return " ".join(unescape(s).split())


def _iter_jsonld(obj):
    if isinstance(obj, list):
        for item in obj:
            yield from _iter_jsonld(item)
    elif isinstance(obj, dict):
        yield obj
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in obj and isinstance(obj[key], (list, dict)):
                yield from _iter_jsonld(obj[key])


def _jsonld_names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            out.extend(_jsonld_names(v))
        return out
    return []


@dataclass
class _Meta:
    title_candidates: dict = field(default_factory=dict)
    h1: str | None = None
    title_tag: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    authors: list = field(default_factory=list)
    dates: list = field(default_factory=list)  # (source, raw)
    lang: str | None = None
    description: str | None = None
    jsonld_body: str | None = None
    jsonld_headline: str | None = None


def _read_jsonld(tree, meta: _Meta) -> None:
    article_dates: list[tuple[str, str]] = []
    other_dates: list[tuple[str, str]] = []
    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True, strip=True)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas, control characters: a common breakage
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                continue
        for obj in _iter_jsonld(data):
            kind = obj.get("@type")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
            is_article = bool(_ARTICLE_TYPES.search(kind))
            if isinstance(obj.get("datePublished"), str):
                (article_dates if is_article else other_dates).append(("jsonld", obj["datePublished"]))
            if is_article:
                if not meta.jsonld_headline and isinstance(obj.get("headline"), str):
                    meta.jsonld_headline = _clean(obj["headline"])
                if isinstance(obj.get("articleBody"), str) and len(obj["articleBody"]) > len(
                    meta.jsonld_body or ""
                ):
                    meta.jsonld_body = obj["articleBody"]
                for name in _jsonld_names(obj.get("author")):
                    name = _clean(name)
                    if name and name not in meta.authors:
                        meta.authors.append(name)
    meta.dates.extend(article_dates + other_dates)


def _read_metadata(tree) -> _Meta:
    meta = _Meta()
    html_node = tree.css_first("html")
    if html_node is not None:
        lang = html_node.attributes.get("lang") or html_node.attributes.get("xml:lang")
        meta.lang = lang.strip() or None if lang else None
    published: list[tuple[int, str]] = []
    for node in tree.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = attrs.get("content")
        if not key or content is None:
            continue
        content = content.strip()
        if not content:
            continue
        if key in _PUBLISHED_RANK:
            published.append((_PUBLISHED_RANK[key], content))
        elif key in _TITLE_META and key not in meta.title_candidates:
            meta.title_candidates[key] = _clean(content)
        elif key in _AUTHOR_META:
            if not content.startswith(("http://", "https://", "/")):
                for name in re.split(r"\s*(?:;|\||،|\band\b|\bet\b)\s*", _clean(content)):
                    if name and name not in meta.authors:
                        meta.authors.append(name)
        elif key == "og:url" and not meta.og_url:
            meta.og_url = content
        elif key in ("description", "og:description") and not meta.description:
            meta.description = _clean(content)
    meta.dates.extend(("metadata", raw) for _, raw in sorted(published, key=lambda t: t[0]))
    _read_jsonld(tree, meta)
    # Microdata / RDFa on elements: <span itemprop="datePublished" content=...>, property="dc:date".
    for node in tree.css('[itemprop="datePublished"], [property="dc:date"], [property="dc:created"]'):
        if node.tag == "meta":
            continue
        raw = node.attributes.get("content") or node.attributes.get("datetime") or node.text(strip=True)
        if raw:
            meta.dates.append(("metadata", raw.strip()))
            break
    for node in tree.css('link[rel="canonical"]'):
        href = (node.attributes.get("href") or "").strip()
        if href:
            meta.canonical = href
            break
    for node in tree.css('[itemprop="author"], a[rel="author"]'):
        name_node = node.css_first('[itemprop="name"]')
        name = _clean((name_node or node).attributes.get("content") or (name_node or node).text(strip=True))
        if name and len(name) < 80 and name not in meta.authors:
            meta.authors.append(name)
        if len(meta.authors) >= 5:
            break
    title = tree.css_first("title")
    if title is not None:
        meta.title_tag = _clean(title.text()) or None
    h1s = [h for h in tree.css("h1") if h.text(strip=True)]
    article_h1 = None
    for h in h1s:
        parent = h.parent
        while parent is not None and parent.tag not in ("article", "main", "body"):
            parent = parent.parent
        if parent is not None and parent.tag in ("article", "main"):
            article_h1 = h
            break
    chosen = article_h1 or (h1s[0] if len(h1s) == 1 else None)
    if chosen is not None:
        meta.h1 = _clean(chosen.text()) or None
    return meta


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·]\s+|\s+[|–—·]\s*|\s*[|–—·]\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"'})


def _norm_title(s: str) -> str:
    return " ".join(s.translate(_QUOTES).casefold().split())


def _choose_title(meta: _Meta) -> str | None:
    """h1 of the article, else og:title/headline, else <title> without the site name."""
    og = meta.title_candidates.get("og:title") or meta.title_candidates.get("twitter:title")
    tag = meta.title_tag
    candidates = [c for c in (meta.h1, meta.jsonld_headline, og) if c]
    # An h1 that appears in the <title> or og:title is the headline; a lone h1 that does not
    # may be a site logo, so prefer the metadata then.
    refs = [_norm_title(_strip_site_name(x, meta)) for x in (tag, og, meta.jsonld_headline) if x]
    if meta.h1:
        h = _norm_title(meta.h1)
        if not refs or any((h in r and len(h) >= 0.6 * len(r)) or r in h for r in refs):
            return meta.h1
    if meta.jsonld_headline:
        return meta.jsonld_headline
    if og:
        return _strip_site_name(og, meta)
    if tag:
        return _strip_site_name(tag, meta)
    return candidates[0] if candidates else None


def _strip_site_name(title: str, meta: _Meta) -> str:
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) <= 1:
        return title
    # keep the longest part (headline), drop short site names
    best = max(parts, key=len)
    return best.strip() if len(best) >= 0.4 * len(title) else title


# --------------------------------------------------------------------------------------------
# Pruning and main text
# --------------------------------------------------------------------------------------------

_DROP_TAGS = [
    "script", "style", "noscript", "iframe", "svg", "form", "button", "select", "textarea", "template",
    "object", "embed", "canvas", "nav", "aside", "footer", "figcaption", "input", "label", "dialog",
    "menu", "video", "audio", "map", "link", "meta",
]  # fmt: skip
# Class/id words of boilerplate blocks, matched on each class token split at "-" and "_".
_BOILERPLATE_WORDS = re.compile(
    r"share|sharing|sharebar|social|sociaux|related|connexes|newsletters?|subscribe|subscription|"
    r"abonnement|cookies?|consent|gdpr|advert\w*|ads?|adslot|dfp|promo|promos|breadcrumbs?|sidebar|"
    r"navbar|nav|menu|footer|widgets?|popup|modal|outbrain|taboola|readmore|recommended|"
    r"recommendations|popular|trending|tags|taglist|tagslist|keywords|toolbar|sponsored|partners|"
    r"caption|legende|légende|signup|login|paywall|pagination|skiplink|disqus",
    re.I,
)
# Comment sections: "comments", "comment-form", "comment-list"... but not a live blog's
# "live-match-comment" (commentary) nor "commentary".
_COMMENT_TOKEN = re.compile(
    r"^(?:comments?|commentaires?|reactions?)(?:$|[-_](?:list|form|area|section|wrapper|respond|reply|"
    r"count|block|box|container|thread|title))|^respond$|(?:^|[-_])comments(?:$|[-_])",
    re.I,
)
_TOKEN_SPLIT = re.compile(r"[-_]+")
# Short paragraphs that are not article text: picture credits and "read also" links.
_BOILER_PARAGRAPH = re.compile(
    r"^\W{0,3}(?:(?:photos?|crédits?(?: photos?)?|credits?|photo credit|image|illustration|"
    r"الصورة|صورة|مصدر الصورة)\s*:|(?:read more|read also|see also|related|lire aussi|à lire aussi|"
    r"a lire aussi|voir aussi|lire également|اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|اقرأ المزيد|طالع أيضا)\b)",
    re.I,
)


def _is_boilerplate_attr(value: str) -> bool:
    for token in value.split():
        if _COMMENT_TOKEN.search(token):
            return True
        for word in _TOKEN_SPLIT.split(token):
            if word and _BOILERPLATE_WORDS.fullmatch(word):
                return True
    return False


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_KEEP_TAGS = {"html", "body", "article", "main"}
_MIN_LETTERS = 20  # fewer letters than this in the main text: quarantined as no_main_text
_MIN_TEXT = 200  # characters below which a result counts as "no main text" and falls back


def _attr_text(node) -> str:
    a = node.attributes
    return f"{a.get('class') or ''} {a.get('id') or ''}"


def _prune(tree) -> None:
    tree.strip_tags(_DROP_TAGS)
    body = tree.body
    if body is None:
        return
    for node in body.css("[hidden], [aria-hidden=true], [style*='display:none'], [style*='display: none']"):
        if node.tag not in _KEEP_TAGS:
            node.decompose()
    doomed = []
    for node in body.css("[class], [id]"):
        if node.tag in _KEEP_TAGS or node.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            continue
        if _is_boilerplate_attr(_attr_text(node)):
            doomed.append(node)
    if doomed:
        total = len(body.text(deep=True, separator=" ", strip=True)) or 1
        for node in doomed:
            try:
                if node.parent is None:
                    continue
                if node.css_first('article, main, [itemprop="articleBody"]') is not None:
                    continue
                if len(node.text(deep=True, separator=" ", strip=True)) > 0.4 * total:
                    continue  # a container holding most of the page is not boilerplate
                node.decompose()
            except Exception:  # a node already removed with its ancestor
                continue
    for node in body.css("p, em, small"):
        value = node.text(deep=True, separator=" ", strip=True)
        if value and len(value) < 160 and _BOILER_PARAGRAPH.match(value):
            node.decompose()


def _text_len(node) -> int:
    return len(node.text(deep=True, separator=" ", strip=True))


def _main_container(tree):
    """itemprop=articleBody, the dominant <article>, or <main>; else the body."""
    body = tree.body
    if body is None:
        return None
    total = _text_len(body) or 1
    for selector, share in (('[itemprop="articleBody"]', 0.0), ("article", 0.3), ("main, [role=main]", 0.3)):
        nodes = body.css(selector)
        if not nodes:
            continue
        best = max(nodes, key=_text_len)
        n = _text_len(best)
        if n >= _MIN_TEXT and n >= share * total:
            if selector.startswith("[itemprop") and len(nodes) > 1:
                break  # several bodies (live blogs, split pages): let the extractor see them all
            return best
    return body


def _trafilatura_text(html_or_tree, url: str | None, fast: bool = True) -> str:
    import trafilatura

    text = trafilatura.extract(
        html_or_tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )
    return text or ""


def _main_text(tree, html_text: str, meta: _Meta, url: str | None) -> str:
    container = _main_container(tree)
    if container is None:
        return ""
    fragment = container.html or ""
    if container.tag != "body":
        fragment = f"<html><body>{fragment}</body></html>"
    available = _text_len(container)
    text = _trafilatura_text(fragment, url) if available else ""
    if available > 2000 and len(text) < 0.15 * available:
        # the fast pass missed the body of a text-rich page: let trafilatura's full
        # algorithm (with its fallbacks) look at the same pruned fragment
        slow = _trafilatura_text(fragment, url, fast=False)
        if len(slow) > len(text):
            text = slow
    if meta.jsonld_body and len(text) < 0.5 * len(meta.jsonld_body):
        body_text = "\n".join(line.strip() for line in unescape(meta.jsonld_body).splitlines() if line.strip())
        if len(body_text) > len(text):
            text = body_text
    if len(text) < _MIN_TEXT:
        # pruning may have removed the text (unusual markup): the whole page, if it gives more
        whole = _trafilatura_text(html_text, url)
        if len(whole) > len(text) and len(whole) >= _MIN_TEXT // 2 and _has_prose(whole):
            text = whole
    return _drop_title_line(text, meta)


_PROSE_LINE_CHARS = 60  # a sentence, not a menu entry or a list of links


def _has_prose(text: str) -> bool:
    """Whole-page text is only kept when it has a line long enough to be prose: menus,
    "most read" lists and footers are made of short lines."""
    return any(len(line) >= _PROSE_LINE_CHARS for line in text.split("\n"))


def _drop_title_line(text: str, meta: _Meta) -> str:
    """The headline is in ``title``; do not repeat it as the first line of the text."""
    lines = text.split("\n")
    if not lines:
        return text
    heads = {_norm_title(x) for x in (meta.h1, meta.jsonld_headline, meta.title_candidates.get("og:title")) if x}
    while lines and _norm_title(lines[0]) in heads:
        lines.pop(0)
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_COPYRIGHT = re.compile(r"(?:©|&copy;|\(c\)|copyright|جميع الحقوق|حقوق النشر|tous droits)", re.I)


def _dates_module():
    try:
        from akhbar import dates
    except ImportError:
        return None
    return dates


def _parse_iso(raw: str) -> _dt.datetime | None:
    """Used only while akhbar.dates is missing: ISO 8601 with an offset, else naive as UTC."""
    try:
        value = _dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            value = _dt.datetime.combine(_dt.date.fromisoformat(raw.strip()[:10]), _dt.time())
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def _parse(raw: str | None, tz: str | None, lang: str | None) -> _dt.datetime | None:
    if not raw or not raw.strip():
        return None
    if _COPYRIGHT.search(raw):
        return None
    dates = _dates_module()
    if dates is None:
        return _parse_iso(raw)
    try:
        value = dates.parse_published(raw, tz=tz or "UTC", lang=lang)
    except Exception:
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def _date_in_text(text: str | None, reference: _dt.date, tz: str | None, lang: str | None):
    """First day-granularity date mention of the text that is not a copyright line."""
    if not text:
        return None
    dates = _dates_module()
    if dates is None:
        return None
    window = text[:500]
    mentions = []
    for hint in dict.fromkeys((lang, None)):  # with the page language, then without any
        try:
            mentions = dates.find_date_mentions(window, reference=reference, lang=hint)
        except Exception:
            mentions = []
        if mentions:
            break
    for m in sorted(mentions, key=lambda m: m.char_offset):
        if m.granularity != "day" or m.is_relative:
            continue
        before = window[max(0, m.char_offset - 25) : m.char_offset]
        if _COPYRIGHT.search(before):
            continue
        when = _parse(m.date.isoformat(), tz, None)
        if when is not None:
            return m.mention, when
    return None


def _date_from_url(url: str | None, tz: str | None):
    if not url:
        return None
    dates = _dates_module()
    if dates is None:
        return None
    try:
        day = dates.date_from_url(url)
    except Exception:
        return None
    if day is None:
        return None
    when = _parse(day.isoformat(), tz, None)
    return (day.isoformat(), when) if when else None


def _time_tag_dates(container) -> list[tuple[str, str]]:
    out = []
    if container is None:
        return out
    for node in container.css("time[datetime]"):
        raw = (node.attributes.get("datetime") or "").strip()
        if raw:
            out.append(("time_tag", raw))
            break
    return out


def _near_title_text(tree, meta: _Meta) -> str:
    """Visible text from the headline on (the dateline zone), scripts and footers removed."""
    h1 = None
    if meta.h1:
        for node in tree.css("h1"):
            if _clean(node.text()) == meta.h1:
                h1 = node
                break
    if h1 is None:
        return ""
    parts = [h1.text(separator=" ", strip=True)]
    size = len(parts[0])
    node = h1
    # walk forward through following siblings, climbing when a level runs out
    while node is not None and size < 600:
        nxt = node.next
        while nxt is None and node.parent is not None and node.parent.tag not in ("body", "html"):
            node = node.parent
            nxt = node.next
        if nxt is None:
            break
        node = nxt
        if node.tag in ("script", "style", "noscript", "nav"):
            continue
        t = node.text(deep=True, separator=" ", strip=True)
        if t:
            parts.append(t)
            size += len(t)
    return " ".join(parts)[:600]


# --------------------------------------------------------------------------------------------
# One page
# --------------------------------------------------------------------------------------------


def extract_html(
    html: bytes,
    *,
    url: str | None = None,
    headers: dict | None = None,
    feed_published: str | None = None,
    tz: str | None = None,
    lang_hint: str | None = None,
    reference: _dt.date | None = None,
) -> ExtractedPage:
    """Extract one HTML page. Raises :class:`UnknownEncodingError` for undecodable bytes.

    ``feed_published`` (the container's date), ``tz``, ``lang_hint`` and ``reference`` (the
    night being processed, for relative dates) are optional context from the raw record.
    """
    from selectolax.lexbor import LexborHTMLParser

    text, encoding = decode_html(html, headers)
    page = ExtractedPage(encoding=encoding)
    if not text.strip():
        return page
    tree = LexborHTMLParser(_HTML_COMMENT.sub("", text))
    meta = _read_metadata(tree)
    page.lang = meta.lang
    page.description = meta.description
    page.title = _choose_title(meta)
    page.canonical_url = _absolute(meta.canonical or meta.og_url, url)
    page.authors = "; ".join(meta.authors[:5]) or None
    lang = (lang_hint or meta.lang or "").split("-")[0].lower() or None

    # The dateline near the headline is read before pruning (bylines and dates are often in
    # elements pruning removes); <time> tags come from the article container.
    near_title = _near_title_text(tree, meta)
    article = tree.css_first("article") or tree.css_first("main")
    candidates = list(meta.dates) + _time_tag_dates(article)
    candidates.sort(key=lambda c: {"metadata": 0, "jsonld": 1, "time_tag": 2}[c[0]])

    _prune(tree)
    page.text = _main_text(tree, text, meta, url)

    page.date_candidates = candidates
    for source, raw in candidates:
        when = _parse(raw, tz, lang)
        if when is not None:
            page.published_raw, page.published_at, page.date_source = raw, when, source
            return page
    if feed_published:
        when = _parse(feed_published, tz, lang)
        if when is not None:
            page.published_raw, page.published_at, page.date_source = feed_published, when, "feed"
            return page
    ref = reference or _dt.date.today()
    found = _date_in_text(near_title, ref, tz, lang) or _date_in_text(page.text, ref, tz, lang)
    if found:
        page.published_raw, page.published_at = found
        page.date_source = "text"
        return page
    found = _date_from_url(url, tz)
    if found:
        page.published_raw, page.published_at = found
        page.date_source = "url"
    return page


def _absolute(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    from urllib.parse import urljoin

    href = href.strip()
    return urljoin(base, href) if base else href


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _headers_dict(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _plain_text(body: bytes) -> str | None:
    """UTF-8 text of a dump record; None when it is mostly broken."""
    text = body.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    broken = text.count("\ufffd")
    if broken and broken > 0.1 * max(1, len(text.strip())):
        return None
    return text


def extract_records(raw: pa.Table, *, dt: _dt.date) -> tuple[pa.Table, pa.Table, StageCounts]:
    """RAW_RECORD rows -> (DOCUMENT table, QUARANTINE table, StageCounts).

    Every input row lands in exactly one of the two tables. Pure: works on any slice.
    """
    counts = StageCounts(stage="extract")
    quarantine = QuarantineBuilder("extract", dt)
    rows: list[dict] = []
    date_sources: Counter = Counter()
    with Timer(counts):
        for rec in raw.to_pylist():
            counts.records_in += 1
            doc, reason, detail = _extract_one(rec, dt)
            if doc is None:
                quarantine.reject(
                    record_id=rec["record_id"],
                    source_id=rec["source_id"],
                    reason=reason,
                    detail=detail,
                    locator=rec.get("locator"),
                    body=rec.get("body"),
                )
                continue
            rows.append(doc)
            date_sources[doc["date_source"]] += 1
    counts.records_out = len(rows)
    counts.rejected = len(quarantine)
    counts.extra = {"reasons": quarantine.reasons(), "date_source": dict(date_sources)}
    return pa.Table.from_pylist(rows, schema=DOCUMENT), quarantine.table(), counts


def _extract_one(rec: dict, dt: _dt.date) -> tuple[dict | None, str | None, str | None]:
    error = rec.get("error")
    if error:
        code, _, rest = str(error).partition(":")
        return None, (code.strip() or "fetch_error"), (rest.strip() or None)
    status = rec.get("http_status")
    if status is not None and status >= 400:
        return None, f"http_{status}", f"HTTP status {status}"
    body = rec.get("body")
    if not body or not body.strip():
        return None, "empty_page", "empty body"
    url = rec.get("final_url") or rec.get("url")
    tz = rec.get("tz_hint")
    lang_hint = rec.get("lang_hint")
    content_type = (rec.get("content_type") or "text/html").split(";")[0].strip().lower()
    doc = {
        "record_id": rec["record_id"],
        "source_id": rec["source_id"],
        "url": rec.get("url") or rec.get("final_url"),
        "canonical_url": None,
        "title": _clean(rec.get("meta_title")) or None,
        "text": None,
        "authors": _clean(rec.get("meta_author")) or None,
        "category_raw": rec.get("meta_category"),
        "published_raw": None,
        "published_at": None,
        "date_source": "none",
        "fetched_at": rec["fetched_at"],
        "lang_hint": lang_hint,
        "tz_hint": tz,
    }
    if content_type == "text/plain":
        text = _plain_text(body)
        if text is None:
            return None, "invalid_utf8", "body is mostly not UTF-8"
        text = text.strip()
        if not text:
            return None, "empty_page", "empty text"
        doc["text"] = text
        raw_date = rec.get("meta_published")
        when = _parse(raw_date, tz, lang_hint)
        if when is not None:
            doc.update(published_raw=raw_date, published_at=when, date_source="dump")
        else:
            found = _date_in_text(text, dt, tz, lang_hint) or _date_from_url(url, tz)
            if found:
                doc.update(published_raw=found[0], published_at=found[1])
                doc["date_source"] = "text" if found is not None and doc["published_raw"] in text else "url"
        return doc, None, None
    # An undated feed item's page was dated at fetch time (to know its night): that date is
    # carried in meta_published and kept, not decided again (akhbar.sources.page_dates).
    from akhbar.sources.page_dates import read_page_date

    carried = read_page_date(rec.get("meta_published"))
    try:
        page = extract_html(
            body,
            url=url,
            headers=_headers_dict(rec.get("headers")),
            feed_published=carried.published_at.isoformat() if carried else rec.get("meta_published"),
            tz=tz,
            lang_hint=lang_hint,
            reference=dt,
        )
    except UnknownEncodingError as exc:
        return None, "unknown_encoding", str(exc)
    if carried is not None and page.date_source == "feed":
        page.published_raw, page.date_source = carried.raw, carried.date_source
    letters = sum(ch.isalpha() for ch in page.text[:200]) if page.text else 0
    if letters < _MIN_LETTERS:
        return None, "no_main_text", f"no main text found ({len(page.text or '')} characters, {page.encoding})"
    doc.update(
        canonical_url=page.canonical_url,
        title=page.title or doc["title"],
        text=page.text,
        authors=page.authors or doc["authors"],
        published_raw=page.published_raw,
        published_at=page.published_at,
        date_source=page.date_source,
        lang_hint=lang_hint or page.lang,
    )
    return doc, None, None


def _extract_slice(args):
    table, dt = args
    return extract_records(table, dt=dt)


def extract_records_parallel(
    raw: pa.Table, dt: _dt.date, workers: int = 2
) -> tuple[pa.Table, pa.Table, StageCounts]:
    """:func:`extract_records` over ``workers`` processes (slices of the table), merged in order.

    Measured on the project machine (2 shared cores, spawn start method, 288 real pages):
    serial 44 records/s, pool of 2 27 records/s, start-up and pickling of the bodies included.
    It does not help there, so the pipeline calls :func:`extract_records`; on a host with free
    cores and large nights, or as Airflow mapped tasks over slices, the slicing is the same.
    """
    n = raw.num_rows
    if workers <= 1 or n < 2 * workers:
        return extract_records(raw, dt=dt)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    step = -(-n // (workers * 4))
    slices = [(raw.slice(i, step), dt) for i in range(0, n, step)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        results = list(pool.map(_extract_slice, slices))
    counts = StageCounts(stage="extract")
    for _, _, c in results:
        counts.merge(c)
    docs = pa.concat_tables([r[0] for r in results]) if results else DOCUMENT.empty_table()
    quarantine = pa.concat_tables([r[1] for r in results]) if results else None
    return docs, quarantine, counts
