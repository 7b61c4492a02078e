"""The title: the headline the page shows, reconciled with og:title, <title> and JSON-LD.

Metadata titles carry the site's name ("العنوان - جريدة الصباح", "Le Monde | Titre", "Titre – Section –
Site"); the visible headline does not, but a page may show several headings (the site's logo in an
``<h1>``, related titles). So the visible blocks that match a metadata title are looked for first
(an ``<h1>`` preferred); only when none matches does a metadata title stand, its site name removed:
names the page declares (og:site_name, JSON-LD publisher), names its host repeats in every <title>
of the night, or the short part at an end of the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from akhbar.extraction.dom import ARTICLE, ASIDE, FOOTER, HEADER, NAV, PageDom
from akhbar.extraction.metadata import PageMetadata

_SEPARATOR = re.compile(r"(\s+(?:[|\-–—·«»/]|::|\|\|)\s+|\s*[|·•]\s*|\s+::\s*)")
_QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"'}
_QUOTE_CHARS = re.compile("[" + "".join(_QUOTES) + "]")


def _plain_quotes(s: str) -> str:
    """Typographic quotes as plain ones (a regex test first: str.translate is slow on non-ASCII text)."""
    if _QUOTE_CHARS.search(s) is None:
        return s
    for typographic, plain in _QUOTES.items():
        s = s.replace(typographic, plain)
    return s


_TRUNCATED = ("…", "...")
_VISIBLE_SCAN = 600  # blocks examined for the headline (it is near the top of any page)
_BEST_POSSIBLE = 3.5  # an exact match (3.0) in an <h1> (+0.5)


def norm_title(s: str) -> str:
    return " ".join(_plain_quotes(s).casefold().split()).rstrip("¶#§ ")


@dataclass(frozen=True)
class Title:
    text: str | None
    block: int | None  # the block showing the headline, when it is visible
    source: str  # visible, jsonld, og, title, h1, none


def title_segments(title: str) -> list[str]:
    """The parts of a <title> between separators: ["Titre", " | ", "Site"] keeps the separators."""
    return [p for p in _SEPARATOR.split(title) if p != ""]


def strip_site_name(title: str, site_names: set[str]) -> str:
    """A metadata title without the site's (and section's) name at its ends."""
    parts = title_segments(title)
    if len(parts) < 3:
        return title
    names = {norm_title(n) for n in site_names if n}

    def is_site(segment: str) -> bool:
        s = norm_title(segment)
        return bool(s) and (s in names or any(s in n or n in s for n in names if len(n) >= 3 and len(s) >= 3))

    removed = False
    while len(parts) >= 3 and (is_site(parts[0]) or is_site(parts[-1])):
        parts = parts[2:] if is_site(parts[0]) else parts[:-2]
        removed = True
    if removed and len(parts) >= 3:  # a section name left next to the site's: short, at an end
        for end in (0, -1):
            rest = "".join(parts[2:] if end == 0 else parts[:-2])
            if len(parts[end].split()) <= 2 and len(rest) >= 3 * len(parts[end]):
                parts = parts[2:] if end == 0 else parts[:-2]
                break
    if not removed:  # no known name: drop short parts at the ends ("... | BBC News"), nothing else
        while len(parts) >= 3:
            end = 0 if len(parts[0]) <= len(parts[-1]) else -1
            if len(parts[end].split()) > 3 or len(parts[end]) > 0.3 * len(title):
                break
            parts = parts[2:] if end == 0 else parts[:-2]
    return "".join(parts).strip()


def _references(meta: PageMetadata, site_names: set[str]) -> list[str]:
    """The metadata titles, each once (og:title and twitter:title are often the same), and without their
    site names."""
    values = (meta.jsonld_headline, meta.titles.get("og:title"), meta.titles.get("twitter:title"),
              meta.title_tag, meta.titles.get("headline"))  # fmt: skip
    refs: list[str] = []
    for value in dict.fromkeys(v for v in values if v):
        refs.append(value)
        stripped = strip_site_name(value, site_names)
        if stripped != value:
            refs.append(stripped)
    return refs


@dataclass(frozen=True)
class _Reference:
    """A metadata title, normalised once, with its parts."""

    norm: str
    parts: frozenset
    truncated_prefix: str | None


def _prepare(refs: list[str]) -> list[_Reference]:
    out = []
    for ref in refs:
        r = norm_title(ref)
        parts = frozenset(norm_title(p) for p in title_segments(ref)[::2] if len(p) >= 8)
        prefix = r.rstrip("…. ")[: max(20, len(r) - 4)] if r.endswith(_TRUNCATED) else None
        out.append(_Reference(r, parts, prefix))
    return out


def _match(c: str, refs: list[_Reference]) -> float:
    best = 0.0
    for ref in refs:
        r = ref.norm
        if c == r:
            return 3.0
        if c in ref.parts:
            best = max(best, 2.0)  # one part of "Site :: Section :: Headline"
        elif ref.truncated_prefix and c.startswith(ref.truncated_prefix):
            best = max(best, 2.5)
        elif c in r and len(c) >= 0.6 * len(r) or r in c and len(r) >= 0.6 * len(c):
            best = max(best, 1.5)
    return best


def _visible_headline(dom: PageDom, refs: list[str], site_names: set[str]) -> int | None:
    prepared = _prepare(refs)
    shortest = min(
        min(len(r.norm) for r in prepared), min((len(p) for r in prepared for p in r.parts), default=999)
    )
    longest = max(len(r.norm) for r in prepared)
    names = {norm_title(n) for n in site_names}
    best, best_score = None, 0.0
    for i, block in enumerate(dom.blocks[:_VISIBLE_SCAN]):
        n = len(block.text)
        if n < max(4, 0.6 * shortest) or n > longest / 0.6 + 2 or block.flags & (NAV | FOOTER | ASIDE):
            continue  # lengths no reference can match
        if block.link_density > 0.5 and block.heading != 1:
            continue  # a related title is a link; the headline is a link only inside its <h1>
        c = (
            _plain_quotes(block.text).casefold().rstrip("¶#§ ")
        )  # norm_title: its blanks are collapsed already
        score = _match(c, prepared) if c not in names else 0.0
        if score == 0.0:
            continue
        score += 0.5 if block.heading == 1 else (0.2 if block.heading else 0.0)
        if block.flags & HEADER and not block.flags & ARTICLE:
            score -= 1.0  # a site's header shows its name; an article's header is rarer
        if score > best_score:
            best, best_score = i, score
            if score >= _BEST_POSSIBLE:
                break  # a metadata title shown whole in an <h1>: no block can do better
    return best if best_score >= 1.5 else None


def _lone_h1(dom: PageDom) -> int | None:
    h1s = [i for i, b in enumerate(dom.blocks[:_VISIBLE_SCAN]) if b.heading == 1 and 4 <= len(b.text) <= 400]
    return h1s[0] if len(h1s) == 1 else None


def choose_title(meta: PageMetadata, dom: PageDom, site_names: set[str] | None = None) -> Title:
    names = set(meta.site_names) | (site_names or set())
    refs = _references(meta, names)
    visible = _visible_headline(dom, refs, names) if refs else None
    if visible is not None:
        return Title(dom.blocks[visible].text, visible, "visible")
    h1 = _lone_h1(dom)
    if h1 is not None and not refs:
        return Title(dom.blocks[h1].text, h1, "h1")
    if meta.jsonld_headline and not meta.jsonld_headline.endswith(_TRUNCATED):
        return Title(meta.jsonld_headline, None, "jsonld")
    og = meta.titles.get("og:title") or meta.titles.get("twitter:title")
    if og:
        return Title(strip_site_name(og, names), None, "og")
    if meta.title_tag:
        return Title(strip_site_name(meta.title_tag, names), None, "title")
    if h1 is not None:
        return Title(dom.blocks[h1].text, h1, "h1")
    return Title(meta.jsonld_headline, None, "jsonld" if meta.jsonld_headline else "none")
