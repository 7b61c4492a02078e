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

from akhbar.config import Registry, default_data_dir, default_sources_path, load_registry
from akhbar.hashing import sha256_hex, stable_id
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.progress import track
from akhbar.schema import QUARANTINE, RAW_RECORD
from akhbar.stats import StageCounts, Timer

log = logging.getLogger(__name__)

# Records per batch through extraction, cleaning and enrichment.
BATCH_ROWS = 2_000
# Row groups of work files: a later stage can stream a file group by group.
WORK_ROW_GROUP_ROWS = 65_536

# "stories" runs inside the stage task, first (so every path that stages a night again computes them again).
STAGES = ("fetch", "extract_clean", "enrich", "dedup", "stories", "stage", "validate", "publish", "report")


class AccountingError(RuntimeError):
    """Raw records that did not end as an article, a duplicate or in the quarantine (or ended twice)."""


class SourceFailed(RuntimeError):
    """A source that brought nothing usable tonight; the message names the URL or resolved path.
    ``retry_can_help`` is False when nothing will change by itself (a local path that does not exist)."""

    def __init__(self, message: str, *, retry_can_help: bool = True):
        super().__init__(message)
        self.retry_can_help = retry_can_help


@dataclass(frozen=True)
class RunContext:
    dt: _dt.date
    data_dir: Path = field(default_factory=default_data_dir)
    sources_path: Path = field(default_factory=default_sources_path)
    run_id: str = ""
    reprocess: bool = False  # rebuild the night from the raw zone; never fetch

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        object.__setattr__(self, "sources_path", Path(self.sources_path).resolve())
        if not self.run_id:
            object.__setattr__(self, "run_id", f"manual__{self.dt.isoformat()}__{uuid.uuid4().hex[:8]}")

    # Where things live under the data dir.
    def raw_path(self, source_id: str) -> Path:
        return self.data_dir / "raw" / f"dt={self.dt.isoformat()}" / f"source={source_id}" / "records.parquet"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work" / f"dt={self.dt.isoformat()}"

    @property
    def staged_dir(self) -> Path:
        return self.work_dir / "staged"

    @property
    def catalog(self) -> CatalogSettings:
        """Where the lakehouse catalog is (AKHBAR_CATALOG, AKHBAR_LAKE_ROOT; default under the data dir)."""
        return CatalogSettings.from_env(self.data_dir)

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
    pq.write_table(table, tmp, compression="zstd", row_group_size=WORK_ROW_GROUP_ROWS)
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
    failed_before = _fetch_failed_marker(ctx, source_id)
    with Timer(counts):
        # A source that failed is fetched again on a retry: its raw file holds only the failure.
        if path.exists() and (ctx.reprocess or not (refetch or failed_before.exists())):
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
    problem = _nothing_usable(ctx, source, counts.records_out, errors, fetched.extra.get("errors_by_reason") or {})
    if failure is not None or problem is not None:
        failed_before.parent.mkdir(parents=True, exist_ok=True)
        failed_before.write_text(str(failure or problem), encoding="utf-8")
    else:
        failed_before.unlink(missing_ok=True)
    if failure is not None:
        raise SourceFailed(f"source {source_id} ({source.where()}) failed: {failure}") from failure
    if problem is not None:
        raise problem
    return result


def _fetch_failed_marker(ctx: RunContext, source_id: str) -> Path:
    return ctx.work_dir / "fetch_failed" / f"{source_id}.txt"


def _nothing_usable(ctx: RunContext, source, records: int, errors: int, reasons: dict) -> SourceFailed | None:
    """A source whose path does not exist, or that brought only errors, fails its task with what it read
    named (its records stay in the raw zone and go to the quarantine). Nothing at all is not a failure:
    nothing was published; the quality gate warns about a silent source."""
    where = source.where()
    if source.path is not None:
        where += f" (a relative path is resolved against the registry's folder, {ctx.sources_path.parent})"
    missing = source.path_problem()
    if missing:
        return SourceFailed(f"source {source.id}: {missing}; check `path` in {ctx.sources_path} "
                            f"(`akhbar sources` lists every source's path)", retry_can_help=False)
    if records and errors == records:
        top = ", ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:5])
        return SourceFailed(f"source {source.id}: {where} brought no usable record, only {errors} "
                            f"error(s) ({top or 'see the quarantine'})", retry_can_help=source.path is None)
    return None


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

    # A new extraction starts the night's audit afresh: sources set aside by an earlier audit come back.
    _set_aside_file(ctx).unlink(missing_ok=True)
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
    """This night's per-source hand-over files, for the sources of this night's raw zone only. A
    source set aside by the quality gate has no cleaned documents, and all its records quarantined."""
    excluded = _set_aside(ctx)
    parts = []
    for raw_file in _raw_files(ctx):
        sid = _source_of(raw_file)
        if sid in excluded:
            path = _set_aside_quarantine_path(ctx, sid) if kind == "quarantine" else None
        else:
            path = (_cleaned_path if kind == "cleaned" else _quarantine_path)(ctx, sid)
        if path is not None and path.exists():
            parts.append(path)
    return parts


def _set_aside_file(ctx: RunContext) -> Path:
    return ctx.work_dir / "set_aside_sources.json"


def _set_aside(ctx: RunContext) -> dict[str, str]:
    """Sources the quality gate set aside tonight, with the reason."""
    path = _set_aside_file(ctx)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _set_aside_quarantine_path(ctx: RunContext, source_id: str) -> Path:
    return ctx.work_dir / "quarantine" / f"source={source_id}.set-aside.parquet"


def _quarantine_whole_source(ctx: RunContext, source_id: str, reason: str) -> None:
    """Every raw record of a source into the quarantine, with its bytes and the gate's reason."""
    raw_file = next(f for f in _raw_files(ctx) if _source_of(f) == source_id)
    raw = pq.read_table(raw_file, columns=["record_id", "source_id", "locator", "body"])
    n = raw.num_rows
    table = pa.table({
        "record_id": raw.column("record_id"), "source_id": raw.column("source_id"),
        "stage": pa.array(["validate"] * n), "reason": pa.array(["source_failed_quality"] * n),
        "detail": pa.array([reason[:2000]] * n), "locator": raw.column("locator"), "body": raw.column("body"),
        "dt": pa.array([ctx.dt] * n, pa.date32())}).cast(QUARANTINE)
    _atomic_write(table, _set_aside_quarantine_path(ctx, source_id))


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


def _work_files(ctx: RunContext) -> "WorkFiles":
    """The night as the stages up to dedup (and the stories step) left it in the work dir."""
    from akhbar.lakehouse.staging import WorkFiles

    demoted = ctx.work_dir / "demoted.parquet"
    doc_freq = _docfreq_dir(ctx) / f"dt={ctx.dt.isoformat()}.parquet"
    story_work = _story_work(ctx)
    return WorkFiles(
        articles=ctx.work_dir / "articles.parquet",
        places=ctx.work_dir / "article_places.parquet",
        dates=ctx.work_dir / "article_dates.parquet",
        keywords=ctx.work_dir / "article_keywords.parquet",
        quarantine=tuple(_night_parts(ctx, "quarantine")),
        demoted=demoted if demoted.exists() else None,
        doc_freq=doc_freq if doc_freq.exists() else None,
        stories=story_work if story_work.done() else None,
    )


def _story_work(ctx: RunContext):
    """Where the stories step leaves the night's stories (akhbar.lakehouse.stories.StoryWork)."""
    from akhbar.lakehouse.stories import StoryWork

    return StoryWork(ctx.work_dir / "stories")


def stories(ctx: RunContext) -> dict:
    """Stories of the night: its kept articles linked to each other and to the articles of the nights
    around it (D-2 .. D+2), read from the published catalog; written to the work dir, staged and
    published with the night (akhbar.lakehouse.stories)."""
    from akhbar.lakehouse.stories import NightArticles, night_stories

    demoted = ctx.work_dir / "demoted.parquet"
    counts = night_stories(ctx.catalog, NightArticles(
        articles=ctx.work_dir / "articles.parquet", places=ctx.work_dir / "article_places.parquet",
        dates=ctx.work_dir / "article_dates.parquet", keywords=ctx.work_dir / "article_keywords.parquet",
        demoted=demoted if demoted.exists() else None), _story_work(ctx), night=ctx.dt)
    return _save_counts(ctx, counts)


def _staged_manifest(ctx: RunContext) -> Path:
    return ctx.work_dir / "staged.json"


def _staged_night(ctx: RunContext) -> "StagedNight":
    from akhbar.lakehouse.staging import StagedNight

    path = _staged_manifest(ctx)
    if not path.exists():
        raise FileNotFoundError(f"night {ctx.dt} has not been staged ({path} is missing): run the stage task first")
    return StagedNight.load(path)


def stage(ctx: RunContext) -> dict:
    """Stage the night for publishing: its stories first, then its rows as Parquet files shaped like
    the catalog's tables (its full-text index and stories too), under the catalog's data path but not
    yet in the catalog."""
    from akhbar.lakehouse.staging import stage_night

    stories(ctx)
    counts = StageCounts(stage="stage")
    with Timer(counts):
        staged = stage_night(ctx.catalog, _work_files(ctx), night=ctx.dt, run_id=ctx.run_id,
                             temp_dir=ctx.work_dir / "duckdb-tmp",
                             memory_limit=os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "3GB"))
        staged.save(_staged_manifest(ctx))
        counts.records_in = counts.records_out = staged.rows.get("articles", 0) + staged.rows.get("duplicates", 0)
        counts.extra.update(rows=staged.rows, location=staged.location)
    return _save_counts(ctx, counts)


def _history(ctx: RunContext) -> pa.Table:
    """Articles per source (duplicates included) on each of the seven published nights before this one."""
    from akhbar.lakehouse.connect import CatalogMissing
    from akhbar.lakehouse.session import reader_session

    empty = pa.table({"dt": pa.array([], pa.date32()), "source_id": pa.array([], pa.string()),
                      "n_articles": pa.array([], pa.int64())})
    start = ctx.dt - _dt.timedelta(days=7)
    try:
        with reader_session(ctx.catalog) as con:
            present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                                 "WHERE database_name = current_database()").fetchall()}
            if not {"articles", "duplicates"} <= present:
                return empty
            return con.execute(
                """SELECT dt, source_id, count(*)::BIGINT AS n_articles FROM (
                       SELECT dt, source_id FROM articles WHERE dt >= ? AND dt < ?
                       UNION ALL SELECT dt, source_id FROM duplicates WHERE dt >= ? AND dt < ?)
                   GROUP BY dt, source_id ORDER BY dt, source_id""",
                [start, ctx.dt, start, ctx.dt]).fetch_arrow_table().cast(empty.schema)
    except CatalogMissing:
        return empty


def _indexed_article_ids(ctx: RunContext) -> pa.Array | None:
    """Article ids of the other nights in the dedup index: where cross-night duplicates point."""
    files = [p for p in sorted(ctx.dedup_dir.glob("dt=*.parquet")) if p.stem != f"dt={ctx.dt.isoformat()}"]
    if not files:
        return None
    return pa.concat_arrays([pq.read_table(p, columns=["article_id"]).column("article_id").combine_chunks()
                             for p in files])


def _raw_light(ctx: RunContext) -> pa.Table:
    """The night's raw records without their bodies (the raw suite checks schema, keys and sources;
    an all-null body column keeps the file's type)."""
    light = [n for n in RAW_RECORD.names if n != "body"]
    raw = _concat([pq.read_table(p, columns=light) for p in _raw_files(ctx)],
                  pa.schema([RAW_RECORD.field(n) for n in light]))
    return raw.append_column(RAW_RECORD.field("body"), pa.nulls(raw.num_rows, pa.binary())).select(RAW_RECORD.names)


def _records_by_source(ctx: RunContext) -> dict[str, int]:
    """Raw records each enabled source brought tonight (0 for a source with none)."""
    return {sid: pq.ParquetFile(p).metadata.num_rows if (p := ctx.raw_path(sid)).exists() else 0
            for sid in list_sources(ctx)}


def _audit(ctx: RunContext, work) -> "QualityReport":
    """Great Expectations over the night's work files, from which the staged files were made
    (nothing of the night is published yet)."""
    from akhbar.quality import validate_night
    from akhbar.schema import ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    raw = _without_set_aside(ctx, _raw_light(ctx))
    # A lazy scan: the suites read the texts only as lengths, batch by batch.
    articles = ds.dataset(work.articles, format="parquet")
    return validate_night(
        dt=ctx.dt, run_id=ctx.run_id, articles=articles, raw_count=raw.num_rows,
        quarantine=_without_set_aside(ctx, _concat([pq.read_table(p) for p in work.quarantine], QUARANTINE)),
        places=_read(work.places, ARTICLE_PLACES), dates=_read(work.dates, ARTICLE_DATES),
        keywords=_read(work.keywords, ARTICLE_KEYWORDS), history=_history(ctx), quality_dir=ctx.quality_dir,
        raw=raw, known_article_ids=_indexed_article_ids(ctx), records_by_source=_records_by_source(ctx),
    )


def _without_set_aside(ctx: RunContext, table: pa.Table) -> pa.Table:
    """The rows of sources the gate has not set aside: a set-aside source is quarantined whole for a
    failure already recorded, and the night's audit is of the rest (the accounting still counts it)."""
    import pyarrow.compute as pc

    set_aside = list(_set_aside(ctx))
    if not set_aside or not table.num_rows:
        return table
    return table.filter(pc.invert(pc.is_in(table.column("source_id"), value_set=pa.array(set_aside))))


def _record_dq_results(ctx: RunContext, results: pa.Table) -> None:
    """Append a validation's results to dq_results: every validation is kept, failed nights and
    audits repeated after a source was set aside included (dq_latest shows the latest of a night)."""
    from akhbar.lakehouse.session import writer_session

    with writer_session(ctx.catalog, f"quality results of {ctx.dt} ({ctx.run_id})",
                        temp_dir=ctx.work_dir / "duckdb-tmp") as con:
        con.execute("BEGIN TRANSACTION")
        con.register("_night_dq", results)
        con.execute("INSERT INTO dq_results SELECT * FROM _night_dq")
        con.execute("COMMIT")


def validate(ctx: RunContext) -> dict:
    """Audit the staged night: accounting, then Great Expectations. A critical failure stops the
    run before anything is published; the results are kept in dq_results and the Data Docs either way."""
    from akhbar.quality import QualityGateFailed

    counts = StageCounts(stage="validate")
    with Timer(counts):
        accounting = check_accounting(ctx)  # raises AccountingError: nothing published
        report = _audit(ctx, _work_files(ctx))
        _record_dq_results(ctx, report.results)
        if not report.passed and _set_aside_failing_sources(ctx, report):
            counts.extra["set_aside_sources"] = _set_aside(ctx)
            accounting = check_accounting(ctx)
            report = _audit(ctx, _work_files(ctx))
            _record_dq_results(ctx, report.results)
        _atomic_write(report.results, ctx.work_dir / "dq_results.parquet")
        counts.records_in = counts.records_out = accounting["articles"] + accounting["duplicates"]
        counts.extra.update(critical_failures=report.critical_failures,
                            warning_failures=report.warning_failures,
                            data_docs=str(report.data_docs_index) if report.data_docs_index else None)
    _save_counts(ctx, counts)
    if not report.passed:
        failed = [r for r in report.results.to_pylist() if not r["success"] and r["severity"] == "critical"]
        names = "; ".join(f"{r['suite']}: {r['expectation']}({r.get('column') or ''})" for r in failed)
        raise QualityGateFailed(f"night {ctx.dt}: {report.critical_failures} critical expectation(s) failed: "
                                f"{names}. Nothing was published; the staged night is in {ctx.work_dir}. "
                                f"Data Docs: {report.data_docs_index}")
    return counts.as_dict()


def _night_tables(ctx: RunContext) -> "NightTables":
    from akhbar.quality.isolation import NightTables
    from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES

    work = _work_files(ctx)
    return NightTables(articles=_read(work.articles, ARTICLE),
                       quarantine=_concat([pq.read_table(p) for p in work.quarantine], QUARANTINE),
                       places=_read(work.places, ARTICLE_PLACES), dates=_read(work.dates, ARTICLE_DATES),
                       keywords=_read(work.keywords, ARTICLE_KEYWORDS), raw=_raw_light(ctx), history=_history(ctx),
                       known_article_ids=_indexed_article_ids(ctx))


def _set_aside_failing_sources(ctx: RunContext, report) -> bool:
    """A source that fails the gate alone is set aside (all its records quarantined with the reason)
    and the rest of the night is enriched, deduplicated and staged again, so that one broken source
    does not cost the others their night. False when no source, or every source, fails alone."""
    from akhbar.quality.isolation import failing_sources

    night = _night_tables(ctx)
    with_records = set(night.raw.column("source_id").to_pylist())
    failing = failing_sources(night, dt=ctx.dt, run_id=ctx.run_id, quality_dir=ctx.work_dir / "quality-by-source")
    if not failing or {f.source_id for f in failing} >= with_records:
        return False
    set_aside = {**_set_aside(ctx), **{f.source_id: f.reason for f in failing}}
    for source_id, reason in set_aside.items():
        _quarantine_whole_source(ctx, source_id, reason)
    path = _set_aside_file(ctx)
    path.write_text(json.dumps(set_aside, ensure_ascii=False, indent=1), encoding="utf-8")
    log.warning("night %s: sources set aside by the quality gate: %s", ctx.dt, set_aside)
    enrich(ctx)
    dedup(ctx)
    stage(ctx)
    return True


def _dedup_is_stale(ctx: RunContext) -> bool:
    """Another night's deduplication ran after this night's: its heads may have changed."""
    from akhbar.dedup import index_generation

    path = ctx.work_dir / "counts" / "dedup.json"
    seen = json.loads(path.read_text(encoding="utf-8")).get("extra", {}).get("index_generation") if path.exists() else None
    return seen is not None and index_generation(ctx.dedup_dir) != seen


def _stories_are_stale(con, ctx: RunContext) -> bool:
    from akhbar.lakehouse.stories import stories_are_stale

    staged = _staged_night(ctx)
    return staged.stories is not None and stories_are_stale(con, staged.stories["snapshot_id"])


def publish(ctx: RunContext) -> dict:
    """Move the audited night into the catalog in one transaction (the catalog's single writer)."""
    from akhbar.lakehouse.publish import publish_night
    from akhbar.lakehouse.session import writer_session

    counts = StageCounts(stage="publish")
    with Timer(counts):
        with writer_session(ctx.catalog, f"publish night {ctx.dt} ({ctx.run_id})",
                            temp_dir=ctx.work_dir / "duckdb-tmp") as con:
            if _dedup_is_stale(ctx):
                # Published as staged, this night would undo what a later deduplication decided
                # (runs of two nights at once): stage and audit it again first, under the lock.
                log.warning("night %s: another night was deduplicated since this one; deduplicating, "
                            "staging and auditing it again before publishing", ctx.dt)
                counts.extra["restaged"] = True
                dedup(ctx)
                stage(ctx)
                validate(ctx)
            elif _stories_are_stale(con, ctx):
                # Another night was published since this night's stories read the catalog: they may
                # miss its articles, or keep articles it made duplicates. Computed again (the vectors
                # are cached) and staged again, under the lock; the audited work files are unchanged.
                log.warning("night %s: another night was published since its stories were computed; "
                            "computing them again before publishing", ctx.dt)
                counts.extra["stories_recomputed"] = True
                stage(ctx)
            figures = publish_night(con, _staged_night(ctx), sources=ctx.registry().sources)
        counts.records_in = figures.articles + figures.duplicates + figures.quarantine
        counts.records_out = figures.articles
        counts.duplicates = figures.duplicates
        counts.rejected = figures.quarantine
        counts.extra.update(articles=figures.articles, duplicates=figures.duplicates, quarantine=figures.quarantine,
                            demoted=figures.demoted, by_lang=figures.by_lang, snapshot_id=figures.snapshot_id)
    return _save_counts(ctx, counts)


def _staged_record_ids(ctx: RunContext) -> dict[str, list[str]]:
    """Record ids of the staged night's articles, duplicates and quarantined records."""
    import duckdb

    from akhbar.lakehouse.staging import staging_session

    staged = _staged_night(ctx)
    out = {}
    con = staging_session(ctx.catalog, memory_limit="1GB", temp_dir=ctx.work_dir / "duckdb-tmp")
    try:
        for table in ("articles", "duplicates", "quarantine"):
            files = staged.files.get(table) or []
            out[table] = [r[0] for r in con.execute(
                "SELECT record_id FROM read_parquet(?, hive_partitioning = false)", [files]).fetchall()] if files else []
    except duckdb.Error:
        con.close()
        raise
    con.close()
    return out


def check_accounting(ctx: RunContext) -> dict:
    """Every raw record of the staged night ends in exactly one place: article, duplicate, or quarantine."""
    from collections import Counter

    raw_ids: list[str] = []
    for path in _raw_files(ctx):
        raw_ids += pq.read_table(path, columns=["record_id"]).column("record_id").to_pylist()
    staged = _staged_record_ids(ctx)
    figures = {"raw": len(raw_ids), "articles": len(staged["articles"]), "duplicates": len(staged["duplicates"]),
               "quarantined": len(staged["quarantine"])}
    # A record repeated in the raw zone is quarantined once as "repeated_record" on top of its first copy.
    landed = staged["articles"] + staged["duplicates"] + staged["quarantine"]
    landed_counts, raw_counts = Counter(landed), Counter(raw_ids)
    lost = sorted(set(raw_ids) - set(landed))
    unknown = sorted(set(landed) - set(raw_ids))
    twice = sorted(rid for rid, n in landed_counts.items() if n > raw_counts.get(rid, 0))
    problems = []
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


def _published_accounting(ctx: RunContext, staged: dict) -> dict:
    """The published night against the audited one: the same records, split the same way or with
    articles moved to duplicates by a later publish (a demotion)."""
    from akhbar.lakehouse.session import reader_session

    with reader_session(ctx.catalog) as con:
        count = lambda table: con.execute(f"SELECT count(*) FROM {table} WHERE dt = ?", [ctx.dt]).fetchone()[0]  # noqa: E731
        published = {"articles": count("articles"), "duplicates": count("duplicates"), "quarantined": count("quarantine")}
    if sum(published.values()) != staged["raw"]:
        raise AccountingError(f"night {ctx.dt}: {staged['raw']} raw records but the catalog holds "
                              f"{sum(published.values())} for this night ({published})")
    return {**staged, **published, "balanced": True}


def _aggregate_counts(ctx: RunContext) -> None:
    """Per-source figures (fetch:ID, extract:ID, clean:ID) summed into one row per stage."""
    enabled = set(list_sources(ctx))
    totals: dict[str, StageCounts] = {}
    for path in sorted((ctx.work_dir / "counts").glob("*:*.json")):
        stage_name, _, sid = path.stem.partition(":")
        if sid not in enabled:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("stage", None)
        totals.setdefault(stage_name, StageCounts(stage=stage_name)).merge(StageCounts(stage=stage_name, **data))
    for counts in totals.values():
        _save_counts(ctx, counts)


def _record_runs(ctx: RunContext, rows: list[dict]) -> None:
    """One row per (run, night, stage) in `runs`; a retried task replaces its own rows."""
    from akhbar.lakehouse.session import writer_session
    from akhbar.schema import RUNS

    now = _dt.datetime.now(_dt.timezone.utc)
    table = pa.Table.from_pylist([
        {"run_id": r["run_id"], "dt": r["dt"], "stage": r["stage"], "records_in": r.get("records_in", 0),
         "records_out": r.get("records_out", 0), "rejected": r.get("rejected", 0),
         "duplicates": r.get("duplicates", 0), "changed": r.get("changed", 0),
         "seconds": float(r.get("seconds", 0.0)),
         "details": json.dumps(r.get("extra", {}), ensure_ascii=False, default=str), "recorded_at": now}
        for r in rows], schema=RUNS)
    with writer_session(ctx.catalog, f"run figures of {ctx.dt} ({ctx.run_id})",
                        temp_dir=ctx.work_dir / "duckdb-tmp") as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM runs WHERE run_id = ? AND dt = ?", [ctx.run_id, ctx.dt])
        con.register("_night_runs", table)
        con.execute("INSERT INTO runs SELECT * FROM _night_runs")
        con.execute("COMMIT")


def _wall_seconds(ctx: RunContext) -> float:
    """From the start of this run's first stage to now: the earliest fetch of an enabled source (the time
    its figures were written, less its seconds). Every run writes those afresh, raw zone reused or not."""
    import time

    files = [p for sid in list_sources(ctx) if (p := ctx.work_dir / "counts" / f"fetch:{sid}.json").exists()]
    starts = [p.stat().st_mtime - float(json.loads(p.read_text(encoding="utf-8")).get("seconds") or 0)
              for p in files]
    return round(time.time() - min(starts), 3) if starts else 0.0


def report(ctx: RunContext) -> dict:
    """Check the published night against the raw zone, record the run's figures in `runs`, and
    summarise the night."""
    from akhbar.report import summarize

    counts = StageCounts(stage="report")
    with Timer(counts):
        figures = _published_accounting(ctx, check_accounting(ctx))
        counts.records_in = figures["raw"]
        counts.records_out = figures["articles"]
        counts.duplicates = figures["duplicates"]
        counts.rejected = figures["quarantined"]
        counts.extra.update(figures)
    counts.extra["wall_seconds"] = _wall_seconds(ctx)  # the run's duration, not the sum of its stages
    _save_counts(ctx, counts)
    _aggregate_counts(ctx)
    rows = []
    for path in sorted((ctx.work_dir / "counts").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        rows.append({**data, "run_id": ctx.run_id, "dt": ctx.dt})
    _record_runs(ctx, rows)
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
    stage(ctx)
    validate(ctx)
    publish(ctx)
    summary = report(ctx)
    if failures and not summary["failed_sources"]:
        summary["failed_sources"] = failures
    return summary
