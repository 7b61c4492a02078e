"""The regular expressions of date mentions, built once from the lexicon.

Arabic: a day and a month (with the day range, weekday and "الموافق" forms and the doubled agency
forms "آذار/مارس"), a month with a year or a qualifier, Hijri dates, a year after a cue word,
relative expressions, numeric dates. French and English: day-month-year in either order, month
and year, relative words. Scanning starts only at *anchors* (digits, a few Arabic keywords, Latin
month and relative words), each tried with the expression its kind calls for.
"""

from __future__ import annotations

import re

from akhbar.dates.lexicon import (
    AR_MONTHS,
    AR_ORDINALS,
    AR_WEEKDAYS,
    CURRENT,
    EN_MONTHS,
    EN_WEEKDAYS,
    FR_ABBREVIATIONS,
    FR_MONTHS,
    FR_WEEKDAYS,
    FUTURE,
    HIJRI_MONTHS,
    PAST,
    alternation,
    trie,
)

# The Arabic expression

AL = "\u0621-\u064a\u0671-\u06d3"  # Arabic letters
LB = f"(?<![{AL}])"  # left boundary of an Arabic word
RB = f"(?![{AL}])"  # right boundary
PFX = "(?:وب|ول|فب|فل|وفي|[وبلفك])?"  # attached conjunctions / prepositions
MON = f"(?:{alternation(AR_MONTHS)})"
HMON = f"(?:{alternation(HIJRI_MONTHS)})"
WD = f"(?:{alternation(AR_WEEKDAYS)})"
ORD = f"(?:{alternation(AR_ORDINALS)})"
QUAL = f"(?:{alternation(PAST | CURRENT | FUTURE)})"
DAYNUM = r"(?<![\d.,/:])(?:[0-3]?\d)(?![\d.,/:]\d|\d)"
YEAR = r"(?<!\d)\d{4}(?!\d)"
SAME_MONTH = r"نفس\s+الشهر|الشهر\s+(?:نفسه|ذاته)|ذات\s+الشهر"
# a weekday in brackets or slashes after the word it names: "أمس (الأربعاء)", "غدا /الخميس/"
BRACKET_OPEN = r"\s*[(\[/\"«]\s*"
BRACKET_CLOSE = r"\s*[)\]/\"»]"
THIS_YEAR = r"هذا\s+العام|هذه\s+السنه"
SAME_YEAR = r"نفس\s+(?:العام|السنه)|(?:العام|السنه)\s+(?:نفسه|ذاته)|ذات\s+(?:العام|السنه)"
# What may stand between two days of one month: "26 و27 مارس", "6 والسبت 7 جانفي", "2 إلى 4 جوان"
CONN = (
    rf"\s*(?:-|–|/|و|او|الي|حتي|وحتي|و\s+حتي|والي|و\s+الي|ولغايه|لغايه|الي\s+غايه)\s*"
    rf"(?:(?:يوم\s+)?(?:ال)?{WD}\s*[،,]?\s*)?"
)
LEAD = rf"(?:(?:اليوم|امس|غدا|غد|يوم\s+غد)\s+)?(?:يوم\s+)?(?:{WD}{RB}\s*[،,]?\s*(?:الموافق\s+(?:ل\s*)?)?)?"
# The same, naming its weekday ("الخميس 16 فيفري": the year in which the 16th is a Thursday)
LEAD_WD = rf"(?:(?:اليوم|امس|غدا|غد|يوم\s+غد)\s+)?(?:يوم\s+)?(?:(?P<lwd>{WD}){RB}\s*[،,(]?\s*(?:الموافق\s+(?:ل\s*)?)?)?"

# Earlier days of a list of three or more: "أيام 25 و 26 و27 فيفري", "les 15, 16 et 17 juin"
AR_DAY_LIST = rf"(?P<dlist>(?:{DAYNUM}\s*(?:[،,]\s*(?:و\s*)?|و\s*))+)"
AR_DAY_DATE = (
    rf"(?:{LB}{PFX}{LEAD_WD})?(?:{AR_DAY_LIST}?(?:(?P<d0>{DAYNUM})|{LB}(?P<d0w>{ORD}|غره|اول)){CONN})?"
    rf"(?:(?P<day>{DAYNUM})|{LB}(?P<dayw>غره|اول|(?:ال)?فاتح|{ORD}(?=\s+من\s)))"
    rf"\s*(?:من\s+)?(?:شهر\s+)?{LB}{PFX}(?P<mon>{MON}){RB}"
    rf"(?:\s*(?:/|\\|\(|-)?\s*(?P<mon2>{MON}){RB}(?:\s*\))?)?"
    rf"(?:\s*[،,]?\s*(?:من\s+)?(?:(?:ال|لل|ل)?(?:عام|سنه)\s*)?(?P<year>{YEAR})(?:\s*م{RB})?"
    rf"|\s+(?P<qual>{QUAL}){RB}"
    rf"|\s+(?:من\s+)?(?:ال|لل)(?:عام|سنه)\s+(?P<ybefore>قبل\s+)?(?P<yqual>{QUAL}){RB}"
    rf"|\s+(?:من\s+)?(?:ل)?(?P<ythis>{THIS_YEAR}){RB}"
    rf"|\s+(?:من\s+)?(?P<ysame>{SAME_YEAR}){RB})?"
)
AR_MONTH_DATE = (
    rf"{LB}(?:(?P<shahr>{PFX}(?:شهر|شهري))\s+)?{PFX}(?P<mmon>{MON}){RB}"
    rf"(?:\s*(?:/|\\|\(|-)?\s*(?P<mmon2>{MON}){RB}(?:\s*\))?)?"
    rf"(?:\s*[،,]?\s*(?:من\s+)?(?:(?:ال|لل|ل)?(?:عام|سنه)\s*)?(?P<myear>{YEAR})(?:\s*م{RB})?"
    rf"|\s+(?P<mqual>{QUAL}){RB}"
    rf"|\s+(?:من\s+)?(?:ال|لل)(?:عام|سنه)\s+(?P<myqual>{QUAL}){RB}"
    rf"|\s+(?:من\s+)?(?:ل)?(?P<mthis>{THIS_YEAR}){RB})?"
)
GREG_MARK = rf"\s*(?:م|ميلاديه|ميلادي|للميلاد){RB}"
HMARK = r"(?:ه|هجريه|هجري|للهجره)"
# A day of the month or year of the date before it: "17 من نفس الشهر", "الثامن منه", "1 ديسمبر من نفس العام"
AR_SAME = (
    rf"(?:(?P<sd0>{DAYNUM}){CONN})?(?P<sday>{DAYNUM})\s+(?:من\s+(?:{SAME_MONTH})|(?P<sof>منه)){RB}"
    rf"|{LB}(?:في\s+)?(?P<sdayw>{ORD})\s+(?:من\s+(?:{SAME_MONTH})|منه){RB}"
    # a day of the last, this or next month: "التاسع عشر من الشهر الماضي", "15 من الشهر الجاري"
    rf"|(?:(?P<qday>{DAYNUM})|{LB}(?P<qdayw>{ORD}))\s+من\s+الشهر\s+(?P<qmq>{QUAL}){RB}"
    # the month of the date before it, in another year: "بين مايو 2013 والشهر نفسه من عام 2015"
    rf"|{LB}{PFX}(?P<smonth>{SAME_MONTH})\s+من\s+(?:ال|لل|ل)?(?:عام|سنه)\s*(?P<smyear>{YEAR})"
)
AR_HIJRI = (
    rf"(?:{LB}{PFX}{LEAD})?(?:(?P<hday>{DAYNUM})|{LB}(?P<hdayw>غره|اول|فاتح|{ORD}(?=\s+من\s)))?\s*(?:من\s+)?(?:شهر\s+)?"
    rf"{LB}{PFX}(?P<hmon>{HMON}){RB}(?:\s+(?:المبارك|المعظم|الحرام))?\s*[،,]?\s*"
    rf"(?:(?:(?:من\s+)?(?:ل)?(?:هذا|هذه)\s+(?:العام|السنه)|(?:من\s+)?(?:ال|لل|ل)?(?:عام|سنه)|من)\s*)?"
    rf"(?:(?P<hyear>1[34]\d\d)(?!\d)(?:\s*{HMARK}{RB})?)?"
    rf"|(?<![\d/])(?P<hnd>[0-3]?\d)/(?P<hnm>[01]?\d)/(?P<hny>1[34]\d\d)\s*{HMARK}{RB}"
    rf"|{LB}(?:{PFX}(?:العام|عام|سنه|السنه)\s+)?(?P<hyonly>1[34]\d\d)\s*{HMARK}{RB}"
)
AR_YEAR = (
    rf"{LB}(?:{PFX}(?:ال)?|و?لل)(?:عام|سنه)\s*(?P<yr>{YEAR})(?!\s*[-/]\s*\d)"
    rf"|{LB}(?:منذ|في|خلال|حتي|قبل|بعد|مطلع|اواخر|اوائل|نهايه|بدايه|صيف|شتاء|خريف)\s+(?P<yr2>(?:19|20)\d\d)(?!\d)"
    rf"(?=\s*(?:[،,.;:)»\"]|$|و|الي|حتي|عندما|حين|بعد|قبل|ضد|مقابل)|\s*\n)"
    # a year marked as Gregorian, as هـ marks a Hijri one: "لسنة 1438 هـ / 2017 م", "2017 ميلادية"
    rf"|(?<![\d.,])(?P<yr3>(?:18|19|20)\d\d){GREG_MARK}"
)
AR_REL = (
    rf"{LB}{PFX}(?:"
    rf"(?P<rel_m2>اول\s+(?:من\s+)?امس|قبل\s+امس|امس\s+الاول)"
    rf"|(?P<rel_p2>بعد\s+غد)"
    rf"|(?P<rel_m1>امس|الامس|الليله\s+الماضيه)(?:\s+(?P<rel_m1wd>{WD})|{BRACKET_OPEN}(?P<rel_m1wdq>{WD}){RB}{BRACKET_CLOSE})?"
    rf"|(?P<rel_p1>غدا|يوم\s+غد|غد(?=\s+{WD})|الغد(?=\s+{WD})|(?:مباراه|لقاء|يوم|صباح|مساء)\s+الغد)"
    rf"(?:\s+(?P<rel_p1wd>{WD})|{BRACKET_OPEN}(?P<rel_p1wdq>{WD}){RB}{BRACKET_CLOSE})?"
    rf"|(?P<rel_week>(?:ال|(?<=ل)ل)اسبوع)\s+(?P<rel_wq>{QUAL})"
    rf"|(?P<rel_month>(?:ال|(?<=ل)ل)شهر)\s+(?P<rel_mq>{QUAL})"
    rf"|(?:ال|(?<=ل)ل)(?:عام|سنه)\s+(?P<rel_ybefore>قبل\s+)?(?P<rel_yq>{QUAL})"
    rf"|(?P<rel_thisy>هذا\s+العام|هذه\s+السنه)"
    rf"|(?P<rel_thisweek>هذا\s+الاسبوع)"
    rf"|(?P<rel_thismonth>هذا\s+الشهر)"
    rf"|(?:يوم\s+)?(?P<wd>{WD})(?:\s+(?P<wq>{QUAL}))?"
    # "اليوم السبت", and the agencies' "اليوم /السبت/", "اليوم \"السبت\""
    rf"|(?P<today>اليوم)(?:\s+(?P<todaywd>{WD})|\s*[/\"«(]\s*(?P<todaywdq>{WD}){RB}\s*[/\"»)])?"
    rf"){RB}"
)
AR_NUMERIC = (
    r"(?<![\d/.\-])(?:(?P<nd>[0-3]?\d)[/.\-](?P<nm>[01]?\d)[/.\-](?P<ny>(?:19|20)\d\d)"
    r"|(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)"
    # a two-digit year, every part in two digits and slashes ("06/06/21"): not "1/2/3", not a version "1.2.10"
    r"|(?P<sd>[0-3]\d)/(?P<sm>[01]\d)/(?P<sy>\d\d))(?![\d/])"
)

AR_RX = re.compile(
    f"(?P<ar_same>{AR_SAME})|(?P<ar_day>{AR_DAY_DATE})|(?P<ar_hijri>{AR_HIJRI})|(?P<ar_month>{AR_MONTH_DATE})"
    f"|(?P<ar_year>{AR_YEAR})|(?P<ar_rel>{AR_REL})|(?P<num>{AR_NUMERIC})"
)

# ---------------------------------------------------------------------------
# French and English

FRM = f"(?:(?:{alternation(FR_MONTHS)})\\b|(?:{alternation(FR_ABBREVIATIONS)})\\.)"
FR_YEAR_CUES = (
    r"(?:en|depuis|après|apres|avant|d['’]ici(?:\s+à)?|jusqu['’](?:en|à)|dès|fin|début|debut|courant|printemps|l['’]été|"
    r"cet\s+été|automne|hiver|l['’]année|l['’]an)\s+|mi-"
)
# What follows a number that is an amount, not a year: "en 2014 euros", "in 2010 dollars", "avant 2000 exemplaires",
NOT_A_UNIT = (  # nor a season across two years ("en 2019-2020", "in 2012/13"), as "عام 2019-2020" is not
    r"(?!\s*[-/–]\s*\d)(?!\s*(?:[%€$£]|euros?\b|dollars?\b|dinars?\b|livres?\b|kilomètres?\b|mètres?\b|m²|habitants\b|"
    r"personnes\b|exemplaires\b|pages\b|tonnes\b|voix\b|pounds?\b|people\b|km\b|miles?\b|copies\b|tons?\b))"
)
FRW = f"(?:{alternation(FR_WEEKDAYS)})"
FR_RX = (
    # "le 5 mai 2019", "du 4 au 11 novembre", "entre le 11 et le 28 mars", "les vendredi 20 et samedi 21 septembre"
    rf"(?i:(?:(?:le|les|du|au)\s+)?(?:(?P<fr_wd>{FRW})\s+)?"
    rf"(?:(?P<fr_dlist>(?:(?:1er|[0-3]?\d)\s*,\s*)+)?(?P<fr_d0>1er|[0-3]?\d)\s*(?:/|-|–|au|et)\s*(?:le\s+)?"
    rf"(?:(?P<fr_wd2>{FRW})\s+)?)?"
    rf"(?P<fr_day>1er|[0-3]?\d)(?![\d.,:/])(?:\s+|(?P<fr_hyphen>-)(?=[A-ZÉÛ]))(?P<fr_mon>{FRM})(?:\s+(?P<fr_year>\d{{4}})(?!\d)|\s+(?P<fr_qual>prochain|dernier)\b)?"
    rf"|\b(?P<fr_mmon>{FRM})\s+(?P<fr_myear>\d{{4}})(?!\d)"
    rf"|\b(?P<fr_qmon>{FRM})\s+(?P<fr_mqual>dernier|prochain)\b"
    # a month and a two-digit year closing a phrase, after a cue (checked when resolved): "en mai 68,"
    rf"|\b(?P<fr_m2mon>{FRM})\s+['’]?(?P<fr_m2year>[1-9]\d)(?=\s*(?:[,.;:!?)»]|$))"
    # a day and a month in figures after an article: "le 12/03", "les 25/11, 30/11 et 02/12"
    rf"|\b(?:le|les|du|au|dès\s+le|depuis\s+le|jusqu['’]au)\s+(?P<fr_nd>[0-3]?\d)/(?P<fr_nm>[01]?\d)(?![\d/])"
    rf"(?P<fr_nmore>(?:\s*(?:,|et)\s*[0-3]?\d/[01]?\d(?![\d/]))*)(?!\s+(?:des?|du|d['’])\b)"
    # a year after a cue, the French words of the Arabic ones (في، منذ، بعد، قبل، حتى، بداية، نهاية، صيف، العام), not a
    # sum or a count ("en 2014 euros", "avant 2000 exemplaires")
    rf"|\b(?:{FR_YEAR_CUES})(?P<fr_yr>(?:19|20)\d\d)(?!\d){NOT_A_UNIT}"
    # a weekday and a day of a month left unsaid: "le samedi 21 au matin"
    rf"|\b(?P<fr_wdonly>{FRW})\s+(?P<fr_wdday>1er|[0-3]?\d)(?![\d.,:/])(?!\s*(?:h\b|heures?\b|ans?\b|%|€))"
    rf"|\b(?P<fr_rel>avant-hier|après-demain|apres-demain|hier|aujourd['’]hui|demain"
    rf"|cette\s+(?:semaine|année|annee)"
    rf"|(?:la\s+)?semaine\s+(?:dernière|derniere|passée|passee|prochaine)"
    rf"|(?:le\s+)?mois\s+(?:dernier|prochain)"
    rf"|l['’]an(?:née)?\s+(?:dernière|derniere|dernier|passée|passé|prochaine|prochain)"
    rf"|{FRW}(?:\s+(?:dernier|prochain))?)\b)"
)
ENM = (
    "(?:"
    + "|".join(
        [re.escape(m) for m in sorted(EN_MONTHS, key=len, reverse=True) if len(m) > 3]
        + [re.escape(m) + r"\." for m in EN_MONTHS if len(m) <= 4 and m != "May"]
    )
    + ")"
)
ENW = f"(?:{alternation(EN_WEEKDAYS)})"
# "May" only capitalised and before a day or a year ("may" is also a verb)
ENM_BEFORE_DAY = rf"(?:{ENM}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?=\s+[0-3]?\d(?!\d)))"
ENM_AFTER_DAY = rf"(?:{ENM}|May\b)"
ENM_BEFORE_YEAR = rf"(?:{ENM}|May(?=\s+(?:of\s+)?\d{{4}}(?!\d)))"
ENM_FULL = "(?:" + "|".join(m for m in EN_MONTHS if len(m) > 4 or m in ("May", "June", "July")) + ")"
EN_RX = (
    rf"(?:\b(?:(?P<en_wd1>{ENW}),?\s+)?(?P<en_mon>{ENM_BEFORE_DAY})\s+(?P<en_day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"
    # a second day of the month: "April 22 and 23", "May 5-7, 2013" (not "April 22 and 23 people")
    rf"(?:\s*(?:-|–|and|to)\s*(?P<en_d1>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])(?=\s*(?:[,.;)]|$|\s+(?:in|at|on|of|for|and|\d{{4}})\b)))?"
    rf"(?:,?\s+(?P<en_year>\d{{4}})(?!\d))?"
    rf"|(?<![A-Za-z0-9])(?:(?P<en_wd2>{ENW}),?\s+)?(?:(?P<en_d0>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:/|-|–|and|to)\s*"
    rf"(?:(?P<en_wd3>{ENW}),?\s+)?)?"
    rf"(?P<en_day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<en_mon2>{ENM_AFTER_DAY})(?:,?\s+(?P<en_year2>\d{{4}})(?!\d))?"
    rf"|\b(?P<en_mmon>{ENM_BEFORE_YEAR})\s+(?:of\s+)?(?P<en_myear>\d{{4}})(?!\d)"
    rf"|\b(?:[Ii]n|[Ss]ince)\s+(?P<en_yr>(?:19|20)\d\d)(?!\d){NOT_A_UNIT}"
    # a weekday and an ordinal day of a month left unsaid: "on Monday the 18th", "Saturday 21st"
    rf"|\b(?P<en_wdonly>{ENW}),?\s+(?:the\s+)?(?P<en_wdday>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{ENM_AFTER_DAY})"
    rf"|\b(?P<en_qual>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<en_qmon>{ENM_FULL})\b"
    # "August last year", "October that year" (the year of the date before it)
    rf"|\b(?P<en_ymon>{ENM_FULL})\s+(?:of\s+)?(?P<en_yq>last|next|this|that|the\s+same)\s+year\b"
    rf"|\b(?P<en_rel>(?:the\s+)?day\s+before\s+yesterday|yesterday|Yesterday|today|Today|tomorrow|Tomorrow"
    rf"|(?:last|next|this|Last|Next|This)\s+(?:week|month|year)"
    rf"|(?:(?:last|next|Last|Next)\s+)?{ENW}))\b"
)
LATIN_RX = re.compile(f"(?P<fr>{FR_RX})|(?P<en>{EN_RX})")

# Words before a date-like phrase that make it a name, not a date (ثورة 25 يناير, شارع 14 جانفي, هجمات 11
# سبتمبر 2001: with its year too).
NAME_BEFORE = re.compile(
    rf"(?<![{AL}])(?:[وبلف]|لل)?(?:ثوره|حركه|شهداء|شارع|نهج|كوبري|جسر|ساحه|ميدان|مدينه|هجمات|انتفاضه|حي|ملعب|مستشفي|معهد|مدرسه|جامعه|نادي|احداث|بيان|شباب|حدود|جيل|مشروع|مجزره|مذبحه|تفجيرات|انفجارات|اعتداءات|مهرجانات|احتفالات|ذكري|نصر|مجمع|قصر)\s*$"
)
HOLIDAY_AFTER = re.compile(
    rf"\s+(?:(?:ليكون|ليصبح|يكون|يصبح|ك)\s*)?(?:عيدا|عيد\s+وطني|يوما\s+وطنيا|يوما\s+عالميا|يوم\s+عطله|عطله){RB}"
)
# "الخامس عشر من مايو كل عام", "15 مايو من كل سنة": a day of every year, not a date
EVERY_YEAR_AFTER = re.compile(rf"\s*[،,]?\s*(?:من\s+)?(?:كل\s+(?:عام|سنه){RB}|سنويا{RB})")
RX_BEFORE_WD = re.compile(r"(?:صلاه|خطبه|كل|ايام|صلاتي|يومي|خطب|مسجد|اجازه|عطله)\s+(?:يوم\s+)?$")
# ... and "العالم اليوم", "جيل اليوم", "شباب اليوم": the world, the generation, the youth of our time
RX_BEFORE_TODAY = re.compile(
    rf"(?<![{AL}])[وبلف]{{0,2}}(?:روسيا|المصري|مصر|صحيفه|جريده|قناه|برنامج|نفس|ذات|ذلك|ذاك|تلك|هذا|نصف|ربع|"
    rf"العالم|عالم|جيل|شباب|مجتمع|عصر|زمن|واقع)\s+$"
)
# "حتى اليوم", "إلى اليوم": until now; "بعد اليوم": from now on; not a day
RX_UNTIL_TODAY = re.compile(rf"(?<![{AL}])و?(?:الي|حتي|لحد|لغايه|الي\s+حد|بعد)\s+$")
# "اليوم" before a verb of state: nowadays ("المسؤولية اليوم تقع على عاتق ...", "الأردن اليوم يقف أمام مفترق طرق")
RX_STATE_AFTER_TODAY = re.compile(
    rf"\s+[وف]?(?:[يت](?:قف|قع|تطلب|حتاج|عيش|عاني|تمتع|ملك|متلك|بدو|وجد|بقي|ظل|حتل|كمن|تجه)){RB}"
)
# "N ساعات في اليوم", "مليون برميل في اليوم", "مرتين في اليوم": per day, not today
RX_PER_DAY_BEFORE = re.compile(
    rf"(?:\d|(?<![{AL}])(?:[{AL}]+ا|مره|مرات|مرتين|ساعه|ساعات|دقيقه|دقائق|وجبه|وجبات|برميل|دولار|طن|لتر|رحله|رحلات|"
    rf"حاله|حالات|جرعه|جرعات|رساله|رسائل|زائر|مسافر|شخص|سيجاره|كوب|اكواب|كيلوغرام|كلغ|متر|كلم|ميغاواط)){RB}\s*في\s+$"
)
# "اليوم" closing a quoted name: «أخبار اليوم», "مصر اليوم"
RX_QUOTED_TODAY = re.compile(rf"[\"«“][{AL}]+\s+$")
QUOTE_AFTER = re.compile(r"[\"»”]")
# "اليوم" followed by an adjective agreeing with it is a day named (اليوم العالمي، اليوم الوطني، اليوم الأول، اليوم
# التالي، اليوم الذي): a masculine nisba in -ي, an ordinal or one of a few adjectives. Followed by a noun it is today,
# before the verb's object: "أجلت المحكمة اليوم النظر في القضية", "تعقد اليوم الجمعية العامة".
RX_AFTER_TODAY = re.compile(
    rf"\s+(?:ال(?!{WD}{RB})[{AL}]+ي|الاول|الاخير|السابق|الموعود|المفتوح|الواحد|الكامل|المشهود|المنتظر|الحاسم|"
    rf"الثالث|الرابع|الخامس|السادس|السابع|الثامن|التاسع|العاشر|الاسود|الابيض|الاحد\s+عشر|نفسه|ذاته|الفاصل|المحدد|المقرر|"
    rf"الموعود|المناسب){RB}"
)
RX_YEAR_BORROW = re.compile(
    r"^\s*(?:-|–|الي|حتي|وحتي|و\s*حتي|والي|و\s*الي|و|/)\s*(?:(?:يوم\s+)?(?:ال)?" + WD + r"\s*)?(?:غايه\s+)?$"
    r"|(?i:^\s*(?:-|–|/|au|à|a|jusqu['’]au|et|to|until|till|through|and)\s*(?:le\s+|the\s+)?$)"
)
# Months written before a dated month and sharing its year: "En février et mai 2018", "أشهر جانفي، فيفري ومارس 2018",
# "avril-juin 2018", "de janvier à mars 2019"
MONTH_BEFORE_COORD = re.compile(
    rf"(?:{LB}{PFX}(?P<ar>{MON}){RB}|(?i:\b(?P<lat>{alternation(FR_MONTHS)}|January|February|March|April|June|July|August|"
    rf"September|October|November|December)\b))\s*(?:[,،]\s*|[-–]\s*|\s(?:et|ou|and|or|à|au|to|through)\s+|\s(?:او|الي|حتي)\s+)?(?:و)?"
    # "أواخر ماي أو بداية جوان 2017", "fin mai ou début juin 2017": a part of the dated month between them
    rf"(?:(?:بدايه|نهايه|مطلع|اواخر|اوائل|منتصف)\s+|(?i:(?:début|fin|mi-?)\s*))?$"
)


AR_KEYS = (["امس", "اليوم", "غدا", "غد", "الغد", "شهر", "غره", "فاتح", "الفاتح", "هذا العام", "هذه السنه", "هذا الاسبوع", "هذا الشهر",
            "الليله الماضيه"] + list(AR_WEEKDAYS) + list(PAST | CURRENT | FUTURE) + list(AR_ORDINALS))  # fmt: skip
LAT_KEYS = (
    list(FR_MONTHS)
    + list(FR_ABBREVIATIONS)
    + list(FR_WEEKDAYS)
    + list(EN_MONTHS)
    + list(EN_WEEKDAYS)
    + [
        "hier",
        "avant-hier",
        "aujourd'hui",
        "aujourd’hui",
        "demain",
        "après-demain",
        "apres-demain",
        "semaine",
        "cette",
        "mois",
        "l'an",
        "l’an",
        "yesterday",
        "today",
        "tomorrow",
        "last",
        "next",
        "this",
        "day",
    ]
)
LAT_KEYS = LAT_KEYS + [w.capitalize() for w in LAT_KEYS] + [w.lower() for w in LAT_KEYS]
# One pass finds the anchors: digit runs, a few Arabic keywords, Latin month/relative words.
# (separate passes: Python's re loses its first-character prefilter on a combined alternation)
ANCHOR_NUM = re.compile(r"\d+")
ANCHOR_AR = re.compile(trie(AR_KEYS))
ANCHOR_LAT = re.compile(trie(LAT_KEYS))
PREFIX_LETTERS = frozenset("وبلفك")
AR_LETTER = re.compile(f"[{AL}]")
LATIN_RANGE_NEXT = re.compile(
    r"(?:\s*,\s*(?:1er|[0-3]?\d))*\s*(?:/|-|–|and|to|au|et)\s*[0-3]?\d(?:st|nd|rd|th|er)?\s+(?:of\s+)?[A-Za-zéû]"
)
# An article before "12/03": a day and a month in figures ("le 12/03")
FR_NUMERIC_BEFORE = re.compile(r"(?i:\b(?:le|les|du|au|dès\s+le|depuis\s+le|jusqu['’]au)\s+)$")
LATIN_NEXT = re.compile(r"\s*(?:st|nd|rd|th|er)?(?:\s*(?:of\s+|de\s+)?[A-Za-zéû]|-[A-ZÉÛ])")
DAYWORD_BEFORE = re.compile(
    rf"(?<![{AL}])(?:[وبلف]?(?:غره|اول|فاتح)|{ORD}\s+من)\s+(?:شهر\s+)?(?:[وبلفك]{{1,2}})?$"
)
CUE_BEFORE = re.compile(
    rf"(?:(?<![{AL}])(?:(?:وب|ول|فب|فل|[وبلفك])?(?:ال)?|و?لل)(?:عام|سنه)|(?<![{AL}])(?:منذ|في|خلال|حتي|قبل|بعد|مطلع|اواخر|اوائل|نهايه|بدايه|صيف|شتاء|خريف)"
    rf"|\b(?:[Ii]n|[Ss]ince)\b|(?i:\b(?:{FR_YEAR_CUES})))\s*$"
)
MONTH_BEFORE_YEAR = re.compile(
    rf"{LB}(?:(?:شهر|شهري)\s+)?{PFX}(?:{MON}|{HMON}){RB}(?:\s*(?:/|\\|\(|-)?\s*{MON}{RB}(?:\s*\))?)?"
    rf"(?:\s+(?:المبارك|المعظم|الحرام))?\s*[،,]?\s*"
    rf"(?:(?:(?:من\s+)?(?:ل)?(?:هذا|هذه)\s+(?:العام|السنه)|(?:من\s+)?(?:ال|لل|ل)?(?:عام|سنه)|من)\s*)?$"
)
# "الشهر نفسه من عام" before a year: that year's month of the same name as the date before it
SAME_MONTH_BEFORE_YEAR = re.compile(rf"{LB}{PFX}(?:{SAME_MONTH})\s+من\s+(?:ال|لل|ل)?(?:عام|سنه)\s*$")
# A month name as the patterns before a year read it: "شهر يناير", "آذار/مارس", "يونيو (حزيران)"
_MONTH_WORD = rf"{LB}(?:(?:شهر|شهري)\s+)?{PFX}{MON}{RB}(?:\s*(?:/|\\|\(|-)?\s*{MON}{RB}(?:\s*\))?)?"
MONTH_BEFORE_QUAL = re.compile(
    rf"{_MONTH_WORD}\s+(?:(?:من\s+)?(?:ال|لل)(?:عام|سنه)\s+)?$"
    rf"|{LB}(?:{PFX}ال|و?لل)(?:اسبوع|اسابيع|شهر|عام|سنه)\s+$"
)
YEAR_RX = re.compile(f"(?P<ar_year>{AR_YEAR})|(?P<fr>{FR_RX})|(?P<en>{EN_RX})")
# Cheap test run after a 1-2 digit number before trying the full expression: a month follows,
# or a range / numeric date continues.
AFTER_DAY = re.compile(
    rf"\s*(?:من\s+)?(?:شهر\s+)?(?:[وبلفك]{{1,2}})?(?:{trie(list(AR_MONTHS) + list(HIJRI_MONTHS))})"
    rf"|\s*(?:[-–/.]\s*\d|[،,]\s*(?:و\s*)?\d|(?:-|–|و|او|الي|حتي|وحتي|والي|و\s+حتي|و\s+الي|ولغايه|لغايه)\s*"
    rf"(?:(?:يوم\s+)?(?:ال)?{WD}\s*[،,]?\s*)?\d)"
    rf"|\s+(?:من\s+(?:{SAME_MONTH}|الشهر\s+{QUAL})|منه{RB})"
)
REL_LEAD_BEFORE = re.compile(rf"(?<![{AL}])[وف]?(?:اول\s+(?:من\s+)?|قبل\s+|بعد\s+)$")
GREG_YEAR_MARK = re.compile(GREG_MARK)
# A month before "هذا العام" (read from the month): "يونيو هذا العام", "مايو من هذا العام"
MONTH_BEFORE_THIS_YEAR = re.compile(rf"{_MONTH_WORD}\s+(?:من\s+)?$")
# "من كل شهر ماي": a month of every year, not a date
EVERY_BEFORE_AR = re.compile(rf"(?<![{AL}])(?:من\s+)?كل\s+$")
# "في 21 سبتمبر قبل 3 سنوات": a day and month that many years before the reference
YEARS_AGO_AFTER = re.compile(
    rf"\s+قبل\s+(?:(?:نحو|حوالي)\s+)?(?P<n>\d{{1,2}}|عامين|سنتين|ثلاث|ثلاثه|اربع|اربعه|خمس|خمسه|ست|سته|سبع|سبعه|ثماني|ثمان|"
    rf"ثمانيه|تسع|تسعه|عشر|عشره)\s*(?:سنوات|سنين|اعوام|عاما|سنه|عام)?{RB}"
)
# "الأحد التالي", "le dimanche suivant", "the following Sunday": that weekday after the date before it
FOLLOWING_AFTER = re.compile(rf"\s+(?:التالي|التاليه|الموالي|المواليه){RB}|(?i:\s+suivante?\b)")
# Two weekdays named together: "on Thursday and Friday", "الخميس والجمعة", "lundi et mardi"
WEEKDAYS_JOINED = re.compile(r"\s*(?:و|and|et|or|ou|او)\s*(?:on\s+|يوم\s+)?$", re.IGNORECASE)
FOLLOWING_BEFORE = re.compile(r"(?i:\b(?:the\s+)?following\s+)$")
HIJRI_MARK = re.compile(rf"\s*(?:ه|هجريه|هجري|للهجره)(?![{AL}])")
ORDINAL_WORDS = frozenset(AR_ORDINALS)
# An ordinal that counts parts, not days: "النصف الثاني من ماي", "الأسبوع الأول من جوان".
BARE_MONTH = re.compile(rf"{LB}{PFX}(?P<bmon>{MON}){RB}")
PART_BEFORE = re.compile(rf"(?<![{AL}])(?:النصف|الربع|الثلث|الاسبوع|الدور|الجزء|الشطر|العقد|القرن|الفصل)\s*$")
GHAD_LEAD_BEFORE = re.compile(rf"(?<![{AL}])(?:مباراه|لقاء|يوم|صباح|مساء)\s+$")
SINCE_BEFORE = re.compile(r"(?:منذ|\b[Ss]ince|\b[Dd]epuis(?:\s+le)?)\s*$")
