"""What a page says about itself: <meta> tags, JSON-LD, <title>, canonical link, authors, language.

Read once from the lexbor tree before the text walk. Dates found here are *candidates*: the
publication date is decided in publication_date.py together with the visible ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

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
_SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "al:android:app_name")
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
)
_ARTICLE_TYPES = re.compile(r"article|posting|report|newsarticle|blog", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||،|\band\b|\bet\b)\s*")


def clean(s: str | None) -> str:
    if not s:
        return ""
    return " ".join(unescape(s).split())


@dataclass(frozen=True)
class DateCandidate:
    """A date the page's metadata gives: where from (``key``: the meta name, 'jsonld' ...) and its text."""

    source: str  # metadata, jsonld
    key: str
    raw: str


@dataclass
class PageMetadata:
    titles: dict = field(default_factory=dict)  # og:title, twitter:title, ... -> text
    title_tag: str | None = None
    site_names: list = field(default_factory=list)
    canonical: str | None = None
    og_url: str | None = None
    authors: list = field(default_factory=list)
    dates: list = field(default_factory=list)  # [DateCandidate] in order of trust
    lang: str | None = None
    description: str | None = None
    jsonld_body: str | None = None
    jsonld_headline: str | None = None
    modified: set = field(default_factory=set)  # the values the page declares as modification dates


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
        return [n for v in value for n in _jsonld_names(v)]
    return []


_CDATA = re.compile(r"^\s*(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?|(?://|/\*)?\s*\]\]>(?:\s*\*/)?\s*$")


def _load_json(raw: str):
    raw = _CDATA.sub("", raw)  # JSON-LD wrapped in <![CDATA[ ... ]]> (MediaWiki, some CMS)
    try:
        return json.loads(raw)
    except ValueError:
        try:  # trailing commas, control characters: a common breakage
            return json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
        except ValueError:
            return None


def _read_jsonld_object(obj: dict, meta: PageMetadata, article_dates: list, other_dates: list) -> None:
    kind = obj.get("@type")
    kind = " ".join(map(str, kind)) if isinstance(kind, list) else str(kind or "")
    is_article = bool(_ARTICLE_TYPES.search(kind))
    if is_article and isinstance(obj.get("dateModified"), str):
        meta.modified.add(obj["dateModified"].strip())
    if isinstance(obj.get("datePublished"), str):
        (article_dates if is_article else other_dates).append(
            DateCandidate("jsonld", "jsonld", obj["datePublished"])
        )
    if not is_article:
        if kind in ("WebSite", "Organization", "NewsMediaOrganization") and isinstance(obj.get("name"), str):
            meta.site_names.append(clean(obj["name"]))
        return
    if not meta.jsonld_headline and isinstance(obj.get("headline"), str):
        meta.jsonld_headline = clean(obj["headline"])
    body = obj.get("articleBody")
    if isinstance(body, str) and len(body) > len(meta.jsonld_body or ""):
        meta.jsonld_body = body
    for name in _jsonld_names(obj.get("author")):
        name = clean(name)
        if name and name not in meta.authors:
            meta.authors.append(name)
    publisher = obj.get("publisher")
    for name in _jsonld_names(publisher if isinstance(publisher, (dict, list)) else None):
        meta.site_names.append(clean(name))


def _read_jsonld(scripts: list, meta: PageMetadata) -> None:
    article_dates: list = []
    other_dates: list = []
    for node in scripts:
        data = _load_json(node.text(deep=True, strip=True) or "null")
        for obj in _iter_jsonld(data):
            _read_jsonld_object(obj, meta, article_dates, other_dates)
    meta.dates.extend(article_dates + other_dates)


_MODIFIED_META = frozenset(("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                            "dcterms.modified", "last-modified", "lastmod"))  # fmt: skip


def _read_meta_tag(key: str, content: str, meta: PageMetadata, published: list) -> None:
    if key in _MODIFIED_META:
        meta.modified.add(content)
    elif key in _PUBLISHED_RANK:
        published.append((_PUBLISHED_RANK[key], key, content))
    elif key in _TITLE_META and key not in meta.titles:
        meta.titles[key] = clean(content)
    elif key in _SITE_META:
        meta.site_names.append(clean(content))
    elif key in _AUTHOR_META:
        if not content.startswith(("http://", "https://", "/")):
            for name in _AUTHOR_SPLIT.split(clean(content)):
                if name and name not in meta.authors:
                    meta.authors.append(name)
    elif key == "og:url" and not meta.og_url:
        meta.og_url = content
    elif key in ("description", "og:description") and not meta.description:
        meta.description = clean(content)


def _read_meta_tags(nodes: list, meta: PageMetadata) -> None:
    published: list = []
    for node in nodes:
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if key and content:
            _read_meta_tag(key, content, meta, published)
    meta.dates.extend(
        DateCandidate("metadata", key, raw) for _, key, raw in sorted(published, key=lambda t: t[0])
    )


def _read_links_and_authors(canonicals: list, authors: list, meta: PageMetadata) -> None:
    for node in canonicals:
        href = (node.attributes.get("href") or "").strip()
        if href:
            meta.canonical = href
            break
    for node in authors:
        name_node = node.css_first('[itemprop="name"]') or node
        name = clean(name_node.attributes.get("content") or name_node.text(strip=True))
        if name and len(name) < 80 and name not in meta.authors:
            meta.authors.append(name)
        if len(meta.authors) >= 5:
            break


# Everything the metadata is read from, found in one pass over the tree (one CSS query per kind cost as much each)
_WANTED = 'meta, link[rel="canonical"], script[type="application/ld+json"], title, [itemprop="author"], a[rel="author"]'


@dataclass
class _Found:
    metas: list = field(default_factory=list)
    canonicals: list = field(default_factory=list)
    scripts: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    title: LexborNode | None = None


def _find(tree) -> _Found:
    found = _Found()
    for node in tree.css(_WANTED):
        tag = node.tag
        attrs = node.attributes
        if tag == "meta":
            found.metas.append(node)
        elif tag == "link" and attrs.get("rel") == "canonical":
            found.canonicals.append(node)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            found.scripts.append(node)
        elif tag == "title" and found.title is None:
            found.title = node
        if attrs.get("itemprop") == "author" or (tag == "a" and attrs.get("rel") == "author"):
            found.authors.append(node)
    return found


def read_metadata(tree) -> PageMetadata:
    meta = PageMetadata()
    root = tree.root
    if root is not None and root.tag == "html":
        lang = root.attributes.get("lang") or root.attributes.get("xml:lang")
        meta.lang = (lang.strip() or None) if lang else None
    found = _find(tree)
    _read_meta_tags(found.metas, meta)
    _read_jsonld(found.scripts, meta)
    _read_links_and_authors(found.canonicals, found.authors, meta)
    if found.title is not None:
        meta.title_tag = clean(found.title.text()) or None
    return meta
