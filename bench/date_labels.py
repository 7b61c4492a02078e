"""The hand-labelled date-mention sets: sentences referenced in ../shared/corpus by id and offsets.

A label line holds where its sentence is (``source``, ``field``, ``start``, ``end`` and the first
12 hex digits of the sentence's SHA-1, checked when read), never the sentence itself; sentences
written for the project (``source: written``) carry their ``text``. See bench/labels/README.md.

Split: the sentences labelled with the first version of akhbar.dates (ids ``d…``) were tuned on:
all dev. The ones added for issue 14 (ids ``n…``) are held out when the hash of their id is even,
a rule fixed before any tuning. The French and Levantine sentences added later to the dev part
(``date_mentions_3.jsonl``, ids ``v…``) and the third round (``date_mentions_4.jsonl``, ids ``w…``) are all dev.
The fifth file (``date_mentions_5.jsonl``, ids ``x…``, issue 14's sixth mining round) is split by the same hash
rule as the ``n…`` ids (held out when the SHA-256 of ``datelabel:<id>`` starts with an even byte), fixed before
the extractor was run on any of its sentences. The sixth file (``date_mentions_6.jsonl``, ids ``y…``, issue 14's seventh
mining round) is split by the same rule, fixed the same way, and so is the seventh file (``date_mentions_7.jsonl``,
ids ``z…``, issue 14's eighth round).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ANT = CORPUS / "ant" / "ant-v1.1.tar.gz"
ANT_MS = CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz"
NEWS_CRED = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
HTML = CORPUS / "html"
READABILITY = HTML / "readability" / "readability-test-pages.tar.gz"
LABEL_FILES = [
    ROOT / "bench" / "labels" / f"date_mentions{n}.jsonl" for n in ("", "_2", "_3", "_4", "_5", "_6", "_7")
]

_FIELD = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.DOTALL) for t in ("DOCNO", "TITLE", "TEXT")}
_NC_NAME = re.compile(r"txt/([^/]+)/.*#([0-9a-f]{8})[0-9a-f-]*\.txt$")


def sha12(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def split_of(case_id: str) -> str:
    """``d…`` (the first set), ``v…`` (French and Levantine sentences added to the dev part in issue
    14's second round) and ``w…`` (its third round) are dev; ``n…`` (issue 14's set), ``x…`` (its sixth
    mining round), ``y…`` (its seventh) and ``z…`` (its eighth) are held out when the hash of their id is even."""
    if case_id.startswith(("d", "v", "w")):
        return "dev"
    digest = hashlib.sha256(f"datelabel:{case_id}".encode()).digest()
    return "heldout" if digest[0] % 2 == 0 else "dev"


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    text: str
    reference: str
    family: str
    lang: str
    expected: list
    split: str


def _trec_fields(path: Path, wanted: set[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with tarfile.open(path) as tar:
        for member in tar:
            if not member.isfile() or not wanted:
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            docno = _FIELD["DOCNO"].search(doc)
            if docno is None or docno.group(1).strip() not in wanted:
                continue
            key = docno.group(1).strip()
            fields = {}
            for name in ("TITLE", "TEXT"):
                m = _FIELD[name].search(doc)
                fields[name.lower()] = m.group(1) if m else ""
            out[key] = fields
    return out


def _news_credibility(wanted: set[str]) -> dict[str, dict[str, str]]:
    out = {}
    with tarfile.open(NEWS_CRED) as tar:
        for member in tar:
            m = _NC_NAME.search(member.name)
            if not member.isfile() or m is None:
                continue
            key = f"{m.group(1)}/{m.group(2)}"
            if key in wanted and key not in out:
                out[key] = {"text": tar.extractfile(member).read().decode("utf-8", "replace")}
    return out


def _html_pages(wanted: set[str]) -> dict[str, dict[str, str]]:
    """French and English news pages: the visible text of the page (one line per block)."""
    from selectolax.lexbor import LexborHTMLParser

    out = {}
    for key in wanted:
        path = HTML / key
        if path.exists():
            tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
            for node in tree.css("script, style, noscript"):
                node.decompose()
            out[key] = {"text": tree.body.text(separator="\n") if tree.body else ""}
    return out


def _readability_pages(wanted: set[str]) -> dict[str, dict[str, str]]:
    """Readability test pages (``readability:<case>``): the visible text of the case's source.html, read
    from the tarball as :func:`_html_pages` reads a page."""
    import tarfile

    from selectolax.lexbor import LexborHTMLParser

    out: dict[str, dict[str, str]] = {}
    if not READABILITY.exists():
        return out
    with tarfile.open(READABILITY) as tar:
        for key in wanted:
            member = tar.extractfile(f"readability-test-pages/{key}/source.html")
            tree = LexborHTMLParser(member.read().decode("utf-8", "replace"))
            for node in tree.css("script, style, noscript"):
                node.decompose()
            out[key] = {"text": tree.body.text(separator="\n") if tree.body else ""}
    return out


def corpus_documents(sources: set[str]) -> dict[str, dict[str, str]]:
    """{source: {field: text}} for the labels' sources (read from the tarballs, never copied)."""
    by_corpus: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        corpus, _, key = source.partition(":")
        by_corpus[corpus].add(key)
    docs: dict[str, dict[str, str]] = {}
    readers = {"ant": lambda w: _trec_fields(ANT, w), "ant-multisource": lambda w: _trec_fields(ANT_MS, w),
               "news-credibility": _news_credibility, "html": _html_pages,
               "readability": _readability_pages}  # fmt: skip
    for corpus, keys in by_corpus.items():
        if corpus in readers:
            for key, fields in readers[corpus](keys).items():
                docs[f"{corpus}:{key}"] = fields
    return docs


def _lang(family: str) -> str:
    return {"french": "fr", "english": "en"}.get(family, "ar")


def load_cases(files: list[Path] | None = None) -> tuple[list[Case], list[str]]:
    """The labelled sentences whose text could be read, and the problems met (missing corpus...)."""
    rows = [json.loads(line) for f in (files or LABEL_FILES) if f.exists()
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    docs = (
        corpus_documents({r["source"] for r in rows if r["source"] != "written"}) if CORPUS.is_dir() else {}
    )
    cases, problems = [], []
    for r in rows:
        if "text" in r:
            text = r["text"]
        else:
            fields = docs.get(r["source"])
            if fields is None:
                problems.append(f"{r['id']}: {r['source']} not found")
                continue
            text = fields[r["field"]][r["start"] : r["end"]]
            if sha12(text) != r["sha1"]:
                problems.append(f"{r['id']}: the sentence at {r['source']} {r['start']}-{r['end']} changed")
                continue
        cases.append(Case(r["id"], r["source"], text, r["reference"], r["family"], r.get("lang") or _lang(r["family"]),
                          r["expected"], split_of(r["id"])))  # fmt: skip
    return cases, problems
