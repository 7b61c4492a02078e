"""Real articles for the stories evaluation and benchmark, read in place from ../shared/corpus.

* ANT multi-source v2.1 (2018; SkyNews Arabia, AlArabiya, France24 Arabic, BBC Arabic, CNN Arabic):
  ``ant-multisource:<DOCNO>``, night = the UTC date of the RSS pubDate.
* news-credibility RSS subset (2013; BBC Arabic, CNN Arabic, Al-Ahram, English Ahram, FJP English):
  ``news-credibility:<path under src/python/data/rss/txt/>``, night = the crawl date in the path;
  exact copies (about 30 % of the files) are read once, the first in the tarball's order.

``corpus_documents`` gives DOCUMENT-schema tables per night (record_id = the ids above), which the
callers run through akhbar's own cleaning and enrichment, as a night of the pipeline would.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import re
import tarfile
from collections import defaultdict
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("AKHBAR_CORPUS", ROOT.parent / "shared" / "corpus"))
ANT_MS = CORPUS / "ant-multisource" / "antcorpus.multisource.data.tar.gz"
NEWS_CRED = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
PAIRS = ROOT / "bench" / "labels" / "story_pairs.jsonl"
_NC_PREFIX = "news-credibility/src/python/data/rss/txt/"
_NC_TIME = re.compile(r"/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)#")
_NC_LANG = {"englishAhram": "en", "englishFjp": "en"}
FETCHED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def require_corpus() -> str | None:
    """None when both tarballs are there, else the reason to skip."""
    missing = [str(p) for p in (ANT_MS, NEWS_CRED) if not p.exists()]
    return f"shared corpus not found: {', '.join(missing)}" if missing else None


def labelled_pairs() -> list[dict]:
    with PAIRS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _tag(doc: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", doc, re.DOTALL)
    return m.group(1).strip() if m else ""


def _ant_ms_records():
    with tarfile.open(ANT_MS) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            if "<DOC>" not in doc:
                continue
            published = email.utils.parsedate_to_datetime(_tag(doc, "TIME")).astimezone(dt.UTC)
            yield {
                "record_id": f"ant-multisource:{_tag(doc, 'DOCNO')}",
                "source_id": _tag(doc, "SRC").lower(),
                "url": _tag(doc, "URL") or None,
                "title": _tag(doc, "TITLE"),
                "text": _tag(doc, "TEXT"),
                "category_raw": _tag(doc, "CAT"),
                "published_at": published,
                "lang_hint": "ar",
            }


def _news_cred_records():
    seen: set[str] = set()
    with tarfile.open(NEWS_CRED) as tar:
        for member in tar:
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            raw = tar.extractfile(member).read().decode("utf-8", "replace")
            key = " ".join(raw.split())
            lines = [line.strip() for line in raw.split("\n") if line.strip()]
            if key in seen or not lines:
                continue
            seen.add(key)
            rel = member.name.split(_NC_PREFIX, 1)[1]
            source, category = rel.split("/")[:2]
            crawled = dt.datetime.fromisoformat(_NC_TIME.search(member.name).group(1)).replace(tzinfo=dt.UTC)
            yield {
                "record_id": f"news-credibility:{rel}",
                "source_id": source,
                "url": None,
                "title": lines[0],
                "text": "\n".join(lines[1:]),
                "category_raw": category,
                "published_at": crawled,
                "lang_hint": _NC_LANG.get(source, "ar"),
            }


def corpus_documents(nights: set[dt.date] | None = None) -> dict[dt.date, pa.Table]:
    """DOCUMENT tables by night (all nights when ``nights`` is None)."""
    from akhbar.schema import DOCUMENT

    by_night: dict[dt.date, list[dict]] = defaultdict(list)
    for reader in (_ant_ms_records, _news_cred_records):
        for rec in reader():
            night = rec["published_at"].date()
            if nights is not None and night not in nights:
                continue
            by_night[night].append(
                {
                    **rec,
                    "canonical_url": None,
                    "authors": None,
                    "published_raw": rec["published_at"].isoformat(),
                    "date_source": "feed",
                    "fetched_at": FETCHED,
                    "tz_hint": "UTC",
                }
            )
    return {night: pa.Table.from_pylist(rows, schema=DOCUMENT) for night, rows in sorted(by_night.items())}


def night_of_id(corpus_id: str) -> dt.date:
    """The night of a labelled article, from its id alone (ANT: the pubDate is not in the id, so the
    DOCNO's date is used; it is the pubDate's date in the source's time zone, within a day of UTC)."""
    if corpus_id.startswith("news-credibility:"):
        return dt.date.fromisoformat(_NC_TIME.search("/" + corpus_id.split(":", 1)[1]).group(1)[:10])
    ymd = corpus_id.rsplit("-", 1)[1]
    return dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
