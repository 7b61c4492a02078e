"""The nightly stages as plain functions of a RunContext.

Airflow tasks (dags/akhbar_nightly.py) and ``akhbar run`` call exactly these functions,
so a night runs the same way with or without Airflow. Stages hand over through files
under ``<data_dir>/work/dt=<night>/`` (no bulk data through XCom); each returns the small
dict of its StageCounts, which is also saved for the report.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from akhbar import lake
from akhbar.config import Registry, default_data_dir, default_sources_path, load_registry
from akhbar.hashing import sha256_hex, stable_id
from akhbar.progress import track
from akhbar.schema import QUARANTINE, RAW_RECORD
from akhbar.stats import StageCounts, Timer

log = logging.getLogger(__name__)

# Records per batch between stages: bounded memory whatever the size of a night.
BATCH_ROWS = 2_000

STAGES = ("fetch", "extract_clean", "enrich", "dedup", "write_lake", "validate", "load_warehouse", "report")


class AccountingError(RuntimeError):
    """Raw records that did not end as an article, a duplicate or in the quarantine (or ended twice)."""


@dataclass(frozen=True)
class RunContext:
    dt: _dt.date
    data_dir: Path = field(default_factory=default_data_dir)
    sources_path: Path = field(default_factory=default_sources_path)
    run_id: str = ""
    reprocess: bool = False  # rebuild the night from the raw zone; never fetch
    lake_root: str = ""  # a folder or s3://bucket/prefix; defaults to <data_dir>/lake

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        object.__setattr__(self, "sources_path", Path(self.sources_path).resolve())
        if not self.run_id:
            object.__setattr__(self, "run_id", f"manual__{self.dt.isoformat()}__{uuid.uuid4().hex[:8]}")
        if not self.lake_root:
            object.__setattr__(self, "lake_root", os.environ.get("AKHBAR_LAKE_ROOT") or str(self.data_dir / "lake"))

    # Where things live under the data dir.
    def raw_path(self, source_id: str) -> Path:
        return self.data_dir / "raw" / f"dt={self.dt.isoformat()}" / f"source={source_id}" / "records.parquet"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work" / f"dt={self.dt.isoformat()}"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def quality_dir(self) -> Path:
        return self.data_dir / "quality"

    @property
    def state_dir(self) -> Path:
        return self.data_dir / "state"

    @property
    def dedup_dir(self) -> Path:
        return self.data_dir / "dedup"

    def registry(self) -> Registry:
        return load_registry(self.sources_path)


# --------------------------------------------------------------------------- helpers
def _atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    # Row groups of the lake's size, so a later stage can stream the file group by group.
    pq.write_table(table, tmp, compression="zstd", row_group_size=lake.ROW_GROUP_SIZE)
    os.replace(tmp, path)


def _read(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    if not path.exists():
        if schema is None:
            raise FileNotFoundError(path)
        return schema.empty_table()
    return pq.read_table(path)


def _save_counts(ctx: RunContext, counts: StageCounts, name: str | None = None) -> dict:
    data = counts.as_dict()
    out = ctx.work_dir / "counts" / f"{name or counts.stage}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, out)
    log.info("%s: in=%d out=%d rejected=%d duplicates=%d (%.2fs)", counts.stage, counts.records_in,
             counts.records_out, counts.rejected, counts.duplicates, counts.seconds)
    return data


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    tables = [t for t in tables if t is not None and t.num_rows]
    if not tables:
        return schema.empty_table()
    return pa.concat_tables([t.cast(schema) if t.schema != schema else t for t in tables])


# --------------------------------------------------------------------------- stages
def list_sources(ctx: RunContext) -> list[str]:
    """Ids of the enabled sources: one fetch task each."""
    return [s.id for s in ctx.registry().enabled()]


def fetch(ctx: RunContext, source_id: str, *, refetch: bool = False) -> dict:
    """Fetch one source into the immutable raw zone.

    A night already in the raw zone is not fetched again (the raw zone is immutable and a
    conditional re-request would find nothing new); ``refetch`` forces it. In reprocess
    mode nothing is fetched at all.
    """
    from akhbar.sources import fetch_source

    counts = StageCounts(stage=f"fetch:{source_id}")
    path = ctx.raw_path(source_id)
    with Timer(counts):
        if path.exists() and (ctx.reprocess or not refetch):
            n = pq.ParquetFile(path).metadata.num_rows
            counts.records_in = counts.records_out = n
            counts.extra["reused_raw"] = True
            return _save_counts(ctx, counts)
        if ctx.reprocess:
            counts.extra["missing_raw"] = True
            log.warning("reprocess: no raw records for source %s on %s", source_id, ctx.dt)
            return _save_counts(ctx, counts)
        source = ctx.registry().get(source_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".records.{uuid.uuid4().hex}.tmp")
        errors = 0
        failure: BaseException | None = None
        fetched = StageCounts(stage=counts.stage)  # the fetch's own figures: skips by cause, 304s, robots...
        with pq.ParquetWriter(tmp, RAW_RECORD, compression="zstd") as writer:
            try:
                batches = fetch_source(source, dt=ctx.dt, state_dir=ctx.state_dir / "fetch", counts=fetched)
                for batch in track(batches, stage=f"fetch {source_id}"):
                    writer.write_batch(batch)
                    counts.records_out += batch.num_rows
                    errors += batch.num_rows - batch.column("error").null_count
            except Exception as exc:  # one failing source must not stop the night
                failure = exc
                log.exception("source %s failed", source_id)
                now = _dt.datetime.now(_dt.timezone.utc)
                locator = source.url or (str(source.path) if source.path else ",".join(source.urls))
                row = {name: None for name in RAW_RECORD.names}
                row.update(record_id=stable_id(source.id, "source-failure", ctx.dt.isoformat()),
                           source_id=source.id, kind=source.kind, locator=locator, fetched_at=now,
                           content_hash=sha256_hex(b""),
                           error=f"source_failed: {type(exc).__name__}: {exc}")
                writer.write_table(pa.Table.from_pylist([row], schema=RAW_RECORD))
                counts.records_out += 1
                errors += 1
        os.replace(tmp, path)
        counts.records_in = counts.records_out
        counts.extra.update(fetched.extra)
        counts.extra["fetch_errors"] = errors
    result = _save_counts(ctx, counts)
    if failure is not None:
        raise RuntimeError(f"source {source_id} failed: {failure}") from failure
    return result


def _raw_files(ctx: RunContext) -> list[Path]:
    enabled = set(list_sources(ctx))
    night = ctx.data_dir / "raw" / f"dt={ctx.dt.isoformat()}"
    files = []
    for path in sorted(night.glob("source=*/records.parquet")):
        if path.parent.name.removeprefix("source=") in enabled:
            files.append(path)
    return files


def _source_of(raw_file: Path) -> str:
    return raw_file.parent.name.removeprefix("source=")


def _cleaned_path(ctx: RunContext, source_id: str) -> Path:
    return ctx.work_dir / "cleaned" / f"source={source_id}.parquet"


def _quarantine_path(ctx: RunContext, source_id: str) -> Path:
    return ctx.work_dir / "quarantine" / f"source={source_id}.parquet"


def extract_clean(ctx: RunContext, source_id: str | None = None) -> dict:
    """Raw records -> documents (HTML main text, dates) -> cleaned text, by batches.

    One source at a time (``source_id``), so that the costliest step of the night spreads
    over workers as one mapped task per source; without ``source_id``, every source.
    """
    from akhbar.cleaning import clean_documents
    from akhbar.extraction import extract_records
    from akhbar.quarantine import QuarantineBuilder
    from akhbar.schema import CLEANED_DOCUMENT

    files = [f for f in _raw_files(ctx) if source_id is None or _source_of(f) == source_id]
    total_extract, total_clean = StageCounts(stage="extract"), StageCounts(stage="clean")
    for path in files:
        sid = _source_of(path)
        extract_counts, clean_counts = StageCounts(stage=f"extract:{sid}"), StageCounts(stage=f"clean:{sid}")
        seen: set[str] = set()
        repeated = QuarantineBuilder("extract", ctx.dt)
        out, qout = _cleaned_path(ctx, sid), _quarantine_path(ctx, sid)
        out.parent.mkdir(parents=True, exist_ok=True)
        qout.parent.mkdir(parents=True, exist_ok=True)
        tmp, qtmp = out.with_suffix(f".{uuid.uuid4().hex}.tmp"), qout.with_suffix(f".{uuid.uuid4().hex}.tmp")
        # Streamed to disk batch by batch: memory stays flat whatever the size of the night.
        with pq.ParquetWriter(tmp, CLEANED_DOCUMENT, compression="zstd") as writer, \
                pq.ParquetWriter(qtmp, QUARANTINE, compression="zstd") as qwriter:
            pf = pq.ParquetFile(path)
            for batch in track(pf.iter_batches(batch_size=BATCH_ROWS), stage=f"extract+clean {sid}",
                               total=pf.metadata.num_rows):
                raw = pa.Table.from_batches([batch])
                # The same record fetched twice in one night (a feed listing an item twice) is kept once.
                keep = []
                for i, rid in enumerate(raw.column("record_id").to_pylist()):
                    if rid in seen:
                        repeated.reject(record_id=rid, source_id=sid, reason="repeated_record",
                                        detail="record already fetched this night",
                                        locator=raw.column("locator")[i].as_py())
                    else:
                        seen.add(rid)
                        keep.append(i)
                if len(keep) < raw.num_rows:
                    raw = raw.take(keep)
                docs, q1, c1 = extract_records(raw, dt=ctx.dt)
                cleaned, q2, c2 = clean_documents(docs, dt=ctx.dt)
                extract_counts.merge(c1)
                clean_counts.merge(c2)
                writer.write_table(cleaned.cast(CLEANED_DOCUMENT))
                for q in (q1, q2):
                    if q.num_rows:
                        qwriter.write_table(q.cast(QUARANTINE))
            if len(repeated):
                qwriter.write_table(repeated.table())
                extract_counts.records_in += len(repeated)
                extract_counts.rejected += len(repeated)
        os.replace(tmp, out)
        os.replace(qtmp, qout)
        _save_counts(ctx, extract_counts)
        _save_counts(ctx, clean_counts)
        total_extract.merge(extract_counts)
        total_clean.merge(clean_counts)
    return {"extract": total_extract.as_dict(), "clean": total_clean.as_dict()}


def _night_parts(ctx: RunContext, kind: str) -> list[Path]:
    """This night's per-source hand-over files, for the sources of this night's raw zone only."""
    path_of = _cleaned_path if kind == "cleaned" else _quarantine_path
    return [p for f in _raw_files(ctx) if (p := path_of(ctx, _source_of(f))).exists()]


def _docfreq_dir(ctx: RunContext) -> Path:
    return ctx.state_dir / "docfreq"


def enrich(ctx: RunContext) -> dict:
    """Language, dates, places, keywords, categories and counts."""
    from akhbar.enrichment import enrich as enrich_table
    from akhbar.enrichment.keywords import DocFreq
    from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    from akhbar.schema import CLEANED_DOCUMENT

    cleaned = _concat([pq.read_table(p) for p in _night_parts(ctx, "cleaned")], CLEANED_DOCUMENT)
    registry = ctx.registry()
    categories = {s.id: s.categories for s in registry.sources if s.categories}
    # Keywords are weighed against the night's own documents: a night's keywords then depend
    # on that night alone, so backfills in any order give the same result as running in order.
    # The frequencies are kept (lake state and warehouse table keyword_doc_freq).
    doc_freq = DocFreq.from_texts(cleaned.column("text_search"))
    doc_freq.save(_docfreq_dir(ctx) / f"dt={ctx.dt.isoformat()}.parquet")
    counts = StageCounts(stage="enrich")
    parts = {"articles": [], "places": [], "dates": [], "keywords": []}
    for offset in track(range(0, cleaned.num_rows, BATCH_ROWS), stage="enrich", unit="batches"):
        result = enrich_table(cleaned.slice(offset, BATCH_ROWS), dt=ctx.dt, doc_freq=doc_freq,
                              categories=categories)
        counts.merge(result.counts)
        parts["articles"].append(result.articles)
        parts["places"].append(result.places)
        parts["dates"].append(result.dates)
        parts["keywords"].append(result.keywords)
    _atomic_write(_concat(parts["articles"], ARTICLE), ctx.work_dir / "enriched.parquet")
    _atomic_write(_concat(parts["places"], ARTICLE_PLACES), ctx.work_dir / "article_places.parquet")
    _atomic_write(_concat(parts["dates"], ARTICLE_DATES), ctx.work_dir / "article_dates.parquet")
    _atomic_write(_concat(parts["keywords"], ARTICLE_KEYWORDS), ctx.work_dir / "article_keywords.parquet")
    return _save_counts(ctx, counts)


def dedup(ctx: RunContext) -> dict:
    """Exact and near duplicates, against tonight and every night already indexed."""
    from akhbar.dedup import deduplicate
    from akhbar.schema import DUPLICATES

    articles = _read(ctx.work_dir / "enriched.parquet")
    result = deduplicate(articles, index_dir=ctx.dedup_dir, dt=ctx.dt)
    _atomic_write(result.articles, ctx.work_dir / "articles.parquet")
    _atomic_write(_concat([result.demoted], DUPLICATES), ctx.work_dir / "demoted.parquet")
    return _save_counts(ctx, result.counts)


def write_lake(ctx: RunContext) -> dict:
    """Write the night's partitions; each replaces that night only, atomically."""
    from akhbar.schema import ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    counts = StageCounts(stage="write_lake")
    with Timer(counts):
        # Streamed from the work file: the night's texts are not held in memory again.
        articles_path = ctx.work_dir / "articles.parquet"
        articles = ds.dataset(articles_path, format="parquet")
        n_articles = articles.count_rows()  # from the file's footer
        quarantine = _concat([pq.read_table(p) for p in _night_parts(ctx, "quarantine")], QUARANTINE)
        tables = {
            "articles": articles,
            "quarantine": quarantine,
            "article_places": _read(ctx.work_dir / "article_places.parquet", ARTICLE_PLACES),
            "article_dates": _read(ctx.work_dir / "article_dates.parquet", ARTICLE_DATES),
            "article_keywords": _read(ctx.work_dir / "article_keywords.parquet", ARTICLE_KEYWORDS),
        }
        for name, table in tables.items():
            lake.write_partition(ctx.lake_root, name, ctx.dt, table)
            counts.extra[name] = n_articles if name == "articles" else table.num_rows
        counts.records_in = counts.records_out = n_articles + quarantine.num_rows
    return _save_counts(ctx, counts)


def _history(ctx: RunContext) -> pa.Table:
    """Articles per source on each of the seven nights before this one (for volume checks)."""
    import pyarrow.compute as pc

    start = ctx.dt - _dt.timedelta(days=7)
    try:
        data = lake.dataset(ctx.lake_root, "articles")
        table = data.to_table(columns=["dt", "source_id"],
                              filter=(pc.field("dt") >= start) & (pc.field("dt") < ctx.dt))
    except (FileNotFoundError, pa.ArrowInvalid):
        return pa.table({"dt": pa.array([], pa.date32()), "source_id": pa.array([], pa.string()),
                         "n_articles": pa.array([], pa.int64())})
    grouped = table.group_by(["dt", "source_id"]).aggregate([("source_id", "count")])
    return grouped.rename_columns(["dt", "source_id", "n_articles"])


def _indexed_article_ids(ctx: RunContext) -> pa.Array | None:
    """Article ids of the other nights in the dedup index: where cross-night duplicates point."""
    files = [p for p in sorted(ctx.dedup_dir.glob("dt=*.parquet")) if p.stem != f"dt={ctx.dt.isoformat()}"]
    if not files:
        return None
    return pa.concat_arrays([pq.read_table(p, columns=["article_id"]).column("article_id").combine_chunks()
                             for p in files])


def validate(ctx: RunContext) -> dict:
    """Great Expectations over the night's lake partitions; a critical failure stops the run."""
    from akhbar.quality import QualityGateFailed, validate_night

    counts = StageCounts(stage="validate")
    with Timer(counts):
        raw_files = _raw_files(ctx)
        # Everything but the page bodies: the raw suite checks the stored schema, keys and sources,
        # and bodies would cost memory for nothing (an all-null body column keeps the file's type).
        light = [n for n in RAW_RECORD.names if n != "body"]
        raw = _concat([pq.read_table(p, columns=light) for p in raw_files], pa.schema([RAW_RECORD.field(n) for n in light]))
        raw = raw.append_column(RAW_RECORD.field("body"), pa.nulls(raw.num_rows, pa.binary())).select(RAW_RECORD.names)
        raw_count = raw.num_rows
        # A lazy scan: the suites read the texts only as lengths, batch by batch.
        articles = lake.scan_partition(ctx.lake_root, "articles", ctx.dt)
        report = validate_night(
            dt=ctx.dt,
            run_id=ctx.run_id,
            articles=articles,
            raw_count=raw_count,
            quarantine=lake.read_partition(ctx.lake_root, "quarantine", ctx.dt),
            places=lake.read_partition(ctx.lake_root, "article_places", ctx.dt),
            dates=lake.read_partition(ctx.lake_root, "article_dates", ctx.dt),
            keywords=lake.read_partition(ctx.lake_root, "article_keywords", ctx.dt),
            history=_history(ctx),
            quality_dir=ctx.quality_dir,
            raw=raw,
            known_article_ids=_indexed_article_ids(ctx),
        )
        _atomic_write(report.results, ctx.work_dir / "dq_results.parquet")
        counts.records_in = counts.records_out = articles.count_rows()
        counts.extra.update(critical_failures=report.critical_failures,
                            warning_failures=report.warning_failures,
                            data_docs=str(report.data_docs_index) if report.data_docs_index else None)
    _save_counts(ctx, counts)
    if not report.passed:
        from akhbar import warehouse

        # The night is not loaded, but its quality results are: they say why.
        warehouse.record_dq_results(ctx.warehouse_path, ctx.dt, report.results)
        failed = [r for r in report.results.to_pylist() if not r["success"] and r["severity"] == "critical"]
        names = "; ".join(f"{r['suite']}: {r['expectation']}({r.get('column') or ''})" for r in failed)
        raise QualityGateFailed(f"night {ctx.dt}: {report.critical_failures} critical expectation(s) failed: "
                                f"{names}. The warehouse was not loaded. Data Docs: {report.data_docs_index}")
    return counts.as_dict()


def load_warehouse(ctx: RunContext) -> dict:
    """Merge the night into DuckDB in one transaction (the single writer)."""
    from akhbar import warehouse

    counts = StageCounts(stage="load_warehouse")
    with Timer(counts):
        dq_path = ctx.work_dir / "dq_results.parquet"
        figures = warehouse.load_night(
            ctx.warehouse_path,
            lake_root=ctx.lake_root,
            dt=ctx.dt,
            demoted=_read(ctx.work_dir / "demoted.parquet") if (ctx.work_dir / "demoted.parquet").exists() else None,
            dq_results=_read(dq_path) if dq_path.exists() else None,
            sources=ctx.registry().sources,
            doc_freq=_read(df_path) if (df_path := _docfreq_dir(ctx) / f"dt={ctx.dt.isoformat()}.parquet").exists()
            else None,
        )
        counts.records_in = figures["articles"] + figures["duplicates"] + figures["quarantine"]
        counts.records_out = figures["articles"]
        counts.duplicates = figures["duplicates"]
        counts.rejected = figures["quarantine"]
        counts.extra.update(figures)
    return _save_counts(ctx, counts)


def check_accounting(ctx: RunContext) -> dict:
    """Every raw record ends in exactly one place: article, duplicate, or quarantine."""
    raw_ids: list[str] = []
    for path in _raw_files(ctx):
        raw_ids += pq.read_table(path, columns=["record_id"]).column("record_id").to_pylist()
    articles = lake.read_partition(ctx.lake_root, "articles", ctx.dt)
    quarantine = lake.read_partition(ctx.lake_root, "quarantine", ctx.dt)
    article_ids = articles.column("record_id").to_pylist()
    quarantine_ids = quarantine.column("record_id").to_pylist()
    n_duplicates = articles.num_rows - articles.column("duplicate_of").null_count
    figures = {
        "raw": len(raw_ids),
        "articles": articles.num_rows - n_duplicates,
        "duplicates": n_duplicates,
        "quarantined": len(quarantine_ids),
    }
    problems = []
    raw_set = set(raw_ids)
    # A record repeated in the raw zone is quarantined once as "repeated_record" on top of its first copy.
    landed = article_ids + quarantine_ids
    from collections import Counter

    landed_counts = Counter(landed)
    raw_counts = Counter(raw_ids)
    lost = sorted(raw_set - set(landed))
    unknown = sorted(set(landed) - raw_set)
    twice = sorted(rid for rid, n in landed_counts.items() if n > raw_counts.get(rid, 0))
    if lost:
        problems.append(f"{len(lost)} raw record(s) ended nowhere, e.g. {lost[:3]}")
    if unknown:
        problems.append(f"{len(unknown)} landed record(s) are not in the raw zone, e.g. {unknown[:3]}")
    if twice:
        problems.append(f"{len(twice)} record(s) ended in more than one place, e.g. {twice[:3]}")
    if len(landed) != len(raw_ids):
        problems.append(f"{len(raw_ids)} raw records but {len(landed)} landed")
    figures["balanced"] = not problems
    if problems:
        raise AccountingError(f"night {ctx.dt}: counts do not add up: " + "; ".join(problems))
    return figures


def _aggregate_counts(ctx: RunContext) -> None:
    """Per-source figures (fetch:ID, extract:ID, clean:ID) summed into one row per stage."""
    enabled = set(list_sources(ctx))
    totals: dict[str, StageCounts] = {}
    for path in sorted((ctx.work_dir / "counts").glob("*:*.json")):
        stage, _, sid = path.stem.partition(":")
        if sid not in enabled:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("stage", None)
        totals.setdefault(stage, StageCounts(stage=stage)).merge(StageCounts(stage=stage, **data))
    for counts in totals.values():
        _save_counts(ctx, counts)


def report(ctx: RunContext) -> dict:
    """Check the accounting, record the run's figures in `runs`, and summarise the night."""
    from akhbar import warehouse
    from akhbar.report import summarize

    counts = StageCounts(stage="report")
    with Timer(counts):
        figures = check_accounting(ctx)
        counts.records_in = figures["raw"]
        counts.records_out = figures["articles"]
        counts.duplicates = figures["duplicates"]
        counts.rejected = figures["quarantined"]
        counts.extra.update(figures)
    _save_counts(ctx, counts)
    _aggregate_counts(ctx)
    rows = []
    for path in sorted((ctx.work_dir / "counts").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.append({**data, "run_id": ctx.run_id, "dt": ctx.dt})
    warehouse.record_runs(ctx.warehouse_path, rows)
    return summarize(ctx, figures)


def run_night(ctx: RunContext, *, refetch: bool = False) -> dict:
    """All stages in-process, in order (``akhbar run``)."""
    failures = []
    for source_id in list_sources(ctx):
        try:
            fetch(ctx, source_id, refetch=refetch)
        except RuntimeError as exc:
            failures.append(str(exc))
    extract_clean(ctx)
    enrich(ctx)
    dedup(ctx)
    write_lake(ctx)
    validate(ctx)
    load_warehouse(ctx)
    summary = report(ctx)
    if failures and not summary["failed_sources"]:
        summary["failed_sources"] = failures
    return summary
