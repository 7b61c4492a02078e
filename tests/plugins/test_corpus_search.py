"""The Corpus page's search language and snippets: the pure functions (akhbar.corpus_search), then
corpus_stats.search over the small catalog of conftest.py (the real search_articles macro)."""

from __future__ import annotations

import pytest

from akhbar import corpus_search, corpus_stats
from akhbar.corpus_search import Query, SnippetPart, fold, parse_query, snippet, snippet_text, word_matches
from akhbar.lakehouse.session import reader_session


def marked(parts) -> list[str]:
    return [p.text for p in parts if p.mark]


# -- folding -------------------------------------------------------------------------------------------

FOLD_CASES = [
    "الحُكُومَةُ",
    "تـــونس",
    "٢٠٢٤ و۱۴۰۳",
    "أحمد إلى آخر مؤتمر",
    "Élections à l'Intérieur",
    "e\u0301te\u0301",
    "İstanbul",
    "Straße",
    "ﻻ",
]


def test_fold_drops_arabic_diacritics_tatweel_and_accents():
    assert fold("الحُكُومَةُ") == "الحكومة"
    assert fold("تـــونس") == "تونس"
    assert fold("٢٠٢٤ و۱۴۰۳") == "2024 و1403"
    assert fold("Élections à l'Intérieur") == "elections a l'interieur"
    assert fold("e\u0301te\u0301") == fold("été") == "ete"  # decomposed or not


def test_fold_is_the_catalogs_own(catalog):
    """The Python fold gives what the catalog's SQL gives (strip_accents(akhbar_fold(x))): a snippet marks
    what the phrase filter kept."""
    with reader_session(catalog) as con:
        sql = [con.execute("SELECT strip_accents(akhbar_fold(?))", [s]).fetchone()[0] for s in FOLD_CASES]
    assert [fold(s) for s in FOLD_CASES] == sql


# -- the query language ---------------------------------------------------------------------------------


def test_plain_words_are_scored_as_before():
    q = parse_query("تونس élections budget")
    assert q == Query(words=("تونس", "elections", "budget"))
    assert not q.filtered and q.terms == "تونس elections budget"


def test_quoted_phrases_in_any_of_three_quote_styles():
    q = parse_query('"وزير الداخلية" « état d\'urgence » “harbour reopened” tunis')
    assert q.phrases == (("وزير", "الداخلية"), ("etat", "d", "urgence"), ("harbour", "reopened"))
    assert q.words == ("tunis",) and q.filtered
    # The phrases' words are scored too: the macro finds the candidates, the filter keeps the phrase.
    assert set(q.terms.split()) == {
        "وزير",
        "الداخلية",
        "etat",
        "d",
        "urgence",
        "harbour",
        "reopened",
        "tunis",
    }


def test_plus_marks_a_required_word():
    q = parse_query("+تونس الحكومة +élections +")
    assert q.required == ("تونس", "elections") and q.words == ("الحكومة",)


def test_an_open_quote_is_no_phrase_and_an_empty_phrase_is_nothing():
    assert parse_query('"le gouvernement') == Query(words=("le", "gouvernement"))
    assert parse_query('"" ""') == Query()
    assert parse_query('"..." +!').terms == ""


@pytest.mark.parametrize(
    "text, phrase, found",
    [
        ("قال ووزير الداخلية، أمس", "وزير الداخلية", True),  # a proclitic on its first word
        ("وزير، الداخلية", "وزير الداخلية", True),  # punctuation between its words
        ("الوزيرُ - الدَّاخلية", "وزير الداخلية", True),
        ("وزير الخارجية والداخلية", "وزير الداخلية", False),
        ("le ministre de l’Intérieur", "ministre de l'interieur", True),
        ("le ministre de la ville", "ministre de l'interieur", False),
        ("a.b x|y", "a b", True),
        ("ab", "a b", False),
        ("x|y", "x y", True),
        ("xy", "x|y", False),
    ],
)
def test_phrase_pattern_over_the_catalogs_folding(catalog, text, phrase, found):
    """The pattern is matched in SQL against strip_accents(akhbar_fold(text)); regex characters of the query
    never reach it (a phrase is its words)."""
    pattern = corpus_search.phrase_pattern(parse_query(f'"{phrase}"').phrases[0])
    with reader_session(catalog) as con:
        got = con.execute(
            "SELECT regexp_matches(strip_accents(akhbar_fold(?)), ?)", [text, pattern]
        ).fetchone()[0]
    assert got is found


# -- which words match ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text_word, query_word",
    [
        ("تونس", "تونس"),
        ("بتونس", "تونس"),
        ("والعراق", "العراق"),
        ("العراقية", "العراق"),
        ("التونسية", "تونس"),
        ("الحكومة", "حكومة"),
        ("elections", "election"),
        ("election", "elections"),
        ("announced", "announce"),
        ("harbours", "harbour"),
    ],
)
def test_word_matches(text_word, query_word):
    assert word_matches(fold(text_word), fold(query_word))


@pytest.mark.parametrize(
    "text_word, query_word",
    [
        ("تونسيون", "تو"),
        ("the", "then"),
        ("administration", "admin"),
        ("وزير", "زيارة"),
        ("de", "des"),
    ],
)
def test_word_does_not_match(text_word, query_word):
    assert not word_matches(fold(text_word), fold(query_word))


# -- snippets ---------------------------------------------------------------------------------------------

AR_TEXT = (
    (
        "افتتحت الدورة الجديدة للمعرض الدولي للكتاب بحضور عدد كبير من الناشرين والكتّاب من مختلف البلدان "
        "العربية والأجنبية، وشهدت القاعات إقبالا واسعا منذ الساعات الأولى. "
    )
    * 3
    + ("وفي سياق آخر، أعلن وَزِيرُ الدَّاخِليّة في تـــونس العاصمة أن الانتخابات ستجري في موعدها. ")
    + ("وتتواصل الفعاليات طيلة عشرة أيام مع ندوات ولقاءات فكرية. ") * 4
)


def test_arabic_snippet_is_a_window_around_the_first_match():
    parts = snippet(AR_TEXT, parse_query("تونس"))
    text = snippet_text(parts)
    assert text.startswith("…") and text.endswith("…")
    assert len(text) <= corpus_search.SNIPPET_CHARS + 2
    # The word as the article writes it (tatweel and all) is the one marked, after folding.
    assert marked(parts) == ["تـــونس"]
    assert "وَزِيرُ الدَّاخِليّة" in text and "افتتحت الدورة" not in text


def test_arabic_phrase_is_marked_whole_and_anchors_the_window():
    parts = snippet(AR_TEXT, parse_query('"وزير الداخلية" الكتاب'))
    # الكتاب (للكتاب, والكتّاب) is in every sentence before the phrase, none of them near enough.
    assert marked(parts) == ["وَزِيرُ الدَّاخِليّة"]
    assert snippet_text(parts).index("وَزِيرُ") < corpus_search.SNIPPET_LEAD + 40


def test_french_snippet_marks_accented_and_inflected_words():
    text = (
        "Le conseil municipal s'est réuni hier soir pour examiner le budget de la ville. " * 4
        + "Le gouvernement a annoncé des Élections anticipées ; l'élection aura lieu au printemps."
    )
    parts = snippet(text, parse_query("election"))
    assert marked(parts) == ["Élections", "élection"]
    assert snippet_text(parts).startswith("…") and snippet_text(parts).endswith("printemps.")


def test_english_snippet_from_the_start_when_the_match_is_early():
    text = "The harbour reopened after the storm; the harbours of the north stayed closed.\n\nMore later."
    parts = snippet(text, parse_query("harbour storms"))
    assert parts[0] == SnippetPart("The ", False)
    assert marked(parts) == ["harbour", "storm", "harbours"]
    assert snippet_text(parts) == (
        "The harbour reopened after the storm; the harbours of the north stayed closed. More later."
    )


def test_a_title_is_kept_whole_with_its_matches_marked():
    title = "  Élections :  le gouvernement annonce la date "
    parts = corpus_search.highlight(title, parse_query('"le gouvernement" election'))
    assert snippet_text(parts) == title
    assert marked(parts) == ["Élections", "le gouvernement"]
    assert corpus_search.highlight(None, parse_query("x")) == ()


def test_snippet_without_a_match_is_the_start_of_the_text():
    text = "word " * 100
    parts = snippet(text, parse_query("absent"))
    assert not marked(parts)
    assert snippet_text(parts).startswith("word word") and snippet_text(parts).endswith("…")
    assert snippet(None, parse_query("x")) == () and snippet("  \n ", parse_query("x")) == ()


def test_a_window_is_cut_at_spaces_and_never_cuts_the_match():
    text = ("alpha " * 60) + "needle" + (" omega" * 60)
    parts = snippet(text, parse_query("needle"), width=80)
    inner = snippet_text(parts).strip("…")
    assert marked(parts) == ["needle"]
    assert inner.split()[0] == "alpha" and inner.split()[-1] == "omega"


# -- corpus_stats.search on the catalog -----------------------------------------------------------------


def ids(catalog, q) -> set[str]:
    return {r["article_id"] for r in corpus_stats.search(catalog, q)["results"]}


def test_a_phrase_keeps_the_articles_that_contain_it(catalog):
    assert ids(catalog, "تونس العاصمة") == {"o1", "a2", "a3"}  # words: any of them
    assert ids(catalog, '"تونس العاصمة"') == {"a3"}
    assert ids(catalog, '"تُونِس الـعاصمة"') == {"a3"}  # diacritics and tatweel folded
    assert ids(catalog, '"العاصمة تونس"') == set()  # the words in that order
    assert ids(catalog, '"ميزانية تونس"') == {"a2"}  # in its title, not in its text
    assert ids(catalog, '"le gouvernement annonce"') == {"f1"}


def test_a_plus_word_is_required(catalog):
    assert ids(catalog, "elections yesterday") == {"e3", "f1"}
    assert ids(catalog, "elections +yesterday") == {"e3"}
    assert ids(catalog, "الحكومة +تونس") == {"o1", "a2", "a3"}
    assert ids(catalog, "تونس +الحكومة") == {"a2"}
    assert ids(catalog, "تونس +absentword") == set()


def test_results_carry_a_link_and_a_marked_snippet(catalog):
    found = corpus_stats.search(catalog, '"تونس العاصمة"')
    assert found["syntax"] == {"words": [], "required": [], "phrases": ["تونس العاصمة"]}
    (a3,) = found["results"]
    assert a3["link"] == a3["url"] == "https://x.test/a3"
    assert a3["snippet"] == "أمطار غزيرة في تونس العاصمة اليوم"
    assert [p for p in a3["snippet_parts"] if p["mark"]] == [{"text": "تونس العاصمة", "mark": True}]
    assert a3["title_parts"] == [{"text": "أمطار في ", "mark": False}, {"text": "تونس", "mark": True}]
    assert "text" not in a3  # the whole text stays in the catalog


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://EXAMPLE.ORG/x", "HTTP://EXAMPLE.ORG/x"),
        (" https://example.org/ ", "https://example.org/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("ftp://example.org/", None),
        ("/relative/path", None),
        ("https:no-host", None),
        ("//example.org/x", None),
        ("", None),
        (None, None),
        ("http://[::1", None),
    ],
)
def test_only_http_urls_become_links(url, link):
    assert corpus_stats.article_link(url) == link


def test_a_phrase_is_looked_for_in_the_best_matches_of_its_words(catalog, monkeypatch):
    found = corpus_stats.search(catalog, '"في تونس"')
    assert {r["article_id"] for r in found["results"]} == {"a2", "a3"}
    assert found["matches"] == found["phrase_checked"] == 3  # o1 has تونس, not the phrase
    # The cost is bounded: only the best PHRASE_POOL matches have their text folded and searched.
    monkeypatch.setattr(corpus_stats, "PHRASE_POOL", 1)
    bounded = corpus_stats.search(catalog, '"في تونس"')
    assert (bounded["matches"], bounded["phrase_checked"]) == (3, 1)
    assert [r["article_id"] for r in bounded["results"]] == [found["results"][0]["article_id"]]
    none = corpus_stats.search(catalog, '"تونس في"')
    assert (none["count"], none["matches"], none["phrase_checked"]) == (0, 3, 1)


def test_plain_queries_count_their_matches(catalog):
    found = corpus_stats.search(catalog, "تونس", limit=1)
    assert (found["count"], found["matches"]) == (1, 3) and "phrase_checked" not in found
