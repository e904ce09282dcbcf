"""Model families: ``config.model_type`` / architecture class / GGUF architecture / repo names → one family name.

What "family" means here: the lineage of the pretrained weights, named the way users ask for it ("a llama
model", "qwen coder"). It is read from the architecture the repo declares first (``model_type`` "qwen2" →
qwen, "gemma3" → gemma, "deepseek_v3" → deepseek, "mistral" → mistral), because that is what decides how
the model runs. So "DeepSeek-R1-Distill-Llama-8B" is llama and "DeepSeek-R1-Distill-Qwen-7B" is qwen: they
are Llama and Qwen weights distilled by DeepSeek, and run, size and licence like them.

One exception: the llama architecture is shared by many independently pretrained families (Yi, SOLAR,
SmolLM, DeepSeek's first models, Falcon 3, old granite-code, ...) and llama.cpp writes ``llama`` as the GGUF
architecture of Mistral and old Mixtral files. When the architecture says llama and the repo name (or else a
base model's name) names one of those families and not Llama itself, that family wins: "Nous-Hermes-2-Yi-34B"
is yi, "bartowski/Mistral-7B-Instruct-v0.3-GGUF" (GGUF architecture llama) is mistral, while
"Llama-3.1-Nemotron-70B-Instruct" stays llama. A config that says ``mistral`` for a repo named "Llama3-24B"
keeps mistral: the config is trusted over names. Likewise Kimi K2 (DeepSeek-V3 architecture) is kimi.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Normalised model_type / architecture / GGUF architecture (lower case, without "-", "_", "." and spaces)
# → family. Exact names first; then the substrings below, in order.
_TYPE_EXACT: dict[str, str] = {
    "llama": "llama",
    "mistral": "mistral",
    "mixtral": "mixtral",
    "phi": "phi",
    "yi": "yi",
    "rw": "falcon",  # Falcon's first remote code ("RWForCausalLM")
    "mpt": "mpt",
    "glm": "glm",
    "gpt2": "gpt2",
    "opt": "opt",
    "t5": "t5",
    "mt5": "t5",
    "umt5": "t5",
    "longt5": "t5",
    "byt5": "t5",
    "switchtransformers": "t5",
    "bart": "bart",
    "mbart": "bart",
    "ctrl": "ctrl",
    "xglm": "xglm",
    "xlnet": "xlnet",
    "openaigpt": "openai-gpt",
    "transfoxl": "transfo-xl",
    "reformer": "reformer",
    "bert": "bert",
    "nomicbert": "bert",
    "megatronbert": "bert",
    "bertgeneration": "bert",
    "roberta": "roberta",
    "xlmroberta": "roberta",
    "camembert": "roberta",
    "codegen": "codegen",
    "jais": "jais",
    "arctic": "arctic",
    "decilm": "deci",
    "openelm": "openelm",
    "bitnet": "bitnet",
    "persimmon": "persimmon",
    "gptpangu": "pangu",
}
_TYPE_CONTAINS: tuple[tuple[str, str], ...] = (
    ("mixtral", "mixtral"),
    ("ministral", "mistral"),
    ("pixtral", "mistral"),
    ("mistral", "mistral"),
    ("deepseek", "deepseek"),
    ("kimi", "kimi"),
    ("qwen", "qwen"),
    ("gemma", "gemma"),
    ("exaone", "exaone"),
    ("granite", "granite"),
    ("olmo", "olmo"),
    ("internlm", "internlm"),
    ("glm", "glm"),
    ("minicpm", "minicpm"),
    ("nemotron", "nemotron"),
    ("smollm", "smollm"),
    ("falcon", "falcon"),
    ("refinedweb", "falcon"),
    ("starcoder", "starcoder"),
    ("gptbigcode", "starcoder"),
    ("gptoss", "gpt-oss"),
    ("cohere", "command-r"),
    ("commandr", "command-r"),
    ("solar", "solar"),
    ("stablelm", "stablelm"),
    ("baichuan", "baichuan"),
    ("gptneox", "gpt-neox"),
    ("gptneo", "gpt-neo"),
    ("gptj", "gpt-j"),
    ("bloom", "bloom"),
    ("jamba", "jamba"),
    ("mamba", "mamba"),
    ("rwkv", "rwkv"),
    ("dbrx", "dbrx"),
    ("aquila", "aquila"),
    ("skywork", "skywork"),
    ("nanbeige", "nanbeige"),
    ("xverse", "xverse"),
    ("hunyuan", "hunyuan"),
    ("ernie", "ernie"),
    ("phi3", "phi"),
    ("phi4", "phi"),
    ("phimoe", "phi"),
    ("phimsft", "phi"),
    ("phi2", "phi"),
    ("llama", "llama"),  # last: llava_gemma is gemma, llama_nemotron is nemotron
)
_NORMALIZE_RE = re.compile(r"[-_. ]")
# Suffixes of transformers class names: "Qwen2ForCausalLM" → "qwen2", "GPT2LMHeadModel" → "gpt2".
_CLASS_SUFFIX_RE = re.compile(
    r"(?:for(?:causallm|conditionalgeneration|seq2seqlm|maskedlm|sequenceclassification|tokenclassification"
    r"|questionanswering|multiplechoice|imagetexttotext|textgeneration)|lmheadmodel|lmhead|causallm|model)$"
)

# Repo names → family, first match wins. Llama comes before the families whose distills and fine-tunes
# mention it ("DeepSeek-R1-Distill-Llama-8B"), Qwen before DeepSeek for the same reason.
_NAME_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern))
    for family, pattern in (
        ("mixtral", r"mixtral"),
        ("llama", r"(?<!o)llama|vicuna|wizardlm(?!-?2)"),
        ("qwen", r"qwen|(?<![a-z])qwq"),
        ("gemma", r"gemma"),
        ("phi", r"(?<![a-z])phi(?![a-z])"),
        ("mistral", r"mistral|codestral|ministral|devstral|mathstral|magistral|pixtral|voxtral"),
        ("deepseek", r"deepseek|janus-pro|r1-1776"),
        ("exaone", r"exaone"),
        ("yi", r"(?<![a-z0-9])yi(?![a-z])"),
        ("falcon", r"falcon"),
        ("command-r", r"command-?r|c4ai-command"),
        ("solar", r"solar"),
        ("starcoder", r"starcoder|starchat|santacoder"),
        ("gpt-oss", r"gpt-?oss"),
        ("granite", r"granite"),
        ("olmo", r"olmo"),
        ("internlm", r"internlm"),
        ("glm", r"glm|codegeex"),
        ("minicpm", r"minicpm"),
        ("smollm", r"smollm"),
        ("nemotron", r"nemotron"),
        ("kimi", r"kimi|moonlight"),
        ("gpt-neox", r"gpt-?neox|pythia|dolly-v2"),
        ("gpt-j", r"gpt-?j(?![a-z])"),
        ("gpt-neo", r"gpt-?neo(?!x)"),
        ("gpt2", r"gpt-?2"),
        ("bloom", r"bloom"),
        ("opt", r"(?<![a-z])opt(?![a-z])"),
        ("t5", r"(?<![a-z])(?:flan-|long|by|m|u)?t5(?![a-z0-9])"),
        ("mpt", r"(?<![a-z])mpt(?![a-z])"),
        ("stablelm", r"stablelm|stable-?code"),
        ("baichuan", r"baichuan"),
        ("jamba", r"jamba"),
        ("mamba", r"(?<![a-z])mamba"),
        ("rwkv", r"rwkv"),
        ("dbrx", r"dbrx"),
    )
)
_ANY_NAME_RE = re.compile("|".join(f"(?:{rule.pattern})" for _, rule in _NAME_RULES))

#: The families this module can return, for documentation and tests.
FAMILIES: tuple[str, ...] = tuple(
    sorted({*_TYPE_EXACT.values(), *(family for _, family in _TYPE_CONTAINS), *(f for f, _ in _NAME_RULES)})
)

# Families whose pretrained models ship with another family's architecture (see the module docstring).
_REFINABLE: dict[str, frozenset[str]] = {
    "llama": frozenset(
        {"yi", "solar", "smollm", "deepseek", "mistral", "mixtral", "falcon", "granite", "internlm", "baichuan"}
    ),
    "deepseek": frozenset({"kimi"}),
}
# DeepSeek-R1 and V2/V3 are not llama-architecture models: a llama-architecture repo named after them is a
# distill or fine-tune of Llama weights.
_DEEPSEEK_NOT_LLAMA_RE = re.compile(r"deepseek[-_ ]?(?:r1|v[2-9])")


def family_of_type(value: str | None) -> str | None:
    """The family of a ``config.model_type``, an architecture class name (``Qwen2ForCausalLM``) or a GGUF
    architecture (``gptneox``, ``command-r``); None when unknown."""
    if not isinstance(value, str) or not value or len(value) > 100:
        return None
    return _family_of_type(value)


@lru_cache(maxsize=4096)  # a pure function of a short string; the same few hundred values recur
def _family_of_type(value: str) -> str | None:
    key = _NORMALIZE_RE.sub("", value.lower())
    family = _TYPE_EXACT.get(key)
    if family is not None:
        return family
    stripped = _CLASS_SUFFIX_RE.sub("", key)
    if stripped != key:
        family = _TYPE_EXACT.get(stripped)
        if family is not None:
            return family
    for needle, family in _TYPE_CONTAINS:
        if needle in key:
            return family
    return None


def family_from_name(name: str | None) -> str | None:
    """The family a repo name (``owner/name`` or ``name``) points to, else None."""
    if not isinstance(name, str) or not name:
        return None
    text = name.rpartition("/")[2].lower()
    if _ANY_NAME_RE.search(text) is None:
        return None
    for family, rule in _NAME_RULES:
        if rule.search(text):
            return family
    return None


def _family_from_names(name: str | None, base_models: Iterable[str]) -> tuple[str | None, str]:
    """The family named by the repo name, else by the first base model naming one; and that name."""
    family = family_from_name(name)
    if family is not None:
        return family, (name or "").lower()
    for base in base_models:
        family = family_from_name(base)
        if family is not None:
            return family, base.lower()
    return None, ""


def family_of(
    name: str | None,
    model_type: str | None = None,
    architecture: str | None = None,
    gguf_architecture: str | None = None,
    base_models: Iterable[str] = (),
) -> str | None:
    """The family of a model: from its declared architecture (``model_type``, else the architecture class,
    else the GGUF architecture), refined by names for shared architectures; from its repo name, then its base
    models' names, when no architecture is known. None when nothing names a family."""
    arch_family = family_of_type(model_type) or family_of_type(architecture) or family_of_type(gguf_architecture)
    if arch_family is None:
        return _family_from_names(name, base_models)[0]
    refinable = _REFINABLE.get(arch_family)
    if refinable is None:
        return arch_family
    named, source = _family_from_names(name, base_models)
    if named not in refinable:
        return arch_family
    if named == "deepseek" and _DEEPSEEK_NOT_LLAMA_RE.search(source):
        return arch_family
    return named
