"""Stories in the catalog: the night's stories computed from the catalog, staged, published with the night.

The stories step (:func:`night_stories`, run by ``akhbar.pipeline.stories`` after dedup and before
staging) is the caller's side of the contract of :mod:`akhbar.stories`:

1. the night's articles come from the work files, their vectors from the shards: each enrich task
   embedded its shard's articles, duplicates included (:mod:`akhbar.shards.enrich`); the kept ones
   (the first of each duplicate cluster) go through the stage with their vectors, their texts left
   on disk (a vector is a function of its text alone, so the night's vectors do not depend on how
   it was cut into shards);
2. the window (nights D-2 .. D+2) and the affairs reaching into it are read from the published
   catalog through a reader session, in one transaction (one snapshot, whose id is kept);
3. the articles this night's dedup demotes (``demoted.parquet``: other nights' articles an article
   of this night precedes) are *removed*: they leave their stories as if they had never been;
4. the result is written to the work dir (:class:`StoryWork`), staged with the night
   (:func:`stage_stories`) and replaced in the night's publish transaction (:func:`clear_stories`
   deletes what the contract replaces, the staged files are then registered like the others).

A publish of another night between steps 2 and 4 can change what this night should have read: the
publish task checks it under the writer lock (:func:`stories_are_stale`) and computes the stories
again first (nothing is encoded again: the vectors are the shards'). Reruns give the same rows, and nights processed in
any order give the same stories (``tests/e2e/test_backfill.py``).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.lakehouse.connect import CatalogMissing, one_row
from akhbar.lakehouse.session import reader_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.schema import ARTICLE_EMBEDDINGS, EMBEDDING_DIM, STORY_TABLES
from akhbar.stats import StageCounts
from akhbar.stories import (
    PARAMS,
    STORY_ARTICLES,
    StoriesResult,
    StoryInputs,
    StoryParams,
    build_stories,
)
from akhbar.stories.embeddings import embeddings_table, model_name
from akhbar.stories.store import STORE_TABLES

if TYPE_CHECKING:
    from akhbar.lakehouse.staging import WorkFiles, _Writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NightArticles:
    """The night as dedup leaves it in the work dir."""

    articles: Path  # ARTICLE rows, duplicates included (duplicate_of set)
    places: Path
    dates: Path
    keywords: Path
    demoted: Path | None  # DUPLICATES rows of other nights' articles this night demotes
    # ARTICLE_EMBEDDINGS files covering every article of the night: its shards' (akhbar.shards.enrich)
    vectors: tuple[Path, ...] = ()

    @classmethod
    def of(cls, work: WorkFiles, vectors: Sequence[Path]) -> NightArticles:
        """What the stories read of the night's work files (its child tables by name) and the
        vectors its shards wrote."""
        children = work.children
        return cls(
            articles=work.articles,
            places=children["article_places"],
            dates=children["article_dates"],
            keywords=children["article_keywords"],
            demoted=work.demoted,
            vectors=tuple(vectors),
        )


class StoryChanges(TypedDict):
    """What a night's publish deletes besides its own rows (``changes.json`` of :class:`StoryWork`)."""

    snapshot_id: int | None  # the catalog snapshot the stories' window was read at
    retired_story_ids: list[str]
    removed_article_ids: list[str]


@dataclass(frozen=True)
class StoryWork:
    """What the stories step leaves in the work dir: one file per stories table and what the publish
    deletes besides (``changes.json``: retired story ids, removed article ids, and the catalog
    snapshot the window was read at)."""

    folder: Path

    def table(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    @property
    def changes(self) -> Path:
        return self.folder / "changes.json"

    def done(self) -> bool:
        return self.changes.exists() and all(self.table(t).exists() for t in STORY_TABLES)


# --------------------------------------------------------------------------- read
def _kept(articles: pa.Table) -> pa.Table:
    dup = articles.column("duplicate_of")
    keep = pc.or_kleene(pc.is_null(dup), pc.equal(dup, articles.column("article_id")))
    return articles.filter(pc.fill_null(keep, True))


def _only(work_file: Path, ids: pa.Array, name: str) -> pa.Table:
    """The night's rows of an enrichment table (by its catalog name) of the articles ``ids``."""
    schema = STORE_TABLES[name]
    table = _read(work_file, schema).select(schema.names).cast(schema)
    return table.filter(pc.is_in(table.column("article_id"), value_set=ids))


def _read(path: Path | None, schema: pa.Schema) -> pa.Table:
    """The columns of ``schema`` only (a night's keywords file holds a million rows)."""
    if path is None or not Path(path).exists():
        return schema.empty_table()
    return pq.read_table(path, columns=schema.names)


@dataclass(frozen=True)
class CatalogContext:
    """What the catalog holds for night D's stories (the contract's reads, the night's own articles aside)."""

    articles: pa.Table = field(default_factory=STORY_ARTICLES.empty_table)
    places: pa.Table = field(default_factory=STORE_TABLES["article_places"].empty_table)
    dates: pa.Table = field(default_factory=STORE_TABLES["article_dates"].empty_table)
    keywords: pa.Table = field(default_factory=STORE_TABLES["article_keywords"].empty_table)
    embeddings: pa.Table = field(default_factory=STORE_TABLES["article_embeddings"].empty_table)
    article_stories: pa.Table = field(default_factory=STORE_TABLES["article_stories"].empty_table)
    links: pa.Table = field(default_factory=STORE_TABLES["story_links"].empty_table)
    snapshot_id: int | None = None


def _catalog_reads(
    con: duckdb.DuckDBPyConnection, night: _dt.date, removed: list[str], params: StoryParams
) -> CatalogContext:
    """The window and the affairs reaching into it, at the session's snapshot (caller's transaction)."""
    from akhbar.stories.duckdb_store import article_stories_columns, contract_rows, select_members

    snapshot: int = one_row(con, "SELECT id FROM akhbar.current_snapshot()")[0]
    present = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    if not set(STORY_TABLES) <= present:
        return CatalogContext(snapshot_id=snapshot)  # a catalog from before the stories step
    select_members(con, night, params, removed)
    # The night's own articles come from the work files (a rerun's previous rows are replaced).
    con.execute("DELETE FROM story_members WHERE dt = ?", [night])
    w = _dt.timedelta(days=params.window_nights)
    window: dict[str, object] = {"first": night - w, "last": night + w, "night": night}
    member = (
        "dt IN (SELECT DISTINCT dt FROM story_members) "
        "AND article_id IN (SELECT article_id FROM story_members)"
    )

    in_window = "dt BETWEEN $first AND $last AND dt <> $night"
    members = "SELECT article_id FROM story_members"
    return CatalogContext(
        # Members' texts are not read: only the night's articles are encoded.
        articles=con.execute(
            "SELECT article_id, source_id, lang, title, NULL::VARCHAR AS text, published_at, dt "
            f"FROM articles WHERE {member}"
        )
        .fetch_arrow_table()
        .cast(STORY_ARTICLES),
        places=contract_rows(con, "article_places", member),
        dates=contract_rows(con, "article_dates", member),
        keywords=contract_rows(con, "article_keywords", f"{member} AND {in_window}", window),
        # Every member's vector (not the night's), not only the window's: a story's line reaches back.
        embeddings=contract_rows(con, "article_embeddings", member),
        article_stories=contract_rows(
            con,
            "article_stories",
            f"article_id IN ({members}) OR dt = $night OR article_id IN (SELECT article_id FROM story_removed)",
            {"night": night},
            columns=article_stories_columns(con),
        ),
        links=contract_rows(
            con, "story_links", f"article_id IN ({members}) AND linked_article_id IN ({members})"
        ),
        snapshot_id=snapshot,
    )


def read_catalog_context(
    settings: CatalogSettings, night: _dt.date, removed: list[str], params: StoryParams = PARAMS
) -> CatalogContext:
    """The catalog's part of night D's inputs, read in one transaction of a reader session."""
    try:
        with reader_session(settings) as con:
            con.execute("BEGIN TRANSACTION")
            context = _catalog_reads(con, night, removed, params)
            con.execute("COMMIT")
            return context
    except CatalogMissing:
        return CatalogContext()  # the first night: nothing published yet


# --------------------------------------------------------------------------- compute
# The night's articles as the stage reads them: their texts stay on disk (their vectors are read).
_ARTICLE_COLUMNS = [c for c in STORY_ARTICLES.names if c != "text"]


def _night_articles(path: Path) -> pa.Table:
    """The night's kept articles (STORY_ARTICLES, text null), read without their texts."""
    kept = _kept(pq.read_table(path, columns=[*_ARTICLE_COLUMNS, "duplicate_of"]))
    articles = kept.select(_ARTICLE_COLUMNS).append_column("text", pa.nulls(kept.num_rows, pa.string()))
    return articles.select(STORY_ARTICLES.names).cast(STORY_ARTICLES)


class VectorsMissing(RuntimeError):
    """The night's articles lack vectors their shards should have written."""


def _night_vectors(work: NightArticles, ids: pa.Array, lead_words: int) -> pa.Table:
    """The vectors of the night's kept articles ``ids``, read from the shards' files (only those rows),
    in the order of ``ids``: what build_stories then reads without a copy."""
    missing = [path for path in work.vectors if not Path(path).exists()]
    if missing:
        raise VectorsMissing(
            f"no article vectors in {len(missing)} shard(s) of the night, e.g. {missing[0]}: "
            "their enrich task did not finish; run it again (the stories step does not encode)"
        )
    model = model_name(lead_words)
    vectors, days, found, models = _gather_vectors(work.vectors, ids)
    other = models - {model}
    if other:
        raise VectorsMissing(
            f"the shards' vectors are of {sorted(other)}, the stories step expects {model}: "
            "enrich the night again with the same stories settings"
        )
    lacking = ids.filter(pa.array(~found))
    if len(lacking):
        raise VectorsMissing(
            f"{len(lacking)} article(s) of the night have no vector in the shards' files, e.g. "
            f"{lacking[0].as_py()}: the shards were enriched again without their vectors; run enrich again"
        )
    return embeddings_table(ids.to_pylist(), pa.array(days, pa.date32()).to_pylist(), vectors, model)


_VECTOR_BATCH = 4096  # rows of a shard's file read at a time (8 MB of vectors)


def _gather_vectors(
    paths: Sequence[Path], ids: pa.Array
) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[str]]:
    """The rows of ``ids`` in the shards' files, placed straight into one (n, 512) matrix in the order
    of ``ids`` (the first row of an id wins, files in their order): the files' other rows (duplicates)
    and a whole-night table are never held. Returns (vectors, days as date32 ints, found, models)."""
    vectors = np.zeros((len(ids), EMBEDDING_DIM), dtype=np.float32)
    days = np.zeros(len(ids), dtype=np.int32)
    found = np.zeros(len(ids), dtype=bool)
    models: set[str] = set()
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(_VECTOR_BATCH, columns=list(ARTICLE_EMBEDDINGS.names)):
            at = pc.index_in(batch.column("article_id"), value_set=ids)
            rows = batch.filter(pc.is_valid(at))
            if not rows.num_rows:
                continue
            place = at.drop_null().to_numpy()
            models.update(pc.unique(rows.column("model")).to_pylist())
            place, first = np.unique(place, return_index=True)  # an id twice in a batch: its first row
            fresh = ~found[place]
            place, first = place[fresh], first[fresh]
            flat = rows.column("vector").flatten().to_numpy(zero_copy_only=False)
            vectors[place] = flat.reshape(-1, EMBEDDING_DIM)[first]
            days[place] = rows.column("dt").cast(pa.int32()).to_numpy(zero_copy_only=False)[first]
            found[place] = True
    return vectors, days, found, models


def _inputs(
    night: _dt.date, work: NightArticles, context: CatalogContext, removed: list[str], params: StoryParams
) -> StoryInputs:
    kept = _night_articles(work.articles)
    ids = kept.column("article_id").combine_chunks()
    return StoryInputs(
        night=night,
        articles=pa.concat_tables([kept, context.articles]),
        places=pa.concat_tables([_only(work.places, ids, "article_places"), context.places]),
        dates=pa.concat_tables([_only(work.dates, ids, "article_dates"), context.dates]),
        keywords=pa.concat_tables([_only(work.keywords, ids, "article_keywords"), context.keywords]),
        embeddings=context.embeddings,
        article_stories=context.article_stories,
        links=context.links,
        removed_article_ids=tuple(removed),
        night_embeddings=_night_vectors(work, ids, params.lead_words),
    )


def _removed(work: NightArticles) -> list[str]:
    demoted = _read(work.demoted, pa.schema([pa.field("article_id", pa.string())]))
    return sorted(set(demoted.column("article_id").to_pylist()))


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    atomic.write_parquet(path, table, compression="zstd")


def _write(result: StoriesResult, out: StoryWork, snapshot_id: int | None) -> None:
    out.folder.mkdir(parents=True, exist_ok=True)
    out.changes.unlink(missing_ok=True)  # written last: a step cut short leaves no half-result behind
    tables = {
        "article_embeddings": result.article_embeddings,
        "story_links": result.links,
        "article_stories": result.article_stories,
        "stories": result.stories,
    }
    for name, table in tables.items():
        _atomic_parquet(table.cast(STORE_TABLES[name]), out.table(name))
    changes: StoryChanges = {
        "snapshot_id": snapshot_id,
        "retired_story_ids": list(result.retired_story_ids),
        "removed_article_ids": list(result.removed_article_ids),
    }
    atomic.write_json(out.changes, changes)


def night_stories(
    settings: CatalogSettings,
    work: NightArticles,
    out: StoryWork,
    *,
    night: _dt.date,
    params: StoryParams = PARAMS,
) -> StageCounts:
    """The stories step of one night: read the shards' vectors and the window from the catalog, link,
    write to ``out``."""
    start = time.perf_counter()
    out.folder.mkdir(parents=True, exist_ok=True)
    removed = _removed(work)
    context = read_catalog_context(settings, night, removed, params)
    result = build_stories(_inputs(night, work, context, removed, params), params)
    _write(result, out, context.snapshot_id)
    counts = result.counts
    counts.extra.update(snapshot_id=context.snapshot_id, link_seconds=round(counts.seconds, 3))
    counts.seconds = time.perf_counter() - start  # the whole step: reading included
    log.info(
        "stories of %s: %d articles, %d links, %d stories touched (%d retired, %d removed articles)",
        night,
        counts.records_in,
        counts.extra["links"],
        counts.extra["stories"],
        counts.extra["retired"],
        len(removed),
    )
    return counts


# --------------------------------------------------------------------------- stage and publish
def staged_changes(out: StoryWork) -> StoryChanges:
    changes: StoryChanges = json.loads(out.changes.read_text(encoding="utf-8"))
    return changes


def stage_stories(writer: _Writer, out: StoryWork) -> dict[str, list[str]]:
    """The stories tables' files of the night, shaped like the catalog's (akhbar.lakehouse.staging)."""
    from akhbar.lakehouse.staging import contract_select

    files: dict[str, list[str]] = {}
    for name in STORY_TABLES:
        path = out.table(name)
        source = "read_parquet('" + str(path).replace("'", "''") + "', hive_partitioning = false)"
        # Rows of other nights (a night's run rewrites the story rows of the articles its stories
        # reach): not under a dt= folder, which DuckLake would read as every row's night.
        files[name] = writer.write(
            name,
            contract_select(name, source, set(pq.read_schema(path).names)),
            by_night=name == "article_embeddings",
        )
    return files


def clear_stories(
    con: duckdb.DuckDBPyConnection, night: _dt.date, files: dict[str, list[str]], changes: StoryChanges
) -> None:
    """In the publish transaction, before the staged files are registered: delete what the stories
    contract replaces (akhbar.stories, "What the caller replaces")."""
    con.register(
        "_story_removed", pa.table({"article_id": pa.array(changes["removed_article_ids"], pa.string())})
    )
    con.register(
        "_story_retired", pa.table({"story_id": pa.array(changes["retired_story_ids"], pa.string())})
    )
    removed = "SELECT article_id FROM _story_removed"

    def staged(table: str, column: str) -> str:
        paths = files.get(table) or []
        if not paths:
            return f"SELECT NULL::VARCHAR AS {column} WHERE false"
        listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
        return f"SELECT {column} FROM read_parquet([{listed}], hive_partitioning = false)"

    try:
        con.execute(
            f"DELETE FROM article_embeddings WHERE dt = $night OR article_id IN ({removed})", {"night": night}
        )
        con.execute(
            f"DELETE FROM story_links WHERE dt = $night OR linked_dt = $night OR article_id IN ({removed}) "
            f"OR linked_article_id IN ({removed})",
            {"night": night},
        )
        con.execute(
            f"DELETE FROM article_stories WHERE dt = $night OR article_id IN ({removed}) "
            f"OR article_id IN ({staged('article_stories', 'article_id')})",
            {"night": night},
        )
        con.execute(
            "DELETE FROM stories WHERE story_id IN (SELECT story_id FROM _story_retired) "
            f"OR story_id IN ({staged('stories', 'story_id')})"
        )
    finally:
        con.unregister("_story_removed")
        con.unregister("_story_retired")


def stories_are_stale(con: duckdb.DuckDBPyConnection, snapshot_id: int | None) -> bool:
    """Whether a night was published after the snapshot the stories read (under the writer lock)."""
    row = one_row(
        con,
        "SELECT count(*) FROM akhbar.snapshots() WHERE commit_message LIKE 'publish night %' "
        "AND snapshot_id > ?",
        [-1 if snapshot_id is None else snapshot_id],
    )
    return bool(row[0])
