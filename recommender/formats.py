"""Quantized copies that are not GGUF (GPTQ, AWQ, bitsandbytes, EXL2, MLX): their own format and bits, their own
weight bytes, never a GGUF quant name.

A GGUF repo offers a file per quant type and the fit picks one (recommender/fit.py). A GPTQ/AWQ/EXL2/MLX repo
*is* one quantization: the download is the whole repo, labelled "GPTQ 4-bit", "AWQ 4-bit", "EXL2 4.65 bpw",
"MLX 4-bit" or "bnb 4-bit", and its memory is its real weight bytes (the safetensors files, from the sync) or,
when those are unknown, parameters × its bits (with the group scales) ÷ 8, plus the KV cache and overhead like
any other model.

The bits are read at sync by index/weight_bits.py and stored in `models.weight_bits`; a catalog synced before
that column existed falls back to the repo name ("-4bit", "4.65bpw", "-AWQ").
"""

from __future__ import annotations

from typing import Protocol

from index.weight_bits import WeightBits, from_name
from recommender.fit import GB, OVERHEAD_BYTES, Budget, Estimate, Fit, Shape, kv_cache, kv_note, level_of
from recommender.reasons import Reason

__all__ = ["Budget", "native_download", "native_fit", "native_weights"]

# engines that keep the whole model on the GPU: no partial offload to system RAM (exllamav2, AutoAWQ/vLLM)
GPU_ONLY = frozenset(("exl2", "exl3", "awq", "gptq"))


class _Member(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def formats(self) -> tuple[str, ...]: ...
    @property
    def relation(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...


def native_weights(model: _Member) -> WeightBits | None:
    """A non-GGUF quantized copy's format and bits; None for GGUF repos and for originals (whose download is a
    GGUF quant, said as such)."""
    if "gguf" in model.formats:
        return None
    if model.relation != "quantized" and model.kind != "quantized":
        return None
    stored = getattr(model, "weights", None)
    if isinstance(stored, WeightBits):
        return stored
    return from_name(model.id, model.formats)


def native_fit(shape: Shape, native: WeightBits, budget: Budget, params: int | None = None) -> Fit:
    """The memory of a non-GGUF quantized copy at the budget's context: its own weight bytes + KV cache +
    overhead. `params`: the copy's parameter count (else the shape's, often the base model's)."""
    weights = native.weights_bytes(params or shape.params)
    if weights is None:
        return Fit("no", None, budget, notes=(Reason("native_unknown_bits", {"label": native.label}),))
    kv, guessed, note = kv_cache(shape, budget.context, budget.kv_cache)
    mmproj = float(shape.mmproj_bytes or 0.9 * GB) if budget.vision else 0.0
    estimate = Estimate(
        quant=native.label,
        file=None,
        weights_bytes=weights,
        kv_bytes=kv,
        overhead_bytes=OVERHEAD_BYTES,
        exact_weights=bool(native.weight_bytes),
        kv_estimated=guessed,
        context=budget.context,
        kv_cache=budget.kv_cache,
        kv_note=note,
        mmproj_bytes=mmproj,
    )
    level = level_of(estimate.needed_bytes, budget)
    notes: list[Reason] = []
    if level == "partial" and native.format in GPU_ONLY:
        level = "no"
    if native.format in ("mlx",) and budget.kind != "unified":
        notes.append(Reason("mlx_apple"))
    if guessed:
        notes.append(kv_note(note))
    if budget.kv_cache != "f16":
        notes.append(Reason("kv_quantized", {"type": budget.kv_cache}))
    if native.weight_bytes:
        notes.append(Reason("native_files", {"label": native.label, "weights_gb": round(weights / GB, 1)}))
    else:
        notes.append(Reason("native_estimated", {"label": native.label, "bits": native.effective_bits}))
    return Fit(level, estimate, budget, False, tuple(notes))


def native_download(model: _Member, native: WeightBits, fit: Fit | None) -> tuple[str, str | None, str, int | None]:
    """(repo, file, quant label, bytes) of the download: the whole repo at its own quantization."""
    size = fit.estimate.weights_bytes if fit is not None and fit.estimate is not None else native.weight_bytes
    return model.id, None, native.label, int(size) if size else None
