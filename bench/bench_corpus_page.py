"""Latency of the Corpus page's queries on a big warehouse (default 1,000,000 articles).

Builds a synthetic warehouse with DuckDB SQL (no pipeline): a year of nights, 12 sources, ar/fr/en
texts drawn from a small vocabulary, 5% duplicates, 3% quarantined records, 40 quality results
and 14 stage rows per night; then the full-text indexes with akhbar.warehouse. Then times what the
page's API runs: corpus_stats (every chart, the latest quality results), search (top 20), and the
whole HTML page, each opening the file read-only as a request does. Prints p50/p95.

    .venv/bin/python bench/bench_corpus_page.py [--articles N] [--reps R] [--keep DIR]
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
sys.path.insert(0, str(ROOT / "plugins"))

from akhbar import corpus_stats, warehouse

END = dt.date(2026, 11, 28)
NIGHTS = 365
WORDS = {
    "ar": [
        "تونس",
        "الحكومة",
        "العراق",
        "الميزانية",
        "الانتخابات",
        "القوات",
        "المغرب",
        "الجزائر",
        "مصر",
        "الاقتصاد",
        "الرياضة",
        "الطقس",
        "أمطار",
        "الرئيس",
        "البرلمان",
        "وزارة",
        "الصحة",
        "التعليم",
        "النقل",
        "الميناء",
        "السياحة",
        "الفلاحة",
        "الماء",
        "الكهرباء",
        "الشباب",
        "المدينة",
        "الجامعة",
        "المحكمة",
        "الشرطة",
        "السوق",
        "الأسعار",
        "النفط",
        "الغاز",
        "البنك",
        "الدينار",
        "الأسبوع",
        "اليوم",
        "أمس",
        "غدا",
    ],
    "fr": [
        "gouvernement",
        "élections",
        "budget",
        "tunisie",
        "maroc",
        "algérie",
        "économie",
        "sport",
        "météo",
        "pluie",
        "président",
        "parlement",
        "ministère",
        "santé",
        "éducation",
        "transport",
        "port",
        "tourisme",
        "agriculture",
        "eau",
        "électricité",
        "jeunesse",
        "ville",
        "université",
        "tribunal",
        "police",
        "marché",
        "prix",
        "pétrole",
        "gaz",
        "banque",
        "semaine",
        "hier",
        "demain",
    ],
    "en": [
        "government",
        "elections",
        "budget",
        "tunisia",
        "morocco",
        "algeria",
        "economy",
        "sport",
        "weather",
        "rain",
        "president",
        "parliament",
        "ministry",
        "health",
        "education",
        "transport",
        "harbour",
        "tourism",
        "farming",
        "water",
        "power",
        "youth",
        "city",
        "university",
        "court",
        "police",
        "market",
        "prices",
        "oil",
        "gas",
        "bank",
        "week",
        "yesterday",
        "tomorrow",
    ],
}


def build(db: Path, n_articles: int) -> dict:
    timings = {}
    t0 = time.perf_counter()
    con = warehouse.connect(db)
    warehouse.ensure_schema(con)
    per_night = max(1, n_articles // NIGHTS)
    con.execute("SET preserve_insertion_order = false")
    # 12 sources; language by id: 55% ar, 25% fr, 20% en; text of 12 to 40 words from the vocabulary.
    con.execute(
        f"""
        CREATE TEMP TABLE gen AS
        SELECT i,
               DATE '{END}' - CAST(i // {per_night} AS INTEGER) AS dt,
               'src-' || lpad(CAST(hash(i, 's') % 12 AS VARCHAR), 2, '0') AS source_id,
               CASE WHEN hash(i, 'l') % 100 < 55 THEN 'ar' WHEN hash(i, 'l') % 100 < 80 THEN 'fr' ELSE 'en' END AS lang,
               12 + CAST(hash(i, 'n') % 29 AS INTEGER) AS n
        FROM range({n_articles}) t(i)
        """
    )
    pick = " ".join(
        f"WHEN '{lang}' THEN array_to_string(list_transform(range(n), k -> ($w_{lang})[CAST(1 + hash(i, k) % {len(w)} AS BIGINT)]), ' ')"
        for lang, w in WORDS.items()
    )
    con.execute(
        f"CREATE TEMP TABLE texts AS SELECT i, CASE lang {pick} END AS text FROM gen",
        {f"w_{lang}": w for lang, w in WORDS.items()},
    )
    con.execute(
        """
        INSERT INTO articles (article_id, record_id, source_id, url, title, text, text_search, lang, published_at,
                              fetched_at, dt, content_hash, n_words, cluster_id)
        SELECT 'a' || g.i, 'r' || g.i, g.source_id, 'https://news.test/' || g.i,
               split_part(t.text, ' ', 1) || ' ' || split_part(t.text, ' ', 2) || ' ' || split_part(t.text, ' ', 3),
               t.text, t.text, g.lang, g.dt::TIMESTAMPTZ + INTERVAL 8 HOUR, g.dt::TIMESTAMPTZ + INTERVAL 26 HOUR,
               g.dt, md5(t.text), g.n, 'a' || g.i
        FROM gen g JOIN texts t USING (i) ORDER BY g.dt, g.i
        """
    )
    con.execute(
        f"""INSERT INTO duplicates SELECT 'd' || i, 'a' || (i * 7 % {n_articles}), 'a' || (i * 7 % {n_articles}),
                   'near', 0.9, 'src-' || lpad(CAST(i % 12 AS VARCHAR), 2, '0'), NULL, NULL,
                   DATE '{END}' - CAST(i * 20 // {per_night} AS INTEGER)
            FROM range({n_articles // 20}) t(i)"""
    )
    con.execute(
        f"""INSERT INTO quarantine SELECT 'q' || i, 'src-' || lpad(CAST(i % 12 AS VARCHAR), 2, '0'), 'extract',
                   CASE WHEN i % 3 = 0 THEN 'empty_body' ELSE 'not_html' END, NULL, NULL,
                   DATE '{END}' - CAST(i * 33 // {per_night} AS INTEGER)
            FROM range({n_articles * 3 // 100}) t(i)"""
    )
    con.execute(
        f"""INSERT INTO dq_results
            SELECT 'run-' || d, DATE '{END}' - CAST(d AS INTEGER), 'akhbar_suite_' || (k % 8), 'expect_' || k, 'col' || k,
                   CASE WHEN k < 30 THEN 'critical' ELSE 'warning' END, hash(d, k) % 25 <> 0, '{{}}', 'details',
                   (DATE '{END}' - CAST(d AS INTEGER))::TIMESTAMPTZ + INTERVAL 27 HOUR
            FROM range({NIGHTS}) a(d), range(40) b(k)"""
    )
    con.execute(
        f"""INSERT INTO runs
            SELECT 'run-' || d, DATE '{END}' - CAST(d AS INTEGER), 'stage' || k, 1000, 990, 5, 5, 0, 0.5 + hash(d, k) % 300 / 10.0,
                   NULL, (DATE '{END}' - CAST(d AS INTEGER))::TIMESTAMPTZ + INTERVAL 27 HOUR
            FROM range({NIGHTS}) a(d), range(14) b(k)"""
    )
    timings["tables_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    warehouse.rebuild_search_index(con)
    con.execute("CHECKPOINT")
    timings["fts_index_s"] = time.perf_counter() - t1
    timings["articles"] = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    return timings


def timed(fn, reps: int) -> tuple[float, float, object]:
    out, samples = None, []
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the warehouse in this folder")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="akhbar-bench-corpus-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "warehouse.duckdb"
    if db.exists() and args.keep:
        print(f"reusing {db}")
    else:
        if db.exists():
            db.unlink()
        figures = build(db, args.articles)
        print(
            f"built {figures['articles']:,} articles in {figures['tables_s']:.1f} s; "
            f"fts indexes {figures['fts_index_s']:.1f} s ({db}, {db.stat().st_size / 2**20:.0f} MiB)"
        )

    from akhbar_corpus import page

    corpus_stats.corpus_stats(db)  # first call imports what DuckDB needs; not a page's cost
    rows = []
    p50, p95, stats = timed(lambda: corpus_stats.corpus_stats(db), args.reps)
    rows.append(("stats: 30 nights, every chart + latest quality", p50, p95))
    p50, p95, _ = timed(lambda: corpus_stats.corpus_stats(db, nights=366), max(5, args.reps // 4))
    rows.append(("stats: 366 nights", p50, p95))
    for term in ("تونس", "élections", "budget", "الحكومة الميزانية", "zzzz-no-such-word"):
        p50, p95, found = timed(lambda term=term: corpus_stats.search(db, term), args.reps)
        rows.append((f"search {term!r} ({found['count']} hits, LIMIT {corpus_stats.SEARCH_LIMIT})", p50, p95))
    p50, p95, _ = timed(lambda: page.render(corpus_stats.corpus_stats(db), nonce="n"), args.reps)
    rows.append(("page: stats + HTML with SVG charts", p50, p95))
    width = max(len(r[0]) for r in rows)
    print(f"{'query':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}   ({args.reps} runs, read-only open per call)")
    for name, a, b in rows:
        print(f"{name:<{width}}  {a * 1000:8.1f}  {b * 1000:8.1f}")
    print(
        f"window {stats['window']['start']}..{stats['window']['end']}: "
        f"{sum(r['articles'] for r in stats['nightly_rates']):,} articles in the 30 nights"
    )


if __name__ == "__main__":
    main()
