"""Keywords: the top TF-IDF terms of each article against the corpus.

Terms are the tokens of the search key (``text_search``: folded, lower case,
punctuation turned into spaces), so the stop word lists are folded the same way at
load time with :func:`akhbar.cleaning.search_key`. Document frequencies live in a
:class:`DocFreq`, saved as an Arrow table (``term string, df int64``, metadata
``n_docs``) so the warehouse keeps them from night to night.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar.enrichment.protocol import Batch, Enricher, Enrichment

DOCFREQ_SCHEMA = pa.schema(
    [pa.field("term", pa.string(), nullable=False), pa.field("df", pa.int64(), nullable=False)]
)
MIN_LEN = 2
TOP_K = 10


def _fold_key(text: str) -> str:
    from akhbar.cleaning import search_key

    return search_key(text)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """All stop words (ar, fr, en together: the lists do not collide in meaning), search-key folded."""
    words: set[str] = set()
    for lang in ("ar", "fr", "en"):
        text = resources.files("akhbar").joinpath(f"data/stopwords_{lang}.txt").read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            words.update(_fold_key(line).split())
    return frozenset(words)


def terms(text_search: str | None) -> list[str]:
    """Content terms of a search key: no stop words, no numbers, no one-letter tokens."""
    if not text_search:
        return []
    stop = stopwords()
    return [t for t in text_search.split() if len(t) >= MIN_LEN and t not in stop and not t.isdigit()]


class DocFreq:
    """Document frequency of each term over ``n_docs`` documents."""

    def __init__(self, df: dict[str, int] | None = None, n_docs: int = 0):
        self.df: dict[str, int] = df if df is not None else {}
        self.n_docs = n_docs

    def __len__(self) -> int:
        return len(self.df)

    def get(self, term: str) -> int:
        return self.df.get(term, 0)

    def update(self, texts: Iterable[str | None] | pa.Array | pa.ChunkedArray) -> DocFreq:
        """Add documents (search keys). Returns self.

        An Arrow string column, or a list of strings, is counted per batch (tokens split and
        dictionary-encoded in Arrow, each distinct token filtered once: about twice as fast);
        any other iterable text by text. Both count the same terms as ``set(terms(text))`` for
        every text.
        """
        if isinstance(texts, (list, tuple)):
            try:
                texts = pa.array(texts, pa.large_string())
            except (pa.ArrowException, UnicodeError, TypeError):  # e.g. lone surrogates: text by text
                pass
        if isinstance(texts, (pa.Array, pa.ChunkedArray)):
            return self._update_arrow(texts)
        df = self.df
        stop = stopwords()
        for text in texts:
            self.n_docs += 1
            if not text:
                continue
            # The same terms as set(terms(text)), filtered once per distinct token (set
            # difference in C first): this runs over every document of the night.
            for t in set(text.split()) - stop:
                if len(t) >= MIN_LEN and not t.isdigit():
                    df[t] = df.get(t, 0) + 1
        return self

    def _update_arrow(self, texts: pa.Array | pa.ChunkedArray) -> DocFreq:
        tok = _tokens(texts)
        self.n_docs += tok.n_docs
        if not len(tok.codes):
            return self
        keep = _content_mask(tok.vocab)[tok.codes]
        n_vocab = len(tok.vocab)
        # One (document, term) pair per document holding the term.
        _doc, codes, _count = _doc_term_counts(tok, keep, np.arange(n_vocab))
        per_code = np.bincount(codes, minlength=n_vocab)
        present = np.flatnonzero(per_code)
        df = self.df
        get = df.get
        vocab = tok.vocab
        for code, count in zip(present.tolist(), per_code[present].tolist()):
            t = vocab[code]
            df[t] = get(t, 0) + count
        return self

    @classmethod
    def from_texts(cls, texts: Iterable[str | None], langs=None) -> DocFreq:
        return cls().update(texts)

    def merged(self, other: DocFreq) -> DocFreq:
        """A new DocFreq holding both (self and other unchanged)."""
        big, small = (self, other) if len(self.df) >= len(other.df) else (other, self)
        df = dict(big.df)
        for t, n in small.df.items():
            df[t] = df.get(t, 0) + n
        return DocFreq(df, self.n_docs + other.n_docs)

    def prune(self, min_df: int = 2) -> DocFreq:
        """Drop rare terms (keeps the table small; a pruned term counts as df=0)."""
        return DocFreq({t: n for t, n in self.df.items() if n >= min_df}, self.n_docs)

    def idf(self, term: str, extra_df: int = 0) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0) + extra_df)) + 1.0

    # --- Arrow ---------------------------------------------------------
    def to_table(self) -> pa.Table:
        table = pa.table(
            {
                "term": pa.array(list(self.df.keys()), pa.string()),
                "df": pa.array(list(self.df.values()), pa.int64()),
            },
            schema=DOCFREQ_SCHEMA,
        )
        return table.replace_schema_metadata({"n_docs": str(self.n_docs)})

    @classmethod
    def from_table(cls, table: pa.Table) -> DocFreq:
        meta = table.schema.metadata or {}
        n_docs = int(meta.get(b"n_docs", b"0"))
        return cls(dict(zip(table.column("term").to_pylist(), table.column("df").to_pylist())), n_docs)

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(self.to_table(), tmp)
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> DocFreq:
        return cls.from_table(pq.read_table(path))

    @classmethod
    def load_nights(cls, directory: str | Path, *, before: _dt.date | None = None) -> DocFreq:
        """Sum of the nightly files ``dt=YYYY-MM-DD.parquet`` in ``directory`` strictly before ``before``."""
        out = cls()
        directory = Path(directory)
        if not directory.is_dir():
            return out
        for path in sorted(directory.glob("dt=*.parquet")):
            try:
                night = _dt.date.fromisoformat(path.stem[3:])
            except ValueError:
                continue
            if before is not None and night >= before:
                continue
            out = out.merged(cls.load(path))
        return out


def top_keywords(text_search: str | None, doc_freq: DocFreq, k: int = TOP_K) -> list[tuple[str, float]]:
    """The ``k`` terms with the highest tf * idf (tf normalised by the document's term count)."""
    if not text_search:
        return []
    # Same as Counter(terms(text_search)): count every token in C, then filter the distinct
    # tokens only (about half as many as tokens).
    stop = stopwords()
    counts = [
        (t, c)
        for t, c in Counter(text_search.split()).items()
        if len(t) >= MIN_LEN and t not in stop and not t.isdigit()
    ]
    if not counts:
        return []
    n = sum(c for _t, c in counts)
    get = doc_freq.df.get
    logn = math.log(1 + doc_freq.n_docs)
    # (-score, term) tuples sort without a key function; terms are distinct, so the order is
    # the documented one (highest score first, ties by term).
    ranked = sorted((-(c / n * (logn - math.log(1 + get(t, 0)) + 1.0)), t) for t, c in counts)
    return [(t, -neg) for neg, t in ranked[:k]]


# --------------------------------------------------------------------------- batches
@dataclass
class _Tokens:
    """The whitespace tokens of a batch of texts, dictionary-encoded."""

    n_docs: int
    doc: np.ndarray  # int64, the text of every token (non-decreasing)
    codes: np.ndarray  # int64, the vocabulary entry of every token
    vocab: list[str]  # distinct tokens, in order of first occurrence (may hold "")
    vocab_arrow: pa.Array


def _as_arrow(texts) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks() if texts.num_chunks != 1 else texts.chunk(0)
    elif not isinstance(texts, pa.Array):
        texts = pa.array(list(texts), pa.large_string())
    if not pa.types.is_large_string(texts.type):
        texts = texts.cast(pa.large_string())  # no 2 GiB offset limit on the token array
    return texts.fill_null("") if texts.null_count else texts


def _encode(words: pa.Array, n_docs: int) -> _Tokens:
    flat = words.flatten()
    if len(flat) == 0:
        empty = np.zeros(0, np.int64)
        return _Tokens(n_docs, empty, empty, [], pa.array([], pa.large_string()))
    doc = np.asarray(pc.list_parent_indices(words), dtype=np.int64)
    enc = pc.dictionary_encode(flat)
    vocab_arrow = enc.dictionary
    return _Tokens(n_docs, doc, np.asarray(enc.indices, dtype=np.int64), vocab_arrow.to_pylist(), vocab_arrow)


def _tokens(texts) -> _Tokens:
    """The tokens of ``str.split()`` of every text at once, as codes into a vocabulary.

    Search keys separate their words with single spaces, so the batch is split on " " (twice as
    fast as a Unicode whitespace split); empty tokens that double, leading or trailing spaces
    leave are harmless to callers (they are never terms). If a distinct token still holds any
    whitespace the batch is split again on Unicode whitespace, which in Arrow is Python's
    ``str.isspace`` set.
    """
    texts = _as_arrow(texts)
    tok = _encode(pc.split_pattern(texts, " "), len(texts))
    joined = "\x00".join(tok.vocab)
    if joined and joined.split() != [joined]:
        tok = _encode(pc.utf8_split_whitespace(texts), len(texts))
    return tok


def _content_mask(vocab: list[str]) -> np.ndarray:
    """Per distinct token: is it a content term (see :func:`terms`)? The empty token is not."""
    stop = stopwords()
    return np.fromiter(
        (len(t) >= MIN_LEN and t not in stop and not t.isdigit() for t in vocab), dtype=bool, count=len(vocab)
    )


def _runs(sorted_keys: np.ndarray) -> np.ndarray:
    """Start of every run of equal values in a sorted array."""
    if len(sorted_keys) == 0:
        return np.zeros(0, np.int64)
    change = np.empty(len(sorted_keys), bool)
    change[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=change[1:])
    return np.flatnonzero(change)


def _doc_term_counts(tok: _Tokens, keep: np.ndarray, code_key: np.ndarray):
    """Distinct (text, term) pairs of the kept tokens, sorted by (text, code_key), with counts.

    ``code_key`` maps a vocabulary code to its sort key (a permutation of the codes). Tokens
    come grouped by text, so a stable sort of ``text * V + key`` is mostly merging short runs.
    """
    n_vocab = len(tok.vocab)
    keys = tok.doc[keep] * n_vocab + code_key[tok.codes[keep]]
    keys.sort(kind="stable")
    starts = _runs(keys)
    counts = np.diff(np.append(starts, len(keys)))
    pair = keys[starts]
    return pair // n_vocab, pair % n_vocab, counts


def _log1p_exact(values: np.ndarray) -> np.ndarray:
    """``math.log(1 + v)`` for integer values, computed by :mod:`math` once per distinct value
    (numpy's vectorised log may differ from the C library's in the last bit)."""
    if len(values) == 0:
        return np.zeros(0, np.float64)
    uniq, inv = np.unique(values, return_inverse=True)
    logs = np.array([math.log(1 + v) for v in uniq.tolist()], np.float64)
    return logs[inv]


@dataclass
class KeywordRows:
    """Top keywords of a batch, one row per (text, keyword), by text then rank."""

    doc: np.ndarray  # int64 position of the text in the batch
    keyword: pa.Array  # string
    score: np.ndarray  # float64
    rank: np.ndarray  # int32, 1-based

    def per_text(self, n_docs: int) -> list[list[tuple[str, float]]]:
        """The same lists as ``top_keywords`` for each text (for checks and small callers)."""
        out: list[list[tuple[str, float]]] = [[] for _ in range(n_docs)]
        for d, t, s in zip(self.doc.tolist(), self.keyword.to_pylist(), self.score.tolist()):
            out[d].append((t, s))
        return out


def _empty_rows() -> KeywordRows:
    return KeywordRows(
        np.zeros(0, np.int64), pa.array([], pa.string()), np.zeros(0, np.float64), np.zeros(0, np.int32)
    )


def top_keywords_batch(texts, doc_freq: DocFreq, k: int = TOP_K) -> KeywordRows:
    """:func:`top_keywords` of every text of a batch (Arrow string array or list), vectorised.

    The result equals ``top_keywords(text, doc_freq, k)`` for every text: the same terms in the
    same order and the same float scores, bit for bit. Tokens are split and dictionary-encoded
    in Arrow, each distinct token is filtered and looked up in ``doc_freq`` once, and tf * idf
    is evaluated with the scalar version's operations in its order (``c / n * ((log(1 + n_docs)
    - log(1 + df)) + 1.0)``, logarithms from :mod:`math`), so equal scores stay equal. The
    ranking is a sort by (text, -score, term): terms compare as Python strings do (Arrow sorts
    UTF-8 bytes, which is code point order).
    """
    if k <= 0:
        return _empty_rows()
    tok = _tokens(texts)
    if not len(tok.codes):
        return _empty_rows()
    vocab = tok.vocab
    n_vocab = len(vocab)
    keep_v = _content_mask(vocab)
    keep = keep_v[tok.codes]
    if not keep.any():
        return _empty_rows()
    kept_codes = np.flatnonzero(keep_v)
    get = doc_freq.df.get
    df = np.fromiter((get(vocab[c], 0) for c in kept_codes.tolist()), np.int64, len(kept_codes))
    idf = np.zeros(n_vocab, np.float64)
    idf[kept_codes] = (math.log(1 + doc_freq.n_docs) - _log1p_exact(df)) + 1.0
    # Vocabulary codes <-> term order.
    term_order = np.asarray(pc.array_sort_indices(tok.vocab_arrow), dtype=np.int64)
    term_rank = np.empty(n_vocab, np.int64)
    term_rank[term_order] = np.arange(n_vocab)

    p_doc, p_rank, count = _doc_term_counts(tok, keep, term_rank)
    p_code = term_order[p_rank]
    n_terms = np.bincount(tok.doc[keep], minlength=tok.n_docs)  # content tokens per text
    score = count / n_terms[p_doc] * idf[p_code]
    # Pairs are in (text, term) order: stable sorts by -score, then by text, give
    # (text, -score, term).
    by_score = np.argsort(-score, kind="stable")
    doc_key = p_doc[by_score].astype(np.uint16 if tok.n_docs <= 1 << 16 else np.int64)
    ranked = by_score[np.argsort(doc_key, kind="stable")]
    r_doc = p_doc[ranked]
    starts = _runs(r_doc)
    rank = np.arange(len(r_doc)) - np.repeat(starts, np.diff(np.append(starts, len(r_doc))))
    top = rank < k
    sel = ranked[top]
    return KeywordRows(
        doc=r_doc[top],
        keyword=tok.vocab_arrow.take(pa.array(p_code[sel])).cast(pa.string()),
        score=score[sel],
        rank=(rank[top] + 1).astype(np.int32),
    )


def _enrich(batch: Batch) -> Enrichment:
    """The top keywords of each text by tf-idf against the night's document frequencies."""
    kw = top_keywords_batch(batch.cleaned.column("text_search"), batch.doc_freq)
    ids = pa.array(batch.article_ids, pa.string()).take(pa.array(kw.doc, pa.int64()))
    return Enrichment(
        children={
            "article_keywords": {
                "article_id": ids,
                "keyword": kw.keyword,
                "score": pa.array(kw.score, pa.float32()),
                "rank": pa.array(kw.rank, pa.int16()),
            }
        },
        figures={"keyword_rows": len(kw.doc)},
    )


ENRICHER = Enricher("keywords", order=60, run=_enrich)
