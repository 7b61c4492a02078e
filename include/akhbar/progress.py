"""Progress of long stages: a bar on a terminal, plain lines in Airflow task logs."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("akhbar.progress")

# In a log, one line every few seconds is enough to see a stage move without drowning it.
LOG_EVERY_SECONDS = 5.0


def _interactive() -> bool:
    return sys.stderr.isatty()


def track(items: Iterable[T], *, stage: str, total: int | None = None, unit: str = "records") -> Iterator[T]:
    """Yield items unchanged while reporting how many have gone through.

    `items` may yield batches (objects with ``num_rows``); the count then advances by rows.
    """
    if _interactive():
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        bar = tqdm(total=total, desc=stage, unit=unit, dynamic_ncols=True)
        # Log lines written while the bar is drawn go above it instead of through it.
        try:
            with logging_redirect_tqdm():
                for item in items:
                    yield item
                    bar.update(getattr(item, "num_rows", 1))
        finally:
            bar.close()
        return
    done = 0
    start = last = time.monotonic()
    for item in items:
        yield item
        done += getattr(item, "num_rows", 1)
        now = time.monotonic()
        if now - last >= LOG_EVERY_SECONDS:
            last = now
            of = f"/{total}" if total else ""
            log.info("%s: %d%s %s (%.0f/s)", stage, done, of, unit, done / max(now - start, 1e-9))
    log.info("%s: done, %d %s in %.1fs", stage, done, unit, time.monotonic() - start)
