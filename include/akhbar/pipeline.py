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
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.config import Registry, default_data_dir, default_sources_path, load_registry
from akhbar.hashing import sha256_hex, stable_id
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.progress import track
from akhbar.schema import QUARANTINE, RAW_RECORD
from akhbar.stats import StageCounts, Timer

if TYPE_CHECKING:  # annotations only: each stage imports what it runs
    from akhbar.lakehouse.staging import StagedNight, WorkFiles
    from akhbar.quality import QualityReport
    from akhbar.quality.isolation import NightTables
    from akhbar.shards.enrich import NightContext
    from akhbar.shards.layout import SourceShards
    from akhbar.shards.night import SourceNight
    from akhbar.shards.plan import ShardPlan

log = logging.getLogger(__name__)

# Records per batch through extraction, cleaning and enrichment.
BATCH_ROWS = 2_000
# Row groups of work files: a later stage can stream a file group by group.
WORK_ROW_GROUP_ROWS = 65_536

# In the DAG, "stories" and "stage" are two tasks; every path that stages a night again runs both (stage()).
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
    # Row groups of the lake's size, so a later stage can stream the file group by group.
    atomic.write_parquet(path, table, compression="zstd", row_group_size=WORK_ROW_GROUP_ROWS)


def _read(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    if not path.exists():
        if schema is None:
            raise FileNotFoundError(path)
        return schema.empty_table()
    return pq.read_table(path)


def _save_counts(ctx: RunContext, counts: StageCounts, name: str | None = None) -> dict:
    data = counts.as_dict()
    out = ctx.work_dir / "counts" / f"{name or counts.stage}.json"
    atomic.write_json(out, data)
    log.info(
        "%s: in=%d out=%d rejected=%d duplicates=%d (%.2fs)",
        counts.stage,
        counts.records_in,
        counts.records_out,
        counts.rejected,
        counts.duplicates,
        counts.seconds,
    )
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
        fetched = StageCounts(stage=counts.stage)  # the fetch's own figures: skips by cause, 304s, robots...
        errors, failure = _write_raw(ctx, source, path, counts, fetched)
        counts.records_in = counts.records_out
        counts.extra.update(fetched.extra)
        counts.extra["fetch_errors"] = errors
    result = _save_counts(ctx, counts)
    problem = _nothing_usable(
        ctx, source, counts.records_out, errors, fetched.extra.get("errors_by_reason") or {}
    )
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


def _write_raw(
    ctx: RunContext, source, path: Path, counts: StageCounts, fetched: StageCounts
) -> tuple[int, BaseException | None]:
    """The source's raw records of the night, written whole or not at all; a source that fails
    part-way leaves what it fetched plus one ``source_failed`` record. Returns (error records,
    the failure)."""
    from akhbar.sources import fetch_source

    errors = 0
    failure: BaseException | None = None
    with atomic.replacing(path) as tmp, pq.ParquetWriter(tmp, RAW_RECORD, compression="zstd") as writer:
        try:
            batches = fetch_source(source, dt=ctx.dt, state_dir=ctx.state_dir / "fetch", counts=fetched)
            for batch in track(batches, stage=f"fetch {source.id}"):
                writer.write_batch(batch)
                counts.records_out += batch.num_rows
                errors += batch.num_rows - batch.column("error").null_count
        except Exception as exc:  # one failing source must not stop the night
            failure = exc
            log.exception("source %s failed", source.id)
            writer.write_table(_source_failure(ctx, source, exc))
            counts.records_out += 1
            errors += 1
    return errors, failure


def _source_failure(ctx: RunContext, source, exc: BaseException) -> pa.Table:
    """The one raw record that says a source failed as a whole."""
    locator = source.url or (str(source.path) if source.path else ",".join(source.urls))
    row: dict[str, Any] = {name: None for name in RAW_RECORD.names}
    row.update(
        record_id=stable_id(source.id, "source-failure", ctx.dt.isoformat()),
        source_id=source.id,
        kind=source.kind,
        locator=locator,
        fetched_at=_dt.datetime.now(_dt.UTC),
        content_hash=sha256_hex(b""),
        error=f"source_failed: {type(exc).__name__}: {exc}",
    )
    return pa.Table.from_pylist([row], schema=RAW_RECORD)


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
        return SourceFailed(
            f"source {source.id}: {missing}; check `path` in {ctx.sources_path} "
            f"(`akhbar sources` lists every source's path)",
            retry_can_help=False,
        )
    if records and errors == records:
        top = ", ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:5])
        return SourceFailed(
            f"source {source.id}: {where} brought no usable record, only {errors} "
            f"error(s) ({top or 'see the quarantine'})",
            retry_can_help=source.path is None,
        )
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


# --------------------------------------------------------------------------- shards
def _source_shards(ctx: RunContext, source_id: str) -> SourceShards:
    from akhbar.shards.layout import SourceShards

    return SourceShards(ctx.work_dir / "shards" / f"source={source_id}")


def cut(ctx: RunContext, source_id: str) -> list[str]:
    """Cut one source's raw records of the night into shards; returns their ids (one extract_clean each)."""
    import shutil

    from akhbar.shards.plan import cut as cut_source

    # A new extraction starts the night's audit afresh: sources set aside by an earlier audit come back.
    _set_aside_file(ctx).unlink(missing_ok=True)
    folder = _source_shards(ctx, source_id)
    shutil.rmtree(folder.folder, ignore_errors=True)  # shards of an earlier cut of this night
    settings = ctx.registry().get(source_id).settings
    plan = cut_source(ctx.raw_path(source_id), source_id, settings.shard_records)
    plan.save(folder.plan)
    log.info(
        "source %s: %d raw records in %d shard(s) of at most %d",
        source_id,
        plan.raw_rows,
        len(plan.shards),
        plan.shard_records,
    )
    return [shard.id for shard in plan.shards]


def _plan(ctx: RunContext, source_id: str) -> ShardPlan:
    from akhbar.shards.plan import ShardPlan

    path = _source_shards(ctx, source_id).plan
    if not path.exists():
        raise FileNotFoundError(
            f"source {source_id} has not been cut into shards for {ctx.dt} ({path} is "
            "missing): run its cut task first"
        )
    return ShardPlan.load(path)


def extract_clean_shard(ctx: RunContext, shard_id: str) -> dict:
    """Extraction and cleaning of one shard (one mapped task each); returns its figures."""
    from akhbar.shards.extract import extract_clean_shard as run_shard
    from akhbar.shards.plan import parse_shard_id

    source_id, index = parse_shard_id(shard_id)
    shard = _plan(ctx, source_id).shard(index)
    figures = run_shard(
        ctx.raw_path(source_id),
        shard,
        _source_shards(ctx, source_id).shard(index),
        night=ctx.dt,
        batch_rows=BATCH_ROWS,
    )
    log.info(
        "shard %s: %d raw records, %d documents, %d quarantined",
        shard_id,
        shard.rows,
        figures.clean.records_out,
        figures.extract.rejected + figures.clean.rejected,
    )
    return {
        "shard": shard_id,
        "raw": shard.rows,
        "documents": figures.clean.records_out,
        "quarantined": figures.extract.rejected + figures.clean.rejected,
    }


def extract_clean(ctx: RunContext, source_id: str | None = None) -> dict:
    """Raw records -> documents (HTML main text, dates) -> cleaned text, shard by shard: every source,
    or ``source_id`` alone."""
    from akhbar.shards.night import source_figures

    total_extract, total_clean = StageCounts(stage="extract"), StageCounts(stage="clean")
    for path in _raw_files(ctx):
        sid = _source_of(path)
        if source_id is not None and sid != source_id:
            continue
        for shard_id in cut(ctx, sid):
            extract_clean_shard(ctx, shard_id)
        extract_counts, clean_counts = source_figures(_night_source(ctx, sid))
        total_extract.merge(extract_counts)
        total_clean.merge(clean_counts)
    return {"extract": total_extract.as_dict(), "clean": total_clean.as_dict()}


def _night_source(ctx: RunContext, source_id: str) -> SourceNight:
    from akhbar.shards.night import SourceNight

    if not _source_shards(ctx, source_id).plan.exists():  # its cut never ran: its shards count as failed
        cut(ctx, source_id)
    return SourceNight(
        source_id, ctx.raw_path(source_id), _plan(ctx, source_id), _source_shards(ctx, source_id)
    )


def _night_sources(ctx: RunContext) -> list[SourceNight]:
    """The night's sources with raw records, in the night's order, without those the gate set aside."""
    excluded = _set_aside(ctx)
    return [_night_source(ctx, _source_of(f)) for f in _raw_files(ctx) if _source_of(f) not in excluded]


def _night_quarantine(ctx: RunContext) -> list[Path]:
    """This night's quarantine files (one per shard), for the sources of this night's raw zone only. A
    source set aside by the quality gate has no documents, and all its records quarantined."""
    excluded = _set_aside(ctx)
    parts = []
    for raw_file in _raw_files(ctx):
        sid = _source_of(raw_file)
        if sid in excluded:
            parts.append(_set_aside_quarantine_path(ctx, sid))
            continue
        folder = _source_shards(ctx, sid)
        if folder.plan.exists():
            parts += [folder.shard(s.index).quarantine for s in _plan(ctx, sid).shards]
    return [p for p in parts if p.exists()]


def _set_aside_file(ctx: RunContext) -> Path:
    return ctx.work_dir / "set_aside_sources.json"


def _set_aside(ctx: RunContext) -> dict[str, str]:
    """Sources the quality gate set aside tonight, with the reason."""
    path = _set_aside_file(ctx)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _set_aside_quarantine_path(ctx: RunContext, source_id: str) -> Path:
    return ctx.work_dir / "quarantine" / f"source={source_id}.set-aside.parquet"


def _quarantine_whole_source(ctx: RunContext, source_id: str, reason: str) -> None:
    """Every raw record of a source into the quarantine, with its bytes and the gate's reason (streamed)."""
    from akhbar.shards.layout import StreamedTable

    raw_file = next(f for f in _raw_files(ctx) if _source_of(f) == source_id)
    with StreamedTable(_set_aside_quarantine_path(ctx, source_id), QUARANTINE) as out:
        for batch in pq.ParquetFile(raw_file).iter_batches(
            batch_size=BATCH_ROWS, columns=["record_id", "source_id", "locator", "body"]
        ):
            n = batch.num_rows
            out.write(
                pa.table(
                    {
                        "record_id": batch.column("record_id"),
                        "source_id": batch.column("source_id"),
                        "stage": pa.array(["validate"] * n),
                        "reason": pa.array(["source_failed_quality"] * n),
                        "detail": pa.array([reason[:2000]] * n),
                        "locator": batch.column("locator"),
                        "body": batch.column("body"),
                        "dt": pa.array([ctx.dt] * n, pa.date32()),
                    }
                )
            )


def _docfreq_dir(ctx: RunContext) -> Path:
    return ctx.state_dir / "docfreq"


def _docfreq_path(ctx: RunContext) -> Path:
    return _docfreq_dir(ctx) / f"dt={ctx.dt.isoformat()}.parquet"


def _night_context_path(ctx: RunContext) -> Path:
    return ctx.work_dir / "night_context.json"


def _finish_failed_shards(ctx: RunContext, sources: list[SourceNight]) -> list[str]:
    """Shards whose extraction never finished (their task failed for good): quarantined, named."""
    from akhbar.shards.night import quarantine_shard

    failed = []
    for source in sources:
        for shard, files in source.shards():
            if not files.extracted.exists():
                quarantine_shard(
                    source,
                    shard,
                    files,
                    night=ctx.dt,
                    batch_rows=BATCH_ROWS,
                    detail=f"extraction of shard {shard.id} ({shard.rows} raw records) did not "
                    "finish; see the log of its extract_clean task",
                )
                failed.append(shard.id)
    if failed:
        log.error(
            "night %s: %d shard(s) quarantined whole, their extraction failed: %s",
            ctx.dt,
            len(failed),
            failed,
        )
    return failed


def frequencies(ctx: RunContext) -> list[str]:
    """The night's reductions, from the shards' small outputs: keyword document frequencies and each
    source's boilerplate shingles. Returns the night's shard ids (one enrich task each)."""
    from akhbar.shards.layout import write_json, write_table
    from akhbar.shards.night import night_boilerplate, night_doc_freq, source_figures

    counts = StageCounts(stage="frequencies")
    with Timer(counts):
        sources = _night_sources(ctx)
        counts.extra["failed_shards"] = _finish_failed_shards(ctx, sources)
        for source in sources:
            for figures in source_figures(source):
                _save_counts(ctx, figures)
        # Keywords are weighed against the night's own documents: a night's keywords then depend
        # on that night alone, so backfills in any order give the same result as running in order.
        # The frequencies are kept (state and catalog table keyword_doc_freq).
        doc_freq = night_doc_freq([files.doc_freq for s in sources for _, files in s.shards()])
        write_table(doc_freq, _docfreq_path(ctx))
        write_table(night_boilerplate(sources), ctx.work_dir / "boilerplate.parquet")
        registry = ctx.registry()
        write_json(
            {"categories": {s.id: s.categories for s in registry.sources if s.categories}},
            _night_context_path(ctx),
        )
        shard_ids = [shard.id for s in sources for shard in s.plan.shards]
        documents = int((doc_freq.schema.metadata or {}).get(b"n_docs", b"0"))
        counts.records_in = counts.records_out = documents
        counts.extra.update(shards=len(shard_ids), terms=doc_freq.num_rows)
    _save_counts(ctx, counts)
    return shard_ids


def _enrich_context(ctx: RunContext) -> NightContext:
    from akhbar.dedup.boilerplate import boilerplate_by_source
    from akhbar.shards.enrich import NightContext
    from akhbar.shards.layout import read_json

    context = read_json(_night_context_path(ctx))
    return NightContext(
        night=ctx.dt,
        doc_freq=_docfreq_path(ctx),
        boilerplate=boilerplate_by_source(pq.read_table(ctx.work_dir / "boilerplate.parquet")),
        categories=context["categories"],
        batch_rows=BATCH_ROWS,
    )


def enrich_shard(ctx: RunContext, shard_id: str) -> dict:
    """Language, dates, places, keywords, categories and counts of one shard; its dedup entries and
    its articles' sentence vectors (read by the stories step)."""
    from akhbar.shards.enrich import enrich_shard as run_shard
    from akhbar.shards.plan import parse_shard_id

    source_id, index = parse_shard_id(shard_id)
    counts = run_shard(_source_shards(ctx, source_id).shard(index), source_id, _enrich_context(ctx))
    return {"shard": shard_id, "articles": counts.records_out, "seconds": round(counts.seconds, 3)}


def _night_enrich_counts(ctx: RunContext, sources: list[SourceNight]) -> dict:
    """The night's enrichment figures: the sum of its shards'."""
    from akhbar.shards.layout import read_json

    total = StageCounts(stage="enrich")
    for source in sources:
        for _, files in source.shards():
            part = dict(read_json(files.enriched)["enrich"])
            part.pop("stage", None)
            total.merge(StageCounts(stage="enrich", **part))
    return _save_counts(ctx, total)


def enrich(ctx: RunContext) -> dict:
    """The night's reductions, then every shard enriched (in-process, one after another)."""
    for shard_id in frequencies(ctx):
        enrich_shard(ctx, shard_id)
    return _night_enrich_counts(ctx, _night_sources(ctx))


def dedup(ctx: RunContext) -> dict:
    """Exact and near duplicates, against tonight and every night already indexed, from the shards'
    dedup entries; then the night's work files for staging."""
    from akhbar.dedup import cluster_entries
    from akhbar.schema import DUPLICATES
    from akhbar.shards.assemble import NightWorkFiles, assemble_night

    sources = _night_sources(ctx)
    _night_enrich_counts(ctx, sources)
    shards = [files for s in sources for _, files in s.shards()]
    clusters = cluster_entries([files.entries for files in shards], index_dir=ctx.dedup_dir, dt=ctx.dt)
    work = _work_files(ctx)
    assemble_night(shards, clusters.decisions, NightWorkFiles(articles=work.articles, children=work.children))
    _atomic_write(_concat([clusters.demoted], DUPLICATES), ctx.work_dir / "demoted.parquet")
    return _save_counts(ctx, clusters.counts)


def _work_files(ctx: RunContext) -> WorkFiles:
    """The night as the stages up to dedup (and the stories step) left it in the work dir."""
    from akhbar.lakehouse.staging import WorkFiles, child_work_files

    demoted = ctx.work_dir / "demoted.parquet"
    doc_freq = _docfreq_dir(ctx) / f"dt={ctx.dt.isoformat()}.parquet"
    story_work = _story_work(ctx)
    return WorkFiles(
        articles=ctx.work_dir / "articles.parquet",
        children=child_work_files(ctx.work_dir),
        quarantine=tuple(_night_quarantine(ctx)),
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

    vectors = [files.embeddings for s in _night_sources(ctx) for _, files in s.shards()]  # enrich's
    counts = night_stories(
        ctx.catalog, NightArticles.of(_work_files(ctx), vectors), _story_work(ctx), night=ctx.dt
    )
    return _save_counts(ctx, counts)


def _staged_manifest(ctx: RunContext) -> Path:
    return ctx.work_dir / "staged.json"


def _staged_night(ctx: RunContext) -> StagedNight:
    from akhbar.lakehouse.staging import StagedNight

    path = _staged_manifest(ctx)
    if not path.exists():
        raise FileNotFoundError(
            f"night {ctx.dt} has not been staged ({path} is missing): run the stage task first"
        )
    return StagedNight.load(path)


def stage(ctx: RunContext) -> dict:
    """Stage the night for publishing: its stories first, then its rows (:func:`stage_rows`). One step
    for ``akhbar run`` and for every path that stages a night again (a source set aside by the
    quality gate, a publish that finds the night's dedup or stories stale): each computes the stories
    again. The DAG runs the two halves as two tasks, ``stories`` and ``stage``."""
    stories(ctx)
    return stage_rows(ctx)


def _stories_are_current(ctx: RunContext) -> bool:
    """The night's stories were computed after its deduplication (the stories task ran after the
    deduplicate task's last try): else they may name articles that are duplicates now."""
    done, deduplicated = ctx.work_dir / "counts" / "stories.json", ctx.work_dir / "counts" / "dedup.json"
    if not done.exists() or not (ctx.work_dir / "stories").exists():
        return False
    return not deduplicated.exists() or done.stat().st_mtime_ns >= deduplicated.stat().st_mtime_ns


def stage_rows(ctx: RunContext) -> dict:
    """Stage the night's rows as Parquet files shaped like the catalog's tables (its full-text index
    and the stories the stories step left), under the catalog's data path but not yet in the
    catalog. Stories missing, or older than the night's deduplication (a deduplicate task cleared and
    run again), are computed first. A task of its own in the DAG: the stories step and the staging
    each peak on their own (about 1.2 and 1.4 GB at 100,000 records), not one on top of the other."""
    from akhbar.lakehouse.staging import stage_night

    if not _stories_are_current(ctx):
        log.warning("night %s: no stories computed since its deduplication; computing them now", ctx.dt)
        stories(ctx)
    counts = StageCounts(stage="stage")
    with Timer(counts):
        staged = stage_night(
            ctx.catalog,
            _work_files(ctx),
            night=ctx.dt,
            run_id=ctx.run_id,
            temp_dir=ctx.work_dir / "duckdb-tmp",
            memory_limit=os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "1GB"),
        )
        staged.save(_staged_manifest(ctx))
        counts.records_in = counts.records_out = staged.rows.get("articles", 0) + staged.rows.get(
            "duplicates", 0
        )
        counts.extra.update(rows=staged.rows, location=staged.location)
    return _save_counts(ctx, counts)


def _history(ctx: RunContext) -> pa.Table:
    """Articles per source (duplicates included) on each of the seven published nights before this one."""
    from akhbar.lakehouse.connect import CatalogMissing
    from akhbar.lakehouse.session import reader_session

    empty = pa.table(
        {
            "dt": pa.array([], pa.date32()),
            "source_id": pa.array([], pa.string()),
            "n_articles": pa.array([], pa.int64()),
        }
    )
    start = ctx.dt - _dt.timedelta(days=7)
    try:
        with reader_session(ctx.catalog) as con:
            present = {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
                ).fetchall()
            }
            if not {"articles", "duplicates"} <= present:
                return empty
            return (
                con.execute(
                    """SELECT dt, source_id, count(*)::BIGINT AS n_articles FROM (
                       SELECT dt, source_id FROM articles WHERE dt >= ? AND dt < ?
                       UNION ALL SELECT dt, source_id FROM duplicates WHERE dt >= ? AND dt < ?)
                   GROUP BY dt, source_id ORDER BY dt, source_id""",
                    [start, ctx.dt, start, ctx.dt],
                )
                .fetch_arrow_table()
                .cast(empty.schema)
            )
    except CatalogMissing:
        return empty


def _indexed_article_ids(ctx: RunContext) -> pa.Array | None:
    """Article ids of the other nights in the dedup index: where cross-night duplicates point."""
    files = [p for p in sorted(ctx.dedup_dir.glob("dt=*.parquet")) if p.stem != f"dt={ctx.dt.isoformat()}"]
    if not files:
        return None
    return pa.concat_arrays(
        [pq.read_table(p, columns=["article_id"]).column("article_id").combine_chunks() for p in files]
    )


def _raw_light(ctx: RunContext) -> pa.Table:
    """The night's raw records without their bodies (the raw suite checks schema, keys and sources;
    an all-null body column keeps the file's type)."""
    light = [n for n in RAW_RECORD.names if n != "body"]
    raw = _concat(
        [pq.read_table(p, columns=light) for p in _raw_files(ctx)],
        pa.schema([RAW_RECORD.field(n) for n in light]),
    )
    return raw.append_column(RAW_RECORD.field("body"), pa.nulls(raw.num_rows, pa.binary())).select(
        RAW_RECORD.names
    )


def _records_by_source(ctx: RunContext) -> dict[str, int]:
    """Raw records each enabled source brought tonight (0 for a source with none)."""
    return {
        sid: pq.ParquetFile(p).metadata.num_rows if (p := ctx.raw_path(sid)).exists() else 0
        for sid in list_sources(ctx)
    }


def _read_children(work: WorkFiles) -> dict[str, pa.Table]:
    """The night's rows of each child table of articles, by table name."""
    from akhbar.schema import ARTICLE_CHILD_TABLES

    return {name: _read(path, ARTICLE_CHILD_TABLES[name]) for name, path in work.children.items()}


def _audit(ctx: RunContext, work: WorkFiles) -> QualityReport:
    """Great Expectations over the night's work files, from which the staged files were made
    (nothing of the night is published yet)."""
    from akhbar.quality.isolation import NightTables, validate_tables

    night = NightTables(
        # A lazy scan: the suites read the texts only as lengths, batch by batch.
        articles=ds.dataset(work.articles, format="parquet"),
        quarantine=_without_set_aside(ctx, _concat([pq.read_table(p) for p in work.quarantine], QUARANTINE)),
        children=_read_children(work),
        raw=_without_set_aside(ctx, _raw_light(ctx)),
        history=_history(ctx),
        known_article_ids=_indexed_article_ids(ctx),
    )
    return validate_tables(
        night,
        dt=ctx.dt,
        run_id=ctx.run_id,
        quality_dir=ctx.quality_dir,
        records_by_source=_records_by_source(ctx),
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

    with writer_session(
        ctx.catalog, f"quality results of {ctx.dt} ({ctx.run_id})", temp_dir=ctx.work_dir / "duckdb-tmp"
    ) as con:
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
        counts.extra.update(
            critical_failures=report.critical_failures,
            warning_failures=report.warning_failures,
            data_docs=str(report.data_docs_index) if report.data_docs_index else None,
        )
    _save_counts(ctx, counts)
    if not report.passed:
        failed = [r for r in report.results.to_pylist() if not r["success"] and r["severity"] == "critical"]
        names = "; ".join(f"{r['suite']}: {r['expectation']}({r.get('column') or ''})" for r in failed)
        raise QualityGateFailed(
            f"night {ctx.dt}: {report.critical_failures} critical expectation(s) failed: "
            f"{names}. Nothing was published; the staged night is in {ctx.work_dir}. "
            f"Data Docs: {report.data_docs_index}"
        )
    return counts.as_dict()


def _night_tables(ctx: RunContext) -> NightTables:
    from akhbar.quality.isolation import NightTables
    from akhbar.schema import ARTICLE

    work = _work_files(ctx)
    return NightTables(
        articles=_read(work.articles, ARTICLE),
        quarantine=_concat([pq.read_table(p) for p in work.quarantine], QUARANTINE),
        children=_read_children(work),
        raw=_raw_light(ctx),
        history=_history(ctx),
        known_article_ids=_indexed_article_ids(ctx),
    )


def _set_aside_failing_sources(ctx: RunContext, report) -> bool:
    """A source that fails the gate alone is set aside (all its records quarantined with the reason)
    and the rest of the night is enriched, deduplicated and staged again, so that one broken source
    does not cost the others their night. False when no source, or every source, fails alone."""
    from akhbar.quality.isolation import failing_sources

    night = _night_tables(ctx)
    with_records = set(night.raw.column("source_id").to_pylist())
    failing = failing_sources(
        night, dt=ctx.dt, run_id=ctx.run_id, quality_dir=ctx.work_dir / "quality-by-source"
    )
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
    seen = (
        json.loads(path.read_text(encoding="utf-8")).get("extra", {}).get("index_generation")
        if path.exists()
        else None
    )
    return seen is not None and index_generation(ctx.dedup_dir) != seen


def _stories_are_stale(con, ctx: RunContext) -> bool:
    from akhbar.lakehouse.stories import stories_are_stale

    staged = _staged_night(ctx)
    return staged.stories is not None and stories_are_stale(con, staged.stories["snapshot_id"])


def publish(ctx: RunContext) -> dict:
    """Move the audited night into the catalog in one transaction (the catalog's single writer)."""
    from akhbar.lakehouse.publish import already_published, publish_night
    from akhbar.lakehouse.session import writer_session

    counts = StageCounts(stage="publish")
    with Timer(counts):
        with writer_session(
            ctx.catalog, f"publish night {ctx.dt} ({ctx.run_id})", temp_dir=ctx.work_dir / "duckdb-tmp"
        ) as con:
            if already_published(con, _staged_night(ctx)) is not None:
                # The task retried after its commit: its own publish is the one "since" its stories;
                # nothing is staged again and publish_night changes nothing.
                counts.extra["already_published"] = True
            elif _dedup_is_stale(ctx):
                # Published as staged, this night would undo what a later deduplication decided
                # (runs of two nights at once): stage and audit it again first, under the lock.
                log.warning(
                    "night %s: another night was deduplicated since this one; deduplicating, "
                    "staging and auditing it again before publishing",
                    ctx.dt,
                )
                counts.extra["restaged"] = True
                dedup(ctx)
                stage(ctx)
                validate(ctx)
            elif _stories_are_stale(con, ctx):
                # Another night was published since this night's stories read the catalog: they may
                # miss its articles, or keep articles it made duplicates. Computed again (the vectors
                # are the shards') and staged again, under the lock; the audited work files are unchanged.
                log.warning(
                    "night %s: another night was published since its stories were computed; "
                    "computing them again before publishing",
                    ctx.dt,
                )
                counts.extra["stories_recomputed"] = True
                stage(ctx)
            figures = publish_night(con, _staged_night(ctx), sources=ctx.registry().sources)
        counts.records_in = figures.articles + figures.duplicates + figures.quarantine
        counts.records_out = figures.articles
        counts.duplicates = figures.duplicates
        counts.rejected = figures.quarantine
        counts.extra.update(
            articles=figures.articles,
            duplicates=figures.duplicates,
            quarantine=figures.quarantine,
            demoted=figures.demoted,
            by_lang=figures.by_lang,
            snapshot_id=figures.snapshot_id,
        )
    return _save_counts(ctx, counts)


_ACCOUNTING_SQL = """
WITH raw AS (SELECT record_id, count(*) AS n FROM {raw} GROUP BY ALL),
     landed_rows AS ({landed}),
     landed AS (SELECT record_id, count(*) AS n FROM landed_rows GROUP BY ALL),
     lost AS (SELECT record_id FROM raw ANTI JOIN landed USING (record_id)),
     unknown AS (SELECT record_id FROM landed ANTI JOIN raw USING (record_id)),
     twice AS (SELECT l.record_id FROM landed l LEFT JOIN raw r USING (record_id) WHERE l.n > coalesce(r.n, 0))
SELECT (SELECT coalesce(sum(n), 0) FROM raw),
       {table_counts},
       (SELECT count(*) FROM lost), (SELECT list(record_id ORDER BY record_id)[1:3] FROM lost),
       (SELECT count(*) FROM unknown), (SELECT list(record_id ORDER BY record_id)[1:3] FROM unknown),
       (SELECT count(*) FROM twice), (SELECT list(record_id ORDER BY record_id)[1:3] FROM twice)
"""
_LANDED = ("articles", "duplicates", "quarantine")


def _accounting_figures(ctx: RunContext) -> tuple:
    """The night's raw records against the staged ones, counted by DuckDB over their record ids only
    (within its memory limit, spilling beyond): no task holds the night's ids in Python."""
    from akhbar.lakehouse.connect import one_row
    from akhbar.lakehouse.staging import _files_sql, staging_session

    staged = _staged_night(ctx)
    raw = [str(p) for p in _raw_files(ctx)]
    raw_sql = (
        f"read_parquet({_files_sql(raw)}, hive_partitioning = false)"
        if raw
        else "(SELECT NULL::VARCHAR AS record_id WHERE false)"
    )
    parts = {t: staged.files.get(t) or [] for t in _LANDED}
    selects = {
        t: (
            f"SELECT record_id, '{t}' AS landed_in FROM read_parquet({_files_sql(f)}, hive_partitioning = false)"
            if f
            else f"SELECT NULL::VARCHAR AS record_id, '{t}' AS landed_in WHERE false"
        )
        for t, f in parts.items()
    }
    landed = " UNION ALL ".join(selects.values())
    table_counts = ", ".join(f"(SELECT count(*) FROM landed_rows WHERE landed_in = '{t}')" for t in _LANDED)
    sql = _ACCOUNTING_SQL.format(raw=raw_sql, landed=landed, table_counts=table_counts)
    con = staging_session(
        ctx.catalog,
        memory_limit=os.environ.get("AKHBAR_ACCOUNTING_MEMORY_LIMIT", "1GB"),
        temp_dir=ctx.work_dir / "duckdb-tmp",
    )
    try:
        return one_row(con, sql)
    finally:
        con.close()


def check_accounting(ctx: RunContext) -> dict:
    """Every raw record of the staged night ends in exactly one place: article, duplicate, or quarantine."""
    (raw, articles, duplicates, quarantined, n_lost, lost, n_unknown, unknown, n_twice, twice) = (
        _accounting_figures(ctx)
    )
    figures = {"raw": int(raw), "articles": articles, "duplicates": duplicates, "quarantined": quarantined}
    # A record repeated in the raw zone is quarantined once as "repeated_record" on top of its first copy.
    landed = articles + duplicates + quarantined
    problems = []
    if n_lost:
        problems.append(f"{n_lost} raw record(s) ended nowhere, e.g. {lost}")
    if n_unknown:
        problems.append(f"{n_unknown} landed record(s) are not in the raw zone, e.g. {unknown}")
    if n_twice:
        problems.append(f"{n_twice} record(s) ended in more than one place, e.g. {twice}")
    if landed != raw:
        problems.append(f"{raw} raw records but {landed} landed")
    figures["balanced"] = not problems
    if problems:
        raise AccountingError(f"night {ctx.dt}: counts do not add up: " + "; ".join(problems))
    return figures


def _published_accounting(ctx: RunContext, staged: dict) -> dict:
    """The published night against the audited one: the same records, split the same way or with
    articles moved to duplicates by a later publish (a demotion)."""
    from akhbar.lakehouse.connect import one_row
    from akhbar.lakehouse.session import reader_session

    with reader_session(ctx.catalog) as con:

        def count(table: str) -> int:
            rows: int = one_row(con, f"SELECT count(*) FROM {table} WHERE dt = ?", [ctx.dt])[0]
            return rows

        published = {
            "articles": count("articles"),
            "duplicates": count("duplicates"),
            "quarantined": count("quarantine"),
        }
    if sum(published.values()) != staged["raw"]:
        raise AccountingError(
            f"night {ctx.dt}: {staged['raw']} raw records but the catalog holds "
            f"{sum(published.values())} for this night ({published})"
        )
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
        totals.setdefault(stage_name, StageCounts(stage=stage_name)).merge(
            StageCounts(stage=stage_name, **data)
        )
    for counts in totals.values():
        _save_counts(ctx, counts)


def _record_runs(ctx: RunContext, rows: list[dict]) -> None:
    """One row per (run, night, stage) in `runs`; a retried task replaces its own rows."""
    from akhbar.lakehouse.session import writer_session
    from akhbar.schema import RUNS

    now = _dt.datetime.now(_dt.UTC)
    table = pa.Table.from_pylist(
        [
            {
                "run_id": r["run_id"],
                "dt": r["dt"],
                "stage": r["stage"],
                "records_in": r.get("records_in", 0),
                "records_out": r.get("records_out", 0),
                "rejected": r.get("rejected", 0),
                "duplicates": r.get("duplicates", 0),
                "changed": r.get("changed", 0),
                "seconds": float(r.get("seconds", 0.0)),
                "details": json.dumps(r.get("extra", {}), ensure_ascii=False, default=str),
                "recorded_at": now,
            }
            for r in rows
        ],
        schema=RUNS,
    )
    with writer_session(
        ctx.catalog, f"run figures of {ctx.dt} ({ctx.run_id})", temp_dir=ctx.work_dir / "duckdb-tmp"
    ) as con:
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
    starts = [
        p.stat().st_mtime - float(json.loads(p.read_text(encoding="utf-8")).get("seconds") or 0)
        for p in files
    ]
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
    """All stages in-process, in order (``akhbar run``): the DAG's steps, shard after shard."""
    failures = []
    for source_id in list_sources(ctx):
        try:
            fetch(ctx, source_id, refetch=refetch)
        except RuntimeError as exc:
            failures.append(str(exc))
        for shard_id in cut(ctx, source_id):
            try:
                extract_clean_shard(ctx, shard_id)
            except Exception as exc:  # as in the DAG: the shard is quarantined whole, the night goes on
                log.exception("shard %s failed", shard_id)
                failures.append(f"shard {shard_id} failed: {type(exc).__name__}: {exc}")
    for shard_id in frequencies(ctx):
        enrich_shard(ctx, shard_id)
    dedup(ctx)
    stage(ctx)
    validate(ctx)
    publish(ctx)
    summary = report(ctx)
    if failures and not summary["failed_sources"]:
        summary["failed_sources"] = failures
    return summary
