"""RAW_RECORD rows -> DOCUMENT rows (or quarantine rows with a reason), a batch at a time.

A batch is read in two passes: every HTML page is decoded and walked, the pages' signatures are
added up per host (:class:`~akhbar.extraction.site.SiteProfile`: what each host repeats on its
other articles of the batch), then every page is finished with its host's view. Shards: pass
``site=`` the profile of the whole night (:func:`site_profile_of` on each shard, merged with
:meth:`SiteProfile.merge` in any order) and every shard gives exactly the documents the whole night
gives in one batch (how and why: :mod:`akhbar.extraction.site`).

Memory: rows become Python values a few hundred at a time and their bodies are dropped once read
(the Arrow table keeps them; a rejected record takes its body from there). The walked pages wait
for the second pass up to ``HELD_BYTES`` of bodies; past it a page keeps only its signature (block
fingerprints) and is read again, so a batch's memory is bounded whatever its pages.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import json
from collections import Counter
from dataclasses import dataclass

import pyarrow as pa

from akhbar.dates import date_from_url, find_date_mentions, parse_published
from akhbar.extraction.encoding import UnknownEncodingError
from akhbar.extraction.metadata import clean
from akhbar.extraction.page import (
    ExtractedPage,
    PageBytes,
    ParsedPage,
    RecordHints,
    finish_pages,
    read_pages,
)
from akhbar.extraction.site import HostView, PageSignature, SiteProfile, host_view
from akhbar.extraction.vocabulary import COPYRIGHT
from akhbar.quarantine import QuarantineBuilder
from akhbar.schema import DOCUMENT
from akhbar.stats import StageCounts, Timer

# Fewer letters than this in the first LETTERS_WITHIN characters of the text: no_main_text. Not only the first
# line or two: an article may open with a code listing, a table of figures or a row of links.
MIN_LETTERS = 20
LETTERS_WITHIN = 2000


@dataclass(frozen=True)
class Rejected:
    reason: str
    detail: str | None


@dataclass
class PendingPage:
    """An HTML record read and walked, to be finished once its host's profile is known. Over the batch's
    memory budget only its signature is kept (``parsed`` None) and the page is read again to finish it."""

    doc: dict
    parsed: ParsedPage | None
    hints: RecordHints
    signature: PageSignature
    url: str | None
    headers: dict | None
    size: int  # bytes of its body


def _headers_dict(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _base_doc(rec: dict) -> dict:
    return {
        "record_id": rec["record_id"],
        "source_id": rec["source_id"],
        "url": rec.get("url") or rec.get("final_url"),
        "canonical_url": None,
        "title": clean(rec.get("meta_title")) or None,
        "text": None,
        "authors": clean(rec.get("meta_author")) or None,
        "category_raw": rec.get("meta_category"),
        "published_raw": None,
        "published_at": None,
        "date_source": "none",
        "fetched_at": rec["fetched_at"],
        "lang_hint": rec.get("lang_hint"),
        "tz_hint": rec.get("tz_hint"),
    }


def _fetch_problem(rec: dict) -> Rejected | None:
    error = rec.get("error")
    if error:
        code, _, rest = str(error).partition(":")
        return Rejected(code.strip() or "fetch_error", rest.strip() or None)
    status = rec.get("http_status")
    if status is not None and status >= 400:
        return Rejected(f"http_{status}", f"HTTP status {status}")
    body = rec.get("body")
    if not body or not body.strip():
        return Rejected("empty_page", "empty body")
    return None


# --------------------------------------------------------------------------------------------
# Dump records (text/plain)
# --------------------------------------------------------------------------------------------


def _plain_text(body: bytes) -> str | None:
    """UTF-8 text of a dump record; None when it is mostly broken."""
    text = body.decode("utf-8", errors="replace").removeprefix("\ufeff")
    broken = text.count("\ufffd")
    if broken and broken > 0.1 * max(1, len(text.strip())):
        return None
    return text


def _utc(value: _dt.datetime | None) -> _dt.datetime | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=_dt.UTC)).astimezone(_dt.UTC)


def _dump_date(doc: dict, rec: dict, text: str, night: _dt.date) -> None:
    tz, lang = rec.get("tz_hint"), rec.get("lang_hint")
    raw = rec.get("meta_published")
    when = _utc(parse_published(raw, tz=tz or "UTC", lang=lang)) if raw else None
    if when is not None:
        doc.update(published_raw=raw, published_at=when, date_source="dump")
        return
    for m in find_date_mentions(text[:500], reference=night, lang=lang):
        before = text[max(0, m.char_offset - 25) : m.char_offset]
        if m.granularity == "day" and not m.is_relative and not COPYRIGHT.search(before):
            when = _utc(parse_published(m.date.isoformat(), tz=tz or "UTC"))
            doc.update(published_raw=m.mention, published_at=when, date_source="text")
            return
    day = date_from_url(rec.get("final_url") or rec.get("url") or "")
    if day is not None:
        doc.update(published_raw=day.isoformat(), published_at=_utc(parse_published(day.isoformat(), tz=tz or "UTC")),
                   date_source="url")  # fmt: skip


def _dump_record(rec: dict, night: _dt.date) -> dict | Rejected:
    text = _plain_text(rec["body"])
    if text is None:
        return Rejected("invalid_utf8", "body is mostly not UTF-8")
    text = text.strip()
    if not text:
        return Rejected("empty_page", "empty text")
    doc = _base_doc(rec)
    doc["text"] = text
    _dump_date(doc, rec, text, night)
    return doc


# --------------------------------------------------------------------------------------------
# HTML records
# --------------------------------------------------------------------------------------------


def _html_record(
    rec: dict, night: _dt.date, parsed: ParsedPage | UnknownEncodingError
) -> PendingPage | Rejected:
    if isinstance(parsed, UnknownEncodingError):
        return Rejected("unknown_encoding", str(parsed))
    hints = RecordHints(rec.get("meta_published"), rec.get("tz_hint"), rec.get("lang_hint"), night)
    return PendingPage(_base_doc(rec), parsed, hints, parsed.signature(), parsed.url, _headers_dict(rec.get("headers")),
                       len(rec["body"]))  # fmt: skip


def _page_bytes(rec: dict) -> PageBytes:
    return PageBytes(rec["body"], rec.get("final_url") or rec.get("url"), _headers_dict(rec.get("headers")))


def _finished_record(pending: PendingPage, page: ExtractedPage) -> dict | Rejected:
    text = page.text or ""
    letters = sum(map(str.isalpha, text[:200]))  # most texts show their letters at once
    if letters < MIN_LETTERS:
        letters = sum(map(str.isalpha, text[:LETTERS_WITHIN]))
    if letters < MIN_LETTERS:
        return Rejected(
            "no_main_text", f"no main text found ({len(page.text or '')} characters, {page.encoding})"
        )
    doc = pending.doc
    doc.update(
        canonical_url=page.canonical_url,
        title=page.title or doc["title"],
        text=page.text,
        authors=page.authors or doc["authors"],
        published_raw=page.published_raw,
        published_at=page.published_at,
        date_source=page.date_source,
        lang_hint=doc["lang_hint"] or page.lang,
    )
    return doc


def _is_html(rec: dict) -> bool:
    content_type = (rec.get("content_type") or "text/html").split(";")[0].strip().lower()
    return content_type != "text/plain"


def _first_pass(rec: dict, night: _dt.date) -> dict | Rejected | None:
    """A record's outcome when it needs no reading of HTML (a failed fetch, a dump), else None."""
    problem = _fetch_problem(rec)
    if problem is not None:
        return problem
    if not _is_html(rec):
        return _dump_record(rec, night)
    return None


def learn_site_profile(pages: list[ParsedPage], profile: SiteProfile | None = None) -> SiteProfile:
    return _profile_of_signatures([parsed.signature() for parsed in pages], profile)


def _profile_of_signatures(
    signatures: list[PageSignature], profile: SiteProfile | None = None
) -> SiteProfile:
    profile = profile or SiteProfile()
    for signature in signatures:
        profile.add(signature)
    return profile


# --------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------


class _Outcomes:
    """Documents and rejections of a batch, with the counts the stage reports."""

    def __init__(self, night: _dt.date):
        self.counts = StageCounts(stage="extract")
        self.quarantine = QuarantineBuilder("extract", night)
        self.rows: list[dict] = []
        self.date_sources: Counter = Counter()

    def add(self, rec: dict, outcome: dict | Rejected) -> None:
        self.counts.records_in += 1
        if isinstance(outcome, Rejected):
            self.quarantine.reject(record_id=rec["record_id"], source_id=rec["source_id"], reason=outcome.reason,
                                   detail=outcome.detail, locator=rec.get("locator"), body=rec.get("body"))  # fmt: skip
            return
        self.rows.append(outcome)
        self.date_sources[outcome["date_source"]] += 1

    def tables(self) -> tuple[pa.Table, pa.Table, StageCounts]:
        self.counts.records_out = len(self.rows)
        self.counts.rejected = len(self.quarantine)
        self.counts.extra = {"reasons": self.quarantine.reasons(), "date_source": dict(self.date_sources)}
        return pa.Table.from_pylist(self.rows, schema=DOCUMENT), self.quarantine.table(), self.counts


_CHUNK_ROWS = 256  # rows turned into Python values at a time (their bodies stay in the Arrow table)
_READ_STEP = 32  # pages read step by step together (their lexbor trees are alive at once)
_FINISH_STEP = 128  # pages finished step by step together (already held: only their results grow)
# Pages whose blocks are kept between the two passes, in bytes of their bodies (their blocks take about as
# much): beyond it only a page's signature is kept and the page is read again to finish it, so the
# memory of a batch is bounded whatever its pages; a batch of 2,000 ordinary pages stays under it.
HELD_BYTES = 256 * 2**20


@dataclass
class _Read:
    """A record after the first pass: its fields without the body (kept only when it is rejected), its row."""

    row: int
    rec: dict
    outcome: dict | PendingPage | Rejected | None


def _read_chunk(recs: list[dict], first_row: int, night: _dt.date) -> list[_Read]:
    """One chunk of rows: dumps and failed fetches decided at once, the HTML pages read step by step."""
    out = [_Read(first_row + k, rec, _first_pass(rec, night)) for k, rec in enumerate(recs)]
    html = [r for r in out if r.outcome is None]
    for start in range(0, len(html), _READ_STEP):
        group = html[start : start + _READ_STEP]
        for r, parsed in zip(group, read_pages([_page_bytes(r.rec) for r in group])):
            r.outcome = _html_record(r.rec, night, parsed)
    return out


def _read_all(raw: pa.Table, night: _dt.date) -> list[_Read]:
    """First pass over the batch, a few hundred rows at a time: bodies are decoded and walked, then dropped
    (a batch of large pages would otherwise be held twice, as Arrow buffers and as Python bytes)."""
    out: list[_Read] = []
    held = 0
    for offset in range(0, raw.num_rows, _CHUNK_ROWS):
        for r in _read_chunk(raw.slice(offset, _CHUNK_ROWS).to_pylist(), offset, night):
            if isinstance(r.outcome, PendingPage):
                held += r.outcome.size
                if held > HELD_BYTES:
                    r.outcome.parsed = None  # over the budget: read again in the second pass
            if not isinstance(r.outcome, Rejected):
                r.rec.pop("body", None)
            out.append(r)
    return out


def _host_views(pending: list[PendingPage], site: SiteProfile | None) -> dict[str, HostView]:
    """What each host of the batch repeats, learnt from the batch's own pages unless a profile is given."""
    if site is None:
        site = _profile_of_signatures([p.signature for p in pending])
    return {host: host_view(site, host) for host in {p.signature.host for p in pending}}


def _pending(r: _Read) -> PendingPage:
    assert isinstance(r.outcome, PendingPage)  # _finish_all passes the HTML records between the passes only
    return r.outcome


def _parsed(p: PendingPage) -> ParsedPage:
    assert p.parsed is not None  # kept from the first pass, or read again by _finish_group
    return p.parsed


def _finish_group(raw: pa.Table, group: list[_Read], views: dict[str, HostView]) -> None:
    """The second pass on some HTML records: pages not kept read again, then all finished step by step."""
    pending = [_pending(r) for r in group]
    missing = [(r, p) for r, p in zip(group, pending) if p.parsed is None]
    again = read_pages([PageBytes(raw.column("body")[r.row].as_py(), p.url, p.headers) for r, p in missing])
    for (_, p), parsed in zip(missing, again):
        assert not isinstance(parsed, UnknownEncodingError)  # it decoded the first time: it decodes again
        p.parsed = parsed
    pages = finish_pages([_parsed(p) for p in pending], [p.hints for p in pending],
                         [views[p.signature.host] for p in pending])  # fmt: skip
    for r, p, page in zip(group, pending, pages):
        r.outcome = _finished_record(p, page)  # the page's blocks are not needed any more


def _finish_all(raw: pa.Table, read: list[_Read], views: dict[str, HostView]) -> None:
    html = [r for r in read if isinstance(r.outcome, PendingPage)]
    for start in range(0, len(html), _FINISH_STEP):
        _finish_group(raw, html[start : start + _FINISH_STEP], views)
    for r in read:
        if isinstance(r.outcome, Rejected) and "body" not in r.rec:
            r.rec["body"] = raw.column("body")[r.row].as_py()


def extract_records(
    raw: pa.Table, *, dt: _dt.date, site: SiteProfile | None = None
) -> tuple[pa.Table, pa.Table, StageCounts]:
    """RAW_RECORD rows -> (DOCUMENT table, QUARANTINE table, StageCounts), in the input's order.

    Every input row lands in exactly one of the two tables. Without ``site``, what each host
    repeats is learnt from this batch's own pages; with it, from the profile given.
    """
    outcomes = _Outcomes(dt)
    with Timer(outcomes.counts), _no_cycle_collection():
        read = _read_all(raw, dt)
        views = _host_views([r.outcome for r in read if isinstance(r.outcome, PendingPage)], site)
        _finish_all(raw, read, views)
        for r in read:
            assert isinstance(r.outcome, (dict, Rejected))  # _finish_all finished every page
            outcomes.add(r.rec, r.outcome)
    return outcomes.tables()


@contextlib.contextmanager
def _no_cycle_collection():
    """The batch's walked pages are millions of small objects without reference cycles: Python's cycle
    collector would traverse all of them again and again as the batch grows (measured: half the time of a
    batch of large pages). It is paused for the batch; reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _extract_slice(args):
    table, night, site = args
    return extract_records(table, dt=night, site=site)


def extract_records_parallel(
    raw: pa.Table, dt: _dt.date, workers: int = 2, site: SiteProfile | None = None
) -> tuple[pa.Table, pa.Table, StageCounts]:
    """:func:`extract_records` over ``workers`` processes (slices of the table), merged in order.

    The slices share one profile learnt from the whole table (so the result equals the serial
    one). Measured on the project machine (2 shared cores, spawn start method, 288 real pages):
    serial 44 records/s, pool of 2 27 records/s, start-up and pickling of the bodies included.
    It does not help there, so the pipeline calls :func:`extract_records`.
    """
    n = raw.num_rows
    if workers <= 1 or n < 2 * workers:
        return extract_records(raw, dt=dt, site=site)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    if site is None:
        site = site_profile_of(raw)
    step = -(-n // (workers * 4))
    slices = [(raw.slice(i, step), dt, site) for i in range(0, n, step)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        results = list(pool.map(_extract_slice, slices))
    counts = StageCounts(stage="extract")
    for _, _, c in results:
        counts.merge(c)
    docs = pa.concat_tables([r[0] for r in results]) if results else DOCUMENT.empty_table()
    quarantine = pa.concat_tables([r[1] for r in results]) if results else None
    return docs, quarantine, counts


def site_profile_of(raw: pa.Table, profile: SiteProfile | None = None) -> SiteProfile:
    """What the hosts of these raw records repeat: a shard's part of the night's profile; profiles of shards
    merge with :meth:`SiteProfile.merge`. Each HTML page is decoded, parsed and walked once (about half of what
    extracting it costs); dumps and failed fetches are skipped."""
    profile = profile or SiteProfile()
    for offset in range(0, raw.num_rows, _CHUNK_ROWS):
        recs = [rec for rec in raw.slice(offset, _CHUNK_ROWS).to_pylist()
                if _is_html(rec) and _fetch_problem(rec) is None]  # fmt: skip
        for start in range(0, len(recs), _READ_STEP):
            for parsed in read_pages([_page_bytes(rec) for rec in recs[start : start + _READ_STEP]]):
                if not isinstance(parsed, UnknownEncodingError):
                    profile.add(parsed.signature())
    return profile
