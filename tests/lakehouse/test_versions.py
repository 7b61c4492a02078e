"""Corpus versions: each published night is a snapshot that `akhbar versions` lists and that a
query `AT (VERSION => n)` reads later."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.versions import UnknownVersion, list_versions, resolve
from tests.lakehouse.helpers import Night, akhbar, article, publish

D1, D2 = dt.date(2026, 11, 26), dt.date(2026, 11, 27)


def night(day: dt.date, ids: list[str], lang: str = "ar") -> Night:
    return Night(day, [article(i, day, f"خبر رقم {i} عن تونس", lang) for i in ids])


@pytest.fixture
def published(catalog, tmp_path):
    """D1, then D2, then D1 again with other articles: three versions."""
    first = publish(catalog, night(D1, ["a1", "a2"]), tmp_path / "work", run_id="run-d1")
    second = publish(
        catalog,
        Night(D2, [article("b1", D2, "texte en français", "fr"), article("b2", D2, "خبر", "ar")]),
        tmp_path / "work",
        run_id="run-d2",
    )
    third = publish(catalog, night(D1, ["a1", "a3", "a4"]), tmp_path / "work", run_id="run-d1-again")
    return first, second, third


@pytest.mark.slow
def test_akhbar_versions_lists_each_published_night(catalog, data_dir, published):
    first, second, third = published
    proc = akhbar("versions", "--json", "--data-dir", data_dir)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert [(v["night"], v["snapshot_id"], v["articles"], v["run_id"], v["by_lang"]) for v in listed] == [
        (str(D1), first.snapshot_id, 2, "run-d1", {"ar": 2}),
        (str(D2), second.snapshot_id, 2, "run-d2", {"fr": 1, "ar": 1}),
        (str(D1), third.snapshot_id, 3, "run-d1-again", {"ar": 3}),
    ]
    table = akhbar("versions", "--data-dir", data_dir)
    assert table.returncode == 0, table.stderr
    assert "(3 published versions;" in table.stdout
    for v in published:
        assert f" {v.snapshot_id} " in table.stdout


@pytest.mark.slow
def test_a_query_at_an_earlier_version_returns_the_earlier_night(catalog, published):
    first, second, third = published
    with reader_session(catalog) as con:
        at = lambda v: con.execute(
            f"SELECT article_id FROM articles AT (VERSION => {v}) WHERE dt = ? ORDER BY 1", [D1]
        ).fetchall()
        assert at(first.snapshot_id) == [("a1",), ("a2",)]
        assert at(second.snapshot_id) == [("a1",), ("a2",)]
        assert at(third.snapshot_id) == [("a1",), ("a3",), ("a4",)]
        assert (
            con.execute(f"SELECT count(*) FROM articles AT (VERSION => {first.snapshot_id})").fetchone()[0]
            == 2
        )
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
        # The index of an earlier version answers for that version.
        old = con.execute(
            f"SELECT article_id FROM search_docs AT (VERSION => {first.snapshot_id}) ORDER BY 1"
        ).fetchall()
        assert old == [("a1",), ("a2",)]


@pytest.mark.slow
def test_as_of_resolves_nights_snapshots_and_latest(catalog, published):
    first, second, third = published
    with writer_session(catalog, "a snapshot that publishes nothing") as con:
        con.execute("INSERT INTO schema_changes VALUES (now(), 'x', NULL, 'note', 'test')")
        other = con.execute("SELECT id FROM akhbar.last_committed_snapshot()").fetchone()[0]
    with reader_session(catalog) as con:
        assert [v.snapshot_id for v in list_versions(con)] == [
            first.snapshot_id,
            second.snapshot_id,
            third.snapshot_id,
        ]
        assert resolve(con, str(D1)).snapshot_id == third.snapshot_id  # a night's latest publish
        assert resolve(con, str(D2)).snapshot_id == second.snapshot_id
        assert resolve(con, str(first.snapshot_id)).night == D1
        assert resolve(con, None).snapshot_id == resolve(con, "latest").snapshot_id == third.snapshot_id
        # A snapshot that published nothing stands for the corpus as of then.
        assert (resolve(con, str(other)).snapshot_id, resolve(con, str(other)).night) == (other, D1)
        for wrong, message in [
            ("2026-01-01", "no published version"),
            ("999999", "not in this catalog"),
            ("last week", "give a night"),
        ]:
            with pytest.raises(UnknownVersion, match=message):
                resolve(con, wrong)
