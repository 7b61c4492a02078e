"""DuckDB extensions shipped inside PyPI wheels, loaded from their files: nothing is ever downloaded.

Each ``duckdb-extension-<name>`` wheel carries ``extensions/v<duckdb version>/<name>.duckdb_extension``
(signed), which ``LOAD '<file>'`` accepts with autoinstall and autoload off. An extension only loads
into the DuckDB version it was built for, so the wheels are pinned to duckdb's own version.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import duckdb

# A DuckDB connection's config, as duckdb.connect takes it.
DuckDBConfig = dict[str, str | bool | int | float | list[str]]

# Config for every connection akhbar opens: never reach the network for an extension.
OFFLINE_CONFIG: DuckDBConfig = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

# extension name -> the Python package of its wheel
WHEELS = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
    "fts": "duckdb_extension_fts",
}


class ExtensionMissing(RuntimeError):
    """A bundled extension's wheel is not installed, or was built for another DuckDB."""


@cache
def extension_path(name: str) -> str:
    """The file of a bundled extension, for ``LOAD '<file>'``."""
    package = WHEELS[name]
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise ExtensionMissing(
            f"DuckDB extension {name!r} is not installed: add duckdb-extension-{name.replace('_', '-')}"
            f"=={duckdb.__version__} (the same version as duckdb) to the environment"
        ) from exc
    if module.__file__ is None:  # a namespace package: a folder of that name left without the wheel's files
        raise ExtensionMissing(
            f"DuckDB extension {name!r}: {package} is a folder without the wheel's files: reinstall "
            f"duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}"
        )
    path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.exists():
        raise ExtensionMissing(
            f"DuckDB extension {name!r} for DuckDB {duckdb.__version__} not found at {path}: install "
            f"duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}"
        )
    return str(path)


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    for name in names:
        con.execute(f"LOAD '{extension_path(name)}'")
