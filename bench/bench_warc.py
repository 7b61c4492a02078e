"""WARC streaming throughput and memory: records/s and peak RSS at two file sizes.

A large WARC is made by repeating the real records of ../shared/corpus/warc/dolma
(gzip member per record, like real crawls); fetch_source streams it. Each size runs in
its own process so that the peak RSS of one does not hide the other: flat memory means
the peak does not grow with the file.

    .venv/bin/python bench/bench_warc.py [--records 20000]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("AKHBAR_CORPUS", ROOT.parent / "shared" / "corpus"))


def build(target: Path, n_responses: int) -> int:
    """Write a WARC with about n_responses HTML responses (plus their requests)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    records = []
    for path in sorted((CORPUS / "warc" / "dolma").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("request", "response"):
                    records.append(
                        (rec.rec_type, rec.rec_headers, rec.http_headers, rec.content_stream().read())
                    )
    import io

    written = 0
    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        while written < n_responses:
            for rec_type, rec_headers, http_headers, payload in records:
                uri = rec_headers.get_header("WARC-Target-URI").strip("<>") + f"?copy={written}"
                record = writer.create_warc_record(
                    uri, rec_type, payload=io.BytesIO(payload), http_headers=http_headers
                )
                writer.write_record(record)
                written += rec_type == "response"
    return written


def measure(path: Path) -> dict:
    from akhbar.config import Source
    from akhbar.sources import fetch_source

    source = Source(id="bench", kind="warc", path=path)
    start = time.perf_counter()
    records = 0
    body_bytes = 0
    rss_after_first = None
    for batch in fetch_source(source, dt=_dt.date(2024, 1, 1)):
        records += batch.num_rows
        body_bytes += batch.column("body").nbytes
        if rss_after_first is None:
            rss_after_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = time.perf_counter() - start
    return {
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "records": records,
        "seconds": round(seconds, 2),
        "records_per_s": round(records / seconds, 1),
        "payload_mb_per_s": round(body_bytes / 2**20 / seconds, 1),
        "peak_rss_mb_after_first_batch": round(rss_after_first or 0, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20000, help="HTML responses in the large file")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if not (CORPUS / "warc" / "dolma").is_dir():
        sys.exit(f"real corpus not found at {CORPUS}: nothing to benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for n in (args.records // 4, args.records):
            path = Path(tmp) / f"bench-{n}.warc.gz"
            build(path, n)
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=True
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            path.unlink()
    for r in results:
        print(
            f"{r['records']:>7} records  {r['file_mb']:>7} MB gz  {r['records_per_s']:>8} records/s  "
            f"{r['payload_mb_per_s']:>6} MB/s payload  peak RSS {r['peak_rss_mb']} MB "
            f"(after first batch {r['peak_rss_mb_after_first_batch']} MB)"
        )
    small, large = results
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    print(
        f"memory: {large['records'] / small['records']:.0f}x the records -> peak RSS +{growth:.1f} MB "
        f"({'flat' if growth < 0.25 * small['peak_rss_mb'] else 'NOT flat'})"
    )


if __name__ == "__main__":
    main()
