"""The publication date: every candidate the page gives, reconciled.

Candidates: the metadata (``article:published_time`` and the like), JSON-LD ``datePublished``,
``<time datetime>`` and ``itemprop=datePublished`` in the article, the dateline written near the
headline («نشر في 12 جويلية 2016», "Publié le ..."), the feed's date for the item, a date in the
URL, the dateline of the first paragraph ("تونس 12 جويلية (وات)"). Never a date in a footer, a
sidebar, a "related" list, a comment, after "©", nor one introduced as an update; never a metadata
date the host stamps on all its pages. A date the fetch already read on the page (carried in the
feed date's place, :func:`carried_date`) is kept as it is.

Each candidate has a weight (how much its kind is trusted); candidates within a day of one another
agree, and the agreeing weight of each group of sources (page metadata, the visible dateline, the
feed, the URL) counts once; the day with the most weight wins, its most trusted candidate gives the
time.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from akhbar.extraction import dom as d
from akhbar.extraction.metadata import PageMetadata
from akhbar.extraction.site import HostView
from akhbar.extraction.vocabulary import COPYRIGHT, UPDATED_CUE

WEIGHTS = {"metadata": 3.0, "jsonld": 2.9, "feed": 2.6, "time_tag": 2.5, "text": 2.4, "url": 2.0, "lead": 1.0}
_EXCLUDED = d.NAV | d.ASIDE | d.FORM | d.CAPTION


def _excluded(flags: int) -> bool:
    """In a menu, a sidebar, a form, a caption, or the site's header or footer (an article's own
    header and footer hold its date)."""
    return bool(flags & _EXCLUDED) or (bool(flags & (d.FOOTER | d.HEADER)) and not flags & d.ARTICLE)


_NEAR_HEADLINE = 8  # blocks after the headline searched for a dateline
_BEFORE_HEADLINE = 2
_OLDEST = 1995


@dataclass(frozen=True)
class Candidate:
    source: str  # metadata, jsonld, time_tag, feed, text, url, lead
    raw: str
    when: _dt.datetime  # aware, UTC
    day: _dt.date  # the day as the page wrote it (its own offset, else the source's zone)
    share: float = 1.0  # of its kind's weight (an ambiguous day/month order gives two readings)

    @property
    def weight(self) -> float:
        return WEIGHTS[self.source] * self.share


@dataclass(frozen=True)
class PublicationDate:
    raw: str | None
    when: _dt.datetime | None
    source: str  # metadata, jsonld, time_tag, feed, text, url, none
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class DateContext:
    """What the reconciliation needs besides the page: the record's hints and the night."""

    tz: str | None
    lang: str | None
    reference: _dt.date
    url: str | None
    feed_published: str | None


def _parse(raw: str | None, ctx: DateContext) -> tuple[_dt.datetime, _dt.date] | None:
    from akhbar.dates import parse_published

    if not raw or not raw.strip() or COPYRIGHT.search(raw):
        return None
    when = parse_published(raw, tz=ctx.tz or "UTC", lang=ctx.lang)
    if when is None:
        return None
    day = _written_day(raw, when, ctx)
    if day.year < _OLDEST or day > ctx.reference + _dt.timedelta(days=2):
        return None
    return when, day


def _written_day(raw: str, when: _dt.datetime, ctx: DateContext) -> _dt.date:
    """The day in the offset the value carries (2019-02-08T00:00:00+01:00 is the 8th), else in the zone."""
    s = raw.strip()
    if len(s) >= 10 and s[4] == "-" and s[7] == "-" and s[:4].isdigit():
        try:
            return _dt.date.fromisoformat(s[:10])
        except ValueError:
            pass
    return when.astimezone(_zone(ctx.tz)).date()


def _zone(tz: str | None) -> _dt.tzinfo:
    try:
        return ZoneInfo(tz) if tz else _dt.UTC
    except (ValueError, KeyError, OSError):  # unknown or malformed zone name
        return _dt.UTC


def _candidate(source: str, raw: str | None, ctx: DateContext) -> Candidate | None:
    parsed = _parse(raw, ctx)
    return Candidate(source, raw.strip(), parsed[0], parsed[1]) if parsed and raw else None


def _mention_candidate(source: str, text: str, mention, ctx: DateContext) -> Candidate | None:
    """A date mention of a dateline as a candidate: its day is known, only the time near it is read."""
    from akhbar.dates.published import mention_datetime

    raw = _with_time(text, mention).strip()
    if COPYRIGHT.search(raw):
        return None
    when = mention_datetime(mention.date, raw[len(mention.mention) :], tz=ctx.tz or "UTC")
    if when is None:
        return None
    day = _written_day(raw, when, ctx)
    if day.year < _OLDEST or day > ctx.reference + _dt.timedelta(days=2):
        return None
    return Candidate(source, raw, when, day)


def _metadata_candidates(meta: PageMetadata, host: HostView, ctx: DateContext) -> list[Candidate]:
    out = []
    for c in meta.dates:
        if c.source == "metadata" and (c.key, c.raw) in host.constant_dates:
            continue  # the host stamps this date on every page: not this article's
        found = _candidate(c.source, c.raw, ctx)
        if found:
            out.append(found)
    return out


def _mark_candidates(dom: d.PageDom, end: int, ctx: DateContext) -> list[Candidate]:
    """<time datetime> / itemprop dates in the article, before the end of its text."""
    out = []
    for mark in dom.dates:
        if _excluded(mark.flags) or mark.before_block > end:
            continue
        found = _candidate("metadata" if mark.microdata else "time_tag", mark.raw, ctx)
        if found:
            out.append(found)
            if mark.published:
                return [found]  # says it is the publication date: the others are modifications
    return out[:1]


_SCANNED = 300  # characters of a block searched for a dateline's date
_APART = "\n\x00\n"  # between blocks scanned together: no date expression reaches across it


def _mentions_per_text(texts: list[str], ctx: DateContext) -> list[list]:
    """The day mentions (not relative) of each text, found in one scan of the texts put together."""
    from akhbar.dates import find_date_mentions

    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += min(len(text), _SCANNED) + len(_APART)
    joined = _APART.join(text[:_SCANNED] for text in texts)
    per_text: list[list] = [[] for _ in texts]
    for m in find_date_mentions(joined, reference=ctx.reference, lang=None):
        if m.granularity == "day" and not m.is_relative:
            k = bisect.bisect_right(starts, m.char_offset) - 1
            per_text[k].append(replace(m, char_offset=m.char_offset - starts[k]))
    return per_text


def _scannable(texts: list[str]) -> list[str]:
    return [t for t in texts if not COPYRIGHT.search(t) and not UPDATED_CUE.search(t[:40])]


def _text_candidates(source: str, texts: list[str], mentions_per_text: list[list], ctx: DateContext,
                     limit: int) -> list[Candidate]:  # fmt: skip
    """The first usable day mention of each text (``texts`` as :func:`_scannable` kept them), up to ``limit``."""
    out: list[Candidate] = []
    for text, mentions in zip(texts, mentions_per_text):
        for m in mentions:
            before = text[max(0, m.char_offset - 25) : m.char_offset]
            if COPYRIGHT.search(before) or UPDATED_CUE.search(before):
                continue
            found = _mention_candidate(source, text, m, ctx)
            if found:
                out += _readings(found, m.mention, ctx)
                break
        if len(out) >= limit:
            break
    return out


_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def _readings(found: Candidate, mention: str, ctx: DateContext) -> list[Candidate]:
    """ "03/11/2013" is the 3rd of November or March the 11th: both, at half weight each, and the
    other candidates decide (month first is the English-language habit, day first the others')."""
    m = _NUMERIC.match(mention.strip())
    if not m or int(m[1]) > 12 or int(m[2]) > 12 or m[1] == m[2]:
        return [found]
    swapped = _candidate(found.source, f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}", ctx)
    if swapped is None:
        return [found]
    first, second = (swapped, found) if ctx.lang == "en" else (found, swapped)
    return [Candidate(c.source, c.raw, c.when, c.day, share) for c, share in ((first, 0.55), (second, 0.45))]


def _with_time(text: str, mention) -> str:
    """The mention with the time written after it ("12 جويلية 2016 - 10:30"), for a precise instant."""
    end = mention.char_offset + len(mention.mention)
    tail = text[end : end + 12]
    digits = [c for c in tail if c.isdigit()]
    return mention.mention + tail if ":" in tail and len(digits) >= 3 else mention.mention


def _dateline_texts(dom: d.PageDom, title_block: int | None, first_kept: int | None) -> list[str]:
    """Blocks after the headline up to the text, and the ones right before it (a kicker, a blog's date
    header): the one just before, or two before in the headline's own box."""
    blocks = dom.blocks
    if title_block is not None:
        start = title_block + 1
        stop = min(len(blocks), start + _NEAR_HEADLINE)
        if first_kept is not None and first_kept > start:
            stop = min(stop, first_kept + 1)
        box = dom.elements[blocks[title_block].element].parent
        before = [i for i in range(max(0, title_block - _BEFORE_HEADLINE), title_block)
                  if i == title_block - 1 or dom.elements[blocks[i].element].parent == box
                  or blocks[i].element == box]  # fmt: skip
        zone = list(range(start, stop)) + before
    elif first_kept is not None:
        zone = list(range(max(0, first_kept - 4), first_kept))
    else:
        return []
    return [blocks[i].text for i in zone if not _excluded(blocks[i].flags) and len(blocks[i].text) < 200]


# Candidates of one group are one piece of evidence (the CMS writes its meta tags and its JSON-LD from
# the same field; a <time> element and the text it holds are one dateline): agreeing, they count once.
_GROUP = {"metadata": "machine", "jsonld": "machine", "time_tag": "visible", "text": "visible", "feed": "feed",
          "url": "url", "lead": "lead"}  # fmt: skip


def _agreeing(c: Candidate, all_: list[Candidate]) -> float:
    best: dict[str, float] = {}
    for o in all_:
        if abs((o.day - c.day).days) <= 1:
            group = _GROUP[o.source]
            best[group] = max(best.get(group, 0.0), o.weight)
    return sum(best.values())


def reconcile(candidates: list[Candidate]) -> PublicationDate:
    if not candidates:
        return PublicationDate(None, None, "none")
    best = max(candidates, key=lambda c: (_agreeing(c, candidates), c.weight))
    source = "text" if best.source == "lead" else best.source
    return PublicationDate(best.raw, best.when, source, tuple(candidates))


@dataclass(frozen=True)
class PageEvidence:
    """Where a page's visible dates are: the headline block and the main text's blocks."""

    title_block: int | None
    kept: tuple[int, ...]


def carried_date(ctx: DateContext) -> PublicationDate | None:
    """The date the fetch already read on this page (an undated feed item's page is dated once, to know its
    night, and the answer travels in ``meta_published``; :mod:`akhbar.sources.page_dates`): kept as it is,
    never decided again, so that the night an item was fetched for and its date cannot disagree."""
    from akhbar.sources.page_dates import read_page_date

    carried = read_page_date(ctx.feed_published)
    if carried is None:
        return None
    return PublicationDate(carried.raw, carried.published_at.astimezone(_dt.UTC), carried.date_source)


def publication_date(meta: PageMetadata, dom: d.PageDom, evidence: PageEvidence, host: HostView,
                     ctx: DateContext) -> PublicationDate:  # fmt: skip
    carried = carried_date(ctx)
    if carried is not None:
        return carried
    first_kept = evidence.kept[0] if evidence.kept else None
    end = evidence.kept[-1] if evidence.kept else len(dom.blocks)
    candidates = _metadata_candidates(meta, host, ctx)
    candidates += _mark_candidates(dom, end, ctx)
    feed = _candidate("feed", ctx.feed_published, ctx)
    candidates += [feed] if feed else []
    # the dateline zone and the lead, scanned for dates in one pass
    datelines = _scannable(_dateline_texts(dom, evidence.title_block, first_kept))
    lead = _scannable([dom.blocks[first_kept].text[:150]]) if first_kept is not None else []
    mentions = _mentions_per_text(datelines + lead, ctx)
    candidates += _text_candidates("text", datelines, mentions[: len(datelines)], ctx, 1)
    candidates += _text_candidates("lead", lead, mentions[len(datelines) :], ctx, 1)
    url = _url_candidate(ctx)
    candidates += [url] if url else []
    return reconcile(_without_modifications(candidates, meta))


def _without_modifications(candidates: list[Candidate], meta: PageMetadata) -> list[Candidate]:
    """A value the page also declares as its modification date (JSON-LD dateModified, article:modified_time)
    is an update stamp even under a "published" name, unless it is a JSON-LD datePublished as well: a CMS
    that rewrites article:published_time at each edit keeps the first date in its JSON-LD."""
    if not meta.modified:
        return candidates
    published = {c.raw for c in candidates if c.source == "jsonld"}
    kept = [c for c in candidates if c.raw not in meta.modified or c.raw in published]
    return kept or candidates


def _url_candidate(ctx: DateContext) -> Candidate | None:
    from akhbar.dates import date_from_url

    day = date_from_url(ctx.url) if ctx.url else None
    return _candidate("url", day.isoformat(), ctx) if day else None
