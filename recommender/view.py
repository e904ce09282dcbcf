"""The catalog as columns in memory, for ranking: hard filters are numpy masks over every model (a few ms at
100k models), and only the survivors become Python objects.

`CatalogView.load(catalog)` reads the narrow model columns, the GGUF files and the leaderboard averages once;
`CatalogView.current(catalog)` reloads when the catalog's generation moved on (after a sync).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from index.derive import TASKS
from index.store import Catalog
from index.weight_bits import WeightBits
from recommender.fit import QuantFile, Shape

COMMERCIAL_CODES = {"yes": 0, "conditional": 1, "no": 2, "unknown": 3}
FORMAT_BITS = {name: 1 << index for index, name in enumerate(("gguf", "gptq", "awq", "exl2", "mlx", "safetensors"))}
TASK_BITS = {task: 1 << index for index, task in enumerate(TASKS)}
V2_SCALE = 100.0  # Open LLM Leaderboard v2 averages are percentages

_COLUMNS = (
    "num, id, family, params, active_params, context_length, license, commercial, kind, relation, base_model, "
    "tasks, languages, uncensored, formats, downloads, likes, trend_3d, created_at, architecture, n_layers, "
    "n_kv_heads, head_dim, sliding_window, tags, shape, weight_bits, "
    "json_extract(base_models, '$[0]') AS stated_base"  # the base as the card names it (before a rename)
)


@dataclass(frozen=True, slots=True)
class Model:
    """One catalog model, as the recommender sees it."""

    num: int
    id: str
    family: str | None
    params: int | None
    active_params: int | None
    context_length: int | None
    license: str | None
    commercial: str
    kind: str | None
    relation: str | None
    base_model: str | None
    tasks: tuple[str, ...]
    languages: tuple[str, ...]
    uncensored: bool
    formats: tuple[str, ...]
    downloads: int
    likes: int
    trend: float | None
    created_at: str | None
    shape: Shape
    files: tuple[QuantFile, ...]
    scores: dict[str, Any]
    weights: WeightBits | None = None  # a GPTQ/AWQ/EXL2/MLX/bnb copy's format and bits (recommender/formats.py)

    @property
    def url(self) -> str:
        return f"https://huggingface.co/{self.id}"


def _json_list(value: Any) -> list[str]:
    if not value:
        return []
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [str(item) for item in data] if isinstance(data, list) else []


def _days(value: str | None) -> float:
    if not value:
        return math.nan
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() / 86400
    except ValueError:
        return math.nan


class CatalogView:
    """Columns of every model (arrays indexed by position), the models themselves, lineage and files."""

    def __init__(self, rows: list[dict[str, Any]], files: dict[int, list[QuantFile]], scores: dict[str, Any]):
        started = time.perf_counter()
        self.size = len(rows)
        self.rows = rows
        self.files = files
        self.score_rows = scores
        self.position = {row["id"].lower(): index for index, row in enumerate(rows)}
        self.num_position = {row["num"]: index for index, row in enumerate(rows)}
        count = len(rows)
        self.params = np.full(count, np.nan)
        self.context = np.full(count, np.nan)
        self.commercial = np.full(count, 3, dtype=np.int8)
        self.downloads = np.zeros(count)
        self.likes = np.zeros(count)
        self.trend = np.zeros(count)
        self.created = np.full(count, np.nan)
        self.uncensored = np.zeros(count, dtype=bool)
        self.task_bits = np.zeros(count, dtype=np.int64)
        self.format_bits = np.zeros(count, dtype=np.int64)
        self.has_files = np.zeros(count, dtype=bool)
        self.quality = np.full(count, np.nan)  # 0-1, own or the base model's
        self.elo = np.full(count, np.nan)
        self.is_quant = np.zeros(count, dtype=bool)
        self.group = np.zeros(count, dtype=np.int64)  # position of the underlying model (itself when original)
        self.family_of: list[str | None] = []
        self.licenses: list[str | None] = []
        self.language_sets: list[frozenset[str]] = []
        self.children: dict[int, list[int]] = defaultdict(list)  # base position → derived positions
        self.lists: dict[tuple[str, int], Any] = {}  # TOP lists computed for this view (one catalog generation)
        self.nums = np.asarray([row["num"] for row in rows], dtype=np.int64)
        self.names = [row["id"].lower() for row in rows]
        self._codes: dict[str, tuple[dict[str | None, int], np.ndarray]] = {}
        self._speaks: dict[str, np.ndarray] = {}
        self._quants: dict[str, np.ndarray] | None = None
        self._name_text: dict[str, tuple[str, np.ndarray]] = {}
        for index, row in enumerate(rows):
            self.params[index] = row["params"] if row["params"] else np.nan
            self.context[index] = row["context_length"] if row["context_length"] else np.nan
            self.commercial[index] = COMMERCIAL_CODES.get(row["commercial"] or "unknown", 3)
            self.downloads[index] = row["downloads"] or 0
            self.likes[index] = row["likes"] or 0
            self.trend[index] = row["trend_3d"] or 0.0
            self.created[index] = _days(row["created_at"])
            self.uncensored[index] = bool(row["uncensored"])
            row["tasks"] = _generalist_tasks(row)
            self.task_bits[index] = sum(TASK_BITS.get(task, 0) for task in row["tasks"])
            self.format_bits[index] = sum(FORMAT_BITS.get(name, 0) for name in _json_list(row["formats"]))
            self.has_files[index] = bool(files.get(row["num"]))
            self.is_quant[index] = row["relation"] == "quantized" or row["kind"] == "quantized"
            self.family_of.append(row["family"])
            self.licenses.append(row["license"])
            self.language_sets.append(frozenset(_json_list(row["languages"])))
        self.junk = np.fromiter((bool(JUNK_RE.search(name)) for name in self.names), np.bool_, count)
        self._superseded: np.ndarray | None = None
        self._lines: np.ndarray | None = None
        self._labs: np.ndarray | None = None
        for index, row in enumerate(rows):
            base = self.position.get((row["base_model"] or "").lower())
            if base is not None and base != index and self.is_quant[index] and holds_weights(row, rows[base]["id"]):
                self.group[index] = base
            else:  # an original, or a quant of a fine-tune that names the fine-tune's base: an entry of its own
                self.group[index] = index
            if base is not None and base != index:
                self.children[base].append(index)
            own = scores.get(row["id"].lower(), {})
            inherited = scores.get((row["base_model"] or "").lower(), {}) if base is not None else {}
            v2 = own.get("open_llm_v2") or inherited.get("open_llm_v2")
            if v2 and v2.get("average") is not None:
                self.quality[index] = float(v2["average"]) / V2_SCALE
            arena = own.get("arena") or inherited.get("arena")
            if arena and arena.get("average") is not None:
                self.elo[index] = float(arena["average"])
        self.load_seconds = time.perf_counter() - started

    # -- column tests ----------------------------------------------------------------------------------------
    def any_of(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Models whose `column` ("family", "license" or "architecture") is one of `values` (codes built once)."""
        if column not in self._codes:
            sources = {"family": self.family_of, "license": self.licenses}
            source = sources.get(column) or [row[column] for row in self.rows]
            codes: dict[str | None, int] = {}
            array = np.fromiter((codes.setdefault(value, len(codes)) for value in source), np.int64, self.size)
            self._codes[column] = (codes, array)
        codes, array = self._codes[column]
        wanted = [codes[value] for value in values if value in codes]
        return np.isin(array, wanted) if wanted else np.zeros(self.size, dtype=bool)

    def speaks(self, language: str) -> np.ndarray:
        if language not in self._speaks:
            self._speaks[language] = np.fromiter(
                (language in languages for languages in self.language_sets), np.bool_, self.size
            )
        return self._speaks[language]

    def has_quant(self, quants: Iterable[str]) -> np.ndarray:
        """Models with a file at one of `quants` (one column per quant level, built once)."""
        if self._quants is None:
            positions: dict[str, list[int]] = defaultdict(list)
            for num, files in self.files.items():
                index = self.num_position.get(num)
                if index is None:
                    continue
                for quant in {file.quant for file in files}:
                    positions[quant].append(index)
            self._quants = {}
            for quant, indices in positions.items():
                column = np.zeros(self.size, dtype=bool)
                column[indices] = True
                self._quants[quant] = column
        keep = np.zeros(self.size, dtype=bool)
        for quant in quants:
            if quant in self._quants:
                keep |= self._quants[quant]
        return keep

    def named(self, words: list[str], part: str = "id") -> list[int]:
        """Positions whose lower-cased id (part "id") or repo name (part "name", after the owner) contains every
        one of `words`: the longest word is found in one text of all names, the others checked on those hits."""
        if not words:
            return []
        if part not in self._name_text:
            names = self.names if part == "id" else [name.rpartition("/")[2] for name in self.names]
            starts = np.cumsum([0] + [len(name) + 1 for name in names[:-1]]) if names else np.zeros(0, np.int64)
            text = "\n".join(name.replace("\n", " ") for name in names)  # one line a name, whatever the ids hold
            self._name_text[part] = (text, np.asarray(starts, dtype=np.int64))
        text, starts = self._name_text[part]
        longest = max(words, key=len)
        offsets = np.fromiter((match.start() for match in re.finditer(re.escape(longest), text)), np.int64)
        found = np.unique(np.searchsorted(starts, offsets, side="right") - 1).tolist()
        others = [word for word in words if word != longest]

        def label(index: int) -> str:
            return self.names[index] if part == "id" else self.names[index].rpartition("/")[2]

        return [index for index in found if all(word in label(index) for word in others)]

    # -- loading ------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, catalog: Catalog) -> CatalogView:
        rows = list(catalog.db.query(f"SELECT {_COLUMNS} FROM models"))
        files: dict[int, list[QuantFile]] = defaultdict(list)
        for num, path, size, quant in catalog.db.execute(
            "SELECT num, path, size, quant FROM files WHERE quant IS NOT NULL ORDER BY num, path"
        ):
            files[num].append(QuantFile(path, quant, size))
        mmproj: dict[int, int] = {}  # the smallest vision projector of each repo
        for num, size in catalog.db.execute(
            "SELECT num, min(size) FROM files WHERE quant IS NULL AND lower(path) LIKE '%mmproj%.gguf' "
            "AND size > 0 GROUP BY num"
        ):
            mmproj[num] = size
        for row in rows:
            if row["num"] in mmproj:
                row["mmproj_bytes"] = mmproj[row["num"]]
        scores: dict[str, dict[str, Any]] = defaultdict(dict)
        for key, source, average, name in catalog.db.execute("SELECT model_key, source, average, name FROM scores"):
            scores[key][source] = {"average": average, "name": name}
        return cls(rows, dict(files), dict(scores))

    @classmethod
    def current(cls, catalog: Catalog) -> CatalogView:
        """The view of this catalog file, reloaded when a sync changed it."""
        key = str(catalog.path)
        generation = catalog.generation()
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
            if cached and cached[0] == generation:
                return cached[1]
        view = cls.load(catalog)
        with _CACHE_LOCK:
            _CACHE[key] = (generation, view)
        return view

    # -- models -------------------------------------------------------------------------------------------
    def find(self, model_id: str) -> int | None:
        return self.position.get(model_id.strip().lower())

    def model(self, index: int) -> Model:
        row = self.rows[index]
        key = row["id"].lower()
        own = self.score_rows.get(key, {})
        base_key = (row["base_model"] or "").lower()
        inherited = self.score_rows.get(base_key, {}) if base_key in self.position else {}
        scores = {source: {**value, "inherited_from": None} for source, value in own.items() if value.get("average")}
        for source, value in inherited.items():
            if source not in scores and value.get("average") is not None:
                scores[source] = {**value, "inherited_from": row["base_model"]}
        return Model(
            num=row["num"],
            id=row["id"],
            family=row["family"],
            params=row["params"],
            active_params=row["active_params"],
            context_length=row["context_length"],
            license=row["license"],
            commercial=row["commercial"] or "unknown",
            kind=row["kind"],
            relation=row["relation"],
            base_model=row["base_model"],
            tasks=tuple(row["tasks"] if isinstance(row["tasks"], list) else _json_list(row["tasks"])),
            languages=tuple(_json_list(row["languages"])),
            uncensored=bool(row["uncensored"]),
            formats=tuple(_json_list(row["formats"])),
            downloads=row["downloads"] or 0,
            likes=row["likes"] or 0,
            trend=row["trend_3d"],
            created_at=row["created_at"],
            shape=fit_shape(row),
            files=tuple(self.files.get(row["num"], ())),
            scores=scores,
            weights=WeightBits.from_json(row.get("weight_bits")),
        )

    @property
    def labs(self) -> np.ndarray:
        """Models of the lab that made them (`first_party`), built once per view."""
        if self._labs is None:
            self._labs = np.fromiter((first_party(row) for row in self.rows), np.bool_, self.size)
        return self._labs

    @property
    def lines(self) -> np.ndarray:
        """Each model's line (`line_of`), built once per view."""
        if self._lines is None:
            self._lines = np.asarray([line_of(name) for name in self.names], dtype=object)
        return self._lines

    @property
    def superseded(self) -> np.ndarray:
        """Models a newer generation of their family replaced: a first-party model of the same family and size
        class (half to twice the parameters) came out at least SUPERSEDED_DAYS later. Built once per view."""
        if self._superseded is None:
            self._superseded = _superseded(self)
        return self._superseded

    def members(self, group: int) -> Iterable[int]:
        """The underlying model and its quantized copies."""
        yield group
        for child in self.children.get(group, ()):
            if self.group[child] == group:
                yield child


# test, random-init, debugging and training-checkpoint repos: never an answer
JUNK_RE = re.compile(
    r"(?:^|[/_.-])(?:tiny-random|random|dummy|debug|test|testing|toy)(?:[_.-]|$)"
    r"|(?:^|[/_.-])(?:step|checkpoint|ckpt|iter)[_-]?\d+k?(?:[_.-]|$)|-step\d|\bglobal_step"
)
# words a quantiser adds to a repo name: a quant whose name has any other word is a quant of something else
_QUANT_WORDS = frozenset(
    [
        "gguf",
        "ggml",
        "gptq",
        "awq",
        "exl",
        "exl2",
        "exl3",
        "mlx",
        "bnb",
        "fp",
        "int",
        "w",
        "a",
        "imatrix",
        "imat",
        "i",
        "quant",
        "quants",
        "quantized",
        "quantised",
        "bpw",
        "bit",
        "bits",
        "hf",
        "h",
        "dynamic",
        "unsloth",
        "ud",
        "q",
        "k",
        "m",
        "s",
        "l",
        "xl",
        "xs",
        "xxs",
        "nl",
        "mxfp",
        "moe",
    ]
)
_DROPPED_WORDS = frozenset({"hf", "meta"})  # "Llama-2-7b-chat-hf" → "Llama-2-7B-Chat-GGUF", "Meta-Llama-3-8B"
_WORD_RE = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
SUPERSEDED_DAYS = 270


_LINE_NOISE_RE = re.compile(r"(?:^|[-_.])(?:v\d+(?:\.\d+)*|\d{4}|instruct|chat|it|base|hf)(?=$|[-_.])")


def line_of(model_id: str) -> str:
    """A model's line without version, date or post-training words: "Mistral-7B-Instruct-v0.2" and
    "Mistral-7B-v0.1" are both "mistral-7b" (versions of one model, not alternatives to each other)."""
    name = model_id.rpartition("/")[2].lower()
    previous = None
    while previous != name:
        previous, name = name, _LINE_NOISE_RE.sub("", name)
    return name


def _words(name: str) -> set[str]:
    return set(_WORD_RE.findall(name.lower()))


def same_weights(quant_id: str, base_id: str) -> bool:
    """Whether a quant repo holds `base_id`'s own weights: every word of the base's name is in the quant's
    name, and the quant's name adds only quantiser words ("GGUF", "4bit", "Q4_K_M", "i1", "4.65bpw") and the
    base's organisation (bartowski's "google_gemma-3-27b-it-GGUF"). A GGUF of "Bio-Medical-Llama-3-8B" that
    names Llama 3 8B as its base is a copy of the fine-tune, not of Llama 3 8B."""
    organisation, _, base_name = base_id.lower().rpartition("/")
    quant_words, base_words = _words(quant_id.rpartition("/")[2]), _words(base_name)
    if base_words - quant_words - _DROPPED_WORDS:
        return False
    for word in quant_words - base_words - _QUANT_WORDS - _words(organisation):
        if not (word[0].isdigit() and float(word) <= 8):  # bits: "4bit", "Q8", "4.65bpw"
            return False
    return True


def holds_weights(row: dict[str, Any], base_id: str) -> bool:
    """`same_weights` of a quant row and its base, under the base's catalog id or the id the quant's card names
    when the base was renamed since (index/renames.py): "mistralai/Mistral-Foo-GGUF" holds the weights of
    "mistralai/Foo" that was "mistralai/Mistral-Foo", though "mistral" is not a word of the organisation."""
    stated = row.get("stated_base")
    if same_weights(row["id"], base_id):
        return True
    return isinstance(stated, str) and stated.lower() != base_id.lower() and same_weights(row["id"], stated)


# What a current general chat model of a model lab does well enough to be an answer (a 2025 8B codes, reasons,
# summarises and translates better than a 2023 specialist); domain tasks (medical, legal...) stay with the models
# tagged for them.
GENERALIST_TASKS = ("code", "reasoning", "math", "rag", "summarization", "translation", "tool-use")
GENERALIST_MIN_PARAMS = 3e9
GENERALIST_SINCE = "2024-09-01"  # released at or after: the generation that made small generalists strong


def first_party(row: dict[str, Any]) -> bool:
    """The lab's own model: an original, or the lab's own post-training of its base (Qwen/Qwen3-8B)."""
    if row["kind"] in ("instruct", "base"):
        return True
    base = (row["base_model"] or "").lower()
    return row["kind"] == "finetune" and bool(base) and base.split("/")[0] == row["id"].lower().split("/")[0]


def _generalist_tasks(row: dict[str, Any]) -> list[str]:
    tasks = _json_list(row["tasks"])
    params = row["params"] or 0
    current = (row["created_at"] or "") >= GENERALIST_SINCE
    if "chat" in tasks and current and first_party(row) and params >= GENERALIST_MIN_PARAMS:
        tasks += [task for task in GENERALIST_TASKS if task not in tasks]
    return tasks


def _generation(view: CatalogView, index: int) -> float:
    """When a model's weights were first released: the oldest release up its base chain in the catalog (a 2024
    fine-tune of Llama 2 is of Llama 2's generation)."""
    created = view.created[index]
    for _ in range(6):
        base = view.position.get((view.rows[index]["base_model"] or "").lower())
        if base is None or base == index:
            break
        index = base
        if not np.isnan(view.created[index]):
            created = min(created, view.created[index]) if not np.isnan(created) else view.created[index]
    return float(created)


def _superseded(view: CatalogView) -> np.ndarray:
    count = view.size
    result = np.zeros(count, dtype=bool)
    newest: dict[tuple[str, int], float] = {}  # (family, size class) → newest first-party release
    for index, row in enumerate(view.rows):
        params, created = view.params[index], view.created[index]
        if first_party(row) and row["family"] and params > 0 and not np.isnan(created):
            key = (row["family"], int(np.floor(np.log2(params / 1e9 + 1e-9))))
            newest[key] = max(newest.get(key, -np.inf), created)
    for index, row in enumerate(view.rows):
        params, created = view.params[index], _generation(view, index)
        if not row["family"] or not params > 0 or np.isnan(created):
            continue
        size = int(np.floor(np.log2(params / 1e9 + 1e-9)))
        later = max(newest.get((row["family"], size + shift), -np.inf) for shift in (-1, 0, 1))
        result[index] = later >= created + SUPERSEDED_DAYS
    return result


_CACHE_LOCK = threading.Lock()
_CACHE: dict[str, tuple[int, CatalogView]] = {}  # catalog path → (generation, view)


def fit_shape(row: dict[str, Any]) -> Shape:
    """The fit's view of a catalog row: the geometry columns, and the layer pattern, latent attention and
    experts of the stored shape (models.shape, from config.json or a GGUF header, own or inherited)."""
    try:
        stored = json.loads(row["shape"]) if row.get("shape") else {}
    except ValueError:
        stored = {}
    stored = stored if isinstance(stored, dict) else {}

    def whole(name: str) -> int | None:
        value = stored.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Shape(
        params=row["params"],
        architecture=row["architecture"],
        n_layers=row["n_layers"],
        n_kv_heads=row["n_kv_heads"],
        head_dim=row["head_dim"],
        sliding_window=row["sliding_window"],
        context_length=row["context_length"],
        full_layers=whole("full_layers"),
        swa_layers=(whole("swa_layers") or 0) if stored else None,
        kv_lora_rank=whole("kv_lora_rank"),
        qk_rope_head_dim=whole("qk_rope_head_dim"),
        active_params=row.get("active_params"),
        experts=whole("experts"),
        experts_active=whole("experts_active"),
        mmproj_bytes=row.get("mmproj_bytes"),
        family=row.get("family"),
        vocab_size=whole("vocab_size"),
        hidden_size=whole("hidden_size"),
    )
