"""Cleaning speed on real ANT articles (Jawhara FM): prints articles/s for each step.

Run from the project root: .venv/bin/python bench/bench_cleaning.py [N]
Reads ../shared/corpus/ant/ant-v1.1.tar.gz; exits with a message when it is absent.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import TARBALL as ANT
from corpus import ant_docs


def load(limit: int) -> list[tuple[str, str]]:
    """(title, text) of the first ``limit`` ANT articles with a text."""
    out = []
    for _, _, title, text in ant_docs():
        if text:
            out.append((title, text))
        if len(out) >= limit:
            break
    return out


def rate(label: str, func, items, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(item)
        best = min(best, time.perf_counter() - start)
    print(f"{label:<28} {len(items) / best:>10,.0f} articles/s  {best / len(items) * 1e6:7.1f} us/article")


def main() -> None:
    if not ANT.exists():
        print(f"skipped: ANT corpus not found at {ANT}")
        return
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    start = time.perf_counter()
    from akhbar import cleaning
    from akhbar.schema import DOCUMENT

    print(f"import akhbar.cleaning: {time.perf_counter() - start:.2f} s (character classes built once)")
    docs = load(limit)
    texts = [t for _, t in docs]
    sizes = [len(t.encode()) for t in texts]
    print(
        f"{len(texts)} ANT articles, mean {statistics.mean(sizes):,.0f} bytes, {statistics.mean(map(len, texts)):,.0f} chars"
    )
    cleaned = [cleaning.clean_text(t) for t in texts]
    rate("clean_text", cleaning.clean_text, texts)
    rate("search_key (of clean text)", cleaning.search_key, cleaned)
    rate("measure", cleaning.measure, cleaned)
    rate("clean_title", cleaning.clean_title, [t for t, _ in docs])

    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    rows = [
        {"record_id": str(i), "source_id": "ant", "title": title, "text": text, "fetched_at": now}
        for i, (title, text) in enumerate(docs)
    ]
    import pyarrow as pa

    table = pa.Table.from_pylist(rows, schema=DOCUMENT)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        out, rejected, counts = cleaning.clean_documents(table, dt.date(2024, 1, 1))
        best = min(best, time.perf_counter() - start)
    print(
        f"{'clean_documents (table)':<28} {table.num_rows / best:>10,.0f} articles/s  {best / table.num_rows * 1e6:7.1f} us/article"
    )
    print(
        f"kept {out.num_rows}, quarantined {rejected.num_rows} {counts.extra['reasons']}, changed {counts.changed}"
    )
    print(f"flags {counts.extra['flags']}")
    ratios = sorted(out.column("letter_ratio").to_pylist())
    print(f"letter_ratio p5 {ratios[len(ratios) // 20]:.3f} median {ratios[len(ratios) // 2]:.3f}")


if __name__ == "__main__":
    main()
