"""`akhbar export --as-of NIGHT|SNAPSHOT`: Parquet shards, a dataset card and a manifest that cite the
snapshot; the snapshot is pinned, so maintenance with keep_days=0 still keeps it queryable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from akhbar.config import load_registry
from akhbar.lakehouse.maintenance import maintain_catalog
from akhbar.lakehouse.session import reader_session
from tests.conftest import ROOT
from tests.lakehouse.helpers import Night, akhbar, article, publish

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
REGISTRY = ROOT / "include" / "config" / "sources.yaml"
SOURCES = load_registry(REGISTRY).sources
TN, FR, EN = "tunis-akhbar", "courrier-maghreb", "harbour-gazette"


def nights(second_d2: bool = False) -> list[Night]:
    d2 = [
        article("b1", D2, "texte sur les élections", "fr", source=FR),
        article("b2", D2, "خبر عن تونس", source=TN),
        article("b2x", D2, "خبر عن تونس", source=TN, duplicate_of="b2"),
    ]
    if second_d2:
        d2 = [article("b9", D2, "un autre texte", "fr", source=FR)]
    return [
        Night(
            D1,
            [
                article("a1", D1, "انسحاب القوات", source=TN),
                article("a2", D1, "أمطار", source=TN),
                article("e1", D1, "the storm", "en", source=EN),
            ],
        ),
        Night(D2, d2),
    ]


def export(data_dir: Path, as_of: str, to: Path) -> subprocess.CompletedProcess:
    proc = akhbar("export", "--as-of", as_of, "--to", to, "--data-dir", data_dir, "--sources", REGISTRY)
    assert proc.returncode == 0, proc.stderr
    return proc


def shards(folder: Path):
    return pq.read_table(sorted((folder / "data").glob("articles-*.parquet"))).to_pylist()


@pytest.fixture
def published(catalog, tmp_path):
    out = [publish(catalog, n, tmp_path / "work", sources=SOURCES) for n in nights()]
    return out


@pytest.mark.slow
def test_export_as_of_a_night_writes_shards_card_and_manifest(catalog, data_dir, published, tmp_path):
    _, d2 = published
    publish(catalog, Night(D3, [article("c1", D3, "later news", "en", source=EN)]), tmp_path / "work")
    out = tmp_path / "export-d2"
    export(data_dir, str(D2), out)
    rows = shards(out)
    # The corpus as it was when D2 was published: D1 and D2's articles, not D3's, no duplicate.
    assert sorted(r["article_id"] for r in rows) == ["a1", "a2", "b1", "b2", "e1"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["snapshot_id"] == d2.snapshot_id and manifest["night"] == str(D2)
    assert manifest["articles"] == 5
    assert manifest["counts"]["by_lang"] == dict(Counter(r["lang"] for r in rows))
    assert manifest["counts"]["by_source"] == dict(Counter(r["source_id"] for r in rows))
    assert manifest["counts"]["by_night"] == {str(D1): 3, str(D2): 2}
    assert manifest["registry_sha256"] == hashlib.sha256(REGISTRY.read_bytes()).hexdigest()
    for f in manifest["files"]:
        path = out / f["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"]
        assert pq.ParquetFile(path).metadata.num_rows == f["rows"]
    assert {s["id"] for s in manifest["sources"]} == {s.id for s in SOURCES}
    # The dataset card says the same for people.
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"snapshot {d2.snapshot_id}" in card and manifest["registry_sha256"] in card
    assert "| ar | 3 |" in card and "| fr | 1 |" in card and "| en | 1 |" in card
    assert f"| {D1} | 3 |" in card and f"| {D2} | 2 |" in card
    tunis = next(s for s in SOURCES if s.id == TN)
    assert f"| {TN} | {tunis.name} |" in card and "licence" in card.lower()
    # The snapshot is pinned in the catalog.
    with reader_session(catalog) as con:
        pins = con.execute("SELECT snapshot_id, night, articles, destination FROM exports").fetchall()
    assert pins == [(d2.snapshot_id, D2, 5, str(out))]


@pytest.mark.slow
def test_export_as_of_a_snapshot_and_maintenance_keeps_only_pinned_snapshots(
    catalog, data_dir, published, tmp_path
):
    d1, d2 = published
    first = tmp_path / "export-snapshot"
    export(data_dir, str(d2.snapshot_id), first)
    before = shards(first)
    # Later: D2 is published again with other articles, and maintenance keeps no history.
    publish(catalog, nights(second_d2=True)[1], tmp_path / "work", sources=SOURCES)
    figures = maintain_catalog(catalog, keep_days=0, grace_hours=0)
    assert figures["snapshots_expired"] > 0 and figures["pinned_by_exports"] == 1
    with reader_session(catalog) as con:
        kept = {r[0] for r in con.execute("SELECT snapshot_id FROM akhbar.snapshots()").fetchall()}
        assert d2.snapshot_id in kept and d1.snapshot_id not in kept
        assert (
            con.execute(f"SELECT count(*) FROM articles AT (VERSION => {d2.snapshot_id})").fetchone()[0] == 5
        )
        with pytest.raises(Exception, match="(?i)snapshot"):
            con.execute(f"SELECT count(*) FROM articles AT (VERSION => {d1.snapshot_id})").fetchall()
        assert sorted(r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()) == [
            "a1",
            "a2",
            "b9",
            "e1",
        ]
    # The pinned version's files survived the clean-up: exporting it again gives the same rows.
    again = tmp_path / "export-again"
    export(data_dir, str(d2.snapshot_id), again)
    assert shards(again) == before
    assert sorted(r["article_id"] for r in before) == ["a1", "a2", "b1", "b2", "e1"]
