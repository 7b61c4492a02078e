"""The compose file follows the Compose specification and the topology the README documents."""

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yaml"


def test_compose_file_validates_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_topology_matches_airflow_3_with_celery():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    for name in (
        "postgres",
        "redis",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
        "airflow-worker",
    ):
        assert name in services, name
        if name != "airflow-init":
            assert "healthcheck" in services[name], f"{name} has no health check"
    worker = services["airflow-worker"]
    assert worker["command"] == "celery worker"
    assert "container_name" not in worker  # --scale needs unnamed containers
    mounts = " ".join(worker["volumes"])
    for folder in ("./dags", "./plugins", "./include", "/opt/akhbar/data", "/opt/akhbar/config"):
        assert folder in mounts
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert services["minio"]["profiles"] == ["s3"]


def test_no_secret_is_written_in_the_repository():
    text = COMPOSE.read_text()
    # Passwords and keys only come from the environment, with no default value.
    assert "POSTGRES_PASSWORD:?" in text and "AIRFLOW_JWT_SECRET:?" in text
    env_example = (ROOT / ".env.example").read_text()
    for line in env_example.splitlines():
        if line and not line.startswith("#"):
            assert line.endswith("="), f".env.example carries a value: {line}"
