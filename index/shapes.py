"""A model's shape — what memory and context estimates need — read from its config.json or GGUF header.

`ModelShape` is the record; `shape_from_config(config)` reads a Hugging Face config.json (nested text
configs of multimodal models included) and `shape_from_gguf(metadata)` the key/value metadata of a GGUF
header (`index.gguf_header`). Pure functions: no I/O here.

Which layers hold a KV cache, and how much of it:
- full attention layers hold the whole context: `full_layers`;
- sliding-window layers hold at most the window: `swa_layers` with `sliding_window` (Gemma 2: one layer
  in two; Gemma 3: five in six, `sliding_window_pattern`; gpt-oss and others: `layer_types`; Llama 4's chunked
  attention: three layers in four hold one chunk). A window on every layer and no pattern (Mistral-7B-v0.1,
  Phi-3) is *not* counted as sliding: llama.cpp keeps the full context for those models, so `swa_layers`
  stays 0 and `uniform_window` records the window;
- recurrent layers (Mamba, linear attention, gated DeltaNet) hold none: hybrids (Qwen3-Next, Qwen 3.5,
  Jamba, Granite 4 hybrids, Nemotron-H, Bamba, LFM2) count only their attention layers; Falcon-H1 has
  attention in every layer beside its Mamba mixer;
- multi-head latent attention (DeepSeek V2/V3, Kimi K2, GLM-4.7-Flash ...) caches one compressed latent per
  token and layer: `kv_lora_rank + qk_rope_head_dim` elements instead of 2 × heads × head_dim;
- multi-query attention (Falcon-7B, StarCoder, `multi_query: true`) has one KV head.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

MAX_CONTEXT = 1 << 26
_MAX_COUNT = 1 << 20

# key spellings, most common first
LAYER_KEYS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers", "num_decoder_layers", "n_layers_total")
HEAD_KEYS = ("num_attention_heads", "n_head", "n_heads", "num_heads", "encoder_attention_heads")
KV_KEYS = ("num_key_value_heads", "num_kv_heads", "n_head_kv", "n_kv_heads", "num_query_groups", "kv_heads")
HIDDEN_KEYS = ("hidden_size", "n_embd", "d_model", "dim", "model_dim", "n_embed")
HEAD_DIM_KEYS = ("head_dim", "kv_channels", "d_kv", "attention_head_dim", "head_size", "d_head")
CONTEXT_KEYS = (
    "n_positions",
    "n_ctx",
    "seq_length",
    "max_sequence_length",
    "max_seq_len",
    "seq_len",
    "model_max_length",
)
EXPERT_KEYS = (
    "num_local_experts",
    "num_experts",
    "n_routed_experts",
    "moe_num_experts",
    "n_experts",
    "num_moe_experts",
)
ACTIVE_EXPERT_KEYS = ("num_experts_per_tok", "experts_per_token", "num_experts_per_token", "moe_topk", "top_k", "moe_k")
# nested configs holding the language model of a multimodal or composite model
NESTED_KEYS = ("text_config", "llm_config", "language_config", "text_model_config", "thinker_config", "lm_config")
NO_KV_LAYER_TYPES = frozenset(
    {"linear_attention", "mamba", "mamba2", "conv", "short_conv", "recurrent", "ssm", "rwkv", "deltanet", "m"}
)
SWA_LAYER_TYPES = frozenset({"sliding_attention", "chunked_attention", "local_attention", "sliding", "local"})
# recurrent models without any attention layer
NO_ATTENTION_TYPES = frozenset({"mamba", "mamba2", "falcon_mamba", "rwkv", "rwkv5", "rwkv6", "rwkv7", "xlstm"})
# Gemma 2 alternates local and global layers without saying so in its config; Gemma 3 says so, but older
# Gemma 3 configs omit the pattern (6)
DEFAULT_SWA_PATTERN = {"gemma2": 2, "gemma3": 6, "gemma3_text": 6, "cohere2": 4, "gemma3n": 5, "gemma3n_text": 5}


@dataclass(frozen=True, slots=True)
class ModelShape:
    """The geometry of a model's language part. None: not stated."""

    architecture: str | None = None
    model_type: str | None = None
    n_layers: int | None = None
    n_heads: int | None = None
    n_kv_heads: int | None = None
    head_dim: int | None = None  # key head size
    v_head_dim: int | None = None  # value head size when it differs
    hidden_size: int | None = None
    vocab_size: int | None = None
    context_length: int | None = None
    rope_scaling: str | None = None  # "yarn x4 from 32768"
    sliding_window: int | None = None
    full_layers: int | None = None  # layers caching the whole context
    swa_layers: int | None = None  # layers caching only the window
    uniform_window: int | None = None  # a window on every layer (llama.cpp caches the full context anyway)
    kv_lora_rank: int | None = None  # multi-head latent attention
    qk_rope_head_dim: int | None = None
    experts: int | None = None
    experts_active: int | None = None
    dtype: str | None = None
    quantization: str | None = None  # "gptq 4-bit", "fp8", "mxfp4" ...
    params: int | None = None  # from a GGUF header's tensors
    file_type: str | None = None  # GGUF general.file_type

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ModelShape:
        if not data:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    @property
    def has_geometry(self) -> bool:
        """Enough to size the KV cache."""
        if self.kv_layers == 0:
            return True
        if self.kv_lora_rank and self.qk_rope_head_dim and self.n_layers:
            return True
        return bool(self.n_layers and self.n_kv_heads and self.head_dim)

    @property
    def kv_layers(self) -> int | None:
        if self.full_layers is None and self.swa_layers is None:
            return self.n_layers
        return (self.full_layers or 0) + (self.swa_layers or 0)

    def merged(self, other: ModelShape) -> ModelShape:
        """This shape with the gaps filled from `other`."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(other, **{key: value for key, value in values.items() if value is not None})


# -- small readers ---------------------------------------------------------------------------------------------
def count(value: Any, limit: int = _MAX_COUNT) -> int | None:
    """A positive whole number (ints, whole floats, digit strings); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():
            return None
        value = int(value)
    elif isinstance(value, str):
        if not value.strip().isdigit():
            return None
        value = int(value.strip())
    if isinstance(value, int) and 0 < value <= limit:
        return value
    return None


def first(configs: Sequence[Mapping[str, Any]], keys: Iterable[str], limit: int = _MAX_COUNT) -> int | None:
    for config in configs:
        for key in keys:
            found = count(config.get(key), limit)
            if found is not None:
                return found
    return None


def layers_of(configs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The configs to read geometry from, language model first: a nested text config, then the top level."""
    ordered: list[Mapping[str, Any]] = []
    for config in configs:
        for key in NESTED_KEYS:
            nested = config.get(key)
            if isinstance(nested, Mapping):
                ordered.extend(layers_of([nested]))
    ordered.extend(configs)
    return ordered


def _rope(config: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for key in ("rope_scaling", "rope_parameters"):
        value = config.get(key)
        if isinstance(value, Mapping):
            # transformers 5 nests per layer type: {"full_attention": {...}, "sliding_attention": {...}}
            full = value.get("full_attention")
            return full if isinstance(full, Mapping) else value
    return None


def context_of(configs: Sequence[Mapping[str, Any]]) -> tuple[int | None, str | None]:
    """(context length with the RoPE scaling the config declares, a description of that scaling).

    With an original length stated (Llama 3.1, Qwen YaRN, DeepSeek-V3, gpt-oss) the context is the larger of
    max_position_embeddings and original × factor. Without one, configs normally state the extended window
    already (Gemma 3: 131072 with a linear factor 8), so the factor is applied only to short windows
    (≤ 8192: the SuperHOT / linear-scaling fine-tunes of 2023).
    """
    for config in configs:
        positions = count(config.get("max_position_embeddings"), MAX_CONTEXT)
        if positions is None:
            continue
        scaling = _rope(config)
        if not scaling:
            return positions, None
        factor = scaling.get("factor")
        kind = scaling.get("rope_type", scaling.get("type"))
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not 1 < factor <= 1024:
            return positions, None
        original = count(scaling.get("original_max_position_embeddings"), MAX_CONTEXT) or count(
            config.get("original_max_position_embeddings"), MAX_CONTEXT
        )
        label = f"{kind or 'rope'} x{factor:g}"
        if original is not None:
            return min(max(positions, round(original * factor)), MAX_CONTEXT), f"{label} from {original}"
        if positions <= 8192 and kind in (None, "linear", "dynamic", "yarn"):
            return min(round(positions * factor), MAX_CONTEXT), f"{label} from {positions}"
        return positions, label
    found = first(configs, CONTEXT_KEYS, MAX_CONTEXT)
    return found, None


def _layer_pattern(config: Mapping[str, Any], n_layers: int) -> tuple[int, int, int] | None:
    """(full attention layers, sliding-window layers, layers without KV) from an explicit per-layer list or
    rule; None when the config has none."""
    layer_types = config.get("layer_types")
    if isinstance(layer_types, list) and layer_types and all(isinstance(t, str) for t in layer_types):
        kinds = [t.lower() for t in layer_types[:n_layers]]
        swa = sum(kind in SWA_LAYER_TYPES for kind in kinds)
        none = sum(kind in NO_KV_LAYER_TYPES for kind in kinds)
        return len(kinds) - swa - none, swa, none
    pattern = config.get("hybrid_override_pattern")  # Nemotron-H: "M-M-M-M*-..." ('*' attention, M Mamba, - MLP)
    if isinstance(pattern, str) and pattern:
        attention = pattern.count("*")
        return attention, 0, n_layers - attention
    interval = count(config.get("full_attention_interval"))  # Qwen3-Next, Qwen 3.5: one full layer in N
    if interval is not None:
        full = n_layers // interval
        return full, 0, n_layers - full
    period = count(config.get("attn_layer_period"))  # Jamba: attention at offset, every period
    if period is not None:
        offset = config.get("attn_layer_offset")
        offset = offset if isinstance(offset, int) and not isinstance(offset, bool) else 0
        full = sum(1 for index in range(n_layers) if index % period == offset % period)
        return full, 0, n_layers - full
    indices = config.get("attn_layer_indices")  # Bamba and others: attention layers listed
    if isinstance(indices, list) and indices:
        full = len({index for index in indices if isinstance(index, int)})
        return full, 0, n_layers - full
    block_types = config.get("block_types") or config.get("layers_block_type")  # Zamba, RecurrentGemma
    if isinstance(block_types, list) and block_types and all(isinstance(t, str) for t in block_types):
        kinds = [t.lower() for t in block_types[:n_layers]]
        full = sum(kind in ("attention", "hybrid", "full_attention") for kind in kinds)
        return full, 0, n_layers - full
    return None


def _windows(config: Mapping[str, Any], model_type: str, n_layers: int) -> tuple[int | None, int, bool]:
    """(window, sliding layers, uniform) for models with a window and no explicit layer list."""
    if config.get("use_sliding_window") is False:
        return None, 0, False
    chunk = count(config.get("attention_chunk_size"), MAX_CONTEXT)  # Llama 4: chunked local attention
    if chunk is not None:
        no_rope = config.get("no_rope_layers")
        if isinstance(no_rope, list) and no_rope:
            return chunk, sum(1 for flag in no_rope[:n_layers] if flag), False
        step = count(config.get("no_rope_layer_interval")) or 4
        return chunk, n_layers - n_layers // step, False
    window = count(config.get("sliding_window"), MAX_CONTEXT)
    if window is None:
        return None, 0, False
    pattern = count(config.get("sliding_window_pattern")) or DEFAULT_SWA_PATTERN.get(model_type)
    if pattern is None:
        return window, 0, True
    if pattern == 1:  # every layer local
        return window, n_layers, False
    return window, n_layers - n_layers // pattern, False


def _quantization(config: Mapping[str, Any]) -> str | None:
    quant = config.get("quantization_config") or config.get("quantization")
    if not isinstance(quant, Mapping):
        return None
    method = quant.get("quant_method") or quant.get("quant_algo") or quant.get("format")
    bits = quant.get("bits") or quant.get("w_bit") or quant.get("weight_bits")
    if quant.get("load_in_4bit"):
        bits = 4
    elif quant.get("load_in_8bit"):
        bits = 8
    text = str(method)[:40] if isinstance(method, str) else "quantized"
    if isinstance(bits, int) and not isinstance(bits, bool):
        text += f" {bits}-bit"
    return text


def _text(value: Any, limit: int = 100) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def shape_from_config(config: Mapping[str, Any]) -> ModelShape:
    """The shape a config.json states (nested text configs of multimodal models read first)."""
    configs = layers_of([config])
    architectures = config.get("architectures")
    architecture = architectures[0] if isinstance(architectures, list) and architectures else None
    model_type = next((t for c in configs if (t := _text(c.get("model_type"))) is not None), None)
    model_type = model_type.lower() if model_type else None
    n_layers = first(configs, LAYER_KEYS, 100_000)
    heads = first(configs, HEAD_KEYS)
    kv_heads = first(configs, KV_KEYS)
    multi_query = any(c.get("multi_query") is True for c in configs)
    if any(c.get("multi_query_attention") is True for c in configs):  # ChatGLM: groups
        kv_heads = first(configs, ("multi_query_group_num",)) or kv_heads
    if kv_heads is None:
        kv_heads = 1 if multi_query else heads
    if multi_query and not any(c.get("new_decoder_architecture") is True for c in configs):
        kv_heads = 1
    hidden = first(configs, HIDDEN_KEYS)
    head_dim = first(configs, HEAD_DIM_KEYS)
    if head_dim is None:
        for c in configs:
            size, number = first((c,), HIDDEN_KEYS), first((c,), HEAD_KEYS)
            if size is not None and number is not None and size >= number:
                head_dim = size // number
                break
    kv_lora = first(configs, ("kv_lora_rank",))
    rope_dim = first(configs, ("qk_rope_head_dim",)) if kv_lora else None
    context, scaling = context_of(configs)
    full = swa = None
    window = uniform = None
    if n_layers is not None:
        text_config = configs[0]
        if (model_type or "") in NO_ATTENTION_TYPES:
            full, swa = 0, 0
        else:
            pattern = next((p for c in configs if (p := _layer_pattern(c, n_layers)) is not None), None)
            if pattern is not None:
                full, swa, _none = pattern
                if swa:
                    window = first(configs, ("sliding_window", "attention_chunk_size"), MAX_CONTEXT)
                    if window is None:
                        swa, full = 0, full + swa
            else:
                window, swa, is_uniform = _windows(text_config, model_type or "", n_layers)
                if is_uniform:
                    uniform, window, swa = window, None, 0
                full = n_layers - swa
    experts = first(configs, EXPERT_KEYS, 100_000)
    active = first(configs, ACTIVE_EXPERT_KEYS, 100_000) if experts else None
    dtype = next((d for c in configs if (d := _text(c.get("torch_dtype") or c.get("dtype"), 20))), None)
    quantization = next((q for c in (config, *configs) if (q := _quantization(c)) is not None), None)
    v_head_dim = first(configs, ("v_head_dim",))
    return ModelShape(
        architecture=_text(architecture),
        model_type=model_type,
        n_layers=n_layers,
        n_heads=heads,
        n_kv_heads=kv_heads,
        head_dim=head_dim,
        v_head_dim=v_head_dim if v_head_dim != head_dim and not kv_lora else None,
        hidden_size=hidden,
        vocab_size=first(configs, ("vocab_size", "padded_vocab_size"), 10_000_000),
        context_length=context,
        rope_scaling=scaling,
        sliding_window=window,
        full_layers=full if full is not None and (swa or full != n_layers) else None,
        swa_layers=swa or None,
        uniform_window=uniform,
        kv_lora_rank=kv_lora,
        qk_rope_head_dim=rope_dim,
        experts=experts,
        experts_active=active,
        dtype=dtype,
        quantization=quantization,
    )


# -- GGUF metadata -------------------------------------------------------------------------------------------
# general.file_type values (llama.cpp's LLAMA_FTYPE_*)
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
    36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4",
}  # fmt: skip
# GGUF architectures whose recurrent layers hold no KV (their head_count_kv array has zeros there)
GGUF_NO_ATTENTION = frozenset({"mamba", "mamba2", "rwkv6", "rwkv7", "rwkv6qwen2", "arwkv7"})


def _gguf_count(value: Any, limit: int = _MAX_COUNT) -> int | None:
    if isinstance(value, list):
        counts = [v for v in value if isinstance(v, int) and not isinstance(v, bool) and v > 0]
        return max(counts) if counts else None
    return count(value, limit)


def shape_from_gguf(metadata: Mapping[str, Any], params: int | None = None) -> ModelShape:
    """The shape a GGUF header's metadata states (keys `{arch}.block_count`, `{arch}.attention.head_count_kv` ...).

    `head_count_kv` may be an array with one value per layer: layers with 0 hold no KV (hybrids such as
    Qwen3-Next, Jamba, Granite 4 hybrids, Nemotron-H, LFM2).
    """
    arch = _text(metadata.get("general.architecture"))
    if arch is None:
        return ModelShape(params=params)

    def key(name: str) -> Any:
        return metadata.get(f"{arch}.{name}")

    n_layers = count(key("block_count"), 100_000)
    heads = _gguf_count(key("attention.head_count"))
    kv_value = key("attention.head_count_kv")
    kv_heads = _gguf_count(kv_value)
    if kv_heads is None:
        kv_heads = heads
    key_length = count(key("attention.key_length"))
    value_length = count(key("attention.value_length"))
    hidden = count(key("embedding_length"))
    head_dim = key_length or (hidden // heads if hidden and heads else None)
    full: int | None = None
    swa = 0
    none = 0
    if isinstance(kv_value, list) and n_layers:
        per_layer = [v if isinstance(v, int) else 0 for v in kv_value[:n_layers]]
        none = sum(1 for v in per_layer if v == 0)
    if arch in GGUF_NO_ATTENTION:
        none = n_layers or 0
    interval = count(key("full_attention_interval"))
    if interval and n_layers and not none:
        none = n_layers - n_layers // interval
    window = count(key("attention.sliding_window"), MAX_CONTEXT)
    pattern_value = key("attention.sliding_window_pattern")
    if window and n_layers:
        if isinstance(pattern_value, list) and pattern_value:  # per layer: true = sliding
            swa = sum(1 for flag in pattern_value[:n_layers] if flag is True)
        else:
            pattern = count(pattern_value) or DEFAULT_SWA_PATTERN.get(arch)
            if arch == "gpt-oss":
                pattern = 2
            if pattern:
                swa = n_layers - n_layers // pattern if pattern > 1 else n_layers
    chunk = count(key("attention.chunk_size") or key("attention.chunked_attention_size"), MAX_CONTEXT)
    if chunk and n_layers and not swa:  # Llama 4
        window, swa = chunk, n_layers - n_layers // 4
    uniform = window if window and not swa else None
    if n_layers is not None:
        full = n_layers - swa - none
    kv_lora = count(key("attention.kv_lora_rank"))
    rope_dim = count(key("rope.dimension_count")) if kv_lora else None
    file_type = metadata.get("general.file_type")
    experts = count(key("expert_count"), 100_000)
    return ModelShape(
        architecture=arch,
        model_type=arch,
        n_layers=n_layers,
        n_heads=heads,
        n_kv_heads=1 if kv_lora else kv_heads,
        head_dim=head_dim,
        v_head_dim=value_length if value_length and value_length != head_dim and not kv_lora else None,
        hidden_size=hidden,
        vocab_size=count(key("vocab_size"), 10_000_000),
        context_length=count(key("context_length"), MAX_CONTEXT),
        sliding_window=window if swa else None,
        full_layers=full if full is not None and (swa or none) else None,
        swa_layers=swa or None,
        uniform_window=uniform,
        kv_lora_rank=kv_lora,
        qk_rope_head_dim=rope_dim,
        experts=experts,
        experts_active=count(key("expert_used_count"), 100_000) if experts else None,
        params=params,
        file_type=FILE_TYPES.get(file_type) if isinstance(file_type, int) else None,
    )


# -- provenance ------------------------------------------------------------------------------------------------
PROVENANCE_FIELDS = (
    "n_layers", "n_heads", "n_kv_heads", "head_dim", "hidden_size", "context_length", "rope_scaling",
    "sliding_window", "full_layers", "swa_layers", "uniform_window", "kv_lora_rank", "qk_rope_head_dim",
    "experts", "experts_active", "dtype", "quantization", "file_type", "params", "active_params", "commercial",
)  # fmt: skip
_COLUMN_FIELDS = frozenset({"n_layers", "n_kv_heads", "head_dim", "context_length", "sliding_window", "params"})


def shape_provenance(record: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each shape field of a catalog record (`Catalog.model`) with its value and where it came from: the repo's
    own config.json or GGUF header, the Hub listing, the base model (inherited), or nowhere (None)."""
    stored = record.get("shape")
    shape: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
    inherited = set(record.get("inherited") or [])
    base = record.get("base_model")
    own = record.get("shape_source")
    own_label = None
    if own:
        own_label = "config.json" if own == "config.json" else f"GGUF header of {own.removeprefix('gguf:')}"
    fields: dict[str, dict[str, Any]] = {}
    for name in PROVENANCE_FIELDS:
        column = record.get(name) if name in _COLUMN_FIELDS or name in ("active_params", "commercial") else None
        value = column if column is not None else shape.get(name)
        if name == "commercial":
            source = f"licence of {base} (inherited)" if "license" in inherited and base else "own licence"
            fields[name] = {"value": value, "from": source}
            continue
        if value is None:
            fields[name] = {"value": None, "from": None}
            continue
        if name in inherited or (name not in _COLUMN_FIELDS and "shape" in inherited):
            source = f"{base} (inherited)"
        elif own_label and (shape.get(name) == value):
            source = own_label
        elif name == "params" and record.get("params_source"):
            source = f"listing ({record['params_source']})"
        else:
            source = "listing"
        fields[name] = {"value": value, "from": source}
    return fields
