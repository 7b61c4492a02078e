"""The Corpus page's search language and result snippets: plain functions, no catalog, no Airflow.

A query is plain words (BM25, any of them, as the catalog's ``search_articles`` macro scores them),
``"quoted phrases"`` (also “…” and «…») an article's title or text must contain, and ``+words`` an
article must match. :func:`parse_query` splits a query into those; :mod:`akhbar.corpus_stats` turns
them into SQL over the macro.

:func:`snippet` cuts a short window of an article's text around the first place the query matches
and says which words to highlight. Text and query are compared after :func:`fold`, the Python twin of
the SQL ``strip_accents(akhbar_fold(x))`` (include/akhbar/sql/search.sql): lower case, no Arabic
diacritics nor tatweel, Arabic-Indic digits as ASCII, no accents (hamza seats fold to their letter, as
the SQL does). Which words count as a match is a display rule, not the index's: a text word matches a
query word when, after folding and without an Arabic proclitic (و ف ب ك ل ال ...), one is the other or
the other plus a short suffix (élection/élections, تونس/التونسية). The ranking stays the macro's.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

SNIPPET_CHARS = 240  # about two lines of the results table
SNIPPET_LEAD = 70  # characters shown before the first match

# akhbar_fold: U+064B-U+065F (harakat, hamza marks), U+0670 (superscript alef), U+0640 (tatweel).
_DROP = dict.fromkeys([*range(0x064B, 0x0660), 0x0670, 0x0640])
_DIGITS = {ord(a): b for a, b in zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")}
_FOLD = {**_DROP, **_DIGITS}
# A word: letters and digits (not "_", as the SQL tokenizer's \p{L}\p{N}), with the marks folding drops.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u064b-\u065f\u0670\u0640])+")
_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|«([^»]*)»')
# Arabic proclitics a word may carry in the text but not in the query (longest first).
_PROCLITICS = (
    "وبال",
    "وكال",
    "فبال",
    "وال",
    "فال",
    "بال",
    "كال",
    "ولل",
    "فلل",
    "لل",
    "ال",
    "وب",
    "ول",
    "وك",
    "فب",
    "فل",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)
_SPACES = re.compile(r"\s+")
_SPACE = re.compile(r"\s")


def fold(text: str) -> str:
    """``strip_accents(akhbar_fold(text))`` of the catalog, in Python."""
    folded = text.lower().translate(_FOLD)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded)
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", kept)


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, split as the catalog's tokenizer splits (akhbar_tokens)."""
    return tuple(w for w in (fold(m.group()) for m in _WORD.finditer(text)) if w)


@dataclass(frozen=True)
class Query:
    """A parsed query: ``words`` scored by BM25 (any of them), ``required`` words every result matches,
    ``phrases`` every result's title or text contains (each as its folded words)."""

    words: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def terms(self) -> str:
        """What the BM25 macro scores: every word of the query, phrases and required words included."""
        return " ".join([*self.words, *self.required, *(w for p in self.phrases for w in p)])

    @property
    def filtered(self) -> bool:
        return bool(self.required or self.phrases)

    def highlighted(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.words, *self.required, *(w for p in self.phrases for w in p)]))

    def describe(self) -> dict:
        return {
            "words": list(self.words),
            "required": list(self.required),
            "phrases": [" ".join(p) for p in self.phrases],
        }


def parse_query(term: str) -> Query:
    """``"a phrase"`` (or “…”, «…») must be in the title or the text; ``+word`` must match; other words
    are scored. A quote left open is no phrase: its words count as plain words."""
    phrases: list[tuple[str, ...]] = []

    def take(m: re.Match) -> str:
        words = words_of(next(g for g in m.groups() if g is not None))
        if words:
            phrases.append(words)
        return " "

    rest = _PHRASE.sub(take, term or "")
    words: list[str] = []
    required: list[str] = []
    for chunk in rest.split():
        if chunk.startswith("+"):
            required.extend(words_of(chunk))
        else:
            words.extend(words_of(chunk))
    return Query(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(required)), tuple(dict.fromkeys(phrases)))


def phrase_pattern(words: tuple[str, ...]) -> str:
    """The RE2 pattern of a phrase over a folded text: its words in order, separated by anything but
    letters and digits (what splits tokens). The same as "the text's tokens joined by spaces contain the
    phrase's", so the first word may end a longer word and the last begin one (بتونس العاصمة)."""
    return r"[^\p{L}\p{N}]+".join(re.escape(w) for w in words)


class Token(NamedTuple):
    start: int
    end: int
    folded: str


class SnippetPart(NamedTuple):
    text: str
    mark: bool


_fold_word = functools.lru_cache(maxsize=1 << 16)(fold)  # news repeats its words: fold each once


def _tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    for m in _WORD.finditer(text, start, len(text) if end is None else end):
        folded = _fold_word(m.group())
        if folded:
            yield Token(m.start(), m.end(), folded)


_PROCLITICS_BY_LETTER = {c: tuple(p for p in _PROCLITICS if p[0] == c) for c in {p[0] for p in _PROCLITICS}}


def _forms(word: str) -> tuple[str, ...]:
    """The word, then the word without each Arabic proclitic it may carry (at least two letters left)."""
    return (
        word,
        *(
            word[len(p) :]
            for p in _PROCLITICS_BY_LETTER.get(word[:1], ())
            if word.startswith(p) and len(word) - len(p) >= 2
        ),
    )


def _related(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short == long_ or (
        len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= min(3, len(short) - 2)
    )


def word_matches(text_word: str, query_word: str) -> bool:
    """Folded words: the same word, up to an Arabic proclitic of either and a short suffix (at most three
    letters, two after a four-letter word) of one; words under four letters only as they are."""
    return any(_related(t, q) for t in _forms(text_word) for q in _forms(query_word))


@functools.lru_cache(maxsize=1 << 16)
def _matches_any(text_word: str, query_words: tuple[str, ...]) -> bool:
    return any(word_matches(text_word, w) for w in query_words)


def _phrase_at(tokens: list[Token], i: int, phrase: tuple[str, ...]) -> bool:
    """Whether the phrase starts in ``tokens[i]``, with the SQL filter's meaning: its words joined by
    spaces are a substring of the text's words joined by spaces."""
    n = len(phrase)
    if i + n > len(tokens):
        return False
    if n == 1:
        return phrase[0] in tokens[i].folded
    return (
        tokens[i].folded.endswith(phrase[0])
        and tokens[i + n - 1].folded.startswith(phrase[-1])
        and all(tokens[i + k].folded == phrase[k] for k in range(1, n - 1))
    )


def _spans(tokens: list[Token], query: Query) -> list[tuple[int, int]]:
    """Character spans to highlight in ``tokens``: each phrase as one span, each matching word."""
    words = query.highlighted()
    out = []
    for i, tok in enumerate(tokens):
        for phrase in query.phrases:
            if _phrase_at(tokens, i, phrase):
                out.append((tok.start, tokens[i + len(phrase) - 1].end))
        if _matches_any(tok.folded, words):
            out.append((tok.start, tok.end))
    return out


def _anchor(text: str, query: Query) -> int | None:
    """Where the window is drawn around: the first phrase if the query has one, else the first match."""
    tokens = list(_tokens(text))
    if query.phrases:
        for i in range(len(tokens)):
            if any(_phrase_at(tokens, i, p) for p in query.phrases):
                return tokens[i].start
    words = query.highlighted()
    return next((t.start for t in tokens if _matches_any(t.folded, words)), None)


def _window(text: str, anchor: int | None, width: int) -> tuple[int, int]:
    """``width`` characters around ``anchor`` (from the start without one), cut at white space."""
    if anchor is None:
        start = 0
    else:
        start = max(0, min(anchor - SNIPPET_LEAD, len(text) - width))
        space = _SPACE.search(text, start, anchor) if start > 0 else None
        start = space.end() if space else start
    end = min(len(text), start + width)
    if end < len(text):
        floor = max(start, anchor or 0)
        end = next((i for i in range(end, floor, -1) if text[i].isspace()), end)
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _marked(text: str, start: int, end: int, query: Query) -> list[SnippetPart]:
    """``text[start:end]`` as parts, the query's matches marked."""
    parts: list[SnippetPart] = []
    pos = start
    for s, e in _merge(_spans(list(_tokens(text, start, end)), query)):
        if s > pos:
            parts.append(SnippetPart(text[pos:s], False))
        parts.append(SnippetPart(text[s:e], True))
        pos = e
    if pos < end:
        parts.append(SnippetPart(text[pos:end], False))
    return parts


def _trimmed(parts: list[SnippetPart]) -> tuple[SnippetPart, ...]:
    if parts:
        parts[0] = SnippetPart(parts[0].text.lstrip(), parts[0].mark)
        parts[-1] = SnippetPart(parts[-1].text.rstrip(), parts[-1].mark)
    return tuple(p for p in parts if p.text)


def snippet(text: str | None, query: Query, width: int = SNIPPET_CHARS) -> tuple[SnippetPart, ...]:
    """A window of ``text`` around the query's first match (the text's start when it has none: a match in
    the title only, or a word only the stemmer relates), as parts, the matched words marked; "…" where the
    text is cut, runs of white space as one space."""
    text = text or ""
    if not text.strip():
        return ()
    start, end = _window(text, _anchor(text, query), width)
    parts = [SnippetPart(_SPACES.sub(" ", p.text), p.mark) for p in _marked(text, start, end, query)]
    if start > 0:
        parts.insert(0, SnippetPart("…", False))
    if end < len(text):
        parts.append(SnippetPart("…", False))
    return _trimmed(parts)


def highlight(text: str | None, query: Query) -> tuple[SnippetPart, ...]:
    """All of a short text (a title) as parts, unchanged, the query's matches marked."""
    return tuple(_marked(text or "", 0, len(text or ""), query))


def snippet_text(parts: tuple[SnippetPart, ...]) -> str:
    return "".join(p.text for p in parts)
