"""The hand-labelled date-mention sets of bench/labels: size, shape, references into the corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def test_label_files_are_large_enough_and_well_formed():
    paths = [ROOT / "bench" / "labels" / name for name in ("date_mentions.jsonl", "date_mentions_2.jsonl")]
    rows = [
        json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert sum(len(r["expected"]) for r in rows) >= 500
    assert len({r["id"] for r in rows}) == len(rows)
    fams = {r["family"] for r in rows}
    assert {
        "maghreb",
        "levantine",
        "egyptian_gulf",
        "moroccan",
        "hijri",
        "relative",
        "french",
        "english",
        "negative",
    } <= fams
    for r in rows:
        D.fromisoformat(r["reference"])
        # real sentences are referenced, never copied; only sentences written for the project carry text
        assert ("text" in r) == (r["source"] == "written")
        assert "text" in r or {"field", "start", "end", "sha1"} <= r.keys()
        for e in r["expected"]:
            assert e["granularity"] in ("day", "month", "year")
            D.fromisoformat(e["date"])


@pytest.mark.slow
@pytest.mark.corpus
def test_labelled_sentences_are_found_in_the_corpus():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from date_labels import CORPUS, load_cases

    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS}")
    cases, problems = load_cases()
    assert problems == []
    for case in cases:
        for e in case.expected:
            assert e["mention"] in case.text, (case.id, e["mention"])
