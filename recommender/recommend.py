"""Answer a request: hard filters, memory fit, one entry per underlying model with its best download, a score
with reasons, and relaxation when nothing matches.

`Recommender(catalog).ask(filters, text)` → `Answer`. Every result satisfies every hard filter of the filters
it was found with (`Answer.filters` minus what `Answer.relaxed` names).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from recommender import speed
from recommender.filters import Filters
from recommender.fit import GB, LEVEL_RANK, PREFERRED_FLOOR, Budget, Fit, KVCacheType, Shape, best_fit
from recommender.formats import native_download, native_fit, native_weights
from recommender.launch import RunCommand, run_commands
from recommender.quants import quant_table
from recommender.reasons import Reason
from recommender.view import COMMERCIAL_CODES, FORMAT_BITS, TASK_BITS, CatalogView, Model

# A semantic search: (text, allowed nums or None, k) → [(num, similarity)].
Search = Callable[[str, set[int] | None, int], list[tuple[int, float]]]

TOY_PARAMS = 0.5e9
ANY_TASK = "tasks:any"  # a relaxation step: one of the tasks asked instead of all of them
_SPECIALIST_RE = re.compile(r"(?P<code>coder|devstral|codestral|starcoder|codellama|codegemma|code-)|(?P<math>math)")
_SPECIALIST_TASKS = {"code": {"code", "agent", "tool-use"}, "math": {"math", "reasoning"}}
_DOMAIN_TASKS = {"medical", "legal", "finance"}
MIN_ANSWERS = 3  # second-rate answers only fill a list shorter than this
MIN_TOKENS_PER_S = 5.0  # slower than this is reading speed's third: not an answer while faster ones exist
_BASE_ASKED_RE = re.compile(
    r"\bbase\s{1,3}models?\b|\bpre-?trained\b|\bfoundation\s{1,3}model|базов\w{0,20}\s{1,3}модел|претрейн"
)
PARAMS_TOLERANCE = (0.9, 1.15)  # "7b": 6.3-8.05B, names round (Llama-3-8B 8.03B, Mistral-7B 7.24B)
BOUND_TOLERANCE = 1.05  # "up to 13b" admits 13.6B (names round), not phi-4's 14.7B
MAX_MEMBERS = 12  # copies of one model weighed for its download: the most downloaded ones
RELAX_ORDER: tuple[str, ...] = (
    "languages",
    "tasks",
    "quants",
    "formats",
    "uncensored",
    "min_context",
    "licenses",
    "params",
    "families",
    "memory",
    "commercial",
)


@dataclass(frozen=True, slots=True)
class RankWeights:
    quality: float = 3.0
    popularity: float = 1.0
    likes: float = 0.3
    trend: float = 0.5
    relevance: float = 1.5
    recency: float = 0.7
    size: float = 0.8  # larger models that still fit rank higher (log10 of billions)
    quant: float = 0.25  # quality lost at the offered quant (recommender/quants.py: Q4_K_M 0.62, Q8_0 0.06)
    superseded: float = 0.8  # a newer generation of the family in the same size class came out since
    base: float = 0.4  # base (pretrained) models after instruct/chat ones unless a base model is asked for


@dataclass(frozen=True, slots=True)
class RecommendOptions:
    weights: RankWeights = field(default_factory=RankWeights)
    limit: int = 5
    default_context: int = 4096
    unified_share: float = 0.70
    now_days: float | None = None  # "today" in days since the epoch (tests pin it)


# "newest": models released within this many days of each other count as one release (a lab's sizes of one
# generation come out days apart): the best of the latest release first, not its smallest size uploaded last.
NEWEST_WINDOW_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class Download:
    repo: str
    file: str | None
    quant: str | None
    size_bytes: int | None


@dataclass(frozen=True, slots=True)
class Result:
    model: Model
    download: Download | None
    fit: Fit | None
    score: float
    reasons: tuple[Reason, ...]
    better: bool = False  # scores better than the model it is an alternative to (scores that exist)

    def to_dict(self) -> dict[str, Any]:
        model, fit = self.model, self.fit
        memory = None
        if fit is not None and fit.estimate is not None:
            memory = {
                "needed_gb": round(fit.estimate.needed_bytes / GB, 2),
                "kind": fit.budget.kind,
                "fits": fit.level,
            }
        return {
            "id": model.id,
            "family": model.family,
            "params_b": round(model.params / 1e9, 2) if model.params else None,
            "context_length": model.context_length,
            "license": model.license,
            "commercial": model.commercial,
            "download": None
            if self.download is None
            else {
                "repo": self.download.repo,
                "file": self.download.file,
                "quant": self.download.quant,
                "size_bytes": self.download.size_bytes,
            },
            "memory": memory,
            "scores": {source: value for source, value in model.scores.items()},
            "downloads": model.downloads,
            "likes": model.likes,
            "trend": model.trend,
            "url": model.url,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "better": self.better,
            "run": [command.to_dict() for command in self.run_commands()],
        }

    def run_commands(self) -> tuple[RunCommand, ...]:
        """The commands that run the download as the fit sized it (recommender/launch.py)."""
        download = self.download
        if download is None:
            return ()
        vision = "vision" in self.model.tasks
        return run_commands(download.repo, download.file, download.quant, self.fit, vision_model=vision)


@dataclass(frozen=True, slots=True)
class Answer:
    filters: Filters
    relaxed: tuple[str, ...]
    results: tuple[Result, ...]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters.to_dict(),
            "relaxed": list(self.relaxed),
            "results": [result.to_dict() for result in self.results],
        }


class Recommender:
    def __init__(
        self, view: CatalogView, options: RecommendOptions | None = None, search: Search | None = None
    ) -> None:
        self.view = view
        self.options = options or RecommendOptions()
        self.search = search

    # -- hard filters ---------------------------------------------------------------------------------------
    def mask(self, filters: Filters, skip: frozenset[str] = frozenset()) -> np.ndarray:
        """Models that satisfy every hard filter not in `skip` (memory is checked per candidate later). What the
        model is (licence, family, size, context, tasks, languages) is judged on the underlying model for a copy of
        its weights (a quantizer's repo seldom repeats its tags: a GGUF of a current generalist is a coding
        answer when the generalist is); what the repo holds (formats, quants) and its name on the repo itself."""
        view = self.view
        keep = np.ones(view.size, dtype=bool)
        if filters.commercial and "commercial" not in skip:
            keep &= view.commercial <= COMMERCIAL_CODES["conditional"]
        if filters.families and "families" not in skip:
            keep &= view.any_of("family", filters.families)
        if filters.licenses and "licenses" not in skip:
            keep &= view.any_of("license", filters.licenses)
        if "params" not in skip:
            low, high = PARAMS_TOLERANCE
            if filters.params_min_b != filters.params_max_b:  # "under 13b": a bound, not a rounded name
                high = BOUND_TOLERANCE
            if filters.params_min_b is not None:
                keep &= view.params >= filters.params_min_b * 1e9 * low
            if filters.params_max_b is not None:
                keep &= view.params <= filters.params_max_b * 1e9 * high
        if filters.min_context and "min_context" not in skip:
            keep &= view.context >= filters.min_context
        hard_tasks = [task for task in filters.tasks if task not in _DOMAIN_TASKS]  # a domain is a preference
        if hard_tasks and "tasks" not in skip:
            bits = sum(TASK_BITS.get(task, 0) for task in hard_tasks)
            keep &= (view.task_bits & bits) != 0 if ANY_TASK in skip else (view.task_bits & bits) == bits
        if filters.languages and "languages" not in skip:
            for language in filters.languages:
                keep &= view.speaks(language)
        if filters.uncensored and "uncensored" not in skip:
            keep &= view.uncensored
        keep = keep[view.group]  # a copy of the same weights is what its underlying model is
        # EXL2/GPTQ/AWQ/MLX copies are answers only to those who ask for that format
        asked = sum(FORMAT_BITS.get(name, 0) for name in filters.formats) if "formats" not in skip else 0
        keep &= ~view.is_quant | ((view.format_bits & FORMAT_BITS["gguf"]) != 0) | ((view.format_bits & asked) != 0)
        if filters.formats and "formats" not in skip:
            bits = sum(FORMAT_BITS.get(name, 0) for name in filters.formats)
            keep &= (view.format_bits & bits) != 0
        if filters.quants and "quants" not in skip:
            keep &= view.has_quant(filters.quants)
        keep &= ~view.junk  # test, random-init and checkpoint repos
        if not filters.uncensored and "uncensored" not in skip:  # abliterated, uncensored: for those who ask
            keep &= ~view.uncensored
        if not _wants_tiny(filters):  # toys (under 0.5B) only for those asking for tiny models
            keep &= ~(view.params < TOY_PARAMS)
        if filters.memory_gb and "memory" not in skip:
            # a lower bound (2.5 bits a weight, nothing else): what cannot fit even so is out
            keep &= ~(view.params * 2.5 / 8 > filters.memory_gb * GB)
        return keep

    # -- scoring -------------------------------------------------------------------------------------------
    def scores(self, indices: np.ndarray, relevance: dict[int, float]) -> np.ndarray:
        view, weights = self.view, self.options.weights
        now = self.options.now_days or time.time() / 86400
        quality = view.quality[indices]
        elo = (view.elo[indices] - 1000) / 400
        quality = np.where(np.isnan(quality), np.where(np.isnan(elo), 0.1, elo * 0.5), quality)
        popularity = np.log10(view.downloads[indices] + 1) / 6
        likes = np.log10(view.likes[indices] + 1) / 4
        trend = np.clip(view.trend[indices], 0, 2) / 2
        age = now - view.created[indices]
        recency = np.where(np.isnan(age), 0.0, np.exp(-np.clip(age, 0, None) / 365))
        related = np.zeros(len(indices))
        if relevance:
            spot = {int(index): position for position, index in enumerate(indices)}
            for num, similarity in relevance.items():
                position = spot.get(view.num_position.get(num, -1))
                if position is not None:
                    related[position] = similarity
        size = np.log10(np.nan_to_num(view.params[indices], nan=1e9) / 1e9 + 1)
        return (
            weights.size * size
            + weights.quality * quality
            + weights.popularity * popularity
            + weights.likes * likes
            + weights.trend * trend
            + weights.relevance * related
            + weights.recency * recency
            - weights.superseded * view.superseded[indices]
        )

    def order(self, indices: np.ndarray, filters: Filters, relevance: dict[int, float]) -> np.ndarray:
        view = self.view
        if filters.sort == "trending":
            key = -view.trend[indices] - 1e-9 * view.downloads[indices]
        elif filters.sort == "newest":  # the latest release window first, the best of it first within it
            window = np.floor(np.nan_to_num(view.created[indices], nan=-1e9) / NEWEST_WINDOW_DAYS)
            return indices[np.lexsort((-self.scores(indices, relevance), -window))]
        elif filters.sort == "popular":
            key = -view.downloads[indices]
        elif filters.sort == "fastest":  # fewest bytes read per token first; re-sorted by estimated speed below
            key = speed.active_params(view, indices) - 1e-3 * view.downloads[indices]
        elif filters.sort == "smallest":
            key = np.nan_to_num(view.params[indices], nan=1e15) - 1e-3 * view.downloads[indices]
        else:
            key = -self.scores(indices, relevance)
        return indices[np.argsort(key, kind="stable")]

    # -- answering -----------------------------------------------------------------------------------------
    def ask(
        self,
        filters: Filters,
        text: str = "",
        limit: int | None = None,
        kv_cache: KVCacheType = "f16",
        ram_gb: float | None = None,
    ) -> Answer:
        """`kv_cache`: the user's KV cache type; `ram_gb`: system RAM the user stated beside a GPU budget (only
        then may a model run partly offloaded)."""
        started = time.perf_counter()
        limit = limit or self.options.limit
        relaxed: list[str] = []
        results = self.answer_for(filters, text, limit, frozenset(), kv_cache, ram_gb)
        if not results:
            for constraint in RELAX_ORDER:
                if not _states(filters, constraint):
                    continue
                if constraint == "tasks" and len(filters.tasks) > 1:  # "roleplay / stories": one of them first
                    candidate = frozenset((*relaxed, ANY_TASK))
                    results = self.answer_for(filters, text, limit, candidate, kv_cache, ram_gb)
                    if results:
                        relaxed.append(constraint)
                        break
                candidate = frozenset((*relaxed, constraint))
                results = self.answer_for(filters, text, limit, candidate, kv_cache, ram_gb)
                relaxed.append(constraint)
                if results:
                    break
        return Answer(filters, tuple(relaxed), tuple(results), time.perf_counter() - started)

    def answer_for(
        self,
        filters: Filters,
        text: str,
        limit: int,
        skip: frozenset[str],
        kv_cache: KVCacheType = "f16",
        ram_gb: float | None = None,
    ) -> list[Result]:
        view = self.view
        keep = self.mask(filters, skip)
        indices = np.flatnonzero(keep)
        if not len(indices):
            return []
        relevance: dict[int, float] = {}
        if self.search and text.strip() and filters.sort in (None, "best"):
            allowed = set(view.nums[indices].tolist()) if len(indices) < view.size else None
            relevance = {num: max(0.0, score) for num, score in self.search(text, allowed, 200)}
        ordered = self.order(indices, filters, relevance)
        score_of = dict(zip(indices.tolist(), self.scores(indices, relevance).tolist(), strict=True))
        budget = self.budget_for(filters, skip, kv_cache, ram_gb)
        hardware = speed.hardware_for(text, filters.memory_kind)  # the GPU or chip named, else the kind's default
        results: list[Result] = []
        seen: set[int] = set()
        for index in ordered:
            group = int(view.group[index])
            if group in seen:
                continue
            seen.add(group)
            result = self.entry(group, keep, filters, budget)
            if result is not None:
                results.append(speed.with_speed(replace(result, score=score_of[int(index)]), hardware))
                # enough answers a knowledgeable person would give first, or enough looked at
                if sum(not second_rate(view, r, filters.tasks) for r in results) >= limit or len(results) >= limit * 4:
                    break
        base_asked = bool(_BASE_ASKED_RE.search(text.lower()))
        first = [result for result in results if not second_rate(view, result, filters.tasks, base_asked)]
        if len(first) >= MIN_ANSWERS:  # a short list of sound answers rather than a padded one
            results = first
        elif first:  # padded with fits below the ideal (a Q3, offloaded, slow), never with unwanted models
            results = [result for result in results if not unwanted(view, result, filters.tasks, base_asked)]
        else:  # all of an older generation (what was asked for is): still no base models, merges, domain models
            results = [
                r for r in results if not unwanted(view, r, filters.tasks, base_asked, superseded=False)
            ] or results
        results = [replace(result, score=self.adjusted(result, base_asked, filters)) for result in results]
        if filters.sort in (None, "best"):
            results.sort(key=lambda result: -result.score)
        if filters.sort == "fastest":
            results.sort(key=lambda result: -speed.result_speed(result))
        if budget is not None:  # the user wants to run it: a ready file at Q4_K_M or better on the GPU first
            results.sort(
                key=lambda result: (
                    result.download is None or result.download.file is None,
                    result.fit is not None and result.fit.level == "partial",
                    result.fit is not None and result.fit.below_preferred,
                    _too_slow(result),
                )
            )
        return results[:limit]

    def adjusted(self, result: Result, base_asked: bool, filters: Filters) -> float:
        """The score once the download is known: less the quality lost at its quant (a larger model at a lower
        quant against a smaller one at a higher quant), a base model where a chat model is wanted, and a merge
        unless the request is for roleplay or stories (where community merges are the usual answer)."""
        weights = self.options.weights
        quant = result.download.quant if result.download is not None else None
        score = result.score - weights.quant * quant_table().loss(quant)
        if result.model.kind == "base" and "chat" not in result.model.tasks and not base_asked:
            score -= weights.base
        specialty = _SPECIALIST_RE.search(result.model.id.rpartition("/")[2].lower())
        if specialty and not set(filters.tasks) & _SPECIALIST_TASKS[specialty.lastgroup or ""]:
            score -= weights.base  # a coder or maths model for a request that is about neither
        domain = set(result.model.tasks) & _DOMAIN_TASKS
        if domain and not set(filters.tasks) & _DOMAIN_TASKS:
            score -= weights.base  # a medical, legal or finance fine-tune for a general request
        elif domain & set(filters.tasks):
            score += weights.base  # the domain asked for: preferred, not required (a current generalist may do)
        fit = result.fit
        if fit is not None and fit.estimate is not None and fit.level in ("gpu", "cpu"):  # the budget used well
            score += weights.size * min(1.0, fit.estimate.needed_bytes / max(fit.budget.usable_bytes, 1.0))
        if result.model.kind == "merge" and not {"roleplay", "creative-writing"} & set(filters.tasks):
            score -= weights.base
        return score

    def budget_for(
        self, filters: Filters, skip: frozenset[str], kv_cache: KVCacheType = "f16", ram_gb: float | None = None
    ) -> Budget | None:
        """The memory the request states; `kv_cache` is the user's KV cache type (/prefs); `ram_gb` the system
        RAM stated beside a GPU (offload allowed); images asked mean the vision projector is loaded too."""
        if not filters.memory_gb or "memory" in skip:
            return None
        return Budget(
            memory_gb=filters.memory_gb,
            kind=filters.memory_kind or "ram",
            context=filters.min_context or self.options.default_context,
            unified_share=self.options.unified_share,
            offload_ram_gb=(ram_gb or 0.0) if filters.memory_kind == "vram" else 0.0,
            kv_cache=kv_cache,
            vision="vision" in filters.tasks,
        )

    def entry(self, group: int, keep: np.ndarray, filters: Filters, budget: Budget | None) -> Result | None:
        """The entry of one underlying model: its best download for this budget among the members that pass
        the filters (the model itself or its GGUF copies)."""
        view = self.view
        members = [member for member in view.members(group) if keep[member]]
        if len(members) > MAX_MEMBERS:  # the model itself and its most downloaded copies
            rest = sorted(members[1:], key=lambda member: -view.downloads[member])
            members = [members[0], *rest[: MAX_MEMBERS - 1]] if members[0] == group else rest[:MAX_MEMBERS]
        if not members:
            return None
        context = budget.context if budget else (filters.min_context or self.options.default_context)
        underlying = view.model(group)
        choices: list[tuple[tuple[Any, ...], Model, Fit | None, Download | None]] = []
        for member in members:
            model = view.model(member)

            table = quant_table()
            files = [
                f for f in model.files if not filters.quants or any(table.matches(f.quant, q) for q in filters.quants)
            ]
            shape = with_geometry(model.shape, underlying.shape)
            fit = None
            if files or model.params:
                if budget is not None:
                    # on a CPU every byte is read per token: Q4_K_M's speed beats Q8_0's last bit of quality
                    target = PREFERRED_FLOOR if budget.kind == "ram" else None
                    fit = best_fit(shape, budget, files, asked=filters.quants, target=target)
                else:  # no budget stated: the preferred quant (Q4_K_M) and its memory
                    fit = best_fit(
                        shape, Budget(1e6, "ram", context), files, asked=filters.quants, target=PREFERRED_FLOOR
                    )
            native = native_weights(model)  # GPTQ/AWQ/EXL2/MLX/bnb: its own bits, never a GGUF quant name
            if native is not None:
                fit = native_fit(shape, native, budget or Budget(1e6, "ram", context), model.params)
            if budget is not None and (fit is None or not fit.fits):
                continue
            download = Download(*native_download(model, native, fit)) if native else _download(model, fit, files)
            level_rank = LEVEL_RANK[fit.level] if fit else 3
            exact = bool(fit and fit.estimate and fit.estimate.exact_weights)
            quant_rank = _quant_rank(download.quant if download else None)
            choices.append(((level_rank, not exact, quant_rank, -model.downloads), model, fit, download))
        if not choices:
            return None
        _rank, chosen, fit, download = min(choices, key=lambda choice: choice[0])
        shown = underlying if keep[group] or chosen.id == underlying.id else chosen
        return Result(shown, download, fit, 0.0, tuple(reasons(shown, fit, download, budget, filters)))


def with_geometry(shape: Shape, base: Shape) -> Shape:
    """A quant repo's shape, with the KV geometry of its base model when its own metadata lacks it."""
    if shape.n_layers or not base.n_layers:
        return shape
    return replace(
        base,
        architecture=shape.architecture or base.architecture,
        sliding_window=shape.sliding_window or base.sliding_window,
        params=shape.params or base.params,
        output_params=shape.output_params,
        mmproj_bytes=shape.mmproj_bytes or base.mmproj_bytes,
    )


def _states(filters: Filters, constraint: str) -> bool:
    if constraint == "params":
        return filters.params_min_b is not None or filters.params_max_b is not None
    if constraint == "memory":
        return bool(filters.memory_gb)
    return getattr(filters, constraint) not in (None, [], False)


def _quant_rank(quant: str | None) -> float:
    """Better quants first (lower KL divergence); no quant known last."""
    if quant is None:
        return 10.0
    divergence = quant_table().divergence(quant)
    return divergence if divergence is not None else 5.0


def second_rate(view: CatalogView, result: Result, tasks: Sequence[str] = (), base_asked: bool = False) -> bool:
    """An answer to show only when too few others exist: superseded, below Q4_K_M, offloaded, too slow to use,
    a base model (unless asked), or a merge (unless for roleplay or stories)."""
    fit = result.fit
    return bool(
        (fit is not None and (fit.below_preferred or fit.level == "partial"))
        or _too_slow(result)
        or unwanted(view, result, tasks, base_asked)
    )


def unwanted(
    view: CatalogView, result: Result, tasks: Sequence[str] = (), base_asked: bool = False, superseded: bool = True
) -> bool:
    """Not what was asked for, whatever the fit: a generation its family replaced, a base model (unless asked),
    a merge (unless for roleplay or stories), a medical, legal or finance fine-tune for a general request."""
    model = result.model
    return bool(
        (superseded and _superseded(view, result))
        or (model.kind == "base" and "chat" not in model.tasks and not base_asked)
        or (model.kind == "merge" and not {"roleplay", "creative-writing"} & set(tasks))
        or bool(set(model.tasks) & _DOMAIN_TASKS and not set(tasks) & _DOMAIN_TASKS)
    )


def _superseded(view: CatalogView, result: Result) -> bool:
    index = view.find(result.model.id)
    return index is not None and bool(view.superseded[index])


def _too_slow(result: Result) -> bool:
    """Under MIN_TOKENS_PER_S where it would run (a dense 70B on a CPU): shown only after usable ones."""
    tokens = speed.result_speed(result)
    return 0 < tokens < MIN_TOKENS_PER_S


def _wants_tiny(filters: Filters) -> bool:
    """Only a stated size under 1B lifts the toy floor ("the smallest model" still means a useful one)."""
    return (filters.params_max_b is not None and filters.params_max_b <= 1) or (
        filters.params_min_b is not None and filters.params_min_b < TOY_PARAMS / 1e9
    )


def _download(model: Model, fit: Fit | None, files: Sequence[Any]) -> Download | None:
    estimate = fit.estimate if fit else None
    if estimate is not None and estimate.file:
        return Download(model.id, estimate.file, estimate.quant, int(estimate.weights_bytes))
    if files:
        return None
    if "gguf" in model.formats or model.relation == "quantized":
        quant = estimate.quant if estimate else None
        return Download(model.id, None, quant, int(estimate.weights_bytes) if estimate else None)
    return Download(model.id, None, None, None)


def _gb(value: float) -> float:
    return round(value / GB, 2)


def reasons(
    model: Model, fit: Fit | None, download: Download | None, budget: Budget | None, filters: Filters
) -> list[Reason]:
    """Why this model, as codes with their numbers (worded by the fronts)."""
    why: list[Reason] = []
    if fit is not None and fit.estimate is not None and budget is not None:
        estimate = fit.estimate
        why.append(
            Reason(
                "fits",
                {
                    "quant": estimate.quant,
                    "weights_gb": _gb(estimate.weights_bytes),
                    "kv_gb": _gb(estimate.kv_bytes),
                    "context": estimate.context,
                    "overhead_gb": _gb(estimate.overhead_bytes),
                    "needed_gb": _gb(estimate.needed_bytes),
                    "budget_gb": budget.memory_gb,
                    "kind": budget.kind,
                    "level": fit.level,
                    "usable_gb": _gb(budget.usable_bytes) if budget.kind == "unified" else None,
                    "offload_gb": _gb(estimate.needed_bytes - budget.usable_bytes) if fit.level == "partial" else None,
                    "ram_gb": budget.offload_ram_gb if fit.level == "partial" else None,
                },
            )
        )
        why += list(fit.notes)
    if download is not None and download.file is None and download.quant is None and model.relation != "quantized":
        why.append(Reason("self_quantize"))
    why.append(Reason("license", {"license": model.license, "commercial": model.commercial}))
    if model.context_length:
        why.append(Reason("context", {"tokens": model.context_length}))
    for source, value in model.scores.items():
        why.append(
            Reason(
                "score",
                {"source": source, "average": value["average"], "inherited": bool(value.get("inherited_from"))},
            )
        )
    if filters.sort == "trending" and model.trend:
        why.append(Reason("trend", {"percent": round(model.trend * 100)}))
    why.append(Reason("popularity", {"downloads": model.downloads, "likes": model.likes}))
    return why


def default_filters(filters: Filters, prefs: Filters | None) -> Filters:
    """The request's filters with saved preferences filling what the request did not say."""
    if prefs is None:
        return filters
    changes = {
        key: getattr(prefs, key)
        for key in ("memory_gb", "memory_kind", "commercial", "formats", "languages")
        if getattr(filters, key) in (None, []) and getattr(prefs, key) not in (None, [])
    }
    return replace(filters, **changes) if changes else filters
