"""The end-of-night summary: what landed, by stage, language and source, plus example queries."""

from __future__ import annotations

import json
import re
from pathlib import Path

EXAMPLE_QUERIES = [
    (
        "Articles by language",
        "SELECT lang, count(*) AS articles FROM articles GROUP BY lang ORDER BY articles DESC",
    ),
    (
        "Top places last night",
        "SELECT country_code, name, sum(articles) AS articles FROM top_places_by_day "
        "WHERE dt = (SELECT max(dt) FROM articles) GROUP BY ALL ORDER BY articles DESC, name LIMIT 5",
    ),
    (
        "Duplicate rate by source",
        "SELECT source_id, articles, duplicates, duplicate_rate FROM duplicate_rate_by_source ORDER BY source_id",
    ),
    (
        "Search: تونس",
        "SELECT article_id, title, round(score, 3) AS score FROM search_articles('تونس') LIMIT 3",
    ),
]


def _table(names: list[str], rows: list[tuple], width: int = 60) -> str:
    cells = [[str(v) if v is not None else "" for v in row] for row in rows]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(out)


def summarize(ctx, figures: dict) -> dict:
    """A small dict (fit for XCom) with the night's figures by stage, language and source."""
    from akhbar.lakehouse.sandbox import query

    order = [
        "fetch",
        "extract",
        "clean",
        "frequencies",
        "enrich",
        "dedup",
        "stage",
        "validate",
        "publish",
        "report",
    ]
    stages = {}
    for path in sorted(
        (Path(ctx.work_dir) / "counts").glob("*.json"),
        key=lambda p: order.index(p.stem) if p.stem in order else len(order),
    ):
        if ":" in path.stem:  # per-source rows stay in the `runs` table; the summary shows stages
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        stages[data["stage"]] = {k: data[k] for k in ("records_in", "records_out", "rejected", "duplicates")}
    catalog = ctx.catalog
    _, by_lang = query(
        catalog, "SELECT lang, count(*) FROM articles WHERE dt = ? GROUP BY 1 ORDER BY 2 DESC", [ctx.dt]
    )
    _, by_source = query(
        catalog,
        """SELECT s.source_id,
                  (SELECT count(*) FROM articles a WHERE a.source_id = s.source_id AND a.dt = ?),
                  (SELECT count(*) FROM duplicates d WHERE d.source_id = s.source_id AND d.dt = ?),
                  (SELECT count(*) FROM quarantine q WHERE q.source_id = s.source_id AND q.dt = ?)
           FROM sources s ORDER BY 1""",
        [ctx.dt, ctx.dt, ctx.dt],
    )
    _, reasons = query(
        catalog, "SELECT reason, count(*) FROM quarantine WHERE dt = ? GROUP BY 1 ORDER BY 2 DESC", [ctx.dt]
    )
    _, failed = query(
        catalog,
        "SELECT DISTINCT source_id, detail FROM quarantine WHERE dt = ? "
        "AND reason IN ('source_failed', 'shard_failed') ORDER BY ALL",
        [ctx.dt],
    )
    failed_sources = _failed_sources(ctx, failed)
    return {
        "failed_sources": failed_sources,
        "quality": _quality(catalog, ctx.dt),
        "dt": ctx.dt.isoformat(),
        "run_id": ctx.run_id,
        "accounting": figures,
        "stages": stages,
        "by_lang": {lang: n for lang, n in by_lang},
        "by_source": {sid: {"articles": a, "duplicates": d, "quarantined": q} for sid, a, d, q in by_source},
        "quarantine_reasons": {r: n for r, n in reasons},
        "catalog": catalog.describe(),
    }


def _failed_sources(ctx, quarantined: list[tuple]) -> list[str]:
    """Sources whose fetch failed tonight: the failure each fetch task raised (kept until a retry
    succeeds), and sources whose failure record is in the quarantine."""
    out = {}
    for marker in sorted((Path(ctx.work_dir) / "fetch_failed").glob("*.txt")):
        out[marker.stem] = marker.read_text(encoding="utf-8").strip()
    for sid, detail in quarantined:
        out.setdefault(sid, detail)
    return [f"{sid}: {detail}" for sid, detail in sorted(out.items())]


_SILENT = re.compile(r"no record tonight: ([^.]*)\.")


def _quality(catalog, night) -> dict:
    """The night's latest validation: failures by severity, and the failed checks that say the night or
    a source came back empty (akhbar.quality.suites.EMPTY_NIGHT_CHECKS)."""
    from akhbar.lakehouse.sandbox import query
    from akhbar.quality.suites import EMPTY_NIGHT_CHECKS

    _, rows = query(
        catalog,
        """SELECT severity, suite, "column", details FROM dq_latest
                                WHERE dt = ? AND NOT success ORDER BY severity, suite, "column" """,
        [night],
    )
    empty = []
    for _, suite, column, details in rows:
        if (suite, column) not in EMPTY_NIGHT_CHECKS:
            continue
        silent = _SILENT.search(details or "")
        empty.append(
            f"enabled sources with no record: {silent.group(1)}."
            if silent
            else "no article at all (every source silent, failed or quarantined)."
        )
    return {
        "critical_failures": sum(1 for r in rows if r[0] == "critical"),
        "warning_failures": sum(1 for r in rows if r[0] == "warning"),
        "failed": [f"{sev} {suite}.{column or ''}" for sev, suite, column, _ in rows],
        "empty_night": empty,
    }


def run_note(summary: dict) -> str:
    """One line for the run's note in Airflow's UI: the night, what landed, what needs a look."""
    acc = summary["accounting"]
    q = summary.get("quality") or {}
    note = f"night {summary['dt']}: {acc['articles']} articles, {q.get('critical_failures', 0)} critical failures"
    if q.get("warning_failures"):
        note += f", {q['warning_failures']} warning(s)"
        if q.get("empty_night"):
            note += ": " + " ".join(q["empty_night"])
    if summary.get("failed_sources"):
        note += "; failed sources: " + ", ".join(f.split(":", 1)[0] for f in summary["failed_sources"])
    return note


def render(summary: dict, *, catalog=None, examples: bool = True) -> str:
    """Human-readable version of the summary, with a few example queries and their results
    (``catalog``: the CatalogSettings to run them on)."""
    from akhbar.lakehouse.sandbox import run_query

    acc = summary["accounting"]
    out = [
        f"akhbar night {summary['dt']} (run {summary['run_id']})",
        (
            f"  raw records {acc['raw']} -> articles {acc['articles']}, duplicates {acc['duplicates']}, "
            f"quarantined {acc['quarantined']}  [{'balanced' if acc.get('balanced') else 'NOT BALANCED'}]"
        ),
    ]
    q = summary.get("quality")
    if q is not None:
        out.append(
            f"  quality: {q['critical_failures']} critical, {q['warning_failures']} warning failure(s)"
            + (": " + ", ".join(q["failed"]) if q["failed"] else "")
        )
        out += [f"  WARNING: {line}" for line in q.get("empty_night") or []]
    out += [
        "",
        "By stage:",
        _table(
            ["stage", "in", "out", "rejected", "duplicates"],
            [
                (s, v["records_in"], v["records_out"], v["rejected"], v["duplicates"])
                for s, v in summary["stages"].items()
            ],
        ),
        "",
        "By language:",
        _table(["lang", "articles"], list(summary["by_lang"].items())),
        "",
        "By source:",
        _table(
            ["source", "articles", "duplicates", "quarantined"],
            [(s, v["articles"], v["duplicates"], v["quarantined"]) for s, v in summary["by_source"].items()],
        ),
    ]
    if summary.get("quarantine_reasons"):
        out += [
            "",
            "Quarantine reasons:",
            _table(["reason", "records"], list(summary["quarantine_reasons"].items())),
        ]
    if summary.get("failed_sources"):
        out += ["", "Failed sources:"] + [f"  {f}" for f in summary["failed_sources"]]
    if examples and catalog is not None:
        for title, sql in EXAMPLE_QUERIES:
            result = run_query(catalog, sql)
            out += ["", f"-- {title}", f'akhbar sql "{sql}"', _table(result.columns, result.rows)]
    return "\n".join(out)
