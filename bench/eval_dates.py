"""Evaluate akhbar.dates: date mentions against hand labels, publication dates against real corpora, speed.

Run from the project root:  .venv/bin/python bench/eval_dates.py [--quick]

1. Date mentions: bench/labels/date_mentions.jsonl (hand-labelled, see bench/labels/README.md).
   A prediction is correct when it overlaps a labelled mention with the same date and granularity;
   a labelled mention is found when some correct prediction overlaps it.
2. Publication dates: parse_published over every ANT v1.1 TIME field (three formats) and every ANT
   multi-source RSS pubDate, read straight from the tarballs in ../shared/corpus (never copied).
3. Speed of find_date_mentions over real ANT article texts.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import re
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))

from akhbar.dates import find_date_mentions, parse_published  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "bench" / "labels" / "date_mentions.jsonl"
ANT = CORPUS / "ant" / "ant-v1.1.tar.gz"
ANT_MS = CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz"

_TAG = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.S) for t in ("DOCNO", "TIME", "TEXT")}


def _span(text: str, mention: str, taken: set) -> tuple[int, int]:
    if mention.isdigit():
        rx = re.compile(rf"(?<!\d){re.escape(mention)}(?!\d)")
    else:
        rx = re.compile(re.escape(mention))
    for m in rx.finditer(text):
        if m.span() not in taken:
            return m.span()
    raise ValueError(f"label mention {mention!r} not in text")


def eval_mentions(verbose: bool) -> dict:
    cases = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    stats = collections.defaultdict(lambda: collections.Counter())
    errors = []
    for case in cases:
        text = case["text"]
        ref = dt.date.fromisoformat(case["reference"])
        fam = case["family"]
        taken: set = set()
        gold = []
        for e in case["expected"]:
            span = _span(text, e["mention"], taken)
            taken.add(span)
            gold.append((span, dt.date.fromisoformat(e["date"]), e["granularity"], e["mention"]))
        preds = find_date_mentions(text, reference=ref)
        found = [False] * len(gold)
        for p in preds:
            ps, pe = p.char_offset, p.char_offset + len(p.mention)
            assert text[ps:pe] == p.mention
            ok = False
            for i, ((gs, ge), gd, gg, _) in enumerate(gold):
                if ps < ge and gs < pe and gd == p.date and gg == p.granularity:
                    ok = True
                    found[i] = True
            stats[fam]["pred"] += 1
            stats[fam]["pred_ok"] += ok
            if not ok:
                errors.append(("FP", fam, case["source"], p.mention, str(p.date), p.granularity, text))
        for i, g in enumerate(gold):
            stats[fam]["gold"] += 1
            stats[fam]["gold_found"] += found[i]
            if not found[i]:
                errors.append(("FN", fam, case["source"], g[3], str(g[1]), g[2], text))
    total = collections.Counter()
    print(f"\n== Date mentions: {len(cases)} labelled sentences, {sum(s['gold'] for s in stats.values())} mentions ==")
    print(f"{'family':<15}{'gold':>6}{'pred':>6}{'precision':>11}{'recall':>8}")
    for fam in sorted(stats):
        s = stats[fam]
        total.update(s)
        p = s["pred_ok"] / s["pred"] if s["pred"] else 1.0
        r = s["gold_found"] / s["gold"] if s["gold"] else 1.0
        print(f"{fam:<15}{s['gold']:>6}{s['pred']:>6}{p:>11.3f}{r:>8.3f}")
    p = total["pred_ok"] / total["pred"]
    r = total["gold_found"] / total["gold"]
    print(f"{'overall':<15}{total['gold']:>6}{total['pred']:>6}{p:>11.3f}{r:>8.3f}")
    if verbose:
        for e in errors:
            print("  ", e[0], e[1], e[2], repr(e[3]), e[4], e[5], "|", e[6][:120])
    else:
        print(f"   ({len(errors)} errors; --verbose lists them)")
    return {"precision": p, "recall": r}


def _docs(path: Path, limit: int | None = None):
    with tarfile.open(path, "r:gz") as tar:
        n = 0
        for member in tar:
            if not member.isfile() or not member.name.endswith(".txt") or "/" not in member.name:
                continue
            raw = tar.extractfile(member).read().decode("utf-8", errors="replace")
            docno = _TAG["DOCNO"].search(raw)
            if docno is None:
                continue
            time_ = _TAG["TIME"].search(raw)
            text = _TAG["TEXT"].search(raw)
            yield docno.group(1).strip(), (time_.group(1).strip() if time_ else None), (text.group(1) if text else "")
            n += 1
            if limit and n >= limit:
                return


def _docno_date(docno: str) -> dt.date | None:
    m = re.search(r"-(\d{8})$", docno)
    if not m:
        return None
    s = m.group(1)
    try:
        return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))  # YYYYMMDD
    except ValueError:
        pass
    try:
        return dt.date(int(s[4:]), int(s[2:4]), int(s[:2]))  # DDMMYYYY
    except ValueError:
        return None


def _shape(raw: str) -> str:
    if re.match(r"^\d\d/\d\d/\d{4}$", raw):
        return "DD/MM/YYYY"
    if re.match(r"^\d{4}-\d\d-\d\dT\d{6}$", raw):
        return "malformed 2017-01-22T185600"
    if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", raw):
        return "ISO 8601 + offset"
    if re.match(r"^[A-Z][a-z]{2}, ", raw):
        return "RFC 822 " + raw.split()[-1][:1].replace("+", "+hhmm").replace("G", "GMT")
    return "other"


def eval_published(limit: int | None) -> None:
    for label, path, tz in (("ANT v1.1 (Jawhara FM)", ANT, "Africa/Tunis"), ("ANT multi-source (RSS)", ANT_MS, "UTC")):
        if not path.exists():
            print(f"\n== {label}: SKIPPED, corpus not found at {path} ==")
            continue
        shapes = collections.defaultdict(collections.Counter)
        for docno, raw, _ in _docs(path, limit):
            if raw is None:
                continue
            shape = _shape(raw)
            c = shapes[shape]
            c["n"] += 1
            got = parse_published(raw, tz=tz)
            if got is None:
                c["none"] += 1
                continue
            c["parsed"] += 1
            local = got.astimezone(dt.timezone.utc if tz == "UTC" else __import__("zoneinfo").ZoneInfo(tz)).date()
            if label.startswith("ANT v1.1") and 2013 <= local.year <= 2017:
                c["year_ok"] += 1
            elif not label.startswith("ANT v1.1") and local.year == 2018:
                c["year_ok"] += 1
            dd = _docno_date(docno)
            if dd is not None:
                c["docno"] += 1
                # the crawler named files by a date that may differ by a day from the feed's time zone
                c["docno_same"] += local == dd
                c["docno_1day"] += abs((local - dd).days) <= 1
        print(f"\n== Publication dates: {label} ==")
        print(f"{'format':<30}{'n':>7}{'parsed':>9}{'year ok':>9}{'=DOCNO date':>13}{'±1 day':>8}")
        for shape, c in sorted(shapes.items(), key=lambda kv: -kv[1]["n"]):
            n = c["n"]
            print(
                f"{shape:<30}{n:>7}{c['parsed'] / n:>9.3%}{c['year_ok'] / max(1, c['parsed']):>9.3%}"
                f"{c['docno_same'] / max(1, c['docno']):>13.3%}{c['docno_1day'] / max(1, c['docno']):>8.3%}"
            )


def eval_speed(limit: int | None) -> None:
    if not ANT.exists():
        print(f"\n== Speed: SKIPPED, corpus not found at {ANT} ==")
        return
    texts = [t for _, _, t in _docs(ANT, limit) if t.strip()]
    ref = dt.date(2016, 6, 1)
    for name, sel in (("all ANT texts", texts), ("texts of 2-3 KB (chars 2000-3000)", [t for t in texts if 2000 <= len(t) <= 3000])):
        if not sel:
            continue
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            n = sum(len(find_date_mentions(t, reference=ref, lang="ar")) for t in sel)
            el = time.perf_counter() - t0
            best = el if best is None else min(best, el)
        chars = sum(map(len, sel))
        print(
            f"\n== Speed, {name}: {len(sel)} texts, mean {chars / len(sel):.0f} chars: "
            f"{best / len(sel) * 1e6:.1f} us/article, {best / chars * 1e9:.1f} us per 1000 chars, {n} mentions =="
        )
    # Reference point: the cost of one bare regex pass over the same texts on this machine.
    rx = re.compile(r"\d+")
    t0 = time.perf_counter()
    for t in texts:
        rx.findall(t)
    el = time.perf_counter() - t0
    print(f"   (one bare re.findall(r'\\d+') pass over the same texts: {el / len(texts) * 1e6:.1f} us/article)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="read only 2000 documents per corpus")
    ap.add_argument("--verbose", action="store_true", help="list every false positive and negative")
    args = ap.parse_args()
    limit = 2000 if args.quick else None
    res = eval_mentions(args.verbose)
    eval_published(limit)
    eval_speed(limit)
    print(f"\nmention precision {res['precision']:.3f} (target 0.98), recall {res['recall']:.3f} (target 0.95)")


if __name__ == "__main__":
    main()
