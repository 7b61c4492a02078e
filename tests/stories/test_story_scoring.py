"""Signals of akhbar's enrichment and the pair score."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from akhbar.schema import ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES
from akhbar.stories.scoring import PARAMS, StoryParams, linked, pair_scores
from akhbar.stories.signals import article_signals, pair_evidence

D = dt.date(2026, 3, 2)


def _signals():
    articles = pa.table(
        {
            "article_id": ["a", "b", "c", "d"],
            "lang": ["ar", "ar", "fr", "ar"],
            "source_id": ["s1", "s2", "s3", "s1"],
            "published_at": pa.array(
                [
                    dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
                    dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC),
                    None,
                    dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC),
                ],
                pa.timestamp("us", tz="UTC"),
            ),
            "dt": pa.array([D, D, D, D + dt.timedelta(days=3)], pa.date32()),
        }
    )
    places = pa.Table.from_pylist(
        [
            {
                "article_id": "a",
                "place_id": "tn-sfax",
                "name": "Sfax",
                "country_code": "TN",
                "place_type": "city",
                "mentions": 2,
                "dt": D,
            },
            {
                "article_id": "b",
                "place_id": "tn-sfax",
                "name": "Sfax",
                "country_code": "TN",
                "place_type": "city",
                "mentions": 1,
                "dt": D,
            },
            {
                "article_id": "d",
                "place_id": "eg-cairo",
                "name": "Cairo",
                "country_code": "EG",
                "place_type": "capital",
                "mentions": 1,
                "dt": D,
            },
        ],
        schema=ARTICLE_PLACES,
    )
    dates = pa.Table.from_pylist(
        [
            {
                "article_id": "a",
                "mention": "1 mars",
                "date": D,
                "granularity": "day",
                "calendar": "gregorian",
                "is_relative": False,
                "char_offset": 0,
                "dt": D,
            },
            {
                "article_id": "b",
                "mention": "اليوم",
                "date": D,
                "granularity": "day",
                "calendar": "gregorian",
                "is_relative": True,
                "char_offset": 0,
                "dt": D,
            },
        ],
        schema=ARTICLE_DATES,
    )
    keywords = pa.Table.from_pylist(
        [
            {"article_id": a, "keyword": k, "score": 1.0, "rank": r, "dt": D}
            for a, ks in (
                ("a", ["فيضانات", "صفاقس", "الحماية"]),
                ("b", ["مهرجان", "صفاقس"]),
                ("c", ["sfax"]),
                ("d", ["فيضانات"]),
            )
            for r, k in enumerate(ks, 1)
        ],
        schema=ARTICLE_KEYWORDS,
    )
    return article_signals(articles, places, dates, keywords)


def test_article_signals_keep_what_tells_events_apart():
    s = _signals()
    assert s.places[0] == {"tn-sfax"} and s.countries[3] == {"EG"} and s.places[2] == frozenset()
    assert s.days[0] == {D} and s.days[1] == frozenset()  # "today" repeats the publication day: not evidence
    assert s.hours[2] == s.hours[0] + 3  # unknown publication time: noon of its night


def test_pair_evidence():
    e = pair_evidence(_signals(), np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert e.shared_places.tolist() == [1, 0, 0]
    assert e.country_conflict.tolist() == [False, False, True]
    assert e.shared_keywords.tolist() == [1, 0, 1]  # across languages keywords are not compared
    assert e.same_lang.tolist() == [True, False, True]
    assert e.same_source.tolist() == [False, False, True]
    assert e.hours_apart.tolist() == [6.0, 3.0, 72.0]


def test_scores_add_evidence_and_penalise_time():
    e = pair_evidence(_signals(), np.array([0, 0, 0]), np.array([1, 2, 3]))
    cosine = np.array([0.6, 0.6, 0.6], dtype=np.float32)
    score = pair_scores(cosine, e)
    assert np.isclose(score[0], 0.6 + PARAMS.keyword_weight)
    assert np.isclose(score[1], 0.6 + PARAMS.cross_lingual_bonus)
    late = PARAMS.late_penalty * (72 - PARAMS.grace_hours) / 24
    assert np.isclose(score[2], 0.6 + PARAMS.keyword_weight - late - PARAMS.same_source_penalty)
    strict = StoryParams(threshold=0.69, max_hours_apart=48)
    assert linked(pair_scores(cosine, e, strict), e, strict).tolist() == [False, True, False]
