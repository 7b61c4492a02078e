"""A toy enricher for tests/enrichment/test_child_table_protocol.py, found the way the package's own
enrichers are (a module defining ``ENRICHER``) once this folder is on ``akhbar.enrichment.__path__``:
per article, how many times each punctuation mark occurs, as rows of a child table of its own."""

from __future__ import annotations

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment

TABLE = "article_punctuation"
MARKS = (".", ",", "،", "!", "?", "؟", ":")


def marks(text: str) -> dict[str, int]:
    """Each mark of the text with its count (marks that do not occur left out)."""
    return {mark: text.count(mark) for mark in MARKS if mark in text}


def _enrich(batch: Batch) -> Enrichment:
    rows: dict[str, list] = {"article_id": [], "mark": [], "occurrences": []}
    for article_id, text in zip(batch.article_ids, batch.texts):
        for mark, count in marks(text).items():
            rows["article_id"].append(article_id)
            rows["mark"].append(mark)
            rows["occurrences"].append(count)
    return Enrichment(children={TABLE: rows}, figures={"punctuation_rows": len(rows["article_id"])})


ENRICHER = Enricher("punctuation", order=90, run=_enrich)
