"""Rejected records: every one keeps its reason and its raw bytes."""

from __future__ import annotations

import datetime as _dt
from collections import Counter

import pyarrow as pa

from akhbar.schema import QUARANTINE


class QuarantineBuilder:
    """Collects rejected records of one stage and turns them into a QUARANTINE table."""

    def __init__(self, stage: str, dt: _dt.date):
        self.stage = stage
        self.dt = dt
        self._rows: list[dict] = []

    def reject(
        self,
        *,
        record_id: str,
        source_id: str,
        reason: str,
        detail: str | None = None,
        locator: str | None = None,
        body: bytes | str | None = None,
    ) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        self._rows.append(
            {
                "record_id": record_id,
                "source_id": source_id,
                "stage": self.stage,
                "reason": reason,
                "detail": detail,
                "locator": locator,
                "body": body,
                "dt": self.dt,
            }
        )

    def __len__(self) -> int:
        return len(self._rows)

    def reasons(self) -> dict[str, int]:
        return dict(Counter(row["reason"] for row in self._rows))

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self._rows, schema=QUARANTINE)
