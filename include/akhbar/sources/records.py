"""Building RAW_RECORD rows and cutting them into bounded batches."""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import pyarrow as pa

from akhbar.hashing import sha256_hex, stable_id
from akhbar.schema import RAW_RECORD

BATCH_RECORDS = 500
BATCH_BYTES = 64 * 1024 * 1024  # also cut a batch when its bodies reach this size

_FIELDS = [f.name for f in RAW_RECORD]


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


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
    text = str(value)
    return text


@dataclass
class FetchCounts:
    """Figures of one fetch: what was yielded, skipped, refused and why."""

    records: int = 0
    errors: Counter = field(default_factory=Counter)  # reason code -> records
    skipped: Counter = field(default_factory=Counter)  # why items were not yielded
    not_modified: int = 0  # 304 answers to conditional requests
    unchanged: int = 0  # 200 answers whose body hash equals last night's
    http_requests: int = 0

    def as_extra(self) -> dict:
        return {
            "fetch_records": self.records,
            "fetch_errors": dict(self.errors),
            "fetch_skipped": dict(self.skipped),
            "not_modified": self.not_modified,
            "unchanged": self.unchanged,
            "http_requests": self.http_requests,
        }


class RecordFactory:
    """Makes RAW_RECORD rows of one source with its constant fields filled in."""

    def __init__(self, source, counts: FetchCounts):
        self.source = source
        self.counts = counts

    def make(
        self,
        locator: str,
        *,
        body: bytes | None = None,
        error: str | None = None,
        fetched_at: _dt.datetime | None = None,
        lang_hint: str | None = None,
        **fields: Any,
    ) -> dict:
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
        self.counts.records += 1
        if error:
            self.counts.errors[error.split(":", 1)[0]] += 1
        return row

    def error(self, locator: str, code: str, detail: str, *, body: bytes | None = None, **fields) -> dict:
        return self.make(locator, body=body, error=f"{code}: {detail}", **fields)


def batches(rows: Iterable[dict], *, size: int = BATCH_RECORDS, max_bytes: int = BATCH_BYTES) -> Iterator[pa.RecordBatch]:
    """Cut a stream of rows into RAW_RECORD batches of at most ``size`` rows (or ``max_bytes``)."""
    pending: list[dict] = []
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


def to_batch(rows: list[dict]) -> pa.RecordBatch:
    columns = {name: [row.get(name) for row in rows] for name in _FIELDS}
    return pa.RecordBatch.from_pydict(columns, schema=RAW_RECORD)
