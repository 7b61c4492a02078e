"""The bundled DuckDB extensions are found in their wheels, and a missing one is named."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from akhbar.lakehouse import extensions
from akhbar.lakehouse.extensions import ExtensionMissing, extension_path


@pytest.fixture
def fake_wheel(monkeypatch, tmp_path):
    """Registers an extension name whose wheel package is ``akhbar_test_ext`` under ``tmp_path``."""
    monkeypatch.setitem(extensions.WHEELS, "akhbar_test_ext", "akhbar_test_ext")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "akhbar_test_ext"
    extension_path.cache_clear()
    sys.modules.pop("akhbar_test_ext", None)


def test_bundled_extension_loads_from_its_wheel():
    path = Path(extension_path("fts"))
    assert path.name == "fts.duckdb_extension" and path.parent.name == f"v{duckdb.__version__}"
    con = duckdb.connect(config=dict(extensions.OFFLINE_CONFIG))
    extensions.load(con, "fts")
    assert con.execute("SELECT stem('العراقية', 'arabic')").fetchone() is not None


def test_missing_wheel_is_named(fake_wheel):
    with pytest.raises(ExtensionMissing, match="'akhbar_test_ext' is not installed"):
        extension_path("akhbar_test_ext")


def test_wheel_folder_without_its_files_is_named(fake_wheel):
    """A folder of the wheel's name without its __init__.py (a namespace package: an uninstall cut
    short) is a missing extension with a clear message, not a TypeError."""
    (fake_wheel / "extensions").mkdir(parents=True)
    with pytest.raises(
        ExtensionMissing, match="without the wheel's files: reinstall duckdb-extension-akhbar-test-ext"
    ):
        extension_path("akhbar_test_ext")
