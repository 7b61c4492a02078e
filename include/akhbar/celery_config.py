"""Celery settings for akhbar's workers: Airflow's own, plus a warm start (see akhbar.warm).

``AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS=akhbar.celery_config.CELERY_CONFIG`` (docker-compose sets
it): the worker imports :mod:`akhbar.warm_worker` before it forks its pool, and every task it forks
then starts with extraction, cleaning and enrichment loaded.
"""

from __future__ import annotations

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

CELERY_CONFIG = {
    **DEFAULT_CELERY_CONFIG,
    "imports": (*DEFAULT_CELERY_CONFIG.get("imports", ()), "akhbar.warm_worker"),
}
