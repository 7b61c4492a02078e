"""Upkeep of the catalog through DuckLake's own functions, under the writer lock.

Steps (each its own transaction, so a kill between two leaves a consistent catalog and a rerun
finishes the job):

1. flush inlined data: small inserts that DuckLake kept inside the catalog database become Parquet;
2. merge adjacent files: a table's small files (one per night and table, plus the small nightly
   tables) are merged into larger ones, sorted where the table has a sort order;
3. expire snapshots older than ``keep_days`` days, except the snapshots an export was made from
   (table ``exports``), the latest one, and any a reader may still hold: a reader's transaction
   can start on a snapshot until the next one is committed, and DuckLake forgets an expired
   snapshot's files at once (a reader on it would see merged tables empty), so a snapshot goes only
   once its successor is ``grace_hours`` old;
4. delete the files no snapshot refers to any more, once they have been unreferenced for
   ``grace_hours`` (a reader whose transaction is older than that could still be reading them), and
   files left in the data path by killed writers.

Readers keep answering throughout: they read snapshots, whose files stay until step 4's grace.
Except (DuckLake 1.5.5, see the README's "Maintenance and migration"): a reader's transaction begun
before step 2 commits reads the merged tables of registered files as empty.
"""

from __future__ import annotations

import datetime as _dt
import logging
from pathlib import Path

import duckdb

from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.settings import CatalogSettings

log = logging.getLogger(__name__)


def _expirable(con: duckdb.DuckDBPyConnection, keep_days: int, grace_hours: float) -> list[int]:
    rows = con.execute(
        """SELECT snapshot_id FROM (
               SELECT snapshot_id, snapshot_time,
                      lead(snapshot_time) OVER (ORDER BY snapshot_id) AS superseded_at
               FROM akhbar.snapshots())
           WHERE snapshot_time < now() - to_days(?)
             AND superseded_at < now() - to_microseconds(?)
             AND snapshot_id NOT IN (SELECT snapshot_id FROM exports)
           ORDER BY snapshot_id""",
        [int(keep_days), int(grace_hours * 3_600_000_000)],
    ).fetchall()
    return [r[0] for r in rows]


def maintain_catalog(
    settings: CatalogSettings,
    *,
    keep_days: int = 30,
    grace_hours: float = 24.0,
    temp_dir: str | Path | None = None,
) -> dict[str, int]:
    """Flush, merge, expire and clean up; returns what each step did."""
    figures: dict[str, int] = {}
    cutoff = _dt.datetime.now(_dt.UTC) - _dt.timedelta(hours=grace_hours)
    with writer_session(settings, "catalog maintenance", temp_dir=temp_dir) as con:
        con.execute("CALL ducklake_flush_inlined_data('akhbar')")
        merged = con.execute("CALL ducklake_merge_adjacent_files('akhbar')").fetchall()
        figures["files_merged"] = len(merged)
        expired = _expirable(con, keep_days, grace_hours)
        if expired:
            con.execute("CALL ducklake_expire_snapshots('akhbar', versions => ?)", [expired])
        figures["snapshots_expired"] = len(expired)
        cleaned = con.execute(
            "CALL ducklake_cleanup_old_files('akhbar', older_than => ?)", [cutoff]
        ).fetchall()
        figures["files_deleted"] = len(cleaned)
        orphans = con.execute(
            "CALL ducklake_delete_orphaned_files('akhbar', older_than => ?)", [cutoff]
        ).fetchall()
        figures["orphans_deleted"] = len(orphans)
        figures["snapshots_kept"] = one_row(con, "SELECT count(*) FROM akhbar.snapshots()")[0]
        figures["pinned_by_exports"] = one_row(con, "SELECT count(DISTINCT snapshot_id) FROM exports")[0]
    log.info("catalog maintenance: %s", figures)
    return figures
