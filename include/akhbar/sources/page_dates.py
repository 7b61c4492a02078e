"""The publication date of a page its feed did not date: decided once, at fetch time, and carried.

A feed item without a date belongs to the night its page says it was published. The fetch
must know that night (to keep the item or leave it to its own night), so it reads the page's
date with :func:`akhbar.extraction.extract_html` — the same logic extraction applies — and
writes the answer into the raw record's ``meta_published`` with a marker of where it came
from::

    2026-11-28T11:40:00+01:00 (page text: السبت 28 نوفمبر 2026 - 11:40)

Extraction reads it back with :func:`read_page_date` and keeps it (same instant, same
``date_source``, same raw text) instead of deciding again: the night an item was fetched
for and its ``published_at`` can never disagree, even when extraction later uses context the
fetch does not have (other pages of the night). The page is parsed twice only for items the
feed leaves undated.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import NamedTuple

from akhbar.sources.records import Row

_MARKED = re.compile(
    r"^(?P<iso>\d{4}-\d{2}-\d{2}T[0-9:.]+[+-]\d{2}:\d{2}) \(page (?P<source>[a-z_]+): (?P<raw>.*)\)$",
    re.DOTALL,
)
_RAW_MAX = 200


class PageDate(NamedTuple):
    published_at: _dt.datetime  # aware
    date_source: str  # metadata, jsonld, time_tag, text, url (as extraction names them)
    raw: str  # the date as written on the page


def mark_page_date(date: PageDate, tz: _dt.tzinfo) -> str:
    """The ``meta_published`` value that carries a page's date to extraction."""
    raw = " ".join(date.raw.split())[:_RAW_MAX]
    iso = date.published_at.astimezone(tz).isoformat(timespec="seconds")
    return f"{iso} (page {date.date_source}: {raw})"


def read_page_date(value: str | None) -> PageDate | None:
    """The page date carried by ``meta_published``, or None when it is the container's own."""
    if not value or "(page " not in value:
        return None
    match = _MARKED.match(value)
    if match is None:
        return None
    try:
        when = _dt.datetime.fromisoformat(match.group("iso"))
    except ValueError:
        return None
    return PageDate(when, match.group("source"), match.group("raw"))


def find_page_date(row: Row, *, tz: str, lang: str | None, night: _dt.date) -> PageDate | None:
    """The publication date of a fetched page (metadata, then visible text, then URL), or None."""
    from akhbar.extraction import UnknownEncodingError, extract_html

    headers = None
    if row.get("headers"):
        try:
            headers = json.loads(row["headers"])
        except ValueError:
            headers = None
    try:
        page = extract_html(
            row["body"],
            url=row.get("final_url") or row.get("url"),
            headers=headers,
            tz=tz,
            lang_hint=lang,
            reference=night,
        )
    except (UnknownEncodingError, ValueError):
        return None
    if page.published_at is None:
        return None
    return PageDate(page.published_at, page.date_source, page.published_raw or page.published_at.isoformat())
