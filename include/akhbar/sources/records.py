"""Building RAW_RECORD rows, counting what a fetch did, and cutting rows into bounded batches."""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from akhbar.config import Source
from akhbar.hashing import sha256_hex, stable_id
from akhbar.schema import RAW_RECORD

BATCH_RECORDS = 500
BATCH_BYTES = 64 * 1024 * 1024  # also cut a batch when its bodies reach this size

_FIELDS: list[str] = [f.name for f in RAW_RECORD]
_TEXT_FIELDS: list[str] = [f.name for f in RAW_RECORD if pa.types.is_string(f.type)]

# One RAW_RECORD row, field name -> value, as the readers build it before it becomes a batch.
Row = dict[str, Any]


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def headers_json(headers: Any) -> str | None:
    """JSON object of headers; repeated names are joined with ', '."""
    if headers is None:
        return None
    out: dict[str, str] = {}
    items = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        key = str(key).lower()
        out[key] = f"{out[key]}, {value}" if key in out else str(value)
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value if v is not None and str(v) != ""]
        return "; ".join(parts) if parts else None
    return str(value)


def _unencodable(row: Row) -> str | None:
    """The first text field that is not valid Unicode (a lone surrogate from a JSON escape)."""
    for name in _TEXT_FIELDS:
        value = row.get(name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return name
    return None


@dataclass
class FileLedger:
    """Where the bytes of one input file went: every byte is in exactly one bucket.

    ``size`` is the file's length as read (after decompression for gzip files, whose
    undecodable tail counts as quarantined). The fuzzing suite checks ``balanced``.
    """

    size: int = 0
    records: int = 0  # bytes that became raw records
    quarantined: int = 0  # bytes that became error records (their bodies hold them, or their first max_bytes)
    skipped: int = 0  # bytes of units skipped with a counted cause (WARC requests, documentation...)
    separators: int = 0  # whitespace between units (blank lines, newlines between documents)

    @property
    def accounted(self) -> int:
        return self.records + self.quarantined + self.skipped + self.separators

    @property
    def balanced(self) -> bool:
        return self.accounted == self.size


@dataclass
class FetchCounts:
    """Figures of one fetch: what was yielded, skipped, refused and why."""

    records: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # reason code -> records
    skipped: Counter[str] = field(
        default_factory=Counter
    )  # cause -> items not yielded (duplicate_link, max_items...)
    notes: Counter[str] = field(
        default_factory=Counter
    )  # records kept but changed (url_dropped, repeated_locator)
    http: Counter[str] = field(
        default_factory=Counter
    )  # retry_after_capped, host_given_up, robots_crawl_delay
    not_modified: int = 0  # 304 answers to conditional requests
    unchanged: int = 0  # 200 answers whose body hash equals last night's
    http_requests: int = 0
    files: dict[str, FileLedger] = field(default_factory=dict)

    def ledger(self, name: str) -> FileLedger:
        return self.files.setdefault(name, FileLedger())

    def as_extra(self) -> dict[str, int | dict[str, int]]:
        """Flat figures for StageCounts.extra (numbers, or one level of counts by cause)."""
        return {
            "fetch_records": self.records,
            "errors_by_reason": dict(self.errors),
            "fetch_skipped": dict(self.skipped),
            "fetch_notes": dict(self.notes),
            "http_waits": dict(self.http),
            "not_modified": self.not_modified,
            "unchanged": self.unchanged,
            "http_requests": self.http_requests,
            "bytes_read": sum(f.size for f in self.files.values()),
            "bytes_quarantined": sum(f.quarantined for f in self.files.values()),
            # Bytes of input files that ended in no record and no count: 0, or a reader is wrong.
            "bytes_unaccounted": sum(f.size - f.accounted for f in self.files.values()),
        }


class RecordFactory:
    """Makes RAW_RECORD rows of one source with its constant fields filled in.

    Record ids are unique within a source by construction: file readers build locators from
    a file name and a position in it (unique); for the locators that could repeat (links of
    feeds and sitemaps, archive members) ``track_ids`` keeps the ids made so far and gives a
    repeated locator a "~n" suffix (counted as ``repeated_locator``) rather than two rows
    with one id, which would fail the night's uniqueness checks.
    """

    def __init__(self, source: Source, counts: FetchCounts, *, track_ids: bool = False):
        self.source = source
        self.counts = counts
        self.track_ids = track_ids
        self._ids: set[str] = set()

    def _unique_locator(self, locator: str) -> str:
        locator = _storable(locator)
        if not self.track_ids:
            return locator
        candidate, n = locator, 1
        while stable_id(self.source.id, candidate) in self._ids:
            n += 1
            candidate = f"{locator}~{n}"
        if n > 1:
            self.counts.notes["repeated_locator"] += 1
        self._ids.add(stable_id(self.source.id, candidate))
        return candidate

    def make(
        self,
        locator: str,
        *,
        body: bytes | None = None,
        error: str | None = None,
        fetched_at: _dt.datetime | None = None,
        lang_hint: str | None = None,
        **fields: Any,
    ) -> Row:
        locator = self._unique_locator(locator)
        row: dict[str, Any] = {
            "record_id": stable_id(self.source.id, locator),
            "source_id": self.source.id,
            "kind": self.source.kind,
            "locator": locator,
            "fetched_at": fetched_at or utcnow(),
            "body": body,
            "content_hash": sha256_hex(body) if body is not None else None,
            "lang_hint": lang_hint or self.source.lang,
            "tz_hint": self.source.timezone,
            "error": error,
        }
        for key, value in fields.items():
            if key not in _FIELDS:
                raise TypeError(f"RAW_RECORD has no field {key!r}")
            if key == "http_status":
                row[key] = None if value is None else int(value)
            else:
                row[key] = _text(value)
        _quarantine_invalid_unicode(row)
        self.counts.records += 1
        if row["error"]:
            self.counts.errors[row["error"].split(":", 1)[0]] += 1
        return row

    def error(self, locator: str, code: str, detail: str, *, body: bytes | None = None, **fields: Any) -> Row:
        return self.make(locator, body=body, error=f"{code}: {detail}", **fields)

    def withdraw(self, row: Row) -> None:
        """Take back a row that was made but is not yielded (an item of another night)."""
        self.counts.records -= 1
        if row.get("error"):
            self.counts.errors[row["error"].split(":", 1)[0]] -= 1
        self._ids.discard(row["record_id"])


def _storable(text: str) -> str:
    """``text`` with lone surrogates escaped (Arrow stores only valid UTF-8)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _quarantine_invalid_unicode(row: Row) -> None:
    """A text field Arrow cannot store (a lone surrogate) turns the row into an error row:
    the field is kept with the surrogate escaped, the body (bytes) untouched."""
    name = _unencodable(row)
    if name is None:
        return
    for field_name in _TEXT_FIELDS:
        value = row.get(field_name)
        if isinstance(value, str):
            row[field_name] = _storable(value)
    if not row.get("error"):
        row["error"] = f"invalid_unicode: {name} holds a lone surrogate (an unpaired \\ud800-\\udfff escape)"


def batches(
    rows: Iterable[Row], *, size: int = BATCH_RECORDS, max_bytes: int = BATCH_BYTES
) -> Iterator[pa.RecordBatch]:
    """Cut a stream of rows into RAW_RECORD batches of at most ``size`` rows (or ``max_bytes``)."""
    pending: list[Row] = []
    pending_bytes = 0
    for row in rows:
        pending.append(row)
        body = row.get("body")
        pending_bytes += len(body) if body else 0
        if len(pending) >= size or pending_bytes >= max_bytes:
            yield to_batch(pending)
            pending = []
            pending_bytes = 0
    if pending:
        yield to_batch(pending)


def to_batch(rows: list[Row]) -> pa.RecordBatch:
    columns = {name: [row.get(name) for row in rows] for name in _FIELDS}
    return pa.RecordBatch.from_pydict(columns, schema=RAW_RECORD)
