"""Nights and Airflow's dates: which night a run processes, and the dates that backfill given nights.

A night is a calendar day in the schedule's timezone (``AKHBAR_TIMEZONE``). A scheduled or backfill run of
``akhbar_nightly`` processes the day its data interval starts on, which is also the day of its logical
date, the one in its run id (``scheduled__2026-11-26T01:30:00+00:00`` processes 2026-11-26 in Tunis). A
manual run processes its ``night`` param, else the day before it was triggered.

Stdlib only: the Makefile calls ``python -m akhbar.nights FIRST LAST`` for ``make backfill``.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import zoneinfo

DEFAULT_TIMEZONE = "Africa/Tunis"


def schedule_timezone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(os.environ.get("AKHBAR_TIMEZONE", DEFAULT_TIMEZONE))


def night_of_run(
    *,
    data_interval_start: _dt.datetime | None,
    logical_date: _dt.datetime | None = None,
    night_param: str | None = None,
    now: _dt.datetime | None = None,
) -> _dt.date:
    """The night a run processes: its ``night`` param, else the day its data interval starts on (or its
    logical date) in the schedule's timezone, else (a manual run with neither) the day before now."""
    if night_param:
        return _dt.date.fromisoformat(str(night_param))
    tz = schedule_timezone()
    start = data_interval_start or logical_date
    if start is None:
        return ((now or _dt.datetime.now(tz)).astimezone(tz) - _dt.timedelta(days=1)).date()
    return start.astimezone(tz).date()


def backfill_bounds(first: _dt.date, last: _dt.date) -> tuple[_dt.datetime, _dt.datetime]:
    """``--from-date`` and ``--to-date`` of ``airflow backfill create`` for the nights ``first`` to ``last``,
    both included: Airflow takes the runs whose logical date (the start of the night's data interval, at
    the schedule's time) falls between them. Plain dates would be midnight UTC, and ``--to-date 2026-11-07``
    would leave out the night of the 7th."""
    if last < first:
        raise ValueError(f"the last night {last} is before the first {first}")
    tz = schedule_timezone()
    return (
        _dt.datetime.combine(first, _dt.time(0, 0), tz),
        _dt.datetime.combine(last, _dt.time(23, 59, 59), tz),
    )


def nights_between(first: _dt.date, last: _dt.date) -> list[_dt.date]:
    return [first + _dt.timedelta(days=i) for i in range((last - first).days + 1)]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(
            "usage: python -m akhbar.nights FIRST_NIGHT LAST_NIGHT   (YYYY-MM-DD, both included)",
            file=sys.stderr,
        )
        return 2
    try:
        first, last = (_dt.date.fromisoformat(a) for a in argv)
        start, end = backfill_bounds(first, last)
    except ValueError as exc:
        print(f"akhbar.nights: {exc}", file=sys.stderr)
        return 2
    print(f"--from-date {start.isoformat()} --to-date {end.isoformat()}")
    print(f"{len(nights_between(first, last))} nights, {first} to {last} ({start.tzinfo})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
