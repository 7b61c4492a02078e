"""Which sources make a night fail its quality gate on their own.

When the night's audit fails a critical expectation, each source's share of the night is audited
alone with the same suites. A source that fails alone is set aside (the caller quarantines all its
records, with the expectations it failed as the reason) so that one broken source does not cost
the other sources their night; the rest is staged and audited again. Night-level checks that no
single source fails (a volume drop spread over every source, a night of nothing) still stop it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from akhbar.quality.frames import child_frame
from akhbar.quality.suites import CRITICAL

if TYPE_CHECKING:
    from akhbar.quality import QualityReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightTables:
    """The tables one audit reads (what akhbar.quality.validate_night takes)."""

    articles: ds.Dataset | pa.Table
    quarantine: pa.Table
    children: Mapping[str, pa.Table]  # child table of articles (schema.ARTICLE_CHILD_TABLES) -> its rows
    raw: pa.Table
    history: pa.Table | None
    known_article_ids: pa.Array | None


@dataclass(frozen=True)
class FailingSource:
    source_id: str
    expectations: tuple[str, ...]  # "suite: expectation(column)" of each failed critical check

    @property
    def reason(self) -> str:
        return "failed its quality gate alone: " + "; ".join(self.expectations)


def _of_source(table: pa.Table, source_id: str) -> pa.Table:
    return table.filter(pc.equal(table.column("source_id"), source_id))


def _children(table: pa.Table, article_ids: pa.Array) -> pa.Table:
    return table.filter(pc.is_in(table.column("article_id"), value_set=article_ids))


def source_share(night: NightTables, source_id: str) -> NightTables:
    """The part of the night that comes from one source."""
    articles = night.articles.to_table() if isinstance(night.articles, ds.Dataset) else night.articles
    articles = _of_source(articles, source_id)
    ids = articles.column("article_id").combine_chunks()
    history = _of_source(night.history, source_id) if night.history is not None else None
    return NightTables(
        articles=articles,
        quarantine=_of_source(night.quarantine, source_id),
        children={name: _children(rows, ids) for name, rows in night.children.items()},
        raw=_of_source(night.raw, source_id),
        history=history,
        known_article_ids=night.known_article_ids,
    )


def _failed_critical(results: pa.Table) -> tuple[str, ...]:
    return tuple(
        f"{r['suite']}: {r['expectation']}({r.get('column') or ''})"
        for r in results.to_pylist()
        if not r["success"] and r["severity"] == CRITICAL
    )


def validate_tables(
    night: NightTables,
    *,
    dt: _dt.date,
    run_id: str,
    quality_dir: pathlib.Path,
    records_by_source: dict[str, int] | None = None,
    data_docs: bool = True,
) -> QualityReport:
    """The quality gate (akhbar.quality.validate_night) over a night's tables."""
    from akhbar.quality import validate_night

    return validate_night(
        dt=dt,
        run_id=run_id,
        articles=night.articles,
        raw_count=night.raw.num_rows,
        quarantine=night.quarantine,
        history=night.history,
        quality_dir=quality_dir,
        raw=night.raw,
        known_article_ids=night.known_article_ids,
        data_docs=data_docs,
        records_by_source=records_by_source,
        **{child_frame(table): rows for table, rows in night.children.items()},
    )


def failing_sources(
    night: NightTables, *, dt: _dt.date, run_id: str, quality_dir: pathlib.Path
) -> list[FailingSource]:
    """The sources whose own share of the night fails a critical expectation."""
    out = []
    for source_id in sorted(set(night.raw.column("source_id").to_pylist())):
        report = validate_tables(
            source_share(night, source_id),
            dt=dt,
            run_id=f"{run_id}:{source_id}",
            quality_dir=quality_dir / source_id,
            data_docs=False,
        )
        failed = _failed_critical(report.results)
        if failed:
            log.warning("source %s fails the quality gate alone: %s", source_id, "; ".join(failed))
            out.append(FailingSource(source_id, failed))
    return out
