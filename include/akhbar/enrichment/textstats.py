"""Word, sentence and character counts, reading time, and the light Arabic fold used for matching."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment

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


# --------------------------------------------------------------------------- batches
# The batch version works on the code points of all texts at once (one UTF-32 array) with
# lookup tables built from Python's own ``re`` classes, so it counts exactly what the
# regular expressions above match (Arrow's RE2 has ASCII-only \w and \s and no look-ahead,
# and its regex counting measured no faster than ``re``).

_SENT_MARKS = ".!?؟؛…"  # the class of _SENT_END_RE


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Per code point: (a word character ``[^\W_]``, whitespace ``\s``, a sentence mark)."""
    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    tables = []
    for pattern in (r"[^\W_]", r"\s"):
        table = np.zeros(0x110000, bool)
        for m in re.finditer(pattern + "+", every):
            table[m.start() : m.end()] = True  # one character per code point: positions are code points
        tables.append(table)
    marks = np.zeros(0x110000, bool)
    marks[[ord(c) for c in _SENT_MARKS]] = True
    return tables[0], tables[1], marks


@dataclass(frozen=True)
class BatchStats:
    n_chars: np.ndarray  # int64
    n_words: np.ndarray  # int64
    n_sentences: np.ndarray  # int64
    reading_minutes: list[float]


def text_stats_batch(texts: Sequence[str | None], langs: Sequence[str | None]) -> BatchStats:
    """:func:`text_stats` of every text of a batch (None counts as ""), vectorised with numpy.

    Words are maximal runs of word characters; a sentence end is a maximal run of sentence
    marks followed by whitespace or the end of the text, or a line break; a sentence is a
    piece between ends that holds a word character. The same counts as the scalar functions.
    """
    n = len(texts)
    if n != len(langs):
        raise ValueError(f"{n} texts but {len(langs)} languages")
    strings = [t or "" for t in texts]
    lengths = np.fromiter(map(len, strings), np.int64, n)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    total = int(ends[-1]) if n else 0
    cp = np.frombuffer("".join(strings).encode("utf-32-le", "surrogatepass"), np.uint32)
    word_t, space_t, mark_t = _tables()
    first = np.zeros(total + 1, bool)  # a text starts here (index total: the end sentinel)
    first[starts] = True
    first[total] = True
    is_word = word_t[cp]
    # Words: word characters not preceded by one in the same text.
    word_start = is_word.copy()
    word_start[1:] &= ~is_word[:-1] | first[1:total]
    ws = np.flatnonzero(word_start)
    # Sentence ends inside a text: a line break, or the last mark of a run when whitespace
    # follows (a run at the very end of a text needs no boundary: the next text starts one).
    is_mark = mark_t[cp]
    sent_end = cp == 10
    sent_end[:-1] |= is_mark[:-1] & space_t[cp[1:]]
    # Pieces start at every text start and after every sentence end. A sentence is a piece
    # holding a word; a word cannot straddle a piece boundary (the character before one is a
    # text's last or a sentence end), so count the word starts opening a new piece.
    boundary = first[:total].copy()
    boundary[1:] |= sent_end[:-1]
    piece = np.searchsorted(np.flatnonzero(boundary), ws, side="right")
    opens = np.ones(len(ws), bool)
    opens[1:] = piece[1:] != piece[:-1]
    ss = ws[opens]
    n_words = np.searchsorted(ws, ends) - np.searchsorted(ws, starts)
    n_sentences = np.searchsorted(ss, ends) - np.searchsorted(ss, starts)
    wpm = [WPM.get(lang or "", DEFAULT_WPM) for lang in langs]
    minutes = [round(w / s, 3) for w, s in zip(n_words.tolist(), wpm)]
    return BatchStats(n_chars=lengths, n_words=n_words, n_sentences=n_sentences, reading_minutes=minutes)


def _enrich(batch: Batch) -> Enrichment:
    """Characters, words, sentences and reading time (at the text's language's reading speed)."""
    stats = text_stats_batch(batch.texts, batch.column("lang"))
    return Enrichment(
        columns={
            "n_chars": stats.n_chars,
            "n_words": stats.n_words,
            "n_sentences": stats.n_sentences,
            "reading_minutes": stats.reading_minutes,
        }
    )


ENRICHER = Enricher("counts", order=20, run=_enrich)
