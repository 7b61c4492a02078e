"""WARC 1.0/1.1 files, gzipped or not, local or over HTTP, read as a stream.

HTML ``response`` records become raw records (body = HTTP payload with transfer and
content encodings undone, headers = the HTTP headers as JSON). Other records (warcinfo,
request, metadata, revisit, resource, non-HTML responses) are counted and skipped.
Damage is reported, not raised: a record whose Content-Length runs past the data or is
not followed by the record separator, and a file ending inside a gzip member, give
"truncated_warc" errors; unreadable target URIs give "bad_target_uri".
"""

from __future__ import annotations

import datetime as _dt
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from akhbar.sources.base import Context, display_name, files_for_night, missing_files, http_error_row
from akhbar.sources.records import headers_json

WARC_PATTERNS = ("*.warc", "*.warc.gz", "*.warc.wet", "*.arc", "*.arc.gz")
SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body")


class _Iterator(ArchiveIterator):
    """ArchiveIterator that remembers whether the stream ended inside a gzip member."""

    ended_in_gzip_member = False

    def close(self):
        reader = self.reader
        if reader is not None and reader.decompressor is not None and not getattr(reader.decompressor, "eof", True):
            self.ended_in_gzip_member = True
        super().close()


def _target(record) -> str | None:
    value = record.rec_headers.get_header("WARC-Target-URI")
    if value is None:
        return None
    return value.strip().strip("<>").strip()


def _check_target(uri: str | None) -> str | None:
    """The reason a target URI is unusable, or None."""
    if not uri:
        return "no WARC-Target-URI"
    try:
        parts = urlsplit(uri)
        parts.port
    except ValueError as exc:
        return f"cannot parse {uri[:200]!r}: {exc}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {uri[:200]!r}"
    if any(ch in uri for ch in " \t\r\n\x00"):
        return f"whitespace or control character in {uri[:200]!r}"
    return None


def _warc_date(record) -> _dt.datetime | None:
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.astimezone(_dt.timezone.utc)


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
    pairs = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            pairs.append((name.strip(), value.strip()))
    return (lines[0] if lines else ""), pairs, payload


def iter_warc(ctx: Context, stream: BinaryIO, name: str) -> Iterator[dict]:
    """Rows of one WARC stream; ``name`` prefixes the locators (name#offset)."""
    skipped = ctx.counts.skipped
    it = _Iterator(stream)
    limit = ctx.max_bytes
    offset = 0
    try:
        for record in it:
            rec_type = record.rec_type
            if rec_type != "response":
                skipped[f"warc_{rec_type}"] += 1
                continue
            errors_before = it.err_count
            http = record.http_headers
            content_type = http.get_header("Content-Type") if http is not None else None
            error: tuple[str, str] | None = None
            try:
                body = record.content_stream().read(limit + 1)
            except (zlib.error, ValueError, OSError, EOFError) as exc:
                body, error = None, ("bad_encoding", f"cannot decode the HTTP payload: {exc}")
            if http is None and body is not None and body.startswith((b"HTTP/1.", b"HTTP/2")):
                # warcio leaves the HTTP head unparsed when the target URI is not http(s).
                status_line, http_pairs, body = _split_http(body)
                content_type = next((v for k, v in http_pairs if k.lower() == "content-type"), None)
            else:
                status_line, http_pairs = None, None
            if body is not None and not _is_html(content_type, body):
                it.get_record_offset()
                skipped["warc_non_html"] += 1
                continue
            if body is not None and len(body) > limit:
                body = body[:limit]
                error = ("too_large", f"payload larger than max_bytes={limit}")
            offset = it.get_record_offset()  # reads the rest of the record
            left = getattr(record.raw_stream, "limit", 0) or 0
            if left > 0:
                error = ("truncated_warc", f"{name}: record at offset {offset} ends {left} bytes short of its Content-Length")
            elif it.err_count > errors_before:
                error = ("truncated_warc", f"{name}: record at offset {offset} is not followed by the record separator (Content-Length wrong or data cut)")
            uri = _target(record)
            bad_uri = _check_target(uri)
            if bad_uri and error is None:
                error = ("bad_target_uri", bad_uri)
            status = None
            code_text = http.get_statuscode() if http is not None else (status_line or "").split(" ")[1:2]
            if isinstance(code_text, list):
                code_text = code_text[0] if code_text else ""
            try:
                status = int((code_text or "").strip())
            except ValueError:
                status = None
            pairs = http.headers if http is not None else http_pairs
            fields = dict(
                url=uri,
                http_status=status,
                headers=headers_json(pairs) if pairs is not None else None,
                content_type=content_type,
                fetched_at=_warc_date(record),
            )
            locator = f"{name}#{offset}"
            if error:
                yield ctx.factory.error(locator, error[0], error[1], body=body, **fields)
            else:
                yield ctx.factory.make(locator, body=body, **fields)
    except ArchiveLoadFailed as exc:
        detail = " ".join(str(exc).split())[:300]
        code = "truncated_warc" if "gzip" in detail.lower() else "bad_warc"
        yield ctx.factory.error(f"{name}#error", code, f"{name}: {detail}")
        return
    except (EOFError, zlib.error, OSError) as exc:
        yield ctx.factory.error(f"{name}#error", "truncated_warc", f"{name}: stream broken after offset {offset}: {exc}")
        return
    if it.ended_in_gzip_member:
        yield ctx.factory.error(f"{name}#end", "truncated_warc", f"{name}: file ends inside a gzip member (cut during download or write?)")


def fetch_warc(ctx: Context) -> Iterator[dict]:
    source = ctx.source
    urls = list(source.urls) or ([source.url] if source.url else [])
    for url in urls:
        with ctx.http().open_stream(url) as (response, reader):
            if reader is None:
                yield http_error_row(ctx, url, response)
                continue
            yield from iter_warc(ctx, reader, url)
    if source.path is not None:
        files = files_for_night(ctx, Path(source.path), WARC_PATTERNS)
        if (yield from missing_files(ctx, files, Path(source.path), "WARC file")):
            return
        for path in files:
            name = display_name(path, Path(source.path))
            try:
                fh = open(path, "rb")
            except OSError as exc:
                yield ctx.factory.error(name, "not_found", f"{name}: {exc.strerror or exc}")
                continue
            with fh:
                yield from iter_warc(ctx, fh, name)
