"""Memory figures of a benchmark process, read from /proc (Linux)."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def rss_mib() -> float:
    """Current resident set size (not the peak), from /proc."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """Peak RSS of this process image, or since the last reset of /proc/self/clear_refs. /proc's
    VmHWM restarts at exec; ru_maxrss does not, so in a subprocess it would report the parent's peak
    whenever that one is larger."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # KiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def reset_peak_rss() -> None:
    """Start the peak RSS (VmHWM) again from the current RSS (Linux: clear_refs 5); no-op elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
