"""example_corpus_trends: an analysis DAG of your own, scheduled on akhbar's warehouse asset.

It runs whenever akhbar_nightly has loaded a night into the warehouse, and writes a small
CSV of the week's top places per language. Copy it as a starting point for your own analyses.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

WAREHOUSE = Asset(name="akhbar_warehouse", uri="file://akhbar/warehouse.duckdb")


@dag(
    dag_id="example_corpus_trends",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    tags=["akhbar", "example"],
    doc_md=__doc__,
    default_args={"owner": "akhbar", "retries": 1, "retry_delay": timedelta(minutes=5)},
)
def example_corpus_trends():
    @task(doc_md="Top places of the last seven nights per language, read-only from the warehouse.")
    def weekly_top_places() -> str:
        import csv

        from akhbar import warehouse
        from akhbar.config import default_data_dir

        data_dir = default_data_dir()
        names, rows = warehouse.query(
            data_dir / "warehouse.duckdb",
            """SELECT a.lang, p.country_code, p.name, count(DISTINCT a.article_id) AS articles
               FROM article_places p JOIN articles a USING (article_id)
               WHERE a.dt >= (SELECT max(dt) FROM articles) - INTERVAL 6 DAY
               GROUP BY ALL QUALIFY row_number() OVER (PARTITION BY a.lang ORDER BY articles DESC, p.name) <= 5
               ORDER BY a.lang, articles DESC""",
        )
        out = data_dir / "reports" / "weekly_top_places.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(names)
            writer.writerows(rows)
        return str(out)

    weekly_top_places()


example_corpus_trends()
