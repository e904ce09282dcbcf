"""Models around a model: alternatives, side-by-side comparisons, derived models, ready TOP lists, and the
resolution of fuzzy names ("mistral 7b") to catalog ids."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from recommender.filters import Filters
from recommender.fit import COMMON_QUANTS, GB, estimate
from recommender.recommend import MIN_ANSWERS, Recommender, Result, second_rate, unwanted
from recommender.view import line_of

ALTERNATIVE_SPAN = 0.35  # parameters within ±35%
_SPLIT_RE = re.compile(r"[\s_\-/.:]+")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A name resolved to one catalog position, or the candidates when it is ambiguous."""

    index: int | None
    candidates: tuple[str, ...] = ()


def resolve(recommender: Recommender, name: str, limit: int = 5) -> Resolved:
    """An exact id (any case), else the most downloaded models whose id contains every word of `name`: one
    clear winner (10x the downloads of the next) is taken, otherwise the candidates come back."""
    view = recommender.view
    exact = view.find(name)
    if exact is not None:
        return Resolved(exact)
    words = [word for word in _SPLIT_RE.split(name.lower()) if word]
    if not words:
        return Resolved(None)

    matches = view.named(words, "name") or view.named(words, "id")  # the repo name first ("mistral" is also an org)
    matches.sort(key=lambda index: -view.downloads[index])
    originals = [index for index in matches if not view.is_quant[index]] or matches
    named = [index for index in originals if _names_exactly(view.rows[index]["id"], words)]
    if len(named) == 1:  # "DeepSeek R1 0528" is deepseek-ai/DeepSeek-R1-0528, not its -Qwen3-8B distill
        return Resolved(named[0])
    if len(originals) == 1 or (
        len(originals) > 1 and view.downloads[originals[0]] >= 10 * max(1.0, view.downloads[originals[1]])
    ):
        return Resolved(originals[0])
    return Resolved(None, tuple(view.rows[index]["id"] for index in originals[:limit]))


def _names_exactly(model_id: str, words: list[str]) -> bool:
    """The repo's name is those words and nothing more, or they with one leading brand word added before them
    ("Llama 3 8B" names meta-llama/Meta-Llama-3-8B, not its -Instruct nor Llama-3.1-8B)."""
    name = [word for word in _SPLIT_RE.split(model_id.rpartition("/")[2].lower()) if word]
    return name == words or (len(name) == len(words) + 1 and name[1:] == words and name[0].isalpha())


SCAN_FACTOR = 6  # alternatives looked at per one asked for


def alternatives(
    recommender: Recommender, index: int, filters: Filters | None = None, limit: int = 5, newer: bool = False
) -> list[Result]:
    """Same family or architecture, parameters within ±35%, a compatible format, never the model's own other
    versions; other families of that size when the family has few; ranked, the ones that score better on a
    leaderboard marked. `newer`: only models released after it. Semantic neighbours fill in when few exist."""
    view = recommender.view
    filters = filters or Filters()
    group = int(view.group[index])
    params = view.params[group] if not np.isnan(view.params[group]) else view.params[index]
    row = view.rows[group]
    keep = recommender.mask(filters)
    same_kind = np.zeros(view.size, dtype=bool)
    if row["family"] is not None:
        same_kind |= view.any_of("family", [row["family"]])
    if row["architecture"] is not None:
        same_kind |= view.any_of("architecture", [row["architecture"]])
    sized = np.ones(view.size, dtype=bool)
    if not np.isnan(params):
        sized = (view.params >= params * (1 - ALTERNATIVE_SPAN)) & (view.params <= params * (1 + ALTERNATIVE_SPAN))
    own_line = line_of(row["id"].lower())
    keep &= sized & (view.group != group)
    keep &= view.lines[view.group] != own_line  # not its own other versions (nor their quants)
    if newer:  # "like X but newer": released after it
        keep &= view.created > view.created[group]
    candidates = np.flatnonzero(keep & same_kind & view.labs[view.group])  # model labs' own models first
    if len(candidates) < limit:  # few of its family at that size: other families' own models of the same size
        candidates = np.flatnonzero(keep & view.labs[view.group])
    if len(candidates) < limit:  # community fine-tunes only when the labs have too few
        candidates = np.flatnonzero(keep)
    if len(candidates) < limit and recommender.search is not None:
        text = " ".join(str(part) for part in (row["id"], row["family"], row["architecture"]) if part)
        near = {num for num, _ in recommender.search(text, None, limit * 4)}
        extra = [view.num_position[num] for num in near if num in view.num_position]
        candidates = np.unique(np.concatenate([candidates, np.asarray(extra, dtype=np.int64)]))
        candidates = candidates[view.group[candidates] != group]
    own_quality = view.quality[group]

    def better(other: int) -> bool:
        """Scores better on a leaderboard both have a score on (Open LLM Leaderboard v2, else Arena Elo); never
        a guess from downloads or likes: without scores, nothing is "better"."""
        if not np.isnan(own_quality) and not np.isnan(view.quality[other]):
            return bool(view.quality[other] > own_quality)
        own_elo, other_elo = view.elo[group], view.elo[other]
        return bool(not np.isnan(own_elo) and not np.isnan(other_elo) and other_elo > own_elo)

    ordered = recommender.order(candidates, Filters(sort="best"), {}) if len(candidates) else candidates
    budget = recommender.budget_for(filters, frozenset())
    fallback: list[Result] = []
    results: list[Result] = []
    seen: set[int] = set()
    mask = np.zeros(view.size, dtype=bool)
    mask[candidates] = True
    for candidate in ordered:
        member_group = int(view.group[candidate])
        if member_group in seen:
            continue
        seen.add(member_group)
        if len(seen) > limit * SCAN_FACTOR:
            break  # enough looked at: a catalog of old or unsuitable neighbours is not read to its end
        mask[member_group] = True
        result = recommender.entry(member_group, mask, filters, budget)
        if result is None:
            continue
        if better(member_group):
            result = replace(result, better=True)
        if second_rate(view, result):  # below Q4_K_M, offloaded, slow: only to fill up; unwanted: never
            if not unwanted(view, result):
                fallback.append(result)
            continue
        results.append(result)
        if len(results) >= limit:
            break
    return results + fallback[: max(0, MIN_ANSWERS - len(results))]


def compare(recommender: Recommender, indices: list[int], context: int = 4096) -> dict[str, Any]:
    """Rows of facts for 2-5 models, with the best value of each row marked."""
    view = recommender.view
    models = [view.model(index) for index in indices]
    rows: dict[str, list[Any]] = {
        "params_b": [round(m.params / 1e9, 2) if m.params else None for m in models],
        "family": [m.family for m in models],
        "context_length": [m.context_length for m in models],
        "license": [m.license for m in models],
        "commercial": [m.commercial for m in models],
    }
    for quant in COMMON_QUANTS:
        values = []
        for model in models:
            found = estimate(model.shape, quant, context, model.files)
            values.append(round(found.needed_bytes / GB, 1) if found else None)
        rows[f"memory_{quant.lower()}_gb"] = values
    sources = sorted({source for model in models for source in model.scores})
    for source in sources:
        rows[f"score_{source}"] = [
            round(model.scores[source]["average"], 2) if source in model.scores else None for model in models
        ]
    rows["downloads"] = [m.downloads for m in models]
    rows["likes"] = [m.likes for m in models]
    rows["trend"] = [m.trend for m in models]
    rows["created"] = [(m.created_at or "")[:10] or None for m in models]
    rows["base_model"] = [m.base_model for m in models]
    best: dict[str, int | None] = {}
    higher = {"context_length", "downloads", "likes", "trend", *(f"score_{source}" for source in sources)}
    lower = {f"memory_{quant.lower()}_gb" for quant in COMMON_QUANTS}
    for key, values in rows.items():
        numbers = [(value, position) for position, value in enumerate(values) if isinstance(value, int | float)]
        if key in higher and numbers:
            best[key] = max(numbers)[1]
        elif key in lower and numbers:
            best[key] = min(numbers)[1]
        elif key == "commercial":
            order = {"yes": 0, "conditional": 1, "unknown": 2, "no": 3}
            best[key] = min(range(len(values)), key=lambda position: order.get(str(values[position]), 4))
    return {"models": [m.id for m in models], "rows": rows, "best": best}


def derived(recommender: Recommender, index: int, limit: int = 10) -> dict[str, Any]:
    """Models whose base is this one: counts per relation and the top ones of each, most downloaded first."""
    view = recommender.view
    children = view.children.get(index, [])
    counts = Counter(view.rows[child]["relation"] or "finetune" for child in children)
    ranked = sorted(children, key=lambda child: -view.downloads[child])
    top: dict[str, list[dict[str, Any]]] = {}
    for child in ranked:
        relation = view.rows[child]["relation"] or "finetune"
        if len(top.setdefault(relation, [])) < limit:
            model = view.model(child)
            top[relation].append({"id": model.id, "downloads": model.downloads, "likes": model.likes, "url": model.url})
    return {"base": view.rows[index]["id"], "counts": dict(counts), "top": top}


TOP_LISTS: dict[str, Filters] = {
    "trending": Filters(sort="trending"),
    "commercial": Filters(commercial=True, sort="best"),
    "fits-8gb": Filters(memory_gb=8, memory_kind="ram", sort="best"),
    "fits-16gb": Filters(memory_gb=16, memory_kind="ram", sort="best"),
    "fits-24gb": Filters(memory_gb=24, memory_kind="vram", sort="best"),
    "code": Filters(tasks=["code"], sort="best"),
    "uncensored": Filters(uncensored=True, sort="best"),
    "instruct": Filters(tasks=["chat"], sort="best"),
    "small": Filters(params_max_b=3.6, sort="best"),
    "7-8b": Filters(params_min_b=6.5, params_max_b=8.5, sort="best"),
    "13-14b": Filters(params_min_b=12, params_max_b=14.5, sort="best"),
    "30-34b": Filters(params_min_b=29, params_max_b=35, sort="best"),
    "70b+": Filters(params_min_b=65, sort="best"),
    "long-context": Filters(min_context=131072, sort="best"),
    "russian": Filters(languages=["ru"], sort="best"),
}


def top(recommender: Recommender, name: str, limit: int = 10) -> list[Result]:
    """A ready list (TOP_LISTS): nothing relaxed; an unknown name raises KeyError. Computed once per catalog
    generation (`warm_lists` after a sync), then served from the view."""
    key = (name, limit)
    cached = recommender.view.lists.get(key)
    if cached is None:
        cached = recommender.view.lists[key] = recommender.answer_for(TOP_LISTS[name], "", limit, frozenset())
    return list(cached)


def warm_lists(recommender: Recommender, limit: int = 10) -> float:
    """Compute every TOP list for the current view; seconds taken."""
    started = time.perf_counter()
    for name in TOP_LISTS:
        top(recommender, name, limit)
    return time.perf_counter() - started
