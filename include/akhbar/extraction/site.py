"""What a host repeats across its pages of the night: its boilerplate, its name, its constant dates.

A night brings many pages per host. A block of text found on several *different* articles of one
host (a disclaimer, a newsletter blurb, a menu, a footer line, the "about us" paragraph) is the
site's furniture, whatever its markup and class names; so is a part of <title> repeated in every
title (the site's name), and a metadata date that is the same on every page (a CMS that stamps
its launch day). Identical pages (one article fetched under two URLs: the same longest blocks)
count once, so a batch holding one article twice does not turn its text into boilerplate.

Shards. A :class:`SiteProfile` is the per-shard summary of these signals, and it merges exactly:
for each host it keeps, per distinct article, the keys of its blocks (64-bit hashes, a sorted
array: 8 bytes a block), its title's ends and its metadata dates; two copies of one article,
in one shard or in two, become one entry (the union of their marks). Adding pages and merging
profiles are therefore commutative and associative, and the verdicts (:meth:`SiteProfile.view`)
depend only on the set of pages, not on how a night was cut or in what order shards are merged::

    profiles = [site_profile_of(shard) for shard in shards]          # one per shard, anywhere
    night = SiteProfile().merge(*profiles)                           # small: block keys, no text
    docs = [extract_records(shard, dt=night_day, site=night)[0] for shard in shards]

gives, shard after shard, the documents ``extract_records(whole, dt=night_day)`` gives.
:meth:`SiteProfile.to_table` / :meth:`SiteProfile.from_table` carry a profile between processes
as an Arrow table (Parquet-ready); pickling works too.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
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


@dataclass(frozen=True, eq=False)
class PageSignature:
    """What a page contributes to its host's profile."""

    host: str
    identity: int  # the same article fetched twice has the same identity
    blocks: np.ndarray  # its block keys, sorted, unique, uint64
    title_ends: frozenset  # the first and last parts of its <title>
    meta_dates: frozenset  # (key, raw) of its metadata dates


def _keys_array(keys) -> np.ndarray:
    out = np.unique(np.fromiter(keys, dtype=np.uint64))
    out.flags.writeable = False
    return out


def page_signature(
    host: str, texts: list[str], keys: list[int], title_tag: str | None, meta_dates: list
) -> PageSignature:
    """``keys``: the :func:`block_key` of each of ``texts``."""
    lengths = list(map(len, texts))
    longest = heapq.nlargest(_LONGEST, range(len(texts)), key=lengths.__getitem__)
    identity = xxhash.xxh64_intdigest(repr(sorted(keys[i] for i in longest)).encode("ascii"))
    ends: frozenset = frozenset()
    if title_tag:
        parts = title_segments(title_tag)
        if len(parts) >= 3:
            ends = frozenset((norm_title(parts[0]), norm_title(parts[-1])))
    dates = frozenset((d.key, d.raw) for d in meta_dates if d.source == "metadata")
    return PageSignature(host, identity, _keys_array(keys), ends, dates)


def _union(a: PageSignature, b: PageSignature) -> PageSignature:
    """Two copies of one article: one entry with the marks of both (whichever came first)."""
    if a is b:
        return a
    blocks = a.blocks if np.array_equal(a.blocks, b.blocks) else _keys_array(np.union1d(a.blocks, b.blocks))
    return PageSignature(a.host, a.identity, blocks, a.title_ends | b.title_ends, a.meta_dates | b.meta_dates)


@dataclass(frozen=True)
class HostView:
    """The part of a profile one page needs."""

    repeated: frozenset = frozenset()
    site_names: frozenset = frozenset()
    constant_dates: frozenset = frozenset()


_NO_VIEW = HostView()


@dataclass
class SiteProfile:
    """Per host, the distinct articles seen (by identity) with their marks; see the module's docstring."""

    articles: dict = field(default_factory=dict)  # host -> {identity: PageSignature}
    _views: dict = field(default_factory=dict, repr=False, compare=False)  # host -> HostView, until changed

    def add(self, sig: PageSignature) -> SiteProfile:
        if not sig.host:
            return self
        seen = self.articles.setdefault(sig.host, {})
        old = seen.get(sig.identity)
        seen[sig.identity] = sig if old is None else _union(old, sig)
        self._views.pop(sig.host, None)
        return self

    def merge(self, *others: SiteProfile) -> SiteProfile:
        """Add other profiles (other shards'): the result does not depend on their order or grouping."""
        for other in others:
            for seen in other.articles.values():
                for sig in seen.values():
                    self.add(sig)
        return self

    @property
    def pages(self) -> dict[str, int]:
        """Distinct articles seen per host."""
        return {host: len(seen) for host, seen in self.articles.items()}

    def hosts(self) -> list[str]:
        return sorted(self.articles)

    def _enough(self, host: str) -> int:
        n = len(self.articles.get(host, ()))
        return n if n >= MIN_PAGES else 0

    def repeated_blocks(self, host: str) -> frozenset:
        """Keys of the blocks the host repeats on enough different articles."""
        n = self._enough(host)
        if not n:
            return frozenset()
        keys, counts = np.unique(
            np.concatenate([s.blocks for s in self.articles[host].values()]), return_counts=True
        )
        return frozenset(keys[counts >= max(MIN_PAGES, MIN_SHARE * n)].tolist())

    def site_names(self, host: str) -> set[str]:
        return {name for name in self._most(host, "title_ends") if name}

    def constant_dates(self, host: str) -> set[tuple]:
        """(key, raw) metadata dates the host gives on most of its articles: not a publication date."""
        return self._most(host, "meta_dates")

    def _most(self, host: str, marks: str) -> set:
        """The marks found on at least half of the host's articles."""
        n = self._enough(host)
        if not n:
            return set()
        counts: dict = {}
        for sig in self.articles[host].values():
            for mark in getattr(sig, marks):
                counts[mark] = counts.get(mark, 0) + 1
        return {mark for mark, k in counts.items() if k >= max(MIN_PAGES, 0.5 * n)}

    def view(self, host: str) -> HostView:
        """What the profile says about one host's pages (kept until the host's counts change)."""
        found = self._views.get(host)
        if found is None:
            if not self._enough(host):
                found = _NO_VIEW
            else:
                found = HostView(self.repeated_blocks(host), frozenset(self.site_names(host)),
                                 frozenset(self.constant_dates(host)))  # fmt: skip
            self._views[host] = found
        return found

    # ---- between processes ----

    def to_table(self) -> pa.Table:
        """One row per host and distinct article, in a fixed order (a shard's profile as a file)."""
        rows = [sig for host in self.hosts() for _, sig in sorted(self.articles[host].items())]
        return pa.table({
            "host": pa.array([s.host for s in rows], pa.string()),
            "identity": pa.array([s.identity for s in rows], pa.uint64()),
            "blocks": pa.array([s.blocks for s in rows], pa.list_(pa.uint64())),
            "title_ends": pa.array([sorted(s.title_ends) for s in rows], pa.list_(pa.string())),
            "meta_dates": pa.array([[list(d) for d in sorted(s.meta_dates)] for s in rows],
                                   pa.list_(pa.list_(pa.string()))),
        })  # fmt: skip

    @classmethod
    def from_table(cls, table: pa.Table) -> SiteProfile:
        profile = cls()
        for row in table.to_pylist():
            profile.add(
                PageSignature(
                    row["host"],
                    row["identity"],
                    _keys_array(row["blocks"]),
                    frozenset(row["title_ends"]),
                    frozenset(tuple(d) for d in row["meta_dates"]),
                )
            )
        return profile


def host_view(profile: SiteProfile | None, host: str) -> HostView:
    if profile is None or not host:
        return _NO_VIEW
    return profile.view(host)
