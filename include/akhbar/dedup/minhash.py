"""MinHash signatures of word shingles, and their LSH band keys (see the package docstring).

Everything is vectorised over uint64 arrays (numpy wraps multiplication modulo 2**64); the
coefficients come from a fixed splitmix64 sequence so that signatures stay comparable with the
index on every machine and numpy version.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from akhbar.dedup.params import PARAMS, DedupParams

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)


def _fmix64(k: np.ndarray) -> np.ndarray:
    """Avalanche finaliser (the murmur3 constants); returns a new array."""
    k = k ^ (k >> _U64(33))
    k *= _U64(0xFF51AFD7ED558CCD)
    k ^= k >> _U64(33)
    k *= _U64(0xC4CEB9FE1A85EC53)
    k ^= k >> _U64(33)
    return k


def _splitmix(start: int, count: int) -> np.ndarray:
    """A fixed pseudo-random uint64 sequence, identical on every machine and numpy version."""
    with np.errstate(over="ignore"):
        x = (np.arange(1, count + 1, dtype=np.uint64) * _GOLDEN) + _U64(start & 0xFFFFFFFFFFFFFFFF)
        x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def _coefficients(params: DedupParams) -> tuple[np.ndarray, np.ndarray]:
    seq = _splitmix(params.seed, 2 * params.num_perm)
    a = seq[0::2] | _U64(1)  # odd multipliers
    b = seq[1::2]
    return a, b


def _word_hashes(texts: list[str] | pa.Array, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every word once: (flat uint64 word hashes, int64 offsets of length n+1)."""
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.utf8_trim_whitespace(pc.cast(arr, pa.large_string()).fill_null(""))
    words = pc.utf8_split_whitespace(arr, max_splits=None)
    offsets = np.asarray(words.offsets, dtype=np.int64)
    offsets = offsets - offsets[0]
    flat = words.values.slice(int(words.offsets[0].as_py()), int(offsets[-1]))
    empty = np.asarray(pc.equal(pc.utf8_length(flat), 0), dtype=bool) if len(flat) else np.zeros(0, bool)
    if empty.any():  # "" splits into [""], and runs of mixed whitespace may leave empty tokens
        doc = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        flat = flat.filter(pa.array(~empty))
        offsets = np.concatenate(([0], np.cumsum(np.bincount(doc[~empty], minlength=len(offsets) - 1))))
    if len(flat) == 0:
        return np.zeros(0, dtype=np.uint64), offsets
    encoded = pc.dictionary_encode(flat)
    vocab = encoded.dictionary.to_pylist()
    digest = xxhash.xxh3_64_intdigest
    vocab_hash = np.fromiter(
        (digest(w.encode("utf-8", "surrogatepass"), seed) for w in vocab), np.uint64, len(vocab)
    )
    return vocab_hash[np.asarray(encoded.indices)], offsets


def _shingle_hashes(word_hash: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Word n-gram hashes (uint64) grouped by document, and the count per document.

    A non-empty document with fewer than n words gets one shingle made of all its words.
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    total = len(word_hash)
    counts = np.where(lengths >= n, lengths - n + 1, np.minimum(lengths, 1)).astype(np.int64)
    if total == 0:
        return np.zeros(0, dtype=np.uint64), counts
    doc_of_word = np.repeat(np.arange(n_docs), lengths)
    with np.errstate(over="ignore"):
        if total >= n:
            m = total - n + 1
            acc = word_hash[:m].copy()
            for j in range(1, n):
                acc = _fmix64(acc * _GOLDEN ^ (word_hash[j : j + m] + _U64(j)))
            full = acc[doc_of_word[:m] == doc_of_word[n - 1 :]]
        else:
            full = np.zeros(0, dtype=np.uint64)
        short_docs = np.nonzero((lengths < n) & (lengths > 0))[0]
        if len(short_docs) == 0:
            return full, counts
        # Rare path: documents shorter than n words hash all their words together.
        short = np.empty(len(short_docs), dtype=np.uint64)
        for i, d in enumerate(short_docs):
            acc = word_hash[offsets[d] : offsets[d] + 1].copy()
            for j in range(1, int(lengths[d])):
                acc = _fmix64(acc * _GOLDEN ^ (word_hash[offsets[d] + j : offsets[d] + j + 1] + _U64(j)))
            short[i] = acc[0]
    # Interleave: full-shingle docs keep their order; short docs are inserted at their position.
    out = np.empty(int(counts.sum()), dtype=np.uint64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    is_short = np.zeros(n_docs, dtype=bool)
    is_short[short_docs] = True
    mask = np.ones(len(out), dtype=bool)
    mask[starts[short_docs]] = False
    out[mask] = full
    out[starts[short_docs]] = short
    return out, counts


_BLOCK = 4096  # shingles per (num_perm x block) uint64 matrix: 4 MiB at 128 permutations


def _minhash_from_shingles(shingles: np.ndarray, counts: np.ndarray, params: DedupParams) -> np.ndarray:
    n_docs = len(counts)
    sig = np.full((n_docs, params.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    docs = np.nonzero(counts > 0)[0]
    if len(docs) == 0:
        return sig
    a, b = _coefficients(params)
    a = a[:, None]
    b = b[:, None]
    x = shingles >> _U64(32)  # 32-bit keys: a*x+b mod 2**64 is then a universal family
    starts_all = np.concatenate(([0], np.cumsum(counts)[:-1]))
    starts = starts_all[docs]
    ends = starts + counts[docs]
    buf = np.empty((params.num_perm, _BLOCK), dtype=np.uint64)
    i = 0
    while i < len(docs):
        lo = starts[i]
        j = int(np.searchsorted(ends, lo + _BLOCK, side="right"))
        j = max(j, i + 1)
        hi = ends[j - 1]
        width = int(hi - lo)
        mat = buf[:, :width] if width <= _BLOCK else np.empty((params.num_perm, width), dtype=np.uint64)
        np.multiply(a, x[None, lo:hi], out=mat)
        mat += b
        mins = np.minimum.reduceat(mat, starts[i:j] - lo, axis=1)
        sig[docs[i:j]] = (mins >> _U64(32)).astype(np.uint32).T
        i = j
    return sig


def shingles_of(texts, params: DedupParams) -> tuple[np.ndarray, np.ndarray]:
    """Word-shingle hashes of normalised texts (``text_search``), grouped by text, and the count per text."""
    word_hash, offsets = _word_hashes(texts, params.seed)
    return _shingle_hashes(word_hash, offsets, params.shingle_words)


def signatures_of_shingles(shingles: np.ndarray, counts: np.ndarray, params: DedupParams) -> np.ndarray:
    """An (n, num_perm) uint32 array; a text without shingles gets the all-0xFFFFFFFF signature."""
    return _minhash_from_shingles(shingles, counts, params)


def minhash_signatures(texts: list[str], *, params: DedupParams = PARAMS) -> np.ndarray:
    """MinHash signatures of normalised texts (``text_search``): an (n, num_perm) uint32 array.

    Empty texts get the all-0xFFFFFFFF signature (they are never near duplicates).
    """
    return _minhash_from_shingles(*shingles_of(texts, params), params)


def band_keys(signatures: np.ndarray, *, params: DedupParams = PARAMS) -> np.ndarray:
    """One int64 key per band: an (n, bands) array; equal bands give equal keys."""
    n = signatures.shape[0]
    s = signatures.reshape(n, params.bands, params.rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        k = np.broadcast_to(_splitmix(params.seed ^ 0x5BD1E995, params.bands), (n, params.bands)).copy()
        for r in range(params.rows):
            k = _fmix64((k * _GOLDEN) ^ s[:, :, r])
    return k.view(np.int64)


def estimate_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of row-aligned signatures: the fraction of equal values."""
    return (np.asarray(sig_a) == np.asarray(sig_b)).mean(axis=-1)
