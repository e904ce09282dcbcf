"""Memory fit: weights from real file sizes or bits per weight, KV cache with GQA and sliding windows, levels,
the choice of quant, and the estimate against the real GGUF file sizes of ../shared/data/gguf."""

from __future__ import annotations

import csv
from dataclasses import replace
from typing import Any

import pytest

from bot.render import note_of, reason_text
from recommender.fit import (
    GB,
    OVERHEAD_BYTES,
    Budget,
    QuantFile,
    Shape,
    best_fit,
    estimate,
    kv_cache,
    kv_cache_bytes,
    level_of,
)
from tests.hubserver import shared_data_dir

LLAMA_8B = Shape(params=8_030_261_248, architecture="LlamaForCausalLM", n_layers=32, n_kv_heads=8, head_dim=128)
GEMMA3_12B = Shape(
    params=12_187_325_040,
    architecture="Gemma3ForCausalLM",
    n_layers=48,
    n_kv_heads=8,
    head_dim=256,
    sliding_window=1024,
)


def test_kv_cache_uses_grouped_query_attention() -> None:
    kv, guessed = kv_cache_bytes(LLAMA_8B, 8192)
    assert not guessed
    assert kv == 2 * 32 * 8192 * 8 * 128 * 2  # 1.07 GB at 8k for Llama 3 8B


def test_sliding_window_layers_hold_only_the_window() -> None:
    windowed, _ = kv_cache_bytes(GEMMA3_12B, 32768)
    dense = 2 * 48 * 32768 * 8 * 256 * 2
    assert windowed < dense / 4  # 5 of 6 layers keep 1024 tokens


def test_unknown_geometry_takes_the_fallback_row_of_a_real_config_and_says_so() -> None:
    kv, guessed, note = kv_cache(Shape(params=7_000_000_000, architecture="Qwen2ForCausalLM"), 4096)
    assert guessed and kv == 2 * 28 * 4096 * 4 * 128 * 2  # the Qwen2-7B row, not a 2023 multi-head layout
    assert note is not None and note["name"] == "Qwen2-7B" and "qwen2_7b.json" in note["source"]
    unknown, guessed, note = kv_cache(Shape(params=8_000_000_000, architecture="SomethingNew"), 4096)
    assert guessed and unknown == 2 * 32 * 4096 * 8 * 128 * 2 and "Llama-3.1-8B" in (note or {}).get("name", "")
    fit = best_fit(Shape(params=7_000_000_000, architecture="Qwen2ForCausalLM"), Budget(16))
    assert any("Qwen2-7B" in line for line in note_texts(fit))


def test_no_parameter_count_and_no_geometry_is_conservative() -> None:
    kv, guessed = kv_cache_bytes(Shape(params=None), 4096)
    assert guessed and kv >= 2 * 32 * 4096 * 32 * 128 * 2 * 0.99  # Llama 2 7B without GQA


def test_kv_cache_quantization_and_its_note() -> None:
    f16, _ = kv_cache_bytes(LLAMA_8B, 8192)
    q8, _ = kv_cache_bytes(LLAMA_8B, 8192, "q8_0")
    q4, _ = kv_cache_bytes(LLAMA_8B, 8192, "q4_0")
    assert q8 == f16 * 34 / 64 and q4 == f16 * 18 / 64
    fit = best_fit(LLAMA_8B, Budget(8, "vram", 32768, kv_cache="q8_0"))
    assert fit.estimate is not None and fit.estimate.kv_cache == "q8_0"
    assert "KV cache quantized to q8_0" in note_texts(fit)


def test_vision_adds_the_projector() -> None:
    with_file = replace(LLAMA_8B, mmproj_bytes=600_000_000)
    plain = estimate(with_file, "Q4_K_M", 4096)
    seeing = estimate(with_file, "Q4_K_M", 4096, vision=True)
    assert plain is not None and seeing is not None
    assert seeing.needed_bytes - plain.needed_bytes == 600_000_000
    guessed = estimate(LLAMA_8B, "Q4_K_M", 4096, vision=True)
    assert guessed is not None and guessed.mmproj_bytes > 0
    fit = best_fit(LLAMA_8B, Budget(16, vision=True))
    assert "vision projector size estimated (no mmproj file listed)" in note_texts(fit)


def test_moe_counts_every_expert_and_says_the_active_size() -> None:
    moe = Shape(params=46_700_000_000, n_layers=32, n_kv_heads=8, head_dim=128, experts=8, active_params=12_900_000_000)
    fit = best_fit(moe, Budget(64))
    assert fit.estimate is not None and fit.estimate.weights_bytes > 46.7e9 * 4.5 / 8
    assert any("all 8 experts in memory" in note and "12.9B active" in note for note in note_texts(fit))


def test_real_file_sizes_are_used_exactly() -> None:
    files = [
        QuantFile("m-Q4_K_M.gguf", "Q4_K_M", 4_920_734_496),
        QuantFile("big/m-Q8_0-00001-of-00002.gguf", "Q8_0", 5_000_000_000),
        QuantFile("big/m-Q8_0-00002-of-00002.gguf", "Q8_0", 3_540_000_000),
    ]
    q4 = estimate(LLAMA_8B, "Q4_K_M", 4096, files)
    q8 = estimate(LLAMA_8B, "Q8_0", 4096, files)
    assert q4 is not None and q4.exact_weights and q4.weights_bytes == 4_920_734_496
    assert q8 is not None and q8.weights_bytes == 8_540_000_000 and q8.file == "big/m-Q8_0-00001-of-00002.gguf"


def note_texts(fit: Any) -> list[str]:
    """The fit's remarks worded in English, as the fronts show them."""
    return [reason_text(note, "en") for note in fit.notes]


def test_levels_per_memory_kind() -> None:
    assert level_of(10 * GB, Budget(12, "vram")) == "gpu"
    assert level_of(14 * GB, Budget(12, "vram")) == "no"  # no RAM stated: nothing is offloaded
    assert level_of(14 * GB, Budget(12, "vram", offload_ram_gb=32)) == "partial"  # RAM stated beside the GPU
    assert level_of(50 * GB, Budget(12, "vram", offload_ram_gb=32)) == "no"
    assert level_of(10 * GB, Budget(16, "ram")) == "cpu"
    assert level_of(14 * GB, Budget(16, "ram")) == "no"  # the OS keeps 15%
    assert level_of(11 * GB, Budget(16, "unified")) == "gpu"  # 70% of 16 GB = 11.2 GB
    assert level_of(12 * GB, Budget(16, "unified")) == "no"  # over the share the GPU may use
    assert level_of(14 * GB, Budget(16, "unified", unified_share=0.9)) == "gpu"


def test_best_fit_prefers_quality_then_goes_lower_and_says_so() -> None:
    roomy = best_fit(LLAMA_8B, Budget(16, "vram", 8192))
    assert roomy.level == "gpu" and roomy.estimate is not None and roomy.estimate.quant == "Q8_0"  # never F16
    tight = best_fit(LLAMA_8B, Budget(5.5, "vram", 4096))  # Q4_K_M needs 5.9 GB: a Q3 on the GPU, said so
    assert tight.level == "gpu" and tight.estimate is not None and tight.estimate.quant == "Q3_K_M"
    assert tight.below_preferred and any("below Q4_K_M" in note for note in note_texts(tight))
    offload = best_fit(LLAMA_8B, Budget(5.5, "vram", 4096, offload_ram_gb=16))  # RAM stated: Q4_K_M, offloaded
    assert offload.level == "partial" and offload.estimate is not None and offload.estimate.quant == "Q4_K_M"
    ram = best_fit(LLAMA_8B, Budget(6.5, "ram", 4096))  # 85% of it: 5.5 GB for the model
    assert ram.level == "cpu" and ram.below_preferred and ram.estimate is not None
    assert ram.estimate.quant == "Q3_K_M"  # Q2_K is under the quality floor: never offered unasked
    nothing = best_fit(LLAMA_8B, Budget(5, "ram"))  # only Q2_K would fit: under the floor, not offered
    assert nothing.level == "no" and not nothing.fits
    asked = best_fit(LLAMA_8B, Budget(5.5, "ram"), asked=["Q2_K"])  # named by the user: offered
    assert asked.estimate is not None and asked.estimate.quant == "Q2_K"
    full = best_fit(LLAMA_8B, Budget(32, "vram"), asked=["F16"])
    assert full.estimate is not None and full.estimate.quant == "F16"


def test_no_budget_means_q4_k_m_and_its_memory() -> None:
    sizes = {"Q2_K": 3_200_000_000, "Q4_K_M": 4_920_000_000, "Q8_0": 8_540_000_000, "F16": 16_100_000_000}
    files = [QuantFile(f"m-{quant}.gguf", quant, size) for quant, size in sizes.items()]
    chosen = best_fit(LLAMA_8B, Budget(1e6), files, target="Q4_K_M")
    assert chosen.estimate is not None and chosen.estimate.exact_weights
    assert chosen.estimate.quant == "Q4_K_M"
    without = best_fit(LLAMA_8B, Budget(1e6), [f for f in files if f.quant != "Q4_K_M"], target="Q4_K_M")
    assert without.estimate is not None and without.estimate.quant == "Q8_0"  # nearest allowed; never F16 or Q2_K


def test_needed_memory_adds_weights_kv_and_overhead() -> None:
    result = estimate(LLAMA_8B, "Q4_K_M", 8192)
    assert result is not None and not result.exact_weights
    assert result.needed_bytes == pytest.approx(result.weights_bytes + result.kv_bytes + OVERHEAD_BYTES)
    assert 4.7 * GB < result.weights_bytes < 5.1 * GB


def _shared_gguf_rows() -> list[dict[str, str]]:
    base = shared_data_dir()
    if base is None:
        pytest.skip("../shared/data not found: the GGUF size check needs the real file sizes beside the checkout")
    with (base / "gguf" / "thebloke-gguf-files.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _params_from_dims(row: dict[str, str]) -> tuple[int, int] | None:
    """(parameters, output-layer parameters) of a llama-like GGUF from its architecture dimensions."""
    try:
        vocab, hidden, layers = int(row["vocab_size"]), int(row["embedding_size"]), int(row["hidden_layer_size"])
        ffn, heads = int(row["intermediate_size"]), int(row["attention_head_size"])
        kv_heads = int(row["key_value_head_size"]) or heads
    except ValueError:
        return None
    if not (vocab and hidden and layers and ffn and heads):
        return None
    experts = 8 if row["architecture"] == "mixtral" else 1
    attention = 2 * hidden * hidden + 2 * hidden * kv_heads * (hidden // heads)
    return 2 * vocab * hidden + layers * (attention + 3 * hidden * ffn * experts), vocab * hidden


def test_weights_estimate_within_5_percent_of_real_gguf_sizes() -> None:
    rows = _shared_gguf_rows()
    errors = []
    for row in rows:
        dims = _params_from_dims(row)
        if dims is None or row["quant"] not in ("Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_0", "Q4_K_S", "Q4_K_M",
                                                "Q5_0", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0"):  # fmt: skip
            continue
        params, output = dims
        result = estimate(Shape(params=params, output_params=output), row["quant"], 4096)  # size hidden
        assert result is not None and not result.exact_weights
        errors.append(abs(result.weights_bytes / int(row["size_bytes"]) - 1))
    assert len(errors) > 10_000
    within = sum(error <= 0.05 for error in errors) / len(errors)
    assert within >= 0.95, within


def test_known_sizes_from_shared_data_are_used_exactly() -> None:
    rows = [row for row in _shared_gguf_rows() if row["gguf_repo"] == "TheBloke/Llama-2-7B-GGUF"]
    if not rows:
        pytest.skip("TheBloke/Llama-2-7B-GGUF is not in the shared GGUF table")
    files = [QuantFile(row["gguf_file"], row["quant"], int(row["size_bytes"])) for row in rows]
    for row in rows:
        result = estimate(Shape(params=6_738_415_616), row["quant"], 4096, files)
        assert result is not None and result.exact_weights and result.weights_bytes == int(row["size_bytes"])


def test_service_fit_takes_the_kv_cache_type_and_vision(home) -> None:
    from index.store import Catalog
    from recommender.parse import ParserOptions, RequestParser
    from recommender.service import Sommelier

    with Catalog(home / "catalog.db") as catalog:
        service = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))
        plain = service.fit("mistralai/Mistral-7B-Instruct-v0.2", 8, "vram", 32768).to_dict()
        q8 = service.fit("mistralai/Mistral-7B-Instruct-v0.2", 8, "vram", 32768, kv_cache="q8_0").to_dict()
        seeing = service.fit("mistralai/Mistral-7B-Instruct-v0.2", 24, "vram", 4096, vision=True).to_dict()
    assert plain["kv_cache_type"] == "f16" and q8["kv_cache_type"] == "q8_0"
    assert q8["kv_cache_gb"] == pytest.approx(plain["kv_cache_gb"] * 34 / 64, abs=0.02)
    assert "KV cache quantized to q8_0" in [reason_text(note_of(note), "en") for note in q8["notes"]]
    assert seeing["mmproj_gb"] and seeing["mmproj_gb"] > 0
