"""akhbar's Airflow UI plugin: the "Corpus" page, its JSON API and the Great Expectations Data Docs.

Everything is served by one FastAPI app mounted by Airflow's API server under ``/akhbar``:

* ``/akhbar/corpus``            the page (last 30 nights as charts, latest quality results, search)
* ``/akhbar/api/stats``         the page's figures as JSON (``?end=YYYY-MM-DD&nights=N``)
* ``/akhbar/api/search?q=...``  full-text search, top 20
* ``/akhbar/data-docs/...``     ``$AKHBAR_DATA_DIR/quality/data_docs/`` as static files

Every route needs a valid Airflow session cookie or bearer token (see ``app.py``).
"""

from __future__ import annotations

import threading

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/akhbar"


class LazyApp:
    """ASGI app that imports the real one (FastAPI, DuckDB, akhbar) on its first request."""

    def __init__(self) -> None:
        self._app = None
        self._lock = threading.Lock()

    def load(self):
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from akhbar_corpus.app import create_app

                    self._app = create_app()
        return self._app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":  # a mounted app gets none; answer plainly if ever asked
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.load()(scope, receive, send)


app = LazyApp()


class AkhbarCorpusPlugin(AirflowPlugin):
    name = "akhbar_corpus"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "akhbar corpus"}]
    external_views = [
        {
            "name": "Corpus",
            # Relative to Airflow's base URL; the UI shows it in a frame at /plugin/akhbar-corpus.
            "href": "akhbar/corpus",
            "destination": "nav",
            "url_route": "akhbar-corpus",
            "nav_top_level": True,
        }
    ]
