import pytest

from akhbar.enrichment.langid import detect

LONG_AR = (
    "أعلنت وزارة الشؤون الثقافية في بلاغ لها مساء الأربعاء عن نتائج أعمال لجنة التشجيع على الإنتاج "
    "السينمائي بعنوان سنة 2016 والتي شملت إسناد منح تشجيعية في أبواب الأفلام الطويلة. "
) * 20
LONG_FR = (
    "Le gouvernement a annoncé mercredi une série de mesures pour soutenir les régions de l'intérieur "
    "et relancer l'investissement public. "
) * 20
LONG_EN = (
    "The ministry said on Wednesday that the new measures would support farmers in the south and help "
    "restart public investment. "
) * 20


@pytest.mark.parametrize(
    "text,lang",
    [
        ("وزير الخارجية يلتقي نظيره الجزائري", "ar"),
        ("Le président reçoit le ministre", "fr"),
        ("Minister meets his Algerian counterpart", "en"),
        (LONG_AR, "ar"),
        (LONG_FR, "fr"),
        (LONG_EN, "en"),
    ],
)
def test_languages(text, lang):
    got, score = detect(text)
    assert got == lang
    assert 0.0 < score <= 1.0


def test_other_language_is_labelled_as_such():
    got, _ = detect("Der Minister hat am Mittwoch neue Maßnahmen für die Landwirtschaft angekündigt.")
    assert got == "de"


@pytest.mark.parametrize("text", ["", None, "2017-01-26 08:31", "١٢٣ ٤٥٦ ... !!!"])
def test_no_letters_is_und(text):
    assert detect(text) == ("und", None)
