"""example_corpus_trends: an analysis DAG of your own, scheduled on akhbar's corpus asset.

It runs whenever akhbar_nightly has published a night, reads the catalog read-only (it never
waits for, nor blocks, the nightly writer) and writes a small CSV of the week's top places per
language. Copy it as a starting point for your own analyses.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

CORPUS = Asset(name="akhbar_corpus", uri="ducklake://akhbar/corpus")


@dag(
    dag_id="example_corpus_trends",
    schedule=[CORPUS],
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    tags=["akhbar", "example"],
    doc_md=__doc__,
    default_args={"owner": "akhbar", "retries": 1, "retry_delay": timedelta(minutes=5)},
)
def example_corpus_trends():
    @task(doc_md="Top places of the last seven nights per language, read-only from the catalog.")
    def weekly_top_places() -> str:
        import csv

        from akhbar.config import default_data_dir
        from akhbar.lakehouse.sandbox import query
        from akhbar.lakehouse.settings import CatalogSettings

        data_dir = default_data_dir()
        names, rows = query(
            CatalogSettings.from_env(data_dir),
            """WITH counts AS (
                   SELECT a.lang, p.country_code, p.name, count(DISTINCT a.article_id) AS articles
                   FROM article_places p JOIN articles a USING (article_id)
                   WHERE a.dt >= (SELECT max(dt) FROM articles) - INTERVAL 6 DAY
                   GROUP BY a.lang, p.country_code, p.name)
               SELECT lang, country_code, name, articles FROM counts
               QUALIFY row_number() OVER (PARTITION BY lang ORDER BY articles DESC, name) <= 5
               ORDER BY lang, articles DESC, name""",
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
