"""The fields users filter on, derived from one raw Hub model record — pure functions, no I/O.

A record is a dict as the Hub API returns it (GET /api/models with expand fields, GET /api/models/{id}, or
the 2022 shape with ``modelId`` only). Records come from the internet: ``derive`` checks the type of every
value it reads and never raises; anything unusable becomes None / empty.

Sources, in order of trust:
- parameters: ``safetensors.total`` (unless the repo stores packed quantized weights, where that total counts
  packed integers, not parameters), then ``gguf.total``, then the repo name ("7b", "8x7B", "30B-A3B");
- family: the declared architecture, refined by names (see index/families.py);
- context: ``gguf.context_length``, then the config (``max_position_embeddings`` with RoPE scaling);
- licence: ``cardData.license`` / ``cardData.licence`` / the ``license:`` tag (see index/licenses.py);
- lineage: ``cardData.base_model`` + ``base_model:`` tags (the ids of ``base_model:<relation>:<id>`` tags too;
  the Hub sends both forms); relation from ``cardData.base_model_relation``, else that tag, else inferred: a
  GGUF-only / GPTQ / AWQ / EXL2 / MLX / bitsandbytes repo with a base model is ``quantized``, merge tags make a
  ``merge``, PEFT (library or a root ``adapter_config.json``) an ``adapter``, any other base a ``finetune``.

``kind`` is the model's place in the tree, not what it can do: ``quantized`` / ``merge`` / ``adapter`` from the
relation (a quant-format repo without a stated base is ``quantized`` too); ``instruct`` for an instruct/chat
model published by its base model's own organisation or with no base (Qwen/Qwen2.5-7B-Instruct,
mistralai/Mistral-7B-Instruct-v0.2, google/gemma-2-9b-it); ``finetune`` for every other model with a base;
``base`` otherwise. Whether a model chats is a task: ``"chat"`` in ``tasks`` (conversational tag or an
instruct/chat name), for first-party and third-party models alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from .families import FAMILIES, family_from_name, family_of, family_of_type
from .licenses import Commercial, license_class, normalize_license, stricter
from .quants import is_gguf, is_model_gguf, quant_of, quant_of_gguf

__all__ = [
    "FAMILIES",
    "FORMATS",
    "KINDS",
    "TASKS",
    "Commercial",
    "Derived",
    "Kind",
    "QuantFile",
    "Relation",
    "derive",
    "family_from_name",
    "family_of",
    "family_of_type",
    "license_class",
    "params_from_name",
    "quant_of",
    "stricter",
]

Relation = Literal["finetune", "quantized", "merge", "adapter"]
Kind = Literal["base", "instruct", "finetune", "merge", "quantized", "adapter"]
_RELATIONS: dict[str, Relation] = {
    "finetune": "finetune",
    "quantized": "quantized",
    "merge": "merge",
    "adapter": "adapter",
}
_RELATION_KINDS: dict[str, Kind] = {"quantized": "quantized", "merge": "merge", "adapter": "adapter"}
KINDS: tuple[Kind, ...] = ("base", "instruct", "finetune", "merge", "quantized", "adapter")
FORMATS: tuple[str, ...] = ("awq", "bnb", "exl2", "gguf", "gptq", "mlx", "safetensors")
TASKS: tuple[str, ...] = (
    "chat", "code", "roleplay", "rag", "math", "reasoning", "translation", "summarization", "tool-use", "agent",
    "vision", "creative-writing", "medical", "finance", "legal", "ocr",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class QuantFile:
    path: str  # file path in the repo, e.g. "Q4_K_M/model-Q4_K_M-00001-of-00002.gguf"
    quant: str  # upper-case quant type: Q4_K_M, Q8_0, IQ3_XS, F16, BF16, UD-Q4_K_XL, ...
    size: int | None  # bytes, None when unknown


@dataclass(frozen=True, slots=True)
class Derived:
    params: int | None  # total parameter count
    params_source: str | None  # "safetensors" | "gguf" | "name"
    active_params: int | None  # parameters used per token, for MoE models; None otherwise
    architecture: str | None  # config.architectures[0], else gguf.architecture, else config.model_type
    family: str | None  # normalised family (index/families.py)
    formats: tuple[str, ...]  # subset of FORMATS, sorted
    quant_files: tuple[QuantFile, ...]  # the model's GGUF files (each part of a split file; no mmproj)
    context_length: int | None
    n_layers: int | None
    n_kv_heads: int | None
    head_dim: int | None
    sliding_window: int | None
    license: str | None  # licence id, lower case
    license_name: str | None  # cardData.license_name when the licence is "other"
    commercial: Commercial  # class of the model's own licence
    base_models: tuple[str, ...]
    relation: Relation | None
    kind: Kind
    tasks: tuple[str, ...]  # subset of TASKS, in TASKS order
    languages: tuple[str, ...]  # ISO 639-1 codes, in order of appearance
    uncensored: bool
    gated: bool


# -- safe readers ---------------------------------------------------------------------------------------------
_MAX_COUNT = 10**15  # a quadrillion parameters: anything larger is garbage


def _count(value: Any, limit: int = _MAX_COUNT) -> int | None:
    """A positive integer (int, integral float or digit string) up to ``limit``, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            return None
        number = int(value)
    elif isinstance(value, str) and 0 < len(value) <= 20 and value.isdigit() and value.isascii():
        number = int(value)
    else:
        return None
    return number if 0 < number <= limit else None


def _mapping(value: Any) -> dict[str, Any] | None:
    # Decoded JSON holds plain dicts; testing for dict is several times faster than the Mapping ABC.
    return value if isinstance(value, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _strings(value: Any, limit: int = 1000) -> list[str]:
    """The strings of a string-or-list value."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [item for item in value[:limit] if isinstance(item, str) and item]
    return []


# -- parameters from names ------------------------------------------------------------------------------------
# Sizes in repo names, one pass: "8x7b" (experts × size), "34bx2", "a3b" (active), "7b" / "1.5B" / "270m" /
# "7b1" (BLOOM's 7.1B). Not "4bit", "v0.2", "32k", "2024", "Q4_K_M" (a size needs a digit right before b/m
# and no letter or digit around it).
_SIZES_RE = re.compile(
    r"(?<![a-z0-9.])(?:"
    r"(?P<experts>\d{1,3})x(?P<expert_size>\d{1,4}(?:\.\d{1,3})?)(?P<expert_unit>[bm])"
    r"|(?P<size_first>\d{1,4}(?:\.\d{1,3})?)(?P<size_first_unit>[bm])x(?P<experts_after>\d{1,3})"
    r"|a(?P<active>\d{1,3}(?:\.\d{1,3})?)b"
    r"|(?P<size>\d{1,4}(?:\.\d{1,3})?)(?P<unit>[bm])(?P<decimal>\d)?"
    r")(?![a-z0-9])"
)
_DIGIT_RE = re.compile(r"\d")
_EXPERT_COUNT_RE = re.compile(r"[-_]\d{1,3}e(?![a-z0-9])")  # Llama-4-Scout-17B-16E: 17B active, 16 experts
# MoE "NxS" names: total = S × (shared + N × expert), active = S × (shared + 2 × expert) with top-2 routing.
# Calibrated on Mixtral-8x7B (46.7B total, 12.9B active: the attention, embeddings and norms are shared,
# ~0.23 of a 7B model; each expert's feed-forward ~0.805). Gives 8x22B 147B (real 141B), 4x7B 24.2B.
_MOE_SHARED = 0.2295
_MOE_EXPERT = 0.8052
_UNIT = {"b": 1e9, "m": 1e6}


def params_from_name(name: str) -> tuple[int | None, int | None]:
    """(total, active) parameter counts stated in a repo name (``owner/`` is ignored); None where not stated.

    ``"Mistral-7B-v0.1"`` → (7e9, None); ``"Mixtral-8x7B"`` → (~46.7e9, ~12.9e9); ``"Qwen3-30B-A3B"`` →
    (30e9, 3e9); ``"Llama-4-Scout-17B-16E"`` → (None, 17e9). With several sizes the first in billions wins
    ("Qwen2.5-7B-Instruct-1M" is 7B); millions count only when no billions are stated, and from 10M up
    ("1M", "2M" in names are contexts or dataset sizes).
    """
    if not isinstance(name, str):
        return None, None
    text = name.rpartition("/")[2][:300].lower()
    if _DIGIT_RE.search(text) is None:
        return None, None
    experts = 0
    expert_size = 0.0
    billions = millions = active = None
    for match in _SIZES_RE.finditer(text):
        group = match.group
        if group("size") is not None:
            number = group("size")
            if group("decimal") is not None and "." not in number:
                number += "." + group("decimal")
            if group("unit") == "b":
                if billions is None and 0.01 <= float(number) <= 10_000:
                    if _EXPERT_COUNT_RE.match(text, match.end()):
                        active = active or float(number) * 1e9
                    else:
                        billions = float(number) * 1e9
            elif millions is None and float(number) >= 10:
                millions = float(number) * 1e6
        elif group("active") is not None:
            active = active or float(group("active")) * 1e9
        elif not experts:
            if group("experts") is not None:
                experts = int(group("experts"))
                expert_size = float(group("expert_size")) * _UNIT[group("expert_unit")]
            else:
                experts = int(group("experts_after"))
                expert_size = float(group("size_first")) * _UNIT[group("size_first_unit")]
    total: float | None = None
    if experts and expert_size:
        total = expert_size * (_MOE_SHARED + experts * _MOE_EXPERT)
        active = active or expert_size * (_MOE_SHARED + min(experts, 2) * _MOE_EXPERT)
    plain = billions if billions is not None else millions
    if plain is not None and (total is None or plain > expert_size):
        total = plain
    if total is not None and active is not None and active >= total:
        active = None  # every parameter is active: not a sparse model
    return (None if total is None else round(total)), (None if active is None else round(active))


# Known MoE models whose names do not state the active size: family → (total range, active parameters).
_KNOWN_ACTIVE: dict[str, tuple[tuple[float, float, int], ...]] = {
    "mixtral": ((45e9, 48e9, 12_879_921_152), (139e9, 142e9, 39_158_968_320)),
    "deepseek": (
        (660e9, 690e9, 37_000_000_000),  # DeepSeek-V3 / R1
        (230e9, 240e9, 21_000_000_000),  # DeepSeek-V2
        (15e9, 16.5e9, 2_400_000_000),  # DeepSeek-V2-Lite
    ),
    "kimi": ((0.95e12, 1.1e12, 32_000_000_000),),  # Kimi K2
    "gpt-oss": ((19e9, 23e9, 3_600_000_000), (110e9, 125e9, 5_100_000_000)),
}


# -- formats, tasks, languages from tags and names ------------------------------------------------------------
_TAG_FORMATS = {
    "gguf": "gguf",
    "gptq": "gptq",
    "auto-gptq": "gptq",
    "awq": "awq",
    "autoawq": "awq",
    "exl2": "exl2",
    "exllamav2": "exl2",
    "mlx": "mlx",
    "bitsandbytes": "bnb",
    "bnb": "bnb",
    "safetensors": "safetensors",
}
_QUANT_METHODS = {"gptq": "gptq", "awq": "awq", "bitsandbytes": "bnb", "exl2": "exl2", "mlx": "mlx"}
_LIBRARY_FORMATS = {"gguf": "gguf", "mlx": "mlx"}
_QUANT_FORMATS = frozenset(("gptq", "awq", "exl2", "mlx", "bnb"))
_NAME_FORMATS = frozenset(("gguf", "gptq", "awq", "exl2", "mlx", "bnb"))
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Gemma's "-it" (instruction-tuned) suffix follows the size: "gemma-2-9b-it", "gemma-3n-E4B-it". A bare "it"
# token is usually Italian ("opus-mt-it-ar", "bert-base-it-cased").
_GEMMA_IT_RE = re.compile(r"\d[bm][-_.]it(?![a-z0-9])")

# Tasks are read from names and tags in three ways (substrings and words, not one regex with word boundaries:
# that costs ~20 µs a name, and this runs for every record):
# - substrings anywhere ("math" in "WizardMath", "medic" in "BioMedical");
_TASK_NEEDLES: tuple[tuple[str, str], ...] = (
    ("instruct", "chat"), ("chat", "chat"), ("conversational", "chat"), ("assistant", "chat"), ("dialog", "chat"),
    ("starcoder", "code"), ("wizardcoder", "code"), ("opencoder", "code"), ("sqlcoder", "code"),
    ("devstral", "code"), ("programming", "code"),
    ("roleplay", "roleplay"), ("role-play", "roleplay"), ("sillytavern", "roleplay"),
    ("retrieval", "rag"),
    ("math", "math"), ("gsm8k", "math"), ("numina", "math"),
    ("reason", "reasoning"), ("think", "reasoning"),
    ("translat", "translation"), ("nllb", "translation"), ("madlad", "translation"), ("opus-mt", "translation"),
    ("seamless", "translation"),
    ("summari", "summarization"),
    ("function-call", "tool-use"), ("function_call", "tool-use"), ("functioncall", "tool-use"),
    ("tool-use", "tool-use"), ("tool_use", "tool-use"), ("tool-call", "tool-use"), ("tool_call", "tool-use"),
    ("functionary", "tool-use"),
    ("agent", "agent"),
    ("llava", "vision"), ("pixtral", "vision"), ("paligemma", "vision"), ("idefics", "vision"),
    ("internvl", "vision"), ("multimodal", "vision"), ("multi-modal", "vision"), ("image-text-to-text", "vision"),
    ("creative", "creative-writing"), ("storywrit", "creative-writing"), ("fiction", "creative-writing"),
    ("medic", "medical"), ("meditron", "medical"), ("medalpaca", "medical"), ("medgemma", "medical"),
    ("medllama", "medical"), ("med42", "medical"), ("biomed", "medical"), ("pubmed", "medical"),
    ("clinic", "medical"), ("health", "medical"), ("doctor", "medical"), ("radiolog", "medical"),
    ("financ", "finance"), ("fingpt", "finance"), ("trading", "finance"),
    ("legal", "legal"), ("lawyer", "legal"),
    ("trocr", "ocr"), ("olmocr", "ocr"), ("nougat", "ocr"),
)  # fmt: skip
# - whole words ("rp", "r1", "vl", "med": too short to test as substrings);
_TASK_TOKENS: dict[str, str] = {
    "code": "code", "codes": "code", "coder": "code", "coders": "code", "coding": "code", "python": "code",
    "sql": "code", "text2sql": "code", "nl2sql": "code",
    "rp": "roleplay", "erp": "roleplay", "rpg": "roleplay",
    "rag": "rag",
    "r1": "reasoning", "qwq": "reasoning", "cot": "reasoning", "o1": "reasoning", "o3": "reasoning",
    "tools": "tool-use",
    "vl": "vision", "vlm": "vision", "vqa": "vision",
    "story": "creative-writing", "stories": "creative-writing", "writer": "creative-writing",
    "writing": "creative-writing",
    "med": "medical",
    "fin": "finance", "stock": "finance", "stocks": "finance",
    "law": "legal", "saul": "legal", "saullm": "legal",
    "ocr": "ocr",
}  # fmt: skip
# - word beginnings ("CodeLlama", "CodeQwen", "GOT-OCR2", "vision-instruct").
_TASK_PREFIXES: tuple[tuple[str, str], ...] = (
    ("code", "code"),
    ("ocr", "ocr"),
    ("vision", "vision"),
    ("visual", "vision"),
    ("novel", "creative-writing"),
)
_TASK_PREFIX_STARTS = tuple(prefix for prefix, _ in _TASK_PREFIXES)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie (shared prefixes factored out), so the regex engine
    tries one branch per character instead of every word: ~4x faster than ``any(word in text ...)`` here."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alternation})?" if "" in node else alternation

    return build(trie)


_NEEDLE_TASKS = dict(_TASK_NEEDLES)
_TASK_NEEDLE_RE = re.compile(_trie_pattern(_NEEDLE_TASKS))


def _is_merge(text: str) -> bool:
    return "merge" in text or "moerge" in text or "slerp" in text


def _is_uncensored(text: str) -> bool:
    return (
        "uncensor" in text
        or "abliterat" in text
        or "nsfw" in text
        or "decensor" in text
        or "not-for-all-audiences" in text
    )


def _tasks_in(text: str, tokens: Iterable[str]) -> set[str]:
    """The tasks a lower-case name or tag (and its words) mentions."""
    found = {_NEEDLE_TASKS[needle] for needle in _TASK_NEEDLE_RE.findall(text)}
    for token in tokens:
        task = _TASK_TOKENS.get(token)
        if task is not None:
            found.add(task)
        elif token.startswith(_TASK_PREFIX_STARTS):
            for prefix, task in _TASK_PREFIXES:
                if token.startswith(prefix):
                    found.add(task)
    return found


_TASK_ORDER = {task: index for index, task in enumerate(TASKS)}
_PIPELINE_TASKS = {
    "image-text-to-text": "vision",
    "visual-question-answering": "vision",
    "image-to-text": "vision",
    "video-text-to-text": "vision",
    "document-question-answering": "vision",
    "any-to-any": "vision",
    "translation": "translation",
    "summarization": "summarization",
    "conversational": "chat",
}
# Tags that say nothing about tasks, formats or languages (skipped before any pattern runs).
_BORING_TAGS = frozenset(
    (
        "transformers", "pytorch", "text-generation", "text-generation-inference", "endpoints_compatible",
        "autotrain_compatible", "region:us", "tf", "jax", "tensorboard", "custom_code", "4-bit", "8-bit",
        "has_space", "inference endpoints", "deploy:azure", "model-index", "llama-factory", "trl", "sft",
        "unsloth", "generated_from_trainer", "dpo", "peft", "lora",
    )
)  # fmt: skip

_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee "
    "el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is "
    "it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms "
    "mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk "
    "sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu"
)
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())
# Card values that name a language another way (ISO 639-2/3 codes, English names, old codes).
_LANGUAGE_ALIASES = {
    "eng": "en", "english": "en", "zho": "zh", "chi": "zh", "cmn": "zh", "chinese": "zh", "yue": "zh",
    "rus": "ru", "russian": "ru", "fra": "fr", "fre": "fr", "french": "fr", "deu": "de", "ger": "de",
    "german": "de", "spa": "es", "spanish": "es", "por": "pt", "portuguese": "pt", "ita": "it", "italian": "it",
    "jpn": "ja", "japanese": "ja", "kor": "ko", "korean": "ko", "ara": "ar", "arabic": "ar", "hin": "hi",
    "hindi": "hi", "vie": "vi", "vietnamese": "vi", "tur": "tr", "turkish": "tr", "pol": "pl", "polish": "pl",
    "nld": "nl", "dut": "nl", "dutch": "nl", "ukr": "uk", "ukrainian": "uk", "ind": "id", "indonesian": "id",
    "tha": "th", "thai": "th", "fas": "fa", "per": "fa", "persian": "fa", "heb": "he", "hebrew": "he",
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv",
}  # fmt: skip
# Two-letter tags that are not languages even though the code exists ("yi" is the Yi model family's tag).
_NOT_LANGUAGE_TAGS = frozenset(("yi",))


class _TagFacts(NamedTuple):
    tasks: frozenset[str]
    format: str | None
    language: str | None
    merge: bool
    uncensored: bool


_NO_FACTS = _TagFacts(frozenset(), None, None, False, False)


@lru_cache(maxsize=8192)  # a pure function of one short tag; tags recur across records
def _tag_facts(tag: str) -> _TagFacts:
    tag = tag.lower()
    if tag in _BORING_TAGS:
        return _NO_FACTS
    language = tag if len(tag) == 2 and tag in ISO_639_1 and tag not in _NOT_LANGUAGE_TAGS else None
    facts = _TagFacts(
        tasks=frozenset(_tasks_in(tag, _TOKEN_RE.findall(tag))),
        format=_TAG_FORMATS.get(tag),
        language=language,
        merge=_is_merge(tag),
        uncensored=_is_uncensored(tag),
    )
    return _NO_FACTS if facts == _NO_FACTS else facts


def _language(value: str) -> str | None:
    text = value.strip().lower()
    if len(text) > 40:
        return None
    if len(text) > 2 and text[2:3] in ("-", "_") and text[:2] in ISO_639_1:  # zh-CN, pt_BR
        text = text[:2]
    text = _LANGUAGE_ALIASES.get(text, text)
    return text if text in ISO_639_1 else None


# -- config geometry ------------------------------------------------------------------------------------------
_MAX_CONTEXT = 1 << 26  # 67M tokens
_LAYER_KEYS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers")
_KV_KEYS = ("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num")
_HEAD_KEYS = ("num_attention_heads", "n_head", "n_heads", "num_heads")
_HIDDEN_KEYS = ("hidden_size", "n_embd", "d_model", "dim")
_HEAD_DIM_KEYS = ("head_dim", "kv_channels", "d_kv")
_CONTEXT_KEYS = ("n_positions", "n_ctx", "seq_length", "max_sequence_length", "max_seq_len", "seq_len")


_GEOMETRY_KEYS = frozenset(
    (
        *_LAYER_KEYS, *_KV_KEYS, *_HEAD_KEYS, *_HIDDEN_KEYS, *_CONTEXT_KEYS, *_HEAD_DIM_KEYS,
        "max_position_embeddings", "sliding_window", "multi_query",
    )
)  # fmt: skip


def _first(configs: Sequence[Mapping[str, Any]], keys: Iterable[str], limit: int = 1 << 20) -> int | None:
    for config in configs:
        for key in keys:
            value = config.get(key)
            if value is not None:
                value = _count(value, limit)
                if value is not None:
                    return value
    return None


def _scaled_context(positions: int, config: Mapping[str, Any]) -> int:
    """max_position_embeddings, extended by the RoPE scaling the config declares.

    With an original length stated (Llama 3.1, Qwen YaRN, DeepSeek-V3) the context is the larger of
    max_position_embeddings and original × factor. Without one, configs normally state the extended window
    already (Gemma 3: 131072 with a linear factor 8), so the factor is applied only to short windows
    (≤ 8192: the SuperHOT / linear-scaling fine-tunes of 2023).
    """
    scaling = config.get("rope_scaling")
    if not isinstance(scaling, dict):
        return positions
    factor = scaling.get("factor")
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not 1 < factor <= 1024:
        return positions
    original = _count(scaling.get("original_max_position_embeddings"), _MAX_CONTEXT) or _count(
        config.get("original_max_position_embeddings"), _MAX_CONTEXT
    )
    if original is not None:
        return min(max(positions, round(original * factor)), _MAX_CONTEXT)
    kind = scaling.get("rope_type", scaling.get("type"))
    if positions <= 8192 and kind in (None, "linear", "dynamic", "yarn"):
        return min(round(positions * factor), _MAX_CONTEXT)
    return positions


def _config_context(configs: Sequence[Mapping[str, Any]]) -> int | None:
    for config in configs:
        positions = _count(config.get("max_position_embeddings"), _MAX_CONTEXT)
        if positions is not None:
            return _scaled_context(positions, config)
    return _first(configs, _CONTEXT_KEYS, _MAX_CONTEXT)


def _geometry(
    configs: Sequence[Mapping[str, Any]], gguf: Mapping[str, Any] | None
) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """(context length, layers, KV heads, head dim, sliding window) from the GGUF summary and the config.

    KV heads: ``num_key_value_heads`` (GQA), else 1 for multi-query models (Falcon-7B, StarCoder), else
    ``num_attention_heads``. Head dim: ``head_dim``, else hidden size / attention heads of the same config.
    A sliding window the config says it does not use (Qwen2's ``use_sliding_window: false``) is None.
    """
    context = _count(gguf.get("context_length"), _MAX_CONTEXT) if gguf is not None else None
    if all(_GEOMETRY_KEYS.isdisjoint(config) for config in configs):
        return context, None, None, None, None  # the API's trimmed config: model_type and architectures only
    if context is None:
        context = _config_context(configs)
    layers = _first(configs, _LAYER_KEYS, 100_000)
    heads = _first(configs, _HEAD_KEYS)
    kv_heads = _first(configs, _KV_KEYS)
    if kv_heads is None:
        kv_heads = 1 if any(config.get("multi_query") is True for config in configs) else heads
    head_dim = _first(configs, _HEAD_DIM_KEYS)
    if head_dim is None:
        for config in configs:
            hidden = _first((config,), _HIDDEN_KEYS)
            config_heads = _first((config,), _HEAD_KEYS)
            if hidden is not None and config_heads is not None and hidden >= config_heads:
                head_dim = hidden // config_heads
                break
    sliding = None
    for config in configs:
        if config.get("use_sliding_window") is False:
            break
        sliding = _count(config.get("sliding_window"), _MAX_CONTEXT)
        if sliding is not None:
            break
    return context, layers, kv_heads, head_dim, sliding


# -- parameters -----------------------------------------------------------------------------------------------
# safetensors dtypes holding several quantised weights per element (MLX/GPTQ/AWQ int32, bitsandbytes uint8).
# I8 and F8 hold one weight each (LLM.int8, FP8), so their totals are real parameter counts.
_PACKED_DTYPES = frozenset(("U32", "I32", "U16", "U8", "U4", "I4"))


def _safetensors_params(safetensors: Mapping[str, Any] | None) -> int | None:
    """The parameter count from the safetensors summary; None when unknown or packed. A packed total counts
    packed integers, not parameters; a small share of packed dtypes is buffers (GPT-NeoX's attention masks)
    and is left out of the count.
    """
    if safetensors is None:
        return None
    total = _count(safetensors.get("total"))
    parameters = _mapping(safetensors.get("parameters"))
    packed = 0
    if parameters is not None:
        counted = 0
        for dtype, value in parameters.items():
            number = _count(value)
            if number is None:
                continue
            counted += number
            if isinstance(dtype, str) and dtype.upper() in _PACKED_DTYPES:
                packed += number
        if total is None and counted:
            total = counted
    if total is None or packed * 10 > total:
        return None
    return total - packed or None


# -- lineage --------------------------------------------------------------------------------------------------
_HF_URL_RE = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?:models/)?", re.IGNORECASE)
_BAD_BASE_RE = re.compile(r"[\s\\:<>\"'|?*]|^[./~]|\.\.")


def _base_id(value: str) -> str | None:
    """A usable model id from a base_model value (URLs stripped); None for paths and junk."""
    return _clean_base_id(value) if len(value) <= 300 else None


@lru_cache(maxsize=8192)  # a pure function of a short string; popular base models recur
def _clean_base_id(value: str) -> str | None:
    text = value.strip()
    if "huggingface.co" in text or "hf.co" in text:
        text = _HF_URL_RE.sub("", text).strip("/")
    if not text or len(text) > 200 or text.count("/") > 1 or _BAD_BASE_RE.search(text):
        return None
    return text


# -- derive ---------------------------------------------------------------------------------------------------
def derive(record: Mapping[str, Any]) -> Derived:
    """Every derived field of one raw Hub record. Never raises."""
    if not isinstance(record, Mapping):
        record = {}
    model_id = _text(record.get("id")) or _text(record.get("modelId")) or ""
    model_id = model_id[:300]
    owner, _, repo_name = model_id.rpartition("/")
    author = (_text(record.get("author")) or owner).lower()
    name = repo_name.lower()

    card = _mapping(record.get("cardData")) or {}
    config = _mapping(record.get("config")) or {}
    text_config = _mapping(config.get("text_config"))
    configs: tuple[Mapping[str, Any], ...] = (config, text_config) if text_config is not None else (config,)
    gguf = _mapping(record.get("gguf"))
    library = (_text(record.get("library_name")) or "").lower()
    pipeline = (_text(record.get("pipeline_tag")) or "").lower()

    # tags: licence, lineage, formats, tasks, languages
    formats: set[str] = set()
    tasks: set[str] = set()
    languages: list[str] = []
    base_models: list[str] = []
    tag_license: str | None = None
    tag_relation: Relation | None = None
    merge = uncensored = False
    tags = record.get("tags")
    for tag in tags[:1000] if isinstance(tags, list) else ():
        if not isinstance(tag, str) or not tag or len(tag) > 300:
            continue
        if ":" in tag:
            if tag.startswith("base_model:"):
                rest = tag[11:]
                prefix, _, rest_id = rest.partition(":")
                if rest_id and prefix in _RELATIONS:
                    tag_relation = tag_relation or _RELATIONS[prefix]
                    rest = rest_id
                base = _base_id(rest)
                if base is not None:
                    base_models.append(base)
            elif tag.startswith("license:") and tag_license is None:
                tag_license = normalize_license(tag[8:])
            continue
        facts = _tag_facts(tag)
        if facts is _NO_FACTS:
            continue
        tasks |= facts.tasks
        if facts.format is not None:
            formats.add(facts.format)
        if facts.language is not None:
            languages.append(facts.language)
        merge = merge or facts.merge
        uncensored = uncensored or facts.uncensored

    # names
    tokens = _TOKEN_RE.findall(name)
    tasks |= _tasks_in(name, tokens)
    instruct_name = "instruct" in name or "chat" in name or "assistant" in name or _GEMMA_IT_RE.search(name) is not None
    if instruct_name:
        tasks.add("chat")
    task = _PIPELINE_TASKS.get(pipeline)
    if task is not None:
        tasks.add(task)
    uncensored = uncensored or _is_uncensored(name)
    merge = merge or _is_merge(name)
    formats.update(_NAME_FORMATS.intersection(tokens))
    if author == "mlx-community":
        formats.add("mlx")
    fmt = _LIBRARY_FORMATS.get(library)
    if fmt is not None:
        formats.add(fmt)
    quantization = _mapping(config.get("quantization_config"))
    if quantization is not None:
        method = quantization.get("quant_method")
        fmt = _QUANT_METHODS.get(method.lower()) if isinstance(method, str) else None
        if fmt is not None:
            formats.add(fmt)
    if gguf is not None:
        formats.add("gguf")
    if _mapping(record.get("safetensors")):
        formats.add("safetensors")

    # files
    quant_files: list[QuantFile] = []
    adapter = library == "peft"
    siblings = record.get("siblings")
    for sibling in siblings if isinstance(siblings, list) else ():
        if not isinstance(sibling, dict):
            continue
        path = sibling.get("rfilename")
        if not isinstance(path, str):
            path = sibling.get("path")
            if not isinstance(path, str):
                continue
        if path.endswith(".safetensors"):
            formats.add("safetensors")
        elif ("gguf" in path or "GGUF" in path) and is_gguf(path):
            formats.add("gguf")
            if is_model_gguf(path):
                quant = quant_of_gguf(path)
                if quant is not None:
                    size = _count(sibling.get("size"))
                    if size is None:
                        lfs = sibling.get("lfs")
                        size = _count(lfs.get("size")) if isinstance(lfs, dict) else None
                    quant_files.append(QuantFile(path, quant, size))
        elif path == "adapter_config.json":
            adapter = True

    # licence
    license_id: str | None = None
    for value in (card.get("license"), card.get("licence")):
        for item in _strings(value, 5):
            license_id = normalize_license(item)
            if license_id is not None:
                break
        if license_id is not None:
            break
    if license_id is None:
        license_id = tag_license
    names = _strings(card.get("license_name"), 5)
    license_name = normalize_license(names[0]) if names else None
    if license_id is None and license_name is not None:
        license_id = "other"  # a named custom licence whose card lost "license: other" (Intel/llava-gemma-7b)
    elif license_id != "other":
        license_name = None
    commercial = license_class(license_id, license_name)

    # lineage
    card_bases = [base for base in map(_base_id, _strings(card.get("base_model"), 50)) if base is not None]
    seen: set[str] = set()
    lineage: list[str] = []
    for base in (*card_bases, *base_models):
        key = base.lower()
        if key not in seen:
            seen.add(key)
            lineage.append(base)
    card_relation = card.get("base_model_relation")
    relation: Relation | None = _RELATIONS.get(card_relation.lower()) if isinstance(card_relation, str) else None
    if relation is None:
        relation = tag_relation
    quant_repo = bool(formats & _QUANT_FORMATS) or ("gguf" in formats and "safetensors" not in formats)
    if relation is None:
        if lineage and quant_repo:
            relation = "quantized"
        elif merge:
            relation = "merge"
        elif adapter:
            relation = "adapter"
        elif lineage:
            relation = "finetune"
    kind: Kind
    if relation is not None and relation in _RELATION_KINDS:
        kind = _RELATION_KINDS[relation]
    elif relation is None and quant_repo:
        kind = "quantized"
    elif relation == "finetune":
        first_party = bool(author) and lineage[0].lower().startswith(author + "/") if lineage else False
        kind = "instruct" if instruct_name and first_party else "finetune"
    else:
        kind = "instruct" if instruct_name else "base"

    # size
    st_params = _safetensors_params(_mapping(record.get("safetensors")))
    gguf_total = _count(gguf.get("total")) if gguf is not None else None
    named_total, active = params_from_name(repo_name)
    params: int | None
    if st_params is not None:
        params, params_source = st_params, "safetensors"
    elif gguf_total is not None:
        params, params_source = gguf_total, "gguf"
    elif named_total is not None:
        params, params_source = named_total, "name"
    else:
        params, params_source = None, None

    # architecture and family
    model_type = _text(config.get("model_type"))
    architectures = config.get("architectures")
    arch_class = architectures[0] if isinstance(architectures, list) and architectures else None
    arch_class = arch_class if isinstance(arch_class, str) and arch_class else None
    gguf_arch = _text(gguf.get("architecture")) if gguf is not None else None
    architecture = arch_class or gguf_arch or model_type
    if architecture is not None:
        architecture = architecture[:100]
    family = family_of(repo_name, model_type, arch_class, gguf_arch, lineage)

    if active is None and params is not None and family in _KNOWN_ACTIVE:
        for low, high, known_active in _KNOWN_ACTIVE[family]:
            if low <= params <= high:
                active = known_active
                break
    if active is not None and params is not None and active >= params:
        active = None

    # languages from the card first (its order is the author's), then tags
    card_languages = [code for code in map(_language, _strings(card.get("language"), 200)) if code is not None]
    ordered_languages = tuple(dict.fromkeys((*card_languages, *languages)))

    context, n_layers, n_kv_heads, head_dim, sliding_window = _geometry(configs, gguf)
    gated = record.get("gated")
    return Derived(
        params=params,
        params_source=params_source,
        active_params=active,
        architecture=architecture,
        family=family,
        formats=tuple(sorted(formats)),
        quant_files=tuple(quant_files),
        context_length=context,
        n_layers=n_layers,
        n_kv_heads=n_kv_heads,
        head_dim=head_dim,
        sliding_window=sliding_window,
        license=license_id,
        license_name=license_name,
        commercial=commercial,
        base_models=tuple(lineage),
        relation=relation,
        kind=kind,
        tasks=tuple(sorted(tasks, key=_TASK_ORDER.__getitem__)),
        languages=ordered_languages,
        uncensored=uncensored,
        gated=gated is True or (isinstance(gated, str) and gated.lower() not in ("", "false", "0", "no")),
    )
