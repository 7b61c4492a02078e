"""A list of article URLs: ``urls:`` in the registry, or ``path:`` to a text file of URLs.

In the file, one URL a line; blank lines and lines starting with '#' are ignored.
Relative lines name files next to the list (a mirrored site).
"""

from __future__ import annotations

from typing import Iterator

from akhbar.sources.base import Container, Context, Item, fetch_items, read_local


def fetch_pages(ctx: Context) -> Iterator[dict]:
    source = ctx.source
    if source.urls:
        container = Container(b"", "urls")
        links = list(source.urls)
    elif source.url:
        container = Container(b"", "url")
        links = [source.url]
    else:
        path = source.path
        try:
            data, too_big = read_local(path, ctx.max_bytes)
        except OSError as exc:
            yield ctx.factory.error(path.name, "not_found", f"cannot read {path.name}: {exc.strerror or exc}")
            return
        if too_big:
            yield ctx.factory.error(path.name, "too_large", f"{path.name} is larger than max_bytes", body=data)
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield ctx.factory.error(path.name, "bad_encoding", f"{path.name} is not UTF-8: {exc}", body=data)
            return
        container = Container(data, path.name, base_dir=path.parent)
        links = [line.strip() for line in text.splitlines()]
        links = [line for line in links if line and not line.startswith("#")]
    yield from fetch_items(ctx, container, (Item(link=link) for link in links))
