"""Command line: ``akhbar run`` (a night without Airflow), ``akhbar sql``, ``akhbar sources``."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import sys
from pathlib import Path

from akhbar.config import ConfigError, default_data_dir, default_sources_path


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _yesterday() -> _dt.date:
    return _dt.date.today() - _dt.timedelta(days=1)


def cmd_run(args) -> int:
    from akhbar.pipeline import RunContext, run_night
    from akhbar.report import render

    ctx = RunContext(dt=args.date, data_dir=args.data_dir, sources_path=args.sources, reprocess=args.reprocess)
    summary = run_night(ctx, refetch=args.refetch)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(summary, examples=not args.no_examples))
    return 1 if summary.get("failed_sources") else 0  # a failed source fails the run (like its Airflow task)


def cmd_sql(args) -> int:
    from akhbar import warehouse
    from akhbar.report import _table

    db = args.db or (args.data_dir / "warehouse.duckdb")
    names, rows = warehouse.query(db, args.query)
    if args.json:
        print(json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False, default=str, indent=1))
    else:
        print(_table(names, rows, width=args.width))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def cmd_summary(args) -> int:
    from akhbar.pipeline import RunContext
    from akhbar.report import render, summarize

    from akhbar import warehouse
    from akhbar.pipeline import check_accounting

    db = Path(args.data_dir) / "warehouse.duckdb"
    _, last = warehouse.query(db, "SELECT run_id FROM runs WHERE dt = ? AND stage = 'report' "
                                  "ORDER BY recorded_at DESC LIMIT 1", [args.date])
    if not last:
        raise FileNotFoundError(f"night {args.date} has not been processed into {db}")
    ctx = RunContext(dt=args.date, data_dir=args.data_dir, sources_path=args.sources, run_id=last[0][0])

    print(render(summarize(ctx, check_accounting(ctx))))
    return 0


def cmd_sources(args) -> int:
    from akhbar.config import load_registry

    registry = load_registry(args.sources)
    for s in registry.sources:
        where = s.url or (str(s.path) if s.path else f"{len(s.urls)} urls")
        print(f"{'+' if s.enabled else '-'} {s.id:<24} {s.kind:<8} {s.lang or '':<3} {where}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress lines")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, *, date=True):
        p.add_argument("--sources", type=Path, default=default_sources_path(),
                       help="source registry YAML (default: $AKHBAR_SOURCES or include/config/sources.yaml)")
        p.add_argument("--data-dir", type=Path, default=default_data_dir(),
                       help="data dir (default: $AKHBAR_DATA_DIR or ./data)")
        if date:
            p.add_argument("--date", type=_date, default=_yesterday(),
                           help="the night to process, YYYY-MM-DD (default: yesterday)")

    run = sub.add_parser("run", help="run one night's stages in-process, without Airflow")
    common(run)
    run.add_argument("--reprocess", action="store_true", help="rebuild from the raw zone, never fetch")
    run.add_argument("--refetch", action="store_true", help="fetch again even if the raw zone has the night")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.add_argument("--no-examples", action="store_true", help="do not run the example queries")
    run.set_defaults(func=cmd_run)

    sql = sub.add_parser("sql", help="run a read-only SQL query against the warehouse")
    sql.add_argument("query")
    common(sql, date=False)
    sql.add_argument("--db", type=Path, help="warehouse file (default: <data-dir>/warehouse.duckdb)")
    sql.add_argument("--json", action="store_true")
    sql.add_argument("--width", type=int, default=60, help="truncate cells to this many characters")
    sql.set_defaults(func=cmd_sql)

    summary = sub.add_parser("summary", help="print the summary of a night already processed")
    common(summary)
    summary.set_defaults(func=cmd_summary)

    sources = sub.add_parser("sources", help="validate and list the source registry")
    common(sources, date=False)
    sources.set_defaults(func=cmd_sources)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"akhbar: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"akhbar: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the message, not a traceback, is what a user needs first
        if args.verbose:
            raise
        print(f"akhbar: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
