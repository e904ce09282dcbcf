"""Why a model was chosen, as data: a code and its numbers. The fronts word them (bot/render.py, in English and
Russian); the JSON answers carry them as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ReasonCode = Literal[
    "fits",  # quant, weights_gb, kv_gb, context, overhead_gb, needed_gb, budget_gb, kind, level, usable_gb
    "self_quantize",  # no quantized copy in the catalog: the estimate is for a GGUF made by the user
    "license",  # license (or None), commercial: yes | conditional | no | unknown
    "context",  # tokens
    "score",  # source, average, inherited (from the base model)
    "trend",  # percent: download growth in 3 days
    "popularity",  # downloads, likes
    "speed",  # tokens_per_s, bandwidth_gbs, hardware, assumed (not named: the memory kind's default), efficiency,
    # offloaded (partly on the CPU)
    # remarks of the memory estimate (Fit.notes)
    "unknown_params",  # parameter count unknown: no estimate
    "below_preferred",  # floor: only a quant below it fits, expect lower quality
    "kv_fallback",  # name, source: the KV geometry of a real config of that architecture and size
    "kv_unknown",  # architecture unknown: KV cache estimated conservatively
    "kv_quantized",  # type: the KV cache quantized (q8_0, q4_0)
    "mmproj_included",  # the vision projector file counted
    "mmproj_estimated",  # the vision projector's size guessed (no mmproj file listed)
    "moe",  # experts, active_b: every expert in memory, the speed of the active ones
    "size_estimated",  # the file size estimated from the parameter count
    "native_unknown_bits",  # label: bits per weight of a GPTQ/AWQ/... copy unknown
    "mlx_apple",  # MLX runs on Apple silicon only
    "native_files",  # label, weights_gb: the repo's own files
    "native_estimated",  # label, bits: weights estimated from the bits per weight
]


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}
