from akhbar.enrichment.textstats import count_sentences, fold, text_stats


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
