import datetime as dt
import os
import time

import pyarrow as pa
import pyarrow.parquet as pq

from akhbar import lake, maintenance
from akhbar.schema import ARTICLE_KEYWORDS

DAY = dt.date(2026, 11, 28)


def rows(article, n):
    return pa.Table.from_pylist([{"article_id": article, "keyword": f"k{i}", "score": 1.0, "rank": i + 1, "dt": DAY}
                                 for i in range(n)], schema=ARTICLE_KEYWORDS)


def test_expire_raw_keeps_recent_nights(tmp_path):
    for night in ("2026-07-01", "2026-11-20", "2026-11-28"):
        (tmp_path / "raw" / f"dt={night}" / "source=s").mkdir(parents=True)
    counts = maintenance.expire_raw(tmp_path, keep_days=30, today=DAY)
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["dt=2026-11-20", "dt=2026-11-28"]
    assert (counts.records_in, counts.records_out, counts.rejected) == (3, 2, 1)


def test_compaction_folds_extra_files_and_removes_stale_staging(tmp_path):
    lake.write_partition(tmp_path, "article_keywords", DAY, rows("a", 2))
    extra = tmp_path / "article_keywords" / f"dt={DAY}" / "part-extra.parquet"
    pq.write_table(rows("b", 3), extra)
    stale = tmp_path / "_staging" / "articles-x.parquet"
    stale.write_bytes(b"half written")
    old = time.time() - 2 * maintenance.STALE_STAGING_SECONDS
    os.utime(stale, (old, old))
    counts = maintenance.compact_lake(tmp_path, tables=["article_keywords"])
    assert counts.changed == 1
    assert not extra.exists() and not stale.exists()
    table = lake.read_partition(tmp_path, "article_keywords", DAY)
    assert sorted(table.column("article_id").to_pylist()) == ["a", "a", "b", "b", "b"]
