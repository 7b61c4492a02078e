import datetime as dt

import pyarrow as pa
import pytest

from akhbar.cleaning import search_key
from akhbar.enrichment import EnrichResult, enrich
from akhbar.hashing import stable_id
from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES, CLEANED_DOCUMENT

NOW = dt.datetime(2024, 7, 12, 8, 0, tzinfo=dt.UTC)


def _doc(i, title, text, url=None, cat=None):
    return {
        "record_id": f"r{i}",
        "source_id": "src",
        "url": url,
        "canonical_url": None,
        "title": title,
        "text": text,
        "authors": None,
        "category_raw": cat,
        "published_raw": None,
        "published_at": NOW,
        "date_source": "metadata",
        "fetched_at": NOW,
        "lang_hint": None,
        "tz_hint": None,
        "text_search": search_key(text),
        "content_hash": "h",
        "letter_ratio": 0.9,
        "repeated_line_ratio": 0.0,
        "is_fragment": False,
        "is_short": False,
        "is_mostly_nonletters": False,
        "is_repetitive": False,
    }


def _table():
    rows = [
        _doc(
            0,
            "صفاقس: افتتاح مستشفى",
            "افتتح وزير الصحة يوم 12 جويلية 2024 مستشفى جديدا بصفاقس. وحضر والي صفاقس.",
            url="https://x.tn/a",
            cat="وطنية",
        ),
        _doc(
            1,
            "Le ministre à Sousse",
            "Le ministre de la santé a visité Sousse le 3 mars 2024. Il a parlé.",
            cat="Santé",
        ),
        _doc(2, None, "12345 678", cat=None),
    ]
    return pa.Table.from_pylist(rows, schema=CLEANED_DOCUMENT)


def test_schemas_and_row_accounting():
    res = enrich(_table(), dt=dt.date(2024, 7, 13), categories={"src": {"Santé": "health"}})
    assert isinstance(res, EnrichResult)
    assert res.articles.schema == ARTICLE
    assert res.places.schema == ARTICLE_PLACES
    assert res.dates.schema == ARTICLE_DATES
    assert res.keywords.schema == ARTICLE_KEYWORDS
    assert res.counts.stage == "enrich"
    assert res.counts.records_in == res.counts.records_out == res.articles.num_rows == 3
    a = res.articles.to_pylist()
    # One id per record and night: the same record on another night gets another id.
    assert a[0]["article_id"] == stable_id("r0", "2024-07-13")
    assert a[1]["article_id"] == stable_id("r1", "2024-07-13")
    other_night = enrich(_table(), dt=dt.date(2024, 7, 14)).articles.column("article_id").to_pylist()
    assert len(set(other_night) | {r["article_id"] for r in a}) == 6
    assert [r["lang"] for r in a] == ["ar", "fr", "und"]
    assert a[0]["title_lang"] == "ar" and a[2]["title_lang"] is None
    assert [r["category"] for r in a] == ["national", "health", "other"]
    assert [r["main_country"] for r in a] == ["TN", "TN", None]
    assert all(r["dt"] == dt.date(2024, 7, 13) for r in a)
    assert all(r["cluster_id"] is None and r["duplicate_of"] is None for r in a)
    assert a[0]["n_sentences"] == 2 and a[0]["n_words"] > 5
    places = res.places.to_pylist()
    sfax = [p for p in places if p["place_id"] == "TN-sfax"]
    assert sfax and sfax[0]["mentions"] == 3  # title + بصفاقس + والي صفاقس
    kw_ids = {k["article_id"] for k in res.keywords.to_pylist()}
    assert a[0]["article_id"] in kw_ids and a[2]["article_id"] not in kw_ids
    assert res.counts.extra["place_rows"] == res.places.num_rows


def test_date_mentions():
    pytest.importorskip("akhbar.dates")
    res = enrich(_table(), dt=dt.date(2024, 7, 13))
    dates = res.dates.to_pylist()
    assert any(d["date"] == dt.date(2024, 7, 12) for d in dates)
    assert any(d["date"] == dt.date(2024, 3, 3) for d in dates)


def test_empty_input():
    res = enrich(CLEANED_DOCUMENT.empty_table(), dt=dt.date(2024, 7, 13))
    assert res.articles.num_rows == 0 and res.articles.schema == ARTICLE
