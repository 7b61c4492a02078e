"""TREC-style files (``<DOC>…</DOC>`` with DOCNO, URL, SRC, CAT, TITLE, TIME, AUTHOR,
ABSTRACT, TEXT; no root element), in directories or tarballs; and plain-text dumps
(kind ``text``: one article a file, line 1 the title, like news-credibility).

Documents are cut at each ``<DOC>``: one without its ``</DOC>`` ends where the next one
begins and is one error record with its bytes; the next document is read normally. Text
between documents that is not blank is an error record too, so every byte of a file ends
in a record or is counted.

Tarballs are read as a stream (``r|*``), members never written to disk. Member names
that are absolute or climb out with '..' give "path_traversal" error records; links and
devices are skipped (counted); the inflated size is capped by ``max_decompressed_bytes``.
"""

from __future__ import annotations

import json
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from akhbar.sources.context import Context
from akhbar.sources.files import LocalFile, local_files
from akhbar.sources.records import Row
from akhbar.sources.safety import ALLOWED_SCHEMES, Refused, safe_member_name

DOC_OPEN = re.compile(rb"<DOC>", re.IGNORECASE)
DOC_CLOSE = re.compile(rb"</DOC>", re.IGNORECASE)
TAGS = ("DOCNO", "URL", "SRC", "CAT", "TITLE", "TIME", "AUTHOR", "ABSTRACT", "TEXT")
_TAG_RE = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>".encode(), re.DOTALL | re.IGNORECASE) for tag in TAGS}
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
# news-credibility names: "<YYYY-MM-DD HH:MM:SS>#<uuid>.txt"
TEXT_NAME_RE = re.compile(r"(\d{4}-\d{2}-\d{2}[ T_]\d{2}[:\-]\d{2}[:\-]\d{2})#([^/]+)\.txt$")

# Documentation shipped beside the data (README examples contain <DOC>s too).
DOC_FILE_RE = re.compile(
    r"^(readme|license|licence|copying|notice|changelog)([._-].*)?$|\.(md|rst)$", re.IGNORECASE
)

FileHandler = Callable[[Context, str, bytes], Iterator[Row]]


class Span(NamedTuple):
    """A part of a TREC file: a document (``closed`` or not) or the text between documents."""

    start: int
    end: int
    kind: str  # "doc", "broken_doc" (no </DOC> before the next <DOC>), "between"


def split_trec(data: bytes) -> list[Span]:
    """Cut a TREC file into spans that cover it exactly, end to end."""
    opens = [m.start() for m in DOC_OPEN.finditer(data)]
    spans: list[Span] = []
    position = 0
    for index, start in enumerate(opens):
        if start > position:
            spans.append(Span(position, start, "between"))
        limit = opens[index + 1] if index + 1 < len(opens) else len(data)
        close = DOC_CLOSE.search(data, start, limit)
        if close is None:
            spans.append(Span(start, limit, "broken_doc"))
            position = limit
        else:
            spans.append(Span(start, close.end(), "doc"))
            position = close.end()
    if position < len(data):
        spans.append(Span(position, len(data), "between"))
    return spans


def _tag_re(tag: str) -> re.Pattern[bytes]:
    pattern = _TAG_RE.get(tag)
    if pattern is None:  # a tag named in a source's mapping
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,63}", tag):
            raise ValueError(f"not a TREC tag name: {tag!r}")
        pattern = _TAG_RE[tag] = re.compile(rf"<{tag}>(.*?)</{tag}>".encode(), re.DOTALL | re.IGNORECASE)
    return pattern


def _field(doc: bytes, tag: str) -> str | None:
    match = _tag_re(tag).search(doc)
    if match is None:
        return None
    value = match.group(1).decode("utf-8", "replace").strip()
    return value or None


# Registry mapping keys -> the TREC tag read by default.
_DEFAULT_TAGS = {
    "id": "DOCNO",
    "url": "URL",
    "title": "TITLE",
    "published": "TIME",
    "author": "AUTHOR",
    "category": "CAT",
    "summary": "ABSTRACT",
    "text": "TEXT",
}
_FIELD_OF = {tag: field for field, tag in _DEFAULT_TAGS.items()}


def _url(ctx: Context, value: str | None, container: dict[str, str | None]) -> str | None:
    """The document's URL, unless it is not http(s) (javascript:, data:...): then null, noted."""
    if value is None:
        return None
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if not scheme or scheme in ALLOWED_SCHEMES or not scheme.isalpha():
        return value
    container["url_dropped"] = f"scheme {scheme[:20]!r} is not http(s)"
    ctx.counts.notes["url_dropped"] += 1
    return None


def _document(ctx: Context, name: str, index: int, doc: bytes) -> Row:
    locator = f"{name}#{index}"
    try:
        doc.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ctx.factory.error(
            locator, "bad_encoding", f"{name}: DOC {index} is not UTF-8: {exc.reason}", body=doc
        )
    tag_of = {
        field: (ctx.source.mapping or {}).get(field, default) for field, default in _DEFAULT_TAGS.items()
    }
    values = {tag: _field(doc, tag_of.get(_FIELD_OF.get(tag, ""), tag)) for tag in TAGS}
    container = {k: values[k] for k in ("DOCNO", "SRC") if values[k] is not None}
    url = _url(ctx, values["URL"], container)
    fields: dict[str, Any] = {
        "url": url,
        "content_type": "text/plain",
        "headers": json.dumps(container, ensure_ascii=False) if container else None,
        "meta_title": values["TITLE"],
        "meta_published": values["TIME"],
        "meta_author": values["AUTHOR"],
        "meta_category": values["CAT"],
        "meta_summary": values["ABSTRACT"],
    }
    if not values["TEXT"]:
        return ctx.factory.error(
            locator, "missing_text", f"{name}: DOC {index} has no TEXT", body=doc, **fields
        )
    return ctx.factory.make(locator, body=values["TEXT"].encode("utf-8"), **fields)


def trec_file_records(ctx: Context, name: str, data: bytes) -> Iterator[Row]:
    """Rows of one TREC file (one or more DOCs). Files without <DOC> are counted, skipped."""
    ledger = ctx.counts.ledger(name)
    ledger.size += len(data)
    spans = split_trec(data)
    if not any(span.kind != "between" for span in spans):
        ctx.counts.skipped["not_trec"] += 1
        ledger.skipped += len(data)
        return
    index = 0
    for span in spans:
        piece = data[span.start : span.end]
        if span.kind == "between":
            if not piece.strip():
                ledger.separators += len(piece)
                continue
            row = ctx.factory.error(
                f"{name}@{span.start}",
                "malformed_trec",
                f"{name}: {len(piece)} bytes outside any <DOC> at byte {span.start}",
                body=piece,
            )
        elif span.kind == "broken_doc":
            row = ctx.factory.error(
                f"{name}#{index}",
                "malformed_trec",
                f"{name}: <DOC> at byte {span.start} without </DOC>",
                body=piece,
            )
            index += 1
        else:
            try:
                row = _document(ctx, name, index, piece)
            except (ValueError, RecursionError) as exc:  # a mapping tag refused, a pathological document
                row = ctx.factory.error(
                    f"{name}#{index}", "bad_document", f"{type(exc).__name__}: {exc}", body=piece
                )
            index += 1
        if row.get("error"):
            ledger.quarantined += len(piece)
        else:
            ledger.records += len(piece)
        yield row


def text_file_records(ctx: Context, name: str, data: bytes) -> Iterator[Row]:
    """One row per plain-text file: line 1 the title, the rest the text."""
    ledger = ctx.counts.ledger(name)
    ledger.size += len(data)
    if not name.endswith(".txt"):
        ctx.counts.skipped["not_txt"] += 1
        ledger.skipped += len(data)
        return
    ledger.quarantined += len(data)  # until it is known to be a record
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ctx.factory.error(name, "bad_encoding", f"{name} is not UTF-8: {exc}", body=data)
        return
    title, _, rest = text.strip("\n").partition("\n")
    parts = name.split("/")
    match = TEXT_NAME_RE.search(name)
    fields: dict[str, Any] = {
        "content_type": "text/plain",
        "meta_title": title.strip() or None,
        "meta_published": match.group(1) if match else None,
        "headers": json.dumps({"path": name}, ensure_ascii=False),
        "meta_category": parts[-2] if len(parts) >= 2 else None,
    }
    if not rest.strip():
        yield ctx.factory.error(
            name, "missing_text", f"{name}: nothing after the title line", body=data, **fields
        )
        return
    ledger.quarantined -= len(data)
    ledger.records += len(data)
    yield ctx.factory.make(name, body=rest.strip("\n").encode("utf-8"), **fields)


def _member(
    ctx: Context,
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    name: str,
    handle: FileHandler,
    inflated: list[int],
) -> Iterator[Row]:
    limit = ctx.settings.max_bytes
    inner = f"{name}/{member.name}"
    try:
        safe_member_name(member.name)
    except Refused as refused:
        fh = tar.extractfile(member) if member.isfile() else None
        yield ctx.factory.error(
            inner, refused.code, f"{name}: {refused.detail}", body=fh.read(limit) if fh else None
        )
        return
    if member.isdir():
        return
    if not member.isfile():
        ctx.counts.skipped["tar_link_or_device"] += 1
        return
    if DOC_FILE_RE.search(member.name.rsplit("/", 1)[-1]):
        ctx.counts.skipped["documentation"] += 1
        return
    inflated[0] += member.size
    if inflated[0] > ctx.settings.max_decompressed_bytes:
        raise Refused(
            "too_large",
            f"more than max_decompressed_bytes={ctx.settings.max_decompressed_bytes} "
            "in members; the rest of the archive was not read",
        )
    fh = tar.extractfile(member)
    if fh is None:
        return
    if member.size > limit:
        yield ctx.factory.error(
            inner, "too_large", f"member of {member.size} bytes > max_bytes={limit}", body=fh.read(limit)
        )
        return
    yield from handle(ctx, inner, fh.read())


def _walk_tar(ctx: Context, path: Path, name: str, handle: FileHandler) -> Iterator[Row]:
    inflated = [0]
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                yield from _member(ctx, tar, member, name, handle, inflated)
    except Refused as refused:
        yield ctx.factory.error(f"{name}#stop", refused.code, f"{name}: {refused.detail}")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        yield ctx.factory.error(f"{name}#error", "truncated_archive", f"{name}: {exc}")


def _plain_file(ctx: Context, file: LocalFile, handle: FileHandler, many: bool) -> Iterator[Row]:
    if DOC_FILE_RE.search(file.path.name) and many:
        ctx.counts.skipped["documentation"] += 1
        return
    limit = ctx.settings.max_bytes
    try:
        size = file.path.stat().st_size
        with open(file.path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        yield ctx.factory.error(file.name, "not_found", f"{file.name}: {exc.strerror or exc}")
        return
    if size > limit:
        yield ctx.factory.error(
            file.name, "too_large", f"{file.name} is larger than max_bytes", body=data[:limit]
        )
        return
    yield from handle(ctx, file.name, data)


def _walk(ctx: Context, handle: FileHandler, what: str) -> Iterator[Row]:
    path = ctx.source.path
    assert path is not None  # fetch_source refuses a trec or text source without one
    root = Path(path)
    entries = list(local_files(ctx, root, ("*",), what))
    many = sum(isinstance(e, LocalFile) for e in entries) > 1
    for entry in entries:
        if isinstance(entry, dict):
            yield entry
        elif entry.path.name.endswith(TAR_SUFFIXES):
            yield from _walk_tar(ctx, entry.path, entry.name, handle)
        else:
            yield from _plain_file(ctx, entry, handle, many)


def fetch_trec(ctx: Context) -> Iterator[Row]:
    yield from _walk(ctx, trec_file_records, "TREC file")


def fetch_text(ctx: Context) -> Iterator[Row]:
    yield from _walk(ctx, text_file_records, "text file")
