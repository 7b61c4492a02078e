"""Corpus versions: every published night is a snapshot of the catalog that can be queried later.

The publish labels its snapshot ``publish night YYYY-MM-DD`` with the run and the night's figures in
the snapshot's extra info; this module lists those and resolves what ``--as-of`` names.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.publish import PUBLISH_MESSAGE


@dataclass(frozen=True)
class Version:
    snapshot_id: int
    published_at: _dt.datetime
    night: _dt.date
    run_id: str | None
    articles: int | None
    duplicates: int | None
    quarantine: int | None
    by_lang: dict[str, int] = field(default_factory=dict)


class UnknownVersion(LookupError):
    """``--as-of`` names no published night or snapshot of this catalog."""


def list_versions(con: duckdb.DuckDBPyConnection) -> list[Version]:
    """Every snapshot that published a night, oldest first (expired snapshots are gone)."""
    rows = con.execute(
        """SELECT snapshot_id, snapshot_time, commit_message, commit_extra_info FROM akhbar.snapshots()
           WHERE commit_message LIKE ? ORDER BY snapshot_id""",
        [PUBLISH_MESSAGE + "%"],
    ).fetchall()
    out: list[Version] = []
    for snapshot_id, when, message, extra in rows:
        info: dict[str, Any] = json.loads(extra) if extra else {}
        out.append(
            Version(
                snapshot_id=snapshot_id,
                published_at=when,
                night=_dt.date.fromisoformat(message[len(PUBLISH_MESSAGE) :].strip()),
                run_id=info.get("run_id"),
                articles=info.get("articles"),
                duplicates=info.get("duplicates"),
                quarantine=info.get("quarantine"),
                by_lang=info.get("by_lang") or {},
            )
        )
    return out


def resolve(con: duckdb.DuckDBPyConnection, as_of: str | None) -> Version:
    """The version ``as_of`` names: a snapshot id (digits), a night (YYYY-MM-DD: its most recent
    publish), or None for the latest published version."""
    versions = list_versions(con)
    if not versions:
        raise UnknownVersion("no night has been published in this catalog yet")
    if as_of is None or as_of == "latest":
        return versions[-1]
    if as_of.isdigit():
        wanted = int(as_of)
        for v in versions:
            if v.snapshot_id == wanted:
                return v
        known = one_row(con, "SELECT count(*) FROM akhbar.snapshots() WHERE snapshot_id = ?", [wanted])[0]
        if known:
            # A snapshot that did not publish a night (maintenance, quality results): the corpus as of
            # then is the latest publish at or before it.
            earlier = [v for v in versions if v.snapshot_id <= wanted]
            if earlier:
                return Version(**{**earlier[-1].__dict__, "snapshot_id": wanted})
        raise UnknownVersion(
            f"snapshot {wanted} is not in this catalog (expired, or never made); "
            f"`akhbar versions` lists the published ones"
        )
    try:
        night = _dt.date.fromisoformat(as_of)
    except ValueError:
        raise UnknownVersion(f"--as-of {as_of!r}: give a night (YYYY-MM-DD) or a snapshot id") from None
    matching = [v for v in versions if v.night == night]
    if not matching:
        raise UnknownVersion(
            f"night {night} has no published version in this catalog; `akhbar versions` lists them"
        )
    return matching[-1]
