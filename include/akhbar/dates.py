"""Publication dates and the dates mentioned in a text.

Three entry points:

* :func:`parse_published` turns what a source wrote as the publication time
  (ISO 8601, ``DD/MM/YYYY``, RFC 822 feed dates, epochs, the malformed ANT form
  ``2017-01-22T185600``, textual Arabic/French/English dates) into an aware UTC
  datetime, or ``None``. It never guesses today's date and never raises.
* :func:`date_from_url` reads ``/2022/07/12/``, ``/20220712/``, ``2022-07-12``
  from an article URL.
* :func:`find_date_mentions` finds the dates written in a text and resolves them
  against a reference date (normally the publication date): Gregorian dates with
  the Maghreb, Levantine/Iraqi, Egyptian/Gulf and Moroccan month names (and the
  doubled forms news agencies write, ``آذار/مارس``, ``أبريل نيسان``), Hijri dates
  converted with the Umm al-Qura calendar, relative expressions (أمس، الأسبوع
  الماضي، يوم الاثنين الماضي، 26 جويلية الماضي ...) and French/English dates.

Design for speed: the text is normalised once (hamza forms, ta marbuta, alif
maqsura, Arabic-Indic and Persian digits, invisible marks; diacritics and
tatweel removed with an offset map back to the original), then one precompiled
regular expression per language does the scanning. A cheap pre-check returns
early for texts with no digit and no date keyword.

Annotation policy (also what the evaluation measures): a Gregorian month name is
a date only when anchored by a day (number, ordinal, غرة/أول), a year, a
relative qualifier (الماضي، الجاري، المقبل ...) or the word شهر. Names of events
and places built on dates (ثورة 25 يناير، شارع 14 جانفي، حركة 6 أبريل) are not
dates. Bare years count only after a cue word (عام، سنة، منذ، في, en, in ...).
"Last week" style expressions resolve to the same weekday one week away with
granularity "day" (the contract has no week granularity).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass
from email.utils import parsedate_tz
from zoneinfo import ZoneInfo

__all__ = ["DateMention", "find_date_mentions", "parse_published", "date_from_url"]


@dataclass(frozen=True)
class DateMention:
    mention: str  # exact substring of the text
    date: _dt.date  # resolved Gregorian date (first day for month/year granularity)
    granularity: str  # "day" | "month" | "year"
    calendar: str  # "gregorian" | "hijri"
    is_relative: bool
    char_offset: int  # offset of mention in text


# ---------------------------------------------------------------------------
# Normalisation (length-preserving translation + stripping with an offset map)

_TRANS = {ord(c): "ا" for c in "أإٱ"}
_TRANS.update({ord("ة"): "ه", ord("ى"): "ي", ord("ی"): "ي", ord("ک"): "ك"})
_TRANS.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
_TRANS.update({0x06F0 + i: str(i) for i in range(10)})  # Persian digits
for _c in "\u200e\u200f\u00a0\u202f\u2009\u2007\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\t":
    _TRANS[ord(_c)] = " "
# Diacritics, superscript alef, tatweel, zero-width joiners: removed.
_STRIP = re.compile("[\u064b-\u065f\u0670\u0640\u200b\u200c\u200d\ufeff]+")


_SLOW_CHARS = re.compile(
    "[\u064b-\u065f\u0670\u0640\u200b-\u200f\ufeff\u0660-\u0669\u06f0-\u06f9"
    "\u00a0\u202a-\u202f\u2007\u2009\u2066-\u2069\t\u0671\u06cc\u06a9]"
)


def _normalise(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Return (normalised text, breakpoints, cumulative removed) for offset mapping.

    Fast path (most texts): four C-level replaces, same length, offsets unchanged.
    """
    if _SLOW_CHARS.search(text) is None:
        return text.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه").replace("ى", "ي"), None, None
    if _STRIP.search(text) is None:
        return _replace_rare(text), None, None
    parts: list[str] = []
    bps: list[int] = []
    cum: list[int] = []
    pos = 0
    removed = 0
    for m in _STRIP.finditer(text):
        parts.append(text[pos : m.start()])
        bps.append(m.start() - removed)
        removed += m.end() - m.start()
        cum.append(removed)
        pos = m.end()
    parts.append(text[pos:])
    return _replace_rare("".join(parts)), bps, cum


_RARE = {chr(k): v for k, v in _TRANS.items() if chr(k) not in "أإةى"}
_RARE_RX = re.compile("[" + re.escape("".join(_RARE)) + "]")


def _replace_rare(s: str) -> str:
    s = s.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه").replace("ى", "ي")
    for ch in set(_RARE_RX.findall(s)):
        s = s.replace(ch, _RARE[ch])
    return s


def _orig(p: int, bps: list[int] | None, cum: list[int] | None) -> int:
    if bps is None:
        return p
    i = bisect.bisect_right(bps, p) - 1
    return p if i < 0 else p + cum[i]


# ---------------------------------------------------------------------------
# Vocabularies (normalised spelling: ا for أ/إ, ه for ة, ي for ى; آ kept)

_AR_MONTHS: dict[str, int] = {}


def _add(month: int, *names: str) -> None:
    for n in names:
        _AR_MONTHS[n] = month


# Maghreb (Tunisia, Algeria)
_add(1, "جانفي", "جانفيه")
_add(2, "فيفري", "فيفريه")
_add(4, "افريل")
_add(5, "ماي")
_add(6, "جوان")
_add(7, "جويليه", "جويلي")
_add(8, "اوت")
# Egyptian / Gulf / MSA
_add(1, "يناير")
_add(2, "فبراير", "فبرايل")
_add(3, "مارس")
_add(4, "ابريل", "ابرايل")
_add(5, "مايو")
_add(6, "يونيو", "يونيه")
_add(7, "يوليو", "يوليه")
_add(8, "اغسطس", "اغسطس")
_add(9, "سبتمبر")
_add(10, "اكتوبر")
_add(11, "نوفمبر")
_add(12, "ديسمبر")
# Moroccan
_add(7, "يوليوز")
_add(8, "غشت")
_add(9, "شتنبر")
_add(11, "نونبر")
_add(12, "دجنبر")
# Levantine / Iraqi (Syriac names)
_add(1, "كانون الثاني", "كانون ثاني", "كانون الثان")
_add(2, "شباط")
_add(3, "آذار", "اذار")
_add(4, "نيسان")
_add(5, "ايار", "آيار")
_add(6, "حزيران")
_add(7, "تموز")
_add(8, "آب")
_add(9, "ايلول")
_add(10, "تشرين الاول", "تشرين اول")
_add(11, "تشرين الثاني", "تشرين ثاني", "تشرين الثان")
_add(12, "كانون الاول", "كانون اول")

_HIJRI_MONTHS: dict[str, int] = {}
for _n, _m in [
    ("محرم", 1), ("المحرم", 1), ("صفر", 2),
    ("ربيع الاول", 3), ("ربيع اول", 3),
    ("ربيع الاخر", 4), ("ربيع الآخر", 4), ("ربيع الثاني", 4), ("ربيع ثاني", 4),
    ("جمادي الاولي", 5), ("جمادي الاول", 5), ("جمادي الاخره", 6), ("جمادي الآخره", 6),
    ("جمادي الثانيه", 6), ("جمادي الاخر", 6), ("جمادي الآخر", 6),
    ("رجب", 7), ("شعبان", 8), ("رمضان", 9), ("شوال", 10),
    ("ذو القعده", 11), ("ذي القعده", 11), ("ذو الحجه", 12), ("ذي الحجه", 12),
]:
    _HIJRI_MONTHS[_n] = _m

_AR_WEEKDAYS = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3,
    "الجمعه": 4, "السبت": 5, "الاحد": 6,
}

_UNITS = ["", "الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_AR_ORDINALS: dict[str, int] = {
    "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6,
    "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10, "العشرين": 20, "الثلاثين": 30,
}
for _i in range(1, 10):
    _AR_ORDINALS[_UNITS[_i] + " عشر"] = 10 + _i
    _AR_ORDINALS[_UNITS[_i] + " والعشرين"] = 20 + _i
_AR_ORDINALS["الحادي والثلاثين"] = 31
_AR_ORDINALS["الواحد والعشرين"] = 21
_AR_ORDINALS["الواحد والثلاثين"] = 31

_PAST = {"الماضي", "المنصرم", "الفائت", "المنقضي", "المنصرمه", "الماضيه", "الفائته"}
_CURRENT = {"الجاري", "الحالي", "الجاريه", "الحاليه"}
_FUTURE = {"المقبل", "القادم", "المقبله", "القادمه"}

_FR_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
_FR_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_EN_MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
_EN_WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6}


def _alt(words) -> str:
    """Regex alternation, longest first; spaces match any run of blanks."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


# ---------------------------------------------------------------------------
# The Arabic expression

_AL = "\u0621-\u064a\u0671-\u06d3"  # Arabic letters
_LB = f"(?<![{_AL}])"  # left boundary of an Arabic word
_RB = f"(?![{_AL}])"  # right boundary
_PFX = "(?:وب|ول|فب|فل|وفي|[وبلفك])?"  # attached conjunctions / prepositions
_MON = f"(?:{_alt(_AR_MONTHS)})"
_HMON = f"(?:{_alt(_HIJRI_MONTHS)})"
_WD = f"(?:{_alt(_AR_WEEKDAYS)})"
_ORD = f"(?:{_alt(_AR_ORDINALS)})"
_QUAL = f"(?:{_alt(_PAST | _CURRENT | _FUTURE)})"
_DAYNUM = r"(?<![\d.,/:])(?:[0-3]?\d)(?![\d.,/:]\d|\d)"
_YEAR = r"(?<!\d)\d{4}(?!\d)"
# What may stand between two days of one month: "26 و27 مارس", "6 والسبت 7 جانفي", "2 إلى 4 جوان"
_CONN = rf"\s*(?:-|–|/|و|الي|حتي|وحتي|و\s+حتي|والي|و\s+الي)\s*(?:(?:يوم\s+)?(?:ال)?{_WD}\s*[،,]?\s*)?"
_LEAD = rf"(?:(?:اليوم|امس|غدا|يوم\s+غد)\s+)?(?:يوم\s+)?(?:{_WD}{_RB}\s*[،,]?\s*(?:الموافق\s+(?:ل\s*)?)?)?"

_AR_DAY_DATE = (
    rf"(?:{_LB}{_PFX}{_LEAD})?(?:(?P<d0>{_DAYNUM}){_CONN})?"
    rf"(?:(?P<day>{_DAYNUM})|{_LB}(?P<dayw>غره|اول|فاتح|{_ORD}(?=\s+من\s)))"
    rf"\s*(?:من\s+)?(?:شهر\s+)?{_LB}{_PFX}(?P<mon>{_MON}){_RB}"
    rf"(?:\s*(?:/|\\|\(|-)?\s*(?P<mon2>{_MON}){_RB}(?:\s*\))?)?"
    rf"(?:\s*[،,]?\s*(?:من\s+)?(?:(?:ال|ل)?(?:عام|سنه)\s*)?(?P<year>{_YEAR})(?:\s*م{_RB})?"
    rf"|\s+(?P<qual>{_QUAL}){_RB}"
    rf"|\s+(?:من\s+)?(?:العام|السنه)\s+(?P<yqual>{_QUAL}){_RB})?"
)
_AR_MONTH_DATE = (
    rf"{_LB}(?:(?P<shahr>{_PFX}(?:شهر|شهري))\s+)?{_PFX}(?P<mmon>{_MON}){_RB}"
    rf"(?:\s*(?:/|\\|\(|-)?\s*(?P<mmon2>{_MON}){_RB}(?:\s*\))?)?"
    rf"(?:\s*[،,]?\s*(?:من\s+)?(?:(?:ال|ل)?(?:عام|سنه)\s*)?(?P<myear>{_YEAR})(?:\s*م{_RB})?"
    rf"|\s+(?P<mqual>{_QUAL}){_RB}"
    rf"|\s+(?:من\s+)?(?:العام|السنه)\s+(?P<myqual>{_QUAL}){_RB})?"
)
_HMARK = r"(?:ه|هجريه|هجري|للهجره)"
_AR_HIJRI = (
    rf"(?:{_LB}{_PFX}{_LEAD})?(?:(?P<hday>{_DAYNUM})|{_LB}(?P<hdayw>غره|اول|فاتح|{_ORD}(?=\s+من\s)))?\s*(?:من\s+)?(?:شهر\s+)?"
    rf"{_LB}{_PFX}(?P<hmon>{_HMON}){_RB}(?:\s+(?:المبارك|المعظم|الحرام))?\s*[،,]?\s*"
    rf"(?:(?:(?:من\s+)?(?:ل)?(?:هذا|هذه)\s+(?:العام|السنه)|من|(?:ال|ل)?(?:عام|سنه))\s*)?"
    rf"(?:(?P<hyear>1[34]\d\d)(?!\d)(?:\s*{_HMARK}{_RB})?)?"
    rf"|(?<![\d/])(?P<hnd>[0-3]?\d)/(?P<hnm>[01]?\d)/(?P<hny>1[34]\d\d)\s*{_HMARK}{_RB}"
    rf"|{_LB}(?:{_PFX}(?:العام|عام|سنه|السنه)\s+)?(?P<hyonly>1[34]\d\d)\s*{_HMARK}{_RB}"
)
_AR_YEAR = (
    rf"{_LB}{_PFX}(?:ال)?(?:عام|سنه)\s*(?P<yr>{_YEAR})(?!\s*[-/]\s*\d)"
    rf"|{_LB}(?:منذ|في|خلال|حتي|قبل|بعد|مطلع|اواخر|اوائل|نهايه|بدايه)\s+(?P<yr2>(?:19|20)\d\d)(?!\d)"
    rf"(?=\s*(?:[،,.;:)»\"]|$|و|الي|حتي|عندما|حين|بعد|قبل|ضد|مقابل)|\s*\n)"
)
_AR_REL = (
    rf"{_LB}{_PFX}(?:"
    rf"(?P<rel_m2>اول\s+(?:من\s+)?امس|قبل\s+امس|امس\s+الاول)"
    rf"|(?P<rel_p2>بعد\s+غد)"
    rf"|(?P<rel_m1>امس|الامس)(?:\s+{_WD})?"
    rf"|(?P<rel_p1>غدا|يوم\s+غد|الغد(?=\s+{_WD}))(?:\s+{_WD})?"
    rf"|(?P<rel_week>الاسبوع)\s+(?P<rel_wq>{_QUAL})"
    rf"|(?P<rel_month>الشهر)\s+(?P<rel_mq>{_QUAL})"
    rf"|(?:العام|السنه)\s+(?P<rel_yq>{_QUAL})"
    rf"|(?P<rel_thisy>هذا\s+العام|هذه\s+السنه)"
    rf"|(?:يوم\s+)?(?P<wd>{_WD})(?:\s+(?P<wq>{_QUAL}))?"
    rf"|(?P<today>اليوم)(?:\s+(?P<todaywd>{_WD}))?"
    rf"){_RB}"
)
_AR_NUMERIC = r"(?<![\d/.\-])(?:(?P<nd>[0-3]?\d)[/.\-](?P<nm>[01]?\d)[/.\-](?P<ny>(?:19|20)\d\d)|(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))(?![\d/])"

_AR_RX = re.compile(
    f"(?P<ar_day>{_AR_DAY_DATE})|(?P<ar_hijri>{_AR_HIJRI})|(?P<ar_month>{_AR_MONTH_DATE})"
    f"|(?P<ar_year>{_AR_YEAR})|(?P<ar_rel>{_AR_REL})|(?P<num>{_AR_NUMERIC})"
)

# ---------------------------------------------------------------------------
# French and English

_FRM = f"(?:{_alt(_FR_MONTHS)})"
_FRW = f"(?:{_alt(_FR_WEEKDAYS)})"
_FR_RX = (
    rf"(?i:(?:(?:le|du|au)\s+)?(?:{_FRW}\s+)?(?P<fr_day>1er|[0-3]?\d)(?![\d.,:/])\s+(?P<fr_mon>{_FRM})\b(?:\s+(?P<fr_year>\d{{4}})(?!\d)|\s+(?P<fr_qual>prochain|dernier)\b)?"
    rf"|\b(?P<fr_mmon>{_FRM})\s+(?P<fr_myear>\d{{4}})(?!\d)"
    rf"|\b(?:en|depuis)\s+(?P<fr_yr>(?:19|20)\d\d)(?!\d)"
    rf"|\b(?P<fr_rel>avant-hier|après-demain|apres-demain|hier|aujourd['’]hui|demain"
    rf"|(?:la\s+)?semaine\s+(?:dernière|derniere|passée|passee|prochaine)"
    rf"|(?:le\s+)?mois\s+(?:dernier|prochain)"
    rf"|l['’]an(?:née)?\s+(?:dernière|derniere|dernier|passée|passé|prochaine|prochain)"
    rf"|{_FRW}(?:\s+(?:dernier|prochain))?)\b)"
)
_ENM = "(?:" + "|".join(
    [re.escape(m) for m in sorted(_EN_MONTHS, key=len, reverse=True) if len(m) > 3]
    + [re.escape(m) + r"\." for m in _EN_MONTHS if len(m) <= 4 and m != "May"]
) + ")"
_ENW = f"(?:{_alt(_EN_WEEKDAYS)})"
_EN_RX = (
    rf"(?:\b(?:{_ENW},?\s+)?(?P<en_mon>{_ENM})\s+(?P<en_day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<en_year>\d{{4}})(?!\d))?"
    rf"|\b(?:{_ENW},?\s+)?(?P<en_day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<en_mon2>{_ENM})(?:,?\s+(?P<en_year2>\d{{4}})(?!\d))?"
    rf"|\b(?P<en_mmon>{_ENM})\s+(?:of\s+)?(?P<en_myear>\d{{4}})(?!\d)"
    rf"|\b(?:[Ii]n|[Ss]ince)\s+(?P<en_yr>(?:19|20)\d\d)(?!\d)"
    rf"|\b(?P<en_rel>(?:the\s+)?day\s+before\s+yesterday|yesterday|Yesterday|today|Today|tomorrow|Tomorrow"
    rf"|(?:last|next|this|Last|Next|This)\s+(?:week|month|year)"
    rf"|(?:(?:last|next|Last|Next)\s+)?{_ENW}))\b"
)
_LATIN_RX = re.compile(f"(?P<fr>{_FR_RX})|(?P<en>{_EN_RX})")
_ALL_RX = re.compile(_AR_RX.pattern + f"|(?P<fr>{_FR_RX})|(?P<en>{_EN_RX})")

_PRECHECK_AR = re.compile(
    r"\d|امس|اليوم|غد|الماضي|المنصرم|الفائت|المقبل|القادم|الجاري|الحالي|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|غره"
)
_PRECHECK_LATIN = re.compile(
    r"\d|(?i:hier|aujourd|demain|semaine|mois|l['’]an|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
    r"|yesterday|[Tt]oday|[Tt]omorrow|[Ll]ast|[Nn]ext|[Tt]his|day\b"
)

# Words before a date-like phrase that make it a name, not a date.
_NAME_BEFORE = re.compile(
    rf"(?<![{_AL}])(?:[وبلف]|لل)?(?:ثوره|حركه|شارع|نهج|كوبري|جسر|ساحه|ميدان|مدينه|هجمات|انتفاضه|حي|ملعب|مستشفي|معهد|مدرسه|جامعه|نادي|احداث|بيان)\s*$"
)
_RX_BEFORE_WD = re.compile(r"(?:صلاه|خطبه|كل|ايام|صلاتي|يومي|خطب|مسجد)\s+(?:يوم\s+)?$")
_RX_BEFORE_TODAY = re.compile(r"(?:روسيا|المصري|مصر|صحيفه|جريده|قناه|برنامج|نفس|ذات|ذلك|ذاك|تلك)\s+$")
_RX_AFTER_TODAY = re.compile(rf"\s+ال(?!{_WD}{_RB})[{_AL}]")
_RX_YEAR_BORROW = re.compile(r"^\s*(?:-|–|الي|حتي|وحتي|و\s*حتي|والي|و\s*الي|و|/)\s*(?:(?:يوم\s+)?(?:ال)?" + _WD + r"\s*)?(?:غايه\s+)?$")


def _trie(words) -> str:
    """A regex for a word list, factored as a trie so each position costs a few checks."""
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return emit(root)


_AR_KEYS = ["امس", "اليوم", "غدا", "غد", "شهر", "غره", "هذا العام", "هذه السنه"] + list(_AR_WEEKDAYS) + list(
    _PAST | _CURRENT | _FUTURE
)
_LAT_KEYS = (
    list(_FR_MONTHS) + list(_FR_WEEKDAYS) + list(_EN_MONTHS) + list(_EN_WEEKDAYS)
    + ["hier", "avant-hier", "aujourd'hui", "aujourd’hui", "demain", "après-demain", "apres-demain", "semaine",
       "mois", "l'an", "l’an", "yesterday", "today", "tomorrow", "last", "next", "this", "day"]
)
_LAT_KEYS = _LAT_KEYS + [w.capitalize() for w in _LAT_KEYS] + [w.lower() for w in _LAT_KEYS]
# One pass finds the anchors: digit runs, a few Arabic keywords, Latin month/relative words.
# (separate passes: Python's re loses its first-character prefilter on a combined alternation)
_ANCHOR_NUM = re.compile(r"\d+")
_ANCHOR_AR = re.compile(_trie(_AR_KEYS))
_ANCHOR_LAT = re.compile(_trie(_LAT_KEYS))
_PREFIX_LETTERS = frozenset("وبلفك")
_AR_LETTER = re.compile(f"[{_AL}]")
_LATIN_NEXT = re.compile(r"\s*(?:st|nd|rd|th|er)?\s*(?:of\s+|de\s+)?[A-Za-zéû]")
_DAYWORD_BEFORE = re.compile(
    rf"(?<![{_AL}])(?:[وبلف]?(?:غره|اول|فاتح)|{_ORD}\s+من)\s+(?:شهر\s+)?(?:[وبلفك]{{1,2}})?$"
)
_CUE_BEFORE = re.compile(
    rf"(?:(?<![{_AL}])(?:وب|ول|فب|فل|[وبلفك])?(?:ال)?(?:عام|سنه)|(?<![{_AL}])(?:منذ|في|خلال|حتي|قبل|بعد|مطلع|اواخر|اوائل|نهايه|بدايه)"
    r"|\b(?:[Ii]n|[Ss]ince|[Ee]n|[Dd]epuis)\b)\s*$"
)
_MONTH_BEFORE_YEAR = re.compile(
    rf"{_LB}(?:(?:شهر|شهري)\s+)?{_PFX}(?:{_MON}|{_HMON}){_RB}(?:\s*(?:/|\\|\(|-)?\s*{_MON}{_RB}(?:\s*\))?)?"
    rf"(?:\s+(?:المبارك|المعظم|الحرام))?\s*[،,]?\s*(?:(?:(?:من\s+)?(?:ل)?(?:هذا|هذه)\s+(?:العام|السنه)|من|(?:ال|ل)?(?:عام|سنه))\s*)?$"
)
_MONTH_BEFORE_QUAL = re.compile(
    rf"{_LB}(?:(?:شهر|شهري)\s+)?{_PFX}{_MON}{_RB}(?:\s*(?:/|\\|\(|-)?\s*{_MON}{_RB}(?:\s*\))?)?\s+(?:(?:من\s+)?(?:العام|السنه)\s+)?$"
    rf"|{_LB}{_PFX}(?:الاسبوع|الاسابيع|الشهر|العام|السنه)\s+$"
)
_YEAR_RX = re.compile(f"(?P<ar_year>{_AR_YEAR})|(?P<fr>{_FR_RX})|(?P<en>{_EN_RX})")
# Cheap test run after a 1-2 digit number before trying the full expression: a month follows,
# or a range / numeric date continues.
_AFTER_DAY = re.compile(
    rf"\s*(?:من\s+)?(?:شهر\s+)?(?:[وبلفك]{{1,2}})?(?:{_trie(list(_AR_MONTHS) + list(_HIJRI_MONTHS))})"
    rf"|\s*(?:[-–/.]\s*\d|(?:-|–|و|الي|حتي|وحتي|والي|و\s+حتي|و\s+الي)\s*(?:(?:يوم\s+)?(?:ال)?{_WD}\s*[،,]?\s*)?\d)"
)
_REL_LEAD_BEFORE = re.compile(rf"(?<![{_AL}])[وف]?(?:اول\s+(?:من\s+)?|قبل\s+|بعد\s+)$")
_HIJRI_MARK = re.compile(rf"\s*(?:ه|هجريه|هجري|للهجره)(?![{_AL}])")


def _valid(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _nearest(ref: _dt.date, month: int, day: int) -> _dt.date | None:
    best = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = _valid(y, month, day)
        if d is not None and (best is None or abs((d - ref).days) < abs((best - ref).days)):
            best = d
    return best


def _day_with_qual(ref: _dt.date, month: int, day: int, qual: str | None) -> _dt.date | None:
    if qual is None:
        return _nearest(ref, month, day)
    if qual in _PAST:
        for y in (ref.year, ref.year - 1, ref.year - 2):
            d = _valid(y, month, day)
            if d is not None and d <= ref:
                return d
        return None
    if qual in _CURRENT:
        return _valid(ref.year, month, day)
    for y in (ref.year, ref.year + 1, ref.year + 2):
        d = _valid(y, month, day)
        if d is not None and d >= ref:
            return d
    return None


def _month_with_qual(ref: _dt.date, month: int, qual: str | None) -> _dt.date:
    if qual is None:  # nearest month, ties to the past
        cands = [(abs((y * 12 + month) - (ref.year * 12 + ref.month)), -y, y) for y in (ref.year - 1, ref.year, ref.year + 1)]
        return _dt.date(min(cands)[2], month, 1)
    if qual in _PAST:
        return _dt.date(ref.year if month < ref.month else ref.year - 1, month, 1)
    if qual in _CURRENT:
        return _dt.date(ref.year, month, 1)
    return _dt.date(ref.year if month > ref.month else ref.year + 1, month, 1)


def _year_of_qual(ref: _dt.date, qual: str) -> int:
    return ref.year - 1 if qual in _PAST else ref.year + 1 if qual in _FUTURE else ref.year


def _weekday(ref: _dt.date, wd: int, qual: str | None) -> _dt.date:
    if qual is None or qual in _CURRENT:  # news convention: the most recent such day, today included
        return ref - _dt.timedelta(days=(ref.weekday() - wd) % 7)
    if qual in _PAST:
        return ref - _dt.timedelta(days=((ref.weekday() - wd) % 7) or 7)
    return ref + _dt.timedelta(days=((wd - ref.weekday()) % 7) or 7)


def _add_months(ref: _dt.date, n: int) -> _dt.date:
    k = ref.year * 12 + ref.month - 1 + n
    return _dt.date(k // 12, k % 12 + 1, 1)


def _hijri_to_greg(y: int, m: int, d: int) -> _dt.date | None:
    try:
        from hijridate import Hijri

        g = Hijri(y, m, d).to_gregorian()
        return _dt.date(g.year, g.month, g.day)
    except (ValueError, OverflowError, ImportError):
        return None


def _nearest_hijri(ref: _dt.date, month: int, day: int) -> _dt.date | None:
    try:
        from hijridate import Gregorian

        hy = Gregorian(ref.year, ref.month, ref.day).to_hijri().year
    except (ValueError, OverflowError, ImportError):
        return None
    cands = [d for d in (_hijri_to_greg(y, month, day) for y in (hy - 1, hy, hy + 1)) if d is not None]
    return min(cands, key=lambda d: abs((d - ref).days)) if cands else None


def _ok_year(y: int) -> bool:
    return 1800 <= y <= 2100


# One raw finding: (start, end) in normalised text, date, granularity, calendar, relative, explicit_year
_Found = tuple


def _resolve_ar(m: re.Match, norm: str, ref: _dt.date, out: list) -> None:
    g = m.group
    s, e = m.span()
    kind = m.lastgroup
    if kind == "ar_day":
        if _NAME_BEFORE.search(norm, max(0, s - 12), s):
            return
        month = _AR_MONTHS[re.sub(r"\s+", " ", g("mon"))]
        if g("day") is not None:
            day = int(g("day"))
            ds = m.start("day")
        else:
            w = g("dayw")
            day = 1 if w in ("غره", "اول", "فاتح") else _AR_ORDINALS[re.sub(r"\s+", " ", w)]
            ds = m.start("dayw")
        year = g("year")
        if year is not None:
            y = int(year)
            if not _ok_year(y):
                return
            date = _valid(y, month, day)
            rel = False
        elif g("yqual") is not None:
            date = _valid(_year_of_qual(ref, g("yqual")), month, day)
            rel = True
        else:
            date = _day_with_qual(ref, month, day, g("qual"))
            rel = True
        if date is None:
            return
        if g("d0") is not None:
            d0 = _valid(date.year, month, int(g("d0")))
            if d0 is not None and d0 < date:
                out.append((m.start("d0"), m.end("d0"), d0, "day", "gregorian", rel, year is not None))
            elif d0 is not None:  # "30 نوفمبر - 2 ديسمبر" style is not this pattern; keep only the main date
                pass
        out.append((ds if g("d0") is not None else s, e, date, "day", "gregorian", rel, year is not None))
    elif kind == "ar_month":
        if _NAME_BEFORE.search(norm, max(0, s - 12), s):
            return
        month = _AR_MONTHS[re.sub(r"\s+", " ", g("mmon"))]
        if g("myear") is not None:
            y = int(g("myear"))
            if not _ok_year(y):
                return
            out.append((s, e, _dt.date(y, month, 1), "month", "gregorian", False, True))
        elif g("myqual") is not None:
            out.append((s, e, _dt.date(_year_of_qual(ref, g("myqual")), month, 1), "month", "gregorian", True, False))
        elif g("mqual") is not None:
            out.append((s, e, _month_with_qual(ref, month, g("mqual")), "month", "gregorian", True, False))
        elif g("shahr") is not None:
            out.append((s, e, _month_with_qual(ref, month, None), "month", "gregorian", True, False))
    elif kind == "ar_hijri":
        if g("hyonly") is not None:
            d = _hijri_to_greg(int(g("hyonly")), 1, 1)
            if d is not None:
                out.append((s, e, d, "year", "hijri", False, True))
            return
        if g("hnd") is not None:
            d = _hijri_to_greg(int(g("hny")), int(g("hnm")), int(g("hnd")))
            if d is not None:
                out.append((s, e, d, "day", "hijri", False, True))
            return
        hm = _HIJRI_MONTHS[re.sub(r"\s+", " ", g("hmon"))]
        if g("hday") is not None:
            hd = int(g("hday"))
        elif g("hdayw") is not None:
            w = g("hdayw")
            hd = 1 if w in ("غره", "اول", "فاتح") else _AR_ORDINALS[re.sub(r"\s+", " ", w)]
        else:
            hd = None
        if g("hyear") is not None:
            hy = int(g("hyear"))
            d = _hijri_to_greg(hy, hm, hd or 1)
            rel = False
        elif hd is not None and hm != 2:  # a day of a Hijri month without its year: the nearest one
            d = _nearest_hijri(ref, hm, hd)
            rel = True
        else:
            return
        if d is not None:
            out.append((s, e, d, "day" if hd else "month", "hijri", rel, not rel))
    elif kind == "ar_year":
        y = int(g("yr") or g("yr2"))
        if 1800 <= y <= 2100:
            out.append((s, e, _dt.date(y, 1, 1), "year", "gregorian", False, True))
    elif kind == "ar_rel":
        if g("rel_m2") is not None:
            out.append((s, e, ref - _dt.timedelta(days=2), "day", "gregorian", True, False))
        elif g("rel_p2") is not None:
            out.append((s, e, ref + _dt.timedelta(days=2), "day", "gregorian", True, False))
        elif g("rel_m1") is not None:
            out.append((s, e, ref - _dt.timedelta(days=1), "day", "gregorian", True, False))
        elif g("rel_p1") is not None:
            out.append((s, e, ref + _dt.timedelta(days=1), "day", "gregorian", True, False))
        elif g("rel_week") is not None:
            q = g("rel_wq")
            k = -7 if q in _PAST else 7 if q in _FUTURE else 0
            out.append((s, e, ref + _dt.timedelta(days=k), "day", "gregorian", True, False))
        elif g("rel_month") is not None:
            q = g("rel_mq")
            k = -1 if q in _PAST else 1 if q in _FUTURE else 0
            out.append((s, e, _add_months(ref, k), "month", "gregorian", True, False))
        elif g("rel_yq") is not None:
            out.append((s, e, _dt.date(_year_of_qual(ref, g("rel_yq")), 1, 1), "year", "gregorian", True, False))
        elif g("rel_thisy") is not None:
            out.append((s, e, _dt.date(ref.year, 1, 1), "year", "gregorian", True, False))
        elif g("wd") is not None:
            if _RX_BEFORE_WD.search(norm, max(0, s - 14), m.start("wd")):
                return
            out.append((s, e, _weekday(ref, _AR_WEEKDAYS[g("wd")], g("wq")), "day", "gregorian", True, False))
        elif g("today") is not None:
            if (g("todaywd") is None and _RX_AFTER_TODAY.match(norm, e)) or _RX_BEFORE_TODAY.search(norm, max(0, s - 12), s):
                return
            out.append((s, e, ref, "day", "gregorian", True, False))
    elif kind == "num":
        if g("nd") is not None:
            d = _valid(int(g("ny")), int(g("nm")), int(g("nd")))
        else:
            d = _valid(int(g("iy")), int(g("im")), int(g("id")))
        if d is not None:
            out.append((s, e, d, "day", "gregorian", False, True))


_EN_NAME_AFTER = re.compile(r"\s+(?:City|Bridge|Street|Square|Stadium|University|Movement|War|Revolution|Road)\b")
_EN_PERIOD_BEFORE = re.compile(r"\b(?:the|over|past|during|in)\s+$")


def _resolve_latin(m: re.Match, ref: _dt.date, out: list) -> None:
    g = m.group
    s, e = m.span()
    if g("fr") is not None:
        if g("fr_day") is not None:
            month = _FR_MONTHS[g("fr_mon").lower()]
            dd = g("fr_day").lower()
            day = 1 if dd == "1er" else int(dd)
            if g("fr_year") is not None:
                y = int(g("fr_year"))
                date = _valid(y, month, day) if _ok_year(y) else None
                explicit = True
            else:
                q = g("fr_qual")
                q = None if q is None else "الماضي" if q.lower() == "dernier" else "المقبل"
                date, explicit = _day_with_qual(ref, month, day, q), False
            if date is not None:
                out.append((s, e, date, "day", "gregorian", not explicit, explicit))
        elif g("fr_mmon") is not None:
            y = int(g("fr_myear"))
            if _ok_year(y):
                out.append((s, e, _dt.date(y, _FR_MONTHS[g("fr_mmon").lower()], 1), "month", "gregorian", False, True))
        elif g("fr_yr") is not None:
            out.append((s, e, _dt.date(int(g("fr_yr")), 1, 1), "year", "gregorian", False, True))
        else:
            r = re.sub(r"\s+", " ", g("fr_rel").lower().replace("’", "'"))
            _latin_rel(r, s, e, ref, out, fr=True)
        return
    if g("en_mon") is not None or g("en_mon2") is not None:
        if _EN_NAME_AFTER.match(m.string, e):
            return
        mon = (g("en_mon") or g("en_mon2")).rstrip(".")
        day = int(g("en_day") or g("en_day2"))
        year = g("en_year") or g("en_year2")
        month = _EN_MONTHS[mon]
        if year is not None:
            y = int(year)
            date = _valid(y, month, day) if _ok_year(y) else None
        else:
            date = _nearest(ref, month, day)
        if date is not None:
            out.append((s, e, date, "day", "gregorian", year is None, year is not None))
    elif g("en_mmon") is not None:
        y = int(g("en_myear"))
        if _ok_year(y):
            out.append((s, e, _dt.date(y, _EN_MONTHS[g("en_mmon").rstrip(".")], 1), "month", "gregorian", False, True))
    elif g("en_yr") is not None:
        out.append((s, e, _dt.date(int(g("en_yr")), 1, 1), "year", "gregorian", False, True))
    elif g("en_rel") is not None:
        if _EN_PERIOD_BEFORE.search(m.string, max(0, s - 8), s) and g("en_rel").split()[0].lower() == "last":
            return  # "over the last year" is a period, not a date
        _latin_rel(re.sub(r"\s+", " ", g("en_rel").lower()), s, e, ref, out, fr=False)


def _latin_rel(r: str, s: int, e: int, ref: _dt.date, out: list, *, fr: bool) -> None:
    day = _dt.timedelta(days=1)
    table = {
        "avant-hier": ref - 2 * day, "hier": ref - day, "aujourd'hui": ref, "demain": ref + day,
        "après-demain": ref + 2 * day, "apres-demain": ref + 2 * day,
        "the day before yesterday": ref - 2 * day, "day before yesterday": ref - 2 * day,
        "yesterday": ref - day, "today": ref, "tomorrow": ref + day,
    }
    if r in table:
        out.append((s, e, table[r], "day", "gregorian", True, False))
        return
    words = r.split()
    past = any(w in ("dernière", "derniere", "dernier", "passée", "passee", "passé", "last") for w in words)
    future = any(w in ("prochaine", "prochain", "next") for w in words)
    k = -1 if past else 1 if future else 0
    if "semaine" in words or "week" in words:
        out.append((s, e, ref + _dt.timedelta(days=7 * k), "day", "gregorian", True, False))
    elif "mois" in words or "month" in words:
        out.append((s, e, _add_months(ref, k), "month", "gregorian", True, False))
    elif "year" in words or r.startswith("l'an"):
        out.append((s, e, _dt.date(ref.year + k, 1, 1), "year", "gregorian", True, False))
    else:
        names = _FR_WEEKDAYS if fr else {k2.lower(): v for k2, v in _EN_WEEKDAYS.items()}
        wd = next((names[w] for w in words if w in names), None)
        if wd is not None:
            qual = "الماضي" if past else "المقبل" if future else None
            out.append((s, e, _weekday(ref, wd, qual), "day", "gregorian", True, False))


_KINDS = ("a_num", "a_kw", "a_lat")


def _first(t: tuple) -> int:
    return t[0]


def find_date_mentions(text: str, *, reference: _dt.date, lang: str | None = None) -> list[DateMention]:
    """Dates written in ``text``, resolved against ``reference`` (usually the publication date).

    ``lang`` ("ar", "fr", "en" or None for all) only narrows which expressions are searched.
    """
    if not text:
        return []
    if isinstance(reference, _dt.datetime):
        reference = reference.date()
    want_ar = lang not in ("fr", "en")
    want_lat = lang != "ar"
    norm, bps, cum = _normalise(text)
    found: list = []
    covered = 0
    anchors = [(h.start(), 0, h) for h in _ANCHOR_NUM.finditer(norm)]
    if want_ar:
        anchors += [(h.start(), 1, h) for h in _ANCHOR_AR.finditer(norm)]
    if want_lat:
        anchors += [(h.start(), 2, h) for h in _ANCHOR_LAT.finditer(norm)]
    anchors.sort(key=_first)
    for s, k, h in anchors:
        if s < covered:
            continue
        kind = _KINDS[k]
        m = None
        if kind == "a_num":
            e = h.end()
            if e - s <= 2:
                if _LATIN_NEXT.match(norm, e):
                    if want_lat:
                        m = _LATIN_RX.match(norm, s)
                elif want_ar and _AFTER_DAY.match(norm, e):
                    m = _AR_RX.match(norm, s)
                    if m is not None and m.lastgroup == "ar_rel":
                        m = None
            elif e - s == 4:
                if want_ar:
                    mb = _MONTH_BEFORE_YEAR.search(norm, max(covered, s - 48), s)
                    if mb is not None:
                        start = mb.start()
                        dw = _DAYWORD_BEFORE.search(norm, max(covered, start - 28), start)
                        m = _AR_RX.match(norm, dw.start() if dw is not None else start)
                    elif _HIJRI_MARK.match(norm, e) or norm[e : e + 1] in ("-", "/"):
                        m = _AR_RX.match(norm, s)
                if m is None:
                    cue = _CUE_BEFORE.search(norm, max(covered, s - 12), s)
                    if cue is not None:
                        m = _YEAR_RX.match(norm, cue.start())
                    elif want_lat and s >= 2 and norm[s - 2].isascii() and norm[s - 2].isalpha():
                        m = _LATIN_RX.search(norm, max(covered, s - 16), e + 1)
                        if m is not None and m.end() < e:
                            m = None
        elif kind == "a_lat":
            if want_lat and (s == 0 or not norm[s - 1].isalpha()):
                m = _LATIN_RX.match(norm, s)
        elif want_ar:
            if s and _AR_LETTER.match(norm, s - 1):
                start = s - 1
                if start and norm[start - 1] in _PREFIX_LETTERS:
                    start -= 1
                if norm[s - 1] not in _PREFIX_LETTERS or (start and _AR_LETTER.match(norm, start - 1)):
                    continue  # inside a longer word
                s = start
            word = h.group()
            if word == "امس" and (h.start() - s == 2 or (h.start() - s == 1 and norm[s] not in "وفب")):
                continue  # "لامس" (touched) is not "ل + أمس"
            if word == "امس" or word == "غد":
                rb = _REL_LEAD_BEFORE.search(norm, max(covered, s - 10), s)
                if rb is not None:
                    s = rb.start()
            if word in _PAST or word in _CURRENT or word in _FUTURE:
                mb = _MONTH_BEFORE_QUAL.search(norm, max(covered, s - 40), s)
                if mb is None:
                    continue
                s = mb.start()
                word = "شهر"
            if word == "شهر":
                dw = _DAYWORD_BEFORE.search(norm, max(covered, s - 28), s)
                if dw is not None:
                    s = dw.start()
            m = _AR_RX.match(norm, s)
        if m is None or m.end() <= m.start():
            continue
        covered = m.end()
        last = m.lastgroup
        if last in ("fr", "en"):
            _resolve_latin(m, reference, found)
        else:
            _resolve_ar(m, norm, reference, found)
    # A day written without its year, followed by a range end that has one: "من 15 جويلية إلى 15 أوت 2016".
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if a[3] == "day" and not a[6] and b[3] == "day" and b[6] and a[5] and b[2].year != a[2].year:
            if _RX_YEAR_BORROW.match(norm[a[1] : b[0]]):
                d = _valid(b[2].year, a[2].month, a[2].day)
                if d is not None and d <= b[2]:
                    found[i] = (a[0], a[1], d, "day", "gregorian", False, True)
    result = []
    for s, e, date, gran, cal, rel, _explicit in found:
        os_ = _orig(s, bps, cum)
        oe = _orig(e - 1, bps, cum) + 1
        if bps is not None:  # keep a diacritic or tatweel written right after the last letter
            tail = _STRIP.match(text, oe)
            if tail is not None:
                oe = tail.end()
        mention = text[os_:oe]
        # trim blanks the regex may have swallowed at the edges
        stripped = mention.strip()
        if not stripped:
            continue
        os_ += len(mention) - len(mention.lstrip())
        result.append(DateMention(stripped, date, gran, cal, rel, os_))
    return result


# ---------------------------------------------------------------------------
# Publication dates

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$"
)
_DMY = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(?:à\s*|at\s*)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_TIME_IN_TEXT = re.compile(r"(?<!\d)([0-2]?\d)[:h](\d{2})(?::(\d{2}))?(?!\d)\s*([AaPp]\.?[Mm]\.?|صباحا|مساء|مساءا|ص|م(?![\u0621-\u064a]))?")
_OFFSET_IN_TEXT = re.compile(r"(?:GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?|(?<![\d:])([+-]\d{2}):?(\d{2})$")


def _zone(tz: str | None) -> _dt.tzinfo:
    if not tz:
        return _dt.timezone.utc
    try:
        return ZoneInfo(tz)
    except Exception:  # unknown or malformed zone name: the contract is never to raise
        return _dt.timezone.utc


def _offset(text: str | None) -> _dt.tzinfo | None:
    if text is None:
        return None
    if text in ("Z", "z", "UTC", "GMT"):
        return _dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hh = int(digits[:2])
    mm = int(digits[2:4]) if len(digits) >= 4 else 0
    if hh > 14 or mm > 59:
        return None
    return _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))


def _build(y, mo, d, hh, mi, ss, tzinfo, default_tz) -> _dt.datetime | None:
    if not (1900 <= y <= 2100):
        return None
    try:
        naive = _dt.datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None
    aware = naive.replace(tzinfo=tzinfo if tzinfo is not None else default_tz)
    return aware.astimezone(_dt.timezone.utc)


def parse_published(raw: str | None, *, tz: str = "UTC", lang: str | None = None) -> _dt.datetime | None:
    """What a source wrote as publication time -> aware UTC datetime, or None. Never raises."""
    try:
        return _parse_published(raw, tz, lang)
    except Exception:  # defensive: malformed input must never stop a night's run
        return None


def _parse_published(raw, tz, lang):
    if raw is None:
        return None
    if isinstance(raw, _dt.datetime):
        return (raw if raw.tzinfo else raw.replace(tzinfo=_zone(tz))).astimezone(_dt.timezone.utc)
    s = str(raw).translate(_TRANS).strip()
    if not s:
        return None
    zone = _zone(tz)
    if _EPOCH.match(s):
        v = float(s)
        if v > 1e11:  # milliseconds
            v /= 1000.0
        out = _dt.datetime.fromtimestamp(v, _dt.timezone.utc)
        return out if 1990 <= out.year <= 2100 else None
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        tzinfo = _offset(m[7]) if m[7] else None
        if m[7] and tzinfo is None:
            return None
        return _build(y, mo, d, hh, mi, ss, tzinfo, zone)
    m = _DMY.match(s)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if b > 12 and a <= 12:  # US order, the only reading possible
            a, b = b, a
        hh, mi, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        if m[7]:
            hh = hh % 12 + (12 if m[7].lower() == "pm" else 0)
        tzinfo = _offset(m[8]) if m[8] else None
        return _build(y, b, a, hh, mi, ss, tzinfo, zone)
    m = _YMD_SLASH.match(s)
    if m:
        return _build(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0), None, zone)
    if re.match(r"^[A-Za-z]{3},?\s+\d|^\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", s):
        t = parsedate_tz(s)
        if t is not None:
            y, mo, d, hh, mi, ss = t[:6]
            if t[9] is not None and not re.search(r"-0000\s*$", s):
                tzinfo = _dt.timezone(_dt.timedelta(seconds=t[9]))
            elif re.search(r"(?:GMT|UTC|UT|Z)\s*$", s):
                tzinfo = _dt.timezone.utc
            else:
                tzinfo = None
            return _build(y, mo, d, hh, mi, ss, tzinfo, zone)
    # Textual date with an optional time: "12 جويلية 2022 - 14:30", "July 12, 2022 10:00 AM".
    mentions = find_date_mentions(s, reference=_dt.date(2000, 1, 1), lang=None)
    best = next((mm for mm in mentions if mm.granularity == "day" and not mm.is_relative), None)
    if best is None:
        return None
    rest = s[best.char_offset + len(best.mention) :]
    hh = mi = ss = 0
    tm = _TIME_IN_TEXT.search(rest) or _TIME_IN_TEXT.search(s[: best.char_offset])
    if tm:
        hh, mi, ss = int(tm[1]), int(tm[2]), int(tm[3] or 0)
        mer = (tm[4] or "").lower().replace(".", "")
        if mer in ("pm", "مساء", "مساءا", "م") and hh < 12:
            hh += 12
        elif mer in ("am", "صباحا", "ص") and hh == 12:
            hh = 0
        if hh > 23 or mi > 59 or ss > 59:
            hh = mi = ss = 0
    om = _OFFSET_IN_TEXT.search(rest)
    tzinfo = None
    if om:
        if om[1]:
            tzinfo = _offset(f"{om[1][0]}{int(om[1][1:]):02d}{om[2] or '00'}")
        else:
            tzinfo = _offset(om[3] + om[4])
    elif re.search(r"\b(?:GMT|UTC)\b", rest):
        tzinfo = _dt.timezone.utc
    d = best.date
    return _build(d.year, d.month, d.day, hh, mi, ss, tzinfo, zone)


# ---------------------------------------------------------------------------
# Dates in URLs

_URL_PATTERNS = [
    re.compile(r"(?<![0-9])((?:19|20)\d\d)[/_.-]([01]?\d)[/_.-]([0-3]?\d)(?![0-9])"),
    re.compile(r"(?<![0-9])((?:19|20)\d\d)([01]\d)([0-3]\d)(?![0-9])"),
]


def date_from_url(url: str) -> _dt.date | None:
    """A date written in an article URL's path (/2022/07/12/, /20220712/, 2022-07-12), or None."""
    if not url:
        return None
    try:
        path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", str(url))
    except Exception:
        return None
    for rx in _URL_PATTERNS:
        for m in rx.finditer(path):
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
            if 1990 <= y <= 2100:
                got = _valid(y, mo, d)
                if got is not None:
                    return got
    return None
