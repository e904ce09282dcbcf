"""The FAISS vector index over a real catalog, with the hashing fake embedder: incremental updates,
crash repair, filtered and hybrid search, bad input, HNSW."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.embed import HashEmbedder, document
from index.rows import build_row
from index.store import Catalog
from index.vectors import SIDECAR, VectorIndex
from tests.records import record

DAY = "2026-11-23"


def models() -> list[dict[str, Any]]:
    return [
        record("mistralai/Mistral-7B-Instruct-v0.2", 900_000),
        record("NousResearch/Hermes-2-Pro-Mistral-7B", 50_000, tags=["transformers", "function-calling", "chatml"]),
        record("Qwen/Qwen2.5-Coder-7B-Instruct", 2_000_000, tags=["transformers", "code", "programming", "coder"]),
        record("bigcode/starcoder2-15b", 300_000, tags=["transformers", "code", "programming"]),
        record("TheDrummer/Cydonia-22B", 40_000, tags=["transformers", "roleplay", "storytelling", "creative"]),
        record("meta-llama/Llama-3.1-8B-Instruct", 5_000_000, tags=["transformers", "llama", "chat"]),
        record("google/gemma-2-9b-it", 400_000, tags=["transformers", "gemma", "chat"]),
        record("someone/tiny-chat", 50),
    ]


def apply(catalog: Catalog, records: list[dict[str, Any]], day: str = DAY) -> None:
    catalog.stage([build_row(item) for item in records])
    catalog.apply(complete=True, now=f"{day}T12:00:00.000Z", day=day, history_days=30)


def nums(catalog: Catalog) -> dict[str, int]:
    return {row["id"]: row["num"] for row in catalog.db.query("SELECT num, id FROM models")}


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    with Catalog(tmp_path / "catalog.db") as catalog:
        apply(catalog, models())
        yield catalog


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder(32)


def test_first_open_embeds_every_model_and_writes_the_pair(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    assert len(index) == 8 and embedder.texts_embedded == 8
    meta = json.loads((tmp_path / "vectors" / SIDECAR).read_text())
    assert meta["generation"] == catalog.generation() == 1
    assert meta["embedder"] == "hash-32" and meta["dim"] == 32 and meta["count"] == 8
    assert (tmp_path / "vectors" / meta["file"]).exists()
    assert len(list((tmp_path / "vectors").glob("*.faiss"))) == 1


def test_reopening_an_up_to_date_index_embeds_nothing(tmp_path, catalog, embedder):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    again = HashEmbedder(32)
    index = VectorIndex.open(tmp_path / "vectors", catalog, again)
    assert again.calls == 0 and len(index) == 8
    report = index.update(catalog, again)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, 8)
    assert again.texts_embedded == 0


def test_update_embeds_only_new_and_changed_documents(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    changed = models()
    changed[0] = record("mistralai/Mistral-7B-Instruct-v0.2", 950_000, tags=["transformers", "french", "chat"])
    changed[5] = record("meta-llama/Llama-3.1-8B-Instruct", 6_000_000, tags=["transformers", "llama", "chat"])
    changed.append(record("microsoft/phi-4", 700_000, tags=["transformers", "phi", "reasoning"]))
    apply(catalog, changed, day="2026-11-24")
    counter = HashEmbedder(32)
    report = index.update(catalog, counter)
    # Llama's download count moved, but its document did not: it is not re-embedded
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 0, 7)
    assert counter.texts_embedded == 2
    assert index.generation == catalog.generation() == 2
    row = next(catalog.db.query("SELECT * FROM models WHERE id = 'mistralai/Mistral-7B-Instruct-v0.2'"))
    assert "french" in document(row)
    stored = index.vectors_of(np.array([row["num"]]))
    assert np.allclose(stored, counter.embed([document(row)]))


def test_models_dropped_from_the_catalog_lose_their_vectors(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    gone = nums(catalog)["bigcode/starcoder2-15b"]
    apply(catalog, [item for item in models() if item["id"] != "bigcode/starcoder2-15b"], day="2026-11-24")
    report = index.update(catalog, embedder)
    assert (report.added, report.changed, report.removed) == (0, 0, 1)
    assert gone not in index.hashes and len(index) == 7
    assert all(num != gone for num, _ in index.search("code programming starcoder2", embedder, k=10))
    reopened = VectorIndex(tmp_path / "vectors")
    assert reopened.load(embedder) and gone not in reopened.hashes and reopened.index.ntotal == 7


def test_catalog_committed_but_index_not_written_is_repaired_on_open(tmp_path, catalog, embedder):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    changed = [item for item in models() if item["id"] != "someone/tiny-chat"]
    changed[1] = record("NousResearch/Hermes-2-Pro-Mistral-7B", 50_000, tags=["transformers", "json", "tools"])
    changed.append(record("microsoft/phi-4", 700_000, tags=["transformers", "phi", "reasoning"]))
    apply(catalog, changed, day="2026-11-24")  # the process "dies" here, before the index update
    stale = VectorIndex(tmp_path / "vectors")
    assert stale.load(embedder) and stale.stale(catalog)
    counter = HashEmbedder(32)
    index = VectorIndex.open(tmp_path / "vectors", catalog, counter)
    assert counter.texts_embedded == 2  # Hermes (changed) and phi-4 (new)
    assert set(index.hashes) == set(nums(catalog).values())
    assert index.generation == catalog.generation()


def test_stale_index_never_serves_models_gone_or_changed(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    before = nums(catalog)
    apply(catalog, [item for item in models() if "code" not in item["tags"]], day="2026-11-24")
    hits = index.search("code programming coder", embedder, k=10, catalog=catalog)
    served = {num for num, _ in hits}
    assert before["Qwen/Qwen2.5-Coder-7B-Instruct"] not in served and before["bigcode/starcoder2-15b"] not in served
    assert served <= set(nums(catalog).values()) and len(hits) == 6
    ids = [model_id for model_id, _ in index.hybrid_search(catalog, "coder", embedder, k=10)]
    assert "Qwen/Qwen2.5-Coder-7B-Instruct" not in ids


def test_deleted_index_file_is_rebuilt(tmp_path, catalog, embedder):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    for path in (tmp_path / "vectors").glob("*.faiss"):
        path.unlink()
    counter = HashEmbedder(32)
    index = VectorIndex.open(tmp_path / "vectors", catalog, counter)
    assert counter.texts_embedded == 8 and index.index.ntotal == 8


@pytest.mark.parametrize("target", ["index", "sidecar"])
def test_corrupt_files_are_rebuilt(tmp_path, catalog, embedder, target, caplog):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    folder = tmp_path / "vectors"
    path = next(folder.glob("*.faiss")) if target == "index" else folder / SIDECAR
    path.write_bytes(b"\x00garbage" * 10)
    counter = HashEmbedder(32)
    with caplog.at_level("WARNING", logger="index.vectors"):
        index = VectorIndex.open(folder, catalog, counter)
    assert "damaged" in caplog.text
    assert counter.texts_embedded == 8 and index.index.ntotal == 8
    assert VectorIndex(folder).load(embedder)


def test_truncated_index_file_is_rebuilt(tmp_path, catalog, embedder):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    path = next((tmp_path / "vectors").glob("*.faiss"))
    path.write_bytes(path.read_bytes()[:200])
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    assert index.index.ntotal == 8 and len(index.search("chat", embedder, k=3)) == 3


def test_another_embedder_rebuilds(tmp_path, catalog, embedder):
    VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    other = HashEmbedder(16)
    index = VectorIndex.open(tmp_path / "vectors", catalog, other)
    assert other.texts_embedded == 8 and index.dim == 16


def test_exact_names_rank_before_semantic_neighbours(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    hits = index.hybrid_search(catalog, "Hermes-2-Pro", embedder, k=5)
    assert hits[0][0] == "NousResearch/Hermes-2-Pro-Mistral-7B" and hits[0][1] >= 1.0
    assert len(hits) == 5 and all(score < 1.0 for _, score in hits[1:])
    mistral = [model_id for model_id, _ in index.hybrid_search(catalog, "mistral-7b", embedder, k=8)]
    assert set(mistral[:2]) == {"mistralai/Mistral-7B-Instruct-v0.2", "NousResearch/Hermes-2-Pro-Mistral-7B"}
    full = index.hybrid_search(catalog, "google/gemma-2-9b-it", embedder, k=3)
    assert full[0][0] == "google/gemma-2-9b-it"
    scores = [score for _, score in index.hybrid_search(catalog, "code", embedder, k=8)]
    assert scores == sorted(scores, reverse=True)


def test_hybrid_search_respects_allowed(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    by_id = nums(catalog)
    allowed = {by_id["google/gemma-2-9b-it"], by_id["someone/tiny-chat"], by_id["TheDrummer/Cydonia-22B"]}
    hits = index.hybrid_search(catalog, "Hermes-2-Pro", embedder, allowed=allowed, k=10)
    assert {model_id for model_id, _ in hits} == {"google/gemma-2-9b-it", "someone/tiny-chat", "TheDrummer/Cydonia-22B"}
    assert index.hybrid_search(catalog, "Hermes-2-Pro", embedder, allowed=set(), k=10) == []


def test_filtered_search_returns_only_allowed_and_k_of_them(tmp_path, embedder):
    rng = np.random.default_rng(7)
    with Catalog(tmp_path / "big.db") as catalog:
        words = ["chat", "code", "roleplay", "math", "vision", "tools", "french", "tiny", "long", "agent"]
        records = [
            record(f"org{i % 37}/model-{i}", 1000 + i, tags=["transformers", *rng.choice(words, 3, replace=False)])
            for i in range(600)
        ]
        apply(catalog, records)
        index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
        all_nums = sorted(nums(catalog).values())
        for size in (1, 5, 10, 40, 300):
            allowed = set(rng.choice(all_nums, size, replace=False).tolist())
            hits = index.search("roleplay french", embedder, allowed=allowed, k=10)
            assert len(hits) == min(10, size)
            assert {num for num, _ in hits} <= allowed
            # the best of the allowed, as an exhaustive scan finds them
            query = embedder.embed(["roleplay french"])[0]
            exact = sorted((float(index.vectors_of(np.array([n]))[0] @ query) for n in allowed), reverse=True)
            assert [round(score, 5) for _, score in hits] == [round(score, 5) for score in exact[: len(hits)]]
        unknown = index.search("chat", embedder, allowed={10_000_000, 10_000_001}, k=10)
        assert unknown == []


@pytest.mark.parametrize("strategy", ["gather", "scan", "selector"])
def test_filter_strategies_agree(tmp_path, catalog, embedder, monkeypatch, strategy):
    import index.vectors as vectors

    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    allowed = set(list(nums(catalog).values())[:5])
    expected = index.search("code chat", embedder, allowed=allowed, k=3)
    monkeypatch.setattr(vectors, "FILTER_STRATEGY", strategy)
    found = index.search("code chat", embedder, allowed=allowed, k=3)
    assert [round(score, 5) for _, score in found] == [round(score, 5) for _, score in expected]
    assert {num for num, _ in found} <= allowed
    assert len(index.search("code chat", embedder, allowed=allowed, k=10)) == 5


def test_unfiltered_flat_search_equals_faiss(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    query = embedder.embed(["code chat model"])
    scores, ids = index.index.search(query, 5)
    hits = index.search("code chat model", embedder, k=5)
    assert [round(score, 5) for _, score in hits] == [round(float(score), 5) for score in scores[0]]
    assert set(ids[0].tolist()) == {num for num, _ in hits} or len(set(scores[0].round(5))) < 5


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "🦙🔥🤖",
        "модель для кода 代码模型 code",
        "zzqx nothing matches this",
        "\x00\n\t",
        'a OR b NEAR "c*',
        "word " * 3000,
    ],
)
def test_bad_input_gives_a_list_not_an_exception(tmp_path, catalog, embedder, text):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    hits = index.search(text, embedder, k=5)
    assert isinstance(hits, list) and len(hits) <= 5
    named = index.hybrid_search(catalog, text, embedder, k=5)
    assert isinstance(named, list) and len(named) <= 5
    assert all(isinstance(model_id, str) for model_id, _ in named)
    assert index.search(text, embedder, allowed=[], k=5) == []
    assert index.search(text, embedder, k=0) == []


def test_empty_and_emoji_only_queries_find_nothing(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
    assert index.search("", embedder) == [] and index.search("🦙🔥", embedder) == []
    assert index.hybrid_search(catalog, "", embedder) == []


def test_empty_catalog(tmp_path, embedder):
    with Catalog(tmp_path / "empty.db") as catalog:
        index = VectorIndex.open(tmp_path / "vectors", catalog, embedder)
        assert len(index) == 0 and index.search("chat", embedder) == []
        assert index.hybrid_search(catalog, "chat", embedder) == []
        assert VectorIndex(tmp_path / "vectors").load(embedder)


def test_hnsw_index_updates_and_searches(tmp_path, catalog, embedder):
    index = VectorIndex.open(tmp_path / "vectors", catalog, embedder, kind="hnsw", hnsw_m=16, ef_search=32)
    flat = VectorIndex.open(tmp_path / "flat", catalog, embedder)
    scores = [round(score, 5) for _, score in index.search("code", embedder, k=3)]
    assert scores == [round(score, 5) for _, score in flat.search("code", embedder, k=3)]
    apply(catalog, [item for item in models() if item["id"] != "bigcode/starcoder2-15b"], day="2026-11-24")
    report = index.update(catalog, embedder)
    assert report.removed == 1 and index.index.ntotal == 7
    again = VectorIndex(tmp_path / "vectors", kind="hnsw")
    assert again.load(embedder) and again.index.ntotal == 7
    assert not VectorIndex(tmp_path / "vectors", kind="flat").load(embedder)  # kind changed: rebuild


def test_hnsw_recall_at_10_matches_flat_on_random_vectors(tmp_path):
    import faiss

    rng = np.random.default_rng(0)
    dim, count = 32, 20_000
    data = rng.standard_normal((count, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = rng.standard_normal((200, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = np.arange(1, count + 1, dtype=np.int64)
    flat = VectorIndex(tmp_path / "flat")
    hnsw = VectorIndex(tmp_path / "hnsw", kind="hnsw")
    for index in (flat, hnsw):
        index.clear(dim)
        index.add(ids, data)
    assert faiss.downcast_index(hnsw.index.index).hnsw.efSearch == hnsw.ef_search
    found = 0
    for query in queries:
        truth = {num for num, _ in flat.search_vector(query, k=10)}
        found += len(truth & {num for num, _ in hnsw.search_vector(query, k=10)})
    assert found / (10 * len(queries)) >= 0.99


def test_hnsw_answers_text_exactly_and_documents_through_the_graph(tmp_path):
    rng = np.random.default_rng(1)
    dim, count = 16, 3_000
    data = rng.standard_normal((count, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    ids = np.arange(1, count + 1, dtype=np.int64)
    hnsw = VectorIndex(tmp_path / "hnsw", kind="hnsw", hnsw_m=4, ef_search=4, ef_construction=8)
    flat = VectorIndex(tmp_path / "flat")
    for index in (flat, hnsw):
        index.clear(dim)
        index.add(ids, data)
    misses = 0
    for query in rng.standard_normal((50, dim)).astype(np.float32):
        query /= np.linalg.norm(query)
        truth = flat.search_vector(query, k=10)
        assert hnsw.search_vector(query, k=10, approximate=False) == truth  # what search(text) uses
        misses += len({n for n, _ in truth} - {n for n, _ in hnsw.search_vector(query, k=10)})
    assert misses > 0  # a tiny graph with efSearch 4 does miss: the exact path is a different path
