"""What each stage kept, changed and rejected: the figures behind the `runs` table."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field


@dataclass
class StageCounts:
    stage: str
    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates: int = 0
    changed: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)  # stage-specific figures (by reason, by source...)

    def merge(self, other: StageCounts) -> StageCounts:
        self.records_in += other.records_in
        self.records_out += other.records_out
        self.rejected += other.rejected
        self.duplicates += other.duplicates
        self.changed += other.changed
        self.seconds += other.seconds
        for key, value in other.extra.items():
            if isinstance(value, (int, float)) and isinstance(self.extra.get(key, 0), (int, float)):
                self.extra[key] = self.extra.get(key, 0) + value
            elif isinstance(value, dict):
                bucket = self.extra.setdefault(key, {})
                for k, v in value.items():
                    bucket[k] = bucket.get(k, 0) + v
            else:
                self.extra[key] = value
        return self

    def as_dict(self) -> dict:
        return asdict(self)


class Timer:
    """Context manager that adds the elapsed wall time to a StageCounts."""

    def __init__(self, counts: StageCounts):
        self.counts = counts

    def __enter__(self):
        self._start = time.perf_counter()
        return self.counts

    def __exit__(self, *exc):
        self.counts.seconds += time.perf_counter() - self._start
        return False
