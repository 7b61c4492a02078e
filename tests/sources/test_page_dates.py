"""Issue 15: an undated feed item's page is dated once, at fetch time, and that date travels
to extraction in meta_published (with where it came from) instead of being decided again."""

from __future__ import annotations

import datetime as _dt
import zoneinfo

import pyarrow as pa

from akhbar.extraction import extract_records
from akhbar.sources.page_dates import PageDate, mark_page_date, read_page_date
from akhbar.stats import StageCounts
from tests.sources.helpers import PROJECT_ROOT, collect, make_source, settings

SITE = PROJECT_ROOT / "sample" / "sites" / "tunis-akhbar"
NOMETA = "articles/2026-11-28-nometa-culture.html"  # no pubDate in the feed, no date metadata on the page
TUNIS = zoneinfo.ZoneInfo("Africa/Tunis")


def test_marked_date_reads_back():
    date = PageDate(
        _dt.datetime(2026, 11, 28, 10, 40, tzinfo=_dt.UTC), "text", "السبت 28 نوفمبر 2026 (صباحا)"
    )
    marked = mark_page_date(date, TUNIS)
    assert marked == "2026-11-28T11:40:00+01:00 (page text: السبت 28 نوفمبر 2026 (صباحا))"
    assert read_page_date(marked) == PageDate(date.published_at, "text", "السبت 28 نوفمبر 2026 (صباحا)")
    assert read_page_date("Sat, 28 Nov 2026 10:00:00 +0100") is None  # a feed's own date is not a page date
    assert read_page_date(None) is None


def fetch(night: _dt.date):
    counts = StageCounts("fetch")
    rows = collect(
        make_source(id="tunis-akhbar", path=SITE / "feed.xml", settings=settings(window_days=0)),
        dt=night,
        counts=counts,
    )
    return rows, counts


def test_undated_item_belongs_to_the_night_its_page_gives():
    rows, _ = fetch(_dt.date(2026, 11, 28))
    nometa = next(r for r in rows if r["locator"] == NOMETA)
    carried = read_page_date(nometa["meta_published"])
    assert carried is not None and carried.date_source == "text"
    assert carried.published_at.astimezone(TUNIS).date() == _dt.date(2026, 11, 28)
    other_night, counts = fetch(_dt.date(2026, 11, 27))
    assert NOMETA not in {r["locator"] for r in other_night}
    assert counts.extra["fetch_skipped"]["outside_window"] >= 1


def test_extraction_keeps_the_carried_date_and_its_source():
    rows, _ = fetch(_dt.date(2026, 11, 28))
    nometa = next(r for r in rows if r["locator"] == NOMETA)
    documents, _, _ = extract_records(pa.Table.from_pylist([nometa]), dt=_dt.date(2026, 11, 28))
    doc = documents.to_pylist()[0]
    carried = read_page_date(nometa["meta_published"])
    assert doc["date_source"] == "text" and doc["published_raw"] == carried.raw
    assert doc["published_at"] == carried.published_at
    # A carried date wins even when the page alone would now be read otherwise: decided once.
    moved = dict(
        nometa,
        meta_published=mark_page_date(
            carried._replace(published_at=carried.published_at + _dt.timedelta(hours=3)), TUNIS
        ),
    )
    documents, _, _ = extract_records(pa.Table.from_pylist([moved]), dt=_dt.date(2026, 11, 28))
    assert documents.to_pylist()[0]["published_at"] == carried.published_at + _dt.timedelta(hours=3)
