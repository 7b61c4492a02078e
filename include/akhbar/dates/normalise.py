"""Arabic text normalised once for matching, with a map back to the original offsets.

Hamza forms of alef (أ إ ٱ) become ا, ta marbuta ة becomes ه, alif maqsura ى and Persian ی become ي,
Arabic-Indic and Persian digits become ASCII digits, invisible marks and odd spaces become spaces
(all length-preserving); diacritics, tatweel and zero-width characters are removed, which is why
an offset map is kept. Most texts take the fast path: four C-level replaces, offsets unchanged.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

TRANS = {ord(c): "ا" for c in "أإٱ"}
TRANS.update({ord("ة"): "ه", ord("ى"): "ي", ord("ی"): "ي", ord("ک"): "ك", ord("ڤ"): "ف", ord("ڨ"): "ق"})
TRANS.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
TRANS.update({0x06F0 + i: str(i) for i in range(10)})  # Persian digits
for _c in "\u200e\u200f\u00a0\u202f\u2009\u2007\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\t":
    TRANS[ord(_c)] = " "
# Diacritics, superscript alef, tatweel, zero-width joiners: removed.
STRIP = re.compile("[\u064b-\u065f\u0670\u0640\u200b\u200c\u200d\ufeff]+")
_SLOW_CHARS = re.compile(
    "[\u064b-\u065f\u0670\u0640\u200b-\u200f\ufeff\u0660-\u0669\u06f0-\u06f9"
    "\u00a0\u202a-\u202f\u2007\u2009\u2066-\u2069\t\u0671\u06cc\u06a9\u06a4\u06a8]"
)
_RARE = {chr(k): v for k, v in TRANS.items() if chr(k) not in "أإةى"}
_RARE_RX = re.compile("[" + re.escape("".join(_RARE)) + "]")


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, when characters were removed, where (to map offsets back)."""

    text: str
    breakpoints: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()  # characters removed up to each breakpoint

    def original(self, p: int) -> int:
        """The offset in the original text of offset ``p`` of the normalised one."""
        if not self.breakpoints:
            return p
        i = bisect.bisect_right(self.breakpoints, p) - 1
        return p if i < 0 else p + self.removed[i]


def _common(s: str) -> str:
    return s.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه").replace("ى", "ي")


def _replace_rare(s: str) -> str:
    s = _common(s)
    for ch in set(_RARE_RX.findall(s)):
        s = s.replace(ch, _RARE[ch])
    return s


def normalise(text: str) -> Normalised:
    if _SLOW_CHARS.search(text) is None:
        return Normalised(_common(text))
    if STRIP.search(text) is None:
        return Normalised(_replace_rare(text))
    parts: list[str] = []
    breakpoints: list[int] = []
    removed_upto: list[int] = []
    pos = removed = 0
    for m in STRIP.finditer(text):
        parts.append(text[pos : m.start()])
        breakpoints.append(m.start() - removed)
        removed += m.end() - m.start()
        removed_upto.append(removed)
        pos = m.end()
    parts.append(text[pos:])
    return Normalised(_replace_rare("".join(parts)), tuple(breakpoints), tuple(removed_upto))
