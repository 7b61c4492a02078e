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


def _articles_file(path, titles):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(titles)
    pq.write_table(
        pa.table(
            {
                "article_id": [f"a{k:02d}" for k in range(n)],
                "dt": pa.array([dt.date(2024, 3, 1)] * n, pa.date32()),
                "title": titles,
                "text": ["one two three four"] * n,
                "lang": ["en"] * n,  # columns the encoder does not read
            }
        ),
        path,
        row_group_size=4,
    )
    return path


class _CountingEmbedder:
    """Vectors that depend on the text alone; the size of every batch it was given."""

    def __init__(self):
        self.batches: list[int] = []

    def __call__(self, texts):
        self.batches.append(len(texts))
        out = np.zeros((len(texts), EMBEDDING_DIM), np.float32)
        for k, text in enumerate(texts):
            out[k, sum(map(ord, text)) % EMBEDDING_DIM] = 1.0
        return out


def test_encode_articles_reads_and_encodes_a_batch_at_a_time_and_keeps_its_vectors(tmp_path):
    import pyarrow.parquet as pq

    articles = _articles_file(tmp_path / "articles.parquet", [f"title {k}" for k in range(11)])
    out = tmp_path / "vectors.parquet"
    embed = _CountingEmbedder()
    assert embeddings.encode_articles(articles, out, embed=embed, batch_rows=3) == 11
    assert embed.batches == [3, 3, 3, 2]  # never the night's texts at once
    table = pq.read_table(out)
    assert table.schema.remove_metadata() == ARTICLE_EMBEDDINGS
    assert table.column("article_id").to_pylist() == [f"a{k:02d}" for k in range(11)]
    texts = [embeddings.story_text(f"title {k}", "one two three four") for k in range(11)]
    assert np.array_equal(embeddings.vectors_of(table), _CountingEmbedder()(texts))
    # A retried shard keeps them, whatever its batches; another text is encoded again.
    assert embeddings.encode_articles(articles, out, embed=embed, batch_rows=3) == 0
    assert embeddings.encode_articles(articles, out, embed=embed, batch_rows=5) == 0
    assert embed.batches == [3, 3, 3, 2]
    _articles_file(articles, [f"title {k}" for k in range(10)] + ["changed"])
    assert embeddings.encode_articles(articles, out, embed=embed, batch_rows=3) == 11
