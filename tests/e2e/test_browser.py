"""The whole thing as an operator sees it: `airflow standalone`, a real nightly run, a real browser.

Starts `airflow standalone` on a free loopback port (temporary AIRFLOW_HOME with SQLite and a
temporary AKHBAR_DATA_DIR), triggers `akhbar_nightly` for the sample corpus's night through the
REST API, waits for it to succeed, then drives Debian's Chromium with Playwright: logs in, sees
the run's success, opens the Corpus page and checks its charts and a search against read-only
DuckDB queries of the same catalog. Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import ROOT, SAMPLE_NIGHT, airflow, airflow_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("airflow_standalone")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
LOGICAL_DATE = "2026-11-29T01:30:00+00:00"  # 02:30 Tunis time: the data interval starts on the sample night
SERVER_WAIT_S = 240
RUN_WAIT_S = 15 * 60

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the "
        "browser test",
        allow_module_level=True,
    )
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip(
        "the playwright package is not installed (pip install playwright; never `playwright install`)",
        allow_module_level=True,
    )

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Standalone:
    def __init__(self, home: Path, data_dir: Path, port: int):
        self.home, self.data_dir, self.port = home, data_dir, port
        self.base = f"http://127.0.0.1:{port}"
        self.env = airflow_env(home, data_dir)
        self.env.update(
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(port),
            AIRFLOW__API__BASE_URL=self.base,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.base}/execution/",
            AIRFLOW__API_AUTH__JWT_SECRET="akhbar-e2e-" + os.urandom(16).hex(),
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
            AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL="5",
            AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
            # A loaded machine answers the workers' calls slowly: 5 s timed out a task's start before it ran.
            AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT="30",
            # No scheduled run on unpause: only the run the test triggers publishes a night.
            AKHBAR_SCHEDULE="0 3 1 1 *",
            GX_ANALYTICS_ENABLED="False",
            HF_HUB_OFFLINE="1",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        self.log_path = ARTIFACTS / "airflow-standalone.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        for cmd in (
            ["db", "migrate"],
            ["pools", "set", "akhbar_http", "4", "concurrent HTTP fetches"],
            ["pools", "set", "akhbar_catalog", "1", "one catalog writer at a time"],
        ):
            proc = airflow(cmd, self.env)
            assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "airflow"), "standalone"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_WAIT_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"airflow standalone exited: see {self.log_path}"
            try:
                if httpx.get(f"{self.base}/api/v2/version", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            raise AssertionError(f"API server not up after {SERVER_WAIT_S} s: see {self.log_path}")
        self.password = json.loads(self.password_file().read_text())["admin"]
        r = httpx.post(
            f"{self.base}/auth/token", json={"username": "admin", "password": self.password}, timeout=30
        )
        assert r.status_code in (200, 201), r.text
        self.api = httpx.Client(
            base_url=self.base, timeout=60, headers={"Authorization": f"Bearer {r.json()['access_token']}"}
        )

    def password_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def _own_pids(self) -> list[int]:
        """Processes started for this AIRFLOW_HOME (some components start their own process group)."""
        marker = f"AIRFLOW_HOME={self.home}".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            left = self._own_pids()
            for pid in left:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            if left and sig == signal.SIGTERM:
                time.sleep(5)
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    base = tmp_path_factory.mktemp("standalone")
    srv = Standalone(base / "airflow_home", base / "data", free_port())
    srv.home.mkdir()
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def nightly_run(server):
    """Unpause and trigger akhbar_nightly for the sample night; wait until it finishes."""
    api = server.api
    deadline = time.monotonic() + SERVER_WAIT_S
    while api.get("/api/v2/dags/akhbar_nightly").status_code != 200:
        assert time.monotonic() < deadline, "akhbar_nightly was not parsed in time"
        time.sleep(3)
    while api.get("/api/v2/dags/example_corpus_trends").status_code != 200:
        assert time.monotonic() < deadline, "example_corpus_trends was not parsed in time"
        time.sleep(3)
    # The example analysis DAG runs on the asset the nightly publish emits.
    for dag_id in ("example_corpus_trends", "akhbar_nightly"):
        assert api.patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False}).status_code == 200
    r = api.post(
        "/api/v2/dags/akhbar_nightly/dagRuns",
        json={"logical_date": LOGICAL_DATE, "conf": {"night": SAMPLE_NIGHT}},
    )
    assert r.status_code == 200, r.text
    run_id = r.json()["dag_run_id"]
    deadline = time.monotonic() + RUN_WAIT_S
    state = None
    while time.monotonic() < deadline:
        state = api.get(f"/api/v2/dags/akhbar_nightly/dagRuns/{quote(run_id, safe='')}").json()["state"]
        if state in ("success", "failed"):
            break
        time.sleep(5)
    tis = api.get(f"/api/v2/dags/akhbar_nightly/dagRuns/{quote(run_id, safe='')}/taskInstances").json()
    summary = sorted((t["task_id"], t.get("map_index"), t["state"]) for t in tis.get("task_instances", []))
    (ARTIFACTS / "run.json").write_text(
        json.dumps({"run_id": run_id, "state": state, "tasks": summary}, indent=1)
    )
    assert state == "success", f"akhbar_nightly run {run_id} ended {state}: {summary}"
    assert summary and all(t[2] == "success" for t in summary), summary
    # No other night may be published while the page is checked against the catalog.
    while api.get("/api/v2/dags/akhbar_nightly/dagRuns", params={"state": ["queued", "running"]}).json()[
        "total_entries"
    ]:
        assert time.monotonic() < deadline, "another akhbar_nightly run is still going"
        time.sleep(5)
    return run_id


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def login(page, server) -> None:
    page.goto(f"{server.base}/")
    page.wait_for_url("**/auth/login**")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)


def expected_figures(data_dir: Path) -> dict:
    from tests.e2e.catalog import query

    q = lambda sql, params=(): query(data_dir, sql, params)
    return {
        "by_source": dict(
            q("SELECT source_id, count(*) FROM articles WHERE dt = ? GROUP BY ALL", [SAMPLE_NIGHT])
        ),
        "by_lang": dict(q("SELECT lang, count(*) FROM articles WHERE dt = ? GROUP BY ALL", [SAMPLE_NIGHT])),
        "articles": q("SELECT count(*) FROM articles WHERE dt = ?", [SAMPLE_NIGHT])[0][0],
        "search": [r[0] for r in q("SELECT title FROM search_articles(?) LIMIT 20", ["تونس"])],
        "search_urls": [
            r[0]
            for r in q(
                """SELECT a.url FROM (SELECT * FROM search_articles(?) LIMIT 20) s
                                           JOIN articles a USING (article_id) ORDER BY s.score DESC, s.article_id""",
                ["تونس"],
            )
        ],
        "manchester_urls": [
            r[0]
            for r in q(
                """SELECT a.url FROM search_articles(?) s JOIN articles a USING (article_id)
                                               ORDER BY s.score DESC, s.article_id""",
                ["manchester"],
            )
        ],
        # The night's largest story and its articles in time order, as the story page must list them.
        "story": (
            q(
                """SELECT s.story_id FROM stories s JOIN article_stories a USING (story_id)
                       WHERE a.dt = ? AND s.size > 1 ORDER BY s.size DESC, s.n_sources DESC, s.story_id LIMIT 1""",
                [SAMPLE_NIGHT],
            )
            or [(None,)]
        )[0][0],
    }


def title_link(page, row: int) -> str | None:
    """The href of the link in the title of a search result, None when the title is plain text."""
    links = page.locator("#search-results tr.hit td.title").nth(row).locator("a")
    return links.first.get_attribute("href") if links.count() else None


def chart_values(page, chart_id: str) -> dict:
    return page.eval_on_selector_all(
        f"#{chart_id} [data-night='{SAMPLE_NIGHT}']",
        "els => Object.fromEntries(els.map(e => [e.dataset.series, Number(e.dataset.value)]))",
    )


def test_the_run_says_its_night_and_its_logs_hold_akhbars_lines(server, nightly_run):
    api = server.api
    run = api.get(f"/api/v2/dags/akhbar_nightly/dagRuns/{quote(nightly_run, safe='')}").json()
    articles = expected_figures(server.data_dir)["articles"]
    assert run["note"] == f"night {SAMPLE_NIGHT}: {articles} articles, 0 critical failures", run
    for task in ("validate", "report"):
        r = api.get(
            f"/api/v2/dags/akhbar_nightly/dagRuns/{quote(nightly_run, safe='')}/taskInstances/{task}/logs/1",
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 200, r.text
        events = [e.get("event", "") if isinstance(e, dict) else str(e) for e in r.json()["content"]]
        ours = [e for e in events if e.startswith("night ")]
        assert ours and ours[0] == f"night {SAMPLE_NIGHT}, run {nightly_run}: {task}", events[:40]
        # Great Expectations' INFO chatter is turned down inside akhbar's tasks.
        loggers = [e.get("logger", "") for e in r.json()["content"] if isinstance(e, dict)]
        assert not [lg for lg in loggers if lg.startswith("great_expectations")], loggers
        if task == "report":
            assert any("summary of the night" in e for e in events)


def test_the_example_analysis_dag_runs_on_the_published_corpus(server, nightly_run):
    """example_corpus_trends is scheduled on the akhbar_corpus asset: the nightly publish triggers it."""
    import csv

    api = server.api
    deadline = time.monotonic() + RUN_WAIT_S
    state = None
    while time.monotonic() < deadline:
        runs = api.get("/api/v2/dags/example_corpus_trends/dagRuns").json()["dag_runs"]
        state = runs[-1]["state"] if runs else None
        if state in ("success", "failed"):
            break
        time.sleep(5)
    assert state == "success", f"example_corpus_trends: {state}"
    assert runs[-1]["run_type"] == "asset_triggered"
    with (server.data_dir / "reports" / "weekly_top_places.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["lang"] for r in rows} <= set(expected_figures(server.data_dir)["by_lang"])


def test_operator_sees_the_run_and_the_corpus(server, nightly_run, browser):
    from akhbar.corpus_search import fold
    from akhbar.corpus_stats import article_link
    from tests.e2e.catalog import query

    figures = expected_figures(server.data_dir)
    assert figures["articles"] > 0 and figures["search"], figures

    anonymous = browser.new_context(viewport={"width": 1280, "height": 900})
    page = anonymous.new_page()
    page.goto(f"{server.base}/akhbar/corpus")
    page.wait_for_url("**/auth/login**")  # no session: sent to Airflow's login, not shown the page
    assert "next=" in page.url
    assert page.request.get(f"{server.base}/akhbar/api/stats").status == 401
    anonymous.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    external = []
    page.on(
        "request",
        lambda req: (
            external.append(req.url)
            if not req.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else None
        ),
    )
    login(page, server)

    # The run, as Airflow's UI shows it.
    page.goto(f"{server.base}/dags/akhbar_nightly/runs/{quote(nightly_run, safe='')}")
    expect(page.get_by_text(nightly_run).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Success").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Failed")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "1-run-success.png"), full_page=True)

    # The Corpus entry of Airflow's navigation opens the page inside the UI.
    page.goto(f"{server.base}/plugin/akhbar-corpus")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#chart-by-source")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "2-corpus-in-airflow.png"), full_page=True)

    # The page itself: charts drawn from the same catalog the pipeline published.
    page.goto(f"{server.base}/akhbar/corpus")
    expect(page.locator("#window-end")).to_have_text(SAMPLE_NIGHT)
    assert chart_values(page, "chart-by-source") == figures["by_source"]
    assert chart_values(page, "chart-by-lang") == figures["by_lang"]
    expect(page.locator("#tile-articles-latest")).to_have_text(f"{figures['articles']:,}")
    assert chart_values(page, "chart-run-duration")["run"] > 0
    # Latest quality results: failures and warnings in view, the passing checks folded away (closed).
    failing, passing = query(
        server.data_dir,
        """SELECT count(*) FILTER (WHERE NOT success),
                                                        count(*) FILTER (WHERE success)
                                                 FROM dq_results WHERE dt = ? AND run_id = ?""",
        [SAMPLE_NIGHT, nightly_run],
    )[0]
    assert failing + passing > 0
    expect(page.locator("#quality-table tbody tr")).to_have_count(failing)
    expect(page.locator("#quality-passing-table tbody tr")).to_have_count(passing)
    expect(page.locator("#quality-passing > summary")).to_contain_text(f"{passing} passing expectation")
    assert page.eval_on_selector("#quality-passing", "e => e.open") is False
    expect(page.locator("#quality-passing-table")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "3-corpus.png"), full_page=True)

    # Search through the API from the page's own script.
    page.fill("#search-q", "تونس")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-status")).to_contain_text("result", timeout=30_000)
    titles = page.locator("#search-results tr.hit td.title").all_text_contents()
    assert titles == [t or "" for t in figures["search"]]
    # Each title links to the article itself when its URL is an http(s) one (the sample's page sources
    # announce relative ones: text); titles and snippets mark the words found.
    assert [title_link(page, i) for i in range(len(titles))] == [
        article_link(u) for u in figures["search_urls"]
    ]
    marks = page.locator("#search-results tr.hit mark").all_text_contents()
    assert marks and all("تونس" in fold(m) for m in marks), marks
    page.fill("#search-q", "+manchester")  # an English article with an absolute URL
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-status")).to_contain_text("“+manchester”", timeout=30_000)
    expect(page.locator("#search-results tr.hit")).to_have_count(len(figures["manchester_urls"]))
    assert [title_link(page, i) for i in range(len(figures["manchester_urls"]))] == figures["manchester_urls"]
    assert all(u.startswith("https://") for u in figures["manchester_urls"])
    page.fill("#search-q", "تونس")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-status")).to_contain_text("“تونس”", timeout=30_000)
    page.locator("#search-form").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "4-search.png"), full_page=True)

    # The night's largest story, from the page's story list to the story's own page.
    assert figures["story"], "the sample night published no story of two articles or more"
    expect(page.locator("#stories-table tr.story").first).to_have_attribute("data-story", figures["story"])
    page.locator("#stories-table a.story-link").first.click()
    page.wait_for_url(f"**/akhbar/story/{figures['story']}")
    articles = [
        r[0]
        for r in query(
            server.data_dir,
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY reported_at, article_id",
            [figures["story"]],
        )
    ]
    assert len(articles) >= 2
    rows = page.locator("#articles-table tr.article")
    expect(rows).to_have_count(len(articles))
    assert [rows.nth(i).get_attribute("data-article") for i in range(len(articles))] == articles
    expect(page.locator("#timeline-table tbody tr").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "4b-story.png"), full_page=True)
    page.goto(f"{server.base}/akhbar/corpus")

    # Data Docs, behind the same login, opened from the page: the list of validation runs, this one first.
    with context.expect_page() as opened:
        page.click("#data-docs-link")
    index = opened.value
    index.wait_for_load_state()
    runs = index.locator("#validation-runs tbody tr")
    expect(runs.first).to_be_visible(timeout=30_000)
    assert runs.first.get_attribute("data-run-id") == nightly_run
    assert runs.first.get_attribute("data-night") == SAMPLE_NIGHT
    assert index.locator("#validation-runs tbody tr").first.locator("a.suite").count() == 9
    # Styled by its own stylesheet: the table has borders and the badge a background.
    assert index.eval_on_selector(".badge", "e => getComputedStyle(e).backgroundColor") not in (
        "",
        "rgba(0, 0, 0, 0)",
    )
    index.screenshot(path=str(ARTIFACTS / "5-data-docs-index.png"), full_page=True)
    index.locator("#validation-runs tbody tr").first.locator("a.suite", has_text="akhbar_articles").click()
    expect(index.get_by_text("must never").first).to_be_attached(timeout=30_000)
    expect(index.locator("nav img")).to_have_js_property("complete", True)
    assert index.eval_on_selector("nav img", "e => e.naturalWidth") > 0  # the logo, from the site itself
    index.close()
    suite_href = page.locator("#quality-table a.suite, #quality-passing-table a.suite").first.get_attribute(
        "href"
    )
    assert suite_href.startswith("data-docs/validations/")
    docs = context.new_page()
    docs.goto(f"{server.base}/akhbar/{suite_href}")
    expect(docs.get_by_text(nightly_run).first).to_be_attached()  # GX's page of this very run
    expect(docs.get_by_text("must never").first).to_be_attached()
    docs.screenshot(path=str(ARTIFACTS / "6-data-docs-suite.png"), full_page=True)
    docs.close()
    anonymous = browser.new_context()
    assert (
        anonymous.request.get(
            f"{server.base}/akhbar/{suite_href}", headers={"Accept": "application/json"}
        ).status
        == 401
    )
    anonymous.close()
    assert not external, f"the pages fetched from outside: {external[:5]}"
    context.close()
