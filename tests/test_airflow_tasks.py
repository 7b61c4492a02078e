"""akhbar.airflow_tasks and the DAG's view of the registry: the task groups come from the registry's ids,
read cheaply at parse time, and a run whose registry enables other sources fails at once, saying so."""

from __future__ import annotations

import datetime as dt

import pytest

from akhbar.airflow_tasks import checked_sources
from akhbar.config import ConfigError, enabled_source_ids
from akhbar.pipeline import RunContext

REGISTRY = """version: 1
sources:
  - {id: first, kind: jsonl, path: dumps/}
  - {id: second, kind: jsonl, path: dumps/, enabled: false}
  - {id: third, kind: csv, path: dumps/}
"""


def test_enabled_source_ids_without_validating_the_rest(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    assert enabled_source_ids(path) == ["first", "third"]
    path.write_text(
        REGISTRY + "  - {id: Not Valid, kind: rss}\n  - {id: first, kind: csv}\n", encoding="utf-8"
    )
    assert enabled_source_ids(path) == ["first", "third"]  # the run's validation names these problems
    path.write_text("sources: [unclosed", encoding="utf-8")
    assert enabled_source_ids(path) == []
    assert enabled_source_ids(tmp_path / "missing.yaml") == []


def test_a_run_whose_registry_differs_from_the_dags_groups_fails_with_both_lists(tmp_path):
    (tmp_path / "dumps").mkdir()
    path = tmp_path / "sources.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    ctx = RunContext(dt=dt.date(2026, 11, 28), data_dir=tmp_path / "data", sources_path=path)
    assert checked_sources(ctx, ["third", "first"]) == ["first", "third"]
    with pytest.raises(ConfigError, match=r"not in the registry: \['gone'\]; not in the DAG: \['third'\]"):
        checked_sources(ctx, ["first", "gone"])


def test_a_warm_worker_has_what_the_shard_tasks_load():
    from akhbar.enrichment import langid, places
    from akhbar.warm import warm

    assert warm() > 0
    assert langid._model.cache_info().currsize == 1 and places.gazetteer.cache_info().currsize == 1
