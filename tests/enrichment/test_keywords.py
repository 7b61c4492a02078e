from akhbar.cleaning import search_key
from akhbar.enrichment.keywords import DocFreq, stopwords, terms, top_keywords


def test_stop_words_folded_and_excluded():
    sw = stopwords()
    assert search_key("إلى") in sw and "the" in sw and "les" in sw
    t = terms(search_key("وأكد الوزير أن الحكومة ستدعم الفلاحين في الجنوب the of les 2017"))
    assert "الوزير" in t and "الفلاحين" in t
    assert not set(t) & sw
    assert "2017" not in t


def test_top_keywords_prefer_rare_terms():
    docs = [
        search_key(x)
        for x in (
            "الحكومة تعلن خطة الفلاحة",
            "الحكومة تعلن ميزانية",
            "الحكومة والنقابة",
            "الزيتون الحكومة الزيتون",
        )
    ]
    df = DocFreq.from_texts(docs)
    top = top_keywords(docs[3], df, k=2)
    assert top[0][0] == "الزيتون"
    assert top[0][1] > top[1][1]


def test_docfreq_roundtrip_and_update(tmp_path):
    df = DocFreq().update(["a1 bb cc", "bb dd"])
    assert df.n_docs == 2 and df.get("bb") == 2 and df.get("cc") == 1
    df.save(tmp_path / "dt=2024-01-01.parquet")
    back = DocFreq.load(tmp_path / "dt=2024-01-01.parquet")
    assert back.df == df.df and back.n_docs == 2
    DocFreq().update(["bb"]).save(tmp_path / "dt=2024-01-02.parquet")
    nights = DocFreq.load_nights(tmp_path, before=__import__("datetime").date(2024, 1, 2))
    assert nights.n_docs == 2
    merged = nights.merged(DocFreq().update(["bb zz"]))
    assert merged.get("bb") == 3 and merged.n_docs == 3 and nights.get("bb") == 2


# --- the batch version -----------------------------------------------------------------------
import random

import pyarrow as pa

from akhbar.enrichment.keywords import top_keywords_batch

_WORDS = [
    "الحكومة",
    "الوزير",
    "تونس",
    "صفاقس",
    "الفلاحة",
    "الزيتون",
    "النقابة",
    "البرلمان",
    "الانتخابات",
    "المستشفى",
    "في",
    "من",
    "على",
    "إلى",
    "أن",
    "gouvernement",
    "ministre",
    "santé",
    "élection",
    "les",
    "des",
    "une",
    "pour",
    "avec",
    "école",
    "Sousse",
    "government",
    "minister",
    "health",
    "the",
    "of",
    "and",
    "for",
    "with",
    "election",
    "2017",
    "12",
    "٢٠١٧",
    "x",
    "y",
    "ا",
    "ب",
]
_SPACES = [" ", " ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000"]


def _synthetic_texts(n: int, seed: int) -> list:
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        if i % 50 == 0:
            texts.append(None if i % 100 == 0 else "")
            continue
        words = [rng.choice(_WORDS[: rng.randint(8, len(_WORDS))]) for _ in range(rng.randint(1, 60))]
        if i % 3 == 0:  # search keys, as enrichment passes them
            texts.append(search_key(" ".join(words)))
        else:  # raw text: any whitespace, leading and trailing too
            text = "".join(w + rng.choice(_SPACES) for w in words)
            texts.append(rng.choice(["", " ", "\n"]) + text)
    return texts


def _check_batch(texts, df, k):
    batch = top_keywords_batch(pa.array(texts, pa.string()), df, k=k)
    got = batch.per_text(len(texts))
    want = [top_keywords(t, df, k=k) for t in texts]
    assert [[t for t, _s in g] for g in got] == [[t for t, _s in w] for w in want]
    for g, w in zip(got, want):
        assert all(abs(gs - ws) <= 1e-6 for (_t, gs), (_u, ws) in zip(g, w))
    assert got == want  # the scores are even the same floats
    # rows come by text then rank 1..len
    ranks = [[] for _ in texts]
    for d, r in zip(batch.doc.tolist(), batch.rank.tolist()):
        ranks[d].append(r)
    assert ranks == [list(range(1, len(w) + 1)) for w in want]
    return want


def test_top_keywords_batch_equals_per_text():
    texts = _synthetic_texts(400, seed=7)
    df = DocFreq.from_texts(texts[:250])  # a frequency table that misses some terms
    want = _check_batch(texts, df, k=10)
    assert sum(map(len, want)) > 1000
    # Equal scores are frequent (same count and df): the term order must break the ties.
    assert any(len(w) > 1 and w[0][1] == w[1][1] for w in want)
    _check_batch(texts, df, k=3)
    _check_batch(texts, DocFreq.from_texts(texts).prune(3), k=10)
    _check_batch(texts, DocFreq(), k=10)  # empty table: every idf the same


def test_top_keywords_batch_accepts_lists_and_chunks():
    texts = _synthetic_texts(120, seed=11)
    df = DocFreq.from_texts(texts)
    want = [top_keywords(t, df) for t in texts]
    assert top_keywords_batch(texts, df).per_text(len(texts)) == want
    chunked = pa.chunked_array([pa.array(texts[:50], pa.string()), pa.array(texts[50:], pa.string())])
    assert top_keywords_batch(chunked, df).per_text(len(texts)) == want
    assert top_keywords_batch([None, "", " \t"], df).per_text(3) == [[], [], []]
    assert top_keywords_batch(texts, df, k=0).per_text(len(texts)) == [[] for _ in texts]


def test_docfreq_update_from_arrow_equals_from_strings():
    texts = _synthetic_texts(300, seed=3)
    by_text = DocFreq().update(iter(texts))  # any iterable: text by text
    by_batch = (
        DocFreq().update(pa.array(texts[:100], pa.string())).update(pa.array(texts[100:], pa.large_string()))
    )
    assert by_batch.df == by_text.df and by_batch.n_docs == by_text.n_docs == 300
    by_list = DocFreq.from_texts(texts)  # lists go through Arrow
    assert by_list.df == by_text.df and by_list.n_docs == 300
    assert set(by_text.df) == {t for x in texts for t in terms(x)}
    # A string Arrow cannot hold (a lone surrogate) falls back to the text-by-text count.
    odd = DocFreq().update(["ab \ud800cd ab", None, "ab"])
    assert odd.df == {"ab": 2, "\ud800cd": 1} and odd.n_docs == 3
