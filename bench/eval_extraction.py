"""Accuracy and speed of akhbar's HTML extraction against trafilatura and resiliparse, same run.

Run from the project root:
    .venv/bin/python bench/eval_extraction.py                 # every set, accuracy and speed
    .venv/bin/python bench/eval_extraction.py --sets layouts  # one set
    .venv/bin/python bench/eval_extraction.py --profile --sets trafilatura41,layouts  # time per step

Gold sets (built at run time from ../shared/corpus, never copied; see bench/goldset/):
- ``trafilatura41``: the 36 trafilatura evaluation pages and the 5 goose3/newspaper4k pages (gold
  snippets; the set akhbar's extraction was first built on: all "dev").
- ``readability``: Mozilla Readability's 130 test pages (expected content and metadata).
- ``layouts``: real Arabic, French and English articles in realistic layouts of akhbar's own making
  (tables with a side cell, div soup, AMP, <article>, WordPress; windows-1256; datelines; related
  boxes, comments, footers), with the furniture of every page recorded as probes.
Held-out parts (30% by a hash of the article id, fixed before tuning) are reported apart.

Metrics, per set, split and language:
- body P/R/F1: ``trafilatura41``: trafilatura's own snippet metric pooled over the pages (a gold
  "with" snippet found is a TP, missing a FN; a "without" snippet found is a FP). Other sets:
  token overlap with the gold text (bag of lower-cased words; in Chinese, Japanese, Thai and other
  scripts written without spaces, each character is a token), P, R and F1 averaged over pages.
  Readability's gold text is its expected HTML as a browser shows it (inline elements joined, blocks one
  a line). Before issue 14's second round the gold joined inline elements with a space and a CJK
  clause was one token ("Z imbabwe"; a link inside a Chinese sentence split it): figures measured that
  way are lower for every system on such pages and are not comparable with these.
- title: the extracted title equals the gold title (unescaped, whitespace collapsed, casefolded).
- date: the gold day is the extracted publication day (UTC, or the day written in an ISO value).
- boilerplate (``layouts``): pages whose text holds any probe (a menu, a related title, a teaser,
  a footer line, a disclaimer, a comment, the dateline) or repeats the headline.
- paragraphs (``layouts``): gold paragraphs of 40+ characters found as a line of their own.

Systems: ``akhbar`` is extract_html page by page; ``akhbar-batch`` is extract_records over the
whole set as one batch of raw records (what the pipeline does: a host's other pages in the batch
tell its repeated blocks; one batch per set and split); ``trafilatura`` is bare_extraction(with_metadata=True); ``resiliparse``
is extract_plain_text(main_content=True) (text only).

Where the time goes (``--profile``; shares, the 36 real pages, 141 KiB mean). Before issue 14
(about 25 ms a page): trafilatura's extractor on the pruned fragment 65%, pruning by class names
15%, the mojibake check of the decoding 11% (two regex scans of up to 400,000 characters), the
lexbor parse 4%, metadata 3%. After (about 11 ms a page on a quiet machine, no trafilatura): the
walk of the tree into blocks 42%, the main-text decision 17%, parse 11%, decoding 11%, metadata 8%,
publication date 7%, title 4%. Issue 13 (CPU time, the machine loaded): each step took about twice as long
inside the whole extraction as on its own, page after page, because the steps evicted one another from the
processor's caches; extract_records now takes each step over a group of pages (read 32, finish 128), which cut
its CPU time by a quarter on the small layout pages (and put it ahead of extract_html, which takes one page).

Speed: pages per second on one core in this process, on the same pages, for every set: akhbar extract_html,
akhbar extract_records (what the pipeline runs), trafilatura extract() (the reference of issue 13),
trafilatura bare_extraction(with_metadata=True), resiliparse extract_plain_text(main_content=True). Passes
alternate and the best of --repeat passes of each is kept (the 2 cores are shared: load drifts between
passes), by the wall clock and by the CPU time of the process; akhbar's caches are emptied before each pass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from goldset import GoldPage, layout_pages, readability_pages

CORPUS = ROOT.parent / "shared" / "corpus" / "html"
REFERENCE_DAY = dt.date(2026, 11, 29)

LANG_OF_EXTRA = {"test_cnn_arabic": "ar", "arabic_article": "ar", "test_lefigaro": "fr", "cnn_article": "en",
                 "test_guardian1": "en"}  # fmt: skip
EXTRA_DATES = {"assabah.com.tn.article.html": "2019-02-08", "test_cnn_arabic": "2013-08-03",
               "arabic_article": "2013-08-03"}  # fmt: skip


# --------------------------------------------------------------------------------------------
# The trafilatura41 set (unchanged since it was first measured)
# --------------------------------------------------------------------------------------------


def norm(s: str | None) -> str:
    return " ".join(unescape(s or "").split())


def _page_lang(html: bytes) -> str:
    head = html[:5000].decode("utf-8", "replace").lower()
    return "fr" if any(f"lang{q}fr" in head for q in ('="', "='", "=")) else "en"


def trafilatura41_pages() -> list[GoldPage]:
    """Assabah's gold date is empty although the page shows «الجمعة 8 فيفري 2019» (dc:date
    2019-02-08T00:00:00+01:00): scored against 2019-02-08; CNN Arabic shows no date ("© 2013" in
    the footer, the URL says 2013/middle_east/8/3): 2013-08-03."""
    base = CORPUS / "trafilatura"
    if not base.is_dir():
        return []
    gold = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    files = {p.name: p for sub in ("eval", "cache") for p in (base / sub).glob("*.html")}
    pages = []
    for url, g in gold.items():
        path = files.get(g["file"])
        if path is None:
            continue
        body = path.read_bytes()
        lang = "ar" if "assabah" in g["file"] else _page_lang(body)
        if g["file"].startswith(("dw.com-", "francais.radio.cz", "france.attc", "arteradio")):
            lang = "fr"
        pages.append(GoldPage(
            id=g["file"], set="trafilatura41", lang=lang, split="dev", host=g["file"],
            url=None if url.startswith("hard::") else url, body=body, headers=None, feed_published=None,
            title=g.get("title"), text=None, date=EXTRA_DATES.get(g["file"], g.get("date") or ""),
            with_=tuple(g.get("with", [])), without=tuple(g.get("without", [])),
        ))  # fmt: skip
    for folder, meta_dir in (("goose3", None), ("newspaper4k", "metadata")):
        d = CORPUS / folder
        for html_path in sorted((d / "html" if meta_dir else d).glob("*.html")) if d.is_dir() else []:
            stem = html_path.stem
            info = json.loads(
                ((d / meta_dir / f"{stem}.json") if meta_dir else d / f"{stem}.json").read_text("utf-8")
            )
            exp = info.get("expected", info)
            text = exp.get("cleaned_text") or ""
            txt = d / "txt" / f"{stem}.txt"
            if meta_dir and txt.exists():
                text = txt.read_text(encoding="utf-8")
            text = norm(text)
            pages.append(GoldPage(
                id=f"{folder}/{stem}", set="trafilatura41", lang=LANG_OF_EXTRA.get(stem, "en"), split="dev",
                host=f"{folder}/{stem}", url=info.get("url"), body=html_path.read_bytes(), headers=None,
                feed_published=None, title=info.get("title") or exp.get("title"), text=None,
                date=EXTRA_DATES.get(stem, ""), with_=(text[:60], text[-60:]) if text else (),
            ))  # fmt: skip
    return pages


# --------------------------------------------------------------------------------------------
# Systems
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    text: str
    title: str | None = None
    date: object = None  # datetime or "YYYY-MM-DD..." string
    date_raw: str | None = None
    date_source: str = ""


def run_akhbar(pages: list[GoldPage]) -> list[Result]:
    from akhbar.extraction import extract_html

    out = []
    for p in pages:
        page = extract_html(p.body, url=p.url, headers=p.headers, feed_published=p.feed_published,
                            reference=REFERENCE_DAY)  # fmt: skip
        out.append(Result(page.text, page.title, page.published_at, page.published_raw, page.date_source))
    return out


def raw_table(pages: list[GoldPage]):
    import pyarrow as pa

    from akhbar.schema import RAW_RECORD

    now = dt.datetime(2026, 11, 29, 3, tzinfo=dt.UTC)
    rows = [{"record_id": str(i), "source_id": "bench", "kind": "pages", "locator": p.id, "url": p.url, "fetched_at": now,
                 "content_type": "text/html", "body": p.body, "http_status": 200,
                 "headers": json.dumps(p.headers) if p.headers else None, "meta_published": p.feed_published}
            for i, p in enumerate(pages)]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=RAW_RECORD)


def run_akhbar_batch(pages: list[GoldPage], table=None) -> list[Result]:
    from akhbar.extraction import extract_records

    docs, _, _ = extract_records(table if table is not None else raw_table(pages), dt=REFERENCE_DAY)
    by_id = {r["record_id"]: r for r in docs.to_pylist()}
    out = []
    for i in range(len(pages)):
        r = by_id.get(str(i))
        if r is None:
            out.append(Result(""))
        else:
            out.append(
                Result(r["text"] or "", r["title"], r["published_at"], r["published_raw"], r["date_source"])
            )
    return out


def run_trafilatura(pages: list[GoldPage]) -> list[Result]:
    from trafilatura import bare_extraction

    out = []
    for p in pages:
        doc = bare_extraction(p.body, url=p.url, with_metadata=True)
        out.append(
            Result((doc.text if doc else "") or "", doc.title if doc else None, (doc.date if doc else None))
        )
    return out


def run_trafilatura_extract(pages: list[GoldPage]) -> list[Result]:
    from trafilatura import extract

    return [Result(extract(p.body, url=p.url) or "") for p in pages]


def _decoded(p: GoldPage) -> str:
    from akhbar.extraction import decode_html

    return decode_html(p.body, p.headers)[0]


def run_resiliparse(pages: list[GoldPage]) -> list[Result]:
    from resiliparse.extract.html2text import extract_plain_text

    return [Result(extract_plain_text(_decoded(p), main_content=True)) for p in pages]


SYSTEMS = {"akhbar": run_akhbar, "akhbar-batch": run_akhbar_batch, "trafilatura": run_trafilatura,
           "resiliparse": run_resiliparse}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------

# A token is a word, or one character of a script written without spaces between words (Chinese,
# Japanese kana, Thai, Lao, Khmer, Myanmar): there a "word" of \w+ would be a whole clause, and one
# character of difference would cost the clause.
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
_SEPARATORS = re.compile(r"[|•›»«/\\·\-–—:،,]+")


def tokens(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(unescape(text or "")))


def token_prf(got: str, gold: str) -> tuple[float, float, float]:
    g, t = tokens(got), tokens(gold)
    common = sum((g & t).values())
    p = common / sum(g.values()) if g else 0.0
    r = common / sum(t.values()) if t else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def prf(tp: int, fn: int, fp: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def flat(s: str) -> str:
    return " ".join(_SEPARATORS.sub(" ", norm(s)).split()).casefold()


def boilerplate_found(result: Result, page: GoldPage) -> list[str]:
    """Probes found in the text, and the headline when it comes back although the gold text lacks it."""
    text, gold = flat(result.text), flat(page.text or "")
    found = [pr for pr in page.probes if flat(pr) and flat(pr) in text and flat(pr) not in gold]
    if page.title and flat(page.title) in text and flat(page.title) not in flat(page.text or ""):
        found.append("<headline>")
    return found


def paragraphs_kept(result: Result, page: GoldPage) -> tuple[int, int]:
    lines = {flat(line) for line in result.text.split("\n")}
    gold = [flat(x) for x in (page.text or "").split("\n") if len(x) >= 40]
    return sum(g in lines for g in gold), len(gold)


def day_of(value, raw: str | None = None) -> set[str]:
    """Days a result can stand for: its UTC day, and the day written in an ISO-like raw value."""
    days: set[str] = set()
    if isinstance(value, str):
        days.add(value[:10])
    elif value is not None:
        days.add(value.astimezone(dt.UTC).date().isoformat())
    if raw and re.match(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        days.add(raw.strip()[:10])
    return days


def title_ok(result: Result, page: GoldPage) -> bool:
    return norm(result.title).casefold() == norm(page.title).casefold()


@dataclass
class Score:
    pages: int = 0
    p: float = 0.0
    r: float = 0.0
    f: float = 0.0
    title_ok: int = 0
    title_n: int = 0
    date_ok: int = 0
    date_n: int = 0
    boiler: int = 0
    boiler_n: int = 0
    para_ok: int = 0
    para_n: int = 0


def score(pages: list[GoldPage], results: list[Result], has_title_date: bool = True) -> Score:
    s = Score(pages=len(pages))
    snippets = [0, 0, 0]
    for page, res in zip(pages, results):
        if page.text is None:
            t = norm(res.text)
            tp = sum(norm(w) in t for w in page.with_)
            snippets[0] += tp
            snippets[1] += len(page.with_) - tp
            snippets[2] += sum(norm(w) in t for w in page.without)
        else:
            p, r, f = token_prf(res.text, page.text)
            s.p, s.r, s.f = s.p + p / len(pages), s.r + r / len(pages), s.f + f / len(pages)
        if has_title_date and page.title:
            s.title_n += 1
            s.title_ok += title_ok(res, page)
        if has_title_date and page.date:
            s.date_n += 1
            s.date_ok += page.date in day_of(res.date, res.date_raw)
        if page.set == "layouts":
            s.boiler_n += 1
            s.boiler += bool(boilerplate_found(res, page))
            ok, n = paragraphs_kept(res, page)
            s.para_ok, s.para_n = s.para_ok + ok, s.para_n + n
    if pages and pages[0].text is None:
        s.p, s.r, s.f = prf(*snippets)
    return s


def _ratio(ok: int, n: int) -> str:
    return f"{ok / n:6.1%} ({ok}/{n})" if n else "     —"


SPLITS = ["dev", "heldout"]


def report(pages: list[GoldPage], results: dict[str, list[Result]]) -> None:
    sets = sorted({p.set for p in pages}, key=["trafilatura41", "readability", "layouts"].index)
    for name in sets:
        print(f"\n== {name} ==")
        print(f"{'split':<8}{'lang':<5}{'pages':>6}  {'system':<13}{'P':>6}{'R':>7}{'F1':>7}  {'title':>15}  {'date':>15}"
              f"  {'boilerplate':>15}  {'paragraphs':>16}")  # fmt: skip
        for split in SPLITS:
            idx_all = [i for i, p in enumerate(pages) if p.set == name and p.split == split]
            if not idx_all:
                continue
            langs = sorted({pages[i].lang for i in idx_all}, key=lambda x: (x not in ("ar", "fr", "en"), x))
            groups = [(lang, [i for i in idx_all if pages[i].lang == lang]) for lang in langs] + [
                ("all", idx_all)
            ]
            for lang, idx in groups:
                if name == "readability" and lang not in ("ar", "fr", "en", "und", "all"):
                    continue
                for system, res in results.items():
                    sub_pages = [pages[i] for i in idx]
                    sc = score(sub_pages, [res[i] for i in idx], has_title_date=system != "resiliparse")
                    print(f"{split:<8}{lang:<5}{len(idx):>6}  {system:<13}{sc.p:>6.3f}{sc.r:>7.3f}{sc.f:>7.3f}  "
                          f"{_ratio(sc.title_ok, sc.title_n):>15}  {_ratio(sc.date_ok, sc.date_n):>15}  "
                          f"{_ratio(sc.boiler, sc.boiler_n):>15}  {_ratio(sc.para_ok, sc.para_n):>16}")  # fmt: skip


def list_misses(pages: list[GoldPage], results: list[Result], split: str) -> None:
    """Errors of one system on the dev part only (held-out errors are never looked at)."""
    for page, res in zip(pages, results):
        if page.split != split:
            continue
        problems = []
        if page.text is not None:
            p, r, f = token_prf(res.text, page.text)
            if f < 0.95:
                problems.append(f"F1 {f:.2f} (P {p:.2f} R {r:.2f})")
        else:
            t = norm(res.text)
            miss = [w for w in page.with_ if norm(w) not in t]
            extra = [w for w in page.without if norm(w) in t]
            if miss or extra:
                problems.append(f"missing={miss} present={extra}")
        if page.title and not title_ok(res, page):
            problems.append(f"title={res.title!r} gold={page.title!r}")
        if page.date and page.date not in day_of(res.date, res.date_raw):
            problems.append(f"date={res.date} ({res.date_source}, {res.date_raw!r}) gold={page.date}")
        if page.set == "layouts":
            found = boilerplate_found(res, page)
            if found:
                problems.append(f"boilerplate={found[:3]}")
        if problems:
            print(f"  {page.id}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------------


def _cold() -> None:
    """Empty akhbar's caches (class names, parsed date strings): no timed pass profits from an earlier one."""
    from akhbar.dates.published import _parse_string
    from akhbar.extraction.vocabulary import _token_kind, attribute_kind

    for cached in (_parse_string, attribute_kind, _token_kind):
        cached.cache_clear()


def _timed(fn, pages) -> tuple[float, float]:
    """Pages per second of one pass: by the wall clock, and by this process's CPU time (the 2 cores are
    shared: other jobs slow the wall clock of a pass much more than its CPU time)."""
    _cold()
    w0, c0 = time.perf_counter(), time.process_time()
    fn(pages)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return len(pages) / wall, len(pages) / max(cpu, 1e-9)


def speed(pages: list[GoldPage], label: str, repeat: int) -> dict[str, float]:
    # What the accuracy tables left alive (every system's results) is moved out of the collector's reach:
    # otherwise each collection during a timed pass walks it, and the first systems timed pay more for it.
    gc.collect()
    gc.freeze()
    table = raw_table(pages)
    runners = {
        "akhbar extract_html": run_akhbar,
        "akhbar extract_records": lambda ps: run_akhbar_batch(ps, table),
        "trafilatura extract()": run_trafilatura_extract,
        "trafilatura bare_extraction(with_metadata)": run_trafilatura,
        "resiliparse extract_plain_text(main_content)": lambda ps: run_resiliparse(ps),
    }
    for fn in runners.values():  # warm-up: imports
        fn(pages[:5])
    best = {name: [0.0, 0.0] for name in runners}
    for _ in range(repeat):  # alternate the systems, keep each one's best pass
        for name, fn in runners.items():
            wall, cpu = _timed(fn, pages)
            best[name] = [max(best[name][0], wall), max(best[name][1], cpu)]
    kib = sum(len(p.body) for p in pages) / len(pages) / 1024
    ref_wall, ref_cpu = best["trafilatura extract()"]
    print(f"\nspeed on {len(pages)} {label} pages (mean {kib:.0f} KiB), one core, best of {repeat} "
          f"(wall clock | CPU time of this process):")  # fmt: skip
    for name, (wall, cpu) in best.items():
        print(
            f"  {name:<46}{wall:>8.1f} | {cpu:>7.1f} pages/s   {wall / ref_wall:>5.2f}x | {cpu / ref_cpu:>5.2f}x"
            " trafilatura extract()"
        )
    return {name: wall for name, (wall, _) in best.items()}


def _stage_times(page: GoldPage, times: Counter) -> None:
    from selectolax.lexbor import LexborHTMLParser

    from akhbar.extraction.dom import read_dom
    from akhbar.extraction.encoding import decode_html
    from akhbar.extraction.main_text import find_main_text
    from akhbar.extraction.metadata import read_metadata
    from akhbar.extraction.publication_date import DateContext, PageEvidence, publication_date
    from akhbar.extraction.site import HostView
    from akhbar.extraction.title import choose_title

    clock = time.perf_counter
    t0 = clock()
    text, _ = decode_html(page.body, page.headers)
    t1 = clock()
    tree = LexborHTMLParser(text)
    t2 = clock()
    meta = read_metadata(tree)
    t3 = clock()
    dom = read_dom(tree.body or tree.root)
    t4 = clock()
    title = choose_title(meta, dom)
    t5 = clock()
    main = find_main_text(dom, title.block, title.text, HostView())
    t6 = clock()
    ctx = DateContext(None, None, REFERENCE_DAY, page.url, page.feed_published)
    publication_date(meta, dom, PageEvidence(title.block, main.kept), HostView(), ctx)
    t7 = clock()
    for name, a, b in (("decode (encoding)", t0, t1), ("parse (lexbor)", t1, t2), ("metadata", t2, t3),
                       ("dom walk (blocks)", t3, t4), ("title", t4, t5), ("main text", t5, t6),
                       ("publication date", t6, t7)):  # fmt: skip
        times[name] += b - a


def profile(pages: list[GoldPage], repeat: int = 3) -> None:
    """Where akhbar's time goes: wall-clock time of each step of extract_html, in ms per page."""
    times: Counter = Counter()
    for p in pages:  # warm-up (imports, caches)
        _stage_times(p, Counter())
    for _ in range(repeat):
        for p in pages:
            _stage_times(p, times)
    n = repeat * len(pages)
    total = sum(times.values())
    kib = sum(len(p.body) for p in pages) / len(pages) / 1024
    print(
        f"\nwhere the time goes, {len(pages)} pages (mean {kib:.0f} KiB): {1000 * total / n:.2f} ms per page"
    )
    for name, t in times.items():
        print(f"  {name:<20}{1000 * t / n:7.2f} ms  {100 * t / total:5.1f}%")


# --------------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load(sets: list[str]) -> list[GoldPage]:
    loaders = {
        "trafilatura41": trafilatura41_pages,
        "readability": readability_pages,
        "layouts": layout_pages,
    }
    pages: list[GoldPage] = []
    for name in sets:
        got = loaders[name]()
        if not got:
            print(f"set {name}: SKIPPED, ../shared/corpus not found")
        pages += got
    return pages


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="trafilatura41,readability,layouts")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per system (best kept)")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--profile", action="store_true", help="time per step of akhbar's extraction, per page")
    ap.add_argument("--misses", metavar="SYSTEM", help="list the dev-part errors of SYSTEM")
    ap.add_argument("--dev-only", action="store_true", help="report the dev parts only (while tuning)")
    ap.add_argument("--speed-only", action="store_true", help="skip the accuracy tables")
    args = ap.parse_args(argv)
    if args.dev_only:
        SPLITS.remove("heldout")
    import trafilatura

    print(f"python {sys.version.split()[0]} on {platform.machine()}, CPU {cpu_model()}, {os.cpu_count()} logical "
          f"cores; trafilatura {trafilatura.__version__}, selectolax {__import__('selectolax').__version__}")  # fmt: skip
    pages = load(args.sets.split(","))
    if not pages:
        sys.exit("no gold set found (../shared/corpus)")
    counts = Counter((p.set, p.split) for p in pages)
    print("pages: " + ", ".join(f"{s}/{sp} {n}" for (s, sp), n in sorted(counts.items())))
    if args.profile:
        for name in ("trafilatura41", "layouts"):
            sub = [p for p in pages if p.set == name and (name != "trafilatura41" or p.id.endswith(".html"))]
            if sub:
                profile(sub, args.repeat)
        return
    results = {}
    for name in args.systems.split(",") if not args.speed_only else []:
        if name == "akhbar-batch":
            by_set = defaultdict(list)  # one batch per set and split: held-out pages never inform dev ones
            for i, p in enumerate(pages):
                by_set[(p.set, p.split)].append(i)
            res = [None] * len(pages)
            for idx in by_set.values():
                for i, r in zip(idx, run_akhbar_batch([pages[i] for i in idx])):
                    res[i] = r
            results[name] = res
        else:
            results[name] = SYSTEMS[name](pages)
    if results:
        report(pages, results)
    if args.misses:
        print(f"\ndev-part errors of {args.misses}:")
        list_misses(pages, results[args.misses], "dev")
    if not args.no_speed:
        for name in ("trafilatura41", "readability", "layouts"):
            sub = [p for p in pages if p.set == name and (name != "trafilatura41" or p.id.endswith(".html"))]
            if sub:
                speed(sub, name, args.repeat)


if __name__ == "__main__":
    main()
