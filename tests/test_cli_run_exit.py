"""Issue 11, item 3: a source that fails as a whole makes `akhbar run` exit non-zero (its
Airflow fetch task fails in the same way: pipeline.fetch raises), while the night of the
other sources is still processed and the failure is one source_failed record."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from akhbar.cli import main
from akhbar.pipeline import RunContext

NIGHT = dt.date(2026, 11, 28)


@pytest.mark.slow
def test_run_exits_non_zero_when_a_source_fails(tmp_path, capsys):
    lines = [
        {
            "text": f"نص الخبر رقم {i} عن افتتاح المعرض الدولي للكتاب في مدينة تونس العاصمة هذا الأسبوع "
            f"بمشاركة ناشرين من بلدان عربية وأجنبية عديدة",
            "url": f"https://example.tn/{i}",
            "title": f"عنوان {i}",
            "published": "2026-11-28T10:00:00+01:00",
        }
        for i in range(3)
    ]
    (tmp_path / "good.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    (tmp_path / "broken.jsonl").write_text(json.dumps(lines[0], ensure_ascii=False) + "\n", encoding="utf-8")
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "sources:\n"
        "  - {id: good, kind: jsonl, path: good.jsonl, lang: ar, timezone: Africa/Tunis}\n"
        "  - {id: broken, kind: jsonl, path: broken.jsonl, lang: ar, timezone: Africa/Tunis}\n",
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    ctx = RunContext(dt=NIGHT, data_dir=data_dir, sources_path=registry)
    state = ctx.state_dir / "fetch" / "broken.parquet"  # a fetch state that cannot be read fails the source
    state.parent.mkdir(parents=True)
    state.write_bytes(b"not a parquet file")

    code = main(
        [
            "run",
            "--date",
            NIGHT.isoformat(),
            "--data-dir",
            str(data_dir),
            "--sources",
            str(registry),
            "--json",
            "--no-examples",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [f.split(":")[0] for f in summary["failed_sources"]] == ["broken"]
    good = summary["by_source"]["good"]
    assert good["articles"] >= 1 and good["articles"] + good["duplicates"] == 3  # the others' night went on
    raw = pq.read_table(ctx.raw_path("broken")).to_pylist()
    assert [r["error"].split(":")[0] for r in raw] == ["source_failed"]
