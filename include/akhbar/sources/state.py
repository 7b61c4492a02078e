"""Incremental fetch state of one source: per URL its ETag, Last-Modified and body hash.

Stored as ``<state_dir>/<source_id>.parquet`` and replaced atomically. The night (dt)
that stored an entry is kept with it: validators are only used by a *later* night, so
re-running the same night (a task retry, a backfill) fetches and yields everything again
instead of finding it "unchanged".
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.sources.safety import check_source_id

STATE_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("content_hash", pa.string()),
        pa.field("dt", pa.date32(), nullable=False),  # night the entry was (re)confirmed
    ]
)

KEEP_DAYS = 90  # entries not seen for this long are dropped


@dataclass
class Entry:
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    dt: _dt.date


class FetchState:
    """Validators remembered between nights for one source (no-op when ``path`` is None)."""

    def __init__(self, path: Path | None, dt: _dt.date):
        self.path = path
        self.dt = dt
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        self._before: dict[str, Entry | None] = {}  # entries as loaded, for forget()

    @classmethod
    def load(cls, state_dir: Path | None, source_id: str, dt: _dt.date) -> FetchState:
        if state_dir is None:
            return cls(None, dt)
        check_source_id(source_id)
        path = Path(state_dir) / f"{source_id}.parquet"
        state = cls(path, dt)
        if path.exists():
            table = pq.read_table(path)
            for row in table.to_pylist():
                state.entries[row["url"]] = Entry(
                    row["url"], row.get("etag"), row.get("last_modified"), row.get("content_hash"), row["dt"]
                )
        return state

    def previous(self, url: str) -> Entry | None:
        """The entry of an earlier night, or None (also None for tonight's own entries)."""
        entry = self.entries.get(url)
        if entry is None or entry.dt >= self.dt:
            return None
        return entry

    def conditional_headers(self, url: str) -> dict[str, str]:
        entry = self.previous(url)
        headers: dict[str, str] = {}
        if entry is not None:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
        return headers

    def is_unchanged(self, url: str, content_hash: str) -> bool:
        entry = self.previous(url)
        return entry is not None and entry.content_hash == content_hash

    def touch(self, url: str) -> None:
        """A 304 or unchanged body: keep the entry, mark it seen tonight."""
        entry = self.entries.get(url)
        if entry is not None and entry.dt < self.dt:
            entry.dt = self.dt
            self.dirty = True

    def update(
        self, url: str, *, etag: str | None, last_modified: str | None, content_hash: str | None
    ) -> None:
        old = self.entries.get(url)
        if old is not None and old.dt > self.dt:
            return  # a backfill of an older night does not overwrite a newer entry
        self._before.setdefault(url, old)
        self.entries[url] = Entry(url, etag, last_modified, content_hash, self.dt)
        self.dirty = True

    def forget(self, url: str) -> None:
        """Undo tonight's update of ``url``: it was fetched but turned out not to be this night's."""
        if url not in self._before:
            return
        old = self._before.pop(url)
        if old is None:
            self.entries.pop(url, None)
        else:
            self.entries[url] = old
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        horizon = self.dt - _dt.timedelta(days=KEEP_DAYS)
        rows = [e.__dict__ for e in self.entries.values() if e.dt >= horizon]
        table = pa.Table.from_pylist(rows, schema=STATE_SCHEMA)
        atomic.write_parquet(self.path, table)
        self.dirty = False
