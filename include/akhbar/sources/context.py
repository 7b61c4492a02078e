"""One run of one source: its settings, night, state, figures, record factory and HTTP client."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from akhbar.config import Source, SourceSettings
from akhbar.sources.http import HttpClient
from akhbar.sources.records import FetchCounts, RecordFactory
from akhbar.sources.state import FetchState


@dataclass
class Context:
    """One run of one source."""

    source: Source
    dt: _dt.date
    state: FetchState
    counts: FetchCounts
    factory: RecordFactory
    client: HttpClient | None = None
    owns_client: bool = False
    # What this run already took, across every container of the source (a sitemap index
    # whose children overlap, or that lists itself): the same URL is one record.
    seen_links: set[str] = field(default_factory=set)
    seen_containers: set[str] = field(default_factory=set)
    items_taken: int = 0

    @property
    def settings(self) -> SourceSettings:
        return self.source.settings

    def http(self) -> HttpClient:
        if self.client is None:
            self.client = HttpClient(self.settings)
            self.owns_client = True
        return self.client

    def close(self) -> None:
        client = self.client
        if client is None:
            return
        if self.owns_client:
            client.close()
        self.counts.http_requests += client.requests
        self.counts.http.update(client.stats)


def window(ctx: Context) -> tuple[_dt.date, _dt.date]:
    """The nights a run takes items from: [dt - window_days, dt].

    With window_days 0 (the default) every item belongs to exactly one night (the one it was
    published on), so nights can be fetched or backfilled in any order with the same result.
    """
    return ctx.dt - _dt.timedelta(days=ctx.settings.window_days), ctx.dt


def in_window(ctx: Context, day: _dt.date | None) -> bool:
    if day is None:  # undated items are kept: better fetched twice than never
        return True
    lo, hi = window(ctx)
    return lo <= day <= hi


def local_day(ctx: Context, when: _dt.datetime) -> _dt.date:
    """The calendar day of an instant in the source's timezone."""
    return when.astimezone(ZoneInfo(ctx.source.timezone or "UTC")).date()


def item_day(ctx: Context, published: str | None) -> _dt.date | None:
    """The local calendar day an item was published on, in the source's timezone."""
    if not published or not isinstance(published, str):
        return None
    from akhbar.dates import parse_published

    when = parse_published(published, tz=ctx.source.timezone or "UTC", lang=ctx.source.lang)
    if when is None:
        return None
    try:
        return local_day(ctx, when)
    except (OverflowError, ValueError):  # year 1 or 9999 pushed out of range by the offset
        return None
