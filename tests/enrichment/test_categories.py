import pytest

from akhbar.enrichment.categories import TAXONOMY, map_category


@pytest.mark.parametrize(
    "raw,cat",
    [
        ("سياسة", "politics"),
        ("وطنية", "national"),
        ("اقتصاد", "economy"),
        ("رياضة", "sports"),
        ("ثقافة", "culture"),
        ("عالمية", "world"),
        ("Politique", "politics"),
        ("Économie", "economy"),
        ("Sport", "sports"),
        ("World", "world"),
        ("internationalNews", "world"),
        ("الرياضة", "sports"),
        ("Actualités > Économie", "economy"),
        ("Santé", "health"),
        (None, "other"),
        ("xyz", "other"),
    ],
)
def test_builtin(raw, cat):
    assert map_category(raw, None) == cat


def test_source_mapping_wins():
    assert map_category("رياضة", {"رياضة": "society"}) == "society"
    assert map_category("Divers", {"divers": "culture"}) == "culture"
    assert map_category("Sport", {"Other": "culture"}) == "sports"


def test_always_in_taxonomy():
    for raw in ("", "  ", "أخبار", "Tech", "بيئة"):
        assert map_category(raw) in TAXONOMY
