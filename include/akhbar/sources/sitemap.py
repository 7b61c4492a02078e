"""XML sitemaps, sitemap indexes (bounded recursion) and Google News sitemaps.

Only URLs dated inside the run window (:func:`akhbar.sources.context.window`, dates in the
source's timezone) are fetched; undated URLs are kept. A child sitemap whose own lastmod is
older than the window is not fetched at all. A child sitemap met twice (an index listing
itself, two indexes listing the same child) is read once; a URL met twice (a news sitemap
and a monthly archive listing the same page) is one record (see :mod:`.links`). What is
left out is counted by cause: outside_window, sitemap_outside_window, sitemap_repeated,
sitemap_too_deep, sitemap_over_budget.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import json
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from akhbar.sources.context import Context, window
from akhbar.sources.files import gunzip_capped, read_local
from akhbar.sources.links import (
    Container,
    Item,
    Target,
    container_error,
    fetch_items,
    load_container,
    raw_elements,
    resolve_link,
)
from akhbar.sources.records import Row
from akhbar.sources.safety import Refused

MAX_DEPTH = 3  # index -> index -> index -> urlset
MAX_SITEMAPS = 500  # child sitemaps fetched per source and night

# One <url> or <sitemap> of a sitemap: loc, lastmod, news_* texts and "raw", its bytes.
SitemapEntry = dict[str, Any]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def date_span(text: str | None, tz: _dt.tzinfo) -> tuple[_dt.date, _dt.date] | None:
    """The dates (first, last) a W3C datetime covers, in ``tz``; None when unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            return _dt.date(year, month, 1), _dt.date(year, month, calendar.monthrange(year, month)[1])
        value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if value.tzinfo is not None:
            value = value.astimezone(tz)
    except (ValueError, OverflowError):
        return None
    return value.date(), value.date()


def _raw(node: ET.Element) -> bytes | None:
    try:
        raw: bytes = ET.tostring(node, encoding="utf-8")  # typeshed: Any for an encoding other than "unicode"
        return raw
    except (RecursionError, ValueError):
        return None


def parse_sitemap(body: bytes) -> tuple[str, list[SitemapEntry]]:
    """("urlset" | "sitemapindex", entries). Raises Refused for unsafe or malformed XML."""
    if body[:2] == b"\x1f\x8b":
        raise Refused("bad_encoding", "gzip data where XML was expected")
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise Refused("unsafe_xml", f"entity declaration or external reference refused: {exc}") from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown declared encoding
        raise Refused("malformed_xml", f"{type(exc).__name__}: {str(exc)[:300]}") from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise Refused("malformed_xml", f"root element <{kind[:50]}> is neither <urlset> nor <sitemapindex>")
    child_name = "url" if kind == "urlset" else "sitemap"
    entries = [_entry(node) for node in root if _local(node.tag) == child_name]
    for entry, raw in zip(entries, raw_elements(body, child_name, len(entries))):
        entry["raw"] = (
            raw
            or entry["raw"]
            or json.dumps({k: v for k, v in entry.items() if k != "raw"}, ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            )
        )
    return kind, [e for e in entries if e.get("loc")]


def _entry(node: ET.Element) -> SitemapEntry:
    entry: SitemapEntry = {"raw": _raw(node)}
    for field in node:
        name = _local(field.tag)
        if name in ("loc", "lastmod"):
            entry[name] = (field.text or "").strip()
        elif name == "news":
            for news in field.iter():
                news_name = _local(news.tag)
                if news_name in ("publication_date", "title", "keywords", "genres"):
                    entry[f"news_{news_name}"] = (news.text or "").strip()
                elif news_name == "name":
                    entry["news_publication"] = (news.text or "").strip()
    return entry


@dataclass
class _Walk:
    """One source's walk through its sitemap tree."""

    ctx: Context
    tz: _dt.tzinfo
    lo: _dt.date
    hi: _dt.date
    budget: int = MAX_SITEMAPS

    def in_window(self, value: str | None) -> bool:
        span = date_span(value, self.tz)
        return span is None or (span[0] <= self.hi and span[1] >= self.lo)  # undated: kept

    def older_than_window(self, value: str | None) -> bool:
        span = date_span(value, self.tz)
        return span is not None and span[1] < self.lo

    def visit(self, container: Container, depth: int) -> Iterator[Row]:
        try:
            body = container.body
            if body[:2] == b"\x1f\x8b":
                body = gunzip_capped(body, self.ctx.settings.max_bytes)
            kind, entries = parse_sitemap(body)
        except Refused as refused:
            yield container_error(self.ctx, container, refused.code, refused.detail)
            return
        except Exception as exc:
            yield container_error(
                self.ctx, container, "malformed_xml", f"{type(exc).__name__}: {str(exc)[:300]}"
            )
            return
        if kind == "sitemapindex":
            yield from self.children(container, entries, depth)
        else:
            yield from fetch_items(self.ctx, container, self.items(entries))

    def items(self, entries: list[SitemapEntry]) -> Iterator[Item]:
        for entry in entries:
            dated = entry.get("news_publication_date") or entry.get("lastmod")
            if not self.in_window(dated):
                self.ctx.counts.skipped["outside_window"] += 1
                continue
            meta = {
                "title": entry.get("news_title"),
                "published": dated,
                "category": entry.get("news_keywords") or entry.get("news_genres"),
            }
            yield Item(link=entry["loc"], meta=meta, raw=entry.get("raw"))

    def children(self, parent: Container, entries: list[SitemapEntry], depth: int) -> Iterator[Row]:
        skipped = self.ctx.counts.skipped
        for entry in entries:
            if self.older_than_window(entry.get("lastmod")):
                skipped["sitemap_outside_window"] += 1
                continue
            try:
                target = resolve_link(parent, entry["loc"])
            except Refused as refused:
                yield self.ctx.factory.error(
                    f"{parent.locator}#{entry['loc'][:300]}",
                    refused.code,
                    refused.detail,
                    url=entry["loc"],
                    body=entry.get("raw"),
                )
                continue
            if target.location in self.ctx.seen_containers:
                skipped["sitemap_repeated"] += 1
                continue
            if depth + 1 > MAX_DEPTH:
                skipped["sitemap_too_deep"] += 1
                continue
            if self.budget <= 0:
                skipped["sitemap_over_budget"] += 1
                continue
            self.budget -= 1
            self.ctx.seen_containers.add(target.location)
            child = yield from _load_child(self.ctx, parent, target, entry)
            if child is not None:
                yield from self.visit(child, depth + 1)


def fetch_sitemap(ctx: Context) -> Iterator[Row]:
    container = yield from load_container(ctx)
    if container is None:
        return
    ctx.seen_containers.add(ctx.source.url or container.locator)
    if container.response is not None and container.response.final_url:
        ctx.seen_containers.add(container.response.final_url)
    lo, hi = window(ctx)
    walk = _Walk(ctx, zoneinfo.ZoneInfo(ctx.source.timezone or "UTC"), lo, hi)
    yield from walk.visit(container, 0)


def _load_child(
    ctx: Context, parent: Container, target: Target, entry: SitemapEntry
) -> Generator[Row, None, Container | None]:
    if target.where == "http":
        child = yield from load_container(ctx, locator_url=target.location, fallback_body=entry.get("raw"))
        return child
    assert parent.base_dir is not None  # resolve_link gives file targets only below one
    path = parent.base_dir.resolve() / target.location
    name, limit = target.location, ctx.settings.max_bytes
    try:
        data, too_big = read_local(path, limit)
    except OSError as exc:  # the entry named a file that is not there: the entry is what is kept
        yield ctx.factory.error(
            name, "not_found", f"{name}: {exc.strerror or exc}", url=entry["loc"], body=entry.get("raw")
        )
        return None
    if too_big:
        yield ctx.factory.error(
            name, "too_large", f"{name} is larger than max_bytes={limit}", body=data, url=entry["loc"]
        )
        return None
    return Container(data, name, base_dir=parent.base_dir)
