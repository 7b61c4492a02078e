"""Language identification accuracy on real articles, whole texts and titles apart.

* Arabic: ANT v1.1 (Jawhara FM) articles and titles;
* English: English Ahram files of the news-credibility crawl (line 1 is the title);
* French: the French pages of trafilatura's evaluation set (gold title + the gold text
  fragments of evaldata.json joined; language read by me from each page's title).

    .venv/bin/python bench/eval_langid.py [N per source]
"""

from __future__ import annotations

import json
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import TARBALL as ANT
from corpus import ant_docs

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NEWSCRED = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
TRAF = CORPUS / "html" / "trafilatura"
# trafilatura eval pages written in French (my reading of their titles and URLs).
FRENCH_FILES_HINT = (
    "bondyblog",
    "lapresse.tn",
    "ledevoir",
    "aoc.media",
    "regards.fr",
    "gala.fr",
    "legrandcontinent",
    "mondediplo",
    "infocomcgt",
    "dalloz",
    "mesopinions",
    "lopinion",
    "sciencesetavenir",
    "sports.fr",
    "dw.com/fr",
    "attac.org",
    "arteradio",
    "radio.cz",
)


def samples(n: int):
    out = []  # (source, expected, kind, text)
    for i, (_d, _c, title, text) in enumerate(ant_docs()):
        if i >= n:
            break
        if text:
            out.append(("ant", "ar", "article", text))
        if title:
            out.append(("ant", "ar", "title", title))
    seen = set()
    with tarfile.open(NEWSCRED) as tar:
        for m in tar:
            if len(seen) >= n:
                break
            if not m.isfile() or "/englishAhram/" not in m.name:
                continue
            raw = tar.extractfile(m).read().decode("utf-8", "replace").strip()
            if raw in seen or "\n" not in raw:
                continue
            seen.add(raw)
            title, body = raw.split("\n", 1)
            if body.strip():
                out.append(("englishAhram", "en", "article", body))
            if title.strip():
                out.append(("englishAhram", "en", "title", title))
    gold = json.loads((TRAF / "evaldata.json").read_text(encoding="utf-8"))
    for url, rec in gold.items():
        if not (TRAF / "eval" / rec["file"]).exists() or not any(h in url for h in FRENCH_FILES_HINT):
            continue
        out.append(("trafilatura-fr", "fr", "article", " ".join(rec.get("with") or [])))
        if rec.get("title"):
            out.append(("trafilatura-fr", "fr", "title", rec["title"]))
    return out


def main() -> int:
    if not (ANT.exists() and NEWSCRED.exists() and TRAF.exists()):
        print("SKIP: ../shared/corpus (ANT, news-credibility, trafilatura pages) not found")
        return 0
    from akhbar.enrichment.langid import detect

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    data = samples(n)
    detect("warm up")
    stats: dict[tuple[str, str], list[int]] = {}
    wrong = []
    t0 = time.perf_counter()
    for source, expected, kind, text in data:
        got, score = detect(text)
        s = stats.setdefault((source, kind), [0, 0])
        s[1] += 1
        if got == expected:
            s[0] += 1
        else:
            wrong.append((source, kind, got, score, text[:80].replace("\n", " ")))
    us = (time.perf_counter() - t0) / len(data) * 1e6
    for kind in ("article", "title"):
        ok = sum(v[0] for (s, k), v in stats.items() if k == kind)
        tot = sum(v[1] for (s, k), v in stats.items() if k == kind)
        print(f"{kind}s: {ok}/{tot} = {ok / tot:.4f}")
        for (s, k), v in sorted(stats.items()):
            if k == kind:
                print(f"   {s:<16} {v[0]}/{v[1]} = {v[0] / v[1]:.4f}")
    print(f"mean {us:.0f} us per text")
    for w in wrong[:30]:
        print("  wrong:", *w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
