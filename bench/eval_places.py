"""Places precision on hand-labelled ANT articles (bench/labels/places_ant.jsonl).

Labels were written by reading each article (title + text) and noting every place
mention (surface form, place, ISO country), whatever the gazetteer holds; see
labels/README_places.md. Precision: a predicted (article, place) counts as many true
positives as min(predicted mentions, gold mentions of that place).

    .venv/bin/python bench/eval_places.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from corpus import TARBALL, ant_docs

LABELS = ROOT / "bench" / "labels" / "places_ant.jsonl"


def main() -> int:
    if not TARBALL.exists():
        print(f"SKIP: {TARBALL} not found (the shared corpus is not on this machine)")
        return 0
    from akhbar.enrichment.places import find_places

    gold = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold[rec["docno"]] = rec["places"]
    docs = {d: (t, x) for d, _c, t, x in ant_docs(set(gold))}
    tp_place = tp_country = pred_total = 0
    gold_total = sum(p[3] for ps in gold.values() for p in ps)
    errors = []
    for docno, places in gold.items():
        title, text = docs[docno]
        hits = find_places(f"{title}\n{text}")
        g_name = Counter()
        g_cc = Counter()
        for _surface, name, cc, count in places:
            g_name[name] += count
            if cc:
                g_cc[cc] += count
        p_cc = Counter()
        for h in hits:
            pred_total += h.mentions
            ok = min(h.mentions, g_name.get(h.place.name, 0))
            tp_place += ok
            if ok < h.mentions:
                errors.append((docno, h.place.place_id, h.mentions - ok))
            p_cc[h.place.country_code] += h.mentions
        tp_country += sum(min(n, g_cc.get(cc, 0)) for cc, n in p_cc.items())
    print(f"articles {len(gold)}, gold mentions {gold_total}, predicted mentions {pred_total}")
    print(f"precision (same place)   {tp_place / max(pred_total, 1):.4f}  ({tp_place}/{pred_total})")
    print(f"precision (same country) {tp_country / max(pred_total, 1):.4f}  ({tp_country}/{pred_total})")
    print(f"recall over all labelled mentions (gazetteer or not) {tp_place / max(gold_total, 1):.4f}")
    for e in errors:
        print("  wrong:", *e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
