"""Command line: ``akhbar run | sql | summary | sources | versions | export | catalog | migrate``."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import sys
from pathlib import Path

from akhbar.config import ConfigError, default_data_dir, default_sources_path

FORMATS = ("table", "csv", "json", "jsonl", "parquet")
# What build_parser adds each subcommand to (argparse names no public type for it).
Subcommands = argparse._SubParsersAction


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _yesterday() -> _dt.date:
    return _dt.date.today() - _dt.timedelta(days=1)


def _catalog(args):
    from akhbar.lakehouse.settings import CatalogSettings

    return CatalogSettings.from_env(args.data_dir)


def cmd_run(args) -> int:
    from akhbar.lakehouse.lock import night_runner_lock
    from akhbar.pipeline import RunContext, run_night
    from akhbar.report import render

    ctx = RunContext(
        dt=args.date, data_dir=args.data_dir, sources_path=args.sources, reprocess=args.reprocess
    )
    # Two runs on one data dir at once take turns (the lock names the holder while one waits).
    with night_runner_lock(ctx.data_dir, f"akhbar run --date {ctx.dt} ({ctx.run_id})"):
        summary = run_night(ctx, refetch=args.refetch)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(summary, catalog=ctx.catalog, examples=not args.no_examples))
    return 1 if summary.get("failed_sources") else 0


def _write_result(result, fmt: str, out: Path | None, width: int) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from akhbar.report import _table

    if fmt == "table":
        text = (
            _table(result.columns, result.rows, width=width)
            + f"\n({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})\n"
        )
    elif fmt in ("json", "jsonl"):
        records = result.table.to_pylist()
        text = (
            json.dumps(records, ensure_ascii=False, default=str, indent=1) + "\n"
            if fmt == "json"
            else "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)
        )
    elif fmt == "csv":
        if out is not None:
            pacsv.write_csv(result.table, out)
            return
        import io

        sink = io.BytesIO()
        pacsv.write_csv(result.table, sink)
        text = sink.getvalue().decode("utf-8")
    else:  # parquet: a file only
        if out is None:
            raise ValueError("--format parquet needs --out FILE")
        pq.write_table(result.table, out, compression="zstd")
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def cmd_sql(args) -> int:
    from akhbar.lakehouse.sandbox import run_query

    fmt = "json" if args.json else args.format
    result = run_query(_catalog(args), args.query, max_rows=args.max_rows)
    out = args.out.resolve() if args.out else None
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    _write_result(result, fmt, out, args.width)
    if out is not None:
        print(f"{result.table.num_rows} rows written to {out} ({fmt})", file=sys.stderr)
    return 0


def cmd_summary(args) -> int:
    from akhbar.lakehouse.sandbox import query
    from akhbar.pipeline import RunContext, check_accounting
    from akhbar.report import render, summarize

    catalog = _catalog(args)
    _, last = query(
        catalog,
        "SELECT run_id FROM runs WHERE dt = ? AND stage = 'report' ORDER BY recorded_at DESC LIMIT 1",
        [args.date],
    )
    if not last:
        raise FileNotFoundError(f"night {args.date} has not been published ({catalog.describe()})")
    ctx = RunContext(dt=args.date, data_dir=args.data_dir, sources_path=args.sources, run_id=last[0][0])
    print(render(summarize(ctx, check_accounting(ctx)), catalog=catalog))
    return 0


def cmd_sources(args) -> int:
    from akhbar.config import load_registry

    registry = load_registry(args.sources)
    problems = registry.path_problems()
    for s in registry.sources:
        flag = "!" if s.id in problems else ("+" if s.enabled else "-")
        print(f"{flag} {s.id:<24} {s.kind:<8} {s.lang or '':<3} {s.where()}")
    if problems:
        print(
            f"akhbar: {len(problems)} enabled source(s) cannot be read (relative paths are resolved against "
            f"{registry.path.resolve().parent}, the registry's folder):",
            file=sys.stderr,
        )
        for sid, problem in problems.items():
            print(f"  {sid}: {problem}", file=sys.stderr)
        return 1
    return 0


def cmd_versions(args) -> int:
    from akhbar.lakehouse.session import reader_session
    from akhbar.lakehouse.versions import list_versions
    from akhbar.report import _table

    with reader_session(_catalog(args)) as con:
        versions = list_versions(con)
    if args.json:
        print(json.dumps([v.__dict__ for v in versions], ensure_ascii=False, default=str, indent=1))
        return 0
    rows = [
        (
            v.night.isoformat(),
            v.snapshot_id,
            v.published_at.strftime("%Y-%m-%d %H:%M:%S %Z"),
            v.articles,
            " ".join(f"{k}:{n}" for k, n in v.by_lang.items()),
            v.run_id,
        )
        for v in versions
    ]
    print(_table(["night", "snapshot", "published", "articles", "by language", "run"], rows, width=48))
    print(
        f"({len(rows)} published version{'s' if len(rows) != 1 else ''}; query one with "
        "FROM articles AT (VERSION => <snapshot>))"
    )
    return 0


def cmd_export(args) -> int:
    from akhbar.config import load_registry
    from akhbar.lakehouse.export import export_version

    result = export_version(_catalog(args), args.as_of, args.to, load_registry(args.sources), args.sources)
    print(
        f"exported snapshot {result.snapshot_id} (last night {result.night}): {result.articles} articles in "
        f"{len(result.files)} file(s) to {result.destination}; dataset card {result.destination}/README.md; "
        f"export id {result.export_id} (the snapshot is kept by maintenance)"
    )
    return 0


def cmd_catalog(args) -> int:
    from akhbar.lakehouse.connect import attach_statements

    statements = attach_statements(_catalog(args), read_only=not args.write)
    if args.python:
        print(
            "import duckdb\ncon = duckdb.connect(config={'autoinstall_known_extensions': False, "
            "'autoload_known_extensions': False})"
        )
        for statement in statements:
            print(f"con.execute({statement!r})")
    else:
        print(";\n".join(statements) + ";")
    return 0


def cmd_migrate(args) -> int:
    from akhbar.config import load_registry
    from akhbar.lakehouse.migrate import migrate

    report = migrate(
        _catalog(args),
        warehouse=args.warehouse or args.data_dir / "warehouse.duckdb",
        lake=args.lake or args.data_dir / "lake",
        registry=load_registry(args.sources),
        temp_dir=args.data_dir / "work" / "duckdb-tmp",
    )
    print(report.render())
    return 0 if report.matches else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress lines")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (
        _add_run,
        _add_sql,
        _add_summary,
        _add_sources,
        _add_versions,
        _add_export,
        _add_catalog,
        _add_migrate,
    ):
        add(sub)
    return parser


def _common(p: argparse.ArgumentParser, *, date: bool = True) -> None:
    """The options every subcommand takes: the registry, the data dir and (when it reads one) the night."""
    p.add_argument(
        "--sources",
        type=Path,
        default=default_sources_path(),
        help="source registry YAML (default: $AKHBAR_SOURCES or include/config/sources.yaml)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=default_data_dir(),
        help="data dir (default: $AKHBAR_DATA_DIR or ./data)",
    )
    if date:
        p.add_argument(
            "--date",
            type=_date,
            default=_yesterday(),
            help="the night to process, YYYY-MM-DD (default: yesterday)",
        )


def _add_run(sub: Subcommands) -> None:
    run = sub.add_parser("run", help="run one night's stages in-process, without Airflow")
    _common(run)
    run.add_argument("--reprocess", action="store_true", help="rebuild from the raw zone, never fetch")
    run.add_argument("--refetch", action="store_true", help="fetch again even if the raw zone has the night")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.add_argument("--no-examples", action="store_true", help="do not run the example queries")
    run.set_defaults(func=cmd_run)


def _add_sql(sub: Subcommands) -> None:
    sql = sub.add_parser("sql", help="run one read-only query against the catalog")
    sql.add_argument("query")
    _common(sql, date=False)
    sql.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    sql.add_argument("--out", type=Path, help="write the result to this file instead of the terminal")
    sql.add_argument("--json", action="store_true", help="same as --format json")
    sql.add_argument("--max-rows", type=int, help="stop after this many rows")
    sql.add_argument("--width", type=int, default=60, help="truncate table cells to this many characters")
    sql.set_defaults(func=cmd_sql)


def _add_summary(sub: Subcommands) -> None:
    summary = sub.add_parser("summary", help="print the summary of a night already published")
    _common(summary)
    summary.set_defaults(func=cmd_summary)


def _add_sources(sub: Subcommands) -> None:
    sources = sub.add_parser("sources", help="validate and list the source registry")
    _common(sources, date=False)
    sources.set_defaults(func=cmd_sources)


def _add_versions(sub: Subcommands) -> None:
    versions = sub.add_parser("versions", help="list the published corpus versions (one snapshot per night)")
    _common(versions, date=False)
    versions.add_argument("--json", action="store_true")
    versions.set_defaults(func=cmd_versions)


def _add_export(sub: Subcommands) -> None:
    export = sub.add_parser("export", help="write a corpus version as a dataset with its dataset card")
    _common(export, date=False)
    export.add_argument(
        "--as-of", help="a night (YYYY-MM-DD, its latest publish) or a snapshot id; default the latest"
    )
    export.add_argument("--to", type=Path, required=True, help="destination folder")
    export.set_defaults(func=cmd_export)


def _add_catalog(sub: Subcommands) -> None:
    catalog = sub.add_parser("catalog", help="print the SQL that attaches the catalog in any DuckDB session")
    _common(catalog, date=False)
    catalog.add_argument("--python", action="store_true", help="print Python lines instead of SQL")
    catalog.add_argument(
        "--write", action="store_true", help="attach read-write (only for maintenance by hand)"
    )
    catalog.set_defaults(func=cmd_catalog)


def _add_migrate(sub: Subcommands) -> None:
    migrate = sub.add_parser(
        "migrate", help="move a warehouse.duckdb and lake of akhbar 0.1 into the catalog"
    )
    _common(migrate, date=False)
    migrate.add_argument(
        "--warehouse", type=Path, help="the old DuckDB file (default: <data-dir>/warehouse.duckdb)"
    )
    migrate.add_argument("--lake", type=Path, help="the old lake folder (default: <data-dir>/lake)")
    migrate.set_defaults(func=cmd_migrate)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from akhbar.logs import quiet_third_party

    quiet_third_party()
    from akhbar.lakehouse.connect import redact
    from akhbar.lakehouse.sandbox import QueryRefused

    try:
        return args.func(args)
    except (ConfigError, QueryRefused) as exc:
        print(f"akhbar: {redact(str(exc))}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"akhbar: {redact(str(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # the message, not a traceback, is what a user needs first
        if args.verbose:
            raise
        print(f"akhbar: {type(exc).__name__}: {redact(str(exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
