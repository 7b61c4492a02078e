"""A small night of real news for the sharding tests: one JSONL dump source, two nights, built at test
time from ../shared/corpus (ANT articles in Arabic, real French and English web pages as HTML rows).

Night 2 holds 51 records, so that shard sizes of 51, 17 and 3 cut it into 1, 3 and 17 shards. It has
what the night-wide steps must get right whatever the cut: exact and edited copies within the night
and of night 1, a footer repeated on a dozen articles (the source's boilerplate), HTML pages among
plain texts, broken lines and rows without text.
"""

from __future__ import annotations

import json
import random
import re
import tarfile
from pathlib import Path

NIGHT_1, NIGHT_2 = "2026-11-27", "2026-11-28"
NIGHT_2_RECORDS = 51
FOOTER = (
    "تابعونا على صفحتنا الرسمية في فيسبوك وتويتر للاطلاع على آخر الأخبار الوطنية والدولية "
    "وجميع الحقوق محفوظة للإذاعة ولا يسمح بإعادة النشر دون ذكر المصدر"
)
HTML_PAGES = (
    "lapresse.tn.parite.html",
    "bbc.com.52241221.html",
    "dw.com-elephants.html",
    "francais.radio.cz-ministre.html",
    "assabah.com.tn.article.html",
    "cbsnews.com.carolina.html",
)
REGISTRY = """version: 1
defaults: {{window_days: 0, shard_records: {shard_records}}}
sources:
  - id: wire
    kind: jsonl
    path: {dumps}
    name: A wire of real articles
    country: TN
    lang: ar
    timezone: Africa/Tunis
    mapping: {{id: doc_id, url: link, title: headline, text: content, html: page, published: pub_date}}
"""


def ant_texts(corpus: Path, n: int) -> list[tuple[str, str]]:
    """(title, text) of the first ``n`` ANT articles of at least 80 words, in the tarball's order."""
    out = []
    with tarfile.open(corpus / "ant" / "ant-v1.1.tar.gz") as tar:
        for member in tar:
            if len(out) >= n:
                break
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            doc = tar.extractfile(member).read().decode("utf-8", "replace")
            text, title = (
                re.search(r"<TEXT>(.*?)</TEXT>", doc, re.DOTALL),
                re.search(r"<TITLE>(.*?)</TITLE>", doc, re.DOTALL),
            )
            if text and len(text[1].split()) >= 80:
                out.append(((title[1].strip() if title else ""), text[1].strip()))
    return out


def edited(text: str, seed: int) -> str:
    """A republished copy: about 8 % of the words replaced and the last sentence dropped."""
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), max(1, len(words) // 12)):
        words[i] = "خاص" + str(rng.randrange(1000))
    cut = " ".join(words)
    return cut[: cut.rfind(".")] if cut.count(".") > 2 else cut


def _row(i: int, night: str, title: str, text: str | None = None, page: str | None = None) -> str:
    row = {
        "doc_id": f"{night}-{i}",
        "link": f"https://wire.example.tn/{night}/{i}",
        "headline": title,
        "pub_date": f"{night}T{6 + i % 16:02d}:{(7 * i) % 60:02d}:00+01:00",
    }
    if text is not None:
        row["content"] = text
    if page is not None:
        row["page"] = page
    return json.dumps(row, ensure_ascii=False)


def _night_2(texts: list[tuple[str, str]], first: list[tuple[str, str]], corpus: Path) -> list[str]:
    fresh = texts[:22]
    lines = []
    for i, (title, text) in enumerate(fresh):
        lines.append(_row(i, NIGHT_2, title, f"{text}\n{FOOTER}" if i < 12 else text))
    lines += [_row(30 + k, NIGHT_2, first[k][0], first[k][1]) for k in range(4)]  # copies of night 1
    lines += [_row(40 + k, NIGHT_2, "نسخة", edited(first[4 + k][1], k)) for k in range(3)]
    lines += [_row(50 + k, NIGHT_2, fresh[12 + k][0], edited(fresh[12 + k][1], 10 + k)) for k in range(4)]
    lines += [
        _row(60 + k, NIGHT_2, fresh[16 + k][0], fresh[16 + k][1]) for k in range(3)
    ]  # exact, same night
    eval_dir = corpus / "html" / "trafilatura" / "eval"
    lines += [
        _row(70 + k, NIGHT_2, name, page=(eval_dir / name).read_text(encoding="utf-8", errors="replace"))
        for k, name in enumerate(HTML_PAGES)
    ]
    lines += ['{"doc_id": "broken-1", "content": ', '{"doc_id": "broken-2"', "not json at all"]
    lines += [_row(80, NIGHT_2, "بلا نص"), _row(81, NIGHT_2, "no text either")]
    extra = texts[22:]
    while len(lines) < NIGHT_2_RECORDS:
        k = len(lines)
        lines.append(_row(90 + k, NIGHT_2, *extra[k % len(extra)]))
    rng = random.Random(2026)
    rng.shuffle(lines)  # copies before and after their originals, broken lines anywhere
    return lines[:NIGHT_2_RECORDS]


def build(folder: Path, corpus: Path) -> Path:
    """The two nights' dump files under ``folder/dumps``; returns that folder."""
    texts = ant_texts(corpus, 60)
    first, second = texts[:16], texts[16:]
    dumps = folder / "dumps"
    dumps.mkdir(parents=True, exist_ok=True)
    (dumps / f"{NIGHT_1}.jsonl").write_text(
        "\n".join(_row(i, NIGHT_1, t, x) for i, (t, x) in enumerate(first)) + "\n", encoding="utf-8"
    )
    lines = _night_2(second, first, corpus)
    assert len(lines) == NIGHT_2_RECORDS
    (dumps / f"{NIGHT_2}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dumps


def registry(folder: Path, dumps: Path, shard_records: int) -> Path:
    path = folder / f"sources-{shard_records}.yaml"
    path.write_text(REGISTRY.format(shard_records=shard_records, dumps=dumps), encoding="utf-8")
    return path
