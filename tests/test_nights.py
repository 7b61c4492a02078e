"""Which night a run processes, and the Airflow dates that backfill a range of nights."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zoneinfo

import pytest

from akhbar.nights import backfill_bounds, night_of_run, nights_between
from tests.conftest import ROOT

UTC = dt.UTC


def test_a_scheduled_run_processes_the_day_its_data_interval_starts(monkeypatch):
    monkeypatch.setenv("AKHBAR_TIMEZONE", "Africa/Tunis")
    start = dt.datetime(2026, 11, 26, 1, 30, tzinfo=UTC)  # 02:30 in Tunis: scheduled__2026-11-26T01:30
    assert night_of_run(data_interval_start=start) == dt.date(2026, 11, 26)
    # East of UTC the same local 02:30 is the evening before in UTC: the night is still the local day.
    monkeypatch.setenv("AKHBAR_TIMEZONE", "Asia/Tokyo")
    assert night_of_run(data_interval_start=dt.datetime(2026, 11, 25, 17, 30, tzinfo=UTC)) == dt.date(
        2026, 11, 26
    )


def test_a_manual_run_takes_its_night_param_else_the_day_before():
    start = dt.datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    assert night_of_run(data_interval_start=start, night_param="2026-11-28") == dt.date(2026, 11, 28)
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Tunis"))
    assert night_of_run(data_interval_start=None, now=now) == dt.date(2026, 11, 30)


def test_backfill_bounds_hold_every_night_of_the_range_both_included(monkeypatch):
    monkeypatch.setenv("AKHBAR_TIMEZONE", "Africa/Tunis")
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 7)
    start, end = backfill_bounds(first, last)
    # The logical date of each night's run (02:30 local) lies inside; the next night's does not.
    tz = zoneinfo.ZoneInfo("Africa/Tunis")
    logical = [dt.datetime.combine(d, dt.time(2, 30), tz) for d in nights_between(first, last)]
    assert len(logical) == 7 and all(start <= t <= end for t in logical)
    assert not start <= dt.datetime.combine(last + dt.timedelta(days=1), dt.time(2, 30), tz) <= end
    assert not start <= dt.datetime.combine(first - dt.timedelta(days=1), dt.time(2, 30), tz) <= end
    with pytest.raises(ValueError):
        backfill_bounds(last, first)


def test_the_command_line_prints_airflows_arguments():
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar.nights", "2026-11-01", "2026-11-07"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"AKHBAR_TIMEZONE": "Africa/Tunis", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "--from-date 2026-11-01T00:00:00+01:00 --to-date 2026-11-07T23:59:59+01:00"
    assert "7 nights" in proc.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "akhbar.nights", "2026-11-07"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "usage" in bad.stderr
