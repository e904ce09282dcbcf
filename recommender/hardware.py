"""GPU and Apple chip names in requests → memory: the table in configs/hardware.toml, compiled to one regex."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path

from recommender.errors import ParserConfigError

DEFAULT_TABLE = Path(str(files("configs").joinpath("hardware.toml")))

# Vendor and series words that may precede a GPU model number: "NVIDIA GeForce RTX 3090", "Radeon RX 7900 XTX".
# At most four: from every one of a long run of vendor words the regex would try every shorter run (quadratic).
_VENDOR = r"(?:(?:nvidia|geforce|amd|radeon|instinct|intel|arc|rtx|gtx|rx|quadro|tesla|pro)\s*+){0,4}"
# "2x3090", "2 x RTX 3090", "two 3090s", "2х3090" (Cyrillic х).
_COUNT = (
    r"(?:(?P<count>[2-8]|two|three|four|eight|dual|twin|quad|multiple|several|many|some|multi|несколько|нескольких"
    r"|две|два|двумя|двух|три|тремя|трех|четыре|четырьмя|восемь|пара)\s*+(?:[x×х*]\s*+)?)?"
)
_LAPTOP_RE = re.compile(r"(?<![a-z])(?:laptops?|notebooks?|mobile)(?![a-z])|(?<![а-я])ноут")
_WORD_COUNTS = {
    "two": 2, "three": 3, "four": 4, "eight": 8, "dual": 2, "twin": 2, "quad": 4,
    "две": 2, "два": 2, "двумя": 2, "двух": 2, "три": 3, "тремя": 3, "трех": 3, "четыре": 4, "четырьмя": 4,
    "восемь": 8, "пара": 2,
    # several of a card, how many unsaid: no budget can be read ("deployed on multiple 4090s")
    "multiple": 0, "several": 0, "many": 0, "some": 0, "multi": 0, "несколько": 0, "нескольких": 0,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GpuMention:
    name: str
    memory_gb: float
    count: int  # 0: several, how many not said
    start: int
    end: int


@dataclass(frozen=True)
class HardwareTable:
    """`vram`: GPU model (lower case, no vendor words) → GB; `chips`: Apple chips (unified memory)."""

    vram: dict[str, float]
    chips: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_TABLE) -> HardwareTable:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ParserConfigError(f"cannot read the hardware table {path}: {error}") from error
        vram = data.get("vram", {})
        chips = data.get("unified", {}).get("chips", [])
        if not isinstance(vram, dict) or not all(
            isinstance(value, int | float) and value > 0 for value in vram.values()
        ):
            raise ParserConfigError(f"{path}: [vram] must map GPU names to positive numbers of GB")
        return cls(
            vram={str(name).lower().strip(): float(size) for name, size in vram.items()},
            chips=tuple(str(chip).lower().strip() for chip in chips),
        )

    @cached_property
    def _gpu_re(self) -> re.Pattern[str]:
        names = sorted(self.vram, key=len, reverse=True)
        alternatives = "|".join(r"\s*".join(map(re.escape, name.split())) for name in names)
        # a vendor word may follow the number ("4060rtx")
        return re.compile(rf"(?<![\w.]){_COUNT}{_VENDOR}(?P<name>{alternatives})(?:s|'s|\s?(?:rtx|gtx))?(?![\w])")

    @cached_property
    def _keys(self) -> dict[str, str]:
        """A GPU name without spaces → its key in the table (the first, when keys differ only in spaces)."""
        keys: dict[str, str] = {}
        for key in self.vram:
            keys.setdefault(key.replace(" ", ""), key)
        return keys

    @cached_property
    def _chip_re(self) -> re.Pattern[str]:
        names = sorted(self.chips, key=len, reverse=True)
        alternatives = "|".join(r"\s*".join(map(re.escape, name.split())) for name in names) or "(?!)"
        return re.compile(rf"(?<![\w])(?:apple\s*)?(?:{alternatives})(?![\w])")

    def gpus(self, text: str) -> list[GpuMention]:
        """GPUs named in lower-case `text`, with their standard memory and how many."""
        found = []
        for match in self._gpu_re.finditer(text):
            name = " ".join(match.group("name").split())
            key = self._keys.get(name.replace(" ", ""), name)
            if f"{key} laptop" in self.vram and _LAPTOP_RE.search(text):
                key = f"{key} laptop"  # "my laptop has an rtx 3050": the laptop card (4 GB), not the desktop one
            count_word = match.group("count")
            count = 1
            if count_word:
                count = int(count_word) if count_word.isdigit() else _WORD_COUNTS.get(count_word, 1)
            found.append(GpuMention(key, self.vram.get(key, 0.0), count, match.start(), match.end()))
        return [gpu for gpu in found if gpu.memory_gb > 0]

    def apple_chip(self, text: str) -> re.Match[str] | None:
        return self._chip_re.search(text)


@dataclass(frozen=True, slots=True)
class Hardware:
    """The hardware a speed estimate assumes: its name, memory bandwidth and whether it was named or assumed."""

    name: str  # "RTX 3090", "M2 Max", "dual-channel DDR4-3200"
    bandwidth_gbs: float
    kind: str  # "gpu" | "apple" | "cpu": the backend class (recommender/speed.py's efficiency and overhead)
    assumed: bool  # not named in the request: the default of the memory kind


_RAM_NAMES = {"ddr4": "dual-channel DDR4-3200", "ddr5": "dual-channel DDR5-5600"}
_DDR_RE = re.compile(r"(?<![\w])(ddr[45])")


@dataclass(frozen=True)
class BandwidthTable:
    """Memory bandwidth (GB/s) of the GPUs and Apple chips of configs/hardware.toml, and the defaults of each
    memory kind. `find(text, kind)` is the hardware a request means: a GPU or chip it names (through
    `HardwareTable`, the names the parser knows), else a RAM type it names, else the assumed default."""

    gpus: dict[str, float]
    chips: dict[str, float]
    ram: dict[str, float]
    default_ram: str = "ddr4"
    vram_default: float = 360.0
    unified_default: float = 100.0

    @classmethod
    def load(cls, path: Path = DEFAULT_TABLE) -> BandwidthTable:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ParserConfigError(f"cannot read the hardware table {path}: {error}") from error
        ram = data.get("ram_bandwidth", {})

        def numbers(table: object) -> dict[str, float]:
            if not isinstance(table, dict):
                return {}
            return {str(k).lower().strip(): float(v) for k, v in table.items() if isinstance(v, int | float) and v > 0}

        return cls(
            gpus=numbers(data.get("bandwidth")),
            chips=numbers(data.get("unified_bandwidth")),
            ram={key: value for key, value in numbers(ram).items() if key in _RAM_NAMES},
            default_ram=str(ram.get("default", "ddr4")),
            vram_default=float(ram.get("vram_default", 360.0)),
            unified_default=float(ram.get("unified_default", 100.0)),
        )

    def default(self, kind: str | None) -> Hardware:
        """The assumed hardware of a memory kind (ram, vram, unified)."""
        if kind == "vram":
            return Hardware(f"a GPU of {self.vram_default:g} GB/s (RTX 3060 class)", self.vram_default, "gpu", True)
        if kind == "unified":
            label = f"an Apple chip of {self.unified_default:g} GB/s (M2/M3 class)"
            return Hardware(label, self.unified_default, "apple", True)
        ram = self.default_ram if self.default_ram in self.ram else "ddr4"
        return Hardware(_RAM_NAMES[ram], self.ram.get(ram, 51.2), "cpu", True)

    def find(self, text: str, kind: str | None, names: HardwareTable | None = None) -> Hardware:
        """The hardware `text` names (a GPU or Apple chip of `names`, whose bandwidth is known; "DDR5" for RAM),
        else the default of `kind`. Several GPUs of one kind: llama.cpp splits the layers, each token passes
        through every card in turn, so one card's bandwidth sets the speed."""
        lower = text.lower()
        if names is not None and kind != "ram":
            for gpu in names.gpus(lower):
                if gpu.name in self.gpus:
                    return Hardware(gpu.name.upper(), self.gpus[gpu.name], "gpu", False)
            chip = names.apple_chip(lower)
            if chip is not None:
                key = " ".join(chip.group(0).split()).removeprefix("apple").strip()
                key = next((name for name in self.chips if name.replace(" ", "") == key.replace(" ", "")), key)
                if key in self.chips:
                    return Hardware(key.title(), self.chips[key], "apple", False)
        if kind in (None, "ram"):
            ddr = _DDR_RE.search(lower)
            if ddr and ddr.group(1) in self.ram:
                return Hardware(_RAM_NAMES[ddr.group(1)], self.ram[ddr.group(1)], "cpu", False)
        return self.default(kind)
