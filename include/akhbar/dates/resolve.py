"""A matched date expression -> the date it means, resolved against a reference day.

Each kind of expression (day and month, month, Hijri, year, relative word, numeric date; French
and English forms) has its own small function returning :class:`Finding` values.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple

from akhbar.dates import calendar as cal
from akhbar.dates.hijri import hijri_to_gregorian, nearest_hijri
from akhbar.dates.lexicon import (
    AR_MONTHS,
    AR_ORDINALS,
    AR_WEEKDAYS,
    EN_MONTHS,
    EN_WEEKDAYS,
    FR_ABBREVIATIONS,
    FR_MONTHS,
    FR_WEEKDAYS,
    FUTURE,
    HIJRI_MONTHS,
    PAST,
)
from akhbar.dates.patterns import (
    EVERY_BEFORE_AR,
    EVERY_YEAR_AFTER,
    HOLIDAY_AFTER,
    NAME_BEFORE,
    PART_BEFORE,
    QUOTE_AFTER,
    RX_AFTER_TODAY,
    RX_BEFORE_TODAY,
    RX_BEFORE_WD,
    RX_PER_DAY_BEFORE,
    RX_QUOTED_TODAY,
    RX_STATE_AFTER_TODAY,
    RX_UNTIL_TODAY,
    SINCE_BEFORE,
    YEARS_AGO_AFTER,
)
from akhbar.dates.tense import clause_tense, weekday_qualifier

_DAY = _dt.timedelta(days=1)
# "القانون عدد 80 لسنة 2002 المؤرخ في 23 جويلية": a law's day without its year is in the law's year
_LAW_YEAR_BEFORE = re.compile(
    r"(?:سنه|عام)\s*(?P<y>(?:19|20)\d\d)\s*(?:و)?(?:ال)?مؤرخ[ه]?\s+(?:في|بتاريخ)?\s*$"
)
_FIRST_DAY_WORDS = ("غره", "اول", "فاتح", "الفاتح")
_EN_NAME_AFTER = re.compile(r"\s+(?:City|Bridge|Street|Square|Stadium|University|Movement|Youth|War|Revolution|Road|uprising)\b",
                            re.IGNORECASE)  # fmt: skip
_HABIT_AFTER = re.compile(r"\s+(?:prayers?|sermons?|market|services?)\b", re.IGNORECASE)
# A weekday in a name: The Sunday Times, Black Friday, Good Friday, Mardi gras, le lundi de Pâques.
_DAY_NAME_AFTER = re.compile(r"\s+(?:Times|Telegraph|Mirror|Express|Post|Herald|Mail|Observer|Tribune|Independent|Star|"
                             r"People|Sport|Sun|Night\s+Live|saint|gras|de\s+P[âa]ques|de\s+Pentec[ôo]te)\b")  # fmt: skip
_DAY_NAME_BEFORE = re.compile(
    r"\b(?:Black|Good|Holy|Palm|Easter|Ash|Super|Bloody|Cyber|Maundy|Shrove|Vendredi)\s+$"
)
# "le marché du samedi", "les matchs du dimanche": a habit, when no day number follows.
_FR_HABIT_BEFORE = re.compile(r"\b(?:du|des)\s+$", re.IGNORECASE)
_EVERY_BEFORE = re.compile(r"\b(?:chaque|tous\s+les|every|each)\s+$", re.IGNORECASE)
_FR_THE_BEFORE = re.compile(r"(?:^|[.;:!?]\s*|\n)(?:le|Le)\s+$")  # "Le lundi, les bibliothèques sont fermées"
# "la nuit du samedi au dimanche" is one night (the next day after "au"); "du lundi au samedi" is opening hours.
_FR_WEEKDAY_SPAN = re.compile(
    r"\bdu\s+(?P<a>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+(?:au|à)\s+"
    r"(?P<b>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    re.IGNORECASE,
)
# ("à partir d'aujourd'hui", "à compter de demain" are days)
_FR_IDIOM_BEFORE = re.compile(
    r"(?:(?<!partir\s)(?<!compter\s)\bd['’]|hier\s+[àa]\s+|passé\s+et\s+|\bencore\s+)$", re.IGNORECASE
)
_FR_OF_TOMORROW = re.compile(
    r"(?<!partir\s)(?<!compter\s)\bde\s+$", re.IGNORECASE
)  # "les entreprises de demain": the future
# ... but "le match d'hier", "la séance de demain" are the day's events: a day.
_FR_EVENT_OF_DAY = re.compile(
    r"\b(?:match|rencontre|séance|réunion|audience|conseil|sommet|vote|scrutin|manifestation|grève|discours|annonce|"
    r"conférence|édition|journée|soirée|nuit|matinée|attentat|attaque|accident|incendie|explosion|défilé|marche|"
    r"rassemblement|procès|débat|élection|tirage|cérémonie|course|étape|finale|demi-finale|départ|arrivée)\s+(?:d['’]|de\s+)$",
    re.IGNORECASE,
)
# "aujourd'hui encore", "Hier à peine considérée, l'Asie devient ...": then against now, not a day
_FR_IDIOM_AFTER = re.compile(r"\s+(?:encore|à\s+peine)\b", re.IGNORECASE)
_FR_SHORT_YEAR_CUE = re.compile(r"\b(?:en|de|depuis|dès|fin|début|mi-)\s*$", re.IGNORECASE)
# Streets, squares and stations named after a date: "rue du 4-Septembre", "place du 14 juillet", "métro 8 mai 1945".
_FR_PLACE_BEFORE = re.compile(
    r"\b(?:rue|place|avenue|av\.|boulevard|bd|quai|pont|square|cours|allée|impasse|esplanade|rond-point|station|"
    r"métro|stade|lycée|collège|école|cité|parc|appel)\s+(?:du\s+)?$",
    re.IGNORECASE,
)
# A day written as a holiday's name, "le 1er-Mai", "au 14-Juillet", is that day; after "du" or a noun it is a name.
_FR_HOLIDAY_DAY_BEFORE = re.compile(r"\b(?:le|au|depuis\s+le|dès\s+le|jusqu['’]au)\s+$", re.IGNORECASE)
_EN_PERIOD_BEFORE = re.compile(r"\b(?:the|over|past|during|in)\s+$")
_EN_NOWADAYS_AFTER = re.compile(
    r"['’]s\s+(?:world|reality|realities|society|youth|generation|women|men|children|challenges|era|times|"
    r"(?!Al\b|El\b)[A-Z][a-z]+(?=\s*,|\s+(?:is|was|has|remains)\b))"
)
# Yesterday, today and tomorrow named together are the past, the present and the future ("après l'Allemagne
# hier et la Corée aujourd'hui, la Chine demain"), not three days.
_YESTERDAY = re.compile(r"\b(?:hier|yesterday)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:aujourd['’]hui|today)\b", re.IGNORECASE)
_TOMORROW = re.compile(r"\b(?:demain|tomorrow)\b", re.IGNORECASE)


# "aujourd'hui" is today beside a finished or coming event ("s'est rendu aujourd'hui", "sera reçu aujourd'hui",
# "aujourd'hui mercredi", "aujourd'hui à 14 h"); with a verb in the present only it is nowadays ("Il est aujourd'hui
# l'un des chefs les plus étoilés", "Ces fichiers sont aujourd'hui exclus").
_FR_EVENT_VERB = re.compile(
    r"\b(?:a|ont|ai|as|avons|avez|avait|avaient|aura|auront)\s+(?:aujourd['’]hui\s+|[\w’']+\s+){0,2}?"
    r"(?:été|[\w-]+(?:é|ée|és|ées|is|ise|it|u|ue|us|ert|erts))\b"
    r"|\b(?:s['’]|se\s+|me\s+|nous\s+)(?:est|sont|était|étaient|sera|seront)\s+"
    # "est arrivé", "est déjà intervenue aujourd'hui": a verb of motion or event with être, an adverb or two between
    r"|\b(?:est|sont|était|étaient)\s+(?:(?:aujourd['’]hui|déjà|bien|enfin|finalement|aussi|également)\s+){0,2}"
    r"(?:arrivée?s?|partie?s?|(?:inter|sur|par|re|de)?venue?s?|allée?s?|rentrée?s?|tombée?s?|morte?s?|née?s?|"
    r"entrée?s?|sortie?s?|décédée?s?|passée?s?|retournée?s?|restée?s?)\b"
    # (not the conditional of être, pouvoir, devoir: "vendre du EDF serait aujourd'hui une mauvaise affaire")
    r"|\b(?:sera|seront|va|vont|doit|doivent|devra|devront|était|étaient)\b"
    r"|\b(?!(?:serai|pourrai|devrai|faudrai|vaudrai)(?:t|ent)\b)\w{3,}(?:ra|ront|ait|aient)\b"
)
_FR_EVENT_TENSE = re.compile(
    _FR_EVENT_VERB.pattern
    + r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|matin|soir|après-midi|midi|\d{1,2}\s*h)\b",
    re.IGNORECASE,
)
_FR_EVENT_VERB = re.compile(_FR_EVENT_VERB.pattern, re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;!?:\n]")


def _clause(text: str, s: int, e: int) -> str:
    """The clause around ``text[s:e]`` (up to 80 characters each side, not across a full stop or a colon)."""
    before = text[max(0, s - 80) : s]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    before = before[cut[-1] :] if cut else before
    after = text[e : e + 80]
    end = _CLAUSE_END.search(after)
    return before + text[s:e] + (after[: end.start()] if end else after)


# ", aujourd'hui unanimement rejetés", "l'usine, aujourd'hui fermée,": an apposition saying what a thing is now
_FR_NOW_APPOSITION = re.compile(
    r"\s+(?:\w+ment\s+)?(?!(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|midi)\b)"
    r"[\w-]+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ert|erte|erts|ertes|ise|ises|ite|ites)\b",
    re.IGNORECASE,
)


def _fr_nowadays(text: str, s: int, e: int) -> bool:
    """ "aujourd'hui" in a clause whose verbs are all in the present, or opening an apposition after a comma
    (", aujourd'hui disparu"): nowadays, not a day."""
    if text[max(0, s - 2) : s].rstrip().endswith(",") and _FR_NOW_APPOSITION.match(text, e):
        return True
    return _FR_EVENT_TENSE.search(_clause(text, s, e)) is None


def _fr_weekday_habit(text: str, s: int, e: int) -> bool:
    """ "le marché du samedi", "ouvert du lundi au samedi": a weekday after "du"/"des", or in a span of days, names
    every such day, unless the span is one night ("la nuit du samedi au dimanche": the next day after "au")."""
    for span in _FR_WEEKDAY_SPAN.finditer(text, max(0, s - 16), e + 16):
        if span.start("a") <= s < span.end("b"):
            a, b = (FR_WEEKDAYS[span.group(k).lower()] for k in ("a", "b"))
            return b != (a + 1) % 7
    return _FR_HABIT_BEFORE.search(text, max(0, s - 6), s) is not None


def _figurative(text: str, s: int, e: int) -> bool:
    window = text[max(0, s - 160) : e + 160]
    return all(rx.search(window) for rx in (_YESTERDAY, _TODAY, _TOMORROW))


class Finding(NamedTuple):
    """One date found: its span in the normalised text and what it means."""

    start: int
    end: int
    date: _dt.date
    granularity: str  # day, month, year
    calendar: str  # gregorian, hijri
    relative: bool
    explicit_year: bool
    anaphora: str = (
        ""  # "month:<day>", "month-of:<year>", "year": the month or year of the date written before it
    )


def _spaced(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def _day(m: re.Match, group: str, word_group: str) -> tuple[int, int]:
    """(day, its start) from a number or a word (غرة، أول، الخامس من)."""
    if m.group(group) is not None:
        return int(m.group(group)), m.start(group)
    w = m.group(word_group)
    return (1 if w in _FIRST_DAY_WORDS else AR_ORDINALS[_spaced(w)]), m.start(word_group)


# --------------------------------------------------------------------------------------------
# Arabic
# --------------------------------------------------------------------------------------------


def _ar_day(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    s, e = m.span()
    if NAME_BEFORE.search(norm, max(0, s - 12), s):
        return []  # ثورة 25 يناير, شارع 14 جانفي: names, not dates
    g = m.group
    month = AR_MONTHS[_spaced(g("mon"))]
    day, ds = _day(m, "day", "dayw")
    if g("dayw") is not None and PART_BEFORE.search(norm, max(0, ds - 10), ds):
        return _part_of_month(m, ref, month)  # النصف الثاني من ماي: a part of the month, not its second day
    year = g("year")
    if year is None and (HOLIDAY_AFTER.match(norm, e) or EVERY_YEAR_AFTER.match(norm, e)):
        return []  # "اعتبار يوم 17 ديسمبر عيدا وطنيا", "15 مايو من كل عام": a day of every year, not a date
    if year is not None:
        if not cal.ok_year(int(year)):
            return []
        date, rel = cal.valid(int(year), month, day), False
    elif g("yqual") is not None:
        year_back = 1 if g("ybefore") is not None else 0  # "العام قبل الماضي": the year before last
        date, rel = cal.valid(cal.year_of_qual(ref, g("yqual")) - year_back, month, day), True
    elif g("ythis") is not None:  # "15 يونيو هذا العام"
        date, rel = cal.valid(ref.year, month, day), True
    else:
        date, rel = _ar_yearless_day(m, norm, ref, month, day)
    if date is None:
        return []
    out = _listed_days(m, "dlist", date, rel, year is not None)
    first = "d0" if g("d0") is not None else "d0w" if g("d0w") is not None else None
    # "26 و27 مارس", "من الأول حتى الثالث من مارس": the first day of the range, same month
    if first is not None:
        d0 = cal.valid(date.year, month, _day(m, "d0", "d0w")[0])
        if d0 is not None and d0 < date:
            out.append(Finding(m.start(first), m.end(first), d0, "day", "gregorian", rel, year is not None))
    anaphora = "year" if g("ysame") is not None else ""
    has_year = year is not None or g("ythis") is not None
    out.append(Finding(ds if first is not None else s, e, date, "day", "gregorian", rel, has_year, anaphora))
    return out


_AR_COUNT_WORDS = {"عامين": 2, "سنتين": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6,
                   "سته": 6, "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمان": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10,
                   "عشره": 10}  # fmt: skip


def _ar_yearless_day(
    m: re.Match, norm: str, ref: _dt.date, month: int, day: int
) -> tuple[_dt.date | None, bool]:
    """A day and month written without a year: qualified ("26 جويلية الماضي"), that many years back ("في 21 سبتمبر
    قبل 3 سنوات": the last such day on or before the reference moved back), of a law's year, on its weekday, else
    the nearest. Returns (date, relative)."""
    s, e = m.span()
    g = m.group
    qual = g("qual") or ("الماضي" if SINCE_BEFORE.search(norm, max(0, s - 8), s) else None)
    ago = YEARS_AGO_AFTER.match(norm, e) if qual is None else None
    if ago is not None:
        n = _AR_COUNT_WORDS.get(ago.group("n")) or int(ago.group("n"))
        back = cal.valid(ref.year - n, ref.month, min(ref.day, 28))
        return (cal.day_with_qual(back, month, day, "الماضي") if back else None), True
    date, rel = cal.day_with_qual(ref, month, day, qual), True
    if qual is None and g("lwd") is not None:
        date = cal.nearest_with_weekday(ref, month, day, AR_WEEKDAYS[g("lwd")]) or date
    law = _LAW_YEAR_BEFORE.search(norm, max(0, s - 40), s) if g("qual") is None else None
    if law is not None:  # a law of that year, dated then
        date, rel = cal.valid(int(law.group("y")), month, day) or date, False
    return date, rel


def _month_of_year(s: int, e: int, year: int, month: int) -> list[Finding]:
    """A month with its year written ("mai 2024", "أيار 2024"): nothing when the year is out of range."""
    return (
        [Finding(s, e, _dt.date(year, month, 1), "month", "gregorian", False, True)]
        if cal.ok_year(year)
        else []
    )


def _relative_month(s: int, e: int, first_day: _dt.date, anaphora: str = "") -> list[Finding]:
    """A month placed from the reference day ("مايو المقبل", "last October", "this month")."""
    return [Finding(s, e, first_day, "month", "gregorian", True, False, anaphora)]


def _anchored_month(
    s: int, e: int, ref: _dt.date, month: int, year: str | None, year_qual: str | None, month_qual: str | None
) -> list[Finding] | None:
    """A named month with its year ("مايو 2024"), a year qualifier ("مايو من العام المقبل") or its own
    qualifier ("مايو المقبل"); None when none of them anchors it."""
    if year is not None:
        return _month_of_year(s, e, int(year), month)
    if year_qual is not None:
        return _relative_month(s, e, _dt.date(cal.year_of_qual(ref, year_qual), month, 1))
    if month_qual is not None:
        return _relative_month(s, e, cal.month_with_qual(ref, month, month_qual))
    return None


def _part_of_month(m: re.Match, ref: _dt.date, month: int) -> list[Finding]:
    """ "الأسبوع الأول من مايو/أيار المقبل": the month, when a year or a qualifier anchors it."""
    g = m.group
    return _anchored_month(m.start("mon"), m.end(), ref, month, g("year"), g("yqual"), g("qual")) or []


def _ar_day_of_qualified_month(m: re.Match, ref: _dt.date) -> list[Finding]:
    """ "التاسع عشر من الشهر الماضي", "15 من الشهر الجاري": a day of the month before, of or after ``ref``'s."""
    g = m.group
    day = int(g("qday")) if g("qday") is not None else AR_ORDINALS[_spaced(g("qdayw"))]
    month = cal.add_months(ref, _qual_step(g("qmq")))
    d = cal.valid(month.year, month.month, day)
    return [Finding(*m.span(), d, "day", "gregorian", True, False)] if d else []


def _ar_same(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    """ "17 من نفس الشهر", "الثامن منه": a day of the month of the date before it (set by the scan)."""
    g = m.group
    if g("qmq") is not None:
        return _ar_day_of_qualified_month(m, ref)
    if g("smonth") is not None:  # "الشهر نفسه من عام 2015": the month of the date before it, that year
        year = int(g("smyear"))
        if not cal.ok_year(year):
            return []
        return [
            Finding(*m.span(), _dt.date(year, 1, 1), "month", "gregorian", False, True, f"month-of:{year}")
        ]
    day = int(g("sday")) if g("sday") is not None else AR_ORDINALS[_spaced(g("sdayw"))]
    placeholder = ref.replace(day=1)
    out = []
    if g("sd0") is not None:  # "في 19 ولغاية 27 من الشهر ذاته"
        out.append(
            Finding(
                m.start("sd0"),
                m.end("sd0"),
                placeholder,
                "day",
                "gregorian",
                True,
                False,
                f"{'month-strict' if g('sof') is not None else 'month'}:{g('sd0')}",
            )
        )
    start = m.start("sday") if g("sd0") is not None else m.start()
    tag = "month-strict" if g("sof") is not None else "month"  # "20 منه": only after a date
    out.append(Finding(start, m.end(), placeholder, "day", "gregorian", True, False, f"{tag}:{day}"))
    return out


def _ar_month(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    s, e = m.span()
    if NAME_BEFORE.search(norm, max(0, s - 12), s) or EVERY_BEFORE_AR.search(norm, max(0, s - 10), s):
        return []  # a name, or "من كل شهر ماي": every May
    g = m.group
    first = AR_MONTHS[_spaced(g("mmon"))]
    # "آذار/مارس" names one month twice (two different months there are a slip: the first is read); "جانفي-مارس
    # 2018" is a span of two months, dated by the second
    span = g("mmon2") is not None and "-" in norm[m.end("mmon") : m.start("mmon2")]
    month = AR_MONTHS[_spaced(g("mmon2"))] if span else first
    found = _ar_month_dated(m, ref, month)
    if month == first or not found:
        return found
    last = found[0]
    start = _dt.date(last.date.year - (first > month), first, 1)
    return [last._replace(end=m.end("mmon"), date=start), last._replace(start=m.start("mmon2"))]


def _ar_month_dated(m: re.Match, ref: _dt.date, month: int) -> list[Finding]:
    s, e = m.span()
    g = m.group
    found = _anchored_month(s, e, ref, month, g("myear"), g("myqual"), g("mqual"))
    if found is not None:
        return found
    if g("mthis") is not None:  # "يونيو هذا العام": the reference's year, known as if written
        return [Finding(s, e, _dt.date(ref.year, month, 1), "month", "gregorian", True, True)]
    if g("shahr") is not None:
        return _relative_month(s, e, _month_by_tense(ref, month, clause_tense(m.string, s)))
    return []


def _month_by_tense(ref: _dt.date, month: int, tense: str | None) -> _dt.date:
    """ "شهر يناير": the nearest such month, unless the clause before it is in the past ("وكان أفضل أداء ... في شهر
    يناير": this year's or last year's, not next year's). (A future marker is often a call or a plan, "دعوة": the
    nearest month stands.)"""
    nearest = cal.month_with_qual(ref, month, None)
    if tense == "past" and nearest > _dt.date(ref.year, ref.month, 1):
        return _dt.date(ref.year if month <= ref.month else ref.year - 1, month, 1)
    return nearest


def _ar_hijri(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    s, e = m.span()
    g = m.group
    if g("hyonly") is not None:
        d = hijri_to_gregorian(int(g("hyonly")), 1, 1)
        return [Finding(s, e, d, "year", "hijri", False, True)] if d else []
    if g("hnd") is not None:
        d = hijri_to_gregorian(int(g("hny")), int(g("hnm")), int(g("hnd")))
        return [Finding(s, e, d, "day", "hijri", False, True)] if d else []
    hm = HIJRI_MONTHS[_spaced(g("hmon"))]
    if NAME_BEFORE.search(norm, max(0, s - 12), s):
        return []  # "مدينة العاشر من رمضان", "نصر العاشر من رمضان": names
    if g("hdayw") is not None and PART_BEFORE.search(norm, max(0, m.start("hdayw") - 10), m.start("hdayw")):
        return []  # "النصف الثاني من رمضان": a part of the month, not its second day
    hd = _day(m, "hday", "hdayw")[0] if g("hday") is not None or g("hdayw") is not None else None
    if g("hyear") is not None:
        d, rel = hijri_to_gregorian(int(g("hyear")), hm, hd or 1), False
    elif hd is not None and hm != 2:  # a day of a Hijri month without its year: the nearest one
        d, rel = nearest_hijri(ref, hm, hd), True
    else:
        return []
    return [Finding(s, e, d, "day" if hd else "month", "hijri", rel, not rel)] if d else []


def _ar_year(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    y = int(m.group("yr") or m.group("yr2") or m.group("yr3"))
    return (
        [Finding(*m.span(), _dt.date(y, 1, 1), "year", "gregorian", False, True)] if 1800 <= y <= 2100 else []
    )


def _qual_step(q: str) -> int:
    return -1 if q in PAST else 1 if q in FUTURE else 0


def _ar_relative_day(m: re.Match, ref: _dt.date) -> _dt.date | None:
    g = m.group
    for group, days in (("rel_m2", -2), ("rel_p2", 2), ("rel_m1", -1), ("rel_p1", 1)):
        if g(group) is not None:
            # "أمس الأحد", "غدا الخميس": the weekday named, as "اليوم السبت" (a feed's date may be a day off)
            named = g(f"{group}wd") or g(f"{group}wdq") if group in ("rel_m1", "rel_p1") else None
            day = ref + days * _DAY
            if named is None:
                return day
            # ... but yesterday is never after today, nor tomorrow before it: the named weekday only on
            # the side the word says, else the word itself.
            candidate = cal.nearest_weekday(day, AR_WEEKDAYS[named])
            lo, hi = (ref - 3 * _DAY, ref) if days < 0 else (ref, ref + 3 * _DAY)
            return candidate if lo <= candidate <= hi else day
    if g("rel_week") is not None:
        return ref + _qual_step(g("rel_wq")) * 7 * _DAY
    if g("rel_thisweek") is not None:
        return ref
    return None


def _today(m: re.Match, ref: _dt.date) -> _dt.date:
    """ "اليوم السبت": today is that weekday; a feed's date may be a day or two off it."""
    wd = m.group("todaywd") or m.group("todaywdq")
    return cal.nearest_weekday(ref, AR_WEEKDAYS[wd]) if wd is not None else ref


def _ar_rel(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    s, e = m.span()
    g = m.group
    day = _ar_relative_day(m, ref)
    if day is not None:
        return [Finding(s, e, day, "day", "gregorian", True, False)]
    if g("rel_month") is not None:
        return _relative_month(s, e, cal.add_months(ref, _qual_step(g("rel_mq"))))
    if g("rel_thismonth") is not None:
        return _relative_month(s, e, _dt.date(ref.year, ref.month, 1))
    if g("rel_yq") is not None:
        back = 1 if g("rel_ybefore") is not None else 0
        return [
            Finding(
                s,
                e,
                _dt.date(cal.year_of_qual(ref, g("rel_yq")) - back, 1, 1),
                "year",
                "gregorian",
                True,
                False,
            )
        ]
    if g("rel_thisy") is not None:
        return [Finding(s, e, _dt.date(ref.year, 1, 1), "year", "gregorian", True, False)]
    if g("wd") is not None:
        if RX_BEFORE_WD.search(norm, max(0, s - 14), m.start("wd")):
            return []  # صلاة الجمعة, كل خميس: not a day
        qual = g("wq") or weekday_qualifier(norm, s, e)
        return [Finding(s, e, cal.weekday(ref, AR_WEEKDAYS[g("wd")], qual), "day", "gregorian", True, False)]
    if g("today") is not None:
        named = g("todaywd") or g("todaywdq")
        if (named is None and RX_AFTER_TODAY.match(norm, e)) or RX_BEFORE_TODAY.search(
            norm, max(0, s - 12), s
        ):
            return []  # اليوم العالمي, روسيا اليوم, هذا اليوم
        if QUOTE_AFTER.match(norm, e) and (
            RX_QUOTED_TODAY.search(norm, max(0, s - 20), s) or norm[s - 1 : s] in ('"', "«", "“")
        ):
            return []  # «أخبار اليوم», برنامج "اليوم": a name
        if named is None and RX_PER_DAY_BEFORE.search(norm, max(0, s - 24), s):
            return []  # "21 ساعة في اليوم", "مليون برميل في اليوم": per day
        if named is None and (
            RX_UNTIL_TODAY.search(norm, max(0, s - 12), s) or RX_STATE_AFTER_TODAY.match(norm, e)
        ):
            return []  # "حتى اليوم", "الأردن اليوم يقف أمام ...": now, not a day
        return [Finding(s, e, _today(m, ref), "day", "gregorian", True, False)]
    return []


def _numeric(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    g = m.group
    if g("nd") is not None:
        d = cal.valid(int(g("ny")), int(g("nm")), int(g("nd")))
    elif g("sd") is not None:  # "06/06/21": the century that puts the year nearest the reference
        yy = int(g("sy"))
        year = min((c + yy for c in (1900, 2000)), key=lambda y: abs(y - ref.year))
        d = cal.valid(year, int(g("sm")), int(g("sd")))
    else:
        d = cal.valid(int(g("iy")), int(g("im")), int(g("id")))
    return [Finding(*m.span(), d, "day", "gregorian", False, True)] if d else []


_ARABIC = {"ar_same": _ar_same, "ar_day": _ar_day, "ar_month": _ar_month, "ar_hijri": _ar_hijri, "ar_year": _ar_year, "ar_rel": _ar_rel,
           "num": _numeric}  # fmt: skip


def resolve_arabic(m: re.Match, norm: str, ref: _dt.date) -> list[Finding]:
    branch = m.lastgroup
    assert branch is not None  # every branch of the Arabic pattern is a named group
    return _ARABIC[branch](m, norm, ref)


# --------------------------------------------------------------------------------------------
# French and English
# --------------------------------------------------------------------------------------------


def _fr_month(name: str) -> int:
    name = name.lower().rstrip(".")
    return FR_MONTHS.get(name) or FR_ABBREVIATIONS[name]


def _fr_day(m: re.Match, ref: _dt.date) -> list[Finding]:
    g = m.group
    if _FR_PLACE_BEFORE.search(m.string, max(0, m.start() - 24), m.start()) or (
        g("fr_hyphen") is not None
        and not _FR_HOLIDAY_DAY_BEFORE.search(m.string, max(0, m.start() - 12), m.start())
    ):
        return []  # "rue du 4-Septembre", "place du 14 juillet", "l'appel du 18-Juin": names
    if g("fr_year") is None and _EVERY_BEFORE.search(m.string, max(0, m.start() - 12), m.start()):
        return []  # "chaque 1er mai", "tous les 14 juillet": a day of every year
    month = _fr_month(g("fr_mon"))
    dd = g("fr_day").lower()
    day = 1 if dd == "1er" else int(dd)
    if g("fr_year") is not None:
        y = int(g("fr_year"))
        date, explicit = (cal.valid(y, month, day) if cal.ok_year(y) else None), True
    else:
        q = g("fr_qual")
        q = None if q is None else "الماضي" if q.lower() == "dernier" else "المقبل"
        wd = (
            g("fr_wd2") if g("fr_d0") is not None else g("fr_wd")
        )  # "vendredi 20 et samedi 21": the day's own
        date, explicit = _yearless_day(m.string, m.span(), ref, month, day, q), False
        if q is None and wd is not None:
            date = cal.nearest_with_weekday(ref, month, day, FR_WEEKDAYS[wd.lower()]) or date
    if date is None:
        return []
    out = _listed_days(m, "fr_dlist", date, not explicit, explicit) + _range_start(
        m, "fr_d0", date, not explicit, explicit
    )
    return out + [
        Finding(
            m.start("fr_day") if out else m.start(), m.end(), date, "day", "gregorian", not explicit, explicit
        )
    ]


def _yearless_day(
    text: str, span: tuple[int, int], ref: _dt.date, month: int, day: int, qual: str | None
) -> _dt.date | None:
    """A day and month without a year: qualified, else the next one in a future clause ("se terminera le
    21 octobre"; a date opening its clause takes the tense of the verb after it: "Le 11 novembre, les anciens
    combattants se rassembleront"), else the nearest (the past preferred). A past clause says little: the
    reporting verb is in the past ("called for protests on 6 April") whatever the time of the event. A future
    marker does not send a day that passed a few days ago a year ahead: the marker then belongs to another
    clause ("the season, that is set to kick off next week, is in jeopardy ... one day after the 25 January
    anniversary")."""
    if qual is None and clause_tense(text, *span, planning_after=False) == "future":
        ahead, last = (
            cal.day_with_qual(ref, month, day, "المقبل"),
            cal.day_with_qual(ref, month, day, "الماضي"),
        )
        recent = (
            ahead is not None and last is not None and (ahead - ref).days > 300 and (ref - last).days <= 14
        )
        qual = None if recent else "المقبل"
    return cal.day_with_qual(ref, month, day, qual) or cal.day_with_qual(ref, month, day, None)


def _weekday_and_day(m: re.Match, ref: _dt.date, wd_group: str, day_group: str, names: dict) -> list[Finding]:
    """ "le samedi 21 au matin": the nearest day numbered so that falls on that weekday (its month unsaid)."""
    raw = m.group(day_group).lower()
    day = 1 if raw == "1er" else int(raw)
    date = cal.nearest_weekday_numbered(ref, names[m.group(wd_group).lower()], day)
    return [Finding(*m.span(), date, "day", "gregorian", True, False)] if date else []


_NUMBER = re.compile(r"\d+|1er")


def _listed_days(m: re.Match, group: str, last: _dt.date, rel: bool, explicit: bool) -> list[Finding]:
    """The earlier days of a list of three or more ("أيام 25 و 26 و27 فيفري", "les 15, 16 et 17 juin"): same month."""
    if m.group(group) is None:
        return []
    out = []
    for n in _NUMBER.finditer(m.string, m.start(group), m.end(group)):
        d = cal.valid(last.year, last.month, 1 if n.group() == "1er" else int(n.group()))
        if d is not None and d < last:
            out.append(Finding(n.start(), n.end(), d, "day", "gregorian", rel, explicit))
    return out


def _range_start(m: re.Match, group: str, end: _dt.date, rel: bool, explicit: bool) -> list[Finding]:
    """The first day of "27/28 April", "du 4 au 11 novembre", "18 et 19 février": same month and year."""
    raw = m.group(group)
    if raw is None:
        return []
    d0 = cal.valid(end.year, end.month, 1 if raw.lower() == "1er" else int(raw))
    return (
        [Finding(m.start(group), m.end(group), d0, "day", "gregorian", rel, explicit)]
        if d0 and d0 < end
        else []
    )


def _french(m: re.Match, ref: _dt.date) -> list[Finding]:
    g = m.group
    s, e = m.span()
    if g("fr_day") is not None:
        return _fr_day(m, ref)
    if g("fr_mmon") is not None:
        return _month_of_year(s, e, int(g("fr_myear")), _fr_month(g("fr_mmon")))
    if g("fr_yr") is not None:
        return [Finding(s, e, _dt.date(int(g("fr_yr")), 1, 1), "year", "gregorian", False, True)]
    if g("fr_m2mon") is not None:  # "en mai 68": the last such year
        if not _FR_SHORT_YEAR_CUE.search(m.string, max(0, s - 10), s):
            return []
        yy = int(g("fr_m2year"))
        year = 2000 + yy if 2000 + yy <= ref.year else 1900 + yy
        return [Finding(s, e, _dt.date(year, _fr_month(g("fr_m2mon")), 1), "month", "gregorian", False, True)]
    if g("fr_qmon") is not None:  # "mars dernier", "en juin prochain"
        q = "الماضي" if g("fr_mqual").lower() == "dernier" else "المقبل"
        return _relative_month(s, e, cal.month_with_qual(ref, _fr_month(g("fr_qmon")), q))
    if g("fr_nd") is not None:
        return _fr_numeric_days(m, ref)
    if g("fr_wdonly") is not None:
        return _weekday_and_day(m, ref, "fr_wdonly", "fr_wdday", FR_WEEKDAYS)
    idiom = (
        _FR_IDIOM_BEFORE.search(m.string, max(0, s - 30), s)
        or _FR_IDIOM_AFTER.match(m.string, e)
        or (g("fr_rel").lower().endswith("demain") and _FR_OF_TOMORROW.search(m.string, max(0, s - 10), s))
    )
    if idiom and not _FR_EVENT_OF_DAY.search(m.string, max(0, s - 30), s):
        return []  # "d'hier à aujourd'hui", "le passé et aujourd'hui", "aujourd'hui encore": nowadays, not a day
    if _figurative(m.string, s, e):
        return []
    rel = _spaced(g("fr_rel").lower().replace("’", "'"))
    if rel == "aujourd'hui" and _fr_nowadays(m.string, s, e):
        return []
    return latin_relative(rel, s, e, ref, french=True, text=m.string)


_DAY_MONTH = re.compile(r"([0-3]?\d)/([01]?\d)")


def _fr_numeric_days(m: re.Match, ref: _dt.date) -> list[Finding]:
    """ "le 12/03", "les 25/11, 30/11 et 02/12": days and months in figures, the year unsaid (the next one in a
    future clause, else the nearest)."""
    out: list[Finding] = []
    start = m.start("fr_nd")
    for dm in _DAY_MONTH.finditer(m.string, start, m.end()):
        day, month = int(dm.group(1)), int(dm.group(2))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return out
        date = _yearless_day(m.string, m.span(), ref, month, day, None)
        if date is not None:
            out.append(Finding(dm.start(), dm.end(), date, "day", "gregorian", True, False))
    return out


def _en_day(m: re.Match, ref: _dt.date) -> list[Finding]:
    g = m.group
    if _EN_NAME_AFTER.match(m.string, m.end()):
        return []  # 6 October City
    if (
        g("en_year") is None
        and g("en_year2") is None
        and _EVERY_BEFORE.search(m.string, max(0, m.start() - 12), m.start())
    ):
        return []  # "every 4 July": a day of every year
    mon = (g("en_mon") or g("en_mon2")).rstrip(".")
    day = int(g("en_day") or g("en_day2"))
    year = g("en_year") or g("en_year2")
    month = EN_MONTHS[mon.capitalize() if mon.capitalize() in EN_MONTHS else mon]
    wd = g("en_wd3") if g("en_d0") is not None else g("en_wd1") or g("en_wd2")
    if year is not None:
        date = cal.valid(int(year), month, day) if cal.ok_year(int(year)) else None
    elif SINCE_BEFORE.search(m.string, max(0, m.start() - 8), m.start()):
        date = cal.day_with_qual(ref, month, day, "الماضي")
    elif wd is not None:
        date = cal.nearest_with_weekday(ref, month, day, EN_WEEKDAYS[wd]) or cal.nearest(ref, month, day)
    else:
        date = _yearless_day(m.string, m.span(), ref, month, day, None)
    if date is None:
        return []
    out = _range_start(m, "en_d0", date, year is None, year is not None)
    start = m.start("en_day2") if out else m.start()
    if g("en_d1") is not None:  # "April 22 and 23": the second day, same month and year
        d1 = cal.valid(date.year, date.month, int(g("en_d1")))
        if d1 is not None and d1 > date:
            return [
                Finding(m.start(), m.end("en_day"), date, "day", "gregorian", year is None, year is not None),
                Finding(m.start("en_d1"), m.end(), d1, "day", "gregorian", year is None, year is not None),
            ]
    return out + [Finding(start, m.end(), date, "day", "gregorian", year is None, year is not None)]


def _english(m: re.Match, ref: _dt.date) -> list[Finding]:
    g = m.group
    s, e = m.span()
    if g("en_mon") is not None or g("en_mon2") is not None:
        return _en_day(m, ref)
    if g("en_mmon") is not None:
        return _month_of_year(s, e, int(g("en_myear")), EN_MONTHS[g("en_mmon").rstrip(".").capitalize()])
    if g("en_yr") is not None:
        return [Finding(s, e, _dt.date(int(g("en_yr")), 1, 1), "year", "gregorian", False, True)]
    if g("en_wdonly") is not None:  # "Monday the 18th"
        names = {k.lower(): v for k, v in EN_WEEKDAYS.items()}
        return _weekday_and_day(m, ref, "en_wdonly", "en_wdday", names)
    if g("en_ymon") is not None:  # "August last year"; "October that year": the year of the date before it
        month, q = EN_MONTHS[g("en_ymon")], g("en_yq").split()[-1].lower()
        if q in ("that", "same"):
            return _relative_month(s, e, _dt.date(ref.year, month, 1), anaphora="year")
        year = ref.year + {"last": -1, "next": 1}.get(q, 0)
        return _relative_month(s, e, _dt.date(year, month, 1))
    if g("en_qmon") is not None:  # last October, next March
        q = {"last": "الماضي", "next": "المقبل"}.get(g("en_qual").lower(), "الجاري")
        month = EN_MONTHS[g("en_qmon")]
        return _relative_month(s, e, cal.month_with_qual(ref, month, q))
    if g("en_rel") is not None:
        if _EN_PERIOD_BEFORE.search(m.string, max(0, s - 8), s) and g("en_rel").split()[0].lower() == "last":
            return []  # "over the last year" is a period, not a date
        if _figurative(m.string, s, e) or (
            g("en_rel").lower() == "today" and _EN_NOWADAYS_AFTER.match(m.string, e)
        ):
            return []  # "Today's Nigeria", "today's world": the present age, not a day
        return latin_relative(_spaced(g("en_rel").lower()), s, e, ref, french=False, text=m.string)
    return []


def resolve_latin(m: re.Match, ref: _dt.date) -> list[Finding]:
    return _french(m, ref) if m.group("fr") is not None else _english(m, ref)


_ORDINAL_BEFORE = re.compile(
    r"\b(?:premier|première|1er|deuxième|2e|second|seconde|troisième|3e|quatrième|4e|cinquième|dernier|dernière|"
    r"first|second|third|fourth|fifth|last)\s+$",
    re.IGNORECASE,
)
_OF_AFTER = re.compile(r"\s+(?:of|de|du|d['’])\s", re.IGNORECASE)


def _nth_weekday_of(text: str, s: int, e: int, words: list[str]) -> bool:
    """An ordinal weekday of a month or period ("le troisième jeudi de novembre", "the last Thursday of May"),
    not one day near the reference."""
    ordinal = words[0] == "last" or _ORDINAL_BEFORE.search(text, max(0, s - 12), s) is not None
    return ordinal and _OF_AFTER.match(text, e) is not None


_LATIN_DAYS = {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "demain": 1, "après-demain": 2, "apres-demain": 2,
               "the day before yesterday": -2, "day before yesterday": -2, "yesterday": -1, "today": 0,
               "tomorrow": 1}  # fmt: skip
_PAST_WORDS = ("dernière", "derniere", "dernier", "passée", "passee", "passé", "last")
_NEXT_WORDS = ("prochaine", "prochain", "next")


def latin_relative(r: str, s: int, e: int, ref: _dt.date, *, french: bool, text: str = "") -> list[Finding]:
    """hier, la semaine dernière, next month, last Tuesday ..."""
    if r in _LATIN_DAYS:
        return [Finding(s, e, ref + _LATIN_DAYS[r] * _DAY, "day", "gregorian", True, False)]
    words = r.split()
    past = any(w in _PAST_WORDS for w in words)
    future = any(w in _NEXT_WORDS for w in words)
    k = -1 if past else 1 if future else 0
    if "semaine" in words or "week" in words:
        return [Finding(s, e, ref + 7 * k * _DAY, "day", "gregorian", True, False)]
    if "mois" in words or "month" in words:
        return _relative_month(s, e, cal.add_months(ref, k))
    if "year" in words or r.startswith("l'an") or "année" in words or "annee" in words:
        return [Finding(s, e, _dt.date(ref.year + k, 1, 1), "year", "gregorian", True, False)]
    names = FR_WEEKDAYS if french else {k2.lower(): v for k2, v in EN_WEEKDAYS.items()}
    wd = next((names[w] for w in words if w in names), None)
    if wd is None or (text and _HABIT_AFTER.match(text, e)):
        return []  # "the Friday prayers", "la prière du vendredi": a habit, not a day
    if text and (_DAY_NAME_AFTER.match(text, e) or _DAY_NAME_BEFORE.search(text, max(0, s - 12), s)):
        return []  # The Sunday Times, Good Friday: names
    if text and _EVERY_BEFORE.search(text, max(0, s - 10), s):
        return []  # "chaque lundi", "every Monday": a habit
    if text and _nth_weekday_of(text, s, e, words):
        return []  # "le troisième jeudi de novembre", "the last Thursday of May": a rule of the calendar
    if (french and len(words) == 1 and text and _FR_THE_BEFORE.search(text, max(0, s - 6), s)
            and _FR_EVENT_VERB.search(_clause(text, s, e)) is None):  # fmt: skip
        return []  # "Le lundi, les bibliothèques sont fermées": Mondays, in the present
    if french and len(words) == 1 and text and _fr_weekday_habit(text, s, e):
        return []  # "le marché du samedi matin", "du lundi au samedi": every such day
    qual = "الماضي" if past else "المقبل" if future else weekday_qualifier(text, s, e)
    return [Finding(s, e, cal.weekday(ref, wd, qual), "day", "gregorian", True, False)]
