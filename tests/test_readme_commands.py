"""The README's two set-up commands are the ones the Makefile defines and CI runs."""

import configparser
import csv
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_readme_opens_with_exactly_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert first_block, "README has no code block"
    commands = [
        l.strip() for l in first_block.group(1).splitlines() if l.strip() and not l.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]
    # Nothing but a title and a short introduction comes before them.
    assert readme.index("make run") < 2500


def test_makefile_defines_both_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
    # make run goes through `airflow dags test` of the nightly DAG (akhbar.local_run shows its progress).
    assert "akhbar.local_run" in makefile
    local_run = (ROOT / "include" / "akhbar" / "local_run.py").read_text(encoding="utf-8")
    assert '"dags", "test", DAG_ID' in local_run and 'DAG_ID = "akhbar_nightly"' in local_run
    assert "pytest" in makefile


def test_ci_calls_make_test():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\b", ci, re.M)


def test_lock_pins_every_package_without_urls():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    reqs = [l for l in lock.splitlines() if l and not l.startswith((" ", "#"))]
    assert reqs and all("==" in l for l in reqs), [l for l in reqs if "==" not in l]
    assert "://" not in lock.replace("# via", "")
    names = {l.split("==")[0].lower() for l in reqs}
    for needed in (
        "apache-airflow",
        "great-expectations",
        "duckdb",
        "duckdb-extension-fts",
        "pyarrow",
        "pandas",
    ):
        assert needed in names
    assert "apache-airflow==3.3.2" in lock and "duckdb==1.5.5" in lock and "great-expectations==1.24." in lock


# ------------------------------------------------------------------ the README's tested blocks, as printed
MARK = "<!-- tested: tests/test_readme_commands.py"
NIGHT = "2026-11-28"


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of every README block marked as tested, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(re.escape(MARK) + r"[^\n]*-->\n```(\w+)\n(.*?)```", readme, re.S)


def test_the_readme_marks_its_shell_and_analyst_blocks_as_tested():
    blocks = readme_blocks()
    assert [lang for lang, _ in blocks].count("sh") >= 2 and [lang for lang, _ in blocks].count("python") >= 2
    text = "\n".join(code for _, code in blocks)
    for needed in (
        "make backfill FROM=2026-11-01 TO=2026-11-07",
        "airflow backfill create",
        "--format csv",
        "search_articles",
        "open_catalog",
        "pd.read_parquet",
    ):
        assert needed in text, needed


def test_makefile_offers_help_env_shell_and_backfill():
    proc = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for target in ("run", "test", "airflow", "shell", "env", "backfill", "bench"):
        assert re.search(rf"^\s+make {target}\s+\S", proc.stdout, re.M), (target, proc.stdout)
    env = subprocess.run(["make", "-s", "env"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert f"export AIRFLOW_HOME={ROOT}/airflow_home" in env and f"{ROOT}/.venv/bin:" in env


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project as a user has it after `make run`: its folders (linked), its own airflow_home
    with the DAGs parsed, and a published sample night in data/. Commands run from its root."""
    root = tmp_path_factory.mktemp("project")
    for name in (
        ".venv",
        "dags",
        "plugins",
        "include",
        "sample",
        "requirements.lock",
        "requirements-dev.lock",
        "pyproject.toml",
    ):
        (root / name).symlink_to(ROOT / name)
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    env = user_env(root)
    # The README's first command, as a user types it.
    proc = subprocess.run(["make", "run"], cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    (root / "make-run.out").write_text(proc.stdout, encoding="utf-8")
    return root


@pytest.mark.e2e
def test_make_run_shows_progress_and_leaves_a_run_the_ui_shows_as_it_was(project):
    out = (project / "make-run.out").read_text(encoding="utf-8")
    # A line per task as it ends, then the night's summary.
    assert re.search(r"^  ok\s+fetch tunis-akhbar\s+[\d.]+s\s+\d+ in, \d+ out", out, re.M), out[:3000]
    assert re.search(r"^  ok\s+report\s", out, re.M) and f"akhbar night {NIGHT} (run manual__" in out
    # airflow.cfg carries the project's settings.
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(project / "airflow_home" / "airflow.cfg")
    assert cfg.get("core", "load_examples") == "False"
    assert cfg.get("core", "dags_folder") == str(project / "dags")
    assert cfg.get("core", "plugins_folder") == str(project / "plugins")
    # The run as the UI shows it: started when it started (not on a logical date days ago), its note,
    # and each task's log where the UI reads it.
    db = sqlite3.connect(project / "airflow_home" / "airflow.db")
    try:
        ((run_id, start, end, note),) = db.execute(
            """SELECT r.run_id, r.start_date, r.end_date, n.content FROM dag_run r
               LEFT JOIN dag_run_note n ON n.dag_run_id = r.id WHERE r.dag_id = 'akhbar_nightly'"""
        ).fetchall()
    finally:
        db.close()
    took = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    assert timedelta(0) < took < timedelta(minutes=30), (start, end)
    assert re.fullmatch(rf"night {NIGHT}: \d+ articles, 0 critical failures", note), note
    logs = project / "airflow_home" / "logs" / "dag_id=akhbar_nightly" / f"run_id={run_id}"
    validate = (logs / "task_id=validate" / "attempt=1.log").read_text(encoding="utf-8")
    assert f"night {NIGHT}, run {run_id}: validate" in validate
    # One task group per source: its fetch is the task <source>.fetch.
    assert len(list(logs.glob("task_id=*.fetch/attempt=1.log"))) == 6


def user_env(root: Path) -> dict:
    """A user's shell: no Airflow or akhbar variable set; the data dir where the project keeps it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AKHBAR_"))}
    env.update(
        AKHBAR_DATA_DIR=str(root / "data"), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost"
    )
    return env


def run_block(project: Path, lang: str, code: str) -> subprocess.CompletedProcess:
    if lang == "sh":
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code]
    else:
        cmd = [str(project / ".venv/bin/python"), "-c", code]
    return subprocess.run(
        cmd,
        cwd=project,
        env=user_env(project),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def dry_run_nights(output: str) -> list[list[str]]:
    """The logical dates each backfill dry run of the output lists, one list per dry run."""
    runs, current = [], None
    for line in output.splitlines():
        if line.startswith("Runs to be attempted"):
            current = []
            runs.append(current)
        elif current is not None and (m := re.match(r"^\|\s*(\d{4}-\d\d-\d\d) \d\d:\d\d", line)):
            current.append(m.group(1))
    return runs


@pytest.mark.e2e
def test_the_backfill_block_runs_as_printed_and_counts_seven_nights(project):
    ((lang, code),) = [b for b in readme_blocks() if "backfill" in b[1]]
    proc = run_block(project, lang, code)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    nights = [f"2026-11-0{d}" for d in range(1, 8)]
    assert dry_run_nights(proc.stdout + proc.stderr) == [nights, nights]
    # The backfill ran against this project's Airflow home, not ~/airflow.
    assert (project / "airflow_home" / "airflow.db").exists()
    # For real (the scheduler would run it): one night at a time, whatever Airflow's default of 10.
    proc = run_block(project, "sh", "make backfill FROM=2026-11-01 TO=2026-11-02")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    db = sqlite3.connect(project / "airflow_home" / "airflow.db")
    try:
        backfills = db.execute("SELECT dag_id, max_active_runs FROM backfill").fetchall()
        nights = db.execute("""SELECT date(logical_date) FROM backfill_dag_run ORDER BY 1""").fetchall()
    finally:
        db.close()
    assert backfills == [("akhbar_nightly", 1)]
    assert [n for (n,) in nights] == ["2026-11-01", "2026-11-02"]


@pytest.mark.e2e
def test_the_analyst_blocks_run_as_printed(project):
    blocks = [b for b in readme_blocks() if "backfill" not in b[1]]
    outputs = []
    for lang, code in blocks:
        proc = run_block(project, lang, code)
        assert proc.returncode == 0, (code, proc.stdout[-3000:], proc.stderr[-3000:])
        outputs.append(proc.stdout)
    from akhbar.lakehouse import open_catalog

    con = open_catalog(project / "data")
    by_lang = dict(con.sql("SELECT lang, count(*) FROM articles GROUP BY lang").fetchall())
    volume = con.sql("SELECT count(*) FROM daily_volume").fetchone()[0]
    top = con.sql("SELECT title FROM search_articles('تونس') LIMIT 1").fetchone()[0]
    con.close()
    shell = outputs[0]
    assert top in shell  # the search in plain duckdb, offline
    with open(project / "daily_volume.csv", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == volume
    assert sum(by_lang.values()) > 0
    for lang, n in by_lang.items():  # pandas' group sizes, from the catalog and from the export
        for out in outputs[1:]:
            assert re.search(rf"^{lang}\s+{n}$", out, re.M), (lang, n, out)
