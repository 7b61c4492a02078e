"""XML sitemaps, sitemap indexes (bounded recursion) and Google News sitemaps.

Only URLs dated inside the run window [dt - window_days, dt] are fetched (dates in the
source's timezone); undated URLs are kept. A child sitemap whose own lastmod is older
than the window is not fetched at all.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import zoneinfo
from typing import Iterator

import defusedxml
import defusedxml.ElementTree as SafeET

from akhbar.sources.base import (
    Container,
    Context,
    Item,
    fetch_items,
    gunzip_capped,
    load_container,
    resolve_link,
)
from akhbar.sources.records import headers_json
from akhbar.sources.safety import Refused

MAX_DEPTH = 3  # index -> index -> index -> urlset
MAX_SITEMAPS = 500  # child sitemaps fetched per source and night


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
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(tz)
    return value.date(), value.date()


def parse_sitemap(body: bytes) -> tuple[str, list[dict]]:
    """("urlset" | "sitemapindex", entries). Raises Refused for unsafe or malformed XML."""
    if body[:2] == b"\x1f\x8b":
        raise Refused("bad_encoding", "gzip data where XML was expected")
    try:
        root = SafeET.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise Refused("unsafe_xml", f"entity declaration or external reference refused: {exc}") from exc
    except SafeET.ParseError as exc:
        raise Refused("malformed_xml", str(exc)) from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise Refused("malformed_xml", f"root element <{kind}> is neither <urlset> nor <sitemapindex>")
    entries = []
    child_name = "url" if kind == "urlset" else "sitemap"
    for node in root:
        if _local(node.tag) != child_name:
            continue
        entry: dict = {}
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
        if entry.get("loc"):
            entries.append(entry)
    return kind, entries


def fetch_sitemap(ctx: Context) -> Iterator[dict]:
    container = yield from load_container(ctx)
    if container is None:
        return
    tz = zoneinfo.ZoneInfo(ctx.source.timezone or "UTC")
    window_days = int(ctx.settings.get("window_days", 2))
    lo, hi = ctx.dt - _dt.timedelta(days=window_days), ctx.dt
    budget = [MAX_SITEMAPS]
    yield from _walk(ctx, container, 0, lo, hi, tz, budget)


def _in_window(value: str | None, lo, hi, tz) -> bool:
    span = date_span(value, tz)
    if span is None:
        return True  # undated: kept
    return span[0] <= hi and span[1] >= lo


def _walk(ctx: Context, container: Container, depth: int, lo, hi, tz, budget) -> Iterator[dict]:
    body = container.body
    try:
        if body[:2] == b"\x1f\x8b":
            body = gunzip_capped(body, ctx.max_bytes)
        kind, entries = parse_sitemap(body)
    except Refused as refused:
        response = container.response
        yield ctx.factory.error(
            container.locator,
            refused.code,
            refused.detail,
            body=container.body,
            url=response.url if response else None,
            http_status=response.status if response else None,
            headers=headers_json(response.headers) if response else None,
            content_type=response.content_type if response else None,
        )
        return
    if kind == "sitemapindex":
        for entry in entries:
            if not _in_window(entry.get("lastmod"), lo, hi, tz) and date_span(entry.get("lastmod"), tz)[1] < lo:
                ctx.counts.skipped["sitemap_outside_window"] += 1
                continue
            if depth + 1 > MAX_DEPTH or budget[0] <= 0:
                ctx.counts.skipped["sitemap_too_deep_or_many"] += 1
                continue
            budget[0] -= 1
            child = yield from _load_child(ctx, container, entry["loc"])
            if child is not None:
                yield from _walk(ctx, child, depth + 1, lo, hi, tz, budget)
        return
    items = []
    for entry in entries:
        dated = entry.get("news_publication_date") or entry.get("lastmod")
        if not _in_window(dated, lo, hi, tz):
            ctx.counts.skipped["outside_window"] += 1
            continue
        items.append(
            Item(
                link=entry["loc"],
                meta={
                    "title": entry.get("news_title"),
                    "published": dated,
                    "category": entry.get("news_keywords") or entry.get("news_genres"),
                },
            )
        )
    yield from fetch_items(ctx, container, items)


def _load_child(ctx: Context, parent: Container, link: str) -> Iterator[dict]:
    try:
        where, target = resolve_link(parent, link)
    except Refused as refused:
        yield ctx.factory.error(f"{parent.locator}#{link[:300]}", refused.code, refused.detail, url=link)
        return None
    if where == "http":
        child = yield from load_container(ctx, locator_url=target)
        return child
    from akhbar.sources.base import read_local

    path = parent.base_dir.resolve() / target  # type: ignore[union-attr]
    try:
        data, too_big = read_local(path, ctx.max_bytes)
    except OSError as exc:
        yield ctx.factory.error(target, "not_found", f"{target}: {exc.strerror or exc}", url=link)
        return None
    if too_big:
        yield ctx.factory.error(target, "too_large", f"{target} is larger than max_bytes", body=data, url=link)
        return None
    return Container(data, target, base_dir=parent.base_dir)
