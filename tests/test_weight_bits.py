"""Non-GGUF quantized repos get their real format and bits (index/weight_bits.py), the catalog stores them, and
the recommender shows them ("GPTQ 4-bit", "MLX 4-bit") with memory from their own bits, never a GGUF quant name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.rows import build_row
from index.schema import MODEL_COLUMNS
from index.store import Catalog
from index.weight_bits import WeightBits, safetensors_bytes, weight_bits
from recommender import formats
from recommender.filters import Filters
from recommender.fit import BITS_PER_WEIGHT, GB
from recommender.parse import ParserOptions, RequestParser
from recommender.recommend import Recommender
from recommender.service import Sommelier
from recommender.view import CatalogView

GGUF_NAMES = {name.upper() for name in BITS_PER_WEIGHT} | {"Q4_K_XL", "UD-Q4_K_XL", "MXFP4"}


@pytest.mark.parametrize(
    ("model_id", "config", "label", "group"),
    [
        ("TheBloke/Llama-2-7B-Chat-GPTQ", {"quant_method": "gptq", "bits": 4, "group_size": 128}, "GPTQ 4-bit", 128),
        ("TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ", {"quant_method": "gptq", "bits": 4, "group_size": -1},
         "GPTQ 4-bit", None),
        ("Qwen/Qwen3-8B-AWQ", {"quant_method": "awq", "bits": 4, "group_size": 128, "version": "gemm"},
         "AWQ 4-bit", 128),
        ("x/y-AWQ", {"quant_method": "awq", "w_bit": 4, "q_group_size": 64}, "AWQ 4-bit", 64),
        ("unsloth/llama-3-8b-Instruct-bnb-4bit",
         {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf4"}, "bnb 4-bit", None),
        ("x/y-8bit", {"quant_method": "bitsandbytes", "load_in_8bit": True}, "bnb 8-bit", None),
        ("mlx-community/gemma-3-27b-it-8Bit", {"group_size": 64, "bits": 8}, "MLX 8-bit", 64),
        ("deepseek-ai/DeepSeek-V3", {"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]},
         "FP8 8-bit", None),
        ("openai/gpt-oss-20b", {"quant_method": "mxfp4"}, "MXFP4 4-bit", None),
        ("RedHatAI/Llama-3.1-8B-Instruct-quantized.w4a16",
         {"quant_method": "compressed-tensors",
          "config_groups": {"group_0": {"weights": {"num_bits": 4, "group_size": 128}}}}, "compressed-tensors 4-bit",
         None),
        ("x/y-exl2", {"quant_method": "exl2", "bits": 4.65}, "EXL2 4.65 bpw", None),
    ],
)  # fmt: skip
def test_bits_from_the_quantization_config(model_id: str, config: dict, label: str, group: int | None) -> None:
    found = weight_bits(model_id, {"quantization_config": config})
    assert found is not None
    assert found.label == label
    assert found.source == "config"
    assert found.group_size == group


@pytest.mark.parametrize(
    ("model_id", "formats", "label"),
    [
        ("mlx-community/Meta-Llama-3.1-8B-Instruct-4bit", (), "MLX 4-bit"),
        ("mlx-community/Qwen3-30B-A3B-8Bit", (), "MLX 8-bit"),
        ("lmstudio-community/gpt-oss-120b-MLX-8bit", (), "MLX 8-bit"),
        ("turboderp/Qwen3-32B-exl2-4.65bpw", (), "EXL2 4.65 bpw"),
        ("LoneStriker/Mistral-7B-Instruct-v0.2-6.0bpw-h6-exl2", (), "EXL2 6 bpw"),
        ("bartowski/Llama-3-8B-Instruct-exl2-3_5bpw", (), "EXL2 3.5 bpw"),
        ("x/Llama-3-70B-3bpw-h6-exl2", (), "EXL2 3 bpw"),
        ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int8", (), "GPTQ 8-bit"),
        ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", (), "GPTQ 4-bit"),
        ("TheBloke/Mistral-7B-Instruct-v0.2-AWQ", (), "AWQ 4-bit"),
        ("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", (), "AWQ 4-bit"),
        ("unsloth/Qwen3-8B-unsloth-bnb-4bit", (), "bnb 4-bit"),
        ("Qwen/Qwen3-30B-A3B-FP8", (), "FP8 8-bit"),
        ("someone/model-in-mlx", ("mlx", "safetensors"), "MLX 4-bit"),
    ],
)
def test_bits_from_the_repo_name(model_id: str, formats: tuple[str, ...], label: str) -> None:
    found = weight_bits(model_id, None, formats)
    assert found is not None and found.label == label and found.source == "name"


@pytest.mark.parametrize(
    "model_id", ["bartowski/Qwen_Qwen3-8B-GGUF", "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-8B", "x/y-8b"]
)
def test_gguf_and_unquantized_repos_have_none(model_id: str) -> None:
    assert weight_bits(model_id, {"torch_dtype": "bfloat16"}, ("safetensors",)) is None


def test_config_beats_the_name_and_the_name_fills_missing_bits() -> None:
    found = weight_bits("x/y-8bit", {"quantization_config": {"quant_method": "gptq", "bits": 4}})
    assert found is not None and found.label == "GPTQ 4-bit"
    found = weight_bits("x/y-exl2-5.0bpw", {"quantization_config": {"quant_method": "exl2"}})
    assert found is not None and found.bits == 5.0 and found.source == "name"


def test_bits_from_the_file_sizes_when_nothing_else_says() -> None:
    files = [("model-00001-of-00002.safetensors", 3_000_000_000), ("model-00002-of-00002.safetensors", 1_000_000_000)]
    found = weight_bits("x/some-exl2", None, (), files, None, params=8_000_000_000)
    assert found is not None and found.format == "exl2"
    assert found.bits == 4.0 and found.source == "files" and found.weight_bytes == 4_000_000_000
    assert found.label == "EXL2 4 bpw"


def test_weight_bytes_from_files_else_from_the_safetensors_summary() -> None:
    assert safetensors_bytes([("a.safetensors", 10), ("b.safetensors", 20), ("README.md", 5)]) == 30
    summary = {"parameters": {"I32": 875003904, "F16": 1299231744}, "total": 2174235648}
    assert safetensors_bytes([("a.safetensors", None)], summary) == 875003904 * 4 + 1299231744 * 2
    assert safetensors_bytes([], {"parameters": {"WEIRD": 5}}) is None
    config = {"quantization_config": {"quant_method": "awq", "bits": 4}}
    found = weight_bits("Qwen/Qwen3-8B-AWQ", config, (), [], summary)
    assert found is not None and found.weight_bytes == 875003904 * 4 + 1299231744 * 2  # the real repo holds 6.1 GB


def test_effective_bits_and_bytes() -> None:
    assert WeightBits("gptq", 4, 128).effective_bits == 4.25
    assert WeightBits("mlx", 4, 64).effective_bits == 4.5
    assert WeightBits("exl2", 4.65).effective_bits == 4.65
    assert WeightBits("awq", 4, 128).weights_bytes(8_000_000_000) == 4.25e9
    assert WeightBits("awq", 4, 128, "config", 5_000_000_000).weights_bytes(8_000_000_000) == 5e9
    assert WeightBits("awq", None).weights_bytes(8_000_000_000) is None


def test_stored_form_round_trips() -> None:
    value = WeightBits("exl2", 4.65, None, "name", 123)
    assert WeightBits.from_json(value.to_json()) == value
    assert WeightBits.from_json(None) is None
    assert WeightBits.from_json("not json") is None
    assert WeightBits.from_json('{"bits": 4}') is None


def test_build_row_stores_the_bits() -> None:
    record = {
        "id": "Qwen/Qwen3-8B-AWQ",
        "config": {"model_type": "qwen3", "quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 128}},
        "safetensors": {"parameters": {"I32": 875003904, "F16": 1299231744}, "total": 2174235648},
        "tags": ["awq", "base_model:quantized:Qwen/Qwen3-8B"],
    }
    row = build_row(record)
    assert row is not None
    stored = row[[name for name, _ in MODEL_COLUMNS].index("weight_bits")]
    assert WeightBits.from_json(stored) == WeightBits("awq", 4.0, 128, "config", 875003904 * 4 + 1299231744 * 2)
    plain = build_row({"id": "Qwen/Qwen3-8B", "config": {"model_type": "qwen3"}})
    assert plain is not None and plain[[name for name, _ in MODEL_COLUMNS].index("weight_bits")] is None


# -- the catalog synced from the loopback Hub ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(home: Path) -> Iterator[Sommelier]:
    with Catalog(home / "catalog.db") as catalog:
        yield Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))


@pytest.fixture(scope="module")
def view(service: Sommelier) -> CatalogView:
    return service.recommender.view


def test_the_synced_catalog_knows_the_bits(view: CatalogView) -> None:
    expected = {
        "TheBloke/Llama-2-7B-Chat-GPTQ": "GPTQ 4-bit",
        "Qwen/Qwen2.5-7B-Instruct-AWQ": "AWQ 4-bit",
        "mlx-community/Meta-Llama-3.1-8B-Instruct-4bit": "MLX 4-bit",
        "LoneStriker/Mistral-7B-Instruct-v0.2-6.0bpw-h6-exl2": "EXL2 6 bpw",
    }
    for model_id, label in expected.items():
        index = view.find(model_id)
        assert index is not None, model_id
        native = formats.native_weights(view.model(index))
        assert native is not None and native.label == label, model_id


@pytest.mark.parametrize("fmt", ["gptq", "awq", "mlx", "exl2"])
@pytest.mark.parametrize("memory", [None, 6.0, 8.0, 16.0, 24.0])
def test_no_non_gguf_repo_ever_shows_a_gguf_quant_name(service: Sommelier, fmt: str, memory: float | None) -> None:
    recommender: Recommender = service.recommender
    kind = "unified" if fmt == "mlx" else "vram"
    filters = Filters(formats=[fmt], memory_gb=memory, memory_kind=kind if memory else None)
    answer = recommender.ask(filters, "", limit=10)
    seen = 0
    for result in answer.results:
        download = result.download
        if download is None:
            continue
        index = recommender.view.find(download.repo)
        assert index is not None
        member = recommender.view.model(index)
        native = formats.native_weights(member)
        if native is None:
            continue
        seen += 1
        assert download.quant == native.label
        assert (download.quant or "").upper() not in GGUF_NAMES
        for reason in result.reasons:
            if reason.code == "fits":
                assert reason.values["quant"] == native.label
        if result.fit is not None and result.fit.estimate is not None:
            assert result.fit.estimate.quant == native.label
            expected = native.weights_bytes(member.params or result.model.params)
            assert expected is not None
            assert result.fit.estimate.weights_bytes == pytest.approx(expected)
        assert json.dumps(result.to_dict())  # serializable
    if memory is None or memory >= 8:
        assert seen, f"no {fmt} copy answered for {memory} GB"


def test_memory_comes_from_the_repos_own_bits(service: Sommelier) -> None:
    view = service.recommender.view
    index = view.find("TheBloke/Llama-2-7B-Chat-GPTQ")
    assert index is not None
    model = view.model(index)
    native = formats.native_weights(model)
    assert native is not None and native.weight_bytes  # from the safetensors summary of the listing
    assert 3.5 * GB < native.weight_bytes < 4.5 * GB  # a 4-bit 7B, not Q6_K's 5.5 GB
    fit = formats.native_fit(model.shape, native, formats.Budget(8, "vram"), model.params)
    assert fit.estimate is not None and fit.estimate.quant == "GPTQ 4-bit"
    assert fit.estimate.exact_weights and fit.estimate.weights_bytes == native.weight_bytes
    assert fit.level == "gpu"
    assert formats.native_fit(model.shape, native, formats.Budget(3, "vram"), model.params).level == "no"
