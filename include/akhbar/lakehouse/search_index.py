"""The full-text index of a night, staged as Parquet before the publish (akhbar/sql/search.sql reads it).

A night's kept articles in Arabic, French and English are tokenised like the fts extension
(lower-case, accents stripped, runs of letters and digits of any script) and stemmed with its stem()
and the language's Snowball stemmer. Each (term, document) becomes one posting with its count; the
term is stored as ``md5_number_lower(stem)`` so that every night, shard or writer computes the same
key without a shared dictionary. The work happens here, outside the publish transaction: the publish
only inserts the staged files.

Cost: texts are split on spaces first (a byte split), and each distinct piece is folded, split and
stemmed once per batch, which is about ten times cheaper than a regular expression over every text.
Memory: batches of ``BATCH_DOCS`` documents, in the staging session bounded by its memory limit
(it spills to disk beyond).
"""

from __future__ import annotations

import datetime as _dt
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.lakehouse import extensions
from akhbar.lakehouse.connect import one_row

if TYPE_CHECKING:
    from akhbar.lakehouse.staging import _Writer

log = logging.getLogger(__name__)

STEMMERS = {"ar": "arabic", "fr": "french", "en": "english"}
K1, B = 1.2, 0.75  # BM25's parameters, as in akhbar/sql/search.sql and the fts extension
# Documents tokenised at once: one index part, whose postings are ranked together (impact_rank). A batch's texts and pieces are held in
# memory beside DuckDB's own limit: staging a 100,000-article night peaks at 1.30 GB with 50,000 (and
# a 1 GB DuckDB limit), 1.83 GB with 100,000, for 11% more CPU (a task stays under 2 GB).
BATCH_DOCS = 50_000
# The document length (tokens in title and text) that impact ranks are computed against, per language:
# a fixed figure, not the index file's own mean, so that a posting's rank depends only on the postings
# above it. A demotion (an earlier night, published later, makes an article a duplicate) then removes
# postings and closes the gaps, and the ranks left are those staging the night afresh gives. Means
# measured on bench_warehouse's 100,000-article catalog (real sentences): Arabic 170, English 414;
# French is taken as English.
IMPACT_REFERENCE_LENGTH = {"ar": 170, "fr": 400, "en": 400}
_TOKEN_SPLIT = r"[^\p{L}\p{N}]+"


def docid_base(night: _dt.date) -> int:
    """Docids of a night start at (day number << 32): unique across nights without coordination."""
    return (night - _dt.date(1970, 1, 1)).days << 32


def index_part(docid: int) -> int:
    """The batch of the night's work file, hence the index part (the postings ranked together), of a document."""
    return (docid & 0xFFFFFFFF) // BATCH_DOCS


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _stage_docs(con: duckdb.DuckDBPyConnection, articles: Path, night: _dt.date) -> None:
    """One row per indexed document: docid by the article's row in the night's work file (duplicates
    included, so a docid never depends on which articles a later night demotes). Rows are read in
    batches of ``BATCH_DOCS``, so the index part a posting is ranked in is ``index_part(docid)``."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _docs AS
            WITH ranked AS (
                SELECT article_id, lang, duplicate_of, title, published_at, source_id,
                       {docid_base(night)} + file_row_number AS docid
                FROM read_parquet({_quote(articles)}, hive_partitioning = false, file_row_number = true)
            )
            SELECT docid, article_id, lang, title, published_at, source_id FROM ranked
            -- The articles staging keeps (akhbar.lakehouse.staging.KEPT): a head may name itself.
            WHERE (duplicate_of IS NULL OR duplicate_of = article_id)
              AND lang IN ({", ".join(f"'{lang}'" for lang in STEMMERS)})"""
    )


def _work_file_batches(articles: Path) -> Iterator[pa.Table]:
    """The work file's texts in consecutive batches of exactly ``BATCH_DOCS`` rows (the last one
    shorter): batch n holds docids n * BATCH_DOCS and on, which ``index_part`` relies on."""
    pending: list[pa.RecordBatch] = []
    held = 0
    source = pq.ParquetFile(articles)
    for batch in source.iter_batches(batch_size=BATCH_DOCS, columns=["article_id", "title", "text"]):
        pending.append(batch)
        held += batch.num_rows
        while held >= BATCH_DOCS:
            rows = pa.Table.from_batches(pending)
            yield rows.slice(0, BATCH_DOCS)
            rest = rows.slice(BATCH_DOCS)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending)


def _tokenise_batch(con: duckdb.DuckDBPyConnection, batch: pa.Table, lang: str) -> int:
    """Postings (term, docid, tf) in ``_post`` of the documents of one language in an Arrow batch of
    the work file; returns how many documents it held."""
    con.register("_batch", batch)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _pieces AS
                WITH docs AS (
                    SELECT d.docid, b.title, b.text FROM _batch b JOIN _docs d USING (article_id)
                    WHERE d.lang = '{lang}'
                )
                SELECT docid, unnest(string_split(coalesce(title, ''), ' ')) AS r FROM docs
                UNION ALL SELECT docid, unnest(string_split(coalesce(text, ''), ' ')) FROM docs"""
        )
    finally:
        con.unregister("_batch")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _piece_terms AS
            SELECT r, md5_number_lower(stem(tok, '{STEMMERS[lang]}')) AS term, count(*)::INTEGER AS n FROM (
                SELECT r, unnest(regexp_split_to_array(lower(strip_accents(r)), '{_TOKEN_SPLIT}')) AS tok
                FROM (SELECT DISTINCT r FROM _pieces)
            ) WHERE tok <> '' GROUP BY ALL"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _post AS
           SELECT m.term, x.docid, sum(m.n)::INTEGER AS tf
           FROM _pieces x JOIN _piece_terms m USING (r) GROUP BY m.term, x.docid"""
    )
    documents: int = one_row(con, "SELECT count(DISTINCT docid) FROM _pieces")[0]
    return documents


def _postings_sql(lang: str, night: _dt.date, *, ordered: bool = True) -> str:
    # A document's postings are all in one batch and language: its length is known here. The impact
    # of a posting is BM25's term-frequency part against the language's reference length (close to
    # the catalog's mean): ranked per term, a top-k search reads only the head of a common term.
    return f"""WITH lens AS (SELECT docid, sum(tf)::INTEGER AS len FROM _post GROUP BY docid)
                SELECT '{lang}' AS lang, p.term, p.docid, p.tf, l.len,
                       {_impact_rank("p.term", lang)} AS impact_rank,
                       DATE '{night.isoformat()}' AS dt
                FROM _post p JOIN lens l USING (docid)
                {"ORDER BY p.term, impact_rank" if ordered else ""}"""


def _impact_rank(partition: str, lang: str) -> str:
    """The rank of a posting (columns tf, len, docid) among the postings of ``partition``."""
    reference = IMPACT_REFERENCE_LENGTH[lang]
    return f"""row_number() OVER (PARTITION BY {partition} ORDER BY
                   tf / (tf + {K1} * (1 - {B} + {B} * len / {reference})) DESC, docid)::INTEGER"""


def _index_part(docid: str) -> str:
    """SQL: the batch of the work file, hence the index part, of the document ``docid`` names."""
    return f"(({docid}) % {1 << 32}) // {BATCH_DOCS}"


def ranks_after_removal_sql(removed: str) -> str:
    """The impact_rank staging gives, within its index part, to each posting of ``search_postings``
    that shares a language, term, night and index part with a posting of ``removed`` (a relation of
    lang, term, dt, docid), once those are gone. The file is known from the docid: batch n of the
    work file holds docids n * BATCH_DOCS and on (``_work_file_batches``)."""
    part = _index_part("docid")
    cases = " ".join(
        f"WHEN '{lang}' THEN {_impact_rank(f'lang, term, dt, {part}', lang)}" for lang in STEMMERS
    )
    return f"""WITH groups AS (SELECT DISTINCT lang, term, dt, {part} AS part FROM {removed}),
                    touched AS (SELECT * FROM search_postings p
                                WHERE EXISTS (SELECT 1 FROM groups g WHERE g.lang = p.lang AND g.term = p.term
                                              AND g.dt = p.dt AND g.part = {_index_part("p.docid")}))
               SELECT lang, term, dt, docid, CASE lang {cases} END AS impact_rank FROM touched"""


_DOCS = """SELECT d.lang, d.docid, d.article_id, coalesce(l.len, 0)::INTEGER AS len, d.title,
                  d.published_at::TIMESTAMPTZ AS published_at, d.source_id, DATE '{night}' AS dt
           FROM _docs d LEFT JOIN (SELECT docid, sum(len)::INTEGER AS len FROM _lens GROUP BY docid) l
           USING (docid)"""


def _docs_sql(night: _dt.date) -> str:
    # A document without any token (an empty title and a text of punctuation) still counts in
    # num_docs and avgdl, with length 0, as in the extension's index.
    return _DOCS.format(night=night.isoformat()) + " ORDER BY d.docid"


def _terms_sql(night: _dt.date) -> str:
    return (
        f"SELECT lang, term, sum(df)::BIGINT AS df, DATE '{night.isoformat()}' AS dt FROM _dfs "
        "GROUP BY lang, term ORDER BY lang, term"
    )


def _stats_sql(night: _dt.date) -> str:
    return (
        f"SELECT DATE '{night.isoformat()}' AS dt, lang, count(*)::BIGINT AS n_docs, "
        f"sum(len)::BIGINT AS total_len FROM ({_DOCS.format(night=night.isoformat())}) GROUP BY lang ORDER BY lang"
    )


def _batches_in(articles: Path) -> int:
    rows: int = pq.ParquetFile(articles).metadata.num_rows
    return max(1, -(-rows // BATCH_DOCS))


# Row groups of a postings file. A search checks the min/max of every row group of a file for its
# terms (about 17 µs a group) and decodes whole the groups that hold a term's head: few big groups make
# the check cheap and the decoding dear, many small ones the reverse. So a file gets about
# POSTINGS_ROW_GROUPS groups, each as small as that allows within bounds. Measured with the same 45
# queries and results: at 100k articles 16,384-row groups cut the search's CPU by a fifth against
# 65,536; at 1M (99M Arabic postings) 131,072-row groups cut it by 12-15% against 65,536, and
# 262,144 gave less than 131,072.
POSTINGS_ROW_GROUPS = 800
_POSTINGS_GROUP_BOUNDS = (16_384, 262_144)


def postings_row_group_rows(rows: int) -> int:
    """The row-group size of a postings file of ``rows`` postings (a multiple of DuckDB's 2,048-row vector)."""
    low, high = _POSTINGS_GROUP_BOUNDS
    per_group = -(-max(rows, 1) // POSTINGS_ROW_GROUPS)
    return min(high, max(low, -(-per_group // 2048) * 2048))


_SCRATCH_PREFIX = "akhbar-postings-"
_SCRATCH_STALE_SECONDS = 24 * 3600


def _sweep_stale_scratch(temp: str | None) -> None:
    """Remove the scratch folders of stagings killed before their cleanup (a day old: a staging that
    is still running never takes that long)."""
    folder = Path(temp or tempfile.gettempdir())
    cutoff = time.time() - _SCRATCH_STALE_SECONDS
    for stale in folder.glob(_SCRATCH_PREFIX + "*"):
        if stale.is_dir() and stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)


class _PostingsRuns:
    """Where a night's postings go, one sorted run per batch of the work file and language.

    A term is looked up by row-group min/max in every postings file, and each file holding the term
    costs a whole row group decoded: a million-article night in one file per batch
    (20 Arabic and 5 English files) read 1.6 M rows per term. So a night of several batches keeps its
    runs in a local scratch folder and ``finish`` merges each language's runs into one file sorted by
    term, then impact rank: a term's head is then one or two row groups. (bench_warehouse at 1M, quiet
    machine: search wall p50 415 -> 190 ms; the merge adds about 45 s of sorting to staging, spilled
    within the session's memory limit.) A night of one batch, the usual case, writes its runs directly.
    Impact ranks stay per batch (``index_part``): merging files changes no posting.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, writer: _Writer, *, batches: int):
        self.con, self.writer = con, writer
        self.direct: list[str] = []
        self.runs: dict[str, list[str]] = {}
        self.scratch: Path | None = None
        if batches > 1:
            temp = one_row(con, "SELECT current_setting('temp_directory')")[0] or None
            _sweep_stale_scratch(temp)
            self.scratch = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=temp))

    @property
    def ordered(self) -> bool:
        """Whether a run must come sorted (it is published as it is)."""
        return self.scratch is None

    def add(self, lang: str, select_sql: str) -> None:
        part = sum(map(len, self.runs.values())) + len(self.direct)
        if self.scratch is None:
            rows = one_row(self.con, "SELECT count(*) FROM _post")[0]  # the rows select_sql gives
            self.direct += self.writer.write(
                "search_postings",
                select_sql,
                name=f"part-{part:05d}-{lang}",
                row_group_rows=postings_row_group_rows(rows),
            )
            return
        run = self.scratch / f"run-{part:05d}-{lang}.parquet"  # unsorted: ``finish`` sorts the runs once
        self.con.execute(f"COPY ({select_sql}) TO {_quote(run)} (FORMAT parquet, COMPRESSION zstd)")
        self.runs.setdefault(lang, []).append(str(run))

    def finish(self) -> list[str]:
        files = list(self.direct)
        for lang, runs in self.runs.items():
            merged = (
                f"SELECT * FROM read_parquet([{', '.join(map(_quote, runs))}], hive_partitioning = false) "
                "ORDER BY term, impact_rank, docid"
            )
            rows = sum(pq.ParquetFile(run).metadata.num_rows for run in runs)
            files += self.writer.write(
                "search_postings", merged, name=f"part-{lang}", row_group_rows=postings_row_group_rows(rows)
            )
        return sorted(files)

    def close(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def stage_search_index(
    con: duckdb.DuckDBPyConnection, articles: Path, night: _dt.date, writer: _Writer
) -> dict[str, list[str]]:
    """Stage ``search_docs`` and ``search_postings`` for the kept articles of ``articles`` (the night's
    ARTICLE work file, duplicates included) through ``writer`` (akhbar.lakehouse.staging._Writer).

    The work file is read once, batch by batch: only a batch's texts are in memory. Each language ends
    in one postings file (``_PostingsRuns``), sorted by term and then by impact: the row groups of the
    published files each cover a narrow range of terms, and a term's head comes first.
    """
    extensions.load(con, "fts")
    _stage_docs(con, articles, night)
    con.execute("CREATE OR REPLACE TEMP TABLE _lens (docid BIGINT, len INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE _dfs (lang VARCHAR, term UBIGINT, df BIGINT)")
    runs = _PostingsRuns(con, writer, batches=_batches_in(articles))
    try:
        for batch in _work_file_batches(articles):
            for lang in STEMMERS:
                if not _tokenise_batch(con, batch, lang):
                    continue
                runs.add(lang, _postings_sql(lang, night, ordered=runs.ordered))
                con.execute("INSERT INTO _lens SELECT docid, sum(tf)::INTEGER FROM _post GROUP BY docid")
                con.execute(f"INSERT INTO _dfs SELECT '{lang}', term, count(*) FROM _post GROUP BY term")
        postings = runs.finish()
    finally:
        runs.close()
    docs = writer.write("search_docs", _docs_sql(night))
    stats = writer.write("search_stats", _stats_sql(night))
    terms = writer.write("search_terms", _terms_sql(night))
    for temp in ("_docs", "_lens", "_dfs", "_pieces", "_piece_terms", "_post"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    log.info("search index of %s: %d postings files", night, len(postings))
    return {"search_docs": docs, "search_postings": postings, "search_stats": stats, "search_terms": terms}
