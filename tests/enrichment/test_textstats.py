import pytest

from akhbar.enrichment.textstats import TextStats, count_sentences, fold, text_stats


def test_counts_arabic():
    s = text_stats("هل وصل الوزير؟ نعم، وصل صباحا؛ ثم غادر.\nسطر آخر", "ar")
    assert s.n_chars == len("هل وصل الوزير؟ نعم، وصل صباحا؛ ثم غادر.\nسطر آخر")
    assert s.n_words == 10
    assert s.n_sentences == 4
    assert abs(s.reading_minutes - 10 / 180) < 1e-3


def test_decimal_point_is_not_a_sentence_end():
    assert count_sentences("Le taux est de 3.5 pour cent. Voilà") == 2


def test_empty():
    s = text_stats("", "fr")
    assert (s.n_chars, s.n_words, s.n_sentences, s.reading_minutes) == (0, 0, 0, 0.0)


def test_fold():
    assert fold("إِيطاليا أحمد مستشفى مدرسة") == "ايطاليا احمد مستشفي مدرسه"
    assert fold("Gabès") == "Gabès"


# --- the batch version -----------------------------------------------------------------------
import random

from akhbar.enrichment.textstats import text_stats_batch

_PIECES = [
    "وصل",
    "الوزير",
    "صفاقس",
    "le",
    "ministre",
    "the",
    "3.5",
    "٢٠١٧",
    "x_y",
    "_",
    "é",
    "e\u0301",
    "ﻻ",
    "😀",
    ".",
    "!",
    "?",
    "؟",
    "؛",
    "…",
    "...",
    "?!",
    ".\n",
    "،",
    ",",
    ":",
    "-",
    "«",
    "»",
    "(",
    ")",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\x1f",
    "\u200f",
]


def _synthetic(n: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 40 == 0:
            out.append(None if i % 80 == 0 else "")
            continue
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 80))))
    return out


def test_text_stats_batch_equals_per_text():
    texts = _synthetic(500, seed=5) + [
        "هل وصل الوزير؟ نعم، وصل صباحا؛ ثم غادر.\nسطر آخر",
        "Le taux est de 3.5 pour cent. Voilà",
        "Fin.",
        "...",
        "a.",
        ".a",
        "a.b. c",
        "a!\u00a0b",
        "a…\nb",
        "\n\na\n\n",
        "a. \n. b",
        "١٢٣ ٤٥",
        "x" * 3 + "!" * 4,
    ]
    langs = [random.Random(i).choice(["ar", "fr", "en", "und", None]) for i in range(len(texts))]
    batch = text_stats_batch(texts, langs)
    want = [text_stats(t, lang) for t, lang in zip(texts, langs)]
    got = [
        TextStats(int(c), int(w), int(s), m)
        for c, w, s, m in zip(batch.n_chars, batch.n_words, batch.n_sentences, batch.reading_minutes)
    ]
    assert got == want
    assert sum(s.n_sentences for s in want) > 1000 and sum(s.n_words for s in want) > 3000


def test_text_stats_batch_edge_cases():
    assert text_stats_batch([], []).n_words.tolist() == []
    b = text_stats_batch([None, "", "a"], ["fr", None, "ar"])
    assert (b.n_chars.tolist(), b.n_words.tolist(), b.n_sentences.tolist()) == (
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
    )
    assert b.reading_minutes == [0.0, 0.0, round(1 / 180, 3)]
    with pytest.raises(ValueError):
        text_stats_batch(["a"], [])
