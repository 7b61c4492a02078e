"""Hijri dates to Gregorian ones with the Umm al-Qura calendar (hijridate)."""

from __future__ import annotations

import datetime as _dt


def hijri_to_gregorian(year: int, month: int, day: int) -> _dt.date | None:
    try:
        from hijridate import Hijri

        g = Hijri(year, month, day).to_gregorian()
        return _dt.date(g.year, g.month, g.day)
    except (ValueError, OverflowError, ImportError):
        return None


def nearest_hijri(ref: _dt.date, month: int, day: int) -> _dt.date | None:
    """The Gregorian day of ``day`` ``month`` (Hijri) in the Hijri year nearest to ``ref``."""
    try:
        from hijridate import Gregorian

        hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
    except (ValueError, OverflowError, ImportError):
        return None
    cands = [d for d in (hijri_to_gregorian(y, month, day) for y in (hy - 1, hy, hy + 1)) if d is not None]
    return min(cands, key=lambda d: abs((d - ref).days)) if cands else None
