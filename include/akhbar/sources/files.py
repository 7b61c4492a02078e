"""Local files of a source: which ones a night reads, and reading them within bounds.

A source ``path`` is a file, a folder (every file in it, recursively, sorted) or a glob.
Symbolic links inside a folder or below a glob are never followed: each gives a
"refused_symlink" error record (the operator's own ``path`` may be a link). Gzip files are
decompressed as a stream (every member) with a cap on the inflated size, and an
undecodable or cut tail is reported, not raised.
"""

from __future__ import annotations

import datetime as _dt
import glob
import io
import os
import re
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from akhbar.sources.records import Row
from akhbar.sources.safety import Refused

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from akhbar.sources.context import Context

_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.")  # a whole-night export, not a timestamped file
GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK = 256 * 1024


@dataclass(frozen=True)
class LocalFile:
    path: Path
    name: str  # relative to the source folder: what locators carry


@dataclass(frozen=True)
class FoundFiles:
    files: list[Path]
    symlinks: list[Path]


def night_of_file(path: Path) -> _dt.date | None:
    """A file named YYYY-MM-DD.* (a nightly export) holds that night's records."""
    match = _DATED_NAME.match(path.name)
    if not match:
        return None
    try:
        return _dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _glob_prefix(text: str) -> str:
    cut = min(text.find(c) for c in "*?[" if c in text)
    return os.path.dirname(text[:cut]) or "."


def _through_symlink(path: str, root: str) -> bool:
    """Whether ``path`` (below ``root``) reaches its target through a symbolic link."""
    rel = os.path.relpath(path, root)
    return os.path.realpath(path) != os.path.normpath(os.path.join(os.path.realpath(root), rel))


def find_files(path: Path, patterns: tuple[str, ...] = ("*",)) -> FoundFiles:
    """A file, a directory (recursive, files matching ``patterns``) or a glob, sorted;
    symbolic links below the given path apart, never followed."""
    text = str(path)
    files: list[Path] = []
    links: list[Path] = []
    if any(ch in text for ch in "*?["):
        root = _glob_prefix(text)
        for found in sorted(glob.glob(text, recursive=True)):
            if _through_symlink(found, root):
                links.append(Path(found))
            elif os.path.isfile(found):
                files.append(Path(found))
        return FoundFiles(files, links)
    if path.is_dir():
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in list(dirs):
                if os.path.islink(os.path.join(root, name)):
                    dirs.remove(name)
                    links.append(Path(root) / name)
            for name in sorted(names):
                full = Path(root) / name
                if full.is_symlink():
                    links.append(full)
                elif any(Path(name).match(p) for p in patterns):
                    files.append(full)
        return FoundFiles(files, sorted(links))
    return FoundFiles([path], [])


def display_name(path: Path, source_path: Path | None) -> str:
    """Name of a file in locators: relative to the source folder, never machine-specific."""
    if source_path is not None:
        base = source_path
        text = str(base)
        if any(ch in text for ch in "*?["):
            base = Path(_glob_prefix(text))
        if base.is_file():
            base = base.parent
        try:
            return (
                Path(os.path.normpath(os.path.abspath(path)))
                .relative_to(os.path.normpath(os.path.abspath(base)))
                .as_posix()
            )
        except ValueError:
            pass
    return path.name


def local_files(ctx: Context, root: Path, patterns: tuple[str, ...], what: str) -> Iterator[LocalFile | Row]:
    """The source's files for this night (dated exports of other nights counted as skipped),
    and an error record for each symbolic link met and for a source with no file at all.
    Dated exports with none for this night are not an error: nothing was published."""
    from akhbar.sources.context import in_window

    found = find_files(root, patterns)
    for link in found.symlinks:
        name = display_name(link, root)
        yield ctx.factory.error(name, "refused_symlink", f"{name} is a symbolic link: not followed")
    kept = []
    for file in found.files:
        if in_window(ctx, night_of_file(file)):
            kept.append(file)
        else:
            ctx.counts.skipped["file_outside_window"] += 1
    if not kept:
        if not found.files and not found.symlinks:
            yield ctx.factory.error(root.name, "not_found", f"no {what} at {root.name}")
        return
    if not kept[0].exists():
        yield ctx.factory.error(root.name, "not_found", f"no {what} at {root.name}")
        return
    for file in kept:
        yield LocalFile(file, display_name(file, root))


def read_local(path: Path, limit: int) -> tuple[bytes, bool]:
    """Read at most ``limit`` bytes; also say whether the file was larger."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    return data[:limit], len(data) > limit


def gunzip_capped(data: bytes, limit: int) -> bytes:
    """Decompress gzip data (all members) without ever holding more than ``limit`` bytes."""
    stream = DecompressedStream(io.BytesIO(data), limit)
    out = stream.read(limit + 1)
    if stream.problem is not None:
        raise Refused(*stream.problem)
    return out


class DecompressedStream(io.RawIOBase):
    """The inflated bytes of a gzip stream (every member), read lazily, never more than ``cap``.

    Going past ``cap`` raises :class:`Refused` ("too_large"). A cut or corrupt tail ends the
    stream quietly and sets ``problem`` = (code, detail) and ``tail`` = the compressed bytes
    that could not be inflated (bounded), for the error record. ``member_at(offset)`` gives
    the compressed offset of the member holding an inflated offset (WARC locators).
    """

    def __init__(self, fh: BinaryIO, cap: int, *, tail_limit: int = 1 << 20):
        self._fh = fh
        self.cap = cap
        self.tail_limit = tail_limit
        self.out = 0  # inflated bytes handed out
        self.problem: tuple[str, str] | None = None
        self.tail = b""
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""  # compressed bytes read from the file, not yet fed
        self._consumed = 0  # compressed offset of self._pending's first byte
        self._member_start = 0  # compressed offset of the current member
        self._inflated_in_member = 0
        # (inflated start, compressed start) of the latest members; queries only look near the end
        self._members: deque[tuple[int, int]] = deque([(0, 0)], maxlen=4096)
        self._done = False
        # What is there, not a full chunk: a slow download is read as it comes.
        self._read = getattr(fh, "read1", fh.read)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()

    def member_at(self, offset: int) -> tuple[int, int]:
        """(compressed offset of the member, offset inside its inflated bytes) of ``offset``."""
        while len(self._members) > 1 and self._members[1][0] <= offset:
            self._members.popleft()
        start, compressed = self._members[0]
        return compressed, offset - start

    def readinto(self, target: WriteableBuffer) -> int:
        view = memoryview(target)
        while not self._done:
            room = min(len(view), READ_CHUNK)
            if not self._pending:
                self._pending = self._read(READ_CHUNK)
                if not self._pending:
                    self._end_of_file()
                    break
            try:
                out = self._d.decompress(self._pending, room)
            except zlib.error as exc:
                self._fail("bad_gzip", f"corrupt gzip data at byte {self._member_start}: {exc}")
                break
            # At the end of a member zlib leaves the rest of the input in unused_data (and
            # also in unconsumed_tail when the output was limited): read on from unused_data.
            rest = self._d.unused_data if self._d.eof else self._d.unconsumed_tail
            self._consumed += len(self._pending) - len(rest)
            self._pending = rest
            if out:
                self._hand_out(len(out))
            if self._d.eof:
                self._next_member()
            if out:
                view[: len(out)] = out
                return len(out)
        return 0

    def _hand_out(self, n: int) -> None:
        self.out += n
        self._inflated_in_member += n
        if self.out > self.cap:
            raise Refused("too_large", f"more than max_decompressed_bytes={self.cap} once decompressed")

    def _next_member(self) -> None:
        if self._pending[:1] == b"\x00":  # padding between members
            skipped = len(self._pending) - len(self._pending.lstrip(b"\x00"))
            self._pending = self._pending[skipped:]
            self._consumed += skipped
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._member_start = self._consumed
        self._inflated_in_member = 0
        self._members.append((self.out, self._member_start))

    def _end_of_file(self) -> None:
        self._done = True
        started = self._consumed > self._member_start or self._inflated_in_member
        if started and not self._d.eof:
            self._fail("truncated_gzip", f"file ends inside the gzip member at byte {self._member_start}")

    def _fail(self, code: str, detail: str) -> None:
        self._done = True
        self.problem = (code, detail)
        if getattr(self._fh, "seekable", lambda: False)():
            self._fh.seek(self._member_start)
            self.tail = self._fh.read(self.tail_limit)


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_input(path: Path, cap: int) -> io.BufferedReader:
    """A buffered binary reader of ``path``, inflated when it is gzip (capped at ``cap``)."""
    fh = open(path, "rb")  # noqa: SIM115 - returned open, closed by the caller's with-block
    if fh.read(2) != GZIP_MAGIC:
        fh.seek(0)
        return fh
    fh.seek(0)
    return io.BufferedReader(DecompressedStream(fh, cap), buffer_size=READ_CHUNK)


def gzip_problem(reader: BinaryIO) -> tuple[str, str, bytes] | None:
    """(code, detail, undecodable compressed bytes) of a reader made by :func:`open_input`."""
    raw = getattr(reader, "raw", None)
    if isinstance(raw, DecompressedStream) and raw.problem is not None:
        return raw.problem[0], raw.problem[1], raw.tail
    return None


class Line(NamedTuple):
    data: bytes  # the line (cut to the limit when too long); b"" for a run of empty lines
    too_long: bool
    size: int  # bytes of the stream it covers
    lines: int = 1  # lines it covers (more than one only for a run of empty lines)


_EMPTY_LINES = re.compile(rb"\n+")


class BoundedLines:
    """The lines of a binary stream, never buffering more than ``limit`` bytes of one line.

    A line over ``limit`` is cut to ``limit`` bytes and the rest skipped (``size`` still
    counts every byte, for the file's ledger). A run of empty lines is one :class:`Line`
    (a file of newlines costs what its size costs, not a loop turn per line).
    """

    def __init__(self, fh: io.BufferedIOBase, limit: int):
        self.fh = fh
        self.limit = limit

    def _empty_run(self) -> Line | None:
        peek = getattr(self.fh, "peek", None)
        if peek is None:
            return None
        ahead = peek(READ_CHUNK)
        run = _EMPTY_LINES.match(ahead)
        if run is None:
            return None
        self.fh.read(run.end())
        return Line(b"", False, run.end(), run.end())

    def __iter__(self) -> Iterator[Line]:
        while True:
            empty = self._empty_run()
            if empty is not None:
                yield empty
                continue
            line = self.fh.readline(self.limit + 1)
            if not line:
                return
            if len(line) > self.limit and not line.endswith(b"\n"):
                head, size = line[: self.limit], len(line)
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = self.fh.readline(1 << 20)
                    size += len(line)
                yield Line(head, True, size)
                continue
            yield Line(line, False, len(line))
