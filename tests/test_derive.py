"""index.derive: the fields users filter on, from raw Hub records — unit cases, the real data in
../shared/data, and a fuzz test that derive() never raises."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any, get_args

import pytest

from index.derive import (
    FORMATS,
    KINDS,
    TASKS,
    Commercial,
    Derived,
    QuantFile,
    Relation,
    derive,
    family_of,
    license_class,
    params_from_name,
    quant_of,
    stricter,
)
from index.families import FAMILIES, family_from_name, family_of_type
from index.quants import is_model_gguf
from tests.records import gguf_record, record

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


# -- quant types ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filename", "quant"),
    [
        ("llama-2-7b.Q4_K_M.gguf", "Q4_K_M"),
        ("model-q8_0.gguf", "Q8_0"),
        ("x-IQ3_XS.gguf", "IQ3_XS"),
        ("x.IQ2_XXS.gguf", "IQ2_XXS"),
        ("x.IQ4_NL.gguf", "IQ4_NL"),
        ("x.f16.gguf", "F16"),
        ("x-fp16.gguf", "F16"),
        ("x.F32.gguf", "F32"),
        ("Qwen3-8B-BF16.gguf", "BF16"),
        ("x-bf16.gguf", "BF16"),
        ("x-Q4_0_4_4.gguf", "Q4_0_4_4"),
        ("x-Q4_0_8_8.gguf", "Q4_0_8_8"),
        ("x-TQ1_0.gguf", "TQ1_0"),
        ("gpt-oss-20b-MXFP4.gguf", "MXFP4"),
        ("gemma-3-27b-it-UD-Q4_K_XL.gguf", "UD-Q4_K_XL"),
        ("UD-Q2_K_XL/Kimi-K2-Instruct-UD-Q2_K_XL-00001-of-00008.gguf", "UD-Q2_K_XL"),
        ("Q4_K_M/model-Q4_K_M-00001-of-00002.gguf", "Q4_K_M"),
        ("Q8_0/model-00001-of-00003.gguf", "Q8_0"),  # quant only in the folder
        ("Meta-Llama-3.1-8B-Instruct-Q6_K_L.gguf", "Q6_K_L"),
        ("codellama-7b.Q2_K.gguf", "Q2_K"),
        ("x.Q2_K_S.gguf", "Q2_K_S"),
        ("x.Q3_K_L.gguf", "Q3_K_L"),
        ("x.Q4_1.gguf", "Q4_1"),
        ("x.Q5_K.gguf", "Q5_K"),
        ("DeepSeek-R1.i1-Q4_K_M.gguf.part1of8", "Q4_K_M"),  # mradermacher's split uploads
        ("llama-2-70b.Q6_K.gguf-split-a", "Q6_K"),  # TheBloke's split uploads
        ("mistral-small-3-reasoner-s1.epoch5.q4_k_l.gguf", "Q4_K_L"),
        ("Llama-3.2-3B-Instruct-Q8_0-Q4_K_M.gguf", "Q4_K_M"),  # the last one wins
    ],
)
def test_quant_of(filename, quant):
    assert quant_of(filename) == quant


@pytest.mark.parametrize(
    "filename",
    ["model.safetensors", "gemma-7b.gguf", "README.md", "Q4_K_M.txt", "x-Q4_K_M.bin", "config.json", "", "x.ggufx"],
)
def test_quant_of_is_none_for_other_files(filename):
    assert quant_of(filename) is None


def test_projector_files_are_not_model_files():
    assert is_model_gguf("mmproj-model-f16.gguf") is False
    assert is_model_gguf("llava-v1.6-mistral-7b.Q4_K_M.gguf") is True


# -- parameters from names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "total", "active"),
    [
        ("meta-llama/Llama-2-7b-hf", 7_000_000_000, None),
        ("Qwen/Qwen2.5-1.5B-Instruct", 1_500_000_000, None),
        ("google/gemma-3-270m", 270_000_000, None),
        ("HuggingFaceTB/SmolLM2-135M-Instruct", 135_000_000, None),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", 46_697_700_000, 12_879_300_000),
        ("mistralai/Mixtral-8x22B-v0.1", 146_764_200_000, 40_477_800_000),
        ("mlabonne/Beyonder-4x7B-v2", 24_152_100_000, 12_879_300_000),
        ("Qwen/Qwen3-30B-A3B", 30_000_000_000, 3_000_000_000),
        ("Qwen/Qwen3-235B-A22B-Instruct-2507", 235_000_000_000, 22_000_000_000),
        ("Qwen/Qwen1.5-MoE-A2.7B", None, 2_700_000_000),
        ("meta-llama/Llama-4-Scout-17B-16E-Instruct", None, 17_000_000_000),
        ("Yi-34Bx2-MoE-60B", 60_000_000_000, None),
        ("mistralai/Mistral-7B-Instruct-v0.2", 7_000_000_000, None),
        ("TheBloke/Llama-2-13B-chat-GGUF", 13_000_000_000, None),
        ("llama-2-7b.Q4_K_M", 7_000_000_000, None),
        ("Qwen2.5-7B-Instruct-1M", 7_000_000_000, None),
        ("gradientai/Llama-3-8B-Instruct-Gradient-1048k", 8_000_000_000, None),
        ("bigscience/bloom-7b1", 7_100_000_000, None),
        ("bigscience/bloom-1b7", 1_700_000_000, None),
        ("EleutherAI/gpt-neo-2.7B", 2_700_000_000, None),
        ("EleutherAI/pythia-70m", 70_000_000, None),
        ("TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T", 1_100_000_000, None),
        ("unsloth/Llama-3.2-3B-Instruct-bnb-4bit", 3_000_000_000, None),
        ("mlx-community/Qwen2.5-7B-Instruct-4bit", 7_000_000_000, None),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", 70_000_000_000, None),
        ("upstage/SOLAR-10.7B-Instruct-v1.0", 10_700_000_000, None),
        ("01-ai/Yi-6B-200K", 6_000_000_000, None),
        ("llama_2_7b_chat", 7_000_000_000, None),
    ],
)
def test_params_from_name(name, total, active):
    assert params_from_name(name) == (total, active)


@pytest.mark.parametrize(
    "name",
    [
        "gpt2",
        "Phi-3-mini-4k-instruct",
        "Mistral-7B-v0.2"[11:],  # "v0.2"
        "mixer-2x",
        "summaries-2024",
        "model-4bit",
        "awq-8bit",
        "context-32k",
        "2024-03-24",
        "x-Q4_K_M",
        "x-Q5_K_M-imat",
        "bert-base-StackOverflow-comments_1M",  # a dataset size
        "chat_1000STEPS_1e6rate_SFT",
        "DeepSeek-V3",
        "v1b-test",
        "",
    ],
)
def test_params_from_name_is_not_fooled(name):
    assert params_from_name(name) == (None, None)


# -- licences -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("license_id", "license_name", "commercial"),
    [
        ("apache-2.0", None, "yes"),
        ("Apache-2.0", None, "yes"),
        ("apache-2", None, "yes"),
        ("mit", None, "yes"),
        ("bsd-3-clause", None, "yes"),
        ("isc", None, "yes"),
        ("unlicense", None, "yes"),
        ("cc0-1.0", None, "yes"),
        ("cc-by-4.0", None, "yes"),
        ("cc-by-sa-4.0", None, "yes"),
        ("mpl-2.0", None, "yes"),
        ("openrail", None, "yes"),
        ("openrail++", None, "yes"),
        ("bigscience-openrail-m", None, "yes"),
        ("bigcode-openrail-m", None, "yes"),
        ("creativeml-openrail-m", None, "yes"),
        ("gpl-3.0", None, "yes"),
        ("lgpl-3.0", None, "yes"),
        ("agpl-3.0", None, "yes"),
        ("llama2", None, "conditional"),
        ("llama3", None, "conditional"),
        ("llama3.1", None, "conditional"),
        ("llama3.2", None, "conditional"),
        ("llama3.3", None, "conditional"),
        ("llama4", None, "conditional"),
        ("gemma", None, "conditional"),
        ("deepseek", None, "conditional"),
        ("other", "qwen", "conditional"),
        ("other", "tongyi-qianwen", "conditional"),
        ("other", "deepseek", "conditional"),
        ("other", "gemma", "conditional"),
        ("other", "llama3", "conditional"),
        ("other", "llama4", "conditional"),
        ("other", "gemma-terms-of-use", "conditional"),
        ("other", "some-company-license", "conditional"),  # a named custom licence: read its terms
        ("other", "apache-2.0", "yes"),
        ("other", "exaone", "no"),  # EXAONE AI Model License 1.1 - NC
        ("other", "qwen-research", "no"),
        ("other", "mrl", "no"),
        ("other", "mnpl", "no"),
        ("other", "intel-research-use-license", "no"),
        ("other", "non-commercial-license-dyna1", "no"),
        ("other", "stabilityai-nc-research-community", "no"),
        ("other", "private", "no"),
        ("other", None, "unknown"),
        ("other", "", "unknown"),
        ("cc-by-nc-4.0", None, "no"),
        ("cc-by-nc-sa-4.0", None, "no"),
        ("cc-by-nc-nd-4.0", None, "no"),
        ("llama", None, "no"),  # LLaMA 1
        ("unknown", None, "unknown"),
        (None, None, "unknown"),
        ("", None, "unknown"),
        ("cc", None, "unknown"),
        ("???", None, "unknown"),
        ("license", None, "unknown"),
        ("my own words", None, "unknown"),
    ],
)
def test_license_class(license_id, license_name, commercial):
    assert license_class(license_id, license_name) == commercial


@pytest.mark.parametrize(
    ("a", "b", "strictest"),
    [
        ("yes", "yes", "yes"),
        ("yes", "conditional", "conditional"),  # an Apache-2.0 fine-tune of Llama 3 is conditional
        ("conditional", "unknown", "unknown"),
        ("yes", "unknown", "unknown"),  # a fine-tune of an unknown-licence model is unknown
        ("unknown", "no", "no"),
        ("yes", "no", "no"),  # of a non-commercial model: no
        ("conditional", "no", "no"),
        ("no", "no", "no"),
    ],
)
def test_stricter(a, b, strictest):
    assert stricter(a, b) == strictest
    assert stricter(b, a) == strictest


def test_stricter_counts_garbage_as_unknown():
    assert stricter("yes", None) == "unknown"  # type: ignore[arg-type]
    assert stricter("maybe", "no") == "no"  # type: ignore[arg-type]


# -- families -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "model_type", "gguf_architecture", "family"),
    [
        ("meta-llama/Meta-Llama-3-8B", "llama", None, "llama"),
        ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "llama", None, "llama"),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "qwen2", None, "qwen"),
        ("deepseek-ai/DeepSeek-V3", "deepseek_v3", None, "deepseek"),
        ("deepseek-ai/deepseek-coder-6.7b-instruct", "llama", None, "deepseek"),
        ("RecurvAI/Recurv-Medical-Deepseek-R1", "llama", None, "llama"),
        ("NousResearch/Nous-Hermes-2-Yi-34B", "llama", None, "yi"),
        ("upstage/SOLAR-10.7B-Instruct-v1.0", "llama", None, "solar"),
        ("HuggingFaceTB/SmolLM2-1.7B", "llama", None, "smollm"),
        ("tiiuae/Falcon3-7B-Instruct", "llama", None, "falcon"),
        ("tiiuae/falcon-7b", "RefinedWebModel", None, "falcon"),
        ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "llama", None, "llama"),
        ("trashpanda-org/Llama3-24B-Mullein-v1", "mistral", None, "mistral"),  # the config wins over the name
        ("bartowski/Mistral-7B-Instruct-v0.3-GGUF", None, "llama", "mistral"),  # llama.cpp's arch for Mistral
        ("TheBloke/Mixtral-8x7B-v0.1-GGUF", None, "llama", "mixtral"),
        ("mistralai/Mixtral-8x7B-v0.1", "mixtral", None, "mixtral"),
        ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "mistral3", None, "mistral"),
        ("mistralai/Codestral-22B-v0.1", None, None, "mistral"),
        ("mistralai/Devstral-Small-2505", None, None, "mistral"),
        ("mistralai/Mistral-Nemo-Instruct-2407", None, None, "mistral"),
        ("Qwen/QwQ-32B-Preview", "qwen2", None, "qwen"),
        ("Qwen/Qwen2.5-Coder-32B-Instruct", None, None, "qwen"),
        ("Qwen/Qwen3-30B-A3B", "qwen3_moe", None, "qwen"),
        ("google/gemma-3-27b-it", "gemma3", None, "gemma"),
        ("Intel/llava-gemma-7b", "llava_gemma", None, "gemma"),
        ("microsoft/phi-2", "phi-msft", None, "phi"),
        ("microsoft/Phi-3-mini-4k-instruct", "phi3", None, "phi"),
        ("cognitivecomputations/dolphin-2.9-llama3-8b", None, None, "llama"),  # "dolphin" is not phi
        ("LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct", "exaone", None, "exaone"),
        ("CohereForAI/c4ai-command-r-v01", "cohere", None, "command-r"),
        ("openai/gpt-oss-20b", "gpt_oss", None, "gpt-oss"),
        ("moonshotai/Kimi-K2-Instruct", "kimi_k2", None, "kimi"),
        ("unsloth/Kimi-K2-Instruct-GGUF", None, "deepseek2", "kimi"),
        ("ibm-granite/granite-3b-code-base", "llama", None, "granite"),
        ("THUDM/chatglm3-6b", "chatglm", None, "glm"),
        ("internlm/internlm2_5-7b-chat", "internlm2", None, "internlm"),
        ("openbmb/MiniCPM-2B-sft-bf16", "minicpm", None, "minicpm"),
        ("allenai/OLMo-2-1124-7B", "olmo2", None, "olmo"),
        ("bigcode/starcoder2-15b", "starcoder2", None, "starcoder"),
        ("WizardLMTeam/WizardLM-13B-V1.2", None, None, "llama"),
        ("lmsys/vicuna-7b-v1.5", None, None, "llama"),
        ("Phind/Phind-CodeLlama-34B-v2", None, None, "llama"),
        ("gpt2-medium", "gpt2", None, "gpt2"),
        ("EleutherAI/gpt-neox-20b", "gpt_neox", None, "gpt-neox"),
        ("EleutherAI/gpt-j-6b", "gptj", None, "gpt-j"),
        ("bigscience/bloomz-7b1", None, None, "bloom"),
        ("facebook/opt-1.3b", None, None, "opt"),
        ("google/flan-t5-xl", None, None, "t5"),
        ("HuggingFaceH4/zephyr-7b-beta", None, None, None),  # nothing names a family
        ("someone/my-model", None, None, None),
    ],
)
def test_family_of(name, model_type, gguf_architecture, family):
    assert family_of(name, model_type, None, gguf_architecture) == family


def test_family_from_architecture_class_and_base_models():
    assert family_of("x/y", None, "Qwen2ForCausalLM") == "qwen"
    assert family_of("x/y", None, "GPT2LMHeadModel") == "gpt2"
    assert family_of("x/y", base_models=["meta-llama/Llama-2-7b-chat-hf"]) == "llama"
    assert family_of("x/y", "llama", base_models=["01-ai/Yi-34B"]) == "yi"
    assert family_of("x/Falcon-Llama-3.1-8B-Instruct", "llama") == "llama"  # naming Llama keeps llama


def test_family_lookups_take_any_value():
    for value in (None, 7, ["llama"], {"a": 1}, "", "x" * 10_000):
        assert family_of_type(value) is None  # type: ignore[arg-type]
        assert family_from_name(value) is None  # type: ignore[arg-type]
    assert set(FAMILIES) >= {"llama", "mistral", "mixtral", "qwen", "gemma", "phi", "deepseek", "yi", "falcon"}


# -- derive on built records ----------------------------------------------------------------------------------
def test_derive_an_instruct_model():
    tags = [
        "transformers",
        "safetensors",
        "llama",
        "text-generation",
        "conversational",
        "en",
        "de",
        "base_model:meta-llama/Llama-3.1-8B",
        "base_model:finetune:meta-llama/Llama-3.1-8B",
        "license:llama3.1",
    ]
    derived = derive(
        record(
            "meta-llama/Llama-3.1-8B-Instruct",
            gated="manual",
            tags=tags,
            cardData={"license": "llama3.1", "language": ["en", "de", "fr"], "base_model": "meta-llama/Llama-3.1-8B"},
            config={
                "architectures": ["LlamaForCausalLM"],
                "model_type": "llama",
                "max_position_embeddings": 131072,
                "rope_scaling": {"factor": 8.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                "num_hidden_layers": 32,
                "num_attention_heads": 32,
                "num_key_value_heads": 8,
                "hidden_size": 4096,
            },
            safetensors={"parameters": {"BF16": 8_030_261_248}, "total": 8_030_261_248},
        )
    )
    assert derived == Derived(
        params=8_030_261_248,
        params_source="safetensors",
        active_params=None,
        architecture="LlamaForCausalLM",
        family="llama",
        formats=("safetensors",),
        quant_files=(),
        context_length=131072,
        n_layers=32,
        n_kv_heads=8,
        head_dim=128,
        sliding_window=None,
        license="llama3.1",
        license_name=None,
        commercial="conditional",
        base_models=("meta-llama/Llama-3.1-8B",),
        relation="finetune",
        kind="instruct",
        tasks=("chat",),
        languages=("en", "de", "fr"),
        uncensored=False,
        gated=True,
    )


def test_derive_a_gguf_repo():
    files = [
        "Mistral-7B-Instruct-v0.2-Q4_K_M.gguf",
        "Q8_0/Mistral-7B-Instruct-v0.2-Q8_0-00001-of-00002.gguf",
        "Q8_0/Mistral-7B-Instruct-v0.2-Q8_0-00002-of-00002.gguf",
        "mmproj-Mistral-7B-f16.gguf",
        "Mistral-7B-Instruct-v0.2.imatrix",
    ]
    rec = gguf_record("bartowski/Mistral-7B-Instruct-v0.2-GGUF", "mistralai/Mistral-7B-Instruct-v0.2", files)
    rec["siblings"][1]["size"] = 4_368_439_584
    rec["siblings"][2]["lfs"] = {"size": 5_000_000_000}
    derived = derive(rec)
    assert derived.quant_files == (
        QuantFile("Mistral-7B-Instruct-v0.2-Q4_K_M.gguf", "Q4_K_M", 4_368_439_584),
        QuantFile("Q8_0/Mistral-7B-Instruct-v0.2-Q8_0-00001-of-00002.gguf", "Q8_0", 5_000_000_000),
        QuantFile("Q8_0/Mistral-7B-Instruct-v0.2-Q8_0-00002-of-00002.gguf", "Q8_0", None),
    )
    assert derived.formats == ("gguf",)
    assert (derived.params, derived.params_source) == (7_241_732_096, "gguf")
    assert (derived.architecture, derived.family, derived.context_length) == ("llama", "mistral", 32768)
    assert (derived.relation, derived.kind) == ("quantized", "quantized")
    assert derived.base_models == ("mistralai/Mistral-7B-Instruct-v0.2",)
    assert (derived.license, derived.commercial) == (None, "unknown")  # the base model's licence binds it


def test_packed_safetensors_totals_are_not_parameter_counts():
    mlx = record(
        "mlx-community/Qwen2.5-7B-Instruct-4bit",
        tags=["mlx", "safetensors", "qwen2", "text-generation", "4-bit"],
        library_name="mlx",
        cardData={"license": "apache-2.0", "base_model": "Qwen/Qwen2.5-7B-Instruct"},
        config={"model_type": "qwen2", "quantization_config": {"bits": 4, "group_size": 64}},
        safetensors={"parameters": {"BF16": 250_000_000, "U32": 951_000_000}, "total": 1_201_000_000},
    )
    derived = derive(mlx)
    assert (derived.params, derived.params_source) == (7_000_000_000, "name")
    assert (derived.formats, derived.relation, derived.kind) == (("mlx", "safetensors"), "quantized", "quantized")
    gptq = derive(
        record(
            "TheBloke/Llama-2-13B-chat-GPTQ",
            config={"model_type": "llama", "quantization_config": {"bits": 4, "quant_method": "gptq"}},
            safetensors={"parameters": {"I32": 1_600_000_000, "F16": 330_000_000}, "total": 1_930_000_000},
        )
    )
    assert (gptq.params, gptq.params_source, gptq.formats) == (13_000_000_000, "name", ("gptq", "safetensors"))
    nameless = derive(record("x/y", safetensors={"parameters": {"U32": 900, "F16": 100}, "total": 1000}))
    assert (nameless.params, nameless.params_source) == (None, None)
    fp8 = derive(record("x/fp8", safetensors={"parameters": {"F16": 262_410_240, "I8": 6_476_005_376}}))
    assert (fp8.params, fp8.params_source) == (6_738_415_616, "safetensors")  # one weight per I8


def test_moe_active_parameters():
    mixtral = derive(
        record(
            "mistralai/Mixtral-8x7B-Instruct-v0.1",
            config={"model_type": "mixtral"},
            safetensors={"parameters": {"BF16": 46_702_792_704}, "total": 46_702_792_704},
        )
    )
    assert (mixtral.params, mixtral.active_params, mixtral.family) == (46_702_792_704, 12_879_300_000, "mixtral")
    oss = derive(record("openai/gpt-oss-20b", config={"model_type": "gpt_oss"}, safetensors={"total": 20_914_757_184}))
    assert (oss.family, oss.active_params) == ("gpt-oss", 3_600_000_000)
    dense = derive(record("mistralai/Mistral-7B-v0.1"))
    assert dense.active_params is None


@pytest.mark.parametrize(
    ("config", "context"),
    [
        ({"max_position_embeddings": 32768}, 32768),
        ({"max_position_embeddings": 131072, "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                                                             "original_max_position_embeddings": 8192}}, 131072),
        ({"max_position_embeddings": 32768, "rope_scaling": {"type": "yarn", "factor": 4.0,
                                                            "original_max_position_embeddings": 32768}}, 131072),
        ({"max_position_embeddings": 40960, "rope_scaling": {"rope_type": "yarn", "factor": 4.0,
                                                            "original_max_position_embeddings": 32768}}, 131072),
        ({"max_position_embeddings": 131072, "rope_scaling": {"rope_type": "linear", "factor": 8.0}}, 131072),
        ({"max_position_embeddings": 2048, "rope_scaling": {"type": "linear", "factor": 4.0}}, 8192),
        ({"max_position_embeddings": 131072, "rope_scaling": {"type": "longrope", "long_factor": [1.0]}}, 131072),
        ({"max_position_embeddings": 4096, "rope_scaling": {"factor": "8"}}, 4096),
        ({"n_positions": 1024, "n_ctx": 1024}, 1024),
        ({"seq_length": 8192}, 8192),
        ({"text_config": {"max_position_embeddings": 131072}}, 131072),
        ({"max_position_embeddings": True}, None),
    ],
)  # fmt: skip
def test_context_length(config, context):
    assert derive(record("x/y", config=config)).context_length == context


def test_gguf_context_comes_first():
    rec = record("x/y", config={"max_position_embeddings": 4096}, gguf={"context_length": 8192})
    assert derive(rec).context_length == 8192


@pytest.mark.parametrize(
    ("config", "geometry"),
    [
        ({"num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "hidden_size": 4096},
         (32, 8, 128, None)),
        ({"num_hidden_layers": 40, "num_attention_heads": 40, "hidden_size": 5120}, (40, 40, 128, None)),
        ({"n_layer": 32, "n_head": 71, "n_embd": 4544, "multi_query": True}, (32, 1, 64, None)),
        ({"num_hidden_layers": 42, "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 256,
          "hidden_size": 3584, "sliding_window": 4096}, (42, 8, 256, 4096)),
        ({"num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "hidden_size": 3584,
          "sliding_window": 131072, "use_sliding_window": False}, (28, 4, 128, None)),
        ({"text_config": {"num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8,
                          "hidden_size": 5120}}, (48, 8, 128, None)),
        ({"num_hidden_layers": "32", "num_key_value_heads": 0, "num_attention_heads": -1}, (32, None, None, None)),
    ],
)  # fmt: skip
def test_kv_cache_geometry(config, geometry):
    derived = derive(record("x/y", config=config))
    assert (derived.n_layers, derived.n_kv_heads, derived.head_dim, derived.sliding_window) == geometry


def test_licence_sources():
    def licence(card, tags=()):
        derived = derive(record("x/y", cardData=card, tags=list(tags)))
        return derived.license, derived.license_name, derived.commercial

    assert licence({"licence": "MIT"}) == ("mit", None, "yes")  # British spelling
    assert licence({"license": ["cc-by-nc-4.0", "mit"]}) == ("cc-by-nc-4.0", None, "no")  # lists: the first
    assert licence({"licence": "license"}, ["license:apache-2.0"]) == ("apache-2.0", None, "yes")  # junk value
    assert licence({}, ["license:llama3"]) == ("llama3", None, "conditional")
    assert licence({"license": "other", "license_name": "exaone"}) == ("other", "exaone", "no")
    assert licence({"license": "other"}) == ("other", None, "unknown")
    assert licence({"license": "mit", "license_name": "deepseek"}) == ("mit", None, "yes")
    assert licence({"license_name": "intel-research-use-license"}) == ("other", "intel-research-use-license", "no")
    assert licence({}) == (None, None, "unknown")


def test_lineage_and_relation():
    def lineage(**fields):
        derived = derive(record("someone/model-7b", **fields))
        return derived.base_models, derived.relation, derived.kind

    card = {"base_model": ["a/base", "https://huggingface.co/b/other", "/home/me/ckpt", 7, None]}
    tags = ["base_model:c/tagged", "base_model:merge:d/merged", "base_model:a/base"]
    assert lineage(cardData=card, tags=tags) == (("a/base", "b/other", "c/tagged", "d/merged"), "merge", "merge")
    assert lineage(cardData={"base_model": "a/b", "base_model_relation": "adapter"}) == (("a/b",), "adapter", "adapter")
    assert lineage(cardData={"base_model": "a/b"}) == (("a/b",), "finetune", "finetune")
    assert lineage(cardData={"base_model": "a/b"}, tags=["mergekit", "merge"]) == (("a/b",), "merge", "merge")
    assert lineage(cardData={"base_model": "a/b"}, library_name="peft") == (("a/b",), "adapter", "adapter")
    assert lineage(cardData={"base_model": "a/b"}, siblings=[{"rfilename": "adapter_config.json"}]) == (
        ("a/b",),
        "adapter",
        "adapter",
    )
    assert lineage(cardData={"base_model": {"id": "a/b"}}, tags=[]) == ((), None, "base")


@pytest.mark.parametrize(
    ("model_id", "card", "kind"),
    [
        ("mistralai/Mistral-7B-Instruct-v0.2", {}, "instruct"),
        ("google/gemma-2-9b-it", {"base_model": "google/gemma-2-9b"}, "instruct"),  # first-party instruct
        ("NousResearch/Hermes-3-Llama-3.1-8B", {"base_model": "meta-llama/Llama-3.1-8B"}, "finetune"),
        ("someone/Llama-3.1-8B-Instruct-sft", {"base_model": "meta-llama/Llama-3.1-8B-Instruct"}, "finetune"),
        ("mistralai/Mistral-7B-v0.1", {}, "base"),
        ("Helsinki-NLP/opus-mt-it-ar", {}, "base"),  # "it" is Italian here
    ],
)
def test_kind(model_id, card, kind):
    assert derive(record(model_id, cardData=card, tags=["text-generation"])).kind == kind


def test_tasks_languages_uncensored_gated():
    derived = derive(
        record(
            "someone/Qwen2.5-Coder-7B-Instruct-abliterated-RP",
            pipeline_tag="image-text-to-text",
            tags=["medical", "function-calling", "ru", "zh", "yi", "tf", 7, None],
            cardData={"language": ["English", "pt-BR", "multilingual", "xx"]},
            gated="auto",
        )
    )
    assert derived.tasks == ("chat", "code", "roleplay", "tool-use", "vision", "medical")
    assert derived.languages == ("en", "pt", "ru", "zh")
    assert derived.uncensored is True
    assert derived.gated is True
    assert derive(record("x/y", gated=False)).gated is False
    assert derive(record("x/y", gated="false")).gated is False
    assert set(TASKS) >= set(derived.tasks)


@pytest.mark.parametrize(
    ("model_id", "tasks"),
    [
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", ("reasoning",)),
        ("WizardLMTeam/WizardMath-7B-V1.1", ("math",)),
        ("epfl-llm/meditron-7b", ("medical",)),
        ("codellama/CodeLlama-7b-Python-hf", ("code",)),
        ("t5-small-encoder-decoder", ()),  # "decoder" is not "coder"
        ("Equall/Saul-7B-Instruct-v1", ("chat", "legal")),
        ("stepfun-ai/GOT-OCR2_0", ("ocr",)),
        ("facebook/nllb-200-distilled-600M", ("translation",)),
        ("Qwen/Qwen2-VL-7B-Instruct", ("chat", "vision")),
        ("gpt2-medium", ()),
    ],
)
def test_tasks_from_names(model_id, tasks):
    assert derive({"id": model_id}).tasks == tasks


def test_old_api_shape():
    derived = derive(
        {
            "modelId": "EleutherAI/gpt-neo-2.7B",
            "tags": ["pytorch", "jax", "gpt_neo", "text-generation", "en", "license:mit"],
            "pipeline_tag": "text-generation",
            "siblings": [{"rfilename": "config.json"}, {"rfilename": "pytorch_model.bin"}],
            "config": {"architectures": ["GPTNeoForCausalLM"], "model_type": "gpt_neo"},
        }
    )
    assert (derived.params, derived.params_source, derived.family) == (2_700_000_000, "name", "gpt-neo")
    assert (derived.license, derived.commercial, derived.kind, derived.languages) == ("mit", "yes", "base", ("en",))


# -- the real data in ../shared/data --------------------------------------------------------------------------
def _shared(*parts: str) -> Path:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not found: the real Hub data tests need ../shared/data beside the checkout")
    return SHARED.joinpath(*parts)


@cache
def _load(name: str) -> tuple[dict[str, Any], ...]:
    path = SHARED / "hub" / name
    with path.open(encoding="utf-8") as handle:
        if name.endswith(".jsonl"):
            return tuple(json.loads(line) for line in handle if line.strip())
        return tuple(json.load(handle))


def _real(*names: str) -> list[dict[str, Any]]:
    _shared("hub")
    return [item for name in names for item in _load(name)]


@cache
def _csv_rows() -> tuple[dict[str, str], ...]:
    with (SHARED / "gguf" / "thebloke-gguf-files.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


_PACKED = {"U32", "I32", "U16", "U8", "U4", "I4"}


def test_real_params_are_safetensors_totals_unless_packed():
    checked = packed = buffers = 0
    for rec in _real("models-2025.jsonl", "detail-2024.json"):
        safetensors = rec.get("safetensors")
        if not safetensors:
            continue
        derived = derive(rec)
        total = safetensors["total"]
        packed_count = sum(count for dtype, count in safetensors["parameters"].items() if dtype in _PACKED)
        if packed_count == 0:
            assert (derived.params, derived.params_source) == (total, "safetensors"), rec["id"]
            checked += 1
        elif packed_count * 10 <= total:  # GPT-NeoX's U8 attention-mask buffers
            assert (derived.params, derived.params_source) == (total - packed_count, "safetensors"), rec["id"]
            buffers += 1
        else:  # MLX 3-8 bit: the total counts packed integers
            assert derived.params_source in ("gguf", "name", None) and derived.params != total, rec["id"]
            packed += 1
    assert (checked, buffers, packed) == (518, 1, 7)
    neox = next(rec for rec in _real("models-2025.jsonl") if rec["id"] == "EleutherAI/gpt-neox-20b")
    assert derive(neox).params == 20_554_568_208
    exaone = next(rec for rec in _real("models-2025.jsonl") if rec["id"] == "mlx-community/EXAONE-Deep-32B-4bit")
    assert (derive(exaone).params, derive(exaone).params_source) == (32_000_000_000, "name")


def test_real_params_are_gguf_totals_for_gguf_repos():
    checked = 0
    for rec in _real("models-2025.jsonl"):
        if rec.get("gguf") and not rec.get("safetensors"):
            derived = derive(rec)
            assert (derived.params, derived.params_source) == (rec["gguf"]["total"], "gguf"), rec["id"]
            assert derived.context_length == rec["gguf"]["context_length"]
            assert "gguf" in derived.formats
            checked += 1
    assert checked == 2


# The family each model_type seen in the real data must give (the test's own table, not the module's).
EXPECTED_FAMILY = {
    "llama": "llama", "llama4": "llama", "sparse_llama": "llama", "mistral": "mistral", "mixtral": "mixtral",
    "qwen2": "qwen", "gemma": "gemma", "gemma2": "gemma", "phi": "phi", "phi-msft": "phi", "exaone": "exaone",
    "deepseek_v3": "deepseek", "gpt_neox": "gpt-neox", "gpt2": "gpt2", "gpt_neo": "gpt-neo", "gptj": "gpt-j",
    "bloom": "bloom", "ctrl": "ctrl", "xlnet": "xlnet", "xglm": "xglm", "reformer": "reformer",
    "openai-gpt": "openai-gpt", "transfo-xl": "transfo-xl", "bart": "bart", "t5": "t5", "bert": "bert",
    "roberta": "roberta", "camembert": "roberta", "xlm-roberta": "roberta", "gpt_pangu": "pangu",
    # the GGUF CSV's parent architectures
    "stablelm_epoch": "stablelm", "stablelm": "stablelm", "Yi": "yi", "RefinedWeb": "falcon", "falcon": "falcon",
    "gpt_bigcode": "starcoder", "baichuan": "baichuan", "aquila": "aquila", "nanbeige": "nanbeige",
    "skywork": "skywork", "mamba": "mamba", "nomic_bert": "bert",
}  # fmt: skip
# Llama-architecture repos whose names name another family that ships the llama architecture.
REFINED_FAMILY = {"wnma3mz/Janus-Pro-7B-LM": "deepseek"}  # Janus-Pro's LM is DeepSeek-LLM-7B
LLAMA_ARCHITECTURE_FAMILIES = {"llama", "yi", "solar", "smollm", "deepseek", "mistral", "mixtral", "falcon",
                               "granite", "internlm", "baichuan"}  # fmt: skip


def test_real_text_generation_families_follow_the_config():
    checked = 0
    for rec in _real("models-2022.jsonl", "models-2025.jsonl", "detail-2024.json"):
        config = rec.get("config")
        if rec.get("pipeline_tag") != "text-generation" or not isinstance(config, dict):
            continue
        model_type = config.get("model_type")
        if model_type not in EXPECTED_FAMILY:
            continue
        model_id = rec.get("id") or rec["modelId"]
        expected = REFINED_FAMILY.get(model_id, EXPECTED_FAMILY[model_type])
        assert derive(rec).family == expected, (model_id, model_type)
        checked += 1
    assert checked == 4_429


# The class every licence seen in the real data must get (PRODUCT.md's table and the decisions in licenses.py).
EXPECTED_COMMERCIAL: dict[tuple[str | None, str | None], str] = {
    (None, None): "unknown", ("apache-2.0", None): "yes", ("mit", None): "yes", ("cc-by-4.0", None): "yes",
    ("cc-by-sa-4.0", None): "yes", ("cc-by-sa-3.0", None): "yes", ("cc-by-3.0", None): "yes",
    ("llama2", None): "conditional", ("llama3.1", None): "conditional", ("llama3.2", None): "conditional",
    ("llama3.3", None): "conditional", ("gemma", None): "conditional", ("creativeml-openrail-m", None): "yes",
    ("openrail", None): "yes", ("openrail++", None): "yes", ("bigscience-openrail-m", None): "yes",
    ("bigcode-openrail-m", None): "yes", ("bigscience-bloom-rail-1.0", None): "yes", ("gpl-3.0", None): "yes",
    ("gpl-2.0", None): "yes", ("gpl", None): "yes", ("agpl-3.0", None): "yes", ("lgpl-3.0", None): "yes",
    ("lgpl-lr", None): "yes", ("cc0-1.0", None): "yes", ("afl-3.0", None): "yes", ("artistic-2.0", None): "yes",
    ("bsd-3-clause", None): "yes", ("bsd-2-clause", None): "yes", ("bsd-3", None): "yes", ("apache-2", None): "yes",
    ("wtfpl", None): "yes", ("pddl", None): "yes", ("unlicense", None): "yes", ("ms-pl", None): "yes",
    ("eupl-1.1", None): "yes", ("academic-free-license-v3.0", None): "yes", ("c-uda", None): "conditional",
    ("cc-by-nc-4.0", None): "no", ("cc-by-nc-sa-4.0", None): "no", ("cc-by-nc-sa-3.0", None): "no",
    ("cc-by-nc-3.0", None): "no", ("cc-by-nc-2.0", None): "no", ("cc-by-nc-nd-4.0", None): "no",
    ("cc", None): "unknown", ("???", None): "unknown", ("unknown", None): "unknown", ("other", None): "unknown",
    ("other", "exaone"): "no", ("other", "llama4"): "conditional", ("other", "gemma-terms-of-use"): "conditional",
    ("other", "stabilityai-ai-community"): "conditional", ("other", "nvidia-open-model-license"): "conditional",
    ("other", "stable-video-diffusion-community"): "conditional", ("other", "cogvideox-license"): "conditional",
    ("other", "tencent-hunyuan-community"): "conditional", ("other", "intel-research-use-license"): "no",
    ("other", "non-commercial-license-dyna1"): "no", ("other", "private"): "no",
    ("other", "darjyo"): "conditional", ("other", "arsonai"): "conditional", ("other", "plumbing"): "conditional",
    ("other", "hollywood-francis100"): "conditional", ("other", "qwen"): "conditional",
    ("other", "flux-1-dev-non-commercial-license"): "no", ("other", "flux.1-dev-non-commercial-license"): "no",
    ("other", "coqui-public-model-license"): "no",
}  # fmt: skip


def test_real_licences_get_their_commercial_class():
    seen: dict[tuple[str | None, str | None], int] = defaultdict(int)
    for rec in _real("models-2022.jsonl", "models-2025.jsonl", "detail-2024.json"):
        derived = derive(rec)
        key = (derived.license, derived.license_name)
        assert key in EXPECTED_COMMERCIAL, f"licence {key} of {rec.get('id') or rec['modelId']} is not in the table"
        assert derived.commercial == EXPECTED_COMMERCIAL[key], key
        seen[key] += 1
    for row in _csv_rows():
        licence = None if row["licence"] == "<nil>" else row["licence"]
        assert license_class(licence) == EXPECTED_COMMERCIAL[(licence, None)], licence
    assert seen[("llama2", None)] == 133 and seen[("other", "exaone")] == 13


def test_quant_of_reads_every_thebloke_file_name():
    rows = _shared("gguf") and _csv_rows()
    assert len(rows) == 11_531
    assert [quant_of(row["gguf_file"]) for row in rows] == [row["quant"].upper() for row in rows]


def test_thebloke_repos_derive_like_their_manifests():
    """Each GGUF repo of the CSV as a record (files with sizes, the parent's config and licence): quant files,
    context and KV geometry, family and licence class come out as the manifest states them."""
    _shared("gguf")
    repos: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _csv_rows():
        repos[row["gguf_repo"]].append(row)
    for repo, rows in repos.items():
        first = rows[0]
        # 0 means "not stated" in the manifests
        context, layers = int(first["context_size"]) or None, int(first["hidden_layer_size"]) or None
        heads, kv_heads = int(first["attention_head_size"]) or None, int(first["key_value_head_size"]) or None
        hidden = int(first["embedding_size"]) or None
        config: dict[str, Any] = {
            "model_type": first["architecture"],
            "max_position_embeddings": context,
            "num_hidden_layers": layers,
            "num_attention_heads": heads,
            "num_key_value_heads": kv_heads,
            "hidden_size": hidden,
        }
        licence = None if first["licence"] == "<nil>" else first["licence"]
        derived = derive(
            {
                "id": repo,
                "tags": ["gguf"],
                "config": config,
                "cardData": {"license": licence, "base_model": first["parent_id"]},
                "siblings": [{"rfilename": row["gguf_file"], "size": int(row["size_bytes"])} for row in rows],
            }
        )
        assert {(f.path, f.quant, f.size) for f in derived.quant_files} == {
            (row["gguf_file"], row["quant"].upper(), int(row["size_bytes"])) for row in rows
        }, repo
        assert derived.context_length == context, repo
        assert derived.n_layers == layers, repo
        assert derived.n_kv_heads == (kv_heads or heads), repo
        assert derived.head_dim == (hidden // heads if hidden and heads else None), repo
        expected = EXPECTED_FAMILY[first["architecture"]]
        if expected == "llama":
            assert derived.family in LLAMA_ARCHITECTURE_FAMILIES, repo
        else:
            assert derived.family == expected, repo
        assert derived.commercial == EXPECTED_COMMERCIAL[(licence, None)], repo
        assert (derived.relation, derived.kind, derived.formats) == ("quantized", "quantized", ("gguf",)), repo
        assert derived.base_models == (first["parent_id"],)
    assert len(repos) == 1_008


def test_every_real_record_derives():
    for rec in _real("models-2022.jsonl", "models-2025.jsonl", "listing-2024.json", "detail-2024.json"):
        _check_types(derive(rec))


# -- robustness -----------------------------------------------------------------------------------------------
_WORDS = (
    "Q4_K_M", "8x7B", "30B-A3B", "license:other", "base_model:finetune:a/b", "base_model:quantized:", "gguf",
    ".gguf", "mmproj", "llama", "Mixtral", "Qwen2", "-it", "<b>bold</b>", "<script>alert(1)</script>", "𝔘𝔫𝔦",
    "Лама", "模型", "\u0000", "\n", "", " ", "/", "//", "..", "-1", "1e309", "NaN", "ыыы", "🦙", "deepseek-r1",
    "other", "exaone", "cc-by-nc-4.0", "apache-2.0", "adapter_config.json", "model.safetensors", "UD-", "x" * 190,
)  # fmt: skip
_RECORD_KEYS = (
    "id", "modelId", "author", "sha", "tags", "pipeline_tag", "library_name", "cardData", "config", "safetensors",
    "gguf", "siblings", "downloads", "likes", "createdAt", "lastModified", "gated", "trendingScore",
)  # fmt: skip
_NESTED_KEYS = {
    "cardData": ("license", "licence", "license_name", "base_model", "base_model_relation", "language", "tags"),
    "config": ("model_type", "architectures", "max_position_embeddings", "rope_scaling", "num_hidden_layers",
               "num_attention_heads", "num_key_value_heads", "hidden_size", "head_dim", "sliding_window",
               "use_sliding_window", "quantization_config", "text_config", "multi_query", "n_positions"),
    "safetensors": ("total", "parameters"),
    "gguf": ("total", "architecture", "context_length"),
    "rope_scaling": ("factor", "original_max_position_embeddings", "rope_type", "type"),
    "quantization_config": ("quant_method", "bits"),
    "text_config": ("max_position_embeddings", "num_hidden_layers", "num_attention_heads", "head_dim"),
    "parameters": ("BF16", "F16", "U32", "I8", "U8"),
    "siblings": ("rfilename", "size", "lfs", "path"),
    "lfs": ("size",),
}  # fmt: skip


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 4)))


def _random_value(rng: random.Random, depth: int = 0, key: str = "") -> Any:
    kind = rng.randrange(10 if depth < 3 else 7)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice((True, False))
    if kind == 2:
        return rng.choice((0, -1, 1, 7, 4096, 2**31, 2**63, 10**30, -(10**20), rng.randint(-(10**12), 10**12)))
    if kind == 3:
        return rng.choice((0.0, -0.5, 1.5, 8.0, float("nan"), float("inf"), -float("inf"), 1e308, 3.0e9))
    if kind in (4, 5, 6):
        return rng.choice((_random_text(rng), str(rng.randint(-5, 10**20)), "auto", "manual", "false"))
    if kind in (7, 8):
        return [_random_value(rng, depth + 1, key) for _ in range(rng.randint(0, 5))]
    keys = _NESTED_KEYS.get(key, ())
    result: dict[Any, Any] = {}
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(keys) if keys and rng.random() < 0.8 else rng.choice((_random_text(rng), 1, None, 2.5))
        result[name] = _random_value(rng, depth + 1, name if isinstance(name, str) else "")
    return result


def _random_record(rng: random.Random) -> Any:
    if rng.random() < 0.03:
        return rng.choice((None, [], "x", 7, {}))
    if rng.random() < 0.5:  # a realistic record with some fields replaced by garbage
        rec: dict[Any, Any] = rng.choice(
            (
                record("meta-llama/Llama-3.1-8B-Instruct"),
                gguf_record("a/b-GGUF", "c/d", ["x-Q4_K_M.gguf", "mmproj-f16.gguf", "Q8_0/y-00001-of-00002.gguf"]),
            )
        )
        for _ in range(rng.randint(1, 6)):
            key = rng.choice(_RECORD_KEYS)
            rec[key] = _random_value(rng, 0, key)
        return rec
    return {key: _random_value(rng, 0, key) for key in rng.sample(_RECORD_KEYS, rng.randint(0, len(_RECORD_KEYS)))}


_OPTIONAL_INTS = ("params", "active_params", "context_length", "n_layers", "n_kv_heads", "head_dim", "sliding_window")
_OPTIONAL_STRS = ("params_source", "architecture", "family", "license", "license_name")


def _check_types(derived: Derived) -> None:
    assert isinstance(derived, Derived)
    for name in _OPTIONAL_INTS:
        value = getattr(derived, name)
        assert value is None or (type(value) is int and value > 0), (name, value)
    for name in _OPTIONAL_STRS:
        value = getattr(derived, name)
        assert value is None or (isinstance(value, str) and value), (name, value)
    assert derived.params_source in (None, "safetensors", "gguf", "name")
    assert derived.family is None or derived.family in FAMILIES
    assert isinstance(derived.formats, tuple) and set(derived.formats) <= set(FORMATS)
    assert list(derived.formats) == sorted(derived.formats)
    assert isinstance(derived.quant_files, tuple)
    for item in derived.quant_files:
        assert isinstance(item, QuantFile) and isinstance(item.path, str) and isinstance(item.quant, str)
        assert item.size is None or (type(item.size) is int and item.size > 0)
    assert derived.commercial in get_args(Commercial)
    assert derived.relation is None or derived.relation in get_args(Relation)
    assert derived.kind in KINDS
    assert isinstance(derived.base_models, tuple) and all(isinstance(b, str) and b for b in derived.base_models)
    assert isinstance(derived.tasks, tuple) and set(derived.tasks) <= set(TASKS)
    assert isinstance(derived.languages, tuple) and all(isinstance(c, str) and len(c) == 2 for c in derived.languages)
    assert type(derived.uncensored) is bool and type(derived.gated) is bool


def test_fuzz_derive_never_raises():
    rng = random.Random(20261123)
    for _ in range(5_000):
        _check_types(derive(_random_record(rng)))


def test_fuzz_helpers_never_raise():
    rng = random.Random(7)
    for _ in range(3_000):
        value = _random_value(rng)
        text = _random_text(rng)
        for argument in (value, text):
            assert quant_of(argument) is None or isinstance(quant_of(argument), str)
            total, active = params_from_name(argument)
            assert total is None or type(total) is int
            assert active is None or type(active) is int
            assert license_class(argument, argument) in get_args(Commercial)
            assert family_of(argument, argument, argument, argument) in (None, *FAMILIES)
        assert stricter(value, text) in get_args(Commercial)


def test_nasty_records():
    nasty: list[Any] = [
        {"id": "x/y", "cardData": "license: mit"},
        {"id": "x/y", "cardData": {"base_model": ["a/b", {"x": 1}, 3]}},
        {"id": "x/y", "cardData": {"base_model": {"id": "a/b"}}},
        {"id": "x/y", "cardData": {"base_model": 12}},
        {"id": "x/y", "cardData": {"license": ["mit", 3], "language": "en"}},
        {"id": "x/y", "tags": [1, None, {"a": 1}, ["gguf"], "gguf", "base_model:", "license:"]},
        {"id": "x/y", "siblings": [{}, {"rfilename": None}, {"rfilename": 3}, "x.gguf", None, {"size": 5}]},
        {"id": "x/y", "safetensors": {"total": "7000000000"}},
        {"id": "x/y", "safetensors": {"total": "seven", "parameters": {"BF16": "x"}}},
        {"id": "x/y", "config": ["llama"]},
        {"id": "x/y", "config": {"architectures": [None, 3], "model_type": ["llama"]}},
        {"id": "x/y", "gguf": {"total": -5, "context_length": 1e400, "architecture": 7}},
        {"id": "a/" + "b" * 188},
        {"id": "<script>alert('x')</script>/Llama-2-7B-<b>chat</b>-🦙"},
        {"id": None, "modelId": ["x"]},
        {},
        {"id": "x/y", "gated": ["manual"]},
    ]
    for rec in nasty:
        _check_types(derive(rec))
    assert derive({"id": "x/y", "safetensors": {"total": "7000000000"}}).params == 7_000_000_000
    assert derive({"id": "a/" + "b" * 188}).family is None
