"""The written story nights (tests/stories/conftest.py) published into a real DuckLake catalog the way
the pipeline does it: work files as dedup leaves them, the stories step (akhbar.lakehouse.stories),
staging and the publish transaction. Nothing is mocked."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar.lakehouse.publish import publish_night
from akhbar.lakehouse.session import writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.staging import WorkFiles, stage_night
from akhbar.lakehouse.stories import NightArticles, StoryWork, night_stories
from akhbar.schema import ARTICLE, ARTICLE_DATES, ARTICLE_KEYWORDS, ARTICLE_PLACES, DUPLICATES
from akhbar.stories.embeddings import encode_articles

STORY_TABLES_AND_VIEWS = ("article_embeddings", "story_links", "article_stories", "stories", "story_timeline")


def settings_for(data_dir: Path) -> CatalogSettings:
    return CatalogSettings.from_env(data_dir, env={})


def publish_enriched_night(
    settings: CatalogSettings,
    night: dt.date,
    enriched,
    work_root: Path,
    *,
    duplicates: dict[str, str] | None = None,
    demoted: list[dict] | None = None,
) -> dict:
    """One night (an EnrichResult-like object: articles, places, dates, keywords) through the stories
    step, staging and publishing. ``duplicates``: article_id -> its head (dedup's decision for the
    night's own articles); ``demoted``: DUPLICATES rows of other nights' articles it demotes."""
    work_dir = Path(work_root) / f"work-{night}-{uuid.uuid4().hex[:8]}"
    work_dir.mkdir(parents=True)
    articles = enriched.articles.cast(ARTICLE)
    if duplicates:
        ids = articles.column("article_id").to_pylist()
        heads = [duplicates.get(a) for a in ids]
        articles = articles.set_column(
            articles.schema.get_field_index("duplicate_of"),
            ARTICLE.field("duplicate_of"),
            pa.array(heads, pa.string()),
        )
        articles = articles.set_column(
            articles.schema.get_field_index("duplicate_kind"),
            ARTICLE.field("duplicate_kind"),
            pa.array(["near" if h else None for h in heads], pa.string()),
        )
    paths = {}
    for name, table, schema in (
        ("articles", articles, ARTICLE),
        ("places", enriched.places, ARTICLE_PLACES),
        ("dates", enriched.dates, ARTICLE_DATES),
        ("keywords", enriched.keywords, ARTICLE_KEYWORDS),
    ):
        paths[name] = work_dir / f"{name}.parquet"
        pq.write_table(table.select(schema.names).cast(schema), paths[name])
    demoted_path = None
    if demoted:
        demoted_path = work_dir / "demoted.parquet"
        pq.write_table(pa.Table.from_pylist(demoted, schema=DUPLICATES), demoted_path)
    story_work = StoryWork(work_dir / "stories")
    vectors = work_dir / "article_embeddings.parquet"  # as an enrich shard writes them
    encode_articles(paths["articles"], vectors)
    counts = night_stories(
        settings,
        NightArticles(
            paths["articles"], paths["places"], paths["dates"], paths["keywords"], demoted_path, (vectors,)
        ),
        story_work,
        night=night,
    )
    work = WorkFiles(
        articles=paths["articles"],
        children={f"article_{name}": paths[name] for name in ("places", "dates", "keywords")},
        quarantine=(),
        demoted=demoted_path,
        doc_freq=None,
        stories=story_work,
    )
    staged = stage_night(
        settings, work, night=night, run_id=f"test__{night}", temp_dir=work_dir / "tmp", memory_limit="1GB"
    )
    with writer_session(settings, f"test publish {night}", memory_limit="1GB") as con:
        publish_night(con, staged)
    return counts.as_dict()


def without(table: pa.Table, article_id: str) -> pa.Table:
    return table.filter(pc.not_equal(table.column("article_id"), article_id))
