"""Enrichment: language, places, dates, keywords, category and counts of each cleaned document.

``enrich(cleaned, dt=..., doc_freq=..., categories=...)`` turns a CLEANED_DOCUMENT
table into ARTICLE rows (dedup columns left null) and a table of each child table of articles
(``schema.ARTICLE_CHILD_TABLES``: places, dates, keywords...). No record is rejected here:
records_out == records_in.

Each enrichment is a module of this package defining ``ENRICHER`` (see
:mod:`akhbar.enrichment.protocol`): the stage finds them, runs them in their order over the batch,
and assembles their columns and child rows against ``schema.py``.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import logging
import pkgutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from akhbar.enrichment.keywords import DocFreq
from akhbar.enrichment.protocol import Batch, Enricher, Enrichment
from akhbar.hashing import stable_id
from akhbar.schema import ARTICLE, ARTICLE_CHILD_TABLES, CLEANED_DOCUMENT
from akhbar.stats import StageCounts

__all__ = ["EnrichResult", "enrich", "DocFreq"]

log = logging.getLogger(__name__)

# Columns copied unchanged from CLEANED_DOCUMENT into ARTICLE: those both schemas declare, but ``text``
# (never null in an article).
_COPIED = (frozenset(CLEANED_DOCUMENT.names) & frozenset(ARTICLE.names)) - {"text"}


@dataclass
class EnrichResult:
    articles: pa.Table  # ARTICLE; dedup columns null
    children: dict[str, pa.Table]  # every child table of schema.ARTICLE_CHILD_TABLES, by name
    counts: StageCounts  # stage="enrich"

    # The child tables the stories read by meaning.
    @property
    def places(self) -> pa.Table:
        return self.children["article_places"]

    @property
    def dates(self) -> pa.Table:
        return self.children["article_dates"]

    @property
    def keywords(self) -> pa.Table:
        return self.children["article_keywords"]


@lru_cache(maxsize=1)
def enrichers() -> tuple[Enricher, ...]:
    """Every module of this package that defines ``ENRICHER``, in their order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(getattr(module, "ENRICHER", None), Enricher):
            found.append(module.ENRICHER)
    return tuple(sorted(found, key=lambda e: (e.order, e.name)))


def _batch(cleaned: pa.Table, dt: _dt.date, doc_freq: DocFreq | None, categories) -> Batch:
    night = dt.isoformat()
    return Batch(
        cleaned=cleaned,
        dt=dt,
        # One id per raw record and night: unique within a night and across nights, stable on
        # reruns. The same story under the same URL on another night is found by dedup
        # (exact_url) and points to the first one, rather than clashing on the id.
        article_ids=[stable_id(rid, night) for rid in cleaned.column("record_id").to_pylist()],
        texts=[t or "" for t in cleaned.column("text").to_pylist()],
        titles=cleaned.column("title").to_pylist(),
        doc_freq=doc_freq if doc_freq is not None else DocFreq.from_texts(cleaned.column("text_search")),
        categories=categories or {},
    )


def _run(enricher: Enricher, batch: Batch, children: dict[str, list[dict]], figures: dict) -> None:
    """One enricher over the batch: its columns join the batch, its child rows and figures are kept."""
    out: Enrichment = enricher.run(batch)
    for name, values in out.columns.items():
        if ARTICLE.get_field_index(name) < 0:
            raise ValueError(
                f"enricher {enricher.name!r} made the column {name!r}, which schema.ARTICLE "
                "does not have: add its field there"
            )
        if len(values) != batch.size:
            raise ValueError(
                f"enricher {enricher.name!r} made {len(values)} values of {name!r} for {batch.size} articles"
            )
        batch.columns[name] = values
    for table, rows in out.children.items():
        if table not in ARTICLE_CHILD_TABLES:
            raise ValueError(
                f"enricher {enricher.name!r} made rows of {table!r}, not a child table of "
                f"schema.ARTICLE_CHILD_TABLES ({sorted(ARTICLE_CHILD_TABLES)}): register its schema there"
            )
        children.setdefault(table, []).append(rows)
    figures.update(out.figures)


def _articles(batch: Batch) -> pa.Table:
    """ARTICLE rows: the enrichers' columns, the cleaned document's own, the dedup columns null."""
    n = batch.size
    own = {
        "article_id": batch.article_ids,
        "text": batch.cleaned.column("text").combine_chunks().fill_null(""),
        "dt": pa.array([batch.dt] * n, pa.date32()),
    }
    arrays = []
    for f in ARTICLE:
        values = own.get(f.name, batch.columns.get(f.name))
        if values is not None:
            arrays.append(values.cast(f.type) if isinstance(values, pa.Array) else pa.array(values, f.type))
        elif f.name in _COPIED:
            arrays.append(
                batch.cleaned.column(f.name).cast(f.type).combine_chunks() if n else pa.array([], f.type)
            )
        else:  # dedup columns: filled by the dedup stage
            arrays.append(pa.nulls(n, f.type))
    return pa.Table.from_arrays(arrays, schema=ARTICLE)


def _child_table(name: str, parts: list[dict], dt: _dt.date) -> pa.Table:
    schema = ARTICLE_CHILD_TABLES[name]
    tables = [
        pa.Table.from_pydict(
            {**rows, "dt": pa.array([dt] * len(rows["article_id"]), pa.date32())}, schema=schema
        )
        for rows in parts
    ]
    return pa.concat_tables(tables) if tables else schema.empty_table()


def enrich(
    cleaned: pa.Table,
    *,
    dt: _dt.date,
    doc_freq: DocFreq | None = None,
    categories: dict[str, dict[str, str]] | None = None,
    only: Sequence[Enricher] | None = None,
) -> EnrichResult:
    """Enrich a CLEANED_DOCUMENT table.

    ``doc_freq``: document frequencies of the previous nights *and* tonight's documents
    (the pipeline merges them); when None the batch's own frequencies are used.
    ``categories``: per source id, the registry's raw label -> taxonomy mapping.
    ``only``: the enrichers to run (default: every one of the package, in order).
    """
    start = time.perf_counter()
    batch = _batch(cleaned, dt, doc_freq, categories)
    children: dict[str, list[dict]] = {}
    figures: dict = {}
    for enricher in sorted(only, key=lambda e: (e.order, e.name)) if only is not None else enrichers():
        _run(enricher, batch, children, figures)
    counts = StageCounts(
        stage="enrich", records_in=batch.size, records_out=batch.size, changed=batch.size, extra=figures
    )
    result = EnrichResult(
        articles=_articles(batch),
        children={name: _child_table(name, children.get(name, []), dt) for name in ARTICLE_CHILD_TABLES},
        counts=counts,
    )
    counts.seconds = time.perf_counter() - start
    return result
