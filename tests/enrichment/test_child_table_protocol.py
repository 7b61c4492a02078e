"""A new child table of articles through the enricher protocol alone: its schema registered in the
contract and an enricher module that makes its rows (tests/enrichment/toy_enrichers/punctuation.py,
found by scanning the package's path), nothing else. Its rows go through the shard files, the
night's work files, staging and publishing like those of the package's own child tables, and land
in the catalog table of that name, for the night's kept articles only."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

import akhbar.enrichment
from akhbar import pipeline
from akhbar.enrichment import enrich, enrichers
from akhbar.enrichment.protocol import Enricher, Enrichment
from akhbar.lakehouse.session import reader_session
from akhbar.pipeline import RunContext
from akhbar.schema import ARTICLE_CHILD_TABLES, CATALOG_TABLES, register_article_child_table
from tests.conftest import ROOT
from tests.enrichment.test_enrich import _table
from tests.enrichment.toy_enrichers.punctuation import TABLE, marks

NIGHT = dt.date(2026, 11, 28)
SOURCE = "mashriq-wire"  # one source of the sample corpus (a JSON lines dump): a small night
TOYS = Path(__file__).parent / "toy_enrichers"
PUNCTUATION = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("mark", pa.string(), nullable=False),
        pa.field("occurrences", pa.int32(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
    ]
)


@pytest.fixture
def punctuation(monkeypatch):
    """The toy child table in the contract and its enricher on the package's path, for one test."""
    register_article_child_table(TABLE, PUNCTUATION)
    monkeypatch.setattr(akhbar.enrichment, "__path__", [*akhbar.enrichment.__path__, str(TOYS)])
    enrichers.cache_clear()
    try:
        yield TABLE
    finally:
        ARTICLE_CHILD_TABLES.pop(TABLE, None)
        CATALOG_TABLES.pop(TABLE, None)
        sys.modules.pop("akhbar.enrichment.punctuation", None)
        enrichers.cache_clear()  # scanned again, without the toy, once the path is restored


def one_source_registry(folder: Path) -> Path:
    """The sample registry with its one source SOURCE, paths made absolute."""
    text = (ROOT / "include" / "config" / "sources.yaml").read_text(encoding="utf-8")
    registry = yaml.safe_load(text.replace("../../sample/", f"{ROOT / 'sample'}/"))
    registry["sources"] = [s for s in registry["sources"] if s["id"] == SOURCE]
    path = folder / "one-source.yaml"
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    return path


def test_the_toy_enricher_is_found_and_fills_its_child_table(punctuation):
    assert [e.name for e in enrichers()][-1] == "punctuation"
    res = enrich(_table(), dt=NIGHT)
    rows = res.children[punctuation].to_pylist()
    ids = res.articles.column("article_id").to_pylist()
    texts = _table().column("text").to_pylist()
    expected = [(i, m, n) for i, t in zip(ids, texts) for m, n in marks(t).items()]
    assert [(r["article_id"], r["mark"], r["occurrences"]) for r in rows] == expected and expected
    assert {r["dt"] for r in rows} == {NIGHT} and res.children[punctuation].schema == PUNCTUATION
    assert res.counts.extra["punctuation_rows"] == len(expected)


@pytest.mark.slow
def test_a_toy_child_table_lands_in_the_catalog(tmp_path, punctuation):
    ctx = RunContext(dt=NIGHT, data_dir=tmp_path / "data", sources_path=one_source_registry(tmp_path))
    summary = pipeline.run_night(ctx)
    assert summary["accounting"]["balanced"] and not summary["failed_sources"], summary
    with reader_session(ctx.catalog) as con:
        published = con.execute(
            f"SELECT article_id, mark, occurrences, dt FROM {punctuation} ORDER BY ALL"
        ).fetchall()
        kept = con.execute("SELECT article_id, text FROM articles WHERE dt = ?", [NIGHT]).fetchall()
        duplicates = con.execute("SELECT count(*) FROM duplicates WHERE dt = ?", [NIGHT]).fetchone()[0]
        created = con.execute(
            "SELECT count(*) FROM schema_changes WHERE table_name = ? AND change = 'create_table'",
            [punctuation],
        ).fetchone()[0]
    # Every kept article's marks, as the enricher counted them in its text; none of the duplicates'.
    expected = sorted((a, m, n, NIGHT) for a, text in kept for m, n in marks(text).items())
    assert published == expected and len(published) > len(kept) > 0
    assert duplicates > 0, "the night has no duplicates: it does not show theirs are left out"
    assert created == 1
    # The same generic path as the package's own child tables: a shard file, then the night's work file.
    shard_files = list((ctx.work_dir / "shards").rglob(f"{punctuation}.parquet"))
    assert shard_files and (ctx.work_dir / f"{punctuation}.parquet").exists()


def test_rows_of_a_table_not_in_the_contract_are_refused_by_name():
    toy = Enricher("toy", order=99, run=lambda b: Enrichment(children={"article_moods": {"article_id": []}}))
    with pytest.raises(ValueError, match="'toy' made rows of 'article_moods'.*register its schema"):
        enrich(_table(), dt=NIGHT, only=[toy])


def test_a_child_table_needs_its_article_id_and_night():
    with pytest.raises(ValueError, match="'article_moods'.*required column article_id"):
        register_article_child_table(
            "article_moods", pa.schema([pa.field("dt", pa.date32(), nullable=False)])
        )
    with pytest.raises(ValueError, match="already a catalog table"):
        register_article_child_table("articles", PUNCTUATION)
    assert "article_moods" not in CATALOG_TABLES and "article_moods" not in ARTICLE_CHILD_TABLES
