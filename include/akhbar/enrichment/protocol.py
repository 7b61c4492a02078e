"""The contract between the enrichment stage and each enricher.

An enricher is one module of this package that defines ``ENRICHER``: a name, its place in the
order, and a function from a :class:`Batch` (the night's cleaned documents and what earlier
enrichers computed) to an :class:`Enrichment` (per-article columns of ``schema.ARTICLE``, rows of
child tables keyed by article, figures for the stage's counts). The stage finds the enrichers by
scanning the package, runs them in order and checks their columns against the schema: a new
enrichment column is its module plus its field in ``schema.ARTICLE``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from akhbar.enrichment.keywords import DocFreq


@dataclass
class Batch:
    """The cleaned documents of one batch, as every enricher reads them."""

    cleaned: pa.Table  # CLEANED_DOCUMENT
    dt: _dt.date
    article_ids: list[str]
    texts: list[str]  # null texts as ""
    titles: list[str | None]
    doc_freq: DocFreq
    categories: dict[str, dict[str, str]]  # per source id, the registry's raw label -> taxonomy
    # Per-article columns computed by the enrichers run so far (name -> one value per article).
    columns: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.cleaned.num_rows

    def column(self, name: str) -> list:
        """A column of an earlier enricher (``lang`` ...) or of the cleaned documents, as a list."""
        if name in self.columns:
            values = self.columns[name]
            return values.to_pylist() if isinstance(values, (pa.Array, pa.ChunkedArray)) else list(values)
        return self.cleaned.column(name).to_pylist()


@dataclass
class Enrichment:
    """What one enricher adds: columns of ARTICLE (one value per article, list or Arrow array),
    rows of child tables (name of a schema table -> columns without ``dt``), and figures."""

    columns: dict[str, Any] = field(default_factory=dict)
    children: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Enricher:
    name: str
    order: int  # lower runs first; an enricher reads only the columns of lower orders
    run: Callable[[Batch], Enrichment]
