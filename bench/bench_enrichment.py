"""Enrichment speed on ~2,000 real ANT articles, one core.

.venv/bin/python bench/bench_enrichment.py [N]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import TARBALL, ant_docs


def main() -> int:
    if not TARBALL.exists():
        print(f"SKIP: {TARBALL} not found (the shared corpus is not on this machine)")
        return 0
    from akhbar.cleaning import search_key
    from akhbar.enrichment import enrich, keywords, langid, places, textstats
    from akhbar.schema import CLEANED_DOCUMENT

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    now = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    rows = []
    for docno, cat, title, text in ant_docs():
        if len(rows) >= n:
            break
        if not text:
            continue
        rows.append(
            {
                "record_id": docno,
                "source_id": "ant",
                "url": None,
                "canonical_url": None,
                "title": title,
                "text": text,
                "authors": None,
                "category_raw": cat,
                "published_raw": None,
                "published_at": now,
                "date_source": "dump",
                "fetched_at": now,
                "lang_hint": "ar",
                "tz_hint": None,
                "text_search": search_key(text),
                "content_hash": "x",
                "letter_ratio": 0.9,
                "repeated_line_ratio": 0.0,
                "is_fragment": False,
                "is_short": False,
                "is_mostly_nonletters": False,
                "is_repetitive": False,
            }
        )
    table = pa.Table.from_pylist(rows, schema=CLEANED_DOCUMENT)
    texts = [r["text"] for r in rows]
    mean_kb = sum(len(t.encode()) for t in texts) / len(texts) / 1024
    print(f"{len(rows)} ANT articles, mean {mean_kb:.1f} KiB")
    langid.detect("warm up")
    places.gazetteer()
    keywords.stopwords()
    df = keywords.DocFreq.from_texts(table.column("text_search").to_pylist())

    def per_article(label, fn):
        t0 = time.perf_counter()
        for x in texts:
            fn(x)
        us = (time.perf_counter() - t0) / len(texts) * 1e6
        print(f"  {label:<10} {us:7.1f} us/article")

    per_article("langid", langid.detect)
    per_article("places", places.find_places)
    keys = table.column("text_search").to_pylist()
    t0 = time.perf_counter()
    for k in keys:
        keywords.top_keywords(k, df)
    print(f"  {'keywords':<10} {(time.perf_counter() - t0) / len(keys) * 1e6:7.1f} us/article")
    per_article("counts", textstats.text_stats)

    from akhbar.enrichment import enrichers

    for with_dates in (False, True):
        chosen = [e for e in enrichers() if with_dates or e.name != "date mentions"]
        t0 = time.perf_counter()
        res = enrich(table, dt=dt.date(2017, 1, 2), doc_freq=df, only=chosen)
        sec = time.perf_counter() - t0
        label = "enrich() with date mentions" if with_dates else "enrich() without date mentions"
        print(
            f"{label}: {len(rows) / sec:,.0f} articles/s ({sec / len(rows) * 1e6:.0f} us/article); "
            f"places rows {res.places.num_rows}, keyword rows {res.keywords.num_rows}, date rows {res.dates.num_rows}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
