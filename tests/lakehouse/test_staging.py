"""Staging a night: its work files become Parquet files shaped exactly like the catalog's tables,
under the data path but outside the catalog, described by a manifest the audit and publish tasks
read in other processes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar.lakehouse.staging import STAGING_FOLDER, StagedNight
from akhbar.schema import CATALOG_TABLES, QUARANTINE, CatalogTable
from tests.lakehouse.helpers import (
    NIGHT_TABLES,
    Night,
    article,
    count,
    date_mention,
    keyword,
    place,
    publish,
    quarantined,
    stage,
)

D1 = dt.date(2026, 11, 26)


def night() -> Night:
    older_quarantine = pa.Table.from_pylist([quarantined("q-old", D1, "s2")], schema=QUARANTINE).drop_columns(
        ["body"]
    )
    return Night(
        D1,
        [
            article("a1", D1, "انسحاب القوات من العراق اليوم"),
            article("a2", D1, "la grève des enseignants", "fr"),
            article("a1b", D1, "انسحاب القوات من العراق اليوم", duplicate_of="a1", kind="exact_text"),
            article("x1", D1, "Die Regierung kündigt Wahlen an", "de"),
        ],
        places=[place("a1", D1, "IQ", "Iraq"), place("a1b", D1, "IQ", "Iraq")],
        dates=[date_mention("a1", D1), date_mention("a1b", D1)],
        keywords=[keyword("a1", D1, "العراق"), keyword("a1b", D1, "العراق"), keyword("a2", D1, "grève")],
        quarantine=[quarantined("q1", D1, "s1")],
        doc_freq={"العراق": 2, "grève": 1},
        tables={"quarantine-s2": older_quarantine},
    )


def read(files: list[str]) -> pa.Table:
    # One file at a time: a folder named dt=... would otherwise add a partition column.
    return pa.concat_tables([pq.ParquetFile(f).read() for f in files])


def test_staged_files_have_the_catalogs_columns_and_types(catalog, tmp_path):
    staged = stage(catalog, night(), tmp_path / "work")
    assert set(staged.files) == set(NIGHT_TABLES)
    for table, files in staged.files.items():
        schema = CATALOG_TABLES[table].schema
        for f in files:
            got = pq.read_schema(f)
            assert got.names == schema.names, table
            assert [field.type for field in got] == [field.type for field in schema], table
            # Under the data path, in the night's staging folder, outside the catalog's own folders.
            assert f.startswith(f"{catalog.data_path}{STAGING_FOLDER}/{D1}-") and f"/{table}/dt={D1}/" in f
    # Rows: kept articles; the duplicate as a link; child rows of kept articles only.
    assert staged.rows["articles"] == 3 and staged.rows["duplicates"] == 1
    assert read(staged.files["duplicates"]).select(
        ["article_id", "duplicate_of", "kind", "record_id"]
    ).to_pylist() == [{"article_id": "a1b", "duplicate_of": "a1", "kind": "exact_text", "record_id": "ra1b"}]
    for table in ("article_places", "article_dates", "article_keywords"):
        assert "a1b" not in read(staged.files[table]).column("article_id").to_pylist(), table
    # Quarantine files of different ages (one without bodies) are read together.
    quarantine = {r["record_id"]: r["body"] for r in read(staged.files["quarantine"]).to_pylist()}
    assert quarantine == {"q1": b"<html></html>", "q-old": None}
    doc_freq = read(staged.files["keyword_doc_freq"]).to_pylist()
    assert {(r["term"], r["df"], r["n_docs"], r["dt"]) for r in doc_freq} == {
        ("العراق", 2, 4, D1),
        ("grève", 1, 4, D1),
    }
    # The index covers the kept articles of the languages with a stemmer; postings sorted by term.
    assert sorted(read(staged.files["search_docs"]).column("article_id").to_pylist()) == ["a1", "a2"]
    for f in staged.files["search_postings"]:
        rows = pq.ParquetFile(f).read().select(["lang", "term", "impact_rank"]).to_pylist()
        keys = [(r["lang"], r["term"], r["impact_rank"]) for r in rows]
        assert keys == sorted(keys)


@pytest.mark.slow
def test_a_staged_night_is_invisible_until_published_and_its_manifest_travels(catalog, tmp_path):
    publish(catalog, Night(D1, [article("old", D1, "خبر قديم")]), tmp_path / "work")
    first = stage(catalog, night(), tmp_path / "work")
    second = stage(catalog, night(), tmp_path / "work")
    assert first.location != second.location  # two stagings never share files
    assert count(catalog, "SELECT string_agg(article_id) FROM articles") == "old"
    manifest = tmp_path / "staged.json"
    first.save(manifest)
    assert StagedNight.load(manifest) == first
    assert not list(tmp_path.glob(".staged.json.*.tmp"))
    assert all(Path(f).exists() for files in second.files.values() for f in files)


def test_staged_files_use_the_tables_row_groups_and_zstd(catalog, tmp_path, monkeypatch):
    spec = CATALOG_TABLES["search_postings"]
    monkeypatch.setitem(
        CATALOG_TABLES,
        "search_postings",
        CatalogTable(
            spec.name, spec.schema, nightly=spec.nightly, sorted_by=spec.sorted_by, row_group_rows=2048
        ),
    )
    rows = [
        article(f"a{i:03d}", D1, " ".join(f"كلمة{i}x{j}" for j in range(60)), title="") for i in range(100)
    ]
    staged = stage(catalog, Night(D1, rows), tmp_path / "work")
    (postings,) = staged.files["search_postings"]
    meta = pq.ParquetFile(postings).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 6000 and sizes[:-1] == [2048] * (len(sizes) - 1), sizes  # not one group of 6000
    assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"ZSTD"}
