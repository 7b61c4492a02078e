"""Evaluate akhbar.dedup on real news and print the figures quoted in its docstring.

    .venv/bin/python bench/eval_dedup.py            # exact, near, speed, index size
    .venv/bin/python bench/eval_dedup.py --sweep    # near-duplicate P/R for several parameter sets

* Exact duplicates: the news-credibility RSS subset (11,351 files, about 30 % exact copies), run
  night by night (night = crawl date in the file name) through one persistent index. Gold: two
  files are copies when their contents are identical after Unicode NFC, removal of zero-width and
  bidi marks and whitespace collapsing. Predicted: same cluster and same ``content_hash``.
* Near duplicates: ANT v1.1 articles and edited copies made by this script (the edits and the
  hard negatives are documented in bench/labels/near_dup_edits.md). Positive pairs: (original,
  edited copy); negative pairs: different articles of the same category and day, and pairs of
  different articles that carry the same long boilerplate block. Predicted: same cluster.
* Speed: deduplicate() on all ANT articles as one night (fresh index), then the edited copies as
  a second night against that index. Input preparation (normalisation, sha256) is not timed: it
  belongs to the cleaning stage.

The corpus is read in place from ../shared/corpus (relative to the project root).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import itertools
import pathlib
import random
import re
import sys
import tarfile
import tempfile
import time
import unicodedata

import pyarrow as pa

from akhbar.dedup import PARAMS, DedupParams, deduplicate
from akhbar.schema import ARTICLE

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
NEWS_CRED = CORPUS / "news-credibility" / "news-credibility-rss-subset.tar.gz"
ANT = CORPUS / "ant" / "ant-v1.1.tar.gz"
LABELS = ROOT / "bench" / "labels" / "near_dup_edits.md"

# ----------------------------------------------------------------------------------------------
# A search key with the contract of CLEANED_DOCUMENT.text_search (the cleaning stage owns the real
# one): no diacritics, folded alef / ya / ta marbuta, ASCII digits, lower case, punctuation -> space.
# ----------------------------------------------------------------------------------------------

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x660 + i): str(i) for i in range(10)},
        **{chr(0x6F0 + i): str(i) for i in range(10)},
    }
)
_NON_WORD = re.compile(r"[\W_]+")


def search_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c) or "\u0600" <= c <= "\u06ff")
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)).translate(_FOLD).lower()
    return " ".join(_NON_WORD.sub(" ", text).split())


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def gold_key(text: str) -> str:
    """What 'identical content' means for the exact-duplicate gold: layout-insensitive equality."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def article_table(records: list[dict]) -> pa.Table:
    """ARTICLE rows from dicts with article_id, source_id, text, dt and optionally title, url, published_at."""
    n = len(records)
    keys = [search_key(r["text"]) for r in records]
    cols = {
        "article_id": [r["article_id"] for r in records],
        "record_id": [r["article_id"] for r in records],
        "source_id": [r["source_id"] for r in records],
        "url": [r.get("url") for r in records],
        "canonical_url": [r.get("url") for r in records],
        "title": [r.get("title") for r in records],
        "text": [r["text"] for r in records],
        "text_search": keys,
        "lang": ["ar"] * n,
        "published_at": [r.get("published_at") for r in records],
        "fetched_at": [datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)] * n,
        "dt": [r["dt"] for r in records],
        "content_hash": [hashlib.sha256(k.encode()).hexdigest() for k in keys],
    }
    arrays = []
    for f in ARTICLE:
        arrays.append(pa.array(cols[f.name], f.type) if f.name in cols else pa.nulls(n, f.type))
    return pa.Table.from_arrays(arrays, schema=ARTICLE)


# ----------------------------------------------------------------------------------------------
# Corpora
# ----------------------------------------------------------------------------------------------


def require(path: pathlib.Path) -> None:
    if not path.exists():
        sys.exit(
            f"{path} is missing: the evaluation reads the shared corpus in place (see ../shared/corpus/README.md)"
        )


_NC_NAME = re.compile(r"txt/([^/]+)/.*?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)#([0-9a-f-]+)\.txt$")


def load_news_credibility() -> list[dict]:
    require(NEWS_CRED)
    out = []
    with tarfile.open(NEWS_CRED) as tar:
        for m in tar:
            mt = _NC_NAME.search(m.name) if m.isfile() else None
            if not mt:
                continue
            text = tar.extractfile(m).read().decode("utf-8", "replace")
            when = datetime.datetime.fromisoformat(f"{mt[2]}T{mt[3]}+00:00")
            out.append(
                {
                    "article_id": mt[4],
                    "source_id": mt[1],
                    "text": text,
                    "title": text.split("\n", 1)[0],
                    "dt": when.date(),
                    "published_at": when,
                    "path": m.name,
                }
            )
    return out


def _tag(doc: str, tag: str) -> str:
    m = re.search(f"<{tag}>(.*?)</{tag}>", doc, re.S)
    return m[1].strip() if m else ""


def _ant_day(time_field: str) -> str:
    m = re.match(r"(\d\d)/(\d\d)/(\d{4})", time_field)
    return f"{m[3]}-{m[2]}-{m[1]}" if m else time_field[:10]


def load_ant() -> list[dict]:
    require(ANT)
    out = []
    with tarfile.open(ANT) as tar:
        for m in tar:
            if not (m.isfile() and m.name.endswith(".txt")):
                continue
            raw = tar.extractfile(m).read().decode("utf-8", "replace")
            body = _tag(raw, "TEXT").replace("\r", "")
            out.append(
                {
                    "docno": _tag(raw, "DOCNO"),
                    "cat": _tag(raw, "CAT"),
                    "title": _tag(raw, "TITLE"),
                    "day": _ant_day(_tag(raw, "TIME")),
                    "url": _tag(raw, "URL"),
                    "body": body,
                }
            )
    out.sort(key=lambda d: d["docno"])
    return out


# ----------------------------------------------------------------------------------------------
# Edits (documented in bench/labels/near_dup_edits.md)
# ----------------------------------------------------------------------------------------------

BOILERPLATE_LINES = [
    "تابعوا آخر الأخبار على صفحتنا الرسمية في فيسبوك وعلى حسابنا في تويتر",
    "جميع الحقوق محفوظة لموقع الإذاعة ويمنع نقل المحتوى دون ذكر المصدر",
    "حمّلوا تطبيقنا المجاني على الهاتف لتصلكم الأخبار العاجلة أولا بأول",
]

BOILERPLATE_BLOCKS = [
    "تنبيه: هذا المحتوى محمي بموجب قوانين الملكية الفكرية، ولا يجوز نسخه أو إعادة نشره أو توزيعه "
    "كليا أو جزئيا بأي وسيلة كانت دون إذن كتابي مسبق من إدارة التحرير. الآراء الواردة في التعليقات "
    "تعبر عن أصحابها ولا تعكس بالضرورة موقف المؤسسة. للتواصل مع فريق التحرير أو لإرسال صوركم "
    "ومقاطع الفيديو الخاصة بكم يمكنكم مراسلتنا عبر البريد الإلكتروني أو عبر تطبيق المراسلة الفورية "
    "على الرقم المخصص لذلك، كما يمكنكم متابعة البث المباشر على مدار الساعة عبر موقعنا وتطبيقاتنا.",
    "اشتركوا في نشرتنا البريدية اليومية لتصلكم أهم العناوين كل صباح، وتابعوا برامجنا الحوارية "
    "والإخبارية على الموجات المعتادة وعلى البث الرقمي. نذكّر متابعينا الكرام بأن باب التعليقات مفتوح "
    "للنقاش البناء، وأن كل تعليق يتضمن شتما أو تحريضا أو إساءة سيحذف دون سابق إعلام. لمزيد من "
    "المعلومات حول سياسة الخصوصية وشروط الاستخدام يرجى زيارة الصفحة المخصصة لذلك في أسفل الموقع.",
    "Clause de non-responsabilité : les informations publiées sur ce site sont fournies à titre "
    "indicatif et peuvent être modifiées sans préavis. Toute reproduction, même partielle, des "
    "articles, photos et vidéos est interdite sans l'accord écrit de la rédaction. Pour nous "
    "signaler une erreur ou nous envoyer une information, écrivez-nous via le formulaire de contact.",
]

_SENT_SPLIT = re.compile(r"(?<=[.!?؟])\s+")


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def _sentences(body: str) -> list[str]:
    return [s for s in _SENT_SPLIT.split(" ".join(_paragraphs(body))) if s.strip()]


def edit_title(doc, rng, pool):
    other = rng.choice(pool)
    return other["title"], doc["body"]


def edit_sentence_added(doc, rng, pool):
    extra = rng.choice(_sentences(rng.choice(pool)["body"]) or ["وأضاف المصدر أن التحقيقات متواصلة."])
    paras = _paragraphs(doc["body"]) or [""]
    k = rng.randrange(len(paras) + 1)
    return doc["title"], "\n".join(paras[:k] + [extra] + paras[k:])


def edit_sentence_removed(doc, rng, pool):
    sents = _sentences(doc["body"])
    if len(sents) < 2:  # one sentence: drop its last clause instead
        words = doc["body"].split()
        return doc["title"], " ".join(words[: max(1, int(len(words) * 0.85))])
    k = rng.randrange(len(sents))
    return doc["title"], " ".join(sents[:k] + sents[k + 1 :])


def edit_paragraph_reordered(doc, rng, pool):
    paras = _paragraphs(doc["body"])
    if len(paras) >= 2:
        i, j = rng.sample(range(len(paras)), 2)
        paras[i], paras[j] = paras[j], paras[i]
        return doc["title"], "\n".join(paras)
    sents = _sentences(doc["body"])
    if len(sents) >= 2:
        k = rng.randrange(1, len(sents))
        return doc["title"], " ".join(sents[k:] + sents[:k])
    words = doc["body"].split()
    k = len(words) // 2
    return doc["title"], " ".join(words[k:] + words[:k])


_HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b"]
_PUNCT_SWAP = {"،": ",", ",": "،", ".": " .", ":": " :", "؟": "?", '"': "«", "«": '"', "»": '"'}


def edit_punct_diacritics(doc, rng, pool):
    out = []
    for ch in doc["body"]:
        if ch in _PUNCT_SWAP and rng.random() < 0.7:
            out.append(_PUNCT_SWAP[ch])
        elif "\u0621" <= ch <= "\u064a" and rng.random() < 0.15:
            out.append(ch + rng.choice(_HARAKAT))
        elif ch == "ا" and rng.random() < 0.1:
            out.append("أ")
        else:
            out.append(ch)
    return doc["title"] + " !", "".join(out)


def edit_words_substituted(doc, rng, pool, rate=None):
    rate = rate if rate is not None else rng.uniform(0.05, 0.15)
    words = doc["body"].split(" ")
    idx = [i for i, w in enumerate(words) if w.strip()]
    vocab = rng.choice(pool)["body"].split() or ["خبر"]
    for i in rng.sample(idx, max(1, round(rate * len(idx)))) if idx else []:
        words[i] = rng.choice(vocab)
    return doc["title"], " ".join(words)


def edit_boilerplate_line(doc, rng, pool):
    return doc["title"], doc["body"] + "\n" + rng.choice(BOILERPLATE_LINES)


def edit_truncated(doc, rng, pool):
    paras = _paragraphs(doc["body"])
    words = paras[-1].split() if paras else []
    cut = " ".join(words[: len(words) // 2])
    total = sum(len(p.split()) for p in paras)
    if len(paras) >= 2 and len(words) <= 0.4 * total:
        return doc["title"], "\n".join(paras[:-1] + ([cut] if cut else []))
    allw = doc["body"].split()  # the last paragraph is most of the article: cut its last fifth
    return doc["title"], " ".join(allw[: max(1, int(len(allw) * 0.8))])


def edit_republished(doc, rng, pool):
    """Another outlet: new title, 5 % of the words changed, its own boilerplate line."""
    title, _ = edit_title(doc, rng, pool)
    _, body = edit_words_substituted(doc, rng, pool, rate=0.05)
    return title, body + "\n" + rng.choice(BOILERPLATE_LINES)


EDITS = {
    "title_changed": edit_title,
    "sentence_added": edit_sentence_added,
    "sentence_removed": edit_sentence_removed,
    "paragraph_reordered": edit_paragraph_reordered,
    "punct_diacritics": edit_punct_diacritics,
    "words_substituted_5_15": edit_words_substituted,
    "boilerplate_line": edit_boilerplate_line,
    "last_paragraph_truncated": edit_truncated,
    "republished_combo": edit_republished,
}


def ant_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def read_real_pairs() -> list[tuple[str, str]]:
    """ANT pairs listed in the labels file as the same story (excluded from the negatives)."""
    pairs = []
    for line in LABELS.read_text().splitlines():
        m = re.match(r"\|\s*(JA-\S+)\s*\|\s*(JA-\S+)\s*\|", line)
        if m:
            pairs.append((m[1], m[2]))
    return pairs


def shingle_set(text: str, n: int = 2) -> set:
    w = search_key(text).split()
    return set(zip(*(w[i:] for i in range(n))))


def build_near_set(docs: list[dict], n_positive: int, n_boiler: int, seed: int = 7):
    """Originals (night A), edited copies (half night A, half night B), boilerplate pairs (night B)."""
    rng = random.Random(seed)
    by_cat = collections.defaultdict(list)
    for d in docs:
        by_cat[d["cat"]].append(d)
    eligible = [d for d in docs if len(search_key(d["body"]).split()) >= 30]
    sample = rng.sample(eligible, n_positive)
    night_a, night_b = datetime.date(2017, 7, 1), datetime.date(2017, 7, 2)
    records, positives = [], []
    for d in docs:
        records.append(
            {
                "article_id": d["docno"],
                "source_id": "jawhara",
                "title": d["title"],
                "url": d["url"],
                "text": ant_text(d["title"], d["body"]),
                "dt": night_a,
                "cat": d["cat"],
                "day": d["day"],
            }
        )
    edits = list(EDITS)
    for i, d in enumerate(sample):
        name = edits[i % len(edits)]
        title, body = EDITS[name](d, rng, by_cat[d["cat"]])
        copy_id = f"{d['docno']}~{name}"
        records.append(
            {
                "article_id": copy_id,
                "source_id": "other-outlet",
                "title": title,
                "url": None,
                "text": ant_text(title, body),
                "dt": night_a if i % 2 == 0 else night_b,
                "edit": name,
            }
        )
        positives.append((d["docno"], copy_id, name, len(search_key(d["body"]).split())))
    # Negatives 1: different articles of the same category and day (all pairs).
    real = {frozenset(p) for p in read_real_pairs()}
    exact = collections.defaultdict(list)
    for d in docs:
        exact[search_key(ant_text(d["title"], d["body"]))].append(d["docno"])
    same_text = {frozenset(p) for g in exact.values() for p in itertools.combinations(g, 2)}
    groups = collections.defaultdict(list)
    for d in docs:
        groups[(d["cat"], d["day"])].append(d["docno"])
    negatives = []
    for g in groups.values():
        for a, b in itertools.combinations(g, 2):
            key = frozenset((a, b))
            if key in same_text:
                continue
            negatives.append((a, b, "real_same_story" if key in real else "same_category_day"))
    # Negatives 2: two different articles of the same category and day carrying one boilerplate block.
    cands = [g for g in groups.values() if len(g) >= 2]
    docs_by_id = {d["docno"]: d for d in docs}
    for k in range(n_boiler):
        a, b = rng.sample(rng.choice(cands), 2)
        if frozenset((a, b)) in real or frozenset((a, b)) in same_text:
            continue
        block = BOILERPLATE_BLOCKS[k % len(BOILERPLATE_BLOCKS)]
        ids = []
        for x in (a, b):
            d = docs_by_id[x]
            ids.append(f"{x}+bp{k}")
            records.append(
                {
                    "article_id": ids[-1],
                    "source_id": "boiler",
                    "title": d["title"],
                    "url": None,
                    "text": ant_text(d["title"], d["body"] + "\n" + block),
                    "dt": night_b,
                }
            )
        negatives.append((ids[0], ids[1], "shared_boilerplate"))
    return records, positives, negatives


# ----------------------------------------------------------------------------------------------
# Evaluations
# ----------------------------------------------------------------------------------------------


def run_nights(records: list[dict], index_dir: pathlib.Path, params: DedupParams = PARAMS, reverse=False):
    """Process records night by night; returns ({article_id: cluster_id}, {article_id: row dict}, seconds)."""
    nights = collections.defaultdict(list)
    for r in records:
        nights[r["dt"]].append(r)
    tables = {d: article_table(rs) for d, rs in nights.items()}
    cluster, rows, seconds = {}, {}, 0.0
    for d in sorted(tables, reverse=reverse):
        t0 = time.perf_counter()
        res = deduplicate(tables[d], index_dir=index_dir, dt=d, params=params)
        seconds += time.perf_counter() - t0
        for r in res.articles.select(
            ["article_id", "cluster_id", "duplicate_kind", "content_hash"]
        ).to_pylist():
            cluster[r["article_id"]] = r["cluster_id"]
            rows[r["article_id"]] = r
        for r in res.demoted.to_pylist():
            cluster[r["article_id"]] = r["duplicate_of"]
    # Re-point every article at its final head (demotions may have moved heads after it was written).
    for _ in range(3):
        cluster = {a: cluster.get(c, c) for a, c in cluster.items()}
    return cluster, rows, seconds


def pair_counts(labels_a: dict, labels_b: dict) -> tuple[int, int, int]:
    """Pairs together in a, in b, and in both (clusterings given as item -> label)."""

    def together(lab):
        return sum(c * (c - 1) // 2 for c in collections.Counter(lab.values()).values())

    both = collections.Counter((labels_a[k], labels_b[k]) for k in labels_a)
    return together(labels_a), together(labels_b), sum(c * (c - 1) // 2 for c in both.values())


def eval_exact(params: DedupParams = PARAMS) -> None:
    recs = load_news_credibility()
    gold = {r["article_id"]: hashlib.sha256(gold_key(r["text"]).encode()).hexdigest() for r in recs}
    with tempfile.TemporaryDirectory() as tmp:
        cluster, rows, seconds = run_nights(recs, pathlib.Path(tmp) / "dedup", params)
    pred = {a: (cluster[a], rows[a]["content_hash"]) for a in gold}
    n_gold, n_pred, n_both = pair_counts(gold, pred)
    p = n_both / n_pred if n_pred else 1.0
    r = n_both / n_gold if n_gold else 1.0
    seen, gold_dup = set(), set()
    for rec in sorted(recs, key=lambda r: (r["dt"], r["published_at"], r["article_id"])):
        g = gold[rec["article_id"]]
        if g in seen:
            gold_dup.add(rec["article_id"])
        seen.add(g)
    seen, pred_dup = set(), set()  # predicted: an earlier article of its cluster has the same content_hash
    for rec in sorted(recs, key=lambda r: (r["dt"], r["published_at"], r["article_id"])):
        k = pred[rec["article_id"]]
        if k in seen:
            pred_dup.add(rec["article_id"])
        seen.add(k)
    kinds = collections.Counter(row["duplicate_kind"] for row in rows.values())
    print(
        f"[exact] news-credibility: {len(recs)} files, {len(set(gold.values()))} distinct contents, "
        f"{len({r['dt'] for r in recs})} nights"
    )
    print(
        f"[exact] pairs: gold {n_gold}, predicted {n_pred}, both {n_both} -> precision {p:.4f} recall {r:.4f}"
    )
    tp = len(pred_dup & gold_dup)
    print(
        f"[exact] per article (is an exact copy of an earlier one): gold {len(gold_dup)}, predicted "
        f"{len(pred_dup)}, precision {tp / max(1, len(pred_dup)):.4f} recall {tp / max(1, len(gold_dup)):.4f}"
    )
    print(f"[exact] kinds: {dict(kinds)}; dedup time {seconds:.2f} s ({len(recs) / seconds:.0f} articles/s)")


def eval_near(params: DedupParams = PARAMS, n_positive: int = 1800, n_boiler: int = 600, quiet=False):
    docs = load_ant()
    records, positives, negatives = build_near_set(docs, n_positive, n_boiler)
    with tempfile.TemporaryDirectory() as tmp:
        cluster, rows, seconds = run_nights(records, pathlib.Path(tmp) / "dedup", params)
    tp = sum(cluster[a] == cluster[b] for a, b, *_ in positives)
    by_edit = collections.defaultdict(lambda: [0, 0])
    for a, b, name, _ in positives:
        by_edit[name][0] += cluster[a] == cluster[b]
        by_edit[name][1] += 1
    fp_by = collections.Counter()
    n_by = collections.Counter()
    for a, b, kind in negatives:
        n_by[kind] += 1
        fp_by[kind] += cluster[a] == cluster[b]
    fp = fp_by["same_category_day"] + fp_by["shared_boilerplate"]
    precision = tp / max(1, tp + fp)
    recall = tp / len(positives)
    if quiet:
        return precision, recall, fp_by
    print(
        f"[near] ANT: {len(docs)} originals + {len(positives)} edited copies + "
        f"{2 * n_by['shared_boilerplate']} boilerplate articles over 2 nights; params {params}"
    )
    print(
        f"[near] positives {len(positives)}: recall {recall:.4f}; negatives "
        f"{n_by['same_category_day']} same category/day + {n_by['shared_boilerplate']} shared boilerplate: "
        f"false positives {fp_by['same_category_day']} + {fp_by['shared_boilerplate']} -> precision {precision:.4f}"
    )
    for name, (hit, tot) in sorted(by_edit.items()):
        print(f"[near]   {name:26s} {hit}/{tot} = {hit / tot:.3f}")
    short = [(a, b) for a, b, _, n in positives if n < 60]
    print(
        f"[near]   originals under 60 words: {sum(cluster[a] == cluster[b] for a, b in short)}/{len(short)}"
    )
    strict_fp = fp + fp_by["real_same_story"]
    print(
        f"[near] ANT's own same-story pairs (labelled, excluded above): {fp_by['real_same_story']}/"
        f"{n_by['real_same_story']} joined; counting them as negatives would give precision "
        f"{tp / max(1, tp + strict_fp):.4f}"
    )
    return precision, recall, fp_by


def bench_speed(params: DedupParams = PARAMS) -> None:
    docs = load_ant()
    night_a, night_b = datetime.date(2017, 7, 1), datetime.date(2017, 7, 2)
    t_a = article_table(
        [
            {
                "article_id": d["docno"],
                "source_id": "jawhara",
                "title": d["title"],
                "url": d["url"],
                "text": ant_text(d["title"], d["body"]),
                "dt": night_a,
            }
            for d in docs
        ]
    )
    records, _, _ = build_near_set(docs, 1800, 0)
    t_b = article_table([r for r in records if r["dt"] == night_b])
    with tempfile.TemporaryDirectory() as tmp:
        index = pathlib.Path(tmp) / "dedup"
        runs = []
        for label, table, dt in (
            ("night 1, fresh index", t_a, night_a),
            ("night 1 again (rerun)", t_a, night_a),
            ("night 2 against night 1", t_b, night_b),
        ):
            t0 = time.perf_counter()
            res = deduplicate(table, index_dir=index, dt=dt, params=params)
            s = time.perf_counter() - t0
            runs.append(s)
            print(
                f"[speed] {label}: {table.num_rows} articles in {s:.3f} s = {table.num_rows / s:,.0f} articles/s "
                f"= {s / table.num_rows * 1e6:.0f} us/article; duplicates {res.counts.duplicates} "
                f"{res.counts.extra['by_kind']}, cross-night {res.counts.extra['cross_night']}"
            )
        size = sum(p.stat().st_size for p in index.glob("*.parquet"))
        print(
            f"[speed] index on disk: {size / 1e6:.2f} MB for {t_a.num_rows + t_b.num_rows} articles "
            f"({size / (t_a.num_rows + t_b.num_rows):.0f} bytes/article)"
        )


def sweep() -> None:
    grid = [
        DedupParams(shingle_words=2, num_perm=128, bands=32, rows=4, threshold=0.45),
        DedupParams(shingle_words=2, num_perm=128, bands=32, rows=4, threshold=0.5),
        DedupParams(shingle_words=2, num_perm=128, bands=32, rows=4, threshold=0.4),
        DedupParams(shingle_words=3, num_perm=128, bands=32, rows=4, threshold=0.4),
        DedupParams(shingle_words=2, num_perm=256, bands=64, rows=4, threshold=0.45),
        DedupParams(shingle_words=2, num_perm=128, bands=16, rows=8, threshold=0.45),
    ]
    for p in grid:
        prec, rec, fp_by = eval_near(p, quiet=True)
        print(
            f"[sweep] n={p.shingle_words} perm={p.num_perm} {p.bands}x{p.rows} t={p.threshold}: "
            f"precision {prec:.4f} recall {rec:.4f} fp {dict(fp_by)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", action="store_true", help="near-duplicate P/R over a parameter grid")
    ap.add_argument("--only", choices=["exact", "near", "speed"])
    args = ap.parse_args()
    if args.sweep:
        sweep()
        return
    if args.only in (None, "exact"):
        eval_exact()
    if args.only in (None, "near"):
        eval_near()
    if args.only in (None, "speed"):
        bench_speed()


if __name__ == "__main__":
    main()
