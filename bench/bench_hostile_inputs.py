"""What the costly inputs of issue 11 cost now: seconds and peak RSS of each, in its own process.

1. a 621-byte registry of YAML aliases (nine levels of nine): the issue measured 104 s and
   3.4 GB before it was refused with a 110 MB message;
2. a 51 KB ``.jsonl.gz`` inflating to 50 MB of newlines: 40 s of CPU, no cap;
3. five feed items on a host answering ``429 Retry-After: 999999`` (loopback server): about
   3 minutes per URL.

With ``--reference DIR`` (an ``include/`` folder of another revision, e.g. ``git archive
3fd3129 include | tar -x -C /tmp/ref``) each case also runs on that code in the same run, with
a time limit (``--limit`` seconds, default 240): the comparison the issue asks for.

    .venv/bin/python bench/bench_hostile_inputs.py [--reference /tmp/ref/include]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ("alias_bomb_registry", "newline_bomb_jsonl_gz", "retry_after_999999")


def alias_bomb_registry(tmp: Path) -> str:
    from akhbar.config import load_registry

    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp / "sources.yaml"
    path.write_text("\n".join(levels) + "\ndefaults: *a8\nsources: []\n", encoding="utf-8")
    try:
        load_registry(path)
    except Exception as exc:
        return f"refused, message of {len(str(exc))} characters ({path.stat().st_size}-byte registry)"
    return "accepted"


def newline_bomb_jsonl_gz(tmp: Path) -> str:
    import datetime as dt
    import gzip

    from akhbar.config import Source
    from akhbar.sources import fetch_source

    path = tmp / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n" * (50 * 1024 * 1024), compresslevel=9))
    rows = sum(
        b.num_rows for b in fetch_source(Source(id="bomb", kind="jsonl", path=path), dt=dt.date(2026, 11, 28))
    )
    return f"{rows} record(s) from a {path.stat().st_size}-byte file"


def retry_after_999999(tmp: Path) -> str:
    import datetime as dt
    import http.server
    import threading

    from akhbar.config import Source
    from akhbar.sources import fetch_source

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/feed.xml":
                items = "".join(f"<item><title>t{i}</title><link>/p/{i}</link></item>" for i in range(5))
                body = f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>".encode()
                self.send_response(200)
            else:
                body = b"later"
                self.send_response(429)
                self.send_header("Retry-After", "999999")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = Source(id="busy", kind="rss", url=f"http://127.0.0.1:{server.server_address[1]}/feed.xml")
        settings = source.settings
        if hasattr(settings, "replace"):  # this revision's typed settings
            source = Source(
                id="busy",
                kind="rss",
                url=source.url,
                settings=settings.replace(allow_private=True, robots=False),
            )
        else:  # an older revision: a dict of overrides
            source = Source(
                id="busy", kind="rss", url=source.url, settings={"allow_private": True, "robots": False}
            )
        rows = [r for b in fetch_source(source, dt=dt.date(2026, 11, 28)) for r in b.to_pylist()]
    finally:
        server.shutdown()
    return "errors: " + ", ".join(sorted({(r["error"] or "ok").split(":")[0] for r in rows}))


def measure(case: str) -> dict:
    import pandas  # noqa: F401 - imported before the clock starts (Arrow imports it on first use)

    import akhbar.config
    import akhbar.sources  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        outcome = globals()[case](Path(tmp))
        seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "outcome": outcome,
    }


def run(case: str, include: Path | None, limit: float) -> dict:
    env = dict(os.environ)
    if include is not None:
        env["PYTHONPATH"] = str(include)
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", case],
            env=env,
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": f">{limit:.0f}", "peak_rss_mb": "?", "outcome": "stopped at the time limit"}
    if proc.returncode != 0:
        return {
            "seconds": "?",
            "peak_rss_mb": "?",
            "outcome": "failed: " + proc.stderr.strip().splitlines()[-1][:120],
        }
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", type=Path, help="include/ folder of the revision to compare with")
    parser.add_argument("--limit", type=float, default=240.0, help="seconds allowed per case and revision")
    parser.add_argument("--measure", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    revisions = [("this revision", None)] + ([("reference", args.reference)] if args.reference else [])
    for case in CASES:
        for label, include in revisions:
            r = run(case, include, args.limit)
            print(
                f"{case:<24} {label:<14} {r['seconds']:>8} s  peak RSS {r['peak_rss_mb']:>6} MB  {r['outcome']}"
            )


if __name__ == "__main__":
    main()
