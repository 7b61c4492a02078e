"""Exact and near duplicates, with a MinHash LSH index that persists between nights.

What counts as a duplicate
--------------------------
* ``exact_text``: the same ``content_hash`` (sha256 of ``text_search``), i.e. identical text once
  diacritics, letter variants, digits, case and punctuation are normalised away.
* ``exact_url``: the same canonical URL (``canonical_url``, else ``url``) after :func:`url_key`
  (scheme, ``www.``, fragment, trailing slash and tracking parameters ignored). Site roots and URL
  keys shared by more than ``max_texts_per_url`` different texts are ignored: a page whose canonical
  link wrongly points at a section or the home page must not swallow every article of the site.
* ``near``: the same story republished with small edits (new title, a sentence added or removed,
  reordered paragraphs, 5-15 % of the words changed, a boilerplate line, a truncated ending), by
  the same outlet or another, on the same night or another one.

Every article belongs to a cluster: the connected component of these three relations over all
indexed articles. The cluster head, and ``cluster_id``, is the article with the smallest
``(dt, published_at or +inf, article_id)``; every other member is a duplicate that points at the
head (``duplicate_of``), with ``duplicate_kind`` describing its relation to the head (``exact_text``
if its text equals the head's, else ``exact_url`` if its URL does, else ``near``) and
``similarity`` the estimated Jaccard similarity to the head (1.0 for identical text).

Because the clusters are components of a symmetric relation and the head is a minimum, the result
does not depend on the order in which nights are processed: a backfill run backwards ends with the
same heads as the nights run forwards. When a night changes the head of articles of other nights
that are already loaded (typically: it precedes a later night's head), those articles come back in
:attr:`DedupResult.demoted` as DUPLICATES rows with their new head; the warehouse upserts them by
``article_id`` (moving a former head out of the articles it shows). The rare opposite case (a rerun
of a night removed the head of other nights' articles, which become heads again) is listed in
``counts.extra["promoted"]``.

Near duplicates: shingles, MinHash, LSH, verification
-----------------------------------------------------
``text_search`` is split on whitespace; every word is hashed once with xxh3-64 (one call per
*distinct* word of the batch), word n-grams are combined with a vectorised 64-bit mixer, and the
``num_perm`` MinHash values are the per-document minima of ``h_i(x) = (a_i * x + b_i) mod 2**64``
for the 32-bit shingle hash ``x`` and random odd 64-bit ``a_i``, 64-bit ``b_i``, keeping the high 32
bits (Dietzfelbinger's multiply-add-shift universal family). All permutations are computed as one
``(num_perm, shingles)`` uint64 matrix per block of documents, followed by one
``np.minimum.reduceat``; since taking the high bits is monotone it is done once after the minimum.
Multiply-add-shift needs no division: it measured 1.5x faster here than reducing modulo the
Mersenne prime 2**61-1, for the same estimates. The coefficients come from a fixed splitmix64
sequence (not numpy's random streams, which may change between numpy versions) so that signatures
stay comparable with the index on every machine and upgrade.

Signatures are cut into ``bands`` bands of ``rows`` rows; each band is reduced to one int64 key.
Two texts become candidates when they share a key in any band, and a candidate pair is only
declared a near duplicate when the fraction of equal signature values (an unbiased estimate of
the Jaccard similarity of the shingle sets) is at least ``threshold``.

Parameters (``PARAMS``), measured with ``bench/eval_dedup.py`` on ANT v1.1 (Jawhara FM, median 99
words per article; the edited pairs and hard negatives are documented in
``bench/labels/near_dup_edits.md``):

* ``shingle_words = 2``: one substituted word breaks two 2-word shingles but three 3-word ones.
  With 15 % of the words replaced the 2-gram Jaccard similarity of a copy to its original is about
  0.55 against 0.43 for 3-grams, so 2-grams keep the edited copies well above a threshold that
  the hard negatives (same category and day, median 2-gram Jaccard 0.02) never reach. FineWeb's
  5-grams target web-scale templated text; text-dedup's NEWS-COPY benchmark (republished news)
  found 2-grams best as well.
* ``num_perm = 128``, ``bands = 32`` x ``rows = 4``: the probability that a pair becomes a
  candidate is ``1 - (1 - J**4)**32``, 0.95 at J = 0.55 and 0.9999 at J = 0.8, while unrelated
  news (J < 0.1) almost never collides (3e-3). The standard error of the estimate is
  ``sqrt(J(1-J)/128)``, 0.044 at J = 0.5. 256 permutations halve the variance but double the
  largest cost of the stage for a recall gain of 0.003 on the edited pairs.
* ``threshold = 0.45``. Grid measured with ``--sweep`` (precision / recall on the edited pairs
  and hard negatives): 2-grams 128 perm 32x4 at 0.40: 0.997 / 0.988; at 0.45: 0.998 / 0.984;
  at 0.50: 1.000 / 0.977; 3-grams at 0.40: 1.000 / 0.974; 256 perm 64x4 at 0.45: 0.999 / 0.987;
  16x8 bands at 0.45: 1.000 / 0.820. 0.45 keeps both targets with margin on each side.
* ``boilerplate_min_texts = 10``, ``boilerplate_share = 0.1``: before MinHash, shingles found in at
  least max(10, 10 % of the source's texts of the night) texts of one source are removed (see
  :func:`_drop_source_boilerplate`). Without it, 82 of 594 pairs of different short articles
  sharing a 56-77-word footer were joined (precision 0.950); with it none are.
* ``min_shingles = 10``: below ten 2-word shingles (about ten words) a single edit moves the
  Jaccard similarity by more than 0.1 and unrelated short texts (headlines, captions, "read more"
  lines) collide: such texts are deduplicated exactly only (``counts.extra["near_skipped_short"]``).
Measured results (``bench/eval_dedup.py``, one core): exact duplicates on news-credibility (65
nights through one index) pairwise precision 0.9997, recall 1.0000; near duplicates precision
0.998, recall 0.984; deduplicate() on 10,161 ANT articles as one fresh night 113 us per article,
best of 3 on a loaded 2-core machine (index of 884 bytes per article on disk).

* ``bucket_window = 64``: in a band bucket (texts sharing a band key) every text is compared with
  the 64 following ones in head order; larger buckets only come from mass-templated texts.

The persistent index
--------------------
``index_dir/dt=YYYY-MM-DD.parquet``, one file per night, one row per article of that night:
``article_id, dt, published_at, source_id, url, title, url_key, content_hash, n_shingles, near_ok,
band_keys (fixed list of int64), signature (fixed list of uint32), cluster_id`` (the head as of the
last run that touched the file) and ``links`` (the near-duplicate neighbours found when the night
was processed). ``index_dir/_format.json`` and each file's schema metadata record
``INDEX_FORMAT_VERSION`` and the parameters: an index built with other parameters is refused with
:class:`IndexFormatError` (delete the folder and reprocess the nights to rebuild it).

Processing night D ignores D's previous file (its entries are replaced, and near links that other
nights' files hold to D's articles are removed and found again), so a rerun is idempotent and no
article is ever its own duplicate. A lock file serialises concurrent runs on one index.
Articles must have unique ``article_id`` values across the whole index (duplicated ids raise
``ValueError``).
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import pathlib
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from akhbar.schema import ARTICLE, DUPLICATES, TS
from akhbar.stats import StageCounts, Timer

INDEX_FORMAT_VERSION = 1
KINDS = ("exact_url", "exact_text", "near")


@dataclass(frozen=True)
class DedupParams:
    """Near-duplicate parameters; any change makes an existing index incompatible."""

    shingle_words: int = 2
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    threshold: float = 0.45
    min_shingles: int = 10
    seed: int = 20130123
    bucket_window: int = 64
    max_texts_per_url: int = 20
    boilerplate_min_texts: int = 10
    boilerplate_share: float = 0.1

    def __post_init__(self):
        if self.bands * self.rows != self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) must equal num_perm ({self.num_perm})")
        if self.shingle_words < 1 or self.min_shingles < 1:
            raise ValueError("shingle_words and min_shingles must be positive")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")

    def fingerprint(self) -> dict:
        """What the index must agree on: the parts of the parameters that shape stored values."""
        d = asdict(self)
        return {"version": INDEX_FORMAT_VERSION, **d}


PARAMS = DedupParams()


class IndexFormatError(RuntimeError):
    """The persistent index was written with another format version or other parameters."""


@dataclass
class DedupResult:
    articles: pa.Table  # ARTICLE with cluster_id, duplicate_of, duplicate_kind, similarity filled
    duplicates: pa.Table  # DUPLICATES rows for this night's duplicates
    demoted: pa.Table  # DUPLICATES rows for other nights' articles whose head changed
    counts: StageCounts = field(default_factory=lambda: StageCounts(stage="dedup"))


# --------------------------------------------------------------------------------------------
# Hashing helpers (vectorised over uint64 arrays; numpy wraps multiplication modulo 2**64)
# --------------------------------------------------------------------------------------------

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
    vocab_hash = np.fromiter((digest(w.encode("utf-8", "surrogatepass"), seed) for w in vocab), np.uint64, len(vocab))
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


def _drop_source_boilerplate(shingles, counts, groups, params: DedupParams):
    """Remove shingles that recur in many texts of one source: its template, not its news.

    A shingle is dropped from a text when at least ``max(boilerplate_min_texts,
    boilerplate_share x texts of that source in the batch)`` distinct texts of the same source
    contain it. Widely republished wire copy is not affected (each source carries it once or
    twice), nor is a story updated a few times by one outlet.
    """
    n_docs = len(counts)
    doc = np.repeat(np.arange(n_docs), counts)
    src = groups[doc].astype(np.uint64)
    with np.errstate(over="ignore"):
        in_text = _fmix64(doc.astype(np.uint64) * _GOLDEN ^ shingles)  # (text, shingle)
        in_source = _fmix64((src + _U64(1)) * _GOLDEN ^ shingles)  # (source, shingle)
    # Count each (text, shingle) once: a stable sort keeps a key's occurrences in text order, so the
    # repeats of one text are adjacent and a single sort suffices.
    order = np.argsort(in_source, kind="stable")
    ks, kt = in_source[order], in_text[order]
    new_text = np.ones(len(ks), bool)
    new_text[1:] = (ks[1:] != ks[:-1]) | (kt[1:] != kt[:-1])
    new_key = np.concatenate(([True], ks[1:] != ks[:-1]))
    starts = np.flatnonzero(new_key)
    df = np.add.reduceat(new_text.astype(np.int64), starts)  # texts of the source holding it
    texts_per_src = np.bincount(groups, minlength=int(groups.max()) + 1)
    limit = np.maximum(params.boilerplate_min_texts, params.boilerplate_share * texts_per_src[groups[doc]])
    hit = np.empty(len(ks), bool)  # each shingle's key group, through the sort order (no search)
    hit[order] = df[np.cumsum(new_key) - 1] >= limit[order]
    if not hit.any():
        return shingles, counts, 0
    keep = ~hit
    new_counts = np.bincount(doc[keep], minlength=n_docs).astype(np.int64)
    return shingles[keep], new_counts, int(hit.sum())


def _signatures(texts, params: DedupParams, groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Signatures and shingle counts; with ``groups`` (a source code per text) boilerplate is removed."""
    word_hash, offsets = _word_hashes(texts, params.seed)
    shingles, counts = _shingle_hashes(word_hash, offsets, params.shingle_words)
    if groups is not None and len(shingles):
        shingles, counts, _ = _drop_source_boilerplate(shingles, counts, np.asarray(groups, np.int64), params)
    return _minhash_from_shingles(shingles, counts, params), counts


def minhash_signatures(texts: list[str], *, params: DedupParams = PARAMS) -> np.ndarray:
    """MinHash signatures of normalised texts (``text_search``): an (n, num_perm) uint32 array.

    Empty texts get the all-0xFFFFFFFF signature (they are never near duplicates).
    """
    return _signatures(texts, params)[0]


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


# --------------------------------------------------------------------------------------------
# URL keys
# --------------------------------------------------------------------------------------------

_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref|ref_src|at_medium|at_campaign|xtor)$", re.I)


# scheme://host/path with a plain host (no user, port or IPv6 brackets) and a path without query,
# fragment, percent escapes or the tab and line breaks urlsplit deletes: urlsplit, unquote and
# parse_qsl then leave the parts as they are, so the key is computed without them (the same key).
_PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([A-Za-z0-9.\-]+)(/[^?#%\t\r\n]*)?")


def url_key(url: str | None) -> str | None:
    """A comparison key for a canonical URL, or None when it cannot identify an article."""
    if not url:
        return None
    m = _PLAIN_URL.fullmatch(url.strip())
    if m is not None:
        host = m.group(1).lower().rstrip(".")
        if not host:
            return None
        if host.startswith("www."):
            host = host[4:]
        path = m.group(2) or ""
        if "//" in path:
            path = re.sub(r"/{2,}", "/", path)
        path = path.rstrip("/")
        return host + path if path else None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    if host.startswith("www."):
        host = host[4:]
    path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    if not path and not query:
        return None  # the site root is not an article
    return host + path + ("?" + urlencode(query) if query else "")


# --------------------------------------------------------------------------------------------
# The index on disk
# --------------------------------------------------------------------------------------------

def _index_schema(params: DedupParams) -> pa.Schema:
    fields = [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("dt", pa.date32(), nullable=False),
        pa.field("published_at", TS),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("url_key", pa.string()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("n_shingles", pa.int32(), nullable=False),
        pa.field("near_ok", pa.bool_(), nullable=False),
        pa.field("band_keys", pa.list_(pa.int64(), params.bands), nullable=False),
        pa.field("signature", pa.list_(pa.uint32(), params.num_perm), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("links", pa.list_(pa.string())),
    ]
    meta = {b"akhbar.dedup.format": json.dumps(params.fingerprint(), sort_keys=True).encode()}
    return pa.schema(fields, metadata=meta)


_LIGHT_COLUMNS = [
    "article_id", "dt", "published_at", "url_key", "content_hash", "near_ok", "band_keys", "cluster_id", "links",
]
# Only the DUPLICATES rows of demoted articles need these: read from their files when needed.
_DEMOTED_COLUMNS = ["source_id", "url", "title"]


def _night_path(index_dir: pathlib.Path, dt: datetime.date) -> pathlib.Path:
    return index_dir / f"dt={dt.isoformat()}.parquet"


def _night_files(index_dir: pathlib.Path) -> dict[datetime.date, pathlib.Path]:
    out = {}
    for p in sorted(index_dir.glob("dt=*.parquet")):
        try:
            out[datetime.date.fromisoformat(p.stem[3:])] = p
        except ValueError:
            continue
    return out


def _check_format(index_dir: pathlib.Path, params: DedupParams) -> None:
    want = params.fingerprint()
    fmt = index_dir / "_format.json"
    hint = (
        f"Delete {index_dir} and reprocess the nights (a backfill) to rebuild the index with the current "
        "parameters, or run with the parameters it was built with."
    )
    if fmt.exists():
        have = json.loads(fmt.read_text())
        if have != want:
            raise IndexFormatError(f"dedup index {index_dir} was built with {have}, this code uses {want}. {hint}")
    elif _night_files(index_dir):
        raise IndexFormatError(f"dedup index {index_dir} has night files but no _format.json. {hint}")
    else:
        _atomic_write_text(fmt, json.dumps(want, sort_keys=True, indent=1))


def _check_file_format(path: pathlib.Path, params: DedupParams) -> None:
    meta = pq.read_schema(path).metadata or {}
    have = json.loads(meta.get(b"akhbar.dedup.format", b"null"))
    if have != params.fingerprint():
        raise IndexFormatError(
            f"dedup index file {path} was written with {have}, this code uses {params.fingerprint()}; "
            f"delete {path.parent} and reprocess the nights to rebuild it"
        )


def _atomic_write_text(path: pathlib.Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


_RANDOM_COLUMNS = ("signature", "band_keys")


def _atomic_write_table(table: pa.Table, path: pathlib.Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    # No dictionary for signatures and band keys: random numbers, whose dictionary only costs
    # time (and space) before Parquet falls back to plain pages.
    dictionary = [c for c in table.column_names if c not in _RANDOM_COLUMNS]
    pq.write_table(table, tmp, compression="zstd", use_dictionary=dictionary)
    os.replace(tmp, path)


@contextmanager
def _locked(index_dir: pathlib.Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _empty_index_table(params: DedupParams, columns: list[str]) -> pa.Table:
    schema = _index_schema(params)
    return pa.schema([schema.field(c) for c in columns]).empty_table()


def _load_index(index_dir: pathlib.Path, exclude: datetime.date, params: DedupParams):
    """All other nights' entries (without signatures), and the file of every row."""
    tables, file_of_row = [], []
    files = {d: p for d, p in _night_files(index_dir).items() if d != exclude}
    for d, p in files.items():
        _check_file_format(p, params)
        t = pq.read_table(p, columns=_LIGHT_COLUMNS)
        tables.append(t)
        file_of_row.append(np.full(t.num_rows, len(file_of_row), dtype=np.int32))
    if not tables:
        return _empty_index_table(params, _LIGHT_COLUMNS), np.zeros(0, np.int32), list(files.values())
    return (
        pa.concat_tables(tables).combine_chunks(),
        np.concatenate(file_of_row),
        list(files.values()),
    )


def _index_rows(files, file_of_row: np.ndarray, rows: np.ndarray, columns: list[str]) -> dict[str, list]:
    """``columns`` of the given index rows (positions in the loaded index), read from their files only."""
    rows = np.asarray(rows, np.int64)
    out = {c: [None] * len(rows) for c in columns}
    if len(rows) == 0:
        return out
    row_start = np.zeros(len(files) + 1, np.int64)  # rows are loaded file after file
    np.cumsum(np.bincount(file_of_row, minlength=len(files)), out=row_start[1:])
    files_of = file_of_row[rows]
    for f in np.unique(files_of).tolist():
        sel = np.flatnonzero(files_of == f)
        t = pq.read_table(files[f], columns=columns).take(pa.array(rows[sel] - row_start[f], pa.int64()))
        for c in columns:
            values = t.column(c).to_pylist()
            col = out[c]
            for j, pos in enumerate(sel.tolist()):
                col[pos] = values[j]
    return out


# --------------------------------------------------------------------------------------------
# Graph helpers
# --------------------------------------------------------------------------------------------

def _components(n: int, rank: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components: for every node, the node of smallest rank in its component."""
    node_of_rank = np.empty(n, dtype=np.int64)
    node_of_rank[rank] = np.arange(n)
    label = rank.astype(np.int64).copy()
    if len(u):
        while True:
            before = label.copy()
            m = np.minimum(label[u], label[v])
            np.minimum.at(label, u, m)
            np.minimum.at(label, v, m)
            while True:  # pointer jumping: follow the label's own label
                jumped = label[node_of_rank[label]]
                if np.array_equal(jumped, label):
                    break
                label = jumped
            if np.array_equal(before, label):
                break
    return node_of_rank[label]


def _group_edges(keys: np.ndarray, valid: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges from every node to the smallest-rank node sharing its key."""
    idx = np.nonzero(valid)[0]
    if len(idx) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = idx[np.lexsort((rank[idx], keys[idx]))]
    k = keys[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = k[1:] != k[:-1]
    first = order[np.nonzero(new_group)[0]][np.cumsum(new_group) - 1]
    keep = first != order
    return order[keep], first[keep]


def _as_codes(values: list | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for strings (None -> invalid)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    enc = pc.dictionary_encode(arr)
    codes = np.asarray(enc.indices.fill_null(-1), dtype=np.int64)
    return codes, codes >= 0


# --------------------------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------------------------

def _order_rank(dt_days: np.ndarray, published_us: np.ndarray, ids: list[str] | pa.Array) -> np.ndarray:
    t = pa.table({"d": dt_days, "p": published_us, "a": ids if isinstance(ids, pa.Array) else pa.array(ids, pa.string())})
    order = np.asarray(pc.sort_indices(t, sort_keys=[("d", "ascending"), ("p", "ascending"), ("a", "ascending")]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _published_us(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    arr = pc.cast(col, TS).cast(pa.int64())
    return np.asarray(arr.fill_null(np.iinfo(np.int64).max), dtype=np.int64)


def _candidate_pairs(keys_t, nodes_t, keys_i, nodes_i, rank, window):
    """Pairs of nodes sharing a band key, at least one from tonight; unique, as (u, v) with u < v."""
    # A hash set (Arrow) rather than np.isin's sorts: the index holds bands x nights x articles keys.
    in_tonight = (np.asarray(pc.is_in(pa.array(keys_i), value_set=pa.array(keys_t)), dtype=bool)
                  if len(keys_i) and len(keys_t) else np.zeros(len(keys_i), bool))
    keys = np.concatenate([keys_t, keys_i[in_tonight]])
    nodes = np.concatenate([nodes_t, nodes_i[in_tonight]])
    tonight = np.concatenate([np.ones(len(keys_t), bool), np.zeros(int(in_tonight.sum()), bool)])
    order = np.lexsort((rank[nodes], keys))
    keys, nodes, tonight = keys[order], nodes[order], tonight[order]
    us, vs = [], []
    for d in range(1, window + 1):
        if d >= len(keys):
            break
        same = keys[d:] == keys[:-d]
        if not same.any():
            break
        same &= tonight[d:] | tonight[:-d]
        us.append(nodes[:-d][same])
        vs.append(nodes[d:][same])
    if not us:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    u = np.concatenate(us)
    v = np.concatenate(vs)
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    code = np.unique(lo[keep] * (int(rank.max()) + 1) + hi[keep]) if keep.any() else np.zeros(0, np.int64)
    n = int(rank.max()) + 1
    return code // n, code % n


def _fill_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(name)
    if i >= 0:
        return table.set_column(i, ARTICLE.field(name), values)
    return table.append_column(ARTICLE.field(name), values)


def _conform(table: pa.Table) -> pa.Table:
    cols = []
    for f in ARTICLE:
        if f.name in table.column_names:
            cols.append(table.column(f.name).cast(f.type))
        elif f.nullable:
            cols.append(pa.nulls(table.num_rows, f.type))
        else:
            raise ValueError(f"articles table lacks required column {f.name!r}")
    return pa.Table.from_arrays(cols, schema=ARTICLE)


def deduplicate(
    articles: pa.Table,
    *,
    index_dir: pathlib.Path,
    dt: datetime.date,
    params: DedupParams = PARAMS,
) -> DedupResult:
    """Cluster tonight's articles against themselves and every night in the index; update the index.

    See the module docstring for the rules; the result is the same whatever the order of nights.
    """
    index_dir = pathlib.Path(index_dir)
    counts = StageCounts(stage="dedup")
    with Timer(counts), _locked(index_dir):
        _check_format(index_dir, params)
        result = _deduplicate_locked(_conform(articles), index_dir, dt, params, counts)
        counts.extra["index_generation"] = _bump_generation(index_dir)
    return result


_GENERATION_FILE = "_generation"


def index_generation(index_dir: pathlib.Path) -> int:
    """How many deduplications have changed the index so far. A night whose deduplication saw
    generation g is stale if the index is past g when the night is published: another night's
    deduplication ran in between and may have changed this night's heads."""
    path = pathlib.Path(index_dir) / _GENERATION_FILE
    try:
        return int(path.read_text().strip() or 0)
    except FileNotFoundError:
        return 0


def _bump_generation(index_dir: pathlib.Path) -> int:
    generation = index_generation(index_dir) + 1
    _atomic_write_text(index_dir / _GENERATION_FILE, str(generation))
    return generation


def _deduplicate_locked(articles, index_dir, dt, params, counts) -> DedupResult:
    n = articles.num_rows
    night_file = _night_path(index_dir, dt)
    ids_t = articles.column("article_id").to_pylist()
    if len(set(ids_t)) != n:
        raise ValueError("deduplicate: article_id values must be unique within the night")

    # Tonight: keys and signatures (computed once per distinct text).
    content_t = articles.column("content_hash").to_pylist()
    canon = pc.coalesce(articles.column("canonical_url"), articles.column("url")).to_pylist()
    url_t = [url_key(u) for u in canon]
    text_col = articles.column("text_search").combine_chunks() if n else pa.array([], pa.string())
    uniq_content, first_pos, inv = np.unique(np.array(content_t, dtype=object), return_index=True, return_inverse=True) if n else (
        np.zeros(0, object), np.zeros(0, np.int64), np.zeros(0, np.int64))
    src_codes = np.asarray(pc.dictionary_encode(articles.column("source_id").combine_chunks()).indices, np.int64) if n else None
    sig_u, nsh_u = _signatures(text_col.take(pa.array(first_pos, pa.int64())), params,
                               src_codes[first_pos] if n else None) if n else (
        np.zeros((0, params.num_perm), np.uint32), np.zeros(0, np.int64))
    sig_t = sig_u[inv]
    nsh_t = nsh_u[inv]
    near_ok_t = nsh_t >= params.min_shingles
    bands_t = band_keys(sig_t, params=params)

    # Other nights.
    old_ids_d: set[str] = set()
    if night_file.exists():
        _check_file_format(night_file, params)
        old_ids_d = set(pq.read_table(night_file, columns=["article_id"]).column("article_id").to_pylist())
    idx, file_of_row, files = _load_index(index_dir, dt, params)
    N = idx.num_rows
    # Node ids stay in Arrow: the index side grows with every night, tonight's side does not.
    ids_i_arr = idx.column("article_id").combine_chunks().cast(pa.string()) if N else pa.array([], pa.string())
    ids_t_arr = pa.array(ids_t, pa.string())
    ids_arr = pa.concat_arrays([ids_i_arr, ids_t_arr])
    clash = set()
    if N and n and pc.any(pc.is_in(ids_t_arr, value_set=ids_i_arr)).as_py():
        clash = set(ids_i_arr.to_pylist()).intersection(ids_t)
    if clash:
        raise ValueError(
            f"deduplicate: {len(clash)} article_id(s) of night {dt} are already indexed under another night "
            f"(e.g. {sorted(clash)[0]!r}); article ids must be unique across nights"
        )

    # All nodes: index rows 0..N-1, tonight N..N+n-1.
    total = N + n
    dt_days = np.concatenate([
        np.asarray(idx.column("dt").cast(pa.int32()), dtype=np.int64),
        np.full(n, (dt - datetime.date(1970, 1, 1)).days, dtype=np.int64),
    ])
    pub = np.concatenate([_published_us(idx.column("published_at")), _published_us(articles.column("published_at"))])
    rank = _order_rank(dt_days, pub, ids_arr)
    content_codes, content_ok = _as_codes(pa.concat_arrays([
        idx.column("content_hash").combine_chunks().cast(pa.string()),
        articles.column("content_hash").combine_chunks().cast(pa.string())]))
    url_codes, url_ok = _as_codes(pa.concat_arrays([
        idx.column("url_key").combine_chunks().cast(pa.string()), pa.array(url_t, pa.string())]))
    if url_ok.any():  # a URL key carried by many different texts does not identify an article
        pairs = np.unique(np.stack([url_codes[url_ok], content_codes[url_ok]]), axis=1)
        texts_per_url = np.bincount(pairs[0], minlength=int(url_codes.max()) + 1)
        url_ok &= texts_per_url[np.maximum(url_codes, 0)] <= params.max_texts_per_url

    # Edges: exact text, exact URL, stored near links (minus those touching this night), new near links.
    eu, ev = [], []
    for codes, ok in ((content_codes, content_ok), (url_codes, url_ok)):
        a, b = _group_edges(codes, ok, rank)
        eu.append(a)
        ev.append(b)
    stale_set = old_ids_d | set(ids_t)
    stale = pa.array(sorted(stale_set), pa.string())
    links_col = idx.column("links").combine_chunks() if N else pa.array([], pa.list_(pa.string()))
    link_parent = np.asarray(pc.list_parent_indices(links_col), dtype=np.int64)
    link_values = pc.list_flatten(links_col)
    link_target = np.asarray(pc.index_in(link_values, value_set=ids_arr).fill_null(-1), dtype=np.int64)
    link_stale = np.asarray(pc.is_in(link_values, value_set=stale), dtype=bool)
    keep_link = (link_target >= 0) & ~link_stale
    eu.append(link_parent[keep_link])
    ev.append(link_target[keep_link])

    near_ok_i = np.asarray(idx.column("near_ok"), dtype=bool) if N else np.zeros(0, bool)
    bands_i = (
        np.asarray(idx.column("band_keys").combine_chunks().values, dtype=np.int64).reshape(N, params.bands)
        if N else np.zeros((0, params.bands), np.int64)
    )
    # Tonight's texts take part once per distinct content (copies are joined by exact edges).
    rep_t = np.zeros(n, bool)
    rep_t[first_pos] = True
    use_t = np.nonzero(near_ok_t & rep_t)[0]
    # Index entries sharing a band key with tonight, found on the flat (N x bands) keys without
    # expanding them: the index side grows with every night.
    keys_t = bands_t[use_t].ravel()
    flat_i = bands_i.reshape(-1)
    hit_i = np.flatnonzero(np.asarray(pc.is_in(pa.array(flat_i), value_set=pa.array(keys_t)), dtype=bool)
                           if len(flat_i) and len(keys_t) else np.zeros(len(flat_i), bool))
    hit_i = hit_i[near_ok_i[hit_i // params.bands]]
    cu, cv = _candidate_pairs(
        keys_t, np.repeat(use_t + N, params.bands), flat_i[hit_i], hit_i // params.bands,
        rank, params.bucket_window,
    )
    same_text = content_codes[cu] == content_codes[cv]
    cu, cv = cu[~same_text], cv[~same_text]
    sig_cache = _SignatureStore(N, files, file_of_row, idx, sig_t, params)
    sim = estimate_similarity(sig_cache.get(cu), sig_cache.get(cv)) if len(cu) else np.zeros(0)
    near = sim >= params.threshold
    nu, nv = cu[near], cv[near]
    eu.append(nu)
    ev.append(nv)
    u = np.concatenate(eu).astype(np.int64) if eu else np.zeros(0, np.int64)
    v = np.concatenate(ev).astype(np.int64) if ev else np.zeros(0, np.int64)
    head = _components(total, rank, u, v)

    # Tonight's articles.
    head_t = head[N:]
    is_dup = head_t != np.arange(N, total)
    head_ids = ids_arr.take(pa.array(head_t, pa.int64())).to_pylist()
    kinds, sims = _kinds(np.arange(N, total)[is_dup], head_t[is_dup], content_codes, url_codes, url_ok,
                         sig_cache, np.concatenate([near_ok_i, near_ok_t]))
    dup_of = [None] * n
    kind = [None] * n
    similarity = [None] * n
    for k, pos in enumerate(np.nonzero(is_dup)[0]):
        dup_of[pos] = head_ids[pos]
        kind[pos] = kinds[k]
        similarity[pos] = sims[k]
    out = articles
    out = _fill_column(out, "cluster_id", pa.array(head_ids, pa.string()))
    out = _fill_column(out, "duplicate_of", pa.array(dup_of, pa.string()))
    out = _fill_column(out, "duplicate_kind", pa.array(kind, pa.string()))
    out = _fill_column(out, "similarity", pa.array(similarity, pa.float32()))
    dup_rows = np.nonzero(is_dup)[0]
    duplicates = _duplicates_table(
        ids=[ids_t[p] for p in dup_rows], dup_of=[dup_of[p] for p in dup_rows], kinds=[kind[p] for p in dup_rows],
        sims=[similarity[p] for p in dup_rows],
        source=articles.column("source_id").take(pa.array(dup_rows, pa.int64())).to_pylist(),
        url=articles.column("url").take(pa.array(dup_rows, pa.int64())).to_pylist(),
        title=articles.column("title").take(pa.array(dup_rows, pa.int64())).to_pylist(),
        dts=[dt] * len(dup_rows),
    )

    # Other nights whose head changed: demoted (new head elsewhere) or promoted (head again).
    stored_head = idx.column("cluster_id").combine_chunks() if N else pa.array([], pa.string())
    new_head_i = ids_arr.take(pa.array(head[:N], pa.int64()))
    changed = ~np.asarray(pc.equal(stored_head, new_head_i), dtype=bool) if N else np.zeros(0, bool)
    demoted_pos = np.nonzero(changed & (head[:N] != np.arange(N)))[0]
    promoted = ids_i_arr.take(pa.array(np.nonzero(changed & (head[:N] == np.arange(N)))[0], pa.int64())).to_pylist()
    d_kinds, d_sims = _kinds(demoted_pos, head[demoted_pos], content_codes, url_codes, url_ok, sig_cache,
                             np.concatenate([near_ok_i, near_ok_t]))
    take = pa.array(demoted_pos, pa.int64())
    extra = _index_rows(files, file_of_row, demoted_pos, _DEMOTED_COLUMNS)
    demoted = _duplicates_table(
        ids=ids_i_arr.take(take).to_pylist(), dup_of=ids_arr.take(pa.array(head[demoted_pos], pa.int64())).to_pylist(),
        kinds=d_kinds,
        sims=d_sims, source=extra["source_id"], url=extra["url"], title=extra["title"],
        dts=idx.column("dt").take(take).to_pylist(),
    )

    # Persist: this night's file, then other nights' files whose heads or links changed.
    links_t: list[list[str]] = [[] for _ in range(n)]
    link_ids = ids_arr.take(pa.array(np.concatenate([nu, nv]), pa.int64())).to_pylist()
    for a, b, id_a, id_b in zip(nu.tolist(), nv.tolist(), link_ids[:len(nu)], link_ids[len(nu):]):
        if a >= N:
            links_t[a - N].append(id_b)
        else:
            links_t[b - N].append(id_a)
    if n:
        night = pa.table(
            {
                "article_id": pa.array(ids_t, pa.string()),
                "dt": pa.array([dt] * n, pa.date32()),
                "published_at": articles.column("published_at").cast(TS),
                "source_id": articles.column("source_id"),
                "url": articles.column("url"),
                "title": articles.column("title"),
                "url_key": pa.array(url_t, pa.string()),
                "content_hash": articles.column("content_hash"),
                "n_shingles": pa.array(nsh_t.astype(np.int32)),
                "near_ok": pa.array(near_ok_t),
                "band_keys": pa.FixedSizeListArray.from_arrays(pa.array(bands_t.ravel()), params.bands),
                "signature": pa.FixedSizeListArray.from_arrays(pa.array(sig_t.ravel()), params.num_perm),
                "cluster_id": pa.array(head_ids, pa.string()),
                "links": pa.array([sorted(ls) for ls in links_t], pa.list_(pa.string())),
            }
        ).cast(_index_schema(params))
        _atomic_write_table(night, night_file)
    elif night_file.exists():
        night_file.unlink()
    dirty_rows = np.zeros(N, bool)
    dirty_rows[changed] = True
    dirty_rows[link_parent[link_stale]] = True
    rewritten = 0
    for f in np.unique(file_of_row[dirty_rows]):
        path = files[int(f)]
        rows = np.nonzero(file_of_row == f)[0]
        rows_arr = pa.array(rows, pa.int64())
        links_f = [[x for x in (ls or ()) if x not in stale_set] for ls in links_col.take(rows_arr).to_pylist()]
        full = pq.read_table(path)
        full = full.set_column(full.schema.get_field_index("cluster_id"), "cluster_id", new_head_i.take(rows_arr))
        full = full.set_column(full.schema.get_field_index("links"), "links", pa.array(links_f, pa.list_(pa.string())))
        _atomic_write_table(full.cast(_index_schema(params)), path)
        rewritten += 1

    by_kind = {k: 0 for k in KINDS}
    for k in kind:
        if k is not None:
            by_kind[k] += 1
    counts.records_in = n
    counts.records_out = int((~is_dup).sum())
    counts.duplicates = int(is_dup.sum())
    counts.extra.update(
        {
            "by_kind": by_kind,
            "cross_night": int((is_dup & (head_t < N)).sum()),
            "demoted": len(demoted_pos),
            "promoted": promoted,
            "near_skipped_short": int((~near_ok_t).sum()),
            "lsh_candidate_pairs": int(len(cu)),
            "near_pairs": int(len(nu)),
            "index_rows_other_nights": N,
            "index_files_rewritten": rewritten,
        }
    )
    return DedupResult(articles=out, duplicates=duplicates, demoted=demoted, counts=counts)


class _SignatureStore:
    """Signatures by node: tonight's in memory, other nights' read from their files on demand."""

    def __init__(self, n_index, files, file_of_row, idx, sig_t, params):
        self.n_index = n_index
        self.files = files
        self.file_of_row = file_of_row
        self.sig_t = sig_t
        self.params = params
        self.row_in_file = np.zeros(n_index, np.int64)
        for f in range(len(files)):
            rows = np.nonzero(file_of_row == f)[0]
            self.row_in_file[rows] = np.arange(len(rows))
        self.loaded: dict[int, np.ndarray] = {}

    def _file(self, f: int) -> np.ndarray:
        if f not in self.loaded:
            col = pq.read_table(self.files[f], columns=["signature"]).column("signature").combine_chunks()
            self.loaded[f] = np.asarray(col.values, dtype=np.uint32).reshape(-1, self.params.num_perm)
        return self.loaded[f]

    def get(self, nodes: np.ndarray) -> np.ndarray:
        nodes = np.asarray(nodes, dtype=np.int64)
        out = np.empty((len(nodes), self.params.num_perm), np.uint32)
        mine = nodes >= self.n_index
        out[mine] = self.sig_t[nodes[mine] - self.n_index]
        other = np.nonzero(~mine)[0]
        if len(other):
            files = self.file_of_row[nodes[other]]
            for f in np.unique(files):
                sel = other[files == f]
                out[sel] = self._file(int(f))[self.row_in_file[nodes[sel]]]
        return out


def _kinds(nodes, heads, content_codes, url_codes, url_ok, sigs: _SignatureStore, near_ok):
    """Kind and similarity of each duplicate relative to its head."""
    nodes = np.asarray(nodes, np.int64)
    heads = np.asarray(heads, np.int64)
    if len(nodes) == 0:
        return [], []
    same_text = content_codes[nodes] == content_codes[heads]
    same_url = url_ok[nodes] & url_ok[heads] & (url_codes[nodes] == url_codes[heads])
    both_ok = near_ok[nodes] & near_ok[heads]
    # Signatures only where the estimate is reported: identical texts say 1.0 and short texts
    # nothing, and their heads' night files need not be read.
    need = np.flatnonzero(~same_text & both_ok)
    est = np.zeros(len(nodes))
    if len(need):
        est[need] = estimate_similarity(sigs.get(nodes[need]), sigs.get(heads[need]))
    kinds, sims = [], []
    for i in range(len(nodes)):
        if same_text[i]:
            kinds.append("exact_text")
            sims.append(1.0)
        else:
            kinds.append("exact_url" if same_url[i] else "near")
            sims.append(float(est[i]) if both_ok[i] else None)
    return kinds, sims


def _duplicates_table(*, ids, dup_of, kinds, sims, source, url, title, dts) -> pa.Table:
    return pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "duplicate_of": pa.array(dup_of, pa.string()),
            "cluster_id": pa.array(dup_of, pa.string()),
            "kind": pa.array(kinds, pa.string()),
            "similarity": pa.array(sims, pa.float32()),
            "source_id": pa.array(source, pa.string()),
            "url": pa.array(url, pa.string()),
            "title": pa.array(title, pa.string()),
            "dt": pa.array(dts, pa.date32()),
            # Filled at publish from the article's own row (the index does not keep record ids).
            "record_id": pa.nulls(len(ids), pa.string()),
        },
        schema=DUPLICATES,
    )
