"""Will it run? Memory needed by a model at a quant and a context, and the best quant for a memory budget.

Memory ≈ weights + KV cache + runtime overhead (PRODUCT.md):
- weights: the real GGUF file size when the catalog has it (split files summed), else parameters × the
  quant's measured bits per weight (MoE: every expert is in memory; the active parameters only set the speed);
  the vision projector (mmproj) is added when vision is asked;
- KV cache, per layer that holds one (`kv_cache_bytes`), as llama.cpp allocates it:
  - full-attention layers: 2 (K and V) × context × KV heads × head dim × bytes per element — grouped-query
    and multi-query attention through the KV head count;
  - sliding-window layers (Gemma 2/3, gpt-oss, Cohere2; Llama 4's chunks): the window plus one micro-batch
    (512 tokens), at most the context. A window on *every* layer (Mistral-7B-v0.1, Phi-3) is cached for the full
    context by llama.cpp, so it counts as full attention;
  - multi-head latent attention (DeepSeek V2/V3, Kimi K2): one compressed latent per token and layer,
    kv_lora_rank + qk_rope_head_dim elements;
  - recurrent layers of hybrids (Qwen3-Next, Qwen 3.5, Jamba, Granite 4 hybrids, Nemotron-H) hold none;
  - bytes per element: f16 2, q8_0 1.0625, q4_0 0.5625 (the KV cache type, an option of the fit);
  - an unknown geometry takes the row of configs/kv_fallback.toml for the architecture and size class (real
    configs), else a conservative estimate from the parameter count; either is said in the notes;
- overhead: compute buffers and runtime, a fixed allowance.
Apple unified memory counts only the share the GPU may use (default 70%).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from recommender.quants import quant_table
from recommender.reasons import Reason

FitLevel = Literal["gpu", "partial", "cpu", "no"]
MemoryKind = Literal["ram", "vram", "unified"]
KVCacheType = Literal["f16", "q8_0", "q4_0"]

GB = 1e9
# Effective bits per weight measured by llama.cpp for an 8B model (PRODUCT.md); unlisted types estimated.
BITS_PER_WEIGHT: dict[str, float] = {
    "IQ1_S": 1.56, "IQ1_M": 1.75, "IQ2_XXS": 2.06, "IQ2_XS": 2.31, "IQ2_S": 2.5, "IQ2_M": 2.7,
    "Q2_K_S": 2.97, "Q2_K": 3.16, "IQ3_XXS": 3.06, "IQ3_XS": 3.3, "IQ3_S": 3.44, "Q3_K_S": 3.64, "IQ3_M": 3.76,
    "Q3_K_M": 4.00, "Q3_K_L": 4.30, "IQ4_XS": 4.46, "Q4_0": 4.64, "IQ4_NL": 4.68, "Q4_K_S": 4.67,
    "Q4_1": 5.0, "Q4_K_M": 4.89, "Q4_K_L": 5.1, "Q5_0": 5.54, "Q5_K_S": 5.57, "Q5_1": 6.0, "Q5_K_M": 5.70,
    "Q5_K_L": 5.9, "Q6_K": 6.56, "Q6_K_L": 6.8, "Q8_0": 8.50, "F16": 16.0, "BF16": 16.0, "F32": 32.0,
}  # fmt: skip
# With the output layer known, weights = body × BODY_BITS + output layer × its own type (Q6_K in every
# k-quant and legacy quant, Q8_0 in Q8_0): small models with big vocabularies come out right. The body figures
# are the median over the 11,378 TheBloke GGUF files of ../shared/data/gguf (2023-24 llama.cpp mixes).
BODY_BITS: dict[str, float] = {
    "IQ1_S": 1.56, "IQ1_M": 1.75, "IQ2_XXS": 2.06, "IQ2_XS": 2.31, "IQ2_S": 2.5, "IQ2_M": 2.7, "Q2_K_S": 2.7,
    "Q2_K": 3.30, "IQ3_XXS": 3.06, "IQ3_XS": 3.3, "IQ3_S": 3.44, "Q3_K_S": 3.44, "IQ3_M": 3.66, "Q3_K_M": 3.84,
    "Q3_K_L": 4.20, "IQ4_XS": 4.25, "Q4_0": 4.50, "IQ4_NL": 4.5, "Q4_K_S": 4.53, "Q4_1": 5.0, "Q4_K_M": 4.80,
    "Q5_0": 5.50, "Q5_K_S": 5.50, "Q5_1": 6.0, "Q5_K_M": 5.65, "Q6_K": 6.5625, "Q8_0": 8.5, "F16": 16.0,
    "BF16": 16.0, "F32": 32.0,
}  # fmt: skip
OUTPUT_BITS: dict[str, float] = {"Q8_0": 8.5, "F16": 16.0, "BF16": 16.0, "F32": 32.0}
DEFAULT_OUTPUT_BITS = 6.5625  # Q6_K
# Best first. Answers prefer PREFERRED_FLOOR or better and go lower only when nothing else fits.
QUALITY_ORDER: tuple[str, ...] = (
    "F16", "BF16", "Q8_0", "Q6_K_L", "Q6_K", "Q5_K_L", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_L", "Q4_K_M",
    "Q4_K_S", "Q4_1", "IQ4_NL", "Q4_0", "IQ4_XS", "Q3_K_L", "Q3_K_M", "IQ3_M", "Q3_K_S", "IQ3_S", "IQ3_XS",
    "IQ3_XXS", "Q2_K", "Q2_K_S", "IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S",
)  # fmt: skip
PREFERRED_FLOOR = "Q4_K_M"
COMMON_QUANTS: tuple[str, ...] = ("Q4_K_M", "Q8_0", "F16")
DEFAULT_CONTEXT = 4096
OVERHEAD_BYTES = 0.5 * GB
RAM_SHARE = 0.85  # of system RAM a model may take: the OS, the browser and the document in context need the rest
UNKNOWN_KV_BYTES_PER_TOKEN_PER_B = 0.075e6  # Llama-2-7B without GQA: 0.52 MB a token; scaled by size
SLIDING_SHARE = {"gemma3": 5 / 6, "gemma3n": 5 / 6, "gemma2": 1 / 2}  # share of layers using the window
# bytes per cached element: ggml's block sizes (q8_0: 34 bytes per 32 values, q4_0: 18 per 32)
KV_BYTES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "f32": 4.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
KV_CACHE_TYPES: tuple[str, ...] = ("f16", "q8_0", "q4_0")
UBATCH = 512  # llama.cpp keeps the window plus one micro-batch in a sliding-window layer
UNSTATED_GB = 1e5  # a budget this large stands for "no memory stated"
MMPROJ_GUESS_BYTES = 0.9 * GB  # a vision projector when its file size is unknown (SigLIP-class, f16)
FALLBACK_TABLE = Path(__file__).resolve().parent.parent / "configs" / "kv_fallback.toml"


@dataclass(frozen=True, slots=True)
class Shape:
    """What the estimate needs to know about a model."""

    params: int | None
    architecture: str | None = None
    output_params: int | None = None  # vocabulary × hidden size (the output layer), when known
    n_layers: int | None = None
    n_kv_heads: int | None = None
    head_dim: int | None = None
    sliding_window: int | None = None
    context_length: int | None = None
    full_layers: int | None = None  # layers caching the whole context (None: every layer but the sliding ones)
    swa_layers: int | None = None  # layers caching only the window (None: by architecture, Gemma 2/3)
    kv_lora_rank: int | None = None  # multi-head latent attention: the compressed latent ...
    qk_rope_head_dim: int | None = None  # ... and its RoPE part, cached per token and layer
    active_params: int | None = None  # MoE: parameters used per token
    experts: int | None = None
    experts_active: int | None = None
    mmproj_bytes: int | None = None  # the vision projector file, when the repo has one
    family: str | None = None  # for the fallback table when the geometry is unknown
    vocab_size: int | None = None  # with hidden_size: the output layer's size for the GPU layer split
    hidden_size: int | None = None  # (the weight estimate keeps output_params, which says the same when known)


@dataclass(frozen=True, slots=True)
class QuantFile:
    path: str
    quant: str
    size: int | None


@dataclass(frozen=True, slots=True)
class Budget:
    memory_gb: float
    kind: MemoryKind = "ram"
    context: int = DEFAULT_CONTEXT
    unified_share: float = 0.70  # of Apple unified memory the GPU may use
    offload_ram_gb: float = 0.0  # system RAM the user stated beside a GPU: only then is CPU offload offered
    kv_cache: KVCacheType = "f16"  # llama.cpp's --cache-type-k/-v
    vision: bool = False  # images asked: the vision projector is loaded too

    @property
    def stated(self) -> bool:
        """False for the stand-in budget of a request that named no memory (recommend.py sizes those at 1e6 GB)."""
        return self.memory_gb < UNSTATED_GB

    @property
    def usable_bytes(self) -> float:
        """Unified memory: the GPU's share; system RAM: what the OS and the other programs leave."""
        share = {"unified": self.unified_share, "ram": RAM_SHARE}.get(self.kind, 1.0)
        return self.memory_gb * GB * share


@dataclass(frozen=True, slots=True)
class Estimate:
    quant: str
    file: str | None  # the GGUF file (first part of a split file) when the catalog has it
    weights_bytes: float
    kv_bytes: float
    overhead_bytes: float
    exact_weights: bool  # from the real file size
    kv_estimated: bool  # geometry unknown: from the fallback table or conservative
    context: int
    kv_cache: str = "f16"
    kv_note: dict[str, str] | None = None  # the fallback row (name, source) when the geometry was not the model's
    mmproj_bytes: float = 0.0  # the vision projector, when vision is asked

    @property
    def needed_bytes(self) -> float:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes + self.mmproj_bytes


@dataclass(frozen=True, slots=True)
class Offload:
    """Where llama.cpp keeps a GGUF model for a budget: its `-ngl` and `--n-cpu-moe` (`gpu_layers`)."""

    n_gpu_layers: int | None  # -ngl: layers + 1 is all of them; None: the layer count is unknown (llama.cpp decides)
    n_cpu_moe: int = 0  # --n-cpu-moe: the first N layers keep their expert tensors in system RAM
    layers: int | None = None  # repeating layers (the model's, or the fallback table's row when its own are unknown)
    gpu_bytes: float = 0.0  # what the GPU holds so
    gpu_read_share: float = 1.0  # of the bytes read per generated token, the share the GPU reads (recommender/speed.py)

    @property
    def all_on_gpu(self) -> bool:
        if self.n_cpu_moe or self.n_gpu_layers is None:
            return False
        return self.n_gpu_layers > self.layers if self.layers is not None else self.n_gpu_layers >= ALL_LAYERS


@dataclass(frozen=True, slots=True)
class Fit:
    level: FitLevel
    estimate: Estimate | None
    budget: Budget
    below_preferred: bool = False  # had to go under Q4_K_M to fit
    notes: tuple[Reason, ...] = field(default_factory=tuple)  # remarks of the estimate, as data
    tokens_per_s: float | None = None  # estimated generation speed (recommender/speed.py), once the hardware is known
    offload: Offload | None = None  # llama.cpp's layer split for a GGUF file (`gpu_layers`); None for other formats

    @property
    def fits(self) -> bool:
        return self.level != "no"


def weights_bytes(params: int, quant: str, output_params: int | None = None) -> float | None:
    """Bytes of a GGUF file of `params` parameters at `quant` (the output layer counted apart when known)."""
    quant = quant.upper().removeprefix("UD-")
    if output_params and 0 < output_params < params and quant in BODY_BITS:
        body = (params - output_params) * BODY_BITS[quant]
        return (body + output_params * OUTPUT_BITS.get(quant, DEFAULT_OUTPUT_BITS)) / 8
    bits = BITS_PER_WEIGHT.get(quant)
    return params * bits / 8 if bits else None


def kv_cache_bytes(shape: Shape, context: int, cache_type: str = "f16") -> tuple[float, bool]:
    """(bytes of KV cache at `context` tokens, whether the geometry was guessed)."""
    size, guessed, _note = kv_cache(shape, context, cache_type)
    return size, guessed


def kv_cache(shape: Shape, context: int, cache_type: str = "f16") -> tuple[float, bool, dict[str, str] | None]:
    """(bytes of KV cache at `context` tokens, whether the geometry was guessed, where a guess came from)."""
    context = max(1, context)
    per_element = KV_BYTES.get(cache_type.lower(), 2.0)
    if shape.full_layers == 0 and not shape.swa_layers:
        return 0.0, False, None  # no attention layer: a recurrent model (Mamba, RWKV)
    if shape.n_layers and shape.kv_lora_rank and shape.qk_rope_head_dim:
        layers = shape.full_layers if shape.full_layers is not None else shape.n_layers
        return layers * context * (shape.kv_lora_rank + shape.qk_rope_head_dim) * per_element, False, None
    if shape.n_layers and shape.n_kv_heads and shape.head_dim:
        return _layered_kv(shape, shape.n_layers, shape.n_kv_heads, shape.head_dim, context, per_element), False, None
    row = fallback_row(shape.architecture, shape.family, shape.params)
    if row is not None:
        layers, kv_heads, head_dim = int(row["layers"]), int(row["kv_heads"]), int(row["head_dim"])
        guess = Shape(
            params=shape.params,
            architecture=shape.architecture,
            sliding_window=row.get("sliding_window"),
            full_layers=row.get("full_layers"),
            swa_layers=row.get("swa_layers", 0),
            kv_lora_rank=row.get("kv_lora_rank"),
            qk_rope_head_dim=row.get("qk_rope_head_dim"),
        )
        if guess.kv_lora_rank and guess.qk_rope_head_dim:
            size = layers * context * (guess.kv_lora_rank + guess.qk_rope_head_dim) * per_element
        else:
            size = _layered_kv(guess, layers, kv_heads, head_dim, context, per_element)
        return size, True, {"name": str(row["name"]), "source": str(row["source"])}
    params_b = (shape.params or 7e9) / 1e9
    return UNKNOWN_KV_BYTES_PER_TOKEN_PER_B * params_b * context * per_element / 2, True, None


def _layered_kv(shape: Shape, layers: int, kv_heads: int, head_dim: int, context: int, per_element: float) -> float:
    per_token = 2 * kv_heads * head_dim * per_element
    swa = shape.swa_layers
    if swa is None:  # catalogs written before the layer pattern was stored: by architecture
        share = SLIDING_SHARE.get((shape.architecture or "").lower().replace("forcausallm", ""), 0.0)
        swa = round(layers * share) if shape.sliding_window else 0
    full = shape.full_layers if shape.full_layers is not None else layers - swa
    window = min(context, (shape.sliding_window or context) + UBATCH) if swa else 0
    return (full * context + swa * window) * per_token


@cache
def _fallback_rows(path: Path = FALLBACK_TABLE) -> tuple[dict[str, Any], ...]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError:
        return ()
    return tuple(row for row in data.get("row", []) if isinstance(row, dict))


def fallback_row(architecture: str | None, family: str | None, params: int | None) -> dict[str, Any] | None:
    """The configs/kv_fallback.toml row for a model of unknown geometry: its architecture (or family), the
    row whose parameter class is nearest to the model's size."""
    if not params:
        return None
    keys = {k.lower() for k in (architecture, family) if k}
    keys |= {k.removesuffix("forcausallm").removesuffix("forconditionalgeneration") for k in keys}
    rows = [row for row in _fallback_rows() if keys & {str(m).lower() for m in row.get("match", [])}]
    if not rows:
        rows = [row for row in _fallback_rows() if "*" in row.get("match", [])]
    if not rows:
        return None
    return min(rows, key=lambda row: abs(float(row["params_b"]) - params / 1e9) / float(row["params_b"]))


def file_sizes(files: Iterable[QuantFile]) -> dict[str, tuple[str, int]]:
    """quant → (first file, total bytes) over the repo's GGUF files (split parts summed)."""
    totals: dict[str, tuple[str, int]] = {}
    for item in sorted(files, key=lambda f: f.path):
        if not item.quant or item.size is None:
            continue
        quant = item.quant.upper()
        first, total = totals.get(quant, (item.path, 0))
        totals[quant] = (first, total + item.size)
    return totals


def estimate(
    shape: Shape,
    quant: str,
    context: int,
    files: Sequence[QuantFile] = (),
    totals: dict[str, tuple[str, int]] | None = None,
    kv_cache_type: str = "f16",
    vision: bool = False,
) -> Estimate | None:
    """Memory for `shape` at `quant` and `context`; `totals` (from `file_sizes(files)`) saves recomputing it.
    `kv_cache_type`: f16, q8_0 or q4_0; `vision`: add the vision projector."""
    quant = quant.upper()
    known = (totals if totals is not None else file_sizes(files)).get(quant)
    if known:
        weights, exact, path = float(known[1]), True, known[0]
    else:
        if not shape.params:
            return None
        guess = weights_bytes(shape.params, quant, shape.output_params)
        if guess is None:
            return None
        weights, exact, path = guess, False, None
    kv, guessed, note = kv_cache(shape, context, kv_cache_type)
    mmproj = float(shape.mmproj_bytes or MMPROJ_GUESS_BYTES) if vision else 0.0
    return Estimate(quant, path, weights, kv, OVERHEAD_BYTES, exact, guessed, context, kv_cache_type, note, mmproj)


def level_of(needed: float, budget: Budget) -> FitLevel:
    """Where it runs. VRAM: the whole model and its KV cache on the GPU; offloading to system RAM only when
    the user stated RAM beside it (`offload_ram_gb`). Unified memory: the share the GPU may use. RAM: the CPU."""
    if budget.kind == "vram":
        if needed <= budget.usable_bytes:
            return "gpu"
        return "partial" if needed <= budget.usable_bytes + budget.offload_ram_gb * GB else "no"
    if budget.kind == "unified":
        return "gpu" if needed <= budget.usable_bytes else "no"
    return "cpu" if needed <= budget.usable_bytes else "no"


# -- llama.cpp's layer split -------------------------------------------------------------------------------
# How llama.cpp places a model (ggml-org/llama.cpp, src/llama-model.cpp `load_tensors`, and common/arg.cpp):
# - `-ngl N` counts the repeating layers *and* the output layer (output norm + output matrix): `-ngl layers + 1`
#   puts everything on the GPU. Since PR #18148 (December 2025, "offload output layer to GPU first") the output
#   layer goes first, then the repeating layers from the last one down (`i_gpu_start = n_layer + 1 - ngl`);
#   before it, the last N repeating layers went and the output layer only with the layers + 1st. The split below
#   follows the current order; on an older build the same N holds N repeating layers instead of the (larger)
#   output layer and N - 1 of them, so it never needs more memory than computed here.
# - the input layer (token embeddings) always stays in system RAM; a layer's KV cache sits on its layer's device.
# - `--n-cpu-moe N` adds a buffer override per layer 0..N-1 for its expert tensors (`blk.<i>.ffn_(up|down|gate)
#   _exps`): the routed experts of the first N layers stay in system RAM, everything else follows -ngl.
ALL_LAYERS = 999  # -ngl when the layer count is unknown: llama.cpp caps it at layers + 1


@dataclass(frozen=True, slots=True)
class LayerBytes:
    """A GGUF model cut the way llama.cpp places it. The token embeddings are spread over the repeating layers
    (they stay in RAM, so counting them on the GPU errs on the safe side)."""

    layers: int
    output: float  # the output layer: vocabulary × hidden size at the output's own type
    layer: float  # weights of one repeating layer
    kv: float  # KV cache of one layer (the model's average)
    experts: float  # of `layer`, the routed experts' weights (0 for a dense model)
    active: float  # share of the experts read per token: experts_active / experts (1 for a dense model)
    fixed: float  # compute buffers and runtime, the vision projector: on the GPU whatever -ngl says

    def gpu_bytes(self, n_gpu_layers: int, n_cpu_moe: int = 0) -> float:
        """What the GPU holds with `-ngl n_gpu_layers --n-cpu-moe n_cpu_moe`."""
        on_gpu, moved = self._placed(n_gpu_layers, n_cpu_moe)
        output = self.output if n_gpu_layers > 0 else 0.0
        return self.fixed + output + on_gpu * (self.layer + self.kv) - moved * self.experts

    def gpu_read_share(self, n_gpu_layers: int, n_cpu_moe: int = 0) -> float:
        """Of the bytes read to generate one token (the active experts only), the share read from the GPU."""
        read = self.layer - self.experts * (1 - self.active) + self.kv
        total = self.output + self.layers * read
        on_gpu, moved = self._placed(n_gpu_layers, n_cpu_moe)
        gpu = (self.output if n_gpu_layers > 0 else 0.0) + on_gpu * read - moved * self.experts * self.active
        return min(1.0, max(0.0, gpu / total)) if total > 0 else 1.0

    def _placed(self, n_gpu_layers: int, n_cpu_moe: int) -> tuple[int, int]:
        """(repeating layers on the GPU — the last ones —, how many of those have their experts in RAM)."""
        on_gpu = min(max(n_gpu_layers - 1, 0), self.layers)
        moved = max(0, min(n_cpu_moe, self.layers) - (self.layers - on_gpu))
        return on_gpu, moved


def expert_params(shape: Shape) -> float | None:
    """The routed experts' parameters of a MoE model: active = dense + E × k/n and params = dense + E, so
    E = (params − active) / (1 − k/n). With the expert counts unknown (a catalog row knowing only the active
    parameters), E = params − active: the least it can be, so moving experts to RAM never frees less than
    counted. None for a dense model."""
    params, active, n, k = shape.params, shape.active_params, shape.experts, shape.experts_active
    if not (params and active) or not 0 < active < params:
        return None
    if not (n and k and 0 < k < n):
        return float(params - active)
    return min(float(params), (params - active) / (1 - k / n))


def layer_bytes(shape: Shape, estimate: Estimate) -> LayerBytes | None:
    """The estimate's bytes per layer; None when the layer count is unknown (neither the model's nor a
    fallback row's)."""
    layers = shape.n_layers
    if not layers:
        row = fallback_row(shape.architecture, shape.family, shape.params)
        layers = int(row["layers"]) if row is not None else None
    if not layers:
        return None
    output_params = shape.output_params or (
        shape.vocab_size * shape.hidden_size if shape.vocab_size and shape.hidden_size else None
    )
    weights = estimate.weights_bytes
    output = 0.0
    if output_params and (not shape.params or output_params < shape.params):
        bits = OUTPUT_BITS.get(estimate.quant.upper().removeprefix("UD-"), DEFAULT_OUTPUT_BITS)
        output = min(output_params * bits / 8, weights / 2)
    layer = (weights - output) / layers
    experts, active = 0.0, 1.0
    moe = expert_params(shape)
    if moe is not None and shape.params and shape.active_params:
        body_params = shape.params - (output_params or 0) if output_params and output_params < shape.params else None
        experts = layer * min(1.0, moe / (body_params or shape.params))
        # the experts read per token: k of n, or with the counts unknown the active share of all parameters
        if shape.experts and shape.experts_active and 0 < shape.experts_active < shape.experts:
            active = shape.experts_active / shape.experts
        else:
            active = shape.active_params / shape.params
    return LayerBytes(
        layers, output, layer, estimate.kv_bytes / layers, experts, active,
        estimate.overhead_bytes + estimate.mmproj_bytes,
    )  # fmt: skip


def gpu_layers(shape: Shape, estimate: Estimate, budget: Budget) -> Offload:
    """llama.cpp's `-ngl` (and `--n-cpu-moe`) for this estimate and budget, by the split above:
    - system RAM only: -ngl 0; everything fits the GPU (or Apple's unified memory): all layers;
    - partly offloaded MoE model: all layers on the GPU and the experts of the first N layers in RAM, N the
      smallest that makes the rest fit (all experts in RAM and fewer layers when even that is too much);
    - partly offloaded dense model: the most layers whose weights and KV cache fit beside the output layer,
      the runtime and the vision projector."""
    if budget.kind == "ram":  # also the stand-in budget of every answer to a request naming no memory: no work
        return Offload(0, 0, shape.n_layers, 0.0, 0.0)
    split = layer_bytes(shape, estimate)
    layers = split.layers if split is not None else None
    usable = budget.usable_bytes
    everything = split.layers + 1 if split is not None else ALL_LAYERS
    if budget.kind == "unified" or estimate.needed_bytes <= usable:
        return Offload(everything, 0, layers, estimate.needed_bytes, 1.0)
    if split is None:
        return Offload(None, 0, None, usable, usable / estimate.needed_bytes)
    n_cpu_moe = 0
    if split.experts > 0:
        n_cpu_moe = next((m for m in range(split.layers + 1) if split.gpu_bytes(everything, m) <= usable), split.layers)
    ngl = next((n for n in range(everything, -1, -1) if split.gpu_bytes(n, n_cpu_moe) <= usable), 0)
    return Offload(ngl, n_cpu_moe, layers, split.gpu_bytes(ngl, n_cpu_moe), split.gpu_read_share(ngl, n_cpu_moe))


LEVEL_RANK = {"gpu": 0, "cpu": 1, "partial": 2, "no": 3}  # per budget kind only gpu/partial or gpu/cpu occur


def best_fit(
    shape: Shape,
    budget: Budget,
    files: Sequence[QuantFile] = (),
    *,
    asked: Sequence[str] = (),
    target: str | None = None,
) -> Fit:
    """The quant to offer for this budget, by measured quality (recommender/quants.py): the best one at or
    above Q4_K_M at the best level the budget allows; a lower one (down to the quality floor) only when none of
    those fits, said so; full precision and types under the floor only when `asked` names them. With `target`
    (no budget stated): that quant, or the allowed one nearest to it in quality."""
    table = quant_table()
    known = {quant: total for quant, total in file_sizes(files).items() if table.allowed(quant, asked)}
    if known:
        candidates = list(known)
    elif asked:
        candidates = [quant for quant in COMMON_QUANTS_ORDER if table.allowed(quant, asked)] or list(asked)
    else:
        candidates = [quant for quant in COMMON_QUANTS_ORDER if table.allowed(quant)]
    estimates = [
        e
        for e in (
            estimate(shape, quant, budget.context, (), known, budget.kv_cache, budget.vision) for quant in candidates
        )
        if e
    ]
    if not estimates:
        return Fit("no", None, budget, notes=(Reason("unknown_params"),))

    def quality(e: Estimate) -> float:
        divergence = table.divergence(e.quant)
        return divergence if divergence is not None else table.max_kld

    if target is not None:  # the quant nearest the target in quality, among those that fit the budget
        goal = table.divergence(target) or table.kld[table.preferred]
        fitting = [e for e in estimates if level_of(e.needed_bytes, budget) != "no"]
        if fitting:
            chosen = min(fitting, key=lambda e: (abs(math.log(max(quality(e), 1e-6) / goal)), quality(e)))
            level = level_of(chosen.needed_bytes, budget)
            below = table.is_low(chosen.quant) and not asked
            return Fit(level, chosen, budget, below, _notes(shape, budget, chosen, below), None,
                       gpu_layers(shape, chosen, budget))  # fmt: skip
        chosen = min(estimates, key=lambda e: e.needed_bytes)
        return Fit("no", chosen, budget, False, _notes(shape, budget, chosen, False))

    # a preferred quant that runs at all beats a lower one; then the best level; then the best quality, but
    # when offloading, the smallest preferred file (the more layers on the GPU, the faster)
    def order(e: Estimate) -> tuple[bool, bool, int, float]:
        level = level_of(e.needed_bytes, budget)
        return (
            level == "no",
            table.is_low(e.quant) and not asked,
            LEVEL_RANK[level],
            e.needed_bytes if level == "partial" else quality(e),
        )

    chosen = min(estimates, key=order)
    level = level_of(chosen.needed_bytes, budget)
    if level == "no":
        chosen = min(estimates, key=lambda e: e.needed_bytes)
    below = table.is_low(chosen.quant) and level != "no" and not asked
    offload = gpu_layers(shape, chosen, budget) if level != "no" else None
    return Fit(level, chosen, budget, below, _notes(shape, budget, chosen, below), None, offload)


def _notes(shape: Shape, budget: Budget, chosen: Estimate, below: bool) -> tuple[Reason, ...]:
    notes = []
    if below:
        notes.append(Reason("below_preferred", {"floor": PREFERRED_FLOOR}))
    if chosen.kv_estimated:
        notes.append(kv_note(chosen.kv_note))
    if budget.kv_cache != "f16":
        notes.append(Reason("kv_quantized", {"type": budget.kv_cache}))
    if budget.vision:
        notes.append(Reason("mmproj_included" if shape.mmproj_bytes else "mmproj_estimated"))
    if shape.experts and shape.active_params:
        notes.append(Reason("moe", {"experts": shape.experts, "active_b": round(shape.active_params / 1e9, 1)}))
    if not chosen.exact_weights:
        notes.append(Reason("size_estimated"))
    return tuple(notes)


def kv_note(source: dict[str, str] | None) -> Reason:
    """Where an estimated KV geometry came from: a real config's row of the fallback table, or nowhere."""
    return Reason("kv_fallback", dict(source)) if source else Reason("kv_unknown")


def _rank(quant: str) -> int:
    try:
        return QUALITY_ORDER.index(quant.upper().removeprefix("UD-"))
    except ValueError:
        return len(QUALITY_ORDER)


# Quants considered when the catalog lists no files: those quantisers publish for nearly every model.
COMMON_QUANTS_ORDER: tuple[str, ...] = ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")
