"""TREC-style files (``<DOC>…</DOC>`` with DOCNO, URL, SRC, CAT, TITLE, TIME, AUTHOR,
ABSTRACT, TEXT; no root element), in directories or tarballs; and plain-text dumps
(kind ``text``: one article a file, line 1 the title, like news-credibility).

Tarballs are read as a stream (``r|*``), members never written to disk. Member names
that are absolute or climb out with '..' give "path_traversal" error records; links and
devices are skipped.
"""

from __future__ import annotations

import json
import re
import tarfile
import zlib
from pathlib import Path
from typing import Callable, Iterator

from akhbar.sources.base import Context, display_name, files_for_night, missing_files
from akhbar.sources.safety import Refused, safe_member_name

DOC_RE = re.compile(rb"<DOC>(.*?)</DOC>", re.S | re.I)
TAGS = ("DOCNO", "URL", "SRC", "CAT", "TITLE", "TIME", "AUTHOR", "ABSTRACT", "TEXT")
_TAG_RE = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>".encode(), re.S | re.I) for tag in TAGS}
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
# news-credibility names: "<YYYY-MM-DD HH:MM:SS>#<uuid>.txt"
TEXT_NAME_RE = re.compile(r"(\d{4}-\d{2}-\d{2}[ T_]\d{2}[:\-]\d{2}[:\-]\d{2})#([^/]+)\.txt$")

# Documentation shipped beside the data (README examples contain <DOC>s too).
DOC_FILE_RE = re.compile(r"^(readme|license|licence|copying|notice|changelog)([._-].*)?$|\.(md|rst)$", re.I)

FileHandler = Callable[[Context, str, bytes], Iterator[dict]]


def _tag_re(tag: str) -> re.Pattern:
    pattern = _TAG_RE.get(tag)
    if pattern is None:  # a tag named in a source's mapping
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,63}", tag):
            raise ValueError(f"not a TREC tag name: {tag!r}")
        pattern = _TAG_RE[tag] = re.compile(rf"<{tag}>(.*?)</{tag}>".encode(), re.S | re.I)
    return pattern


def _field(doc: bytes, tag: str) -> str | None:
    match = _tag_re(tag).search(doc)
    if match is None:
        return None
    value = match.group(1).decode("utf-8", "replace").strip()
    return value or None


# Registry mapping keys -> the TREC tag read by default.
_DEFAULT_TAGS = {"id": "DOCNO", "url": "URL", "title": "TITLE", "published": "TIME", "author": "AUTHOR",
                 "category": "CAT", "summary": "ABSTRACT", "text": "TEXT"}
_FIELD_OF = {tag: field for field, tag in _DEFAULT_TAGS.items()}


def trec_file_records(ctx: Context, name: str, data: bytes) -> Iterator[dict]:
    """Rows of one TREC file (one or more DOCs). Files without <DOC> are counted, skipped."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ctx.factory.error(f"{name}#0", "bad_encoding", f"{name} is not UTF-8: {exc}", body=data)
        return
    docs = DOC_RE.findall(data)
    if not docs:
        if re.search(rb"<DOC>", data, re.I):
            yield ctx.factory.error(f"{name}#0", "malformed_trec", f"{name}: <DOC> without </DOC>", body=data)
        else:
            ctx.counts.skipped["not_trec"] += 1
        return
    # The registry's `mapping` names other tags (e.g. title: HEADLINE, published: DATE);
    # unmapped fields keep the ANT corpus's tag names.
    tag_of = {field: (ctx.source.mapping or {}).get(field, default) for field, default in _DEFAULT_TAGS.items()}
    for index, doc in enumerate(docs):
        locator = f"{name}#{index}"
        values = {tag: _field(doc, tag_of.get(_FIELD_OF.get(tag, ""), tag)) for tag in TAGS}
        container = {k: values[k] for k in ("DOCNO", "SRC") if values[k] is not None}
        fields = dict(
            url=values["URL"],
            content_type="text/plain",
            headers=json.dumps(container, ensure_ascii=False) if container else None,
            meta_title=values["TITLE"],
            meta_published=values["TIME"],
            meta_author=values["AUTHOR"],
            meta_category=values["CAT"],
            meta_summary=values["ABSTRACT"],
        )
        if not values["TEXT"]:
            yield ctx.factory.error(locator, "missing_text", f"{name}: DOC {index} has no TEXT", body=doc, **fields)
            continue
        yield ctx.factory.make(locator, body=values["TEXT"].encode("utf-8"), **fields)


def text_file_records(ctx: Context, name: str, data: bytes) -> Iterator[dict]:
    """One row per plain-text file: line 1 the title, the rest the text."""
    if not name.endswith(".txt"):
        ctx.counts.skipped["not_txt"] += 1
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ctx.factory.error(name, "bad_encoding", f"{name} is not UTF-8: {exc}", body=data)
        return
    title, _, rest = text.strip("\n").partition("\n")
    parts = name.split("/")
    match = TEXT_NAME_RE.search(name)
    fields = dict(
        content_type="text/plain",
        meta_title=title.strip() or None,
        meta_published=match.group(1) if match else None,
        headers=json.dumps({"path": name}, ensure_ascii=False),
        meta_category=parts[-2] if len(parts) >= 2 else None,
    )
    if not rest.strip():
        yield ctx.factory.error(name, "missing_text", f"{name}: nothing after the title line", body=data, **fields)
        return
    yield ctx.factory.make(name, body=rest.strip("\n").encode("utf-8"), **fields)


def _walk_tar(ctx: Context, path: Path, name: str, handle: FileHandler) -> Iterator[dict]:
    limit = ctx.max_bytes
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                inner = f"{name}/{member.name}"
                try:
                    safe_member_name(member.name)
                except Refused as refused:
                    body = None
                    if member.isfile():
                        fh = tar.extractfile(member)
                        body = fh.read(limit) if fh is not None else None
                    yield ctx.factory.error(inner, refused.code, f"{name}: {refused.detail}", body=body)
                    continue
                if member.isdir():
                    continue
                if not member.isfile():
                    ctx.counts.skipped["tar_link_or_device"] += 1
                    continue
                if DOC_FILE_RE.search(member.name.rsplit("/", 1)[-1]):
                    ctx.counts.skipped["documentation"] += 1
                    continue
                fh = tar.extractfile(member)
                if fh is None:
                    continue
                if member.size > limit:
                    yield ctx.factory.error(
                        inner, "too_large", f"member of {member.size} bytes > max_bytes={limit}", body=fh.read(limit)
                    )
                    continue
                yield from handle(ctx, inner, fh.read())
    except (tarfile.ReadError, EOFError, zlib.error, OSError) as exc:
        yield ctx.factory.error(f"{name}#error", "truncated_archive", f"{name}: {exc}")


def _walk(ctx: Context, handle: FileHandler) -> Iterator[dict]:
    root = Path(ctx.source.path)
    files = files_for_night(ctx, root)
    if (yield from missing_files(ctx, files, root, "TREC file")):
        return
    for path in files:
        name = display_name(path, root)
        if path.name.endswith(TAR_SUFFIXES):
            yield from _walk_tar(ctx, path, name, handle)
            continue
        if DOC_FILE_RE.search(path.name) and len(files) > 1:
            ctx.counts.skipped["documentation"] += 1
            continue
        if path.is_symlink():
            ctx.counts.skipped["symlink"] += 1
            continue
        try:
            size = path.stat().st_size
            with open(path, "rb") as fh:
                data = fh.read(ctx.max_bytes + 1)
        except OSError as exc:
            yield ctx.factory.error(name, "not_found", f"{name}: {exc.strerror or exc}")
            continue
        if size > ctx.max_bytes:
            yield ctx.factory.error(name, "too_large", f"{name} is larger than max_bytes", body=data[: ctx.max_bytes])
            continue
        yield from handle(ctx, name, data)


def fetch_trec(ctx: Context) -> Iterator[dict]:
    yield from _walk(ctx, trec_file_records)


def fetch_text(ctx: Context) -> Iterator[dict]:
    yield from _walk(ctx, text_file_records)
