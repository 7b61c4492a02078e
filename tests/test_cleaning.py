"""Cleaning: display text, search key, measures and the clean stage's accounting."""

from __future__ import annotations

import datetime as dt
import re
import tarfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akhbar import cleaning
from akhbar.cleaning import clean_documents, clean_text, clean_title, measure, search_key
from akhbar.hashing import sha256_hex
from akhbar.schema import CLEANED_DOCUMENT, DOCUMENT, QUARANTINE

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
DAY = dt.date(2024, 3, 1)
NOW = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)

ARABIC_PARAGRAPH = (
    "أكد وزير الصحة في تصريح إعلامي يوم الخميس أن الوزارة ستطلق حملة وطنية للتلقيح ضد النزلة الموسمية "
    "في كامل ولايات الجمهورية بداية من الأسبوع القادم، وأن الكميات المتوفرة من التلاقيح كافية لتغطية "
    "حاجيات الفئات الهشة وكبار السن والأطفال والمصابين بالأمراض المزمنة."
)


# --- display text: one rule at a time -------------------------------------------------


def test_tatweel_removed_in_text_and_key():
    assert clean_text("الـــعـراق") == "العراق"
    assert search_key("الـــعـراق") == "العراق"


def test_diacritics_kept_in_text_removed_in_key():
    text = "بِسْمِ اللَّهِ الرَّحْمَنِ"
    assert clean_text(text) == text
    assert search_key(text) == "بسم الله الرحمن"


def test_alef_forms_yeh_and_teh_marbuta_folded_in_key_only():
    text = "أحمد إبراهيم آمال ٱلله مستشفى المدرسة"
    assert clean_text(text) == text
    assert search_key(text) == "احمد ابراهيم امال الله مستشفي المدرسه"


def test_hamza_on_waw_and_yeh_is_kept_in_key():
    assert search_key("مسؤول رئيس") == "مسؤول رئيس"
    # The same words typed with a separate hamza mark give the same key.
    assert search_key("مسو\u0654ول ري\u0654يس") == "مسؤول رئيس"
    assert search_key("ا\u0654حمد") == search_key("أحمد") == "احمد"


def test_arabic_indic_and_persian_digits_to_ascii_in_key():
    assert search_key("سنة ٢٠٢٤") == "سنه 2024"
    assert search_key("سال ۲۰۲۴") == "سال 2024"
    assert clean_text("سنة ٢٠٢٤") == "سنة ٢٠٢٤"  # display keeps the writer's digits


def test_guillemets_kept_in_text_folded_in_key():
    text = "قال «اليوم أنهينا الجولة»."
    assert clean_text(text) == text
    assert search_key(text) == "قال اليوم انهينا الجوله"


def test_french_accents_kept_in_text_folded_in_key():
    text = "Élève à côté de l’hôpital — « Très bien » !"
    assert clean_text(text) == text
    assert search_key(text) == "eleve a cote de l hopital tres bien"


def test_casefold_and_compatibility_forms_in_key():
    assert search_key("STRASSE Straße") == "strasse strasse"
    assert search_key("ﻻ ﬁn ＡＢＣ") == "لا fin abc"


def test_zero_width_space_removed_zwnj_kept_between_joining_letters():
    assert clean_text("مي\u200bخواهم") == "ميخواهم"
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian: ZWNJ is spelling
    assert clean_text("word\u200c next") == "word next"  # not between joining letters
    assert clean_text("ab\u200dcd") == "abcd"
    family = "👨\u200d👩\u200d👧"
    assert clean_text(f"صورة {family}") == f"صورة {family}"  # emoji sequence held by ZWJ
    assert search_key("می\u200cخواهم") == "میخواهم"


def test_controls_bidi_marks_bom_and_soft_hyphen_removed():
    assert clean_text("\ufeffالعراق\u200f اليوم\u00ad\x07") == "العراق اليوم"
    assert clean_text("a\x00b\u2060c") == "abc"


def test_arabic_number_sign_is_kept():
    assert clean_text("\u0600١٢٣") == "\u0600١٢٣"


def test_html_entities_decoded():
    assert clean_text("AT&amp;T &laquo;ok&raquo; &#1575;&#x644;") == "AT&T «ok» ال"
    # Double-escaped text is decoded to the end (cleaning must be idempotent).
    assert clean_text("&amp;lt;b&amp;gt;") == "<b>"
    assert clean_text("R&D reste R&D") == "R&D reste R&D"


def test_whitespace_and_line_breaks_normalised():
    raw = "  سطر\u00a0أول\t\tمع   فراغات  \r\n\r\n\n  سطر ثان\u2028سطر ثالث\r"
    assert clean_text(raw) == "سطر أول مع فراغات\nسطر ثان\nسطر ثالث"


def test_mojibake_arabic_and_french_repaired():
    broken_ar = "العراق اليوم".encode().decode("cp1252", "replace")
    assert "Ø" in broken_ar
    assert clean_text(broken_ar) == "العراق اليوم"
    assert clean_text("Ø§Ù„Ø¹Ø±Ø§Ù‚") == "العراق"
    assert clean_text("Ã©tÃ© Ã  Paris") == "été à Paris"


def test_ordinary_french_is_not_sent_to_mojibake_repair():
    text = "Ça coûte « cher » à l’État."
    assert cleaning._MOJIBAKE_RE.search(text) is None
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "line",
    [
        "اقرأ أيضا: وزير الصحة يعلن عن حملة جديدة",
        "إقرأ أيضاً",
        "اقرأ ايضا - خبر آخر",
        "Lire aussi : Le gouvernement annonce",
        "À lire également",
        "Read more: Oil prices rise",
        "READ ALSO",
        "See also",
        "Share on Facebook",
        "Partager sur Twitter",
        "شارك على فيسبوك",
        "Facebook Twitter WhatsApp Email",
        "© 2024 Jawhara FM",
        "جميع الحقوق محفوظة لموقع الصباح 2024",
        "Tous droits réservés",
        "Copyright 2023 Reuters. All rights reserved.",
    ],
)
def test_boilerplate_lines_removed(line):
    assert clean_text(f"{ARABIC_PARAGRAPH}\n{line}\nفقرة أخيرة.") == f"{ARABIC_PARAGRAPH}\nفقرة أخيرة."


@pytest.mark.parametrize(
    "line",
    [
        "وقال الوزير إن الحكومة ستقرأ أيضا كل المقترحات.",
        "Il faut lire aussi entre les lignes, dit-il.",
        "Facebook a annoncé mardi de nouvelles règles pour les publicités politiques.",
        "على",
    ],
)
def test_prose_mentioning_boilerplate_words_is_kept(line):
    assert clean_text(f"{line}\nفقرة.") == f"{line}\nفقرة."


def test_empty_and_none():
    assert clean_text(None) == ""
    assert clean_text("") == ""
    assert clean_text(" \n\t\u200b ") == ""
    assert search_key(None) == ""
    assert search_key("!!! ... ؟") == ""


def test_lone_surrogates_replaced_pairs_joined():
    assert clean_text("ab\ud800cd") == "ab\ufffdcd"
    assert clean_text("x\ud83d\ude00y") == "x😀y"
    assert search_key("ab\udfffcd") == "ab cd"


def test_clean_title():
    assert clean_title("  عنوان\n على سطرين  ") == "عنوان على سطرين"
    assert clean_title("?!... ؟ «»") is None
    assert clean_title(None) is None
    assert clean_title("Read more") == "Read more"  # boilerplate rules are for text lines
    assert clean_title("2024") == "2024"


# --- measures ----------------------------------------------------------------------------


def test_measure_on_a_real_looking_article():
    text = "\n".join([ARABIC_PARAGRAPH] * 1 + ["وأضاف الوزير أن الحملة ستتواصل إلى نهاية الشهر."])
    m = measure(text)
    assert set(m) == {
        "letter_ratio",
        "repeated_line_ratio",
        "is_fragment",
        "is_short",
        "is_mostly_nonletters",
        "is_repetitive",
    }
    assert 0.9 < m["letter_ratio"] <= 1.0
    assert m["repeated_line_ratio"] == 0.0
    assert not (m["is_fragment"] or m["is_short"] or m["is_mostly_nonletters"] or m["is_repetitive"])


def test_measure_letter_ratio_value_and_flag():
    m = measure("12 - 0 | 3 - 1 | 2 - 2 score")
    # non-space characters: "12-0|3-1|2-2" (12) + "score" (5) = 17; letters: 5
    assert m["letter_ratio"] == pytest.approx(5 / 17)
    assert m["is_mostly_nonletters"]


def test_measure_diacritics_count_as_letters():
    assert measure("بِسْمِ اللَّهِ")["letter_ratio"] == 1.0


def test_measure_repetition():
    text = "\n".join(["سطر مكرر هنا."] * 3 + ["سطر آخر."])
    m = measure(text)
    assert m["repeated_line_ratio"] == pytest.approx(2 / 4)
    assert m["is_repetitive"]
    assert not measure("a.\nb.\nc.")["is_repetitive"]


def test_measure_short():
    assert measure("خبر قصير جدا.")["is_short"]
    assert not measure(" ".join(["كلمة"] * cleaning.MIN_WORDS) + ".")["is_short"]


def test_measure_fragment_start_and_end():
    seed_start = "الذي تقوده الولايات المتحدة الأمريكية . ويأتي هذا الإعلان بعد أشهر."
    assert measure(seed_start)["is_fragment"]
    assert measure("et le ministre a ajouté que la réforme serait votée.")["is_fragment"]
    assert measure("، وأضاف الوزير أن الحملة ستتواصل.")["is_fragment"]
    cut = ARABIC_PARAGRAPH + "\nوأكد المسؤول أن الوزارة ستعمل على توفير كل الإمكانيات اللازمة لإنجاح هذه"
    assert measure(cut)["is_fragment"]
    assert measure(
        ARABIC_PARAGRAPH + "\nوتابع قائلا إن الحملة ستتواصل إلى نهاية الشهر الحالي وربما بعد ذلك..."
    )["is_fragment"]
    # Sentence ends, bylines and bracketed attributions are whole texts.
    assert not measure(ARABIC_PARAGRAPH)["is_fragment"]
    assert not measure(ARABIC_PARAGRAPH + "\nع ب م")["is_fragment"]
    assert not measure(ARABIC_PARAGRAPH + "\n" + ARABIC_PARAGRAPH[:-1] + " (وات)")["is_fragment"]
    assert not measure("Il a dit « c'est fini. »")["is_fragment"]


def test_measure_empty():
    m = measure("")
    assert m["letter_ratio"] == 0.0 and m["is_short"] and not m["is_fragment"]


# --- the stage -------------------------------------------------------------------------


def _docs(rows: list[dict]) -> pa.Table:
    full = []
    for i, row in enumerate(rows):
        full.append(
            {
                "record_id": f"r{i}",
                "source_id": "src",
                "url": f"https://example.tn/{i}",
                "fetched_at": NOW,
                **row,
            }
        )
    return pa.Table.from_pylist(full, schema=DOCUMENT)


def _with_invalid_utf8_text(table: pa.Table, row: int, raw: bytes) -> pa.Table:
    """Replace one text by bytes that are not UTF-8 (Arrow does not check on this path)."""
    values = [v.encode() if v is not None else None for v in table.column("text").to_pylist()]
    values[row] = raw
    binary = pa.array(values, pa.binary())
    as_string = pa.Array.from_buffers(pa.string(), len(binary), binary.buffers(), binary.null_count)
    return table.set_column(table.schema.get_field_index("text"), DOCUMENT.field("text"), as_string)


def test_clean_documents_accounting_with_bad_inputs(monkeypatch):
    monkeypatch.setattr(cleaning, "MAX_CHARS", 100_000)  # keeps the test small; 5 MB below
    huge = ARABIC_PARAGRAPH * (100_000 // len(ARABIC_PARAGRAPH) + 1)
    table = _docs(
        [
            {"title": "عنوان", "text": ARABIC_PARAGRAPH},  # kept
            {"title": "vide", "text": None},  # empty_text
            {"title": "vide", "text": " \u200b\n\t "},  # empty_text after cleaning
            {"title": "?!...", "text": ARABIC_PARAGRAPH + "\nاقرأ أيضا: خبر"},  # kept, title dropped
            {"title": "big", "text": huge},  # too_large
            {"title": "nums", "text": "12 - 0 | 3 - 1 | 2 - 2 | 45.6 %"},  # not_text
            {
                "title": "zh",
                "text": "今天北京天气很好，我们去公园散步吧。这是一个很长的中文句子。",
            },  # unexpected_script
            {"title": "bad bytes", "text": "placeholder"},  # kept, bad bytes replaced
        ]
    )
    table = _with_invalid_utf8_text(table, 7, "خبر ".encode() * 10 + b"\xed\xa0\x80 \xff end.")
    out, quarantine, counts = clean_documents(table, DAY)

    assert out.schema == CLEANED_DOCUMENT
    assert quarantine.schema == QUARANTINE
    assert counts.stage == "clean"
    assert counts.records_in == 8
    assert counts.records_in == counts.records_out + counts.rejected
    assert out.num_rows + quarantine.num_rows == table.num_rows
    assert sorted(out.column("record_id").to_pylist() + quarantine.column("record_id").to_pylist()) == sorted(
        table.column("record_id").to_pylist()
    )
    reasons = dict(zip(quarantine.column("record_id").to_pylist(), quarantine.column("reason").to_pylist()))
    assert reasons == {
        "r1": "empty_text",
        "r2": "empty_text",
        "r4": "too_large",
        "r5": "not_text",
        "r6": "unexpected_script",
    }
    assert counts.extra["reasons"] == {"empty_text": 2, "too_large": 1, "not_text": 1, "unexpected_script": 1}
    assert set(quarantine.column("stage").to_pylist()) == {"clean"}
    assert set(quarantine.column("dt").to_pylist()) == {DAY}
    big_body = (
        quarantine.filter(pa.compute.equal(quarantine.column("reason"), "too_large"))
        .column("body")[0]
        .as_py()
    )
    assert big_body == huge.encode()  # raw bytes kept for inspection

    rows = {r["record_id"]: r for r in out.to_pylist()}
    assert rows["r3"]["title"] is None
    assert rows["r3"]["text"] == ARABIC_PARAGRAPH
    assert rows["r7"]["text"].endswith("\ufffd \ufffd end.")
    assert counts.extra["repairs"]["invalid_utf8_text"] == 1
    assert counts.extra["repairs"]["title_removed"] == 1
    for row in rows.values():
        assert row["text_search"] == search_key(row["text"])
        assert row["content_hash"] == sha256_hex(row["text_search"])
        m = measure(row["text"])
        assert row["letter_ratio"] == pytest.approx(m["letter_ratio"], rel=1e-6)
        assert row["is_short"] == m["is_short"]
    assert counts.changed == 2  # r3 (boilerplate line) and r7 (bad bytes); r0 was already clean


def test_clean_documents_five_megabyte_article_is_quarantined_not_crashing():
    five_mb = "خبر " * (5 * 1024 * 1024 // 8)
    out, quarantine, counts = clean_documents(_docs([{"text": five_mb}, {"text": ARABIC_PARAGRAPH}]), DAY)
    assert quarantine.column("reason").to_pylist() == ["too_large"]
    assert "characters, limit" in quarantine.column("detail")[0].as_py()
    assert out.column("record_id").to_pylist() == ["r1"]
    assert counts.rejected == 1 and counts.records_out == 1


def test_clean_documents_empty_table():
    out, quarantine, counts = clean_documents(DOCUMENT.empty_table(), DAY)
    assert out.num_rows == 0 and quarantine.num_rows == 0
    assert out.schema == CLEANED_DOCUMENT
    assert (counts.records_in, counts.records_out, counts.rejected) == (0, 0, 0)


def test_clean_documents_keeps_other_columns():
    table = _docs([{"text": ARABIC_PARAGRAPH, "authors": "X", "lang_hint": "ar", "category_raw": "politic"}])
    out, _, _ = clean_documents(table, DAY)
    row = out.to_pylist()[0]
    assert (row["authors"], row["lang_hint"], row["category_raw"], row["url"]) == (
        "X",
        "ar",
        "politic",
        "https://example.tn/0",
    )
    assert row["fetched_at"] == NOW


# --- real data ---------------------------------------------------------------------------


def _ant_texts(limit: int) -> list[str]:
    path = CORPUS / "ant" / "ant-v1.1.tar.gz"
    if not path.exists():
        pytest.skip(f"real corpus not found at {path} (see ../shared/corpus/README.md)")
    pattern = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
    out = []
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".txt"):
                found = pattern.search(tar.extractfile(member).read().decode("utf-8"))
                if found and found.group(1).strip():
                    out.append(found.group(1))
            if len(out) >= limit:
                break
    return out


def test_real_ant_articles_clean_idempotently_and_mostly_pass():
    texts = _ant_texts(200)
    flagged = 0
    for raw in texts:
        text = clean_text(raw)
        assert clean_text(text) == text
        assert search_key(search_key(text)) == search_key(text)
        assert "\u0640" not in text and "  " not in text and "\n\n" not in text
        m = measure(text)
        assert m["letter_ratio"] > 0.5
        flagged += m["is_mostly_nonletters"] or m["is_repetitive"]
    assert flagged <= len(texts) * 0.05  # real news prose passes the quality flags


def test_real_seed_article_is_a_fragment():
    path = CORPUS / "seed" / "000_35fa46199fc7dcf7.txt"
    if not path.exists():
        pytest.skip(f"real corpus not found at {path}")
    text = clean_text(path.read_text(encoding="utf-8"))
    m = measure(text)
    assert m["is_fragment"]  # starts with "الذي", mid-sentence
    assert not m["is_short"] and not m["is_repetitive"]
    assert "«" in text and "جويلية" in text and "جويليه" in search_key(text)


# --- properties --------------------------------------------------------------------------

_ALPHABET = st.characters(codec=None, exclude_categories=())
# Pieces of news text and of the damage cleaning repairs, glued in any order.
_NEWS_PIECES = list("ابتثجحخدذرسشصضطظعغفقكلمنهوي أإآٱىةؤئءـًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹«»،؛؟.!&;#amplt ÃØÙ©€‚„…") + [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u00a0",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\ud800",
    "é",
    "e\u0301",
    "İ",
    "ß",
    "ﻻ",
    "😀",
    "&amp;",
    "Ø§Ù„",
    "Ã©",
    "\xa0Ø¤",
    "اقرأ أيضا",
    "Read more",
    "©",
    "\u0654",
    "ا\u0654",
]
_NEWS_LIKE = st.lists(st.sampled_from(_NEWS_PIECES), max_size=60).map("".join)
_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=200), _NEWS_LIKE))
def test_clean_text_idempotent_and_total(text):
    once = clean_text(text)
    assert clean_text(once) == once
    once.encode("utf-8")  # storable in Arrow: no surrogates left


@_PROPERTY
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=200), _NEWS_LIKE))
def test_search_key_idempotent_and_total(text):
    once = search_key(text)
    assert search_key(once) == once
    assert "  " not in once and once == once.strip()
    once.encode("utf-8")


@_PROPERTY
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=200), _NEWS_LIKE))
def test_title_and_measure_never_raise(text):
    title = clean_title(text)
    assert title is None or ("\n" not in title and clean_title(title) == title)
    m = measure(clean_text(text))
    assert 0.0 <= m["letter_ratio"] <= 1.0 and 0.0 <= m["repeated_line_ratio"] < 1.0
