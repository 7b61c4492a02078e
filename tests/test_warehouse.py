import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from akhbar import lake, warehouse
from akhbar.schema import ARTICLE, ARTICLE_PLACES, DUPLICATES

D1, D2, D3 = dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)


def article(article_id: str, day: dt.date, text: str, lang: str = "ar", duplicate_of: str | None = None,
            source: str = "s1") -> dict:
    row = {name: None for name in ARTICLE.names}
    row.update(article_id=article_id, record_id="r" + article_id, source_id=source, url=f"https://x.test/{article_id}",
               title=f"title {article_id}", text=text, text_search=text, lang=lang, dt=day,
               fetched_at=dt.datetime(2026, 11, 28, tzinfo=dt.timezone.utc), content_hash="h" + article_id,
               cluster_id=duplicate_of or article_id, duplicate_of=duplicate_of,
               duplicate_kind="near" if duplicate_of else None)
    return row


def night(tmp_path, day, rows, places=()):
    lake.write_partition(tmp_path / "lake", "articles", day, pa.Table.from_pylist(rows, schema=ARTICLE))
    lake.write_partition(tmp_path / "lake", "article_places", day, pa.Table.from_pylist(list(places),
                                                                                         schema=ARTICLE_PLACES))


NIGHTS = {
    D1: [article("a1", D1, "انسحاب القوات من العراق"), article("f1", D1, "le gouvernement annonce des élections", "fr")],
    D2: [article("a2", D2, "الحكومة العراقية تعلن الميزانية"), article("a1b", D2, "انسحاب القوات من العراق", duplicate_of="a1")],
    D3: [article("e1", D3, "the elections were announced yesterday", "en")],
}


def dump(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("articles", "duplicates", "article_places", "quarantine")}
    finally:
        con.close()


def load(tmp_path, db, day):
    return warehouse.load_night(db, lake_root=tmp_path / "lake", dt=day)


def test_rerun_and_reverse_backfill_give_the_same_warehouse(tmp_path):
    for day, rows in NIGHTS.items():
        night(tmp_path, day, rows)
    in_order = tmp_path / "in_order.duckdb"
    for day in (D1, D2, D3):
        load(tmp_path, in_order, day)
    reverse = tmp_path / "reverse.duckdb"
    for day in (D3, D2, D1, D2):
        load(tmp_path, reverse, day)
    assert dump(in_order) == dump(reverse)
    state = dump(in_order)
    assert len(state["articles"]) == 4  # a1b is kept as a link, not a second copy
    assert [row[0] for row in state["duplicates"]] == ["a1b"]


def test_search_is_stemmed_per_language_and_folds_the_query(tmp_path):
    for day, rows in NIGHTS.items():
        night(tmp_path, day, rows)
    db = tmp_path / "w.duckdb"
    for day in NIGHTS:
        load(tmp_path, db, day)
    names, rows = warehouse.query(db, "SELECT article_id FROM search_articles(?)", ["العراقية"])
    assert names == ["article_id"]
    ids = [r[0] for r in rows]
    assert set(ids) >= {"a2"}
    # Stemming in each language, accents folded: "election" finds "elections" and "élections".
    assert sorted(r[0] for r in warehouse.query(db, "SELECT article_id FROM search_articles('election')")[1]) == [
        "e1", "f1"]
    assert warehouse.query(db, "SELECT article_id FROM search_articles('announce')")[1] == [("e1",)]
    assert "f1" in [r[0] for r in warehouse.query(db, "SELECT article_id FROM search_articles('élection')")[1]]


def test_hostile_search_strings_are_only_data(tmp_path):
    night(tmp_path, D1, NIGHTS[D1])
    db = tmp_path / "w.duckdb"
    load(tmp_path, db, D1)
    for hostile in ["'; DROP TABLE articles; --", "\" OR 1=1 --", "a AND NOT b*", "((("]:
        warehouse.query(db, "SELECT * FROM search_articles(?)", [hostile])
    assert warehouse.query(db, "SELECT count(*) FROM articles")[1] == [(2,)]


def test_demoted_articles_move_to_duplicates(tmp_path):
    night(tmp_path, D2, [article("late", D2, "نفس الخبر"), article("other", D2, "خبر آخر")],
          places=[{"article_id": "late", "place_id": "tn", "name": "Tunisia", "country_code": "TN",
                   "place_type": "country", "mentions": 1, "dt": D2}])
    db = tmp_path / "w.duckdb"
    load(tmp_path, db, D2)
    night(tmp_path, D1, [article("early", D1, "نفس الخبر")])
    demoted = pa.Table.from_pylist([{"article_id": "late", "duplicate_of": "early", "cluster_id": "early",
                                     "kind": "near", "similarity": 0.9, "source_id": "s1", "url": None,
                                     "title": None, "dt": D2}], schema=DUPLICATES)
    warehouse.load_night(db, lake_root=tmp_path / "lake", dt=D1, demoted=demoted)
    state = dump(db)
    assert sorted(r[0] for r in state["articles"]) == ["early", "other"]
    assert [(r[0], r[1]) for r in state["duplicates"]] == [("late", "early")]
    assert state["article_places"] == []


def test_failed_load_leaves_previous_state(tmp_path, monkeypatch):
    night(tmp_path, D1, NIGHTS[D1])
    db = tmp_path / "w.duckdb"
    load(tmp_path, db, D1)
    before = dump(db)
    night(tmp_path, D1, [article("z9", D1, "نص جديد")])

    def boom(*args, **kwargs):
        raise RuntimeError("crash in the middle of the load")

    monkeypatch.setattr(warehouse, "upsert_sources", boom)
    with pytest.raises(RuntimeError):
        warehouse.load_night(db, lake_root=tmp_path / "lake", dt=D1, sources=["x"])
    assert dump(db) == before


def test_read_only_connection_refuses_writes(tmp_path):
    night(tmp_path, D1, NIGHTS[D1])
    db = tmp_path / "w.duckdb"
    load(tmp_path, db, D1)
    with pytest.raises(duckdb.Error):
        warehouse.query(db, "DELETE FROM articles")


def test_an_older_partition_without_a_newer_optional_column_loads_with_nulls(tmp_path):
    import pyarrow.parquet as pq

    rows = [article("old1", D1, "نص قديم من أرشيف الموقع")]
    night(tmp_path, D1, rows)
    # A partition written before `category` existed: the column is absent from the file.
    path = lake.partition_path(tmp_path / "lake", "articles", D1)
    pq.write_table(pq.read_table(path).drop_columns(["category", "main_country"]), path)
    figures = warehouse.load_night(tmp_path / "w.duckdb", lake_root=tmp_path / "lake", dt=D1)
    assert figures["articles"] == 1
    got = warehouse.query(tmp_path / "w.duckdb", "SELECT article_id, category, main_country, text FROM articles")[1]
    assert got == [("old1", None, None, "نص قديم من أرشيف الموقع")]
