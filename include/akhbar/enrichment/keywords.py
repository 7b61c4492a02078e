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
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

DOCFREQ_SCHEMA = pa.schema([pa.field("term", pa.string(), nullable=False), pa.field("df", pa.int64(), nullable=False)])
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

    def update(self, texts: Iterable[str | None]) -> "DocFreq":
        """Add documents (search keys). Returns self."""
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

    @classmethod
    def from_texts(cls, texts: Iterable[str | None], langs=None) -> "DocFreq":  # noqa: ARG003
        return cls().update(texts)

    def merged(self, other: "DocFreq") -> "DocFreq":
        """A new DocFreq holding both (self and other unchanged)."""
        big, small = (self, other) if len(self.df) >= len(other.df) else (other, self)
        df = dict(big.df)
        for t, n in small.df.items():
            df[t] = df.get(t, 0) + n
        return DocFreq(df, self.n_docs + other.n_docs)

    def prune(self, min_df: int = 2) -> "DocFreq":
        """Drop rare terms (keeps the table small; a pruned term counts as df=0)."""
        return DocFreq({t: n for t, n in self.df.items() if n >= min_df}, self.n_docs)

    def idf(self, term: str, extra_df: int = 0) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0) + extra_df)) + 1.0

    # --- Arrow ---------------------------------------------------------
    def to_table(self) -> pa.Table:
        table = pa.table(
            {"term": pa.array(list(self.df.keys()), pa.string()), "df": pa.array(list(self.df.values()), pa.int64())},
            schema=DOCFREQ_SCHEMA,
        )
        return table.replace_schema_metadata({"n_docs": str(self.n_docs)})

    @classmethod
    def from_table(cls, table: pa.Table) -> "DocFreq":
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
    def load(cls, path: str | Path) -> "DocFreq":
        return cls.from_table(pq.read_table(path))

    @classmethod
    def load_nights(cls, directory: str | Path, *, before: _dt.date | None = None) -> "DocFreq":
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
    counts = [(t, c) for t, c in Counter(text_search.split()).items()
              if len(t) >= MIN_LEN and t not in stop and not t.isdigit()]
    if not counts:
        return []
    n = sum(c for _t, c in counts)
    get = doc_freq.df.get
    logn = math.log(1 + doc_freq.n_docs)
    # (-score, term) tuples sort without a key function; terms are distinct, so the order is
    # the documented one (highest score first, ties by term).
    ranked = sorted((-(c / n * (logn - math.log(1 + get(t, 0)) + 1.0)), t) for t, c in counts)
    return [(t, -neg) for neg, t in ranked[:k]]
