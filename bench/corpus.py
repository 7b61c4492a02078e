"""The shared corpus as the benchmarks read it: one reader of the ANT v1.1 tarball for all of them.

ANT is read in place (never unpacked): each member is a TREC-like file with one <DOC>.
"""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("AKHBAR_CORPUS", ROOT.parent / "shared" / "corpus"))
TARBALL = CORPUS / "ant" / "ant-v1.1.tar.gz"


def _field(doc: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", doc, re.S)
    return m.group(1).strip() if m else ""


def ant_docs(wanted: set[str] | None = None):
    """(docno, category, title, text) from the ANT v1.1 tarball, read in place; docno is the
    file's name without .txt, e.g. JAW-…; ``wanted`` keeps only those docnos."""
    with tarfile.open(TARBALL) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".txt") or "/" not in member.name:
                continue
            docno = Path(member.name).stem
            if wanted is not None and docno not in wanted:
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            if "<DOC>" not in doc:
                continue
            yield docno, _field(doc, "CAT"), _field(doc, "TITLE"), _field(doc, "TEXT")
