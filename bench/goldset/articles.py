"""Real articles (title, paragraphs, publication day) read from ../shared/corpus at evaluation time.

Nothing here is committed text: every article is read from the shared corpus when the gold set is
built, chosen deterministically (the articles whose id hashes lowest among those long enough).

- ANT v1.1 (Jawhara FM, Tunisia, Maghreb month names): <TITLE>, <TIME>, <TEXT> (one paragraph a line).
- ANT multi-source (SkyNews Arabia, Al Arabiya, France24, BBC and CNN Arabic): the same fields, TIME an
  RSS pubDate.
- news-credibility (Al-Ahram, BBC and CNN Arabic, English Ahram): line 1 the title, the day from the
  crawl time in the file path.
- French: real French news pages of ../shared/corpus/html, their article paragraphs located by the
  hand-written selectors of bench/labels/french_articles.json, and Readability's expected content
  of its French cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tarfile
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
ANT = CORPUS / "ant" / "ant-v1.1.tar.gz"
ANT_MS = CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz"
NEWS_CRED = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
HTML = CORPUS / "html"
READABILITY = HTML / "readability" / "readability-test-pages.tar.gz"
FRENCH_LABELS = ROOT / "bench" / "labels" / "french_articles.json"

# Month-name family each publisher writes its datelines in.
FAMILY = {"jawhara": "maghreb", "skynews": "egyptian_gulf", "alarabiya": "egyptian_gulf",
          "france24": "levantine_doubled", "bbc": "egyptian_gulf", "cnn": "levantine", "ahram": "egyptian_gulf",
          "english_ahram": "english", "french": "french"}  # fmt: skip


@dataclass(frozen=True)
class Article:
    """One real article: what a page about it must give back."""

    id: str  # "<corpus>:<document id>"
    publisher: str  # jawhara, skynews, alarabiya, france24, bbc, cnn, ahram, english_ahram, french
    lang: str
    title: str
    paragraphs: tuple[str, ...]
    published: dt.datetime  # aware: the publisher's own offset when known
    category: str = ""
    sources: tuple[str, ...] = field(default=())


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _field(doc: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", doc, re.DOTALL)
    return m.group(1).strip() if m else ""


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in text.splitlines() if len(line.strip()) > 1)


def _parse_time(raw: str) -> dt.datetime | None:
    """The three shapes of ANT's TIME and RSS pubDates; written for the gold set only."""
    raw = raw.strip()
    tunis = dt.timezone(dt.timedelta(hours=1))
    try:
        if re.fullmatch(r"\d\d/\d\d/\d{4}", raw):
            return dt.datetime.strptime(raw, "%d/%m/%Y").replace(hour=10, tzinfo=tunis)
        if re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}", raw):
            return dt.datetime.strptime(raw, "%Y-%m-%dT%H%M%S").replace(tzinfo=tunis)
        if re.match(r"\d{4}-\d\d-\d\dT", raw):
            return dt.datetime.fromisoformat(raw)
        return parsedate_to_datetime(raw)
    except (ValueError, TypeError):
        return None


def _long_enough(paragraphs: tuple[str, ...]) -> bool:
    size = sum(map(len, paragraphs))
    return sum(len(p) > 30 for p in paragraphs) >= 3 and 500 <= size <= 6000


def _pick(candidates: list[Article], n: int) -> list[Article]:
    return sorted(candidates, key=lambda a: stable_hash(a.id))[:n]


_MS_PUBLISHER = {
    "Alarabia": "alarabiya",
    "BBC": "bbc",
    "CNN": "cnn",
    "France24": "france24",
    "SkyNews": "skynews",
}


def _trec_articles(path: Path, corpus: str) -> list[Article]:
    out = []
    with tarfile.open(path) as tar:
        for member in tar:
            if not member.isfile() or "/" not in member.name or member.name.endswith(".md"):
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            if "<DOC>" not in doc:
                continue
            paragraphs = _paragraphs(_field(doc, "TEXT"))
            when = _parse_time(_field(doc, "TIME"))
            title = " ".join(_field(doc, "TITLE").split())
            if when is None or not title or not _long_enough(paragraphs):
                continue
            folder = member.name.split("/")[1]
            publisher = "jawhara" if corpus == "ant" else _MS_PUBLISHER.get(folder)
            if publisher is None:
                continue
            docno = _field(doc, "DOCNO")
            out.append(
                Article(f"{corpus}:{docno}", publisher, "ar", title, paragraphs, when, _field(doc, "CAT"))
            )
    return out


_NC_PUBLISHER = {"Alahram.Newspaper": ("ahram", "ar"), "bbcarabicnews": ("bbc", "ar"), "cnnarabic": ("cnn", "ar"),
                 "englishAhram": ("english_ahram", "en")}  # fmt: skip
_NC_TIME = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)#([0-9a-f-]+)\.txt$")


def _news_credibility_articles() -> list[Article]:
    out, seen = [], set()
    with tarfile.open(NEWS_CRED) as tar:
        for member in tar:
            m = _NC_TIME.search(member.name)
            parts = member.name.split("/")
            if not member.isfile() or m is None or "txt" not in parts:
                continue
            folder = parts[parts.index("txt") + 1]
            if folder not in _NC_PUBLISHER:
                continue
            lines = tar.extractfile(member).read().decode("utf-8", "replace").splitlines()
            if not lines:
                continue
            title, paragraphs = " ".join(lines[0].split()), _paragraphs("\n".join(lines[1:]))
            if not title or not _long_enough(paragraphs) or title in seen:
                continue  # about 30% of the crawl are exact repeats
            seen.add(title)
            publisher, lang = _NC_PUBLISHER[folder]
            cairo = dt.timezone(dt.timedelta(hours=2))
            when = dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=cairo)
            out.append(
                Article(
                    f"news-credibility:{folder}/{m.group(2)[:8]}", publisher, lang, title, paragraphs, when
                )
            )
    return out


def _french_paragraphs(html: str, label: dict) -> tuple[str, ...]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    container = tree.css_first(label["body"])
    if container is None:
        raise ValueError(f"{label['file']}: no element matches {label['body']!r}")
    kinds = ("p", "h2", "h3", "h4", "li", "blockquote")
    out: list[str] = []
    for node in container.css(", ".join(kinds)):
        parent = node.parent
        while parent is not None and parent is not container and parent.tag not in kinds:
            parent = parent.parent
        if parent is not None and parent is not container:
            continue  # nested in another paragraph-like element: already counted
        text = " ".join(node.text(separator=" ").replace("\u00ad", "").split())  # soft hyphens are invisible
        if not text:
            continue
        if any(text.startswith(s) for s in label.get("stop", ())):
            break
        if not any(text.startswith(d) for d in label.get("drop", ())):
            out.append(text)
    return tuple(out)


def _french_articles() -> list[Article]:
    out = []
    for label in json.loads(FRENCH_LABELS.read_text(encoding="utf-8")):
        path = HTML / label["file"]
        if not path.exists():
            continue
        paragraphs = _french_paragraphs(path.read_bytes().decode("utf-8", "replace"), label)
        day = label["date"] or _invented_day(label["file"])
        when = dt.datetime.fromisoformat(day).replace(
            hour=9, minute=30, tzinfo=dt.timezone(dt.timedelta(hours=1))
        )
        out.append(Article(f"french:{label['file']}", "french", "fr", label["title"], paragraphs, when))
    out += _readability_french()
    return out


def _invented_day(name: str) -> str:
    """Pages whose day is unknown get a fixed day of 2019 from their name (the page we build shows it)."""
    return (dt.date(2019, 1, 1) + dt.timedelta(days=stable_hash(name) % 360)).isoformat()


_READABILITY_FRENCH = {"lemonde-1": "2015-05-05", "liberation-1": "2015-04-30"}


def _readability_french() -> list[Article]:
    if not READABILITY.exists():
        return []
    out = []
    with tarfile.open(READABILITY) as tar:
        for case, day in _READABILITY_FRENCH.items():
            base = f"readability-test-pages/{case}/"
            meta = json.loads(tar.extractfile(base + "expected-metadata.json").read())
            html = (
                "<div id='gold'>" + tar.extractfile(base + "expected.html").read().decode("utf-8") + "</div>"
            )
            paragraphs = _french_paragraphs(html, {"file": case, "body": "#gold"})
            when = dt.datetime.fromisoformat(day).replace(hour=8, tzinfo=dt.timezone(dt.timedelta(hours=2)))
            out.append(Article(f"readability:{case}", "french", "fr", meta["title"], paragraphs, when))
    return out


# How many articles of each publisher the gold set takes.
QUOTA = {"jawhara": 44, "skynews": 16, "alarabiya": 16, "france24": 16, "bbc": 20, "cnn": 20, "ahram": 18,
         "english_ahram": 16}  # fmt: skip


@dataclass(frozen=True)
class ArticlePool:
    articles: list[Article]  # the articles the gold pages are about
    others: dict[str, list[Article]]  # more articles of each publisher, for "related" boxes


def load_articles() -> ArticlePool:
    """The gold set's real articles (empty when ../shared/corpus is absent)."""
    if not ANT.exists():
        return ArticlePool([], {})
    pools: dict[str, list[Article]] = {}
    for art in (
        _trec_articles(ANT, "ant") + _trec_articles(ANT_MS, "ant-multisource") + _news_credibility_articles()
    ):
        pools.setdefault(art.publisher, []).append(art)
    chosen: list[Article] = []
    for publisher, n in QUOTA.items():
        chosen += _pick(pools.get(publisher, []), n)
    others = {p: _pick(pool, 60 + QUOTA.get(p, 0))[QUOTA.get(p, 0) :] for p, pool in pools.items()}
    french = _french_articles()
    others["french"] = french
    return ArticlePool(chosen + french, others)
