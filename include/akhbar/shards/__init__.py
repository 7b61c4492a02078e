"""A night cut into shards: the unit of work that spreads a night over any number of workers.

The steps, each a plain function (``akhbar run`` calls them in turn; the Airflow DAG maps them):

1. :func:`~akhbar.shards.plan.cut`: a source's raw records of the night -> its shards (at most
   ``shard_records`` consecutive records each, a setting of the source registry).
2. :func:`~akhbar.shards.extract.extract_clean_shard` per shard: extraction and cleaning, plus the
   shard's keyword document frequencies and a sample of its source's texts.
3. The night's reductions (:mod:`akhbar.shards.night`), from those small outputs only: the night's
   keyword document frequencies and each source's boilerplate shingles.
4. :func:`~akhbar.shards.enrich.enrich_shard` per shard: enrichment, and each article's dedup entry.
5. The deduplication clusters the night from the entries (:func:`akhbar.dedup.cluster_entries`), and
   :func:`~akhbar.shards.assemble.assemble_night` writes the night's work files for staging.

Every per-article value depends on the article and on night-wide values computed from sums and
merged samples, and the night is always read in the same order (sources by id, shards by number):
the published night is the same however it was cut, and whichever worker ran which shard.
"""
