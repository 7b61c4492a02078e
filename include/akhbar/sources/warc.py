"""WARC 1.0/1.1 files, gzipped or not, local or over HTTP, read as a stream.

HTML ``response`` records become raw records (body = HTTP payload with transfer and
content encodings undone, headers = the HTTP headers as JSON). Other records (warcinfo,
request, metadata, revisit, resource, non-HTML responses) are counted and skipped.

Records are framed by :mod:`.warc_framing` (every gzip member is inflated in turn, so a
file gzipped as one stream is read whole) and each record's content is then read by
warcio. Damage is one error record with its bytes, and reading goes on at the next
record: a Content-Length that runs past the data or into the next record
("truncated_warc", "bad_warc"), a file ending inside a gzip member ("truncated_warc", at
``#end``), unreadable target URIs ("bad_target_uri"). ARC files are read by warcio alone.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders

from akhbar.sources.context import Context
from akhbar.sources.files import GZIP_MAGIC, DecompressedStream, local_files
from akhbar.sources.links import http_error_row
from akhbar.sources.records import FileLedger, Row, headers_json
from akhbar.sources.warc_framing import Frame, WarcFramer

WARC_PATTERNS = ("*.warc", "*.warc.gz", "*.warc.wet", "*.warc.wet.gz", "*.arc", "*.arc.gz")
SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body")
NO_CAP = 1 << 62  # WARC files are large by nature: records are bounded one by one instead
_LOADER = ArcWarcRecordLoader()  # reads one framed record's headers and content (stateless)


def _target(record: ArcWarcRecord) -> str | None:
    value: str | None = record.rec_headers.get_header("WARC-Target-URI")
    if value is None:
        return None
    return value.strip().strip("<>").strip()


def _check_target(uri: str | None) -> str | None:
    """The reason a target URI is unusable, or None."""
    if not uri:
        return "no WARC-Target-URI"
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError as exc:
        return f"cannot parse {uri[:200]!r}: {exc}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {uri[:200]!r}"
    if any(ch in uri for ch in " \t\r\n\x00"):
        return f"whitespace or control character in {uri[:200]!r}"
    return None


def _warc_date(record: ArcWarcRecord) -> _dt.datetime | None:
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.UTC)
    try:
        return parsed.astimezone(_dt.UTC)
    except OverflowError:
        return None


def _is_html(content_type: str | None, head: bytes) -> bool:
    if content_type:
        media = content_type.split(";", 1)[0].strip().lower()
        return media in ("text/html", "application/xhtml+xml")
    sniff = head[:1024].lstrip().lower()
    return any(sniff.startswith(tag) for tag in SNIFF)


def _split_http(data: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, header pairs, payload) of a raw HTTP response head + body."""
    head, sep, payload = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, payload = data.partition(b"\n\n")
    lines = head.decode("iso-8859-1").splitlines()
    pairs: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            pairs.append((name.strip(), value.strip()))
    return (lines[0] if lines else ""), pairs, payload


def _status(http: StatusAndHeaders | None, status_line: str | None) -> int | None:
    code = http.get_statuscode() if http is not None else ((status_line or "").split(" ")[1:2] or [""])[0]
    try:
        return int((code or "").strip())
    except ValueError:
        return None


class _Locator:
    """Locators of one stream: ``name#offset``; in a gzip file the offset of the record's
    gzip member (``name#member+inner`` for a record that does not start its member)."""

    def __init__(self, name: str, inflated: DecompressedStream | None):
        self.name = name
        self.inflated = inflated

    def __call__(self, offset: int) -> str:
        if self.inflated is None:
            return f"{self.name}#{offset}"
        member, inner = self.inflated.member_at(offset)
        return f"{self.name}#{member}" if inner == 0 else f"{self.name}#{member}+{inner}"


def _response_row(ctx: Context, frame: Frame, locator: str) -> Row | None:
    """The raw record of one framed response; None for a response that is not HTML (counted)."""
    limit = ctx.settings.max_bytes
    record = _LOADER.parse_record_stream(io.BufferedReader(io.BytesIO(frame.data)), known_format="warc")
    http = record.http_headers
    content_type = http.get_header("Content-Type") if http is not None else None
    error: tuple[str, str] | None = None
    try:
        body = record.content_stream().read(limit + 1)
    except Exception as exc:
        # The record's own bytes go to the quarantine: the payload could not be decoded.
        return ctx.factory.error(
            locator,
            "bad_encoding",
            f"cannot decode the HTTP payload: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
            body=frame.data,
            url=_target(record),
        )
    status_line, http_pairs = None, None
    if http is None and body.startswith((b"HTTP/1.", b"HTTP/2")):
        # warcio leaves the HTTP head unparsed when the target URI is not http(s).
        status_line, http_pairs, body = _split_http(body)
        content_type = next((v for k, v in http_pairs if k.lower() == "content-type"), None)
    if not _is_html(content_type, body):
        ctx.counts.skipped["warc_non_html"] += 1
        return None
    if len(body) > limit or not frame.complete:
        body, error = body[:limit], ("too_large", f"payload larger than max_bytes={limit}")
    uri = _target(record)
    bad_uri = _check_target(uri)
    if bad_uri and error is None:
        error = ("bad_target_uri", bad_uri)
    pairs = http.headers if http is not None else http_pairs
    fields: dict[str, Any] = {
        "url": uri,
        "http_status": _status(http, status_line),
        "content_type": content_type,
        "headers": headers_json(pairs) if pairs is not None else None,
        "fetched_at": _warc_date(record),
    }
    if error:
        return ctx.factory.error(locator, error[0], error[1], body=body, **fields)
    return ctx.factory.make(locator, body=body, **fields)


def _frame_row(ctx: Context, frame: Frame, locator: str, name: str) -> Row | None:
    """The row of one frame: a record, an error record, or None (skipped, counted)."""
    if frame.kind == "damaged":
        return ctx.factory.error(locator, frame.code, f"{name}: {frame.detail}", body=frame.data)
    rec_type = (frame.fields or {}).get("warc-type", "").lower()
    if rec_type != "response":
        ctx.counts.skipped[f"warc_{rec_type or 'untyped'}"] += 1
        return None
    try:
        return _response_row(ctx, frame, locator)
    except Exception as exc:
        return ctx.factory.error(
            locator,
            "bad_warc",
            f"{name}: record at offset {frame.offset}: "
            f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
            body=frame.data,
        )


def _book(ledger: FileLedger, frame: Frame, row: Row | None) -> None:
    if frame.kind == "blank":
        ledger.separators += frame.size
    elif row is None:
        ledger.skipped += frame.size
    elif row.get("error"):
        ledger.quarantined += frame.size
    else:
        ledger.records += frame.size


def iter_warc(ctx: Context, stream: io.BufferedReader[Any], name: str) -> Iterator[Row]:
    """Rows of one WARC stream (a buffered reader, over any raw stream); ``name`` prefixes the locators."""
    inflated = DecompressedStream(stream, NO_CAP) if stream.peek(2)[:2] == GZIP_MAGIC else None
    reader = io.BufferedReader(inflated, buffer_size=256 * 1024) if inflated is not None else stream
    if reader.peek(16)[:16].lower().startswith(b"filedesc://"):
        yield from _iter_arc(ctx, reader, name)
        return
    ledger = ctx.counts.ledger(name)
    locate = _Locator(name, inflated)
    for frame in WarcFramer(reader, keep=ctx.settings.max_bytes).frames():
        ledger.size += frame.size
        row = None if frame.kind == "blank" else _frame_row(ctx, frame, locate(frame.offset), name)
        _book(ledger, frame, row)
        if row is not None:
            yield row
    if inflated is not None and inflated.problem is not None:
        code, detail = inflated.problem
        code = "truncated_warc" if code == "truncated_gzip" else code
        yield ctx.factory.error(
            f"{name}#end", code, f"{name}: {detail} (cut during download or write?)", body=inflated.tail
        )


def _iter_arc(ctx: Context, reader: BinaryIO, name: str) -> Iterator[Row]:
    """Legacy ARC files: warcio reads them; damage ends the file with one error record."""
    it = ArchiveIterator(reader, arc2warc=True)
    try:
        for record in it:
            if record.rec_type != "response":
                ctx.counts.skipped[f"warc_{record.rec_type}"] += 1
                continue
            data = record.content_stream().read(ctx.settings.max_bytes + 1)
            offset = it.get_record_offset()
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            if not _is_html(content_type, data):
                ctx.counts.skipped["warc_non_html"] += 1
                continue
            yield ctx.factory.make(
                f"{name}#{offset}",
                body=data[: ctx.settings.max_bytes],
                url=_target(record),
                content_type=content_type,
                fetched_at=_warc_date(record),
            )
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield ctx.factory.error(f"{name}#error", "bad_warc", f"{name}: {' '.join(str(exc).split())[:300]}")


def fetch_warc(ctx: Context) -> Iterator[Row]:
    source = ctx.source
    urls = list(source.urls) or ([source.url] if source.url else [])
    for url in urls:
        with ctx.http().open_stream(url) as (response, reader):
            if reader is None:
                yield http_error_row(ctx, url, response)
                continue
            try:
                yield from iter_warc(ctx, reader, url)
            except OSError as exc:  # the download broke (network, deadline): what was read is kept
                code = "timeout" if str(exc).startswith("timeout") else "truncated_warc"
                yield ctx.factory.error(f"{url}#error", code, f"{url}: {exc}")
    if source.path is not None:
        for entry in local_files(ctx, Path(source.path), WARC_PATTERNS, "WARC file"):
            if isinstance(entry, dict):
                yield entry
                continue
            try:
                with open(entry.path, "rb") as fh:
                    yield from iter_warc(ctx, fh, entry.name)
            except OSError as exc:
                yield ctx.factory.error(
                    f"{entry.name}#error", "read_error", f"{entry.name}: {exc.strerror or exc}"
                )
