"""Word, sentence and character counts, reading time, and the light Arabic fold used for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Arabic harakat, superscript alef, Quranic marks and tatweel: dropped before matching.
_AR_MARKS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_FOLDS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))

_WORD_RE = re.compile(r"[^\W_]+")
# A sentence ends at . ! ? ؟ ؛ … (followed by space or end) or at a line break.
_SENT_END_RE = re.compile(r"[.!?؟؛…]+(?=\s|$)|\n")

# Reading speeds in words per minute. Arabic words carry clitics (و ب ل ال), so fewer
# words per minute than French or English.
WPM = {"ar": 180.0, "fr": 230.0, "en": 230.0}
DEFAULT_WPM = 200.0


def fold(text: str) -> str:
    """Light fold for dictionary look-ups: no diacritics or tatweel, alef forms to ا, ى->ي, ة->ه.

    Case and Latin accents are kept (place names need their capital letter).
    """
    if not text:
        return ""
    if text.isascii():
        return text
    text = _AR_MARKS_RE.sub("", text)
    for src, dst in _AR_FOLDS:
        if src in text:
            text = text.replace(src, dst)
    return text


@dataclass(frozen=True)
class TextStats:
    n_chars: int
    n_words: int
    n_sentences: int
    reading_minutes: float


def count_words(text: str | None) -> int:
    return len(_WORD_RE.findall(text)) if text else 0


def count_sentences(text: str | None) -> int:
    """Sentences: pieces between sentence marks (Arabic ؟ ؛ too) and line breaks that hold a word."""
    if not text:
        return 0
    n = 0
    start = 0
    for m in _SENT_END_RE.finditer(text):
        if _WORD_RE.search(text, start, m.start()):
            n += 1
        start = m.end()
    if _WORD_RE.search(text, start):
        n += 1
    return n


def reading_minutes(n_words: int, lang: str | None) -> float:
    return n_words / WPM.get(lang or "", DEFAULT_WPM)


def text_stats(text: str | None, lang: str | None = None) -> TextStats:
    text = text or ""
    n_words = count_words(text)
    return TextStats(
        n_chars=len(text),
        n_words=n_words,
        n_sentences=count_sentences(text),
        reading_minutes=round(reading_minutes(n_words, lang), 3),
    )
