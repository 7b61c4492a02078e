"""Staging, audit, publish and full-text search of the lakehouse catalog at 100,000 and 1,000,000 articles.

Run from the project root:

    .venv/bin/python bench/bench_warehouse.py [N ...]          # default: 100000 1000000
    .venv/bin/python bench/bench_warehouse.py 100000 --queries 80 --keep /tmp/akhbar-bench

Articles are made from the real corpora in ../shared/corpus: Arabic from ANT v1.1 (Jawhara FM
and others, TREC-like files with <TITLE> and <TEXT>) and from the BBC Arabic / CNN Arabic feeds
of the news-credibility subset, English from its English Ahram feed. The few thousand texts are
replicated with new article ids, record ids, URLs, sources and publication dates spread over the
30 days before the night, so 1,000,000 rows carry real Arabic and English text (the vocabulary is
that of the originals: replication adds documents, not words).

Each phase runs in its own subprocess so that its peak RSS (ru_maxrss) is its own:

  make       (not a pipeline figure) the rows, saved to Parquet as the work files of the stages
             before publishing; the child tables (places, dates, keywords) are those the project's
             enrichment finds in each real text, repeated for every article made from it
  stage      akhbar.lakehouse.staging.stage_night: the night's catalog-shaped files under the data
             path, its full-text index tokenised and stemmed (outside any catalog transaction)
  validate   akhbar.quality.validate_night of that night in one call (every suite, Data Docs)
  publish    akhbar.lakehouse.publish.publish_night in one transaction into an empty catalog, four
             times (the empty catalog restored in between; the median time is the figure), while a
             reader process queries the catalog in a loop (the Corpus page's figures, a count through
             the `akhbar sql` sandbox, a search): its latency during the publishes against the same
             queries on an idle catalog
  nightly    one more night of N/30 articles staged and published on top (the steady nightly case)
  search     search_articles(q, k := 20) for real words drawn from the corpus, p50/p95 per query kind

Targets on the 2-core machine (issue 10): a 1,000,000-article night published within 2 minutes, a
night of 33,000 on top of 1,000,000 within 10 s, search p95 <= 200 ms, a concurrent reader's p95
during the publish <= 2x its idle p95, every phase under 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from corpus import CORPUS, ant_docs
from corpus import TARBALL as ANT

CREDIBILITY = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
NIGHT = dt.date(2026, 11, 28)
NEXT_NIGHT = NIGHT + dt.timedelta(days=1)
EN_SHARE = 0.12

_WORD = re.compile(r"[^\W\d_]{4,}")


# --------------------------------------------------------------------------- corpus
def load_texts() -> list[tuple[str, str, str, str]]:
    """(lang, source, title, text) of every usable real article."""
    out = []
    for docno, _, title, text in ant_docs():
        if len(text) >= 200:
            out.append(("ar", "ant-" + docno.split("-")[0].lower(), title, text))
    if CREDIBILITY.exists():
        with tarfile.open(CREDIBILITY) as tar:
            for member in tar:
                if not (member.isfile() and member.name.endswith(".txt")):
                    continue
                feed = member.name.split("/")[6]
                lang = "en" if feed.startswith("english") else "ar"
                lines = tar.extractfile(member).read().decode("utf-8", "replace").strip().split("\n", 1)
                if len(lines) == 2 and len(lines[1].strip()) >= 200:
                    out.append((lang, feed.lower().replace(".", "-"), lines[0].strip(), lines[1].strip()))
    return out


def enrich_texts(texts, night: dt.date) -> dict:
    """The child rows (places, dates, keywords) of each distinct text, by the project's own
    enrichment; column ``text_index`` says which text a row belongs to."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from akhbar.cleaning import search_key
    from akhbar.enrichment import enrich
    from akhbar.enrichment.keywords import DocFreq
    from akhbar.schema import CLEANED_DOCUMENT

    when = dt.datetime.combine(night, dt.time(3, 0), dt.UTC)
    rows = [
        {
            "record_id": f"text-{i}",
            "source_id": source,
            "url": None,
            "canonical_url": None,
            "title": title,
            "text": text,
            "authors": None,
            "category_raw": None,
            "published_raw": None,
            "published_at": when,
            "date_source": "dump",
            "fetched_at": when,
            "lang_hint": lang,
            "tz_hint": None,
            "text_search": search_key(text),
            "content_hash": f"h{i}",
            "letter_ratio": 0.9,
            "repeated_line_ratio": 0.0,
            "is_fragment": False,
            "is_short": False,
            "is_mostly_nonletters": False,
            "is_repetitive": False,
        }
        for i, (lang, source, title, text) in enumerate(texts)
    ]
    cleaned = pa.Table.from_pylist(rows, schema=CLEANED_DOCUMENT)
    result = enrich(cleaned, dt=night, doc_freq=DocFreq.from_texts(cleaned.column("text_search")))
    # enrich keeps the input order: the i-th article is the i-th text.
    ids = result.articles.column("article_id")
    return {
        name: table.append_column("text_index", pc.index_in(table.column("article_id"), value_set=ids))
        for name, table in (
            ("article_places", result.places),
            ("article_dates", result.dates),
            ("article_keywords", result.keywords),
        )
    }


def children_of(night_table, picks: list[int], children: dict) -> dict:
    """Each article's child rows: those of the text it was made from, under its own id."""
    import pyarrow as pa

    from akhbar.schema import ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    schemas = {
        "article_places": ARTICLE_PLACES,
        "article_dates": ARTICLE_DATES,
        "article_keywords": ARTICLE_KEYWORDS,
    }
    articles = pa.table(
        {
            "new_id": night_table.column("article_id"),
            "text_index": pa.array(picks, pa.int32()),
            "night": night_table.column("dt"),
        }
    )
    out = {}
    for name, table in children.items():
        joined = table.drop_columns(["article_id", "dt"]).join(articles, "text_index", join_type="inner")
        renamed = joined.rename_columns({"new_id": "article_id", "night": "dt"})
        out[name] = renamed.select(schemas[name].names).cast(schemas[name])
    return out


def make_night(texts, n: int, night: dt.date, offset: int = 0):
    """A night of ``n`` ARTICLE rows (no duplicates), and the index of the text of each."""
    import hashlib

    import pyarrow as pa

    from akhbar.schema import ARTICLE

    rng = random.Random(offset * 7919 + n)
    fetched = dt.datetime.combine(night, dt.time(3, 0), dt.UTC)
    start = dt.datetime.combine(night - dt.timedelta(days=29), dt.time(0, 0), dt.UTC)
    cols: dict[str, list] = {name: [] for name in ARTICLE.names}
    pools = {"ar": [t for t in texts if t[0] == "ar"], "en": [t for t in texts if t[0] == "en"]}
    pools = {lang: pool for lang, pool in pools.items() if pool}
    # Mostly Arabic: 88% ar, 12% en (when the English Ahram texts are there).
    index = {id(t): i for i, t in enumerate(texts)}
    picks = [
        rng.choice(pools["en"] if "en" in pools and rng.random() < EN_SHARE else pools["ar"])
        for _ in range(n)
    ]
    for i, (lang, source, title, text) in enumerate(picks):
        k = offset + i
        aid = hashlib.blake2b(f"bench:{k}".encode(), digest_size=8).hexdigest()
        src = f"{source}-{k % 7}"
        published = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        row = {
            "article_id": aid,
            "record_id": "r" + aid,
            "source_id": src,
            "url": f"https://{src}.example/{night:%Y/%m/%d}/{aid}",
            "canonical_url": None,
            "title": title,
            "text": text,
            "text_search": text,
            "authors": None,
            "lang": lang,
            "lang_score": 0.99,
            "title_lang": lang,
            "title_lang_score": 0.95,
            "published_at": published,
            "date_source": "metadata",
            "fetched_at": fetched,
            "dt": night,
            "content_hash": aid * 4,
            "category_raw": None,
            "category": None,
            "main_country": None,
            "n_chars": len(text),
            "n_words": text.count(" ") + 1,
            "n_sentences": text.count(".") + 1,
            "reading_minutes": (text.count(" ") + 1) / 200.0,
            "letter_ratio": 0.8,
            "repeated_line_ratio": 0.0,
            "is_fragment": False,
            "is_short": False,
            "is_mostly_nonletters": False,
            "is_repetitive": False,
            "cluster_id": aid,
            "duplicate_of": None,
            "duplicate_kind": None,
            "similarity": None,
        }
        for name, value in row.items():
            cols[name].append(value)
    return pa.Table.from_pydict(cols, schema=ARTICLE), [index[id(t)] for t in picks]


def query_words(texts, count: int, seed: int = 5) -> list[tuple[str, str]]:
    """(kind, query) pairs: single real words of various frequencies, and two-word queries."""
    from collections import Counter

    rng = random.Random(seed)
    freq: dict[str, Counter] = {"ar": Counter(), "en": Counter()}
    for lang, _, _, text in texts[:: max(1, len(texts) // 4000)]:
        freq.setdefault(lang, Counter()).update(w.lower() for w in _WORD.findall(text))
    queries = []
    for lang in ("ar", "en"):
        ranked = [w for w, c in freq[lang].most_common() if c >= 2]
        if not ranked:
            continue
        common, rare = ranked[: max(1, len(ranked) // 50)], ranked[len(ranked) // 50 :]
        share = count // 2 if lang == "ar" else count // 4
        for i in range(share):
            r = i % 3
            if r == 0:
                queries.append((f"{lang} common word", rng.choice(common)))
            elif r == 1:
                queries.append((f"{lang} rare word", rng.choice(rare)))
            else:
                queries.append((f"{lang} two words", f"{rng.choice(common)} {rng.choice(rare)}"))
    return queries


# --------------------------------------------------------------------------- phases (one per subprocess)
def _settings(work: Path):
    from akhbar.lakehouse.settings import CatalogSettings

    return CatalogSettings.from_env(work / "data", env={})


def _work_files(work: Path, night: dt.date):
    from akhbar.lakehouse.staging import WorkFiles
    from akhbar.schema import ARTICLE_CHILD_TABLES

    return WorkFiles(
        articles=work / f"night-{night}.parquet",
        children={name: work / f"{name}-{night}.parquet" for name in ARTICLE_CHILD_TABLES},
        quarantine=(),
        demoted=None,
        doc_freq=None,
    )


def _manifest(work: Path, night: dt.date) -> Path:
    return work / f"staged-{night}.json"


def _stage(work: Path, night: dt.date) -> dict:
    from akhbar.lakehouse.staging import stage_night

    t0 = time.perf_counter()
    staged = stage_night(
        _settings(work),
        _work_files(work, night),
        night=night,
        run_id="bench",
        temp_dir=work / "duckdb-tmp",
        # The pipeline's own setting (akhbar.pipeline.stage): the stage task's memory is the figure.
        memory_limit=os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "1GB"),
    )
    seconds = time.perf_counter() - t0
    staged.save(_manifest(work, night))
    files = sum(len(v) for v in staged.files.values())
    return {"seconds": seconds, "files": files, "rows": staged.rows}


def phase_make(work: Path, n: int) -> dict:
    """Not timed as a pipeline figure: the night's rows, saved as the stages' work files."""
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    texts = load_texts()
    children = enrich_texts(texts, NIGHT)
    out = {"distinct_texts": len(texts)}
    for night, size, offset in ((NIGHT, n, 0), (NEXT_NIGHT, max(1, n // 30), n)):
        table, picks = make_night(texts, size, night, offset=offset)
        pq.write_table(table, work / f"night-{night}.parquet", row_group_size=65_536)
        for name, rows in children_of(table, picks, children).items():
            pq.write_table(rows, work / f"{name}-{night}.parquet", row_group_size=65_536)
            out[f"{name}_rows" + ("" if night == NIGHT else "_next")] = rows.num_rows
    return {"seconds": time.perf_counter() - t0, **out}


def phase_stage(work: Path, n: int) -> dict:
    return _stage(work, NIGHT)


def phase_validate(work: Path, n: int) -> dict:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from akhbar.quality import validate_night
    from akhbar.schema import QUARANTINE

    files = _work_files(work, NIGHT)
    articles = ds.dataset(files.articles, format="parquet")  # as pipeline.validate reads it
    t0 = time.perf_counter()
    report = validate_night(
        dt=NIGHT,
        run_id="bench",
        articles=articles,
        raw_count=articles.count_rows(),
        quarantine=QUARANTINE.empty_table(),
        **{name.removeprefix("article_"): pq.read_table(path) for name, path in files.children.items()},
        history=None,
        quality_dir=work / "quality",
    )
    return {
        "seconds": time.perf_counter() - t0,
        "passed": report.passed,
        "critical_failures": report.critical_failures,
        "warning_failures": report.warning_failures,
        "failed": [r["expectation"] + ":" + str(r["column"]) for r in report.failures()],
    }


READER = """
import json, sys, time, datetime as dt
from akhbar import corpus_stats
from akhbar.lakehouse.sandbox import run_query
from akhbar.lakehouse.settings import CatalogSettings
settings = CatalogSettings.from_env(sys.argv[1], env={})
until = float(sys.argv[2])
night = dt.date.fromisoformat(sys.argv[3])
queries = json.loads(sys.argv[4])
i = 0
while time.time() < until:
    q = queries[i % len(queries)]
    i += 1
    for kind, call in (("page", lambda: corpus_stats.corpus_stats(settings, end=night, nights=7)),
                       ("sql", lambda: run_query(settings, "SELECT count(*) FROM articles")),
                       ("search", lambda: run_query(settings, "SELECT * FROM search_articles(?, k := 20)", [q]))):
        t0 = time.time()
        try:
            call()
            ok = True
        except Exception as exc:
            ok = False
            print("ERROR " + repr(exc), flush=True)
        print("Q " + json.dumps({"kind": kind, "start": t0, "seconds": time.time() - t0, "ok": ok}), flush=True)
"""


def _reader(work: Path, seconds: float, queries: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "include")}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER,
            str(work / "data"),
            str(time.time() + seconds),
            NIGHT.isoformat(),
            json.dumps(queries),
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _query_rows(out: str, start: float | None = None, end: float | None = None) -> list[dict]:
    """The reader's queries (its ``Q`` lines); with ``start``/``end``, those that overlap that span."""
    rows = [json.loads(line[2:]) for line in out.splitlines() if line.startswith("Q ")]
    if start is not None:
        rows = [r for r in rows if r["start"] + r["seconds"] >= start and r["start"] <= end]
    return rows


def _latencies(rows: list[dict]) -> dict:
    values = sorted(r["seconds"] for r in rows)
    errors = sum(1 for r in rows if not r["ok"])
    if not values:
        return {"n": 0, "errors": errors}
    return {
        "n": len(values),
        "errors": errors,
        "p50_ms": 1000 * statistics.median(values),
        "p95_ms": 1000 * values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))],
        "by_kind_p50_ms": {
            kind: round(1000 * statistics.median(r["seconds"] for r in rows if r["kind"] == kind))
            for kind in sorted({r["kind"] for r in rows})
        },
    }


def _publish(work: Path, night: dt.date) -> dict:
    from akhbar.lakehouse.publish import publish_night
    from akhbar.lakehouse.session import writer_session
    from akhbar.lakehouse.staging import StagedNight

    staged = StagedNight.load(_manifest(work, night))
    t0, c0 = time.perf_counter(), time.process_time()
    with writer_session(_settings(work), "bench publish", temp_dir=work / "duckdb-tmp") as con:
        t1 = time.perf_counter()
        figures = publish_night(con, staged)
    return {
        "seconds": time.perf_counter() - t0,
        "session_seconds": t1 - t0,
        "cpu_seconds": time.process_time() - c0,  # every DuckDB thread of the publishing process
        "articles": figures.articles,
    }


# Publishes of the first night, each into the same empty catalog: a publish lasts a few seconds and a
# reader's round of queries about one, so one publish overlaps two or three queries, and the p95 of
# three values is their maximum. Four rounds give a dozen.
PUBLISH_ROUNDS = 4


def _catalog_files(work: Path) -> list[Path]:
    catalog = Path(_settings(work).target)
    return [catalog.with_name(catalog.name + suffix) for suffix in ("", "-wal", "-shm")]


def _save_empty_catalog(work: Path) -> Path:
    """A copy of the freshly created (empty) SQLite catalog, to publish into again."""
    import sqlite3

    catalog = _catalog_files(work)[0]
    copy = work / "empty-catalog.sqlite"
    copy.unlink(missing_ok=True)
    with sqlite3.connect(catalog) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def _restore_catalog(work: Path, copy: Path) -> None:
    """The catalog as it was before the first publish. The staged files stay where they are: the
    publish registers them in place, it does not copy them."""
    for path in _catalog_files(work):
        path.unlink(missing_ok=True)
    shutil.copyfile(copy, _catalog_files(work)[0])


def _publish_with_reader(work: Path, queries: list[str]) -> tuple[dict, list[dict]]:
    """One publish of the first night with a reader querying before, during and after it; the
    reader's queries that overlap the publish."""
    reader = _reader(work, 3600, queries)
    seen = []
    while len([line for line in seen if line.startswith("Q ")]) < 3:  # the reader is up and answering
        seen.append(reader.stdout.readline())
    start = time.time()
    result = _publish(work, NIGHT)
    end = time.time()
    time.sleep(2)
    reader.terminate()
    out = "".join(seen) + reader.communicate()[0]
    return result, _query_rows(out, start, end)


def phase_publish(work: Path, n: int) -> dict:
    """The publish into an empty catalog, ``PUBLISH_ROUNDS`` times (the catalog restored to empty in
    between), with a reader querying meanwhile; the reader's idle latency is measured on the same
    catalog afterwards (the night published, nothing writing)."""
    from akhbar.lakehouse.session import writer_session

    queries = [q for _, q in query_words(load_texts(), 12)]
    with writer_session(_settings(work), "bench: create the catalog", temp_dir=work / "duckdb-tmp"):
        pass
    empty = _save_empty_catalog(work)
    rounds, during = [], []
    for round_ in range(PUBLISH_ROUNDS):
        if round_:
            _restore_catalog(work, empty)
        result, rows = _publish_with_reader(work, queries)
        rounds.append(result)
        during += rows
    idle = _reader(work, 25, queries)
    idle_rows = _query_rows(idle.communicate()[0])
    seconds = sorted(r["seconds"] for r in rounds)
    return {
        **rounds[-1],
        "seconds": statistics.median(seconds),
        "seconds_each": [round(s, 2) for s in seconds],
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in rounds),
        "reader_during_publish": _latencies(during),
        "reader_idle": _latencies(idle_rows),
    }


def phase_nightly(work: Path, n: int) -> dict:
    staged = _stage(work, NEXT_NIGHT)
    published = _publish(work, NEXT_NIGHT)
    return {
        "stage_seconds": staged["seconds"],
        "publish_seconds": published["seconds"],
        "seconds": staged["seconds"] + published["seconds"],
        "articles": published["articles"],
    }


def phase_search(work: Path, n: int, n_queries: int = 60) -> dict:
    from akhbar.lakehouse.connect import open_reader

    texts = load_texts()
    queries = query_words(texts, n_queries)
    con = open_reader(_settings(work))
    by_kind: dict[str, list[float]] = {}
    hits = []
    con.execute("SELECT * FROM search_articles(?)", ["warm up"]).fetchall()
    cpu: list[float] = []  # CPU time of the process (all DuckDB threads): what load cannot inflate
    for kind, q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        rows = con.execute("SELECT article_id, score FROM search_articles(?, k := 20)", [q]).fetchall()
        elapsed = time.perf_counter() - t0
        cpu.append(time.process_time() - c0)
        by_kind.setdefault(kind, []).append(elapsed)
        by_kind.setdefault("all", []).append(elapsed)
        hits.append(len(rows))
    out = {"queries": len(queries), "with_hits": sum(1 for h in hits if h)}
    for kind, values in sorted(by_kind.items()) + [("all_cpu", cpu)]:
        values.sort()
        out[kind] = {
            "n": len(values),
            "p50_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))],
            "max_ms": 1000 * values[-1],
        }
    con.close()
    return out


PHASES = {
    "make": phase_make,
    "stage": phase_stage,
    "validate": phase_validate,
    "publish": phase_publish,
    "nightly": phase_nightly,
    "search": phase_search,
}


def child(phase: str, work: Path, n: int, extra: dict) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    result = PHASES[phase](work, n, **extra)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result, default=str), flush=True)


def run_phase(phase: str, work: Path, n: int, extra: dict | None = None) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        phase,
        "--work",
        str(work),
        str(n),
        "--extra",
        json.dumps(extra or {}),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "include")}
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"phase {phase} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def bench(n: int, keep: Path | None, n_queries: int) -> None:
    work = keep / f"n{n}" if keep else Path(tempfile.mkdtemp(prefix=f"akhbar-bench-{n}-"))
    # A kept folder keeps its rows (the make phase) and loses the rest.
    for old in ("data", "quality", "duckdb-tmp", *(p.name for p in work.glob("staged-*.json"))):
        shutil.rmtree(work / old, ignore_errors=True) if (work / old).is_dir() else (work / old).unlink(
            missing_ok=True
        )
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"\n=== {n:,} articles in one night ({NIGHT}), then a night of {max(1, n // 30):,} "
        f"(work dir {work}; load average {load_average()} on {os.cpu_count()} cores)",
        flush=True,
    )
    try:
        for phase in ("make", "stage", "validate", "publish", "nightly", "search"):
            if phase == "make" and (work / f"night-{NIGHT}.parquet").exists():
                continue  # --keep: the rows made by an earlier run
            extra = {"n_queries": n_queries} if phase == "search" else {}
            result = run_phase(phase, work, n, extra)
            print(f"{phase:<9} {json.dumps(result, default=str)}  [load avg {load_average()}]", flush=True)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="keep the work dirs under this folder")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.work, args.sizes[0], json.loads(args.extra))
        return
    if not ANT.exists():
        print(f"skipped: ANT corpus not found at {ANT}")
        return
    for n in args.sizes:
        bench(n, args.keep, args.queries)


if __name__ == "__main__":
    main()
