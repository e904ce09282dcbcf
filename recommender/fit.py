"""Will it run? Memory needed by a model at a quant and a context, and the best quant for a memory budget.

Memory ≈ weights + KV cache + runtime overhead (PRODUCT.md):
- weights: the real GGUF file size when the catalog has it (split files summed), else parameters × the
  quant's measured bits per weight (MoE: every expert is in memory);
- KV cache: 2 (K and V) × layers × context × KV heads × head dim × 2 bytes (f16); grouped-query attention
  through the KV head count; Gemma 2/3 sliding-window layers hold only the window; an unknown geometry
  gets a conservative estimate from the parameter count, and says so;
- overhead: compute buffers and runtime, a fixed allowance.
Apple unified memory counts only the share the GPU may use (default 70%).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

FitLevel = Literal["gpu", "partial", "cpu", "no"]
MemoryKind = Literal["ram", "vram", "unified"]

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
UNKNOWN_KV_BYTES_PER_TOKEN_PER_B = 0.075e6  # Llama-2-7B without GQA: 0.52 MB a token; scaled by size
SLIDING_SHARE = {"gemma3": 5 / 6, "gemma3n": 5 / 6, "gemma2": 1 / 2}  # share of layers using the window


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
    offload_ram_gb: float = 16.0  # system RAM assumed beside a GPU for partial offload

    @property
    def usable_bytes(self) -> float:
        share = self.unified_share if self.kind == "unified" else 1.0
        return self.memory_gb * GB * share


@dataclass(frozen=True, slots=True)
class Estimate:
    quant: str
    file: str | None  # the GGUF file (first part of a split file) when the catalog has it
    weights_bytes: float
    kv_bytes: float
    overhead_bytes: float
    exact_weights: bool  # from the real file size
    kv_estimated: bool  # geometry unknown: conservative
    context: int

    @property
    def needed_bytes(self) -> float:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes


@dataclass(frozen=True, slots=True)
class Fit:
    level: FitLevel
    estimate: Estimate | None
    budget: Budget
    below_preferred: bool = False  # had to go under Q4_K_M to fit
    notes: tuple[str, ...] = field(default_factory=tuple)

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


def kv_cache_bytes(shape: Shape, context: int) -> tuple[float, bool]:
    """(bytes of f16 KV cache at `context` tokens, whether it is a conservative guess)."""
    context = max(1, context)
    if shape.n_layers and shape.n_kv_heads and shape.head_dim:
        per_layer_token = 2 * shape.n_kv_heads * shape.head_dim * 2
        share = SLIDING_SHARE.get((shape.architecture or "").lower().replace("forcausallm", ""), 0.0)
        if shape.sliding_window and share and shape.sliding_window < context:
            tokens = share * shape.sliding_window + (1 - share) * context
        else:
            tokens = context
        return shape.n_layers * tokens * per_layer_token, False
    params_b = (shape.params or 7e9) / 1e9
    return UNKNOWN_KV_BYTES_PER_TOKEN_PER_B * params_b * context, True


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
) -> Estimate | None:
    """Memory for `shape` at `quant` and `context`; `totals` (from `file_sizes(files)`) saves recomputing it."""
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
    kv, guessed = kv_cache_bytes(shape, context)
    return Estimate(quant, path, weights, kv, OVERHEAD_BYTES, exact, guessed, context)


def level_of(needed: float, budget: Budget) -> FitLevel:
    if budget.kind == "vram":
        if needed <= budget.usable_bytes:
            return "gpu"
        return "partial" if needed <= budget.usable_bytes + budget.offload_ram_gb * GB else "no"
    if budget.kind == "unified":
        if needed <= budget.usable_bytes:
            return "gpu"
        return "cpu" if needed <= budget.memory_gb * GB * 0.9 else "no"
    return "cpu" if needed <= budget.usable_bytes else "no"


LEVEL_RANK = {"gpu": 0, "cpu": 1, "partial": 2, "no": 3}  # per budget kind only gpu/partial or gpu/cpu occur


def best_fit(shape: Shape, budget: Budget, files: Sequence[QuantFile] = ()) -> Fit:
    """The best quant for this budget: at or above Q4_K_M at the best level the budget allows, else the
    best level reachable with a lower quant (said so), else the smallest estimate with level "no"."""
    known = file_sizes(files)
    candidates = [quant for quant in QUALITY_ORDER if quant in known] if known else list(COMMON_QUANTS_ORDER)
    estimates = [e for e in (estimate(shape, quant, budget.context, (), known) for quant in candidates) if e]
    if not estimates:
        return Fit("no", None, budget, notes=("parameter count unknown: cannot estimate",))
    floor = QUALITY_ORDER.index(PREFERRED_FLOOR)

    # a preferred quant that runs at all beats a lower one; then the best level; then the best quality, but
    # when offloading, the smallest preferred file (the more layers on the GPU, the faster)
    def order(e: Estimate) -> tuple[bool, bool, int, float]:
        level = level_of(e.needed_bytes, budget)
        return (
            level == "no",
            _rank(e.quant) > floor,
            LEVEL_RANK[level],
            e.needed_bytes if level == "partial" else _rank(e.quant),
        )

    chosen = min(estimates, key=order)
    level = level_of(chosen.needed_bytes, budget)
    if level == "no":
        chosen = min(estimates, key=lambda e: e.needed_bytes)
    notes = []
    below = _rank(chosen.quant) > floor and level != "no"
    if below:
        notes.append(f"only a quant below {PREFERRED_FLOOR} fits: expect lower quality")
    if chosen.kv_estimated:
        notes.append("architecture unknown: KV cache estimated conservatively")
    if not chosen.exact_weights:
        notes.append("file size estimated from the parameter count")
    return Fit(level, chosen, budget, below, tuple(notes))


def _rank(quant: str) -> int:
    try:
        return QUALITY_ORDER.index(quant.upper().removeprefix("UD-"))
    except ValueError:
        return len(QUALITY_ORDER)


# Quants considered when the catalog lists no files: those quantisers publish for nearly every model.
COMMON_QUANTS_ORDER: tuple[str, ...] = ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K")
