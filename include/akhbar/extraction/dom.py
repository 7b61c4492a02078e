"""A parsed page as a sequence of text blocks, each with what its ancestors say about it.

One walk over the lexbor tree (selectolax) turns the page into *blocks*: the runs of text between
block-level boundaries (``<p>``, ``<div>``, ``<td>``, ``<li>``, headings, ``<br>`` ...). A block
keeps its text, how much of it is link text, the block-level element holding it and the flags
inherited from its ancestors (inside ``<nav>``, ``<aside>``, ``<footer>``, ``<article>``, a class
naming comments or article text ...). Scripts, styles, forms' controls and hidden elements are
skipped. The paragraphs of a table cell separated by ``<br><br>`` are separate blocks.

Everything after this walk works on plain Python values, so a batch can keep the blocks of many
pages (to see what a host repeats) without keeping their trees.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

import xxhash

from akhbar.extraction.vocabulary import attribute_kind

# Flags of an element, inherited by everything inside it.
NAV = 1
ASIDE = 2
FOOTER = 4
HEADER = 8
ARTICLE = 16  # <article>, <main>, role=main
BOILER_CLASS = 32
COMMENTS = 64
CONTENT_CLASS = 128  # a class naming article text, itemprop=articleBody
FORM = 256
CAPTION = 512  # figcaption (a table's <caption> names its data: not flagged)
LIST_ITEM = 1024
TABLE_CELL = 2048
QUOTE = 4096
PRE = 8192

HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}  # <h1> .. <h6>
BLOCK_TAGS = frozenset(
    [
        "html",
        "body",
        "div",
        "p",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        *HEADING_LEVELS,
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "legend",
        "address",
        "center",
        "hr",
        "details",
        "summary",
        "dialog",
        "menu",
        "frameset",
        "frame",
        "noframes",
    ]
)
SKIP_TAGS = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "optgroup",
        "textarea",
        "button",
        "input",
        "map",
        "area",
        "audio",
        "video",
        "source",
        "track",
        "picture",
        "img",
        "meta",
        "link",
        "base",
        "title",
        "amp-ad",
        "amp-analytics",
        "amp-social-share",
        "amp-img",
        "amp-pixel",
        "amp-iframe",
        "amp-video",
        "amp-embed",
    ]
)
_OWN_FLAGS = {"nav": NAV, "menu": NAV, "amp-sidebar": NAV, "aside": ASIDE, "footer": FOOTER, "header": HEADER,
              "article": ARTICLE, "main": ARTICLE, "form": FORM, "figcaption": CAPTION,
              "li": LIST_ITEM, "dd": LIST_ITEM, "dt": LIST_ITEM, "td": TABLE_CELL, "th": TABLE_CELL,
              "blockquote": QUOTE, "pre": PRE}  # fmt: skip
_ROLE_FLAGS = {"navigation": NAV, "menu": NAV, "menubar": NAV, "complementary": ASIDE, "contentinfo": FOOTER,
               "banner": HEADER, "main": ARTICLE, "article": ARTICLE}  # fmt: skip
_KIND_FLAGS = {"boilerplate": BOILER_CLASS, "comments": COMMENTS, "content": CONTENT_CLASS, "": 0}
_DATE_PROPS = frozenset(("datepublished", "datemodified", "dc:date", "dc:created", "dcterms:created",
                         "dcterms:issued", "dc:issued"))  # fmt: skip
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# What a tag says by itself: its flags and its heading level (0: the parent's)
_TAG_INFO = {
    tag: (_OWN_FLAGS.get(tag, 0), HEADING_LEVELS.get(tag, 0)) for tag in {*_OWN_FLAGS, *HEADING_LEVELS}
}
_SHAPES: dict[tuple[str, str], str] = {}  # (tag, class) -> "tag.class", one string for each


def _size(text: str) -> int:
    """The length of a non-ASCII text, a CJK character counting three. The regex runs only when some
    character is at or beyond the first kana (Arabic, Latin, Cyrillic text never is)."""
    if max(text) < "\u3040":
        return len(text)
    return len(text) + 2 * len(_CJK.findall(text))


@dataclass(slots=True)
class Element:
    """A block-level element: its parent's index (-1 for the root), tag and inherited flags."""

    parent: int
    tag: str
    flags: int
    heading: int  # 1-6 inside a heading, else 0
    kind: str  # what the nearest class/id naming a kind says: boilerplate, comments, content or ""
    shape: str  # tag and class: siblings of one shape are items of a list
    own_kind: str  # what its own class/id says


@dataclass(slots=True)
class Block:
    """A run of text between block boundaries."""

    text: str
    element: int
    link_chars: int
    flags: int
    heading: int
    size: int  # its length, a CJK character counting three (a few of them make a sentence)
    link_density: float = 0.0  # link characters / characters


def block_key(text: str) -> int:
    """A stable key of a block's text (the same in every process, so profiles of shards can be merged);
    block texts come with their whitespace already collapsed. ASCII text is casefolded ("READ MORE" is
    "Read more"); other text is taken as written (casefolding it costs more than hashing, and a host
    repeats its blocks exactly)."""
    return xxhash.xxh64_intdigest((text.casefold() if text.isascii() else text).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class DateMark:
    """A machine-readable date in the body: ``<time datetime>``, ``itemprop=datePublished``."""

    raw: str
    before_block: int  # index of the first block after it
    flags: int
    published: bool  # says it is the publication (not the modification) date
    microdata: bool  # itemprop / RDFa property (page metadata), not a <time> element


@dataclass
class PageDom:
    elements: list[Element] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    dates: list[DateMark] = field(default_factory=list)
    _keys: list[int] | None = field(default=None, repr=False)

    def keys(self) -> list[int]:
        """The repetition key of each block (computed once: the page's signature and its host's view use them)."""
        if self._keys is None:
            self._keys = [block_key(b.text) for b in self.blocks]
        return self._keys

    def key(self, i: int) -> int:
        return self.keys()[i]

    def ancestors(self, element: int):
        while element >= 0:
            yield element
            element = self.elements[element].parent


@dataclass(slots=True)
class _Run:
    """The text being gathered into the next block (emptied in place when the block is flushed)."""

    parts: list = field(default_factory=list)
    link_chars: int = 0


class _Walker:
    """Depth-first walk with an explicit stack (pages nest deeper than Python's recursion limit)."""

    def __init__(self) -> None:
        self.dom = PageDom()
        self.run = _Run()

    def flush(self, element: int) -> None:
        run = self.run
        if not run.parts:
            return
        raw = "".join(run.parts)
        if "\u00ad" in raw:
            raw = raw.replace("\u00ad", "")  # soft hyphens: invisible, they split words
        text = " ".join(raw.split())
        if text:
            el = self.dom.elements[element]
            links = min(len(text), run.link_chars)
            size = len(text) if text.isascii() else _size(text)
            self.dom.blocks.append(Block(text, element, links, el.flags, el.heading, size, links / len(text)))
        run.parts.clear()
        run.link_chars = 0

    def open_element(self, node, tag: str, attrs: dict, parent: int) -> int:
        elements = self.dom.elements
        if parent >= 0:
            pe = elements[parent]
            flags, heading, inherited = pe.flags, pe.heading, pe.kind
        else:
            flags, heading, inherited = 0, 0, ""
        own = _TAG_INFO.get(tag)
        if own is not None:
            flags |= own[0]
            heading = own[1] or heading
        cls = kind = ""
        if attrs:
            role = attrs.get("role")
            if role:
                flags |= _ROLE_FLAGS.get(role.lower(), 0)
            cls = attrs.get("class") or ""
            ident = attrs.get("id") or ""
            if cls or ident:
                kind = attribute_kind(cls, ident)
                flags |= _KIND_FLAGS[kind]
            if attrs.get("itemprop") in ("articleBody", "text"):
                flags |= CONTENT_CLASS | ARTICLE
                kind = "content"
        # shapes repeat within a page and across a host's pages: one string each (a batch keeps many pages)
        shape = _SHAPES.get((tag, cls))
        if shape is None:
            shape = _SHAPES.setdefault((tag, cls), sys.intern(f"{tag}.{cls}"))
        elements.append(Element(parent, tag, flags, heading, kind or inherited, shape, kind))
        return len(elements) - 1

    def date_mark(self, attrs: dict, tag: str, element: int) -> None:
        raw = attrs.get("datetime") or attrs.get("content")
        prop = (attrs.get("itemprop") or attrs.get("property") or "").lower()
        if not raw or not raw.strip() or (tag != "time" and prop not in _DATE_PROPS):
            return
        cls = f"{attrs.get('class') or ''} {prop}".lower()
        published = (
            "publish" in cls or "pubdate" in cls or "pubdate" in attrs or "dc:" in prop or "issued" in prop
        )
        if "modif" in cls or "updated" in cls:
            published = False
        flags = self.dom.elements[element].flags if element >= 0 else 0
        self.dom.dates.append(DateMark(raw.strip(), len(self.dom.blocks), flags, published, tag != "time"))


def _hidden(attrs: dict) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style and ("none" in style or "hidden" in style):
        s = style.replace(" ", "").lower()
        return "display:none" in s or "visibility:hidden" in s
    return False


def read_dom(root) -> PageDom:
    """Blocks, elements and date marks of the tree under ``root`` (normally ``<body>``)."""
    walker = _Walker()
    run = walker.run  # emptied in place by each flush
    parts = run.parts
    flush, open_element, date_mark = walker.flush, walker.open_element, walker.date_mark
    top = open_element(root, root.tag or "body", {}, -1)
    # (children, block element, inside-a-link depth); a parent's iterator resumes where it stopped
    stack = [(root.iter(include_text=True), top, 0)]
    while stack:
        children, element, in_link = stack[-1]
        for node in children:
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if text:
                    if (
                        text.isspace()
                    ):  # indentation between elements: a space inside a run, nothing before it
                        if parts:
                            parts.append(" ")
                        continue
                    parts.append(text)
                    if in_link:
                        run.link_chars += len(text.strip())
                continue
            if tag is None or tag[0] in "_!-":
                continue  # comments, doctype
            if tag == "br":
                if parts:
                    flush(element)
                continue
            attrs = node.attributes
            if tag in SKIP_TAGS:
                if tag in ("meta", "time") or "itemprop" in attrs or "property" in attrs:
                    date_mark(attrs, tag, element)
                continue
            if attrs and ("style" in attrs or "hidden" in attrs or "aria-hidden" in attrs) and _hidden(attrs):
                continue
            if tag == "time" or "itemprop" in attrs or "property" in attrs:
                date_mark(attrs, tag, element)
            if tag in BLOCK_TAGS or "-" in tag:
                if parts:
                    flush(element)
                stack.append((node.iter(include_text=True), open_element(node, tag, attrs, element), in_link))
            else:
                stack.append((node.iter(include_text=True), element, in_link + (tag == "a")))
            break  # walk into the child; this loop resumes after it
        else:
            stack.pop()
            if parts and stack and element != stack[-1][1]:
                flush(element)
    if parts:
        flush(top)
    return walker.dom
