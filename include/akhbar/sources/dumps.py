"""Bulk dumps: JSON Lines (optionally gzipped), CSV and Parquet, read as streams.

``source.mapping`` names the columns (keys id, url, title, text, html, published, author,
category, summary, lang); a key left out means a column of the same name, if any.
body = the row's HTML (content_type text/html) when the mapping has ``html`` and the row
has one, else its text (text/plain), UTF-8. A row without either, a malformed JSON line,
a line longer than max_bytes or a broken gzip tail each give an error record.
"""

from __future__ import annotations

import csv
import datetime as _dt
import gzip
import io
import json
import zlib
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.sources.base import BoundedLines, Context, display_name, files_for_night, missing_files, open_maybe_gzip

KEYS = ("id", "url", "title", "text", "html", "published", "author", "category", "summary", "lang")
PATTERNS = {
    "jsonl": ("*.jsonl", "*.jsonl.gz", "*.ndjson", "*.ndjson.gz", "*.json", "*.json.gz"),
    "csv": ("*.csv", "*.csv.gz", "*.tsv"),
    "parquet": ("*.parquet",),
}
PARQUET_BATCH = 500


def mapping_of(source) -> dict[str, str]:
    mapping = {key: key for key in KEYS}
    mapping.update(source.mapping or {})
    return mapping


def _value(row: dict, column: str | None) -> Any:
    if not column:
        return None
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from CSV/pandas-made files
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
    if isinstance(value, (dict,)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def row_record(ctx: Context, mapping: dict, row: dict, locator: str, raw: bytes | None = None) -> dict:
    """One RAW_RECORD row from one dump row."""
    html = _value(row, mapping.get("html"))
    text = _value(row, mapping.get("text"))
    dump_id = _as_text(_value(row, mapping.get("id")))
    fields = dict(
        url=_as_text(_value(row, mapping.get("url"))),
        meta_title=_as_text(_value(row, mapping.get("title"))),
        meta_summary=_as_text(_value(row, mapping.get("summary"))),
        meta_published=_as_text(_value(row, mapping.get("published"))),
        meta_author=_as_text(_value(row, mapping.get("author"))),
        meta_category=_as_text(_value(row, mapping.get("category"))),
        headers=json.dumps({"id": dump_id}, ensure_ascii=False) if dump_id is not None else None,
    )
    lang = _as_text(_value(row, mapping.get("lang")))
    if html is not None:
        body, content_type = _as_text(html).encode("utf-8", "surrogatepass"), "text/html"
    elif text is not None:
        body, content_type = _as_text(text).encode("utf-8", "surrogatepass"), "text/plain"
    else:
        if raw is None:
            raw = json.dumps(row, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
        wanted = mapping.get("text")
        return ctx.factory.error(
            locator, "missing_text", f"row has no text (column {wanted!r}) nor html", body=raw, lang_hint=lang, **fields
        )
    return ctx.factory.make(locator, body=body, content_type=content_type, lang_hint=lang, **fields)


def _files(ctx: Context) -> Iterator[tuple[Path, str] | dict]:
    path = Path(ctx.source.path)
    files = files_for_night(ctx, path, PATTERNS[ctx.source.kind])
    if (yield from missing_files(ctx, files, path, f"{ctx.source.kind} file")):
        return
    for file in files:
        yield file, display_name(file, path)


def fetch_jsonl(ctx: Context) -> Iterator[dict]:
    mapping = mapping_of(ctx.source)
    for entry in _files(ctx):
        if isinstance(entry, dict):
            yield entry
            continue
        path, name = entry
        lineno = 0
        try:
            with open_maybe_gzip(path) as fh:
                for line, too_long in BoundedLines(fh, ctx.max_bytes):
                    lineno += 1
                    locator = f"{name}:{lineno}"
                    if too_long:
                        yield ctx.factory.error(locator, "too_large", f"line longer than max_bytes={ctx.max_bytes}", body=line)
                        continue
                    stripped = line.strip()
                    if not stripped:
                        continue
                    try:
                        row = json.loads(stripped.decode("utf-8-sig"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        yield ctx.factory.error(locator, "malformed_json", str(exc), body=line)
                        continue
                    if not isinstance(row, dict):
                        yield ctx.factory.error(locator, "malformed_json", f"a {type(row).__name__}, not an object", body=line)
                        continue
                    yield row_record(ctx, mapping, row, locator, raw=line)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            yield ctx.factory.error(f"{name}:{lineno + 1}", "truncated_gzip", f"{name}: {exc}")
        except OSError as exc:
            yield ctx.factory.error(f"{name}:{lineno + 1}", "not_found", f"{name}: {exc.strerror or exc}")


def fetch_csv(ctx: Context) -> Iterator[dict]:
    mapping = mapping_of(ctx.source)
    csv.field_size_limit(max(ctx.max_bytes, 131072))
    for entry in _files(ctx):
        if isinstance(entry, dict):
            yield entry
            continue
        path, name = entry
        delimiter = "\t" if path.name.endswith(".tsv") else ","
        start = 1
        try:
            with open_maybe_gzip(path) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.DictReader(text, delimiter=delimiter)
                header = reader.fieldnames or []
                needed = [mapping[k] for k in ("text", "html") if k in (ctx.source.mapping or {})]
                missing = [c for c in needed if c not in header]
                if needed and len(missing) == len(needed):
                    yield ctx.factory.error(f"{name}:1", "missing_column", f"{name} has no column {missing} (header {header[:20]})")
                    continue
                start = reader.line_num + 1
                while True:
                    try:
                        row = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as exc:
                        yield ctx.factory.error(f"{name}:{start}", "malformed_csv", str(exc))
                        start = reader.line_num + 1
                        continue
                    locator = f"{name}:{start}"
                    start = reader.line_num + 1
                    if None in row:  # more fields than the header
                        extra = row.pop(None)
                        row["__extra__"] = extra
                    yield row_record(ctx, mapping, row, locator)
        except UnicodeDecodeError as exc:
            yield ctx.factory.error(f"{name}:{start}", "bad_encoding", f"{name} is not UTF-8: {exc}")
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            yield ctx.factory.error(f"{name}:{start}", "truncated_gzip", f"{name}: {exc}")


def fetch_parquet(ctx: Context) -> Iterator[dict]:
    mapping = mapping_of(ctx.source)
    for entry in _files(ctx):
        if isinstance(entry, dict):
            yield entry
            continue
        path, name = entry
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowInvalid, OSError) as exc:
            yield ctx.factory.error(name, "malformed_parquet", f"{name}: {exc}")
            continue
        names = set(parquet.schema_arrow.names)
        needed = [mapping[k] for k in ("text", "html") if k in (ctx.source.mapping or {})]
        if needed and not any(c in names for c in needed):
            yield ctx.factory.error(name, "missing_column", f"{name} has no column {needed}")
            continue
        columns = sorted({c for c in mapping.values() if c in names})
        index = 0
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, columns=columns):
                for row in batch.to_pylist():
                    yield row_record(ctx, mapping, row, f"{name}#{index}")
                    index += 1
        except (pa.ArrowInvalid, OSError) as exc:
            yield ctx.factory.error(f"{name}#{index}", "malformed_parquet", f"{name}: {exc}")
