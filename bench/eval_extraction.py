"""Evaluate and time akhbar's HTML extraction against plain trafilatura on real news pages.

Run from the project root:  .venv/bin/python bench/eval_extraction.py [--repeat N] [--workers N]

Data (never copied into the project): ../shared/corpus/html/trafilatura (36 pages with gold
snippets, evaldata.json) and ../shared/corpus/html/{goose3,newspaper4k} (CNN Arabic, Le Figaro,
CNN, Guardian with expected title / language / canonical / text).

Main-text metric (the one trafilatura's own evaluation uses), pooled over all pages of a group:
  for each gold "with" snippet:    found in the text -> TP, absent -> FN
  for each gold "without" snippet: found in the text -> FP, absent -> TN
  precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = harmonic mean.
Snippets and texts are compared after HTML-unescaping and collapsing whitespace (case kept).
For the goose3/newspaper4k pages the "with" snippets are the first and last 60 characters of
the expected text and "without" is empty (recall only).

Title accuracy: the extracted title equals the gold title after unescaping, collapsing
whitespace and casefolding. Date accuracy: the extracted publication day (in UTC... and in the
page's own offset, either counts) equals the gold day; pages whose gold date is empty are left
out, except Assabah, whose gold date is empty although the article shows "الجمعة 8 فيفري 2019"
(dc:date 2019-02-08T00:00:00+01:00): we score it against 2019-02-08, and CNN Arabic (no date
on the page, "© 2013" in the footer; the URL says 2013/middle_east/8/3): 2013-08-03.

Speed: pages per second on one core, in this same process, for akhbar.extraction.extract_html
and for trafilatura.bare_extraction(with_metadata=True) (the reference). Each timed pass is
preceded by one warm-up pass; passes of the two systems alternate and the best of --repeat
passes of each is reported (the 2 cores are shared, so load drifts between passes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "html"

LANG_OF_EXTRA = {"test_cnn_arabic": "ar", "arabic_article": "ar", "test_lefigaro": "fr", "cnn_article": "en",
                 "test_guardian1": "en"}  # fmt: skip
EXTRA_DATES = {"assabah.com.tn.article.html": "2019-02-08", "test_cnn_arabic": "2013-08-03",
               "arabic_article": "2013-08-03"}  # fmt: skip


def norm(s: str | None) -> str:
    return " ".join(unescape(s or "").split())


def page_lang(html: bytes, fallback: str = "en") -> str:
    head = html[:5000].decode("utf-8", "replace").lower()
    for code in ("ar", "fr", "en", "de"):
        if f'lang="{code}' in head or f"lang='{code}" in head or f"lang={code}" in head:
            return code
    return fallback


def load_pages() -> list[dict]:
    if not CORPUS.is_dir():
        sys.exit(f"corpus not found at {CORPUS} (../shared/corpus/html from the project root)")
    base = CORPUS / "trafilatura"
    gold = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    files = {p.name: p for sub in ("eval", "cache") for p in (base / sub).glob("*.html")}
    pages = []
    for url, g in gold.items():
        path = files.get(g["file"])
        if path is None:
            continue
        body = path.read_bytes()
        lang = "ar" if "assabah" in g["file"] else ("fr" if page_lang(body) == "fr" else "en")
        if g["file"].startswith(("dw.com-", "francais.radio.cz", "france.attc", "arteradio")):
            lang = "fr"
        date = EXTRA_DATES.get(g["file"], g.get("date") or "")
        pages.append(
            dict(name=g["file"], url=None if url.startswith("hard::") else url, body=body, lang=lang,
                 title=g.get("title"), date=date, with_=g.get("with", []), without=g.get("without", []),
                 set="trafilatura")
        )  # fmt: skip
    for folder, meta_dir in (("goose3", None), ("newspaper4k", "metadata")):
        d = CORPUS / folder
        if not d.is_dir():
            continue
        for html_path in sorted((d / "html" if meta_dir else d).glob("*.html")):
            stem = html_path.stem
            meta_path = (d / meta_dir / f"{stem}.json") if meta_dir else d / f"{stem}.json"
            info = json.loads(meta_path.read_text(encoding="utf-8"))
            exp = info.get("expected", info)
            text = exp.get("cleaned_text") or ""
            if meta_dir:
                txt = d / "txt" / f"{stem}.txt"
                text = txt.read_text(encoding="utf-8") if txt.exists() else text
            text = norm(text)
            pages.append(
                dict(name=f"{folder}/{stem}", url=info.get("url"), body=html_path.read_bytes(),
                     lang=LANG_OF_EXTRA.get(stem, "en"), title=info.get("title") or exp.get("title"),
                     date=EXTRA_DATES.get(stem, ""), with_=[text[:60], text[-60:]] if text else [],
                     without=[], canonical=exp.get("canonical_link") or info.get("canonical_link"),
                     set=folder)
            )  # fmt: skip
    return pages


def score_text(text: str, page: dict) -> tuple[int, int, int, int]:
    t = norm(text)
    tp = sum(norm(w) in t for w in page["with_"])
    fp = sum(norm(w) in t for w in page["without"])
    return tp, len(page["with_"]) - tp, fp, len(page["without"]) - fp


def prf(tp, fn, fp) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def day_of(value, raw: str | None = None) -> set[str]:
    """Days a result can stand for: its UTC day, and the day written in the page when the raw
    value is ISO-like (2019-02-08T00:00:00+01:00 is 2019-02-07 in UTC but the 8th in Tunis)."""
    days: set[str] = set()
    if isinstance(value, str):
        days.add(value[:10])
    elif value is not None:
        days.add(value.astimezone(dt.timezone.utc).date().isoformat())
    if raw and re.match(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        days.add(raw.strip()[:10])
    return days


def run_akhbar(pages):
    from akhbar.extraction import extract_html

    out = []
    for p in pages:
        page = extract_html(p["body"], url=p["url"], reference=dt.date(2026, 11, 29))
        out.append(dict(text=page.text, title=page.title, date=page.published_at, date_raw=page.published_raw,
                        date_source=page.date_source, canonical=page.canonical_url))  # fmt: skip
    return out


def run_trafilatura(pages):
    from trafilatura import bare_extraction

    out = []
    for p in pages:
        doc = bare_extraction(p["body"], url=p["url"], with_metadata=True)
        out.append(dict(text=(doc.text if doc else "") or "", title=doc.title if doc else None,
                        date=(doc.date if doc else None) or None, date_source="", canonical=doc.url if doc else None))  # fmt: skip
    return out


def timed_pair(fn_a, fn_b, pages, repeat):
    """Alternate passes of the two systems (the machine is shared: load drifts), best of each."""
    fn_a(pages), fn_b(pages)  # warm-up (imports, caches)
    best_a = best_b = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        res_a = fn_a(pages)
        t1 = time.perf_counter()
        res_b = fn_b(pages)
        t2 = time.perf_counter()
        best_a, best_b = min(best_a, t1 - t0), min(best_b, t2 - t1)
    return res_a, len(pages) / best_a, res_b, len(pages) / best_b


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(pages, results, label_a="akhbar", label_b="trafilatura"):
    groups = {}
    for i, p in enumerate(pages):
        groups.setdefault(p["lang"], []).append(i)
    groups["all"] = list(range(len(pages)))
    print(f"\n{'lang':<5}{'pages':>6} | {'system':<12}{'P':>7}{'R':>7}{'F1':>7} | {'title':>9} | {'date':>9}")
    for lang in ("ar", "fr", "en", "all"):
        idx = groups.get(lang, [])
        if not idx:
            continue
        for label in (label_a, label_b):
            res = results[label]
            tot = [0, 0, 0, 0]
            t_ok = t_n = d_ok = d_n = 0
            for i in idx:
                s = score_text(res[i]["text"], pages[i])
                tot = [a + b for a, b in zip(tot, s)]
                if pages[i]["title"]:
                    t_n += 1
                    t_ok += norm(res[i]["title"]).casefold() == norm(pages[i]["title"]).casefold()
                if pages[i]["date"]:
                    d_n += 1
                    d_ok += pages[i]["date"] in day_of(res[i]["date"], res[i].get("date_raw"))
            p, r, f = prf(tot[0], tot[1], tot[2])
            print(f"{lang:<5}{len(idx):>6} | {label:<12}{p:>7.3f}{r:>7.3f}{f:>7.3f} | {t_ok:>4}/{t_n:<4} | {d_ok:>4}/{d_n:<4}")


def bench_parallel(pages, workers):
    import pyarrow as pa

    from akhbar.extraction import extract_records, extract_records_parallel
    from akhbar.schema import RAW_RECORD

    now = dt.datetime.now(dt.timezone.utc)
    rows = [dict(record_id=str(i), source_id="bench", kind="pages", locator=p["name"], url=p["url"],
                 fetched_at=now, content_type="text/html", body=p["body"], http_status=200)
            for i, p in enumerate(pages)]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=RAW_RECORD)
    t0 = time.perf_counter()
    serial = extract_records(table, dt=dt.date.today())
    t1 = time.perf_counter()
    parallel = extract_records_parallel(table, dt.date.today(), workers)
    t2 = time.perf_counter()
    same = parallel[0].equals(serial[0])
    print(f"\nextract_records on {len(rows)} records: serial {len(rows) / (t1 - t0):.1f} records/s, "
          f"process pool of {workers}: {len(rows) / (t2 - t1):.1f} records/s (pool start-up included), "
          f"same output: {same}")  # fmt: skip


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    ap.add_argument("--parallel", type=int, default=0, metavar="WORKERS",
                    help="also time extract_records vs extract_records_parallel(workers) on the pages x3")  # fmt: skip
    args = ap.parse_args(argv)
    pages = load_pages()
    tpages = [p for p in pages if p["set"] == "trafilatura"]
    print(f"python {sys.version.split()[0]} on {platform.machine()}, CPU {cpu_model()}, "
          f"{os.cpu_count()} logical cores; trafilatura {__import__('trafilatura').__version__}, "
          f"selectolax {__import__('selectolax').__version__}")  # fmt: skip
    kib = sum(len(p["body"]) for p in tpages) / len(tpages) / 1024
    print(f"{len(tpages)} trafilatura eval pages (mean {kib:.0f} KiB) + {len(pages) - len(tpages)} goose3/newspaper4k pages")

    res_a, speed_a, res_b, speed_b = timed_pair(run_akhbar, run_trafilatura, tpages, args.repeat)
    print(f"\nspeed on the {len(tpages)} eval pages, one core: akhbar {speed_a:.1f} pages/s, "
          f"trafilatura bare_extraction(with_metadata=True) {speed_b:.1f} pages/s, ratio {speed_a / speed_b:.2f}x")  # fmt: skip
    extra = [p for p in pages if p["set"] != "trafilatura"]
    all_pages = tpages + extra
    results = {"akhbar": res_a + run_akhbar(extra), "trafilatura": res_b + run_trafilatura(extra)}
    report(all_pages, results)
    print("\nArabic pages:")
    for i, p in enumerate(all_pages):
        if p["lang"] != "ar":
            continue
        for label in ("akhbar", "trafilatura"):
            r = results[label][i]
            s = score_text(r["text"], p)
            print(f"  {p['name']:<28} {label:<12} snippets TP/FN/FP/TN={s} title_ok="
                  f"{(norm(r['title']).casefold() == norm(p['title']).casefold()) if p['title'] else 'n/a'} date={r['date']} "
                  f"{r['date_source']} canonical_ok={(r['canonical'] == p['canonical']) if p.get('canonical') else 'n/a'}")  # fmt: skip
    if args.parallel:
        bench_parallel(tpages * 3, args.parallel)
    if args.verbose:
        print("\nmisses (akhbar):")
        for i, p in enumerate(all_pages):
            r = results["akhbar"][i]
            t = norm(r["text"])
            miss = [w for w in p["with_"] if norm(w) not in t]
            extra_ = [w for w in p["without"] if norm(w) in t]
            bad_title = p["title"] and norm(r["title"]).casefold() != norm(p["title"]).casefold()
            bad_date = p["date"] and p["date"] not in day_of(r["date"], r.get("date_raw"))
            if miss or extra_ or bad_title or bad_date:
                print(f"  {p['name']}: missing={miss} present={extra_}"
                      + (f" title={r['title']!r} gold={p['title']!r}" if bad_title else "")
                      + (f" date={r['date']} ({r['date_source']}) gold={p['date']}" if bad_date else ""))  # fmt: skip


if __name__ == "__main__":
    main()
