"""The frames of the child tables of articles are built by table name from the registry
(schema.ARTICLE_CHILD_TABLES) and the suites that name them: the columns a frame holds are those its
suites' checks read, computed ones declared by the suite (``derived``)."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest

from akhbar import schema as S
from akhbar.quality import frames, suites, synthetic

DT = datetime.date(2026, 11, 20)


def _build(night: dict, **children: pa.Table) -> frames.Frames:
    return frames.build(
        dt=DT,
        articles=night["articles"],
        raw_count=night["raw_count"],
        quarantine=night["quarantine"],
        history=None,
        raw=night["raw"],
        **children,
    )


def test_the_child_frames_hold_what_their_suites_read():
    night = synthetic.night(40, DT, seed=3)
    built = _build(night, **{k: night[k] for k in ("places", "dates", "keywords")})
    assert list(built.frames["places"].columns) == [
        "article_id",
        "article_id_found",
        "place_id",
        "country_code",
    ]
    assert list(built.frames["dates"].columns) == ["article_id", "article_id_found", "char_offset", "year"]
    years = [d.year for d in night["dates"].column("date").to_pylist()]
    assert built.frames["dates"]["year"].tolist() == years
    assert built.row_keys["keywords"] == "article_id"
    tables = set(built.frames["schema"]["table"])
    assert tables == {"raw_records", "articles", "quarantine", *S.ARTICLE_CHILD_TABLES}


def test_a_child_table_passed_without_one_is_left_out_and_an_unknown_frame_refused():
    night = synthetic.night(40, DT, seed=3)
    built = _build(night, places=night["places"])
    assert "places" in built.frames and "dates" not in built.frames and "dates" not in built.row_keys
    with pytest.raises(ValueError, match=r"no child table of articles has the frame \['moods'\]"):
        _build(night, moods=night["places"])


def test_a_registered_child_table_gets_the_frame_its_suite_reads(monkeypatch):
    schema = pa.schema(
        [
            pa.field("article_id", pa.string(), nullable=False),
            pa.field("mark", pa.string(), nullable=False),
            pa.field("seen_on", pa.date32(), nullable=False),
            pa.field("dt", pa.date32(), nullable=False),
        ]
    )
    monkeypatch.setitem(S.ARTICLE_CHILD_TABLES, "article_marks", schema)
    suite = suites.Suite(
        "article_marks",
        "marks",
        (
            suites._found("article_id", "this night"),
            suites._not_null("mark"),
            suites._not_null("month"),
        ),
        derived=(suites.Derived("month", "month", "seen_on"),),
    )
    monkeypatch.setattr(suites, "SUITES", (*suites.SUITES, suite))
    night = synthetic.night(40, DT, seed=3)
    ids = night["articles"].column("article_id").to_pylist()
    rows = pa.table(
        {
            "article_id": [ids[0], "not-tonight"],
            "mark": ["!", "?"],
            "seen_on": [datetime.date(2026, 3, 1), datetime.date(2026, 11, 2)],
            "dt": [DT, DT],
        },
        schema=schema,
    )
    frame = _build(night, marks=rows).frames["marks"]
    assert frame.to_dict("list") == {
        "article_id": [ids[0], "not-tonight"],
        "article_id_found": [True, False],
        "mark": ["!", "?"],
        "month": [3, 11],
    }
    broken = suites.Suite("article_marks", "marks", (suites._not_null("colour"),))
    monkeypatch.setattr(suites, "SUITES", (*suites.SUITES, broken))
    with pytest.raises(ValueError, match="reads the column 'colour'.*derived"):
        _build(night, marks=rows)
