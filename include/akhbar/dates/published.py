"""What a source wrote as the publication time -> an aware UTC datetime, or None.

ISO 8601 (with or without offset, "T" or space, the malformed ANT form ``2017-01-22T185600``),
``DD/MM/YYYY`` with an optional time and AM/PM, ``YYYY/MM/DD``, epochs in seconds or
milliseconds, RFC 822 feed dates, and textual dates in Arabic, French and English with a time
("12 جويلية 2022 - 14:30 مساء", "July 12, 2022 10:00 AM"). Values without an offset are read in
the source's zone. It never guesses today's date and never raises.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from email.utils import parsedate_tz
from functools import lru_cache
from zoneinfo import ZoneInfo

from akhbar.dates.normalise import TRANS

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)
_DMY = re.compile(
    r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?:[ T,]+(?:à\s*|at\s*)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_RFC822 = re.compile(r"^[A-Za-z]{3},?\s+\d|^\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d")
_TIME_IN_TEXT = re.compile(
    r"(?<!\d)([0-2]?\d)[:h](\d{2})(?::(\d{2}))?(?!\d)\s*([AaPp]\.?[Mm]\.?|صباحا|مساء|مساءا|ص|م(?![\u0621-\u064a]))?"
)
_OFFSET_IN_TEXT = re.compile(r"(?:GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?|(?<![\d:])([+-]\d{2}):?(\d{2})$")
_EVENING = ("pm", "مساء", "مساءا", "م")
_MORNING = ("am", "صباحا", "ص")


def zone(tz: str | None) -> _dt.tzinfo:
    if not tz:
        return _dt.UTC
    try:
        return ZoneInfo(tz)
    except Exception:
        return _dt.UTC


def _offset(text: str | None) -> _dt.tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "z", "UTC", "GMT"):
        return _dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hh = int(digits[:2])
    mm = int(digits[2:4]) if len(digits) >= 4 else 0
    if hh > 14 or mm > 59:
        return None
    return _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))


@dataclass(frozen=True)
class _Fields:
    """A date and time as written, and the offset it states (None: the source's zone)."""

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    tzinfo: _dt.tzinfo | None = None

    def build(self, default_tz: _dt.tzinfo) -> _dt.datetime | None:
        if not (1900 <= self.year <= 2100):
            return None
        try:
            naive = _dt.datetime(self.year, self.month, self.day, self.hour, self.minute, self.second)
        except ValueError:
            return None
        aware = naive.replace(tzinfo=self.tzinfo if self.tzinfo is not None else default_tz)
        return aware.astimezone(_dt.UTC)


def _from_epoch(s: str) -> _dt.datetime | None:
    v = float(s)
    if v > 1e11:  # milliseconds
        v /= 1000.0
    out = _dt.datetime.fromtimestamp(v, _dt.UTC)
    return out if 1990 <= out.year <= 2100 else None


def _iso(m: re.Match) -> _Fields | None:
    tzinfo = _offset(m[7]) if m[7] else None
    if m[7] and tzinfo is None:
        return None
    return _Fields(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0), tzinfo)


def _dmy(m: re.Match) -> _Fields:
    a, b, y = int(m[1]), int(m[2]), int(m[3])
    if b > 12 and a <= 12:  # US order, the only reading possible
        a, b = b, a
    hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    if m[7]:
        hh = hh % 12 + (12 if m[7].lower() == "pm" else 0)
    return _Fields(y, b, a, hh, mi, ss, _offset(m[8]) if m[8] else None)


def _rfc822(s: str) -> _Fields | None:
    t = parsedate_tz(s)
    if t is None:
        return None
    if t[9] is not None and not re.search(r"-0000\s*$", s):
        tzinfo = _dt.timezone(_dt.timedelta(seconds=t[9]))
    elif re.search(r"(?:GMT|UTC|UT|Z)\s*$", s):
        tzinfo = _dt.UTC
    else:
        tzinfo = None
    return _Fields(*t[:6], tzinfo)


def _time_in_text(rest: str, before: str) -> tuple[int, int, int]:
    tm = _TIME_IN_TEXT.search(rest) or _TIME_IN_TEXT.search(before)
    if not tm:
        return 0, 0, 0
    hh, mi, ss = int(tm[1]), int(tm[2]), int(tm[3] or 0)
    meridian = (tm[4] or "").lower().replace(".", "")
    if meridian in _EVENING and hh < 12:
        hh += 12
    elif meridian in _MORNING and hh == 12:
        hh = 0
    return (0, 0, 0) if hh > 23 or mi > 59 or ss > 59 else (hh, mi, ss)


def _offset_in_text(rest: str) -> _dt.tzinfo | None:
    om = _OFFSET_IN_TEXT.search(rest)
    if om:
        if om[1]:
            return _offset(f"{om[1][0]}{int(om[1][1:]):02d}{om[2] or '00'}")
        return _offset(om[3] + om[4])
    return _dt.UTC if re.search(r"\b(?:GMT|UTC)\b", rest) else None


def mention_datetime(day: _dt.date, after: str, before: str = "", *, tz: str = "UTC") -> _dt.datetime | None:
    """The instant of a date already found in a text (a mention): its day, the time written near it
    ("12 جويلية 2022 - 14:30"), the offset written after it; aware UTC, or None."""
    hh, mi, ss = _time_in_text(after, before)
    return _Fields(day.year, day.month, day.day, hh, mi, ss, _offset_in_text(after)).build(zone(tz))


def _textual(s: str) -> _Fields | None:
    """ "12 جويلية 2022 - 14:30", "July 12, 2022 10:00 AM": the first full date and the time near it."""
    from akhbar.dates.mentions import find_date_mentions

    mentions = find_date_mentions(s, reference=_dt.date(2000, 1, 1))
    best = next((m for m in mentions if m.granularity == "day" and not m.is_relative), None)
    if best is None:
        return None
    rest = s[best.char_offset + len(best.mention) :]
    hh, mi, ss = _time_in_text(rest, s[: best.char_offset])
    d = best.date
    return _Fields(d.year, d.month, d.day, hh, mi, ss, _offset_in_text(rest))


def _fields(s: str) -> _Fields | None:
    m = _ISO.match(s)
    if m:
        return _iso(m)
    m = _DMY.match(s)
    if m:
        return _dmy(m)
    m = _YMD_SLASH.match(s)
    if m:
        return _Fields(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
    if _RFC822.match(s):
        fields = _rfc822(s)
        if fields is not None:
            return fields
    return _textual(s)


def parse_published(raw: str | None, *, tz: str = "UTC", lang: str | None = None) -> _dt.datetime | None:
    """What a source wrote as publication time -> aware UTC datetime, or None. Never raises.

    ``lang`` is accepted for compatibility: textual dates are read in every language.
    """
    try:
        if raw is None:
            return None
        if isinstance(raw, _dt.datetime):
            return (raw if raw.tzinfo else raw.replace(tzinfo=zone(tz))).astimezone(_dt.UTC)
        return _parse_string(str(raw), tz)
    except Exception:
        return None


@lru_cache(maxsize=8192)
def _parse_string(raw: str, tz: str) -> _dt.datetime | None:
    """The work of :func:`parse_published` on a string, remembered: a page gives the same value in its meta
    tags and its JSON-LD, a feed the same one for many items (the result is immutable)."""
    s = raw.translate(TRANS).strip()
    if not s:
        return None
    if _EPOCH.match(s):
        return _from_epoch(s)
    fields = _fields(s)
    return fields.build(zone(tz)) if fields is not None else None
