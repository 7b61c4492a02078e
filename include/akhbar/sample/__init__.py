"""The project's own sample corpus: a small, fictional, deterministic set of news sources.

`python -m akhbar.sample.generate --out sample/` rewrites the files shipped under
``sample/`` byte for byte; ``sample/EXPECTED.json`` says what the pipeline must make
of every record (article, duplicate of which article, or quarantined with which reason).
The generator is not imported here so that ``python -m`` runs it cleanly.
"""

from __future__ import annotations

from pathlib import Path


def sample_dir() -> Path:
    """The shipped sample corpus (``<project>/sample``)."""
    return Path(__file__).resolve().parents[3] / "sample"


def expected() -> dict:
    """The machine-readable expected outcomes, ``sample/EXPECTED.json``."""
    import json

    return json.loads((sample_dir() / "EXPECTED.json").read_text(encoding="utf-8"))
