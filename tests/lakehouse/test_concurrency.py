"""Readers and writers at the same time, in different processes: a reader's open transaction keeps
its snapshot while a publish commits; two publishes at once end as if one came after the other."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from akhbar.lakehouse.session import reader_session
from tests.conftest import ROOT
from tests.lakehouse.helpers import (
    Night,
    article,
    demotion,
    dump,
    keyword,
    place,
    publish,
    settings_for,
    stage,
)
from tests.lakehouse.publisher import child_env, command

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)


def base() -> Night:
    return Night(
        D1,
        [article("a1", D1, "انسحاب القوات من العراق"), article("a2", D1, "أمطار في تونس")],
        places=[place("a1", D1, "IQ", "Iraq")],
    )


def night_x() -> Night:
    """D2: keeps `late`, which D3 (published before or after) names as a duplicate."""
    return Night(
        D2,
        [article("late", D2, "الانتخابات البلدية في تونس"), article("b2", D2, "élections", "fr")],
        places=[place("late", D2)],
        keywords=[keyword("late", D2, "الانتخابات")],
    )


def night_y() -> Night:
    return Night(
        D3,
        [article("head", D3, "الانتخابات البلدية في تونس غدا"), article("c2", D3, "storm", "en")],
        demoted=[demotion("late", D2, "head")],
    )


def save(staged, path):
    staged.save(path)
    return path


def start(*args: str, wait: bool = False) -> subprocess.Popen:
    proc = subprocess.Popen(
        command(*args, *(["--wait"] if wait else [])),
        cwd=ROOT,
        env=child_env(),
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    line = proc.stdout.readline().strip()
    assert line == "ready", line + proc.stderr.read()
    return proc


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-4000:]
    return json.loads(out.strip().split("done ", 1)[1])


OBSERVE = """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE dt = ?),
                    (SELECT count(*) FROM search_docs WHERE dt = ?), (SELECT max(snapshot_id) FROM akhbar.snapshots())"""


@pytest.mark.slow
def test_a_reader_keeps_its_snapshot_while_a_publish_commits_in_another_process(catalog, data_dir, tmp_path):
    publish(catalog, base(), tmp_path / "work")
    staged = save(stage(catalog, night_x(), tmp_path / "work"), tmp_path / "x.json")
    with reader_session(catalog) as con:
        con.execute("BEGIN TRANSACTION")
        before = con.execute(OBSERVE, [D2, D2]).fetchone()
        hits_before = con.execute("SELECT article_id FROM search_articles('الانتخابات')").fetchall()
        assert before[:3] == (2, 0, 0) and hits_before == []
        # The publish runs and commits while this transaction is open: it neither waits nor fails.
        figures = finish(start("publish", data_dir, staged))
        assert figures["articles"] == 2
        assert con.execute(OBSERVE, [D2, D2]).fetchone() == before
        assert con.execute("SELECT article_id FROM search_articles('الانتخابات')").fetchall() == hits_before
        assert con.execute("SELECT count(*) FROM article_places").fetchone()[0] == 1
        con.execute("COMMIT")
        # A new transaction sees the new night, whole.
        after = con.execute(OBSERVE, [D2, D2]).fetchone()
        assert after[:3] == (4, 2, 2) and after[3] == figures["snapshot_id"]
        assert con.execute("SELECT article_id FROM search_articles('الانتخابات')").fetchall() == [("late",)]
        assert con.execute("SELECT count(*) FROM article_places").fetchone()[0] == 2


def sequential(tmp_path, order: tuple[str, ...]) -> dict:
    settings = settings_for(tmp_path / ("seq-" + "".join(order)))
    publish(settings, base(), tmp_path / "work")
    nights = {"x": night_x, "y": night_y}
    for name in order:
        publish(settings, nights[name](), tmp_path / "work")
    return dump(settings)


@pytest.mark.slow
def test_two_nights_published_at_once_end_as_one_after_the_other(tmp_path):
    # The two orders differ: published after D2, D3 demotes `late`; published before, D2's publish
    # brings `late` back as an article. A mix of the two would be neither.
    expected = {"x then y": sequential(tmp_path, ("x", "y")), "y then x": sequential(tmp_path, ("y", "x"))}
    assert expected["x then y"] != expected["y then x"]
    seen = []
    for attempt in range(3):
        data_dir = tmp_path / f"race-{attempt}"
        settings = settings_for(data_dir)
        publish(settings, base(), tmp_path / "work")
        x = save(stage(settings, night_x(), tmp_path / "work"), tmp_path / f"x-{attempt}.json")
        y = save(stage(settings, night_y(), tmp_path / "work"), tmp_path / f"y-{attempt}.json")
        children = [start("publish", data_dir, x, wait=True), start("publish", data_dir, y, wait=True)]
        for child in children[:: 1 if attempt % 2 else -1]:  # both are waiting: release them together
            child.stdin.write("go\n")
            child.stdin.flush()
        figures = [finish(child) for child in children]
        got = dump(settings)
        matches = [name for name, state in expected.items() if got == state]
        assert len(matches) == 1, f"attempt {attempt}: the catalog is neither order"
        first = "x then y" if figures[0]["snapshot_id"] < figures[1]["snapshot_id"] else "y then x"
        assert matches == [first]  # and the order is the order of their commits
        seen.append(first)
        with reader_session(settings) as con:
            assert (
                con.execute("SELECT count(*) - count(DISTINCT article_id) FROM articles").fetchone()[0] == 0
            )
    assert seen


@pytest.mark.slow
def test_the_same_night_published_twice_at_once_is_there_once(catalog, data_dir, tmp_path):
    publish(catalog, base(), tmp_path / "work")
    one = save(stage(catalog, night_x(), tmp_path / "work"), tmp_path / "x1.json")
    two = save(stage(catalog, night_x(), tmp_path / "work"), tmp_path / "x2.json")
    children = [start("publish", data_dir, one, wait=True), start("publish", data_dir, two, wait=True)]
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        finish(child)
    reference = settings_for(tmp_path / "reference")
    publish(reference, base(), tmp_path / "work")
    publish(reference, night_x(), tmp_path / "work")
    assert dump(catalog) == dump(reference)
