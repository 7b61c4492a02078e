"""A night staged for publishing: the files the nightly stages left in the work dir.

Write-audit-publish: the stages up to dedup write the night's rows into work files, the quality
gate audits those files, and only then :func:`akhbar.lakehouse.publish.publish_night` moves them into
the catalog in one transaction. A night that fails its audit stays here, in the work dir, for
inspection; the catalog is not touched.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from akhbar.lakehouse.search_index import StagedIndex


@dataclass(frozen=True)
class StagedNight:
    night: _dt.date
    run_id: str
    articles: Path  # ARTICLE rows of the night, duplicates included (duplicate_of set)
    places: Path  # ARTICLE_PLACES rows of every article of the night
    dates: Path
    keywords: Path
    quarantine: tuple[Path, ...]  # QUARANTINE rows, one file per source
    demoted: Path | None  # DUPLICATES rows: other nights' articles that this night's articles precede
    doc_freq: Path | None  # term, df (n_docs in the file's metadata)
    search: StagedIndex

    def files(self) -> list[Path]:
        out = [self.articles, self.places, self.dates, self.keywords, *self.quarantine]
        out += [p for p in (self.demoted, self.doc_freq) if p is not None]
        return out + [self.search.docs, *self.search.postings]
