"""akhbar.stories.encoder gives the package's vectors, faster."""

from __future__ import annotations

import numpy as np

from akhbar.stories.embeddings import encoder

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
    for text in TEXTS:
        assert fast.token_ids(text) == reference._tokenizer.encode(
            text, out_type=int, add_bos=True, add_eos=True
        )
    ours = fast.encode(TEXTS)
    theirs = reference.encode(TEXTS)
    assert ours.shape == theirs.shape == (len(TEXTS), 512)
    assert np.min(np.einsum("ij,ij->i", ours, theirs)) > 0.99999
    again = fast.encode(list(reversed(TEXTS)))[::-1]  # the word cache is warm now, other batch order
    assert np.min(np.einsum("ij,ij->i", again, theirs)) > 0.99999
