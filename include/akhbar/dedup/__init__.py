"""Exact and near duplicates, with a MinHash LSH index that persists between nights.

What counts as a duplicate
--------------------------
* ``exact_text``: the same ``content_hash`` (sha256 of ``text_search``), i.e. identical text once
  diacritics, letter variants, digits, case and punctuation are normalised away.
* ``exact_url``: the same canonical URL (``canonical_url``, else ``url``) after :func:`url_key`
  (scheme, ``www.``, fragment, trailing slash and tracking parameters ignored). Site roots and URL
  keys shared by more than ``max_texts_per_url`` different texts are ignored: a page whose canonical
  link wrongly points at a section or the home page must not swallow every article of the site.
* ``near``: the same story republished with small edits (new title, a sentence added or removed,
  reordered paragraphs, 5-15 % of the words changed, a boilerplate line, a truncated ending), by
  the same outlet or another, on the same night or another one.

Every article belongs to a cluster: the connected component of these three relations over all
indexed articles. The cluster head, and ``cluster_id``, is the article with the smallest
``(dt, published_at or +inf, article_id)``; every other member is a duplicate that points at the
head (``duplicate_of``), with ``duplicate_kind`` describing its relation to the head (``exact_text``
if its text equals the head's, else ``exact_url`` if its URL does, else ``near``) and
``similarity`` the estimated Jaccard similarity to the head (1.0 for identical text).

Because the clusters are components of a symmetric relation and the head is a minimum, the result
does not depend on the order in which nights are processed: a backfill run backwards ends with the
same heads as the nights run forwards. When a night changes the head of articles of other nights
that are already loaded (typically: it precedes a later night's head), those articles come back in
:attr:`DedupResult.demoted` as DUPLICATES rows with their new head; the warehouse upserts them by
``article_id`` (moving a former head out of the articles it shows). The rare opposite case (a rerun
of a night removed the head of other nights' articles, which become heads again) is listed in
``counts.extra["promoted"]``.

Near duplicates: shingles, MinHash, LSH, verification
-----------------------------------------------------
``text_search`` is split on whitespace; every word is hashed once with xxh3-64 (one call per
*distinct* word of the batch), word n-grams are combined with a vectorised 64-bit mixer, and the
``num_perm`` MinHash values are the per-document minima of ``h_i(x) = (a_i * x + b_i) mod 2**64``
for the 32-bit shingle hash ``x`` and random odd 64-bit ``a_i``, 64-bit ``b_i``, keeping the high 32
bits (Dietzfelbinger's multiply-add-shift universal family). All permutations are computed as one
``(num_perm, shingles)`` uint64 matrix per block of documents, followed by one
``np.minimum.reduceat``; since taking the high bits is monotone it is done once after the minimum.
Multiply-add-shift needs no division: it measured 1.5x faster here than reducing modulo the
Mersenne prime 2**61-1, for the same estimates. The coefficients come from a fixed splitmix64
sequence (not numpy's random streams, which may change between numpy versions) so that signatures
stay comparable with the index on every machine and upgrade.

Signatures are cut into ``bands`` bands of ``rows`` rows; each band is reduced to one int64 key.
Two texts become candidates when they share a key in any band, and a candidate pair is only
declared a near duplicate when the fraction of equal signature values (an unbiased estimate of
the Jaccard similarity of the shingle sets) is at least ``threshold``.

Parameters (``PARAMS``), measured with ``bench/eval_dedup.py`` on ANT v1.1 (Jawhara FM, median 99
words per article; the edited pairs and hard negatives are documented in
``bench/labels/near_dup_edits.md``):

* ``shingle_words = 2``: one substituted word breaks two 2-word shingles but three 3-word ones.
  With 15 % of the words replaced the 2-gram Jaccard similarity of a copy to its original is about
  0.55 against 0.43 for 3-grams, so 2-grams keep the edited copies well above a threshold that
  the hard negatives (same category and day, median 2-gram Jaccard 0.02) never reach. FineWeb's
  5-grams target web-scale templated text; text-dedup's NEWS-COPY benchmark (republished news)
  found 2-grams best as well.
* ``num_perm = 128``, ``bands = 32`` x ``rows = 4``: the probability that a pair becomes a
  candidate is ``1 - (1 - J**4)**32``, 0.95 at J = 0.55 and 0.9999 at J = 0.8, while unrelated
  news (J < 0.1) almost never collides (3e-3). The standard error of the estimate is
  ``sqrt(J(1-J)/128)``, 0.044 at J = 0.5. 256 permutations halve the variance but double the
  largest cost of the stage for a recall gain of 0.003 on the edited pairs.
* ``threshold = 0.45``. Grid measured with ``--sweep`` (precision / recall on the edited pairs
  and hard negatives): 2-grams 128 perm 32x4 at 0.40: 0.997 / 0.988; at 0.45: 0.998 / 0.984;
  at 0.50: 1.000 / 0.977; 3-grams at 0.40: 1.000 / 0.974; 256 perm 64x4 at 0.45: 0.999 / 0.987;
  16x8 bands at 0.45: 1.000 / 0.820. 0.45 keeps both targets with margin on each side.
* ``boilerplate_min_texts = 10``, ``boilerplate_share = 0.1``: before MinHash, shingles found in at
  least max(10, 10 % of the source's distinct texts of the night) texts of one source are removed
  (see :mod:`akhbar.dedup.boilerplate`: counted exactly for a source of at most
  ``boilerplate_sample = 2048`` texts, on a sample of 2,048 of them beyond). Without it, 82 of 594
  pairs of different short articles sharing a 56-77-word footer were joined (precision 0.950); with
  it none are.
* ``min_shingles = 10``: below ten 2-word shingles (about ten words) a single edit moves the
  Jaccard similarity by more than 0.1 and unrelated short texts (headlines, captions, "read more"
  lines) collide: such texts are deduplicated exactly only (``counts.extra["near_skipped_short"]``).
Measured results (``bench/eval_dedup.py``, one core): exact duplicates on news-credibility (65
nights through one index) pairwise precision 0.9997, recall 1.0000; near duplicates precision
0.998, recall 0.984; deduplicate() on 10,161 ANT articles as one fresh night 113 us per article,
best of 3 on a loaded 2-core machine (index of 884 bytes per article on disk).

* ``bucket_window = 64``: in a band bucket (texts sharing a band key) every text is compared with
  the 64 following ones in head order; larger buckets only come from mass-templated texts.

A night in shards
-----------------
No step holds the night's texts. Each shard of the night signs its articles
(:func:`~akhbar.dedup.entries.article_entries`: keys, signature, band keys, with its source's
boilerplate removed) and keeps a sample of its source's texts
(:class:`~akhbar.dedup.boilerplate.ShardSample`); the night's boilerplate comes from the merged
samples, before the shards sign. :func:`cluster_entries` then clusters the night from the entries
alone: it holds every article's keys and band keys and reads signatures only for candidate pairs.
Every value depends on the article and its source's boilerplate, and the night's entries are read
in the night's order, so the result is the same however the night was cut. :func:`deduplicate` does
all of it for one table in memory.

The persistent index
--------------------
``index_dir/dt=YYYY-MM-DD.parquet``, one file per night, one row per article of that night:
``article_id, dt, published_at, source_id, url, title, url_key, content_hash, n_shingles, near_ok,
band_keys (fixed list of int64), signature (fixed list of uint32), cluster_id`` (the head as of the
last run that touched the file) and ``links`` (the near-duplicate neighbours found when the night
was processed). ``index_dir/_format.json`` and each file's schema metadata record
``INDEX_FORMAT_VERSION`` and the parameters: an index built with other parameters is refused with
:class:`IndexFormatError` (delete the folder and reprocess the nights to rebuild it).

Processing night D ignores D's previous file (its entries are replaced, and near links that other
nights' files hold to D's articles are removed and found again), so a rerun is idempotent and no
article is ever its own duplicate. A lock file serialises concurrent runs on one index.
Articles must have unique ``article_id`` values across the whole index (duplicated ids raise
``ValueError``).
"""

from __future__ import annotations

import datetime
import pathlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from akhbar.dedup.boilerplate import ShardSample, boilerplate_shingles, source_counts
from akhbar.dedup.entries import article_entries
from akhbar.dedup.index import Parts, bump_generation, check_format, index_generation, locked
from akhbar.dedup.minhash import band_keys, estimate_similarity, minhash_signatures
from akhbar.dedup.night import DECISIONS, NightClusters, cluster_night
from akhbar.dedup.params import INDEX_FORMAT_VERSION, KINDS, PARAMS, DedupParams, IndexFormatError
from akhbar.dedup.urls import url_key
from akhbar.schema import ARTICLE, DUPLICATES
from akhbar.stats import StageCounts, Timer

__all__ = [
    "DECISIONS",
    "INDEX_FORMAT_VERSION",
    "KINDS",
    "PARAMS",
    "DedupParams",
    "DedupResult",
    "IndexFormatError",
    "NightClusters",
    "band_keys",
    "cluster_entries",
    "deduplicate",
    "estimate_similarity",
    "index_generation",
    "minhash_signatures",
    "url_key",
    "with_decisions",
]


@dataclass
class DedupResult:
    articles: pa.Table  # ARTICLE with cluster_id, duplicate_of, duplicate_kind, similarity filled
    duplicates: pa.Table  # DUPLICATES rows for this night's duplicates
    demoted: pa.Table  # DUPLICATES rows for other nights' articles whose head changed
    counts: StageCounts = field(default_factory=lambda: StageCounts(stage="dedup"))


def cluster_entries(
    entries: list[pathlib.Path | pa.Table],
    *,
    index_dir: pathlib.Path,
    dt: datetime.date,
    params: DedupParams = PARAMS,
) -> NightClusters:
    """Cluster a night's entries (parts in the night's order) against the index, under its lock."""
    index_dir = pathlib.Path(index_dir)
    counts = StageCounts(stage="dedup")
    with Timer(counts), locked(index_dir):
        check_format(index_dir, params)
        result = cluster_night(Parts(entries), index_dir=index_dir, dt=dt, params=params, counts=counts)
        counts.extra["index_generation"] = bump_generation(index_dir)
    return result


def table_boilerplate(articles: pa.Table, params: DedupParams = PARAMS) -> dict[str, np.ndarray]:
    """Each source's boilerplate shingles, from the articles of one table."""
    out = {}
    sources = articles.column("source_id").to_pylist()
    for source_id in sorted(set(sources)):
        rows = [i for i, s in enumerate(sources) if s == source_id]
        sample = ShardSample(source_id, params.boilerplate_sample)
        part = articles.take(pa.array(rows, pa.int64()))
        sample.add(part.column("content_hash"), part.column("text_search"))
        out[source_id] = boilerplate_shingles(source_counts([sample.table(params)], params), params)
    return out


def _conform(table: pa.Table) -> pa.Table:
    cols = []
    for f in ARTICLE:
        if f.name in table.column_names:
            cols.append(table.column(f.name).cast(f.type))
        elif f.nullable:
            cols.append(pa.nulls(table.num_rows, f.type))
        else:
            raise ValueError(f"articles table lacks required column {f.name!r}")
    return pa.Table.from_arrays(cols, schema=ARTICLE)


def with_decisions(articles: pa.Table, decisions: pa.Table) -> pa.Table:
    """ARTICLE rows with the dedup columns taken from ``decisions`` (the same rows, in the same order)."""
    for name in ("cluster_id", "duplicate_of", "duplicate_kind", "similarity"):
        i = articles.schema.get_field_index(name)
        articles = articles.set_column(
            i, ARTICLE.field(name), decisions.column(name).cast(ARTICLE.field(name).type)
        )
    return articles


def deduplicate(
    articles: pa.Table, *, index_dir: pathlib.Path, dt: datetime.date, params: DedupParams = PARAMS
) -> DedupResult:
    """Cluster one table of tonight's articles against themselves and every night in the index; update
    the index. See the module docstring for the rules; the result does not depend on the order of nights."""
    articles = _conform(articles)
    entries = article_entries(articles, dt=dt, boilerplate=table_boilerplate(articles, params), params=params)
    clusters = cluster_entries([entries], index_dir=index_dir, dt=dt, params=params)
    return DedupResult(
        articles=with_decisions(articles, clusters.decisions),
        duplicates=clusters.duplicates,
        demoted=clusters.demoted.cast(DUPLICATES),
        counts=clusters.counts,
    )
