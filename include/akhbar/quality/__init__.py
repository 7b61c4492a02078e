"""Quality gates of the nightly run, with Great Expectations 1.x.

:func:`validate_night` validates the night's tables against the suites of
:mod:`akhbar.quality.suites`, keeps the results (GX file context under
``quality_dir/gx``, Data Docs under ``quality_dir/data_docs``) and returns a
:class:`QualityReport` whose ``results`` table is what the warehouse stores in
``dq_results``. The caller raises :class:`QualityGateFailed` when the report did
not pass, before loading the warehouse.

Great Expectations is imported only inside functions: the DAG files import this
package at parse time and ``import great_expectations`` takes seconds.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import logging
import math
import os
import pathlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa

from akhbar.quality import suites as Q
from akhbar.schema import DQ_RESULTS

if TYPE_CHECKING:
    import pyarrow.dataset

__all__ = [
    "DQ_RESULTS_SCHEMA",
    "QualityGateFailed",
    "QualityReport",
    "validate_night",
    "volume_counts",
]

log = logging.getLogger(__name__)

DATASOURCE = "akhbar_night"
DOCS_SITE = "akhbar"
BATCH_DEFINITION = "whole_night"
SAMPLE_SIZE = 10  # failing values/rows quoted in details
VALIDATION_RESULTS_IN_INDEX = 100 * len(Q.SUITES)

DQ_RESULTS_SCHEMA = DQ_RESULTS  # the catalog table dq_results (akhbar.schema)


def volume_counts(articles: pa.Table, dt: datetime.date | None = None) -> pa.Table:
    """Articles per source for one night (duplicates included): ``dt, source_id, n_articles``.

    Keep these night after night and pass the previous nights as ``history``.
    """
    from akhbar.quality.frames import volume_counts as counts

    return counts(articles, dt)


class QualityGateFailed(RuntimeError):
    """A critical expectation failed: the night must not be published.

    Built from a report (``QualityGateFailed(report)``) or a message (unpickling);
    ``.report`` is the report when there is one.
    """

    def __init__(self, report: QualityReport | str):
        if isinstance(report, str):
            self.report = None
            super().__init__(report)
            return
        self.report = report
        lines = [f"{r['suite']}: {r['details']}" for r in report.failures(Q.CRITICAL)]
        where = f"; Data Docs: {report.data_docs_index}" if report.data_docs_index else ""
        super().__init__(
            f"quality gate failed for {report.dt} (run {report.run_id}): "
            f"{report.critical_failures} critical expectation(s) failed{where}\n  " + "\n  ".join(lines)
        )


@dataclass
class QualityReport:
    dt: datetime.date
    run_id: str
    results: pa.Table  # DQ_RESULTS_SCHEMA, one row per expectation
    critical_failures: int
    warning_failures: int
    data_docs_index: pathlib.Path | None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.critical_failures == 0

    def failures(self, severity: str | None = None) -> list[dict]:
        """The failed rows of ``results`` (of one severity if given)."""
        return [
            r
            for r in self.results.to_pylist()
            if not r["success"] and (severity is None or r["severity"] == severity)
        ]

    def raise_for_failure(self) -> None:
        if not self.passed:
            raise QualityGateFailed(self)


# --------------------------------------------------------------------------- GX plumbing


def _import_gx():
    # No usage statistics, whatever the environment says; the version check is never called.
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    return gx


def _open_context(gx, quality_dir: pathlib.Path):
    quality_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(quality_dir))
    from great_expectations.data_context.types.base import ProgressBarsConfig

    changed = False
    if context.variables.analytics_enabled is not False:
        context.variables.analytics_enabled = False
        changed = True
    bars = context.variables.progress_bars
    if not bars or bars.get("globally", True) or bars.get("metric_calculations", True):
        # No tqdm bars in the task logs.
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        changed = True
    sites = dict(context.config.data_docs_sites or {})
    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            # Relative to quality_dir/gx: the data dir can move.
            "base_directory": "../data_docs/",
        },
        # The index lists the latest results only (each is read to build it): ~100 nights.
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": VALIDATION_RESULTS_IN_INDEX,
        },
    }
    if list(sites) != [DOCS_SITE] or sites.get(DOCS_SITE) != site:
        context.variables.data_docs_sites = {DOCS_SITE: site}
        changed = True
    if changed:
        context.variables.save()
    return context


def _batch_definition(context, frame_name: str):
    try:
        source = context.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, LookupError):
        source = context.data_sources.add_pandas(DATASOURCE)
    if frame_name in source.get_asset_names():
        asset = source.get_asset(frame_name)
    else:
        asset = source.add_dataframe_asset(frame_name)
    try:
        return asset.get_batch_definition(BATCH_DEFINITION)
    except (KeyError, ValueError, LookupError):
        return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)


def _gx_suite(gx, suite: Q.Suite):
    expectations = []
    for check in suite.checks:
        cls = getattr(gx.expectations, check.expectation)
        expectations.append(
            cls(
                **check.kwargs,
                severity=check.severity,
                meta={"severity": check.severity, "akhbar_suite_version": Q.SUITE_VERSION},
                notes=check.notes,
            )
        )
    return gx.ExpectationSuite(
        name=suite.full_name,
        expectations=expectations,
        meta={"akhbar_suite_version": Q.SUITE_VERSION, "frame": suite.frame},
    )


# --------------------------------------------------------------------------- results


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return _jsonable(value.item())
        except (TypeError, ValueError):
            pass
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value != value:  # NaN / NaT / pd.NA-like
        return None
    return str(value)


_OBSERVED_KEYS = (
    "observed_value",
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_nonmissing",
    "partial_unexpected_list",
    "partial_unexpected_index_list",
)


def _column_of(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    return None


def _details(
    check: Q.Check, ok: bool, result: dict, exception: str | None, extra: str, parameters: dict
) -> str:
    def show(v: Any) -> str:
        if _is_param(v):
            v = parameters.get(v["$PARAMETER"], v)
        return str(v.isoformat()) if isinstance(v, (datetime.date, datetime.datetime)) else repr(v)

    kw = ", ".join(f"{k}={show(v)}" for k, v in check.kwargs.items() if k != "column")
    head = f"{'ok' if ok else 'FAILED'} [{check.severity}] {check.notes}"
    if exception:
        return f"{head} Error while checking: {exception}"
    parts = [head, f"({kw})" if kw else ""]
    if "unexpected_count" in result and result.get("element_count") is not None:
        pct = result.get("unexpected_percent")
        pct_s = f" ({pct:.2f}%)" if isinstance(pct, (int, float)) and math.isfinite(pct) else ""
        parts.append(f"{result['unexpected_count']} of {result['element_count']} rows unexpected{pct_s}.")
    if "observed_value" in result:
        parts.append(f"Observed: {_jsonable(result['observed_value'])}.")
    if extra:
        parts.append(extra)
    return " ".join(p for p in parts if p)


def _extra(suite: Q.Suite, check: Q.Check, frame, row_key: str, result: dict) -> str:
    """Samples naming the failing rows, where GX's own list would only show True/False or numbers."""
    col = check.kwargs.get("column")
    if suite.frame == "volume" and col == "n_raw":
        silent = frame.loc[frame["n_raw"] < 1, "source_id"].head(SAMPLE_SIZE).tolist()
        return ("Enabled sources with no record tonight: " + ", ".join(silent) + ".") if silent else ""
    if suite.frame == "volume":
        frame = frame[frame["history_nights"] >= Q.VOLUME_MIN_HISTORY_NIGHTS]
        if check.kwargs.get("column_A") == "n_articles":
            bad = frame[frame["n_articles"] < frame["min_expected"]]
        else:
            bad = frame[frame["n_articles"] > frame["max_expected"]]
        items = [
            f"{r.source_id}: {int(r.n_articles)} tonight vs median {r.median_n:g}"
            for r in bad.head(SAMPLE_SIZE).itertuples()
        ]
        return ("Sources: " + "; ".join(items) + ".") if items else ""
    if suite.frame == "schema":
        bad = frame[frame["actual_type"] != frame["expected_type"]]
        items = [
            f"{r.table}.{r.field}: {r.actual_type or 'missing'} (expected {r.expected_type})"
            for r in bad.head(SAMPLE_SIZE).itertuples()
        ]
        return ("Fields: " + "; ".join(items) + ".") if items else ""
    if col and col.endswith("_found"):
        key = col[: -len("_found")]
        bad = frame.loc[frame[col] == False, key]  # noqa: E712 - a nullable bool column
        sample = bad.drop_duplicates().head(SAMPLE_SIZE).tolist()
        return f"Unknown {key} values: {sample}." if sample else ""
    if check.expectation in ("ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique"):
        cols = check.kwargs.get("column_list") or [col]
        dup = frame.loc[frame.duplicated(cols, keep=False), cols].drop_duplicates().head(SAMPLE_SIZE)
        sample = [r[0] if len(r) == 1 else list(r) for r in dup.itertuples(index=False)]
        return f"Repeated keys: {_jsonable(sample)}." if sample else ""
    rows = result.get("partial_unexpected_index_list")
    if rows and row_key:
        sample = [r.get(row_key) if isinstance(r, dict) else r for r in rows[:SAMPLE_SIZE]]
        return f"Sample {row_key}: {_jsonable(sample)}."
    return ""


# --------------------------------------------------------------------------- entry point


def validate_night(
    *,
    dt: datetime.date,
    run_id: str,
    articles: pa.Table | pyarrow.dataset.Dataset,
    raw_count: int,
    quarantine: pa.Table,
    history: pa.Table | None,
    quality_dir: pathlib.Path,
    raw: pa.Table | None = None,
    known_article_ids: pa.Array | None = None,
    data_docs: bool = True,
    records_by_source: dict[str, int] | None = None,
    **children: pa.Table,
) -> QualityReport:
    """Validate one night's tables; keep the results in GX stores and Data Docs.

    ``articles`` is the night's ARTICLE table including duplicates, or a dataset of it (a lake
    partition: scanned without holding the texts, see :func:`frames.slim_articles`); ``history`` has
    columns ``dt, source_id, n_articles`` for previous nights (see :func:`volume_counts`);
    ``known_article_ids`` are articles of other nights a duplicate may point to;
    ``records_by_source`` the records each enabled source brought tonight (0 for a silent one);
    ``children`` each child table of articles under its frame's name (``places=``, ``dates=``...:
    akhbar.quality.frames.child_frame). Never raises for failed expectations: check ``report.passed``.
    """
    from akhbar.quality import frames as F

    started = time.perf_counter()
    quality_dir = pathlib.Path(quality_dir)
    built = F.build(
        dt=dt,
        articles=articles,
        raw_count=raw_count,
        quarantine=quarantine,
        history=history,
        raw=raw,
        known_article_ids=known_article_ids,
        records_by_source=records_by_source,
        **children,
    )
    checked = _checked_under_lock(quality_dir, dt, run_id, built, data_docs)
    report = _report(dt, run_id, checked, time.perf_counter() - started)
    log.info(
        "quality %s: %d expectations, %d critical and %d warning failures, %.1f s",
        dt,
        len(checked.rows),
        report.critical_failures,
        report.warning_failures,
        report.seconds,
    )
    return report


class Checked(NamedTuple):
    """What validating a night gives: one dq_results row per expectation, and the Data Docs index."""

    rows: list[dict]
    docs_index: pathlib.Path | None


def _checked_under_lock(
    quality_dir: pathlib.Path, dt: datetime.date, run_id: str, built, data_docs: bool
) -> Checked:
    gx = _import_gx()
    quality_dir.mkdir(parents=True, exist_ok=True)
    # One writer at a time per quality dir (two nights validated at once, e.g. a backfill):
    # the GX file stores and the Data Docs index are plain files rewritten in place.
    with open(quality_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _validate(gx, quality_dir, dt, run_id, built, data_docs)


def _report(dt: datetime.date, run_id: str, checked: Checked, seconds: float) -> QualityReport:
    rows = checked.rows
    return QualityReport(
        dt=dt,
        run_id=run_id,
        results=pa.Table.from_pylist(rows, schema=DQ_RESULTS_SCHEMA),
        critical_failures=sum(1 for r in rows if not r["success"] and r["severity"] == Q.CRITICAL),
        warning_failures=sum(1 for r in rows if not r["success"] and r["severity"] == Q.WARNING),
        data_docs_index=checked.docs_index,
        seconds=seconds,
    )


class CheckRun(NamedTuple):
    """One validation run of a night, as every result row names it."""

    run_id: str
    dt: datetime.date
    checked_at: datetime.datetime
    gx_run: Any  # its great_expectations RunIdentifier


class SuiteRun(NamedTuple):
    """One suite's checkpoint run: its dq_results rows and what Data Docs shows of it."""

    rows: list[dict]
    docs_ids: list  # the suite's and its validation results' GX identifiers


def _validate(
    gx, quality_dir: pathlib.Path, dt: datetime.date, run_id: str, built, data_docs: bool = True
) -> Checked:
    """Run every suite's checkpoint on its frame, then build Data Docs once for all results."""
    from great_expectations.core.run_identifier import RunIdentifier

    context = _open_context(gx, quality_dir)
    checked_at = datetime.datetime.now(datetime.UTC)
    check_run = CheckRun(run_id, dt, checked_at, RunIdentifier(run_name=run_id, run_time=checked_at))
    rows: list[dict] = []
    docs_ids: list = []
    for suite in Q.SUITES:
        frame = built.frames.get(suite.frame)
        if frame is None:
            continue
        run = _run_suite(gx, context, suite, frame, built, check_run)
        rows += run.rows
        docs_ids += run.docs_ids
    if not data_docs:
        return Checked(rows, None)
    return Checked(rows, _build_data_docs(context, quality_dir, run_id, dt, docs_ids))


def _run_suite(gx, context, suite: Q.Suite, frame, built, check_run: CheckRun) -> SuiteRun:
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    gx_suite = context.suites.add_or_update(_gx_suite(gx, suite))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(
            name=suite.full_name, data=_batch_definition(context, suite.frame), suite=gx_suite
        )
    )
    row_key = built.row_keys.get(suite.frame)
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite.full_name,
            validation_definitions=[definition],
            actions=[],
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": SAMPLE_SIZE,
                "unexpected_index_column_names": [row_key] if row_key else [],
            },
        )
    )
    outcome = checkpoint.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=built.parameters,
        run_id=check_run.gx_run,
    )
    run = SuiteRun([], [ExpectationSuiteIdentifier(name=suite.full_name)])
    run_id, dt, checked_at = check_run.run_id, check_run.dt, check_run.checked_at
    for key, validation in outcome.run_results.items():
        run.docs_ids.append(key)
        for check, res in zip(suite.checks, _align(suite, list(validation.results))):
            run.rows.append(_row(run_id, dt, suite, check, res, frame, row_key, checked_at, built.parameters))
    return run


def _build_data_docs(
    context, quality_dir: pathlib.Path, run_id: str, dt: datetime.date, docs_ids: list
) -> pathlib.Path | None:
    """Data Docs of this run's results, offline, and their index; None when building them failed."""
    try:
        from akhbar.quality import data_docs as docs_site  # the module (data_docs is the flag)

        results = quality_dir / "gx" / "uncommitted" / "validations"
        nights_file = quality_dir / "data_docs_nights.json"
        docs_site.remember_night(nights_file, run_id, dt)
        built_at = time.time() - 1  # file times: the pages this build writes are newer
        context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=docs_ids)
        site = quality_dir / "data_docs"
        # Pages that fetch nothing from elsewhere, and an index listing the runs without JavaScript.
        first = not (site / docs_site.STYLESHEET).exists()
        docs_site.make_offline(site, since=None if first else built_at)
        return docs_site.write_index(
            site, results, limit=VALIDATION_RESULTS_IN_INDEX, nights_file=nights_file
        )
    except Exception:
        log.exception("building Data Docs failed")
        return None


def _align(suite: Q.Suite, results: list) -> list:
    """GX results in the order of suite.checks (matched by type and kwargs)."""
    remaining = list(results)
    ordered = []
    for check in suite.checks:
        wanted = _snake(check.expectation)
        for i, res in enumerate(remaining):
            cfg = res.expectation_config
            if cfg.type == wanted and all(
                _same(cfg.kwargs.get(k), v) for k, v in check.kwargs.items() if not _is_param(v)
            ):
                ordered.append(remaining.pop(i))
                break
        else:
            raise RuntimeError(f"no Great Expectations result for {suite.full_name}: {check}")
    return ordered


def _is_param(value: Any) -> bool:
    return isinstance(value, dict) and "$PARAMETER" in value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple, set)) and isinstance(b, (list, tuple, set)):
        return list(a) == list(b)
    return a == b


def _snake(name: str) -> str:
    out: list[str] = []
    for ch in name:
        if ch.isupper() and out:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _row(run_id, dt, suite, check, res, frame, row_key, checked_at, parameters) -> dict:
    result = dict(res.result or {})
    exception = None
    info = res.exception_info or {}
    if isinstance(info, dict) and info.get("raised_exception"):
        exception = info.get("exception_message") or "exception"
    else:  # one entry per metric in some versions
        for sub in info.values() if isinstance(info, dict) else []:
            if isinstance(sub, dict) and sub.get("raised_exception"):
                exception = sub.get("exception_message") or "exception"
                break
    ok = bool(res.success) and exception is None
    observed = {k: result[k] for k in _OBSERVED_KEYS if k in result}
    if exception:
        observed["exception"] = exception
    extra = "" if ok else _extra(suite, check, frame, row_key, result)
    return {
        "run_id": run_id,
        "dt": dt,
        "suite": suite.full_name,
        "expectation": res.expectation_config.type,
        "column": _column_of(check.kwargs),
        "severity": check.severity,
        "success": ok,
        "observed": json.dumps(_jsonable(observed), ensure_ascii=False, sort_keys=True),
        "details": _details(check, ok, result, exception, extra, parameters),
        "checked_at": checked_at,
    }
