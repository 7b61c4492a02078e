"""Bulk dumps: JSON Lines and CSV (optionally gzipped) and Parquet, read as streams.

``source.mapping`` names the columns (keys id, url, title, text, html, published, author,
category, summary, lang); a key left out means a column of the same name, if any.
body = the row's HTML (content_type text/html) when the mapping has ``html`` and the row
has one, else its text (text/plain), UTF-8.

One bad line or row is one error record with its bytes (malformed JSON, a lone surrogate
escape, nesting too deep, bytes that are not UTF-8, a line longer than max_bytes); the
reader goes on at the next line or row. A gzip file is read up to ``max_decompressed_bytes``
once inflated and a dump up to ``max_lines`` lines (rows); past either, or at a cut or
corrupt gzip tail, one error record says what was not read. A ``url`` that is not http(s)
(``javascript:``, ``data:``...) is not stored: the record keeps ``url`` null and says why in
its ``headers`` (``url_dropped``), counted in the fetch figures.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.config import Source
from akhbar.sources.context import Context
from akhbar.sources.files import BoundedLines, LocalFile, gzip_problem, local_files, open_input
from akhbar.sources.records import FileLedger, Row
from akhbar.sources.safety import ALLOWED_SCHEMES, Refused

KEYS = ("id", "url", "title", "text", "html", "published", "author", "category", "summary", "lang")
PATTERNS = {
    "jsonl": ("*.jsonl", "*.jsonl.gz", "*.ndjson", "*.ndjson.gz", "*.json", "*.json.gz"),
    "csv": ("*.csv", "*.csv.gz", "*.tsv", "*.tsv.gz"),
    "parquet": ("*.parquet",),
}
PARQUET_BATCH = 500
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abAB]|\\u[dD][c-fC-F]")

# One row of a dump as read (JSON object, CSV row, Parquet row): column -> value.
DumpRow = dict[str, Any]
# Reads one file of a dump source: its records.
FileReader = Callable[[Context, dict[str, str], LocalFile], Iterator[Row]]


def mapping_of(source: Source) -> dict[str, str]:
    mapping = {key: key for key in KEYS}
    mapping.update(source.mapping or {})
    return mapping


def _value(row: DumpRow, column: str | None) -> Any:
    if not column:
        return None
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):  # NaN from CSV/pandas-made files
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value if v is not None) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _article_url(ctx: Context, value: str | None) -> tuple[str | None, str | None]:
    """(url to store, why it was dropped): only http(s) URLs, or scheme-less ones, are kept."""
    if value is None:
        return None, None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError as exc:
        why = f"unparseable URL: {exc}"
    else:
        if not scheme or scheme in ALLOWED_SCHEMES:
            return value, None
        why = f"scheme {scheme[:20]!r} is not http(s)"
    ctx.counts.notes["url_dropped"] += 1
    return None, why


def row_record(
    ctx: Context, mapping: dict[str, str], row: DumpRow, locator: str, raw: bytes | None = None
) -> Row:
    """One RAW_RECORD row from one dump row."""
    # As text here: a value with no text in it (an empty list) is no html or text, not a crash.
    html = _as_text(_value(row, mapping.get("html")))
    text = _as_text(_value(row, mapping.get("text")))
    dump_id = _as_text(_value(row, mapping.get("id")))
    url, url_dropped = _article_url(ctx, _as_text(_value(row, mapping.get("url"))))
    container = {k: v for k, v in (("id", dump_id), ("url_dropped", url_dropped)) if v is not None}
    fields: dict[str, Any] = {
        "url": url,
        "meta_title": _as_text(_value(row, mapping.get("title"))),
        "meta_summary": _as_text(_value(row, mapping.get("summary"))),
        "meta_published": _as_text(_value(row, mapping.get("published"))),
        "meta_author": _as_text(_value(row, mapping.get("author"))),
        "meta_category": _as_text(_value(row, mapping.get("category"))),
        "headers": json.dumps(container, ensure_ascii=False) if container else None,
    }
    lang = _as_text(_value(row, mapping.get("lang")))
    if html is not None:
        body, content_type = html.encode("utf-8", "surrogatepass"), "text/html"
    elif text is not None:
        body, content_type = text.encode("utf-8", "surrogatepass"), "text/plain"
    else:
        if raw is None:
            raw = json.dumps(row, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
        wanted = mapping.get("text")
        return ctx.factory.error(
            locator,
            "missing_text",
            f"row has no text (column {wanted!r}) nor html",
            body=raw,
            lang_hint=lang,
            **fields,
        )
    return ctx.factory.make(locator, body=body, content_type=content_type, lang_hint=lang, **fields)


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _parse_line(line: bytes) -> tuple[DumpRow | None, tuple[str, str] | None]:
    """(object, None) or (None, (code, detail)) for one JSON line."""
    try:
        row = json.loads(line.strip().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, ("bad_encoding", f"line is not UTF-8: {exc.reason} at byte {exc.start}")
    except json.JSONDecodeError as exc:
        return None, ("malformed_json", str(exc))
    except RecursionError:
        return None, ("malformed_json", "nested too deeply")
    if not isinstance(row, dict):
        return None, ("malformed_json", f"a {type(row).__name__}, not an object")
    if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(row):
        return None, ("invalid_unicode", "a \\ud800-\\udfff escape without its pair (not a character)")
    return row, None


def _line_record(ctx: Context, mapping: dict[str, str], line: bytes, locator: str) -> Row:
    row, problem = _parse_line(line)
    if problem is not None:
        return ctx.factory.error(locator, problem[0], problem[1], body=line)
    assert row is not None  # _parse_line gives an object or a problem
    try:
        return row_record(ctx, mapping, row, locator, raw=line)
    except (RecursionError, ValueError, TypeError) as exc:
        return ctx.factory.error(locator, "bad_row", f"{type(exc).__name__}: {str(exc)[:300]}", body=line)


def _stop_record(
    ctx: Context, file: LocalFile, unit: str, lineno: int, code: str, detail: str, body: bytes | None
) -> Row:
    return ctx.factory.error(
        f"{file.name}:{lineno}",
        code,
        f"{file.name}: {detail}; the rest of the {unit}s was not read",
        body=body,
    )


def _tail_record(ctx: Context, file: LocalFile, reader: BinaryIO, lineno: int) -> Iterator[Row]:
    problem = gzip_problem(reader)
    if problem is not None:
        code, detail, tail = problem
        yield ctx.factory.error(f"{file.name}:{lineno + 1}", code, f"{file.name}: {detail}", body=tail)


def _jsonl_file(ctx: Context, mapping: dict[str, str], file: LocalFile) -> Iterator[Row]:
    settings, ledger = ctx.settings, ctx.counts.ledger(file.name)
    lineno = 0
    with open_input(file.path, settings.max_decompressed_bytes) as reader:
        try:
            for line, too_long, size, count in BoundedLines(reader, settings.max_bytes):
                lineno += count
                ledger.size += size
                locator = f"{file.name}:{lineno - count + 1}"
                if lineno > settings.max_lines:
                    ledger.quarantined += size
                    yield _stop_record(
                        ctx,
                        file,
                        "line",
                        min(lineno, settings.max_lines + 1),
                        "too_large",
                        f"more than max_lines={settings.max_lines} lines",
                        line,
                    )
                    return
                if too_long:
                    ledger.quarantined += size
                    yield ctx.factory.error(
                        locator, "too_large", f"line longer than max_bytes={settings.max_bytes}", body=line
                    )
                    continue
                if not line.strip():
                    ledger.separators += size
                    continue
                row = _line_record(ctx, mapping, line, locator)
                _book(ledger, row, size)
                yield row
        except Refused as refused:
            yield _stop_record(ctx, file, "line", lineno + 1, refused.code, refused.detail, None)
            return
        yield from _tail_record(ctx, file, reader, lineno)


def _book(ledger: FileLedger, row: Row, size: int) -> None:
    if row.get("error"):
        ledger.quarantined += size
    else:
        ledger.records += size


def fetch_jsonl(ctx: Context) -> Iterator[Row]:
    yield from _each_file(ctx, _jsonl_file)


def _each_file(ctx: Context, read: FileReader) -> Iterator[Row]:
    mapping = mapping_of(ctx.source)
    path = ctx.source.path
    assert path is not None  # fetch_source refuses a dump source without one
    for entry in local_files(ctx, path, PATTERNS[ctx.source.kind], f"{ctx.source.kind} file"):
        if isinstance(entry, dict):
            yield entry
            continue
        try:
            yield from read(ctx, mapping, entry)
        except OSError as exc:
            yield ctx.factory.error(
                f"{entry.name}:error", "read_error", f"{entry.name}: {exc.strerror or exc}"
            )


# --------------------------------------------------------------------------- CSV


class _Lines:
    """The text lines given to the CSV parser, remembered until the row they make is taken."""

    def __init__(self, text: io.TextIOWrapper):
        self.text = text
        self.pending: list[str] = []
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.text:
            self.pending.append(line)
            self.count += 1
            yield line

    def take(self) -> bytes:
        """The exact bytes of the lines read since the last call (surrogateescape undoes the decoding)."""
        raw = "".join(self.pending).encode("utf-8", "surrogateescape")
        self.pending.clear()
        return raw


def _csv_row(
    ctx: Context, mapping: dict[str, str], header: list[str], values: list[str], raw: bytes, locator: str
) -> Row:
    if any("\udc80" <= ch <= "\udcff" for value in values for ch in value):
        return ctx.factory.error(locator, "bad_encoding", "row holds bytes that are not UTF-8", body=raw)
    row: dict[str, Any] = dict(zip(header, values))
    if len(values) > len(header):  # more fields than the header
        row["__extra__"] = values[len(header) :]
    try:
        return row_record(ctx, mapping, row, locator, raw=raw)
    except (RecursionError, ValueError, TypeError) as exc:
        return ctx.factory.error(locator, "bad_row", f"{type(exc).__name__}: {str(exc)[:300]}", body=raw)


def _csv_rows(
    ctx: Context, mapping: dict[str, str], file: LocalFile, lines: _Lines, ledger: FileLedger
) -> Iterator[Row]:
    delimiter = "\t" if ".tsv" in file.path.name else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    while True:
        start = lines.count + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raw = lines.take()
            ledger.size += len(raw)
            ledger.quarantined += len(raw)
            yield ctx.factory.error(f"{file.name}:{start}", "malformed_csv", str(exc), body=raw)
            continue
        raw = lines.take()
        ledger.size += len(raw)
        if header is None:
            ledger.separators += len(raw)  # the header row is read, not a record
            header = [h.lstrip("\ufeff") for h in values]
            needed = [mapping[k] for k in ("text", "html") if k in (ctx.source.mapping or {})]
            if needed and not any(c in header for c in needed):
                ledger.separators -= len(raw)
                yield _unusable_file(
                    ctx,
                    file,
                    lines,
                    ledger,
                    raw,
                    "missing_column",
                    f"{file.name} has no column {needed} (header {header[:20]})",
                )
                return
            continue
        if lines.count > ctx.settings.max_lines:
            ledger.quarantined += len(raw)
            yield _stop_record(
                ctx,
                file,
                "row",
                start,
                "too_large",
                f"more than max_lines={ctx.settings.max_lines} lines",
                raw,
            )
            return
        if not values:
            ledger.separators += len(raw)
            continue
        row = _csv_row(ctx, mapping, header, values, raw, f"{file.name}:{start}")
        _book(ledger, row, len(raw))
        yield row


def _unusable_file(
    ctx: Context, file: LocalFile, lines: _Lines, ledger: FileLedger, head: bytes, code: str, detail: str
) -> Row:
    """The whole file as one error record (its first max_bytes; every byte counted)."""
    kept = bytearray(head)
    size = len(head)
    for _ in lines:
        raw = lines.take()
        size += len(raw)
        kept += raw[: max(0, ctx.settings.max_bytes - len(kept))]
    ledger.size += size - len(head)
    ledger.quarantined += size
    return ctx.factory.error(f"{file.name}:1", code, detail, body=bytes(kept))


def _csv_file(ctx: Context, mapping: dict[str, str], file: LocalFile) -> Iterator[Row]:
    ledger = ctx.counts.ledger(file.name)
    with open_input(file.path, ctx.settings.max_decompressed_bytes) as reader:
        lines = _Lines(io.TextIOWrapper(reader, encoding="utf-8", errors="surrogateescape", newline=""))
        try:
            yield from _csv_rows(ctx, mapping, file, lines, ledger)
        except Refused as refused:
            yield _stop_record(ctx, file, "row", lines.count + 1, refused.code, refused.detail, None)
            return
        yield from _tail_record(ctx, file, reader, lines.count)


def fetch_csv(ctx: Context) -> Iterator[Row]:
    csv.field_size_limit(max(ctx.settings.max_bytes, 131072))
    yield from _each_file(ctx, _csv_file)


# --------------------------------------------------------------------------- Parquet


def _parquet_file(ctx: Context, mapping: dict[str, str], file: LocalFile) -> Iterator[Row]:
    name = file.name
    try:
        parquet = pq.ParquetFile(file.path)
    except (pa.ArrowInvalid, OSError) as exc:
        yield ctx.factory.error(name, "malformed_parquet", f"{name}: {exc}")
        return
    names = set(parquet.schema_arrow.names)
    needed = [mapping[k] for k in ("text", "html") if k in (ctx.source.mapping or {})]
    if needed and not any(c in names for c in needed):
        yield ctx.factory.error(name, "missing_column", f"{name} has no column {needed}")
        return
    columns = sorted({c for c in mapping.values() if c in names})
    index = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, columns=columns):
            for row in batch.to_pylist():
                try:
                    yield row_record(ctx, mapping, row, f"{name}#{index}")
                except (RecursionError, ValueError, TypeError) as exc:
                    yield ctx.factory.error(
                        f"{name}#{index}", "bad_row", f"{type(exc).__name__}: {str(exc)[:300]}"
                    )
                index += 1
    except (pa.ArrowInvalid, OSError) as exc:
        yield ctx.factory.error(f"{name}#{index}", "malformed_parquet", f"{name}: {exc}")


def fetch_parquet(ctx: Context) -> Iterator[Row]:
    yield from _each_file(ctx, _parquet_file)
