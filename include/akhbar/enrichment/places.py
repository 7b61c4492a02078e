"""Places named in a text, from the offline gazetteer ``akhbar/data/gazetteer.tsv``.

How a text is matched (one pass, no regular expression per name):

1. the text is lightly folded (:func:`textstats.fold`: no harakat, alef forms to ا,
   ى->ي, ة->ه) and split into word tokens with one regular expression;
2. every Arabic name is stored under all its prefixed spellings (و ف ب ل ك and the
   pairs وب فب ول فل وك فك; with the article: بال وال فال كال وبال فبال and لل ولل فلل),
   so a token is looked up as is, with one dict access;
3. names of two or more words are stored under their first token with the rest of
   the words, longest first.

Ambiguity rules (documented in docs of the gazetteer header too):

* a name marked ``*`` in the gazetteer is also a common word or a person's name
  (مالي "financial", قبلي "tribal", بشار "Bashar", الحمامات "the baths", جدة
  "grandmother", سورية "Syrian"...): it counts only right after a place word (في،
  ولاية، مدينة، معتمدية، شمال...), never glued to ب or ل alone ("لجده" is "to his
  grandfather", "بالبيض" "with eggs", "لمعسكر البقاء" "for the Remain camp");
* no name counts right after حي ("حي الرياض" is a neighbourhood of Sousse);
* عمان is the country Oman unless الأردن / الأردنية stands within the three tokens
  before it, then it is Amman. The two names are written with the same letters;
* تونس and الجزائر alone are the countries; "تونس العاصمة", "ولاية تونس", "الجزائر
  العاصمة" are the capitals;
* المغرب followed by العربي / الكبير, or after دول, is the Maghreb, not Morocco; تونس
  in "وكالة تونس إفريقيا للأنباء" (the news agency) and "مشروع تونس" (a party) is
  not a place mention;
* French and English names must start with a capital letter (the token is looked up
  with its case). Some are never used alone (Nice, Tours, Sale, Mobile, Reading...:
  not in the gazetteer), and a few that are also first or last names (Jordan, Chad,
  Georgia, Turkey, Washington, Paris, Constantine...) do not count when a capitalised
  word stands right before or after them ("Michael Jordan", "New Jersey").
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment
from akhbar.enrichment.textstats import _WORD_RE, fold

_AR_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل", "وك", "فك")
_AR_PREFIXES_AL = ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")  # + "ال..."; ل+ال -> لل
# Tokens after which a '*' (ambiguous) Arabic name counts as a place.
TRIGGERS = frozenset(
    fold(w)
    for w in [
        "في",
        "الى",
        "إلى",
        "ولاية",
        "بولاية",
        "لولاية",
        "وولاية",
        "مدينة",
        "بمدينة",
        "لمدينة",
        "ومدينة",
        "مدينتي",
        "معتمدية",
        "بمعتمدية",
        "لمعتمدية",
        "ومعتمدية",
        "جهة",
        "بجهة",
        "منطقة",
        "بمنطقة",
        "محافظة",
        "بمحافظة",
        "إقليم",
        "بإقليم",
        "بلدية",
        "ببلدية",
        "لبلدية",
        "عاصمة",
        "العاصمة",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "وسط",
        "شمالي",
        "جنوبي",
        "شرقي",
        "غربي",
        "دولة",
        "جمهورية",
        "مطار",
        "ميناء",
        "سكان",
        "أهالي",
        "والي",
        "ولاة",
        "نحو",
        "قرب",
        "ضواحي",
        "مستشفى",
        "بمستشفى",
    ]
)
# Names never matched alone whatever the gazetteer says (common words first).
LATIN_STOP = frozenset(
    [
        "Nice",
        "Tours",
        "Sale",
        "Mobile",
        "Reading",
        "Split",
        "Bath",
        "Nancy",
        "Orange",
        "Florence",
        "Victoria",
        "Lincoln",
        "Man",
        "Chance",
    ]
)
# Latin names that are also people's names: skipped next to another capitalised word.
LATIN_PERSON = frozenset(
    [
        "Jordan",
        "Chad",
        "Georgia",
        "Turkey",
        "Jersey",
        "Maurice",
        "Salvador",
        "Israel",
        "Washington",
        "Paris",
        "Constantine",
        "Medina",
        "Mila",
        "Mascara",
        "Dominica",
        "Kuwait",
        "Sudan",
        "Aden",
        "Hama",
        "Homs",
    ]
)
_LATIN_FUNCTION = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "Of",
        "From",
        "To",
        "And",
        "For",
        "By",
        "With",
        "As",
        "But",
        "Or",
        "If",
        "Le",
        "La",
        "Les",
        "L",
        "Un",
        "Une",
        "Des",
        "Du",
        "De",
        "D",
        "En",
        "Au",
        "Aux",
        "Et",
        "Dans",
        "Pour",
        "Par",
        "Sur",
        "À",
        "A",
        "Vers",
        "Avec",
        "Sans",
        "Selon",
        "Entre",
    ]
)
# (key, neighbour) pairs that turn a match off: next token / previous token.
_NOT_PLACE_NEXT = {
    fold("المغرب"): {fold("العربي"), fold("الكبير")},
    fold("تونس"): {fold("افريقيا"), fold("إفريقيا")},
}
_NOT_PLACE_PREV = {
    fold("المغرب"): {fold("دول"), fold("بلدان")},
    fold("تونس"): {fold("مشروع")},
    fold("الجزائر"): {fold("أمل")},
}
_OMAN = fold("عمان")
_HAY = frozenset(p + fold("حي") for p in ("", "و", "ف", "ب", "ل"))
_JORDAN_CONTEXT = frozenset(fold(w) for w in ("الأردن", "الأردنية", "الاردنية", "الأردني", "الأردنيه"))


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    country_code: str
    place_type: str  # country, capital, city, region


@dataclass
class PlaceHit:
    place: Place
    mentions: int
    first_token: int


@dataclass(frozen=True)
class _Entry:
    rest: tuple[str, ...]
    place: Place
    ambiguous: bool  # '*' Arabic name or Latin person-like name
    latin: bool
    prefix: str  # Arabic prefix glued to the first token


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


class Gazetteer:
    def __init__(self, rows: list[tuple[Place, list[str], list[str]]]):
        index: dict[str, list[_Entry]] = defaultdict(list)
        seen: set[tuple[str, tuple[str, ...]]] = set()
        self.places: dict[str, Place] = {}

        def add(first: str, rest: tuple[str, ...], entry: _Entry) -> None:
            key = (first, rest)
            if key in seen:  # first row wins (countries come first)
                return
            seen.add(key)
            index[first].append(entry)

        for place, ar_names, latin_names in rows:
            self.places[place.place_id] = place
            starred = {n.rstrip("*") for n in ar_names if n.endswith("*")}
            for raw in ar_names:
                name = raw.rstrip("*")
                amb = name in starred
                toks = _WORD_RE.findall(fold(name))
                if not toks:
                    continue
                first, rest = toks[0], tuple(toks[1:])
                if first.startswith("ال") and len(first) > 3:
                    bare = first[2:]
                    for p in _AR_PREFIXES_AL:
                        add(p + first, rest, _Entry(rest, place, amb, False, p))
                    for p in ("ل", "ول", "فل"):
                        add(p + "ل" + bare, rest, _Entry(rest, place, amb, False, p))
                else:
                    for p in _AR_PREFIXES:
                        add(p + first, rest, _Entry(rest, place, amb, False, p))
            for raw in latin_names:
                for name in {raw, _strip_accents(raw)}:
                    toks = _WORD_RE.findall(name)
                    if not toks or not toks[0][:1].isupper():
                        continue
                    if len(toks) == 1 and toks[0] in LATIN_STOP:
                        continue
                    amb = len(toks) == 1 and toks[0] in LATIN_PERSON
                    add(toks[0], tuple(toks[1:]), _Entry(tuple(toks[1:]), place, amb, True, ""))
        for first in index:
            index[first].sort(key=lambda e: -len(e.rest))
        self.index: dict[str, list[_Entry]] = dict(index)
        self.keys = frozenset(self.index)

    @classmethod
    def from_tsv(cls, text: str) -> Gazetteer:
        rows = []
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            cols += [""] * (7 - len(cols))
            pid, name, cc, ptype, ar, fr, en = cols[:7]
            split = lambda s: [x.strip() for x in s.split("|") if x.strip()]  # noqa: E731
            rows.append((Place(pid, name, cc, ptype), split(ar), split(fr) + split(en)))
        return cls(rows)

    # ------------------------------------------------------------------
    def find(self, text: str | None) -> list[PlaceHit]:
        """Places mentioned in ``text``, in order of first mention, with mention counts."""
        if not text:
            return []
        toks = _WORD_RE.findall(fold(text))
        hits_keys = self.keys.intersection(toks)
        if not hits_keys:
            return []
        out: dict[str, PlaceHit] = {}
        n = len(toks)
        skip_to = 0
        index = self.index
        for i, tok in enumerate(toks):
            if i < skip_to or tok not in hits_keys:
                continue
            for e in index[tok]:
                k = len(e.rest)
                if k and tuple(toks[i + 1 : i + 1 + k]) != e.rest:
                    continue
                if not self._accept(e, toks, i, k, n):
                    continue
                place = e.place
                if (
                    tok.endswith(_OMAN)
                    and not k
                    and place.country_code == "OM"
                    and any(t in _JORDAN_CONTEXT for t in toks[max(0, i - 3) : i])
                ):
                    place = self.places.get("JO-amman", place)
                hit = out.get(place.place_id)
                if hit is None:
                    out[place.place_id] = PlaceHit(place, 1, i)
                else:
                    hit.mentions += 1
                skip_to = i + 1 + k
                break
        return sorted(out.values(), key=lambda h: h.first_token)

    @staticmethod
    def _accept(e: _Entry, toks: list[str], i: int, k: int, n: int) -> bool:
        tok = toks[i]
        prev = toks[i - 1] if i else ""
        nxt = toks[i + k + 1] if i + k + 1 < n else ""
        if e.latin:
            if e.ambiguous:
                for nb in (prev, nxt):
                    if nb[:1].isupper() and nb.isalpha() and nb.isascii() and nb not in _LATIN_FUNCTION:
                        return False
            return True
        base = tok[len(e.prefix) :]
        if not k:
            key = base if not base.startswith("لل") else "ال" + base[2:]
            if nxt in _NOT_PLACE_NEXT.get(key, ()):
                return False
            if prev in _NOT_PLACE_PREV.get(key, ()):
                return False
        if prev in _HAY:  # حي الرياض: a neighbourhood named after a city
            return False
        if e.ambiguous:
            return prev in TRIGGERS or (prev[:1] in ("و", "ف") and prev[1:] in TRIGGERS)
        return True


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    text = resources.files("akhbar").joinpath("data/gazetteer.tsv").read_text(encoding="utf-8")
    return Gazetteer.from_tsv(text)


def find_places(text: str | None) -> list[PlaceHit]:
    return gazetteer().find(text)


def main_country(hits: list[PlaceHit]) -> str | None:
    """Country with the most mentions (its own name plus its cities and regions); ties: first mentioned."""
    if not hits:
        return None
    score: dict[str, int] = {}
    first: dict[str, int] = {}
    for h in hits:
        cc = h.place.country_code
        score[cc] = score.get(cc, 0) + h.mentions
        first[cc] = min(first.get(cc, h.first_token), h.first_token)
    return min(score, key=lambda cc: (-score[cc], first[cc]))


def _enrich(batch: Batch) -> Enrichment:
    """Places named in the title and text (ARTICLE_PLACES) and each article's main country."""
    rows: dict[str, list] = {
        "article_id": [],
        "place_id": [],
        "name": [],
        "country_code": [],
        "place_type": [],
        "mentions": [],
    }
    countries = []
    with_places = 0
    for article_id, title, text in zip(batch.article_ids, batch.titles, batch.texts):
        hits = find_places(f"{title}\n{text}" if title else text)
        countries.append(main_country(hits))
        with_places += bool(hits)
        for h in hits:
            for name, value in (
                ("article_id", article_id),
                ("place_id", h.place.place_id),
                ("name", h.place.name),
                ("country_code", h.place.country_code),
                ("place_type", h.place.place_type),
                ("mentions", h.mentions),
            ):
                rows[name].append(value)
    return Enrichment(
        columns={"main_country": countries},
        children={"article_places": rows},
        figures={"with_places": with_places, "place_rows": len(rows["article_id"])},
    )


ENRICHER = Enricher("places", order=40, run=_enrich)
