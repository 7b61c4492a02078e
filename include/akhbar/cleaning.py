"""DOCUMENT -> display text, search key and quality measures.

Two forms of every text:

* ``text`` (:func:`clean_text`): what a reader sees. Faithful: Arabic diacritics,
  French accents, «» quotes and case are kept. Only damage is undone (HTML entities,
  mojibake, lone surrogates, control and zero-width characters, tatweel, messy
  whitespace) and boilerplate lines (share buttons, "read also", copyright) are dropped.
  Paragraphs are lines: blank lines are removed, each line has single spaces.
* ``text_search`` (:func:`search_key`): the key for search and dedup. Diacritics
  removed, alef forms folded, ى->ي, ة->ه, every decimal digit to ASCII, case folded,
  Latin accents stripped, punctuation and symbols of all scripts turned into spaces.

Both functions are idempotent and never raise on any ``str`` (property-tested).

Speed: the nightly budget for cleaning is about 100 microseconds per ANT article, so
the common path is a few C-level passes (``unicodedata.normalize``, ``str.replace``,
``str.split``) and regular expressions whose character classes are built once at import.
Every expensive repair (html.unescape, ftfy, the ZWNJ/ZWJ rule) runs only behind a
cheap gate that proves it is needed.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from akhbar.hashing import sha256_hex
from akhbar.quarantine import QuarantineBuilder
from akhbar.schema import CLEANED_DOCUMENT, DOCUMENT
from akhbar.stats import StageCounts

# ---------------------------------------------------------------------------
# Thresholds. The measured values are stored next to the flags, so moving one of
# these only needs a new query over the lake, not a reprocessing of the nights.
# ---------------------------------------------------------------------------

# Larger texts are quarantined ("too_large") before any cleaning. The longest real news
# articles are around 100-200 KB; two million characters is a whole-site dump, a feed
# glued into one record or binary read as text. Truncating would publish an arbitrary
# cut as if it were an article, and cleaning it would cost seconds of the night, so we
# keep it aside with its raw bytes instead.
MAX_CHARS = 2_000_000

# Fewer words than this is a brief, a teaser or a caption, not an article. Gopher and
# FineWeb use 50 words for web pages; news briefs of 30-50 words are real articles, so
# the line is lower.
MIN_WORDS = 30

# Share of letters (and their combining marks) among non-space characters. Running
# Arabic, French or English prose measures 0.90-0.97 (ANT: median about 0.95);
# sports tables, price lists and scores fall below 0.65.
MIN_LETTER_RATIO = 0.65

# Below this share of letters with fewer than NOT_TEXT_MIN_LETTERS letters, a text carries
# no words at all (numbers, symbols, leftovers of markup): quarantined as "not_text".
NOT_TEXT_LETTER_RATIO = 0.25
NOT_TEXT_MIN_LETTERS = 20

# Share of non-empty lines repeating an earlier line. FineWeb-2's Arabic setting rejects
# above 0.304 (duplicate-line fraction); we flag at the same point.
MAX_REPEATED_LINE_RATIO = 0.30

# A last line at least this long that does not end a sentence means the text was cut
# off. Shorter unpunctuated last lines are bylines and signatures ("ع ب م", a name).
FRAGMENT_LAST_LINE_CHARS = 60

# Lines longer than this are prose, never boilerplate: they are not even examined.
BOILERPLATE_MAX_CHARS = 200

# Share of letters outside the Arabic and Latin scripts above which a text is not in
# one of the project's languages (ar, fr, en) and cannot be enriched.
MAX_OTHER_SCRIPT_SHARE = 0.5

# ---------------------------------------------------------------------------
# Character classes, computed once from the interpreter's Unicode database.
# ---------------------------------------------------------------------------

_ARABIC_PREPENDED = {
    0x0600,
    0x0601,
    0x0602,
    0x0603,
    0x0604,
    0x0605,
    0x06DD,
    0x070F,
    0x0890,
    0x0891,
    0x08E2,
    0x110BD,
    0x110CD,
}
_ZWNJ, _ZWJ = "\u200c", "\u200d"
_TATWEEL = "\u0640"
_HAMZA_MARKS = {0x0653, 0x0654, 0x0655}  # madda and hamza marks: kept until ؤ ئ are rebuilt
# Letters whose decomposition is a base + one of those marks: folded (أ إ آ -> ا) or
# rebuilt (ؤ ئ ۀ ۂ ۓ) by hand, so Arabic text needs no NFKD/NFC round trip (slow).
_HAMZA_LETTERS = {0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x06C0, 0x06C2, 0x06D3}


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _as_class(codepoints: list[int]) -> str:
    """A regex character class body from sorted code points, as compact ranges."""
    parts = []
    start: int | None = None
    prev = 0  # read only once start is set
    for cp in codepoints:
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            parts.append((start, prev))
            start = prev = cp
    if start is not None:
        parts.append((start, prev))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in parts)


# The character classes the regexes are built from (see _classify_assigned for what each holds).
_CLASS_NAMES = (
    "remove",
    "search_delete",
    "search_space",
    "nonletter",
    "other_script",
    "digits",
    "decomposable",
)


def _build_classes() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {k: [] for k in _CLASS_NAMES}
    _classify_assigned(out)
    _classify_high_planes(out)
    for key in out:
        out[key] = sorted(set(out[key]))
    return out


def _classify_assigned(out: dict[str, list[int]]) -> None:
    """Adds each code point of planes 0-3 and 14 to the classes it belongs to (one pass: import time)."""
    latin_arabic = _latin_or_arabic
    for cp in _assigned_range():
        ch = chr(cp)
        cat = unicodedata.category(ch)
        major = cat[0]
        # Display text: controls and invisible format characters go, except line
        # breaks and tabs (normalised later), ZWNJ/ZWJ (decided by context) and the
        # Arabic signs that are drawn (number sign, end of ayah).
        if cat == "Cc":
            if ch not in "\t\n\r\x0b\x0c\x85":
                out["remove"].append(cp)
        elif cat == "Cf":
            if ch not in (_ZWNJ, _ZWJ) and cp not in _ARABIC_PREPENDED:
                out["remove"].append(cp)
        elif cat == "Cs" or _is_noncharacter(cp) or cp in (0x0640, 0x034F):
            out["remove"].append(cp)
        # Search key: marks and invisibles are deleted (no word split), punctuation,
        # symbols, separators and controls become spaces.
        if (
            (major == "M" and cp not in _HAMZA_MARKS and cat != "Mc")
            or cat in ("Cf", "Cs")
            or cp == 0x0640
            or _is_noncharacter(cp)
        ):
            out["search_delete"].append(cp)
        elif (major in "PS" or cat in ("Zs", "Zl", "Zp", "Cc", "Co")) and ch != " ":
            # Plain spaces are not matched: there are too many of them to match one by one.
            out["search_space"].append(cp)
        if cp not in _HAMZA_LETTERS and unicodedata.normalize("NFKD", ch) != ch:
            out["decomposable"].append(cp)
        if cat == "Nd" and not ("0" <= ch <= "9"):
            out["digits"].append(cp)
        # Measures: non-letters are what is neither a letter, a mark nor whitespace.
        if major not in "LM" and not ch.isspace():
            out["nonletter"].append(cp)
        if major == "L" and not latin_arabic(cp):
            out["other_script"].append(cp)


def _classify_high_planes(out: dict[str, list[int]]) -> None:
    # Planes 4-16 hold no assigned letters, marks or punctuation, only noncharacters
    # (removed) and the private use planes 15-16 (spaces in the search key).
    for plane in range(4, 17):
        base = plane << 16
        out["remove"] += [base + 0xFFFE, base + 0xFFFF]
        out["search_delete"] += [base + 0xFFFE, base + 0xFFFF]
        if plane == 14:
            continue
        if plane >= 15:
            out["search_space"] += range(base, base + 0xFFFE)
            out["nonletter"] += range(base, base + 0xFFFE)


def _assigned_range():
    """Code points worth asking unicodedata about: planes 0-3 and the tags/selectors of plane 14."""
    yield from range(0x40000)
    yield from range(0xE0000, 0xE1000)


def _latin_or_arabic(cp: int) -> bool:
    return (
        cp < 0x0250  # ASCII, Latin-1, Latin Extended-A/B
        or 0x1E00 <= cp <= 0x1EFF
        or 0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x0870 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
        or 0xFF21 <= cp <= 0xFF5A  # full-width Latin
        or 0x2C60 <= cp <= 0x2C7F
        or 0xA720 <= cp <= 0xA7FF
        or 0x1D00 <= cp <= 0x1DBF  # phonetic extensions (Latin small capitals, modifiers)
        or cp in (0x00AA, 0x00BA)
    )


_CLASSES = _build_classes()


class _CharClass:
    """A character class compiled twice.

    Python's re turns a class with hundreds of ranges into a bitmap only when every
    range is below U+10000; otherwise it tests the ranges one by one (about 100 times
    slower). Texts without astral characters (nearly all news) use the bitmap version.
    """

    def __init__(self, codepoints: list[int], template: str = "[{0}]"):
        self.bmp = re.compile(template.format(_as_class([cp for cp in codepoints if cp < 0x10000])))
        self.full = re.compile(template.format(_as_class(codepoints)))

    def pick(self, astral: bool) -> re.Pattern:
        return self.full if astral else self.bmp


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_REMOVE = _CharClass(_CLASSES["remove"], "[{0}]+")
_SEARCH_DELETE = _CharClass(_CLASSES["search_delete"], "[{0}]+")
_SEARCH_SPACE = _CharClass(_CLASSES["search_space"], "[{0}][ {0}]*")
_NONLETTER = _CharClass(_CLASSES["nonletter"])
_OTHER_SCRIPT = _CharClass(_CLASSES["other_script"])
_DIGIT = _CharClass(_CLASSES["digits"])
_DECOMPOSABLE = _CharClass(_CLASSES["decomposable"])
_DIGIT_VALUE = {chr(cp): str(unicodedata.decimal(chr(cp))) for cp in _CLASSES["digits"]}
del _CLASSES

# Scripts that join letters and therefore may need ZWNJ/ZWJ between them: Arabic (with
# its marks and presentation forms), Syriac, N'Ko, and the Indic scripts.
_JOINING = (
    "\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06dc\u06df-\u06e8\u06ea-\u06ff"
    "\u0700-\u074f\u0750-\u077f\u07c0-\u07ff\u0860-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefc"
)
# Emoji sequences (family, profession, flags) are held together by ZWJ.
_EMOJI = "\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001faff\ufe0f"
_STRAY_JOINER_RE = re.compile(
    f"(?<![{_JOINING}])\u200c|\u200c(?![{_JOINING}])"
    f"|(?<![{_JOINING}{_EMOJI}])\u200d|\u200d(?![{_JOINING}{_EMOJI}])"
    f"|(?<=[{_EMOJI}])\u200d(?=[{_JOINING}])|(?<=[{_JOINING}])\u200d(?=[{_EMOJI}])"
)

# UTF-8 read as latin-1 / cp1252: a lead byte (Â..ô) followed by a continuation byte
# shown as a latin-1 character, a C1 control or one of cp1252's 0x80-0x9f characters.
# "Ø§Ù„" (ال) and "Ã©" (é) both match; ordinary French (é, à, «) does not.
_CP1252_HIGH = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]")
_LATIN1_LEAD_RE = re.compile("[\u00c2-\u00f4]")
_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
# Line boundaries other than "\n" that str.splitlines knows.
_ODD_BREAK_RE = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

_ARABIC_FOLDS = (
    ("\u0623", "\u0627"),
    ("\u0625", "\u0627"),
    ("\u0622", "\u0627"),
    ("\u0671", "\u0627"),
    ("\u0649", "\u064a"),
    ("\u0629", "\u0647"),
)
# A base letter followed by a madda/hamza mark, as NFKD or a careless keyboard writes it.
_HAMZA_PAIRS = (
    ("\u0627\u0653", "\u0627"),
    ("\u0627\u0654", "\u0627"),
    ("\u0627\u0655", "\u0627"),
    ("\u0648\u0654", "\u0624"),
    ("\u064a\u0654", "\u0626"),
    ("\u06d5\u0654", "\u06c0"),
    ("\u06c1\u0654", "\u06c2"),
    ("\u06d2\u0654", "\u06d3"),
)
_LEFT_HAMZA_RE = re.compile("[\u0653-\u0655]+")
# ASCII fast path of the search key: punctuation and controls to spaces.
_ASCII_FOLD = {cp: " " for cp in range(128) if not chr(cp).isalnum()}

_MAX_PASSES = 6
_HAS_ALNUM_RE = re.compile(r"[^\W_]")

# ---------------------------------------------------------------------------
# Boilerplate lines, matched on the search key of the line so that alef forms,
# tanween, case, accents and punctuation variants all fall into one spelling.
# ---------------------------------------------------------------------------

_READ_ALSO_RE = re.compile(
    r"^(?:"
    r"اقرا (?:ايضا|كذلك|المزيد|اكثر)|اطلع (?:ايضا|على)|شاهد (?:ايضا|كذلك)|طالع (?:ايضا|كذلك)"
    r"|(?:اخبار|مواضيع|مقالات|مواد) ذات صله|للمزيد من (?:الاخبار|التفاصيل)"
    r"|a lire (?:aussi|egalement|encore)|lire (?:aussi|egalement|la suite|plus)|voir aussi|a voir (?:aussi|egalement)"
    r"|sur le meme sujet|read (?:more|also|next)|also read|see also|related (?:articles?|stories|content|news|posts?)"
    r"|continue reading|more on this"
    r")(?: |$)"
)
_COPYRIGHT_RE = re.compile(
    r"(?:^| )(?:جميع الحقوق محفوظه|كل الحقوق محفوظه|الحقوق محفوظه|حقوق النشر محفوظه|all rights reserved"
    r"|tous droits reserves|droits reserves|copyright)(?: |$)"
)
_SHARE_WORDS = frozenset(
    [
        "share",
        "shares",
        "partager",
        "partagez",
        "partage",
        "tweet",
        "tweeter",
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
        "telegram",
        "email",
        "mail",
        "print",
        "imprimer",
        "pinterest",
        "messenger",
        "reddit",
        "copy",
        "copier",
        "link",
        "lien",
        "شارك",
        "شاركوا",
        "مشاركه",
        "انشر",
        "طباعه",
        "فيسبوك",
        "تويتر",
        "واتساب",
        "تلغرام",
        "تيليغرام",
        "تليغرام",
        "البريد",
        "ارسل",
        "نسخ",
        "الرابط",
        "follow",
        "suivez",
        "تابعونا",
        "تابعنا",
    ]
)
_SHARE_FILLERS = frozenset(
    [
        "on",
        "sur",
        "via",
        "this",
        "cet",
        "cette",
        "article",
        "story",
        "the",
        "le",
        "la",
        "l",
        "us",
        "nous",
        "page",
        "علي",
        "عبر",
        "هذا",
        "هذه",
        "المقال",
        "الخبر",
        "الصفحه",
        "الالكتروني",
        "e",
        "x",
        "in",
        "et",
        "and",
        "و",
    ]
)
_SHARE_MAX_TOKENS = 12
_SHARE_MAX_CHARS = 80
# How the "read also" family starts on the raw line (before folding): an anchored
# match fails on the first letters of ordinary lines, so it costs next to nothing.
_READ_ALSO_HEAD = re.compile(
    r"[\W_]*(?:[اإأآ]قر|اطلع|شاهد|طالع|[أا]خبار|مواضيع|مقالات|مواد|للمزيد"
    r"|(?i:(?:[àa] )?lire|(?:[àa] )?voir|sur le m|read|also|see|related|continue|more on))"
)

# Words that cannot open an Arabic sentence: a text starting with them was cut.
_ARABIC_MID_SENTENCE = frozenset(
    ["الذي", "التي", "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللواتي", "اللاتي", "اللائي"]
)
_SENTENCE_END = frozenset(".!?؟。！？")
_CLOSERS = "\"'»”’)]}›"
_CONTINUATION_START = frozenset(",،;؛:.)]}»”’…")
_ATTRIBUTION_RE = re.compile(r"[(\[][^()\[\]]{1,40}[)\]]$")


# ---------------------------------------------------------------------------
# Display text
# ---------------------------------------------------------------------------


def _repair_surrogates(text: str) -> str:
    """Join valid surrogate pairs, replace lone surrogates with U+FFFD (visible loss)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _repair_mojibake(text: str) -> str:
    # Imported lazily: ftfy costs import time and is needed by few nights.
    import ftfy

    return ftfy.fix_text(
        text,
        unescape_html=False,  # done by us, once, before
        uncurl_quotes=False,  # “ ” are the writer's, keep them
        fix_character_width=False,  # full-width forms are folded in the search key only
        fix_latin_ligatures=False,
        fix_line_breaks=False,  # our own line handling follows
        remove_control_chars=False,  # our own removal follows, with ZWNJ/ZWJ exceptions
        normalization=None,  # NFC follows
        explain=False,
    )


def _normalise_lines(text: str, drop_boilerplate: bool = True) -> list[str]:
    """Lines with single inner spaces, no blank line, boilerplate lines removed."""
    raw_lines = text.splitlines() if _ODD_BREAK_RE.search(text) else text.split("\n")
    lines = []
    for raw in raw_lines:
        line = " ".join(raw.split())
        if line and not (drop_boilerplate and len(line) <= BOILERPLATE_MAX_CHARS and _is_boilerplate(line)):
            lines.append(line)
    return lines


def _is_boilerplate(line: str) -> bool:
    # Cheap tests on the raw line first: folding every short line would cost more than
    # all the rest of cleaning. Only candidates are folded and matched exactly.
    if "©" in line:
        return True
    candidate = (
        _READ_ALSO_HEAD.match(line) is not None
        or len(line) <= _SHARE_MAX_CHARS
        or "محفوظ" in line
        or "opyright" in line
        or "ights reserved" in line
        or "roits r" in line
    )
    if not candidate:
        return False
    key = search_key(line)
    if _READ_ALSO_RE.search(key) or _COPYRIGHT_RE.search(key):
        return True
    tokens = key.split()
    return (
        len(tokens) <= _SHARE_MAX_TOKENS
        and any(t in _SHARE_WORDS for t in tokens)
        and all(t in _SHARE_WORDS or t in _SHARE_FILLERS for t in tokens)
    )


def _clean_once(text: str, drop_boilerplate: bool = True) -> str:
    """One cleaning pass."""
    text = _repair_surrogates(text)
    if "&" in text and _ENTITY_RE.search(text):
        text = html.unescape(text)
    if _LATIN1_LEAD_RE.search(text) and _MOJIBAKE_RE.search(text):
        text = _repair_mojibake(text)
    # Removal comes before NFC: a control between a letter and its accent would
    # otherwise block composition on this pass and allow it on the next.
    astral = _ASTRAL_RE.search(text) is not None
    text = _REMOVE.pick(astral).sub("", text)
    if _ZWNJ in text or _ZWJ in text:
        text = _STRAY_JOINER_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_normalise_lines(text, drop_boilerplate))


def _looks_damaged(text: str) -> bool:
    return ("&" in text and _ENTITY_RE.search(text) is not None) or (
        _LATIN1_LEAD_RE.search(text) is not None and _MOJIBAKE_RE.search(text) is not None
    )


def _clean(text: str | None, drop_boilerplate: bool) -> str:
    if not text:
        return ""
    previous, out = text, _clean_once(text, drop_boilerplate)
    # A removal can bring "&am" and "p;" together, dropping a no-break space can turn
    # "\xa0Ø¤" into "Ø¤" that ftfy now recognises. Those rare texts take more passes
    # until nothing changes, so that cleaning is idempotent.
    passes = 1
    while out != previous and passes < _MAX_PASSES and _looks_damaged(out):
        previous, out = out, _clean_once(out, drop_boilerplate)
        passes += 1
    return out


def clean_text(text: str | None) -> str:
    """Faithful display text: repaired, invisible junk and boilerplate lines removed.

    Paragraphs are separated by a single "\\n"; never raises on any str.
    """
    return _clean(text, drop_boilerplate=True)


def clean_title(title: str | None) -> str | None:
    """A title on one line, cleaned like the text; None when no letter or digit is left.

    Boilerplate rules are not applied: a title is one line, "Read more" there is a title.
    """
    line: str | None = title
    # Joining the lines can make a new mojibake sequence ("Â\rà" -> "Â à", where "Â " is a mis-decoded
    # no-break space): clean again until nothing changes, so that a title is a fixed point (bounded).
    for _ in range(3):
        cleaned = _clean(line, drop_boilerplate=False)
        if not cleaned:
            return None
        joined = cleaned.replace("\n", " ")
        if joined == line:
            break
        line = joined
    if not line or not _HAS_ALNUM_RE.search(line):
        return None
    return line


# ---------------------------------------------------------------------------
# Search key
# ---------------------------------------------------------------------------


def search_key(text: str | None) -> str:
    """Key for search and dedup: folded letters and ASCII digits separated by single spaces."""
    if not text:
        return ""
    text = _repair_surrogates(text)
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_FOLD).split())
    astral = _ASTRAL_RE.search(text) is not None
    if _DECOMPOSABLE.pick(astral).search(text):
        # Compatibility forms (presentation forms, ligatures, full width) to plain
        # letters, accents split off their letters. casefold can bring back composed
        # or compatibility characters (İ, ß), hence the second NFKD.
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    else:
        text = text.casefold()
    text = _SEARCH_DELETE.pick(astral).sub("", text)
    for src, dst in _ARABIC_FOLDS:
        if src in text:
            text = text.replace(src, dst)
    if "\u0653" in text or "\u0654" in text or "\u0655" in text:
        for src, dst in _HAMZA_PAIRS:
            text = text.replace(src, dst)
        text = _LEFT_HAMZA_RE.sub("", text)
    digits = _DIGIT.pick(astral)
    if digits.search(text):
        text = digits.sub(lambda m: _DIGIT_VALUE[m.group()], text)
    # Runs of punctuation, symbols and separators (with the spaces around them) become
    # one space; deleted marks can leave double spaces behind.
    text = _SEARCH_SPACE.pick(astral).sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


# ---------------------------------------------------------------------------
# Quality measures
# ---------------------------------------------------------------------------


def _counts(text: str) -> tuple[int, int]:
    """(letters with their marks, non-space characters) of a cleaned text."""
    nonspace = len(text) - text.count(" ") - text.count("\n")
    nonletters = len(_NONLETTER.pick(_ASTRAL_RE.search(text) is not None).findall(text))
    return max(nonspace - nonletters, 0), nonspace


def _repeated_line_ratio(lines: list[str]) -> float:
    if len(lines) < 2:
        return 0.0
    return (len(lines) - len(set(lines))) / len(lines)


def _is_fragment(text: str, lines: list[str]) -> bool:
    if not text:
        return False
    first = text[0]
    if first in _CONTINUATION_START or (first.islower() and first.isascii()) or text.startswith(("...", "…")):
        return True
    if text.split(" ", 1)[0] in _ARABIC_MID_SENTENCE:
        return True
    last = lines[-1]
    if last.endswith(("...", "…", "[…]", "[...]")):
        return True
    core = last.rstrip(_CLOSERS)
    if core and core[-1] in _SENTENCE_END:
        return False
    if _ATTRIBUTION_RE.search(last):
        return False
    return len(last) >= FRAGMENT_LAST_LINE_CHARS


def _measures(text: str, letters: int, nonspace: int) -> dict:
    letter_ratio = letters / nonspace if nonspace else 0.0
    lines = text.split("\n") if text else []
    repeated = _repeated_line_ratio(lines)
    n_words = (text.count(" ") + text.count("\n") + 1) if text else 0
    return {
        "letter_ratio": letter_ratio,
        "repeated_line_ratio": repeated,
        "is_fragment": _is_fragment(text, lines),
        "is_short": n_words < MIN_WORDS,
        "is_mostly_nonletters": letter_ratio < MIN_LETTER_RATIO,
        "is_repetitive": repeated > MAX_REPEATED_LINE_RATIO,
    }


def measure(text: str) -> dict:
    """Quality measures of a cleaned text (only " " and "\\n" are taken as whitespace).

    letter_ratio: letters and their marks / non-space characters; repeated_line_ratio:
    share of lines equal to an earlier line; the flags compare them (and the word count,
    the first and last characters) with the module's thresholds.
    """
    text = text or ""
    return _measures(text, *_counts(text))


# ---------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------

_FLAGS = ("is_fragment", "is_short", "is_mostly_nonletters", "is_repetitive")


def _column_as_str(table: pa.Table, name: str) -> tuple[list[str | None], int]:
    """A string column as Python str; invalid UTF-8 bytes become U+FFFD (count returned)."""
    column = table.column(name)
    try:
        return column.to_pylist(), 0
    except UnicodeDecodeError:
        values: list[str | None] = []
        bad = 0
        for chunk in column.chunks:
            as_binary = pa.Array.from_buffers(
                pa.binary(), len(chunk), chunk.buffers(), chunk.null_count, chunk.offset
            )
            for raw in as_binary.to_pylist():
                if raw is None:
                    values.append(None)
                    continue
                try:
                    values.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    bad += 1
                    # surrogateescape keeps the bad bytes visible to cleaning, which
                    # turns them into U+FFFD like any lone surrogate.
                    values.append(raw.decode("utf-8", "surrogateescape"))
        return values, bad


def _safe(value: str | None) -> str | None:
    """A str that Arrow can store (no lone surrogates)."""
    return None if value is None else _repair_surrogates(value)


def _safe_id(value: str | None) -> str:
    """_safe of an id column, never null in DOCUMENT (the table is cast to it first)."""
    assert value is not None
    return _repair_surrogates(value)


def _raw_bytes(value: str | None) -> bytes | None:
    """The bytes a text came from: invalid UTF-8 read with surrogateescape goes back as it was."""
    if value is None:
        return None
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def _reject_reason(raw: str | None, cleaned: str, letters: int, nonspace: int) -> tuple[str, str] | None:
    if not cleaned:
        what = "no text" if not raw else f"{len(raw)} characters, nothing left after cleaning"
        return "empty_text", what
    ratio = letters / nonspace if nonspace else 0.0
    if letters < NOT_TEXT_MIN_LETTERS and ratio < NOT_TEXT_LETTER_RATIO:
        return "not_text", f"{letters} letters, letter ratio {ratio:.3f}"
    other = len(_OTHER_SCRIPT.pick(_ASTRAL_RE.search(cleaned) is not None).findall(cleaned))
    if letters and other / letters > MAX_OTHER_SCRIPT_SHARE:
        return "unexpected_script", f"{other} of {letters} letters outside the Arabic and Latin scripts"
    return None


@dataclass
class _Kept:
    """The cleaned values of the documents kept so far, column by column, and what was noticed."""

    rows: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    title: list[str | None] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    measures: dict[str, list] = field(
        default_factory=lambda: {k: [] for k in ("letter_ratio", "repeated_line_ratio", *_FLAGS)}
    )
    flags: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    changed: int = 0

    def add(
        self, i: int, raw: str | None, cleaned: str, raw_title: str | None, letters: int, nonspace: int
    ) -> None:
        if cleaned != raw:
            self.changed += 1
        if raw is not None and "\ufffd" in cleaned and "\ufffd" not in raw:
            self.repairs["lone_surrogates"] += 1
        title = clean_title(raw_title)
        if title is None and raw_title:
            self.repairs["title_removed"] += 1
        values = _measures(cleaned, letters, nonspace)
        self.rows.append(i)
        self.text.append(cleaned)
        self.title.append(title)
        self.search.append(search_key(cleaned))
        for name, value in values.items():
            self.measures[name].append(value)
        self.flags.update(name for name in _FLAGS if values[name])


def _rejection(raw: str | None, cleaned: str | None, letters: int, nonspace: int) -> tuple[str, str] | None:
    """Why a document cannot be an article, before (its size) or after cleaning; None if it can."""
    if raw is not None and len(raw) > MAX_CHARS:
        return "too_large", f"{len(raw)} characters, limit {MAX_CHARS}"
    assert cleaned is not None
    return _reject_reason(raw, cleaned, letters, nonspace)


def _cleaned_table(docs: pa.Table, kept: _Kept) -> pa.Table:
    """CLEANED_DOCUMENT rows: the kept documents with their cleaned text and title, search key and measures."""
    out = docs.take(pa.array(kept.rows, pa.int64()))
    out = out.set_column(out.schema.get_field_index("text"), "text", pa.array(kept.text, pa.string()))
    out = out.set_column(out.schema.get_field_index("title"), "title", pa.array(kept.title, pa.string()))
    out = out.append_column("text_search", pa.array(kept.search, pa.string()))
    out = out.append_column("content_hash", pa.array([sha256_hex(k) for k in kept.search], pa.string()))
    out = out.append_column("letter_ratio", pa.array(kept.measures["letter_ratio"], pa.float32()))
    out = out.append_column(
        "repeated_line_ratio", pa.array(kept.measures["repeated_line_ratio"], pa.float32())
    )
    for name in _FLAGS:
        out = out.append_column(name, pa.array(kept.measures[name], pa.bool_()))
    return out.cast(CLEANED_DOCUMENT)


def clean_documents(docs: pa.Table, dt: _dt.date) -> tuple[pa.Table, pa.Table, StageCounts]:
    """Clean a DOCUMENT table: (CLEANED_DOCUMENT table, QUARANTINE table, counts).

    Every input row ends in exactly one of the two tables.
    """
    if docs.schema != DOCUMENT:
        docs = docs.select(DOCUMENT.names).cast(DOCUMENT)
    quarantine = QuarantineBuilder("clean", dt)
    texts, bad_text = _column_as_str(docs, "text")
    titles, bad_title = _column_as_str(docs, "title")
    record_ids = [_safe_id(v) for v in _column_as_str(docs, "record_id")[0]]
    source_ids = [_safe_id(v) for v in _column_as_str(docs, "source_id")[0]]
    urls = [_safe(v) for v in _column_as_str(docs, "url")[0]]
    kept = _Kept()
    kept.repairs.update({"invalid_utf8_text": bad_text, "invalid_utf8_title": bad_title})
    for i, raw in enumerate(texts):
        too_large = raw is not None and len(raw) > MAX_CHARS
        cleaned = None if too_large else clean_text(raw)
        letters, nonspace = (0, 0) if cleaned is None else _counts(cleaned)
        rejected = _rejection(raw, cleaned, letters, nonspace)
        if rejected:
            quarantine.reject(
                record_id=record_ids[i],
                source_id=source_ids[i],
                reason=rejected[0],
                detail=rejected[1],
                locator=urls[i],
                body=_raw_bytes(raw),
            )
        else:
            assert cleaned is not None
            kept.add(i, raw, cleaned, titles[i], letters, nonspace)
    out = _cleaned_table(docs, kept)
    counts = StageCounts(
        stage="clean",
        records_in=docs.num_rows,
        records_out=out.num_rows,
        rejected=len(quarantine),
        changed=kept.changed,
    )
    counts.extra = {
        "reasons": quarantine.reasons(),
        "flags": dict(kept.flags),
        "repairs": dict(+kept.repairs),
    }
    return out, quarantine.table(), counts
