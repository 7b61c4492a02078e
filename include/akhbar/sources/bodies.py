"""What an HTTP exchange gives back, and response bodies decoded within bounds.

:class:`Response` is the outcome of one GET; :class:`FetchFailure` is how a failed exchange
travels inside the client until it becomes ``Response.error``. :class:`BodyDecoder` undoes
Content-Encoding without ever holding more than its limit (gzip bombs);
:class:`StreamReader` is a file-like view of a streamed body with a deadline.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import io
import math
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import httpcore
import httpx

from akhbar.sources.records import utcnow

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


@dataclass
class Response:
    """The outcome of one GET: a body, or an error, or ``not_modified``."""

    url: str
    final_url: str | None = None
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    error: str | None = None
    fetched_at: Any = None
    not_modified: bool = False
    attempts: int = 0
    # The open, unread body of a streamed exchange (HttpClient.open_stream); never a record's body.
    stream: httpx.Response | None = field(default=None, repr=False, compare=False)

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def error_code(self) -> str | None:
        return self.error.split(":", 1)[0] if self.error else None


class FetchFailure(Exception):
    """A fetch that failed with a reason code (turned into ``Response.error``).

    ``partial`` holds what was received before the failure (kept for the quarantine).
    """

    def __init__(self, code: str, detail: str, *, retryable: bool = False, response: Response | None = None):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.retryable = retryable
        self.response = response
        self.partial: bytes | None = None


class BodyDecoder:
    """Content-Encoding decoder whose output never exceeds ``limit`` bytes in memory."""

    def __init__(self, encoding: str | None, limit: int):
        encoding = (encoding or "identity").strip().lower()
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        self.raw_size = 0
        self._d: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding not in ("identity", "", "deflate"):
            raise FetchFailure(
                "unsupported_encoding", f"Content-Encoding {encoding[:40]!r} was not asked for"
            )

    def _room(self) -> int:
        return self.limit - self.size + 1  # one byte more than allowed reveals an overflow

    def feed(self, chunk: bytes) -> bytes:
        self.raw_size += len(chunk)
        if self.encoding == "deflate" and self._d is None:
            # "deflate" is zlib-wrapped per the RFC but raw deflate in the wild.
            self._d = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
        if self._d is None:
            out = chunk
        else:
            try:
                out = self._d.decompress(chunk, self._room())
                # Output stops at the room left: any tail still compressed means the
                # decompressed body is larger than allowed.
                if self._d.unconsumed_tail:
                    more = self._d.decompress(self._d.unconsumed_tail, 1)
                    out += more
                    if more or self._d.unconsumed_tail:
                        self.size += len(out)
                        self._too_large()
            except zlib.error as exc:
                raise FetchFailure("bad_encoding", f"cannot decode {self.encoding} body: {exc}") from exc
        self.size += len(out)
        if self.size > self.limit:
            self._too_large()
        return out

    def _too_large(self) -> NoReturn:
        detail = f"body larger than max_bytes={self.limit}"
        if self._d is not None:
            detail += f" after decompression ({self.raw_size} compressed bytes read; decompression bomb?)"
        raise FetchFailure("too_large", detail)

    def finish(self) -> None:
        if self._d is not None and self.encoding in ("gzip", "x-gzip") and not self._d.eof and self.raw_size:
            raise FetchFailure("truncated_body", f"gzip body ended early after {self.raw_size} bytes")


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds asked by a Retry-After header (delta or HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return max(0.0, seconds) if math.isfinite(seconds) or seconds > 0 else None  # NaN is no answer
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return max(0.0, (when - utcnow()).total_seconds())


class StreamReader(io.RawIOBase):
    """File-like view of a streaming response body (decoded), ending at a deadline."""

    def __init__(self, response: httpx.Response, decoder: BodyDecoder, deadline: float, max_seconds: float):
        self._chunks = response.iter_raw()
        self._decoder = decoder
        self._deadline = deadline
        self._max_seconds = max_seconds
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, target: WriteableBuffer) -> int:
        # Failures surface as OSError: readers of files (WARC, gzip) expect that.
        while not self._buffer and not self._done:
            try:
                if time.monotonic() > self._deadline:
                    raise FetchFailure(
                        "timeout", f"download not complete after max_response_seconds={self._max_seconds}"
                    )
                try:
                    chunk = next(self._chunks)
                except StopIteration:
                    self._done = True
                    self._decoder.finish()
                    break
                self._buffer = self._decoder.feed(chunk)
            except FetchFailure as failure:
                raise OSError(str(failure)) from failure
            except (httpx.TransportError, httpx.StreamError, httpcore.ProtocolError) as exc:
                raise OSError(f"network_error: {type(exc).__name__}: {exc}") from exc
        view = memoryview(target)
        n = min(len(view), len(self._buffer))
        view[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n
