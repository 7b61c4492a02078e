"""The README's two set-up commands are the ones the Makefile defines and CI runs."""

import re

from tests.conftest import ROOT


def test_readme_opens_with_exactly_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert first_block, "README has no code block"
    commands = [l.strip() for l in first_block.group(1).splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands == ["make run", "make test"]
    # Nothing but a title and a short introduction comes before them.
    assert readme.index("make run") < 2500


def test_makefile_defines_both_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
    assert "airflow dags test akhbar_nightly" in makefile
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
    for needed in ("apache-airflow", "great-expectations", "duckdb", "duckdb-extension-fts", "pyarrow", "pandas"):
        assert needed in names
    assert "apache-airflow==3.3.2" in lock and "duckdb==1.5.5" in lock and "great-expectations==1.24." in lock
