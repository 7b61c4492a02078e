"""Crash safety: the publish of a night and the catalog's maintenance are killed (SIGKILL) at random
moments in a child process. The catalog then holds the old state or the new one (every table),
never a part of the new one; a reader polling meanwhile only ever sees one of the two; a rerun
completes and no row is doubled. No production code has a test hook: the kill moments are drawn
at random within the duration of an unkilled run measured here.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from akhbar.lakehouse.session import reader_session
from tests.conftest import ROOT
from tests.lakehouse.helpers import (
    demotion,
    dump,
    publish,
    settings_for,
    stage,
    tagged_night,
)
from tests.lakehouse.publisher import child_env, command

pytestmark = pytest.mark.slow

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
ATTEMPTS = 6


def run_child(args: list, kill_after: float | None) -> tuple[bool, float]:
    """Run a writer child; SIGKILL it ``kill_after`` seconds after it is ready. Returns (finished,
    seconds from ready to exit)."""
    proc = subprocess.Popen(
        command(*args), cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    ready = proc.stdout.readline().strip()
    assert ready == "ready", ready + proc.stderr.read()
    started = time.perf_counter()
    if kill_after is None:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-4000:]
        return True, time.perf_counter() - started
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    return "done" in out, time.perf_counter() - started


class Reader(threading.Thread):
    """Reads one consistent observation per statement in a loop until stopped; records what it saw
    and every error (a reader is never refused nor blocked by the writer)."""

    def __init__(self, settings, sql: str, params: list):
        super().__init__(daemon=True)
        self.settings, self.sql, self.params = settings, sql, params
        self.seen, self.errors = [], []
        self.stop = threading.Event()

    def run(self):
        try:
            with reader_session(self.settings) as con:
                while not self.stop.is_set():
                    try:
                        self.seen.append(con.execute(self.sql, self.params).fetchone())
                    except Exception as exc:
                        self.errors.append(repr(exc))
                        time.sleep(0.01)
        except Exception as exc:
            self.errors.append(repr(exc))

    def finish(self):
        self.stop.set()
        self.join(timeout=120)
        assert not self.is_alive()


def restore(pristine: Path, data_dir: Path) -> None:
    """Put the data dir back as it was, at the same path (the catalog stores absolute paths)."""
    shutil.rmtree(data_dir)
    shutil.copytree(pristine, data_dir)


def kill_moments(duration: float, seed: int) -> list[float]:
    """The first kill as soon as the child is ready (so at least one run is surely cut short on any
    machine); the others spread over a whole unkilled run (stratified, jittered)."""
    rng = random.Random(seed)
    return [0.0] + [(i + rng.random()) / ATTEMPTS * duration for i in range(1, ATTEMPTS)]


def no_row_twice(settings) -> None:
    with reader_session(settings) as con:
        for table, key in [
            ("articles", "article_id"),
            ("duplicates", "article_id"),
            ("search_docs", "docid"),
            ("quarantine", "dt, record_id"),
            ("article_keywords", "article_id, keyword"),
        ]:
            assert (
                con.execute(f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}").fetchone()[0] == 0
            ), table
        # Every file the catalog refers to is there.
        for table in ("articles", "duplicates", "search_postings", "search_docs", "article_places"):
            for path, *_ in con.execute(
                "SELECT data_file FROM ducklake_list_files('akhbar', ?)", [table]
            ).fetchall():
                assert Path(path).exists(), path


# One statement: one snapshot.
PUBLISH_OBSERVATION = """
    SELECT (SELECT count(*) FROM articles WHERE dt = ?), (SELECT min(left(article_id, 3)) FROM articles WHERE dt = ?),
           (SELECT count(*) FROM search_docs WHERE dt = ?), (SELECT count(*) FROM article_keywords WHERE dt = ?),
           (SELECT count(*) FROM duplicates WHERE dt = ?), (SELECT count(*) FROM search_articles('new'))"""


def test_a_publish_killed_at_random_moments_leaves_the_old_or_the_new_night(tmp_path):
    data_dir, pristine = tmp_path / "data", tmp_path / "pristine"
    settings = settings_for(data_dir)
    publish(settings, tagged_night(D1, "old", 40), tmp_path / "work")
    publish(settings, tagged_night(D2, "two", 20), tmp_path / "work")
    # The new version of D1 replaces every one of its rows and demotes one article of D2.
    staged = stage(
        settings,
        tagged_night(D1, "new", 60, demoted=[demotion("two-27-0003", D2, "new-26-0000")]),
        tmp_path / "work",
    )
    manifest = tmp_path / "staged.json"
    staged.save(manifest)
    old = dump(settings)
    shutil.copytree(data_dir, pristine)
    args = ["publish", data_dir, manifest]
    params = [D1, D1, D1, D1, D2]

    finished, duration = run_child(args, None)
    new = dump(settings)
    assert new != old
    no_row_twice(settings)
    with reader_session(settings) as con:
        new_seen = con.execute(PUBLISH_OBSERVATION, params).fetchone()
    restore(pristine, data_dir)
    with reader_session(settings) as con:
        old_seen = con.execute(PUBLISH_OBSERVATION, params).fetchone()
    assert old_seen == (40, "old", 40, 40, 1, 0) and new_seen == (60, "new", 60, 60, 2, 60)

    outcomes = []
    for attempt, moment in enumerate(kill_moments(duration, seed=42)):
        restore(pristine, data_dir)
        reader = Reader(settings, PUBLISH_OBSERVATION, params)
        reader.start()
        time.sleep(0.3)  # the reader is reading before the writer starts
        finished, _ = run_child(args, moment)
        time.sleep(0.2)
        reader.finish()
        assert reader.errors == [], reader.errors
        assert reader.seen and set(reader.seen) <= {old_seen, new_seen}, set(reader.seen)
        state = dump(settings)
        assert state in (old, new), f"attempt {attempt} (killed after {moment:.2f} s): neither old nor new"
        outcomes.append("new" if state == new else "old")
        if finished:
            assert state == new
        # The rerun of the same staged night (a retried publish task) completes with the new night.
        run_child(args, None)
        assert dump(settings) == new, f"attempt {attempt}: the rerun did not give the new night"
        no_row_twice(settings)
    assert "old" in outcomes, outcomes  # at least one kill came before the commit
    # Published again on top of itself (a publish task retried after its commit): still the new night.
    run_child(args, None)
    assert dump(settings) == new
    no_row_twice(settings)


MAINTENANCE_OBSERVATION = """
    SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), (SELECT count(*) FROM search_postings),
           (SELECT count(*) FROM article_keywords), (SELECT count(*) FROM search_articles('الانتخابات'))"""


def test_maintenance_killed_at_random_moments_changes_no_row_and_a_rerun_completes(tmp_path):
    data_dir, pristine = tmp_path / "data", tmp_path / "pristine"
    settings = settings_for(data_dir)
    # Work for every step: small files to merge, reruns whose files are no longer referenced,
    # snapshots to expire, a staged night that was never published.
    for n, (day, tag) in enumerate([(D1, "a"), (D2, "b"), (D3, "c"), (D1, "d"), (D2, "e"), (D1, "f")]):
        publish(settings, tagged_night(day, tag, 15 + n), tmp_path / "work")
    stage(settings, tagged_night(D3, "unpublished", 5), tmp_path / "work")
    content = dump(settings)
    shutil.copytree(data_dir, pristine)
    args = ["maintain", data_dir, 0, 0]

    _, duration = run_child(args, None)
    assert dump(settings) == content
    no_row_twice(settings)
    with reader_session(settings) as con:
        seen_after = con.execute(MAINTENANCE_OBSERVATION).fetchone()
        snapshots_after = con.execute("SELECT count(*) FROM akhbar.snapshots()").fetchone()[0]
    assert snapshots_after <= 2
    assert not any("unpublished" in str(p) for p in (data_dir / "lakehouse").rglob("*.parquet"))

    finished_any, killed_any = False, False
    for attempt, moment in enumerate(kill_moments(duration, seed=7)):
        restore(pristine, data_dir)
        finished, _ = run_child(args, moment)
        finished_any |= finished
        killed_any |= not finished
        assert dump(settings) == content, f"attempt {attempt} (killed after {moment:.2f} s): rows changed"
        no_row_twice(settings)
        run_child(args, None)  # the rerun completes the upkeep
        assert dump(settings) == content
        no_row_twice(settings)
        with reader_session(settings) as con:
            assert con.execute(MAINTENANCE_OBSERVATION).fetchone() == seen_after
            assert con.execute("SELECT count(*) FROM akhbar.snapshots()").fetchone()[0] <= snapshots_after + 1
    assert killed_any, "no kill came before the end of the upkeep"
