"""The Great Expectations Data Docs site, made to work offline (behind the Corpus page's login, or opened
from disk).

GX writes pages that load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs and a logo
from S3, and an index page whose list of validations is built in the browser by bootstrap-table. A
machine without internet, or a page whose content policy forbids other origins, shows a blank index and
unstyled pages with a broken logo. After each build:

* :func:`make_offline` takes every script and every remote stylesheet out of the pages GX (re)wrote,
  points the logo at the copy GX ships in ``static/images`` and links a stylesheet of akhbar's own
  (``static/styles/akhbar.css``) for the layout, tables, badges and icons the missing Bootstrap and
  Font Awesome gave them;
* :func:`write_index` replaces ``index.html`` with a page rendered here, from an autoescaped template,
  listing every validation run (night, run, suite, passed or failed, link) and every suite.

Both work from the files alone: GX's validation results under ``gx/uncommitted/validations`` and the
pages under ``data_docs``.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from akhbar import atomic

log = logging.getLogger(__name__)

STYLESHEET = "static/styles/akhbar.css"
OFFLINE_MARK = '<meta name="akhbar-offline" content="1">'
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.DOTALL | re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']https?://[^>]*>", re.IGNORECASE)
# GX's own images, which it also copies into static/images, fetched from its S3 bucket instead.
_GX_ASSET = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([A-Za-z0-9_.-]+)"
    r"(?:\?[^\"')\s]*)?"
)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
# The site's own static files, named relative to the page: GX counts one folder too few for the favicon
# of validation pages.
_LOCAL_STATIC = re.compile(r"""(\b(?:src|href)\s*=\s*["'])(?:\./|\.\./)*static/""", re.IGNORECASE)


def make_offline(site: Path, since: float | None = None) -> int:
    """Rewrite the site's pages (those modified at or after ``since``; every page not yet rewritten when
    None) so that they fetch nothing from elsewhere. Returns how many pages were rewritten."""
    site = Path(site)
    _write_stylesheet(site)
    done = 0
    for page in site.rglob("*.html"):
        if page == site / "index.html" or (since is not None and page.stat().st_mtime < since):
            continue
        html = page.read_text(encoding="utf-8")
        if OFFLINE_MARK in html:
            continue
        page.write_text(offline_html(html, depth=len(page.relative_to(site).parts) - 1), encoding="utf-8")
        done += 1
    return done


def offline_html(html: str, depth: int) -> str:
    """One GX page without scripts or remote stylesheets, its images local, akhbar's stylesheet linked;
    ``depth`` is how many folders below the site's root the page is."""
    up = "../" * depth
    html = _SCRIPT.sub("", html)
    html = _REMOTE_LINK.sub("", html)
    html = _LOCAL_STATIC.sub(lambda m: f"{m.group(1)}{up}static/", html)
    html = _GX_ASSET.sub(lambda m: f"{up}static/images/{m.group(1)}", html)
    head = f'{OFFLINE_MARK}<link rel="stylesheet" href="{up}{STYLESHEET}">'
    html, n = _HEAD_END.subn(head + "</head>", html, count=1)
    return html if n else head + html


def _write_stylesheet(site: Path) -> None:
    target = site / STYLESHEET
    css = resources.files("akhbar.quality").joinpath("static/akhbar.css").read_text(encoding="utf-8")
    if not target.exists() or target.read_text(encoding="utf-8") != css:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")


@dataclass(frozen=True)
class ValidationRun:
    """One suite validated by one run, as the index lists it."""

    night: str
    run_id: str
    checked_at: str
    suite: str
    success: bool
    evaluated: int
    failed: int
    page: str | None  # relative to the site's root


def remember_night(nights_file: Path, run_id: str, night: datetime.date) -> None:
    """Record which night a run validated, for the index (GX's results do not keep it). Not in GX's
    stores: their folders must hold GX's own files only."""
    nights_file = Path(nights_file)
    nights = _nights(nights_file)
    if nights.get(run_id) != night.isoformat():
        nights[run_id] = night.isoformat()
        nights_file.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(nights_file, json.dumps(nights, indent=0, sort_keys=True))


def _nights(nights_file: Path | None) -> dict[str, str]:
    if nights_file is None:
        return {}
    try:
        return json.loads(Path(nights_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def validation_runs(
    site: Path, results: Path, limit: int, nights_file: Path | None = None
) -> list[ValidationRun]:
    """The ``limit`` latest validations kept in GX's results store, newest first."""
    nights = _nights(nights_file)
    files = sorted(Path(results).glob("*/*/*/*.json"), key=lambda p: (p.parts[-2], p.parts[-3]), reverse=True)
    runs = []
    for path in files[:limit]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable validation result %s", path)
            continue
        suite, run_id, run_time = path.parts[-4], path.parts[-3], path.parts[-2]
        page = Path("validations", suite, run_id, run_time, path.stem + ".html")
        stats = data.get("statistics") or {}
        runs.append(
            ValidationRun(
                night=nights.get(run_id, ""),
                run_id=run_id,
                checked_at=_when(run_time),
                suite=suite,
                success=bool(data.get("success")),
                evaluated=int(stats.get("evaluated_expectations") or 0),
                failed=int(stats.get("unsuccessful_expectations") or 0),
                page=page.as_posix() if (Path(site) / page).is_file() else None,
            )
        )
    return runs


def _when(run_time: str) -> str:
    try:
        return datetime.datetime.strptime(run_time, "%Y%m%dT%H%M%S.%fZ").strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return run_time


def write_index(site: Path, results: Path, *, limit: int, nights_file: Path | None = None) -> Path:
    """``index.html`` of the site, rendered here: the validation runs (newest first) and the suites."""
    import jinja2

    site = Path(site)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("akhbar.quality", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    runs = validation_runs(site, results, limit, nights_file)
    # One entry per validation of a night by a run (a run validates again after setting a source aside).
    by_run: dict[tuple[str, str, str], list[ValidationRun]] = {}
    for r in runs:
        by_run.setdefault((r.night, r.run_id, r.checked_at), []).append(r)
    suites = sorted(p.stem for p in (site / "expectations").glob("*.html"))
    html = env.get_template("data_docs_index.html.j2").render(
        runs=[
            {
                "night": night,
                "run_id": run_id,
                "checked_at": checked_at,
                "suites": sorted(items, key=lambda r: r.suite),
                "failed": sum(1 for r in items if not r.success),
            }
            for (night, run_id, checked_at), items in by_run.items()
        ],
        suites=suites,
        stylesheet=STYLESHEET,
        limit=limit,
    )
    index = site / "index.html"
    atomic.write_text(index, html)
    return index
