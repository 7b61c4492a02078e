"""Publish nights into a real DuckLake catalog from in-memory rows, the way the pipeline does.

A night is written as the work files the stages before publishing leave (ARTICLE rows with
duplicates marked, child rows, quarantine, demotions, keyword document frequencies), then goes
through the production path: ``WorkFiles`` -> ``stage_night`` -> ``writer_session`` ->
``publish_night``. Nothing is mocked: the catalog is a SQLite-backed DuckLake under a temporary
data dir.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from akhbar.lakehouse.publish import PublishFigures, publish_night
from akhbar.lakehouse.session import reader_session, writer_session
from akhbar.lakehouse.settings import CatalogSettings
from akhbar.lakehouse.staging import StagedNight, WorkFiles, child_work_files, stage_night
from akhbar.schema import (
    ARTICLE,
    ARTICLE_CHILD_TABLES,
    CATALOG_TABLES,
    DUPLICATES,
    QUARANTINE,
    STORY_TABLES,
)

UTC = dt.UTC
# The tables whose rows of a night its publish replaces with the staged ones: the contract's nightly
# tables but the audit log (runs and dq_results are appended to, their rows carry run ids) and the
# stories' (replaced by the stories contract, and staged only with a stories step).
NIGHT_TABLES = tuple(
    name
    for name, table in CATALOG_TABLES.items()
    if table.nightly and name not in ("runs", "dq_results", *STORY_TABLES)
)
# Views of the catalog's state; published_nights lists its history (snapshots), not compared.
STATE_VIEWS = (
    "daily_volume",
    "top_places_by_day",
    "duplicate_rate_by_source",
    "source_freshness",
    "quarantine_by_reason",
    "nightly_summary",
    "dq_latest",
)
VIEWS = (*STATE_VIEWS, "published_nights", "story_articles", "story_timeline")
# Tables whose rows carry the time they were written: compared without that column.
TIMESTAMPED = {
    "schema_changes": "changed_at",
    "exports": "created_at",
    "runs": "recorded_at",
    "dq_results": "checked_at",
}


# The words of generated article texts: a night's version is told apart by a tag word of its own.
TEXT_WORDS = (
    "الحكومة",
    "العراقية",
    "تعلن",
    "الميزانية",
    "الجديدة",
    "أمس",
    "في",
    "بغداد",
    "والوزراء",
    "يناقشون",
    "الإصلاحات",
    "الاقتصادية",
    "تونس",
    "القاهرة",
    "الانتخابات",
    "البرلمان",
    "المدارس",
    "المستشفيات",
)


def tagged_text(rng: random.Random, tag: str, words: int = 30) -> str:
    """``tag`` then ``words`` words drawn from TEXT_WORDS."""
    return f"{tag} " + " ".join(rng.choice(TEXT_WORDS) for _ in range(words))


# Where the catalog is comes from these; the tests use the default one under their data dir.
LOCATION_VARIABLES = ("AKHBAR_CATALOG", "AKHBAR_CATALOG_CONN_ID", "AKHBAR_LAKE_ROOT")


def akhbar(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    """The venv's ``akhbar`` command as a user runs it, on the default catalog of ``--data-dir``."""
    env = {k: v for k, v in os.environ.items() if k not in LOCATION_VARIABLES}
    return subprocess.run(
        [str(Path(sys.executable).parent / "akhbar"), *map(str, args)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def settings_for(data_dir: Path) -> CatalogSettings:
    """The default one-machine catalog of a data dir (SQLite file + local data path)."""
    return CatalogSettings.from_env(data_dir, env={})


def article(
    article_id: str,
    day: dt.date,
    text: str,
    lang: str = "ar",
    *,
    source: str = "s1",
    title: str | None = None,
    duplicate_of: str | None = None,
    kind: str = "near",
    similarity: float | None = None,
    **extra,
) -> dict:
    """An ARTICLE row of the dedup stage's output (``duplicate_of`` set for a duplicate)."""
    row = {name: None for name in ARTICLE.names}
    row.update(
        article_id=article_id,
        record_id="r" + article_id,
        source_id=source,
        url=f"https://x.test/{article_id}",
        title=title if title is not None else f"title {article_id}",
        text=text,
        text_search=text,
        lang=lang,
        dt=day,
        published_at=dt.datetime.combine(day, dt.time(8), UTC),
        fetched_at=dt.datetime.combine(day, dt.time(3), UTC),
        content_hash="h" + article_id,
        n_words=len(text.split()),
        cluster_id=duplicate_of or article_id,
        duplicate_of=duplicate_of,
        duplicate_kind=kind if duplicate_of else None,
        similarity=(similarity if similarity is not None else 0.9) if duplicate_of else None,
    )
    row.update(extra)
    return row


def place(article_id: str, day: dt.date, code: str = "TN", name: str = "Tunisia", mentions: int = 1) -> dict:
    return {
        "article_id": article_id,
        "place_id": code.lower(),
        "name": name,
        "country_code": code,
        "place_type": "country",
        "mentions": mentions,
        "dt": day,
    }


def date_mention(article_id: str, day: dt.date, offset: int = 0) -> dict:
    return {
        "article_id": article_id,
        "mention": "أمس",
        "date": day - dt.timedelta(days=1),
        "granularity": "day",
        "calendar": "gregorian",
        "is_relative": True,
        "char_offset": offset,
        "dt": day,
    }


def keyword(article_id: str, day: dt.date, word: str, rank: int = 1) -> dict:
    return {"article_id": article_id, "keyword": word, "score": 1.0 / rank, "rank": rank, "dt": day}


def quarantined(
    record_id: str,
    day: dt.date,
    source: str = "s1",
    reason: str = "empty_text",
    body: bytes = b"<html></html>",
) -> dict:
    return {
        "record_id": record_id,
        "source_id": source,
        "stage": "extract",
        "reason": reason,
        "detail": f"{reason} in {record_id}",
        "locator": f"https://x.test/{record_id}",
        "body": body,
        "dt": day,
    }


def demotion(
    article_id: str,
    day: dt.date,
    head: str,
    *,
    source: str = "s1",
    title: str | None = None,
    similarity: float = 0.9,
    kind: str = "near",
) -> dict:
    """A DUPLICATES row the dedup stage emits for another night's article that a new head precedes."""
    return {
        "article_id": article_id,
        "duplicate_of": head,
        "cluster_id": head,
        "kind": kind,
        "similarity": similarity,
        "source_id": source,
        "url": f"https://x.test/{article_id}",
        "title": title if title is not None else f"title {article_id}",
        "dt": day,
        "record_id": None,
    }


@dataclass
class Night:
    """One night's work as the stages before staging leave it."""

    day: dt.date
    articles: list[dict]
    places: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    keywords: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    demoted: list[dict] = field(default_factory=list)
    doc_freq: dict[str, int] | None = None  # term -> df (n_docs = the night's articles)
    # Work files given as tables instead of rows ("articles", "places", "dates", "keywords", and
    # "quarantine-<source>"): files written by an older or newer contract.
    tables: dict[str, pa.Table] = field(default_factory=dict)


def _write(rows: list[dict] | pa.Table, schema: pa.Schema, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=schema), path)
    return path


def write_work_files(night: Night, work_dir: Path) -> WorkFiles:
    """The night's work files (one quarantine file per source, as extract_clean writes them)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    articles = _write(night.tables.get("articles", night.articles), ARTICLE, work_dir / "articles.parquet")
    by_source: dict[str, list[dict]] = {}
    for row in night.quarantine:
        by_source.setdefault(row["source_id"], []).append(row)
    by_source.update(
        {
            name.removeprefix("quarantine-"): table
            for name, table in night.tables.items()
            if name.startswith("quarantine-")
        }
    )
    quarantine = tuple(
        _write(rows, QUARANTINE, work_dir / "quarantine" / f"source={sid}.parquet")
        for sid, rows in sorted(by_source.items())
    )
    doc_freq = None
    if night.doc_freq is not None:
        table = pa.table(
            {"term": list(night.doc_freq), "df": pa.array(list(night.doc_freq.values()), pa.int64())}
        )
        table = table.replace_schema_metadata({"n_docs": str(len(night.articles))})
        doc_freq = work_dir / "docfreq.parquet"
        pq.write_table(table, doc_freq)
    rows = {"article_places": night.places, "article_dates": night.dates, "article_keywords": night.keywords}
    children = {
        table: _write(
            night.tables.get(table.removeprefix("article_"), rows.get(table, [])),
            ARTICLE_CHILD_TABLES[table],
            path,
        )
        for table, path in child_work_files(work_dir).items()
    }
    return WorkFiles(
        articles=articles,
        children=children,
        quarantine=quarantine,
        demoted=_write(night.demoted, DUPLICATES, work_dir / "demoted.parquet") if night.demoted else None,
        doc_freq=doc_freq,
    )


def stage(
    settings: CatalogSettings, night: Night, work_root: Path, *, run_id: str | None = None
) -> StagedNight:
    """Write the night's work files under ``work_root`` and stage them (not yet in the catalog)."""
    work_dir = Path(work_root) / f"work-{night.day.isoformat()}-{uuid.uuid4().hex[:8]}"
    work = write_work_files(night, work_dir)
    return stage_night(
        settings,
        work,
        night=night.day,
        run_id=run_id or f"test__{night.day}",
        temp_dir=work_dir / "duckdb-tmp",
        memory_limit="1GB",
    )


def publish(
    settings: CatalogSettings,
    night: Night,
    work_root: Path,
    *,
    sources=(),
    run_id: str | None = None,
    articles_table: pa.Table | None = None,
) -> PublishFigures:
    """Stage ``night`` and publish it through the catalog's single writer, as the publish task does."""
    staged = stage(settings, night, work_root, run_id=run_id)
    with writer_session(settings, f"test publish {night.day}", memory_limit="1GB") as con:
        return publish_night(con, staged, sources=sources)


def dump(settings: CatalogSettings, *, tables=None, views: bool = True, at: int | None = None) -> dict:
    """Every table (and view) of the catalog as sorted rows, for comparing two catalogs."""
    names = tables or list(CATALOG_TABLES)
    out = {}
    with reader_session(settings) as con:
        version = f" AT (VERSION => {int(at)})" if at is not None else ""
        for name in names:
            skip = TIMESTAMPED.get(name)
            cols = "* EXCLUDE (" + skip + ")" if skip else "*"
            out[name] = con.execute(f"SELECT {cols} FROM {name}{version} ORDER BY ALL").fetchall()
        if views and at is None:
            for view in STATE_VIEWS:
                cols = {"nightly_summary": "* EXCLUDE (seconds)", "dq_latest": "* EXCLUDE (checked_at)"}.get(
                    view, "*"
                )
                out[view] = con.execute(f"SELECT {cols} FROM {view} ORDER BY ALL").fetchall()
    return out


def count(settings: CatalogSettings, sql: str, params=None):
    with reader_session(settings) as con:
        return con.execute(sql, params or []).fetchone()[0]


def search(settings: CatalogSettings, q: str, k: int | None = None) -> list[tuple[str, float]]:
    return search_many(settings, [q], k)[q]


def search_many(
    settings: CatalogSettings, queries, k: int | None = None
) -> dict[str, list[tuple[str, float]]]:
    """search_articles' (article_id, score) rows for each query, in one read-only session."""
    with reader_session(settings) as con:
        if k is None:
            return {
                q: con.execute("SELECT article_id, score FROM search_articles(?)", [q]).fetchall()
                for q in queries
            }
        return {
            q: con.execute("SELECT article_id, score FROM search_articles(?, k := ?)", [q, k]).fetchall()
            for q in queries
        }


def tagged_night(day: dt.date, tag: str, n: int, demoted=()) -> Night:
    """n articles whose ids and texts carry ``tag`` (to tell the versions apart), with child rows."""
    rng = random.Random(f"{day}{tag}")
    ids = [f"{tag}-{day:%d}-{i:04d}" for i in range(n)]
    rows = [article(i, day, tagged_text(rng, tag)) for i in ids]
    rows.append(article(f"{tag}-{day:%d}-dup", day, rows[0]["text"], duplicate_of=ids[0]))
    return Night(
        day,
        rows,
        places=[place(i, day) for i in ids[::3]],
        dates=[date_mention(i, day) for i in ids[::5]],
        keywords=[keyword(i, day, tag) for i in ids],
        quarantine=[quarantined(f"q-{tag}-{day:%d}", day)],
        demoted=list(demoted),
        doc_freq={tag: n},
    )
