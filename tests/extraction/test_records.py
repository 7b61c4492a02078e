"""akhbar.extraction.records: a batch of raw records -> documents and quarantine, dumps, slices."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from akhbar.extraction import extract_records, extract_records_parallel
from akhbar.schema import DOCUMENT, QUARANTINE
from tests.extraction.helpers import ARABIC_PARAGRAPHS, NIGHT, TITLE, arabic_page, raw_row, raw_table


def test_extract_records_quarantine_reasons_and_accounting():
    nav_only = (
        "<html><body><nav><a href='/a'>أ</a><a href='/b'>ب</a></nav><footer>© 2024</footer></body></html>"
    )
    rows = [
        raw_row(0),
        raw_row(1, error="timeout: read timed out after 30 s", body=None, http_status=None),
        raw_row(2, http_status=404, body=b"<html><body>not found</body></html>"),
        raw_row(3, body=b""),
        raw_row(4, body=nav_only.encode()),
        raw_row(5, body=bytes(range(256)) * 40),
        raw_row(6, content_type="text/plain", body=b"\xff\xfe\xfa" * 100),
        raw_row(7, body=arabic_page().encode("windows-1256"),
                headers=json.dumps({"Content-Type": "text/html; charset=iso-8859-1"}),
                meta_published="Tue, 07 May 2024 14:00:00 +0100"),
    ]  # fmt: skip
    docs, quarantine, counts = extract_records(raw_table(rows), dt=NIGHT)
    assert docs.schema.equals(DOCUMENT) and quarantine.schema.equals(QUARANTINE)
    assert counts.records_in == 8 == counts.records_out + counts.rejected
    assert docs.num_rows + quarantine.num_rows == 8
    assert sorted(docs.column("record_id").to_pylist() + quarantine.column("record_id").to_pylist()) == [
        f"r{i}" for i in range(8)
    ]
    reasons = dict(zip(quarantine.column("record_id").to_pylist(), quarantine.column("reason").to_pylist()))
    assert reasons == {"r1": "timeout", "r2": "http_404", "r3": "empty_page", "r4": "no_main_text",
                       "r5": "unknown_encoding", "r6": "invalid_utf8"}  # fmt: skip
    q = {r["record_id"]: r for r in quarantine.to_pylist()}
    assert q["r1"]["detail"] == "read timed out after 30 s"
    assert q["r2"]["body"] == b"<html><body>not found</body></html>" and q["r2"]["stage"] == "extract"
    assert all(r["dt"] == NIGHT for r in q.values())
    assert counts.extra["reasons"]["http_404"] == 1
    d = {r["record_id"]: r for r in docs.to_pylist()}
    assert d["r7"]["title"] == TITLE and ARABIC_PARAGRAPHS[0] in d["r7"]["text"]
    assert d["r7"]["date_source"] == "feed" and d["r0"]["category_raw"] == "صحة"
    assert counts.extra["date_source"]["feed"] == 1


def test_text_plain_dump_records():
    text = "الصباح - " + " ".join(ARABIC_PARAGRAPHS)
    rows = [
        raw_row(0, kind="trec", content_type="text/plain", body=text.encode(), meta_title="عنوان المقال",
                meta_published="2017-01-22T18:56:00+01:00", meta_author="حاتم"),
        raw_row(1, kind="jsonl", content_type="text/plain", body=text.encode() + b"\xff", meta_title="t"),
    ]  # fmt: skip
    docs, quarantine, counts = extract_records(raw_table(rows), dt=NIGHT)
    assert quarantine.num_rows == 0 and counts.records_out == 2
    first, second = docs.to_pylist()
    assert first["title"] == "عنوان المقال" and first["text"] == text and first["authors"] == "حاتم"
    assert first["date_source"] == "dump"
    assert first["published_at"] == dt.datetime(2017, 1, 22, 17, 56, tzinfo=dt.UTC)
    assert second["text"].startswith("الصباح") and second["text"].endswith("\ufffd")


def test_extract_records_is_a_pure_function_of_any_slice():
    rows = [raw_row(i) for i in range(4)] + [raw_row(9, http_status=500)]
    table = raw_table(rows)
    whole, q_whole, _ = extract_records(table, dt=NIGHT)
    parts = [extract_records(table.slice(i, 2), dt=NIGHT) for i in range(0, 5, 2)]
    assert pa.concat_tables([p[0] for p in parts]).equals(whole)
    assert pa.concat_tables([p[1] for p in parts]).equals(q_whole)


@pytest.mark.slow
def test_parallel_matches_serial():
    rows = [raw_row(i) for i in range(6)] + [raw_row(7, body=b"")]
    table = raw_table(rows)
    serial = extract_records(table, dt=NIGHT)
    parallel = extract_records_parallel(table, NIGHT, workers=2)
    assert parallel[0].equals(serial[0]) and parallel[1].equals(serial[1])
    assert parallel[2].records_in == 7 and parallel[2].records_out == 6 and parallel[2].rejected == 1


def test_pages_over_the_memory_budget_are_read_again_with_the_same_result(monkeypatch):
    """Past HELD_BYTES of bodies a page keeps only its signature between the passes and is read again:
    the documents and the quarantine (a page without text keeps its body) are the same as with all held."""
    from akhbar.extraction import records

    nav_only = "<html><body><nav><a href='/a'>أ</a><a href='/b'>ب</a></nav></body></html>"
    rows = [raw_row(i, url=f"https://a.example.tn/n/{i}") for i in range(6)]
    rows += [raw_row(6, body=nav_only.encode(), url="https://a.example.tn/n/6")]
    table = raw_table(rows)
    docs, quarantine, counts = extract_records(table, dt=NIGHT)
    monkeypatch.setattr(records, "HELD_BYTES", 1)  # every page but the first is read again
    docs2, quarantine2, counts2 = extract_records(table, dt=NIGHT)
    assert docs2.equals(docs) and counts2.records_out == counts.records_out == 6
    assert (
        quarantine2.column("body").to_pylist() == quarantine.column("body").to_pylist() == [nav_only.encode()]
    )


def test_a_text_opening_with_figures_is_not_taken_for_an_empty_page():
    figures = (
        "<p>" + " ".join(f"{1000 + 7 * i}/{i}" for i in range(40)) + "</p>"
    )  # a row of figures, no letter
    html = arabic_page(before_text=figures)
    docs, quarantine, _ = extract_records(raw_table([raw_row(0, body=html.encode())]), dt=NIGHT)
    text = docs.column("text").to_pylist()[0]
    assert quarantine.num_rows == 0 and sum(map(str.isalpha, text[:200])) < 20
    assert ARABIC_PARAGRAPHS[-1] in text
