"""Candidate sentences for hand-labelling date mentions, read from ../shared/corpus (a labelling aid).

    .venv/bin/python bench/labels/mine_date_sentences.py FAMILY [N] [--seed S]

Prints N sentences of the family (maghreb, egyptian, gulf, levantine, weekday, hijri, english,
french, relative, negative, french_numbers, english_numbers; round 7: french_rest, english_pages, ar_counts,
ar_month_words), each with the reference a label needs: source, field, start, end,
sha1 and the article's date. Sentences already labelled are skipped. The extractor is never run:
the sentences are chosen by keywords, and the person labelling writes every mention and its date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from date_labels import ANT, ANT_MS, LABEL_FILES, NEWS_CRED, sha12

_AR = "\u0621-\u064a"
FAMILIES = {
    "maghreb": (r"جانفي|فيفري|أفريل|افريل|(?<![\w])ماي(?![\w])|جوان|جويلية|جويليه|أوت(?![\w])", ["ant"]),
    "egyptian": (r"ابريل|اغسطس|اكتوبر|يونية|يولية|يناير|فبراير|مايو|سبتمبر|نوفمبر|ديسمبر", ["nc:Alahram.Newspaper"]),
    "gulf": (r"يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر", ["ms:SkyNews", "ms:Alarabia"]),
    "levantine": (r"كانون|شباط|آذار|اذار|نيسان|أيار|ايار|حزيران|تموز|(?<![\w])آب(?![\w])|أيلول|ايلول|تشرين",
                  ["ms:CNN", "ms:BBC", "ms:France24", "nc:cnnarabic", "nc:bbcarabicnews"]),
    "weekday": (r"(?:الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد)\s*[،,]?\s*\d",
                ["ant", "ms:SkyNews", "ms:CNN", "nc:Alahram.Newspaper"]),
    "hijri": ((r"محرم|صفر|ربيع الأول|ربيع الآخر|جمادى|جمادي|رجب|شعبان|رمضان|شوال|ذو القعدة|ذي القعدة|ذى القعدة|"
               r"ذو الحجة|ذي الحجة|ذى الحجة|\d\s*هـ"), ["ant", "ms:Alarabia", "ms:SkyNews", "nc:Alahram.Newspaper"]),
    "english": ((r"January|February|March|April|May|June|July|August|September|October|November|December|"
                 r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday"), ["nc:englishAhram"]),
    "french": ((r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
                r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier"), ["html"]),
    "relative": (r"أمس|الماضي|المقبل|القادم|الأسبوع|الجاري|غدا", ["ant", "ms:SkyNews", "nc:Alahram.Newspaper"]),
    "negative": (r"\d", ["ant", "ms:SkyNews", "nc:Alahram.Newspaper"]),
    # round 6: French and English sentences holding any figure (years after "en", scores, sums, laws, street
    # names such as "rue du 4-Septembre"): the hard negatives and year mentions the keyword families miss
    "french_numbers": (r"\d", ["html"]),
    "english_numbers": (r"\d", ["nc:englishAhram"]),
    # round 7: the French pages are nearly exhausted by the keyword families; the rest of their sentences of 20-400
    # characters that hold a figure or a word of time (relative words, parts of the day, centuries, "l'an dernier")
    "french_rest": ((r"\d|aujourd|demain|hier|semaine|l['’]an|année|mois|prochain|derni|veille|lendemain|matin|soir|"
                     r"siècle|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|mars|mai\b|juin|août|actuel|récemment"),
                    ["html"]),
    # English news pages (BBC, CBS, The Independent, LA Times, NYT, Politico, Reuters, Salon, SCMP, The Guardian, DW,
    # CNN): English sentences from outside the Ahram crawl
    "english_pages": ((r"\d|January|February|March|April|May|June|July|August|September|October|November|December|"
                       r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tomorrow|week|month|"
                       r"year"), ["html_en"]),
    # Arabic hard negatives: figures that are counts, amounts, scores, ages, laws, articles, times, phone numbers
    "ar_counts": ((r"\d+\s*(?:عاما|عامًا|سنة|سنوات|يوما|يومًا|أيام|شهرا|أشهر|ساعة|ساعات|دقيقة|دقائق|%|بالمائة|مليون|مليار|ألف|"
                   r"دينار|جنيه|درهم|دولار|ريال|أهداف|هدف|نقطة|نقاط|مباراة|قتيلا|شخصا|كلم|كيلومتر|متر|طن)|"
                   r"(?:عدد|الفصل|المادة|رقم|القانون|الهاتف|الساعة|النتيجة|بنتيجة|العمر|عمر)\s+\d|\d\s*[-:]\s*\d"),
                  ["ant", "ms:SkyNews", "ms:Alarabia", "ms:CNN", "ms:BBC", "nc:Alahram.Newspaper"]),
    # Arabic words spelt like a month that are not one: مارس (he practised), آب (father), تموز (the god), صفر (zero),
    # شعبان and رمضان as names, ماي in names
    "ar_month_words": ((r"(?<![\w])(?:مارس|مارست|مارسوا|يمارس|تمارس|ممارسة|آب|تموز|صفر|شعبان|رجب|رمضان|ماي|أيار|شباط)(?![\w])"),
                       ["ant", "ms:SkyNews", "ms:Alarabia", "ms:CNN", "ms:BBC", "ms:France24", "nc:Alahram.Newspaper",
                        "nc:cnnarabicnews", "nc:bbcarabicnews"]),
}  # fmt: skip
# The lengths of sentence offered: 40-320 characters, wider for the families that take what the others left
LENGTHS = {"french_rest": (20, 400), "english_pages": (30, 400)}
_NOT_NEGATIVE = re.compile(r"جانفي|فيفري|مارس|أفريل|ماي|جوان|جويلي|أوت|سبتمبر|أكتوبر|نوفمبر|ديسمبر|يناير|فبراير|"
                           r"أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|عام|سنة|أمس|اليوم|غدا|الماضي|المقبل|"
                           r"الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد|\d{4}")  # fmt: skip
_SENTENCE = re.compile(r"[^\n.!?؟]+[.!?؟]?")
_FIELD = {t: re.compile(rf"<{t}>(.*?)</{t}>", re.DOTALL) for t in ("DOCNO", "TEXT", "TIME")}
FRENCH_PAGES = {"trafilatura/eval/lapresse.tn.parite.html": "2020-02-18", "trafilatura/eval/bondyblog.fr.paris-8.html":
                "2020-02-17", "trafilatura/eval/regards.fr.enquetes.html": "2020-01-07",
                "trafilatura/eval/ledevoir.com.trottinettes.html": "2020-02-19",
                "trafilatura/eval/francais.radio.cz-ministre.html": "2020-10-23",
                "trafilatura/eval/sciencesetavenir.fr.rumeur.html": "2020-09-14",
                "trafilatura/eval/infocomcgt.fr.caisse.html": "2020-01-07",
                "trafilatura/cache/sauvonsluniversite.com.spip.html": "2019-09-11",
                "trafilatura/eval/lopinion.fr.glyphosate.html": "2019-05-15",
                "trafilatura/cache/laviedesidees.fr.evaluation.html": "2009-09-15",
                "trafilatura/eval/legrandcontinent.eu.heran.html": "2020-03-02",
                "trafilatura/eval/dalloz-actualite.fr.raoult.html": "2020-05-07",
                "trafilatura/eval/gala.fr.surnom.html": "2019-12-09",
                "trafilatura/eval/aoc.media.archaisme.html": "2019-12-10",
                "trafilatura/eval/blog.mondediplo.net.turpitude.html": "2018-06-21",
                "trafilatura/cache/franceculture.fr.idees.html": "2020-01-14",
                "trafilatura/cache/psl.eu.luniversite.html": "2019-11-06",
                "trafilatura/cache/soundofscience.fr.1927.html": "2020-01-20",
                "trafilatura/eval/mesopinions.com.mutilation.html": "2019-06-20",
                "trafilatura/eval/arteradio.com-nuls.html": "2019-05-23",
                "trafilatura/eval/france.attc.org-privatisations.html": "2019-06-13",
                "trafilatura/eval/dw.com-elephants.html": "2011-05-23",
                "trafilatura/eval/sports.fr.lorient.html": "2020-02-19",
                "goose3/test_lefigaro.html": "2012-10-01"}  # fmt: skip
# English news pages, with the date each page shows (its published_time / datePublished, DW's dateline, CNN's URL)
ENGLISH_PAGES = {"trafilatura/eval/bbc.com.52241221.html": "2020-04-10",
                 "trafilatura/eval/cbsnews.com.carolina.html": "2020-02-24",
                 "trafilatura/eval/independent.co.uk.penalty.html": "2020-09-28",
                 "trafilatura/eval/latimes.com.bloomberg.html": "2020-02-19",
                 "trafilatura/eval/nytimes.com.blackouts.html": "2020-08-16",
                 "trafilatura/eval/politico.com.retirement.html": "2019-12-30",
                 "trafilatura/cache/reuters.com.parasite.html": "2020-01-19",
                 "trafilatura/cache/salon.com.emissions.html": "2020-01-10",
                 "trafilatura/cache/scmp.com.playbook.html": "2020-01-20",
                 "trafilatura/cache/theguardian.com.academics.html": "2020-01-20",
                 "trafilatura/cache/dw.com.colonial.html": "2020-01-19",
                 "goose3/test_guardian1.html": "2011-11-18",
                 "newspaper4k/html/cnn_article.html": "2013-11-27"}  # fmt: skip


def _trec(path: Path, folders: set[str] | None, corpus: str):
    import tarfile

    with tarfile.open(path) as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 3 or (folders and parts[1] not in folders):
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            docno, text, time = (_FIELD[t].search(doc) for t in ("DOCNO", "TEXT", "TIME"))
            if not docno or not text:
                continue
            key = docno.group(1).strip()
            yield f"{corpus}:{key}", text.group(1), _reference(key, time.group(1).strip() if time else "")


def _reference(docno: str, time: str) -> str:
    """The article's date: its TIME (ISO, DD/MM/YYYY, RFC 822), else the date in its DOCNO."""
    for shape in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(time[:10], shape).date().isoformat()
        except ValueError:
            pass
    try:
        return parsedate_to_datetime(time).date().isoformat()
    except (TypeError, ValueError):
        pass
    m = re.search(r"-(\d{8})$", docno)
    for shape in ("%Y%m%d", "%d%m%Y"):
        try:
            return dt.datetime.strptime(m.group(1), shape).date().isoformat() if m else ""
        except ValueError:
            pass
    return ""


def _news_credibility(folders: set[str]):
    import tarfile

    name = re.compile(r"txt/([^/]+)/.*?(\d{4}-\d\d-\d\d) [\d:]+#([0-9a-f]{8})[0-9a-f-]*\.txt$")
    seen = set()
    with tarfile.open(NEWS_CRED) as tar:
        for member in tar:
            m = name.search(member.name)
            if not member.isfile() or m is None or m.group(1) not in folders:
                continue
            text = tar.extractfile(member).read().decode("utf-8", "replace")
            if text in seen:
                continue  # the crawl repeats files
            seen.add(text)
            yield f"news-credibility:{m.group(1)}/{m.group(3)}", text, m.group(2)


# Readability's French test pages of the extraction benchmark's dev part (its held-out pages are not read).
READABILITY_FRENCH = {"lemonde-1": "2015-05-05", "videos-2": "2017-11-24", "liberation-1": "2015-04-30"}


def _html():
    from date_labels import _html_pages, _readability_pages

    pages = _html_pages(set(FRENCH_PAGES))
    for key, fields in pages.items():
        yield f"html:{key}", fields["text"], FRENCH_PAGES[key]
    for key, fields in _readability_pages(set(READABILITY_FRENCH)).items():
        yield f"readability:{key}", fields["text"], READABILITY_FRENCH[key]


def _html_english():
    from date_labels import _html_pages

    for key, fields in _html_pages(set(ENGLISH_PAGES)).items():
        yield f"html:{key}", fields["text"], ENGLISH_PAGES[key]


def documents(sources: list[str]):
    ant_ms = {s.split(":")[1] for s in sources if s.startswith("ms:")}
    nc = {s.split(":")[1] for s in sources if s.startswith("nc:")}
    if "ant" in sources:
        yield from _trec(ANT, None, "ant")
    if ant_ms:
        yield from _trec(ANT_MS, ant_ms, "ant-multisource")
    if nc:
        yield from _news_credibility(nc)
    if "html" in sources:
        yield from _html()
    if "html_en" in sources:
        yield from _html_english()


def _labelled() -> set:
    """(source, start) of every labelled sentence, and the SHA-1 of each (a page repeats its datelines:
    a sentence labelled once, dev or held out, is never offered again)."""
    done: set = set()
    for path in LABEL_FILES:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                done.add((r["source"], r.get("start", -1)))
                done.add(r.get("sha1"))
    return done


def _labelled_spans() -> dict[str, list[tuple[int, int]]]:
    """{source: [(start, end)]} of every labelled sentence: a candidate overlapping one (a sentence cut
    differently when it was labelled) is not offered either."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for path in LABEL_FILES:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                if "start" in r:
                    spans.setdefault(r["source"], []).append((r["start"], r["end"]))
    return spans


def candidates(family: str):
    pattern, sources = FAMILIES[family]
    rx = re.compile(pattern)
    done = _labelled()
    spans = _labelled_spans()
    shortest, longest = LENGTHS.get(family, (40, 320))
    for source, text, reference in documents(sources):
        for m in _SENTENCE.finditer(text):
            sentence = m.group().strip()
            start = m.start() + m.group().index(sentence[:1]) if sentence else m.start()
            if not shortest <= len(sentence) <= longest or (source, start) in done or sha12(sentence) in done:
                continue
            if not rx.search(sentence):
                continue
            if any(start < e and s < start + len(sentence) for s, e in spans.get(source, ())):
                continue
            if family == "negative" and _NOT_NEGATIVE.search(sentence):
                continue
            yield {"source": source, "field": "text", "start": start, "end": start + len(sentence),
                   "sha1": sha12(sentence), "reference": reference, "sentence": sentence}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("n", type=int, nargs="?", default=30)
    ap.add_argument("--seed", default="issue-14")
    ap.add_argument(
        "--per-article", type=int, help="sentences of one document at most (default 4 French, else 1)"
    )
    args = ap.parse_args()
    pool = list(candidates(args.family))
    pool.sort(key=lambda c: hashlib.sha256(f"{args.seed}:{c['source']}:{c['start']}".encode()).digest())
    per_doc: dict[str, int] = {}
    shown = 0
    per_article = args.per_article or (
        4 if args.family.startswith("french") else 1
    )  # few French pages: more of each
    for c in pool:
        if per_doc.get(c["source"], 0) >= per_article:
            continue
        per_doc[c["source"]] = per_doc.get(c["source"], 0) + 1
        print(json.dumps(c, ensure_ascii=False))
        shown += 1
        if shown >= args.n:
            break


if __name__ == "__main__":
    main()
