"""The words of dates: month names of every family, Hijri months, weekdays, ordinals, qualifiers.

Arabic entries are in normalised spelling (ا for أ/إ, ه for ة, ي for ى; آ kept), so one entry
covers the spellings with and without hamza, with ة or ه, with ى or ي.
"""

from __future__ import annotations

import re

AR_MONTHS: dict[str, int] = {}


def _add(month: int, *names: str) -> None:
    for n in names:
        AR_MONTHS[n] = month


# Maghreb (Tunisia, Algeria)
_add(1, "جانفي", "جانفيه")
_add(2, "فيفري", "فيفريه")
_add(4, "افريل")
_add(5, "ماي")
_add(6, "جوان")
_add(7, "جويليه", "جويلي", "جويله")
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
_add(9, "سبتمبر", "سيبتمبر")
_add(10, "اكتوبر", "اوكتوبر")
_add(11, "نوفمبر", "نوفمبير")
_add(12, "ديسمبر", "ديسمبير", "دسمبر")
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

HIJRI_MONTHS: dict[str, int] = {}
for _n, _m in [
    ("محرم", 1),
    ("المحرم", 1),
    ("صفر", 2),
    ("ربيع الاول", 3),
    ("ربيع اول", 3),
    ("ربيع الاخر", 4),
    ("ربيع الآخر", 4),
    ("ربيع الثاني", 4),
    ("ربيع ثاني", 4),
    ("جمادي الاولي", 5),
    ("جمادي الاول", 5),
    ("جمادي الاخره", 6),
    ("جمادي الآخره", 6),
    ("جمادي الثانيه", 6),
    ("جمادي الاخر", 6),
    ("جمادي الآخر", 6),
    ("رجب", 7),
    ("شعبان", 8),
    ("رمضان", 9),
    ("شوال", 10),
    ("ذو القعده", 11),
    ("ذي القعده", 11),
    ("ذو الحجه", 12),
    ("ذي الحجه", 12),
]:
    HIJRI_MONTHS[_n] = _m

AR_WEEKDAYS = {
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}

_UNITS = ["", "الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
AR_ORDINALS: dict[str, int] = {
    "الاول": 1,
    "الثاني": 2,
    "الثالث": 3,
    "الرابع": 4,
    "الخامس": 5,
    "السادس": 6,
    "السابع": 7,
    "الثامن": 8,
    "التاسع": 9,
    "العاشر": 10,
    "العشرين": 20,
    "الثلاثين": 30,
}
for _i in range(1, 10):
    AR_ORDINALS[_UNITS[_i] + " عشر"] = 10 + _i
    AR_ORDINALS[_UNITS[_i] + " والعشرين"] = 20 + _i
AR_ORDINALS["الحادي والثلاثين"] = 31
for _i in range(1, 10):  # the nominative forms: "الخامس والعشرون من يونيو"
    AR_ORDINALS[_UNITS[_i] + " والعشرون"] = 20 + _i
AR_ORDINALS.update({"العشرون": 20, "الثلاثون": 30, "الحادي والثلاثون": 31, "الواحد والعشرون": 21})
AR_ORDINALS["الواحد والعشرين"] = 21
AR_ORDINALS["الواحد والثلاثين"] = 31

PAST = {
    "الماضي",
    "المنصرم",
    "الفائت",
    "المنقضي",
    "المنصرمه",
    "الماضيه",
    "الفائته",
    "الماضيين",
    "المنصرمين",
    "المنقضيين",
    "المنقضيه",
    # Tunisian press: "جويلية الفارط", "السنة الفارطة"
    "الفارط",
    "الفارطه",
}
CURRENT = {"الجاري", "الحالي", "الجاريه", "الحاليه"}
FUTURE = {"المقبل", "القادم", "المقبله", "القادمه", "المقبلين", "القادمين"}

FR_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
# Abbreviations newspapers print before a day or a year ("12 févr. 2017", "oct. 2019").
FR_ABBREVIATIONS = {"janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11,
                    "déc": 12, "dec": 12}  # fmt: skip
FR_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
EN_MONTHS = {
    "January": 1,
    "February": 2,
    "March": 3,
    "April": 4,
    "May": 5,
    "June": 6,
    "July": 7,
    "August": 8,
    "September": 9,
    "October": 10,
    "November": 11,
    "December": 12,
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
EN_WEEKDAYS = {
    "Monday": 0,
    "Tuesday": 1,
    "Wednesday": 2,
    "Thursday": 3,
    "Friday": 4,
    "Saturday": 5,
    "Sunday": 6,
}


def alternation(words) -> str:
    """Regex alternation, longest first; spaces match any run of blanks."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def trie(words) -> str:
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
