"""akhbar.stories.encoder gives the package's vectors (to within the second convolution's 8-bit
rounding), faster, and each vector depends on its own text alone, bit for bit: alone or in a batch, in any order, cut in chunks of any size, on one or two BLAS
threads (a night then publishes the same vectors however it is cut into shards)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from akhbar.stories import encoder as encoder_module
from akhbar.stories.embeddings import encoder, story_text
from tests.conftest import ROOT
from tests.stories.conftest import ARTICLES

TEXTS = [
    "فيضانات في صفاقس تغمر الأحياء وتعطل حركة المرور. غمرت مياه الأمطار الغزيرة عدة أحياء",
    "Sfax : les inondations paralysent la ville, la protection civile évacue des familles",
    "Floods in Tunisia's Sfax force families from their homes",
    "  espaces   multiples\tet\nretours  ",
    "١٢ جويلية ٢٠٢٢ — «اقتباس» ‘بين’ علامات؟!",
    "x",
    "",
    "مرحبا " * 300,  # longer than one batch of the package
]


def test_same_tokens_and_same_vectors_as_the_package():
    fast = encoder()
    reference = fast.reference
    unk = reference._tokenizer._unk_id
    for text in TEXTS:
        ours = fast.token_ids(text)
        if text.strip():
            assert ours == [1, *fast.pieces.encode(text), 2]  # SentencePiece on the whole text
        # The package's pure-Python port gives one unknown piece per unknown character where
        # SentencePiece gives one for the run ("١٢" here): the same ids once runs are merged.
        port = reference._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert ours == [t for k, t in enumerate(port) if not (t == unk and k and port[k - 1] == unk)]
    ours = fast.encode(TEXTS)
    theirs = reference.encode(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 512)
    # The second convolution runs in 8-bit integers (akhbar.stories.quantised): on real news the
    # cosine to the float32 pass is 0.9998 on average, 0.9988 at worst (bench/bench_encoder.py). One
    # word repeated 300 times repeats one rounding error too (0.9955), and "١٢ ... ٢٠٢٢" has fewer
    # unknown pieces than the port gives it (0.993).
    cosines = np.einsum("ij,ij->i", ours, theirs)
    same_tokens = [k for k in range(len(TEXTS)) if k not in (4, len(TEXTS) - 1)]
    assert np.min(cosines[same_tokens]) > 0.999 and np.min(cosines) > 0.99
    again = fast.encode(list(reversed(TEXTS)))[::-1]  # the word cache is warm now, other batch order
    assert np.array_equal(bits(again), bits(ours))
    # Unrelated texts stay far apart: the rounding does not make vectors alike.
    assert float(ours[0] @ ours[5]) < 0.5


def night_texts() -> list[str]:
    """The stories tests' articles as the stories step embeds them, with a few odd texts and copies."""
    texts = [story_text(title, text) for *_, title, text in ARTICLES]
    texts += [story_text(title, None) for *_, title, _text in ARTICLES]  # titles alone: shorter texts
    return texts + TEXTS + texts[:3]  # copies of a text within one call


def bits(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32).view(np.uint32)


def in_batches(encode, texts: list[str], size: int) -> np.ndarray:
    return np.concatenate([encode(texts[a : a + size]) for a in range(0, len(texts), size)])


def test_a_vector_depends_on_its_text_alone_bit_for_bit(monkeypatch):
    fast = encoder()
    texts = night_texts()
    whole = bits(fast.encode(texts))
    assert len(set(map(bytes, whole[: len(ARTICLES)]))) == len(ARTICLES)  # real, distinct vectors
    for size in (1, 2, 3, 5, 8, 13):
        assert np.array_equal(bits(in_batches(fast.encode, texts, size)), whole), f"batches of {size}"
    order = np.random.default_rng(7).permutation(len(texts))
    shuffled = fast.encode([texts[i] for i in order])
    assert np.array_equal(bits(shuffled), whole[order])
    # Among other texts: a batch of other articles' texts before it changes nothing either.
    assert np.array_equal(bits(fast.encode(TEXTS[:3] + texts)[3:]), whole)
    # Other cuts of the tokens into chunks (distinct-token tables) and batches (network passes).
    for per_chunk, per_batch in ((400, 150), (2000, 700), (97, 97)):
        monkeypatch.setattr(encoder_module, "_TOKENS_PER_CHUNK", per_chunk)
        monkeypatch.setattr(encoder_module, "_TOKENS_PER_BATCH", per_batch)
        assert np.array_equal(bits(fast.encode(texts)), whole), (per_chunk, per_batch)


_DIGEST = textwrap.dedent(
    """
    import hashlib, sys
    sys.path.insert(0, {root!r})
    from akhbar.stories.embeddings import encoder
    from tests.stories.test_story_encoder import night_texts
    fast = encoder()
    print(fast.period, hashlib.sha256(fast.encode(night_texts()).tobytes()).hexdigest())
    """
)


@pytest.mark.slow
def test_the_same_bits_on_one_or_two_blas_threads():
    """The products run on one BLAS thread whatever the process was started with."""
    runs = []
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST.format(root=str(ROOT))],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        runs.append(out.stdout.split())
    here = hashlib.sha256(encoder().encode(night_texts()).tobytes()).hexdigest()
    assert runs[0] == runs[1] == [str(encoder().period), here]


def test_the_period_is_checked_on_this_blas():
    fast = encoder()
    assert fast.period in encoder_module._PERIODS
    # The check would see a product whose rows are rounded by their place with another period.
    weight = fast.w.proj_W
    row = np.random.default_rng(1).standard_normal(weight.shape[0]).astype(np.float32)
    with fast._one_blas_thread():  # as the encoder runs its products
        assert encoder_module._periodic(row, weight, fast.period)
        rows = np.tile(row, (8 * fast.period, 1)) @ weight
        by_place = len({r.tobytes() for r in rows}) > 1
        if by_place:  # OpenBLAS's Haswell sgemm (AMD EPYC here): groups of 12 rows, not of 5
            assert not encoder_module._periodic(row, weight, 5)
        else:
            # OpenBLAS's SkylakeX sgemm (Intel Xeon with AVX-512 here) gives every row of a product of
            # 4 rows or more the same bits: any period passes, and products of one or two rows (a
            # matrix-vector path) round otherwise, which whole periods of 12 rows never are.
            assert encoder_module._periodic(row, weight, 5)
            assert not encoder_module._periodic(row, weight, 1)


def test_slots_put_an_item_on_a_row_fixed_by_its_key():
    keys = np.array([5, 17, 29, 3, 12, 24, 0])
    slot, rows = encoder_module._slots(keys, 12)
    assert rows % 12 == 0 and rows >= len(keys)
    assert len(set(slot.tolist())) == len(keys)
    assert (slot % 12 == keys % 12).all()
    assert encoder_module._slots(np.zeros(0, np.int64), 12)[1] == 12  # at least one period
