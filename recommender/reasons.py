"""Why a model was chosen, as data: a code and its numbers. The fronts word them (bot/render.py, in English and
Russian); the JSON answers carry them as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ReasonCode = Literal[
    "fits",  # quant, weights_gb, kv_gb, context, overhead_gb, needed_gb, budget_gb, kind, level, usable_gb
    "fit_note",  # text: a remark of the memory estimate (below the preferred quant, estimated geometry...)
    "self_quantize",  # no quantized copy in the catalog: the estimate is for a GGUF made by the user
    "license",  # license (or None), commercial: yes | conditional | no | unknown
    "context",  # tokens
    "score",  # source, average, inherited (from the base model)
    "trend",  # percent: download growth in 3 days
    "popularity",  # downloads, likes
    "speed",  # tokens_per_s, bandwidth_gbs, hardware, assumed (not named: the memory kind's default), efficiency,
    # offloaded (partly on the CPU)
]


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}
