"""The Corpus page's FastAPI app with Airflow's real auth manager and a real metadata DB.

Tokens are minted by Airflow's own auth manager (SimpleAuthManager, the default) and checked by
Airflow's own dependency; the token check reads the metadata DB (revoked tokens), so the module
points Airflow's ORM at a migrated SQLite DB in a temporary AIRFLOW_HOME.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from akhbar.lakehouse.session import reader_session
from tests.conftest import ROOT, airflow_env

# Airflow generates a short HMAC secret when none is configured; its key-length warning is not ours.
# Each module starts the Airflow API server with the plugin (about a minute): not the fast lane.
pytestmark = [pytest.mark.filterwarnings("ignore:The HMAC key is"), pytest.mark.slow]

HOSTILE = [
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    "' OR '1'='1",
    "a AND NOT b*",
    "*",
    "(((",
    "%",
    "\\'",
    'تونس"; DELETE FROM articles; --',
    "élections ‏تونس‎ 𝕏 🙂",
    "\u0000x",
]


@pytest.fixture(scope="module")
def airflow_db(airflow_home):
    from airflow import settings
    from airflow.configuration import conf

    before = conf.get("database", "sql_alchemy_conn")
    conf.set("database", "sql_alchemy_conn", f"sqlite:///{airflow_home}/airflow.db")
    settings.configure_vars()
    settings.reconfigure_orm()
    try:
        yield airflow_home
    finally:
        conf.set("database", "sql_alchemy_conn", before)
        settings.configure_vars()
        settings.reconfigure_orm()


@pytest.fixture(scope="module")
def auth_manager(airflow_db):
    from airflow.api_fastapi.app import init_auth_manager

    return init_auth_manager()


def mint(auth_manager, role="admin", **kwargs) -> str:
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    return auth_manager.generate_jwt(SimpleAuthManagerUser(username=f"u-{role}", role=role), **kwargs)


@pytest.fixture(scope="module")
def token(auth_manager) -> str:
    return mint(auth_manager, "viewer")


@pytest.fixture(scope="module")
def client(data_dir, auth_manager):
    from akhbar_corpus.app import create_app

    with TestClient(create_app(data_dir)) as c:
        yield c


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


ROUTES = ["/corpus", "/api/stats", "/api/search?q=تونس", "/data-docs/index.html", "/"]


@pytest.mark.slow
@pytest.mark.parametrize("path", ROUTES)
def test_refused_without_a_token(client, path):
    r = client.get(path, headers={"Accept": "application/json"}, follow_redirects=False)
    assert r.status_code == 401
    assert "articles" not in r.text


@pytest.mark.parametrize("path", ROUTES)
def test_refused_with_a_forged_or_expired_token(client, auth_manager, path):
    from airflow.api_fastapi.auth.tokens import JWTGenerator

    forged = JWTGenerator(
        secret_key="not-the-secret", valid_for=600, audience=auth_manager._get_jwt_audience()
    ).generate({"sub": "admin", "role": "admin"})
    assert client.get(path, headers=bearer(forged), follow_redirects=False).status_code == 403
    expired = mint(auth_manager, "admin", expiration_time_in_seconds=-3600)
    assert client.get(path, headers=bearer(expired), follow_redirects=False).status_code == 401


def test_refused_to_a_user_without_a_role(client, auth_manager):
    r = client.get("/api/stats", headers=bearer(mint(auth_manager, None)))
    assert r.status_code == 403


def test_browser_without_session_is_sent_to_login(client):
    r = client.get(
        "/corpus?nights=7", headers={"Accept": "text/html,application/xhtml+xml"}, follow_redirects=False
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/auth/login?next=")
    assert "corpus%3Fnights%3D7" in location
    # The API answers a script plainly, it never redirects.
    assert (
        client.get("/api/stats", headers={"Accept": "text/html"}, follow_redirects=False).status_code == 401
    )


def test_dag_id_cannot_change_what_is_checked(client, token):
    assert client.get("/api/stats?dag_id=other", headers=bearer(token)).status_code == 400


def test_stats_with_a_token(client, token):
    r = client.get("/api/stats", headers=bearer(token))
    assert r.status_code == 200
    stats = r.json()
    assert stats["window"]["end"] == "2026-11-28" and len(stats["window"]["nights"]) == 30
    assert stats["totals"]["articles"] == 7
    d3 = {x["dt"]: x for x in stats["nightly_rates"]}["2026-11-28"]
    assert (d3["articles"], d3["duplicates"], d3["quarantined"], d3["quarantine_rate"]) == (2, 1, 2, 0.4)
    assert stats["latest_quality"]["failed"] == {"critical": 1, "warning": 1}
    assert r.headers["cache-control"] == "no-store"
    r = client.get("/api/stats?end=2026-11-27&nights=2", headers=bearer(token))
    assert r.json()["window"]["nights"] == ["2026-11-26", "2026-11-27"]
    assert client.get("/api/stats?nights=0", headers=bearer(token)).status_code == 422
    assert client.get("/api/stats?end=yesterday", headers=bearer(token)).status_code == 422


def test_session_cookie_is_accepted(client, token):
    r = client.get("/api/stats", cookies={"_token": token})
    assert r.status_code == 200 and r.json()["totals"]["articles"] == 7
    client.cookies.clear()


def test_page_with_a_token(client, token, catalog):
    r = client.get("/corpus", headers={**bearer(token), "Accept": "text/html"})
    assert r.status_code == 200
    html = r.text
    for chart in (
        "chart-by-source",
        "chart-by-lang",
        "chart-duplicate-rate",
        "chart-quarantine-rate",
        "chart-quality",
        "chart-run-duration",
    ):
        assert f'id="{chart}"' in html
    with reader_session(catalog) as con:
        expected = dict(
            con.execute(
                "SELECT source_id, count(*) FROM articles WHERE dt = '2026-11-28' GROUP BY ALL"
            ).fetchall()
        )
    drawn = {
        m[0]: int(m[1])
        for m in re.findall(
            r'data-night="2026-11-28" data-series="([^"]+)" data-value="([0-9.]+)"',
            html.split('id="chart-by-source"')[1].split("</svg>")[0],
        )
    }
    assert drawn == expected
    assert 'id="tile-quarantine-rate-latest">40.0%<' in html
    assert 'id="tile-quality-failures">1 / 1<' in html
    assert "expect_column_values_to_not_be_null" in html
    # Self-contained: nothing is loaded from another host; the one script carries the CSP nonce.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    csp = r.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in html and html.count("<script") == 1
    assert "default-src 'none'" in csp


def test_page_search_is_rendered_and_escaped(client, token):
    r = client.get("/corpus", params={"q": "<img src=x onerror=alert(1)> تونس"}, headers=bearer(token))
    assert r.status_code == 200
    assert "<img src=x" not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    assert r.text.count('class="hit"') == 3


def test_search_api(client, token):
    r = client.get("/api/search", params={"q": "تونس"}, headers=bearer(token))
    assert r.status_code == 200
    body = r.json()
    assert {a["article_id"] for a in body["results"]} == {"o1", "a2", "a3"}
    assert set(body["results"][0]) >= {
        "article_id",
        "title",
        "published_at",
        "dt",
        "source_id",
        "lang",
        "score",
        "url",
        "link",
        "snippet",
        "snippet_parts",
    }
    # What the page's script builds a row from: the link, and the snippet's parts with the match marked.
    a3 = next(a for a in body["results"] if a["article_id"] == "a3")
    assert a3["link"] == "https://x.test/a3"
    assert {"text": "تونس", "mark": True} in a3["snippet_parts"]
    phrase = client.get("/api/search", params={"q": '"تونس العاصمة" +أمطار'}, headers=bearer(token)).json()
    assert [a["article_id"] for a in phrase["results"]] == ["a3"]
    assert phrase["syntax"] == {"words": [], "required": ["امطار"], "phrases": ["تونس العاصمة"]}
    assert (
        client.get("/api/search", params={"q": "تونس", "limit": 21}, headers=bearer(token)).status_code == 422
    )
    assert client.get("/api/search", params={"q": "x" * 3000}, headers=bearer(token)).status_code == 422


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_search_strings(client, token, catalog, hostile):
    r = client.get("/api/search", params={"q": hostile}, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["count"] <= 20
    with reader_session(catalog) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 7
        assert con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 2


def test_data_docs_are_served_behind_the_login(client, token, data_dir):
    docs = data_dir / "quality" / "data_docs"
    (docs / "static").mkdir(parents=True, exist_ok=True)
    (docs / "index.html").write_text("<html><body>GX index</body></html>")
    (docs / "static" / "s.css").write_text("body{}")
    (data_dir / "secret.txt").write_text("outside the docs")
    r = client.get("/data-docs/index.html", headers=bearer(token))
    assert r.status_code == 200 and "GX index" in r.text
    policy = r.headers["content-security-policy"]
    # The pages are static once made offline: no script, nothing from another origin.
    assert "default-src 'none'" in policy and "script-src" not in policy and "https:" not in policy
    assert client.get("/data-docs/static/s.css", headers=bearer(token)).text == "body{}"
    assert client.get("/data-docs/", headers=bearer(token)).text == r.text
    for escape in (
        "/data-docs/..%2F..%2Fsecret.txt",
        "/data-docs/%2e%2e/%2e%2e/secret.txt",
        "/data-docs/..%2Fcatalog.sqlite",
        "/data-docs/%2Fetc%2Fpasswd",
    ):
        got = client.get(escape, headers=bearer(token))
        assert got.status_code == 404 and "outside the docs" not in got.text, escape
    assert client.get("/data-docs/nope.html", headers=bearer(token)).status_code == 404


def test_friendly_empty_state_without_a_catalog(tmp_path, auth_manager, token):
    from akhbar_corpus.app import create_app

    with TestClient(create_app(tmp_path)) as c:
        r = c.get("/corpus", headers=bearer(token))
        assert r.status_code == 200 and 'id="empty-state"' in r.text and "akhbar_nightly" in r.text
        body = c.get("/api/stats", headers=bearer(token)).json()
        assert body["available"] is False and body["reason"] == "missing"
        assert c.get("/api/search?q=x", headers=bearer(token)).json()["results"] == []
        assert c.get("/data-docs/index.html", headers=bearer(token)).status_code == 404
    assert list(tmp_path.iterdir()) == []  # reading never creates a catalog


PLUGIN_CHECK = textwrap.dedent("""
    import json, sys
    from airflow import plugins_manager
    info = [p for p in plugins_manager.get_plugin_info() if p["name"] == "akhbar_corpus"]
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("duckdb", "akhbar") or m == "akhbar_corpus.app")
    from fastapi.testclient import TestClient
    from airflow.api_fastapi.app import create_app
    client = TestClient(create_app(apps="core"))
    unauth = client.get("/akhbar/api/stats").status_code
    print("RESULT" + json.dumps({"info": info, "heavy": heavy, "unauth": unauth}, default=str))
""")


@pytest.mark.slow
def test_airflow_loads_the_plugin_and_mounts_the_app(airflow_home, tmp_path):
    """Through Airflow's own plugin loader and API app, in a fresh process."""
    env = airflow_env(airflow_home, tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-c", PLUGIN_CHECK], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.split("RESULT", 1)[1])
    assert len(out["info"]) == 1, out
    plugin = out["info"][0]
    assert plugin["fastapi_apps"][0]["url_prefix"] == "/akhbar"
    view = plugin["external_views"][0]
    assert view["name"] == "Corpus" and view["href"] == "akhbar/corpus" and not view["href"].startswith("/")
    assert view["destination"] == "nav"
    assert out["heavy"] == []  # loading the plugin imports neither DuckDB nor the page's code
    assert out["unauth"] == 401  # mounted under /akhbar, and refusing anonymous requests
    assert Path(ROOT / "plugins" / "akhbar_corpus" / ".airflowignore").is_file()


def test_a_bad_address_gives_a_page_saying_so_not_raw_json(client, token):
    html = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
    for url in ("/corpus?nights=abc", "/corpus?nights=0", "/corpus?end=yesterday"):
        r = client.get(url, headers=html)
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), url
        assert 'id="error"' in r.text and "corpus" in r.text, r.text
    # A script asking for JSON still gets JSON.
    assert (
        client.get("/api/stats?nights=abc", headers=bearer(token)).headers["content-type"]
        == "application/json"
    )
    r = client.get("/corpus?end=<script>x</script>", headers=html)
    assert "<script>x" not in r.text


def test_source_colours_do_not_move_when_a_source_is_added_and_counts_have_whole_ticks():
    from akhbar_corpus import charts

    before = charts.colors_by_name(["courrier-maghreb", "mashriq-wire", "tunis-akhbar"])
    after = charts.colors_by_name(["aaa-new-source", "courrier-maghreb", "mashriq-wire", "tunis-akhbar"])
    assert {k: after[k] for k in before} == before
    assert len(set(after.values())) == len(after)
    svg = charts.svg(charts.stacked_bars("c", "x", ["2026-11-28"], {"s": [1]}, {"s": "#000"}))
    ticks = re.findall(r'class="tick">([^<]+)</text>', svg)
    assert ticks[:5] == ["0", "1", "2", "3", "4"]
    for top in (3, 7, 34, 999, 12345):
        svg = charts.svg(charts.stacked_bars("c", "x", ["2026-11-28"], {"s": [top]}, {"s": "#000"}))
        values = [t.replace(",", "") for t in re.findall(r'class="tick">([^<]+)</text>', svg)[:5]]
        assert all(v.isdigit() for v in values) and int(values[-1]) >= top, (top, values)
    quiet = charts.svg(
        charts.stacked_bars("c", "x", ["2026-11-28"], {"critical": [0]}, {}, empty="every expectation passed")
    )
    assert "every expectation passed" in quiet and "no data" not in quiet
