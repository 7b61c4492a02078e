"""Time the nightly quality gate (akhbar.quality.validate_night) on synthetic nights.

    .venv/bin/python bench/bench_quality.py                 # 100,000 and 1,000,000 articles
    .venv/bin/python bench/bench_quality.py 100000 --keep   # one size, keep the quality dir

Each size runs in its own process so its peak RSS is its own. Per size it prints:
the GX import time, the build time of the synthetic night (not part of validation),
the first validation (creates the GX file context and Data Docs site) and a second
one (a re-run of the same night: the steady nightly case), and peak RSS before and
after validating. Child tables: 2 places, 1 date mention and 3 keywords per article.
"""

from __future__ import annotations

import argparse
import datetime
import json
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(n: int, keep: bool) -> dict:
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401 - imported first and timed apart: it costs seconds

    import_s = time.perf_counter() - t0
    from akhbar.quality import synthetic, validate_night

    dt = datetime.date(2026, 11, 20)
    t0 = time.perf_counter()
    night = synthetic.night(n, dt, seed=1)
    history = synthetic.history(dt, {f"src{i}": n // 8 for i in range(8)})
    build_s = time.perf_counter() - t0
    rss_before = _peak_mib()
    quality_dir = pathlib.Path(tempfile.mkdtemp(prefix="bench_quality_")) / "quality"
    runs = []
    for run_id in ("bench_first", "bench_rerun"):
        t0 = time.perf_counter()
        report = validate_night(
            dt=dt,
            run_id=run_id,
            articles=night["articles"],
            raw_count=night["raw_count"],
            quarantine=night["quarantine"],
            places=night["places"],
            dates=night["dates"],
            keywords=night["keywords"],
            history=history,
            quality_dir=quality_dir,
            raw=night["raw"],
        )
        runs.append(time.perf_counter() - t0)
        assert report.passed and report.warning_failures == 0, report.failures()
    out = {
        "articles": n,
        "child_rows": night["places"].num_rows + night["dates"].num_rows + night["keywords"].num_rows,
        "expectations": report.results.num_rows,
        "gx_import_s": round(import_s, 2),
        "synthetic_build_s": round(build_s, 2),
        "validate_first_s": round(runs[0], 2),
        "validate_rerun_s": round(runs[1], 2),
        "peak_rss_before_mib": round(rss_before),
        "peak_rss_after_mib": round(_peak_mib()),
        "data_docs": str(report.data_docs_index) if keep else None,
    }
    if not keep:
        shutil.rmtree(quality_dir.parent, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--keep", action="store_true", help="keep the quality dir (Data Docs)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.sizes[0], args.keep)))
        return
    print(
        f"{'articles':>10} {'child rows':>11} {'checks':>6} {'import s':>8} {'build s':>8}"
        f" {'1st run s':>9} {'re-run s':>8} {'RSS in MiB':>10} {'RSS peak MiB':>12}"
    )
    for n in args.sizes:
        cmd = [sys.executable, __file__, str(n), "--child"] + (["--keep"] if args.keep else [])
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(f"size {n} failed")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['articles']:>10,} {r['child_rows']:>11,} {r['expectations']:>6} {r['gx_import_s']:>8}"
            f" {r['synthetic_build_s']:>8} {r['validate_first_s']:>9} {r['validate_rerun_s']:>8}"
            f" {r['peak_rss_before_mib']:>10} {r['peak_rss_after_mib']:>12}"
            + (f"  {r['data_docs']}" if r["data_docs"] else "")
        )


if __name__ == "__main__":
    main()
