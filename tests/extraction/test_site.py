"""akhbar.extraction.site: what a host repeats across its pages of a batch, and the batch API that uses it."""

from __future__ import annotations

import json

import pyarrow as pa
from akhbar.extraction import SiteProfile, extract_html, extract_records, site_profile_of

from tests.extraction.helpers import NIGHT, raw_row, raw_table

# A paragraph of prose the site prints under every article: no class name, no link, no <aside>.
DISCLAIMER = ("المقالات المنشورة في هذا الموقع تعبر عن آراء كتابها ولا تعبر بالضرورة عن رأي الموقع وسياسته"
              " التحريرية، ويحتفظ الموقع بحق تعديل التعليقات.")  # fmt: skip
STORIES = [
    ["انطلقت صباح اليوم أشغال تهيئة الطريق الرابطة بين المدينة والميناء التجاري على مسافة عشرين كيلومترا.",
     "وقال المسؤول الجهوي إن المشروع سيستغرق ثمانية عشر شهرا وسيوفر مئات مواطن الشغل لشباب المنطقة."],
    ["أعلنت الجامعة عن فتح باب التسجيل في الدورة الصيفية لتعليم اللغات الأجنبية لفائدة الطلبة والموظفين.",
     "وتشمل الدورة دروسا في الفرنسية والإنجليزية والإسبانية مع شهادة معترف بها في نهاية التكوين."],
    ["شهدت أسعار الخضر والغلال ارتفاعا ملحوظا في الأسواق البلدية خلال الأسبوع الأخير من شهر رمضان.",
     "وأرجع التجار هذا الارتفاع إلى نقص العرض بسبب الأمطار الغزيرة التي شهدتها مناطق الإنتاج."],
    ["فاز فريق المدينة على ضيفه بهدفين دون رد في المباراة التي جمعتهما مساء أمس ضمن الجولة الخامسة.",
     "وبهذا الفوز يرتقي الفريق إلى المركز الثالث في الترتيب العام برصيد اثنتي عشرة نقطة."],
]  # fmt: skip


def story_page(i: int) -> bytes:
    title = f"خبر رقم {i + 1} من أخبار الجهة"
    paragraphs = "".join(f"<p>{p}</p>" for p in STORIES[i])
    return (f"<html lang='ar'><head><meta charset='utf-8'><title>{title} - أخبار الجهة</title></head><body>"
            f"<div><h1>{title}</h1>{paragraphs}<p>{DISCLAIMER}</p></div></body></html>").encode()  # fmt: skip


def site_rows() -> list[dict]:
    return [raw_row(i, url=f"https://jiha.example.tn/n/{i}", locator=f"n/{i}", body=story_page(i)) for i in range(4)]


def test_a_paragraph_the_host_repeats_is_boilerplate_in_a_batch_not_on_its_own():
    alone = extract_html(story_page(0), url="https://jiha.example.tn/n/0")
    assert DISCLAIMER in alone.text  # one page cannot tell the site's prose from the article's
    docs, _, _ = extract_records(raw_table(site_rows()), dt=NIGHT)
    for i, row in enumerate(docs.to_pylist()):
        assert row["text"].split("\n") == STORIES[i]
        assert row["title"] == f"خبر رقم {i + 1} من أخبار الجهة"


def test_the_same_article_twice_does_not_make_its_text_boilerplate():
    rows = [raw_row(i, url=f"https://jiha.example.tn/n/0?utm={i}", body=story_page(0)) for i in range(5)]
    docs, _, _ = extract_records(raw_table(rows), dt=NIGHT)
    assert all(STORIES[0][0] in t for t in docs.column("text").to_pylist())


def test_other_hosts_do_not_count():
    rows = site_rows()[:2] + [raw_row(9, url="https://other.example.com/a", body=story_page(2))]
    docs, _, _ = extract_records(raw_table(rows), dt=NIGHT)
    assert all(DISCLAIMER in t for t in docs.column("text").to_pylist())  # two pages of a host: not enough


def test_profiles_of_shards_add_up_to_the_profile_of_the_whole():
    table = raw_table(site_rows())
    whole = site_profile_of(table)
    merged = site_profile_of(table.slice(0, 2)).merge(site_profile_of(table.slice(2, 2)))
    host = "jiha.example.tn"
    assert merged.pages[host] == whole.pages[host] == 4
    assert merged.repeated_blocks(host) == whole.repeated_blocks(host) != frozenset()
    # any slice extracted with the source's profile gives what the whole batch gives
    docs, _, _ = extract_records(table, dt=NIGHT)
    parts = [extract_records(table.slice(i, 1), dt=NIGHT, site=whole)[0] for i in range(4)]
    assert pa.concat_tables(parts).equals(docs)


def test_profile_finds_the_site_name_and_a_date_stamped_on_every_page():
    rows = []
    for i in range(4):
        html = story_page(i).replace(b"<head>", b"<head><meta name='date' content='2010-05-01'>")
        rows.append(raw_row(i, url=f"https://jiha.example.tn/n/{i}", body=html,
                            headers=json.dumps({"Content-Type": "text/html; charset=utf-8"})))  # fmt: skip
    profile: SiteProfile = site_profile_of(raw_table(rows))
    assert profile.site_names("jiha.example.tn") == {"أخبار الجهة"}
    assert ("date", "2010-05-01") in profile.constant_dates("jiha.example.tn")
    docs, _, _ = extract_records(raw_table(rows), dt=NIGHT)
    assert all(r["published_at"] is None or r["published_at"].year != 2010 for r in docs.to_pylist())
