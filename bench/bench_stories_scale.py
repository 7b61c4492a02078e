"""The stories step on big nights: wall time, CPU time and peak memory against the night's size.

    .venv/bin/python bench/bench_stories_scale.py [--sizes 10000 50000] [--neighbours 24]

For each size N, a process of its own (one core, one BLAS thread) stores two nights of N articles
(D-2 and D-1) in a DuckDB store (:mod:`akhbar.stories.duckdb_store`, the contract in SQL, 1 GB
memory limit), then times the stories of night D (N articles, a window of 3N): the store's reads,
``build_stories`` (candidate pairs, scores, parents, the story line, story rows) and the store's
writes; printed: wall and CPU seconds, ms per article, candidate pairs and links, the RSS before the
step and its peak during the step (``VmHWM`` reset before the step; ``getrusage`` for the process).
Memory bounded in the night's size means the step's peak grows with N by the night's own vectors
and rows (a few KB an article), not with the pairs of the night (quadratic).

The articles are real news with their real vectors: the evaluation's corpus (bench/eval_stories.py:
ANT multi-source 2018 and news-credibility, 35,000 articles through akhbar's cleaning and
enrichment, encoded by the real encoder; both cached under $TMPDIR/akhbar-eval-stories, so run the
evaluation once first or wait for the encoding). A night of N articles draws them in a fixed shuffled
order; once the corpus is used up an article comes back as a *retelling*: another article id and
source, the title marked, its keywords, places and dates, and its vector moved by noise to a cosine
of about 0.9 with the original (another outlet's report of the same event), at another hour. The
night's vectors are handed to the stage as encoded (the encoding is measured apart: bench_encoder.py).

Compare with the code before the change: run this script with PYTHONPATH pointing at an older
checkout's include/ (the script only uses what both have).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from memory import peak_rss_mib, reset_peak_rss, rss_mib

D = dt.date(2030, 6, 3)  # night D; the corpus's own nights are forgotten
CACHE = Path(tempfile.gettempdir()) / "akhbar-eval-stories"
RETELLING_NOISE = 0.0214  # per dimension: cosine 1 / sqrt(1 + 512 * noise**2) = 0.90 with the original


class RealCorpus:
    """The evaluation's articles (one table of each kind) and their vectors, row-aligned."""

    def __init__(self):
        import pyarrow as pa
        from eval_stories import CachedEmbedder, enriched_corpus, labelled_nights
        from stories_corpus import labelled_pairs

        from akhbar.stories.embeddings import story_text

        nights = enriched_corpus(labelled_nights(labelled_pairs()), CACHE)
        self.articles = pa.concat_tables([n.articles for n in nights.values()]).combine_chunks()
        self.places = pa.concat_tables([n.places for n in nights.values()])
        self.dates = pa.concat_tables([n.dates for n in nights.values()])
        self.keywords = pa.concat_tables([n.keywords for n in nights.values()])
        texts = [
            story_text(t, x)
            for t, x in zip(
                self.articles.column("title").to_pylist(), self.articles.column("text").to_pylist()
            )
        ]
        self.vectors = CachedEmbedder(CACHE)(texts)
        self.rows_of = [_rows_of(t) for t in (self.places, self.dates, self.keywords)]


def _rows_of(table) -> dict[str, list[int]]:
    """article_id -> its rows in a side table."""
    out: dict[str, list[int]] = {}
    for k, a in enumerate(table.column("article_id").to_pylist()):
        out.setdefault(a, []).append(k)
    return out


def _children(table, rows_of: dict, drawn: list[str], new_ids: list[str], night: dt.date):
    """The side rows of the drawn articles (real ids), under their new ids and night."""
    import pyarrow as pa

    take, ids = [], []
    for real, new in zip(drawn, new_ids):
        found = rows_of.get(real, ())
        take.extend(found)
        ids.extend([new] * len(found))
    side = table.take(pa.array(take, pa.int64()))
    side = side.set_column(
        side.schema.get_field_index("article_id"), "article_id", pa.array(ids, pa.string())
    )
    dts = pa.array([night] * side.num_rows, pa.date32())
    return side.set_column(side.schema.get_field_index("dt"), "dt", dts)


def night_of(corpus: RealCorpus, size: int, k: int):
    """Night D-2+k of ``size`` articles: (night, articles, places, dates, keywords, {text: vector})."""
    import pyarrow as pa

    from akhbar.stories.embeddings import story_text

    night = D + dt.timedelta(days=k - 2)
    n_real = corpus.articles.num_rows
    slots = np.arange(k * size, (k + 1) * size)
    rows = np.random.default_rng(16).permutation(n_real)[slots % n_real]
    retelling = slots // n_real
    rng = np.random.default_rng(1000 + k)
    real = corpus.articles.take(pa.array(rows))
    ids = [
        a if q == 0 else f"{a}~{q}" for a, q in zip(real.column("article_id").to_pylist(), retelling.tolist())
    ]
    titles = [
        t if q == 0 else f"{t} ({q})" for t, q in zip(real.column("title").to_pylist(), retelling.tolist())
    ]
    sources = [
        s if q == 0 else f"{s}-{q}" for s, q in zip(real.column("source_id").to_pylist(), retelling.tolist())
    ]
    start = dt.datetime.combine(night, dt.time(), tzinfo=dt.UTC)
    published = [start + dt.timedelta(seconds=int(s)) for s in rng.integers(0, 86400, size)]
    vectors = corpus.vectors[rows] + (retelling > 0)[:, None] * rng.normal(0, RETELLING_NOISE, (size, 512))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    vectors[np.linalg.norm(corpus.vectors[rows], axis=1) == 0] = 0  # an empty text stays empty
    articles = real
    for name, values, kind in (
        ("article_id", ids, pa.string()),
        ("title", titles, pa.string()),
        ("source_id", sources, pa.string()),
        ("published_at", published, real.schema.field("published_at").type),
        ("dt", [night] * size, pa.date32()),
    ):
        articles = articles.set_column(articles.schema.get_field_index(name), name, pa.array(values, kind))
    texts = [story_text(t, x) for t, x in zip(titles, articles.column("text").to_pylist())]
    drawn = real.column("article_id").to_pylist()
    side = [
        _children(t, rows_of, drawn, ids, night)
        for t, rows_of in zip((corpus.places, corpus.dates, corpus.keywords), corpus.rows_of)
    ]
    return night, articles, *side, dict(zip(texts, vectors))


# --------------------------------------------------------------------------- one size, in its own process
def _run_night(store, night_tables, params, measure: bool) -> dict:
    from akhbar.stories import build_stories

    night, articles, places, dates, keywords, vector_of = night_tables

    def embed(texts):
        return np.stack([vector_of[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)

    store.load_night(night, articles, places, dates, keywords)
    if measure:
        reset_peak_rss()
    before = rss_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    inputs = store.inputs_for(night, params)
    t1 = time.perf_counter()
    result = build_stories(inputs, params, embed=embed)
    t2 = time.perf_counter()
    store.apply(night, result)
    t3, c3 = time.perf_counter(), time.process_time()
    extra = result.counts.extra
    return {
        "night": str(night),
        "articles": articles.num_rows,
        "window_articles": extra["window_articles"],
        "candidates": extra["candidates"],
        "links": extra["links"],
        "stories": extra["stories"],
        "read_s": round(t1 - t0, 2),
        "stage_s": round(t2 - t1, 2),
        "write_s": round(t3 - t2, 2),
        "wall_s": round(t3 - t0, 2),
        "cpu_s": round(c3 - c0, 2),
        "rss_before_mib": round(before, 1),
        "step_peak_mib": round(peak_rss_mib(), 1),
    }


def run_size(size: int, neighbours: int | None) -> dict:
    import dataclasses

    import duckdb

    from akhbar.stories import PARAMS
    from akhbar.stories.duckdb_store import DuckDBStore

    params = PARAMS
    if neighbours is not None and "neighbours" in {f.name for f in dataclasses.fields(PARAMS)}:
        params = dataclasses.replace(PARAMS, neighbours=neighbours)
    corpus = RealCorpus()
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-stories-scale-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "stories.duckdb"), config={"memory_limit": "1GB"})
        store = DuckDBStore(con)
        setup = [_run_night(store, night_of(corpus, size, k), params, measure=False) for k in (0, 1)]
        night = night_of(corpus, size, 2)
        measured = _run_night(store, night, params, measure=True)
        con.close()
    return {
        "size": size,
        "neighbours": getattr(params, "neighbours", None),
        "setup_wall_s": [r["wall_s"] for r in setup],
        **measured,
        "process_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument(
        "--neighbours", type=int, default=None, help="StoryParams.neighbours (default: its own)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from stories_corpus import require_corpus

    reason = require_corpus()
    if reason:
        print(f"SKIP: {reason}")
        return
    if args.one:
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(run_size(args.one, args.neighbours)))
        return
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; each size in its own process, one core"
    )
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size)]
        if args.neighbours is not None:
            command += ["--neighbours", str(args.neighbours)]
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        if proc.returncode:
            print(f"night of {size:,}: FAILED (exit {proc.returncode})\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        per = r["wall_s"] / r["articles"] * 1e3
        print(
            f"night of {r['articles']:,} articles (window {r['window_articles']:,} more; neighbours "
            f"{r['neighbours']}): wall {r['wall_s']:.1f} s (reads {r['read_s']:.1f}, stage {r['stage_s']:.1f}, "
            f"writes {r['write_s']:.1f}), CPU {r['cpu_s']:.1f} s, {per:.2f} ms/article; "
            f"{r['candidates']:,} candidate pairs, {r['links']:,} links, {r['stories']:,} stories; "
            f"RSS before the step {r['rss_before_mib']:.0f} MiB, peak during it {r['step_peak_mib']:.0f} MiB "
            f"(+{r['step_peak_mib'] - r['rss_before_mib']:.0f}); process peak {r['process_peak_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
