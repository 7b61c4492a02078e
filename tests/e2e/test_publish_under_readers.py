"""Readers first: a 100,000-article night is published in another process while the Corpus page's
figures, `akhbar sql` and search_articles are queried in a loop. Every query answers (nothing is
ever "busy"), and each sees the night as it was before the publish or as it is after, never half.

The night exists before (a first version of 1,000 articles); the publish replaces it with 100,000
others. Each version's articles carry a word of their own in their texts, so a search, a count
and the page's figures each say which version they saw.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import corpus_stats
from akhbar.lakehouse.publish import publish_night
from akhbar.lakehouse.sandbox import run_query
from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.staging import WorkFiles, child_work_files, stage_night
from akhbar.schema import ARTICLE, ARTICLE_CHILD_TABLES
from tests.conftest import ROOT
from tests.lakehouse.helpers import tagged_text

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NIGHT = dt.date(2026, 11, 28)
OLD, NEW = 1_000, 100_000


def work_files(folder: Path, n: int, tag: str) -> WorkFiles:
    """A night of ``n`` articles whose texts all carry ``tag``, as the stages before publishing leave it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n)
    ids = [f"{tag}{i:07d}" for i in range(n)]
    texts = [tagged_text(rng, tag) for _ in range(n)]
    fetched = dt.datetime.combine(NIGHT, dt.time(3), dt.UTC)
    columns = {field.name: pa.nulls(n, field.type) for field in ARTICLE}
    columns.update(
        article_id=pa.array(ids),
        record_id=pa.array(["r" + i for i in ids]),
        source_id=pa.array([f"src{i % 5}" for i in range(n)]),
        title=pa.array([f"{tag} {i}" for i in range(n)]),
        text=pa.array(texts),
        text_search=pa.array(texts),
        lang=pa.array(["ar"] * n),
        fetched_at=pa.array([fetched] * n, ARTICLE.field("fetched_at").type),
        dt=pa.array([NIGHT] * n, pa.date32()),
        content_hash=pa.array(["h" + i for i in ids]),
    )
    articles = folder / "articles.parquet"
    pq.write_table(pa.table(columns).cast(ARTICLE), articles)
    children = child_work_files(folder)
    for name, path in children.items():
        pq.write_table(ARTICLE_CHILD_TABLES[name].empty_table(), path)
    return WorkFiles(articles=articles, children=children, quarantine=(), demoted=None, doc_freq=None)


PUBLISH = """
import sys, time
from akhbar.lakehouse.publish import publish_night
from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.staging import StagedNight
settings = CatalogSettings.from_env(sys.argv[1], env={})
staged = StagedNight.load(sys.argv[2])
print("start", time.time(), flush=True)
with writer_session(settings, "publish under readers") as con:
    publish_night(con, staged)
print("end", time.time(), flush=True)
"""


def observe(settings: CatalogSettings) -> dict:
    """One reading of each kind, each in its own read-only session."""
    out = {}
    stats = corpus_stats.corpus_stats(settings, end=NIGHT, nights=1)
    out["page"] = sum(r["articles"] for r in stats["articles_by_source"] if r["dt"] == NIGHT.isoformat())
    out["sql"] = run_query(settings, "SELECT count(*) FROM articles WHERE dt = DATE '2026-11-28'").rows[0][0]
    with reader_session(settings) as con:  # search and count in one snapshot
        con.execute("BEGIN TRANSACTION")
        out["search_old"] = con.execute("SELECT count(*) FROM search_articles('oldtag')").fetchone()[0]
        out["search_new"] = con.execute("SELECT count(*) FROM search_articles('newtag')").fetchone()[0]
        out["snapshot_count"] = con.execute("SELECT count(*) FROM articles WHERE dt = ?", [NIGHT]).fetchone()[
            0
        ]
        con.execute("COMMIT")
    return out


def test_readers_answer_during_a_100k_publish(tmp_path):
    data_dir = tmp_path / "data"
    settings = CatalogSettings.from_env(data_dir, env={})
    old = stage_night(
        settings,
        work_files(tmp_path / "old", OLD, "oldtag"),
        night=NIGHT,
        run_id="old",
        temp_dir=tmp_path / "tmp",
    )
    with writer_session(settings, "first version") as con:
        publish_night(con, old)
    new = stage_night(
        settings,
        work_files(tmp_path / "new", NEW, "newtag"),
        night=NIGHT,
        run_id="new",
        temp_dir=tmp_path / "tmp",
    )
    manifest = tmp_path / "new.json"
    new.save(manifest)
    assert observe(settings)["sql"] == OLD

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "include")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", PUBLISH, str(data_dir), str(manifest)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    seen = []  # (began, ended, what it saw)

    def read() -> None:
        began = time.time()
        observation = observe(settings)
        seen.append((began, time.time(), observation))

    while proc.poll() is None:
        read()
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    read()
    marks = dict(line.split() for line in out.splitlines() if line.split()[0] in ("start", "end"))
    start, end = float(marks["start"]), float(marks["end"])

    versions = {
        "old": {"page": OLD, "sql": OLD, "snapshot_count": OLD, "search_old": OLD, "search_new": 0},
        "new": {"page": NEW, "sql": NEW, "snapshot_count": NEW, "search_old": 0, "search_new": NEW},
    }
    # A reading overlaps the publish when their times intersect: the publish (files registered, not
    # copied) can take less time than one reading on a loaded machine.
    during = [o for began, ended, o in seen if began <= end and start <= ended]
    assert during, f"no reading overlapped the publish ({len(seen)} readings)"
    for _, _, o in seen:
        for key, value in o.items():
            # Each reading is the old night or the new one, never something in between.
            assert value in (versions["old"][key], versions["new"][key]), (key, value, o)
        # Within one snapshot, the search index and the articles agree.
        version = "old" if o["snapshot_count"] == OLD else "new"
        assert (o["search_old"], o["search_new"]) == (
            versions[version]["search_old"],
            versions[version]["search_new"],
        )
    assert seen[-1][2] == versions["new"]
    print(
        f"\n{len(seen)} readings, {len(during)} during the publish ({end - start:.1f} s); "
        f"old seen {sum(1 for _, _, o in seen if o['sql'] == OLD)} times"
    )
