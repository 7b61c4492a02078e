"""Where the catalog lives, from the environment: SQLite beside the data by default, PostgreSQL from
AKHBAR_CATALOG or an Airflow connection, S3-compatible data from AKHBAR_LAKE_ROOT; credentials
never printed."""

from __future__ import annotations

import json

import pytest

from akhbar.lakehouse.connect import attach_statements
from akhbar.lakehouse.settings import CatalogConfigError, CatalogSettings


def test_default_is_a_sqlite_catalog_beside_the_data(tmp_path):
    s = CatalogSettings.from_env(tmp_path / "data", env={})
    assert (s.kind, s.target) == ("sqlite", str((tmp_path / "data" / "catalog.sqlite").resolve()))
    assert s.data_path == str((tmp_path / "data" / "lakehouse").resolve()) + "/"
    assert s.attach_uri == f"ducklake:sqlite:{s.target}" and not s.is_remote_data and s.s3 is None


@pytest.mark.parametrize(
    "spec, target",
    [
        ("postgres:dbname=akhbar host=db user=akhbar", "dbname=akhbar host=db user=akhbar"),
        (
            "postgresql://ana:s3cr%40t@db.internal:5433/lake",
            "dbname=lake host=db.internal port=5433 user=ana password=s3cr@t",
        ),
        ("postgres://ana:p w'd@db/lake", "dbname=lake host=db user=ana password='p w\\'d'"),
    ],
)
def test_postgres_catalogs(tmp_path, spec, target):
    s = CatalogSettings.from_env(tmp_path, env={"AKHBAR_CATALOG": spec})
    assert (s.kind, s.target) == ("postgres", target)
    assert "password" not in s.describe() and "s3cr" not in repr(s)


def test_an_airflow_connection_from_the_environment(tmp_path):
    uri = {
        "AKHBAR_CATALOG_CONN_ID": "akhbar_catalog",
        "AIRFLOW_CONN_AKHBAR_CATALOG": "postgres://airflow:pw@postgres:5432/akhbar",
    }
    assert (
        CatalogSettings.from_env(tmp_path, env=uri).target
        == "dbname=akhbar host=postgres port=5432 user=airflow password=pw"
    )
    as_json = {
        "AKHBAR_CATALOG_CONN_ID": "c",
        "AIRFLOW_CONN_C": json.dumps(
            {
                "conn_type": "postgres",
                "host": "pg",
                "login": "u",
                "password": "x",
                "schema": "cat",
                "port": 5432,
            }
        ),
    }
    assert (
        CatalogSettings.from_env(tmp_path, env=as_json).target
        == "dbname=cat host=pg port=5432 user=u password=x"
    )


def test_s3_data_with_credentials_from_the_environment_only_in_the_session(tmp_path):
    env = {
        "AKHBAR_LAKE_ROOT": "s3://bucket/akhbar",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_ACCESS_KEY_ID": "AKIA-TEST",
        "AWS_SECRET_ACCESS_KEY": "very-secret",
        "AWS_REGION": "eu-west-3",
    }
    s = CatalogSettings.from_env(tmp_path, env=env)
    assert s.data_path == "s3://bucket/akhbar/" and s.is_remote_data
    assert (s.s3.endpoint, s.s3.use_ssl, s.s3.url_style, s.s3.region) == (
        "127.0.0.1:9000",
        False,
        "path",
        "eu-west-3",
    )
    assert "very-secret" not in repr(s) and "very-secret" not in s.describe()
    statements = attach_statements(s, read_only=True)
    secret = [x for x in statements if x.startswith("CREATE OR REPLACE SECRET")]
    assert len(secret) == 1 and "PERSISTENT" not in secret[0] and "ENDPOINT '127.0.0.1:9000'" in secret[0]
    assert any("httpfs" in x for x in statements)
    assert statements[-2].endswith("AS akhbar (READ_ONLY)") and statements[-1] == "USE akhbar"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"AKHBAR_CATALOG": "mysql://x"}, "AKHBAR_CATALOG=mysql:...: expected sqlite:/path, postgres:"),
        ({"AKHBAR_CATALOG": "host=db user=u password=hunter2"}, "AKHBAR_CATALOG=<value>:...: expected"),
        ({"AKHBAR_LAKE_ROOT": "gs://bucket/x"}, "only a folder or an s3:// URL"),
    ],
)
def test_unusable_settings_are_refused_with_the_reason(tmp_path, env, message):
    with pytest.raises(CatalogConfigError, match=message) as refused:
        CatalogSettings.from_env(tmp_path, env=env)
    assert "hunter2" not in str(refused.value)  # a libpq string without its prefix is not echoed
