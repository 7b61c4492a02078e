"""Publish a staged night: one transaction replaces that night's rows in every table.

Steps, in one DuckLake transaction (readers see the previous snapshot until the commit, then the
new one; a crash before the commit leaves the previous snapshot, and a rerun starts over):

1. clear the night: delete its rows from every nightly table (articles, duplicates, child tables,
   quarantine, keyword document frequencies, search index), and what the night's stories replace
   (akhbar.lakehouse.stories.clear_stories: rows of other nights' articles too);
2. register the staged files (akhbar.lakehouse.staging) in their tables with
   ``ducklake_add_data_files``: the files were written and audited before, so the publish copies
   nothing and its cost does not grow with the night's size;
3. apply demotions: articles of other nights that this night's articles now precede move to
   ``duplicates`` with their new head, and leave ``articles``, the child tables and the index;
4. replace ``sources`` with the registry's;
5. label the snapshot (``publish night YYYY-MM-DD``, the run, the staging folder and the figures in
   its extra info).

A staged night is published once. Published again (a publish task retried after its commit, or the
same manifest given twice), it changes nothing and returns the figures of the night as it stands,
with the snapshot that published it. More than a saving: DuckLake 1.5.5 can record a small delete
(inlined, up to 10 rows a file) against the first file ever registered under a path, so a file
registered a third time keeps rows a publish deletes from it (seen with a night that demotes
articles of another; ``tests/lakehouse/test_publish.py``). A staging that another publish of its
night has since replaced is refused with an error that says so: stage the night again.

The caller holds the catalog's writer lock (akhbar.lakehouse.session.writer_session).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.config import Source
from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.search_index import ranks_after_removal_sql
from akhbar.lakehouse.staging import StagedNight, contract_select
from akhbar.lakehouse.stories import clear_stories
from akhbar.schema import ARTICLE_CHILD_TABLES, CATALOG_TABLES, DUPLICATES, SOURCES

log = logging.getLogger(__name__)

PUBLISH_MESSAGE = "publish night "  # + YYYY-MM-DD: how `akhbar versions` finds published nights


@dataclass(frozen=True)
class PublishFigures:
    night: str
    articles: int
    duplicates: int
    quarantine: int
    demoted: int
    by_lang: dict[str, int]
    snapshot_id: int | None = None


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _columns(table: str) -> list[str]:
    names: list[str] = CATALOG_TABLES[table].schema.names
    return names


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, select_sql: str, params: Sequence[object] | None = None
) -> None:
    cols = ", ".join(f'"{c}"' for c in _columns(table))
    con.execute(f"INSERT INTO {table} ({cols}) {select_sql}", params or [])


def _clear_night(con: duckdb.DuckDBPyConnection, staged: StagedNight) -> None:
    for name, table in CATALOG_TABLES.items():
        if table.nightly and name not in ("runs", "dq_results"):
            con.execute(f"DELETE FROM {name} WHERE dt = ?", [staged.night])


def _register_files(con: duckdb.DuckDBPyConnection, staged: StagedNight) -> None:
    for table, files in staged.files.items():
        for path in files:
            con.execute("CALL ducklake_add_data_files('akhbar', ?, ?)", [table, path])


def _apply_demotions(con: duckdb.DuckDBPyConnection, staged: StagedNight) -> int:
    if staged.demoted is None or pq.ParquetFile(staged.demoted).metadata.num_rows == 0:
        return 0
    demoted = contract_select(
        "duplicates",
        f"read_parquet({_quote(staged.demoted)}, hive_partitioning = false)",
        set(pq.read_schema(staged.demoted).names),
    )
    their_nights = (
        f"dt IN (SELECT DISTINCT dt FROM read_parquet({_quote(staged.demoted)}, hive_partitioning = false))"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _demoted AS
            SELECT d.* EXCLUDE (record_id), coalesce(d.record_id, a.record_id) AS record_id
            FROM ({demoted}) d
            LEFT JOIN (SELECT article_id, any_value(record_id) AS record_id FROM (
                           SELECT article_id, record_id FROM articles WHERE {their_nights}
                           -- Demoted already by an earlier publish of this staged night (a retried task).
                           UNION ALL SELECT article_id, record_id FROM duplicates WHERE {their_nights})
                       WHERE record_id IS NOT NULL GROUP BY article_id) a
            USING (article_id)"""
    )
    nights = "dt IN (SELECT DISTINCT dt FROM _demoted)"
    ids = "article_id IN (SELECT article_id FROM _demoted)"
    con.execute(f"DELETE FROM duplicates WHERE {ids}")
    _insert(con, "duplicates", f"SELECT {', '.join(DUPLICATES.names)} FROM _demoted")
    for table in ARTICLE_CHILD_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {nights} AND {ids}")
    _remove_from_search_index(con, nights, ids)
    con.execute(f"DELETE FROM search_docs WHERE {nights} AND {ids}")
    # The index's per-night figures of the nights that lost documents, counted again.
    con.execute(f"DELETE FROM search_stats WHERE {nights}")
    _insert(
        con,
        "search_stats",
        f"""SELECT dt, lang, count(*), sum(len) FROM search_docs WHERE {nights}
                                     GROUP BY dt, lang""",
    )
    con.execute(f"DELETE FROM articles WHERE {nights} AND {ids}")
    demoted_rows: int = one_row(con, "SELECT count(*) FROM _demoted")[0]
    return demoted_rows


def _remove_from_search_index(con: duckdb.DuckDBPyConnection, nights: str, ids: str) -> None:
    """The postings of demoted articles leave the index, their terms' document frequencies in those
    nights go down by as many (a term left in no document of a night loses its row), and the impact
    ranks of the postings left close up: the index is then what staging those nights afresh gives
    (a rank's order does not depend on the other postings: search_index.IMPACT_REFERENCE_LENGTH)."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _lost_postings AS
                    SELECT lang, term, dt, docid FROM search_postings
                    WHERE {nights} AND docid IN (SELECT docid FROM search_docs WHERE {nights} AND {ids})""")
    con.execute("""UPDATE search_terms t SET df = t.df - l.n
                   FROM (SELECT lang, term, dt, count(*) AS n FROM _lost_postings GROUP BY ALL) l
                   WHERE t.lang = l.lang AND t.term = l.term AND t.dt = l.dt""")
    con.execute(f"DELETE FROM search_terms WHERE {nights} AND df <= 0")
    con.execute(
        f"DELETE FROM search_postings WHERE {nights} AND docid IN "
        f"(SELECT docid FROM search_docs WHERE {nights} AND {ids})"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ranks AS {ranks_after_removal_sql('_lost_postings')}")
    con.execute("""UPDATE search_postings p SET impact_rank = r.impact_rank FROM _ranks r
                   WHERE p.lang = r.lang AND p.term = r.term AND p.dt = r.dt AND p.docid = r.docid
                     AND p.impact_rank <> r.impact_rank""")
    con.execute("DROP TABLE _lost_postings")
    con.execute("DROP TABLE _ranks")


class StagingReplaced(RuntimeError):
    """The staged night was published, then replaced by another publish of the same night."""


def _publishes_of(con: duckdb.DuckDBPyConnection, staged: StagedNight) -> list[tuple[int, str | None]]:
    """(snapshot, staging folder) of every publish of ``staged.night``, oldest first."""
    rows = con.execute(
        """SELECT snapshot_id, json_extract_string(commit_extra_info, '$.staging')
           FROM akhbar.snapshots() WHERE commit_message = ? ORDER BY snapshot_id""",
        [PUBLISH_MESSAGE + staged.night.isoformat()],
    ).fetchall()
    return [(int(snapshot), folder) for snapshot, folder in rows]


def _is_live(con: duckdb.DuckDBPyConnection, table: str, path: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM ducklake_list_files('akhbar', ?) WHERE data_file = ?", [table, path]
    ).fetchone()
    return bool(found and found[0])


def already_published(con: duckdb.DuckDBPyConnection, staged: StagedNight) -> int | None:
    """The snapshot that already published this very staging and is still its night's latest
    publish; None if it was never published. Raises StagingReplaced if it was, and was replaced."""
    publishes = _publishes_of(con, staged)
    mine = [snapshot for snapshot, folder in publishes if folder == staged.location]
    if mine:
        if mine[-1] != publishes[-1][0]:
            raise StagingReplaced(
                f"the staged night {staged.night} in {staged.location} was published in snapshot "
                f"{mine[-1]} and replaced since by snapshot {publishes[-1][0]}: publishing it again "
                "would bring back what that publish replaced; stage the night again"
            )
        return mine[-1]
    # Publishes recorded before the staging folder was (no folder in their extra info): the staged
    # articles file still in the table means this staging is the night's current version.
    articles = staged.files.get("articles") or []
    if publishes and publishes[-1][1] is None and articles and _is_live(con, "articles", articles[0]):
        return publishes[-1][0]
    return None


def replace_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> None:
    rows = [
        {
            "source_id": s.id,
            "kind": s.kind,
            "name": s.name,
            "location": s.url or (str(s.path) if s.path else None) or (s.urls[0] if s.urls else None),
            "country": s.country,
            "lang": s.lang,
            "timezone": s.timezone,
            "enabled": bool(s.enabled),
        }
        for s in sources
    ]
    con.execute("DELETE FROM sources")
    if rows:
        con.register("_sources", pa.Table.from_pylist(rows, schema=SOURCES))
        _insert(con, "sources", "SELECT * FROM _sources")
        con.unregister("_sources")


def _figures(con: duckdb.DuckDBPyConnection, staged: StagedNight, demoted: int) -> PublishFigures:
    night = staged.night

    def count(table: str) -> int:
        rows: int = one_row(con, f"SELECT count(*) FROM {table} WHERE dt = ?", [night])[0]
        return rows

    by_lang = dict(
        con.execute(
            "SELECT lang, count(*) FROM articles WHERE dt = ? GROUP BY lang ORDER BY 2 DESC", [night]
        ).fetchall()
    )
    return PublishFigures(
        night=night.isoformat(),
        articles=count("articles"),
        duplicates=count("duplicates"),
        quarantine=count("quarantine"),
        demoted=demoted,
        by_lang=by_lang,
    )


def publish_night(
    con: duckdb.DuckDBPyConnection,
    staged: StagedNight,
    *,
    sources: Sequence[Source] = (),
    extra_info: dict[str, Any] | None = None,
) -> PublishFigures:
    """Replace ``staged.night`` in the catalog in one transaction; returns its published figures."""
    con.execute("BEGIN TRANSACTION")
    try:
        earlier = already_published(con, staged)
        if earlier is not None:
            con.execute("ROLLBACK")
            figures = _figures(con, staged, demoted=0)
            log.info(
                "night %s: this staging was published in snapshot %s; nothing to do", staged.night, earlier
            )
            return PublishFigures(**{**asdict(figures), "snapshot_id": earlier})
        _clear_night(con, staged)
        if staged.stories is not None:
            clear_stories(con, staged.night, staged.files, staged.stories)
        _register_files(con, staged)
        demoted = _apply_demotions(con, staged)
        if sources:
            replace_sources(con, sources)
        figures = _figures(con, staged, demoted)
        info = {
            "night": figures.night,
            "run_id": staged.run_id,
            "staging": staged.location,
            **asdict(figures),
            **(extra_info or {}),
        }
        con.execute(
            "CALL akhbar.set_commit_message('akhbar', ?, extra_info => ?)",
            [PUBLISH_MESSAGE + figures.night, json.dumps(info, ensure_ascii=False, default=str)],
        )
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
    snapshot = con.execute("SELECT id FROM akhbar.last_committed_snapshot()").fetchone()
    figures = PublishFigures(**{**asdict(figures), "snapshot_id": snapshot[0] if snapshot else None})
    log.info(
        "published night %s: %d articles, %d duplicates, %d quarantined, %d demoted (snapshot %s)",
        figures.night,
        figures.articles,
        figures.duplicates,
        figures.quarantine,
        figures.demoted,
        figures.snapshot_id,
    )
    return figures
