"""Full-text search: search_articles() gives the fts extension's own BM25 answers, reading only
the postings of the query terms, and the incremental index equals a full rebuild."""

from __future__ import annotations

import datetime as dt
import random
import re
import tarfile

import duckdb
import pyarrow as pa
import pytest

from akhbar import lake, warehouse
from akhbar.schema import ARTICLE, DUPLICATES
from tests.conftest import CORPUS

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)

AR_WORDS = ("العراق العراقية والعراق بالعراق الحكومة الحكومية حكومات تونس التونسية الانتخابات انتخابات "
            "الرئيس رئيس الوزراء وزارة الصحة المستشفى أعلنت إعلان أمس اليوم مدينة المدن القدس غزة "
            "الاقتصاد اقتصادية الميزانية البرلمان مجلس النواب قال يقول المدرسة المدارس الطلاب كتب الكتاب "
            "مؤتمر المؤتمرات سيارة السيارات ٢٠٢٤ 2024 القاهرة مصر المصرية").split()
FR_WORDS = ("élection élections électoral gouvernement gouvernements ministre ministères été économie "
            "économique hôpital hôpitaux santé école écoles élèves réforme réformes Tunis tunisienne "
            "président présidente annonce annoncé budget parlement député députés rentrée français "
            "français crise cœur àéïöù").split()
EN_WORDS = ("election elections elected government governments minister ministry economy economic "
            "hospital hospitals health school schools students reform reforms president announced "
            "announces budget parliament cairo egypt egyptian running runs ran table drop articles "
            "naïve café").split()
WORDS = {"ar": AR_WORDS, "fr": FR_WORDS, "en": EN_WORDS}
PUNCT = [" ", " ", " ", ", ", ". ", "، ", " - ", "\n", " (", ") ", "؟ ", "'", ' "']


def row(article_id: str, day: dt.date, title: str, text: str, lang: str) -> dict:
    r = {name: None for name in ARTICLE.names}
    r.update(article_id=article_id, record_id="r" + article_id, source_id="s-" + lang,
             url=f"https://x.test/{article_id}", title=title, text=text, text_search=text, lang=lang, dt=day,
             published_at=dt.datetime.combine(day, dt.time(8), dt.timezone.utc),
             fetched_at=dt.datetime(2026, 11, 28, tzinfo=dt.timezone.utc), content_hash="h" + article_id,
             cluster_id=article_id)
    return r


def synthetic(day: dt.date, n: int, seed: int, prefix: str) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lang = rng.choice(["ar", "ar", "ar", "fr", "en"])
        words = WORDS[lang]
        text = "".join(rng.choice(words) + rng.choice(PUNCT) for _ in range(rng.randint(5, 60)))
        title = " ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) if i % 7 else None
        rows.append(row(f"{prefix}{i:04d}", day, title, text, lang))
    # Documents the assertions below rely on.
    rows.append(row(prefix + "-iraqi", day, "بيان", "أعلنت الحكومة العراقية الميزانية", "ar"))
    rows.append(row(prefix + "-vowels", day, None, "زار الوفدُ القُدسَ وغزَّة", "ar"))
    rows.append(row(prefix + "-digits", day, None, "ميزانية عام 2024 للدولة", "ar"))
    rows.append(row(prefix + "-accents", day, "Rentrée", "Les élections législatives ont été annoncées", "fr"))
    rows.append(row(prefix + "-punct", day, None, "!!! ... ؟؟؟ --- ***", "en"))
    return rows


_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)


def real_articles(day: dt.date, limit: int) -> list[dict]:
    """Real Arabic news (ANT v1.1) when ../shared/corpus is there; else none."""
    tarball = CORPUS / "ant" / "ant-v1.1.tar.gz"
    if not tarball.exists():
        return []
    rows = []
    with tarfile.open(tarball) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".txt"):
                doc = tar.extractfile(member).read().decode("utf-8", "replace")
                text, title = _TEXT.search(doc), _TITLE.search(doc)
                if text and text.group(1).strip():
                    rows.append(row(f"ant{len(rows):04d}", day, title.group(1).strip() if title else None,
                                    text.group(1).strip(), "ar"))
            if len(rows) >= limit:
                break
    return rows


def write_night(root, day, rows) -> None:
    lake.write_partition(root, "articles", day, pa.Table.from_pylist(rows, schema=ARTICLE))


def extension_index(con) -> None:
    """The fts extension's own index over the same articles, with the same settings as before."""
    for lang, stemmer in warehouse.SEARCH_LANGUAGES.items():
        con.execute(f"""CREATE OR REPLACE TABLE ref_{lang} AS
                        SELECT article_id, coalesce(title, '') AS title, text FROM articles WHERE lang = ?""", [lang])
        con.execute(f"""PRAGMA create_fts_index('ref_{lang}', 'article_id', 'title', 'text', stemmer='{stemmer}',
                        stopwords='none', strip_accents=1, lower=1,
                        ignore='{warehouse._FTS_TOKEN_SEPARATORS}', overwrite=1)""")


def reference(con, q: str) -> dict[str, float]:
    """match_bm25's answer. Its tokenize() keeps the empty token that a leading or trailing
    separator leaves ("'; DROP" -> ['', 'drop']), which then matches the odd document where some
    word stems to ''; search_articles drops empty tokens, so the reference gets the query trimmed."""
    q = re.sub(r"^[\W_]+|[\W_]+$", "", q)
    if not q:
        return {}
    out = {}
    for lang in warehouse.SEARCH_LANGUAGES:
        rows = con.execute(
            f"""SELECT article_id, score FROM (
                    SELECT article_id, fts_main_ref_{lang}.match_bm25(article_id, akhbar_fold(?)) AS score FROM ref_{lang})
                WHERE score IS NOT NULL""", [q]).fetchall()
        out.update(rows)
    return out


def ours(con, q: str, k: int | None = None) -> list[tuple[str, float]]:
    if k is None:
        return con.execute("SELECT article_id, score FROM search_articles(?)", [q]).fetchall()
    return con.execute("SELECT article_id, score FROM search_articles(?, k := ?)", [q, k]).fetchall()


def assert_same(got: list[tuple[str, float]], want: dict[str, float], q: str) -> None:
    assert {a for a, _ in got} == set(want), q
    for article_id, score in got:
        assert score == pytest.approx(want[article_id], rel=1e-9, abs=1e-12), (q, article_id)
    scores = [s for _, s in got]
    assert scores == sorted(scores, reverse=True), q


def queries_from(rows: list[dict], n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    words = sorted({w for r in rows for w in re.findall(r"\w+", r["text"])})
    picked = rng.sample(words, min(n, len(words)))
    multi = [" ".join(rng.sample(words, 2)) for _ in range(n // 4)] + [" ".join(rng.sample(words, 4)) for _ in range(5)]
    return picked + multi


HOSTILE = ["'; DROP TABLE articles; --", "\" OR 1=1 --", "a AND NOT b*", "(((", "%", "_", "\\", "'", "''",
           "election' OR '1'='1", "$1", "?", ":q", "\x00", "؟؟؟", "...", "*", "NULL", "   ", ""]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    rows = synthetic(D1, 300, seed=1, prefix="a") + real_articles(D1, 150)
    write_night(tmp / "lake", D1, rows)
    path = tmp / "w.duckdb"
    warehouse.load_night(path, lake_root=tmp / "lake", dt=D1)
    con = warehouse.connect(path)
    extension_index(con)
    yield con, rows
    con.close()


def test_same_results_and_scores_as_the_extensions_match_bm25(db):
    con, rows = db
    queries = queries_from(rows, 120) + ["العراق", "élection", "ELECTIONS", "government election", HOSTILE[0],
                                         HOSTILE[2], "العراق العراقية", "العراق العراق"]
    matched = 0
    for q in queries:
        want = reference(con, q)
        assert_same(ours(con, q), want, q)
        matched += bool(want)
    assert matched >= len(queries) * 0.9  # the comparison is not vacuous


def test_top_k_is_the_head_of_the_full_ranking(db):
    con, rows = db
    for q in ["الحكومة", "élections", "government", "الحكومة government élections"]:
        full = ours(con, q)
        assert len(full) > 5, q
        top = ours(con, q, k=5)
        assert [a for a, _ in top] == [a for a, _ in full[:5]], q
        assert [s for _, s in top] == pytest.approx([s for _, s in full[:5]])
    assert len(ours(con, "الحكومة", k=1)) == 1


def test_stemming_accents_and_query_folding(db):
    con, _ = db
    # Arabic stemming: the article that only says العراقية is found by العراق, and with prefixes.
    # (The Snowball stemmer keeps the conjunction in والعراق: that form is not expected to match.)
    for q in ["العراق", "بالعراق", "للعراق", "عراق"]:
        assert "a-iraqi" in {a for a, _ in ours(con, q)}, q
    # Diacritics in the text or in the query do not matter; Arabic-Indic digits find ASCII ones.
    assert "a-vowels" in {a for a, _ in ours(con, "القدس")}
    assert ours(con, "العِرَاقُ") == ours(con, "العراق")
    assert "a-digits" in {a for a, _ in ours(con, "٢٠٢٤")}
    # French accents and case are folded on both sides.
    accents = {a for a, _ in ours(con, "elections")}
    assert "a-accents" in accents
    assert ours(con, "élections") == ours(con, "ELECTIONS") == ours(con, "elections")
    # Output columns and order.
    cur = con.execute("SELECT * FROM search_articles(?, k := 3)", ["annoncées"])
    assert [d[0] for d in cur.description] == ["article_id", "title", "published_at", "dt", "source_id", "lang",
                                               "score"]
    rows = cur.fetchall()
    assert rows and rows[0][0] == "a-accents" and rows[0][5] == "fr" and rows[0][3] == D1


def test_multi_word_queries_sum_bm25_over_distinct_terms(db):
    con, _ = db
    a = dict(ours(con, "العراقية"))
    b = dict(ours(con, "الميزانية"))
    both = dict(ours(con, "العراقية الميزانية"))
    # Disjunctive: a document with either term matches; with both, its score is the sum.
    assert set(both) == set(a) | set(b)
    for article_id, score in both.items():
        assert score == pytest.approx(a.get(article_id, 0.0) + b.get(article_id, 0.0))
    # A repeated query word counts once.
    assert ours(con, "العراقية العراقية") == ours(con, "العراقية")


def test_hostile_strings_are_data_and_return_sensible_rows(db):
    con, _ = db
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    for q in HOSTILE:
        got = ours(con, q)
        assert_same(got, reference(con, q) if q.strip(" \x00") else {}, q)
        ours(con, q, k=3)
    # Nothing with neither letters nor digits matches anything (not even the all-punctuation text).
    for q in ["", "   ", "(((", "'", "؟؟؟", "...", "*", "%", "\\"]:
        assert ours(con, q) == [], q
    assert con.execute("SELECT count(*) FROM search_articles(NULL)").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == n
    # Words inside the hostile strings are searched like any words.
    assert {a for a, _ in ours(con, "'; DROP TABLE articles; --")} == {a for a, _ in ours(con, "drop table articles")}


def dump_index_answers(con, queries) -> dict:
    return {q: ours(con, q) for q in queries}


def test_incremental_index_equals_a_full_rebuild_and_the_extension(tmp_path, monkeypatch):
    monkeypatch.setattr(warehouse, "SEARCH_INDEX_BATCH", 37)  # several batches per night
    root, path = tmp_path / "lake", tmp_path / "w.duckdb"
    nights = {D1: synthetic(D1, 120, seed=11, prefix="n1-"), D2: synthetic(D2, 120, seed=12, prefix="n2-"),
              D3: synthetic(D3, 60, seed=13, prefix="n3-")}
    for day, rows in nights.items():
        write_night(root, day, rows)
        warehouse.load_night(path, lake_root=root, dt=day)
    # A rerun of D2 with changed texts, one article less and one new; then a demotion on D1.
    changed = [dict(r, text=r["text"] + " الانتخابات élections elections") for r in nights[D2][:40]]
    rerun = changed + nights[D2][41:] + [row("n2-new", D2, "جديد", "خبر جديد عن الانتخابات في العراق", "ar")]
    write_night(root, D2, rerun)
    warehouse.load_night(path, lake_root=root, dt=D2)
    demoted = pa.Table.from_pylist([{"article_id": "n3-0001", "duplicate_of": "n1-0001", "cluster_id": "n1-0001",
                                     "kind": "near", "similarity": 0.9, "source_id": "s", "url": None, "title": None,
                                     "dt": D3}], schema=DUPLICATES)
    warehouse.load_night(path, lake_root=root, dt=D1, demoted=demoted)

    con = warehouse.connect(path)
    try:
        all_rows = [r for rows in nights.values() for r in rows] + rerun
        queries = queries_from(all_rows, 60, seed=7) + ["الانتخابات", "élections", "العراق"]
        incremental = dump_index_answers(con, queries)
        # The index holds exactly the articles of each language, nothing of removed or demoted ones.
        for lang in warehouse.SEARCH_LANGUAGES:
            got = con.execute(f"SELECT article_id FROM search_{lang}_docs ORDER BY 1").fetchall()
            assert got == con.execute("SELECT article_id FROM articles WHERE lang = ? ORDER BY 1", [lang]).fetchall()
            assert con.execute(f"SELECT count(*) FROM search_{lang}_dict WHERE df < 0").fetchone()[0] == 0
        assert not con.execute("SELECT count(*) FROM search_ar_docs WHERE article_id IN ('n2-0040', 'n3-0001')"
                               ).fetchone()[0]
        assert "n2-new" in {a for a, _ in ours(con, "الانتخابات")}
        assert "n2-0001" in {a for a, _ in ours(con, "élections")} | {a for a, _ in ours(con, "الانتخابات")}
        extension_index(con)
        for q in queries:
            assert_same(incremental[q], reference(con, q), q)
        # Nothing changed since: the next call indexes nothing; a full rebuild answers the same.
        changes = warehouse.rebuild_search_index(con)
        assert all(c["added"] == 0 and c["removed"] == 0 for c in changes.values())
        warehouse.rebuild_search_index(con, full=True)
        full = dump_index_answers(con, queries)
        for q in queries:
            assert [a for a, _ in full[q]] == [a for a, _ in incremental[q]], q
            assert [s for _, s in full[q]] == pytest.approx([s for _, s in incremental[q]]), q
    finally:
        con.close()


def test_search_works_on_a_read_only_connection(tmp_path):
    write_night(tmp_path / "lake", D1, synthetic(D1, 30, seed=5, prefix="r"))
    path = tmp_path / "w.duckdb"
    warehouse.load_night(path, lake_root=tmp_path / "lake", dt=D1)
    names, rows = warehouse.query(path, "SELECT article_id, score FROM search_articles(?, k := 3)", ["القدس"])
    assert names == ["article_id", "score"] and len(rows) == 3
    _, rows = warehouse.query(path, "SELECT article_id FROM search_articles(?, k := 100)", ["العراقية"])
    assert ("r-iraqi",) in rows
    with pytest.raises(duckdb.Error):
        warehouse.query(path, "DELETE FROM search_ar_terms")


def test_a_crash_while_staging_the_index_leaves_the_old_index_that_the_next_call_completes(tmp_path, monkeypatch):
    monkeypatch.setattr(warehouse, "SEARCH_INDEX_BATCH", 25)
    root, path = tmp_path / "lake", tmp_path / "w.duckdb"
    first, second = synthetic(D1, 60, seed=21, prefix="c-"), synthetic(D2, 100, seed=22, prefix="d-")
    write_night(root, D1, first)
    warehouse.load_night(path, lake_root=root, dt=D1)
    con = warehouse.connect(path, read_only=True)
    queries = queries_from(first + second, 30, seed=3)
    before = dump_index_answers(con, queries)
    con.close()

    write_night(root, D2, second)
    real_batch, calls = warehouse._index_batch, []

    def crashing(con, *args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("killed in the third batch")
        return real_batch(con, *args, **kwargs)

    monkeypatch.setattr(warehouse, "_index_batch", crashing)
    with pytest.raises(RuntimeError, match="third batch"):
        warehouse.load_night(path, lake_root=root, dt=D2)
    con = warehouse.connect(path)
    try:
        # The night's articles are committed; the index is still exactly the previous night's.
        assert con.execute("SELECT count(*) FROM articles WHERE dt = ?", [D2]).fetchone()[0] == len(second)
        assert dump_index_answers(con, queries) == before
        assert con.execute("SELECT count(*) FROM search_ar_docs WHERE article_id LIKE 'd-%'").fetchone()[0] == 0
        monkeypatch.setattr(warehouse, "_index_batch", real_batch)
        changes = warehouse.rebuild_search_index(con)
        n_new = con.execute("SELECT count(*) FROM articles WHERE dt = ?", [D2]).fetchone()[0]
        assert sum(c["added"] for c in changes.values()) == n_new
        resumed = dump_index_answers(con, queries)
        assert resumed != before
        warehouse.rebuild_search_index(con, full=True)
        for q, answer in dump_index_answers(con, queries).items():
            assert [a for a, _ in answer] == [a for a, _ in resumed[q]], q
            assert [s for _, s in answer] == pytest.approx([s for _, s in resumed[q]]), q
    finally:
        con.close()
