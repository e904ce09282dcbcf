"""Catalog documents and embedders: the fake in every run, the bundled real model in a slow test."""

from __future__ import annotations

import numpy as np
import pytest

from index.embed import Embedder, HashEmbedder, SentenceEmbedder, document, document_hash, normalise, size_label

QWEN_CODER = {
    "num": 1,
    "id": "Qwen/Qwen2.5-Coder-7B-Instruct",
    "family": "qwen",
    "kind": "instruct",
    "params": 7_615_616_512,
    "tasks": '["chat","code"]',
    "languages": '["en","zh"]',
    "license": "apache-2.0",
    "description": "qwen instruct 7.6B parameters Qwen2ForCausalLM chat code safetensors apache-2.0 text-generation",
    "tags": '["transformers","safetensors","qwen2","text-generation","code","codeqwen","license:apache-2.0","en"]',
}
ROLEPLAY = {
    "num": 2,
    "id": "TheDrummer/Cydonia-22B-v1",
    "family": "mistral",
    "kind": "finetune",
    "params": 22_247_282_688,
    "tasks": '["roleplay","creative-writing"]',
    "languages": '["en"]',
    "license": "other",
    "description": "mistral finetune 22.2B parameters MistralForCausalLM roleplay creative-writing",
    "tags": '["transformers","roleplay","storytelling","nsfw","region:us"]',
}


def test_document_says_what_the_model_is():
    text = document(QWEN_CODER)
    assert text.startswith("Qwen/Qwen2.5-Coder-7B-Instruct. ")
    for part in ("7.6B", "chat code", "en zh", "codeqwen", "license apache-2.0", "Qwen2ForCausalLM"):
        assert part in text
    # no noise tags, and the description's repeats are dropped
    assert "region:" not in text and "license:apache" not in text and "safetensors" not in text
    assert text.count("7.6B") == 1 and text.count("apache-2.0") == 1
    assert 10 <= len(text.split()) <= 40


def test_document_takes_lists_or_json_and_skips_missing_fields():
    listed = dict(QWEN_CODER, tasks=["chat", "code"], languages=["en", "zh"])
    assert document(listed) == document(QWEN_CODER)
    assert document({"id": "a/b"}) == "a/b"
    assert document({}) == ""
    odd = {"id": "x/y", "params": "many", "tasks": "not json", "languages": None, "tags": "[1, 2]", "family": 3}
    assert document(odd) == "x/y. not json"


def test_document_is_short_even_for_a_long_description():
    assert len(document(dict(ROLEPLAY, description="word " * 5000))) <= 400


def test_size_labels():
    assert size_label(7_241_732_096) == "7.2B"
    assert size_label(135_000_000) == "135M"
    assert size_label(None) is None and size_label(0) is None and size_label(True) is None


def test_document_hash_changes_with_the_document_only():
    assert document_hash(document(QWEN_CODER)) == document_hash(document(dict(QWEN_CODER, downloads=5)))
    assert document_hash(document(QWEN_CODER)) != document_hash(document(dict(QWEN_CODER, license="mit")))


def test_hash_embedder_is_deterministic_and_normalised():
    one, two = HashEmbedder(32), HashEmbedder(32)
    texts = ["code model", "roleplay storytelling", "Code MODEL", "модель 代码"]
    first = one.embed(texts)
    assert first.dtype == np.float32 and first.shape == (4, 32)
    assert np.array_equal(first, two.embed(texts))
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.allclose(first[0], first[2])  # case does not matter
    assert isinstance(one, Embedder)
    assert one.calls == 1 and one.texts_embedded == 4


def test_hash_embedder_gives_zero_vectors_for_nothing_to_embed():
    vectors = HashEmbedder(16).embed(["", "🦙🔥", "   "])
    assert vectors.shape == (3, 16) and not vectors.any() and np.isfinite(vectors).all()
    assert HashEmbedder(16).embed([]).shape == (0, 16)


def test_normalise_keeps_zero_rows():
    rows = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]]) and rows.dtype == np.float32


def test_sentence_embedder_loads_nothing_until_used():
    embedder = SentenceEmbedder(batch_size=8)
    assert embedder._model is None and embedder.name == "all-MiniLM-L6-v2"
    assert SentenceEmbedder("/no/such/folder").name == "/no/such/folder"


@pytest.mark.slow
def test_bundled_model_puts_a_code_query_near_a_coder():
    import torch

    threads = torch.get_num_threads()
    embedder = SentenceEmbedder(batch_size=16)
    assert isinstance(embedder, Embedder)
    documents = embedder.embed([document(QWEN_CODER), document(ROLEPLAY)])
    assert documents.shape == (2, 384) and embedder.dim == 384 and documents.dtype == np.float32
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-5)
    query = embedder.embed(["code model"])[0]
    assert float(documents[0] @ query) > float(documents[1] @ query)
    story = embedder.embed(["a model for roleplay and stories"])[0]
    assert float(documents[1] @ story) > float(documents[0] @ story)
    odd = embedder.embed(["", "🦙", "x" * 10_000])
    assert odd.shape == (3, 384) and np.isfinite(odd).all()
    assert torch.get_num_threads() == threads
