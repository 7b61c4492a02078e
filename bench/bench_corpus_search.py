"""The Corpus page's search on real Arabic articles: plain words against "phrases" and +required words.

Publishes the ANT v1.1 articles (../shared/corpus/ant, real Tunisian news texts) through staging and the
catalog's publish (the test helpers' production path) as nights of ``--per-night`` articles, then times
akhbar.corpus_stats.search (top 20, snippets and links included) per kind of query, each against the
plain-words query of the same words in the same run. Prints p50/p95 and the hits.

    .venv/bin/python bench/bench_corpus_search.py [--articles N] [--per-night N] [--reps R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import TARBALL, ant_docs

QUERIES = [  # (what, query): each filtered query next to its words as plain words
    ("one word", "تونس"),
    ("two words, any", "وزارة الصحة"),
    ("phrase", '"وزارة الصحة"'),
    ("phrase + word", '"وزارة الصحة" تونس'),
    ("required word", "الصحة +وزارة"),
    ("three words, any", "رئيس الحكومة يوسف"),
    ("phrase of three", '"رئيس الحكومة يوسف"'),
    ("two required", "+رئيس +الحكومة يوسف"),
    ("no such word", "zzzz-no-such-word"),
]


def build(data_dir: Path, n_articles: int, per_night: int) -> int:
    from tests.lakehouse.helpers import Night, article, publish, settings_for

    settings = settings_for(data_dir)
    batch: list[dict] = []
    day = dt.date(2026, 1, 1)
    n = 0
    for docno, _cat, title, text in ant_docs():
        if len(text.split()) < 8:
            continue
        batch.append(article(docno, day, text, "ar", source="jawhara", title=title or None))
        n += 1
        if len(batch) == per_night or n == n_articles:
            publish(settings, Night(day, batch), data_dir / "work", run_id=f"bench-{day}")
            batch, day = [], day + dt.timedelta(days=1)
        if n == n_articles:
            break
    if batch:
        publish(settings, Night(day, batch), data_dir / "work", run_id=f"bench-{day}")
    return n


def timed(fn, reps: int):
    out, samples = None, []
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--per-night", type=int, default=1_000)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the catalog in this folder")
    args = ap.parse_args()
    if not TARBALL.is_file():
        sys.exit(f"skipped: {TARBALL} not found (the shared corpus is not on this machine)")
    from akhbar import corpus_stats
    from akhbar.lakehouse.settings import CatalogSettings

    folder = args.keep or Path(tempfile.mkdtemp(prefix="akhbar-bench-search-"))
    folder.mkdir(parents=True, exist_ok=True)
    catalog = CatalogSettings.from_env(folder, env={})
    if args.keep and catalog.sqlite_path.exists():
        print(f"reusing the catalog in {folder}")
    else:
        t = time.perf_counter()
        n = build(folder, args.articles, args.per_night)
        print(f"published {n:,} ANT articles in {time.perf_counter() - t:.0f} s ({folder})")
    corpus_stats.search(catalog, "تونس")  # opens the process's reader session: not a request's cost
    rows = []
    for what, q in QUERIES:
        p50, p95, found = timed(lambda q=q: corpus_stats.search(catalog, q), args.reps)
        rows.append((f"{what}: {q}", found["count"], p50, p95))
    width = max(len(r[0]) for r in rows)
    print(f"{'query':<{width}}  {'hits':>4}  {'p50 ms':>8}  {'p95 ms':>8}   ({args.reps} runs each)")
    for name, hits, a, b in rows:
        print(f"{name:<{width}}  {hits:>4}  {a * 1000:8.1f}  {b * 1000:8.1f}")


if __name__ == "__main__":
    main()
