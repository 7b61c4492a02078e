"""Reading the lakehouse catalog in whole-run tests: the same read-only sessions analysts use."""

from __future__ import annotations

from pathlib import Path

from akhbar.lakehouse.session import reader_session
from akhbar.lakehouse.settings import CatalogSettings


def settings(data_dir: Path, env: dict | None = None) -> CatalogSettings:
    import os

    return CatalogSettings.from_env(data_dir, env=os.environ if env is None else env)


def query(data_dir: Path, sql: str, params=(), env: dict | None = None) -> list[tuple]:
    with reader_session(settings(data_dir, env)) as con:
        return con.execute(sql, list(params)).fetchall()


def dump(data_dir: Path, tables, *, exclude: dict[str, str] | None = None, env: dict | None = None) -> dict:
    """Every row of each table (and view), ordered, at one snapshot."""
    exclude = exclude or {}
    with reader_session(settings(data_dir, env)) as con:
        return {
            t: con.execute(f"SELECT * {exclude.get(t, '')} FROM {t} ORDER BY ALL").fetchall() for t in tables
        }
