"""Read-only figures for the Corpus page of the Airflow UI plugin (plugins/akhbar_corpus).

Plain functions over the catalog's settings, usable without Airflow. Each call attaches the
catalog read-only and reads one snapshot: the nightly publish never waits for the page, and the
page never waits for it nor sees half of a night.

Every chart query filters ``dt`` to the window first and aggregates with GROUP BY, so the cost
depends on the window's rows, not on the whole catalog. The search goes through the
catalog's ``search_articles`` macro with every term as a bound parameter, and is capped; its
``"phrases"`` and ``+words`` (akhbar.corpus_search) are filters over the macro's hits.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from akhbar import config, corpus_search
from akhbar.lakehouse.connect import CatalogMissing
from akhbar.lakehouse.settings import CatalogSettings

DEFAULT_NIGHTS = 30
MAX_NIGHTS = 366
SEARCH_LIMIT = 20
MAX_QUERY_CHARS = 200
LATEST_QUALITY_ROWS = 200
PHRASE_POOL = 1000  # the best matches of a phrase's words its text is looked for in

TABLES = ("articles", "duplicates", "quarantine", "runs", "dq_results", "sources")


class WarehouseUnavailable(Exception):
    """The catalog cannot be read; ``reason`` is 'missing' (no night published yet) or 'error'."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def catalog_settings(data_dir: str | Path | None = None) -> CatalogSettings:
    return CatalogSettings.from_env(data_dir or config.default_data_dir())


def data_docs_dir(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or config.default_data_dir()) / "quality" / "data_docs"


@contextmanager
def reader(catalog: CatalogSettings, *, sandbox: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor at the latest snapshot (sandboxed: the page's queries are fixed, but its
    search term comes from a URL), on a session the process keeps: opening one costs half a second."""
    from akhbar.lakehouse.connect import CatalogUnavailable, forget_shared_readers, shared_reader

    try:
        con = shared_reader(catalog, sandbox=sandbox)
    except CatalogMissing as exc:
        raise WarehouseUnavailable(
            "missing", "No catalog yet: it appears after the first successful akhbar_nightly run."
        ) from exc
    except CatalogUnavailable as exc:
        raise WarehouseUnavailable("error", str(exc)) from exc
    try:
        # One transaction: every figure of a page comes from the same snapshot, and the catalog's
        # metadata is read once for all of them.
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
    except duckdb.Error:
        forget_shared_readers()  # a broken session is not kept: the next request opens a new one
        raise
    finally:
        con.close()


def snapshot_id(con) -> int:
    """The snapshot a session reads: figures of one snapshot never change."""
    return con.execute("SELECT id FROM akhbar.current_snapshot()").fetchone()[0]


def _tables(con) -> set[str]:
    # duckdb_tables(), not information_schema: the latter also lists the catalog's metadata
    # database (SQLite or PostgreSQL) table by table, ten times slower.
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def _iso(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _records(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [{n: _iso(v) for n, v in zip(names, row)} for row in cur.fetchall()]


def latest_night(con, present: set[str] | None = None) -> _dt.date | None:
    """The most recent night found in any of the nightly tables."""
    present = _tables(con) if present is None else present
    parts = [
        f"SELECT max(dt) AS dt FROM {t}"
        for t in ("articles", "duplicates", "quarantine", "runs", "dq_results")
        if t in present
    ]
    if not parts:
        return None
    return con.execute(f"SELECT max(dt) FROM ({' UNION ALL '.join(parts)})").fetchone()[0]


def window(end: _dt.date, nights: int) -> tuple[_dt.date, _dt.date, list[str]]:
    start = end - _dt.timedelta(days=nights - 1)
    return start, end, [(start + _dt.timedelta(days=i)).isoformat() for i in range(nights)]


def corpus_stats(
    catalog: CatalogSettings, *, end: _dt.date | None = None, nights: int = DEFAULT_NIGHTS
) -> dict:
    """Every figure of the page for the ``nights`` nights ending at ``end`` (default: the latest night).

    Raises :class:`WarehouseUnavailable` when no catalog exists yet.
    """
    nights = max(1, min(int(nights), MAX_NIGHTS))
    with reader(catalog) as con:
        present = _tables(con)
        missing = [t for t in TABLES if t not in present]
        if "articles" in missing:
            raise WarehouseUnavailable(
                "missing", "The catalog has no articles table yet: run akhbar_nightly."
            )
        last = latest_night(con, present)
        if end is None:
            end = last
        if end is None:
            return {
                "available": True,
                "empty": True,
                "latest_night": None,
                "window": None,
                "totals": _totals(con, present),
                "message": "The catalog holds no night yet.",
            }
        start, end, days = window(end, nights)
        params = [start, end]
        out: dict[str, Any] = {
            "available": True,
            "empty": False,
            "snapshot_id": snapshot_id(con),
            "latest_night": _iso(last),
            "window": {"start": start.isoformat(), "end": end.isoformat(), "nights": days},
            "totals": _totals(con, present),
        }
        out.update(_articles_by(con, params))
        out["nightly_rates"] = _nightly_rates(con, params, present)
        out.update(_quality(con, params, present))
        out["runs"] = _runs(con, params) if "runs" in present else []
        from akhbar.corpus_stories import night_stories

        out["stories"] = night_stories(con, end, present)  # the night's largest stories (None: no tables)
        return out


def _articles_by(con, params: list) -> dict[str, list[dict]]:
    """Articles per night by source and by language."""
    return {
        f"articles_by_{key}": _records(
            con.execute(
                f"""SELECT dt, {column}, count(*) AS articles FROM articles
                    WHERE dt BETWEEN ? AND ? GROUP BY dt, {column} ORDER BY dt, {column}""",
                params,
            )
        )
        for key, column in (("source", "source_id"), ("lang", "lang"))
    }


def _nightly_rates(con, params: list, present: set[str]) -> list[dict]:
    """Per night: articles, duplicates and quarantined records, and the two rates."""
    none = "SELECT NULL::DATE AS dt, 0 AS n WHERE false"
    dup = "SELECT dt, count(*) AS n FROM duplicates WHERE dt BETWEEN ? AND ? GROUP BY dt"
    qua = "SELECT dt, count(*) AS n FROM quarantine WHERE dt BETWEEN ? AND ? GROUP BY dt"
    has_dup, has_qua = "duplicates" in present, "quarantine" in present
    rows = _records(
        con.execute(
            f"""WITH a AS (SELECT dt, count(*) AS n FROM articles WHERE dt BETWEEN ? AND ? GROUP BY dt),
                d AS ({dup if has_dup else none}), q AS ({qua if has_qua else none}),
                nights AS (SELECT dt FROM a UNION SELECT dt FROM d UNION SELECT dt FROM q)
            SELECT n.dt,
                   coalesce(a.n, 0) AS articles,
                   coalesce(d.n, 0) AS duplicates,
                   coalesce(q.n, 0) AS quarantined
            FROM nights n LEFT JOIN a USING (dt) LEFT JOIN d USING (dt) LEFT JOIN q USING (dt)
            ORDER BY n.dt""",
            params + (params if has_dup else []) + (params if has_qua else []),
        )
    )
    for r in rows:
        kept = r["articles"] + r["duplicates"]
        landed = kept + r["quarantined"]
        r["duplicate_rate"] = round(r["duplicates"] / kept, 4) if kept else None
        r["quarantine_rate"] = round(r["quarantined"] / landed, 4) if landed else None
    return rows


def _quality(con, params: list, present: set[str]) -> dict[str, Any]:
    """Failed expectations per night and severity, and the latest check's results."""
    if "dq_results" not in present:
        return {"quality_failures": [], "latest_quality": None}
    failures = _records(
        con.execute(
            """SELECT dt, severity, count(*) FILTER (WHERE NOT success) AS failed, count(*) AS checked
               FROM dq_latest WHERE dt BETWEEN ? AND ? GROUP BY dt, severity ORDER BY dt, severity""",
            params,
        )
    )
    return {"quality_failures": failures, "latest_quality": _latest_quality(con)}


def _runs(con, params: list) -> list[dict]:
    """The runs of the window: stages, the run's own duration (from its first stage to its report,
    else the stages' sum), when recorded."""
    runs = _records(
        con.execute(
            """SELECT run_id, dt, sum(seconds) AS stage_seconds, count(*) AS stages,
                      coalesce(max(TRY_CAST(json_extract(details, '$.wall_seconds') AS DOUBLE))
                               FILTER (WHERE stage = 'report'), sum(seconds)) AS seconds,
                      min(recorded_at) AS first_recorded_at, max(recorded_at) AS recorded_at
               FROM runs WHERE dt BETWEEN ? AND ?
               GROUP BY run_id, dt ORDER BY dt, max(recorded_at), run_id""",
            params,
        )
    )
    for r in runs:
        r["seconds"] = round(r["seconds"], 3)
        r["stage_seconds"] = round(r["stage_seconds"], 3)
    return runs


def _totals(con, present: set[str]) -> dict:
    def count(table: str) -> int:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in present else 0

    return {
        "articles": count("articles"),
        "duplicates": count("duplicates"),
        "quarantined": count("quarantine"),
        "sources": count("sources"),
    }


def _latest_quality(con) -> dict | None:
    """The results of the most recent validation: latest night, and its latest run."""
    head = con.execute(
        """SELECT dt, run_id, max(checked_at) AS checked_at FROM dq_results
           WHERE dt = (SELECT max(dt) FROM dq_results)
           GROUP BY dt, run_id ORDER BY checked_at DESC, run_id LIMIT 1"""
    ).fetchone()
    if head is None:
        return None
    dt, run_id, checked_at = head
    results = _records(
        con.execute(
            """SELECT suite, expectation, "column", severity, success, observed, details
           FROM dq_results WHERE dt = ? AND run_id = ?
           ORDER BY success, severity = 'critical' DESC, suite, expectation, "column" NULLS FIRST
           LIMIT ?""",
            [dt, run_id, LATEST_QUALITY_ROWS],
        )
    )
    failed = con.execute(
        """SELECT severity, count(*) FROM dq_results WHERE dt = ? AND run_id = ? AND NOT success
           GROUP BY severity ORDER BY severity""",
        [dt, run_id],
    ).fetchall()
    total = con.execute(
        "SELECT count(*) FROM dq_results WHERE dt = ? AND run_id = ?", [dt, run_id]
    ).fetchone()[0]
    return {
        "dt": _iso(dt),
        "run_id": run_id,
        "checked_at": _iso(checked_at),
        "checked": total,
        "failed": {sev: n for sev, n in failed},
        "results": results,
    }


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_query(q: str | None) -> str:
    """The search term as the macro will receive it: NFC, no control characters, bounded length."""
    if not q:
        return ""
    q = q.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from a bad URL
    q = unicodedata.normalize("NFC", _CONTROL.sub(" ", q))
    return " ".join(q.split())[:MAX_QUERY_CHARS]


# A title or text folded as the query is (the tokenizer's own folding, before it splits): a phrase is a
# regular expression over it, its words separated by anything but letters and digits. One regex search
# per text: ten times cheaper than splitting every text into its tokens and joining them again.
_FOLDED = "strip_accents(akhbar_fold(coalesce({}, '')))"
_PHRASE = f"(regexp_matches({_FOLDED.format('title')}, ?) OR regexp_matches({_FOLDED.format('text')}, ?))"


def _required(query: corpus_search.Query) -> str:
    """Each +word as a filter on the macro's hits: the article is among that word's own hits."""
    each = "article_id IN (SELECT article_id FROM search_articles(?))"
    return " AND ".join([each] * len(query.required)) or "true"


def _search_sql(query: corpus_search.Query) -> str:
    """The best hits of ``search_articles`` (BM25 over every word of the query) that match each required
    word, with their count; a phrase is then looked for in the title and text of the best ``pool`` of
    them (folding texts costs, so its cost is bounded), and the best ``limit`` are kept."""
    phrases = " AND ".join([_PHRASE] * len(query.phrases)) or "true"
    return f"""WITH hits AS MATERIALIZED (
                   SELECT *, count(*) OVER () AS matches FROM search_articles(?) WHERE {_required(query)}
                   ORDER BY score DESC, article_id LIMIT ?
               ),
               -- Materialized, so the phrase test runs on these articles only, never on the whole table.
               found AS MATERIALIZED (
                   SELECT s.article_id, s.title, s.published_at, s.dt, s.source_id, s.lang, s.score, s.matches,
                          a.url, a.text
                   FROM hits s JOIN articles a USING (article_id)
               )
               SELECT article_id, title, published_at, dt, source_id, lang, round(score, 4) AS score, matches,
                      url, text
               FROM found WHERE {phrases}
               ORDER BY score DESC, article_id
               LIMIT ?"""


def _search_params(query: corpus_search.Query, pool: int, limit: int) -> list:
    phrases = [p for words in query.phrases for p in [corpus_search.phrase_pattern(words)] * 2]
    return [query.terms, *query.required, pool, *phrases, limit]


def article_link(url: str | None) -> str | None:
    """The article's URL when it is one a page may link to (http or https with a host), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _hit(row: dict, query: corpus_search.Query) -> dict:
    """A result as the page and the API show it: its link, its title and its text around the match (a
    snippet), each as parts with the query's matches marked."""
    row.pop("matches")
    parts = corpus_search.snippet(row.pop("text"), query)
    title = corpus_search.highlight(row["title"], query)
    return {
        **row,
        "link": article_link(row["url"]),
        "title_parts": _parts(title),
        "snippet": corpus_search.snippet_text(parts),
        "snippet_parts": _parts(parts),
    }


def _parts(parts: tuple[corpus_search.SnippetPart, ...]) -> list[dict]:
    return [{"text": p.text, "mark": p.mark} for p in parts]


def search(catalog: CatalogSettings, q: str | None, *, limit: int = SEARCH_LIMIT) -> dict:
    """Top articles for ``q`` (at most ``limit``): its words scored by ``search_articles`` (every term
    bound as a parameter), ``"phrases"`` and ``+words`` as filters (akhbar.corpus_search). ``matches``
    counts the articles its words find (the +words applied); a phrase is looked for in the best
    ``phrase_checked`` of them."""
    term = clean_query(q)
    limit = max(1, min(int(limit), SEARCH_LIMIT))
    query = corpus_search.parse_query(term)
    out: dict[str, Any] = {
        "query": term,
        "syntax": query.describe(),
        "count": 0,
        "limit": limit,
        "matches": 0,
        "results": [],
    }
    if not query.terms:
        return out
    pool = PHRASE_POOL if query.phrases else limit
    with reader(catalog) as con:
        rows = _records(con.execute(_search_sql(query), _search_params(query, pool, limit)))
        if rows:
            out["matches"] = rows[0]["matches"]
        elif query.phrases:  # none kept: how many the phrase was looked for in
            counted = con.execute(
                f"SELECT count(*) FROM search_articles(?) WHERE {_required(query)}",
                [query.terms, *query.required],
            ).fetchone()
            out["matches"] = counted[0] if counted else 0
    if query.phrases:
        out["phrase_checked"] = min(out["matches"], pool)
    out["results"] = [_hit(r, query) for r in rows]
    out["count"] = len(rows)
    return out


def data_docs_links(docs_dir: str | Path, latest_quality: dict | None) -> dict:
    """Paths (relative to the Data Docs root) of the index and of each suite's page for the latest run."""
    docs_dir = Path(docs_dir)
    links: dict[str, Any] = {
        "index": "index.html" if (docs_dir / "index.html").is_file() else None,
        "suites": {},
    }
    if not latest_quality or not links["index"]:
        return links
    run_id = latest_quality["run_id"]
    for suite in sorted({r["suite"] for r in latest_quality["results"]}):
        run_dir = docs_dir / "validations" / suite / run_id
        # Names come from the catalog: keep only paths that stay under the Data Docs root.
        try:
            if not run_dir.resolve().is_relative_to(docs_dir.resolve()) or not run_dir.is_dir():
                continue
        except OSError:
            continue
        pages = sorted(run_dir.glob("*/*.html"))
        if pages:
            links["suites"][suite] = pages[-1].relative_to(docs_dir).as_posix()
    return links
