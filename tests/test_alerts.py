"""Alerts reach a real local webhook receiver and a real local SMTP sink (loopback only)."""

from __future__ import annotations

import email
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from akhbar import alerts


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    import socket

    with socket.socket() as probe:  # a free loopback port (aiosmtpd's ready check needs a real one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, messages
    controller.stop()


class _TI:
    dag_id, run_id, task_id = "akhbar_nightly", "scheduled__2026-11-28", "validate"
    log_url = "http://localhost:8080/dags/akhbar_nightly/runs/scheduled__2026-11-28/tasks/validate"


class QualityGateFailed(RuntimeError):
    pass


def test_quality_failure_posts_slack_compatible_json(webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("AKHBAR_ALERT_WEBHOOK", url)
    monkeypatch.delenv("AKHBAR_ALERT_EMAIL", raising=False)
    alerts.on_task_failure({"ti": _TI(), "exception": QualityGateFailed("articles: article_id not unique")})
    assert len(received) == 1
    content_type, payload = received[0]
    assert content_type.startswith("application/json")
    assert "critical quality gate" in payload["text"] and "article_id not unique" in payload["text"]
    assert payload["akhbar"]["event"] == alerts.QUALITY
    assert payload["akhbar"]["task_id"] == "validate"
    assert payload["akhbar"]["link"] == _TI.log_url


def test_failure_email_goes_through_airflows_smtp_provider(smtp_sink, monkeypatch):
    controller, messages = smtp_sink
    monkeypatch.delenv("AKHBAR_ALERT_WEBHOOK", raising=False)
    monkeypatch.setenv("AKHBAR_ALERT_EMAIL", "oncall@example.org")
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        json.dumps(
            {
                "conn_type": "smtp",
                "host": "127.0.0.1",
                "port": controller.port,
                "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "akhbar@localhost"},
            }
        ),
    )
    sent = alerts.dispatch(
        alerts.alert_from_context({"ti": _TI(), "exception": ValueError("feed unreachable")})
    )
    assert sent == {"email": True}
    ((rcpt, raw),) = messages
    assert rcpt == ["oncall@example.org"]
    msg = email.message_from_bytes(raw)
    assert "task of the nightly run failed" in msg["Subject"]
    body = "".join(
        part.get_payload(decode=True).decode()
        for part in msg.walk()
        if part.get_content_type() == "text/html"
    )
    assert "feed unreachable" in body and "akhbar_nightly" in body


def test_deadline_alert(webhook, monkeypatch):
    import asyncio

    url, received = webhook
    monkeypatch.setenv("AKHBAR_ALERT_WEBHOOK", url)
    asyncio.run(
        alerts.on_deadline_missed(
            {"dag_run": {"dag_id": "akhbar_nightly", "run_id": "r1"}}, deadline="within 240 minutes"
        )
    )
    assert received[0][1]["akhbar"]["event"] == alerts.DEADLINE
    assert "within 240 minutes" in received[0][1]["text"]


def test_a_broken_channel_does_not_raise(monkeypatch):
    monkeypatch.setenv("AKHBAR_ALERT_WEBHOOK", "http://127.0.0.1:9/nothing-listens-here")
    sent = alerts.dispatch(alerts.Alert(alerts.FAILURE, "d", "r", "t", "boom", None))
    assert sent == {"webhook": False}
