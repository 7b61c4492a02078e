"""airflow.cfg with the project's settings: Airflow's own file edited in place, idempotently."""

from __future__ import annotations

import configparser

from akhbar.airflow_home import MARK, configure, project_settings
from tests.conftest import ROOT

DEFAULT = """[core]
# The folder where your airflow pipelines live
dags_folder = /home/me/airflow/dags
# load_examples = True
load_examples = True
fernet_key = secret-generated-by-airflow

[database]
sql_alchemy_conn = sqlite:////home/me/airflow/airflow.db

[api_auth]
jwt_secret = kept
"""


def parse(text: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(interpolation=None)
    cp.read_string(text)  # raises on a duplicate section or option
    return cp


def test_the_projects_settings_are_set_and_everything_else_kept(tmp_path):
    values = project_settings(ROOT, tmp_path / "airflow_home")
    out = configure(DEFAULT, values)
    cp = parse(out)
    for (section, key), value in values.items():
        assert cp.get(section, key) == value, (section, key)
    assert cp.get("core", "load_examples") == "False"
    assert cp.get("core", "fernet_key") == "secret-generated-by-airflow"
    assert cp.get("api_auth", "jwt_secret") == "kept"
    assert "# The folder where your airflow pipelines live" in out
    assert configure(out, values) == out  # a second pass changes nothing


def test_an_empty_file_gets_one_section_per_name(tmp_path):
    out = configure("", project_settings(ROOT, tmp_path))
    cp = parse(out)
    assert cp.get("core", "dags_folder") == str(ROOT / "dags")
    assert out.count("[core]") == 1 and out.count(MARK) == len(project_settings(ROOT, tmp_path))
