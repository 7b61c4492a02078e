"""A fresh one-machine catalog (SQLite metadata file, local data path) per test."""

from __future__ import annotations

import pytest

from tests.lakehouse.helpers import settings_for


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def catalog(data_dir):
    return settings_for(data_dir)
