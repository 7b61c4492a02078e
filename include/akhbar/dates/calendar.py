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
    """A year written with a month ("مايو 1085", "22 جانفي 1952"): history counts, not a count of things."""
    return 1000 <= y <= 2100


_FUTURE_DISTANCE = 1.25  # news report the past more than they announce: a future day counts as farther


def _distance(d: _dt.date, ref: _dt.date) -> float:
    days = (d - ref).days
    return -days if days <= 0 else _FUTURE_DISTANCE * days


def nearest(ref: _dt.date, month: int, day: int) -> _dt.date | None:
    """The day of that month nearest to ``ref`` (a date written without its year)."""
    cands = [
        d for d in (valid(y, month, day) for y in (ref.year - 1, ref.year, ref.year + 1)) if d is not None
    ]
    return min(cands, key=lambda d: _distance(d, ref)) if cands else None


def nearest_with_weekday(ref: _dt.date, month: int, day: int, wd: int) -> _dt.date | None:
    """ "الخميس 16 فيفري", "jeudi 23 août": the nearest year in which that day is that weekday, if one is near."""
    cands = [
        d
        for d in (valid(y, month, day) for y in range(ref.year - 6, ref.year + 5))
        if d and d.weekday() == wd
    ]
    return min(cands, key=lambda d: _distance(d, ref)) if cands else None


_WEEKDAY_DAY_REACH = 45  # days either way: "le samedi 21" names a day of this month or the next or last one


def nearest_weekday_numbered(ref: _dt.date, wd: int, day: int) -> _dt.date | None:
    """ "le samedi 21": the nearest date numbered ``day`` that falls on weekday ``wd``, a month or so away at most."""
    cands = []
    for k in (-2, -1, 0, 1, 2):
        first = add_months(ref, k)
        d = valid(first.year, first.month, day)
        if d is not None and d.weekday() == wd and abs((d - ref).days) <= _WEEKDAY_DAY_REACH:
            cands.append(d)
    return min(cands, key=lambda d: _distance(d, ref)) if cands else None


def nearest_weekday(ref: _dt.date, wd: int) -> _dt.date:
    """The day of that weekday nearest to ``ref`` (3 days either way)."""
    back = (ref.weekday() - wd) % 7
    return ref - _dt.timedelta(days=back) if back <= 3 else ref + _dt.timedelta(days=7 - back)


def day_with_qual(ref: _dt.date, month: int, day: int, qual: str | None) -> _dt.date | None:
    """ "26 جويلية الماضي": the last such day on or before ``ref``; الجاري: this year; المقبل: the next."""
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
        cands = [
            (abs((y * 12 + month) - (ref.year * 12 + ref.month)), -y, y)
            for y in (ref.year - 1, ref.year, ref.year + 1)
        ]
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
    if qual == "upcoming":  # a future clause: that day or the next one
        return ref + _dt.timedelta(days=(wd - ref.weekday()) % 7)
    if qual in PAST:
        return ref - _dt.timedelta(days=((ref.weekday() - wd) % 7) or 7)
    return ref + _dt.timedelta(days=((wd - ref.weekday()) % 7) or 7)


def add_months(ref: _dt.date, n: int) -> _dt.date:
    k = ref.year * 12 + ref.month - 1 + n
    return _dt.date(k // 12, k % 12 + 1, 1)
