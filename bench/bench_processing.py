"""Processing speed per core: cleaning + enrichment + dedup, against HuggingFace datatrove.

    .venv/bin/python bench/bench_processing.py [--replicate 3] [--no-reference] [--repeat 1]

Reads the 10,161 ANT v1.1 articles (../shared/corpus/ant/ant-v1.1.tar.gz, TREC files:
<TITLE> <TEXT> <TIME> <URL> <CAT>) straight into DOCUMENT-schema tables and cuts them, in the
tarball's order, into 5 consecutive nights of ~2,030 articles (``NIGHTS_PER_CORPUS``), each
night into batches of at most 2,000 rows, the pipeline's BATCH_ROWS. Reading the tarball is
not timed (HTML extraction is not part of this benchmark: ANT's texts are already plain text).
The process is pinned to one core.

Ours, night by night, timed stage by stage as the pipeline runs a night:
  1. ``cleaning.clean_documents`` per batch; each cleaned batch is handed over through a
     Parquet work file, as the pipeline does, and the night's keyword document frequencies
     are counted (``DocFreq.update``, what ``pipeline.enrich`` builds with
     ``DocFreq.from_texts`` from the night's cleaned documents);
  2. ``enrichment.enrich`` per batch with that DocFreq (language, places, dates, keywords,
     counts);
  3. one ``dedup.deduplicate(articles, index_dir=..., dt=night)`` call for the whole night,
     against the persistent index of the previous nights (one folder for the run, as the
     pipeline's ``dedup_dir``): night k is deduplicated against nights 0..k-1.
Nothing but the current night and its DocFreq is held in memory, so memory stays flat as the
input grows: the run is repeated on the corpus replicated ``--replicate`` times (15 nights at
3x; copies get new record ids and come out as exact duplicates of the earlier nights) and the
peak RSS and the RSS growth between the first and the last night are printed for both runs.

The reference, in the same run on the same documents: datatrove 0.10.1 with FineWeb-2's
settings for Modern Standard Arabic (fineweb-2 ``configs/arb_Arab.yml`` and
``fineweb-2-pipeline.py``): GopherRepetitionFilter + FineWebQualityFilter +
GopherQualityFilter, then MinhashDedupSignature (5-grams, 14 buckets x 8 hashes, xxhash
64-bit), with ``language="arb_Arab"``, whose word tokenizer is spaCy's blank Arabic
pipeline (rules shipped inside spaCy: no download). The blocks' ``run`` generators are
chained in-process on ``datatrove.data.Document`` objects (no executor, no log folder); the
signature step writes and sorts its bucket files in a temporary folder, as it must. The
language filter and the bad-words filter are not used: both download at run time.

datatrove[processing] pins trafilatura<1.12 and xxhash<4, which conflict with the
project's lock (trafilatura 2.3.1, xxhash 4.1.0): installed into the project venv it
downgrades both (``uv pip check`` stays clean, but extraction and dedup would run other
versions than the lock). It therefore lives in its own venv, run as a subprocess on the
same core::

    .venv/bin/uv venv .venv-bench --python 3.11
    .venv/bin/uv pip install --python .venv-bench/bin/python 'datatrove[processing]==0.10.1' 'spacy==3.8.18'

Without that venv the reference is skipped with a message (``make bench`` runs this file
like the other benches; create .venv-bench first to get the reference figure). On shared
machines take the best of several runs (``--repeat``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from memory import peak_rss_mib, rss_mib

TARBALL = ROOT.parent / "shared" / "corpus" / "ant" / "ant-v1.1.tar.gz"
BENCH_VENV_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
BATCH_ROWS = 2_000
NIGHTS_PER_CORPUS = 5  # ~2,000 articles a night
TARGET_PER_SECOND = 2_000

_TAGS = ("DOCNO", "URL", "CAT", "TITLE", "TIME", "TEXT")
_TAG_RE = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>", re.S) for tag in _TAGS}

# FineWeb-2, configs/arb_Arab.yml (also in ../shared/NOTES.md).
ARB_ARAB = {
    "dup_line_frac": 0.304,
    "top_n_grams": ((2, 0.197), (3, 0.172), (4, 0.146)),
    "dup_n_grams": ((5, 0.165), (6, 0.153), (7, 0.142), (8, 0.131), (9, 0.12), (10, 0.109)),
    "line_punct_thr": 0.143,
    "new_line_ratio": 0.189,
    "min_avg_word_length": 2,
    "max_avg_word_length": 9,
    "max_non_alpha_words_ratio": 0.787,
    "stopwords": [
        "،",
        "في",
        "من",
        "على",
        "إلى",
        "عام",
        "أن",
        "مع",
        "أو",
        "هو",
        "عن",
        "التي",
        "كان",
        "بين",
        "ما",
        "كانت",
        "هي",
        "المتحدة",
        "بعد",
    ],
}


# --------------------------------------------------------------------------- input
def ant_records():
    """(docno, url, category, title, time, text) of every ANT article, read from the tarball in place."""
    with tarfile.open(TARBALL) as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(".txt")):
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            if "<DOC>" not in doc:
                continue
            values = {}
            for tag, rx in _TAG_RE.items():
                m = rx.search(doc)
                values[tag] = m.group(1).strip() if m else ""
            yield values  # an empty <TEXT> too: cleaning quarantines it, as a night would


def count_records() -> int:
    """Articles in the tarball (the nights are cut from this count; not timed)."""
    return sum(1 for _ in ant_records())


def night_sizes(n_records: int, nights: int) -> list[int]:
    """``nights`` night sizes as equal as possible summing to ``n_records``."""
    base, extra = divmod(n_records, nights)
    return [base + (k < extra) for k in range(nights)]


def document_nights(
    replicate: int = 1, nights_per_corpus: int = NIGHTS_PER_CORPUS, batch_rows: int = BATCH_ROWS
):
    """(night number, DOCUMENT tables of at most ``batch_rows`` rows) for every night.

    Each copy of the corpus is cut into ``nights_per_corpus`` consecutive nights, in the
    tarball's order; copy r > 0 gets record ids suffixed ``#r``.
    """
    import datetime as dt
    from itertools import islice

    import pyarrow as pa

    from akhbar.dates import parse_published
    from akhbar.schema import DOCUMENT

    fetched = dt.datetime(2017, 6, 1, tzinfo=dt.UTC)
    published_cache: dict[str, object] = {}
    sizes = night_sizes(count_records(), nights_per_corpus)
    night = 0
    for copy in range(replicate):
        records = ant_records()
        suffix = f"#{copy}" if copy else ""
        for size in sizes:
            rows: list[dict] = []
            for rec in islice(records, size):
                raw_time = rec["TIME"] or None
                if raw_time not in published_cache:
                    published_cache[raw_time] = parse_published(raw_time, tz="Africa/Tunis")
                rows.append(
                    {
                        "record_id": f"ant:{rec['DOCNO']}{suffix}",
                        "source_id": "ant",
                        "url": rec["URL"] or None,
                        "canonical_url": None,
                        "title": rec["TITLE"] or None,
                        "text": rec["TEXT"] or None,
                        "authors": None,
                        "category_raw": rec["CAT"] or None,
                        "published_raw": raw_time,
                        "published_at": published_cache[raw_time],
                        "date_source": "dump",
                        "fetched_at": fetched,
                        "lang_hint": "ar",
                        "tz_hint": "Africa/Tunis",
                    }
                )
            yield (
                night,
                [
                    pa.Table.from_pylist(rows[i : i + batch_rows], schema=DOCUMENT)
                    for i in range(0, len(rows), batch_rows)
                ],
            )
            night += 1


# --------------------------------------------------------------------------- measures
def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores (pinned to core {sorted(os.sched_getaffinity(0))}), "
        f"Python {platform.python_version()} ({platform.machine()})"
    )


def pin_to_one_core() -> None:
    """Per-core figures: the process (and the reference subprocess, which inherits it) runs on core 0."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# --------------------------------------------------------------------------- ours
def run_ours(replicate: int, keep_jsonl: Path | None = None) -> dict:
    """Clean -> enrich -> dedup over the corpus (``replicate`` copies), night by night; figures."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    from akhbar.cleaning import clean_documents
    from akhbar.dedup import deduplicate
    from akhbar.enrichment import enrich
    from akhbar.enrichment.keywords import DocFreq

    first_night = dt.date(2017, 6, 1)
    timings = {"clean": 0.0, "docfreq": 0.0, "enrich": 0.0, "dedup": 0.0, "handover": 0.0}
    n_in = n_clean = n_dups = n_batches = n_nights = 0
    rss_nights: list[float] = []
    jsonl = keep_jsonl.open("w", encoding="utf-8") if keep_jsonl else None
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        tmp = Path(tmp)
        index_dir = tmp / "dedup"  # persists from night to night, as the pipeline's
        for k, batches in document_nights(replicate):
            night = first_night + dt.timedelta(days=k)
            n_nights += 1
            # Cleaning, batch by batch, each handed over through a Parquet work file; the
            # night's keyword document frequencies (pipeline.enrich: DocFreq.from_texts).
            work: list[Path] = []
            doc_freq = DocFreq()
            for b, docs in enumerate(batches):
                if jsonl is not None:
                    for rid, text in zip(
                        docs.column("record_id").to_pylist(), docs.column("text").to_pylist()
                    ):
                        jsonl.write(json.dumps({"id": rid, "text": text or ""}, ensure_ascii=False) + "\n")
                n_in += docs.num_rows
                n_batches += 1
                t0 = time.perf_counter()
                cleaned, _quarantine, _counts = clean_documents(docs, dt=night)
                t1 = time.perf_counter()
                doc_freq.update(cleaned.column("text_search").to_pylist())  # as pipeline.enrich passes it
                t2 = time.perf_counter()
                path = tmp / f"cleaned-{b:04d}.parquet"
                pq.write_table(cleaned, path)
                t3 = time.perf_counter()
                timings["clean"] += t1 - t0
                timings["docfreq"] += t2 - t1
                timings["handover"] += t3 - t2
                n_clean += cleaned.num_rows
                work.append(path)
                del cleaned
            del batches
            # Enrichment batch by batch with the night's frequencies, then one dedup call for
            # the night against the index of the previous nights (pipeline.dedup).
            enriched = []
            for path in work:
                t0 = time.perf_counter()
                cleaned = pq.read_table(path)
                t1 = time.perf_counter()
                enriched.append(enrich(cleaned, dt=night, doc_freq=doc_freq).articles)
                t2 = time.perf_counter()
                timings["handover"] += t1 - t0
                timings["enrich"] += t2 - t1
                path.unlink()
                del cleaned
            t0 = time.perf_counter()
            articles = pa.concat_tables(enriched) if len(enriched) > 1 else enriched[0]
            deduped = deduplicate(articles, index_dir=index_dir, dt=night)
            timings["dedup"] += time.perf_counter() - t0
            n_dups += deduped.counts.duplicates
            rss_nights.append(rss_mib())
            del enriched, articles, deduped, doc_freq
        if jsonl is not None:
            jsonl.close()
    total = sum(timings.values())
    return {
        "replicate": replicate,
        "articles": n_in,
        "cleaned": n_clean,
        "duplicates": n_dups,
        "seconds": timings,
        "total_seconds": total,
        "per_second": n_in / total,
        "rss_first_night_mib": rss_nights[0],
        "rss_last_night_mib": rss_nights[-1],
        "peak_rss_mib": peak_rss_mib(),
        "batches": n_batches,
        "nights": n_nights,
        "rss_nights_mib": rss_nights,
    }


def print_ours(r: dict) -> None:
    s = r["seconds"]
    n = r["articles"]
    print(
        f"ours, {n:,} articles ({r['replicate']}x corpus, {r['nights']} nights, {r['batches']} batches of at most "
        f"{BATCH_ROWS}); {r['cleaned']:,} kept by cleaning, {r['duplicates']:,} duplicates"
    )
    rows = [
        ("cleaning", s["clean"]),
        ("keyword doc freq", s["docfreq"]),
        ("enrichment", s["enrich"]),
        ("dedup (per night)", s["dedup"]),
        ("Parquet hand-over", s["handover"]),
    ]
    for label, sec in rows:
        print(
            f"  {label:<18} {sec:7.2f} s  {sec / n * 1e6:7.1f} us/article  {n / sec if sec else 0:>9,.0f} articles/s"
        )
    print(
        f"  {'overall':<18} {r['total_seconds']:7.2f} s  {r['total_seconds'] / n * 1e6:7.1f} us/article  "
        f"{r['per_second']:>9,.0f} articles/s per core"
    )
    print(
        f"  RSS after first night {r['rss_first_night_mib']:.0f} MiB, after last night "
        f"{r['rss_last_night_mib']:.0f} MiB (growth {r['rss_last_night_mib'] - r['rss_first_night_mib']:+.0f} MiB); "
        f"peak RSS of the process so far {r['peak_rss_mib']:.0f} MiB"
    )


def warm_up() -> None:
    """Load models, gazetteer, stop words and Unicode tables before timing (a night pays this once)."""
    import datetime as dt

    from akhbar.cleaning import clean_text
    from akhbar.dates import find_date_mentions
    from akhbar.enrichment import keywords, langid, places, textstats

    langid.detect("warm up")
    places.gazetteer()
    keywords.stopwords()
    textstats.text_stats_batch(["تجربة."], ["ar"])  # its code point tables
    clean_text("تجربة")
    find_date_mentions("12 جويلية 2022", reference=dt.date(2022, 7, 13))


# --------------------------------------------------------------------------- reference
def datatrove_worker(jsonl_path: str) -> int:
    """Runs under .venv-bench: the FineWeb-2 arb_Arab filters + MinHash signature; prints JSON figures."""
    from loguru import logger

    logger.remove()  # datatrove logs every step to stderr; the figures are what we print
    from datatrove.data import Document
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    lang = "arb_Arab"
    cfg = ARB_ARAB
    docs = []
    with open(jsonl_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            docs.append(Document(text=rec["text"], id=rec["id"]))
    with tempfile.TemporaryDirectory(prefix="datatrove-sigs-") as sig_dir:
        steps = [
            GopherRepetitionFilter(
                language=lang,
                dup_para_frac=0,
                dup_line_char_frac=0,
                dup_para_char_frac=0,
                dup_line_frac=cfg["dup_line_frac"],
                top_n_grams=cfg["top_n_grams"],
                dup_n_grams=cfg["dup_n_grams"],
            ),
            FineWebQualityFilter(
                language=lang,
                short_line_thr=999,
                char_duplicates_ratio=0.1,
                line_punct_thr=cfg["line_punct_thr"],
                new_line_ratio=cfg["new_line_ratio"],
            ),
            GopherQualityFilter(
                language=lang,
                max_avg_word_length=cfg["max_avg_word_length"],
                min_avg_word_length=cfg["min_avg_word_length"],
                stop_words=cfg["stopwords"],
                max_non_alpha_words_ratio=cfg["max_non_alpha_words_ratio"],
                min_stop_words=2,
            ),
        ]
        signature = MinhashDedupSignature(
            output_folder=sig_dir,
            language=lang,
            config=MinhashConfig(
                hash_config=HashConfig(hash_fc="xxhash", precision=64),
                num_buckets=14,
                hashes_per_bucket=8,
                n_grams=5,
            ),
        )
        load_word_tokenizer(lang).word_tokenize("تحميل المحلل")  # load spaCy's blank Arabic before timing
        kept = []

        def counted(stream):
            for doc in stream:
                kept.append(doc.id)
                yield doc

        start = time.perf_counter()
        stream = iter(docs)
        for step in steps:
            stream = step.run(stream)
        signature.run(counted(stream))  # consumes the stream, writes and sorts the bucket files
        seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "articles": len(docs),
                "kept_by_filters": len(kept),
                "seconds": seconds,
                "per_second": len(docs) / seconds,
                "peak_rss_mib": peak_rss_mib(),
                "datatrove": _dist_version("datatrove"),
                "spacy": _dist_version("spacy"),
            }
        )
    )
    return 0


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def run_reference(jsonl: Path) -> dict | None:
    if not BENCH_VENV_PYTHON.exists():
        print(
            f"reference SKIPPED: {BENCH_VENV_PYTHON} not found. Create it with\n"
            "  .venv/bin/uv venv .venv-bench --python 3.11\n"
            "  .venv/bin/uv pip install --python .venv-bench/bin/python 'datatrove[processing]==0.10.1' "
            "'spacy==3.8.18'"
        )
        return None
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH="")
    proc = subprocess.run(
        [str(BENCH_VENV_PYTHON), __file__, "--datatrove-worker", str(jsonl)],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        print(f"reference FAILED (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--replicate", type=int, default=3, help="copies of the corpus for the memory run (0: skip)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of ours on the corpus; the best is kept")
    parser.add_argument("--no-reference", action="store_true", help="skip datatrove")
    parser.add_argument(
        "--stories",
        type=int,
        default=0,
        metavar="NIGHTS",
        help="also the stories stage's cost per article over NIGHTS nights of ANT multi-source "
        "(bench/bench_stories.py; 0: skip)",
    )
    parser.add_argument("--datatrove-worker", metavar="JSONL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.datatrove_worker:
        return datatrove_worker(args.datatrove_worker)
    if not TARBALL.exists():
        print(f"SKIP: {TARBALL} not found (the shared corpus is not on this machine)")
        return 0
    pin_to_one_core()
    print(f"machine: {machine()}")
    warm_up()
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-docs-") as tmp:
        jsonl = Path(tmp) / "documents.jsonl"
        runs = [run_ours(1, keep_jsonl=jsonl)]
        for _ in range(args.repeat - 1):
            runs.append(run_ours(1))
        best = max(runs, key=lambda r: r["per_second"])
        if args.repeat > 1:
            rates = ", ".join(f"{r['per_second']:,.0f}" for r in runs)
            print(f"best of {args.repeat} runs (articles/s: {rates})")
        print_ours(best)
        if args.replicate > 1:
            print_ours(run_ours(args.replicate))
        ref = None if args.no_reference else run_reference(jsonl)
    if ref is not None:
        print(
            f"datatrove {ref['datatrove']} (spaCy {ref['spacy']}), FineWeb-2 arb_Arab: Gopher repetition + FineWeb "
            f"quality + Gopher quality, MinHash signature 5-gram 14x8 on the {ref['kept_by_filters']:,} kept, "
            f"{ref['articles']:,} articles: {ref['seconds']:.1f} s, {ref['per_second']:,.0f} articles/s per core, "
            f"peak RSS {ref['peak_rss_mib']:.0f} MiB"
        )
        ratio = best["per_second"] / ref["per_second"]
        print(
            f"ratio ours / datatrove: {ratio:.1f}x  (target {TARGET_PER_SECOND:,} articles/s per core: "
            f"{'met' if best['per_second'] >= TARGET_PER_SECOND else 'NOT met'})"
        )
    if args.stories:
        print_stories(args.stories)
    return 0


def print_stories(nights: int) -> None:
    """The stories stage on its own corpus (ANT multi-source: five sources covering the same events),
    CPU time per article against the target of 2 ms per article per core: bench/bench_stories.py in a
    process of its own (one BLAS thread from the start, pinned to one core)."""
    script = Path(__file__).resolve().parent / "bench_stories.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--nights", str(nights)], capture_output=True, text=True, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if not line.startswith("  night ")]
    print("stories stage (bench/bench_stories.py):\n  " + "\n  ".join(lines))
    if proc.returncode:
        print(f"stories FAILED (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


if __name__ == "__main__":
    sys.exit(main())
