"""Shared fixtures: project paths, the real corpus in ../shared/corpus, a throwaway Airflow home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("AKHBAR_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLE_NIGHT = "2026-11-28"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (expected ../shared/corpus beside the project)")
    return CORPUS


def airflow_env(home: Path, data_dir: Path, sources: Path | None = None) -> dict:
    """Environment for a real Airflow CLI run with its own SQLite metadata DB."""
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
        AKHBAR_DATA_DIR=str(data_dir),
        AKHBAR_SOURCES=str(sources or ROOT / "include" / "config" / "sources.yaml"),
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    )
    return env


def airflow(args: list[str], env: dict, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory) -> Path:
    """A migrated Airflow home with the project's pools, shared by the tests of a session."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = airflow_env(home, home / "data")
    for cmd in (
        ["db", "migrate"],
        ["pools", "set", "akhbar_http", "4", "fetch"],
        ["pools", "set", "akhbar_catalog", "1", "one catalog writer at a time"],
    ):
        proc = airflow(cmd, env)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return home
