"""The shipped sample corpus: reproducible, referenced by a valid registry, and internally consistent."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from akhbar.config import load_registry
from akhbar.sample import generate as gen

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample"
REGISTRY = ROOT / "include" / "config" / "sources.yaml"
SHIPPED_EXTRA = {"README.md"}  # hand-written, not generated


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return gen.render()


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((SAMPLE / "EXPECTED.json").read_text(encoding="utf-8"))


def test_generator_reproduces_shipped_files(rendered, tmp_path):
    shipped = {p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file()} - SHIPPED_EXTRA
    assert shipped == set(rendered), "generated file set differs from sample/: rerun the generator"
    for rel, data in rendered.items():
        assert (SAMPLE / rel).read_bytes() == data, f"sample/{rel} differs from the generator's output"
    gen.generate(tmp_path)
    for rel, data in rendered.items():
        assert (tmp_path / rel).read_bytes() == data


def test_sample_is_small():
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 1_000_000


def test_registry_validates_and_files_exist():
    registry = load_registry(REGISTRY)
    kinds = {s.kind for s in registry.sources}
    assert {"rss", "jsonl", "csv", "warc", "trec"} <= kinds
    for source in registry.enabled():
        assert source.path is not None and source.path.exists(), source.id
        assert source.path.resolve().is_relative_to(SAMPLE.resolve())
    assert any(not s.enabled for s in registry.sources)


def test_feed_links_resolve_inside_feed_folder(expected):
    for rec in expected["records"]:
        if rec["source_id"] in ("tunis-akhbar", "courrier-maghreb"):
            exists = (SAMPLE / rec["locator"]).exists()
            assert exists == (rec.get("reason") != "not_found"), rec["locator"]


def test_expected_is_consistent(expected):
    records = expected["records"]
    locators = [r["locator"] for r in records]
    assert len(locators) == len(set(locators))
    by_loc = {r["locator"]: r for r in records}
    for night, summary in expected["nights"].items():
        recs = [r for r in records if r["night"] == night]
        assert summary["raw_records"] == len(recs)
        assert len(summary["articles"]) + len(summary["duplicates"]) + len(summary["quarantined"]) == len(
            recs
        )
    for rec in records:
        assert rec["outcome"] in ("article", "duplicate", "quarantined")
        if rec["outcome"] == "duplicate":
            assert by_loc[rec["duplicate_of"]]["outcome"] == "article"
        if rec["outcome"] == "quarantined":
            assert rec["reason"] in expected["reason_codes"]
        path = rec["locator"].split("#")[0]
        path = re.sub(r":\d+$", "", path)
        assert (SAMPLE / path).exists() or rec.get("reason") == "not_found", rec["locator"]
    run = expected["nights"][expected["run_date"]]
    assert 40 <= run["raw_records"] <= 70
    for night in expected["nights"]:
        if night != expected["run_date"]:
            assert 10 <= expected["nights"][night]["raw_records"] <= 15


def test_every_edge_case_is_present(expected):
    records = expected["records"]
    reasons = {r["reason"] for r in records if r["outcome"] == "quarantined"}
    assert reasons == {"not_found", "malformed_json", "missing_text", "empty_text"}
    # A language beside ar, fr and en is kept and labelled, not rejected.
    assert {r["lang"] for r in records if r["outcome"] == "article"} == {"ar", "fr", "en", "es"}
    kinds = {r["duplicate_kind"] for r in records if r["outcome"] == "duplicate"}
    assert kinds == {"exact_text", "exact_url", "near"}
    assert {r["source_id"] for r in records} == {s.id for s in load_registry(REGISTRY).enabled()}
    assert len(expected["skipped"]) >= 2


def _shingles(text: str, n: int) -> set[str]:
    words = re.sub(r"[^\w\s]", " ", text).split()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _jaccard(a: str, b: str, n: int) -> float:
    x, y = _shingles(a, n), _shingles(b, n)
    return len(x & y) / len(x | y)


def test_distinct_stories_are_far_apart_and_near_copies_close():
    _, found = gen.build()
    texts, by_loc = found["texts"], {r["locator"]: r for r in found["records"]}
    articles = [loc for loc, r in by_loc.items() if r["outcome"] == "article"]
    for a, b in itertools.combinations(articles, 2):
        for n in (2, 3):
            assert _jaccard(texts[a], texts[b], n) < 0.35, (a, b, n)
    for loc, r in by_loc.items():
        if r.get("duplicate_kind") == "near":
            assert _jaccard(texts[loc], texts[r["duplicate_of"]], 3) > 0.7, loc
        if r.get("duplicate_kind") == "exact_text":
            assert texts[loc] == texts[r["duplicate_of"]]


def test_article_lengths():
    _, found = gen.build()
    for loc, r in ((loc, r) for r in found["records"] for loc in [r["locator"]] if r["outcome"] == "article"):
        words = len(found["texts"][loc].split())
        if r["lang"] == "ar":
            assert 120 <= words <= 400, (loc, words)
        else:
            assert words >= 60, (loc, words)


def test_special_encodings():
    page = (SAMPLE / "sites/tunis-akhbar/articles/2026-11-28-cp1256-economy.html").read_bytes()
    assert b'charset="windows-1256"' in page
    with pytest.raises(UnicodeDecodeError):
        page.decode("utf-8")
    assert "بنزرت" in page.decode("cp1256")
    lines = (SAMPLE / "dumps/mashriq-wire/2026-11-28.jsonl").read_text(encoding="utf-8").splitlines()
    bad = [i for i, line in enumerate(lines, 1) if not _parses(line)]
    assert bad == [13]
    assert "Ø" in json.loads(lines[11])["content"]


def _parses(line: str) -> bool:
    try:
        json.loads(line)
        return True
    except ValueError:
        return False


def test_warc_is_deterministic_and_readable():
    from warcio.archiveiterator import ArchiveIterator

    with open(SAMPLE / "warc/web-archive/2026-11-28.warc.gz", "rb") as fh:
        types = [
            (r.rec_type, r.http_headers.get_header("Content-Type") if r.http_headers else None)
            for r in ArchiveIterator(fh)
        ]
    assert ("request", None) in types
    assert ("response", "image/png") in types
    assert sum(1 for t in types if t == ("response", "text/html; charset=utf-8")) == 4
