"""Trouble is loud, through Airflow: what cannot succeed fails in one attempt with its reason first, a
source that cannot be read fails its own task naming the resolved path, and an empty night is a failed
warning check from the first night, seen in dq_results, the run's note, the alert and the Corpus page."""

from __future__ import annotations

import json
import re
import sqlite3
import sys

import pytest

from tests.conftest import ROOT, airflow, airflow_env
from tests.e2e.catalog import query, settings
from tests.e2e.test_failed_audit import webhook  # noqa: F401  (the alert receiver on 127.0.0.1)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("airflow")]

SAMPLE = ROOT / "sample"


def run_dag(airflow_home, data_dir, conf: dict, **extra_env) -> tuple[str, str]:
    """`airflow dags test` of akhbar_nightly with ``conf``; returns (its output, the run id)."""
    env = airflow_env(airflow_home, data_dir)
    env.update(
        AKHBAR_DEADLINE_MINUTES="0",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        **extra_env,
    )
    proc = airflow(["dags", "test", "akhbar_nightly", "-c", json.dumps(conf)], env)
    log = proc.stdout + proc.stderr
    finished = [line for line in log.splitlines() if "DagRun Finished" in line]
    assert finished, log[-4000:]
    run_id = finished[-1].split("run_id=", 1)[1].split(",", 1)[0]
    return log, run_id


def task_instances(airflow_home, run_id) -> dict:
    db = sqlite3.connect(airflow_home / "airflow.db")
    try:
        rows = db.execute(
            """SELECT task_id, rendered_map_index, state, try_number, max_tries FROM task_instance
                             WHERE dag_id = 'akhbar_nightly' AND run_id = ?""",
            [run_id],
        ).fetchall()
    finally:
        db.close()
    return {(task, label): (state, tries, max_tries) for task, label, state, tries, max_tries in rows}


def run_note(airflow_home, run_id) -> str | None:
    db = sqlite3.connect(airflow_home / "airflow.db")
    try:
        row = db.execute(
            """SELECT n.content FROM dag_run r JOIN dag_run_note n ON n.dag_run_id = r.id
                            WHERE r.dag_id = 'akhbar_nightly' AND r.run_id = ?""",
            [run_id],
        ).fetchone()
    finally:
        db.close()
    return row[0] if row else None


def first_akhbar_lines(log: str) -> list[str]:
    """For each task of a `dags test` output, the first line logged by akhbar (its message)."""
    out, waiting = [], False
    for line in log.splitlines():
        if "[DAG TEST] starting task_id=" in line:
            waiting = True
        elif waiting and re.search(r"\[akhbar[\w.]*\] ", line):
            out.append(re.sub(r"^\S+ \[\w+\s*\] ", "", line).split(" [akhbar", 1)[0].strip())
            waiting = False
    return out


def test_an_invalid_registry_fails_in_one_attempt_with_the_key_named(airflow_home, tmp_path):
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "version: 1\nsources:\n  - id: lapresse\n    kind: rss\n    url: https://www.example.tn/rss\n"
        "    limits: {rate_per_secnd: 1}\n",
        encoding="utf-8",
    )
    log, run_id = run_dag(airflow_home, tmp_path / "data", {"night": "2026-11-28", "sources": str(registry)})
    state, tries, max_tries = task_instances(airflow_home, run_id)[("list_sources", None)]
    # Retries are configured (max_tries 2) and none was used: the typo failed at once.
    assert (state, tries) == ("failed", 1) and max_tries >= 2
    assert "AirflowFailException" in log and "rate_per_secnd" in log, log[-3000:]
    assert "ConfigError: " in log
    assert run_note(airflow_home, run_id).startswith("night 2026-11-28: failed, ConfigError: ")


def test_a_missing_source_path_fails_that_sources_task_naming_the_resolved_path(airflow_home, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    registry = folder / "sources.yaml"
    # A registry written for another folder: its relative path resolves to nothing here.
    registry.write_text(
        f"""version: 1
defaults: {{window_days: 0}}
sources:
  - id: harbour-gazette
    kind: csv
    path: {SAMPLE / "dumps" / "harbour-gazette"}
    lang: en
    timezone: Europe/London
    mapping: {{id: id, url: url, title: headline, text: body, published: date}}
  - id: moved-away
    kind: jsonl
    path: ../sample/dumps/mashriq-wire
    lang: ar
""",
        encoding="utf-8",
    )
    missing = (folder / ".." / "sample" / "dumps" / "mashriq-wire").resolve()
    data_dir = tmp_path / "data"
    # The DAG's task groups come from the registry it is parsed with: the same registry for both.
    log, run_id = run_dag(
        airflow_home,
        data_dir,
        {"night": "2026-11-28", "sources": str(registry)},
        AKHBAR_SOURCES=str(registry),
    )
    tis = task_instances(airflow_home, run_id)
    assert tis[("moved-away.fetch", None)][:2] == ("failed", 1)  # a path that does not exist: no retry
    assert tis[("harbour-gazette.fetch", None)][0] == "success"
    assert f"source moved-away: {missing} does not exist" in log, log[-4000:]
    # Every task's first line of akhbar's own says which night, and which source for mapped tasks.
    firsts = first_akhbar_lines(log)
    ran = [key for key, (state, *_) in tis.items() if state in ("success", "failed")]
    assert len(firsts) == len(ran) and all(line.startswith("night 2026-11-28, run ") for line in firsts), (
        firsts,
        ran,
    )
    assert any(line.endswith(": fetch moved-away") for line in firsts)
    # The rest of the night went on and was published; the report and the note name the source.
    assert tis[("report", None)][0] == "success"
    assert query(data_dir, "SELECT count(*) FROM articles WHERE source_id = 'harbour-gazette'")[0][0] > 0
    assert "failed sources: moved-away" in run_note(airflow_home, run_id)


def test_an_empty_night_is_a_warning_everywhere_from_the_first_night(airflow_home, tmp_path, webhook):
    url, received = webhook
    data_dir = tmp_path / "data"
    # The sample registry on a night none of its sources published anything.
    log, run_id = run_dag(airflow_home, data_dir, {"night": "2026-11-20"}, AKHBAR_ALERT_WEBHOOK=url)
    assert task_instances(airflow_home, run_id)[("report", None)][0] == "success", log[-4000:]

    failed = query(
        data_dir,
        """SELECT suite, "column", details FROM dq_results
                                WHERE dt = DATE '2026-11-20' AND severity = 'warning' AND NOT success""",
    )
    by_check = {(suite, column): details for suite, column, details in failed}
    assert set(by_check) == {("akhbar_night", "n_articles"), ("akhbar_volume", "n_raw")}
    assert "tunis-akhbar" in by_check[("akhbar_volume", "n_raw")]

    note = run_note(airflow_home, run_id)
    assert note.startswith(
        "night 2026-11-20: 0 articles, 0 critical failures, 2 warning(s): no article at all"
    )
    alerts = [a for a in received if "empty" in a["text"]]
    assert alerts and "no article at all" in alerts[-1]["text"], received
    assert "summary of the night" in log and "WARNING: no article at all" in log

    # The Corpus page: the quality tile is amber (0 critical / 2 warning) and lists both failures first.
    sys.path.insert(0, str(ROOT / "plugins"))
    from akhbar_corpus import page

    from akhbar import corpus_stats

    stats = corpus_stats.corpus_stats(settings(data_dir))
    html = page.render(stats, links={}, nonce="n")
    assert '<div class="v warn" id="tile-quality-failures">0 / 2</div>' in html
    rows = html.split('id="quality-table"', 1)[1]
    assert rows.index("n_articles") < rows.index("pass") and "n_raw" in rows
