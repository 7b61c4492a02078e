"""Date mentions in the text (ARTICLE_DATES), read against the article's publication day (else the
night's) in the text's language: the enrichment side of :mod:`akhbar.dates`."""

from __future__ import annotations

import logging

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment

log = logging.getLogger(__name__)

_FIELDS = ("article_id", "mention", "date", "granularity", "calendar", "is_relative", "char_offset")


def _enrich(batch: Batch) -> Enrichment:
    from akhbar.dates import find_date_mentions

    rows: dict[str, list] = {name: [] for name in _FIELDS}
    errors = 0
    for article_id, text, lang, published in zip(
        batch.article_ids, batch.texts, batch.column("lang"), batch.column("published_at")
    ):
        if not text:
            continue
        reference = published.date() if published is not None else batch.dt
        try:
            mentions = find_date_mentions(
                text, reference=reference, lang=lang if lang in ("ar", "fr", "en") else None
            )
        except Exception:  # a date parser bug must not lose the article
            log.exception("date mentions failed for %s", article_id)
            errors += 1
            continue
        for m in mentions:
            for name, value in zip(
                _FIELDS,
                (article_id, m.mention, m.date, m.granularity, m.calendar, m.is_relative, m.char_offset),
            ):
                rows[name].append(value)
    return Enrichment(
        children={"article_dates": rows},
        figures={"date_rows": len(rows["article_id"]), "date_errors": errors},
    )


ENRICHER = Enricher("date mentions", order=50, run=_enrich)
