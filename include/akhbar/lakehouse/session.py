"""Sessions as context managers: the one writer (lock + bounded session + catalog in line with the
contract) and readers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from akhbar.lakehouse.connect import CatalogUnavailable, open_reader, open_writer, redact
from akhbar.lakehouse.lock import writer_lock
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.tables import ensure_catalog


@contextlib.contextmanager
def writer_session(
    settings: CatalogSettings,
    purpose: str,
    *,
    temp_dir: str | Path | None = None,
    memory_limit: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The catalog's single writer for ``purpose``: waits for the writer lock, opens a bounded session
    and applies the contract's schema changes before handing it over."""
    with writer_lock(settings, purpose):
        con = open_writer(settings, temp_dir=temp_dir, memory_limit=memory_limit)
        try:
            ensure_catalog(con)
            yield con
        except duckdb.Error as exc:
            _reraise_redacted(exc)
        finally:
            con.close()


def _reraise_redacted(exc: duckdb.Error) -> None:
    """DuckLake quotes its metadata connection string in some errors: never let a password through."""
    message = str(exc)
    if redact(message) != message:
        raise CatalogUnavailable(redact(message)) from None
    raise exc


@contextlib.contextmanager
def reader_session(
    settings: CatalogSettings, *, sandbox: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_reader(settings, sandbox=sandbox)
    try:
        yield con
    except duckdb.Error as exc:
        _reraise_redacted(exc)
    finally:
        con.close()
