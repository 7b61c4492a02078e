"""One writer at a time on a catalog: the lock names its holder to whoever waits, and goes with its
holder even when the holder is killed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from akhbar.lakehouse.lock import WriterBusy, writer_lock
from tests.conftest import ROOT
from tests.lakehouse.publisher import child_env

HOLD = textwrap.dedent("""
    import sys, time
    from akhbar.lakehouse.lock import writer_lock
    from tests.lakehouse.helpers import settings_for
    with writer_lock(settings_for(sys.argv[1]), "publish night 2026-11-28 (a test holder)"):
        print("held", flush=True)
        time.sleep(600)
""")


def holder(data_dir) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir)],
        cwd=ROOT,
        env=child_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline().strip() == "held", proc.stderr.read()
    return proc


def test_a_second_writer_is_told_who_holds_the_catalog(catalog, data_dir):
    proc = holder(data_dir)
    try:
        busy = pytest.raises(
            WriterBusy,
            match=r"held by another process .*publish night 2026-11-28 "
            rf"\(a test holder\).*\"pid\": {proc.pid}",
        )
        with busy, writer_lock(catalog, "a second writer", timeout=0.5):
            pytest.fail("two writers at once")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    # Killed, the holder's lock went with it: the next writer gets in at once, and names itself.
    with writer_lock(catalog, "after the kill", timeout=5):
        held = json.loads((data_dir / "catalog.sqlite.lock").read_text(encoding="utf-8"))
        assert held["purpose"] == "after the kill"


def test_writers_take_turns(catalog):
    inside, overlaps = [], []

    def write(name):
        with writer_lock(catalog, name, timeout=60):
            if inside:
                overlaps.append((inside[-1], name))
            inside.append(name)
            time.sleep(0.3)
            inside.remove(name)

    threads = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert overlaps == []
