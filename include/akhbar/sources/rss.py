"""RSS 0.9x/1.0/2.0, Atom and JSON Feed: the feed's items, then each item's page.

XML is checked with defusedxml first (entity declarations and external references
refused: billion laughs, XXE) and only then given to feedparser, as a stream so it
never fetches anything itself.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterator

import feedparser

from akhbar.sources.base import (
    Container,
    Context,
    Item,
    fetch_items,
    in_window,
    item_day,
    load_container,
    page_day,
    remember_container,
)
from akhbar.sources.safety import Refused, check_xml


def _is_json(body: bytes) -> bool:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def _join(values) -> str | None:
    parts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return "; ".join(dict.fromkeys(parts)) or None


def json_feed_items(body: bytes) -> list[Item]:
    """Items of a JSON Feed (1.0 / 1.1). Raises Refused("malformed_json") when it is not one."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused("malformed_json", f"not a JSON Feed: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise Refused("malformed_json", "JSON document without an 'items' list")
    version = str(doc.get("version", ""))
    if version and "jsonfeed.org/version/" not in version:
        raise Refused("malformed_json", f"unknown JSON Feed version {version!r}")

    def authors(obj: dict) -> list:
        found = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
        return [a.get("name") for a in found if isinstance(a, dict)]

    feed_authors = authors(doc)
    items = []
    for entry in doc["items"]:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        if not link and isinstance(entry.get("id"), str) and entry["id"].startswith(("http://", "https://")):
            link = entry["id"]
        tags = entry.get("tags") if isinstance(entry.get("tags"), list) else []
        items.append(
            Item(
                link=link or "",
                meta={
                    "title": entry.get("title"),
                    "summary": entry.get("summary"),
                    "published": entry.get("date_published") or entry.get("date_modified"),
                    "author": _join(authors(entry) or feed_authors),
                    "category": _join(tags),
                },
            )
        )
    return items


def _entry_link(entry: Any) -> str:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        guid = entry.get("id") or ""
        if guid.startswith(("http://", "https://")):
            link = guid
    return link or ""


def xml_feed_items(body: bytes) -> tuple[list[Item], str | None]:
    """Items of an RSS/Atom feed, and a parse problem (or None). Raises Refused for unsafe XML."""
    problem = check_xml(body)
    # A stream, never bytes or str: feedparser treats a string that looks like a URL or a
    # file name as something to open. No response headers: a wrong HTTP charset must not
    # override the XML declaration.
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    items = []
    for entry in parsed.entries:
        authors = [a.get("name") for a in entry.get("authors") or [] if a.get("name")]
        items.append(
            Item(
                link=_entry_link(entry),
                meta={
                    "title": entry.get("title"),
                    "summary": entry.get("summary"),
                    "published": entry.get("published") or entry.get("updated") or entry.get("created"),
                    "author": entry.get("author") or _join(authors),
                    "category": _join(t.get("term") for t in entry.get("tags") or []),
                },
            )
        )
    if problem is None and parsed.get("bozo") and not items:
        problem = str(parsed.get("bozo_exception"))
    return items, (str(problem) if problem is not None else None)


def fetch_rss(ctx: Context) -> Iterator[dict]:
    container: Container | None = yield from load_container(ctx)
    if container is None:
        return
    try:
        if _is_json(container.body):
            items, problem = json_feed_items(container.body), None
        else:
            items, problem = xml_feed_items(container.body)
    except Refused as refused:
        yield _feed_error(ctx, container, refused.code, refused.detail)
        return
    if not items:
        if problem:
            yield _feed_error(ctx, container, "malformed_xml", problem)
        else:
            ctx.counts.skipped["empty_feed"] += 1
            remember_container(ctx, container)
        return
    errors_before = sum(ctx.counts.errors.values())
    if problem:
        # Read leniently: the items found are fetched, and the feed itself goes to the
        # quarantine so that what may have been lost can be seen.
        yield _feed_error(ctx, container, "malformed_xml", f"{problem} ({len(items)} items read leniently)")
    night_items = []
    for item in items:
        if in_window(ctx, item_day(ctx, item.meta.get("published"))):
            night_items.append(item)
        else:
            ctx.counts.skipped["outside_window"] += 1
    for row in fetch_items(ctx, container, night_items):
        if row.get("error") is None and not row.get("meta_published") and row.get("body"):
            # An item the feed does not date belongs to the night its page says it was published.
            day = page_day(ctx, row)
            if day is not None and not in_window(ctx, day):
                ctx.counts.records -= 1  # made, but not this night's
                ctx.counts.skipped["outside_window"] += 1
                locator = row["locator"]
                ctx.state.forget(locator if "://" in locator else f"file:{locator}")
                continue
        yield row
    if sum(ctx.counts.errors.values()) == errors_before:
        remember_container(ctx, container)  # only then may tomorrow's 304 skip these items


def _feed_error(ctx: Context, container: Container, code: str, detail: str) -> dict:
    from akhbar.sources.records import headers_json

    response = container.response
    return ctx.factory.error(
        container.locator,
        code,
        detail,
        body=container.body,
        url=response.url if response else None,
        final_url=response.final_url if response else None,
        http_status=response.status if response else None,
        headers=headers_json(response.headers) if response else None,
        content_type=response.content_type if response else None,
    )
