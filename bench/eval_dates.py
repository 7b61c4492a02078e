"""Evaluate akhbar.dates: date mentions against hand labels, publication dates against real corpora, speed.

Run from the project root:  .venv/bin/python bench/eval_dates.py [--quick]

1. Date mentions: bench/labels/date_mentions*.jsonl (hand-labelled sentences referenced in
   ../shared/corpus, see bench/labels/README.md and bench/date_labels.py), precision and recall
   per month family and per language: the dev part (and its round-6 and round-7 sentences apart), the held-out
   part of issue 14's set (``n…``), of round 6 (``x…``), of round 7 (``y…``), of round 8 (``z…``) and all of them
   together (held-out errors never listed).
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
import re
import sys
import tarfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "include"))
sys.path.insert(0, str(ROOT / "bench"))

from date_labels import Case, load_cases

from akhbar.dates import find_date_mentions, parse_published

CORPUS = ROOT.parent / "shared" / "corpus"
ANT = CORPUS / "ant" / "ant-v1.1.tar.gz"
ANT_MS = CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz"

_TAG = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.DOTALL) for t in ("DOCNO", "TIME", "TEXT")}


def _span(text: str, mention: str, taken: set) -> tuple[int, int]:
    if mention.isdigit():
        rx = re.compile(rf"(?<!\d){re.escape(mention)}(?!\d)")
    else:
        rx = re.compile(re.escape(mention))
    for m in rx.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e in taken):  # not inside a mention already placed
            return m.span()
    raise ValueError(f"label mention {mention!r} not in text")


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    pred: int = 0
    correct: int = 0

    def add(self, other: Tally) -> None:
        self.gold, self.found = self.gold + other.gold, self.found + other.found
        self.pred, self.correct = self.pred + other.pred, self.correct + other.correct

    @property
    def precision(self) -> float:
        return self.correct / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


def score_case(case: Case, errors: list) -> Tally:
    """A prediction is correct when it overlaps a labelled mention with the same date and granularity;
    a labelled mention is found when some correct prediction overlaps it."""
    text, ref = case.text, dt.date.fromisoformat(case.reference)
    taken: set = set()
    gold = []
    for e in case.expected:
        span = _span(text, e["mention"], taken)
        taken.add(span)
        gold.append((span, dt.date.fromisoformat(e["date"]), e["granularity"], e["mention"]))
    found = [False] * len(gold)
    tally = Tally(gold=len(gold))
    for p in find_date_mentions(text, reference=ref):
        ps, pe = p.char_offset, p.char_offset + len(p.mention)
        assert text[ps:pe] == p.mention
        ok = False
        for i, ((gs, ge), gd, gg, _) in enumerate(gold):
            if ps < ge and gs < pe and gd == p.date and gg == p.granularity:
                ok = found[i] = True
        tally.pred += 1
        tally.correct += ok
        if not ok:
            errors.append(("FP", case, p.mention, str(p.date), p.granularity))
    tally.found = sum(found)
    errors += [("FN", case, g[3], str(g[1]), g[2]) for g, f in zip(gold, found) if not f]
    return tally


def _table(title: str, groups: dict[str, Tally]) -> Tally:
    print(f"{title:<15}{'gold':>6}{'pred':>6}{'precision':>11}{'recall':>8}")
    total = Tally()
    for name in sorted(groups):
        t = groups[name]
        total.add(t)
        print(f"  {name:<13}{t.gold:>6}{t.pred:>6}{t.precision:>11.3f}{t.recall:>8.3f}")
    print(f"  {'overall':<13}{total.gold:>6}{total.pred:>6}{total.precision:>11.3f}{total.recall:>8.3f}")
    return total


# The parts reported: every dev sentence, then the held-out ones of each set apart and together (their errors are
# never listed). ``x…`` (round 6), ``y…`` (round 7) and ``z…`` (round 8) dev sentences are also shown apart: their first measurement is
# a figure of its own.
PARTS = (
    ("dev", lambda c: c.split == "dev"),
    ("dev, round 6 (x)", lambda c: c.split == "dev" and c.id.startswith("x")),
    ("dev, round 7 (y)", lambda c: c.split == "dev" and c.id.startswith("y")),
    ("dev, round 8 (z)", lambda c: c.split == "dev" and c.id.startswith("z")),
    ("heldout, issue 14 set (n)", lambda c: c.split == "heldout" and c.id.startswith("n")),
    ("heldout, round 6 (x)", lambda c: c.split == "heldout" and c.id.startswith("x")),
    ("heldout, round 7 (y)", lambda c: c.split == "heldout" and c.id.startswith("y")),
    ("heldout, round 8 (z)", lambda c: c.split == "heldout" and c.id.startswith("z")),
    ("heldout, all", lambda c: c.split == "heldout"),
)


def _score_part(part: list[Case]) -> tuple[dict[str, Tally], dict[str, Tally], list]:
    errors: list = []
    by_family: dict[str, Tally] = defaultdict(Tally)
    by_lang: dict[str, Tally] = defaultdict(Tally)
    for case in part:
        t = score_case(case, errors)
        by_family[case.family].add(t)
        by_lang[case.lang].add(t)
    return by_family, by_lang, errors


def eval_mentions(verbose: bool, dev_only: bool) -> dict:
    cases, problems = load_cases()
    for problem in problems:
        print(f"   label skipped: {problem}")
    results = {}
    for name, chosen in PARTS:
        if dev_only and not name.startswith("dev"):
            continue
        part = [c for c in cases if chosen(c)]
        by_family, by_lang, errors = _score_part(part)
        n = sum(t.gold for t in by_family.values())
        print(f"\n== Date mentions, {name}: {len(part)} labelled sentences, {n} mentions ==")
        total = _table("month family", by_family)
        _table("language", by_lang)
        results[name] = total
        if name != "dev":
            continue
        if verbose:  # held-out errors are never listed
            for kind, case, mention, date, gran in errors:
                print(
                    f"   {kind} {case.family} {case.id} {case.source} {mention!r} {date} {gran} | {case.text[:120]}"
                )
        else:
            print(f"   ({len(errors)} errors; --verbose lists them)")
    return results


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
            yield (
                docno.group(1).strip(),
                (time_.group(1).strip() if time_ else None),
                (text.group(1) if text else ""),
            )
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
    for label, path, tz in (
        ("ANT v1.1 (Jawhara FM)", ANT, "Africa/Tunis"),
        ("ANT multi-source (RSS)", ANT_MS, "UTC"),
    ):
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
            local = got.astimezone(dt.UTC if tz == "UTC" else __import__("zoneinfo").ZoneInfo(tz)).date()
            if (
                label.startswith("ANT v1.1")
                and 2013 <= local.year <= 2017
                or not label.startswith("ANT v1.1")
                and local.year == 2018
            ):
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
    for name, sel in (
        ("all ANT texts", texts),
        ("texts of 2-3 KB (chars 2000-3000)", [t for t in texts if 2000 <= len(t) <= 3000]),
    ):
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
    print(
        f"   (one bare re.findall(r'\\d+') pass over the same texts: {el / len(texts) * 1e6:.1f} us/article)"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="read only 2000 documents per corpus")
    ap.add_argument(
        "--verbose", action="store_true", help="list every false positive and negative of the dev part"
    )
    ap.add_argument("--dev-only", action="store_true", help="report the dev part only (while tuning)")
    ap.add_argument("--mentions-only", action="store_true", help="skip publication dates and speed")
    ap.add_argument(
        "--speed-only", action="store_true", help="only the speed of find_date_mentions (farm-bench)"
    )
    args = ap.parse_args()
    limit = 2000 if args.quick else None
    if args.speed_only:
        eval_speed(limit)
        return
    res = eval_mentions(args.verbose, args.dev_only)
    if not args.mentions_only:
        eval_published(limit)
        eval_speed(limit)
    print()
    for part, t in res.items():
        print(
            f"mention {part}: precision {t.precision:.3f} (target 0.98), recall {t.recall:.3f} (target 0.97)"
        )


if __name__ == "__main__":
    main()
