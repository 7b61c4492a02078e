"""A common category taxonomy, mapped from the labels the sources use.

The source-specific mapping (the registry's ``categories:`` dict, raw label ->
taxonomy) wins over the built-in one. Labels are compared folded: lower case, no
accents or harakat, alef forms and ة folded, the Arabic article ال dropped.
"""

from __future__ import annotations

import re
import unicodedata

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment

TAXONOMY = (
    "politics",
    "national",
    "economy",
    "society",
    "world",
    "sports",
    "culture",
    "technology",
    "health",
    "environment",
    "other",
)

_BUILTIN_RAW = {
    "politics": "politics politic politique political سياسة سياسي سياسية سياسيه أحزاب احزاب برلمان انتخابات elections"
    " parlement government gouvernement",
    "national": "national nationale nationales localnews local locale وطنية وطني محلية محليات تونس الجزائر المغرب"
    " اخبار_وطنية أخبار_وطنية tunisie algerie maroc regions régions جهات جهوية",
    "economy": "economy economie économie eco economic business finance finances marches marchés bourse money"
    " اقتصاد اقتصادية اقتصادي مال أعمال اعمال مال_وأعمال بورصة",
    "society": "society societe société faits_divers faitsdivers diverse divers مجتمع اجتماعية حوادث متفرقات"
    " education éducation justice تعليم قضاء",
    "world": "world monde international internationale internationalnews international_news middle_east afrique"
    " africa arab_world maghreb عالمية عالمي دولية دولي العالم عربي_ودولي عربية ودولية أخبار_العالم"
    " الشرق_الأوسط عربي عربيه",
    "sports": "sport sports football foot soccer رياضة رياضي رياضية كرة_القدم",
    "culture": "culture culturel arts art cinema cinéma music musique livres books entertainment lifestyle"
    " ثقافة ثقافي ثقافية فن فنون منوعات سينما",
    "technology": "technology technologie tech tech_news science sciences high-tech numérique digital"
    " تكنولوجيا تقنية علوم علوم_وتكنولوجيا",
    "health": "health santé sante medical médecine صحة طب صحي",
    "environment": "environment environnement climate climat ecologie écologie بيئة مناخ",
    "other": "other autre autres misc منوعات_أخرى أخرى اخرى",
}

_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")
_SEP_RE = re.compile(r"[\s_\-/|>,:;»«]+")


def _norm(label: str) -> str:
    s = unicodedata.normalize("NFKD", label.strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _MARKS_RE.sub("", s)
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي")):
        s = s.replace(a, b)
    parts = [p[2:] if p.startswith("ال") and len(p) > 4 else p for p in _SEP_RE.split(s) if p]
    return " ".join(parts)


BUILTIN: dict[str, str] = {}
for _cat, _words in _BUILTIN_RAW.items():
    for _w in _words.split():
        BUILTIN.setdefault(_norm(_w.replace("_", " ")), _cat)


def map_category(raw: str | None, source_categories: dict | None = None) -> str:
    """One of :data:`TAXONOMY` for a source's own label; "other" when nothing fits."""
    if not raw or not raw.strip():
        return "other"
    if source_categories:
        if raw in source_categories and source_categories[raw] in TAXONOMY:
            return source_categories[raw]
        key = _norm(raw)
        for label, cat in source_categories.items():
            if cat in TAXONOMY and _norm(str(label)) == key:
                return cat
    key = _norm(raw)
    if key in BUILTIN:
        return BUILTIN[key]
    # "Actualités > Économie", "أخبار / رياضة": the most specific known part wins (last first).
    parts = key.split()
    for part in reversed(parts):
        if part in BUILTIN:
            return BUILTIN[part]
    return "other"


def _enrich(batch: Batch) -> Enrichment:
    """Each source's raw label in the taxonomy (a source's label maps the same way every time:
    each (source, label) pair is mapped once)."""
    category_of: dict[tuple, str] = {}
    category = []
    for source_id, raw in zip(batch.column("source_id"), batch.column("category_raw")):
        cat = category_of.get((source_id, raw))
        if cat is None:
            cat = category_of[(source_id, raw)] = map_category(raw, batch.categories.get(source_id))
        category.append(cat)
    by_category: dict[str, int] = {}
    for cat in category:
        by_category[cat] = by_category.get(cat, 0) + 1
    return Enrichment(columns={"category": category}, figures={"by_category": by_category})


ENRICHER = Enricher("category", order=30, run=_enrich)
