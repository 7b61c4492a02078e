"""Alerts when a night fails, fails a critical quality gate, comes back empty, or runs past its deadline.

Two channels, each optional and configured outside the repository:
- a webhook (JSON POST, Slack-compatible: the message is in ``text``), from the Airflow
  connection ``akhbar_webhook`` (its host/schema/port/extra) or the URL in ``AKHBAR_ALERT_WEBHOOK``;
- email through Airflow's SMTP provider (connection ``AKHBAR_SMTP_CONN_ID``, default
  ``smtp_default``) to the addresses in ``AKHBAR_ALERT_EMAIL`` (comma-separated).

A failing alert channel is logged and never hides the failure it reports.
"""

from __future__ import annotations

import html
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)

FAILURE = "task_failed"
QUALITY = "critical_quality_failure"
DEADLINE = "deadline_missed"
EMPTY_NIGHT = "empty_night"

_TITLES = {
    FAILURE: "akhbar: a task of the nightly run failed",
    QUALITY: "akhbar: a critical quality gate failed; the night was not published",
    DEADLINE: "akhbar: the night has not finished by its deadline",
    EMPTY_NIGHT: "akhbar: the night came back empty, or an enabled source brought nothing",
}


@dataclass
class Alert:
    event: str
    dag_id: str
    run_id: str
    task_id: str | None
    reason: str
    link: str | None

    @property
    def title(self) -> str:
        return _TITLES.get(self.event, f"akhbar: {self.event}")

    def text(self) -> str:
        where = f"{self.dag_id} / {self.run_id}" + (f" / {self.task_id}" if self.task_id else "")
        lines = [f"*{self.title}*", where, f"Reason: {self.reason}"]
        if self.link:
            lines.append(f"<{self.link}|Open in Airflow>")
        return "\n".join(lines)

    def payload(self) -> dict:
        # `text` is what Slack (and most chat webhooks) display; `akhbar` carries the fields for machines.
        return {"text": self.text(), "akhbar": asdict(self)}

    def html(self) -> str:
        link = f'<p><a href="{html.escape(self.link)}">Open in Airflow</a></p>' if self.link else ""
        return (
            f"<h3>{html.escape(self.title)}</h3><p>DAG <b>{html.escape(self.dag_id)}</b>, "
            f"run <b>{html.escape(self.run_id)}</b>"
            + (f", task <b>{html.escape(self.task_id)}</b>" if self.task_id else "")
            + f"</p><pre>{html.escape(self.reason)}</pre>{link}"
        )


def webhook_url() -> str | None:
    url = os.environ.get("AKHBAR_ALERT_WEBHOOK")
    if url:
        return url
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection("akhbar_webhook")
    except Exception:  # no such connection: the channel is simply off
        return None
    extra = conn.extra_dejson or {}
    if extra.get("url"):
        return extra["url"]
    scheme = conn.schema or "https"
    port = f":{conn.port}" if conn.port else ""
    return f"{scheme}://{conn.host}{port}{extra.get('path', '')}"


def send_webhook(alert: Alert, url: str, *, timeout: float = 10.0) -> None:
    import httpx

    response = httpx.post(
        url,
        content=json.dumps(alert.payload(), ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        timeout=timeout,
    )
    response.raise_for_status()


def send_email(alert: Alert, to: list[str], *, conn_id: str | None = None) -> None:
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id or os.environ.get("AKHBAR_SMTP_CONN_ID", "smtp_default")) as hook:
        hook.send_email_smtp(
            to=to,
            subject=alert.title,
            html_content=alert.html(),
            from_email=os.environ.get("AKHBAR_ALERT_FROM", "akhbar@localhost"),
        )


def _channels(alert: Alert) -> dict[str, Callable[[], None]]:
    """The configured channels, each a call that sends ``alert`` through it."""
    channels: dict[str, Callable[[], None]] = {}
    url = webhook_url()
    if url:
        channels["webhook"] = lambda: send_webhook(alert, url)
    recipients = [a.strip() for a in os.environ.get("AKHBAR_ALERT_EMAIL", "").split(",") if a.strip()]
    if recipients:
        channels["email"] = lambda: send_email(alert, recipients)
    return channels


def dispatch(alert: Alert) -> dict:
    """Send an alert through every configured channel; returns which channels succeeded."""
    sent = {}
    for name, send in _channels(alert).items():
        try:
            send()
            sent[name] = True
        except Exception:
            log.exception("alert %s failed", name)
            sent[name] = False
    if not sent:
        log.warning(
            "no alert channel configured (AKHBAR_ALERT_WEBHOOK / AKHBAR_ALERT_EMAIL): %s", alert.text()
        )
    return sent


def task_link(context) -> str | None:
    """The failed (or reporting) task's log in Airflow's UI, else its run."""
    return _link(context)


def _link(context) -> str | None:
    ti = context.get("ti") or context.get("task_instance")
    url = getattr(ti, "log_url", None) if ti is not None else None
    if url:
        return url
    base = os.environ.get("AIRFLOW__API__BASE_URL", "http://localhost:8080").rstrip("/")
    dag_run = context.get("dag_run")
    if dag_run is not None:
        return f"{base}/dags/{dag_run.dag_id}/runs/{dag_run.run_id}"
    return None


def alert_from_context(context) -> Alert:
    """Build the alert for a failed task from Airflow's callback context."""
    ti = context.get("ti") or context.get("task_instance")
    exc = context.get("exception")
    event = FAILURE
    # A gate failure reaches Airflow wrapped (akhbar.airflow_tasks.fail_fast: no retry can fix it).
    cause = exc.__cause__ if exc is not None and exc.__cause__ is not None else exc
    if cause is not None and type(cause).__name__ == "QualityGateFailed":
        event = QUALITY
    dag_run = context.get("dag_run")
    reason = f"{type(cause).__name__}: {cause}" if cause is not None else (context.get("reason") or "unknown")
    return Alert(
        event=event,
        dag_id=getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None) or "?",
        run_id=getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None) or "?",
        task_id=getattr(ti, "task_id", None),
        reason=reason[:2000],
        link=_link(context),
    )


def on_task_failure(context) -> None:
    dispatch(alert_from_context(context))


async def on_deadline_missed(context=None, **kwargs) -> None:
    """AsyncCallback of the DAG's DeadlineAlert: runs in the triggerer."""
    context = context or {}
    dag_run = context.get("dag_run") or {}
    get = (lambda k: dag_run.get(k)) if isinstance(dag_run, dict) else (lambda k: getattr(dag_run, k, None))
    dag_id = get("dag_id") or kwargs.get("dag_id", "akhbar_nightly")
    run_id = get("run_id") or "?"
    base = os.environ.get("AIRFLOW__API__BASE_URL", "http://localhost:8080").rstrip("/")
    alert = Alert(
        event=DEADLINE,
        dag_id=dag_id,
        run_id=run_id,
        task_id=None,
        reason=f"not finished {kwargs.get('deadline', 'by its deadline')}",
        link=f"{base}/dags/{dag_id}/runs/{run_id}",
    )
    dispatch(alert)
