"""How fast will it talk? Estimated generation speed (tokens/s) from the memory bandwidth of the hardware.

Generating one token reads every weight the token passes through once, and the KV cache of the context:

    seconds per token = bytes read per token ÷ (EFFICIENCY × bandwidth) + a fixed per-token overhead
    tokens/s          = 1 ÷ seconds per token

- bytes read per token: the weights at the chosen quant (the real file size when known) × the active share of
  the parameters (MoE: only the routed experts are read: Qwen3-30B-A3B reads a tenth of its weights), plus the
  KV cache at the context (a full context, the slow end of a conversation);
- bandwidth: the GPU's or Apple chip's from configs/hardware.toml (vendor spec sheets) when the request names one,
  else the default of the memory kind (RAM: dual-channel DDR4-3200, 51.2 GB/s; VRAM: 360 GB/s; unified: 100 GB/s),
  which the answer calls "assumed";
- EFFICIENCY = 0.75: the share of the spec bandwidth llama.cpp's token generation reaches, and the per-token
  overhead (kernel launches and synchronisation: 0.2 ms on CUDA/ROCm/Vulkan, 2.5 ms on Metal, none on the CPU),
  both calibrated on measured tg128 figures of llama.cpp's own scoreboards — Apple Silicon (discussion #4167),
  CUDA (discussion #15013), a DDR5 desktop CPU (issue #34): tests/fixtures/speed_anchors.csv, every estimate
  within ±30% (tests/test_speed.py);
- partial offload: the layers on the GPU read at its bandwidth, the rest at the system RAM's, one after the
  other, so the time per token is the sum of the two parts (the slower part weighs by its share). The share is
  the one of llama.cpp's layer split that the launch command uses (`fit.gpu_layers`: the output layer and the
  last layers on the GPU; for a MoE model the experts of the first layers in RAM, only the active ones read).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Protocol, TypeVar

from recommender.fit import GB, Fit
from recommender.hardware import BandwidthTable, Hardware, HardwareTable
from recommender.reasons import Reason

EFFICIENCY = 0.75
PER_TOKEN_OVERHEAD_S: dict[str, float] = {"gpu": 0.0002, "apple": 0.0025, "cpu": 0.0}


@dataclass(frozen=True, slots=True)
class Speed:
    tokens_per_s: float
    bandwidth_gbs: float  # of the hardware the model runs on (the GPU's when partly offloaded)
    hardware: str
    assumed: bool  # the hardware was not named: the memory kind's default
    offloaded: bool = False  # partly on the CPU: the RAM's bandwidth counted for its share

    def reason(self) -> Reason:
        return Reason(
            "speed",
            {
                "tokens_per_s": round(self.tokens_per_s, 1),
                "bandwidth_gbs": round(self.bandwidth_gbs, 1),
                "hardware": self.hardware,
                "assumed": self.assumed,
                "efficiency": EFFICIENCY,
                "offloaded": self.offloaded,
            },
        )


def bytes_per_token(
    weights_bytes: float, kv_bytes: float = 0.0, params: int | None = None, active_params: int | None = None
) -> float:
    """Bytes read to generate one token: the active share of the weights (MoE) and the KV cache."""
    share = active_params / params if active_params and params and 0 < active_params < params else 1.0
    return weights_bytes * share + kv_bytes


def tokens_per_second(
    weights_bytes: float,
    bandwidth_gbs: float,
    kind: str = "gpu",
    *,
    kv_bytes: float = 0.0,
    params: int | None = None,
    active_params: int | None = None,
    efficiency: float = EFFICIENCY,
) -> float:
    """Estimated tokens/s of a model whose weights take `weights_bytes` on hardware of `bandwidth_gbs` GB/s;
    `kind`: "gpu", "apple" or "cpu" (the per-token overhead of its backend)."""
    read = bytes_per_token(weights_bytes, kv_bytes, params, active_params)
    seconds = read / (efficiency * bandwidth_gbs * GB) + PER_TOKEN_OVERHEAD_S.get(kind, 0.0)
    return 1.0 / seconds if seconds > 0 else 0.0


def offloaded_tokens_per_second(
    read_bytes: float, gpu_share: float, gpu: Hardware, ram: Hardware, efficiency: float = EFFICIENCY
) -> float:
    """Partial offload: `gpu_share` of the bytes read at the GPU's bandwidth, the rest at the RAM's."""
    gpu_share = min(1.0, max(0.0, gpu_share))
    seconds = (
        read_bytes * gpu_share / (efficiency * gpu.bandwidth_gbs * GB)
        + read_bytes * (1 - gpu_share) / (efficiency * ram.bandwidth_gbs * GB)
        + PER_TOKEN_OVERHEAD_S.get(gpu.kind, 0.0)
    )
    return 1.0 / seconds


@cache
def tables() -> tuple[BandwidthTable, HardwareTable]:
    """configs/hardware.toml, read once (a config file, like the quant table)."""
    return BandwidthTable.load(), HardwareTable.load()


def hardware_for(text: str, memory_kind: str | None) -> Hardware:
    """The hardware a request means: the GPU or Apple chip its text names (the parser turns those names into a
    memory size only, so the name is found again here with the same table), else the memory kind's default."""
    bandwidths, names = tables()
    return bandwidths.find(text or "", memory_kind, names)


def fit_speed(fit: Fit | None, hardware: Hardware, params: int | None, active_params: int | None) -> Speed | None:
    """The speed of a fit on `hardware`: on the GPU (or chip) when it fits there, on the CPU when it runs from
    RAM, split when partly offloaded."""
    if fit is None or fit.estimate is None or fit.level == "no":
        return None
    estimate = fit.estimate
    read = bytes_per_token(estimate.weights_bytes, estimate.kv_bytes, params, active_params)
    bandwidths, _ = tables()
    ram = bandwidths.default("ram")
    if fit.level == "partial":
        if fit.offload is not None and fit.offload.n_gpu_layers is not None:  # llama.cpp's own split (fit.py)
            gpu_share = fit.offload.gpu_read_share
        else:
            gpu_share = fit.budget.usable_bytes / estimate.needed_bytes if estimate.needed_bytes else 1.0
        rate = offloaded_tokens_per_second(read, gpu_share, hardware, ram)
        return Speed(rate, hardware.bandwidth_gbs, hardware.name, hardware.assumed, True)
    runs_on = hardware
    if fit.level == "cpu" and hardware.kind == "gpu":
        runs_on = ram
    rate = tokens_per_second(estimate.weights_bytes, runs_on.bandwidth_gbs, runs_on.kind,
                             kv_bytes=estimate.kv_bytes, params=params, active_params=active_params)  # fmt: skip
    return Speed(rate, runs_on.bandwidth_gbs, runs_on.name, runs_on.assumed)


class _Result(Protocol):
    @property
    def model(self) -> Any: ...
    @property
    def fit(self) -> Fit | None: ...
    @property
    def reasons(self) -> tuple[Reason, ...]: ...


R = TypeVar("R", bound=_Result)


def with_speed(result: R, hardware: Hardware) -> R:
    """The result with its estimated speed: a "speed" reason after the memory reasons, and `fit.tokens_per_s`
    when the Fit carries that field."""
    model = result.model
    active = model.active_params or getattr(model.shape, "active_params", None)
    speed = fit_speed(result.fit, hardware, model.params, active)
    if speed is None:
        return result
    reasons = list(result.reasons)
    at = next((i for i, reason in enumerate(reasons) if reason.code not in ("fits", "fit_note")), len(reasons))
    reasons.insert(at, speed.reason())
    fit = result.fit
    if fit is not None and hasattr(fit, "tokens_per_s"):
        fit = replace(fit, tokens_per_s=round(speed.tokens_per_s, 1))
    return replace(result, reasons=tuple(reasons), fit=fit)  # type: ignore[type-var]


def result_speed(result: _Result) -> float:
    """The estimated tokens/s a result carries (0 when none): the "fastest" sort key."""
    for reason in result.reasons:
        if reason.code == "speed":
            return float(reason.values["tokens_per_s"])
    return 0.0


def active_params(view: Any, indices: Any) -> Any:
    """The parameters read per token of each model at `indices` of a CatalogView (the active ones of a MoE,
    else all; unknown last): the "fastest" order before the fits are known."""
    import numpy as np

    values = np.fromiter(
        ((view.rows[i]["active_params"] or view.params[i]) for i in indices.tolist()), float, len(indices)
    )
    return np.nan_to_num(values, nan=1e15)
