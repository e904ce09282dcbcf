"""Answer a request: hard filters, memory fit, one entry per underlying model with its best download, a score
with reasons, and relaxation when nothing matches.

`Recommender(catalog).ask(filters, text)` → `Answer`. Every result satisfies every hard filter of the filters
it was found with (`Answer.filters` minus what `Answer.relaxed` names).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from recommender.filters import Filters
from recommender.fit import GB, LEVEL_RANK, QUALITY_ORDER, Budget, Fit, KVCacheType, Shape, best_fit
from recommender.reasons import Reason
from recommender.view import COMMERCIAL_CODES, FORMAT_BITS, TASK_BITS, CatalogView, Model

# A semantic search: (text, allowed nums or None, k) → [(num, similarity)].
Search = Callable[[str, set[int] | None, int], list[tuple[int, float]]]

PARAMS_TOLERANCE = (0.9, 1.15)  # "7b" admits 6.3-8.05B: names round (Llama-3-8B has 8.03B, Mistral-7B 7.24B)
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


@dataclass(frozen=True, slots=True)
class RecommendOptions:
    weights: RankWeights = field(default_factory=RankWeights)
    limit: int = 5
    default_context: int = 4096
    unified_share: float = 0.70
    offload_ram_gb: float = 16.0
    now_days: float | None = None  # "today" in days since the epoch (tests pin it)


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
        }


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
        """Models that satisfy every hard filter not in `skip` (memory is checked per candidate later)."""
        view = self.view
        keep = np.ones(view.size, dtype=bool)
        # EXL2/GPTQ/AWQ/MLX copies are answers only to those who ask for that format
        asked = sum(FORMAT_BITS.get(name, 0) for name in filters.formats) if "formats" not in skip else 0
        keep &= ~view.is_quant | ((view.format_bits & FORMAT_BITS["gguf"]) != 0) | ((view.format_bits & asked) != 0)
        if filters.commercial and "commercial" not in skip:
            keep &= view.commercial <= COMMERCIAL_CODES["conditional"]
        if filters.families and "families" not in skip:
            keep &= view.any_of("family", filters.families)
        if filters.licenses and "licenses" not in skip:
            keep &= view.any_of("license", filters.licenses)
        if "params" not in skip:
            low, high = PARAMS_TOLERANCE
            if filters.params_min_b is not None:
                keep &= view.params >= filters.params_min_b * 1e9 * low
            if filters.params_max_b is not None:
                keep &= view.params <= filters.params_max_b * 1e9 * high
        if filters.min_context and "min_context" not in skip:
            keep &= view.context >= filters.min_context
        if filters.tasks and "tasks" not in skip:
            bits = sum(TASK_BITS.get(task, 0) for task in filters.tasks)
            keep &= (view.task_bits & bits) == bits
        if filters.languages and "languages" not in skip:
            for language in filters.languages:
                keep &= view.speaks(language)
        if filters.uncensored and "uncensored" not in skip:
            keep &= view.uncensored
        if filters.formats and "formats" not in skip:
            bits = sum(FORMAT_BITS.get(name, 0) for name in filters.formats)
            keep &= (view.format_bits & bits) != 0
        if filters.quants and "quants" not in skip:
            keep &= view.has_quant(filters.quants)
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
        )

    def order(self, indices: np.ndarray, filters: Filters, relevance: dict[int, float]) -> np.ndarray:
        view = self.view
        if filters.sort == "trending":
            key = -view.trend[indices] - 1e-9 * view.downloads[indices]
        elif filters.sort == "newest":
            key = -np.nan_to_num(view.created[indices], nan=-1e9)
        elif filters.sort == "popular":
            key = -view.downloads[indices]
        elif filters.sort in ("smallest", "fastest"):
            key = np.nan_to_num(view.params[indices], nan=1e15) - 1e-3 * view.downloads[indices]
        else:
            key = -self.scores(indices, relevance)
        return indices[np.argsort(key, kind="stable")]

    # -- answering -----------------------------------------------------------------------------------------
    def ask(self, filters: Filters, text: str = "", limit: int | None = None, kv_cache: KVCacheType = "f16") -> Answer:
        started = time.perf_counter()
        limit = limit or self.options.limit
        relaxed: list[str] = []
        results = self.answer_for(filters, text, limit, frozenset(), kv_cache)
        if not results:
            for constraint in RELAX_ORDER:
                if not _states(filters, constraint):
                    continue
                candidate = frozenset((*relaxed, constraint))
                results = self.answer_for(filters, text, limit, candidate, kv_cache)
                relaxed.append(constraint)
                if results:
                    break
        return Answer(filters, tuple(relaxed), tuple(results), time.perf_counter() - started)

    def answer_for(
        self, filters: Filters, text: str, limit: int, skip: frozenset[str], kv_cache: KVCacheType = "f16"
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
        budget = self.budget_for(filters, skip, kv_cache)
        results: list[Result] = []
        seen: set[int] = set()
        for index in ordered:
            group = int(view.group[index])
            if group in seen:
                continue
            seen.add(group)
            result = self.entry(group, keep, filters, budget)
            if result is not None:
                results.append(replace(result, score=score_of[int(index)]))
                if len(results) >= limit * 2:
                    break
        if budget is not None:  # the user wants to run it: a ready file first, then what runs without offload
            results.sort(
                key=lambda result: (
                    result.download is None or result.download.file is None,
                    result.fit is not None and result.fit.level == "partial",
                )
            )
        return results[:limit]

    def budget_for(self, filters: Filters, skip: frozenset[str], kv_cache: KVCacheType = "f16") -> Budget | None:
        """The memory the request states; `kv_cache` is the user's KV cache type (/prefs); images asked mean the
        vision projector is loaded too."""
        if not filters.memory_gb or "memory" in skip:
            return None
        return Budget(
            memory_gb=filters.memory_gb,
            kind=filters.memory_kind or "ram",
            context=filters.min_context or self.options.default_context,
            unified_share=self.options.unified_share,
            offload_ram_gb=self.options.offload_ram_gb,
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

            files = [file for file in model.files if not filters.quants or file.quant in filters.quants]
            shape = _with_geometry(model.shape, underlying.shape)
            fit = best_fit(shape, budget or Budget(1e6, "ram", context), files) if files or model.params else None
            if budget is not None and (fit is None or not fit.fits):
                continue
            download = _download(model, fit, files)
            level_rank = LEVEL_RANK[fit.level] if fit else 3
            exact = bool(fit and fit.estimate and fit.estimate.exact_weights)
            quant_rank = _quant_rank(download.quant if download else None)
            choices.append(((level_rank, not exact, quant_rank, -model.downloads), model, fit, download))
        if not choices:
            return None
        _rank, chosen, fit, download = min(choices, key=lambda choice: choice[0])
        shown = underlying if keep[group] or chosen.id == underlying.id else chosen
        return Result(shown, download, fit, 0.0, tuple(reasons(shown, fit, download, budget, filters)))


def _with_geometry(shape: Shape, base: Shape) -> Shape:
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


def _quant_rank(quant: str | None) -> int:
    if quant is None:
        return len(QUALITY_ORDER) + 1
    try:
        return QUALITY_ORDER.index(quant.upper().removeprefix("UD-"))
    except ValueError:
        return len(QUALITY_ORDER)


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
                },
            )
        )
        why += [Reason("fit_note", {"text": note}) for note in fit.notes]
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
