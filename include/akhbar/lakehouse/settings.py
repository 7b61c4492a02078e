"""Where the catalog lives: its metadata database and its data files.

One machine (the default, ``make run`` and the tests): a SQLite catalog file
``<data dir>/catalog.sqlite`` and the Parquet files under ``<data dir>/lakehouse/``.
A deployment of several machines: PostgreSQL for the metadata (``AKHBAR_CATALOG`` or an Airflow
connection named by ``AKHBAR_CATALOG_CONN_ID``) and S3-compatible storage for the files
(``AKHBAR_LAKE_ROOT=s3://bucket/prefix``, credentials from the usual AWS variables). Credentials are
read from the environment or from Airflow, never from the repository.

``AKHBAR_CATALOG`` forms: ``sqlite:/path/catalog.sqlite``; ``postgres:dbname=akhbar host=db user=akhbar``
(libpq keywords; the password from ``PGPASSWORD`` or ``~/.pgpass``); or a URL
``postgresql://user:password@host:5432/dbname``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

CATALOG_NAME = "akhbar"  # the name the catalog is attached under in every DuckDB session


class CatalogConfigError(ValueError):
    """The catalog's location or credentials are not usable as configured."""


@dataclass(frozen=True)
class S3Settings:
    endpoint: str | None  # host:port of an S3-compatible server; None for AWS itself
    region: str
    key_id: str | None
    secret: str | None = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    use_ssl: bool = True
    url_style: str = "vhost"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> S3Settings:
        endpoint_url = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
        endpoint, use_ssl, style = None, True, "vhost"
        if endpoint_url:
            parts = urlsplit(endpoint_url if "://" in endpoint_url else f"https://{endpoint_url}")
            endpoint, use_ssl, style = parts.netloc, parts.scheme == "https", "path"
        return cls(
            endpoint=endpoint,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            key_id=env.get("AWS_ACCESS_KEY_ID"),
            secret=env.get("AWS_SECRET_ACCESS_KEY"),
            session_token=env.get("AWS_SESSION_TOKEN"),
            use_ssl=use_ssl,
            url_style=style,
        )


@dataclass(frozen=True)
class CatalogSettings:
    """The metadata database (``kind`` sqlite or postgres) and the data path (a folder or s3:// URL)."""

    kind: str
    target: str = field(repr=False)  # the SQLite file, or the libpq connection string (may hold a password)
    data_path: str
    s3: S3Settings | None = None

    @property
    def attach_uri(self) -> str:
        return f"ducklake:{'sqlite' if self.kind == 'sqlite' else 'postgres'}:{self.target}"

    @property
    def is_remote_data(self) -> bool:
        return "://" in self.data_path

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.target) if self.kind == "sqlite" else None

    def describe(self) -> str:
        """Where the catalog is, without credentials (for messages and logs)."""
        if self.kind == "sqlite":
            return f"sqlite catalog {self.target}, data {self.data_path}"
        safe = " ".join(p for p in self.target.split() if not p.startswith("password="))
        return f"postgres catalog '{safe}', data {self.data_path}"

    @classmethod
    def from_env(cls, data_dir: str | Path, env: Mapping[str, str] = os.environ) -> CatalogSettings:
        data_dir = Path(data_dir).resolve()
        data_path = env.get("AKHBAR_LAKE_ROOT") or str(data_dir / "lakehouse")
        if "://" not in data_path:
            data_path = str(Path(data_path).resolve())
        data_path = data_path.rstrip("/") + "/"
        s3 = S3Settings.from_env(env) if data_path.startswith("s3://") else None
        if data_path.split("://")[0] not in ("s3", data_path) and "://" in data_path:
            raise CatalogConfigError(
                f"AKHBAR_LAKE_ROOT={data_path!r}: only a folder or an s3:// URL is supported"
            )
        spec = env.get("AKHBAR_CATALOG", "").strip()
        conn_id = env.get("AKHBAR_CATALOG_CONN_ID", "").strip()
        if conn_id and not spec:
            return cls("postgres", _postgres_from_airflow(conn_id, env), data_path, s3)
        if not spec:
            return cls("sqlite", str(data_dir / "catalog.sqlite"), data_path, s3)
        if spec.startswith("sqlite:"):
            return cls("sqlite", str(Path(spec[len("sqlite:") :]).resolve()), data_path, s3)
        if spec.startswith("postgres:") and not spec.startswith("postgres://"):
            return cls("postgres", spec[len("postgres:") :].strip(), data_path, s3)
        if spec.startswith(("postgresql://", "postgres://")):
            return cls("postgres", _libpq_from_url(spec), data_path, s3)
        raise CatalogConfigError(
            f"AKHBAR_CATALOG={_scheme(spec)}:...: expected sqlite:/path, postgres:<libpq keywords> "
            "or postgresql://user:password@host:port/dbname"
        )


def _scheme(spec: str) -> str:
    """What a catalog spec starts with, for a message: never the rest (it may hold a password)."""
    head = spec.split(":", 1)[0]
    return head if head.isascii() and head.isalnum() and len(head) <= 20 else "<value>"


def _libpq_from_url(url: str) -> str:
    parts = urlsplit(url)
    words = {
        "dbname": parts.path.lstrip("/") or None,
        "host": parts.hostname,
        "port": parts.port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }
    return " ".join(f"{k}={_quote(str(v))}" for k, v in words.items() if v)


def _quote(value: str) -> str:
    if value and not any(c in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _postgres_from_airflow(conn_id: str, env: Mapping[str, str]) -> str:
    """The libpq string of an Airflow connection: from ``AIRFLOW_CONN_<ID>`` (URI or JSON) when it is
    set, else through Airflow's own connection lookup (metadata DB or secrets backend)."""
    raw = env.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if raw:
        if raw.lstrip().startswith("{"):
            data = json.loads(raw)
            words = {
                "dbname": data.get("schema"),
                "host": data.get("host"),
                "port": data.get("port"),
                "user": data.get("login"),
                "password": data.get("password"),
            }
            return " ".join(f"{k}={_quote(str(v))}" for k, v in words.items() if v)
        return _libpq_from_url(raw.replace("postgres://", "postgresql://", 1))
    try:
        from airflow.sdk import BaseHook
    except ImportError as exc:
        raise CatalogConfigError(
            f"AKHBAR_CATALOG_CONN_ID={conn_id}: Airflow is not importable here and "
            f"AIRFLOW_CONN_{conn_id.upper()} is not set"
        ) from exc
    conn = BaseHook.get_connection(conn_id)
    words = {
        "dbname": conn.schema,
        "host": conn.host,
        "port": conn.port,
        "user": conn.login,
        "password": conn.password,
    }
    return " ".join(f"{k}={_quote(str(v))}" for k, v in words.items() if v)
