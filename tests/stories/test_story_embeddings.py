"""The encoder ships inside its package and runs with the network cut off."""

from __future__ import annotations

import datetime as dt
import socket

import numpy as np
import pytest

from akhbar.schema import ARTICLE_EMBEDDINGS, EMBEDDING_DIM
from akhbar.stories import embeddings


@pytest.fixture
def no_network(monkeypatch):
    """Any connection outside loopback fails, as it would on a machine without network."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and not (host.startswith("127.") or host in ("::1", "localhost"))
            and self.family in (socket.AF_INET, socket.AF_INET6)
        ):
            raise OSError(f"network disabled in this test: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(embeddings, "_encoder", None)  # load it again, under the guard


@pytest.mark.slow
def test_the_encoder_loads_and_embeds_offline(no_network):
    vectors = embeddings.embed_texts(
        [
            "الرئيس التونسي يستقبل وزير الخارجية الفرنسي في قصر قرطاج",
            "Tunisian president receives the French foreign minister at Carthage Palace",
            "Le président tunisien reçoit le ministre français des affaires étrangères à Carthage",
            "Liverpool beat Everton two nil in the Merseyside derby",
            "",
        ]
    )
    assert vectors.shape == (5, EMBEDDING_DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-4)
    assert not vectors[4].any()  # an empty text links to nothing
    cos = vectors[:4] @ vectors[:4].T
    assert cos[0, 1] > 0.75 and cos[0, 2] > 0.6 and cos[1, 2] > 0.7  # one sentence in three languages
    assert max(cos[3, :3]) < 0.3  # another event


def test_story_text_is_the_title_then_the_lead():
    text = " ".join(f"w{k}" for k in range(100))
    assert embeddings.story_text("Title", text, 3) == "Title. w0 w1 w2"
    assert embeddings.story_text(None, text, 2) == "w0 w1"
    assert embeddings.story_text("  Only\n title ", None) == "Only title"
    assert embeddings.story_text(None, None) == ""


def test_embeddings_table_round_trip():
    vectors = np.random.default_rng(1).standard_normal((3, EMBEDDING_DIM)).astype(np.float32)
    table = embeddings.embeddings_table(["a", "b", "c"], [dt.date(2026, 1, 1)] * 3, vectors)
    assert table.schema == ARTICLE_EMBEDDINGS
    assert table.column("model").to_pylist() == [embeddings.MODEL] * 3
    assert np.array_equal(embeddings.vectors_of(table), vectors)
