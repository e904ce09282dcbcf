"""Synthetic labelled requests for training the small LoRA request parser.

`generate(count, seed)` builds each request from filled slots. A slot (memory, licence, tasks, sort...)
brings its wording in several roles — a keyword, an adjective before the noun, a clause after it, a
sentence of its own — together with the labels that wording carries under docs/parse-contract.md, so every
text is labelled by construction: only the slots a request uses set keys. Frames (sentence templates, in
English and Russian) arrange the slots, from three-word keyword requests to long posts padded with
irrelevant context; frame words and that context never carry labels. About 8% of the requests have nothing
to extract, and about 15% get realistic typos: in words that carry no label, and sometimes as misspelt
label words the conventions still recognize ("comercial", "lamma").

Pure stdlib and deterministic: everything random comes from one `random.Random(seed)`.

    python -m parser_training.templates --count 1000 --seed 0 > requests.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Labels = dict[str, object]

KEYS: tuple[str, ...] = (
    "memory_gb", "memory_kind", "commercial", "licenses", "families", "params_min_b", "params_max_b",
    "min_context", "formats", "quants", "tasks", "languages", "uncensored", "base_model", "sort",
)  # fmt: skip
LIST_KEYS: tuple[str, ...] = ("licenses", "families", "formats", "quants", "tasks", "languages")
TASKS: tuple[str, ...] = (
    "chat", "code", "roleplay", "rag", "math", "reasoning", "translation", "summarization", "tool-use", "agent",
    "vision", "creative-writing", "medical", "finance", "legal", "ocr",
)  # fmt: skip
SORTS: tuple[str, ...] = ("best", "popular", "trending", "newest", "smallest", "fastest")
FORMATS: tuple[str, ...] = ("gguf", "gptq", "awq", "exl2", "mlx", "safetensors")
MEMORY_KINDS: tuple[str, ...] = ("ram", "vram", "unified")

HARDWARE_FILE = Path(__file__).resolve().parent.parent / "configs" / "hardware.toml"

ENGLISH_SHARE = 0.55
EMPTY_SHARE = 0.08
TYPO_SHARE = 0.15


# ---------------------------------------------------------------- building blocks


@dataclass(frozen=True)
class Hardware:
    """configs/hardware.toml: GPU model → GB of VRAM, and the Apple chips (unified memory)."""

    vram: dict[str, float]
    chips: tuple[str, ...]


def load_hardware(path: Path = HARDWARE_FILE) -> Hardware:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Hardware(vram=dict(data["vram"]), chips=tuple(data["unified"]["chips"]))


@dataclass(frozen=True)
class Head:
    """Words that take the noun's place: "alternatives to X", "coder", "аналоги X".

    English: `singular` and `plural` nouns, then the `tail`. Russian: `singular` is the whole accusative
    phrase and `plural` the nominative one; `feminine` says whether it agrees with "нужна", "какую".
    """

    singular: str
    plural: str
    tail: str = ""
    feminine: bool = True


@dataclass(eq=False)
class Piece:
    """One filled slot: its wordings in each role, and the labels every one of them carries."""

    labels: Labels
    keyword: str  # keyword-style requests: "16GB", "best", "llama"
    clause: str  # after the noun: "that fits in 16GB", "for coding"
    sentence: str  # on its own: "I have an RTX 3090."
    before: str = ""  # adjective before the noun ("best", "7b"); Russian: nominative form
    before_acc: str = ""  # Russian accusative form of `before`
    heads: tuple[Head, ...] = ()
    head_chance: float = 0.0
    order: int = 50  # place among the adjectives before the noun, and in keyword requests
    definite: bool = False  # a superlative: English takes "the"


@dataclass(frozen=True)
class Seg:
    """A run of request text; the slot it renders, if any. Typos touch only unprotected text."""

    text: str
    piece: Piece | None = None
    protected: bool = False


@dataclass
class Ctx:
    """What one request is built with: the random source, its language, whether it gets typos."""

    rng: random.Random
    lang: str
    typos: bool
    hardware: Hardware

    @property
    def ru(self) -> bool:
        return self.lang == "ru"

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def weighted(self, table: Mapping[T, float]) -> T:
        return self.rng.choices(list(table), weights=list(table.values()))[0]

    def spell(self, words: Sequence[str], misspelt: Sequence[str] = ()) -> str:
        """One of `words`, or in a request with typos sometimes a recognizable misspelling."""
        if self.typos and misspelt and self.chance(0.5):
            return self.pick(misspelt)
        return self.pick(words)

    def sample(self, table: Mapping[T, float], count: int) -> list[T]:
        """`count` distinct keys of `table`, drawn by weight."""
        left = dict(table)
        chosen: list[T] = []
        while left and len(chosen) < count:
            key = self.weighted(left)
            chosen.append(key)
            del left[key]
        return chosen


def empty_labels() -> Labels:
    return {key: [] if key in LIST_KEYS else None for key in KEYS}


def number(value: float) -> float | int:
    """JSON number for a label: 16 stays 16, 0.5 stays 0.5."""
    return int(value) if float(value).is_integer() else value


def fmt(value: float) -> str:
    return f"{value:g}"


def article(phrase: str) -> str:
    """ "a" or "an" before `phrase` ("an RTX 3090", "an 8b", "a GGUF", "an uncensored")."""
    word = phrase.split()[0] if phrase.split() else phrase
    lower = word.lower()
    if re.match(r"8|1[18](?!\d)", word) or re.match(r"[FHLMNRSX](?:[A-Z0-9]|$)", word):
        return "an"
    if lower[:1] in ("a", "e", "i", "o") or (lower.startswith("u") and not lower.startswith(("us", "uni"))):
        return "an"
    return "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


def ru_plural(value: float, one: str, few: str, many: str) -> str:
    """The Russian noun form after a number: 1 гиг, 2 гига, 5 гигов."""
    if not float(value).is_integer():
        return few
    rest = int(value) % 100
    if 11 <= rest <= 14:
        return many
    return {1: one, 2: few, 3: few, 4: few}.get(rest % 10, many)


def join_words(words: Sequence[str], last: str) -> str:
    """ "a", "a and b", "a, b and c" with `last` as the final joining word."""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def join_or(ctx: Ctx, words: Sequence[str]) -> str:
    if len(words) > 1 and ctx.chance(0.2):
        return "/".join(words)
    return join_words(words, "или" if ctx.ru else "or")


def join_and(ctx: Ctx, words: Sequence[str]) -> str:
    return join_words(words, "и" if ctx.ru else "and")


def gb_text(ctx: Ctx, size: float) -> str:
    """A memory size as people write it: "16GB", "16 gigs", "16 ГБ", "16 гигов"; 0.5 → "512MB", 1024 → "1TB"."""
    if size == 0.5:
        return ctx.pick(("512 МБ", "512мб", "512MB") if ctx.ru else ("512MB", "512 MB", "512mb"))
    if size == 1024:
        return ctx.pick(("1 ТБ", "1TB", "1 тб") if ctx.ru else ("1TB", "1 TB", "1tb"))
    n = fmt(size)
    if ctx.ru:
        gig = ru_plural(size, "гиг", "гига", "гигов")
        gigabyte = ru_plural(size, "гигабайт", "гигабайта", "гигабайт")
        return ctx.pick(
            (f"{n}гб", f"{n} гб", f"{n} ГБ", f"{n} Гб", f"{n} {gig}", f"{n}GB", f"{n} GB", f"{n} {gigabyte}")
        )
    return ctx.pick((f"{n}GB", f"{n} GB", f"{n}gb", f"{n} gb", f"{n}G", f"{n} gigs", f"{n}Gb", f"{n} gigabytes"))


def quoted(ctx: Ctx, name: str) -> str:
    """A model name, sometimes in quotes (the label keeps the bare name)."""
    marks: tuple[tuple[str, str], ...] = (("", ""), ("", ""), ("", ""), ('"', '"'), ("`", "`"))
    if ctx.ru:
        marks = (("", ""), ("", ""), ("«", "»"), ('"', '"'))
    left, right = ctx.pick(marks)
    return f"{left}{name}{right}"


# ---------------------------------------------------------------- memory and hardware

POPULAR_GPUS: tuple[str, ...] = (
    "3060", "3090", "4090", "4060 ti", "4070", "3080", "4080", "5090", "5080", "4060", "3070", "7900 xtx", "a100",
    "h100", "t4", "p40", "a6000", "2080 ti", "1080 ti", "6800 xt", "7800 xt", "a770", "4070 ti super", "5060 ti",
)  # fmt: skip
MULTI_GPUS: tuple[str, ...] = ("3090", "4090", "3060", "5090", "p40", "a6000", "7900 xtx", "a100", "h100", "mi300x")
DATACENTER_GPUS: tuple[str, ...] = ("a100", "h100", "mi300x")
# Memory variants a request may state next to a GPU name ("3060 12GB", "4060 Ti 16GB").
GPU_VARIANTS: dict[str, tuple[int, ...]] = {
    "3060": (8, 12), "2060": (6, 12), "3080": (10, 12), "3050": (6, 8), "4060 ti": (8, 16), "5060 ti": (8, 16),
    "a100": (40, 80), "v100": (16, 32), "a770": (8, 16), "9060 xt": (8, 16), "1060": (3, 6), "1050": (2, 3),
    "p100": (12, 16), "a800": (40, 80), "6500 xt": (4, 8),
}  # fmt: skip
INTEL_ARC = ("a310", "a380", "a580", "a750", "a770", "b570", "b580")
TESLA = ("t4", "p4", "p40", "p100", "v100", "v100s")
COUNT_WORDS = {2: "two", 3: "three", 4: "four", 8: "eight"}

BARE_SIZES = (4, 6, 8, 10, 12, 16, 16, 20, 24, 24, 32, 48, 64, 96, 128)
VRAM_SIZES = (4, 6, 8, 8, 10, 11, 12, 12, 16, 16, 20, 24, 24, 32, 48, 80, 96)
RAM_SIZES = (4, 8, 8, 16, 16, 32, 32, 48, 64, 64, 96, 128, 192, 256)
UNIFIED_SIZES = (16, 24, 32, 36, 48, 64, 96, 128, 192)
MAC_SIZES: dict[str, tuple[int, ...]] = {
    "": (8, 16, 24), "pro": (16, 18, 32, 36, 48), "max": (32, 36, 48, 64, 96, 128), "ultra": (64, 96, 128, 192, 256),
}  # fmt: skip
MAC_DEVICES: dict[str, tuple[str, ...]] = {
    "": ("MacBook Air", "MacBook Pro", "Mac mini", "iMac", "MacBook"),
    "pro": ("MacBook Pro", "Mac mini"),
    "max": ("MacBook Pro", "Mac Studio"),
    "ultra": ("Mac Studio",),
}
# Russian Mac names: (nominative, prepositional).
RU_MAC_DEVICES: dict[str, tuple[tuple[str, str], ...]] = {
    "": (("макбук", "макбуке"), ("мак", "маке"), ("MacBook Air", "MacBook Air"), ("Mac mini", "Mac mini")),
    "pro": (("макбук про", "макбуке про"), ("MacBook Pro", "MacBook Pro"), ("мак мини", "мак мини")),
    "max": (("макбук про", "макбуке про"), ("MacBook Pro", "MacBook Pro"), ("Mac Studio", "Mac Studio")),
    "ultra": (("Mac Studio", "Mac Studio"), ("мак студио", "мак студио")),
}


def gpu_prefixes(key: str) -> tuple[str, ...]:
    """The vendor words people put before a GPU model (every one of them optional)."""
    if key.startswith("titan"):
        return ("", "NVIDIA ")
    if re.match(r"(?:10|16)\d\d\b", key):
        return ("", "GTX ", "GeForce GTX ", "NVIDIA GTX ", "nvidia ")
    if re.match(r"(?:20|30|40|50)\d\d\b", key):
        return ("", "RTX ", "RTX ", "GeForce RTX ", "NVIDIA RTX ", "NVIDIA GeForce RTX ", "rtx ")
    if re.match(r"[679]\d\d\d\b", key):
        return ("", "RX ", "RX ", "Radeon RX ", "AMD RX ", "AMD Radeon RX ", "rx ")
    if key.startswith("w"):
        return ("Radeon Pro ", "AMD Radeon Pro ", "AMD ")
    if key.startswith("mi"):
        return ("", "AMD ", "Instinct ", "AMD Instinct ")
    if key in INTEL_ARC:
        return ("Arc ", "Intel Arc ", "", "arc ")
    if re.fullmatch(r"a\d{4}", key) or "ada" in key or key.startswith("pro "):
        return ("RTX ", "NVIDIA RTX ", "")
    if key in TESLA:
        return ("", "NVIDIA ", "Tesla ", "nvidia ")
    return ("", "NVIDIA ", "nvidia ")


def gpu_model_text(ctx: Ctx, key: str) -> str:
    """The model part as written: "4060 Ti", "4060ti", "7900 XTX", "A100", "RTX 6000 Ada"."""
    spellings = {
        "ti": ("Ti", "Ti", "ti", "TI"),
        "super": ("Super", "SUPER", "super"),
        "laptop": ("Laptop", "laptop", "Laptop GPU"),
        "ada": ("Ada", "Ada Generation", "ada"),
        "pro": ("PRO", "Pro"),
        "blackwell": ("Blackwell",),
        "titan": ("Titan", "TITAN"),
    }
    words = []
    for word in key.split():
        if word in spellings:
            words.append(ctx.pick(spellings[word]))
        elif word.isdigit():
            words.append(word)
        else:
            words.append(word.upper() if ctx.chance(0.8) else word)
    text = " ".join(words)
    if re.fullmatch(r"\d{4} (?:Ti|ti|TI)", text) and ctx.chance(0.2):
        text = text.replace(" ", "")
    return text


def gpu_name(ctx: Ctx, key: str) -> str:
    return ctx.pick(gpu_prefixes(key)) + gpu_model_text(ctx, key)


def gpu_key(ctx: Ctx, pool: Sequence[str] = ()) -> str:
    table = ctx.hardware.vram
    popular = [key for key in (pool or POPULAR_GPUS) if key in table]
    if pool or ctx.chance(0.6):
        return ctx.pick(popular)
    return ctx.pick(list(table))


def memory_piece(
    size: float | None, kind: str | None, keyword: str, clause: str, sentence: str, before: str = ""
) -> Piece:
    labels: Labels = {"memory_gb": None if size is None else number(size), "memory_kind": kind}
    return Piece(labels, keyword, clause, sentence, before=before, before_acc=before, order=35)


def bare_memory_slot(ctx: Ctx) -> Piece:
    """A size with no kind: "16GB", "16 гигов" → memory_kind null."""
    size = ctx.pick(BARE_SIZES)
    m = gb_text(ctx, size)
    if ctx.ru:
        clause = ctx.pick((f"под {m}", f"чтобы поместилось в {m}", f"на {m}", f"в пределах {m}", f"до {m}"))
        sentence = ctx.pick((f"У меня {m}.", f"Есть {m}.", f"Влезть должно в {m}.", f"Бюджет — {m}."))
        return memory_piece(size, None, m, clause, sentence, before="" if " " in m else m)
    clause = ctx.pick((f"that fits in {m}", f"for {m}", f"under {m}", f"that fits into {m}", f"within {m}"))
    sentence = ctx.pick(
        (f"I have {m} to work with.", f"Memory budget: {m}.", f"It has to fit in {m}.", f"I've only got {m}.")
    )
    return memory_piece(size, None, m, clause, sentence, before="" if m.endswith(("gigs", "gigabytes")) else m)


def vram_memory_slot(ctx: Ctx) -> Piece:
    """A size said to be GPU memory: "12gb VRAM", "видюха на 8 гб"."""
    size = ctx.pick(VRAM_SIZES)
    m = gb_text(ctx, size)
    if ctx.ru:
        vram = ctx.spell((f"{m} видеопамяти", f"{m} VRAM", f"{m} vram", f"{m} видеопамяти"), (f"{m} видеопамети",))
        card = ctx.pick((f"видюха на {m}", f"видеокарта на {m}", f"видеокарта с {m}"))
        keyword = ctx.pick((vram, card, f"видеопамять {m}"))
        clause = ctx.pick(
            (
                f"под {vram}",
                f"для видюхи на {m}",
                f"для видеокарты на {m}",
                f"для видеокарты с {m}",
                f"чтобы поместилось в {vram}",
            )
        )
        sentence = ctx.pick(
            (f"Видеопамяти {m}.", f"У меня {vram}.", f"Есть {card}.", f"Видюха на {m}.", f"Видеокарта на {m}.")
        )
        return memory_piece(size, "vram", keyword, clause, sentence)
    vram = ctx.pick((f"{m} VRAM", f"{m} of VRAM", f"{m} vram", f"{m} of video memory", f"{m} of GPU memory"))
    keyword = ctx.pick((vram, f"VRAM {m}", f"{m} GPU"))
    clause = ctx.pick(
        (f"for {vram}", f"that fits in {vram}", f"for a GPU with {m}", f"for a graphics card with {m}", f"under {vram}")
    )
    sentence = ctx.pick(
        (f"I have {vram}.", f"My GPU has {m}.", f"Only {vram} here.", f"GPU: {m}.", f"My graphics card has {m}.")
    )
    return memory_piece(size, "vram", keyword, clause, sentence, before=f"{m} VRAM")


def gpu_piece(ctx: Ctx, name: str, size: float, countable: bool = True) -> Piece:
    """A named GPU (with its size, stated or from the table) as a vram memory slot."""
    if ctx.ru:
        clause = ctx.pick(
            (f"под {name}", f"для моей {name}", f"на {name}", f"для видюхи {name}", f"для видеокарты {name}")
        )
        sentence = ctx.pick(
            (f"Стоит {name}.", f"Видеокарта — {name}.", f"У меня {name}.", f"Видюха {name}.", f"Карта {name}.")
        )
        return memory_piece(size, "vram", name, clause, sentence)
    if countable:
        a = with_article(name)
        clause = ctx.pick(
            (f"for my {name}", f"that runs on {a}", f"for {a}", f"that fits on {a}", f"for a single {name}")
        )
        sentence = ctx.pick(
            (
                f"I have {a}.",
                f"My GPU is {a}.",
                f"Running {a}.",
                f"GPU: {name}.",
                f"I've got {a} in my PC.",
                f"My card is {a}.",
            )
        )
    else:
        clause = ctx.pick((f"for my {name}", f"that runs on {name}", f"for {name}"))
        sentence = ctx.pick((f"I have {name}.", f"Running {name}.", f"GPUs: {name}.", f"My rig has {name}."))
    return memory_piece(size, "vram", name, clause, sentence)


def gpu_slot(ctx: Ctx) -> Piece:
    """A GPU named without a size: its memory comes from configs/hardware.toml ("RTX 3090" → 24)."""
    key = gpu_key(ctx)
    return gpu_piece(ctx, gpu_name(ctx, key), ctx.hardware.vram[key])


def sized_gpu_slot(ctx: Ctx) -> Piece:
    """A GPU named with a size: the stated number wins ("4060 Ti 16GB" → 16)."""
    key = ctx.pick([key for key in GPU_VARIANTS if key in ctx.hardware.vram]) if ctx.chance(0.7) else gpu_key(ctx)
    size = ctx.pick(GPU_VARIANTS.get(key, (int(ctx.hardware.vram[key]),)))
    name, m = gpu_name(ctx, key), gb_text(ctx, size)
    if ctx.ru:
        text = ctx.pick((f"{name} на {m}", f"{name} {m}", f"{name} с {m}"))
    else:
        text = ctx.pick((f"{name} {m}", f"{name} with {m}", f"{name} ({m})"))
    return gpu_piece(ctx, text, size)


def multi_gpu_slot(ctx: Ctx) -> Piece:
    """Several GPUs add up: "2x3090" → 48."""
    key = gpu_key(ctx, MULTI_GPUS)
    count = ctx.pick((2, 2, 2, 2, 3, 4, 4) + ((8, 8) if key in DATACENTER_GPUS else ()))
    name = gpu_name(ctx, key)
    forms = [f"{count}x {name}", f"{count} x {name}"]
    if name[:1].isdigit():
        forms += [f"{count}x{name}", f"{count}x{name}"]
    if ctx.ru:
        forms += [f"две {name}"] if count == 2 else []
    else:
        forms += [f"{COUNT_WORDS[count]} {name}s"] + ([f"dual {name}s"] if count == 2 else [])
    return gpu_piece(ctx, ctx.pick(forms), count * ctx.hardware.vram[key], countable=False)


def ram_slot(ctx: Ctx) -> Piece:
    """System memory: "32GB RAM", "16 ГБ ОЗУ", "on my laptop with 16GB RAM"."""
    size = ctx.pick(RAM_SIZES) if ctx.chance(0.96) else ctx.pick((0.5, 1024))
    m = gb_text(ctx, size)
    if ctx.ru:
        ram = ctx.pick((f"{m} оперативки", f"{m} ОЗУ", f"{m} оперативной памяти", f"{m} RAM", f"{m} оперативы"))
        keyword = ctx.pick((ram, f"ОЗУ {m}", f"оперативка {m}"))
        clause = ctx.pick(
            (
                f"под {ram}",
                f"для ноутбука с {ram}",
                f"для запуска на CPU с {ram}",
                f"на {ram}",
                f"для компа без видеокарты с {ram}",
            )
        )
        sentence = ctx.pick(
            (
                f"Видеокарты нет, только {ram}.",
                f"Оперативки {m}.",
                f"Ноутбук с {ram}.",
                f"Только CPU и {ram}.",
                f"На сервере {ram}.",
            )
        )
        return memory_piece(size, "ram", keyword, clause, sentence)
    ram = ctx.pick((f"{m} RAM", f"{m} of RAM", f"{m} ram", f"{m} of system memory", f"{m} system RAM"))
    keyword = ctx.pick((ram, f"RAM {m}", f"CPU-only {ram}"))
    clause = ctx.pick(
        (
            f"for {ram}",
            f"that runs CPU-only with {ram}",
            f"for my laptop with {ram}",
            f"that fits in {ram}",
            f"for a CPU-only box with {ram}",
            f"for a PC with {ram} and no GPU",
        )
    )
    sentence = ctx.pick(
        (
            f"No GPU, just {ram}.",
            f"I only have a laptop with {ram}.",
            f"CPU-only machine with {ram}.",
            f"I have {ram} and no graphics card.",
            f"My server has {ram}.",
        )
    )
    return memory_piece(size, "ram", keyword, clause, sentence)


def cpu_only_slot(ctx: Ctx) -> Piece:
    """CPU-only without a size: memory_kind "ram", memory_gb null."""
    if ctx.ru:
        keyword = ctx.pick(("только CPU", "без видеокарты", "на CPU", "на процессоре"))
        clause = ctx.pick(
            ("для запуска на процессоре", "для CPU без видеокарты", "чтобы шла на CPU", "без GPU, на процессоре")
        )
        sentence = ctx.pick(
            ("Видеокарты нет, запускать буду на процессоре.", "Только CPU, без GPU.", "GPU нет, только процессор.")
        )
    else:
        keyword = ctx.pick(("CPU-only", "CPU only", "cpu only", "no GPU"))
        clause = ctx.pick(
            (
                "that runs CPU-only",
                "for CPU-only inference",
                "that runs on a CPU without a GPU",
                "for a machine with no GPU",
            )
        )
        sentence = ctx.pick(
            (
                "I don't have a GPU, CPU only.",
                "No graphics card, it will run on the CPU.",
                "CPU inference only.",
                "There's no GPU in my machine.",
            )
        )
    return memory_piece(None, "ram", keyword, clause, sentence)


def chip_text(ctx: Ctx, chip: str) -> str:
    return (
        chip
        if ctx.chance(0.15)
        else " ".join(word.upper() if word[0] == "m" else word.title() for word in chip.split())
    )


def chip_tier(chip: str) -> str:
    words = chip.split()
    return words[1] if len(words) > 1 else ""


def mac_piece(ctx: Ctx, size: float | None, text: str, text_prep: str = "") -> Piece:
    if ctx.ru:
        clause = ctx.pick((f"под {text}", f"для запуска на {text_prep or text}"))
        sentence = ctx.pick((f"У меня {text}.", f"Сижу на {text_prep or text}.", f"Железо: {text}."))
        return memory_piece(size, "unified", text, clause, sentence)
    a = with_article(text)
    clause = ctx.pick((f"for my {text}", f"that runs on {a}", f"for {a}"))
    sentence = ctx.pick((f"I'm on {a}.", f"I have {a}.", f"Machine: {text}.", f"I use {a}."))
    return memory_piece(size, "unified", text, clause, sentence)


def mac_slot(ctx: Ctx, sized: bool) -> Piece:
    """A Mac: unified memory; the size only when stated ("M1 with 16GB" → 16, "MacBook Air M2" → null)."""
    chip_key = ctx.pick(ctx.hardware.chips)
    tier = chip_tier(chip_key)
    chip = chip_text(ctx, chip_key)
    size = ctx.pick(MAC_SIZES.get(tier, (16, 32))) if sized else None
    m = gb_text(ctx, size) if size is not None else ""
    if ctx.ru:
        nom, prep = ctx.pick(RU_MAC_DEVICES.get(tier, RU_MAC_DEVICES[""]))
        if sized:
            template = ctx.pick(("{dev} {chip} на {m}", "{dev} на {chip} с {m}", "{chip} {m}", "{dev} {chip} с {m}"))
        else:
            template = ctx.pick(("{dev} {chip}", "{dev} на {chip}", "{chip}", "{dev}"))
        return mac_piece(ctx, size, template.format(dev=nom, chip=chip, m=m), template.format(dev=prep, chip=chip, m=m))
    device = ctx.pick(MAC_DEVICES.get(tier, MAC_DEVICES[""]))
    if sized:
        text = ctx.pick(
            (
                f"{chip} with {m}",
                f"{device} {chip} {m}",
                f"{device} {chip} with {m}",
                f"{chip} {m}",
                f"{device} with {chip} and {m} of unified memory",
                f"{device} {chip} ({m})",
            )
        )
    else:
        text = ctx.pick(
            (f"{device} {chip}", f"{chip} {device}", f"{chip} Mac", "Apple Silicon Mac", "Mac", chip, device)
        )
    return mac_piece(ctx, size, text)


def unified_slot(ctx: Ctx) -> Piece:
    """Unified memory said outright: "32GB unified memory", "Apple Silicon with 64GB"."""
    size = ctx.pick(UNIFIED_SIZES)
    m = gb_text(ctx, size)
    if ctx.ru:
        text = ctx.pick((f"{m} унифицированной памяти", f"Apple Silicon с {m}", f"{m} unified memory"))
        clause = ctx.pick((f"под {text}", f"на {text}"))
        sentence = ctx.pick((f"У меня {text}.", f"Есть {text}."))
    else:
        text = ctx.pick(
            (f"{m} unified memory", f"{m} of unified memory", f"Apple Silicon with {m}", f"{m} of Apple unified memory")
        )
        clause = ctx.pick((f"for {text}", f"that fits in {text}"))
        sentence = ctx.pick((f"I have {text}.", f"My machine: {text}."))
    return memory_piece(size, "unified", text, clause, sentence)


MEMORY_SLOTS: dict[str, Callable[[Ctx], Piece]] = {
    "bare": bare_memory_slot,
    "vram": vram_memory_slot,
    "gpu": gpu_slot,
    "sized_gpu": sized_gpu_slot,
    "multi_gpu": multi_gpu_slot,
    "ram": ram_slot,
    "cpu_only": cpu_only_slot,
    "mac_sized": lambda ctx: mac_slot(ctx, sized=True),
    "mac": lambda ctx: mac_slot(ctx, sized=False),
    "unified": unified_slot,
}
MEMORY_WEIGHTS: dict[str, float] = {
    "bare": 18, "vram": 18, "gpu": 24, "sized_gpu": 8, "multi_gpu": 5, "ram": 13, "cpu_only": 3, "mac_sized": 7,
    "mac": 2, "unified": 2,
}  # fmt: skip


def memory_slot(ctx: Ctx) -> Piece:
    return MEMORY_SLOTS[ctx.weighted(MEMORY_WEIGHTS)](ctx)


# ---------------------------------------------------------------- licence and commercial use


def commercial_slot(ctx: Ctx) -> Piece:
    """The user needs commercial use: "commercial", "for my company", "для бизнеса"."""
    labels: Labels = {"commercial": True}
    if ctx.ru:
        gen = ctx.spell(("коммерческого",), ("комерческого",))
        nom, acc = ctx.spell(("коммерческая|коммерческую",), ("комерческая|комерческую",)).split("|")
        keyword = ctx.pick((nom, "коммерция", "для бизнеса", f"для {gen} использования", "для компании"))
        clause = ctx.pick(
            (
                f"для {gen} использования",
                "для бизнеса",
                "для компании",
                f"для {gen} проекта",
                "с коммерческой лицензией",
                "с разрешением на коммерческое использование",
                "для продукта, который мы продаём",
            )
        )
        sentence = ctx.pick(
            (
                "Это для компании, так что лицензия должна разрешать коммерческое использование.",
                "Будем использовать в коммерческом продукте.",
                "Нужна для бизнеса.",
                "Важно коммерческое использование.",
                "Модель нужна для компании.",
            )
        )
        return Piece(labels, keyword, clause, sentence, before=nom, before_acc=acc, order=10)
    word = ctx.spell(("commercial",), ("comercial", "commerical"))
    before = ctx.pick((word, word, "commercially usable", f"{word}-use"))
    keyword = ctx.pick((word, f"{word} use", "for business", "for my company"))
    clause = ctx.pick(
        (
            f"for {word} use",
            f"that allows {word} use",
            "for my company",
            "for business",
            "for a product we sell",
            "for work at a startup",
            f"with a {word} licence",
            f"with a {word} license",
            "that I can use commercially",
            "that my company can use",
            "for business use",
        )
    )
    sentence = ctx.pick(
        (
            f"It's for my company, so {word} use must be allowed.",
            "We'll ship it in a product we sell.",
            "This is for work at a startup.",
            f"It needs to be OK for {word} use.",
            f"The licence has to allow {word} use.",
            "It's for business.",
        )
    )
    return Piece(labels, keyword, clause, sentence, before=before, order=10)


LICENSES: dict[str, tuple[str, ...]] = {
    "apache-2.0": ("Apache 2.0", "Apache-2.0", "Apache", "Apache 2", "apache 2.0"),
    "mit": ("MIT",),
    "llama3": ("Llama 3",),
    "gemma": ("Gemma",),
    "cc-by-4.0": ("CC-BY", "Creative Commons", "CC BY 4.0", "CC"),
    "cc-by-nc-4.0": ("CC BY-NC", "CC-BY-NC", "CC BY-NC 4.0"),
    "gpl-3.0": ("GPL", "GPLv3", "GPL-3.0"),
    "bsd-3-clause": ("BSD", "BSD-3-Clause"),
    "openrail": ("OpenRAIL",),
}
LICENSE_WEIGHTS: dict[str, float] = {
    "apache-2.0": 4, "mit": 3, "llama3": 1, "gemma": 0.8, "cc-by-4.0": 1, "cc-by-nc-4.0": 0.7, "gpl-3.0": 1,
    "bsd-3-clause": 0.8, "openrail": 0.7,
}  # fmt: skip
# Names that are a licence only together with the word: "Gemma license", "a CC license".
NAMED_WITH_WORD = ("Llama 3", "Gemma", "CC")
# A licence named after a family is only asked for together with that family (see license_slot).
LICENSE_FAMILY = {"llama3": "llama", "gemma": "gemma"}


def license_ids(ctx: Ctx) -> list[str]:
    ids = ctx.sample(LICENSE_WEIGHTS, 2 if ctx.chance(0.15) else 1)
    if any(key in LICENSE_FAMILY for key in ids):
        return [next(key for key in ids if key in LICENSE_FAMILY)]
    return ids


def license_slot(ctx: Ctx, ids: Sequence[str]) -> Piece:
    """Licences named explicitly: "Apache 2.0" → apache-2.0, "Gemma license" → gemma."""
    names = [ctx.pick(LICENSES[key]) for key in ids]
    labels: Labels = {"licenses": list(ids)}
    needs_word = any(name in NAMED_WITH_WORD for name in names)
    joined = join_or(ctx, names)
    if ctx.ru:
        keyword = f"лицензия {joined}" if needs_word else ctx.pick((f"лицензия {joined}", joined))
        clauses = [f"с лицензией {joined}", f"под лицензией {joined}"] + ([] if needs_word else [f"под {joined}"])
        sentence = ctx.pick((f"Лицензия — {joined}.", f"Нужна лицензия {joined}.", f"Лицензия только {joined}."))
        return Piece(labels, keyword, ctx.pick(clauses), sentence, order=75)
    word = ctx.pick(("license", "licence", "License"))
    named = f"{joined} {word}"
    if needs_word:
        keyword = named
        clause = ctx.pick((f"under the {named}", f"with {with_article(named)}"))
        sentence = ctx.pick((f"It has to be under the {named}.", f"The {named} is required."))
        return Piece(labels, keyword, clause, sentence, order=75)
    keyword = ctx.pick((joined, named))
    clause = ctx.pick(
        (f"under {joined}", f"licensed under {joined}", f"with {with_article(named)}", f"licensed {joined}")
    )
    sentence = ctx.pick(
        (f"License must be {joined}.", f"Only {joined}-licensed models please.", f"{word.capitalize()}: {joined}.")
    )
    return Piece(labels, keyword, clause, sentence, before=joined, before_acc=joined, order=75)


# ---------------------------------------------------------------- families, size, context, formats, quants

FAMILIES: dict[str, tuple[str, ...]] = {
    "llama": (
        "Llama",
        "llama",
        "Llama 3",
        "Llama 3.1",
        "Llama-3.2",
        "Llama 4",
        "llama3",
        "CodeLlama",
        "Vicuna",
        "WizardLM",
    ),
    "mistral": (
        "Mistral",
        "mistral",
        "Codestral",
        "Ministral",
        "Mistral-Nemo",
        "Mistral Nemo",
        "Devstral",
        "Mistral Small",
    ),
    "mixtral": ("Mixtral", "mixtral"),
    "qwen": ("Qwen", "qwen", "Qwen2.5", "Qwen3", "QwQ", "Qwen-Coder", "Qwen 2.5", "Qwen2.5-Coder"),
    "gemma": ("Gemma", "gemma", "Gemma 2", "Gemma 3", "gemma3"),
    "phi": ("Phi", "phi", "Phi-3", "Phi-4", "phi4"),
    "deepseek": ("DeepSeek", "deepseek", "DeepSeek-V3", "DeepSeek Coder"),
    "yi": ("Yi", "Yi-1.5"),
    "falcon": ("Falcon", "Falcon 3", "falcon"),
    "command-r": ("Command-R", "Command R", "command-r", "Command R+"),
    "solar": ("Solar", "SOLAR"),
    "starcoder": ("StarCoder", "StarCoder2", "starcoder"),
    "gpt-oss": ("gpt-oss", "GPT-OSS"),
    "granite": ("Granite", "IBM Granite", "granite"),
    "olmo": ("OLMo", "OLMo 2", "olmo"),
    "internlm": ("InternLM", "internlm"),
    "glm": ("GLM", "GLM-4", "glm"),
    "minicpm": ("MiniCPM", "minicpm"),
    "smollm": ("SmolLM", "SmolLM2", "smollm"),
    "nemotron": ("Nemotron", "nemotron"),
    "exaone": ("EXAONE", "Exaone"),
    "kimi": ("Kimi", "Kimi K2"),
}
FAMILY_WEIGHTS: dict[str, float] = {
    "llama": 5, "qwen": 5, "mistral": 4, "gemma": 3, "deepseek": 3, "phi": 2, "mixtral": 1.5, "gpt-oss": 1.5,
}  # fmt: skip
FAMILY_TYPOS: dict[str, tuple[str, ...]] = {"llama": ("lamma", "llamma")}
# Russian spellings: (nominative, accusative).
RU_FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "llama": (("лама", "ламу"), ("ллама", "лламу")),
    "qwen": (("квен", "квен"),),
    "mistral": (("мистраль", "мистраль"),),
    "gemma": (("гемма", "гемму"),),
    "deepseek": (("дипсик", "дипсик"),),
    "mixtral": (("микстраль", "микстраль"),),
}
RU_FAMILY_TYPOS: dict[str, tuple[tuple[str, str], ...]] = {"llama": (("ламма", "ламму"),)}
# Variant names that say "code" too: a request using one always names the code task as well, first, so
# the label is the same whether or not a parser reads the name as a task.
CODE_NAMES = (
    "CodeLlama",
    "Codestral",
    "Devstral",
    "Qwen-Coder",
    "Qwen2.5-Coder",
    "DeepSeek Coder",
    "StarCoder",
    "StarCoder2",
    "starcoder",
)


def family_names(ctx: Ctx, family: str) -> tuple[str, str, bool]:
    """(nominative, accusative, Latin script) spelling of one family in this request's language."""
    if ctx.ru and family in RU_FAMILIES and ctx.chance(0.45):
        options = RU_FAMILIES[family]
        if ctx.typos and family in RU_FAMILY_TYPOS and ctx.chance(0.5):
            options = RU_FAMILY_TYPOS[family]
        nom, acc = ctx.pick(options)
        return nom, acc, False
    name = ctx.spell(FAMILIES[family], FAMILY_TYPOS.get(family, ()))
    return name, name, True


def family_slot(ctx: Ctx, forced: str | None = None) -> tuple[Piece, bool]:
    """Families named ("Codestral" → mistral, "квен" → qwen); also whether a name says "code"."""
    weights = {family: FAMILY_WEIGHTS.get(family, 1.0) for family in FAMILIES}
    families = [forced] if forced else ctx.sample(weights, ctx.weighted({1: 80, 2: 18, 3: 2}))
    spelt = [family_names(ctx, family) for family in families]
    noms, accs = [nom for nom, _, _ in spelt], [acc for _, acc, _ in spelt]
    needs_code = any(nom in CODE_NAMES for nom in noms)
    latin = all(is_latin for _, _, is_latin in spelt)
    nom, acc = join_or(ctx, noms), join_or(ctx, accs)
    labels: Labels = {"families": families}
    if ctx.ru:
        clause = ctx.pick((f"из семейства {nom}", f"желательно {acc}", f"предпочтительно {nom}"))
        sentence = ctx.pick((f"Хотелось бы {acc}.", f"Предпочитаю {acc}.", f"Семейство — {nom}."))
        before = nom if latin else ""
        return Piece(labels, nom, clause, sentence, before=before, before_acc=before, order=40), needs_code
    clause = ctx.pick((f"from the {nom} family", f"preferably {nom}", f"in the {nom} family", f"ideally {nom}"))
    sentence = ctx.pick((f"I'd prefer {nom}.", f"Preferably {nom}.", f"Family: {nom}.", f"It should be {nom}."))
    return Piece(labels, nom, clause, sentence, before=nom, order=40), needs_code


EXACT_SIZES = (0.5, 1, 1.5, 2, 3, 4, 7, 7, 8, 8, 9, 12, 13, 14, 14, 20, 22, 24, 27, 30, 32, 34, 70, 72, 123)
MAX_SIZES = (1, 2, 3, 4, 7, 8, 8, 9, 12, 13, 13, 14, 20, 24, 30, 32, 34, 70)
MIN_SIZES = (3, 7, 8, 13, 14, 20, 30, 30, 32, 34, 70, 100)
SMALL_SIZES_M = (135, 270, 360, 500)


def billions(ctx: Ctx, value: float) -> str:
    return f"{fmt(value)}{ctx.pick(('b', 'B', 'b'))}"


def params_labels(low: float | None, high: float | None) -> Labels:
    return {
        "params_min_b": None if low is None else number(low),
        "params_max_b": None if high is None else number(high),
    }


def params_slot(ctx: Ctx) -> Piece:
    """Parameter bounds: "7b" → 7 and 7, "under 13b" → max 13, "от 30b" → min 30, "7-8B" → 7 and 8."""
    shape = ctx.weighted({"exact": 35, "max": 30, "min": 12, "range": 18, "millions": 5})
    if shape == "millions":
        return small_params_piece(ctx)
    if shape == "range":
        low, high = sorted(ctx.rng.sample([size for size in EXACT_SIZES if size >= 1], 2))
        while low == high:
            low, high = sorted(ctx.rng.sample([size for size in EXACT_SIZES if size >= 1], 2))
        return range_params_piece(ctx, low, high)
    value = ctx.pick({"exact": EXACT_SIZES, "max": MAX_SIZES, "min": MIN_SIZES}[shape])
    b = billions(ctx, value)
    labels = params_labels(value if shape != "max" else None, value if shape != "min" else None)
    if ctx.ru:
        return ru_params_piece(ctx, shape, value, b, labels)
    if shape == "exact":
        clause = ctx.pick(
            (f"with {b} params", f"in the {b} size range", f"in the {b} class", f"at {b}", f"with {b} parameters")
        )
        sentence = ctx.pick((f"Size: {b}.", f"It should be {with_article(b)} model.", f"Looking at the {b} size."))
        return Piece(labels, b, clause, sentence, before=b, order=30)
    if shape == "max":
        bound = ctx.pick(
            (f"under {b}", f"<={b}", f"up to {b}", f"max {b}", f"no bigger than {b}", f"{b} or less", f"at most {b}")
        )
        sentence = ctx.pick((f"Nothing bigger than {b}.", f"Max size is {b}.", f"It must be {bound}."))
        return Piece(labels, bound, ctx.pick((bound, f"with {bound} params")), sentence, order=30)
    bound = ctx.pick((f"at least {b}", f"{b}+", f"{b} or more", f"{b} and up", f"no less than {b}"))
    sentence = ctx.pick((f"It should be at least {b}.", f"Minimum size {b}.", f"It must be {bound}."))
    before = f"{b}+" if bound == f"{b}+" else ""
    return Piece(labels, bound, ctx.pick((bound, f"with {bound} params")), sentence, before=before, order=30)


def ru_params_piece(ctx: Ctx, shape: str, value: float, b: str, labels: Labels) -> Piece:
    n = fmt(value)
    if shape == "exact":
        bound = ctx.pick((b, f"на {b}", f"размером {b}", f"на {n} млрд параметров", f"{n} млрд параметров"))
        before = b
    elif shape == "max":
        bound = ctx.pick((f"до {b}", f"не больше {b}", f"не более {b}", f"максимум {b}", f"до {n} млрд"))
        before = ""
    else:
        bound = ctx.pick((f"от {b}", f"не меньше {b}", f"минимум {b}", f"{b}+", f"от {n} млрд параметров"))
        before = ""
    sentence = ctx.pick((f"Размер — {bound}.", f"По размеру {bound}.", f"Размер модели {bound}."))
    return Piece(labels, bound, bound, sentence, before=before, before_acc=before, order=30)


def range_params_piece(ctx: Ctx, low: float, high: float) -> Piece:
    lo, hi = fmt(low), fmt(high)
    labels = params_labels(low, high)
    if ctx.ru:
        bound = ctx.pick((f"от {lo} до {hi}b", f"{lo}-{hi}B", f"от {lo}b до {hi}b", f"в диапазоне {lo}-{hi}b"))
        sentence = ctx.pick((f"Размер — {bound}.", f"По размеру {bound}."))
        return Piece(labels, bound, bound, sentence, order=30)
    dashed = ctx.pick((f"{lo}-{hi}B", f"{lo}–{hi}b", f"{lo}b-{hi}b", f"{lo}-{hi}b"))
    worded = ctx.pick((f"{lo} to {hi}b", f"between {lo} and {hi}b", f"between {lo}B and {hi}B"))
    keyword = ctx.pick((dashed, worded))
    clause = ctx.pick((f"in the {dashed} range", f"with {dashed} params", worded, f"of {worded}"))
    sentence = ctx.pick(
        (f"Somewhere {worded} params." if worded.startswith("between") else f"Size: {worded}.", f"Size: {dashed}.")
    )
    return Piece(labels, keyword, clause, sentence, before=dashed, order=30)


def small_params_piece(ctx: Ctx) -> Piece:
    """Sizes in millions, always with the word "params" (a bare "500M" could be a context): "500M" → 0.5."""
    millions = ctx.pick(SMALL_SIZES_M)
    value = millions / 1000
    upper = ctx.chance(0.4)
    labels = params_labels(None if upper else value, value)
    if ctx.ru:
        text = f"{millions}M параметров"
        bound = f"до {text}" if upper else ctx.pick((text, f"на {text}"))
        return Piece(labels, bound, bound, f"Размер — {bound}.", order=30)
    text = f"{millions}M {ctx.pick(('params', 'parameters'))}"
    bound = ctx.pick((f"under {text}", f"up to {text}")) if upper else text
    clause = bound if upper else f"with {text}"
    return Piece(labels, bound, clause, f"Size: {bound}.", order=30)


CONTEXT_K = (4, 8, 16, 32, 32, 64, 100, 128, 128, 200, 256)
CONTEXT_PLAIN = (8000, 16000, 32000, 32000, 64000, 100000, 128000, 200000, 8192, 32768)


def context_slot(ctx: Ctx) -> Piece:
    """Minimum context: "32k" → 32768, "1M" → 1048576, a plain number as written ("контекст 32000")."""
    shape = ctx.weighted({"k": 70, "million": 8, "plain": 22})
    if shape == "k":
        k = ctx.pick(CONTEXT_K)
        text, tokens = f"{k}{ctx.pick(('k', 'k', 'K'))}", k * 1024
    elif shape == "million":
        text, tokens = "1M", 1024 * 1024
    else:
        tokens = ctx.pick(CONTEXT_PLAIN)
        text = str(tokens)
    labels: Labels = {"min_context": tokens}
    plain = shape == "plain"
    if ctx.ru:
        amount = f"{text} токенов" if plain and ctx.chance(0.4) else text
        keyword = ctx.pick(
            (f"контекст {amount}", f"ctx {text}", f"контекст от {amount}") + (() if plain else (f"{text} контекста",))
        )
        clause = ctx.pick(
            (
                f"с контекстом {amount}",
                f"с контекстом от {amount}",
                f"с окном контекста {amount}",
                f"с контекстом не меньше {amount}",
            )
        )
        sentence = ctx.pick(
            (f"Контекст нужен от {amount}.", f"Нужен контекст {amount}.", f"Окно контекста — {amount}.")
        )
        return Piece(labels, keyword, clause, sentence, order=70)
    if plain:
        keyword = ctx.pick((f"context {text}", f"{text} tokens context"))
        clause = ctx.pick(
            (f"with a context of {text} tokens", f"that handles {text} tokens of context", f"with context {text}")
        )
        sentence = ctx.pick(
            (f"Context: {text} tokens.", f"I need at least {text} tokens of context.", f"Context length {text}.")
        )
        return Piece(labels, keyword, clause, sentence, order=70)
    keyword = ctx.pick((f"{text} context", f"{text} ctx", f"ctx {text}", f"{text} context window"))
    clause = ctx.pick(
        (
            f"with {text} context",
            f"with at least {text} context",
            f"with a {text} context window",
            f"with {text} ctx",
            f"that handles {text} tokens of context",
            f"with a context window of {text}",
        )
    )
    sentence = ctx.pick((f"Context must be at least {text}.", f"I need {text} context.", f"Context window: {text}."))
    return Piece(labels, keyword, clause, sentence, order=70)


FORMAT_NAMES: dict[str, tuple[str, ...]] = {
    "gguf": ("GGUF", "gguf", "GGUF"),
    "gptq": ("GPTQ",),
    "awq": ("AWQ",),
    "exl2": ("EXL2", "exl2"),
    "mlx": ("MLX",),
    "safetensors": ("safetensors",),
}
FORMAT_WEIGHTS: dict[str, float] = {"gguf": 5, "gptq": 1.5, "awq": 1.5, "exl2": 1.5, "mlx": 1.5, "safetensors": 1}
# Runtimes that imply a format: "ollama", "llama.cpp", "LM Studio" → gguf; "exllama" → exl2.
RUNTIMES: tuple[tuple[str, str], ...] = (
    ("ollama", "gguf"), ("Ollama", "gguf"), ("llama.cpp", "gguf"), ("LM Studio", "gguf"), ("exllama", "exl2"),
    ("ExLlamaV2", "exl2"),
)  # fmt: skip


def format_slot(ctx: Ctx) -> Piece:
    """Formats named, or a runtime that implies one ("ollama" → gguf)."""
    if ctx.chance(0.35):
        return runtime_piece(ctx, *ctx.pick(RUNTIMES))
    formats = ctx.sample(FORMAT_WEIGHTS, 2 if ctx.chance(0.15) else 1)
    names = join_or(ctx, [ctx.pick(FORMAT_NAMES[key]) for key in formats])
    labels: Labels = {"formats": formats}
    if ctx.ru:
        clause = ctx.pick((f"в {names}", f"в формате {names}", f"в виде {names}"))
        sentence = ctx.pick((f"Нужен формат {names}.", f"Формат — {names}.", f"Только {names}."))
    else:
        clause = ctx.pick((f"in {names}", f"as {names}", f"in {names} format", f"available in {names}"))
        sentence = ctx.pick(
            (f"I need it as {names}.", f"Format: {names}.", f"Only {names} please.", f"It has to be {names}.")
        )
    return Piece(labels, names, clause, sentence, before=names, before_acc=names, order=50)


def runtime_piece(ctx: Ctx, name: str, format_id: str) -> Piece:
    labels: Labels = {"formats": [format_id]}
    if ctx.ru:
        keyword = ctx.pick((f"под {name}", name))
        clause = ctx.pick((f"под {name}", f"для {name}", f"чтобы запускать в {name}"))
        sentence = ctx.pick((f"Запускаю через {name}.", f"Пользуюсь {name}.", f"Сижу на {name}."))
        return Piece(labels, keyword, clause, sentence, order=50)
    clause = ctx.pick((f"for {name}", f"that runs in {name}", f"that works with {name}", f"I can load in {name}"))
    sentence = ctx.pick(
        (f"I run everything through {name}.", f"I use {name}.", f"Backend: {name}.", f"It has to load in {name}.")
    )
    return Piece(labels, name, clause, sentence, order=50)


QUANT_LEVELS = (
    "Q4_K_M", "Q5_K_M", "Q8_0", "IQ3_XS", "Q6_K", "Q3_K_S", "IQ4_XS", "Q2_K", "Q4_0", "Q3_K_M", "Q5_K_S",
    "Q4_K_S", "IQ3_M", "IQ4_NL",
)  # fmt: skip
QUANT_BITS: tuple[tuple[str, str], ...] = (
    ("4-bit", "4BIT"), ("4bit", "4BIT"), ("int4", "4BIT"), ("q4", "4BIT"), ("INT4", "4BIT"), ("8-bit", "8BIT"),
    ("8bit", "8BIT"), ("int8", "8BIT"), ("q8", "8BIT"), ("fp16", "F16"), ("FP16", "F16"), ("f16", "F16"),
    ("bf16", "BF16"), ("BF16", "BF16"),
)  # fmt: skip


def quant_slot(ctx: Ctx) -> Piece:
    """Quant levels, upper case as labels: "q5_k_m" → Q5_K_M, "4-bit" → 4BIT, "fp16" → F16."""
    if ctx.chance(0.35):
        text, label = ctx.pick(QUANT_BITS)
        texts, quants = [text], [label]
        if ctx.ru and label == "4BIT" and ctx.chance(0.3):
            return quant_piece(["4BIT"], "4-битный квант", "в 4-битном кванте", "Квант нужен 4-битный.")
    else:
        quants = ctx.rng.sample(QUANT_LEVELS, 2 if ctx.chance(0.15) else 1)
        texts = [level if ctx.chance(0.7) else level.lower() for level in quants]
    joined = join_or(ctx, texts)
    if ctx.ru:
        clause = ctx.pick((f"в {joined}", f"в кванте {joined}", f"с квантом {joined}"))
        sentence = ctx.pick(
            (f"Квант нужен {joined}.", f"Запускать буду в {joined}.", f"Квантизация — {joined}.", f"Квант: {joined}.")
        )
    else:
        clause = ctx.pick(
            (
                f"at {joined}",
                f"in {joined}",
                f"quantized to {joined}",
                f"as a {joined} quant",
                f"with {joined} quantization",
            )
        )
        sentence = ctx.pick(
            (f"I'd run it at {joined}.", f"Quant: {joined}.", f"{joined} would be ideal.", f"Planning to use {joined}.")
        )
    return quant_piece(quants, joined, clause, sentence, before=joined)


def quant_piece(quants: list[str], keyword: str, clause: str, sentence: str, before: str = "") -> Piece:
    return Piece({"quants": quants}, keyword, clause, sentence, before=before, before_acc=before, order=45)


# ---------------------------------------------------------------- tasks and languages


@dataclass(frozen=True)
class TaskWords:
    """Wordings of one task. English nouns follow "for", verbs follow "to"; Russian nouns carry their "для"."""

    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    keywords: tuple[str, ...]  # the first one also works before a noun ("a coding model")


TASK_WORDS: dict[str, dict[str, TaskWords]] = {
    "code": {
        "en": TaskWords(
            (
                "coding",
                "programming",
                "code generation",
                "code completion",
                "Python",
                "writing Python",
                "JavaScript and TypeScript",
                "code review",
                "Rust development",
            ),
            (
                "help me write python scripts",
                "write code",
                "debug my Java code",
                "write SQL queries",
                "autocomplete code in my IDE",
                "refactor legacy C++",
            ),
            ("coding", "code", "python", "programming"),
        ),
        "ru": TaskWords(
            (
                "для кодинга",
                "для кода",
                "для программирования",
                "для написания кода",
                "для Python",
                "для автодополнения кода",
            ),
            (
                "писать код",
                "писать на питоне",
                "помогать с кодом на Python",
                "писать SQL-запросы",
                "ревьюить код",
                "дописывать код в IDE",
            ),
            ("кодинг", "код", "python", "программирование", "кодер"),
        ),
    },
    "chat": {
        "en": TaskWords(
            (
                "chat",
                "chatting",
                "a chatbot",
                "general conversation",
                "a personal assistant",
                "a general-purpose assistant",
            ),
            ("chat with me", "be a general assistant", "hold a conversation", "act as a helpful assistant"),
            ("chat", "chatbot", "assistant"),
        ),
        "ru": TaskWords(
            ("для чата", "для общения", "для болталки", "для чат-бота", "в качестве ассистента"),
            ("болтать", "общаться", "быть ассистентом", "вести диалог"),
            ("чат", "болталка", "ассистент", "chat"),
        ),
    },
    "roleplay": {
        "en": TaskWords(
            (
                "roleplay",
                "RP",
                "role-play",
                "my D&D characters",
                "SillyTavern character cards",
                "text adventures with characters",
            ),
            ("play characters", "voice my D&D characters", "do roleplay in SillyTavern", "stay in character"),
            ("roleplay", "RP", "role-play"),
        ),
        "ru": TaskWords(
            ("для ролевых игр", "для RP", "для ролевухи", "для отыгрыша персонажей"),
            ("отыгрывать персонажей", "играть в ролевые игры", "вести ролевую игру по D&D"),
            ("RP", "ролевые", "ролевуха", "ролевые игры"),
        ),
    },
    "rag": {
        "en": TaskWords(
            (
                "RAG",
                "retrieval",
                "retrieval-augmented generation",
                "Q&A over my documents",
                "questions over my PDFs",
                "a RAG pipeline",
            ),
            (
                "answer questions over my PDFs",
                "answer questions about our internal docs",
                "search my notes and answer from them",
                "answer from my knowledge base",
            ),
            ("RAG", "retrieval"),
        ),
        "ru": TaskWords(
            ("для RAG", "для поиска по документам", "для вопросов по моим PDF", "для базы знаний", "для RAG по PDF"),
            ("отвечать на вопросы по моим документам", "искать ответы в базе знаний", "отвечать по моим PDF"),
            ("RAG", "поиск по документам"),
        ),
    },
    "math": {
        "en": TaskWords(
            ("math", "maths", "mathematics", "algebra problems", "calculus homework", "olympiad math"),
            (
                "solve math problems",
                "solve algebra problems",
                "help with calculus homework",
                "do arithmetic and proofs",
            ),
            ("math", "maths"),
        ),
        "ru": TaskWords(
            ("для математики", "для задач по алгебре", "для олимпиадной математики", "для матана"),
            ("решать задачи по алгебре", "решать математические задачи", "помогать с матаном"),
            ("математика", "math", "матан"),
        ),
    },
    "reasoning": {
        "en": TaskWords(
            ("reasoning", "logic puzzles", "step-by-step reasoning", "complex reasoning", "logic"),
            ("think step by step", "reason through hard problems", "solve logic puzzles"),
            ("reasoning", "thinking", "logic"),
        ),
        "ru": TaskWords(
            ("для рассуждений", "для логических задач", "для задач на логику", "для сложных рассуждений"),
            ("рассуждать пошагово", "думать перед ответом", "решать логические головоломки"),
            ("reasoning", "рассуждения", "логика"),
        ),
    },
    "translation": {
        "en": TaskWords(
            ("translation", "translating articles", "machine translation"),
            ("translate texts", "translate articles", "translate between languages"),
            ("translation", "translate"),
        ),
        "ru": TaskWords(
            ("для перевода", "для перевода текстов", "для машинного перевода"),
            ("переводить тексты", "переводить статьи", "переводить субтитры"),
            ("перевод", "переводчик"),
        ),
    },
    "summarization": {
        "en": TaskWords(
            ("summarization", "summarizing long articles", "meeting notes summaries", "summaries of long emails"),
            ("summarize articles", "summarize long reports", "condense long threads into summaries"),
            ("summarization", "summaries", "summarize"),
        ),
        "ru": TaskWords(
            ("для суммаризации", "для кратких пересказов", "для саммари статей"),
            ("суммаризировать статьи", "делать краткие пересказы", "сжимать длинные тексты до пары абзацев"),
            ("суммаризация", "саммари"),
        ),
    },
    "tool-use": {
        "en": TaskWords(
            ("function calling", "tool calling", "tool use", "JSON tool calls"),
            ("call tools", "call functions with JSON arguments", "use tools via function calling"),
            ("function calling", "tools", "tool use"),
        ),
        "ru": TaskWords(
            ("для вызова функций", "для function calling", "для tool calling"),
            ("вызывать функции", "вызывать тулзы", "дергать инструменты через JSON"),
            ("function calling", "тулзы", "tool use", "вызов функций"),
        ),
    },
    "agent": {
        "en": TaskWords(
            ("agents", "agentic workflows", "autonomous agents", "an agent framework"),
            ("run as an autonomous agent", "power agentic workflows", "act as an agent that plans multi-step tasks"),
            ("agentic", "agents"),
        ),
        "ru": TaskWords(
            ("для агентов", "для агентных сценариев", "для автономного агента"),
            ("быть автономным агентом", "выполнять агентные сценарии"),
            ("агенты", "agentic", "агент"),
        ),
    },
    "vision": {
        "en": TaskWords(
            ("images", "image understanding", "multimodal tasks", "a VLM", "vision", "photo descriptions"),
            ("describe photos", "understand screenshots", "look at images", "analyze pictures"),
            ("vision", "multimodal", "VLM", "images"),
        ),
        "ru": TaskWords(
            ("для картинок", "для анализа изображений", "для мультимодальных задач"),
            ("понимать картинки", "описывать фотографии", "анализировать скриншоты"),
            ("мультимодальная", "vision", "VLM", "картинки"),
        ),
    },
    "ocr": {
        "en": TaskWords(
            ("OCR", "text recognition from scans", "OCR on receipts"),
            ("extract text from scanned receipts", "read text from scans", "pull text out of scanned pages"),
            ("OCR",),
        ),
        "ru": TaskWords(
            ("для OCR", "для распознавания текста", "для распознавания сканов"),
            ("распознавать текст со сканов", "вытаскивать текст из сканов"),
            ("OCR", "распознавание текста"),
        ),
    },
    "creative-writing": {
        "en": TaskWords(
            ("creative writing", "fiction", "poetry", "novel writing", "short stories", "story writing"),
            ("write short stories", "help me write my novel", "write poems", "write fantasy fiction"),
            ("creative writing", "stories", "fiction", "poetry"),
        ),
        "ru": TaskWords(
            ("для написания рассказов", "для художественных текстов", "для стихов", "для творческого письма"),
            ("писать рассказы", "писать стихи", "писать фанфики", "помогать с романом"),
            ("рассказы", "стихи", "creative writing"),
        ),
    },
    "medical": {
        "en": TaskWords(
            ("medical questions", "medicine", "clinical notes", "health questions"),
            ("answer medical questions", "help with clinical notes"),
            ("medical", "medicine"),
        ),
        "ru": TaskWords(
            ("для медицины", "для медицинских вопросов", "для медицинских консультаций"),
            ("отвечать на медицинские вопросы", "помогать врачам"),
            ("медицина", "medical"),
        ),
    },
    "finance": {
        "en": TaskWords(
            ("finance", "financial analysis", "stock analysis", "accounting questions"),
            ("analyze financial statements", "help with stock analysis"),
            ("finance", "financial"),
        ),
        "ru": TaskWords(
            ("для финансов", "для финансового анализа", "для анализа акций"),
            ("анализировать финансовую отчётность", "разбирать финансовые отчёты"),
            ("финансы", "finance"),
        ),
    },
    "legal": {
        "en": TaskWords(
            ("legal questions", "law", "contract review", "legal research"),
            ("review contracts", "answer legal questions", "analyze contracts"),
            ("legal", "law"),
        ),
        "ru": TaskWords(
            ("для юридических вопросов", "для права", "для анализа договоров", "для юристов"),
            ("разбирать договоры", "отвечать на юридические вопросы"),
            ("юридическая", "legal", "юриспруденция"),
        ),
    },
}
# Misspellings that still name the task.
TASK_TYPOS: dict[str, str] = {
    "programming": "programing",
    "reasoning": "reasonning",
    "translation": "tranlation",
    "summarization": "sumarization",
    "для программирования": "для програмирования",
}
CODE_HEADS = {
    "en": (Head("coder", "coders"), Head("coding model", "coding models"), Head("code model", "code models")),
    "ru": (Head("кодер", "кодер", feminine=False), Head("модель для кода", "модель для кода")),
}


@dataclass(frozen=True)
class TaskPart:
    """One task as worded in a request, and everything that wording labels."""

    verb: bool
    text: str
    keyword: str
    labels: Labels


def task_part(ctx: Ctx, task: str) -> TaskPart:
    if task == "translation" and ctx.chance(0.25):
        return translation_with_languages(ctx)
    if task == "roleplay" and ctx.chance(0.12):
        text = "для ERP" if ctx.ru else "ERP"
        return TaskPart(False, text, "ERP", {"tasks": ["roleplay"], "uncensored": True})
    words = TASK_WORDS[task][ctx.lang]
    verb = ctx.chance(0.4)
    text = ctx.pick(words.verbs if verb else words.nouns)
    if ctx.typos and text in TASK_TYPOS and ctx.chance(0.5):
        text = TASK_TYPOS[text]
    return TaskPart(verb, text, ctx.pick(words.keywords), {"tasks": [task]})


def translation_with_languages(ctx: Ctx) -> TaskPart:
    """ "translating from English to Russian": the translation task and both languages."""
    source, target = ctx.sample(LANGUAGE_WEIGHTS, 2)
    labels: Labels = {"tasks": ["translation"], "languages": [source, target]}
    if ctx.ru:
        src, dst = RU_LANGUAGE_STEMS[source] + "ого", RU_LANGUAGE_STEMS[target] + "ий"
        if ctx.chance(0.5):
            return TaskPart(True, f"переводить с {src} на {dst}", f"перевод с {src} на {dst}", labels)
        return TaskPart(False, f"для перевода с {src} на {dst}", f"перевод с {src} на {dst}", labels)
    src, dst = LANGUAGES_EN[source], LANGUAGES_EN[target]
    if ctx.chance(0.5):
        return TaskPart(True, f"translate from {src} to {dst}", f"{src} to {dst} translation", labels)
    return TaskPart(False, f"translation from {src} into {dst}", f"{src}-{dst} translation", labels)


def task_count(ctx: Ctx) -> int:
    return ctx.weighted({1: 72, 2: 22, 3: 6})


def tasks_slot(ctx: Ctx, needs_code: bool = False) -> Piece:
    """Tasks of the fixed set, plainly named or paraphrased ("help me write python scripts" → code)."""
    count = task_count(ctx)
    tasks = ctx.rng.sample(TASKS, count)
    if needs_code:
        tasks = ["code", *[task for task in tasks if task != "code"]][:count]
    parts = [task_part(ctx, task) for task in tasks]
    labels: Labels = {}
    for part in parts:
        merge_labels(labels, part.labels)
    keyword = ctx.pick((" и " if ctx.ru else " and ", ", ", " + ", "/")).join(part.keyword for part in parts)
    clause, sentence = (ru_task_phrases if ctx.ru else en_task_phrases)(ctx, parts)
    plain = len(parts) == 1 and parts[0].labels == {"tasks": tasks}
    before = TASK_WORDS[tasks[0]]["en"].keywords[0] if plain and not ctx.ru else ""
    heads = CODE_HEADS[ctx.lang] if plain and tasks == ["code"] else ()
    return Piece(labels, keyword, clause, sentence, before=before, heads=heads, head_chance=0.4, order=60)


def en_task_phrases(ctx: Ctx, parts: Sequence[TaskPart]) -> tuple[str, str]:
    if not any(part.verb for part in parts):
        joined = join_and(ctx, [part.text for part in parts])
        sentence = ctx.pick(
            (f"I mostly need it for {joined}.", f"It's going to be used for {joined}.", f"Use case: {joined}.")
        )
        return f"for {joined}", sentence
    if all(part.verb for part in parts):
        joined = join_and(ctx, [part.text for part in parts])
        clause = ctx.pick((f"to {joined}", f"that can {joined}"))
        sentence = ctx.pick(
            (f"I want it to {joined}.", f"It should be able to {joined}.", f"I need something to {joined}.")
        )
        return clause, sentence
    clause = join_and(ctx, [f"to {part.text}" if part.verb else f"for {part.text}" for part in parts])
    return clause, f"I need it {clause}."


def ru_task_phrases(ctx: Ctx, parts: Sequence[TaskPart]) -> tuple[str, str]:
    if not any(part.verb for part in parts):
        joined = join_and(ctx, [part.text for part in parts])
        sentence = ctx.pick((f"Нужна в основном {joined}.", f"Использовать буду {joined}.", f"Задумка — {joined}."))
        return joined, sentence
    if all(part.verb for part in parts):
        joined = join_and(ctx, [part.text for part in parts])
        return f"чтобы {joined}", ctx.pick((f"Хочу {joined}.", f"Надо {joined}.", f"Нужно {joined}."))
    clause = join_and(ctx, [f"чтобы {part.text}" if part.verb else part.text for part in parts])
    return clause, f"Нужна {clause}."


LANGUAGES_EN: dict[str, str] = {
    "ru": "Russian", "en": "English", "zh": "Chinese", "de": "German", "fr": "French", "es": "Spanish",
    "ja": "Japanese", "ko": "Korean", "uk": "Ukrainian", "kk": "Kazakh", "tr": "Turkish", "ar": "Arabic",
    "it": "Italian", "pt": "Portuguese", "pl": "Polish",
}  # fmt: skip
# Russian language adjectives decline regularly: stem + ий / ого / им / ом, "по-" + stem + и.
RU_LANGUAGE_STEMS: dict[str, str] = {
    "ru": "русск", "en": "английск", "zh": "китайск", "de": "немецк", "fr": "французск", "es": "испанск",
    "ja": "японск", "ko": "корейск", "uk": "украинск", "kk": "казахск", "tr": "турецк", "ar": "арабск",
    "it": "итальянск", "pt": "португальск", "pl": "польск",
}  # fmt: skip
LANGUAGE_WEIGHTS: dict[str, float] = {
    "ru": 5, "en": 4, "zh": 3, "de": 1.5, "fr": 1.5, "es": 1.5, "ja": 1.2, "ko": 1, "uk": 1, "kk": 0.6, "tr": 0.6,
    "ar": 0.6, "it": 0.8, "pt": 0.8, "pl": 0.6,
}  # fmt: skip


def languages_slot(ctx: Ctx) -> Piece:
    """Languages named ("Russian", "на русском" → ru); the language a request is written in adds nothing."""
    codes = ctx.sample(LANGUAGE_WEIGHTS, 2 if ctx.chance(0.2) else 1)
    labels: Labels = {"languages": codes}
    if ctx.ru:
        stems = [RU_LANGUAGE_STEMS[code] for code in codes]
        nom, gen = join_and(ctx, [s + "ий" for s in stems]), join_and(ctx, [s + "ого" for s in stems])
        instr, prep = join_and(ctx, [s + "им" for s in stems]), join_and(ctx, [s + "ом" for s in stems])
        language = "языка" if len(codes) == 1 else "языков"
        keyword = ctx.pick((nom, f"на {prep}"))
        clause = ctx.pick(
            (f"с поддержкой {gen}", f"с хорошим {instr}", f"на {prep}", f"для {gen} {language}", f"со знанием {gen}")
        )
        sentences = [f"Должна понимать {nom}.", f"Язык — {nom}.", f"Важно, чтобы понимала {nom}."]
        if len(codes) == 1:
            sentences += [f"Нужен {nom}.", f"Чтобы хорошо говорила по-{stems[0]}и."]
        return Piece(labels, keyword, clause, ctx.pick(sentences), order=65)
    names = join_and(ctx, [LANGUAGES_EN[code] for code in codes])
    keyword = ctx.pick((names, names.lower(), f"{names} language"))
    clause = ctx.pick(
        (
            f"that speaks {names}",
            f"with good {names}",
            f"for {names}",
            f"with {names} support",
            f"that handles {names} well",
            f"fluent in {names}",
        )
    )
    sentence = ctx.pick(
        (f"It must understand {names}.", f"Needs to speak {names}.", f"Language: {names}.", f"Good {names} is a must.")
    )
    return Piece(labels, keyword, clause, sentence, order=65)


# ---------------------------------------------------------------- uncensored, base model, sort


def uncensored_slot(ctx: Ctx) -> Piece:
    """Uncensored, abliterated, NSFW, no refusals, "без цензуры"."""
    labels: Labels = {"uncensored": True}
    if ctx.ru:
        nom, acc = ctx.pick(
            (
                ("расцензуренная", "расцензуренную"),
                ("uncensored", "uncensored"),
                ("NSFW", "NSFW"),
                ("аблитерированная", "аблитерированную"),
            )
        )
        keyword = ctx.pick(("без цензуры", "uncensored", "NSFW", nom))
        clause = ctx.pick(("без цензуры", "без отказов", "для NSFW", "без всякой цензуры"))
        sentence = ctx.pick(
            ("Обязательно без цензуры.", "Чтобы не отказывалась отвечать.", "Нужна без цензуры.", "Цензура не нужна.")
        )
        return Piece(labels, keyword, clause, sentence, before=nom, before_acc=acc, order=20)
    word = ctx.spell(("uncensored", "uncensored", "abliterated", "NSFW"), ("uncensered", "uncencored"))
    clause = ctx.pick(
        ("with no refusals", "without censorship", f"that is {word}", "that allows NSFW", "that won't refuse anything")
    )
    sentence = ctx.pick(
        (f"It must be {word}.", "No refusals please.", "NSFW is fine, even required.", "I want an abliterated one.")
    )
    return Piece(labels, word, clause, sentence, before=word, order=20)


BASE_MODELS = (
    "Mistral-7B-Instruct-v0.2", "Mistral-7B-Instruct-v0.3", "mistralai/Mistral-7B-Instruct-v0.3", "Qwen2.5-7B-Instruct",
    "Qwen/Qwen2.5-7B-Instruct", "Qwen2.5-14B-Instruct", "Qwen3-8B", "Qwen3-30B-A3B", "Llama-3.1-8B",
    "Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "Meta-Llama-3-8B-Instruct", "Llama-3.2-3B-Instruct",
    "Meta-Llama-3.1-70B-Instruct", "gemma-2-9b-it", "google/gemma-2-9b-it", "gemma-3-12b-it", "gemma-3-27b-it",
    "Phi-3-mini", "Phi-3-mini-4k-instruct", "microsoft/Phi-3.5-mini-instruct", "phi-4", "Mixtral-8x7B-Instruct-v0.1",
    "Mistral-Nemo-Instruct-2407", "Ministral-8B-Instruct-2410", "Mistral-Small-24B-Instruct-2501",
    "DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "Hermes-3-Llama-3.1-8B",
    "NousResearch/Hermes-3-Llama-3.1-8B", "OpenHermes-2.5-Mistral-7B", "zephyr-7b-beta", "SmolLM2-1.7B-Instruct",
    "gpt-oss-20b", "granite-3.1-8b-instruct", "Falcon3-7B-Instruct", "Mistral 7B", "Llama 3 8B", "Qwen 2.5 7B",
)  # fmt: skip


def base_model_slot(ctx: Ctx) -> Piece:
    """The model a request is relative to: "alternatives to X", "аналоги X" → X as written, without quotes."""
    name = ctx.pick(BASE_MODELS)
    q = quoted(ctx, name)
    labels: Labels = {"base_model": name}
    if ctx.ru:
        heads = (
            Head(f"аналоги {q}", f"аналоги {q}", feminine=False),
            Head(f"замену {q}", f"замена {q}"),
            Head(f"модель, похожую на {q}", f"модель, похожая на {q}"),
            Head(f"файнтюны {q}", f"файнтюны {q}", feminine=False),
            Head(f"альтернативу {q}", f"альтернатива {q}"),
            Head(f"что-то похожее на {q}", f"что-то похожее на {q}", feminine=False),
            Head(f"модель вместо {q}", f"модель вместо {q}"),
            Head(f"модель лучше, чем {q}", f"модель лучше, чем {q}"),
            Head(f"кванты {q}", f"кванты {q}", feminine=False),
        )
        keyword = ctx.pick((f"аналоги {q}", f"замена {q}", f"похожие на {q}", f"файнтюны {q}", f"альтернатива {q}"))
        clause = ctx.pick((f"на замену {q}", f"вместо {q}"))
        sentence = ctx.pick(
            (
                f"Нужны аналоги {q}.",
                f"Ищу замену {q}.",
                f"Покажи файнтюны {q}.",
                f"Хочу что-то похожее на {q}.",
                f"Интересуют кванты {q}.",
            )
        )
        return Piece(labels, keyword, clause, sentence, heads=heads, head_chance=0.8, order=80)
    heads = (
        Head("alternative", "alternatives", f"to {q}"),
        Head("alternative", "alternatives", f"to {q}"),
        Head("model", "models", f"similar to {q}"),
        Head("model", "models", f"like {q}"),
        Head("model", "models", f"better than {q}"),
        Head("fine-tune", "fine-tunes", f"of {q}"),
        Head("finetune", "finetunes", f"of {q}"),
        Head("quant", "quants", f"of {q}"),
        Head("model", "models", f"to use instead of {q}"),
    )
    keyword = ctx.pick(
        (
            f"alternatives to {q}",
            f"similar to {q}",
            f"fine-tunes of {q}",
            f"like {q}",
            f"instead of {q}",
            f"better than {q}",
        )
    )
    clause = ctx.pick((f"similar to {q}", f"like {q}", f"better than {q}", f"instead of {q}"))
    sentence = ctx.pick(
        (
            f"I want alternatives to {q}.",
            f"Something similar to {q} would be great.",
            f"Show me fine-tunes of {q}.",
            f"I'm looking for quants of {q}.",
            f"It should be better than {q}.",
        )
    )
    return Piece(labels, keyword, clause, sentence, heads=heads, head_chance=0.8, order=80)


@dataclass(frozen=True)
class SortWords:
    """Wordings of one sort order. Russian adjectives are "nominative|accusative" pairs."""

    adjectives: tuple[str, ...]
    keywords: tuple[str, ...]
    clauses: tuple[str, ...]
    sentences: tuple[str, ...]


SORT_WORDS: dict[str, dict[str, SortWords]] = {
    "best": {
        "en": SortWords(
            ("best", "best", "top", "strongest", "most capable"),
            ("best", "top", "top 5", "top-3", "top 10", "strongest", "most capable"),
            (", ideally the best one", ", the strongest you know of", "that is the most capable"),
            ("Show me the best ones.", "I want the strongest option.", "Top picks only."),
        ),
        "ru": SortWords(
            (
                "лучшая|лучшую",
                "лучшая|лучшую",
                "самая лучшая|самую лучшую",
                "самая сильная|самую сильную",
                "топовая|топовую",
            ),
            ("топ", "лучшая", "топ-5", "топ 10", "самая лучшая"),
            ("из топа", "из лучших"),
            ("Покажи топ.", "Нужна лучшая.", "Хочу самую сильную."),
        ),
    },
    "popular": {
        "en": SortWords(
            ("popular", "most popular", "most downloaded"),
            ("popular", "most popular", "most downloaded"),
            ("sorted by popularity", "from the most downloaded ones"),
            ("Sort by most downloaded.", "Show me the popular ones.", "Most popular first."),
        ),
        "ru": SortWords(
            ("популярная|популярную", "самая популярная|самую популярную", "самая скачиваемая|самую скачиваемую"),
            ("популярные", "самые популярные", "самые скачиваемые"),
            ("из популярных", "из самых скачиваемых"),
            ("Отсортируй по популярности.", "Интересуют популярные.", "Покажи самые скачиваемые."),
        ),
    },
    "trending": {
        "en": SortWords(
            ("trending", "hot"),
            ("trending", "hot", "what's trending"),
            ("that's trending right now", "that's hot right now"),
            ("What's trending?", "Show me what's hot right now.", "Trending ones first."),
        ),
        "ru": SortWords(
            ("трендовая|трендовую",),
            ("в тренде", "трендовые", "что в тренде"),
            ("из тех, что сейчас в тренде", "из трендовых"),
            ("Что сейчас в тренде?", "Интересует то, что в тренде."),
        ),
    },
    "newest": {
        "en": SortWords(
            ("newest", "latest", "new", "recent"),
            ("newest", "latest", "new", "recent"),
            ("from the latest releases", "released recently", ", the newest you have"),
            ("Newest first please.", "Only recent releases.", "Show me the latest ones."),
        ),
        "ru": SortWords(
            ("новая|новую", "свежая|свежую", "самая новая|самую новую", "самая свежая|самую свежую"),
            ("свежие", "новые", "самые новые"),
            ("из свежих", "из новых"),
            ("Интересуют только свежие.", "Покажи самые новые.", "Сначала новые."),
        ),
    },
    "smallest": {
        "en": SortWords(
            ("smallest", "lightest", "tiniest"),
            ("smallest", "lightest", "tiniest"),
            (", the smallest you can find", ", the lightest possible"),
            ("Smallest first.", "Give me the tiniest option.", "The lightest one wins."),
        ),
        "ru": SortWords(
            ("самая маленькая|самую маленькую", "самая лёгкая|самую лёгкую", "самая легкая|самую легкую"),
            ("самая маленькая", "самые маленькие"),
            ("самого маленького размера", "из самых маленьких"),
            ("Нужна самая маленькая.", "Покажи самую лёгкую."),
        ),
    },
    "fastest": {
        "en": SortWords(
            ("fastest", "quickest"),
            ("fastest", "quickest"),
            (", the fastest you can find", ", the quickest option"),
            ("Fastest first.", "I want the quickest option.", "Speed matters most, show the fastest."),
        ),
        "ru": SortWords(
            ("самая быстрая|самую быструю",),
            ("самая быстрая", "самые быстрые"),
            ("из самых быстрых",),
            ("Нужна самая быстрая.", "Покажи самые быстрые."),
        ),
    },
}
SUPERLATIVES = (
    "best",
    "top",
    "strongest",
    "most",
    "newest",
    "latest",
    "smallest",
    "lightest",
    "tiniest",
    "fastest",
    "quickest",
)


def sort_slot(ctx: Ctx) -> Piece:
    """The order asked for: "best"/"топ" → best, "most downloaded" → popular, "свежие" → newest..."""
    sort = ctx.pick(SORTS)
    words = SORT_WORDS[sort][ctx.lang]
    adjective = ctx.pick(words.adjectives)
    nom, _, acc = adjective.partition("|")
    labels: Labels = {"sort": sort}
    definite = nom.split()[0] in SUPERLATIVES
    return Piece(
        labels,
        ctx.pick(words.keywords),
        ctx.pick(words.clauses),
        ctx.pick(words.sentences),
        before=nom,
        before_acc=acc,
        order=0,
        definite=definite,
    )


# ---------------------------------------------------------------- choosing slots

SLOT_WEIGHTS: dict[str, float] = {
    "tasks": 3.0, "memory": 3.0, "params": 1.8, "family": 1.6, "sort": 1.6, "commercial": 1.2, "languages": 1.0,
    "format": 1.0, "context": 0.9, "uncensored": 0.8, "base_model": 0.8, "quant": 0.7, "license": 0.6,
}  # fmt: skip
SLOT_COUNTS: dict[int, float] = {1: 25, 2: 30, 3: 22, 4: 13, 5: 7, 6: 3}
SIMPLE_SLOTS: dict[str, Callable[[Ctx], Piece]] = {
    "memory": memory_slot,
    "params": params_slot,
    "sort": sort_slot,
    "commercial": commercial_slot,
    "languages": languages_slot,
    "format": format_slot,
    "context": context_slot,
    "uncensored": uncensored_slot,
    "base_model": base_model_slot,
    "quant": quant_slot,
}


def choose_pieces(ctx: Ctx) -> list[Piece]:
    """Fill a random set of slots. A licence named after a family brings that family alone; a family name
    that says "code" (Codestral) brings the code task, first."""
    slots = ctx.sample(SLOT_WEIGHTS, ctx.weighted(SLOT_COUNTS))
    pieces: list[Piece] = []
    forced_family = None
    if "license" in slots:
        ids = license_ids(ctx)
        pieces.append(license_slot(ctx, ids))
        forced_family = next((LICENSE_FAMILY[key] for key in ids if key in LICENSE_FAMILY), None)
    needs_code = False
    if "family" in slots or forced_family:
        family, needs_code = family_slot(ctx, forced_family)
        pieces.append(family)
    if "tasks" in slots or needs_code:
        pieces.append(tasks_slot(ctx, needs_code))
    pieces += [SIMPLE_SLOTS[slot](ctx) for slot in slots if slot in SIMPLE_SLOTS]
    return pieces


# ---------------------------------------------------------------- frames: where the slots go

# Placeholders: {kw} keyword style; {core} bare noun phrase (English plural; Russian accusative), {a_core}
# with "a"/"the", {the_core} plural with "the", {core_nom} Russian nominative; {pre}/{post} slots said as
# sentences; {noise}/{noise2} irrelevant context. Frame words never carry a label.
EN_FRAMES: tuple[str, ...] = (
    "{kw}",
    "{kw}?",
    "{kw} pls",
    "need {kw}",
    "looking for {kw}",
    "{kw} - any ideas?",
    "{kw} recommendations",
    "rec: {kw}",
    "{noise} {noise2} Short version: {kw}",
    "{core}",
    "{a_core}?",
    "I need {a_core}.",
    "I'm looking for {a_core}. {post}",
    "Can you recommend {a_core}? {post}",
    "What's {a_core}? {post}",
    "Recommend me {a_core}.",
    "Any suggestions for {a_core}? {post}",
    "{pre} What would you suggest? Ideally {a_core}. {post}",
    "{pre} Which {core} should I try? {post}",
    "hey, any {core}? {post}",
    "{pre} Need {a_core}. {post}",
    "Please suggest {a_core}. {post}",
    "I want to run {a_core} locally. {post}",
    "{noise} {pre} I'm looking for {a_core}. {post} {noise2}",
    "Hi! {noise} Could you help me find {a_core}? {post}",
    "So here's my situation. {pre} {noise} Basically I want {a_core}. {post} Thanks!",
    "Long time lurker. {noise} {pre} {noise2} What I'm after is {a_core}. {post}",
    "Which model should I pick? {pre} I want {a_core}. {post}",
    "Is there {a_core}? {post}",
    "Help me choose {a_core}. {pre} {post}",
    "{core} - what do you recommend? {post}",
    "Show me {core}. {post}",
    "List {the_core}. {post}",
    "Give me {core}, please. {post}",
    "What are {the_core}? {post}",
    "Could you point me to {the_core}? {post}",
    "I'm setting up a local LLM at home. {pre} I want {a_core}. {post} {noise}",
    "Quick question: is there {a_core}? {post}",
    "Suggestions? {pre} Looking for {core}. {post}",
    "ok so {pre} what's {a_core} {post}",
    "{pre} Any {core} you'd recommend? {post}",
    "{noise} Anyway, I need {a_core}. {post}",
    "Hello! {pre} Could you find me {a_core}? {post} {noise}",
    "Searching for {a_core}. {post}",
    "{pre} {post} So, {a_core}?",
    "I'd like {a_core}. {post}",
    "Got {a_core}? {post}",
    "Need help picking {a_core}. {pre} {post}",
    "{pre} Planning to try {a_core}. Ideas? {post}",
)
RU_FRAMES: tuple[str, ...] = (
    "{kw}",
    "{kw}?",
    "подскажите {kw}",
    "{kw} посоветуйте",
    "ищу {kw}",
    "{kw}, что есть?",
    "хелп: {kw}",
    "нужно: {kw}",
    "{noise} {noise2} Если коротко: {kw}",
    "Посоветуй {core}.",
    "Посоветуйте, пожалуйста, {core}. {post}",
    "Ищу {core}. {post}",
    "Нужна {core_nom}. {post}",
    "Подскажите {core}? {post}",
    "{pre} Какую модель взять? Хочу {core}. {post}",
    "Что посоветуете? {pre} Нужна {core_nom}. {post}",
    "{noise} {pre} Ищу {core}. {post} {noise2}",
    "Привет! {noise} Помогите найти {core}. {post}",
    "Хочу {core}. {pre} {post}",
    "Порекомендуй {core}. {post}",
    "Есть ли {core_nom}? {post}",
    "Какая есть {core_nom}? {post}",
    "{pre} Подскажи {core}, пожалуйста. {post}",
    "Всем привет. {noise} {pre} {noise2} В общем, нужна {core_nom}. {post} Спасибо!",
    "Найди {core}. {post}",
    "Покажи {core}. {post}",
    "Дай {core}. {post}",
    "Короче, {pre} нужна {core_nom}. {post}",
    "Ситуация такая. {pre} {noise} Хочу поставить {core}. {post}",
    "Вопрос такой: где найти {core}? {post}",
    "Помоги выбрать {core}. {pre} {post}",
    "Нужна помощь: ищу {core}. {post}",
    "Хочу запустить локально {core}. {post}",
    "{pre} {post} Посоветуйте {core}.",
    "Добрый день! {pre} Подберите, пожалуйста, {core}. {post} {noise}",
    "Можешь подобрать {core}? {post}",
    "{noise} Короче, ищу {core}. {post}",
    "hi! ищу {core}. {post}",
    "pls help: нужна {core_nom}. {post}",
    "Какую {core} посоветуете? {post}",
    "Есть {core_nom}? {post}",
    "Подберите {core}. {pre} {post}",
)
FRAMES = {"en": EN_FRAMES, "ru": RU_FRAMES}
# Russian frames whose words agree only with a feminine singular noun ("нужна модель", "какую модель").
FEMININE_FRAME = re.compile(r"(?i)(?<!\w)(?:нужна|какую|какая)(?!\w)")
PLACEHOLDER = re.compile(r"(\{\w+\})")
CORE_PLACEHOLDERS = ("{kw}", "{core}", "{a_core}", "{the_core}", "{core_nom}")

NOISE: dict[str, tuple[str, ...]] = {
    "en": (
        "I've been playing with local LLMs for a few weeks.",
        "My friend told me to ask here.",
        "Sorry if this is a dumb question.",
        "Thanks in advance!",
        "I tried a couple of models already and wasn't happy.",
        "Not sure where else to ask.",
        "I'm on Linux, if that matters.",
        "I don't want to pay for an API anymore.",
        "The last one I downloaded kept repeating itself.",
        "I read a bunch of reddit threads and got confused.",
        "Privacy matters to me, so everything has to stay local.",
        "Hugging Face has way too many options.",
        "Yesterday I spent three hours downloading the wrong files.",
        "I'm a complete beginner here.",
        "My budget for the whole setup was about $800.",
        "Electricity is pricey where I live.",
        "Any help is appreciated.",
        "It doesn't have to be perfect.",
        "I'll be running it at home in the evenings.",
        "Let me know if you need more details.",
        "Cheers.",
    ),
    "ru": (
        "Давно хотел попробовать локальные модели.",
        "Заранее спасибо!",
        "Извините, если вопрос глупый.",
        "Уже пробовал пару вариантов, не понравилось.",
        "Не хочу больше платить за API.",
        "Всё должно крутиться локально, без интернета.",
        "Друг посоветовал спросить у бота.",
        "На Hugging Face слишком много вариантов, глаза разбегаются.",
        "Бюджет на железо был около 60 тысяч рублей.",
        "Сижу на линуксе, если это важно.",
        "Вчера полдня качал не те файлы.",
        "Я в этом пока плохо разбираюсь.",
        "Буду запускать дома по вечерам.",
        "Если нужны подробности — спрашивай.",
        "Читал кучу тредов на реддите и окончательно запутался.",
        "Прошлая модель постоянно повторялась.",
        "Всем добра.",
    ),
}
# Sentences that sound like a filter but set none ("non-commercial is fine" → commercial null), each with the
# keys it would contradict: a request stating those gets no such sentence.
DECOYS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "en": (
        ("Non-commercial use is fine, it's a hobby project.", ("commercial", "licenses")),
        ("The licence doesn't matter to me.", ("commercial", "licenses")),
        ("Just something good, nothing fancy.", ()),
        ("An instruct version is fine.", ()),
    ),
    "ru": (
        ("Лицензия не важна, это для себя.", ("commercial", "licenses")),
        ("Некоммерческое использование, чисто для себя.", ("commercial", "licenses")),
        ("Что-нибудь хорошее, без изысков.", ()),
        ("Instruct-версия подойдёт.", ()),
    ),
}
EMPTY_REQUESTS: dict[str, tuple[str, ...]] = {
    "en": (
        "hi", "hello", "hey", "what can you do", "what can you do?", "help", "how does this work?",
        "recommend me a model", "any suggestions?", "which model should I use?", "thanks!", "hello bot", "yo",
        "I need an LLM", "suggest something", "ok", "what's good?",
    ),
    "ru": (
        "привет", "посоветуй что-нибудь", "что ты умеешь?", "помощь", "как пользоваться?", "что посоветуешь?",
        "хочу модель", "подскажи модель", "спасибо", "здравствуйте", "какую модель выбрать?", "нужна нейронка",
    ),
}  # fmt: skip
EN_NOUNS = ("model", "model", "model", "LLM", "local model", "open-weight model", "local LLM", "open model")
EN_NOUNS_PLURAL = ("models", "models", "LLMs", "local models", "open-weight models", "options")
EN_DECOY_ADJECTIVES = ("good", "decent", "solid", "small", "big", "instruct")
# Russian nouns and adjectives: (nominative, accusative), all feminine.
RU_NOUNS = (
    ("модель", "модель"), ("модель", "модель"), ("модель", "модель"), ("моделька", "модельку"),
    ("нейронка", "нейронку"), ("нейросеть", "нейросеть"), ("LLM", "LLM"), ("ллмка", "ллмку"),
    ("локальная модель", "локальную модель"),
)  # fmt: skip
RU_DECOY_ADJECTIVES = (
    ("хорошая", "хорошую"),
    ("нормальная", "нормальную"),
    ("небольшая", "небольшую"),
    ("годная", "годную"),
)


def split_sentences(ctx: Ctx, frame: str, pieces: Sequence[Piece]) -> tuple[list[Piece], list[Piece], list[Piece]]:
    """Which slots a frame says as sentences of their own (before and after the request), and the rest."""
    has_pre, has_post = "{pre}" in frame, "{post}" in frame
    if not (has_pre or has_post):
        return [], [], list(pieces)
    share = 0.45 if "{noise}" in frame else 0.3
    said = [piece for piece in pieces if ctx.chance(share)]
    core = [piece for piece in pieces if all(piece is not other for other in said)]
    stated = {key for piece in pieces for key in piece.labels}
    decoys = [text for text, contradicts in DECOYS[ctx.lang] if not stated & set(contradicts)]
    if ctx.chance(0.08):
        said.append(Piece({}, "", "", ctx.pick(decoys)))
    ctx.rng.shuffle(said)
    pre: list[Piece] = []
    post: list[Piece] = []
    for piece in said:
        (pre if has_pre and (not has_post or ctx.chance(0.5)) else post).append(piece)
    return pre, post, core


def sentence_segs(pieces: Sequence[Piece]) -> list[Seg]:
    segs: list[Seg] = []
    for piece in pieces:
        segs += [Seg(" "), Seg(piece.sentence, piece)]
    return segs


def keyword_segs(ctx: Ctx, pieces: Sequence[Piece]) -> list[Seg]:
    ordered = (
        sorted(pieces, key=lambda piece: piece.order) if ctx.chance(0.6) else ctx.rng.sample(list(pieces), len(pieces))
    )
    sep = ctx.pick((" ", " ", " ", ", "))
    segs: list[Seg] = []
    for piece in ordered:
        if segs:
            # "Llama 4, RTX 3070", never "Llama 4 RTX 3070" (four 3070s?) or "top 10 7b".
            segs.append(Seg(", " if segs[-1].text[-1:].isdigit() else sep))
        segs.append(Seg(piece.keyword, piece))
    if ctx.chance(0.25):
        segs.append(Seg(" " + ctx.pick(("модель", "LLM", "нейронка") if ctx.ru else ("model", "llm", "models"))))
    return segs


def choose_head(ctx: Ctx, pieces: Sequence[Piece], feminine_only: bool = False) -> tuple[Piece | None, Head | None]:
    """A slot whose words take the noun's place ("alternatives to X", "coder"), base model first."""
    for piece in sorted(pieces, key=lambda piece: "base_model" not in piece.labels):
        heads = [head for head in piece.heads if head.feminine or not feminine_only]
        if heads and ctx.chance(piece.head_chance):
            return piece, ctx.pick(heads)
    return None, None


def clause_segs(ctx: Ctx, pieces: Sequence[Piece]) -> list[Seg]:
    segs: list[Seg] = []
    for piece in ctx.rng.sample(list(pieces), len(pieces)):
        segs += [Seg(ctx.pick((" ", " ", " ", ", "))), Seg(piece.clause, piece)]
    return segs


def en_core(ctx: Ctx, pieces: Sequence[Piece], form: str) -> list[Seg]:
    """[article] adjectives noun-or-head clauses; `form` is "a" (singular), "the" or "bare" (plural)."""
    head_piece, head = choose_head(ctx, pieces)
    rest = [piece for piece in pieces if piece is not head_piece]
    befores = sorted((piece for piece in rest if piece.before and ctx.chance(0.5)), key=lambda piece: piece.order)
    clauses = [piece for piece in rest if all(piece is not other for other in befores)]
    plural = form != "a"
    words = [Seg(piece.before, piece) for piece in befores]
    if head is not None:
        noun = Seg(f"{head.plural if plural else head.singular} {head.tail}".strip(), head_piece)
    else:
        noun = Seg(ctx.pick(EN_NOUNS_PLURAL if plural else EN_NOUNS))
        if not any("sort" in piece.labels for piece in pieces) and ctx.chance(0.12):
            words.insert(0, Seg(ctx.pick(EN_DECOY_ADJECTIVES), protected=True))
    first = words[0].text if words else noun.text
    if form == "the" or (form == "a" and befores and befores[0].definite):
        segs = [Seg("the ")]
    elif form == "a":
        segs = [Seg(f"{article(first)} ")]
    else:
        segs = []
    for word in words:
        segs += [word, Seg(" ")]
    return [*segs, noun, *clause_segs(ctx, clauses)]


def ru_core(ctx: Ctx, pieces: Sequence[Piece], accusative: bool, feminine_only: bool) -> list[Seg]:
    """Adjectives noun-or-head clauses, in the accusative or nominative; adjectives only with a feminine noun."""
    head_piece, head = choose_head(ctx, pieces, feminine_only)
    rest = [piece for piece in pieces if piece is not head_piece]
    befores = [] if head else sorted((p for p in rest if p.before and ctx.chance(0.5)), key=lambda piece: piece.order)
    clauses = [piece for piece in rest if all(piece is not other for other in befores)]
    segs: list[Seg] = []
    for piece in befores:
        segs += [Seg((piece.before_acc or piece.before) if accusative else piece.before, piece), Seg(" ")]
    if head is not None:
        noun = Seg(head.singular if accusative else head.plural, head_piece)
    else:
        nom, acc = ctx.pick(RU_NOUNS)
        noun = Seg(acc if accusative else nom)
        if not any("sort" in piece.labels for piece in pieces) and ctx.chance(0.12):
            adj_nom, adj_acc = ctx.pick(RU_DECOY_ADJECTIVES)
            segs.insert(0, Seg(f"{adj_acc if accusative else adj_nom} ", protected=True))
    return [*segs, noun, *clause_segs(ctx, clauses)]


def core_segs(ctx: Ctx, placeholder: str, frame: str, pieces: Sequence[Piece]) -> list[Seg]:
    if placeholder == "{kw}":
        return keyword_segs(ctx, pieces)
    if ctx.ru:
        return ru_core(ctx, pieces, placeholder != "{core_nom}", bool(FEMININE_FRAME.search(frame)))
    return en_core(ctx, pieces, {"{core}": "bare", "{a_core}": "a", "{the_core}": "the"}[placeholder])


def render(ctx: Ctx, frame: str, pieces: Sequence[Piece]) -> list[Seg]:
    """The frame with every slot placed exactly once."""
    pre, post, core = split_sentences(ctx, frame, pieces)
    noise = ctx.rng.sample(NOISE[ctx.lang], 2)
    segs: list[Seg] = []
    for part in PLACEHOLDER.split(frame):
        if part in CORE_PLACEHOLDERS:
            segs += core_segs(ctx, part, frame, core)
        elif part == "{pre}":
            segs += sentence_segs(pre)
        elif part == "{post}":
            segs += sentence_segs(post)
        elif part in ("{noise}", "{noise2}"):
            segs.append(Seg(noise[part == "{noise2}"]))
        elif part:
            segs.append(Seg(part))
    placed = [seg.piece for seg in segs if seg.piece is not None and seg.piece.labels]
    if len(placed) != len(pieces) or any(all(piece is not other for other in placed) for piece in pieces):
        raise RuntimeError(f"frame {frame!r} did not place every slot")
    return mark_name_ends(segs)


# Words that may follow a model name without blurring where it ends ("like Mistral 7B for coding").
NAME_FOLLOWERS = re.compile(
    r" (?:for|that|with|under|in|on|to|at|from|as|and|or|but|which|для|под|с|на|в|чтобы|из|до|от|и|но|котор\w+)\b"
)


def mark_name_ends(segs: Sequence[Seg]) -> list[Seg]:
    """A comma after a base model name that a plain word follows ("alternatives to Mistral 7B, 16GB"), so the
    name ends where the label says; prepositions and conjunctions may follow it as they are."""
    out = list(segs)
    for index, seg in enumerate(out[:-1]):
        if seg.piece is None or "base_model" not in seg.piece.labels or seg.text[-1:] in ".?!":
            continue
        following = "".join(later.text for later in out[index + 1 : index + 4])
        if re.match(r" [\w<]", following) and not NAME_FOLLOWERS.match(following):
            after = out[index + 1]
            out[index + 1] = Seg("," + after.text, after.piece, after.protected)
    return out


# ---------------------------------------------------------------- typos, labels, text

WORD = re.compile(r"[^\W\d_]{4,}")
# Words a typo must never produce: they would carry a label, or count GPUs ("three 3090s").
RESERVED = frozenset((
    "best", "chat", "code", "math", "hot", "new", "top", "ram", "rag", "law", "logic", "like", "tools", "two", "three",
    "four", "eight", "dual", "две", "два", "три", "топ", "код", "чат", "новые", "лучшая",
))  # fmt: skip


def misspell(rng: random.Random, word: str) -> str:
    """A realistic slip in a word of four letters or more: two letters swapped, one dropped or doubled."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        slip = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == 1:
        slip = word[:i] + word[i + 1 :]
    else:
        slip = word[:i] + word[i] + word[i:]
    return word if slip.lower() in RESERVED else slip


def add_typos(ctx: Ctx, segs: Sequence[Seg]) -> list[Seg]:
    """One or two typos in frame and context words (never in slot wordings)."""
    spots = [
        (index, match.start(), match.end())
        for index, seg in enumerate(segs)
        if seg.piece is None and not seg.protected
        for match in WORD.finditer(seg.text)
    ]
    out = list(segs)
    if not spots:
        return out
    for index, start, end in sorted(ctx.rng.sample(spots, min(len(spots), ctx.pick((1, 1, 2)))), reverse=True):
        text = out[index].text
        out[index] = Seg(text[:start] + misspell(ctx.rng, text[start:end]) + text[end:])
    return out


def merge_labels(into: Labels, labels: Labels) -> None:
    """Add one slot's labels: lists extend in order without repeats, other values are set when stated."""
    for key, value in labels.items():
        if key in LIST_KEYS:
            current = into.get(key)
            known = list(current) if isinstance(current, list) else []
            new = value if isinstance(value, list) else []
            into[key] = known + [item for item in dict.fromkeys(new) if item not in known]
        elif value is not None:
            into[key] = value


def labels_of(segs: Sequence[Seg]) -> Labels:
    """The request's labels: every slot's, in the order the text mentions them."""
    labels = empty_labels()
    for seg in segs:
        if seg.piece is not None:
            merge_labels(labels, seg.piece.labels)
    return labels


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.?!:;])", r"\1", text)
    text = re.sub(r",([,.?!])", r"\1", text)
    text = re.sub(r"([.?!])\.", r"\1", text)
    return re.sub(r"^[,.;:\s]+", "", text)


def empty_request(ctx: Ctx) -> dict[str, object]:
    return {"text": ctx.pick(EMPTY_REQUESTS[ctx.lang]), "expect": empty_labels()}


def request(ctx: Ctx) -> dict[str, object]:
    """One labelled request."""
    pieces = choose_pieces(ctx)
    frame = ctx.pick(FRAMES[ctx.lang])
    segs = render(ctx, frame, pieces)
    if ctx.typos:
        segs = add_typos(ctx, segs)
    labels = labels_of(segs)
    text = tidy("".join(seg.text for seg in segs))
    if labels["base_model"] is None and ctx.chance(0.1):
        text = text.lower()
    return {"text": text, "expect": labels}


# ---------------------------------------------------------------- posts: requests written like the real ones
#
# About 37% of the requests are posts of several sentences as people write them in issue trackers and forums: a
# story around the request (models tried, used now, rejected or given as examples: they label nothing, but the
# runtime one runs in still means its format), hardware and the task stated anywhere, a title on its own line,
# pasted code or log lines, words of other languages, typos, a year beside a size ("MacBook Pro 2023, 32G"), and
# the asking sentence first, in the middle or last. Sizes, families, quants, orders and contexts are asked for
# only in the asking sentence (docs/parse-contract.md, "Mentioned versus wanted"). About one post in six asks
# about one named model instead: whether it fits the hardware, may be used commercially, what it needs.

POST_SHARE = 0.37
POST_MAX_CHARS = 600  # the model reads at most this much (recommender.model_parser.MAX_MODEL_CHARS)
FIT_SHARE = 0.16
# Keys a post may state in a sentence of its own, anywhere; the others only in the sentence that asks.
ANYWHERE_KEYS = frozenset(
    ("memory_gb", "memory_kind", "tasks", "commercial", "licenses", "languages", "uncensored", "formats")
)
# Models a story mentions (tried, used, rejected, examples): no family, size or quant of theirs is a wish. No
# variant name that the family tests look for (Vicuna, Codestral...) and none that says "code".
MENTIONED_MODELS = (
    "llama 3.1 8b", "a 70b llama", "Llama-3.3-70B", "llama3.2:3b", "llama2 13b", "mistral 7b",
    "Mistral-7B-Instruct-v0.2", "mistral-small", "qwen2.5 14b", "Qwen3-30B-A3B", "qwen3:8b", "qwen 32b", "qwen 7b",
    "gemma3:12b", "gemma 2 9b", "Gemma-3-27B", "phi-3 mini", "phi4", "deepseek-r1:8b", "DeepSeek-R1-Distill-Qwen-7B",
    "deepseek-r1 14b", "mixtral 8x7b", "gpt-oss-20b", "TinyLlama", "a 13b model", "some 7B models", "a 32b model",
    "Nous Hermes 2", "dolphin-mixtral", "openchat 3.5", "zephyr-7b-beta", "granite 3.1 8b", "SmolLM2-1.7B", "Yi-34B",
    "command-r", "falcon 7b", "GPT4All Falcon", "the 70B one", "a 3B model",
)  # fmt: skip
MENTION_QUANTS = ("Q4_K_M", "Q8_0", "q4", "4-bit", "Q5_K_M", "fp16", "Q3_K_S", "8bit")
STORY: dict[str, tuple[str, ...]] = {
    "en": (
        "I tried {m} but it was too slow.",
        "I tried {m}, it was way too slow on my machine.",
        "I currently use {m}.",
        "Right now I'm using {m} and it's okay-ish.",
        "{m} kept crashing after a few prompts.",
        "Before that I had {m}, it was fine but I want to upgrade.",
        "My {m} can't follow instructions properly.",
        "Someone recommended {m}, but it refuses half of my prompts.",
        "I tested {m} and {m2}, both were meh.",
        "I gave up on {m} after a week.",
        "{m} loads, but the answers are pretty dumb.",
        "I downloaded {m} yesterday and it barely runs.",
        "Examples I already have: {m}, {m2}, etc.",
        "I've seen people run things such as {m} or {m2}.",
        "e.g. {m} or {m2} are too heavy for me.",
        "Honestly {m} was a disappointment.",
        "At the moment {m} is what I have installed.",
        "I used to run {m} and it was slow as hell.",
    ),
    "ru": (
        "Пробовал {m}, но она слишком медленная.",
        "Сейчас пользуюсь {m}.",
        "Сейчас стоит {m}, в целом терпимо.",
        "{m} постоянно вылетает через пару запросов.",
        "Раньше сидел на {m}, было норм, но хочется большего.",
        "Мне советовали {m}, но она отказывается отвечать на половину запросов.",
        "Потестил {m} и {m2}, обе так себе.",
        "Скачал вчера {m}, еле шевелится.",
        "Например, {m} или {m2} мне не подошли.",
        "{m} запускается, но отвечает откровенно тупо.",
        "Пробовал {m} — медленно и глупо.",
        "На данный момент у меня установлена {m}.",
    ),
}
# Story sentences about the model the request itself is about (alternatives to it, does it fit): its name stays.
STORY_SELF: dict[str, tuple[str, ...]] = {
    "en": (
        "I currently use {m}.",
        "I tried {m} but it was too slow.",
        "Right now I'm using {m} and it's okay-ish.",
        "{m} kept crashing after a few prompts.",
    ),
    "ru": ("Сейчас пользуюсь {m}.", "Пробовал {m}, но она слишком медленная."),
}
# The runtime a story model runs in still names its format ("I currently use mistral 7b in ollama" → gguf).
STORY_RUNTIME: dict[str, tuple[str, ...]] = {
    "en": (
        "I currently use {m} in {rt}.",
        "I run {m} through {rt} right now, but it's too slow.",
        "Tried {m} in {rt}, it kept crashing.",
        "I've been using {rt} with {m} for a while.",
        "In {rt} I have {m} and a couple of others.",
    ),
    "ru": (
        "Сейчас гоняю {m} через {rt}.",
        "Запускал {m} в {rt}, но тормозит.",
        "Пробовал {m} через {rt}, постоянно падает.",
        "В {rt} у меня стоит {m}.",
    ),
}
# How a model behaved: its task words ask for nothing ("7B models work perfectly for chat").
STORY_REPORT: dict[str, tuple[str, ...]] = {
    "en": (
        "{m} works perfectly for {task}, but it's too slow.",
        "{m} was decent at {task} but nothing special.",
        "I tried {m} for {task} and it was bad.",
    ),
    "ru": ("{m} {task} норм, но очень тормозит.", "Пробовал {m} {task}, получилось плохо."),
}
REPORT_TASKS: dict[str, dict[str, str]] = {
    "en": {"chat": "chat", "code": "coding", "roleplay": "roleplay", "math": "math", "summarization": "summaries",
           "translation": "translation", "creative-writing": "story writing"},
    "ru": {"chat": "для чата", "code": "для кода", "roleplay": "для ролевых игр", "math": "для математики",
           "translation": "для перевода"},
}  # fmt: skip
# The hardware may be stated anywhere, a story sentence included ("I tried X on my 4090 24GB").
STORY_HARDWARE: dict[str, tuple[str, ...]] = {
    "en": (
        "I tried {m} on my {hw} but it was too slow.",
        "My {hw} handles {m} fine, but I want something else.",
        "{m} doesn't fit on my {hw}.",
        "I have {a_hw} and {m} runs at only 3 tokens per second.",
        "On my {hw}, {m} takes forever to answer.",
    ),
    "ru": (
        "Пробовал {m} на {hw}, но слишком медленно.",
        "На {hw} {m} не влезает.",
        "У меня {hw}, и {m} выдаёт токена три в секунду.",
    ),
}
POST_ASKS: dict[str, tuple[str, ...]] = {
    "en": (
        "Which {core} would you recommend?",
        "Could you recommend {a_core}?",
        "Is there {a_core} that would run well?",
        "So now I'm looking for {a_core}.",
        "Any {core} you'd suggest?",
        "Can you suggest {a_core}?",
        "I need {a_core}.",
        "What's {a_core} for this?",
        "请问, which {core} would you recommend?",
        "Please recommend {a_core}.",
        "My question: is there {a_core}?",
        "Looking for {a_core}, any ideas?",
        "What should I use? I want {a_core}.",
        "Recommendations for {a_core}?",
    ),
    "ru": (
        "Посоветуйте {core}.",
        "Какую {core} посоветуете?",
        "Нужна {core_nom}.",
        "Ищу {core}.",
        "Подскажите {core}?",
        "Есть ли {core_nom}?",
        "Вопрос: какую {core} взять?",
        "Подскажите, пожалуйста (请问), {core}.",
        "Хочу {core}, что посоветуете?",
        "В общем, посоветуйте {core}.",
    ),
}
# "better than the 8b version" asks for at least that size (and names no model).
UPGRADE_ASKS: dict[str, tuple[str, ...]] = {
    "en": (
        "Is there anything better than the {b} version?",
        "I want something better than the {b} version I have now.",
        "What's better than the {b} version?",
    ),
    "ru": (),  # "лучше" reads close to "лучшая" (best): English only
}
TITLES: dict[str, tuple[str, ...]] = {
    "en": (
        "Need advice", "Model recommendation?", "Question", "Help choosing a model", "[Question] which model?",
        "Newbie here", "Local LLM help", "Hardware question", "Which one should I pick?", "Advice needed",
        "[Feature Request] model suggestions", "Help",
    ),
    "ru": ("Вопрос", "Нужен совет", "Помогите с выбором модели", "Новичок, нужна помощь", "Какую модель выбрать?"),
}  # fmt: skip
LOG_LEADS: dict[str, tuple[str, ...]] = {
    "en": ("Here's the error:", "Log:", "Error:", "This is what I get:", "Output:", "It prints:"),
    "ru": ("Вот лог:", "Ошибка:", "Вывод:", "Выдаёт вот это:"),
}
# Pasted lines: no hardware, size, model, runtime or task word in them, so they label nothing.
LOG_LINES = (
    "Traceback (most recent call last):",
    'File "app.py", line 42, in <module>',
    "RuntimeError: expected scalar type Half but found Float",
    "error loading model: unknown model architecture",
    "Segmentation fault (core dumped)",
    "$ pip install -U transformers accelerate",
    'model = AutoModelForCausalLM.from_pretrained(path, device_map="auto")',
    "tokenizer = AutoTokenizer.from_pretrained(path)",
    "llm_load_tensors: offloaded 33/33 layers",
    "eval time = 5123.45 ms / 128 runs (40.02 ms per token, 24.98 tokens per second)",
    "ValueError: Tokenizer class not found",
    "Killed",
    "docker run -it --rm -p 8080:8080 local/inference:latest",
    'curl http://localhost:8080/v1/completions -d \'{"prompt": "hi"}\'',
    'print(response.json()["choices"][0]["text"])',
    "load time = 2345.67 ms",
    "terminate called after throwing an instance of 'std::runtime_error'",
    "Process exited with status 137",
    "INFO: Started server process [12345]",
    "KeyError: 'rope_scaling'",
    "RuntimeError: shape mismatch in attention",
)
# Words of other languages: no language name among them ("中文" would be one).
FOREIGN: dict[str, tuple[str, ...]] = {
    "en": ("谢谢!", "请问一下。", "大家好!", "よろしくお願いします。", "ありがとう!", "감사합니다!", "Danke!",
           "Merci d'avance!", "¡Gracias!", "Grazie mille!"),
    "ru": ("谢谢!", "ありがとう!", "Thanks in advance!", "Cheers!", "pls help", "Merci!", "감사합니다!"),
}  # fmt: skip
COMMERCIAL_QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Can I use ", " commercially?"),
        ("Is ", " OK for commercial use?"),
        ("Can ", " be used in a commercial app?"),
    ),
    "ru": (("Можно ли использовать ", " в коммерческих целях?"), ("Подходит ли ", " для коммерческого использования?")),
}
CPUS = ("Ryzen 7 5800X", "Ryzen 5 5600", "i7-12700K", "i5-12400F", "Ryzen 9 7950X", "i9-13900K", "Xeon E5-2680 v4")
YEARS = tuple(range(2019, 2026))


@dataclass
class Block:
    """One sentence (or line, or pasted block) of a post; `kind` says what may be dropped to fit the length."""

    segs: list[Seg]
    kind: str  # "ask", "said", "story", "noise", "log", "foreign", "title"


def device_text(ctx: Ctx, piece: Piece) -> str | None:
    """A memory slot's words when they name a device ("RTX 3090", "M2 Pro with 32GB"): they go after "my"/"на"."""
    kind, words = piece.labels.get("memory_kind"), piece.keyword
    if kind == "vram" and not re.search(r"(?i)vram|gpu|memory|видео|видюх|памят|карт", words):
        return words
    if kind == "unified" and not ctx.ru and re.search(r"Mac|M[1-5]", words) and "unified" not in words:
        return words
    return None


def year_hardware_slot(ctx: Ctx) -> Piece:
    """Hardware with a year beside the size: "MacBook Pro 2023, 32G" → 32 (the year is no number)."""
    year = ctx.pick(YEARS)
    if ctx.chance(0.55):
        size = ctx.pick((8, 16, 16, 18, 24, 32, 32, 36, 48, 64, 96, 128))
        device = ctx.pick(("MacBook Pro", "MacBook Air", "Mac mini", "Mac Studio", "iMac", "MacBook"))
        m = ctx.pick((f"{size}G", f"{size}GB", f"{size} GB", f"{size}gb") + ((f"{size} гб",) if ctx.ru else ()))
        if ctx.ru:
            text = ctx.pick((f"{device} {year}, {m}", f"{device} {year},{m}", f"{device} {year} года, {m}"))
            sentence = ctx.pick((f"У меня {text}.", f"Железо: {text}.", f"Сижу на {text}."))
        else:
            text = ctx.pick(
                (f"{device} {year}, {m}", f"{device} {year},{m}", f"{device} ({year}) {m}", f"{year} {device} {m}")
            )
            sentence = ctx.pick((f"My machine: {text}.", f"I have a {text}.", f"Laptop: {text}.", f"I'm on a {text}."))
        return memory_piece(size, "unified", text, f"под {text}" if ctx.ru else f"for my {text}", sentence)
    key = ctx.pick([key for key in GPU_VARIANTS if key in ctx.hardware.vram]) if ctx.chance(0.5) else gpu_key(ctx)
    size = ctx.pick(GPU_VARIANTS.get(key, (int(ctx.hardware.vram[key]),)))
    name, m = gpu_name(ctx, key), gb_text(ctx, size)
    if ctx.ru:
        text = ctx.pick((f"{name} {m}, брал в {year}", f"{name} на {m} ({year} год)"))
        sentence = ctx.pick((f"Видеокарта {text}.", f"Железо: {text}.", f"Стоит {text}."))
    else:
        text = ctx.pick((f"{name} {m} (bought in {year})", f"{name} {m} from {year}"))
        sentence = ctx.pick((f"My GPU: {text}.", f"Hardware: {text}.", f"I have an old {text}."))
    return memory_piece(size, "vram", text, f"под {text}" if ctx.ru else f"for my {text}", sentence)


def spec_hardware_slot(ctx: Ctx) -> Piece:
    """A pasted list of specs, one line each; the GPU's memory is the budget (the RAM line is ram_gb, unlabelled
    here)."""
    key = ctx.pick([key for key in GPU_VARIANTS if key in ctx.hardware.vram]) if ctx.chance(0.4) else gpu_key(ctx)
    sized = ctx.chance(0.6)
    size = ctx.pick(GPU_VARIANTS.get(key, (int(ctx.hardware.vram[key]),))) if sized else ctx.hardware.vram[key]
    gpu = gpu_name(ctx, key) + (f" {gb_text(ctx, size)}" if sized else "")
    ram = f"{ctx.pick((16, 32, 32, 64, 64, 128))}GB {ctx.pick(('DDR4', 'DDR5', ''))}".strip()
    head = ctx.pick(("Характеристики:", "Мой ПК:", "Железо:") if ctx.ru else ("Specs:", "My PC:", "Setup:"))
    lines = [f"CPU: {ctx.pick(CPUS)}", f"GPU: {gpu}", f"RAM: {ram}"]
    if ctx.chance(0.3):
        lines.append(ctx.pick(("OS: Ubuntu 22.04", "OS: Windows 11", "OS: Arch")))
    clause = f"под {gpu}" if ctx.ru else f"for my {gpu}"
    return memory_piece(size, "vram", gpu, clause, "\n".join([head, *lines]))


def mentioned(ctx: Ctx, avoid: str = "") -> str:
    """A model a story names, sometimes with a quant; never the request's base model."""
    options = [name for name in MENTIONED_MODELS if not avoid or (name.lower() not in avoid.lower())]
    if ctx.ru:  # no English article in a Russian sentence
        options = [name for name in options if not name.startswith(("a ", "some ", "the "))]
    name = ctx.pick(options)
    if avoid and avoid.lower() in name.lower():
        name = "TinyLlama"
    return f"{name} {ctx.pick(MENTION_QUANTS)}" if ctx.chance(0.15) else name


def story_block(ctx: Ctx, avoid: str, wanted_tasks: Sequence[str]) -> Block:
    """A sentence about models tried or used: no label, unless a runtime names its format."""
    m, m2 = mentioned(ctx, avoid), mentioned(ctx, avoid)
    while m2.split()[0] == m.split()[0]:
        m2 = mentioned(ctx, avoid)
    shape = ctx.weighted({"plain": 60, "runtime": 25, "report": 15})
    reports = {task: words for task, words in REPORT_TASKS[ctx.lang].items() if task not in wanted_tasks}
    if shape == "runtime":
        runtime, format_id = ctx.pick(RUNTIMES)
        text = ctx.pick(STORY_RUNTIME[ctx.lang]).format(m=m, rt=runtime)
        return Block([Seg(text, Piece({"formats": [format_id]}, runtime, runtime, text))], "said")
    if shape == "report" and reports:
        text = ctx.pick(STORY_REPORT[ctx.lang]).format(m=m, task=ctx.pick(list(reports.values())))
    else:
        text = ctx.pick(STORY[ctx.lang]).format(m=m, m2=m2)
    return Block([Seg(text[:1].upper() + text[1:] if text[:1].islower() and ctx.chance(0.5) else text)], "story")


def said_block(ctx: Ctx, piece: Piece, avoid: str) -> Block:
    """A slot said in a sentence of its own; hardware sometimes inside a story sentence."""
    device = device_text(ctx, piece) if "memory_kind" in piece.labels else None
    if device and "\n" not in piece.sentence and ctx.chance(0.45):
        template = ctx.pick(STORY_HARDWARE[ctx.lang])
        text = template.format(m=mentioned(ctx, avoid), hw=device, a_hw=with_article(device))
        return Block([Seg(text, piece)], "said")
    return Block([Seg(piece.sentence, piece)], "said")


def ask_segs(ctx: Ctx, frame: str, pieces: Sequence[Piece]) -> list[Seg]:
    segs: list[Seg] = []
    for part in PLACEHOLDER.split(frame):
        if part in CORE_PLACEHOLDERS:
            segs += core_segs(ctx, part, frame, pieces)
        elif part:
            segs.append(Seg(part))
    return mark_name_ends(segs)


def hardware_piece(ctx: Ctx) -> Piece:
    table: dict[Callable[[Ctx], Piece], float] = {
        memory_slot: 55, year_hardware_slot: 12, spec_hardware_slot: 8, gpu_slot: 15, sized_gpu_slot: 10,
    }  # fmt: skip
    return ctx.weighted(table)(ctx)


def fit_blocks(ctx: Ctx) -> tuple[list[Block], str]:
    """A question about one named model (does it fit, may it be used commercially, what does it need), with the
    hardware in it or in a sentence of its own."""
    name = ctx.pick(BASE_MODELS)
    q = quoted(ctx, name)
    model = Seg(q, Piece({"base_model": name}, q, q, q))
    kind = ctx.weighted({"hardware": 70, "commercial": 15, "requirements": 15})
    blocks: list[Block] = []
    if kind == "commercial":
        pre, post = ctx.pick(COMMERCIAL_QUESTIONS[ctx.lang])
        return [Block([Seg(pre), Seg("", Piece({"commercial": True}, "", "", "")), model, Seg(post)], "ask")], name
    if kind == "requirements":
        pre, post = ctx.pick(
            (("Сколько гигов нужно для ", "?"), ("Какие требования к железу у ", "?"))
            if ctx.ru
            else (("How many GB does ", " need?"), ("What are the hardware requirements for ", "?"))
        )
        return [Block([Seg(pre), model, Seg(post)], "ask")], name
    hardware = hardware_piece(ctx)
    quant = quant_slot(ctx) if ctx.chance(0.25) else None
    quant_segs = [Seg(" в " if ctx.ru else ctx.pick((" at ", " in "))), Seg(quant.keyword, quant)] if quant else []
    device = device_text(ctx, hardware)
    if "\n" in hardware.sentence or ctx.chance(0.4) or (ctx.ru and not device):
        blocks.append(Block([Seg(hardware.sentence, hardware)], "said"))
        tail = ctx.pick(
            (" на таком железе?", " на этом?") if ctx.ru else (" on it?", " on that?", " on this setup?", "?")
        )
        lead = ctx.pick(
            ("Можно ли запустить ", "Пойдёт ли ", "Запустится ли ")
            if ctx.ru
            else ("Can I run ", "Will ", "Is it possible to run ")
        )
        verb = " run" if lead == "Will " else ""
        blocks.append(Block([Seg(lead), model, Seg(verb), *quant_segs, Seg(tail)], "ask"))
        return blocks, name
    if ctx.ru:
        lead = ctx.pick(("Можно ли запустить ", "Пойдёт ли ", "Запустится ли "))
        hw = [Seg(" на "), Seg(device or hardware.keyword, hardware), Seg("?")]
    else:
        lead = ctx.pick(("Can I run ", "Is it possible to run ", "Does ", "Will "))
        verb = {"Does ": " work", "Will ": " run"}.get(lead, "")
        where = [Seg(" on my "), Seg(device, hardware)] if device else [Seg(" with "), Seg(hardware.keyword, hardware)]
        hw = [Seg(verb), *where, Seg("?")]
        if quant_segs:
            hw = [Seg(verb), *quant_segs, *where, Seg("?")]
            quant_segs = []
    blocks.append(Block([Seg(lead), model, *quant_segs, *hw], "ask"))
    return blocks, name


def request_blocks(ctx: Ctx) -> tuple[list[Block], str]:
    """The request's slots: the asking sentence with the slots that must be asked for, the others said anywhere."""
    pieces = choose_pieces(ctx)
    memory = [piece for piece in pieces if "memory_kind" in piece.labels]
    if memory and ctx.chance(0.25):
        pieces[pieces.index(memory[0])] = ctx.pick((year_hardware_slot, spec_hardware_slot))(ctx)
    elif not memory and ctx.chance(0.2):
        pieces.append(hardware_piece(ctx))
    said = [piece for piece in pieces if set(piece.labels) <= ANYWHERE_KEYS and ctx.chance(0.6)]
    core = [piece for piece in pieces if all(piece is not other for other in said)]
    base = next((str(piece.labels["base_model"]) for piece in pieces if "base_model" in piece.labels), "")
    avoid = base
    blocks = [said_block(ctx, piece, avoid) for piece in said]
    frame = ctx.pick(POST_ASKS[ctx.lang])
    blocks.append(Block(ask_segs(ctx, frame, core), "ask"))
    stated = {key for piece in pieces for key in piece.labels}
    if not ctx.ru and not stated & {"params_min_b", "params_max_b", "base_model"} and ctx.chance(0.12):
        size = ctx.pick((3, 7, 8, 8, 12, 13, 14, 32))
        b = f"{size}{ctx.pick(('b', 'B'))}"
        text = ctx.pick(UPGRADE_ASKS[ctx.lang]).format(b=b)
        blocks.append(Block([Seg(text, Piece(params_labels(size, None), b, b, text))], "ask"))
    return blocks, avoid


def post_text(ctx: Ctx, blocks: Sequence[Block]) -> tuple[str, list[Seg]]:
    """The blocks joined: spaces, line breaks or paragraphs; titles and pasted lines on lines of their own."""
    style = ctx.weighted({"flat": 45, "lines": 25, "paragraphs": 30})
    segs: list[Seg] = []
    for index, block in enumerate(blocks):
        if index:
            own = block.kind in ("log", "title") or blocks[index - 1].kind in ("log", "title")
            own = own or "\n" in "".join(seg.text for seg in block.segs)
            if style == "flat":
                sep = "\n" if own else " "
            elif style == "lines":
                sep = "\n"
            else:
                sep = ctx.pick(("\n\n", "\n\n", " ")) if not own else ctx.pick(("\n", "\n\n"))
            segs.append(Seg(sep))
        segs += block.segs
    return post_tidy("".join(seg.text for seg in segs)), segs


def post_tidy(text: str) -> str:
    """`tidy` line by line, keeping the line breaks (one blank line at most)."""
    lines = [tidy(line) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def post_request(ctx: Ctx) -> dict[str, object]:
    """One labelled post of several sentences (see the section comment)."""
    if ctx.chance(FIT_SHARE):
        blocks, avoid = fit_blocks(ctx)
    else:
        blocks, avoid = request_blocks(ctx)
    labelled = [seg.piece for block in blocks for seg in block.segs if seg.piece is not None]
    wanted_tasks = [task for piece in labelled for task in piece.labels.get("tasks", []) or []]  # type: ignore[union-attr]
    asks = [block for block in blocks if block.kind == "ask"]
    body = [block for block in blocks if block.kind != "ask"]
    body += [story_block(ctx, avoid, wanted_tasks) for _ in range(ctx.weighted({0: 15, 1: 45, 2: 30, 3: 10}))]
    if avoid and ctx.chance(0.25):  # the story names the very model asked about ("I use X. Alternatives?")
        text = ctx.pick(STORY_SELF[ctx.lang]).format(m=quoted(ctx, avoid))
        body.append(Block([Seg(text, protected=True)], "story"))
    body += [
        Block([Seg(text)], "noise") for text in ctx.rng.sample(NOISE[ctx.lang], ctx.weighted({0: 45, 1: 40, 2: 15}))
    ]
    if ctx.chance(0.12):
        decoys = [
            text
            for text, contradicts in DECOYS[ctx.lang]
            if not set(contradicts) & {k for p in labelled for k in p.labels}
        ]
        body.append(Block([Seg(ctx.pick(decoys), protected=True)], "noise"))
    if ctx.chance(0.15):
        body.append(Block([Seg(ctx.pick(FOREIGN[ctx.lang]), protected=True)], "foreign"))
    ctx.rng.shuffle(body)
    where = ctx.weighted({"first": 25, "middle": 30, "last": 45})
    at = {"first": 0, "middle": ctx.rng.randint(0, len(body)), "last": len(body)}[where]
    blocks = [*body[:at], *asks, *body[at:]]
    if ctx.chance(0.2):
        lines = ctx.rng.sample(LOG_LINES, ctx.pick((1, 2, 2, 3)))
        if ctx.chance(0.4):
            lines = ["```", *lines, "```"]
        log = Block([Seg(ctx.pick(LOG_LEADS[ctx.lang])), Seg("\n" + "\n".join(lines), protected=True)], "log")
        blocks.insert(ctx.rng.randint(0, len(blocks)), log)
    title = ctx.weighted({"none": 60, "plain": 28, "ask": 12})
    if title == "ask" and len(asks) == 1 and blocks[0] is not asks[0]:
        blocks.remove(asks[0])
        blocks.insert(
            0,
            Block(
                [
                    Seg(seg.text.rstrip(".") if i == len(asks[0].segs) - 1 else seg.text, seg.piece, seg.protected)
                    for i, seg in enumerate(asks[0].segs)
                ],
                "title",
            ),
        )
    elif title == "plain":
        blocks.insert(0, Block([Seg(ctx.pick(TITLES[ctx.lang]))], "title"))
    order = {"noise": 0, "foreign": 1, "log": 2, "story": 3}
    while True:
        text, segs = post_text(ctx, blocks)
        droppable = [block for block in blocks if block.kind in order]
        if len(text) <= POST_MAX_CHARS or not droppable:
            break
        blocks.remove(min(droppable, key=lambda block: order[block.kind]))
    if len(text) > POST_MAX_CHARS:
        return request(ctx)
    if ctx.typos:
        segs = add_typos(ctx, segs)
        text = post_tidy("".join(seg.text for seg in segs))
    labels = labels_of(segs)
    if labels["base_model"] is None and ctx.chance(0.08):
        text = text.lower()
    return {"text": text, "expect": labels}


def generate(count: int, seed: int = 0, post_share: float = POST_SHARE) -> list[dict[str, object]]:
    """`count` synthetic requests labelled per docs/parse-contract.md; the same seed gives the same list. With
    `post_share` 0 the list is the one of data version 1 (before the posts)."""
    rng = random.Random(seed)
    hardware = load_hardware()
    items = []
    for _ in range(count):
        lang = "en" if rng.random() < ENGLISH_SHARE else "ru"
        ctx = Ctx(rng, lang, typos=rng.random() < TYPO_SHARE, hardware=hardware)
        kind = rng.random()
        if kind < EMPTY_SHARE:
            items.append(empty_request(ctx))
        elif kind < EMPTY_SHARE + post_share:
            items.append(post_request(ctx))
        else:
            items.append(request(ctx))
    return items


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print synthetic labelled parser requests as JSON lines.")
    parser.add_argument("--count", type=int, default=100, help="how many requests (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same requests")
    args = parser.parse_args(argv)
    for item in generate(args.count, args.seed):
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
