"""The real bits per weight of a quantized repo that is not GGUF (GPTQ, AWQ, bitsandbytes, EXL2, MLX, FP8...).

A GGUF repo names its quant in every file name (index/quants.py). The other formats hold one quantization for the
whole repo, said in one of three places, read here in this order of trust:

1. config.json's ``quantization_config`` (``quantization`` for MLX): ``quant_method`` (gptq, awq, bitsandbytes,
   exl2/exl3, fp8, compressed-tensors, mxfp4, hqq, eetq, quanto...), ``bits`` / ``w_bit`` / ``nbits``,
   ``group_size`` / ``q_group_size``, bitsandbytes' ``load_in_4bit`` / ``load_in_8bit``, compressed-tensors'
   ``config_groups.*.weights.num_bits``;
2. the repo name: ``-4bit``, ``8Bit``, ``4.65bpw``, ``-3bpw-h6-exl2``, ``-AWQ``, ``-GPTQ-Int4``, ``int8``, ``fp8``,
   ``w4a16``, ``nvfp4`` (``mlx-community/...-4bit`` is MLX);
3. the weight files: the bytes of the ``*.safetensors`` files (their sizes in the file tree, else the dtype
   counts of the listing's safetensors summary, which add up to the same bytes), and with the parameter count
   known, bits = bytes × 8 ÷ parameters.

``weight_bits(...)`` is pure: a record's fields in, a ``WeightBits`` (or None for a GGUF-only or unquantized repo)
out. ``WeightBits.label`` is what an answer shows: "GPTQ 4-bit", "AWQ 4-bit", "EXL2 4.65 bpw", "MLX 4-bit",
"bnb 4-bit", "FP8 8-bit" — never a GGUF quant name.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

Source = Literal["config", "name", "files"]

# quant_method (lower case) → format
METHODS: dict[str, str] = {
    "gptq": "gptq", "awq": "awq", "bitsandbytes": "bnb", "exl2": "exl2", "exl3": "exl3", "mlx": "mlx",
    "fp8": "fp8", "fbgemm_fp8": "fp8", "compressed-tensors": "compressed-tensors", "mxfp4": "mxfp4",
    "hqq": "hqq", "eetq": "eetq", "quanto": "quanto", "aqlm": "aqlm", "torchao": "torchao", "bitnet": "bitnet",
    "gptqmodel": "gptq", "autoround": "autoround", "auto-round": "autoround", "modelopt": "modelopt",
}  # fmt: skip
# bits a method always uses, when its config says no bits
METHOD_BITS: dict[str, float] = {"fp8": 8.0, "eetq": 8.0, "mxfp4": 4.0, "bitnet": 1.58}
# bits a format usually has when nothing else says (the common release of each)
DEFAULT_BITS: dict[str, float] = {"gptq": 4.0, "awq": 4.0, "mlx": 4.0, "fp8": 8.0, "mxfp4": 4.0, "nvfp4": 4.0}
# group size of a format when its config does not say (AutoGPTQ/AutoAWQ's 128, mlx-lm's 64)
DEFAULT_GROUP: dict[str, int] = {"gptq": 128, "awq": 128, "mlx": 64, "autoround": 128, "hqq": 64}
LABELS: dict[str, str] = {
    "gptq": "GPTQ", "awq": "AWQ", "bnb": "bnb", "exl2": "EXL2", "exl3": "EXL3", "mlx": "MLX", "fp8": "FP8",
    "compressed-tensors": "compressed-tensors", "mxfp4": "MXFP4", "nvfp4": "NVFP4", "hqq": "HQQ", "eetq": "EETQ",
    "quanto": "quanto", "aqlm": "AQLM", "torchao": "torchao", "bitnet": "BitNet", "autoround": "AutoRound",
    "modelopt": "ModelOpt",
}  # fmt: skip
# bytes per element of each safetensors dtype
DTYPE_BYTES: dict[str, int] = {
    "F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2,
    "I8": 1, "U8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1, "BOOL": 1,
}  # fmt: skip
MIN_BITS, MAX_BITS = 1.0, 16.0  # bits per weight outside this range are misreadings

_BPW_RE = re.compile(r"(?<![a-z0-9.])(\d{1,2}(?:[._]\d{1,2})?)[-_ ]?bpw(?![a-z])")
_BIT_RE = re.compile(r"(?<![a-z0-9.])(\d{1,2})[-_ ]?bits?(?![a-z])")
_INT_RE = re.compile(r"(?<![a-z0-9])(?:int|w)(\d{1,2})(?:a\d{1,2})?(?![a-z0-9])")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_NAME_FORMATS: dict[str, str] = {
    "gptq": "gptq", "awq": "awq", "exl2": "exl2", "exl3": "exl3", "mlx": "mlx", "bnb": "bnb",
    "bitsandbytes": "bnb", "nf4": "bnb", "fp8": "fp8", "mxfp4": "mxfp4", "nvfp4": "nvfp4", "hqq": "hqq",
    "aqlm": "aqlm", "autoround": "autoround", "eetq": "eetq",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class WeightBits:
    """A non-GGUF quantized repo's format and bits per weight, and where they were read."""

    format: str  # gptq, awq, bnb, exl2, exl3, mlx, fp8, compressed-tensors, mxfp4, nvfp4, hqq, ...
    bits: float | None  # nominal bits per quantized weight: 4, 8, 4.65; None when unknown
    group_size: int | None = None  # weights sharing one scale (GPTQ/AWQ 128, MLX 64); None: per channel/unknown
    source: Source = "config"  # where the bits came from
    weight_bytes: int | None = None  # bytes of the weight files, when known (file tree or safetensors summary)

    @property
    def label(self) -> str:
        """What an answer shows: "GPTQ 4-bit", "EXL2 4.65 bpw", "MLX 4-bit", "bnb 4-bit"."""
        name = LABELS.get(self.format, self.format.upper())
        if self.bits is None:
            return name
        if self.format in ("exl2", "exl3") or self.bits != int(self.bits):
            return f"{name} {self.bits:g} bpw"
        return f"{name} {int(self.bits)}-bit"

    @property
    def effective_bits(self) -> float | None:
        """Bits per weight with the group scales counted (16-bit scale and zero or bias per group):
        GPTQ/AWQ 4-bit g128 → 4.25, MLX 4-bit g64 → 4.5. Embeddings kept at 16 bits are not counted."""
        if self.bits is None:
            return None
        group = self.group_size if self.group_size and self.group_size > 0 else None
        return self.bits + (32 / group if group else 0.0)

    def weights_bytes(self, params: int | None) -> float | None:
        """The bytes of the weights: the files when known, else parameters × effective bits ÷ 8."""
        if self.weight_bytes:
            return float(self.weight_bytes)
        bits = self.effective_bits
        return params * bits / 8 if params and bits else None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: Any) -> WeightBits | None:
        """The stored form back (None for missing or broken text)."""
        if not text:
            return None
        try:
            data = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            return None
        if not isinstance(data, Mapping) or not isinstance(data.get("format"), str):
            return None
        bits, group, size = data.get("bits"), data.get("group_size"), data.get("weight_bytes")
        source = data.get("source")
        return cls(
            format=data["format"],
            bits=float(bits) if isinstance(bits, int | float) and _number(bits) else None,
            group_size=int(group) if isinstance(group, int | float) and _number(group) else None,
            source="name" if source == "name" else "files" if source == "files" else "config",
            weight_bytes=int(size) if isinstance(size, int | float) and _number(size) else None,
        )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _bits(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if _number(value) and MIN_BITS <= float(value) <= MAX_BITS:
        return float(value)
    return None


def _group(value: Any) -> int | None:
    return int(value) if _number(value) and value == int(value) and value <= 1 << 20 else None


def from_config(config: Mapping[str, Any] | None, fallback: str | None = None) -> WeightBits | None:
    """Format and bits from config.json. `fallback`: the format to assume when the config gives bits without a
    method (mlx-lm writes ``quantization: {group_size, bits}``; old GPTQ exports omit the method)."""
    if not isinstance(config, Mapping):
        return None
    quant = config.get("quantization_config")
    if not isinstance(quant, Mapping):
        quant = config.get("quantization")
    if not isinstance(quant, Mapping):
        return None
    method = quant.get("quant_method")
    method = method.lower().strip() if isinstance(method, str) else None
    fmt = METHODS.get(method) if method else None
    if fmt is None and (quant.get("load_in_4bit") is True or quant.get("load_in_8bit") is True):
        fmt = "bnb"
    if fmt is None and method is None and "bits" in quant:
        fmt = fallback
    if fmt is None:
        return None
    bits = _bits(quant.get("bits")) or _bits(quant.get("w_bit")) or _bits(quant.get("nbits"))
    if fmt == "bnb":
        bits = 4.0 if quant.get("load_in_4bit") is True else 8.0 if quant.get("load_in_8bit") is True else bits
    elif fmt == "compressed-tensors":
        bits = bits or _compressed_bits(quant)
    elif fmt == "quanto" and isinstance(quant.get("weights"), str):
        bits = bits or _bits(quant["weights"].lower().removeprefix("int").removeprefix("float"))
    elif fmt == "modelopt":
        algo = str(quant.get("quant_algo") or "").lower()
        bits = bits or (4.0 if "fp4" in algo or "int4" in algo else 8.0 if "fp8" in algo or "int8" in algo else None)
    bits = bits or METHOD_BITS.get(fmt)
    group = _group(quant.get("group_size")) or _group(quant.get("q_group_size"))
    if group is None and quant.get("group_size") != -1:
        group = DEFAULT_GROUP.get(fmt)
    return WeightBits(fmt, bits, group, "config")


def _compressed_bits(quant: Mapping[str, Any]) -> float | None:
    groups = quant.get("config_groups")
    if not isinstance(groups, Mapping):
        return None
    for group in groups.values():
        weights = group.get("weights") if isinstance(group, Mapping) else None
        if isinstance(weights, Mapping):
            bits = _bits(weights.get("num_bits"))
            if bits:
                return bits
    return None


def from_name(model_id: str, formats: Iterable[str] = ()) -> WeightBits | None:
    """Format and bits from the repo name (and the formats the tags gave): "-4bit", "4.65bpw", "-AWQ"..."""
    owner, _, name = model_id.lower().rpartition("/")
    tokens = set(_TOKEN_RE.findall(name))
    known = {fmt for fmt in formats if fmt in LABELS or fmt == "bnb"}
    fmt = next((_NAME_FORMATS[token] for token in _NAME_FORMATS if token in tokens), None)
    if fmt is None and owner == "mlx-community":
        fmt = "mlx"
    if fmt is None and known:
        fmt = sorted(known)[0]
    bits: float | None = None
    match = _BPW_RE.search(name)
    if match:
        bits = _bits(match.group(1).replace("_", "."))
        fmt = fmt if fmt in ("exl2", "exl3") else "exl2"
    if bits is None:
        match = _BIT_RE.search(name) or _INT_RE.search(name)
        bits = _bits(match.group(1)) if match else None
    if fmt is None:
        return None
    if bits is None:
        bits = DEFAULT_BITS.get(fmt)
    return WeightBits(fmt, bits, DEFAULT_GROUP.get(fmt) if fmt in ("gptq", "awq", "mlx") else None, "name")


def safetensors_bytes(
    files: Iterable[tuple[str, int | None]] = (), summary: Mapping[str, Any] | None = None
) -> int | None:
    """Bytes of the weights: the ``*.safetensors`` files' sizes summed when every one is known, else the
    safetensors summary's element counts × each dtype's size."""
    sizes = [size for path, size in files if isinstance(path, str) and path.endswith(".safetensors")]
    if sizes and all(isinstance(size, int) and size > 0 for size in sizes):
        return sum(size for size in sizes if size)
    parameters = summary.get("parameters") if isinstance(summary, Mapping) else None
    if not isinstance(parameters, Mapping):
        return None
    total = 0
    for dtype, count in parameters.items():
        width = DTYPE_BYTES.get(str(dtype).upper())
        if width is None or not _number(count):
            return None
        total += int(count) * width
    return total or None


def weight_bits(
    model_id: str,
    config: Mapping[str, Any] | None = None,
    formats: Iterable[str] = (),
    files: Iterable[tuple[str, int | None]] = (),
    safetensors: Mapping[str, Any] | None = None,
    params: int | None = None,
) -> WeightBits | None:
    """The format and bits of a quantized non-GGUF repo, from its config, its name and its weight files; None
    for a repo that is not one (GGUF, or unquantized weights). `files`: (path, size) of the repo's files;
    `params`: its parameter count when known (to read bits from the file sizes)."""
    formats = tuple(formats)
    named = from_name(model_id, formats)
    found = from_config(config, named.format if named else None)
    size = safetensors_bytes(files, safetensors)
    if found is None and named is None:
        return None
    if found is None:
        assert named is not None
        found = named
    elif found.bits is None and named is not None and named.bits is not None:
        found = WeightBits(found.format, named.bits, found.group_size, "name")
    if found.bits is None and size and params:
        bits = round(size * 8 / params, 2)
        if MIN_BITS <= bits <= MAX_BITS:
            found = WeightBits(found.format, bits, None, "files")
    if size:
        found = WeightBits(found.format, found.bits, found.group_size, found.source, size)
    return found
