"""Full-text search in the catalog: search_articles() gives the fts extension's own BM25 answers
(match_bm25, the same documents, its defaults), per-language stemming, query folding, hostile
strings as data; the index staged night by night (reruns, demotions, several batches) answers
exactly like the extension's index built over every article of the catalog at once."""

from __future__ import annotations

import datetime as dt
import random
import re
import tarfile

import duckdb
import pytest

from akhbar.lakehouse import extensions, search_index
from akhbar.lakehouse.session import reader_session
from tests.conftest import CORPUS
from tests.lakehouse.helpers import Night, article, demotion, publish, search_many, settings_for

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)
LANGS = {"ar": "arabic", "fr": "french", "en": "english"}
# The extension's tokeniser with letters and digits of any script as token characters (its default
# keeps only a-z); search.sql documents the same rule.
FTS_IGNORE = r"(\.|[^\p{L}\p{N}])+"

AR_WORDS = [
    "العراق",
    "العراقية",
    "والعراق",
    "بالعراق",
    "الحكومة",
    "الحكومية",
    "حكومات",
    "تونس",
    "التونسية",
    "الانتخابات",
    "انتخابات",
    "الرئيس",
    "رئيس",
    "الوزراء",
    "وزارة",
    "الصحة",
    "المستشفى",
    "أعلنت",
    "إعلان",
    "أمس",
    "اليوم",
    "مدينة",
    "المدن",
    "القدس",
    "غزة",
    "الاقتصاد",
    "اقتصادية",
    "الميزانية",
    "البرلمان",
    "مجلس",
    "النواب",
    "قال",
    "يقول",
    "المدرسة",
    "المدارس",
    "الطلاب",
    "كتب",
    "الكتاب",
    "مؤتمر",
    "المؤتمرات",
    "سيارة",
    "السيارات",
    "٢٠٢٤",
    "2024",
    "القاهرة",
    "مصر",
    "المصرية",
]
FR_WORDS = [
    "élection",
    "élections",
    "électoral",
    "gouvernement",
    "gouvernements",
    "ministre",
    "ministères",
    "été",
    "économie",
    "économique",
    "hôpital",
    "hôpitaux",
    "santé",
    "école",
    "écoles",
    "élèves",
    "réforme",
    "réformes",
    "Tunis",
    "tunisienne",
    "président",
    "présidente",
    "annonce",
    "annoncé",
    "budget",
    "parlement",
    "député",
    "députés",
    "rentrée",
    "français",
    "crise",
    "cœur",
    "àéïöù",
]
EN_WORDS = [
    "election",
    "elections",
    "elected",
    "government",
    "governments",
    "minister",
    "ministry",
    "economy",
    "economic",
    "hospital",
    "hospitals",
    "health",
    "school",
    "schools",
    "students",
    "reform",
    "reforms",
    "president",
    "announced",
    "announces",
    "budget",
    "parliament",
    "cairo",
    "egypt",
    "egyptian",
    "running",
    "runs",
    "ran",
    "table",
    "drop",
    "articles",
    "naïve",
    "café",
]
WORDS = {"ar": AR_WORDS, "fr": FR_WORDS, "en": EN_WORDS}
PUNCT = [" ", " ", " ", ", ", ". ", "، ", " - ", "\n", " (", ") ", "؟ ", "'", ' "']
HOSTILE = [
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    "a AND NOT b*",
    "(((",
    "%",
    "_",
    "\\",
    "'",
    "''",
    "election' OR '1'='1",
    "$1",
    "?",
    ":q",
    "\x00",
    "؟؟؟",
    "...",
    "*",
    "NULL",
    "   ",
    "",
]


def synthetic(day: dt.date, n: int, seed: int, prefix: str) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        lang = rng.choice(["ar", "ar", "ar", "fr", "en"])
        words = WORDS[lang]
        text = "".join(rng.choice(words) + rng.choice(PUNCT) for _ in range(rng.randint(5, 60)))
        title = " ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) if i % 7 else None
        rows.append(article(f"{prefix}{i:04d}", day, text, lang, source="s-" + lang, title=title))
    # Documents the assertions below rely on.
    rows.append(article(prefix + "-iraqi", day, "أعلنت الحكومة العراقية الميزانية", "ar", title="بيان"))
    rows.append(article(prefix + "-vowels", day, "زار الوفدُ القُدسَ وغزَّة", "ar", title=""))
    rows.append(article(prefix + "-digits", day, "ميزانية عام 2024 للدولة", "ar", title=""))
    rows.append(
        article(
            prefix + "-accents", day, "Les élections législatives ont été annoncées", "fr", title="Rentrée"
        )
    )
    rows.append(article(prefix + "-punct", day, "!!! ... ؟؟؟ --- ***", "en", title=""))
    rows.append(article(prefix + "-other", day, "Die Regierung kündigte Wahlen an", "de", title="Wahlen"))
    return rows


_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)


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
                    rows.append(
                        article(
                            f"ant{len(rows):04d}",
                            day,
                            text.group(1).strip(),
                            "ar",
                            title=title.group(1).strip() if title else "",
                        )
                    )
            if len(rows) >= limit:
                break
    return rows


def reference(settings, queries) -> dict[str, dict[str, float]]:
    """match_bm25's answer for each query. Its tokenize() keeps the empty token that a leading or
    trailing separator leaves ("'; DROP" -> ['', 'drop']), which then matches the odd document where
    some word stems to ''; search_articles drops empty tokens, so the reference gets the query trimmed.
    The query is folded first as search_articles folds it (akhbar_fold, from the catalog)."""
    with reader_session(settings) as con:
        articles = con.execute(
            "SELECT article_id, coalesce(title, '') AS title, text, lang FROM articles"
        ).fetch_arrow_table()
        folded = {q: con.execute("SELECT akhbar_fold(?)", [q]).fetchone()[0] for q in queries}
    ref = duckdb.connect(config=dict(extensions.OFFLINE_CONFIG))
    try:
        extensions.load(ref, "fts")
        ref.register("_articles", articles)
        for lang, stemmer in LANGS.items():
            ref.execute(
                f"CREATE TABLE ref_{lang} AS SELECT article_id, title, text FROM _articles WHERE lang = ?",
                [lang],
            )
            ref.execute(f"""PRAGMA create_fts_index('ref_{lang}', 'article_id', 'title', 'text', stemmer='{stemmer}',
                            stopwords='none', strip_accents=1, lower=1, ignore='{FTS_IGNORE}', overwrite=1)""")
        out = {}
        for q in queries:
            trimmed = re.sub(r"^[\W_]+|[\W_]+$", "", folded[q])
            out[q] = {}
            if not trimmed:
                continue
            for lang in LANGS:
                out[q].update(
                    ref.execute(
                        f"""SELECT article_id, score FROM (
                            SELECT article_id, fts_main_ref_{lang}.match_bm25(article_id, ?) AS score FROM ref_{lang})
                        WHERE score IS NOT NULL""",
                        [trimmed],
                    ).fetchall()
                )
        return out
    finally:
        ref.close()


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
    multi = [" ".join(rng.sample(words, 2)) for _ in range(n // 4)] + [
        " ".join(rng.sample(words, 4)) for _ in range(5)
    ]
    return picked + multi


@pytest.fixture(scope="module")
def night_catalog(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    settings = settings_for(tmp / "data")
    rows = synthetic(D1, 300, seed=1, prefix="a") + real_articles(D1, 150)
    publish(settings, Night(D1, rows), tmp / "work")
    return settings, rows


def ours(settings, queries, k=None):
    return search_many(settings, queries, k)


@pytest.mark.slow
def test_same_results_and_scores_as_the_extensions_match_bm25(night_catalog):
    settings, rows = night_catalog
    queries = queries_from(rows, 120) + [
        "العراق",
        "élection",
        "ELECTIONS",
        "government election",
        HOSTILE[0],
        HOSTILE[2],
        "العراق العراقية",
        "العراق العراق",
        "Wahlen",
    ]
    want, got = reference(settings, queries), ours(settings, queries)
    for q in queries:
        assert_same(got[q], want[q], q)
    assert sum(bool(want[q]) for q in queries) >= len(queries) * 0.9  # the comparison is not vacuous
    assert got["Wahlen"] == []  # German is not indexed (no stemmer of ours)


@pytest.mark.slow
def test_top_k_is_the_head_of_the_full_ranking(night_catalog):
    settings, _ = night_catalog
    queries = ["الحكومة", "élections", "government", "الحكومة government élections"]
    full, top = ours(settings, queries), ours(settings, queries, k=5)
    for q in queries:
        assert len(full[q]) > 5, q
        assert [a for a, _ in top[q]] == [a for a, _ in full[q][:5]], q
        assert [s for _, s in top[q]] == pytest.approx([s for _, s in full[q][:5]])
    assert len(ours(settings, ["الحكومة"], k=1)["الحكومة"]) == 1


@pytest.mark.slow
def test_stemming_accents_and_query_folding(night_catalog):
    settings, _ = night_catalog
    qs = [
        "العراق",
        "بالعراق",
        "للعراق",
        "عراق",
        "القدس",
        "العِرَاقُ",
        "٢٠٢٤",
        "elections",
        "élections",
        "ELECTIONS",
    ]
    got = {q: {a for a, _ in rows} for q, rows in ours(settings, qs).items()}
    ranked = ours(settings, qs)
    # Arabic stemming: the article that only says العراقية is found by العراق, and with prefixes.
    # (The Snowball stemmer keeps the conjunction in والعراق: that form is not expected to match.)
    for q in ["العراق", "بالعراق", "للعراق", "عراق"]:
        assert "a-iraqi" in got[q], q
    # Diacritics in the text or in the query do not matter; Arabic-Indic digits find ASCII ones.
    assert "a-vowels" in got["القدس"]
    assert ranked["العِرَاقُ"] == ranked["العراق"]
    assert "a-digits" in got["٢٠٢٤"]
    # French accents and case are folded on both sides.
    assert "a-accents" in got["elections"]
    assert ranked["élections"] == ranked["ELECTIONS"] == ranked["elections"]
    with reader_session(settings) as con:
        cur = con.execute("SELECT * FROM search_articles(?, k := 3)", ["annoncées"])
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    assert names == ["article_id", "title", "published_at", "dt", "source_id", "lang", "score"]
    assert rows and rows[0][0] == "a-accents" and rows[0][1] == "Rentrée" and rows[0][5] == "fr"
    assert rows[0][3] == D1 and rows[0][2] == dt.datetime.combine(D1, dt.time(8), dt.UTC)


def test_multi_word_queries_sum_bm25_over_distinct_terms(night_catalog):
    settings, _ = night_catalog
    got = ours(settings, ["العراقية", "الميزانية", "العراقية الميزانية", "العراقية العراقية"])
    a, b, both = dict(got["العراقية"]), dict(got["الميزانية"]), dict(got["العراقية الميزانية"])
    # Disjunctive: a document with either term matches; with both, its score is the sum.
    assert set(both) == set(a) | set(b)
    for article_id, score in both.items():
        assert score == pytest.approx(a.get(article_id, 0.0) + b.get(article_id, 0.0))
    # A repeated query word counts once.
    assert got["العراقية العراقية"] == got["العراقية"]


@pytest.mark.slow
def test_hostile_strings_are_data_and_return_sensible_rows(night_catalog):
    settings, _ = night_catalog
    want, got = reference(settings, HOSTILE), ours(settings, HOSTILE)
    for q in HOSTILE:
        assert_same(got[q], want[q] if q.strip(" \x00") else {}, q)
    ours(settings, HOSTILE, k=3)
    # Nothing with neither letters nor digits matches anything (not even the all-punctuation text).
    for q in ["", "   ", "(((", "'", "؟؟؟", "...", "*", "%", "\\"]:
        assert got[q] == [], q
    with reader_session(settings) as con:
        assert con.execute("SELECT count(*) FROM search_articles(NULL)").fetchone()[0] == 0
    # Words inside the hostile strings are searched like any words.
    words = ours(settings, ["drop table articles"])["drop table articles"]
    assert {a for a, _ in got["'; DROP TABLE articles; --"]} == {a for a, _ in words}


@pytest.mark.slow
def test_nightly_index_with_reruns_and_demotions_equals_the_extension_over_the_whole_catalog(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(search_index, "BATCH_DOCS", 37)  # several batches (and postings files) per night
    settings = settings_for(tmp_path / "data")
    nights = {
        D1: synthetic(D1, 120, seed=11, prefix="n1-"),
        D2: synthetic(D2, 120, seed=12, prefix="n2-"),
        D3: synthetic(D3, 60, seed=13, prefix="n3-"),
    }
    # A head that names itself as its own cluster's first article is kept, so it is indexed too.
    nights[D3].append(article("n3-self", D3, "مؤتمر المدارس في القاهرة", "ar", duplicate_of="n3-self"))
    nights[D3][0] = dict(nights[D3][0], duplicate_of="n1-0000", duplicate_kind="near", similarity=0.7)
    for day in (D3, D1, D2):
        publish(settings, Night(day, nights[day]), tmp_path / "work")
    # A rerun of D2 with changed texts, one article less and one new; then D1 again, demoting one of D3.
    changed = [dict(r, text=r["text"] + " الانتخابات élections elections") for r in nights[D2][:40]]
    rerun = changed + nights[D2][41:] + [article("n2-new", D2, "خبر جديد عن الانتخابات في العراق", "ar")]
    publish(settings, Night(D2, rerun), tmp_path / "work")
    demoted = next(r for r in nights[D3] if r["duplicate_of"] is None and r["lang"] == "ar")
    publish(
        settings,
        Night(D1, nights[D1], demoted=[demotion(demoted["article_id"], D3, "n1-0001")]),
        tmp_path / "work",
    )

    with reader_session(settings) as con:
        # The index holds exactly the kept articles of each language, nothing of removed or demoted ones.
        for lang in LANGS:
            assert (
                con.execute("SELECT article_id FROM search_docs WHERE lang = ? ORDER BY 1", [lang]).fetchall()
                == con.execute("SELECT article_id FROM articles WHERE lang = ? ORDER BY 1", [lang]).fetchall()
            ), lang
        assert (
            con.execute("SELECT count(*) FROM search_docs WHERE lang NOT IN ('ar', 'fr', 'en')").fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "SELECT count(*) FROM search_docs WHERE article_id IN ('n2-0040', ?, ?)",
                [demoted["article_id"], nights[D3][0]["article_id"]],
            ).fetchone()[0]
            == 0
        )
        # Per night and language: documents and total length as the documents say.
        assert (
            con.execute(
                """SELECT dt, lang, count(*), sum(len) FROM search_docs GROUP BY ALL ORDER BY ALL"""
            ).fetchall()
            == con.execute("SELECT dt, lang, n_docs, total_len FROM search_stats ORDER BY ALL").fetchall()
        )
        assert (
            con.execute(
                """SELECT count(*) FROM search_postings p ANTI JOIN search_docs d USING (lang, docid)"""
            ).fetchone()[0]
            == 0
        )
        # A term's document frequency per night is its postings' count, after reruns and demotions.
        assert (
            con.execute("SELECT lang, term, dt, df FROM search_terms ORDER BY ALL").fetchall()
            == con.execute(
                "SELECT lang, term, dt, count(*) FROM search_postings GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        )
        assert con.execute("SELECT count(DISTINCT docid) = count(*) FROM search_docs").fetchone()[0]
        # Impact ranks after the reruns and the demotion: what staging every night afresh gives (no gap
        # where a demoted article's postings were), in each index file.
        ranks = "SELECT lang, term, dt, docid, impact_rank FROM search_postings ORDER BY ALL"
        fresh = search_index.ranks_after_removal_sql("search_postings") + " ORDER BY ALL"
        assert con.execute(ranks).fetchall() == con.execute(fresh).fetchall()
    all_rows = [r for rows in nights.values() for r in rows] + rerun
    queries = queries_from(all_rows, 60, seed=7) + ["الانتخابات", "élections", "العراق", "مؤتمر المدارس"]
    got, want = ours(settings, queries), reference(settings, queries)
    for q in queries:
        assert_same(got[q], want[q], q)
    assert "n2-new" in {a for a, _ in got["الانتخابات"]}
    assert "n3-self" in {a for a, _ in got["مؤتمر المدارس"]}
    assert "n2-0001" in {a for a, _ in got["élections"]} | {a for a, _ in got["الانتخابات"]}


def test_search_answers_on_a_read_only_attachment(night_catalog):
    settings, _ = night_catalog
    with reader_session(settings) as con:
        rows = con.execute("SELECT article_id, score FROM search_articles(?, k := 3)", ["القدس"]).fetchall()
        assert len(rows) == 3
        hits = con.execute("SELECT article_id FROM search_articles(?, k := 100)", ["العراقية"]).fetchall()
        assert ("a-iraqi",) in hits
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM search_postings")


@pytest.mark.slow
def test_top_k_reads_the_head_of_a_common_word_and_keeps_its_best_documents(tmp_path):
    """1,500 documents hold the same word: a top-k search reads its first 1,000 postings by impact
    and still returns the full ranking's best; impact ranks run 1..df per term in each file."""
    rng = random.Random(5)
    rows = []
    for i in range(1500):
        words = ["الحكومة"] * rng.randint(1, 6) + [rng.choice(AR_WORDS) for _ in range(rng.randint(3, 120))]
        rng.shuffle(words)
        rows.append(article(f"c{i:04d}", D1, " ".join(words), "ar", title=""))
    settings = settings_for(tmp_path / "data")
    publish(settings, Night(D1, rows), tmp_path / "work")
    queries = ["الحكومة", "الحكومة القدس"]
    full, top = ours(settings, queries), ours(settings, queries, k=10)
    assert len(full["الحكومة"]) == 1500
    assert top["الحكومة"] == full["الحكومة"][:10]  # one word: the head holds the best documents
    assert len(top["الحكومة القدس"]) == 10
    with reader_session(settings) as con:
        assert con.execute("""SELECT df FROM search_terms WHERE term = md5_number_lower(stem('الحكومة', 'arabic'))
                              AND lang = 'ar'""").fetchall() == [(1500,)]
        assert (
            con.execute("""SELECT count(*) FROM (
                                  SELECT term, max(impact_rank) = count(*) AND min(impact_rank) = 1 AS ok
                                  FROM search_postings GROUP BY term) WHERE NOT ok""").fetchone()[0]
            == 0
        )


def test_a_night_of_several_batches_publishes_one_sorted_postings_file_per_language(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "BATCH_DOCS", 37)  # 120 articles: four batches of the work file
    settings = settings_for(tmp_path / "data")
    rows = synthetic(D1, 120, seed=21, prefix="m-")
    publish(settings, Night(D1, rows), tmp_path / "work")
    with reader_session(settings) as con:
        listed = con.execute("SELECT data_file FROM ducklake_list_files('akhbar', 'search_postings')")
        files = [r[0] for r in listed.fetchall()]
        langs = [con.execute(f"SELECT DISTINCT lang FROM read_parquet('{f}')").fetchall() for f in files]
        assert sorted(len(lang) for lang in langs) == [1] * len(files)  # one language a file
        assert len(files) == len({lang[0][0] for lang in langs})  # and one file a language
        for f in files:
            postings = con.execute(f"SELECT term, impact_rank, docid FROM read_parquet('{f}')").fetchall()
            assert postings == sorted(postings), f
            # Ranks are still those of each batch (index_part): several postings of a term share rank 1.
            heads = f"SELECT count(*) AS n FROM read_parquet('{f}') WHERE impact_rank = 1 GROUP BY term"
            assert con.execute(f"SELECT max(n) FROM ({heads})").fetchone()[0] > 1
        # No scratch run is left behind in the staged folder.
        assert not list((tmp_path / "data").rglob("run-*.parquet"))
    # Every search answers as the extension's match_bm25 over the same articles.
    queries = queries_from(rows, 12)
    want, got = reference(settings, queries), ours(settings, queries)
    for q in queries:
        assert_same(got[q], want[q], q)


def test_postings_row_groups_grow_with_the_file_within_bounds():
    # A 100k-article night's Arabic postings (about 10M): the smallest groups; a 1M night's (99M): about
    # 800 groups; never more than 262,144 rows a group; always a multiple of DuckDB's vector.
    assert search_index.postings_row_group_rows(0) == 16_384
    assert search_index.postings_row_group_rows(10_000_000) == 16_384
    size = search_index.postings_row_group_rows(99_309_820)
    assert size % 2048 == 0 and 99_309_820 / size <= search_index.POSTINGS_ROW_GROUPS < 99_309_820 / (
        size - 2048
    )
    assert search_index.postings_row_group_rows(10**12) == 262_144


def test_staged_postings_files_have_the_row_groups_their_size_calls_for(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    # Groups of 2,048 rows whatever the file (the bounds made equal): both the merged files of a night
    # of several batches and the files a one-batch night writes directly.
    monkeypatch.setattr(search_index, "_POSTINGS_GROUP_BOUNDS", (2048, 2048))
    monkeypatch.setattr(
        search_index, "BATCH_DOCS", 300
    )  # the first night in three batches, the second in one
    settings = settings_for(tmp_path / "data")
    publish(settings, Night(D1, synthetic(D1, 700, seed=23, prefix="g-")), tmp_path / "work")
    publish(settings, Night(D2, synthetic(D2, 250, seed=24, prefix="h-")), tmp_path / "work")
    with reader_session(settings) as con:
        listed = con.execute("SELECT data_file FROM ducklake_list_files('akhbar', 'search_postings')")
        files = [r[0] for r in listed.fetchall()]
    cut = set()
    for f in files:
        meta = pq.ParquetFile(f).metadata
        groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert max(groups) <= 2048, (f, groups)
        if len(groups) > 1:
            cut.add(next(night for night in (D1, D2) if f"dt={night.isoformat()}" in f))
    assert cut == {D1, D2}  # a file of each night (merged runs, a direct write) is cut into several groups
