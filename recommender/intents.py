"""Answers for requests about named models (issue 12): the parsed `intent` routes them.

derived → X's quants and fine-tunes under the request's other filters; fit → X at the stated memory;
model_info → X's own card; compare → the named models side by side. `recommend` and `alternatives` are
`Sommelier.ask`'s own paths, so `by_intent` answers None for them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from recommender.filters import Filters
from recommender.fit import Budget, KVCacheType, best_fit
from recommender.recommend import Answer, Download, Recommender, Result, reasons, with_geometry
from recommender.related import Resolved, resolve
from recommender.rules import model_names, normalise

# A word that may be a model name: a repo id or a bare name, each part bounded and possessive (linear scan);
# `compared_names` keeps the repo ids and the names with a digit ("Qwen2.5-7B", "llama3").
_COMPARED_RE = re.compile(r"(?<![\w.\-/])([A-Za-z][\w.\-]{0,100}+(?:/[\w.\-]{1,80}+)?)")
_DIGIT_RE = re.compile(r"\d")


def compared_names(text: str) -> list[str]:
    """The model names in a comparison, in order, at most five: repo ids and names with a digit, and the
    family names with their versions the rules read ("Gemma 3 27B", "Devstral"); a name inside another is
    one name."""
    words = [(m.group(1).rstrip(".,;:!?"), m.start(1)) for m in _COMPARED_RE.finditer(normalise(text))]
    spans = [(name, at) for name, at in words if "/" in name or _DIGIT_RE.search(name)] + model_names(text)
    spans.sort(key=lambda item: (item[1], -len(item[0])))
    names: list[str] = []
    end = -1
    for name, at in spans:
        if at >= end:  # not inside the name before it
            names.append(name)
            end = at + len(name)
    return list(dict.fromkeys(names))[:5]


def resolved(recommender: Recommender, name: str) -> int | None:
    """The catalog position of a fuzzy name; of several alike versions the first ("Mistral 7B")."""
    found = resolve(recommender, name)
    if found.index is None and found.candidates:
        found = Resolved(recommender.view.find(found.candidates[0]))
    return found.index


# What a request for a model's derivatives names: its fine-tunes (and merges), or its quantized copies.
_FINETUNES_RE = re.compile(r"fine-?tun|finetun|merge|файн-?тюн|дообуч|мерж|мёрж")
_QUANTS_RE = re.compile(r"quant|gguf|gptq|awq|exl2|mlx|квант")


def entry_of(recommender: Recommender, index: int, filters: Filters, budget: Budget | None) -> Result | None:
    """One model's Result: its best download for the budget; when nothing of it fits, its smallest allowed
    file said not to fit (a "will it run" question gets a plain no, never an answer for another machine)."""
    view = recommender.view
    keep = recommender.mask(Filters())
    group = int(view.group[index])
    result = recommender.entry(group, keep, filters, budget)
    if result is None and budget is not None:
        result = recommender.entry(group, keep, filters, None)
        if result is not None:
            result = _not_fitting(recommender, result, filters, budget)
    return result


def _not_fitting(recommender: Recommender, result: Result, filters: Filters, budget: Budget) -> Result:
    """`result` (the model with its download, sized for no budget) at the smallest file it could run from under
    `budget`, with a Fit of level "no" saying by how much it does not fit."""
    view = recommender.view
    repo = result.download.repo if result.download is not None else result.model.id
    member = view.find(repo)
    holder = view.model(member) if member is not None else result.model
    fit = best_fit(with_geometry(holder.shape, result.model.shape), budget, holder.files, asked=filters.quants)
    if fit.estimate is None:
        return result
    estimate = fit.estimate
    download = Download(repo, estimate.file, estimate.quant if estimate.file or holder.files else None,
                        int(estimate.weights_bytes))  # fmt: skip
    why = tuple(reasons(result.model, fit, download, budget, filters))
    return replace(result, download=download, fit=fit, reasons=why)


def by_intent(
    recommender: Recommender,
    filters: Filters,
    text: str,
    limit: int,
    kv_cache: KVCacheType = "f16",
    ram_gb: float | None = None,
) -> Answer | None:
    """The answer the request's intent asks for, or None when `ask`'s own paths answer it."""
    intent = filters.intent
    if intent == "model_info" and filters.memory_gb:  # a question about one model with memory stated: will it run
        intent = "fit"
    if intent == "compare":
        indices = [index for name in compared_names(text) if (index := resolved(recommender, name)) is not None]
        if len(set(indices)) < 2:
            return None
        entries = (entry_of(recommender, index, Filters(), None) for index in dict.fromkeys(indices))
        return Answer(filters, (), tuple(entry for entry in entries if entry is not None))
    if intent not in ("derived", "fit", "model_info") or not filters.base_model:
        return None
    index = resolved(recommender, filters.base_model)
    if index is None:
        return None
    others = replace(filters, base_model=None, families=[], params_min_b=None, params_max_b=None, intent=None)
    if intent == "derived":
        relations = _relations(text)
        found = derived_results(recommender, index, others, limit, kv_cache, ram_gb, relations)
        return Answer(filters, (), tuple(found))
    budget = recommender.budget_for(others, frozenset(), kv_cache, ram_gb) if intent == "fit" else None
    entry = entry_of(recommender, index, others if intent == "fit" else Filters(), budget)
    return Answer(filters, (), (entry,) if entry is not None else ())


def derived_results(
    recommender: Recommender,
    index: int,
    filters: Filters,
    limit: int,
    kv_cache: KVCacheType = "f16",
    ram_gb: float | None = None,
    relations: str = "all",
) -> list[Result]:
    """X's quants and fine-tunes (the model tree's children) that pass the filters, most downloaded first,
    each with its own best download for the stated budget; `relations`: "finetunes" (no quantized copies),
    "quants" (only those) or "all"."""
    view = recommender.view
    keep = recommender.mask(filters, frozenset(("uncensored",)))  # a model's tree: its abliterated versions too
    budget = recommender.budget_for(filters, frozenset(), kv_cache, ram_gb)
    results: list[Result] = []
    for child in sorted(view.children.get(index, []), key=lambda child: -view.downloads[child]):
        if len(results) >= limit:
            break
        if not keep[child]:
            continue
        quantized = view.rows[child]["relation"] == "quantized"
        if (relations == "finetunes" and quantized) or (relations == "quants" and not quantized):
            continue
        only = keep.copy()
        only[:] = False
        only[child] = True
        result = recommender.entry(int(view.group[child]), only, filters, budget)
        if result is not None:
            results.append(result)
    return results


def _relations(text: str) -> str:
    """Which derivatives a request names: "finetunes", "quants", or "all" (both or neither)."""
    lowered = text.lower()
    finetunes, quants = bool(_FINETUNES_RE.search(lowered)), bool(_QUANTS_RE.search(lowered))
    return "finetunes" if finetunes and not quants else "quants" if quants and not finetunes else "all"
