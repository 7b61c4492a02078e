import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from akhbar import lake
from akhbar.schema import ARTICLE_KEYWORDS

D1, D2 = dt.date(2026, 11, 27), dt.date(2026, 11, 28)


def keywords(article: str, day: dt.date, n: int = 2) -> pa.Table:
    return pa.Table.from_pylist(
        [{"article_id": article, "keyword": f"k{i}", "score": 1.0 / (i + 1), "rank": i + 1, "dt": day} for i in range(n)],
        schema=ARTICLE_KEYWORDS,
    )


def test_rewrite_replaces_only_that_night(tmp_path):
    lake.write_partition(tmp_path, "article_keywords", D1, keywords("a", D1))
    lake.write_partition(tmp_path, "article_keywords", D2, keywords("b", D2, 3))
    lake.write_partition(tmp_path, "article_keywords", D2, keywords("c", D2, 1))
    assert lake.read_partition(tmp_path, "article_keywords", D1).column("article_id").to_pylist() == ["a", "a"]
    assert lake.read_partition(tmp_path, "article_keywords", D2).column("article_id").to_pylist() == ["c"]
    assert lake.list_partitions(tmp_path, "article_keywords") == [D1, D2]
    # No temporary file is left where readers glob.
    files = sorted(p.name for p in (tmp_path / "article_keywords").rglob("*") if p.is_file())
    assert files == ["part-0.parquet", "part-0.parquet"]


def test_written_with_zstd_and_contract_types(tmp_path):
    path = lake.write_partition(tmp_path, "article_keywords", D1, keywords("a", D1))
    meta = pq.ParquetFile(path).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert pq.read_schema(path).field("rank").type == pa.int16()


def test_new_optional_column_is_compatible_and_old_partitions_read(tmp_path):
    lake.write_partition(tmp_path, "article_keywords", D1, keywords("a", D1))
    newer = keywords("b", D2).append_column(pa.field("model", pa.string()), pa.array(["v2", "v2"]))
    lake.write_partition(tmp_path, "article_keywords", D2, newer)
    table = lake.dataset(tmp_path, "article_keywords").to_table()
    assert table.num_rows == 4


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.drop_columns(["keyword"]), "required column 'keyword' is missing"),
        (lambda t: t.set_column(t.schema.get_field_index("rank"), "rank", t.column("rank").cast(pa.string())),
         "column 'rank' has type string"),
        (lambda t: t.append_column(pa.field("must", pa.int8(), nullable=False), pa.array([1, 2], pa.int8())),
         "new column 'must' must be nullable"),
    ],
)
def test_breaking_change_is_refused_naming_the_column(tmp_path, change, message):
    with pytest.raises(lake.SchemaChangeError, match=message):
        lake.write_partition(tmp_path, "article_keywords", D1, change(keywords("a", D1)))


def test_missing_partition_reads_as_empty_contract_table(tmp_path):
    table = lake.read_partition(tmp_path, "article_keywords", D1)
    assert table.num_rows == 0 and table.schema.equals(ARTICLE_KEYWORDS)


def test_a_dataset_or_a_batch_reader_is_streamed_into_full_row_groups(tmp_path, monkeypatch):
    import pyarrow.dataset as ds

    monkeypatch.setattr(lake, "ROW_GROUP_SIZE", 7)
    source = tmp_path / "work.parquet"
    table = keywords("a", D1, 30)
    pq.write_table(table, source, row_group_size=4)  # batches that straddle the lake's row groups
    from_dataset = lake.write_partition(tmp_path / "l1", "article_keywords", D1, ds.dataset(source))
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=5))
    from_reader = lake.write_partition(tmp_path / "l2", "article_keywords", D1, reader)
    for path in (from_dataset, from_reader):
        meta = pq.ParquetFile(path).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [7, 7, 7, 7, 2]
        assert pq.read_table(path).equals(pq.read_table(lake.write_partition(tmp_path / "l3", "article_keywords",
                                                                              D1, table)))
