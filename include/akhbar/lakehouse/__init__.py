"""The lakehouse: akhbar's tables in one DuckLake catalog (metadata in SQLite or PostgreSQL, data as
Parquet on local disk or S3), written night by night by one writer, read by anyone at a snapshot.

For an analyst, one line::

    from akhbar.lakehouse import open_catalog
    con = open_catalog()                      # read-only, latest snapshot; AKHBAR_DATA_DIR or ./data
    con.sql("SELECT * FROM search_articles('تونس', k := 5)").df()

Modules: settings (where the catalog is), extensions (bundled DuckDB extensions), connect (sessions),
tables (DDL from the contract, schema evolution), lock (the single writer), session, staging and
search_index (write), publish (one transaction a night), sandbox (user SQL, read-only), versions,
export, maintenance, migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def open_catalog(data_dir: str | Path | None = None, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB session on the catalog of ``data_dir`` (default ``AKHBAR_DATA_DIR`` or
    ``./data``), with ``AKHBAR_CATALOG`` / ``AKHBAR_LAKE_ROOT`` / AWS settings from the environment.
    Each statement outside an explicit transaction sees the latest published night."""
    from akhbar.config import default_data_dir
    from akhbar.lakehouse.connect import open_reader
    from akhbar.lakehouse.settings import CatalogSettings

    return open_reader(CatalogSettings.from_env(data_dir or default_data_dir()), sandbox=sandbox)


__all__ = ["open_catalog"]
