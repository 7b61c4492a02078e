"""The dates written in a text, resolved against a reference day (normally the publication date).

A scan in four steps: normalise the text once; find the *anchors* (digit runs, a few Arabic
keywords, Latin month and relative words) in three fast passes; at each anchor not already inside
a match, try the expression its kind calls for (a day number followed by a month, a year after a
month or a cue word, a relative word ...) and resolve what matched; finally a day written without
its year borrows the year of the range end that has one ("من 15 جويلية إلى 15 أوت 2016").

Arabic, French and English expressions are all searched whatever the language of the article (an
Arabic article quotes "11 February 2013", a French one «12 جويلية»).

Annotation policy (also what the evaluation measures): a Gregorian month name is a date only when
anchored by a day (number, ordinal, غرة/أول), a year, a relative qualifier (الماضي، الجاري، المقبل
...) or the word شهر. Names of events and places built on dates (ثورة 25 يناير، شارع 14 جانفي) are
not dates. Bare years count only after a cue word (عام، سنة، منذ، في, en, in ...). "Last week"
style expressions resolve to the same weekday one week away with granularity "day".
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from akhbar.dates import patterns as p
from akhbar.dates.calendar import nearest, valid
from akhbar.dates.lexicon import (
    AR_MONTHS,
    AR_WEEKDAYS,
    CURRENT,
    EN_MONTHS,
    EN_WEEKDAYS,
    FR_MONTHS,
    FR_WEEKDAYS,
    FUTURE,
    PAST,
)
from akhbar.dates.normalise import STRIP, Normalised, normalise
from akhbar.dates.resolve import Finding, resolve_arabic, resolve_latin

_QUALIFIERS = PAST | CURRENT | FUTURE


@dataclass(frozen=True)
class DateMention:
    mention: str  # exact substring of the text
    date: _dt.date  # resolved Gregorian date (first day for month/year granularity)
    granularity: str  # "day" | "month" | "year"
    calendar: str  # "gregorian" | "hijri"
    is_relative: bool
    char_offset: int  # offset of mention in text


@dataclass
class _Scan:
    """The normalised text and how far matches already reach."""

    norm: str
    covered: int = 0


@dataclass(frozen=True)
class _Anchor:
    start: int
    kind: str  # number, arabic, latin
    hit: re.Match


def _anchors(norm: str) -> list[_Anchor]:
    # separate passes: Python's re loses its first-character prefilter on a combined alternation
    found = [_Anchor(h.start(), "number", h) for h in p.ANCHOR_NUM.finditer(norm)]
    found += [_Anchor(h.start(), "arabic", h) for h in p.ANCHOR_AR.finditer(norm)]
    found += [_Anchor(h.start(), "latin", h) for h in p.ANCHOR_LAT.finditer(norm)]
    found.sort(key=lambda a: a.start)
    return found


# --------------------------------------------------------------------------------------------
# What to try at an anchor
# --------------------------------------------------------------------------------------------


def _after_day_number(scan: _Scan, s: int, e: int) -> re.Match | None:
    """A 1-2 digit number: a Latin month follows, or an Arabic month, a range or a numeric date."""
    norm = scan.norm
    if p.LATIN_NEXT.match(norm, e) or p.LATIN_RANGE_NEXT.match(norm, e):
        return p.LATIN_RX.match(norm, s)
    if (
        norm[e : e + 1] == "/"
        and (art := p.FR_NUMERIC_BEFORE.search(norm, max(scan.covered, s - 16), s)) is not None
    ):
        m = p.LATIN_RX.match(norm, art.start())
        if m is not None and m.group("fr_nd") is not None:
            return m
    if p.AFTER_DAY.match(norm, e):
        m = p.AR_RX.match(norm, s)
        return None if m is not None and m.lastgroup == "ar_rel" else m
    return None


def _around_year(scan: _Scan, s: int, e: int) -> re.Match | None:
    """A 4-digit number: a month (and maybe a day) before it, a Hijri mark, a numeric date, a cue."""
    norm = scan.norm
    mb = p.MONTH_BEFORE_YEAR.search(norm, max(scan.covered, s - 48), s)
    if mb is not None:
        dw = p.DAYWORD_BEFORE.search(norm, max(scan.covered, mb.start() - 28), mb.start())
        m = p.AR_RX.match(norm, dw.start() if dw is not None else mb.start())
        if m is not None:
            return m
    elif p.HIJRI_MARK.match(norm, e) or norm[e : e + 1] in ("-", "/"):
        m = p.AR_RX.match(norm, s)
        if m is not None:
            return m
    same = p.SAME_MONTH_BEFORE_YEAR.search(norm, max(scan.covered, s - 32), s)
    if same is not None:  # "والشهر نفسه من عام 2015"
        m = p.AR_RX.match(norm, same.start())
        if m is not None:
            return m
    cue = p.CUE_BEFORE.search(norm, max(scan.covered, s - 12), s)
    if cue is not None:
        return p.YEAR_RX.match(norm, cue.start())
    if p.GREG_YEAR_MARK.match(norm, e):  # "لسنة 1438 هـ / 2017 م": a year marked Gregorian, without a cue
        return p.AR_RX.match(norm, s)
    if s >= 2 and norm[s - 2].isascii() and norm[s - 2].isalpha():
        m = p.LATIN_RX.search(norm, max(scan.covered, s - 16), e + 1)
        return m if m is not None and m.end() >= e else None
    return None


def _at_number(scan: _Scan, a: _Anchor) -> re.Match | None:
    s, e = a.start, a.hit.end()
    if e - s <= 2:
        return _after_day_number(scan, s, e)
    if e - s == 4:
        return _around_year(scan, s, e)
    return None


def _at_latin_word(scan: _Scan, a: _Anchor) -> re.Match | None:
    s = a.start
    if s and scan.norm[s - 1].isalpha():
        return None  # inside a longer word
    return p.LATIN_RX.match(scan.norm, s)


def _word_start(norm: str, s: int) -> int | None:
    """Where the word holding an Arabic keyword starts (with its attached prefix), None inside a word."""
    if not s or not p.AR_LETTER.match(norm, s - 1):
        return s
    start = s - 1
    if start and norm[start - 1] in p.PREFIX_LETTERS:
        start -= 1
    if norm[s - 1] not in p.PREFIX_LETTERS or (start and p.AR_LETTER.match(norm, start - 1)):
        return None
    return start


def _at_arabic_word(scan: _Scan, a: _Anchor) -> re.Match | None:
    norm = scan.norm
    s = _word_start(norm, a.start)
    if s is None:
        return None
    word = a.hit.group()
    if word == "امس" and (a.start - s == 2 or (a.start - s == 1 and norm[s] not in "وفب")):
        return None  # "لامس" (touched) is not "ل + أمس"
    if word in ("امس", "غد"):
        rb = p.REL_LEAD_BEFORE.search(norm, max(scan.covered, s - 10), s)
        s = rb.start() if rb is not None else s
    if word == "الغد":  # "مباراة الغد", "صباح الغد"
        rb = p.GHAD_LEAD_BEFORE.search(norm, max(scan.covered, s - 10), s)
        if rb is None:
            return None  # "جيل الغد", "تونس الغد": the future, not tomorrow
        s = rb.start()
    if word in ("هذا العام", "هذه السنه"):  # "يونيو هذا العام": start at the month
        mb = p.MONTH_BEFORE_THIS_YEAR.search(norm, max(scan.covered, s - 40), s)
        s = mb.start() if mb is not None else s
    if word in _QUALIFIERS:  # "26 جويلية الماضي": start at the month (and its day)
        mb = p.MONTH_BEFORE_QUAL.search(norm, max(scan.covered, s - 40), s)
        if mb is None:
            return None
        s, word = mb.start(), "شهر"
    if word == "شهر" or " ".join(word.split()) in p.ORDINAL_WORDS:
        dw = p.DAYWORD_BEFORE.search(norm, max(scan.covered, s - 28), s)
        m = p.AR_RX.match(norm, dw.start()) if dw is not None else None
        if m is not None and m.end() > s:
            return m  # "الخامس من شهر ..." read from its day
        # "الفصل الثاني من العام الحالي": the ordinal before is no day of it; read from the anchor
    return p.AR_RX.match(norm, s)


_TRY = {"number": _at_number, "latin": _at_latin_word, "arabic": _at_arabic_word}


# --------------------------------------------------------------------------------------------
# The scan
# --------------------------------------------------------------------------------------------


def _scan(norm: str, reference: _dt.date) -> list[Finding]:
    scan = _Scan(norm)
    found: list[Finding] = []
    for anchor in _anchors(norm):
        if anchor.start < scan.covered:
            continue
        m = _TRY[anchor.kind](scan, anchor)
        if m is None or m.end() <= m.start():
            continue
        scan.covered = m.end()
        if m.lastgroup in ("fr", "en"):
            found += resolve_latin(m, reference)
        else:
            found += resolve_arabic(m, norm, reference)
    return found


def _month_written_before(norm: str, start: int, reference: _dt.date) -> _dt.date | None:
    """The month named last before ``start`` ("في مارس بمعسكر ... في 19 ولغاية 27 من الشهر ذاته")."""
    last = None
    for m in p.BARE_MONTH.finditer(norm, max(0, start - 200), start):
        last = m
    if last is None:
        return None
    return nearest(reference, AR_MONTHS[" ".join(last.group("bmon").split())], 1)


def _resolve_anaphora(found: list[Finding], reference: _dt.date, norm: str) -> list[Finding]:
    """ "17 من نفس الشهر" takes the month (and year) of the date before it; "1 ديسمبر من نفس العام" its year."""
    out: list[Finding] = []
    f: Finding | None  # None: an anaphora that names no valid day
    for f in found:
        before = next((o for o in reversed(out) if o.granularity in ("day", "month")), None)
        if f.anaphora.startswith("month-strict:"):  # "20 منه" with no date before it: "of it", not a day
            d = valid(before.date.year, before.date.month, int(f.anaphora.split(":")[1])) if before else None
            f = f._replace(date=d, anaphora="") if d is not None else None
        elif f.anaphora.startswith("month:"):
            base = (
                before.date
                if before is not None
                else _month_written_before(norm, f.start, reference) or reference
            )
            d = valid(base.year, base.month, int(f.anaphora.split(":")[1]))
            f = f._replace(date=d, anaphora="") if d is not None else None
        elif f.anaphora.startswith("month-of:"):
            named = before.date if before is not None else _month_written_before(norm, f.start, reference)
            year = int(f.anaphora.split(":")[1])
            f = f._replace(date=_dt.date(year, named.month, 1), anaphora="") if named is not None else None
        elif f.anaphora == "year":
            year_of = next((o for o in reversed(out) if o.explicit_year), None)
            d = valid(year_of.date.year, f.date.month, f.date.day) if year_of is not None else None
            f = f._replace(date=d or f.date, explicit_year=d is not None, relative=d is None, anaphora="")
        if f is not None:
            out.append(f)
    return out


def _borrow_years(found: list[Finding], norm: str) -> list[Finding]:
    """A day without its year followed by a range end that has one: "من 15 جويلية إلى 15 أوت 2016"."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        lacks_year = a.granularity == "day" and not a.explicit_year and a.relative
        has_year = b.granularity == "day" and b.explicit_year and b.date.year != a.date.year
        if lacks_year and has_year and p.RX_YEAR_BORROW.match(norm[a.end : b.start]):
            d = valid(b.date.year, a.date.month, a.date.day)
            if d is not None and d <= b.date:
                out[i] = a._replace(date=d, relative=False, explicit_year=True)
    return out


def _coordinated_months(found: list[Finding], norm: str) -> list[Finding]:
    """Month names written just before a month with its year share that year ("En février et mai 2018")."""
    out: list[Finding] = []
    covered_until = 0
    for f in found:
        if f.granularity == "month" and f.explicit_year:
            earlier: list[Finding] = []
            pos = f.start
            while (m := p.MONTH_BEFORE_COORD.search(norm, max(covered_until, pos - 40), pos)) is not None:
                name = "ar" if m.group("ar") is not None else "lat"
                earlier.insert(0, Finding(m.start(name), m.end(name), f.date.replace(month=_month_number(m)), "month",
                                          "gregorian", False, True))  # fmt: skip
                pos = m.start()
            out += earlier
        out.append(f)
        covered_until = f.end
    return out


_AGREES_BEFORE = re.compile(r"(?:يوافق|توافق|الموافق|الموافق\s+ل|وافق|وافقت)\s*(?:ل\s*)?(?:يوم\s+)?$")
_WEEKDAY_NUMBERS = {**AR_WEEKDAYS, **{k.lower(): v for k, v in EN_WEEKDAYS.items()}, **FR_WEEKDAYS}


def _weekdays_of_dates(found: list[Finding], norm: str) -> list[Finding]:
    """ "غرة رمضان 1445 هـ توافق يوم الاثنين": the weekday a date falls on is that date, not the last Monday; so is
    a weekday named again after its dated day ("حتى الأربعاء (6 فبراير) ... باستثناء اليوم الأخير (الأربعاء)")."""
    out: list[Finding] = []
    for f in found:
        name = norm[f.start : f.end].removeprefix("يوم ").strip().lower()
        wd = _WEEKDAY_NUMBERS.get(name)
        if wd is not None and f.relative:
            agrees = _AGREES_BEFORE.search(norm, max(0, f.start - 20), f.start) is not None
            reach = 120 if agrees else 200
            dated = next((o for o in reversed(out) if o.granularity == "day" and o.date.weekday() == wd
                          and f.start - o.end < reach and (agrees and not o.relative or _has_day_number(o, norm))),
                         None)  # fmt: skip
            if dated is not None:
                f = f._replace(date=dated.date)
        out.append(f)
    return out


_FOLLOWING_REACH = 160


def _following_weekdays(found: list[Finding], norm: str) -> list[Finding]:
    """ "تبدأ يوم 24 مارس، وتصل إلى ذروتها الأحد التالي", "le dimanche suivant", "the following Sunday": the first such
    weekday after the day written before it, not the last one before the reference."""
    out: list[Finding] = []
    for f in found:
        wd = _weekday_named(f, norm) if f.relative and out else None
        following = wd is not None and (
            p.FOLLOWING_AFTER.match(norm, f.end)
            or p.FOLLOWING_BEFORE.search(norm, max(0, f.start - 16), f.start)
        )
        if wd is not None and following:
            day = next(
                (o for o in reversed(out) if o.granularity == "day" and f.start - o.end < _FOLLOWING_REACH),
                None,
            )
            if day is not None:
                f = f._replace(date=day.date + _dt.timedelta(days=(wd - day.date.weekday()) % 7 or 7))
        out.append(f)
    return out


def _weekday_named(f: Finding, norm: str) -> int | None:
    """The weekday a finding names alone ("الأحد", "يوم الأحد", "Sunday"), None for any other finding."""
    if f.granularity != "day" or f.end - f.start > 12:
        return None
    return _WEEKDAY_NUMBERS.get(norm[f.start : f.end].removeprefix("يوم ").strip().lower())


def _joined_weekdays_in_order(found: list[Finding], norm: str, reference: _dt.date) -> list[Finding]:
    """ "protests on Thursday and Friday", "الخميس والجمعة": two weekdays named together are in that order within one
    week; when the tense markers put the first after the second, the one nearer the reference stands and the other
    moves to its side."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not (a.relative and b.relative) or a.date <= b.date or b.start - a.end > 12:
            continue
        first, second = _weekday_named(a, norm), _weekday_named(b, norm)
        if (
            first is not None
            and second is not None
            and p.WEEKDAYS_JOINED.search(norm, max(0, b.start - 12), b.start)
        ):
            gap = _dt.timedelta(days=(second - first) % 7 or 7)
            if abs((a.date - reference).days) < abs((b.date - reference).days):
                out[i + 1] = b._replace(date=a.date + gap)
            else:
                out[i] = a._replace(date=b.date - gap)
    return out


def _has_day_number(f: Finding, norm: str) -> bool:
    """A day written with its number ("الأربعاء 6 فبراير 2013", "6 March"), not a weekday alone."""
    return any(ch.isdigit() for ch in norm[f.start : f.end])


def _month_number(m: re.Match) -> int:
    if m.group("ar") is not None:
        return AR_MONTHS[" ".join(m.group("ar").split())]
    name = m.group("lat").lower()
    return FR_MONTHS.get(name) or EN_MONTHS[name.capitalize()]


def _to_mention(f: Finding, text: str, normalised: Normalised) -> DateMention | None:
    start = normalised.original(f.start)
    end = normalised.original(f.end - 1) + 1
    if normalised.breakpoints:  # keep a diacritic or tatweel written right after the last letter
        tail = STRIP.match(text, end)
        end = tail.end() if tail is not None else end
    mention = text[start:end]
    stripped = mention.strip()  # blanks the expression may have swallowed at the edges
    if not stripped:
        return None
    start += len(mention) - len(mention.lstrip())
    return DateMention(stripped, f.date, f.granularity, f.calendar, f.relative, start)


def find_date_mentions(text: str, *, reference: _dt.date, lang: str | None = None) -> list[DateMention]:
    """Dates written in ``text``, resolved against ``reference`` (usually the publication date).

    ``lang`` is accepted for compatibility: every language's expressions are searched, since
    articles quote dates in other languages than their own.
    """
    if not text:
        return []
    if isinstance(reference, _dt.datetime):
        reference = reference.date()
    normalised = normalise(text)
    found = _resolve_anaphora(_scan(normalised.text, reference), reference, normalised.text)
    found = _coordinated_months(_borrow_years(found, normalised.text), normalised.text)
    found = _following_weekdays(_weekdays_of_dates(found, normalised.text), normalised.text)
    found = _joined_weekdays_in_order(found, normalised.text, reference)
    mentions = (_to_mention(f, text, normalised) for f in found)
    return [m for m in mentions if m is not None]
