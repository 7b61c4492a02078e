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
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from akhbar.quality.suites import CRITICAL

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightTables:
    """The tables one audit reads (what akhbar.quality.validate_night takes)."""

    articles: ds.Dataset | pa.Table
    quarantine: pa.Table
    places: pa.Table
    dates: pa.Table
    keywords: pa.Table
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
        places=_children(night.places, ids),
        dates=_children(night.dates, ids),
        keywords=_children(night.keywords, ids),
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


def failing_sources(
    night: NightTables, *, dt: _dt.date, run_id: str, quality_dir: pathlib.Path
) -> list[FailingSource]:
    """The sources whose own share of the night fails a critical expectation."""
    from akhbar.quality import validate_night

    out = []
    for source_id in sorted(set(night.raw.column("source_id").to_pylist())):
        share = source_share(night, source_id)
        report = validate_night(
            dt=dt,
            run_id=f"{run_id}:{source_id}",
            articles=share.articles,
            raw_count=share.raw.num_rows,
            quarantine=share.quarantine,
            places=share.places,
            dates=share.dates,
            keywords=share.keywords,
            history=share.history,
            quality_dir=quality_dir / source_id,
            raw=share.raw,
            known_article_ids=share.known_article_ids,
            data_docs=False,
        )
        failed = _failed_critical(report.results)
        if failed:
            log.warning("source %s fails the quality gate alone: %s", source_id, "; ".join(failed))
            out.append(FailingSource(source_id, failed))
    return out
