"""Enrichers behind one protocol: found by scanning the package, run in order, their columns and
child rows checked against the schema."""

import datetime as dt

import pytest

from akhbar.enrichment import enrich, enrichers
from akhbar.enrichment.protocol import Batch, Enricher, Enrichment
from tests.enrichment.test_enrich import _table

NIGHT = dt.date(2024, 7, 13)


def test_the_package_enrichers_are_found_in_their_order():
    assert [e.name for e in enrichers()] == [
        "language",
        "counts",
        "category",
        "places",
        "date mentions",
        "keywords",
    ]


def _exclamations(batch: Batch) -> Enrichment:
    # A toy categoriser that reads an earlier enricher's column: "loud" French texts, the rest "quiet".
    langs = batch.column("lang")
    return Enrichment(
        columns={"category": ["loud" if lang == "fr" else "quiet" for lang in langs]},
        children={
            "article_places": {
                "article_id": batch.article_ids[:1],
                "place_id": ["toy"],
                "name": ["Toy"],
                "country_code": ["TN"],
                "place_type": ["city"],
                "mentions": [7],
            }
        },
        figures={"toy_rows": 1},
    )


def test_a_toy_enricher_goes_through_the_protocol_end_to_end():
    toy = Enricher("toy", order=35, run=_exclamations)
    res = enrich(_table(), dt=NIGHT, only=[*[e for e in enrichers() if e.name != "category"], toy])
    assert res.articles.column("category").to_pylist() == ["quiet", "loud", "quiet"]
    toy_places = res.places.filter([p == "toy" for p in res.places.column("place_id").to_pylist()])
    assert toy_places.column("mentions").to_pylist() == [7]
    assert toy_places.column("dt").to_pylist() == [NIGHT]
    assert res.counts.extra["toy_rows"] == 1 and "by_lang" in res.counts.extra
    # the other enrichers ran as usual
    assert res.articles.column("lang").to_pylist()[:2] == ["ar", "fr"] and res.dates.num_rows >= 2


def test_an_enricher_column_outside_the_contract_is_refused_by_name():
    toy = Enricher("toy", order=99, run=lambda b: Enrichment(columns={"loudness": [1] * b.size}))
    with pytest.raises(ValueError, match="'toy' made the column 'loudness'.*schema.ARTICLE"):
        enrich(_table(), dt=NIGHT, only=[toy])


def test_an_enricher_with_a_value_missing_is_refused():
    toy = Enricher("toy", order=99, run=lambda b: Enrichment(columns={"category": ["x"]}))
    with pytest.raises(ValueError, match="made 1 values of 'category' for 3 articles"):
        enrich(_table(), dt=NIGHT, only=[toy])


def test_only_the_chosen_enrichers_run():
    res = enrich(_table(), dt=NIGHT, only=[e for e in enrichers() if e.name == "language"])
    assert res.articles.column("lang").to_pylist()[:2] == ["ar", "fr"]
    assert res.articles.column("category").null_count == 3 and res.places.num_rows == 0
