"""Pages and raw records the extraction tests build (text written for these tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from akhbar.schema import RAW_RECORD

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "html"
NIGHT = dt.date(2026, 11, 29)

ARABIC_PARAGRAPHS = [
    (
        "أعلنت وزارة الصحة التونسية اليوم عن إطلاق حملة وطنية للتلقيح ضد الحصبة في كل الولايات،"
        " وقالت إن الحملة تستهدف الأطفال دون سن الخامسة وتستمر ثلاثة أسابيع."
    ),
    (
        "وأوضح المدير العام للصحة الأساسية أن الفرق الطبية ستتنقل إلى المدارس والمناطق الريفية"
        " لضمان وصول اللقاح إلى جميع العائلات، مؤكدا أن اللقاح مجاني."
    ),
    (
        "ودعت الوزارة الأولياء إلى التوجه إلى أقرب مركز صحي والاستظهار بدفتر التلاقيح،"
        " مشيرة إلى أن نسبة التغطية بلغت في العام الماضي خمسة وثمانين بالمائة فقط."
    ),
]
TITLE = "حملة وطنية للتلقيح ضد الحصبة"


def arabic_page(
    *,
    charset_meta: str | None = None,
    head_extra: str = "",
    before_text: str = "",
    footer: str = "<footer><p>&copy; 2022 جميع الحقوق محفوظة</p></footer>",
) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head>{meta}<title>{TITLE} | جريدة الأخبار</title>'
        f"{head_extra}</head><body><nav><a href='/'>الرئيسية</a> <a href='/sport'>رياضة</a></nav>"
        f"<article><h1>{TITLE}</h1>{before_text}{paragraphs}</article>"
        f"<aside><h3>الأكثر قراءة</h3><p>خبر آخر لا علاقة له بالموضوع</p></aside>{footer}</body></html>"
    )


def raw_row(i: int, **over) -> dict:
    row = {
        "record_id": f"r{i}",
        "source_id": "src",
        "kind": "pages",
        "locator": f"https://example.tn/{i}",
        "url": f"https://example.tn/{i}",
        "final_url": None,
        "http_status": 200,
        "headers": json.dumps({"Content-Type": "text/html; charset=utf-8"}),
        "fetched_at": dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC),
        "content_type": "text/html",
        "body": arabic_page().encode(),
        "content_hash": None,
        "meta_title": None,
        "meta_summary": None,
        "meta_published": None,
        "meta_author": None,
        "meta_category": "صحة",
        "lang_hint": "ar",
        "tz_hint": "Africa/Tunis",
        "error": None,
    }
    row.update(over)
    return row


def raw_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=RAW_RECORD)


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real corpus not found at {path} (../shared/corpus from the project root)")
    return path
