"""Containers (feeds, sitemaps, URL lists) and the pages their items link to.

Every item of a container ends as exactly one of: a raw record (the page), an error record
(a bad link, a refused address, an HTTP error: with the item's bytes), or a count by cause
in the fetch figures (``duplicate_link``: the same URL already taken this run, from this
container or another one of the source; ``max_items``; ``outside_window``). A duplicate link
leaves no record of its own: it names the same page as the record already made, whose
bytes it would repeat, so the night's accounting (raw records -> articles, duplicates,
quarantine) stays exact and the count says how many there were.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from akhbar.hashing import sha256_hex
from akhbar.sources.bodies import Response
from akhbar.sources.context import Context
from akhbar.sources.files import read_local
from akhbar.sources.records import Row, headers_json, utcnow
from akhbar.sources.safety import ALLOWED_SCHEMES, Refused, check_url, safe_local_path

META_KEYS = ("title", "summary", "published", "author", "category")
HTTP_BATCH = 64  # item pages fetched concurrently before their rows are yielded, in order


@dataclass
class Item:
    """A link announced by a container (feed item, sitemap URL, URL list line).

    ``raw`` is the item as it appeared (its bytes, for the quarantine); ``problem`` a
    (code, detail) found while reading the item itself (a JSON Feed ``url`` that is a list).
    """

    link: Any
    meta: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None
    problem: tuple[str, str] | None = None


@dataclass
class Container:
    """A fetched feed / sitemap / URL list."""

    body: bytes
    locator: str
    base_url: str | None = None  # for relative links of an HTTP container
    base_dir: Path | None = None  # for relative links of a local container (a mirrored site)
    response: Response | None = None
    state_key: str | None = None


@dataclass(frozen=True)
class Target:
    where: str  # "http" or "file"
    location: str  # absolute URL, or path relative to the mirror


def raw_elements(body: bytes, tag: str, expected: int) -> list[bytes | None]:
    """The bytes of each ``<tag>…</tag>`` element of a container as written (any namespace
    prefix), for the quarantine of a bad item. Parsers do not give them back; when the count
    differs from the ``expected`` number of items, None each (the caller says what it read)."""
    pattern = re.compile(
        rb"<(?:[\w.-]+:)?" + tag.encode() + rb"\b[^>]*(?<!/)>.*?</(?:[\w.-]+:)?" + tag.encode() + rb"\s*>",
        re.DOTALL | re.IGNORECASE,
    )
    found: list[bytes | None] = [m.group(0) for m in pattern.finditer(body)]
    return found if len(found) == expected else [None] * expected


def load_container(
    ctx: Context, *, locator_url: str | None = None, fallback_body: bytes | None = None
) -> Generator[Row, None, Container | None]:
    """Fetch the source's container (``url`` or ``path``). Generator: yields error rows,
    returns a :class:`Container` or None (nothing to do). ``fallback_body``: the bytes of the
    entry that named the container, kept when nothing was received."""
    source = ctx.source
    url = locator_url or source.url
    if url:
        # The container (feed, sitemap) is always read whole: which of its items are new is
        # decided per item, so nights processed in any order each find their own items.
        response = ctx.http().get(url)
        if response.error:
            yield http_error_row(ctx, url, response, fallback_body=fallback_body)
            return None
        return Container(
            response.body or b"", url, base_url=response.final_url or url, response=response, state_key=url
        )
    path = source.path
    assert path is not None  # fetch_source refuses a source without url, urls or path
    locator = path.name
    try:
        body, too_big = read_local(path, ctx.settings.max_bytes)
    except OSError as exc:
        yield ctx.factory.error(locator, "not_found", f"cannot read {path.name}: {exc.strerror or exc}")
        return None
    if too_big:
        yield ctx.factory.error(
            locator, "too_large", f"{path.name} is larger than max_bytes={ctx.settings.max_bytes}", body=body
        )
        return None
    return Container(body, locator, base_dir=path.parent, state_key=f"file:{locator}")


def remember_container(ctx: Context, container: Container) -> None:
    """Store the container's validators (called only when all its items went well)."""
    if container.state_key is None:
        return
    response = container.response
    ctx.state.update(
        container.state_key,
        etag=response.header("etag") if response else None,
        last_modified=response.header("last-modified") if response else None,
        content_hash=sha256_hex(container.body),
    )


def container_error(ctx: Context, container: Container, code: str, detail: str) -> Row:
    """The container itself as an error record, with its bytes and HTTP context."""
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


def http_error_row(
    ctx: Context, locator: str, response: Response, *, fallback_body: bytes | None = None, **meta: Any
) -> Row:
    """The error record of a failed GET: what the server sent, or (nothing received) ``fallback_body``."""
    code, _, detail = (response.error or "error: unknown").partition(": ")
    return ctx.factory.error(
        locator,
        code,
        detail,
        body=response.body if response.body is not None else fallback_body,
        url=response.url,
        final_url=response.final_url,
        http_status=response.status,
        headers=headers_json(response.headers) if response.headers else None,
        content_type=response.content_type,
        fetched_at=response.fetched_at,
        **meta,
    )


def meta_fields(meta: dict[str, Any]) -> dict[str, Any]:
    return {f"meta_{k}": meta.get(k) for k in META_KEYS if meta.get(k) not in (None, "")}


def resolve_link(container: Container, link: Any) -> Target:
    """Where an item's link points: an absolute http(s) URL or a file of the mirror. Raises Refused."""
    if not isinstance(link, str):
        raise Refused("bad_item", f"the link is a {type(link).__name__}, not text")
    link = link.strip()
    if not link:
        raise Refused("missing_link", "item has no link")
    try:
        scheme = urlsplit(link).scheme.lower()
        if scheme:
            if scheme not in ALLOWED_SCHEMES:
                raise Refused(
                    "refused_scheme", f"scheme {scheme[:20]!r} of {link[:200]!r} is not http or https"
                )
            return Target("http", check_url(link))
        if link.startswith("//"):
            return Target("http", check_url(urljoin(container.base_url or "https:", link)))
        if container.base_url:
            return Target("http", check_url(urljoin(container.base_url, link)))
    except ValueError as exc:  # urlsplit/urljoin on "http://[::1" and the like
        raise Refused("bad_url", f"cannot parse {link[:200]!r}: {exc}") from exc
    if container.base_dir is not None:
        target = safe_local_path(container.base_dir, link)
        return Target("file", target.relative_to(container.base_dir.resolve()).as_posix())
    raise Refused("bad_url", f"relative link {link[:200]!r} without a base")


def _link_text(link: Any) -> str:
    return link if isinstance(link, str) else json.dumps(link, ensure_ascii=False, default=str)


def _item_locator(container: Container, code: str, link: str) -> str:
    shown = link[:200] if len(link) <= 200 else f"{link[:200]}…{sha256_hex(link)[:12]}"
    return f"{container.locator}#{code}:{shown}"


def _item_bytes(item: Item) -> bytes:
    if item.raw is not None:
        return item.raw
    announced = {"link": _link_text(item.link), **{k: v for k, v in item.meta.items() if v is not None}}
    return json.dumps(announced, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")


def _bad_item(ctx: Context, container: Container, item: Item, code: str, detail: str) -> Row:
    link = _link_text(item.link)
    return ctx.factory.error(
        _item_locator(container, code, link),
        code,
        detail,
        body=_item_bytes(item),
        url=link if isinstance(item.link, str) and link else None,
        **meta_fields(item.meta),
    )


def _take(ctx: Context, container: Container, item: Item) -> Target | Row | None:
    """Where to fetch an item, an error row for a bad one, or None (skipped, counted by cause)."""
    key = _link_text(item.link).strip()
    if key and key in ctx.seen_links:  # items without a link are each their own (error) record
        ctx.counts.skipped["duplicate_link"] += 1
        return None
    if key:
        ctx.seen_links.add(key)
    if item.problem is not None:
        return _bad_item(ctx, container, item, *item.problem)
    try:
        target = resolve_link(container, item.link)
    except Refused as refused:
        return _bad_item(ctx, container, item, refused.code, refused.detail)
    if target.location != key and target.location in ctx.seen_links:
        ctx.counts.skipped["duplicate_link"] += 1
        return None
    ctx.seen_links.add(target.location)
    if ctx.items_taken >= ctx.settings.max_items:
        ctx.counts.skipped["max_items"] += 1
        return None
    ctx.items_taken += 1
    return target


def fetch_items(ctx: Context, container: Container, items: Iterable[Item]) -> Iterator[Row]:
    """Fetch the page of every item (HTTP concurrently, local files directly), in order.

    One bad item is one error record: the rest of the container proceeds.
    """
    http_items: list[tuple[str, Item]] = []

    def flush_http() -> Iterator[Row]:
        if not http_items:
            return
        requests = ((url, ctx.state.conditional_headers(url)) for url, _ in http_items)
        for (url, item), response in zip(http_items, ctx.http().get_many(requests)):
            yield from _page_row(ctx, url, item, response)
        http_items.clear()

    for item in items:
        try:
            taken = _take(ctx, container, item)
        except Exception as exc:
            taken = _bad_item(ctx, container, item, "bad_item", f"{type(exc).__name__}: {str(exc)[:300]}")
        if taken is None:
            continue
        if isinstance(taken, dict):
            yield from flush_http()
            yield taken
        elif taken.where == "http":
            http_items.append((taken.location, item))
            if len(http_items) >= HTTP_BATCH:
                yield from flush_http()
        else:
            yield from flush_http()
            yield from _local_page_row(ctx, container, taken.location, item)
    yield from flush_http()


def _page_row(ctx: Context, url: str, item: Item, response: Response) -> Iterator[Row]:
    if response.not_modified:
        ctx.counts.not_modified += 1
        ctx.state.touch(url)
        return
    if response.error:  # nothing received (DNS, refused address...): the item is what is kept
        yield http_error_row(ctx, url, response, fallback_body=_item_bytes(item), **meta_fields(item.meta))
        return
    body = response.body or b""
    digest = sha256_hex(body)
    if ctx.state.is_unchanged(url, digest):
        ctx.counts.unchanged += 1
        ctx.state.touch(url)
        return
    ctx.state.update(
        url, etag=response.header("etag"), last_modified=response.header("last-modified"), content_hash=digest
    )
    yield ctx.factory.make(
        url,
        body=body,
        url=url,
        final_url=response.final_url,
        http_status=response.status,
        headers=headers_json(response.headers),
        content_type=response.content_type,
        fetched_at=response.fetched_at,
        **meta_fields(item.meta),
    )


def _local_page_row(ctx: Context, container: Container, relative: str, item: Item) -> Iterator[Row]:
    assert container.base_dir is not None  # resolve_link gives file targets only below one
    path = container.base_dir.resolve() / relative
    common: dict[str, Any] = dict(
        url=_link_text(item.link),
        content_type=mimetypes.guess_type(path.name)[0],
        fetched_at=utcnow(),
        **meta_fields(item.meta),
    )
    limit = ctx.settings.max_bytes
    try:
        body, too_big = read_local(path, limit)
    except OSError as exc:  # the item named a file that is not there: the item is what is kept
        yield ctx.factory.error(
            relative, "not_found", f"{relative}: {exc.strerror or exc}", body=_item_bytes(item), **common
        )
        return
    if too_big:
        yield ctx.factory.error(
            relative, "too_large", f"{relative} is larger than max_bytes={limit}", body=body, **common
        )
        return
    key = f"file:{relative}"
    digest = sha256_hex(body)
    if ctx.state.is_unchanged(key, digest):
        ctx.counts.unchanged += 1
        ctx.state.touch(key)
        return
    ctx.state.update(key, etag=None, last_modified=None, content_hash=digest)
    yield ctx.factory.make(relative, body=body, **common)
