"""The expectation suites of the nightly quality gate, kept in code and versioned.

Suites are plain data here (no Great Expectations import): each is a list of
:class:`Check` naming a GX 1.x expectation class, its arguments and a severity.
:func:`akhbar.quality.validate_night` turns them into ``gx.ExpectationSuite``
objects inside the function, so importing this module stays cheap.

Values that depend on the night (the run date, the publication-date window) are
GX suite parameters (``{"$PARAMETER": name}``), filled at run time: the stored
suites do not change from one night to the next, only when ``SUITE_VERSION`` does.

Severities: ``critical`` stops the run before the warehouse load; ``warning`` is
reported and the run continues. The rule used to choose: a failure that would
break a key, a join, a type or the run's partitioning is critical; a failure of
plausibility (ranges, shares, volumes) is a warning.

Some suites validate frames derived from the night's tables rather than the tables
themselves (see ``akhbar.quality.frames``):

* long text columns are passed as their lengths (``text_chars``, ``text_search_chars``:
  null where the text is null), so 1M articles do not cost GBs of Python strings;
* foreign keys are passed as a boolean ``<key>_found`` (null where the key is null);
* dates are passed as ISO strings (``dt_iso``) or years (``year``);
* ``night`` is a one-row frame of shares for the night, ``volume`` one row per source
  with its records tonight (``n_raw``, every enabled source) and its trailing seven-night
  median, ``schema`` one row per expected field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUITE_VERSION = "2026.12.1"
SUITE_PREFIX = "akhbar_"

CRITICAL = "critical"
WARNING = "warning"

# Allowed languages: any ISO 639-1/639-3 looking code ("und" included) passes the
# critical gate; a share of articles outside the corpus languages above 5% is a warning.
CORPUS_LANGS = ("ar", "fr", "en")
LANG_CODE_REGEX = r"^[a-z]{2,3}$"
FOREIGN_LANG_MAX_SHARE = 0.05

PUBLISHED_DAYS_BEFORE = 30
PUBLISHED_DAYS_AFTER = 1
PUBLISHED_MOSTLY = 0.95

TEXT_MIN_CHARS = 200
TEXT_MAX_CHARS = 200_000
TEXT_LENGTH_MOSTLY = 0.90

DUPLICATE_MAX_SHARE = 0.50
QUARANTINE_WARNING_SHARE = 0.20
QUARANTINE_CRITICAL_SHARE = 0.60

VOLUME_WINDOW_NIGHTS = 7
VOLUME_MIN_HISTORY_NIGHTS = 3  # fewer nights of history: the source is not judged
VOLUME_ZERO_MIN_MEDIAN = 5  # a source at zero is flagged when its median was at least this
VOLUME_MAX_FACTOR = 3.0  # more than this times its median is flagged

DATE_MIN_YEAR = 600
DATE_MAX_YEAR = 2200


@dataclass(frozen=True)
class Check:
    """One expectation: GX class name (from ``gx.expectations``), kwargs, severity."""

    expectation: str
    kwargs: dict[str, Any]
    severity: str
    notes: str

    def __post_init__(self) -> None:
        if self.severity not in (CRITICAL, WARNING):
            raise ValueError(f"unknown severity {self.severity!r}")


@dataclass(frozen=True)
class Derived:
    """A column of a frame computed from a column of its table with a ``pyarrow.compute`` function
    (the year of a date...): the suite checks it rather than the table's own column."""

    column: str
    function: str  # name of the pyarrow.compute function, e.g. "year"
    source: str  # the table's column it is applied to


@dataclass(frozen=True)
class Suite:
    name: str  # without SUITE_PREFIX
    frame: str  # which derived frame it validates (see akhbar.quality.frames)
    checks: tuple[Check, ...] = field(default_factory=tuple)
    derived: tuple[Derived, ...] = ()  # columns of a child table's frame computed from the table's

    @property
    def full_name(self) -> str:
        return SUITE_PREFIX + self.name

    @property
    def columns(self) -> tuple[str, ...]:
        """The frame's columns its checks read, in the order they are first named."""
        named: dict[str, None] = {}
        for check in self.checks:
            for key in ("column", "column_list", "column_A", "column_B"):
                value = check.kwargs.get(key)
                for name in value if isinstance(value, list) else [value] if value else []:
                    named.setdefault(name, None)
        return tuple(named)


def _p(name: str) -> dict[str, str]:
    return {"$PARAMETER": name}


def _not_null(column: str, severity: str = CRITICAL, what: str | None = None) -> Check:
    return Check(
        "ExpectColumnValuesToNotBeNull",
        {"column": column},
        severity,
        f"{what or column} must be set on every row.",
    )


def _unique(column: str, severity: str = CRITICAL) -> Check:
    return Check("ExpectColumnValuesToBeUnique", {"column": column}, severity, f"{column} is a key.")


def _compound_unique(columns: list[str], table: str) -> Check:
    return Check(
        "ExpectCompoundColumnsToBeUnique",
        {"column_list": columns},
        CRITICAL,
        f"({', '.join(columns)}) is the primary key of the warehouse table {table}.",
    )


def _between(column: str, severity: str, notes: str, **bounds: Any) -> Check:
    """The column's values within ``bounds`` (GX's min_value, max_value, mostly)."""
    return Check("ExpectColumnValuesToBeBetween", {"column": column, **bounds}, severity, notes)


def _found(column: str, target: str, severity: str = CRITICAL) -> Check:
    return Check(
        "ExpectColumnValuesToBeInSet",
        {"column": f"{column}_found", "value_set": [True]},
        severity,
        f"{column} must name an article of {target} (False: the article is missing).",
    )


def _child_keys(table: str, key: str, also_set: tuple[str, ...] = ()) -> tuple[Check, ...]:
    """The key checks of a child table of articles: each row names an article of the night (and sets the
    columns ``also_set``), once per (article_id, key)."""
    return (
        _not_null("article_id"),
        _found("article_id", "this night"),
        *(_not_null(column) for column in also_set),
        _compound_unique(["article_id", key], table),
    )


SCHEMA = Suite(
    "schema",
    "schema",
    (
        Check(
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "actual_type", "column_B": "expected_type", "ignore_row_if": "neither"},
            CRITICAL,
            "Every field of akhbar.schema must be present with its Arrow type (null: missing).",
        ),
    ),
)

RAW = Suite(
    "raw_records",
    "raw",
    (
        _not_null("record_id"),
        _unique("record_id"),
        _not_null("source_id"),
    ),
)

ARTICLES = Suite(
    "articles",
    "articles",
    (
        _not_null("article_id"),
        _unique("article_id"),
        _not_null("source_id"),
        _not_null("text_chars", what="text"),
        _between("text_chars", CRITICAL, "text must not be empty.", min_value=1),
        _not_null("text_search_chars", what="text_search"),
        _not_null("lang"),
        _not_null("content_hash"),
        _not_null("dt_iso", what="dt"),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "dt_iso", "value_set": _p("run_date_set")},
            CRITICAL,
            "dt must be the run date on every row: the lake is partitioned by it.",
        ),
        Check(
            "ExpectColumnValuesToMatchRegex",
            {"column": "lang", "regex": LANG_CODE_REGEX},
            CRITICAL,
            "lang must be an ISO 639 code (2-3 lowercase letters; 'und' when unknown).",
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "lang", "value_set": list(CORPUS_LANGS), "mostly": 1 - FOREIGN_LANG_MAX_SHARE},
            WARNING,
            f"At most {FOREIGN_LANG_MAX_SHARE:.0%} of articles outside the corpus languages.",
        ),
        _found("duplicate_of", "this night or an earlier indexed night", WARNING),
        Check(
            "ExpectColumnProportionOfNonNullValuesToBeBetween",
            {"column": "duplicate_of", "max_value": DUPLICATE_MAX_SHARE},
            WARNING,
            f"At most {DUPLICATE_MAX_SHARE:.0%} of the night's articles are duplicates.",
        ),
        _between(
            "published_at",
            WARNING,
            f"Publication dates within [dt - {PUBLISHED_DAYS_BEFORE} days, dt + {PUBLISHED_DAYS_AFTER}"
            f" day] for at least {PUBLISHED_MOSTLY:.0%} of dated articles.",
            min_value=_p("published_min"),
            max_value=_p("published_max"),
            mostly=PUBLISHED_MOSTLY,
        ),
        _between(
            "n_chars",
            WARNING,
            f"Text length between {TEXT_MIN_CHARS} and {TEXT_MAX_CHARS:,} characters"
            f" for at least {TEXT_LENGTH_MOSTLY:.0%} of articles.",
            min_value=TEXT_MIN_CHARS,
            max_value=TEXT_MAX_CHARS,
            mostly=TEXT_LENGTH_MOSTLY,
        ),
    ),
)

NIGHT = Suite(
    "night",
    "night",
    (
        _between(
            "quarantine_share",
            WARNING,
            f"At most {QUARANTINE_WARNING_SHARE:.0%} of raw records quarantined.",
            min_value=0,
            max_value=QUARANTINE_WARNING_SHARE,
        ),
        _between(
            "quarantine_share",
            CRITICAL,
            f"More than {QUARANTINE_CRITICAL_SHARE:.0%} of raw records quarantined: the night is broken.",
            min_value=0,
            max_value=QUARANTINE_CRITICAL_SHARE,
        ),
        _between(
            "n_articles",
            WARNING,
            "The night brought at least one article. None at all means every source was silent, failed or "
            "was quarantined: an outage, flagged from the first night.",
            min_value=1,
        ),
    ),
)

QUARANTINE = Suite(
    "quarantine",
    "quarantine",
    (
        _not_null("record_id"),
        _unique("record_id"),
        _not_null("source_id"),
        _not_null("reason"),
    ),
)

VOLUME = Suite(
    "volume",
    "volume",
    (
        _between(
            "n_raw",
            WARNING,
            "Every enabled source brought at least one record tonight (checked from the first night, "
            "without history): a silent source is a feed that moved, a folder that is empty or a typo.",
            min_value=1,
        ),
        Check(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "n_articles",
                "column_B": "min_expected",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            WARNING,
            f"A source whose median over the last {VOLUME_WINDOW_NIGHTS} nights was at least"
            f" {VOLUME_ZERO_MIN_MEDIAN} must not drop to zero.",
        ),
        Check(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "max_expected",
                "column_B": "n_articles",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            WARNING,
            f"A source must not bring more than {VOLUME_MAX_FACTOR:g}x its median over the last"
            f" {VOLUME_WINDOW_NIGHTS} nights.",
        ),
    ),
)

PLACES = Suite(
    "article_places",
    "places",
    (
        *_child_keys("article_places", "place_id", also_set=("place_id",)),
        Check(
            "ExpectColumnValuesToMatchRegex",
            {"column": "country_code", "regex": r"^[A-Z]{2}$"},
            CRITICAL,
            "country_code must be an ISO 3166-1 alpha-2 code.",
        ),
    ),
)

DATES = Suite(
    "article_dates",
    "dates",
    (
        *_child_keys("article_dates", "char_offset"),
        _not_null("year", what="date"),
        _between(
            "year",
            WARNING,
            f"Resolved date mentions fall between the years {DATE_MIN_YEAR} and {DATE_MAX_YEAR}.",
            min_value=DATE_MIN_YEAR,
            max_value=DATE_MAX_YEAR,
        ),
    ),
    derived=(Derived("year", "year", "date"),),
)

KEYWORDS = Suite(
    "article_keywords",
    "keywords",
    (
        *_child_keys("article_keywords", "keyword"),
        _between("score", CRITICAL, "Keyword scores are non-negative.", min_value=0),
        _between("rank", CRITICAL, "Keyword ranks start at 1.", min_value=1),
    ),
)

# Failed, these warnings mean the night or an enabled source came back empty: the report says so in the
# run's note and sends an alert (suite, column).
EMPTY_NIGHT_CHECKS = frozenset(
    {(SUITE_PREFIX + NIGHT.name, "n_articles"), (SUITE_PREFIX + VOLUME.name, "n_raw")}
)

# Order of validation (and of the rows of QualityReport.results).
SUITES: tuple[Suite, ...] = (SCHEMA, RAW, ARTICLES, NIGHT, QUARANTINE, VOLUME, PLACES, DATES, KEYWORDS)
