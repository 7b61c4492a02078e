"""Imported by a Celery worker before it forks (akhbar.celery_config): warms it (akhbar.warm)."""

from akhbar.warm import warm

warm()
