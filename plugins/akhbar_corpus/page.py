"""The Corpus page as one self-contained HTML document (inline CSS, one inline script with a nonce).

This module turns the figures of akhbar.corpus_stats into what ``templates/corpus.html`` shows
(tiles, charts, quality rows in the order they matter); the templates autoescape every value, and
the page's script (``templates/corpus.js``) writes results with ``textContent``: titles, sources
and URLs are data, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from . import charts, templating
from .stories import section_view


@dataclass(frozen=True)
class Tile:
    key: str
    value: str
    label: str
    cls: str = ""


@dataclass(frozen=True)
class Card:
    """A chart with its title, and under it a legend of its colours or a note."""

    title: str
    chart: charts.Chart
    legend: dict[str, str] | None = None
    note: str = ""


def _num(v) -> str:
    return "–" if v is None else f"{v:,}"


def _pct(v) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def _series(rows: list[dict], key: str, value: str, nights: list[str], order: list[str] | None = None):
    index = {n: i for i, n in enumerate(nights)}
    names = order or sorted({r[key] for r in rows})
    out = {name: [0] * len(nights) for name in names}
    for r in rows:
        if r["dt"] in index and r[key] in out:
            out[r[key]][index[r["dt"]]] = r[value]
    return out


def _tiles(stats: dict) -> list[Tile]:
    w, t = stats["window"], stats["totals"]
    latest = {r["dt"]: r for r in stats["nightly_rates"]}.get(w["end"], {})
    failed = (stats.get("latest_quality") or {}).get("failed", {})
    crit, warn = failed.get("critical", 0), failed.get("warning", 0)
    runs = stats["runs"]
    return [
        Tile("articles-latest", _num(latest.get("articles", 0)), f"articles on {w['end']}"),
        Tile("duplicate-rate-latest", _pct(latest.get("duplicate_rate")), "duplicate rate that night"),
        Tile("quarantine-rate-latest", _pct(latest.get("quarantine_rate")), "quarantine rate that night"),
        Tile(
            "quality-failures",
            f"{crit} / {warn}",
            "critical / warning failures (latest check)",
            "bad" if crit else ("warn" if warn else "ok"),
        ),
        Tile(
            "run-seconds",
            charts.fmt(runs[-1]["seconds"], "seconds") if runs else "–",
            "latest run's duration",
        ),
        Tile("articles-total", _num(t["articles"]), "articles in the catalog"),
        Tile("duplicates-total", _num(t["duplicates"]), "duplicates linked"),
        Tile("quarantined-total", _num(t["quarantined"]), "records quarantined"),
    ]


def _per_night(rows: list[dict], value: str, nights: list[str], empty: Any) -> list[Any]:
    """``value`` of each night's row (the last one of a night wins), ``empty`` where a night has none."""
    index = {n: i for i, n in enumerate(nights)}
    out = [empty] * len(nights)
    for r in rows:
        if r["dt"] in index:
            out[index[r["dt"]]] = r[value]
    return out


def _cards(stats: dict) -> list[Card]:
    nights = stats["window"]["nights"]
    return [
        *_volume_cards(stats, nights),
        *_rate_cards(stats, nights),
        _quality_card(stats, nights),
        _run_card(stats, nights),
    ]


def _volume_cards(stats: dict, nights: list[str]) -> list[Card]:
    by_source = _series(stats["articles_by_source"], "source_id", "articles", nights)
    src_colors = charts.colors_by_name(by_source)
    by_lang = _series(stats["articles_by_lang"], "lang", "articles", nights)
    lang_colors = {name: charts.color_for(i + 3) for i, name in enumerate(by_lang)}
    return [
        Card(
            "Articles by source",
            charts.stacked_bars(
                "chart-by-source", "articles per night by source", nights, by_source, src_colors
            ),
            src_colors,
        ),
        Card(
            "Articles by language",
            charts.stacked_bars(
                "chart-by-lang", "articles per night by language", nights, by_lang, lang_colors
            ),
            lang_colors,
        ),
    ]


def _rate_cards(stats: dict, nights: list[str]) -> list[Card]:
    rates = stats["nightly_rates"]
    dup: list[float | None] = _per_night(rates, "duplicate_rate", nights, None)
    qua: list[float | None] = _per_night(rates, "quarantine_rate", nights, None)
    return [
        Card(
            "Duplicate rate",
            charts.lines(
                "chart-duplicate-rate",
                "duplicates / (articles + duplicates) per night",
                nights,
                {"duplicate rate": dup},
                {"duplicate rate": "#805ad5"},
            ),
            note="duplicates ÷ (articles + duplicates)",
        ),
        Card(
            "Quarantine rate",
            charts.lines(
                "chart-quarantine-rate",
                "quarantined / all records per night",
                nights,
                {"quarantine rate": qua},
                {"quarantine rate": "#dd6b20"},
            ),
            note="quarantined ÷ (articles + duplicates + quarantined)",
        ),
    ]


def _quality_card(stats: dict, nights: list[str]) -> Card:
    sev = _series(stats["quality_failures"], "severity", "failed", nights, order=["critical", "warning"])
    checked = any(r.get("checked") for r in stats["quality_failures"])
    return Card(
        "Quality failures by severity",
        charts.stacked_bars(
            "chart-quality",
            "failed expectations per night by severity",
            nights,
            sev,
            charts.SEVERITY_COLORS,
            empty="every expectation passed in these nights"
            if checked
            else "no quality results in these nights",
        ),
        charts.SEVERITY_COLORS,
    )


def _run_card(stats: dict, nights: list[str]) -> Card:
    # The latest run of each night: runs are ordered by time.
    run_secs: list[float] = _per_night(stats["runs"], "seconds", nights, 0.0)
    return Card(
        "Run duration",
        charts.stacked_bars(
            "chart-run-duration",
            "seconds per run",
            nights,
            {"run": run_secs},
            {"run": "#319795"},
            kind="seconds",
        ),
        note="from the first stage to the report, latest run of each night",
    )


def search_status(found: dict) -> str:
    """What the page says above the results of ``found`` (akhbar.corpus_stats.search), also sent to its script."""
    text = f"{found['count']} result(s) for “{found['query']}”"
    matches, checked = found.get("matches", found["count"]), found.get("phrase_checked")
    if found["count"] >= found["limit"]:
        text += (
            f" (the first {found['limit']})"
            if checked is not None
            else f" (the first {found['limit']} of {matches:,})"
        )
    if checked is not None and checked < matches:
        text += (
            f"; the phrase was looked for in the best {checked:,} of the {matches:,} articles with its words"
        )
    return text


def quality_view(latest: dict | None, links: dict | None) -> dict | None:
    """The latest validation's rows in the order they matter: critical failures, then warnings (failed
    checks of warning severity), then the passing ones, which the page folds away."""
    if not latest:
        return None
    links = links or {}
    suites = links.get("suites", {})
    rows = [
        {**r, "suite_href": "data-docs/" + quote(suites[r["suite"]]) if r["suite"] in suites else None}
        for r in latest["results"]
    ]
    failures = [r for r in rows if not r["success"] and r["severity"] == "critical"]
    warnings = [r for r in rows if not r["success"] and r["severity"] != "critical"]
    passing = [r for r in rows if r["success"]]
    failed = latest.get("failed", {})
    return {
        "dt": latest["dt"],
        "run_id": latest["run_id"],
        "checked": latest["checked"],
        "critical": failed.get("critical", 0),
        "warning": sum(n for s, n in failed.items() if s != "critical"),
        "passed": latest["checked"] - sum(failed.values()),
        "docs_href": "data-docs/" + quote(links["index"]) if links.get("index") else None,
        "failures": failures,
        "warnings": warnings,
        "passing": passing,
    }


def render(
    stats: dict | None,
    *,
    unavailable=None,
    search: dict | None = None,
    q: str = "",
    links: dict | None = None,
    nonce: str,
    end: str = "",
    nights: int = 30,
) -> str:
    context: dict[str, Any] = {"unavailable": unavailable, "stats": stats, "nonce": nonce}
    if unavailable is None and stats is not None and not stats.get("empty"):
        w = stats["window"]
        context.update(
            window=w,
            latest_night=str(stats["latest_night"]),
            end=end,
            nights=nights,
            tiles=_tiles(stats),
            stories=section_view(stats.get("stories"), w["end"]),
            q=q,
            search=search,
            search_status=search_status(search) if search is not None else None,
            cards=_cards(stats),
            quality=quality_view(stats.get("latest_quality"), links),
            runs=list(reversed(stats["runs"][-10:])),
        )
    return templating.render("corpus.html", **context)
