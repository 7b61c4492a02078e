"""Lake write, quality gate, warehouse load and full-text search at 100,000 and 1,000,000 articles.

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

  make       (not a pipeline figure) the rows, saved to Parquet for the write phase; the child
             tables (places, dates, keywords) are those the project's enrichment finds in each
             real text, repeated for every article made from it
  write      akhbar.lake.write_partition of the night's five tables (one night of N articles),
             streamed from the files
  validate   akhbar.quality.validate_night of that night in one call (every suite, Data Docs)
  load       akhbar.warehouse.load_night of that night into an empty warehouse
             (the transaction, then the search index rebuild, timed apart)
  nightly    one more night of N/30 articles loaded on top (the steady nightly case:
             only that night's documents are tokenised)
  search     search_articles(q) for real words drawn from the corpus, p50/p95 per query kind,
             and the extension's own match_bm25 on the same index for comparison

Targets on the 2-core machine: load of 1,000,000 articles within 2 minutes, validation within
1 minute, full-text queries within 200 ms at the 95th percentile, memory under 4 GB.
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
from corpus import CORPUS, TARBALL as ANT, ant_docs  # noqa: E402
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

    when = dt.datetime.combine(night, dt.time(3, 0), dt.timezone.utc)
    rows = [{"record_id": f"text-{i}", "source_id": source, "url": None, "canonical_url": None, "title": title,
             "text": text, "authors": None, "category_raw": None, "published_raw": None, "published_at": when,
             "date_source": "dump", "fetched_at": when, "lang_hint": lang, "tz_hint": None,
             "text_search": search_key(text), "content_hash": f"h{i}", "letter_ratio": 0.9,
             "repeated_line_ratio": 0.0, "is_fragment": False, "is_short": False, "is_mostly_nonletters": False,
             "is_repetitive": False} for i, (lang, source, title, text) in enumerate(texts)]
    cleaned = pa.Table.from_pylist(rows, schema=CLEANED_DOCUMENT)
    result = enrich(cleaned, dt=night, doc_freq=DocFreq.from_texts(cleaned.column("text_search")))
    # enrich keeps the input order: the i-th article is the i-th text.
    ids = result.articles.column("article_id")
    return {name: table.append_column("text_index", pc.index_in(table.column("article_id"), value_set=ids))
            for name, table in (("article_places", result.places), ("article_dates", result.dates),
                                ("article_keywords", result.keywords))}


def children_of(night_table, picks: list[int], children: dict) -> dict:
    """Each article's child rows: those of the text it was made from, under its own id."""
    import pyarrow as pa

    from akhbar.schema import ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    schemas = {"article_places": ARTICLE_PLACES, "article_dates": ARTICLE_DATES, "article_keywords": ARTICLE_KEYWORDS}
    articles = pa.table({"new_id": night_table.column("article_id"), "text_index": pa.array(picks, pa.int32()),
                         "night": night_table.column("dt")})
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
    fetched = dt.datetime.combine(night, dt.time(3, 0), dt.timezone.utc)
    start = dt.datetime.combine(night - dt.timedelta(days=29), dt.time(0, 0), dt.timezone.utc)
    cols: dict[str, list] = {name: [] for name in ARTICLE.names}
    pools = {"ar": [t for t in texts if t[0] == "ar"], "en": [t for t in texts if t[0] == "en"]}
    pools = {lang: pool for lang, pool in pools.items() if pool}
    # Mostly Arabic: 88% ar, 12% en (when the English Ahram texts are there).
    index = {id(t): i for i, t in enumerate(texts)}
    picks = [rng.choice(pools["en"] if "en" in pools and rng.random() < EN_SHARE else pools["ar"]) for _ in range(n)]
    for i, (lang, source, title, text) in enumerate(picks):
        k = offset + i
        aid = hashlib.blake2b(f"bench:{k}".encode(), digest_size=8).hexdigest()
        src = f"{source}-{k % 7}"
        published = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        row = {
            "article_id": aid, "record_id": "r" + aid, "source_id": src,
            "url": f"https://{src}.example/{night:%Y/%m/%d}/{aid}", "canonical_url": None,
            "title": title, "text": text, "text_search": text, "authors": None, "lang": lang,
            "lang_score": 0.99, "title_lang": lang, "title_lang_score": 0.95, "published_at": published,
            "date_source": "metadata", "fetched_at": fetched, "dt": night, "content_hash": aid * 4,
            "category_raw": None, "category": None, "main_country": None, "n_chars": len(text),
            "n_words": text.count(" ") + 1, "n_sentences": text.count(".") + 1,
            "reading_minutes": (text.count(" ") + 1) / 200.0, "letter_ratio": 0.8, "repeated_line_ratio": 0.0,
            "is_fragment": False, "is_short": False, "is_mostly_nonletters": False, "is_repetitive": False,
            "cluster_id": aid, "duplicate_of": None, "duplicate_kind": None, "similarity": None,
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
        common, rare = ranked[: max(1, len(ranked) // 50)], ranked[len(ranked) // 50:]
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
def _lake(work: Path) -> Path:
    return work / "lake"


def phase_make(work: Path, n: int) -> dict:
    """Not timed as a pipeline figure: the night's rows, saved for the write phase."""
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    texts = load_texts()
    children = enrich_texts(texts, NIGHT)
    out = {"distinct_texts": len(texts)}
    for night, size, offset in ((NIGHT, n, 0), (NEXT_NIGHT, max(1, n // 30), n)):
        table, picks = make_night(texts, size, night, offset=offset)
        # Row groups of the lake's size, as the pipeline's own work files (pipeline._atomic_write).
        pq.write_table(table, work / f"night-{night}.parquet", row_group_size=65_536)
        for name, rows in children_of(table, picks, children).items():
            pq.write_table(rows, work / f"{name}-{night}.parquet", row_group_size=65_536)
            out[f"{name}_rows" + ("" if night == NIGHT else "_next")] = rows.num_rows
    return {"seconds": time.perf_counter() - t0, **out}


def phase_write(work: Path, n: int) -> dict:
    import pyarrow.dataset as ds

    from akhbar import lake
    from akhbar.schema import ARTICLE, LAKE_TABLES

    def night_files(night):
        # Streamed from the files, as pipeline.write_lake streams the dedup stage's work file.
        yield "articles", ds.dataset(work / f"night-{night}.parquet", format="parquet", schema=ARTICLE)
        yield "quarantine", LAKE_TABLES["quarantine"].empty_table()
        for name in ("article_places", "article_dates", "article_keywords"):
            yield name, ds.dataset(work / f"{name}-{night}.parquet", format="parquet", schema=LAKE_TABLES[name])

    t0 = time.perf_counter()
    for name, data in night_files(NIGHT):
        lake.write_partition(_lake(work), name, NIGHT, data)
    seconds = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in _lake(work).rglob("*.parquet"))
    # The next night is written here too (not timed): the `nightly` phase loads it.
    for name, data in night_files(NEXT_NIGHT):
        lake.write_partition(_lake(work), name, NEXT_NIGHT, data)
    articles = lake.scan_partition(_lake(work), "articles", NIGHT)
    by_lang = articles.to_table(columns=["lang"]).group_by("lang").aggregate([("lang", "count")])
    langs = dict(zip(by_lang.column("lang").to_pylist(), by_lang.column("lang_count").to_pylist()))
    return {"seconds": seconds, "rows": articles.count_rows(), "lake_mb": size / 2**20, "langs": langs}


def phase_validate(work: Path, n: int) -> dict:
    from akhbar import lake
    from akhbar.quality import validate_night

    articles = lake.scan_partition(_lake(work), "articles", NIGHT)  # as pipeline.validate reads it
    t0 = time.perf_counter()
    report = validate_night(
        dt=NIGHT, run_id="bench", articles=articles, raw_count=articles.count_rows(),
        quarantine=lake.read_partition(_lake(work), "quarantine", NIGHT),
        places=lake.read_partition(_lake(work), "article_places", NIGHT),
        dates=lake.read_partition(_lake(work), "article_dates", NIGHT),
        keywords=lake.read_partition(_lake(work), "article_keywords", NIGHT),
        history=None, quality_dir=work / "quality",
    )
    return {"seconds": time.perf_counter() - t0, "passed": report.passed,
            "critical_failures": report.critical_failures, "warning_failures": report.warning_failures,
            "failed": [r["expectation"] + ":" + str(r["column"]) for r in report.failures()]}


def _cap_duckdb_memory(limit: str | None) -> None:
    """--duckdb-memory-limit: what setting memory_limit in warehouse.connect would give."""
    from akhbar import warehouse

    if not limit:
        return
    connect = warehouse.connect

    def capped(*args, **kwargs):
        con = connect(*args, **kwargs)
        con.execute("SET memory_limit = ?", [limit])
        return con

    warehouse.connect = capped


def _timed_load(work: Path, night: dt.date, memory_limit: str | None = None) -> dict:
    from akhbar import warehouse

    _cap_duckdb_memory(memory_limit)

    spent = {"rebuild_seconds": 0.0}
    original = warehouse.rebuild_search_index

    def timed(con, *args, **kwargs):
        t = time.perf_counter()
        try:
            return original(con, *args, **kwargs)
        finally:
            spent["rebuild_seconds"] += time.perf_counter() - t

    warehouse.rebuild_search_index = timed
    t0 = time.perf_counter()
    figures = warehouse.load_night(work / "warehouse.duckdb", lake_root=_lake(work), dt=night)
    total = time.perf_counter() - t0
    warehouse.rebuild_search_index = original
    return {"seconds": total, "transaction_seconds": total - spent["rebuild_seconds"], **spent,
            "articles": figures["articles"],
            "db_mb": (work / "warehouse.duckdb").stat().st_size / 2**20}


def phase_load(work: Path, n: int, memory_limit: str | None = None) -> dict:
    return _timed_load(work, NIGHT, memory_limit)


def phase_nightly(work: Path, n: int, memory_limit: str | None = None) -> dict:
    return _timed_load(work, NEXT_NIGHT, memory_limit)


def phase_search(work: Path, n: int, n_queries: int = 60) -> dict:
    from akhbar import warehouse

    texts = load_texts()
    queries = query_words(texts, n_queries)
    con = warehouse.connect(work / "warehouse.duckdb", read_only=True)
    by_kind: dict[str, list[float]] = {}
    hits = []
    con.execute("SELECT * FROM search_articles(?)", ["warm up"]).fetchall()
    for kind, q in queries:
        t0 = time.perf_counter()
        rows = con.execute("SELECT article_id, score FROM search_articles(?, k := 20)", [q]).fetchall()
        elapsed = time.perf_counter() - t0
        by_kind.setdefault(kind, []).append(elapsed)
        by_kind.setdefault("all", []).append(elapsed)
        hits.append(len(rows))
    out = {"queries": len(queries), "with_hits": sum(1 for h in hits if h)}
    for kind, values in sorted(by_kind.items()):
        values.sort()
        out[kind] = {"n": len(values), "p50_ms": 1000 * statistics.median(values),
                     "p95_ms": 1000 * values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))],
                     "max_ms": 1000 * values[-1]}
    # The documented query of the extension over the same index, on a few of the queries.
    has_fts = con.execute("SELECT count(*) FROM duckdb_functions() WHERE schema_name = 'fts_main_search_ar' "
                          "AND function_name = 'match_bm25'").fetchone()[0]
    if has_fts:
        ext = []
        for _, q in queries[:: max(1, len(queries) // 10)]:
            t0 = time.perf_counter()
            con.execute(
                """SELECT article_id, score FROM (SELECT article_id,
                   fts_main_search_ar.match_bm25(article_id, akhbar_fold(?)) AS score FROM search_ar)
                   WHERE score IS NOT NULL ORDER BY score DESC LIMIT 20""", [q]).fetchall()
            ext.append(time.perf_counter() - t0)
        ext.sort()
        out["match_bm25_ar_only"] = {"n": len(ext), "p50_ms": 1000 * statistics.median(ext),
                                     "max_ms": 1000 * ext[-1]}
    con.close()
    return out


PHASES = {"make": phase_make, "write": phase_write, "validate": phase_validate, "load": phase_load, "nightly": phase_nightly,
          "search": phase_search}


def child(phase: str, work: Path, n: int, extra: dict) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    result = PHASES[phase](work, n, **extra)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result, default=str), flush=True)


def run_phase(phase: str, work: Path, n: int, extra: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--work", str(work), str(n),
           "--extra", json.dumps(extra or {})]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "include")})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"phase {phase} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def bench(n: int, keep: Path | None, n_queries: int, memory_limit: str | None) -> None:
    work = keep / f"n{n}" if keep else Path(tempfile.mkdtemp(prefix=f"akhbar-bench-{n}-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    print(f"\n=== {n:,} articles in one night ({NIGHT}), then a night of {max(1, n // 30):,} "
          f"(work dir {work}; load average {load_average()} on {os.cpu_count()} cores)", flush=True)
    try:
        for phase in ("make", "write", "validate", "load", "nightly", "search"):
            extra = {"n_queries": n_queries} if phase == "search" else {}
            if phase in ("load", "nightly"):
                extra["memory_limit"] = memory_limit
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
    parser.add_argument("--duckdb-memory-limit", help="SET memory_limit on the warehouse connections of the load "
                        "phases (what a memory_limit in warehouse.connect would give), e.g. 3GB")
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
        bench(n, args.keep, args.queries, args.duckdb_memory_limit)


if __name__ == "__main__":
    main()
