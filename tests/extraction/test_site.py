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
    return [
        raw_row(i, url=f"https://jiha.example.tn/n/{i}", locator=f"n/{i}", body=story_page(i))
        for i in range(4)
    ]


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


# --------------------------------------------------------------------------------------------
# Sharding: the same night cut into shards gives the same documents
# --------------------------------------------------------------------------------------------

RELATED = "اقرأ أيضا: افتتاح المعرض الجهوي للكتاب بمشاركة خمسين دار نشر من تونس والجزائر والمغرب"


def other_host_page(i: int) -> bytes:
    """A second host: a CMS stamping one date on every page, a related line on some of them."""
    related = f"<p>{RELATED}</p>" if i % 2 else ""
    second = STORIES[(i + (1 if i < 4 else 2)) % 4][1]  # two stories per page, no two pages alike
    return (f"<html lang='ar'><head><meta charset='utf-8'><meta name='date' content='2010-05-01'>"
            f"<title>الجريدة | خبر {i} | الجريدة اليومية</title></head><body><h1>خبر {i}</h1>"
            f"<p>{STORIES[i % 4][0]}</p><p>{second}</p>{related}"
            f"<p>تاريخ النشر: {i + 1} نوفمبر 2026</p></body></html>").encode()  # fmt: skip


def night_rows() -> list[dict]:
    """A night of two hosts, one article fetched under three URLs, a dump record, a broken page."""
    rows = [raw_row(i, url=f"https://jiha.example.tn/n/{i}", body=story_page(i)) for i in range(4)]
    rows += [
        raw_row(10 + i, url=f"https://jarida.example.tn/a/{i}", body=other_host_page(i)) for i in range(6)
    ]
    rows += [
        raw_row(20 + k, url=f"https://jiha.example.tn/n/0?from={k}", body=story_page(0)) for k in range(2)
    ]
    rows.append(raw_row(30, kind="jsonl", content_type="text/plain", body=" ".join(STORIES[1]).encode(),
                        meta_title="نص", meta_published="2026-11-28T10:00:00+01:00"))  # fmt: skip
    rows.append(raw_row(31, http_status=500, body=b"<html>error</html>"))
    # spread so that each shard holds one copy of the article fetched three times
    order = [0, 1, 10, 11, 12, 30, 2, 21, 13, 14, 3, 20, 15, 31]
    by_id = {int(r["record_id"][1:]): r for r in rows}
    return [by_id[i] for i in order]


def test_a_night_in_one_or_three_shards_gives_the_same_articles():
    table = raw_table(night_rows())
    whole_docs, whole_quarantine, _ = extract_records(table, dt=NIGHT)
    bounds = [(0, 5), (5, 5), (10, table.num_rows - 10)]
    shards = [table.slice(start, length) for start, length in bounds]
    profiles = [site_profile_of(shard) for shard in shards]
    night = SiteProfile().merge(*reversed(profiles))  # merged in any order
    results = [extract_records(shard, dt=NIGHT, site=night) for shard in shards]
    assert pa.concat_tables([r[0] for r in results]).equals(whole_docs)
    assert pa.concat_tables([r[1] for r in results]).equals(whole_quarantine)
    # the site-level signals were at work: not a night where they change nothing
    docs = {r["record_id"]: r for r in whole_docs.to_pylist()}
    assert STORIES[0][0] in docs["r0"]["text"] and STORIES[0][0] in docs["r21"]["text"]
    assert DISCLAIMER not in docs["r1"]["text"]
    assert all(docs[f"r{10 + i}"]["published_at"].year == 2026 for i in range(6))
    assert docs["r11"]["title"] == "خبر 1"


def test_profiles_merge_in_any_order_and_travel_as_a_table():
    table = raw_table(night_rows())
    parts = [site_profile_of(table.slice(i, 3)) for i in range(0, table.num_rows, 3)]
    forward = SiteProfile().merge(*parts)
    backward = SiteProfile().merge(*reversed(parts))
    pairs = SiteProfile().merge(SiteProfile().merge(*parts[:2]), SiteProfile().merge(*parts[2:]))
    whole = site_profile_of(table)
    assert forward.to_table().equals(whole.to_table())
    assert backward.to_table().equals(whole.to_table()) and pairs.to_table().equals(whole.to_table())
    assert whole.pages == {
        "jiha.example.tn": 4,
        "jarida.example.tn": 6,
    }  # the article fetched thrice counts once
    again = SiteProfile.from_table(whole.to_table())
    for host in whole.hosts():
        assert again.view(host) == whole.view(host)
    assert whole.view("jiha.example.tn").repeated and whole.view("jarida.example.tn").constant_dates
