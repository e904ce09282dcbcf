"""Answers for requests about named models (issue 12): the parsed `intent` routes them.

derived → X's quants and fine-tunes under the request's other filters; fit → X at the stated memory;
model_info → X's own card; compare → the named models side by side. `recommend` and `alternatives` are
`Sommelier.ask`'s own paths, so `by_intent` answers None for them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from recommender.filters import Filters
from recommender.fit import Budget, KVCacheType
from recommender.recommend import Answer, Recommender, Result
from recommender.related import Resolved, resolve

# A repo id, or a name with a digit ("Qwen2.5-7B", "llama3"): each part bounded, so the scan is linear.
_COMPARED_RE = re.compile(
    r"(?<![\w.\-/])([A-Za-z][\w.\-]{0,60}+/[\w.\-]{1,80}+|[A-Za-z][\w.\-]{0,60}+\d[\w.\-]{0,40}+)"
)


def compared_names(text: str) -> list[str]:
    """The model names in a comparison, in order, at most five."""
    names = (match.group(1).rstrip(".,;:!?") for match in _COMPARED_RE.finditer(text))
    return list(dict.fromkeys(names))[:5]


def resolved(recommender: Recommender, name: str) -> int | None:
    """The catalog position of a fuzzy name; of several alike versions the first ("Mistral 7B")."""
    found = resolve(recommender, name)
    if found.index is None and found.candidates:
        found = Resolved(recommender.view.find(found.candidates[0]))
    return found.index


def entry_of(recommender: Recommender, index: int, filters: Filters, budget: Budget | None) -> Result | None:
    """One model's Result: its best download for the budget, else (it does not fit) the model unfitted."""
    view = recommender.view
    keep = recommender.mask(Filters())
    group = int(view.group[index])
    result = recommender.entry(group, keep, filters, budget)
    if result is None and budget is not None:
        result = recommender.entry(group, keep, filters, None)
    return result


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
        return Answer(filters, (), tuple(derived_results(recommender, index, others, limit, kv_cache, ram_gb)))
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
) -> list[Result]:
    """X's quants and fine-tunes (the model tree's children) that pass the filters, most downloaded first,
    each with its own best download for the stated budget."""
    view = recommender.view
    keep = recommender.mask(filters)
    budget = recommender.budget_for(filters, frozenset(), kv_cache, ram_gb)
    results: list[Result] = []
    for child in sorted(view.children.get(index, []), key=lambda child: -view.downloads[child]):
        if len(results) >= limit:
            break
        if not keep[child]:
            continue
        only = keep.copy()
        only[:] = False
        only[child] = True
        result = recommender.entry(int(view.group[child]), only, filters, budget)
        if result is not None:
            results.append(result)
    return results
