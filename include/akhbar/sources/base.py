"""What the fetchers share: the run context, local files, containers and page fetching."""

from __future__ import annotations

import datetime as _dt
import glob
import gzip
import io
import mimetypes
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from akhbar.hashing import sha256_hex
from akhbar.sources.http import HttpClient, Response
from akhbar.sources.records import FetchCounts, RecordFactory, headers_json, utcnow
from akhbar.sources.safety import ALLOWED_SCHEMES, Refused, check_url, safe_local_path
from akhbar.sources.state import FetchState

META_KEYS = ("title", "summary", "published", "author", "category")


@dataclass
class Context:
    """One run of one source."""

    source: Any
    dt: Any
    state: FetchState
    counts: FetchCounts
    factory: RecordFactory
    client: HttpClient | None = None
    owns_client: bool = False

    @property
    def settings(self) -> dict:
        return self.source.settings

    @property
    def max_bytes(self) -> int:
        return int(self.settings.get("max_bytes", 20 * 1024 * 1024))

    @property
    def max_items(self) -> int:
        return int(self.settings.get("max_items", 5000))

    def http(self) -> HttpClient:
        if self.client is None:
            self.client = HttpClient(self.settings)
            self.owns_client = True
        return self.client

    def close(self) -> None:
        if self.owns_client and self.client is not None:
            self.client.close()
        if self.client is not None:
            self.counts.http_requests += self.client.requests


@dataclass
class Item:
    """A link announced by a container (feed item, sitemap URL, URL list line)."""

    link: str
    meta: dict = field(default_factory=dict)


@dataclass
class Container:
    """A fetched feed / sitemap / URL list."""

    body: bytes
    locator: str
    base_url: str | None = None  # for relative links of an HTTP container
    base_dir: Path | None = None  # for relative links of a local container (a mirrored site)
    response: Response | None = None
    state_key: str | None = None


_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.")  # a whole-night export, not a timestamped file


def window(ctx: "Context") -> tuple[_dt.date, _dt.date]:
    """The nights a run takes items from: [dt - window_days, dt].

    With window_days 0 every item belongs to exactly one night (the one it was published
    on), so nights can be fetched or backfilled in any order with the same result.
    """
    days = int(ctx.settings.get("window_days", 0))
    return ctx.dt - _dt.timedelta(days=days), ctx.dt


def in_window(ctx: "Context", day: _dt.date | None) -> bool:
    if day is None:  # undated items are kept: better fetched twice than never
        return True
    lo, hi = window(ctx)
    return lo <= day <= hi


def night_of_file(path: Path) -> _dt.date | None:
    """A file named YYYY-MM-DD.* (a nightly export) holds that night's records."""
    match = _DATED_NAME.match(path.name)
    if not match:
        return None
    try:
        return _dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def files_for_night(ctx: "Context", path: Path, patterns: tuple[str, ...] = ("*",)) -> list[Path]:
    """The source's files, less the dated ones outside the run window (counted as skipped)."""
    kept = []
    for file in expand_paths(path, patterns):
        if in_window(ctx, night_of_file(file)):
            kept.append(file)
        else:
            ctx.counts.skipped["file_outside_window"] += 1
    return kept


def missing_files(ctx: "Context", files: list[Path], root: Path, what: str) -> Iterator[dict]:
    """The error record for a source with no file at all (generator: yields it, returns True
    when there is nothing to read). Dated exports with none for this night are not an error:
    nothing was published that night."""
    if not files and ctx.counts.skipped.get("file_outside_window"):
        return True
    if not files or not files[0].exists():
        yield ctx.factory.error(root.name, "not_found", f"no {what} at {root.name}")
        return True
    return False


def item_day(ctx: "Context", published: str | None) -> _dt.date | None:
    """The local calendar day an item was published on, in the source's timezone."""
    if not published:
        return None
    from zoneinfo import ZoneInfo

    from akhbar.dates import parse_published

    when = parse_published(published, tz=ctx.source.timezone or "UTC", lang=ctx.source.lang)
    if when is None:
        return None
    return when.astimezone(ZoneInfo(ctx.source.timezone or "UTC")).date()


def page_day(ctx: "Context", row: dict) -> _dt.date | None:
    """The local publication day of a fetched page (metadata, then visible text, then URL)."""
    import json
    from zoneinfo import ZoneInfo

    from akhbar.extraction import UnknownEncodingError, extract_html

    try:
        headers = json.loads(row["headers"]) if row.get("headers") else None
        page = extract_html(row["body"], url=row.get("final_url") or row.get("url"), headers=headers,
                            tz=ctx.source.timezone, lang_hint=ctx.source.lang, reference=ctx.dt)
    except (UnknownEncodingError, ValueError):
        return None
    if page.published_at is None:
        return None
    return page.published_at.astimezone(ZoneInfo(ctx.source.timezone or "UTC")).date()


def expand_paths(path: Path, patterns: tuple[str, ...] = ("*",)) -> list[Path]:
    """A file, a directory (recursive, files matching ``patterns``) or a glob, sorted."""
    text = str(path)
    if any(ch in text for ch in "*?["):
        return sorted(Path(p) for p in glob.glob(text, recursive=True) if os.path.isfile(p))
    if path.is_dir():
        found = []
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if any(Path(name).match(p) for p in patterns):
                    found.append(Path(root) / name)
        return found
    return [path]


def display_name(path: Path, source_path: Path | None) -> str:
    """Name of a file in locators: relative to the source folder, never machine-specific."""
    if source_path is not None:
        base = source_path
        text = str(base)
        if any(ch in text for ch in "*?["):
            prefix = text[: min(text.find(c) for c in "*?[" if c in text)]
            base = Path(prefix) if prefix.endswith(os.sep) else Path(prefix).parent
        if base.is_file():
            base = base.parent
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def read_local(path: Path, limit: int) -> tuple[bytes, bool]:
    """Read at most ``limit`` bytes; also say whether the file was larger."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    return data[:limit], len(data) > limit


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress gzip data (all members) without ever holding more than ``limit`` bytes."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = d.decompress(rest, limit - len(out) + 1)
        out += chunk
        while d.unconsumed_tail and len(out) <= limit:
            out += d.decompress(d.unconsumed_tail, limit - len(out) + 1)
        if len(out) > limit:
            raise Refused("too_large", f"more than max_bytes={limit} after gzip decompression")
        if not d.eof:
            raise Refused("truncated_gzip", f"gzip data ended early ({len(data)} compressed bytes)")
        rest = d.unused_data.lstrip(b"\x00")
    return bytes(out)


def load_container(ctx: Context, *, locator_url: str | None = None) -> Iterator[dict]:
    """Fetch the source's container (``url`` or ``path``). Generator: yields error rows,
    returns a :class:`Container` or None (nothing to do: error, 304 or unchanged)."""
    source = ctx.source
    if source.url or locator_url:
        url = locator_url or source.url
        # The container (feed, sitemap) is always read whole: which of its items are new is
        # decided per item, so nights processed in any order each find their own items.
        response = ctx.http().get(url)
        if response.error:
            yield http_error_row(ctx, url, response)
            return None
        body = response.body or b""
        return Container(body, url, base_url=response.final_url or url, response=response, state_key=url)
    path: Path = source.path
    locator = path.name
    try:
        body, too_big = read_local(path, ctx.max_bytes)
    except OSError as exc:
        yield ctx.factory.error(locator, "not_found", f"cannot read {path.name}: {exc.strerror or exc}")
        return None
    if too_big:
        yield ctx.factory.error(locator, "too_large", f"{path.name} is larger than max_bytes={ctx.max_bytes}", body=body)
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


def http_error_row(ctx: Context, locator: str, response: Response, **meta) -> dict:
    code, _, detail = (response.error or "error: unknown").partition(": ")
    return ctx.factory.error(
        locator,
        code,
        detail,
        body=response.body,
        url=response.url,
        final_url=response.final_url,
        http_status=response.status,
        headers=headers_json(response.headers) if response.headers else None,
        content_type=response.content_type,
        fetched_at=response.fetched_at,
        **meta,
    )


def _meta_fields(meta: dict) -> dict:
    return {f"meta_{k}": meta.get(k) for k in META_KEYS if meta.get(k) not in (None, "")}


def resolve_link(container: Container, link: str) -> tuple[str, str]:
    """("http", absolute URL) or ("file", path relative to the mirror). Raises Refused."""
    link = (link or "").strip()
    if not link:
        raise Refused("missing_link", "item has no link")
    scheme = urlsplit(link).scheme.lower()
    if scheme:
        if scheme not in ALLOWED_SCHEMES:
            raise Refused("refused_scheme", f"scheme {scheme!r} of {link[:200]!r} is not http or https")
        return "http", check_url(link)
    if link.startswith("//"):
        base = container.base_url or "https:"
        return "http", check_url(urljoin(base, link))
    if container.base_url:
        return "http", check_url(urljoin(container.base_url, link))
    if container.base_dir is not None:
        target = safe_local_path(container.base_dir, link)
        return "file", target.relative_to(container.base_dir.resolve()).as_posix()
    raise Refused("bad_url", f"relative link {link!r} without a base")


def fetch_items(ctx: Context, container: Container, items: Iterable[Item]) -> Iterator[dict]:
    """Fetch the page of every item (HTTP concurrently, local files directly), in order.

    Sets ``ctx.counts.skipped`` for duplicates and items beyond max_items; returns via
    ``container`` nothing. Yields RAW_RECORD rows (errors included).
    """
    seen: set[str] = set()
    taken = 0
    http_items: list[tuple[str, Item]] = []

    def flush_http() -> Iterator[dict]:
        if not http_items:
            return
        requests = ((url, ctx.state.conditional_headers(url)) for url, _ in http_items)
        for (url, item), response in zip(http_items, ctx.http().get_many(requests)):
            yield from _page_row(ctx, url, item, response)
        http_items.clear()

    for item in items:
        try:
            where, target = resolve_link(container, item.link)
        except Refused as refused:
            yield from flush_http()
            yield ctx.factory.error(
                f"{container.locator}#{refused.code}:{item.link[:300]}",
                refused.code,
                refused.detail,
                url=item.link or None,
                **_meta_fields(item.meta),
            )
            continue
        if target in seen:
            ctx.counts.skipped["duplicate_link"] += 1
            continue
        seen.add(target)
        if taken >= ctx.max_items:
            ctx.counts.skipped["max_items"] += 1
            continue
        taken += 1
        if where == "http":
            http_items.append((target, item))
            if len(http_items) >= 64:
                yield from flush_http()
        else:
            yield from flush_http()
            yield from _local_page_row(ctx, container, target, item)
    yield from flush_http()


def _page_row(ctx: Context, url: str, item: Item, response: Response) -> Iterator[dict]:
    if response.not_modified:
        ctx.counts.not_modified += 1
        ctx.state.touch(url)
        return
    if response.error:
        yield http_error_row(ctx, url, response, **_meta_fields(item.meta))
        return
    body = response.body or b""
    digest = sha256_hex(body)
    if ctx.state.is_unchanged(url, digest):
        ctx.counts.unchanged += 1
        ctx.state.touch(url)
        return
    ctx.state.update(url, etag=response.header("etag"), last_modified=response.header("last-modified"), content_hash=digest)
    yield ctx.factory.make(
        url,
        body=body,
        url=url,
        final_url=response.final_url,
        http_status=response.status,
        headers=headers_json(response.headers),
        content_type=response.content_type,
        fetched_at=response.fetched_at,
        **_meta_fields(item.meta),
    )


def _local_page_row(ctx: Context, container: Container, relative: str, item: Item) -> Iterator[dict]:
    path = container.base_dir.resolve() / relative  # type: ignore[union-attr]
    fetched_at = utcnow()
    content_type = mimetypes.guess_type(path.name)[0]
    common = dict(url=item.link, content_type=content_type, fetched_at=fetched_at, **_meta_fields(item.meta))
    try:
        body, too_big = read_local(path, ctx.max_bytes)
    except OSError as exc:
        yield ctx.factory.error(relative, "not_found", f"{relative}: {exc.strerror or exc}", **common)
        return
    if too_big:
        yield ctx.factory.error(relative, "too_large", f"{relative} is larger than max_bytes={ctx.max_bytes}", body=body, **common)
        return
    key = f"file:{relative}"
    digest = sha256_hex(body)
    if ctx.state.is_unchanged(key, digest):
        ctx.counts.unchanged += 1
        ctx.state.touch(key)
        return
    ctx.state.update(key, etag=None, last_modified=None, content_hash=digest)
    yield ctx.factory.make(relative, body=body, **common)


class BoundedLines:
    """Iterate the lines of a binary stream, refusing (not buffering) lines over ``limit``."""

    def __init__(self, fh: io.BufferedIOBase, limit: int):
        self.fh = fh
        self.limit = limit

    def __iter__(self) -> Iterator[tuple[bytes, bool]]:
        while True:
            line = self.fh.readline(self.limit + 1)
            if not line:
                return
            if len(line) > self.limit and not line.endswith(b"\n"):
                head = line[: self.limit]
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = self.fh.readline(1 << 20)
                yield head, True
                continue
            yield line, False


def open_maybe_gzip(path: Path) -> io.BufferedIOBase:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")
