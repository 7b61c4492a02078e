"""A realistic night of any size, built from the real corpora in ../shared/corpus (read in place).

Sentences of real articles are the material: Arabic from ANT v1.1 and ANT multi-source (Jawhara FM,
SkyNews Arabia, AlArabiya, France24, BBC, CNN Arabic), English from the English Ahram crawl of
news-credibility, French from the real French pages of the extraction gold sets. Each generated
article is a real headline-length sentence and 4-12 real sentences of one language drawn at random
(two articles share almost nothing, as two stories of one night), published at a random time of
the night. The night then holds what a real one does:

* four sources: two JSONL dumps (Arabic; French and English), a TREC dump (Arabic) and a WARC
  crawl of HTML pages (news-site layout: navigation, "most read", share bar, footer around the text);
* about 6 % exact copies (wire copy carried by another source) and 3 % edited copies of earlier
  articles (words replaced, a sentence dropped);
* broken records: malformed JSON lines, rows without text, malformed <DOC>s, HTTP 404 pages.

Everything is deterministic (seeded): the same size gives the same night. Nothing of the corpus is
written into the project: the night goes to a folder given by the caller.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import random
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import CORPUS

NIGHT = dt.date(2026, 11, 28)
VERSION = 2  # 2: the TREC dump in files of 4,000 documents
SHARES = {"wire-ar": 0.45, "wire-intl": 0.20, "archive-ar": 0.25, "crawl": 0.10}
EXACT_COPY, EDITED_COPY = 0.06, 0.03
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+|\n+")
_P = re.compile(r"<p[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
REGISTRY = """version: 1
defaults: {{window_days: 0, shard_records: {shard_records}, max_lines: 10000000}}
sources:
  - id: wire-ar
    kind: jsonl
    path: {root}/wire-ar
    name: Arabic wire (real sentences)
    country: TN
    lang: ar
    timezone: Africa/Tunis
    mapping: {{id: doc_id, url: link, title: headline, text: content, published: pub_date, category: section}}
  - id: wire-intl
    kind: jsonl
    path: {root}/wire-intl
    name: French and English wire
    country: FR
    timezone: Europe/Paris
    mapping: {{id: doc_id, url: link, title: headline, text: content, published: pub_date, lang: language}}
  - id: archive-ar
    kind: trec
    path: {root}/archive-ar
    name: Arabic press archive
    country: MA
    lang: ar
    timezone: Africa/Casablanca
    mapping: {{id: DOCNO, title: HEADLINE, text: TEXT, published: DATE}}
  - id: crawl
    kind: warc
    path: {root}/crawl
    name: Crawl of news sites
    timezone: UTC
    # An HTML page costs some 50 times a dump record to extract: smaller shards, as an operator would set.
    limits: {{shard_records: {html_shard_records}}}
"""


# --------------------------------------------------------------------------- sentences
def _sentences(text: str) -> list[str]:
    out = []
    for s in _SENTENCE.split(text):
        s = " ".join(s.split())
        if 5 <= len(s.split()) <= 60:
            out.append(s)
    return out


def _arabic() -> list[str]:
    out: list[str] = []
    for tarball in (
        CORPUS / "ant" / "ant-v1.1.tar.gz",
        CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz",
    ):
        with tarfile.open(tarball) as tar:
            for member in tar:
                if member.isfile() and member.name.endswith(".txt"):
                    doc = tar.extractfile(member).read().decode("utf-8", "replace")
                    m = re.search(r"<TEXT>(.*?)</TEXT>", doc, re.DOTALL)
                    if m:
                        out += _sentences(m[1])
    return out


def _english() -> list[str]:
    out: list[str] = []
    with tarfile.open(CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz") as tar:
        for member in tar:
            if member.isfile() and "/englishAhram/" in member.name and member.name.endswith(".txt"):
                text = tar.extractfile(member).read().decode("utf-8", "replace")
                out += _sentences(text.split("\n", 1)[-1])
    return out


def _french() -> list[str]:
    pages = []
    for path in sorted((CORPUS / "html" / "trafilatura" / "eval").glob("*.html")):
        page = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"<html[^>]*lang=[\"']?fr", page[:5000], re.IGNORECASE):
            pages.append(page)
    with tarfile.open(CORPUS / "html" / "readability" / "readability-test-pages.tar.gz") as tar:
        members = {m.name: m for m in tar if m.isfile()}
        for name, member in members.items():
            if name.endswith("expected-metadata.json"):
                lang = json.loads(tar.extractfile(member).read() or b"{}").get("lang") or ""
                source = name.rsplit("/", 1)[0] + "/source.html"
                if lang.startswith("fr") and source in members:
                    pages.append(tar.extractfile(members[source]).read().decode("utf-8", "replace"))
    out: list[str] = []
    for page in pages:
        for p in _P.findall(page):
            out += _sentences(html.unescape(_TAG.sub(" ", p)))
    return out


def sentence_pools() -> dict[str, list[str]]:
    pools = {"ar": _arabic(), "en": _english(), "fr": _french()}
    for lang, pool in pools.items():
        if len(pool) < 200:
            raise SystemExit(
                f"only {len(pool)} {lang} sentences found under {CORPUS}: is ../shared/corpus complete?"
            )
    return {lang: sorted(set(pool)) for lang, pool in pools.items()}


# --------------------------------------------------------------------------- articles
@dataclass(frozen=True)
class Article:
    key: str
    lang: str
    title: str
    paragraphs: tuple[str, ...]
    published: dt.datetime

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


class Writer:
    """Articles made from the pools, with the night's copies and edits."""

    def __init__(self, pools: dict[str, list[str]], seed: int):
        self.pools, self.rng = pools, random.Random(seed)
        self.made: list[Article] = []

    def fresh(self, key: str, lang: str, tz: dt.tzinfo) -> Article:
        rng, pool = self.rng, self.pools[lang]
        title = " ".join(rng.choice(pool).split()[:12])
        sentences = [rng.choice(pool) for _ in range(rng.randint(4, 12))]
        paragraphs = tuple(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
        when = dt.datetime.combine(NIGHT, dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=tz)
        return Article(key, lang, title, paragraphs, when)

    def next(self, key: str, lang: str, tz: dt.tzinfo) -> Article:
        """A fresh article, or now and then a copy or an edited copy of one made earlier tonight."""
        roll = self.rng.random()
        if self.made and roll < EXACT_COPY + EDITED_COPY:
            original = self.made[self.rng.randrange(len(self.made))]
            later = original.published + dt.timedelta(minutes=self.rng.randint(5, 240))
            paragraphs = original.paragraphs if roll < EXACT_COPY else self._edited(original.paragraphs)
            return Article(key, original.lang, original.title, paragraphs, later)
        article = self.fresh(key, lang, tz)
        if len(self.made) < 200_000 or self.rng.random() < 0.05:  # a bounded memory of what was published
            self.made.append(article)
        return article

    def _edited(self, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
        words = " ".join(paragraphs).split()
        for i in self.rng.sample(range(len(words)), max(1, len(words) // 12)):
            words[i] = self.rng.choice(words)
        text = " ".join(words)
        cut = text.rfind(". ")
        return (text[: cut + 1] if cut > len(text) // 2 else text,)


# --------------------------------------------------------------------------- containers
def _jsonl(path: Path, rows) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
            out.write("\n")
            n += 1
    return n


def _dump_rows(writer: Writer, n: int, source: str, langs: tuple[str, ...], tz: dt.tzinfo):
    rng = writer.rng
    for i in range(n):
        roll = rng.random()
        if roll < 0.005:
            yield '{"doc_id": "' + f"{source}-{i}" + '", "content": "'  # a truncated line
            continue
        a = writer.next(f"{source}-{i}", langs[i % len(langs)], tz)
        row = {
            "doc_id": a.key,
            "link": f"https://{source}.example/{NIGHT:%Y/%m/%d}/{i}",
            "headline": a.title,
            "pub_date": a.published.isoformat(),
            "section": rng.choice(["national", "economy", "sport", "culture"]),
            "language": a.lang,
        }
        if roll >= 0.007:  # 0.2 % of the rows come without their text
            row["content"] = a.text
        yield row


def _trec(folder: Path, writer: Writer, n: int, tz: dt.tzinfo, per_file: int = 4000) -> int:
    """TREC files of ``per_file`` documents (an archive's usual size: each stays under max_bytes)."""
    rng = writer.rng
    for start in range(0, n, per_file):
        with open(
            folder / f"{NIGHT.isoformat()}.part-{start // per_file + 1:04d}.trec", "w", encoding="utf-8"
        ) as out:
            for i in range(start, min(start + per_file, n)):
                if rng.random() < 0.002:
                    out.write(f"<DOC>\n<DOCNO>ARC-{i:08d}</DOCNO>\n<HEADLINE>مقال مبتور\n")  # never closed
                    continue
                a = writer.next(f"ARC-{i:08d}", "ar", tz)
                out.write(
                    f"<DOC>\n<DOCNO>{a.key}</DOCNO>\n<DATE>{a.published:%Y-%m-%d %H:%M}</DATE>\n"
                    f"<HEADLINE>{html.escape(a.title)}</HEADLINE>\n<TEXT>\n"
                    + "\n\n".join(html.escape(p) for p in a.paragraphs)
                    + "\n</TEXT>\n</DOC>\n"
                )
    return n


_SITES = {
    "ar": (
        "أخبار المغرب الكبير",
        ["الرئيسية", "وطنية", "اقتصاد", "رياضة", "ثقافة", "دولية"],
        "الأكثر قراءة",
        "شارك المقال على فيسبوك وتويتر",
        "© 2026 أخبار المغرب الكبير. جميع الحقوق محفوظة.",
    ),
    "fr": (
        "Le Quotidien du Maghreb",
        ["Accueil", "National", "Économie", "Sport", "Culture", "Monde"],
        "Les plus lus",
        "Partager sur Facebook et X",
        "© 2026 Le Quotidien du Maghreb. Tous droits réservés.",
    ),
    "en": (
        "The Maghreb Ledger",
        ["Home", "National", "Business", "Sport", "Culture", "World"],
        "Most read",
        "Share on Facebook and X",
        "© 2026 The Maghreb Ledger. All rights reserved.",
    ),
}


def _page(a: Article, url: str, related: list[str]) -> bytes:
    name, nav, popular, share, footer = _SITES[a.lang]
    direction = "rtl" if a.lang == "ar" else "ltr"
    items = "".join(f'<li><a href="/r/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(related))
    menu = "".join(f'<li><a href="/{i}">{html.escape(x)}</a></li>' for i, x in enumerate(nav))
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in a.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{a.lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{html.escape(a.title)} | {name}</title>"
        f'<meta property="og:title" content="{html.escape(a.title)}">'
        f'<meta property="article:published_time" content="{a.published.isoformat()}">'
        f'<link rel="canonical" href="{url}"></head><body>'
        f'<header><div class="logo">{name}</div><nav><ul>{menu}</ul></nav></header>'
        f'<main><article><h1>{html.escape(a.title)}</h1><div class="article-body">\n{body}</div>'
        f'<div class="share">{share}</div></article>'
        f'<aside class="most-read"><h3>{popular}</h3><ul>{items}</ul></aside></main>'
        f"<footer><p>{footer}</p></footer></body></html>\n"
    ).encode()


def _warc(path: Path, writer: Writer, n: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = writer.rng
    with open(path, "wb") as fh:
        warc = WARCWriter(fh, gzip=True, warc_version="1.0")
        for i in range(n):
            lang = ("ar", "ar", "fr", "en")[i % 4]
            a = writer.next(f"crawl-{i}", lang, dt.UTC)
            url = f"https://{lang}.news.example/{NIGHT:%Y/%m/%d}/{i}.html"
            missing = rng.random() < 0.01
            status = "404 Not Found" if missing else "200 OK"
            payload = (
                b"<html><body>Not found</body></html>"
                if missing
                else _page(a, url, [writer.fresh("r", lang, dt.UTC).title for _ in range(5)])
            )
            headers = StatusAndHeaders(
                status,
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(payload)))],
                protocol="HTTP/1.1",
            )
            date = a.published.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = warc.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            warc.write_record(record)
    return n


# --------------------------------------------------------------------------- the night
def build_night(
    records: int, folder: Path, shard_records: int, pools: dict[str, list[str]] | None = None
) -> Path:
    """The night's source files and registry under ``folder`` (reused when already built); returns the
    registry's path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "night.json"
    wanted = {"records": records, "version": VERSION, "night": NIGHT.isoformat()}
    if not (stamp.exists() and json.loads(stamp.read_text()) == wanted):
        pools = pools or sentence_pools()
        writer = Writer(pools, seed=records)
        counts = {s: int(records * share) for s, share in SHARES.items()}
        counts["wire-ar"] += records - sum(counts.values())
        from zoneinfo import ZoneInfo

        for source in SHARES:
            (folder / source).mkdir(exist_ok=True)
        name = f"{NIGHT.isoformat()}"
        _jsonl(
            folder / "wire-ar" / f"{name}.jsonl",
            _dump_rows(writer, counts["wire-ar"], "wire-ar", ("ar",), ZoneInfo("Africa/Tunis")),
        )
        _jsonl(
            folder / "wire-intl" / f"{name}.jsonl",
            _dump_rows(writer, counts["wire-intl"], "wire-intl", ("fr", "en"), ZoneInfo("Europe/Paris")),
        )
        _trec(folder / "archive-ar", writer, counts["archive-ar"], ZoneInfo("Africa/Casablanca"))
        _warc(folder / "crawl" / f"{name}.warc.gz", writer, counts["crawl"])
        stamp.write_text(json.dumps(wanted))
    registry = folder / f"sources-{shard_records}.yaml"
    registry.write_text(
        REGISTRY.format(
            root=folder, shard_records=shard_records, html_shard_records=max(1, shard_records // 10)
        ),
        encoding="utf-8",
    )
    return registry


if __name__ == "__main__":  # python -m bench.night_corpus 1000 /tmp/night
    import sys

    print(build_night(int(sys.argv[1]), Path(sys.argv[2]), 20_000))
