"""Crash safety: the writer is killed (SIGKILL) during a lake write and during a warehouse load,
at random moments over several attempts, while a reader keeps reading. Readers must see the old
state or the new one, never a part of the new one and never an error; a rerun must complete.

DuckDB allows one writer process per file and a read-only open fails with "Could not set lock on
file" while the writer holds it: the warehouse reader counts those refusals and retries (that is
how readers of the warehouse behave), any other error fails the test. No production code has a
test hook: the kill moments are drawn at random within the duration of an unkilled run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from akhbar import lake, warehouse
from akhbar.schema import ARTICLE
from tests.conftest import ROOT

DAY = dt.date(2026, 11, 28)
ATTEMPTS = 6
WORDS = ("الحكومة العراقية تعلن الميزانية الجديدة أمس في بغداد والوزراء يناقشون الإصلاحات الاقتصادية "
         "تونس القاهرة الانتخابات البرلمان المدارس المستشفيات").split()


def make_articles(n: int, day: dt.date, tag: str, words_per_text: int = 40) -> pa.Table:
    """n valid ARTICLE rows; every text carries the word ``tag`` (to tell the versions apart)."""
    rng = random.Random(n)
    ids = [f"{tag}-{i:07d}" for i in range(n)]
    texts = [f"{tag} " + " ".join(rng.choice(WORDS) for _ in range(words_per_text)) for _ in range(n)]
    fetched = dt.datetime.combine(day, dt.time(3), dt.timezone.utc)
    return pa.table(
        {
            "article_id": ids, "record_id": ["r" + i for i in ids], "source_id": ["s1"] * n,
            "title": [f"{tag} {i}" for i in range(n)], "text": texts, "text_search": texts, "lang": ["ar"] * n,
            "fetched_at": pa.array([fetched] * n, ARTICLE.field("fetched_at").type),
            "dt": pa.array([day] * n, pa.date32()), "content_hash": ["h" + i for i in ids],
        }
    )


CHILD = """
import datetime as dt, sys
from akhbar import lake, warehouse
from tests.test_crash_safety import make_articles
what, root, n, day = sys.argv[1], sys.argv[2], int(sys.argv[3]), dt.date.fromisoformat(sys.argv[4])
if what == "lake":
    table = make_articles(n, day, "new")
    print("ready", flush=True)
    lake.write_partition(root, "articles", day, table)
else:
    print("ready", flush=True)
    warehouse.load_night(sys.argv[5], lake_root=root, dt=day)
print("done", flush=True)
"""


def start_child(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "include")])}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def run_and_maybe_kill(args: list[str], kill_after: float | None) -> bool:
    """Run the writer; SIGKILL it ``kill_after`` seconds after it is ready. True if it finished."""
    proc = start_child(*args)
    if kill_after is None:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
        return True
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    return "done" in out


class Reader(threading.Thread):
    """Reads in a loop until stopped; records what it saw and every error."""

    def __init__(self, read):
        super().__init__(daemon=True)
        self.read, self.seen, self.errors, self.refused = read, [], [], 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.seen.append(self.read())
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    self.errors.append(repr(exc))
                self.refused += 1  # the writer holds the file: retry
                time.sleep(0.005)
            except Exception as exc:  # noqa: BLE001 - everything else is a failure of the test
                self.errors.append(repr(exc))

    def finish(self):
        self.stop.set()
        self.join(timeout=120)
        assert not self.is_alive()


def test_lake_write_killed_leaves_old_or_new_partition_and_rerun_completes(tmp_path):
    root = tmp_path / "lake"
    n_old, n_new = 1_000, 200_000
    old = make_articles(n_old, DAY, "old")
    final = Path(lake.partition_path(root, "articles", DAY))
    args = ["lake", str(root), str(n_new), DAY.isoformat()]

    def version(ids: pa.ChunkedArray) -> tuple[int, str]:
        tags = {ids[0].as_py().split("-")[0], ids[-1].as_py().split("-")[0]}
        assert len(tags) == 1, tags  # never a mix of the two versions
        return len(ids), tags.pop()

    def read():
        # Both ways readers use the lake: the night's file, and the whole table as a dataset
        # (two reads: each may see either version). A reader opens the file once (as
        # lake.read_partition does): pq.read_table(path) opens it twice, footer then pages, and
        # could pair the old footer with the new pages across the swap.
        one = version(lake.read_partition(root, "articles", DAY).column("article_id"))
        every = version(lake.dataset(root, "articles").to_table(columns=["article_id"]).column("article_id"))
        return one, every

    # An unkilled run: how long the write takes here (only used to draw kill moments).
    lake.write_partition(root, "articles", DAY, old)
    t0 = time.perf_counter()
    run_and_maybe_kill(args, None)
    duration = time.perf_counter() - t0
    assert lake.read_partition(root, "articles", DAY).num_rows == n_new

    rng = random.Random(42)
    killed_midway = 0
    for attempt in range(ATTEMPTS):
        lake.write_partition(root, "articles", DAY, old)
        reader = Reader(read)
        reader.start()
        # The first kill comes as soon as the writer is ready, so at least one write is surely
        # cut short whatever the machine's speed; the others are spread over a whole write.
        moment = 0.0 if attempt == 0 else (attempt + rng.random()) / ATTEMPTS * 1.1 * duration
        finished = run_and_maybe_kill(args, moment)
        time.sleep(0.05)
        reader.finish()
        killed_midway += not finished
        assert reader.errors == [], reader.errors
        assert reader.seen, "the reader never read"
        seen = {v for pair in reader.seen for v in pair}
        assert seen <= {(n_old, "old"), (n_new, "new")}, seen
        after = lake.read_partition(root, "articles", DAY)
        assert (after.num_rows, after.column("article_id")[0].as_py()[:3]) in {(n_old, "old"), (n_new, "new")}
        # Leftovers of killed writes stay in _staging, outside every table folder.
        files = [p for p in (root / "articles").rglob("*") if p.is_file()]
        assert files == [final]
    assert killed_midway >= 1
    leftovers = list((root / "_staging").glob("*.parquet"))
    # A rerun completes despite the leftovers and gives the new state; the others still read.
    run_and_maybe_kill(args, None)
    assert lake.read_partition(root, "articles", DAY).num_rows == n_new
    assert lake.list_partitions(root, "articles") == [DAY]
    assert lake.dataset(root, "articles").count_rows() == n_new
    assert all(p.exists() for p in leftovers)  # nothing cleans them implicitly; they are harmless


def test_warehouse_load_killed_leaves_old_or_new_state_and_rerun_completes(tmp_path):
    root, db = tmp_path / "lake", tmp_path / "warehouse.duckdb"
    n_old, n_new = 2_000, 40_000
    lake.write_partition(root, "articles", DAY, make_articles(n_old, DAY, "old"))
    warehouse.load_night(db, lake_root=root, dt=DAY)
    pristine = tmp_path / "old.duckdb"
    shutil.copy(db, pristine)
    assert not Path(str(db) + ".wal").exists()
    lake.write_partition(root, "articles", DAY, make_articles(n_new, DAY, "new", words_per_text=60))
    args = ["warehouse", str(root), "0", DAY.isoformat(), str(db)]

    def read():
        con = duckdb.connect(str(db), read_only=True)
        try:
            articles = con.execute("SELECT count(*), min(left(article_id, 3)) FROM articles WHERE dt = ?",
                                   [DAY]).fetchone()
            indexed = con.execute("SELECT count(*) FROM search_ar_docs").fetchone()[0]
            return articles[0], articles[1], indexed
        finally:
            con.close()

    def reset():
        for suffix in ("", ".wal"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(pristine, db)

    t0 = time.perf_counter()
    run_and_maybe_kill(args, None)
    duration = time.perf_counter() - t0
    assert read() == (n_new, "new", n_new)

    rng = random.Random(7)
    outcomes = []
    for attempt in range(ATTEMPTS):
        reset()
        reader = Reader(read)
        reader.start()
        # Kill moments spread over the whole load (stratified, jittered); the first as soon as
        # the writer is ready, so at least one load is surely cut short on any machine.
        kill_after = 0.0 if attempt == 0 else (attempt + rng.random()) / ATTEMPTS * duration
        finished = run_and_maybe_kill(args, kill_after)
        time.sleep(0.2)  # the reader gets in after the kill (the lock is gone with the process)
        reader.finish()
        assert reader.errors == [], reader.errors
        assert reader.seen, "the reader never got in"
        # Articles are the old night or the new one; the search index is the old or the new one
        # (it is rebuilt in its own transaction after the load commits, so it may lag the articles).
        for n, tag, indexed in reader.seen:
            assert (n, tag) in {(n_old, "old"), (n_new, "new")}, (n, tag)
            assert indexed in (n_old, n_new), indexed
            assert not (tag == "old" and indexed == n_new)
        outcomes.append(reader.seen[-1])
        # After the kill, opening the file for writing replays or discards its log and works;
        # a rerun of the load completes with the new state, search index included.
        run_and_maybe_kill(args, None)
        assert read() == (n_new, "new", n_new)
        con = warehouse.connect(db, read_only=True)
        try:
            hits = con.execute("SELECT count(*) FROM search_articles(?)", ["new"]).fetchone()[0]
            assert hits == n_new
            assert con.execute("SELECT count(*) FROM search_articles(?)", ["old"]).fetchone()[0] == 0
        finally:
            con.close()
        if not finished:
            assert reader.refused > 0 or outcomes[-1][1] == "old"
    # Some attempts were killed before the end: what they left was a complete earlier state.
    assert any(tag == "old" or indexed == n_old for _, tag, indexed in outcomes), outcomes
