"""Stable identifiers: the same input gives the same id on every night and machine."""

from __future__ import annotations

import hashlib


def stable_id(*parts: str | None, length: int = 16) -> str:
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def sha256_hex(data: bytes | str | None) -> str:
    if data is None:
        data = b""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()
