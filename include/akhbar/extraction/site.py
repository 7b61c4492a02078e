"""What a host repeats across its pages of the night: its boilerplate, its name, its constant dates.

A night brings many pages per host. A block of text found on several *different* articles of one
host (a disclaimer, a newsletter blurb, a menu, a footer line, the "about us" paragraph) is the
site's furniture, whatever its markup and class names; so is a part of <title> repeated in every
title (the site's name), and a metadata date that is the same on every page (a CMS that stamps
its launch day). Identical pages (one article fetched under two URLs) count once, so a batch
holding one article twice does not turn its text into boilerplate.

The profile is a set of counters that add up: it can be learnt from one batch, or from every shard
of a source and merged, so that the verdict on a page does not depend on how the night was cut.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import xxhash

from akhbar.extraction.title import norm_title, title_segments

MIN_PAGES = 3  # a block is the host's furniture when it is on at least this many different articles
MIN_SHARE = 0.1  # ... and on at least this share of the host's articles
_LONGEST = 3  # a page is identified by its longest blocks


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.").removeprefix("amp.").removeprefix("m.")


@dataclass(frozen=True)
class PageSignature:
    """What a page contributes to its host's profile."""

    host: str
    identity: int  # the same article fetched twice has the same identity
    blocks: frozenset  # block keys
    title_ends: tuple  # the first and last parts of its <title>
    meta_dates: tuple  # (key, raw) of its metadata dates


def page_signature(host: str, texts: list[str], keys: list[int], title_tag: str | None, meta_dates: list) -> PageSignature:
    """``keys``: the :func:`block_key` of each of ``texts``."""
    longest = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)[:_LONGEST]
    identity = xxhash.xxh64_intdigest(repr(sorted(keys[i] for i in longest)).encode("ascii"))
    ends: tuple = ()
    if title_tag:
        parts = title_segments(title_tag)
        if len(parts) >= 3:
            ends = (norm_title(parts[0]), norm_title(parts[-1]))
    dates = tuple(sorted({(d.key, d.raw) for d in meta_dates if d.source == "metadata"}))
    return PageSignature(host, identity, frozenset(keys), ends, dates)


@dataclass
class SiteProfile:
    """Counters per host: articles seen, and on how many articles each block/title part/date was."""

    pages: Counter = field(default_factory=Counter)
    blocks: dict = field(default_factory=lambda: defaultdict(Counter))
    title_ends: dict = field(default_factory=lambda: defaultdict(Counter))
    meta_dates: dict = field(default_factory=lambda: defaultdict(Counter))
    _seen: set = field(default_factory=set, repr=False)

    def add(self, sig: PageSignature) -> None:
        if not sig.host or (sig.host, sig.identity) in self._seen:
            return
        self._seen.add((sig.host, sig.identity))
        self.pages[sig.host] += 1
        self.blocks[sig.host].update(sig.blocks)
        self.title_ends[sig.host].update(set(sig.title_ends))
        self.meta_dates[sig.host].update(sig.meta_dates)

    def merge(self, other: SiteProfile) -> SiteProfile:
        """Add another profile's counts (e.g. another shard's); identical articles across shards may count twice."""
        for host, n in other.pages.items():
            self.pages[host] += n
            self.blocks[host].update(other.blocks.get(host, {}))
            self.title_ends[host].update(other.title_ends.get(host, {}))
            self.meta_dates[host].update(other.meta_dates.get(host, {}))
        self._seen |= other._seen
        return self

    def _threshold(self, host: str) -> float:
        return max(MIN_PAGES, MIN_SHARE * self.pages.get(host, 0))

    def repeated_blocks(self, host: str) -> frozenset:
        """Keys of the blocks the host repeats on enough different articles."""
        counts = self.blocks.get(host)
        if not counts or self.pages[host] < MIN_PAGES:
            return frozenset()
        limit = self._threshold(host)
        return frozenset(k for k, n in counts.items() if n >= limit)

    def site_names(self, host: str) -> set[str]:
        counts = self.title_ends.get(host)
        if not counts or self.pages[host] < MIN_PAGES:
            return set()
        limit = max(MIN_PAGES, 0.5 * self.pages[host])
        return {name for name, n in counts.items() if n >= limit and name}

    def constant_dates(self, host: str) -> set[tuple]:
        """(key, raw) metadata dates the host gives on most of its articles: not a publication date."""
        counts = self.meta_dates.get(host)
        if not counts or self.pages[host] < MIN_PAGES:
            return set()
        limit = max(MIN_PAGES, 0.5 * self.pages[host])
        return {kr for kr, n in counts.items() if n >= limit}


@dataclass(frozen=True)
class HostView:
    """The part of a profile one page needs."""

    repeated: frozenset = frozenset()
    site_names: frozenset = frozenset()
    constant_dates: frozenset = frozenset()


def host_view(profile: SiteProfile | None, host: str) -> HostView:
    if profile is None or not host:
        return HostView()
    return HostView(profile.repeated_blocks(host), frozenset(profile.site_names(host)),
                    frozenset(profile.constant_dates(host)))  # fmt: skip
