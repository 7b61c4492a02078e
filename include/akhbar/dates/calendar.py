"""Date arithmetic of mentions: the nearest such day, the weekday before or after, a qualified month."""

from __future__ import annotations

import datetime as _dt

from akhbar.dates.lexicon import CURRENT, FUTURE, PAST


def valid(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def ok_year(y: int) -> bool:
    return 1800 <= y <= 2100


def nearest(ref: _dt.date, month: int, day: int) -> _dt.date | None:
    """The day of that month nearest to ``ref`` (a date written without its year)."""
    best = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = valid(y, month, day)
        if d is not None and (best is None or abs((d - ref).days) < abs((best - ref).days)):
            best = d
    return best


def day_with_qual(ref: _dt.date, month: int, day: int, qual: str | None) -> _dt.date | None:
    """"26 جويلية الماضي": the last such day on or before ``ref``; الجاري: this year; المقبل: the next."""
    if qual is None:
        return nearest(ref, month, day)
    if qual in PAST:
        for y in (ref.year, ref.year - 1, ref.year - 2):
            d = valid(y, month, day)
            if d is not None and d <= ref:
                return d
        return None
    if qual in CURRENT:
        return valid(ref.year, month, day)
    for y in (ref.year, ref.year + 1, ref.year + 2):
        d = valid(y, month, day)
        if d is not None and d >= ref:
            return d
    return None


def month_with_qual(ref: _dt.date, month: int, qual: str | None) -> _dt.date:
    if qual is None:  # nearest month, ties to the past
        cands = [(abs((y * 12 + month) - (ref.year * 12 + ref.month)), -y, y) for y in (ref.year - 1, ref.year, ref.year + 1)]
        return _dt.date(min(cands)[2], month, 1)
    if qual in PAST:
        return _dt.date(ref.year if month < ref.month else ref.year - 1, month, 1)
    if qual in CURRENT:
        return _dt.date(ref.year, month, 1)
    return _dt.date(ref.year if month > ref.month else ref.year + 1, month, 1)


def year_of_qual(ref: _dt.date, qual: str) -> int:
    return ref.year - 1 if qual in PAST else ref.year + 1 if qual in FUTURE else ref.year


def weekday(ref: _dt.date, wd: int, qual: str | None) -> _dt.date:
    """A weekday named in the news: the most recent one (today included) unless qualified."""
    if qual is None or qual in CURRENT:
        return ref - _dt.timedelta(days=(ref.weekday() - wd) % 7)
    if qual in PAST:
        return ref - _dt.timedelta(days=((ref.weekday() - wd) % 7) or 7)
    return ref + _dt.timedelta(days=((wd - ref.weekday()) % 7) or 7)


def add_months(ref: _dt.date, n: int) -> _dt.date:
    k = ref.year * 12 + ref.month - 1 + n
    return _dt.date(k // 12, k % 12 + 1, 1)
