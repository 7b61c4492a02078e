"""Write-audit-publish, step one: a night staged as the catalog's own files, not yet in the catalog.

The stages up to dedup leave the night in work files (:class:`WorkFiles`). :func:`stage_night` turns
them into Parquet files shaped exactly like the catalog's tables (the contract's columns and types),
written under the catalog's data path (``<data path>/_staging/<night>-<token>/<table>/dt=<night>/``):
the kept articles, the duplicates as links, the child rows of kept articles, the quarantine, the
night's keyword document frequencies and its full-text index. The quality gate audits the night;
only then does :func:`akhbar.lakehouse.publish.publish_night` register these files in the catalog
(``ducklake_add_data_files``) in one transaction, without copying them. A night that fails its audit
leaves its staged files unregistered: readers never see them, and maintenance deletes them once
they are older than its grace period.

The staged night is described by a small JSON manifest in the work dir, so the tasks that audit and
publish it can run in other processes or on other machines.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from akhbar.lakehouse import extensions
from akhbar.lakehouse.connect import _secret_sql, one_row
from akhbar.lakehouse.search_index import stage_search_index
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.stories import StoryChanges, StoryWork, stage_stories, staged_changes
from akhbar.lakehouse.tables import duckdb_type
from akhbar.schema import ARTICLE_CHILD_TABLES, CATALOG_TABLES

log = logging.getLogger(__name__)

STAGING_FOLDER = "_staging"
SHARD_BYTES = "512MB"  # DuckLake's own target file size
# The work file's rows that are the first article of their cluster.
KEPT = "(duplicate_of IS NULL OR duplicate_of = article_id)"


@dataclass(frozen=True)
class WorkFiles:
    """What the stages before publishing leave in the work dir for one night."""

    articles: Path  # ARTICLE rows of the night, duplicates included (duplicate_of set)
    # Child table of articles (schema.ARTICLE_CHILD_TABLES) -> its rows of every article of the night.
    children: Mapping[str, Path]
    quarantine: tuple[Path, ...]  # QUARANTINE rows, one file per source
    demoted: Path | None  # DUPLICATES rows: other nights' articles that this night's articles precede
    doc_freq: Path | None  # term, df (n_docs in the file's metadata)
    stories: StoryWork | None = None  # the stories step's output (akhbar.lakehouse.stories)


def child_work_files(folder: Path) -> dict[str, Path]:
    """Where the stages before publishing leave each child table of articles in a night's work dir."""
    return {table: Path(folder) / f"{table}.parquet" for table in ARTICLE_CHILD_TABLES}


@dataclass(frozen=True)
class StagedNight:
    """A night's files, shaped like the catalog's tables, waiting to be published."""

    night: _dt.date
    run_id: str
    location: str  # the staging folder of this run (under the catalog's data path)
    files: dict[str, list[str]] = field(default_factory=dict)  # table -> files (paths or URLs)
    rows: dict[str, int] = field(default_factory=dict)  # table -> staged rows
    demoted: str | None = None  # the work file of demotions (a few rows)
    # The stories step's deletions (akhbar.lakehouse.stories): retired story ids, removed article ids,
    # and the snapshot its window was read at; None: the night carries no stories.
    stories: StoryChanges | None = None

    def save(self, path: Path) -> None:
        data = {**asdict(self), "night": self.night.isoformat()}
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> StagedNight:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{**data, "night": _dt.date.fromisoformat(data["night"])})


def _quote(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# Every read_parquet here says hive_partitioning = false: work files sit under work/dt=<night>/ and
# DuckDB would otherwise take `dt` from that path, over the file's own column (a demotion's rows
# belong to other nights).
def _files_sql(paths: Iterable[str | Path]) -> str:
    return "[" + ", ".join(_quote(p) for p in paths) + "]"


def staging_session(
    settings: CatalogSettings, *, memory_limit: str, temp_dir: Path
) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB session (the catalog is not attached) that can write to the data path."""
    temp_dir.mkdir(parents=True, exist_ok=True)
    config: extensions.DuckDBConfig = {
        **extensions.OFFLINE_CONFIG,
        "memory_limit": memory_limit,
        "temp_directory": str(temp_dir),
        "preserve_insertion_order": True,
    }
    con = duckdb.connect(config=config)
    extensions.load(con, "fts", *(["httpfs"] if settings.is_remote_data else []))
    secret = _secret_sql(settings)
    if secret:
        con.execute(secret)
    return con


def contract_select(
    table: str, source: str, present: set[str], expressions: dict[str, str] | None = None
) -> str:
    """SELECT of a catalog table's columns, cast to their catalog types, from ``source``: a column the
    source lacks reads as NULL (work files written before an optional column was added)."""
    expressions = expressions or {}
    parts = []
    for f in CATALOG_TABLES[table].schema:
        expr = expressions.get(f.name) or (f'"{f.name}"' if f.name in present else "NULL")
        parts.append(f'CAST({expr} AS {duckdb_type(f.type)}) AS "{f.name}"')
    return f"SELECT {', '.join(parts)} FROM {source}"


class _Writer:
    """Writes one table's staged files for one night and lists them."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, settings: CatalogSettings, location: str, night: _dt.date
    ):
        self.con, self.settings, self.location, self.night = con, settings, location, night

    def folder(self, table: str, by_night: bool = True) -> str:
        # DuckLake's ducklake_add_data_files reads a `dt=` folder as the rows' dt (hive partitioning):
        # files holding rows of several nights (the stories tables) go to a folder without one.
        return (
            f"{self.location}/{table}/dt={self.night.isoformat()}" if by_night else f"{self.location}/{table}"
        )

    def write(
        self,
        table: str,
        select_sql: str,
        *,
        name: str = "part",
        by_night: bool = True,
        row_group_rows: int | None = None,
    ) -> list[str]:
        folder = self.folder(table, by_night)
        if not self.settings.is_remote_data:
            Path(folder).parent.mkdir(parents=True, exist_ok=True)
        # The table's row-group size, as DuckLake's own writes would use it: these files are
        # registered as they are (unless the caller sizes this file's groups itself).
        rows = row_group_rows or CATALOG_TABLES[table].row_group_rows
        row_groups = f", ROW_GROUP_SIZE {rows}" if rows else ""
        self.con.execute(
            f"""COPY ({select_sql}) TO {_quote(folder)} (FORMAT parquet, COMPRESSION zstd{row_groups},
                FILE_SIZE_BYTES '{SHARD_BYTES}', FILENAME_PATTERN '{name}-{{i}}', OVERWRITE_OR_IGNORE)"""
        )
        return self.list(table, name, by_night)

    def list(self, table: str, name: str = "part", by_night: bool = True) -> list[str]:
        pattern = f"{self.folder(table, by_night)}/{name}-*.parquet"
        return sorted(r[0] for r in self.con.execute("SELECT file FROM glob(?)", [pattern]).fetchall())

    def rows(self, files: builtins.list[str]) -> int:  # builtins: `list` is the method above in this class
        if not files:
            return 0
        count: int = one_row(
            self.con, f"SELECT count(*) FROM read_parquet({_files_sql(files)}, hive_partitioning = false)"
        )[0]
        return count


def _present(path: Path | None) -> set[str]:
    return set(pq.read_schema(path).names) if path is not None and Path(path).exists() else set()


def _stage_articles(w: _Writer, work: WorkFiles) -> dict[str, list[str]]:
    source = f"read_parquet({_quote(work.articles)}, hive_partitioning = false)"
    present = _present(work.articles)
    out = {"articles": w.write("articles", contract_select("articles", source, present) + f" WHERE {KEPT}")}
    dup = {"cluster_id": "coalesce(cluster_id, duplicate_of)", "kind": "duplicate_kind"}
    out["duplicates"] = w.write(
        "duplicates", contract_select("duplicates", source, present, dup) + f" WHERE NOT {KEPT}"
    )
    kept = f"article_id IN (SELECT article_id FROM {source} WHERE {KEPT})"
    for table, path in work.children.items():
        if table not in ARTICLE_CHILD_TABLES:
            raise ValueError(
                f"work file {path}: {table!r} is not a child table of schema.ARTICLE_CHILD_TABLES"
            )
        if Path(path).exists():
            out[table] = w.write(
                table,
                contract_select(
                    table, f"read_parquet({_quote(path)}, hive_partitioning = false)", _present(path)
                )
                + f" WHERE {kept}",
            )
    return out


def _stage_side_tables(w: _Writer, work: WorkFiles) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    parts = [p for p in work.quarantine if Path(p).exists()]
    if parts:
        # union_by_name reads a column as NULL in the files that lack it: one older file must not
        # blank that column (the raw bytes) for every source.
        present = set.union(*(_present(p) for p in parts))
        source = f"read_parquet({_files_sql(parts)}, union_by_name = true, hive_partitioning = false)"
        out["quarantine"] = w.write("quarantine", contract_select("quarantine", source, present))
    if work.doc_freq is not None and Path(work.doc_freq).exists():
        n_docs = int((pq.read_schema(work.doc_freq).metadata or {}).get(b"n_docs", b"0"))
        out["keyword_doc_freq"] = w.write(
            "keyword_doc_freq",
            contract_select(
                "keyword_doc_freq",
                f"read_parquet({_quote(work.doc_freq)}, hive_partitioning = false)",
                _present(work.doc_freq),
                {"dt": f"DATE '{w.night.isoformat()}'", "n_docs": str(n_docs)},
            ),
        )
    return out


def stage_night(
    settings: CatalogSettings,
    work: WorkFiles,
    *,
    night: _dt.date,
    run_id: str,
    temp_dir: Path,
    memory_limit: str = "2GB",
) -> StagedNight:
    """Write the night's catalog-shaped files under the data path; returns their manifest."""
    location = (
        f"{settings.data_path.rstrip('/')}/{STAGING_FOLDER}/{night.isoformat()}-{uuid.uuid4().hex[:12]}"
    )
    con = staging_session(settings, memory_limit=memory_limit, temp_dir=temp_dir)
    try:
        writer = _Writer(con, settings, location, night)
        files = _stage_articles(writer, work)
        files.update(_stage_side_tables(writer, work))
        files.update(stage_search_index(con, work.articles, night, writer))
        if work.stories is not None:
            files.update(stage_stories(writer, work.stories))
        files = {table: paths for table, paths in files.items() if paths}
        rows = {table: writer.rows(paths) for table, paths in files.items()}
    finally:
        con.close()
    staged = StagedNight(
        night=night,
        run_id=run_id,
        location=location,
        files=files,
        rows=rows,
        demoted=str(work.demoted) if work.demoted is not None and Path(work.demoted).exists() else None,
        stories=staged_changes(work.stories) if work.stories is not None else None,
    )
    log.info("staged night %s in %s: %s", night, location, rows)
    return staged
