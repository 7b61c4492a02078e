"""The article's text: a decision per block, on any layout.

Signals that hold whatever the markup (tables, div soup, AMP, ``<article>``):

1. What each block is on its own: link density, length, sentence punctuation; inside ``<nav>``,
   ``<aside>``, ``<footer>``, ``<header>``, a form, a caption; a class naming boilerplate or
   comments (the nearest one wins over an outer class naming article text); repeated by its host
   on other articles of the night; an item of a list of look-alike cards (related stories, comments).
2. Where the article is: prose is scored and its score given to the element holding it and, halved
   at each level, to its ancestors (the table cell, the ``<div>``); the best element is the body,
   with its siblings that hold a good share of prose or sit right next to it.
3. Position: nothing before the headline, the headline itself and the dateline/byline zone right
   after it are not text; a box heading after the text («اقرأ أيضا», «Commentaires») ends it.
4. Context: short blocks (subheadings, list items) are kept when they stand between kept prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from akhbar.extraction import dom as d
from akhbar.extraction.site import HostView
from akhbar.extraction.title import norm_title
from akhbar.extraction.vocabulary import (
    BOILER_PARAGRAPH,
    BOX_HEADING,
    CLOCK,
    DATELINE_START,
    SENTENCE_END,
    YEAR,
)

_SEMANTIC_BOILERPLATE = d.NAV | d.ASIDE | d.FOOTER | d.HEADER | d.FORM | d.CAPTION
_LEAF_TAGS = frozenset(
    [
        "p",
        "li",
        "dd",
        "dt",
        *d.HEADING_LEVELS,
        "blockquote",
        "pre",
        "td",
        "th",
        "figcaption",
        "caption",
    ]
)
_MIN_PROSE = 25  # characters below which a block gives no score
_LONG_PROSE = 100  # a block this long with sentence punctuation is plainly article text
_SHORT = 45  # below this a block needs context to be kept
_DECAY_LEVELS = 6
_ITEM_MAX_CHARS = 500
_MIN_ITEMS = 3
_CLIMB_LEVELS = 3  # the body may be split over the children of an ancestor of the best element
_CLIMB_GAIN = 1.5
_CLIMB_MIN_PROSE = 400  # ... and the other children add at least this much prose
_CLIMB_DENSITY = 0.6  # ... in text that is mostly prose
_RUN_MIN_PROSE = 60  # a sibling continuing the body holds this much prose at least
_RUN_GAP_CHARS = 150  # ... and between two such, up to two short ones (subheadings, pictures) are taken
_FULL_STOP = re.compile(r"[.!?؟。！？]\s*$")
_COMMENT_WORDS = ("تعليق", "comment", "réagi", "reagi", "reply")


@dataclass(frozen=True)
class MainText:
    text: str
    kept: tuple[int, ...]  # indices of the blocks kept, in order
    dateline_blocks: tuple[int, ...]  # short blocks right after the headline (datelines, bylines)


@dataclass(frozen=True)
class _Context:
    dom: d.PageDom
    title_block: int | None
    title_norm: str
    host: HostView


# --------------------------------------------------------------------------------------------
# 1. Each block on its own
# --------------------------------------------------------------------------------------------


_WIDE_FLAGS = (d.NAV, d.ASIDE, d.FOOTER, d.HEADER, d.FORM)


def _semantic_boilerplate(dom: d.PageDom) -> int:
    """The flags that mark boilerplate on this page: a <header>, <aside> or <form> around most of the page's
    prose is a wrapper, not a box (one pass over the blocks for all the flags)."""
    total = 0
    flagged = dict.fromkeys(_WIDE_FLAGS, 0)
    for b in dom.blocks:
        if b.size >= _MIN_PROSE:
            total += b.size
            if b.flags:
                for flag in _WIDE_FLAGS:
                    if b.flags & flag:
                        flagged[flag] += b.size
    semantic = _SEMANTIC_BOILERPLATE
    for flag, size in flagged.items():
        if total > 0 and size > 0.6 * total:
            semantic &= ~flag
    return semantic


def _effective_kinds(dom: d.PageDom, sub: list[_Subtree]) -> list[str]:
    """The nearest class naming a kind, except a boilerplate name on a box holding most of the page's
    text (a layout wrapper called "two-col-sidebar-right" is not a sidebar)."""
    total = sum(b.size for b in dom.blocks) or 1
    kinds: list[str] = []
    for i, e in enumerate(dom.elements):
        inherited = kinds[e.parent] if e.parent >= 0 else ""
        own = e.own_kind
        if own in ("boilerplate", "comments") and sub[i].chars > 0.4 * total:
            own = ""
        kinds.append(own or inherited)
    return kinds


_LINKS_ONLY = 2  # a mask value: boilerplate for its links alone (a linked subheading may still be text)


def _boilerplate_mask(ctx: _Context, sub: list[_Subtree]) -> list[int]:
    """0 for a block that may be text, 1 for boilerplate, ``_LINKS_ONLY`` when its links alone say so."""
    dom = ctx.dom
    semantic = _semantic_boilerplate(dom)
    kinds = _effective_kinds(dom, sub)
    wide_boiler = _kind_is_page_wide(dom, kinds, ("boilerplate", "comments"))
    in_prose_group = _prose_groups(dom, sub)
    repeated = ctx.host.repeated
    in_box = _inside_semantic_box(dom, semantic, kinds)
    # what each element says of the blocks it holds
    element_bad = [
        box or (not wide_boiler and kind in ("boilerplate", "comments")) for box, kind in zip(in_box, kinds)
    ]
    keys = dom.keys() if repeated else None
    mask = []
    for i, b in enumerate(dom.blocks):
        bad = (element_bad[b.element] or (keys is not None and keys[i] in repeated)
               or (len(b.text) < 160 and BOILER_PARAGRAPH.match(b.text) is not None))  # fmt: skip
        links = not bad and _link_heavy(b) and not in_prose_group[b.element]
        mask.append(_LINKS_ONLY if links else int(bad))
    return mask


_BOXES = d.NAV | d.ASIDE | d.FORM | d.CAPTION  # never the article's text, wherever they are


def _inside_semantic_box(dom: d.PageDom, semantic: int, kinds: list[str]) -> list[bool]:
    """Elements in boilerplate by their markup. A menu, a sidebar, a form or a caption is one wherever it
    is: the nearer of it and a class naming article text says what a block is (a caption or a related
    box inside ``<div class="article-body">`` is still a caption or a related box; text inside an
    ``<aside>``-wrapped layout column is still text). A <header> or <footer> inside a box named as article
    text is the article's own (its standfirst, its closing lines)."""
    out = [False] * len(dom.elements)
    boxes = semantic & _BOXES
    for i, e in enumerate(dom.elements):
        parent = dom.elements[e.parent] if e.parent >= 0 else None
        if e.own_kind == "content":
            out[i] = False
        elif e.flags & boxes & ~(parent.flags if parent else 0):
            out[i] = True
        else:
            out[i] = out[e.parent] if parent else False
    return [
        box or (bool(e.flags & semantic & ~_BOXES) and kind != "content")
        for e, box, kind in zip(dom.elements, out, kinds)
    ]


def _kind_is_page_wide(dom: d.PageDom, kinds: list[str], wanted: tuple) -> bool:
    total = flagged = 0
    for b in dom.blocks:
        if b.size >= _MIN_PROSE:
            total += b.size
            flagged += b.size if kinds[b.element] in wanted else 0
    return total > 0 and flagged > 0.6 * total


_GROUP_TAGS = frozenset(["ul", "ol", "dl", "table"])
_GROUP_ITEMS = frozenset(["li", "dt", "dd", "td", "th"])
_GROUP_MAX_LINKS = 0.5


def _prose_groups(dom: d.PageDom, sub: list[_Subtree]) -> list[bool]:
    """Elements inside a list or a table whose items (cells) are one or two blocks each, some of them
    sentences with few links, and whose text as a whole is mostly not links: a list of points or a
    table of data, where an item that is a link (a film's title, "Here's our year in review") is part of
    the text. Link density is a property of the list, not of each of its items: a menu or a list of
    related titles is links as a whole."""
    group = [-1] * len(dom.elements)
    items = [0] * len(dom.elements)
    for i, e in enumerate(dom.elements):
        outer = group[e.parent] if e.parent >= 0 else -1
        group[i] = i if e.tag in _GROUP_TAGS else outer
        if e.tag in _GROUP_ITEMS and outer >= 0:
            items[outer] += 1
    sentences = [0] * len(dom.elements)
    for b in dom.blocks:
        g = group[b.element]
        if g >= 0 and b.size >= 60 and b.link_density < 0.3:
            sentences[g] += 1
    prose = [False] * len(dom.elements)
    for i, g in enumerate(group):
        if g < 0:
            continue
        s, n = sub[g], items[g]
        prose[i] = (n >= 2 and s.blocks <= 2 * n and sentences[g] > 0
                    and s.link_len < _GROUP_MAX_LINKS * s.text_len)  # fmt: skip
    return prose


def _link_heavy(b: d.Block) -> bool:
    """Mostly links: a menu entry, a related title (with its date); not a sentence citing sources."""
    n = b.size
    ld = b.link_density
    own = n * (1.0 - ld)  # the size of its text outside links (sizes, not characters: CJK counts three)
    return ld > 0.8 or (ld > 0.5 and own < 30) or (ld > 0.3 and n < 100)


def _prose_value(b: d.Block) -> float:
    n = b.size
    if n < _MIN_PROSE:
        return 0.0
    value = n * (1.0 - b.link_density) ** 2
    return value if SENTENCE_END.search(b.text) or n >= 80 else 0.3 * value


# --------------------------------------------------------------------------------------------
# Lists of look-alike items (related cards, comment cards)
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Subtree:
    blocks: int = 0
    chars: int = 0
    link_blocks: int = 0
    text_len: int = 0  # characters of its blocks (link density is a share of characters)
    link_len: int = 0
    prose: float = 0.0  # prose value of the blocks inside, undecayed
    first: int = -1  # index of the first block inside


def _subtrees(dom: d.PageDom) -> list[_Subtree]:
    sub = [_Subtree() for _ in dom.elements]
    for i, b in enumerate(dom.blocks):
        e = b.element
        while e >= 0 and sub[e].first < 0:  # blocks come in document order: the first one sets it
            sub[e].first = i
            e = dom.elements[e].parent
        s = sub[b.element]
        s.blocks += 1
        s.chars += b.size
        s.link_blocks += b.link_density > 0.5
        s.text_len += len(b.text)
        s.link_len += b.link_chars
    for i in range(len(dom.elements) - 1, 0, -1):  # children come after their parent
        parent = dom.elements[i].parent
        if parent >= 0:
            p, c = sub[parent], sub[i]
            p.blocks += c.blocks
            p.chars += c.chars
            p.link_blocks += c.link_blocks
            p.text_len += c.text_len
            p.link_len += c.link_len
    return sub


def _add_prose(dom: d.PageDom, sub: list[_Subtree], values: list[float]) -> None:
    """Each element's undecayed prose value, summed over what it holds."""
    for b, v in zip(dom.blocks, values):
        sub[b.element].prose += v
    for i in range(len(dom.elements) - 1, 0, -1):
        parent = dom.elements[i].parent
        if parent >= 0:
            sub[parent].prose += sub[i].prose


def _item_elements(dom: d.PageDom, sub: list[_Subtree]) -> list[bool]:
    """Elements that are one of 3+ siblings of the same shape, each a short card opening with a link
    (a related story's title, a commenter's name)."""
    groups: dict[tuple, list[int]] = {}
    for i, e in enumerate(dom.elements):
        if e.parent >= 0 and sub[i].blocks >= 2:
            groups.setdefault((e.parent, e.shape), []).append(i)
    item = [False] * len(dom.elements)
    for members in groups.values():
        if len(members) < _MIN_ITEMS:
            continue
        if all(
            sub[i].chars <= _ITEM_MAX_CHARS and dom.blocks[sub[i].first].link_density > 0.5 for i in members
        ):
            for i in members:
                item[i] = True
    for i, e in enumerate(dom.elements):  # inherited by everything inside an item
        if e.parent >= 0 and item[e.parent]:
            item[i] = True
    return item


# --------------------------------------------------------------------------------------------
# 2. Where the article is
# --------------------------------------------------------------------------------------------


def _element_scores(dom: d.PageDom, values: list[float]) -> list[float]:
    per_element: dict[int, int] = {}
    for b in dom.blocks:
        per_element[b.element] = per_element.get(b.element, 0) + 1
    scores = [0.0] * len(dom.elements)
    elements = dom.elements
    for b, v in zip(dom.blocks, values):
        if v <= 0:
            continue
        e = b.element
        el = elements[e]
        if per_element[e] == 1 and el.tag in _LEAF_TAGS and el.parent >= 0:
            e = el.parent  # a paragraph gives its score to the element holding the paragraphs
        for _ in range(_DECAY_LEVELS):
            scores[e] += v
            v /= 2
            e = elements[e].parent
            if e < 0:
                break
    return scores


def _climb(dom: d.PageDom, root: int, sub: list[_Subtree]) -> int:
    """Move up while the parent holds a good deal more prose than the element (a body split in columns,
    or in sections around a figure or a pull quote). Wrappers holding nothing more (a chain of
    single-child <div>s) are passed through: only ancestors where other prose joins count as levels.
    An ancestor beyond the first few must add text that is mostly prose itself (another part of the
    article, not the comments or a list of teasers beside it)."""
    prose = [s.prose for s in sub]
    best, ancestor, joins, depth = root, root, 0, 0
    while joins <= _CLIMB_LEVELS:
        below = prose[ancestor]
        ancestor = dom.elements[ancestor].parent
        depth += 1
        if ancestor < 0:
            break
        if prose[ancestor] <= below:
            continue  # a wrapper: the same prose as the element it wraps
        joins += 1
        added, added_chars = prose[ancestor] - prose[best], sub[ancestor].chars - sub[best].chars
        dense = depth <= _CLIMB_LEVELS + 1 or added >= _CLIMB_DENSITY * added_chars
        if prose[ancestor] >= _CLIMB_GAIN * prose[best] and added >= _CLIMB_MIN_PROSE and dense:
            best = ancestor
    return best


def _mostly_prose(s: _Subtree) -> bool:
    return s.chars > 0 and s.prose >= 0.6 * s.chars


def _prose_run(siblings: list[int], pos: int, sub: list[_Subtree]) -> set[int]:
    """The siblings next to the body that continue it: paragraphs (a body whose first part sits beside a
    "read more" box), with short ones (subheadings) and empty ones (pictures) between them."""
    run: set[int] = set()
    for step in (-1, 1):
        k, pending = pos + step, []
        while 0 <= k < len(siblings):
            s = sub[siblings[k]]
            if s.chars == 0:  # an empty box (a picture, an ad slot, a rule) does not interrupt the text
                pending.append(siblings[k])
            elif _mostly_prose(s) and s.prose >= _RUN_MIN_PROSE:
                run.update(pending, [siblings[k]])
                pending = []
            elif s.chars < _RUN_GAP_CHARS and sum(sub[i].chars > 0 for i in pending) < 2:
                pending.append(siblings[k])
            else:
                break
            k += step
    return run


def _body_region(dom: d.PageDom, scores: list[float], sub: list[_Subtree]) -> list[bool]:
    """Elements inside the body: the best element, its siblings holding much prose, and the paragraphs
    that continue it."""
    if not scores:
        return []
    root = _climb(dom, max(range(len(scores)), key=scores.__getitem__), sub)
    chosen = {root}
    parent = dom.elements[root].parent
    if parent >= 0 and scores[root] > 0:
        siblings = [i for i, e in enumerate(dom.elements) if e.parent == parent]
        chosen.update(i for i in siblings if scores[i] >= 0.2 * scores[root])
        chosen.update(_prose_run(siblings, siblings.index(root), sub))
    inside = [False] * len(dom.elements)
    for i, e in enumerate(dom.elements):
        inside[i] = i in chosen or (e.parent >= 0 and inside[e.parent])
    return inside


# --------------------------------------------------------------------------------------------
# 3-4. Position and context, in document order
# --------------------------------------------------------------------------------------------


def _candidates(ctx: _Context, bad: list[int], inside: list[bool], items: list[bool]) -> list[int]:
    out = []
    for i, b in enumerate(ctx.dom.blocks):
        if bad[i] or not inside[b.element] or items[b.element]:
            continue
        if ctx.title_norm and (
            i == ctx.title_block
            or (abs(len(b.text) - len(ctx.title_norm)) < 4 and norm_title(b.text) == ctx.title_norm)
        ):
            continue  # the headline, wherever it is repeated
        out.append(i)
    return out


def _lead(ctx: _Context, candidates: list[int], bad: list[int], items: list[bool]) -> list[int]:
    """Prose between the headline and the body's first block (a standfirst in its own box) is text."""
    h = ctx.title_block
    if h is None or not candidates or candidates[0] <= h + 1:
        return candidates
    blocks = ctx.dom.blocks
    lead = [i for i in range(h + 1, candidates[0])
            if not bad[i] and not items[blocks[i].element] and blocks[i].size >= 80
            and blocks[i].link_density < 0.5 and not _is_dateline(blocks[i])]  # fmt: skip
    return lead + candidates


def _after_headline(ctx: _Context, candidates: list[int]) -> list[int]:
    """Blocks before the headline are not text (unless that would drop most of it)."""
    h = ctx.title_block
    if h is None:
        return candidates
    after = [i for i in candidates if i > h]
    chars = sum(ctx.dom.blocks[i].size for i in candidates)
    kept = sum(ctx.dom.blocks[i].size for i in after)
    return after if kept >= 0.5 * chars else candidates


def _is_dateline(b: d.Block) -> bool:
    """A dateline, a byline, a section label: short, opened by a cue word, or holding a time or a year.
    Lengths are sizes (a Chinese or Japanese character counts three: 20 of them are a sentence)."""
    text, n = b.text, b.size
    if n >= 150:
        return False
    if DATELINE_START.search(text) or (n < 80 and CLOCK.search(text)):
        return True
    if n < 70 and YEAR.search(text) and not _FULL_STOP.search(text):
        return True
    return n < 60 and not SENTENCE_END.search(text) and not b.heading >= 2  # a subheading opens the text


def _dateline_zone(ctx: _Context, candidates: list[int]) -> tuple[list[int], list[int]]:
    """Split off the short blocks at the start (datelines, bylines, sections) until the first prose."""
    blocks = ctx.dom.blocks
    zone: list[int] = []
    for k, i in enumerate(candidates):
        if not _is_dateline(blocks[i]):
            return candidates[k:], zone
        zone.append(i)
        if len(zone) >= 6:
            break
    return candidates[len(zone) :], zone


def _box_headings(ctx: _Context, inside: list[bool]) -> set[int]:
    """Headings of boxes after the text («اقرأ أيضا», «تعليقات القراء», "Comments"), even those the
    host repeats on every page (repetition makes them boilerplate, not less of a boundary)."""
    out = set()
    for i, b in enumerate(ctx.dom.blocks):
        text = b.text
        if (inside[b.element] and b.size < 60 and b.link_density < 0.5 and BOX_HEADING.match(text)
                and not _FULL_STOP.search(text)):  # fmt: skip
            out.add(i)
    return out


def _cut_at_boxes(ctx: _Context, candidates: list[int], headings: set[int]) -> list[int]:
    """A box heading after the text ends it; prose may resume after a related box, and after comments
    only when the comments heading came too early to end the text (a "Comments (3)" under the byline)."""
    blocks = ctx.dom.blocks
    total = sum(blocks[i].size for i in candidates) or 1
    out: list[int] = []
    kept = 0
    skipping = False
    for i in sorted(set(candidates) | headings):
        text = blocks[i].text
        if i in headings:
            if not out:
                continue
            if any(w in text.casefold() for w in _COMMENT_WORDS) and kept >= 0.5 * total:
                break
            skipping = True
            continue
        if skipping and not (blocks[i].size >= 150 and blocks[i].link_density < 0.2):
            continue
        skipping = False
        out.append(i)
        kept += blocks[i].size
    return out


def _figures(ctx: _Context, run: list[int]) -> bool:
    """A run of labels that are mostly numbers ("$915", "billion", "’17", "%") outside any table: a
    chart's axes and values drawn in HTML, not subheadings or a list (a table of figures is data)."""
    if len(run) < 4:
        return False
    blocks, elements = ctx.dom.blocks, ctx.dom.elements
    bare = sum(sum(ch.isalpha() for ch in blocks[i].text) < 3 and elements[blocks[i].element].tag not in ("td", "th")
               for i in run)  # fmt: skip
    return bare >= 0.5 * len(run)


def _keep_in_context(ctx: _Context, candidates: list[int]) -> list[int]:
    """Runs of short blocks stay when prose follows them (subheadings) or surrounds them (lists)."""
    blocks = ctx.dom.blocks
    long_ = [blocks[i].size >= _SHORT or SENTENCE_END.search(blocks[i].text) is not None for i in candidates]
    out = []
    k = 0
    while k < len(candidates):
        if long_[k]:
            out.append(candidates[k])
            k += 1
            continue
        end = k
        while end < len(candidates) and not long_[end]:
            end += 1
        run = candidates[k:end]
        prose_after = end < len(candidates)
        prose_before = bool(out)
        headings = all(blocks[i].heading >= 2 for i in run)
        if prose_after and (prose_before or headings) and not _figures(ctx, run):
            out.extend(run)
        k = end
    return out


def _linked_subheadings(ctx: _Context, kept: list[int], bad: list[int]) -> list[int]:
    """A heading that is a link ("“Rez Infinite” ($30)" over the game's review) right between two kept
    paragraphs of the same box is a subheading of the text; a related box has its own box."""
    blocks, elements = ctx.dom.blocks, ctx.dom.elements
    kept_set = set(kept)
    added = [i for i in range(1, len(blocks) - 1)
             if bad[i] == _LINKS_ONLY and blocks[i].heading >= 2 and blocks[i].size < 200
             and i - 1 in kept_set and i + 1 in kept_set
             and elements[blocks[i].element].parent == elements[blocks[i + 1].element].parent]  # fmt: skip
    return sorted(kept_set.union(added)) if added else kept


def find_main_text(dom: d.PageDom, title_block: int | None, title: str | None, host: HostView) -> MainText:
    ctx = _Context(dom, title_block, norm_title(title) if title else "", host)
    if not dom.blocks:
        return MainText("", (), ())
    sub = _subtrees(dom)
    bad = _boilerplate_mask(ctx, sub)
    items = _item_elements(dom, sub)
    values = [0.0 if bad[i] or items[b.element] else _prose_value(b) for i, b in enumerate(dom.blocks)]
    _add_prose(dom, sub, values)
    inside = _body_region(dom, _element_scores(dom, values), sub)
    candidates = _after_headline(ctx, _candidates(ctx, bad, inside, items))
    candidates = _lead(ctx, candidates, bad, items)
    body, zone = _dateline_zone(ctx, candidates)
    kept = _keep_in_context(ctx, _cut_at_boxes(ctx, body, _box_headings(ctx, inside)))
    kept = _linked_subheadings(ctx, kept, bad) or candidates  # a page of a few short lines: they are its text
    text = "\n".join(dom.blocks[i].text for i in kept)
    return MainText(text, tuple(kept), tuple(zone))
