"""Which GGUF quant to offer, by measured quality: llama.cpp's KL-divergence figures per quant type
(configs/quant_quality.toml, with its source).

- Full precision (F16, BF16, F32) is offered only when asked: Q8_0 is the top GGUF download.
- Types over `max_kld` (IQ1, IQ2, Q2_K, IQ3_XXS, Q3_K_S) are never offered unless the user names them.
- Types worse than the preferred one (Q4_K_M) are "low": offered only when nothing at it or better fits.
- `loss(quant)` puts the quality lost on one scale, so the ranking can weigh a larger model at a lower quant
  against a smaller one at a higher quant.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "configs" / "quant_quality.toml"
FULL_PRECISION = frozenset({"F16", "BF16", "F32"})
# variants that keep a base type's body: bartowski's _L (Q8_0 embeddings), unsloth's dynamic _XL, ARM repacks
_VARIANTS: dict[str, str] = {
    "Q8_K_XL": "Q8_0", "Q6_K_L": "Q6_K", "Q6_K_XL": "Q6_K", "Q5_K_L": "Q5_K_M", "Q5_K_XL": "Q5_K_M",
    "Q4_K_L": "Q4_K_M", "Q4_K_XL": "Q4_K_M", "Q3_K_XL": "Q3_K_L", "Q2_K_L": "Q2_K", "Q2_K_XL": "Q2_K",
    "IQ4_NL_4_4": "IQ4_NL", "Q4_0_4_4": "Q4_0", "Q4_0_4_8": "Q4_0", "Q4_0_8_8": "Q4_0",
    "MXFP4": "Q8_0",  # gpt-oss is released in MXFP4: those GGUF files are its own weights
}  # fmt: skip
_BITS_RE = re.compile(r"([1-8])BIT")


@dataclass(frozen=True, slots=True)
class QuantTable:
    kld: dict[str, float]
    preferred: str
    max_kld: float

    def base(self, quant: str) -> str:
        name = quant.upper().removeprefix("UD-")
        return _VARIANTS.get(name, name)

    def divergence(self, quant: str) -> float | None:
        return self.kld.get(self.base(quant))

    def is_full(self, quant: str) -> bool:
        return self.base(quant) in FULL_PRECISION

    def allowed(self, quant: str, asked: Iterable[str] = ()) -> bool:
        """May this quant be offered? The user's named quants decide alone when there are any."""
        wanted = [name.upper() for name in asked]
        if wanted:
            return any(self.matches(quant, name) for name in wanted)
        divergence = self.divergence(quant)
        return not self.is_full(quant) and divergence is not None and divergence <= self.max_kld

    def matches(self, quant: str, asked: str) -> bool:
        """ "Q4_K_M" asked: Q4_K_M and its variants; "4BIT": any 4-bit type; "F16": F16 (and BF16)."""
        base = self.base(quant)
        bits = _BITS_RE.fullmatch(asked)
        if bits:
            return bool(re.match(rf"I?Q{bits.group(1)}_", base))
        if asked in FULL_PRECISION:
            return base in FULL_PRECISION
        return base == self.base(asked) or quant.upper().removeprefix("UD-") == asked.removeprefix("UD-")

    def is_low(self, quant: str) -> bool:
        """Worse than the preferred quant (Q4_K_M): offered only when nothing better fits."""
        divergence = self.divergence(quant)
        preferred = self.kld[self.preferred]
        return divergence is None or divergence > preferred * 1.0001

    def loss(self, quant: str | None) -> float:
        """Quality lost at this quant on a log scale: Q8_0 0.06, Q6_K 0.17, Q5_K_M 0.32, Q4_K_M 0.62,
        Q3_K_M 1.05, IQ2_XXS 1.96; 0 for full precision or no quant (an original's own weights)."""
        if quant is None:
            return 0.0
        divergence = self.divergence(quant)
        return math.log10(1 + (divergence if divergence is not None else self.max_kld) / 0.01)


@cache
def quant_table(path: Path = TABLE) -> QuantTable:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    kld = {str(name).upper(): float(value) for name, value in data["kld"].items()}
    return QuantTable(kld, str(data["preferred"]).upper(), float(data["max_kld"]))
