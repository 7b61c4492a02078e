"""Bytes to text: the BOM, the HTTP charset, <meta charset>, UTF-8, detection, each checked for mojibake.

Every candidate is decoded strictly and must look plausible (no ``ÇáÚÑÈíÉ`` or ``Ø§Ù„``): a wrong
header charset loses to a right meta tag, and windows-1256 pages without any declaration are found.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["UnknownEncodingError", "decode_html", "mojibake_score"]


class UnknownEncodingError(ValueError):
    """No candidate encoding turns the bytes into plausible text."""


_CHARSET_IN_CT = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.IGNORECASE)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Labels browsers treat as another encoding (WHATWG Encoding Standard, the ones that matter here).
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "arabic": "iso-8859-6",
    "asmo-708": "iso-8859-6",
    "ecma-114": "iso-8859-6",
    "x-mac-arabic": "mac-arabic",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    # East Asian labels name the older, smaller tables; pages use the supersets browsers decode with
    # (a strict gb2312 decode fails on the first GBK character, and the page would fall to detection).
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "korean": "cp949",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}

# Signs of bytes decoded with the wrong table.
_C1_OR_REPLACEMENT = re.compile("[\x80-\x9f\ufffd]")
# (a soft hyphen after an accented letter is French typography, "ré\u00adac\u00adtion"; after Ã it is í)
_UTF8_AS_LATIN = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00ac\u00ae-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\u00c2\u00c3]\u00ad"
)
_LATIN1_RUN = re.compile("[\u00c0-\u00ff]{3,}")  # Arabic single-byte text read as Latin-1
# Arabic and Latin letters glued in one word: ISO-8859-6 read as windows-1256 and the like
_MIXED_WORD = re.compile("[\u0621-\u064a][\u00c0-\u00ff]|[\u00c0-\u00ff][\u0621-\u064a]")
_LATIN_SUPPLEMENT = re.compile("[\u0080-\u00ff\ufffd]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_TA_ZA = re.compile("[\u0637\u0638]")  # ط ظ: every UTF-8 Arabic letter read as windows-1256 starts with one
_NON_ASCII = re.compile("[^\x00-\x7f]")
_WINDOW = 4_000  # characters examined from the first non-ASCII one: mojibake shows at once
_UTF8_WINDOW = (
    2_000  # the same for text that is valid UTF-8 (double encoding spoils every non-ASCII character)
)

_PLAUSIBLE = 0.05  # at most 5% suspicious non-ASCII characters
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)  # deleted to count the control bytes


def _normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: dict | None, name: str) -> str | None:
    if not headers:
        return None
    name = name.lower()
    for key, value in headers.items():
        if str(key).lower() == name:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            return None if value is None else str(value)
    return None


def mojibake_score(text: str) -> float:
    """Share of the non-ASCII characters that look like a wrong decoding (0 = clean).

    A window from the first non-ASCII character is examined (every sign of mojibake lives in its
    non-ASCII characters, and a page's scripts and styles before it are skipped).
    """
    first = _NON_ASCII.search(text)
    if first is None:
        return 0.0
    sample = text[first.start() : first.start() + _WINDOW]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    bad = 0
    if _LATIN_SUPPLEMENT.search(sample):  # the Latin signs below need one of these characters
        bad += len(_C1_OR_REPLACEMENT.findall(sample))
        bad += 2 * len(_UTF8_AS_LATIN.findall(sample))
        bad += sum(len(m) for m in _LATIN1_RUN.findall(sample))
        bad += 2 * len(_MIXED_WORD.findall(sample))
    ta_za = len(_TA_ZA.findall(sample))
    if ta_za >= 5 and ta_za > 0.1 * non_ascii:  # counting every Arabic letter only when it matters
        arabic = len(_ARABIC_LETTER.findall(sample))
        if ta_za > 0.25 * arabic:  # ~1.5% in real Arabic, ~50% in UTF-8 read as windows-1256
            bad += 2 * ta_za
    return min(1.0, bad / non_ascii)


def _double_encoded_score(text: str) -> float:
    """:func:`mojibake_score` for bytes that are valid UTF-8: the one way they can still be wrong is
    UTF-8 encoded twice ("Ø§Ù„", "Ã©"), which a short window shows (and this is much cheaper)."""
    first = _NON_ASCII.search(text)
    if first is None:
        return 0.0
    window = text[first.start() : first.start() + _UTF8_WINDOW]
    extra_bytes = len(window.encode("utf-8")) - len(window)  # about one per non-ASCII character
    if extra_bytes <= 0:
        return 0.0
    bad = 2 * len(_UTF8_AS_LATIN.findall(window)) + len(_C1_OR_REPLACEMENT.findall(window))
    return min(1.0, bad / extra_bytes)


def _declared_meta_charset(body: bytes) -> str | None:
    head = body[:8192]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def _from_bom(body: bytes) -> tuple[str, str] | None:
    for bom, enc in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(enc), _normalise_label(enc.replace("-sig", "")) or enc
            except UnicodeDecodeError:
                return None
    return None


class _Attempts:
    """Candidate encodings tried in order; each strict decode is scored once."""

    def __init__(self, body: bytes):
        self.body = body
        self.tried: list[tuple[float, str, str]] = []
        self.seen: set[str] = set()

    def attempt(self, enc: str | None) -> tuple[str, str] | None:
        if not enc or enc in self.seen:
            return None
        self.seen.add(enc)
        try:
            text = self.body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            return None
        score = _double_encoded_score(text) if enc == "utf-8" else mojibake_score(text)
        self.tried.append((score, enc, text))
        return (text, enc) if score <= _PLAUSIBLE else None

    def least_bad(self) -> tuple[str, str] | None:
        if not self.tried:
            return None
        score, enc, text = min(self.tried, key=lambda t: t[0])
        return (text, enc) if score < 0.5 else None


def _detected(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        return _normalise_label(best.encoding) if best is not None else None
    except (ImportError, ValueError, LookupError, TypeError):  # a best effort: the fixed fallbacks follow
        return None


def decode_html(body: bytes, headers: dict | None) -> tuple[str, str]:
    """Decode an HTML body; return ``(text, encoding used)``.

    Candidates in order: BOM, UTF-8 (for bytes beyond ASCII), HTTP ``Content-Type`` charset,
    ``<meta charset>`` / http-equiv / XML declaration, charset_normalizer's guess, windows-1256,
    windows-1252. The first one that decodes strictly *and* gives plausible text (see
    :func:`mojibake_score`) wins.
    Raises :class:`UnknownEncodingError` for binary or undecodable bytes.
    """
    if not body:
        return "", "utf-8"
    found = _from_bom(body)
    if found:
        return found
    sample = body[:65536]
    if len(sample.translate(None, _NOT_CONTROL)) > max(8, len(sample) // 200):
        raise UnknownEncodingError("binary content (control bytes)")
    m = _CHARSET_IN_CT.search(_header(headers, "content-type") or "")
    attempts = _Attempts(body)
    declared = (_normalise_label(m.group(1)) if m else None, _normalise_label(_declared_meta_charset(body)))
    # Bytes that are valid UTF-8 beyond ASCII are UTF-8 whatever the label says: text in another encoding is
    # almost never valid UTF-8, while a page saved as UTF-8 often keeps its old label, and the East Asian
    # multi-byte tables decode UTF-8 bytes without an error into plausible-looking characters.
    order = ("utf-8", *declared) if not body.isascii() else (*declared, "utf-8")
    for enc in order:
        found = attempts.attempt(enc)
        if found:
            return found
    for enc in (_detected(body), "cp1256", "cp1252"):
        found = attempts.attempt(enc)
        if found:
            return found
    found = attempts.least_bad()
    if found:
        return found
    raise UnknownEncodingError("no encoding gives plausible text")
