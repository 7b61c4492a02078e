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
    docs = [search_key(x) for x in (
        "الحكومة تعلن خطة الفلاحة", "الحكومة تعلن ميزانية", "الحكومة والنقابة", "الزيتون الحكومة الزيتون")]
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
