"""Byte-mutation fuzzing of the readers (issue 11): real feeds, WARC, TREC, JSONL and CSV files
from ../shared/corpus and the project's sample/, mutated by Hypothesis, must keep the invariant:

* nothing raises out of ``fetch_source``, and the rows keep the RAW_RECORD contract (unique
  record ids, hashes, "<code>: <detail>" errors);
* every error record carries bytes, and for the byte readers (JSONL, CSV, TREC, WARC) those
  bytes are a range of the input (the quarantine holds what was read, not a description);
* every byte of an input file is accounted for: ``bytes_read`` equals the file's length (its
  inflated length for gzip) and ``bytes_unaccounted`` is 0 — each byte ended in a raw record,
  an error record, a counted skip or the blank space between units.

A bounded number of examples per format runs with the unit tests (``AKHBAR_FUZZ_EXAMPLES``,
default 30); ``make fuzz`` runs many more. With ``AKHBAR_FUZZ_REPORT=<file>`` each test
appends how many inputs it tried.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import re
import shutil
import tarfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from akhbar.stats import StageCounts
from tests.sources.helpers import CORPUS, PROJECT_ROOT, collect, make_source, settings

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("AKHBAR_FUZZ_EXAMPLES", "30"))
SAMPLE = PROJECT_ROOT / "sample"
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
# Fragments that steer mutations towards the readers' boundaries.
TOKENS = [
    b"<DOC>",
    b"</DOC>",
    b"<TEXT>",
    b"</TEXT>",
    b"WARC/1.0\r\n",
    b"WARC/1.1\r\n",
    b"\r\n\r\n",
    b"Content-Length: 99999999\r\n",
    b"Content-Length: 0\r\n",
    b"WARC-Type: response\r\n",
    b"\n",
    b"\r",
    b'"',
    b",",
    b"\t",
    b"\\ud800",
    b'{"text": [[[[[[[[',
    b"\xff",
    b"\xfe\xff",
    b"\x00",
    b"\x1f\x8b\x08",
    b"<item>",
    b"</item>",
    b"<entry>",
    b"<link>http://[::1</link>",
    b"<url><loc>",
    b"</loc></url>",
    b"<!ENTITY a 'b'>",
    b"&a;",
    b"javascript:alert(1)",
    b"\xef\xbb\xbf",
]
# Where the byte readers put the bytes they quarantine: a range of the input.
RANGE_CODES = {
    "malformed_json",
    "invalid_unicode",
    "bad_encoding",
    "malformed_trec",
    "malformed_csv",
    "truncated_warc",
    "bad_warc",
    "missing_text",
    "bad_row",
    "bad_document",
}

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2**31), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, 2**31), st.sampled_from(TOKENS) | st.binary(max_size=24)),
    st.tuples(st.just("delete"), st.integers(0, 2**31), st.integers(1, 600)),
    st.tuples(st.just("duplicate"), st.integers(0, 2**31), st.integers(1, 5000)),
    st.tuples(st.just("truncate"), st.integers(0, 2**31), st.just(0)),
)
MUTATIONS = st.lists(_mutation, min_size=1, max_size=8)


def mutate(data: bytes, mutations) -> bytes:
    out = bytearray(data)
    for op, where, arg in mutations:
        at = where % (len(out) + 1)
        if op == "flip" and out:
            out[at % len(out)] ^= arg
        elif op == "insert":
            out[at:at] = arg
        elif op == "delete":
            del out[at : at + arg]
        elif op == "duplicate":
            out[at:at] = out[at : at + arg]
        elif op == "truncate":
            del out[at:]
    return bytes(out)


def inflate_prefix(data: bytes, *, step: int | None = None) -> bytes:
    """What gzip data inflates to, member after member, as far as it can. With ``step`` the
    input is fed ``step`` bytes at a time, so that a corrupt member still gives what precedes
    the damage (the most any reader can get); without, a corrupt member gives nothing (the
    least)."""
    out, pos = bytearray(), 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        size = step or len(data)
        try:
            while pos < len(data) and not d.eof:
                chunk = data[pos : pos + size]
                out += d.decompress(chunk)
                pos += len(chunk)
        except zlib.error:
            break
        if not d.eof:
            break
        pos -= len(d.unused_data)
        while pos < len(data) and data[pos] == 0:  # padding between members
            pos += 1
    return bytes(out)


def report(name: str) -> None:
    path = os.environ.get("AKHBAR_FUZZ_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"test": name, "examples": 1}) + "\n")


def check(rows: list[dict], counts: StageCounts, data: bytes, *, byte_reader: bool, gz: bool) -> None:
    """The invariant (see the module's docstring); ``collect`` already checked the contract."""
    for row in rows:
        if row["error"]:
            assert row["body"] is not None, row["error"]
            code = row["error"].split(":", 1)[0]
            if byte_reader and not gz and code in RANGE_CODES:
                assert row["body"] in data, (row["locator"], row["error"])
    if byte_reader:
        assert counts.extra.get("bytes_unaccounted", 0) == 0, counts.extra
        read = counts.extra.get("bytes_read", 0)
        if gz:  # how much of a corrupt member a reader salvages depends on how it feeds zlib
            assert len(inflate_prefix(data)) <= read <= len(inflate_prefix(data, step=1)), counts.extra
        else:
            assert read == len(data), (counts.extra, len(data))


def run(kind: str, path: Path, data: bytes, *, byte_reader: bool = True, **source) -> None:
    path.write_bytes(data)
    # The readers that inflate gzip go by its magic bytes, whatever the file's name.
    gz = kind in ("jsonl", "csv", "warc") and data[:2] == b"\x1f\x8b"
    counts = StageCounts("fuzz")
    rows = collect(
        make_source(
            kind=kind, path=path, settings=settings(max_bytes=256 * 1024, allow_private=False), **source
        ),
        counts=counts,
    )
    check(rows, counts, data, byte_reader=byte_reader, gz=gz)


def seeds(*paths: Path) -> dict[str, bytes]:
    """Seed files by name (Hypothesis shows the name of a failing one, not its bytes)."""
    return {p.name: p.read_bytes() for p in paths if p.is_file()}


def names(found: dict) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(found)) if found else st.nothing()


def corpus_file(*parts: str) -> Path:
    return CORPUS.joinpath(*parts)


# -- JSON Lines and CSV ------------------------------------------------------------------------------

JSONL = seeds(*sorted((SAMPLE / "dumps" / "mashriq-wire").glob("*.jsonl")))
CSV = seeds(*sorted((SAMPLE / "dumps" / "harbour-gazette").glob("*.csv")))
MASHRIQ = {"id": "doc_id", "url": "link", "title": "headline", "text": "content", "published": "pub_date"}
HARBOUR = {"id": "id", "url": "url", "title": "headline", "text": "body", "published": "date"}


@FUZZ
@given(name=names(JSONL), mutations=MUTATIONS, compress=st.booleans(), after=st.booleans())
def test_fuzz_jsonl(tmp_path_factory, name, mutations, compress, after):
    folder, seed = tmp_path_factory.mktemp("jsonl"), JSONL[name]
    if compress and after:  # mutate the gzip bytes themselves
        data = mutate(gzip.compress(seed), mutations)
    else:
        data = mutate(seed, mutations)
        data = gzip.compress(data) if compress else data
    run("jsonl", folder / ("dump.jsonl.gz" if compress else "dump.jsonl"), data, mapping=MASHRIQ)
    report("jsonl")


@FUZZ
@given(name=names(CSV), mutations=MUTATIONS, compress=st.booleans())
def test_fuzz_csv(tmp_path_factory, name, mutations, compress):
    folder, seed = tmp_path_factory.mktemp("csv"), CSV[name]
    data = mutate(seed, mutations)
    data = gzip.compress(data) if compress else data
    run("csv", folder / ("dump.csv.gz" if compress else "dump.csv"), data, mapping=HARBOUR)
    report("csv")


# -- TREC ------------------------------------------------------------------------------------------------


def _ant_documents(limit: int = 6) -> dict[str, bytes]:
    """Real ANT documents (read from the tarball at test time, never copied), two files' worth."""
    path = corpus_file("ant", "ant-v1.1.tar.gz")
    if not path.is_file():
        return {}
    found = []
    with tarfile.open(path, "r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".txt"):
                found.append(tar.extractfile(member).read())  # type: ignore[union-attr]
                if len(found) >= limit:
                    break
    return {"ant-first-3": b"".join(found[:3]), "ant-next-3": b"\n".join(found[3:])}


TREC = {**seeds(*sorted((SAMPLE / "trec" / "morocco-press").glob("*.trec"))), **_ant_documents()}
MOROCCO = {"id": "DOCNO", "title": "HEADLINE", "text": "TEXT", "published": "DATE"}


@FUZZ
@given(name=names(TREC), mutations=MUTATIONS)
def test_fuzz_trec(tmp_path_factory, name, mutations):
    folder, seed = tmp_path_factory.mktemp("trec"), TREC[name]
    run(
        "trec",
        folder / "docs.trec",
        mutate(seed, mutations),
        mapping=MOROCCO if b"<HEADLINE>" in seed else {},
    )
    report("trec")


# -- WARC ------------------------------------------------------------------------------------------------

WARC_FILES = [
    *sorted((SAMPLE / "warc" / "web-archive").glob("*.warc.gz")),
    *sorted(corpus_file("warc", "dolma").glob("*.warc.gz")),
    corpus_file("warc", "warcio", "example.warc.gz"),
    corpus_file("warc", "warcio", "example-trunc.warc"),
    corpus_file("warc", "warcio", "example-iana.org-chunked.warc"),
]
WARC = seeds(*WARC_FILES)


@FUZZ
@given(
    name=names(WARC),
    mutations=MUTATIONS,
    layout=st.sampled_from(["plain", "members", "one_stream", "raw_gzip"]),
)
def test_fuzz_warc(tmp_path_factory, name, mutations, layout):
    """Mutated WARC: plain, gzip per record (mutated inside), gzip as one stream, or the
    gzip bytes themselves mutated."""
    folder, seed = tmp_path_factory.mktemp("warc"), WARC[name]
    plain = inflate_prefix(seed) if seed[:2] == b"\x1f\x8b" else seed
    if layout == "raw_gzip":
        data = mutate(seed if seed[:2] == b"\x1f\x8b" else gzip.compress(seed), mutations)
    else:
        data = mutate(plain, mutations)
        if layout == "one_stream":
            data = gzip.compress(data)
        elif layout == "members":
            cut = [m.start() for m in re.finditer(rb"WARC/1\.", data)] or [0]
            bounds = [*cut, len(data)] if cut[0] == 0 else [0, *cut, len(data)]
            data = b"".join(gzip.compress(data[a:b]) for a, b in itertools.pairwise(bounds))
    run("warc", folder / ("crawl.warc.gz" if data[:2] == b"\x1f\x8b" else "crawl.warc"), data)
    report("warc")


# -- feeds and sitemaps (items link to the sample's mirrored pages) -------------------------------------

FEEDS = seeds(
    SAMPLE / "sites" / "tunis-akhbar" / "feed.xml",
    SAMPLE / "sites" / "courrier-maghreb" / "atom.xml",
    corpus_file("html", "trafilatura", "resources", "feed.json"),
)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> Path:
    """The sample's pages of both sites in one folder, as a mirror the feeds' links resolve in."""
    site = tmp_path_factory.mktemp("mirror")
    for name in ("tunis-akhbar", "courrier-maghreb"):
        shutil.copytree(SAMPLE / "sites" / name / "articles", site / "articles", dirs_exist_ok=True)
    return site


def _sitemaps(mirror: Path) -> list[bytes]:
    pages = sorted(p.relative_to(mirror).as_posix() for p in (mirror / "articles").glob("*.html"))
    urls = "".join(f"<url><loc>{p}</loc><lastmod>2026-11-{p[17:19]}</lastmod></url>" for p in pages)
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()
    (mirror / "child.xml").write_bytes(urlset)
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>child.xml</loc></sitemap><sitemap><loc>feed.xml</loc></sitemap></sitemapindex>"
    )
    return [urlset, index]


@FUZZ
@given(name=names(FEEDS), mutations=MUTATIONS)
def test_fuzz_feeds(mirror, name, mutations):
    run("rss", mirror / "feed.xml", mutate(FEEDS[name], mutations), byte_reader=False)
    report("feeds")


@FUZZ
@given(which=st.integers(0, 1), mutations=MUTATIONS)
def test_fuzz_sitemaps(mirror, which, mutations):
    seed = _sitemaps(mirror)[which]
    run("sitemap", mirror / "feed.xml", mutate(seed, mutations), byte_reader=False)
    report("sitemaps")


def test_seed_files_pass_the_invariant_unmutated(tmp_path, mirror):
    """The check itself, on the untouched seeds: it holds, and it would see a lost byte."""
    for seed in JSONL.values():
        run("jsonl", tmp_path / "d.jsonl", seed, mapping=MASHRIQ)
    for seed in WARC.values():
        run("warc", tmp_path / ("c.warc.gz" if seed[:2] == b"\x1f\x8b" else "c.warc"), seed)
    counts = StageCounts("x")
    counts.extra = {"bytes_read": 10, "bytes_unaccounted": 1}
    with pytest.raises(AssertionError):
        check([], counts, b"0123456789", byte_reader=True, gz=False)
    noise = os.urandom(2000)
    cut = gzip.compress(b"ab") + gzip.compress(noise)[:-300]
    assert inflate_prefix(cut) == b"ab" + inflate_prefix(gzip.compress(noise)[:-300])
    assert inflate_prefix(cut, step=1).startswith(b"ab" + noise[:1000])
