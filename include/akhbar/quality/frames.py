"""The pandas frames handed to Great Expectations: only the columns the suites read.

Built with pyarrow compute, then converted once; long texts become lengths and
foreign keys become booleans (see :mod:`akhbar.quality.suites`). A column missing
from its table (a schema break, reported by the ``schema`` suite) is replaced by
nulls so the other checks still run and fail where they should.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from akhbar import schema as S
from akhbar.quality import suites as Q

_DAY = datetime.timedelta(days=1)


@dataclass
class Frames:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Per frame: the column naming a row in reports (for samples of failing rows).
    row_keys: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, object] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)  # figures of the night, for details


def _column(table: pa.Table, name: str, schema: pa.Schema) -> pa.ChunkedArray:
    """The column cast to its schema type, or nulls when missing or uncastable."""
    typ = schema.field(name).type
    if name in table.column_names:
        col = table.column(name)
        if col.type == typ:
            return col
        try:
            return pc.cast(col, typ)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            # A column of the wrong type reads as nulls here, so the value checks do not crash;
            # the schema suite compares the stored types and fails critically on it.
            return pa.chunked_array([pa.nulls(table.num_rows, typ)], type=typ)
    return pa.chunked_array([pa.nulls(table.num_rows, typ)], type=typ)


def _found(keys: pa.ChunkedArray, universe: pa.ChunkedArray) -> pa.ChunkedArray:
    """True where the key is in universe, False where not, null where the key is null."""
    hit = pc.is_in(keys, value_set=pc.unique(universe).drop_null())
    return pc.if_else(pc.is_null(keys), pa.scalar(None, pa.bool_()), hit)


def _wide(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    # GX's pandas range checks are vectorised only for int64/float64 columns
    # (int32 goes through a Python function per value: 10x slower).
    if pa.types.is_integer(col.type):
        return pc.cast(col, pa.int64())
    if pa.types.is_floating(col.type):
        return pc.cast(col, pa.float64())
    if pa.types.is_string(col.type):
        # Repetitive strings (languages, sources, keys of child tables) as pandas categoricals:
        # GX hashes every batch it is given, and hashing categories + codes is several
        # times cheaper than hashing each string.
        # One chunk, one dictionary: unifying the per-chunk dictionaries of a 10M-row column
        # read in 150 row groups took 38 s, encoding it whole takes a second.
        whole = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        encoded = pc.dictionary_encode(whole)
        if len(encoded.dictionary) <= len(col) // 2:
            return encoded
    return col


def _pandas(columns: dict[str, pa.ChunkedArray | pa.Array]) -> pd.DataFrame:
    table = pa.table({name: _wide(col) for name, col in columns.items()})
    # Plain numpy/object dtypes: the GX pandas engine is written and tested against those.
    return table.to_pandas(types_mapper=None, split_blocks=True, self_destruct=True)


# Article columns the suites read only as lengths (text_chars, text_search_chars).
LONG_TEXT_COLUMNS = ("text", "text_search")


def slim_articles(articles: pa.Table | ds.Dataset) -> tuple[pa.Table, pa.Schema]:
    """The articles as the suites read them, and the schema they are stored with.

    A dataset (a lake partition) is scanned batch by batch with each long text replaced by its
    length, so a night of 1M articles is checked without holding its texts. A table is
    returned as it is; the lengths are computed from it.
    """
    if isinstance(articles, pa.Table):
        return articles, articles.schema
    schema = articles.schema
    columns = {name: pc.field(name) for name in schema.names if name not in LONG_TEXT_COLUMNS}
    for name in LONG_TEXT_COLUMNS:
        if name in schema.names and pa.types.is_string(schema.field(name).type):
            columns[f"{name}_chars"] = pc.utf8_length(pc.field(name))
    # Little read-ahead, and no pre-buffering of whole row groups: with the defaults the scan of
    # a 1M-article night peaked at 6 GB, with these at 0.8 GB.
    scanner = articles.scanner(
        columns=columns,
        batch_size=16_384,
        batch_readahead=1,
        fragment_readahead=1,
        fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False),
    )
    return scanner.to_table(), schema


def _text_chars(articles: pa.Table, name: str) -> pa.ChunkedArray:
    if f"{name}_chars" in articles.column_names:
        return articles.column(f"{name}_chars")
    return pc.utf8_length(_column(articles, name, S.ARTICLE))


def schema_frame(tables: dict[str, tuple[pa.Table | pa.Schema, pa.Schema]]) -> pd.DataFrame:
    rows = []
    for table_name, (table, expected) in tables.items():
        stored = table if isinstance(table, pa.Schema) else table.schema
        actual = {f.name: f.type for f in stored}
        for f in expected:
            rows.append(
                {
                    "table": table_name,
                    "field": f.name,
                    "expected_type": str(f.type),
                    "actual_type": str(actual[f.name]) if f.name in actual else None,
                }
            )
    return pd.DataFrame(rows, columns=["table", "field", "expected_type", "actual_type"], dtype=object)


def volume_counts(articles: pa.Table, dt: datetime.date | None = None) -> pa.Table:
    """Articles per source for one night (duplicates included): rows of a volume ``history``.

    The pipeline keeps these figures night after night and passes the previous
    nights back as ``history`` so the measure compared is always the same one.
    """
    counts = articles.group_by("source_id").aggregate([("source_id", "count")])
    counts = counts.rename_columns(["source_id", "n_articles"])
    day = dt if dt is not None else (articles.column("dt")[0].as_py() if articles.num_rows else None)
    return pa.table(
        {
            "dt": pa.array([day] * counts.num_rows, pa.date32()),
            "source_id": counts.column("source_id").cast(pa.string()),
            "n_articles": counts.column("n_articles").cast(pa.int64()),
        }
    )


def volume_frame(
    dt: datetime.date,
    articles: pa.Table,
    history: pa.Table | None,
    records_by_source: dict[str, int] | None = None,
) -> pd.DataFrame:
    """One row per source enabled, seen tonight or in the trailing window, with the bounds it must keep;
    ``n_raw`` is the records an enabled source brought tonight (NaN for a source not enabled)."""
    tonight = volume_counts(articles, dt).to_pandas()[["source_id", "n_articles"]]
    hist = pd.DataFrame(columns=["dt", "source_id", "n_articles"])
    if history is not None and history.num_rows:
        hist = history.select(["dt", "source_id", "n_articles"]).to_pandas()
        hist["dt"] = pd.to_datetime(hist["dt"]).dt.date
        start = dt - Q.VOLUME_WINDOW_NIGHTS * _DAY
        hist = hist[(hist["dt"] >= start) & (hist["dt"] < dt)]
    nights = sorted(set(hist["dt"]))
    enabled = records_by_source or {}
    sources = sorted(set(tonight["source_id"].dropna()) | set(hist["source_id"].dropna()) | set(enabled))
    if nights:
        grid = hist.pivot_table(
            index="source_id", columns="dt", values="n_articles", aggfunc="sum", fill_value=0
        )
        grid = grid.reindex(index=sources, columns=nights, fill_value=0)
        median = grid.median(axis=1)
    else:
        median = pd.Series(float("nan"), index=sources)
    frame = pd.DataFrame({"source_id": sources})
    frame["n_articles"] = (
        frame["source_id"].map(tonight.set_index("source_id")["n_articles"]).fillna(0).astype("int64")
    )
    frame["median_n"] = frame["source_id"].map(median).astype("float64")
    frame["history_nights"] = len(nights)
    judged = len(nights) >= Q.VOLUME_MIN_HISTORY_NIGHTS
    # Bounds as floats with NaN for "not judged" (GX ignores the row then).
    frame["min_expected"] = [
        (1.0 if m >= Q.VOLUME_ZERO_MIN_MEDIAN else 0.0) if judged else float("nan") for m in frame["median_n"]
    ]
    # A silent source (median 0) may bring up to VOLUME_MAX_FACTOR articles before it is flagged.
    frame["max_expected"] = [
        Q.VOLUME_MAX_FACTOR * max(m, 1.0) if judged else float("nan") for m in frame["median_n"]
    ]
    frame["n_articles"] = frame["n_articles"].astype("float64")
    frame["n_raw"] = [float(enabled[s]) if s in enabled else float("nan") for s in sources]
    return frame


def _articles_frame(articles: pa.Table, known_article_ids: pa.Array | None) -> pd.DataFrame:
    """One row per article of the night, with whether its duplicate_of names a known article."""
    A = S.ARTICLE
    ids = _column(articles, "article_id", A)
    dup = _column(articles, "duplicate_of", A)
    # A duplicate may point to the first article of its cluster on an earlier night.
    known = [*ids.chunks, *([known_article_ids.cast(pa.string())] if known_article_ids is not None else [])]
    return _pandas(
        {
            "article_id": ids,
            "source_id": _column(articles, "source_id", A),
            "lang": _column(articles, "lang", A),
            "content_hash": _column(articles, "content_hash", A),
            "dt_iso": pc.cast(_column(articles, "dt", A), pa.string()),
            "text_chars": _text_chars(articles, "text"),
            "text_search_chars": _text_chars(articles, "text_search"),
            "n_chars": _column(articles, "n_chars", A),
            "published_at": _column(articles, "published_at", A),
            "duplicate_of": dup,
            "duplicate_of_found": _found(dup, pa.chunked_array(known, type=pa.string())),
        }
    )


def _night_frame(articles: pa.Table, raw_count: int, n_quarantined: int) -> pd.DataFrame:
    """The night's totals in one row, with the share of its raw records quarantined."""
    if raw_count > 0:
        share = n_quarantined / raw_count
    else:
        share = 0.0 if n_quarantined == 0 else 1.0
    n_dup = articles.num_rows - _column(articles, "duplicate_of", S.ARTICLE).null_count
    return pd.DataFrame(
        {
            "raw_count": [raw_count],
            "n_articles": [articles.num_rows],
            "n_duplicates": [n_dup],
            "n_quarantined": [n_quarantined],
            "quarantine_share": [float(share)],
        }
    )


def child_frame(table: str) -> str:
    """The frame (and the suites' ``frame``) of a child table of articles: its name without
    ``article_`` (``places`` for article_places)."""
    return table.removeprefix("article_")


def _child_column(table: pa.Table, name: str, schema: pa.Schema, suites: list[Q.Suite]) -> pa.ChunkedArray:
    """A column a suite reads of a child table's frame: the table's own, or derived from one."""
    derived = next((d for suite in suites for d in suite.derived if d.column == name), None)
    if derived is not None:
        return getattr(pc, derived.function)(_column(table, derived.source, schema))
    if schema.get_field_index(name) < 0:
        raise ValueError(
            f"suite {suites[0].name!r} reads the column {name!r}, which the child table's schema does not "
            "have: add it to the schema or declare it in the suite's `derived`"
        )
    return _column(table, name, schema)


def _child_frame(table: pa.Table, schema: pa.Schema, ids: pa.ChunkedArray, frame: str) -> pd.DataFrame:
    """A child table's frame: its article_id, whether that article exists tonight, and the columns
    the suites of the frame read."""
    suites = [suite for suite in Q.SUITES if suite.frame == frame]
    child_ids = _column(table, "article_id", schema)
    columns = {"article_id": child_ids, "article_id_found": _found(child_ids, ids)}
    for name in (c for suite in suites for c in suite.columns):
        if name not in columns:
            columns[name] = _child_column(table, name, schema, suites)
    return _pandas(columns)


def _child_tables(children: dict[str, pa.Table]) -> dict[str, tuple[str, pa.Table, pa.Schema]]:
    """The child tables passed by frame name -> (table name, rows, schema), in the registry's order."""
    by_frame = {child_frame(name): name for name in S.ARTICLE_CHILD_TABLES}
    unknown = sorted(set(children) - set(by_frame))
    if unknown:
        raise ValueError(f"no child table of articles has the frame {unknown} (frames: {sorted(by_frame)})")
    return {
        frame: (name, children[frame], S.ARTICLE_CHILD_TABLES[name])
        for frame, name in by_frame.items()
        if frame in children
    }


def _published_window(dt: datetime.date) -> dict[str, Any]:
    """The night and the range of publication times its articles may have."""
    start = datetime.datetime.combine(dt - Q.PUBLISHED_DAYS_BEFORE * _DAY, datetime.time(), datetime.UTC)
    end = datetime.datetime.combine(
        dt + (Q.PUBLISHED_DAYS_AFTER + 1) * _DAY, datetime.time(), datetime.UTC
    ) - datetime.timedelta(microseconds=1)
    return {"run_date_set": [dt.isoformat()], "published_min": start, "published_max": end}


def build(
    *,
    dt: datetime.date,
    articles: pa.Table | ds.Dataset,
    raw_count: int,
    quarantine: pa.Table,
    history: pa.Table | None,
    raw: pa.Table | None,
    known_article_ids: pa.Array | None = None,
    records_by_source: dict[str, int] | None = None,
    **children: pa.Table,
) -> Frames:
    """The frames the suites validate (each with its row key), the facts and the run's parameters.

    ``children``: the night's rows of each child table of articles, under its frame's name
    (:func:`child_frame`: ``places=`` for article_places).
    """
    out = Frames()
    articles, articles_schema = slim_articles(articles)
    child_tables = _child_tables(children)
    tables = {"articles": (articles_schema, S.ARTICLE), "quarantine": (quarantine, S.QUARANTINE)}
    tables |= {name: (rows, schema) for name, rows, schema in child_tables.values()}
    if raw is not None:
        tables = {"raw_records": (raw, S.RAW_RECORD)} | tables
    out.frames["schema"] = schema_frame(tables)
    if raw is not None:
        out.frames["raw"] = _pandas({c: _column(raw, c, S.RAW_RECORD) for c in ("record_id", "source_id")})
    out.frames["articles"] = _articles_frame(articles, known_article_ids)
    out.frames["night"] = _night_frame(articles, raw_count, quarantine.num_rows)
    out.facts |= {
        "raw_count": raw_count,
        "n_quarantined": quarantine.num_rows,
        "n_articles": articles.num_rows,
    }
    out.frames["quarantine"] = _pandas(
        {c: _column(quarantine, c, S.QUARANTINE) for c in ("record_id", "source_id", "reason")}
    )
    out.frames["volume"] = volume_frame(dt, articles, history, records_by_source)
    ids = _column(articles, "article_id", S.ARTICLE)
    for frame, (_, rows, schema) in child_tables.items():
        out.frames[frame] = _child_frame(rows, schema, ids, frame)
    out.row_keys |= {
        "schema": "field",
        "raw": "record_id",
        "articles": "article_id",
        "night": "raw_count",
        "quarantine": "record_id",
        "volume": "source_id",
    }
    out.row_keys |= {frame: "article_id" for frame in child_tables}
    if raw is None:
        out.row_keys.pop("raw")
    out.parameters = _published_window(dt)
    return out
