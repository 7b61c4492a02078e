"""Export a corpus version as a dataset an NLP team can load and cite.

``akhbar export --as-of NIGHT|SNAPSHOT --to DIR`` writes:

* ``DIR/data/articles-<i>.parquet``: the kept articles of that snapshot (one row per story: the first
  article of each duplicate cluster), ordered by night and article id, in shards of about 256 MB;
* ``DIR/README.md``: a dataset card (YAML header in the Hugging Face style, then counts by language,
  source and night; each source with its name and licence note from the registry; the akhbar
  version, the registry's hash and the snapshot, so a paper can say exactly which corpus it used);
* ``DIR/manifest.json``: the same facts for programs, with each file's row count and sha256.

The snapshot is recorded in the catalog table ``exports``: maintenance never expires it, so the same
export can be made again later (``--as-of <snapshot>``) with identical rows.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.config import Registry
from akhbar.lakehouse.connect import one_row
from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.versions import Version, resolve
from akhbar.schema import EXPORTS

SHARD_BYTES = "256MB"


@dataclass(frozen=True)
class ExportResult:
    export_id: str
    snapshot_id: int
    night: str
    articles: int
    destination: str
    files: list[dict[str, Any]]  # path, rows, bytes, sha256 of each file


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _akhbar_version() -> str:
    try:
        from importlib.metadata import version

        return version("akhbar")
    except Exception:
        return "unknown"


def _counts(con: duckdb.DuckDBPyConnection, snapshot: int) -> dict[str, Any]:
    at = f"AT (VERSION => {int(snapshot)})"

    def grouped(column: str) -> dict[str, int]:
        rows = con.execute(
            f"SELECT {column}, count(*) FROM articles {at} GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        return {str(k): n for k, n in rows}

    nights = one_row(con, f"SELECT min(dt), max(dt), count(DISTINCT dt) FROM articles {at}")
    return {
        "by_lang": grouped("lang"),
        "by_source": grouped("source_id"),
        "by_night": grouped("dt"),
        "first_night": str(nights[0]),
        "last_night": str(nights[1]),
        "nights": nights[2],
    }


def _write_shards(con: duckdb.DuckDBPyConnection, snapshot: int, data_dir: Path) -> list[dict[str, Any]]:
    data_dir.mkdir(parents=True, exist_ok=True)
    for old in data_dir.glob("articles-*.parquet"):
        old.unlink()
    target = str(data_dir).replace("'", "''")
    con.execute("SET preserve_insertion_order = true")
    con.execute(
        f"""COPY (SELECT * FROM articles AT (VERSION => {int(snapshot)}) ORDER BY dt, article_id)
            TO '{target}' (FORMAT parquet, COMPRESSION zstd, FILE_SIZE_BYTES '{SHARD_BYTES}',
                           FILENAME_PATTERN 'articles-{{i}}', OVERWRITE_OR_IGNORE)"""
    )
    files: list[dict[str, Any]] = []
    for path in sorted(data_dir.glob("articles-*.parquet")):
        files.append(
            {
                "path": f"data/{path.name}",
                "rows": pq.ParquetFile(path).metadata.num_rows,
                "bytes": path.stat().st_size,
                "sha256": _sha256(path),
            }
        )
    return files


def _source_rows(registry: Registry) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "name": s.name or s.id,
            "kind": s.kind,
            "country": s.country,
            "lang": s.lang,
            "licence": getattr(s, "licence", None) or "not stated in the registry",
        }
        for s in registry.sources
    ]


def _card(manifest: dict[str, Any]) -> str:
    """The dataset card (README.md): a Hugging Face YAML header, then one section after another."""
    counts = manifest["counts"]
    lines = [
        *_card_header(list(counts["by_lang"])),
        *_card_intro(manifest),
        *_md_table(
            "Articles by language",
            ["lang", "articles"],
            [[k, f"{v:,}"] for k, v in counts["by_lang"].items()],
        ),
        *_md_table(
            "Sources",
            ["source", "name", "kind", "country", "articles", "licence note"],
            [_card_source(s, counts["by_source"]) for s in manifest["sources"]],
        ),
        *_md_table(
            "Articles by night",
            ["night", "articles"],
            [[k, f"{v:,}"] for k, v in sorted(counts["by_night"].items())],
        ),
        *_md_table(
            "Files",
            ["file", "rows", "sha256"],
            [[f["path"], f"{f['rows']:,}", f["sha256"]] for f in manifest["files"]],
        ),
        *_card_loading(),
    ]
    return "\n".join(lines)


def _card_header(langs: list[str]) -> list[str]:
    return [
        "---",
        "pretty_name: akhbar news corpus",
        "language:",
        *[f"- {lang}" for lang in langs if lang != "und"],
        "task_categories:",
        "- text-generation",
        "- text-classification",
        "configs:",
        "- config_name: default",
        "  data_files: data/articles-*.parquet",
        "---",
        "",
    ]


def _card_intro(manifest: dict[str, Any]) -> list[str]:
    counts = manifest["counts"]
    return [
        "# akhbar news corpus",
        "",
        f"Exported by akhbar {manifest['akhbar_version']} from catalog snapshot {manifest['snapshot_id']} "
        f"(published {manifest['published_at']}, last night in it {manifest['night']}): "
        f"{manifest['articles']:,} articles (one per story: exact and near duplicates are not repeated) from "
        f"{counts['nights']} nights, {counts['first_night']} to {counts['last_night']}.",
        "",
        "Cite this export by its snapshot and registry hash:",
        "",
        f"    akhbar snapshot {manifest['snapshot_id']}, registry sha256 {manifest['registry_sha256']}, "
        f"export {manifest['export_id']}",
        "",
    ]


def _card_source(source: dict[str, Any], by_source: dict[str, int]) -> list[Any]:
    """A source's row: its registry entry and its articles in this export."""
    return [
        source["id"],
        source["name"],
        source["kind"],
        source["country"] or "",
        f"{by_source.get(source['id'], 0):,}",
        source["licence"],
    ]


def _md_table(title: str, header: list[str], rows: list[list[Any]]) -> list[str]:
    """A section of the card: its title, then a markdown table."""
    return [
        f"## {title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows],
        "",
    ]


def _card_loading() -> list[str]:
    return [
        "## Loading",
        "",
        "```python",
        "import pandas as pd",
        "articles = pd.read_parquet('data')  # or: datasets.load_dataset('parquet', data_dir='data')",
        "```",
        "",
        "Columns are those of the catalog table `articles` (akhbar's `schema.py`): text, title, lang, "
        "published_at, source_id, url, category, main_country and quality measures.",
        "",
    ]


def export_version(
    settings: CatalogSettings, as_of: str | None, destination: Path, registry: Registry, registry_path: Path
) -> ExportResult:
    """Write the dataset of version ``as_of`` into ``destination`` and pin its snapshot."""
    destination = Path(destination).resolve()
    destination.mkdir(parents=True, exist_ok=True)
    with reader_session(settings) as con:
        version: Version = resolve(con, as_of)
        files = _write_shards(con, version.snapshot_id, destination / "data")
        counts = _counts(con, version.snapshot_id)
    export_id = uuid.uuid4().hex[:12]
    manifest: dict[str, Any] = {
        "export_id": export_id,
        "snapshot_id": version.snapshot_id,
        "night": version.night.isoformat(),
        "published_at": version.published_at.isoformat(),
        "articles": sum(f["rows"] for f in files),
        "akhbar_version": _akhbar_version(),
        "registry_sha256": hashlib.sha256(Path(registry_path).read_bytes()).hexdigest(),
        "exported_at": _dt.datetime.now(_dt.UTC).isoformat(),
        "counts": counts,
        "sources": _source_rows(registry),
        "files": files,
    }
    (destination / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (destination / "README.md").write_text(_card(manifest), encoding="utf-8")
    pin = pa.Table.from_pylist(
        [
            {
                "export_id": export_id,
                "snapshot_id": version.snapshot_id,
                "night": version.night,
                "destination": str(destination),
                "articles": manifest["articles"],
                "created_at": _dt.datetime.now(_dt.UTC),
            }
        ],
        schema=EXPORTS,
    )
    with writer_session(settings, f"export {export_id}") as con:
        con.register("_pin", pin)
        con.execute("INSERT INTO exports SELECT * FROM _pin")
    result = ExportResult(
        export_id=export_id,
        snapshot_id=version.snapshot_id,
        night=version.night.isoformat(),
        articles=manifest["articles"],
        destination=str(destination),
        files=files,
    )
    return result


def as_dict(result: ExportResult) -> dict[str, Any]:
    return asdict(result)
