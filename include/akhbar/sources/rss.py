"""RSS 0.9x/1.0/2.0, Atom and JSON Feed: the feed's items, then each item's page.

XML is checked with defusedxml first (entity declarations and external references
refused: billion laughs, XXE) and only then given to feedparser, as a stream so it
never fetches anything itself. A feed that cannot be read is one error record with its
bytes; an item that cannot be read is one error record with its own, and the others go on.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from akhbar.sources.context import Context, in_window, item_day, local_day
from akhbar.sources.links import (
    Container,
    Item,
    container_error,
    fetch_items,
    load_container,
    raw_elements,
    remember_container,
)
from akhbar.sources.page_dates import find_page_date, mark_page_date
from akhbar.sources.records import Row
from akhbar.sources.safety import Refused, check_xml


def _is_json(body: bytes) -> bool:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def _join(values: Iterable[object]) -> str | None:
    parts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return "; ".join(dict.fromkeys(parts)) or None


def _authors(obj: dict[str, Any]) -> list[Any]:
    found = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return [a.get("name") for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def _json_item(entry: Any, feed_authors: list[Any]) -> Item:
    raw = json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
    if not isinstance(entry, dict):
        return Item(
            link="",
            raw=raw,
            problem=("bad_item", f"a JSON Feed item is a {type(entry).__name__}, not an object"),
        )
    link = entry.get("url") or entry.get("external_url")
    if not link and isinstance(entry.get("id"), str) and entry["id"].startswith(("http://", "https://")):
        link = entry["id"]
    problem = None
    if link and not isinstance(link, str):
        problem = ("bad_item", f"the item's url is a {type(link).__name__}, not a string")
    tags = entry["tags"] if isinstance(entry.get("tags"), list) else []
    meta = {
        "title": entry.get("title"),
        "summary": entry.get("summary"),
        "published": entry.get("date_published") or entry.get("date_modified"),
        "author": _join(_authors(entry) or feed_authors),
        "category": _join(tags),
    }
    return Item(link=link or "", meta=meta, raw=raw, problem=problem)


def json_feed_items(body: bytes) -> list[Item]:
    """Items of a JSON Feed (1.0 / 1.1). Raises Refused("malformed_json") when it is not one."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused("malformed_json", f"not a JSON Feed: {exc}") from exc
    except RecursionError:
        raise Refused("malformed_json", "not a JSON Feed: nested too deeply") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise Refused("malformed_json", "JSON document without an 'items' list")
    version = str(doc.get("version", ""))
    if version and "jsonfeed.org/version/" not in version:
        raise Refused("malformed_json", f"unknown JSON Feed version {version[:100]!r}")
    feed_authors = _authors(doc)
    return [_json_item(entry, feed_authors) for entry in doc["items"]]


def _entry_link(entry: Any) -> str:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        guid = entry.get("id") or ""
        if isinstance(guid, str) and guid.startswith(("http://", "https://")):
            link = guid
    return link or ""


def xml_feed_items(body: bytes) -> tuple[list[Item], str | None]:
    """Items of an RSS/Atom feed, and a parse problem (or None). Raises Refused for unsafe XML."""
    problem: Exception | str | None = check_xml(body)
    # A stream, never bytes or str: feedparser treats a string that looks like a URL or a
    # file name as something to open. No response headers: a wrong HTTP charset must not
    # override the XML declaration.
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    entries = parsed.entries
    tag = "entry" if b"<entry" in body or b":entry" in body else "item"
    items: list[Item] = []
    for entry, raw in zip(entries, raw_elements(body, tag, len(entries))):
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
                raw=raw,
            )
        )
    if problem is None and parsed.get("bozo") and not items:
        problem = str(parsed.get("bozo_exception"))
    return items, (str(problem) if problem is not None else None)


def _read_feed(container: Container) -> tuple[list[Item], str | None]:
    """(items, problem); raises Refused when nothing can be read safely."""
    if _is_json(container.body):
        return json_feed_items(container.body), None
    try:
        return xml_feed_items(container.body)
    except Refused:
        raise
    except Exception as exc:
        raise Refused("malformed_xml", f"{type(exc).__name__}: {str(exc)[:300]}") from exc


def _night_items(ctx: Context, items: list[Item]) -> list[Item]:
    """The items dated inside the run window, and the undated ones (their pages decide)."""
    kept: list[Item] = []
    for item in items:
        published = item.meta.get("published")
        try:
            day = item_day(ctx, published)
        except Exception:
            day = None
        if in_window(ctx, day):
            kept.append(item)
        else:
            ctx.counts.skipped["outside_window"] += 1
    return kept


def _dated_by_its_page(ctx: Context, row: Row) -> Row | None:
    """An undated item's row, dated by its page (carried in meta_published), or None when
    the page says another night (the row is withdrawn and counted as outside the window)."""
    zone = ZoneInfo(ctx.source.timezone or "UTC")
    try:
        date = find_page_date(row, tz=ctx.source.timezone, lang=ctx.source.lang, night=ctx.dt)
    except Exception:
        date = None
    if date is None:
        return row
    if not in_window(ctx, local_day(ctx, date.published_at)):
        ctx.factory.withdraw(row)
        ctx.counts.skipped["outside_window"] += 1
        locator = row["locator"]
        ctx.state.forget(locator if "://" in locator else f"file:{locator}")
        return None
    row["meta_published"] = mark_page_date(date, zone)
    return row


def fetch_rss(ctx: Context) -> Iterator[Row]:
    container: Container | None = yield from load_container(ctx)
    if container is None:
        return
    try:
        items, problem = _read_feed(container)
    except Refused as refused:
        yield container_error(ctx, container, refused.code, refused.detail)
        return
    if not items:
        if problem:
            yield container_error(ctx, container, "malformed_xml", problem)
        else:
            ctx.counts.skipped["empty_feed"] += 1
            remember_container(ctx, container)
        return
    errors_before = sum(ctx.counts.errors.values())
    if problem:
        # Read leniently: the items found are fetched, and the feed itself goes to the
        # quarantine so that what may have been lost can be seen.
        yield container_error(
            ctx, container, "malformed_xml", f"{problem} ({len(items)} items read leniently)"
        )
    for row in fetch_items(ctx, container, _night_items(ctx, items)):
        if row.get("error") is None and not row.get("meta_published") and row.get("body"):
            dated = _dated_by_its_page(ctx, row)
            if dated is None:
                continue
            row = dated
        yield row
    if sum(ctx.counts.errors.values()) == errors_before:
        remember_container(ctx, container)  # only then may tomorrow's 304 skip these items
