"""The FastAPI app of the Corpus page, mounted by Airflow's API server under ``/akhbar``.

Auth: the app-wide dependencies are Airflow's own ``requires_access_dag(method="GET",
access_entity=RUN)`` (a valid session cookie or bearer token of a user allowed to read DAG
runs); nothing is served without it. A browser without a session that asks for a page is sent
to Airflow's login page, which brings it back afterwards.

Reads: the lakehouse catalog is attached read-only per request and read at one snapshot, so the
nightly publish never waits for the page and the page never sees half of a night (stats are kept
at most ``STATS_TTL`` seconds, and never across a change of a SQLite catalog).
"""

from __future__ import annotations

import datetime as _dt
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.core_api.security import requires_access_dag
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from akhbar import config, corpus_stats, corpus_stories

from . import page, templating

STATS_TTL = 15.0
RETRY_AFTER = "30"

PAGE_CSP = (
    "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
)
# Data Docs pages are static and script-free once akhbar.quality.data_docs has made them offline: they
# load their stylesheet, images and fonts from the site itself and nothing else.
DOCS_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _one_scope(request: Request) -> None:
    """Airflow's DAG check reads ``dag_id`` from the query; this app has one fixed scope, so refuse it."""
    if "dag_id" in request.query_params:
        raise HTTPException(status_code=400, detail="dag_id is not a parameter of this API")


AUTH = [Depends(_one_scope), Depends(requires_access_dag(method="GET", access_entity=DagAccessEntity.RUN))]


class _StatsCache:
    """Figures of one (catalog state, end, nights) for a few seconds; a publish changes the state of
    a SQLite catalog's files (a PostgreSQL catalog relies on the time limit)."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self._items: dict = {}
        self._lock = threading.Lock()

    @staticmethod
    def _state(catalog) -> tuple:
        if catalog.sqlite_path is None:
            return ()
        out: list[tuple[int, int] | None] = []  # (mtime, size) of the catalog and its WAL, None: absent
        for p in (catalog.sqlite_path, Path(str(catalog.sqlite_path) + "-wal")):
            try:
                st = p.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def get(self, catalog, end: _dt.date | None, nights: int) -> dict:
        key = (catalog.describe(), end, nights)
        state = self._state(catalog)
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] == state and now - hit[1] < self.ttl:
                return hit[2]
        stats = corpus_stats.corpus_stats(catalog, end=end, nights=nights)
        with self._lock:
            if len(self._items) > 64:
                self._items.clear()
            self._items[key] = (state, now, stats)
        return stats


def _parse_end(end: str | None) -> _dt.date | None:
    if not end:
        return None
    try:
        return _dt.date.fromisoformat(end)
    except ValueError:
        raise HTTPException(status_code=422, detail="end must be a date YYYY-MM-DD") from None


def _unavailable_json(exc: corpus_stats.WarehouseUnavailable, **extra) -> JSONResponse:
    body = {"available": False, "reason": exc.reason, "message": exc.message, **extra}
    if exc.reason == "error":
        return JSONResponse(body, status_code=503, headers={**COMMON_HEADERS, "Retry-After": RETRY_AFTER})
    return JSONResponse(body, headers=COMMON_HEADERS)


def _safe_file(root: Path, rel: str) -> Path | None:
    """``root/rel`` if it is a file inside ``root`` (a directory means its index.html); else None."""
    try:
        root = root.resolve()
        target = (root / rel).resolve()
    except (OSError, ValueError):
        return None
    if not target.is_relative_to(root):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _wants_page(request: Request, path: str) -> bool:
    """A browser asking for a page (not the JSON API, not a script's fetch)."""
    return not path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _error_page(status: int, message: str) -> HTMLResponse:
    html = templating.render("error.html", status=status, message=message)
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            **COMMON_HEADERS,
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


def _add_error_handlers(app: FastAPI) -> None:
    """A browser without a session goes to Airflow's login; a page's error is a page, not JSON."""

    @app.exception_handler(StarletteHTTPException)
    async def _to_login(request: Request, exc: StarletteHTTPException):
        path = request.scope["path"][len(request.scope.get("root_path", "")) :]
        not_logged_in = exc.status_code == 401 or (
            exc.status_code == 403 and exc.detail == "Invalid JWT token"
        )
        if (
            not_logged_in
            and request.method in ("GET", "HEAD")
            and not path.startswith("/api/")
            and "text/html" in request.headers.get("accept", "")
        ):
            from airflow.api_fastapi.app import get_auth_manager

            return RedirectResponse(
                get_auth_manager().get_url_login(next_url=str(request.url)), status_code=303
            )
        if _wants_page(request, path) and not not_logged_in:
            return _error_page(exc.status_code, str(exc.detail))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _bad_parameter(request: Request, exc: RequestValidationError):
        path = request.scope["path"][len(request.scope.get("root_path", "")) :]
        if _wants_page(request, path):
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors()
            )
            return _error_page(422, f"This address has a parameter the page cannot use ({problems}).")
        return await request_validation_exception_handler(request, exc)


def _add_pages(app: FastAPI, root: Callable[[], Path], cache: _StatsCache) -> None:
    """The Corpus page and a story's page."""

    @app.get("/", include_in_schema=False)
    def index(request: Request):
        return RedirectResponse(request.scope.get("root_path", "") + "/corpus", status_code=307)

    @app.get("/corpus", response_class=HTMLResponse)
    def corpus_page(
        q: str = Query("", max_length=2000),
        end: str | None = None,
        nights: int = Query(corpus_stats.DEFAULT_NIGHTS, ge=1, le=corpus_stats.MAX_NIGHTS),
    ):
        nonce = secrets.token_urlsafe(16)
        headers = {**COMMON_HEADERS, "Content-Security-Policy": PAGE_CSP.format(nonce=nonce)}
        end_date = _parse_end(end)
        db = corpus_stats.catalog_settings(root())
        try:
            stats = cache.get(db, end_date, nights)
            found = corpus_stats.search(db, q) if corpus_stats.clean_query(q) else None
        except corpus_stats.WarehouseUnavailable as exc:
            html = page.render(None, unavailable=exc, nonce=nonce)
            return HTMLResponse(html, status_code=503 if exc.reason == "error" else 200, headers=headers)
        docs = corpus_stats.data_docs_dir(root())
        links = corpus_stats.data_docs_links(docs, stats.get("latest_quality"))
        html = page.render(
            stats,
            search=found,
            q=corpus_stats.clean_query(q),
            links=links,
            nonce=nonce,
            end=end_date.isoformat() if end_date else "",
            nights=nights,
        )
        return HTMLResponse(html, headers=headers)

    @app.get("/story/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: str):
        from . import stories

        headers = {
            **COMMON_HEADERS,
            "Content-Security-Policy": PAGE_CSP.format(nonce=secrets.token_urlsafe(16)),
        }
        try:
            data = corpus_stories.story(corpus_stats.catalog_settings(root()), story_id)
        except corpus_stats.WarehouseUnavailable as exc:
            html = page.render(None, unavailable=exc, nonce="")
            return HTMLResponse(html, status_code=503 if exc.reason == "error" else 404, headers=headers)
        return HTMLResponse(
            stories.render_story(data, story_id), status_code=200 if data else 404, headers=headers
        )


def _add_api(app: FastAPI, root: Callable[[], Path], cache: _StatsCache) -> None:
    """The JSON the page's script and other clients read."""

    @app.get("/api/stats")
    def api_stats(
        end: str | None = None,
        nights: int = Query(corpus_stats.DEFAULT_NIGHTS, ge=1, le=corpus_stats.MAX_NIGHTS),
    ):
        db = corpus_stats.catalog_settings(root())
        try:
            stats = cache.get(db, _parse_end(end), nights)
        except corpus_stats.WarehouseUnavailable as exc:
            return _unavailable_json(exc)
        links = corpus_stats.data_docs_links(corpus_stats.data_docs_dir(root()), stats.get("latest_quality"))
        return JSONResponse({**stats, "data_docs": links}, headers=COMMON_HEADERS)

    @app.get("/api/story/{story_id}")
    def api_story(story_id: str):
        try:
            data = corpus_stories.story(corpus_stats.catalog_settings(root()), story_id)
        except corpus_stats.WarehouseUnavailable as exc:
            return _unavailable_json(exc)
        if data is None:
            raise HTTPException(status_code=404, detail="no such story")
        return JSONResponse({"available": True, **data}, headers=COMMON_HEADERS)

    @app.get("/api/search")
    def api_search(
        q: str = Query("", max_length=2000),
        limit: int = Query(corpus_stats.SEARCH_LIMIT, ge=1, le=corpus_stats.SEARCH_LIMIT),
    ):
        db = corpus_stats.catalog_settings(root())
        try:
            found = corpus_stats.search(db, q, limit=limit)
        except corpus_stats.WarehouseUnavailable as exc:
            return _unavailable_json(exc, query=corpus_stats.clean_query(q), count=0, results=[])
        body = {"available": True, **found, "status": page.search_status(found)}
        return JSONResponse(body, headers=COMMON_HEADERS)


def _add_data_docs(app: FastAPI, root: Callable[[], Path]) -> None:
    """Great Expectations' Data Docs, served from the data dir under a script-free policy."""

    @app.get("/data-docs", include_in_schema=False)
    def data_docs_root(request: Request):
        return RedirectResponse(request.scope.get("root_path", "") + "/data-docs/index.html", status_code=307)

    @app.get("/data-docs/{path:path}")
    def data_docs(path: str):
        docs = corpus_stats.data_docs_dir(root())
        target = _safe_file(docs, path or "index.html")
        if target is None:
            detail = (
                "no such Data Docs file"
                if docs.is_dir()
                else "no Data Docs yet: they are written by the validate task of akhbar_nightly"
            )
            raise HTTPException(status_code=404, detail=detail)
        return FileResponse(
            target,
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": DOCS_CSP,
                "Cache-Control": "no-cache",
            },
        )


def create_app(data_dir: str | Path | None = None) -> FastAPI:
    """The app; ``data_dir`` defaults to ``AKHBAR_DATA_DIR`` read at each request."""

    def root() -> Path:
        return Path(data_dir) if data_dir else config.default_data_dir()

    cache = _StatsCache(STATS_TTL)
    app = FastAPI(title="akhbar corpus", dependencies=AUTH, docs_url=None, redoc_url=None, openapi_url=None)
    _add_error_handlers(app)
    _add_pages(app, root, cache)
    _add_api(app, root, cache)
    _add_data_docs(app, root)
    return app
