"""A list of article URLs: ``urls:`` in the registry, or ``path:`` to a text file of URLs.

In the file, one URL a line; blank lines and lines starting with '#' are ignored.
Relative lines name files next to the list (a mirrored site). A line that is not a usable
link is one error record (with the line); the other lines go on.
"""

from __future__ import annotations

from collections.abc import Iterator

from akhbar.sources.context import Context
from akhbar.sources.files import read_local
from akhbar.sources.links import Container, Item, fetch_items
from akhbar.sources.records import Row


def _listed_items(data: bytes) -> Iterator[Item]:
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    for line in text.splitlines():
        link = line.strip()
        if not link or link.startswith("#"):
            continue
        raw = line.encode("utf-8", "surrogateescape")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Item(
                link=raw.decode("utf-8", "replace").strip(),
                raw=raw,
                problem=("bad_encoding", f"line is not UTF-8: {exc.reason} at byte {exc.start}"),
            )
            continue
        yield Item(link=link, raw=raw)


def fetch_pages(ctx: Context) -> Iterator[Row]:
    source = ctx.source
    if source.urls:
        yield from fetch_items(ctx, Container(b"", "urls"), (Item(link=link) for link in source.urls))
        return
    if source.url:
        yield from fetch_items(ctx, Container(b"", "url"), [Item(link=source.url)])
        return
    path = source.path
    assert path is not None
    try:
        data, too_big = read_local(path, ctx.settings.max_bytes)
    except OSError as exc:
        yield ctx.factory.error(path.name, "not_found", f"cannot read {path.name}: {exc.strerror or exc}")
        return
    if too_big:
        yield ctx.factory.error(path.name, "too_large", f"{path.name} is larger than max_bytes", body=data)
        return
    yield from fetch_items(ctx, Container(data, path.name, base_dir=path.parent), _listed_items(data))
