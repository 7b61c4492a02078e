"""Cutting a WARC stream into records, and finding the next record when a length lies.

A record is its header block (``WARC/1.x`` line, named fields, blank line) and
``Content-Length`` bytes of block, then blank lines. :class:`WarcFramer` reads an
uncompressed stream (gzip is undone below it, every member, so a file gzipped as one
stream reads like one gzipped per record) and yields :class:`Frame` s that cover the stream
end to end: records, damaged spans, and the blank lines between them.

When a Content-Length is wrong (the block runs into the next record, or stops short of
it) or a header block is unreadable, the damaged span ends at the next line starting with
``WARC/<version>``: that span is one damaged frame (its first ``keep`` bytes are kept for
the quarantine) and reading resumes at the next record. Memory stays bounded by ``keep``
plus one header block and one read, whatever the size of a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

HEADER_LIMIT = 64 * 1024  # a WARC header block larger than this is not one
READ_SIZE = 256 * 1024
_NEXT_RECORD = re.compile(rb"\nWARC/[0-9]\.[0-9]{1,2}\r?\n")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_LEADING_BLANK = re.compile(rb"[ \t\r\n]*")


class Frame(NamedTuple):
    offset: int  # of the frame's first byte in the (uncompressed) stream
    size: int  # bytes of the stream the frame covers
    kind: str  # "record", "damaged" or "blank"
    data: bytes = b""  # the frame's bytes (at most header + keep bytes)
    fields: dict[str, str] | None = None  # WARC header fields of a record (names lower-cased)
    complete: bool = True  # False: the block was larger than ``keep`` and was cut
    code: str = ""  # of a damaged frame
    detail: str = ""


def _fields(head: bytes) -> dict[str, str] | None:
    lines = head.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0].startswith("WARC/"):
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def _blank_end(buf: bytearray, pos: int) -> int:
    """Where the run of blanks starting at ``pos`` ends (``_LEADING_BLANK`` also matches an empty run)."""
    match = _LEADING_BLANK.match(buf, pos)
    return match.end() if match is not None else pos


class WarcFramer:
    """Frames of one uncompressed WARC stream (see the module's docstring)."""

    def __init__(self, stream: BinaryIO, *, keep: int):
        self.stream = stream
        self.keep = keep
        self.buf = bytearray()
        self.pos = 0  # the current position in buf
        self.base = 0  # stream offset of buf[0]
        self.eof = False

    # -- buffer ------------------------------------------------------------------------
    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _avail(self) -> int:
        return len(self.buf) - self.pos

    def _fill(self, size: int) -> bool:
        """Read until ``size`` bytes lie ahead of the position; False when the stream ends first."""
        if self._avail() >= size:
            return True
        if self.pos > READ_SIZE:  # compact now and then, not on every record
            del self.buf[: self.pos]
            self.base += self.pos
            self.pos = 0
        read = getattr(
            self.stream, "read1", self.stream.read
        )  # what is there: a slow download is not waited for
        while self._avail() < size and not self.eof:
            chunk = read(max(READ_SIZE, size - self._avail()))
            if chunk:
                self.buf += chunk
            else:
                self.eof = True
        return self._avail() >= size

    def _take(self, size: int) -> bytes:
        data = bytes(self.buf[self.pos : self.pos + size])
        self.pos += len(data)
        return data

    def _skip(self, size: int) -> int:
        """Consume up to ``size`` bytes without keeping them; how many there were."""
        done = 0
        while done < size and self._fill(1):
            step = min(size - done, self._avail())
            self.pos += step
            done += step
        return done

    # -- frames ------------------------------------------------------------------------
    def frames(self) -> Iterator[Frame]:
        while True:
            blank = self._blank()
            if blank is not None:
                yield blank
            if not self._fill(1):
                return
            yield self._record()

    def _blank(self) -> Frame | None:
        offset, size = self.offset, 0
        while self._fill(1):
            run = _blank_end(self.buf, self.pos) - self.pos
            if run == 0:
                break
            self.pos += run
            size += run
        return Frame(offset, size, "blank") if size else None

    def _header_end(self) -> re.Match[bytes] | None:
        """The blank line ending the header block that starts here (reading only as far as needed)."""
        while True:
            end = _HEADER_END.search(self.buf, self.pos, self.pos + HEADER_LIMIT)
            if end is not None or self._avail() >= HEADER_LIMIT or self.eof:
                return end
            self._fill(self._avail() + 1)

    def _record(self) -> Frame:
        offset = self.offset
        self._fill(5)
        if not self.buf.startswith(b"WARC/", self.pos):
            return self._damaged(offset, "bad_warc", f"bytes at offset {offset} are not a WARC record")
        end = self._header_end()
        fields = _fields(bytes(self.buf[self.pos : end.start()])) if end else None
        if end is None or fields is None:
            if self.eof:
                return self._damaged(
                    offset, "truncated_warc", f"record header at offset {offset} cut by the end"
                )
            return self._damaged(offset, "bad_warc", f"unreadable record header at offset {offset}")
        length = fields.get("content-length", "")
        if not length.isdigit():
            return self._damaged(offset, "bad_warc", f"record at offset {offset} has no valid Content-Length")
        return self._block(offset, end.end() - self.pos, int(length), fields)

    def _block(self, offset: int, head: int, length: int, fields: dict[str, str]) -> Frame:
        total = head + length
        if length <= self.keep:
            if not self._fill(total):
                return self._damaged(
                    offset,
                    "truncated_warc",
                    f"record at offset {offset} ends "
                    f"{total - self._avail()} bytes short of its Content-Length",
                    search_from=head,
                )
            if not self._followed_by_record(total):
                # The block does not end where the next record begins: the record was cut
                # (the next one begins inside it) or its length is wrong. Either way it ends
                # at the next record header.
                frame = self._damaged(offset, "truncated_warc", "", search_from=head)
                where = "inside" if frame.size < total else "after"
                return frame._replace(
                    detail=f"record at offset {offset}: the next record begins at offset "
                    f"{offset + frame.size}, {where} the end its Content-Length ({length}) gives; "
                    "the record is kept whole to there, not followed by the record separator"
                )
            return Frame(offset, total, "record", self._take(total), fields)
        self._fill(head + self.keep)
        data = self._take(head + self.keep)
        read = len(data) + self._skip(total - len(data))
        if read < total:
            return Frame(
                offset,
                read,
                "damaged",
                data,
                fields,
                False,
                "truncated_warc",
                f"record at offset {offset} ends {total - read} bytes short of its Content-Length",
            )
        if not self._followed_by_record(0):
            rest = self._damaged(self.offset, "truncated_warc", "")
            return Frame(
                offset,
                rest.offset + rest.size - offset,
                "damaged",
                data,
                fields,
                False,
                "truncated_warc",
                f"record at offset {offset}: its Content-Length ({length}) does not end where the next "
                "record begins",
            )
        return Frame(offset, total, "record", data, fields, complete=False)

    def _followed_by_record(self, ahead: int) -> bool:
        """Whether the block ending ``ahead`` bytes from here is followed by the record
        separator, or by blank lines only up to the next record (or the end)."""
        self._fill(ahead + 4)
        if self.buf.startswith(b"\r\n\r\n", self.pos + ahead):
            return True
        while True:
            self._fill(ahead + 64)  # may compact the buffer: positions are kept relative
            start = self.pos + ahead
            first = _blank_end(self.buf, start)
            if first < len(self.buf):
                if len(self.buf) - first < 5 and not self.eof:
                    ahead = first - self.pos
                    continue
                return self.buf.startswith(b"WARC/", first)
            if self.eof:
                return True
            ahead = first - self.pos

    def _damaged(self, offset: int, code: str, detail: str, *, search_from: int = 0) -> Frame:
        """A damaged span from here to the next record header (or the end), ``search_from``
        bytes on at the earliest. Keeps its first ``keep`` bytes."""
        kept = bytearray()
        size = 0
        ahead = search_from  # relative to the position: _fill may compact the buffer
        while True:
            match = _NEXT_RECORD.search(self.buf, self.pos + max(0, ahead - 1))
            if match is not None or self.eof:
                cut = (match.start() + 1 - self.pos) if match is not None else self._avail()
                break
            # Nothing yet: keep what the quarantine holds, let go of the rest but the last
            # bytes (a header may begin across two reads), read on.
            release = max(0, self._avail() - 16)
            kept += self.buf[self.pos : self.pos + max(0, min(release, self.keep - len(kept)))]
            size += release
            self.pos += release
            ahead = 0
            self._fill(self._avail() + READ_SIZE)
        kept += self.buf[self.pos : self.pos + max(0, min(cut, self.keep - len(kept)))]
        size += cut
        self.pos += cut
        return Frame(offset, size, "damaged", bytes(kept), None, True, code, detail)
