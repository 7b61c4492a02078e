"""Is a weekday (or a day without its year) named in the future? ("will meet on Tuesday", "سيلتحق بفريقه الخميس", "sera reçu mardi").

A weekday alone means the most recent such day in news writing ("said on Tuesday"), unless the
clause it ends is in the future tense. The nearest tense marker before the weekday in its sentence
decides: a future one (will, 'll, is due to, until; سوف، س+verb، حتى؛ sera, va, doit) gives the next
such day, a past one (said, was, -ed; قال، أعلن، كان؛ a dit, était) or none keeps the default.
"""

from __future__ import annotations

import re

_WINDOW = 160  # characters before the weekday examined (a clause, not the whole paragraph)
_SENTENCE_BREAK = re.compile(r"[.!?؟\n]")

_FUTURE = re.compile(
    r"\b(?:will|won't|'ll|shall|going\s+to|due\s+to|set\s+to|(?P<sched0>scheduled)|expected\s+to|plans?\s+to|ahead\s+of|until|till)\b"
    # the present tense of scheduled events: "who meet Petrojet on Thursday", "hosts ... this Friday"
    # a call for an event: "called for a demonstration on Friday", "دعي ... إلى التظاهر الخميس", "appelle à manifester"
    r"|\b(?P<encall>call(?:ed|s|ing)?\s+for|urg(?:ed|es|ing)|appel(?:le|lent|é|ait)\s+à)\b"
    r"|(?<![\u0621-\u064a])و?(?P<call>دعا|دعت|دعي|دعوا|يدعو|تدعو|دعوه|دعوات)(?![\u0621-\u064a])"
    r"|\b(?P<present>meets?|plays?|hosts?|faces?|opens?|starts?|begins?|holds?|visits?|travels?|arrives?|returns?|resumes?|"
    r"launch(?:es)?|kicks?\s+off|takes?\s+place|is\s+to|are\s+to)\b"
    # an event one has: "We have a massive game on Tuesday night"
    r"|\b(?:have|has)\s+(?:a|an|another|the|our|their|its|his|her|two|three)\s+(?:[\w-]+\s+){0,2}"
    r"(?:game|match|meeting|vote|session|hearing|tie|clash|fixture|final|trip|rally|summit|deadline|test)\b"
    # passive and scheduled: "to be published on Thursday", "are expected on Friday", "planned for Sunday"
    r"|\bto\s+be\b|\b(?P<sched>expected|planned|slated|poised)\b"
    r"|\b(?:sera|seront|aura|auront|va|vont|doit|doivent|devra|devront|prochaine?)\b"
    # the French present of scheduled events: "Le président reçoit jeudi", "le lycée est reçu jeudi au rectorat"
    r"|\b(?P<frpresent>reçoit|reçoivent|rencontre|rencontrent|affronte|affrontent|accueille|accueillent|joue|jouent|"
    r"entame|entament|débute|débutent|démarre|démarrent|ouvre|ouvrent|(?:se|s['’])\s*(?:rend|rendent|réunit|réunissent)|"
    r"(?:est|sont)\s+(?:reçue?s?|attendue?s?|convoquée?s?))\b"
    # the French future in -ra (lower case: not Ankara, Sahara; not the English words in -ra)
    r"|\b(?!(?:extra|camera|opera|mantra|cobra|zebra|ultra|sierra|cholera|aura|agora|chimera|tiara|algebra|tundra|"
    r"vertebra|flora|sutra|hydra|libra|plethora|diaspora|mascara|tempera|era)\b)[a-zàâçéèêëîïôûùüÿœ]{3,}(?:ra|ront)\b"
    r"|(?<![\u0621-\u064a])و?(?:سوف|حتي(?!\s*\d)|لغايه|غدا|المقبل|القادم|يلتقي|تلتقي|يواجه|تواجه|يستضيف|تستضيف|تنطلق|ينطلق|تقام|يقام|تجري|يجري|يعقد|تعقد|"
    r"يزور|تزور|يتوجه|تتوجه|ينتهي|تنتهي|يحل|تحل|تستانف|يستانف|تتواصل|يتواصل|تختتم|يختتم|تفتتح|يفتتح|يخوض|تخوض|تلعب|يلعب|"
    r"تحشد|يحشد|تستعد|يستعد|استعدادا|تحضيرا|يتاهب|تتاهب)(?![\u0621-\u064a])"
    # what is scheduled or expected: "ومن المقرر أن ينقل جثمانه يوم الأربعاء" (not what was: "وكان من المتوقع أن
    # يبدأ عمله الأحد، إلا أنه ..."; "الانتخابات المقررة في 6 نوفمبر" is dated by its own date)
    r"|(?<![\u0621-\u064a])(?<!كان\s)(?<!كانت\s)(?<!كان\sمن\s)(?<!كانت\sمن\s)"
    r"(?P<arsched>(?:من\s+)?(?:المقرر|المتوقع|المنتظر|المرتقب|المزمع)\s+(?:ان|الا))(?![\u0621-\u064a])"
    r"|(?<![\u0621-\u064a])و?س[يتن][\u0621-\u064a]{3,}"
)
_PAST = re.compile(
    r"\b(?:said|says|told|announced|reported|was|were|had|did|ago|met|held|won|lost|took|gave|made|went|came|saw|"
    r"began|ran|beat|hit|left|got|fell|rose|struck|sent|led|brought|fought|spoke|wrote|broke|drew|shot|sold|found|"
    r"heard|built|spent|paid|kept|became|stood)\b|\b[a-z]{3,}ed\b"
    r"|\b(?:a|ont|avait|avaient)\s+(?:été|\w+(?:é|ée|és|ées|is|it|u|us))\b|\b\w{3,}(?:ait|aient)\b"
    r"|\b(?:était|étaient|hier|dernier|dernière)\b"
    r"|(?<![\u0621-\u064a])و?(?:قال|قالت|اعلن|اعلنت|اكد|اكدت|كان|كانت|تم|جري|جرت|امس|الماضي|اضاف|اضافت|ذكر|ذكرت|"
    r"افاد|افادت|اوضح|اوضحت|شهد|شهدت|وقع|وقعت|بدا|بدات|انطلق|انطلقت|"
    # decisions and statements reported in the past ("قررت محكمة ... الأربعاء إرجاء المحاكمة إلى أكتوبر المقبل")
    r"قرر|قررت|قضت|رفض|رفضت|نفي|نفت|اتهم|اتهمت|اعتبر|اعتبرت|اصدر|اصدرت|صرح|صرحت|اشار|اشارت|ادان|ادانت|"
    r"وصف|وصفت|اعتقل|اعتقلت)(?![\u0621-\u064a])"
)
# Nouns that start like a future verb (س + ي/ت/ن): not a tense marker.
_NOT_VERBS = frozenset(
    [
        "سياسه",
        "سياسي",
        "سياسيه",
        "سياسيين",
        "سياسات",
        "سيارة",
        "سياره",
        "سيارات",
        "سيطره",
        "سينما",
        "سيناء",
        "سيناريو",
        "سياحه",
        "سياحي",
        "سياحيه",
        "سيد",
        "سيده",
        "سيدات",
        "سيول",
        "ستار",
        "ستين",
        "ستون",
        "ستيني",
        "سنوات",
        "سنوي",
        "سنويه",
        "سنين",
        "سنابل",
        "سيرة",
        "سيره",
        "سياق",
        "سيادة",
        "سياده",
        "سيوف",
        "سيدي",
        "ستوديو",
    ]
)


# Words starting like a future verb that are nouns, names or past verbs, by their first letters: سيطر (controlled),
# سياسة، سيارة، سنوي، سندات, and the names most frequent in the agency corpora (Sergey, Sydney, Seattle, Stephen ...).
_NOT_VERB_STEMS = (
    "سيطر", "سياس", "سيار", "سنوي", "سندات", "سنتين", "سنتات", "سيرغ", "سيرج", "سيرخ", "سيرين", "سيلفا", "ستيف",
    "ستريت", "ستورمي", "ستاندرد", "ستامفورد", "ستوكهولم", "ستولتنبرغ", "سيميوني", "سياتل", "سيدني", "سيباستيان",
    "سيمون", "سيشنز", "سنغافور", "سنجار", "سينمائ", "سيادت", "سيبيري", "سيزار", "سيراليون", "سيناتور",
)  # fmt: skip
# Before a present-tense verb of the list, a word that makes it a noun: "the hosts", "of visits", and a verb in -ing
# ("edging hosts South Africa"); not a noun in -ing after its determiner ("the meeting opens on Sunday").
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|their|its|our|of)|(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bits )(?<!\bhis )(?<!\bher )"
    r"(?<!\bour )(?<!\btheir )\b\w+ing)\s+$",
    re.IGNORECASE,
)
# A call is for an event to come when the event is named between the call and the weekday: "دعا إلى التظاهر الخميس";
# "دعا فلان، الأحد، الناخبين" is a call made on Sunday.
_WAS_BEFORE = re.compile(r"\b(?:was|were|had|had\s+been)\s+(?:\w+\s+)?$", re.IGNORECASE)
_BE_BEFORE = re.compile(r"\bbe\s+$", re.IGNORECASE)
_CALL_TO = re.compile(r"(?<![\u0621-\u064a])الي(?![\u0621-\u064a])")  # "دعا ... إلى التظاهر"
_CALL_DIRECT = re.compile(r"\s*لل?[\u0621-\u064a]")  # "دعا للتظاهر"


_FR_DETERMINER_BEFORE = re.compile(
    r"\b(?:le|la|les|l['’]|un|une|des|du|de|cette|ce|sa|son|ses|leur|leurs|notre|votre|première|dernière|nouvelle)\s*$",
    re.IGNORECASE,
)
# A noun in construct before a word starting like a future verb makes that word a name: "خلال فوز سيلتيكس",
# "فريق سيفيلا", "مدينة سيدني" (with its article the noun is a subject: "الفريق سيواجه").
_NAMING_NOUN_BEFORE = re.compile(
    r"(?<![\u0621-\u064a])[وبل]?(?:فوز|خساره|هزيمه|تعادل|فريق|نادي|منتخب|مدرب|لاعب|مهاجم|مدافع|حارس|نجم|مدينه|"
    r"ولايه|جزيره|صحيفه|مجله|وكاله|شركه|جامعه|جماعه)\s+$"
)


# Markers that say an event is planned or called for, not that the clause is in the future tense.
_PLANNING = ("call", "encall", "present", "frpresent", "sched", "sched0", "arsched")


def _future_markers(window: str, tense_only: bool = False) -> list[int]:
    ends = []
    for m in _FUTURE.finditer(window):
        if tense_only and any(m.group(name) for name in _PLANNING):
            continue
        word = m.group().removeprefix("و")
        if word.startswith("س") and (word in _NOT_VERBS or word.startswith(_NOT_VERB_STEMS)):
            continue
        if word.startswith("س") and _NAMING_NOUN_BEFORE.search(window, max(0, m.start() - 12), m.start()):
            continue
        if m.group("frpresent") and _FR_DETERMINER_BEFORE.search(window, 0, m.start()):
            continue  # "la rencontre", "sa joue": nouns
        if (m.group("present") or m.group("encall")) and _NOUN_BEFORE.search(window, 0, m.start()):
            continue  # "the hosts", "the calls for protests": nouns
        if (m.group("sched") or m.group("sched0")) and _WAS_BEFORE.search(window, 0, m.start()):
            continue  # "had been expected", "were first scheduled for": what was planned then
        if m.group("call") and not (_CALL_TO.search(window, m.end()) or _CALL_DIRECT.match(window, m.end())):
            continue
        ends.append(m.end())
    return ends


def _markers(window: str, tense_only: bool = False) -> tuple[list[int], list[int]]:
    """Ends of the future and past markers in ``window`` (with ``tense_only``, not the planning ones)."""
    future = _future_markers(window, tense_only)
    # a participle after "be" is passive, not past: "it will be closed on Sunday", "to be held on Friday"
    past = [
        m.end()
        for m in _PAST.finditer(window)
        if not _BE_BEFORE.search(window, 0, m.start()) and m.end() not in future
    ]  # "expected" is not past
    return future, past


def clause_tense(text: str, start: int, end: int | None = None, *, planning_after: bool = True) -> str | None:
    """ "future" or "past" by the nearest tense marker before ``start`` in its sentence; without one, and when
    ``end`` is given, by the first marker after it ("The match on Friday promises to be hard-fought"; without
    ``planning_after``, a call or a plan after it does not count: "On 20 March, protesters called for ..."); None
    without any."""
    if not text:
        return None
    window = text[max(0, start - _WINDOW) : start]
    cut = [m.end() for m in _SENTENCE_BREAK.finditer(window)]
    if cut:
        window = window[cut[-1] :]
    future, past = _markers(window)
    if future and (not past or max(future) > max(past)):
        return "future"
    if past:
        return "past"
    if end is None:
        return None
    after = text[end : end + _WINDOW // 2]
    stop = _SENTENCE_BREAK.search(after)
    future, past = _markers(after[: stop.start()] if stop else after, tense_only=not planning_after)
    if future and (not past or min(future) < min(past)):
        return "future"
    return "past" if past else None


_FOR_BEFORE = re.compile(r"\b(?:for|before\s+next)\s+$", re.IGNORECASE)  # "his squad for Saturday's game"
_BEFORE = re.compile(r"\bbefore\s+$", re.IGNORECASE)


# "الاجتماع المقرر الأربعاء", "القمة المرتقبة يوم الثلاثاء": scheduled for that weekday
_SCHEDULED_BEFORE = re.compile(
    r"(?<![\u0621-\u064a])(?:المقرر|المرتقب|المنتظر|المزمع)ه?\s+(?:(?:يوم|في)\s+)?$"
)


def weekday_qualifier(text: str, start: int, end: int | None = None) -> str | None:
    """ "upcoming" when the weekday at ``start`` is in a future clause (that day or the next such one),
    or is what something is for ("the squad for Saturday's game"), else None (the default reading: the most
    recent such day)."""
    if _FOR_BEFORE.search(text, max(0, start - 12), start) or _SCHEDULED_BEFORE.search(
        text, max(0, start - 20), start
    ):
        return "upcoming"
    if (
        end is not None
        and text.startswith(("'s", "’s"), end)
        and _BEFORE.search(text, max(0, start - 8), start)
    ):
        return "upcoming"  # "a win before Wednesday's game": the game is to come
    return "upcoming" if clause_tense(text, start, end) == "future" else None
