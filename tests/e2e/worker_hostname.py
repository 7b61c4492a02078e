"""A per-process hostname for Airflow (``[core] hostname_callable``).

Two Celery workers on one machine share its hostname, so Airflow would record the same
``task_instance.hostname`` for both. The topology test gives each worker its own name
through ``AKHBAR_E2E_WORKER_NAME`` and points ``AIRFLOW__CORE__HOSTNAME_CALLABLE`` at
:func:`hostname`, so the metadata DB tells which worker ran which task.
"""

from __future__ import annotations

import os
import socket


def hostname() -> str:
    return os.environ.get("AKHBAR_E2E_WORKER_NAME") or socket.getfqdn()
