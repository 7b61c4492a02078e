"""Nights of news written for these tests (Arabic, French, English), run through akhbar's own
cleaning and enrichment, as the pipeline hands them to the stories stage."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from akhbar.cleaning import clean_documents
from akhbar.enrichment import enrich
from akhbar.schema import DOCUMENT

N1, N2, N3, N4 = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4), dt.date(2026, 3, 6)

# (key, night, hour UTC, source, lang, title, text). Written for the project: fictional events.
ARTICLES = [
    (
        "flood-ar",
        N1,
        20,
        "tunis-akhbar",
        "ar",
        "فيضانات في صفاقس تغمر الأحياء وتعطل حركة المرور",
        (
            "غمرت مياه الأمطار الغزيرة التي تهاطلت ليلة الأحد عدة أحياء في مدينة صفاقس وتسببت في تعطل حركة المرور. "
            "وتدخلت وحدات الحماية المدنية لإجلاء عائلات حاصرتها المياه في منازلها، فيما أعلنت السلطات الجهوية تعليق "
            "الدروس في المدارس يوم الاثنين. وقال مسؤول في الحماية المدنية إن منسوب المياه بلغ مترا في بعض الشوارع."
        ),
    ),
    (
        "festival-ar",
        N1,
        15,
        "sfax-news",
        "ar",
        "افتتاح مهرجان الزيتون في صفاقس بمشاركة عشرين فرقة",
        (
            "افتتحت مساء الأحد في صفاقس الدورة الجديدة لمهرجان الزيتون بمشاركة عشرين فرقة موسيقية ومسرحية من تونس "
            "والجزائر والمغرب. ويتضمن برنامج المهرجان معرضا للمنتوجات التقليدية وورشات للأطفال وسهرات فنية تتواصل "
            "أسبوعا كاملا في المسرح البلدي وساحة القصبة."
        ),
    ),
    (
        "flood-fr",
        N2,
        7,
        "courrier-maghreb",
        "fr",
        "Sfax : les inondations paralysent la ville, la protection civile évacue des familles",
        (
            "Les pluies torrentielles tombées dans la nuit de dimanche ont inondé plusieurs quartiers de Sfax et "
            "paralysé la circulation. La protection civile a évacué des familles piégées par les eaux dans leurs "
            "maisons et les autorités régionales ont suspendu les cours dans les écoles lundi."
        ),
    ),
    (
        "flood-en",
        N2,
        11,
        "harbour-gazette",
        "en",
        "Floods in Tunisia's Sfax force families from their homes",
        (
            "Torrential rain overnight on Sunday flooded several neighbourhoods of Sfax, Tunisia's second city, and "
            "brought traffic to a halt. Civil protection teams evacuated families trapped by the water in their "
            "homes and regional authorities suspended classes in schools on Monday."
        ),
    ),
    (
        "rate-ar",
        N2,
        14,
        "tunis-akhbar",
        "ar",
        "البنك المركزي التونسي يرفع نسبة الفائدة المديرية",
        (
            "قرر مجلس إدارة البنك المركزي التونسي في اجتماعه الدوري رفع نسبة الفائدة المديرية بخمسين نقطة أساسية "
            "لمواجهة ارتفاع نسبة التضخم. وأوضح البنك في بيان أن القرار يهدف إلى الحفاظ على القدرة الشرائية."
        ),
    ),
    (
        "flood-toll-ar",
        N3,
        10,
        "sfax-news",
        "ar",
        "ارتفاع حصيلة فيضانات صفاقس إلى ثلاثة قتلى",
        (
            "ارتفعت حصيلة ضحايا الفيضانات التي شهدتها مدينة صفاقس إلى ثلاثة قتلى بعد العثور على جثة رجل جرفته "
            "المياه. وتواصل وحدات الحماية المدنية عمليات شفط المياه من الأحياء المتضررة وإجلاء العائلات."
        ),
    ),
    (
        "rate-fr",
        N3,
        9,
        "courrier-maghreb",
        "fr",
        "La Banque centrale de Tunisie relève son taux directeur",
        (
            "Le conseil d'administration de la Banque centrale de Tunisie a décidé de relever son taux directeur de "
            "cinquante points de base pour faire face à la hausse de l'inflation, afin de préserver le pouvoir d'achat."
        ),
    ),
    (
        "flood-toll-en",
        N4,
        7,
        "harbour-gazette",
        "en",
        "Sfax flood death toll rises to three as civil protection pumps water",
        (
            "The death toll from the floods in the Tunisian city of Sfax has risen to three after the body of a man "
            "swept away by the water was found. Civil protection teams are pumping water out of the flooded "
            "neighbourhoods and evacuating families."
        ),
    ),
]
NIGHTS = (N1, N2, N3, N4)

# The rate decision's consequences, one to the next: the banks raise their loan rates (Wednesday, linked
# to the French report of the decision), households put off buying homes (linked to the loan rates), and
# on Friday the property developers ask for a housing aid programme (linked to the households only). One
# affair; the developers' request drifts from the line of reports that led to it (the households, the
# loan rates, the decision in French and in Arabic) and starts a story of its own, but only once
# Monday's Arabic report of the decision is there: without it the line is short and recent enough.
DRIFT = [
    (
        "rate-loans-fr",
        N3,
        15,
        "tunis-eco",
        "fr",
        "Les banques tunisiennes relèvent les taux des crédits après la hausse du taux directeur",
        (
            "Plusieurs banques tunisiennes ont annoncé une hausse des taux de leurs crédits à la consommation et "
            "immobiliers, après la décision de la Banque centrale de relever son taux directeur. Les ménages "
            "endettés verront leurs mensualités augmenter."
        ),
    ),
    (
        "housing-en",
        N3,
        20,
        "harbour-gazette",
        "en",
        "Tunisian households put off buying homes as loans grow costlier",
        (
            "Tunisian families are putting off plans to buy a flat or a house this spring as bank loans cost "
            "more. Estate agents in Tunis and Sfax report fewer sales and longer waits, and property developers "
            "are offering discounts and payment plans to attract buyers."
        ),
    ),
    (
        "housing-ar",
        N3,
        22,
        "sfax-news",
        "ar",
        "الأسر التونسية تؤجل شراء المساكن مع غلاء القروض",
        (
            "تؤجل الأسر التونسية مشاريع شراء شقة أو منزل هذا الربيع بعد أن أصبحت القروض البنكية أغلى. ويقول "
            "وكلاء عقاريون في تونس وصفاقس إن المبيعات تراجعت وإن الانتظار طال، فيما يعرض الباعثون العقاريون "
            "تخفيضات وتسهيلات في الدفع لجذب المشترين."
        ),
    ),
    (
        "developers-fr",
        N4,
        3,
        "courrier-maghreb",
        "fr",
        "Les promoteurs immobiliers tunisiens réclament un programme d'aide au logement face au recul des ventes",
        (
            "Les promoteurs immobiliers tunisiens demandent au gouvernement un programme d'aide aux familles qui "
            "veulent acheter un appartement ou une maison, les ventes ayant reculé ce printemps à Tunis et à Sfax. "
            "Ils proposent des remises et des facilités de paiement aux acheteurs."
        ),
    ),
]


def document_row(key: str, source: str, lang: str, title: str, text: str, at: dt.datetime) -> dict:
    """A DOCUMENT row of a feed article published (and fetched) at ``at``."""
    return {
        "record_id": key,
        "source_id": source,
        "url": f"https://{source}.example/{key}",
        "canonical_url": None,
        "title": title,
        "text": text,
        "authors": None,
        "category_raw": None,
        "published_raw": at.isoformat(),
        "published_at": at,
        "date_source": "feed",
        "fetched_at": at,
        "lang_hint": lang,
        "tz_hint": "UTC",
    }


def _documents(night: dt.date, articles: list = ARTICLES) -> pa.Table:
    rows = [
        document_row(key, source, lang, title, text, dt.datetime.combine(n, dt.time(hour), tzinfo=dt.UTC))
        for key, n, hour, source, lang, title, text in articles
        if n == night
    ]
    return pa.Table.from_pylist(rows, schema=DOCUMENT)


def _enriched(articles: list) -> dict:
    out = {}
    for night in NIGHTS:
        cleaned, quarantine, _counts = clean_documents(_documents(night, articles), dt=night)
        assert quarantine.num_rows == 0, quarantine.column("reason").to_pylist()
        out[night] = enrich(cleaned, dt=night)
    return out


@pytest.fixture(scope="session")
def enriched_nights() -> dict:
    """night -> EnrichResult of that night's articles (article ids as the pipeline makes them)."""
    return _enriched(ARTICLES)


@pytest.fixture(scope="session")
def affair_nights() -> dict:
    """The same nights with the DRIFT articles: an affair of two stories."""
    return _enriched(ARTICLES + DRIFT)


@pytest.fixture(scope="session")
def key_of() -> dict:
    """article_id -> the key of ARTICLES and DRIFT above (no fixture needed: other packages' tests
    import this one alone)."""
    return {
        a: r
        for e in _enriched(ARTICLES + DRIFT).values()
        for a, r in zip(
            e.articles.column("article_id").to_pylist(), e.articles.column("record_id").to_pylist()
        )
    }
