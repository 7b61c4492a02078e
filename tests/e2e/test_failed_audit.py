"""Write-audit-publish through Airflow: a night that fails a critical expectation changes no table,
emits no asset event, fails at once (no retry can fix it) and its alert names the expectation.

A first night is published from the sample registry. The next night comes from a registry whose
one source is a dump of mostly broken lines: more than 60% of its raw records are quarantined,
which the quality gate treats as a broken night (a critical expectation).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import airflow, airflow_env
from tests.e2e.catalog import dump, query
from tests.lakehouse.helpers import NIGHT_TABLES

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("airflow")]

GOOD = ("2026-11-28T02:30:00+01:00", "2026-11-27")
BROKEN = ("2026-11-29T02:30:00+01:00", "2026-11-28")
# Tables a failed night must leave as they were (dq_results, the audit log, records the failure).
TABLES = [*NIGHT_TABLES, "sources", "runs", "exports"]

REGISTRY = """version: 1
defaults: {window_days: 0}
sources:
  - id: broken-wire
    kind: jsonl
    path: dumps/
    lang: ar
    timezone: Africa/Tunis
    mapping: {id: doc_id, url: link, title: headline, text: content, published: pub_date}
"""


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        type(self).received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Hook.received
    server.shutdown()


def broken_registry(folder) -> str:
    (folder / "dumps").mkdir(parents=True)
    good = {
        "doc_id": "bw-1",
        "link": "https://broken.example/1",
        "headline": "خبر",
        "content": "أعلنت وزارة الفلاحة اليوم عن برنامج جديد لدعم صغار الفلاحين في الجهات الداخلية " * 3,
        "pub_date": "2026-11-28T09:00:00+01:00",
    }
    lines = [json.dumps(good, ensure_ascii=False)] + [
        '{"doc_id": "bw-%d", "content": ' % i for i in range(2, 10)
    ]
    (folder / "dumps" / "2026-11-28.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = folder / "sources.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    return str(registry)


def corpus_asset_events(home) -> int:
    db = sqlite3.connect(home / "airflow.db")
    try:
        return db.execute("""SELECT count(*) FROM asset_event e JOIN asset a ON a.id = e.asset_id
                             WHERE a.name = 'akhbar_corpus'""").fetchone()[0]
    finally:
        db.close()


def test_a_failed_audit_publishes_nothing(airflow_home, tmp_path, webhook):
    url, received = webhook
    data_dir = tmp_path / "data"
    env = airflow_env(airflow_home, data_dir)
    env.update(AKHBAR_DEADLINE_MINUTES="0", AKHBAR_ALERT_WEBHOOK=url)
    proc = airflow(["dags", "test", "akhbar_nightly", GOOD[0]], env)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    events_before = corpus_asset_events(airflow_home)
    assert events_before >= 1, "the published night emitted no asset event"
    before = dump(data_dir, TABLES)
    snapshots_before = query(
        data_dir, "SELECT count(*) FROM akhbar.snapshots() WHERE commit_message LIKE 'publish%'"
    )

    env["AKHBAR_SOURCES"] = broken_registry(tmp_path / "broken")
    proc = airflow(["dags", "test", "akhbar_nightly", BROKEN[0]], env)
    log = proc.stdout + proc.stderr

    # The audit failed once (not retried), publish never ran, the run failed.
    assert "QualityGateFailed" in log, log[-4000:]
    assert log.count("Task failed with exception") <= 1 or "try_number=2" not in log
    assert [line for line in log.splitlines() if "Marking run" in line and "failed" in line], log[-3000:]
    # No table changed, no night published, no asset event.
    assert dump(data_dir, TABLES) == before
    assert (
        query(data_dir, "SELECT count(*) FROM akhbar.snapshots() WHERE commit_message LIKE 'publish%'")
        == snapshots_before
    )
    assert query(data_dir, "SELECT count(*) FROM articles WHERE dt = ?", [BROKEN[1]]) == [(0,)]
    assert corpus_asset_events(airflow_home) == events_before
    # The audit log keeps the failure, and the staged night stays for inspection.
    failed = query(
        data_dir,
        """SELECT expectation, "column" FROM dq_results
                                WHERE dt = ? AND severity = 'critical' AND NOT success""",
        [BROKEN[1]],
    )
    assert ("expect_column_values_to_be_between", "quarantine_share") in failed
    assert (data_dir / "work" / f"dt={BROKEN[1]}" / "staged.json").exists()
    # The alert names the failed expectation.
    quality = [a for a in received if "quality gate" in a["text"]]
    assert quality and "quarantine_share" in quality[-1]["text"], received
