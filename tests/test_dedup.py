"""akhbar.dedup: exact and near duplicates, the persistent index, reruns and backfills."""

from __future__ import annotations

import datetime
import hashlib
import pathlib
import random
import re
import tarfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar import dedup
from akhbar.dedup import DedupParams, IndexFormatError, deduplicate, minhash_signatures, url_key
from akhbar.schema import ARTICLE, DUPLICATES

ANT = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ant" / "ant-v1.1.tar.gz"
D1, D2, D3 = datetime.date(2024, 3, 1), datetime.date(2024, 3, 2), datetime.date(2024, 3, 3)


def key(text: str) -> str:
    """A minimal text_search: lower case, punctuation to spaces (the tests' texts need no more)."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def table(rows: list[dict]) -> pa.Table:
    n = len(rows)
    cols = {
        "article_id": [r["id"] for r in rows],
        "record_id": [r["id"] for r in rows],
        "source_id": [r.get("source", "src") for r in rows],
        "url": [r.get("url") for r in rows],
        "canonical_url": [r.get("url") for r in rows],
        "title": [r.get("title", r["id"]) for r in rows],
        "text": [r["text"] for r in rows],
        "text_search": [key(r["text"]) for r in rows],
        "lang": ["ar"] * n,
        "published_at": [r.get("published") for r in rows],
        "fetched_at": [datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)] * n,
        "dt": [r["dt"] for r in rows],
        "content_hash": [hashlib.sha256(key(r["text"]).encode()).hexdigest() for r in rows],
    }
    return pa.Table.from_arrays(
        [pa.array(cols[f.name], f.type) if f.name in cols else pa.nulls(n, f.type) for f in ARTICLE],
        schema=ARTICLE,
    )


VOCAB = [
    "الحكومة",
    "الوزير",
    "البرلمان",
    "الانتخابات",
    "المدينة",
    "الشرطة",
    "المحكمة",
    "الرئيس",
    "الاقتصاد",
    "الأسعار",
    "الطقس",
    "الأمطار",
    "المنتخب",
    "المباراة",
    "الفريق",
    "الجامعة",
    "المستشفى",
    "الطبيب",
    "التلاميذ",
    "المدرسة",
    "الطريق",
    "الحادث",
    "الجيش",
    "الحدود",
    "النفط",
    "الغاز",
    "الميزانية",
    "البنك",
    "السياحة",
    "الفلاحة",
    "القمح",
    "الماء",
    "الكهرباء",
    "الشركة",
    "العمال",
    "النقابة",
    "الإضراب",
    "الثقافة",
    "المهرجان",
    "الفيلم",
    "الكتاب",
    "الجائزة",
    "القضاء",
    "التحقيق",
    "السجن",
    "الأمن",
    "الإرهاب",
    "اللاجئين",
    "البحر",
    "الصيد",
    "الميناء",
    "المطار",
]


def story(seed: int, words: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) + str(rng.randrange(40)) for _ in range(words))


def substitute(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), int(rate * len(words))):
        words[i] = "كلمة" + str(rng.randrange(10**6))
    return " ".join(words)


def by_id(result) -> dict:
    return {r["article_id"]: r for r in result.articles.to_pylist()}


# ------------------------------------------------------------------------------------------- MinHash


def test_signatures_shape_and_determinism():
    texts = [key(story(i)) for i in range(5)] + [""]
    a = minhash_signatures(texts)
    b = minhash_signatures(list(reversed(texts)))[::-1]
    assert a.shape == (6, dedup.PARAMS.num_perm) and a.dtype == np.uint32
    assert np.array_equal(a, b)  # a text's signature does not depend on its batch
    assert (a[-1] == np.iinfo(np.uint32).max).all()  # empty text: no shingle
    assert len({row.tobytes() for row in a[:5]}) == 5


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.floats(0.0, 0.6))
def test_estimate_tracks_true_jaccard(seed, rate):
    a = key(story(seed, 300))
    b = key(substitute(a, rate, seed + 1))
    wa, wb = a.split(), b.split()
    sa, sb = set(zip(wa, wa[1:])), set(zip(wb, wb[1:]))
    true = len(sa & sb) / len(sa | sb)
    sig = minhash_signatures([a, b], params=DedupParams(num_perm=512, bands=128, rows=4))
    est = dedup.estimate_similarity(sig[0], sig[1])
    assert abs(est - true) < 0.1  # 512 permutations: standard error <= 0.022


def test_params_must_be_consistent():
    with pytest.raises(ValueError):
        DedupParams(num_perm=128, bands=20, rows=5)


def test_url_key():
    assert url_key("https://www.Example.com/a/b/?utm_source=x&id=3#top") == url_key(
        "http://example.com/a/b?id=3"
    )
    assert url_key("https://example.com/a/b") != url_key("https://example.com/a/c")
    assert url_key("https://example.com/") is None and url_key(None) is None and url_key("not a url") is None


# ------------------------------------------------------------------------------------------- one night


def test_exact_by_text_and_by_url(tmp_path):
    base = story(1)
    rows = [
        {
            "id": "a1",
            "text": base,
            "dt": D1,
            "published": datetime.datetime(2024, 3, 1, 8, tzinfo=datetime.UTC),
        },
        {
            "id": "a0",
            "text": base.upper() + " !!",
            "dt": D1,  # same text_search, published later
            "published": datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC),
        },
        {"id": "u1", "text": story(2), "url": "https://site.tn/news/42", "dt": D1},
        {"id": "u2", "text": story(3), "url": "http://www.site.tn/news/42/?utm_medium=rss", "dt": D1},
        {"id": "x", "text": story(4), "dt": D1},
    ]
    res = deduplicate(table(rows), index_dir=tmp_path, dt=D1)
    got = by_id(res)
    assert got["a1"]["duplicate_of"] is None and got["a1"]["cluster_id"] == "a1"
    assert (got["a0"]["duplicate_of"], got["a0"]["duplicate_kind"], got["a0"]["similarity"]) == (
        "a1",
        "exact_text",
        1.0,
    )
    assert (got["u2"]["duplicate_of"], got["u2"]["duplicate_kind"]) == ("u1", "exact_url")
    assert got["x"]["duplicate_of"] is None
    assert res.duplicates.schema == DUPLICATES and res.articles.schema == ARTICLE
    assert sorted(res.duplicates.column("article_id").to_pylist()) == ["a0", "u2"]
    assert (res.counts.records_in, res.counts.records_out, res.counts.duplicates) == (5, 3, 2)
    assert res.counts.extra["by_kind"] == {"exact_url": 1, "exact_text": 1, "near": 0}


def test_near_duplicates_found_and_different_articles_kept(tmp_path):
    rows, expect = [], {}
    for i in range(30):
        orig = story(100 + i)
        rows.append({"id": f"o{i}", "text": orig, "dt": D1})
        edited = substitute(orig, 0.08, i)  # 8 % of the words replaced
        if i % 3 == 0:
            edited = "عنوان جديد مختلف تماما للخبر " + edited  # a new title line too
        if i % 3 == 1:
            edited = edited + " تابعونا على صفحتنا في فيسبوك لمزيد من الأخبار"
        rows.append(
            {"id": f"r{i}", "text": edited, "dt": D1, "source": "other"}
        )  # "o" < "r": originals first
        expect[f"r{i}"] = f"o{i}"
    res = deduplicate(table(rows), index_dir=tmp_path, dt=D1)
    got = by_id(res)
    for e, o in expect.items():
        assert got[e]["duplicate_of"] == o and got[e]["duplicate_kind"] == "near"
        assert 0.45 <= got[e]["similarity"] < 1.0
    heads = {r["cluster_id"] for r in got.values()}
    assert heads == {f"o{i}" for i in range(30)}  # 30 different stories stay apart
    assert res.counts.extra["by_kind"]["near"] == 30


def test_short_texts_are_exact_only(tmp_path):
    rows = [
        {"id": "s1", "text": "الطقس اليوم مشمس", "dt": D1},
        {"id": "s2", "text": "الطقس اليوم ممطر", "dt": D1},
        {"id": "s3", "text": "الطقس اليوم مشمس.", "dt": D1},
    ]
    res = deduplicate(table(rows), index_dir=tmp_path, dt=D1)
    got = by_id(res)
    assert got["s2"]["duplicate_of"] is None
    assert got["s3"]["duplicate_of"] == "s1" and got["s3"]["duplicate_kind"] == "exact_text"
    assert res.counts.extra["near_skipped_short"] == 3


def test_shared_source_boilerplate_does_not_join_articles(tmp_path):
    block = " ".join(f"تنبيه{i} حقوق النشر محفوظة" for i in range(25))  # 75 words on every page
    rows = [
        {"id": f"b{i}", "text": story(500 + i, 40) + " " + block, "dt": D1, "source": "site"}
        for i in range(20)
    ]
    res = deduplicate(table(rows), index_dir=tmp_path, dt=D1)
    assert res.counts.duplicates == 0


def test_empty_input(tmp_path):
    res = deduplicate(table([]), index_dir=tmp_path, dt=D1)
    assert res.articles.num_rows == 0 and res.duplicates.num_rows == 0 and res.demoted.num_rows == 0
    assert res.articles.schema == ARTICLE and res.demoted.schema == DUPLICATES
    assert res.counts.records_in == 0 and not list(tmp_path.glob("dt=*.parquet"))


def test_duplicate_article_ids_are_refused(tmp_path):
    with pytest.raises(ValueError, match="unique"):
        deduplicate(
            table([{"id": "a", "text": "x y", "dt": D1}, {"id": "a", "text": "z", "dt": D1}]),
            index_dir=tmp_path,
            dt=D1,
        )


# ------------------------------------------------------------------------------------------- across nights


def nights_fixture():
    s1, s2 = story(900), story(901)
    return {
        D1: [{"id": "n1-a", "text": s1, "dt": D1}, {"id": "n1-b", "text": story(902), "dt": D1}],
        D2: [
            {"id": "n2-a", "text": substitute(s1, 0.06, 1), "dt": D2, "source": "other"},
            {"id": "n2-b", "text": s2, "dt": D2},
        ],
        D3: [
            {"id": "n3-a", "text": s1, "dt": D3},  # exact copy of night 1
            {"id": "n3-b", "text": substitute(s2, 0.05, 2), "dt": D3},
            {"id": "n3-c", "text": story(903), "url": "https://x.tn/p/1", "dt": D3},
        ],
    }


def test_cross_night_recognition_through_the_index(tmp_path):
    n = nights_fixture()
    deduplicate(table(n[D1]), index_dir=tmp_path, dt=D1)
    assert (tmp_path / "dt=2024-03-01.parquet").exists()
    res2 = by_id(deduplicate(table(n[D2]), index_dir=tmp_path, dt=D2))
    assert (res2["n2-a"]["duplicate_of"], res2["n2-a"]["duplicate_kind"]) == ("n1-a", "near")
    res3 = deduplicate(table(n[D3]), index_dir=tmp_path, dt=D3)
    got = by_id(res3)
    assert (got["n3-a"]["duplicate_of"], got["n3-a"]["duplicate_kind"]) == ("n1-a", "exact_text")
    assert got["n3-b"]["duplicate_of"] == "n2-b"
    assert got["n3-c"]["duplicate_of"] is None
    assert res3.counts.extra["cross_night"] == 2 and res3.demoted.num_rows == 0
    idx = pq.read_table(tmp_path / "dt=2024-03-03.parquet")
    assert {"article_id", "dt", "url_key", "content_hash", "band_keys", "signature", "cluster_id"} <= set(
        idx.column_names
    )


def test_rerun_is_idempotent(tmp_path):
    n = nights_fixture()
    for d in (D1, D2):
        deduplicate(table(n[d]), index_dir=tmp_path, dt=d)
    first = deduplicate(table(n[D3]), index_dir=tmp_path, dt=D3)
    size = {p.name: pq.read_metadata(p).num_rows for p in tmp_path.glob("dt=*.parquet")}
    again = deduplicate(table(n[D3]), index_dir=tmp_path, dt=D3)
    assert again.articles.equals(first.articles) and again.duplicates.equals(first.duplicates)
    assert again.demoted.num_rows == 0
    assert {p.name: pq.read_metadata(p).num_rows for p in tmp_path.glob("dt=*.parquet")} == size
    # No article is its own duplicate, even when the rerun sees its previous entries.
    assert all(r["duplicate_of"] != r["article_id"] for r in again.articles.to_pylist())


def final_heads(results_in_order) -> dict:
    """article -> head, applying each night's articles, then its demotions, in processing order."""
    head = {}
    for res in results_in_order:
        for r in res.articles.to_pylist():
            head[r["article_id"]] = r["cluster_id"]
        for r in res.demoted.to_pylist():
            head[r["article_id"]] = r["duplicate_of"]
    return head


def test_reverse_backfill_gives_the_same_heads(tmp_path):
    n = nights_fixture()
    forward = [deduplicate(table(n[d]), index_dir=tmp_path / "fwd", dt=d) for d in (D1, D2, D3)]
    backward = [deduplicate(table(n[d]), index_dir=tmp_path / "bwd", dt=d) for d in (D3, D2, D1)]
    assert final_heads(forward) == final_heads(backward)
    assert final_heads(forward)["n3-a"] == "n1-a"
    # Night 1 processed last precedes night 3's and night 2's copies: they are demoted.
    demoted = {r["article_id"]: r for r in backward[2].demoted.to_pylist()}
    assert demoted["n2-a"]["duplicate_of"] == "n1-a" and demoted["n3-a"]["kind"] == "exact_text"
    assert demoted["n2-a"]["dt"] == D2 and demoted["n2-a"]["source_id"] == "other"

    # The index ends identical whatever the order (same heads stored for every article).
    def stored(root):
        t = pa.concat_tables(
            [pq.read_table(p, columns=["article_id", "cluster_id"]) for p in root.glob("dt=*.parquet")]
        )
        return dict(zip(t.column("article_id").to_pylist(), t.column("cluster_id").to_pylist()))

    assert stored(tmp_path / "fwd") == stored(tmp_path / "bwd")


def test_rerun_with_changed_content_drops_stale_links(tmp_path):
    s = story(77)
    deduplicate(table([{"id": "p", "text": s, "dt": D1}]), index_dir=tmp_path, dt=D1)
    r2 = deduplicate(
        table([{"id": "q", "text": substitute(s, 0.05, 3), "dt": D2}]), index_dir=tmp_path, dt=D2
    )
    assert by_id(r2)["q"]["duplicate_of"] == "p"
    # Night 1 is reprocessed and its article is now another story: q becomes a head again.
    r1 = deduplicate(table([{"id": "p", "text": story(78), "dt": D1}]), index_dir=tmp_path, dt=D1)
    assert r1.counts.extra["promoted"] == ["q"]
    r3 = deduplicate(table([{"id": "z", "text": story(79), "dt": D3}]), index_dir=tmp_path, dt=D3)
    assert r3.counts.extra["promoted"] == [] and r3.demoted.num_rows == 0


def test_index_with_other_parameters_is_refused(tmp_path):
    deduplicate(table([{"id": "a", "text": story(1), "dt": D1}]), index_dir=tmp_path, dt=D1)
    with pytest.raises(IndexFormatError, match="rebuild"):
        deduplicate(
            table([{"id": "b", "text": story(2), "dt": D2}]),
            index_dir=tmp_path,
            dt=D2,
            params=DedupParams(threshold=0.6),
        )


# ------------------------------------------------------------------------------------------- real data


@pytest.mark.corpus
def test_real_ant_articles_and_edited_copies(tmp_path):
    if not ANT.exists():
        pytest.skip(f"{ANT} not found: the shared corpus is read in place from ../shared/corpus")
    bodies = []
    with tarfile.open(ANT) as tar:
        for m in tar:
            if m.isfile() and m.name.endswith(".txt") and len(bodies) < 400:
                raw = tar.extractfile(m).read().decode("utf-8", "replace")
                text = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)[1].strip()
                if len(text.split()) >= 60:
                    bodies.append(text)
    bodies = list(dict.fromkeys(bodies))
    rows = [{"id": f"ant{i}", "text": b, "dt": D1} for i, b in enumerate(bodies)]
    copies = [
        {"id": f"copy{i}", "text": substitute(b, 0.1, i), "dt": D2, "source": "other"}
        for i, b in enumerate(bodies[:100])
    ]
    r1 = deduplicate(table(rows), index_dir=tmp_path, dt=D1)
    r2 = by_id(deduplicate(table(copies), index_dir=tmp_path, dt=D2))
    found = sum(r2[f"copy{i}"]["duplicate_of"] == f"ant{i}" for i in range(100))
    assert found >= 95
    assert r1.counts.extra["by_kind"]["near"] <= 2  # real ANT articles of one stretch are distinct stories
