"""KV cache accuracy on real config.json files (tests/fixtures/configs/, sources in SOURCES.md).

For each config the expected geometry is written out by hand below from the file — (full-attention layers,
sliding-window layers, window, KV heads, head dim), or (layers, latent width) for multi-head latent attention —
and the KV cache that `shape_from_config` + `recommender.fit.kv_cache_bytes` compute at 4k and 32k tokens must be
within ±5% of 2 × layers × context × kv_heads × head_dim × bytes with the architecture rules:
sliding layers hold the window + one 512-token micro-batch; a window on every layer counts as full attention
(llama.cpp caches the full context there); recurrent layers hold nothing; MLA caches one latent per token.
"""

from __future__ import annotations

import json

import pytest

from index.shapes import shape_from_config
from recommender.fit import kv_cache_bytes
from tests.real_configs import CONFIGS, config_shape

UBATCH = 512

# name: (full layers, sliding layers, window, KV heads, head dim)
EXPECTED: dict[str, tuple[int, int, int, int, int]] = {
    "AI21-Jamba-1.5-Mini": (4, 0, 0, 8, 128),  # attention in layers 4, 12, 20, 28 of 32; the rest Mamba
    "Falcon-H1-0.5B": (36, 0, 0, 2, 64),  # attention beside Mamba in every layer
    "Mixtral-8x7B-v0.1": (32, 0, 0, 8, 128),
    "Qwen3.5-35B-A3B-text": (10, 0, 0, 2, 256),  # one full-attention layer in 4, gated DeltaNet otherwise
    "aya-23": (32, 0, 0, 8, 128),
    "baichuan": (32, 0, 0, 32, 128),
    "chatglm": (28, 0, 0, 2, 128),  # multi_query_group_num
    "codellama_34b": (48, 0, 0, 8, 128),
    "codellama_7b": (32, 0, 0, 32, 128),
    "deepseek": (28, 0, 0, 16, 128),
    "gemma-3-27b-it": (10, 52, 1024, 16, 128),  # text_config; 5 of 6 layers local
    "gemma2_27b": (23, 23, 4096, 16, 128),  # local and global alternate
    "gemma2_2b": (13, 13, 4096, 4, 256),
    "gemma2_9b": (21, 21, 4096, 8, 256),
    "gemma3_1b_it": (4, 22, 512, 1, 256),
    "gemma_2b": (18, 0, 0, 1, 256),  # multi-query
    "gemma-7b": (28, 0, 0, 16, 256),  # head_dim 256, not hidden / heads (192)
    "gpt-neox-20b": (44, 0, 0, 64, 96),
    "gpt-oss-20b": (12, 12, 128, 8, 64),  # layer_types
    "gpt2": (12, 0, 0, 12, 64),
    "gpt_bigcode": (24, 0, 0, 1, 128),  # multi_query: true
    "gpt_j": (28, 0, 0, 16, 256),
    "internlm": (32, 0, 0, 32, 128),
    "internlm2": (32, 0, 0, 8, 128),
    "internlm2_5_7b": (32, 0, 0, 8, 128),
    "llama2_70b": (80, 0, 0, 8, 128),
    "llama2_7b": (32, 0, 0, 32, 128),
    "llama3_1_70b": (80, 0, 0, 8, 128),
    "llama3_1_8b": (32, 0, 0, 8, 128),
    "llama3_2_1b": (16, 0, 0, 8, 64),
    "minicpm-moe-8x2b": (40, 0, 0, 36, 64),
    "minicpm_2b": (40, 0, 0, 36, 64),
    "ministral3_3b_2512": (26, 0, 0, 8, 128),  # text_config
    "mistral_7b": (32, 0, 0, 8, 128),  # v0.1: a 4096 window on every layer, cached in full by llama.cpp
    "mistral_7b_v03": (32, 0, 0, 8, 128),
    "olmo2_32b": (64, 0, 0, 8, 128),
    "olmo2_7b": (32, 0, 0, 32, 128),
    "orion": (40, 0, 0, 40, 128),
    "phi-1_5": (24, 0, 0, 32, 64),
    "phi-2": (32, 0, 0, 32, 80),
    "phi-3_5": (32, 0, 0, 32, 96),  # sliding_window 262144 on every layer: full
    "phi-3_5-vision": (32, 0, 0, 32, 96),
    "phi-4": (32, 0, 0, 8, 128),
    "qwen": (24, 0, 0, 16, 128),  # kv_channels
    "qwen2": (24, 0, 0, 16, 128),  # use_sliding_window: false
    "qwen2.5_3b": (36, 0, 0, 2, 128),
    "qwen2_0_5b": (24, 0, 0, 2, 64),
    "qwen2_7b": (28, 0, 0, 4, 128),
    "qwen2moe": (24, 0, 0, 16, 128),
    "qwen3_0.6b": (28, 0, 0, 8, 128),
    "qwen3_1.7b": (28, 0, 0, 8, 128),
    "redpajama_3b_v1": (32, 0, 0, 32, 80),
    "smollm2_135m": (30, 0, 0, 3, 64),
    "smollm_1_7b": (24, 0, 0, 32, 64),
    "stablelm": (32, 0, 0, 32, 80),
    "stablelm-2-zephyr-1_6b": (24, 0, 0, 32, 64),
    "starcoder2": (32, 0, 0, 4, 128),  # a window on every layer: full
    "tinyllama_1b_chat_v1.0": (22, 0, 0, 4, 64),
}
# multi-head latent attention: name: (layers, kv_lora_rank + qk_rope_head_dim)
EXPECTED_MLA: dict[str, tuple[int, int]] = {"deepseek_v2_lite": (27, 512 + 64)}
UNKNOWN = {"llava"}  # text_config names its base and leaves the geometry to transformers' defaults


def test_every_fixture_is_checked_and_there_are_at_least_30() -> None:
    names = {path.stem for path in CONFIGS.glob("*.json")}
    assert names == set(EXPECTED) | set(EXPECTED_MLA) | UNKNOWN
    assert len(EXPECTED) + len(EXPECTED_MLA) >= 30
    assert all(name in (CONFIGS / "SOURCES.md").read_text() for name in names)


@pytest.mark.parametrize("context", [4096, 32768])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_kv_cache_within_5_percent(name: str, context: int) -> None:
    full, swa, window, kv_heads, head_dim = EXPECTED[name]
    expected = 2 * kv_heads * head_dim * 2 * (full * context + swa * min(context, window + UBATCH))
    computed, guessed = kv_cache_bytes(config_shape(name), context)
    assert not guessed
    assert computed == pytest.approx(expected, rel=0.05), name


@pytest.mark.parametrize("context", [4096, 32768])
def test_mla_caches_the_latent(context: int) -> None:
    for name, (layers, latent) in EXPECTED_MLA.items():
        computed, guessed = kv_cache_bytes(config_shape(name), context)
        assert not guessed and computed == pytest.approx(layers * context * latent * 2, rel=0.05)
        dense = 2 * layers * context * 16 * 128 * 2
        assert computed < dense / 7  # the reason MLA exists


def test_unknown_text_config_is_not_guessed_from_the_vision_tower() -> None:
    shape = shape_from_config(json.loads((CONFIGS / "llava.json").read_text()))
    assert shape.n_layers is None and not shape.has_geometry
    assert shape.context_length == 4096  # stated in the text config


def test_quantized_cache_scales_every_rule() -> None:
    for name in ("gemma-3-27b-it", "Qwen3.5-35B-A3B-text", "deepseek_v2_lite", "llama3_1_8b"):
        f16, _ = kv_cache_bytes(config_shape(name), 32768)
        q8, _ = kv_cache_bytes(config_shape(name), 32768, "q8_0")
        q4, _ = kv_cache_bytes(config_shape(name), 32768, "q4_0")
        assert q8 == pytest.approx(f16 * 1.0625 / 2) and q4 == pytest.approx(f16 * 0.5625 / 2)
