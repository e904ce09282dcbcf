"""The recommender's one entry point for the fronts (CLI, Telegram): requests in, answers out.

`Sommelier(catalog, parser, search)` holds the request parser, the catalog view (reloaded after a sync) and
an optional semantic search; every method takes plain values and returns plain dataclasses or dicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from index.store import Catalog
from recommender import speed
from recommender.errors import AmbiguousModel, RecommenderError, UnknownModel
from recommender.filters import Filters
from recommender.fit import Budget, Fit, KVCacheType, MemoryKind, best_fit
from recommender.intents import by_intent
from recommender.launch import RunCommand, run_commands
from recommender.parse import RequestParser
from recommender.reasons import Reason
from recommender.recommend import Answer, Recommender, RecommendOptions, Result, Search, default_filters
from recommender.related import TOP_LISTS, Resolved, alternatives, compare, derived, resolve, top
from recommender.view import CatalogView

_NEWER_RE = re.compile(r"\bnewer\b|\bmore\s{1,3}recent\b|новее|посвежее|современнее|поновее")


@dataclass(frozen=True, slots=True)
class FitAnswer:
    model_id: str
    fit: Fit
    download_repo: str | None
    download_file: str | None
    note: Reason | None
    speed: dict[str, Any] | None = None  # the "speed" reason's values (recommender/speed.py)
    run: tuple[RunCommand, ...] = ()  # the commands that run the download as sized (recommender/launch.py)

    def to_dict(self) -> dict[str, Any]:
        estimate = self.fit.estimate
        return {
            "id": self.model_id,
            "fits": self.fit.level,
            "memory": {"budget_gb": self.fit.budget.memory_gb, "kind": self.fit.budget.kind},
            "context": self.fit.budget.context,
            "quant": estimate.quant if estimate else None,
            "download": {"repo": self.download_repo, "file": self.download_file},
            "weights_gb": round(estimate.weights_bytes / 1e9, 2) if estimate else None,
            "kv_cache_gb": round(estimate.kv_bytes / 1e9, 2) if estimate else None,
            "kv_cache_type": self.fit.budget.kv_cache,
            "mmproj_gb": round(estimate.mmproj_bytes / 1e9, 2) if estimate and estimate.mmproj_bytes else None,
            "overhead_gb": round(estimate.overhead_bytes / 1e9, 2) if estimate else None,
            "needed_gb": round(estimate.needed_bytes / 1e9, 2) if estimate else None,
            "exact_file_size": bool(estimate and estimate.exact_weights),
            "below_q4_k_m": self.fit.below_preferred,
            "notes": [note.to_dict() for note in (*self.fit.notes, *([self.note] if self.note else []))],
            "tokens_per_s": self.fit.tokens_per_s,
            "speed": self.speed,
            "run": [command.to_dict() for command in self.run],
        }


class Sommelier:
    def __init__(
        self,
        catalog: Catalog,
        parser: RequestParser,
        options: RecommendOptions | None = None,
        search: Search | None = None,
    ) -> None:
        self.catalog = catalog
        self.parser = parser
        self.options = options or RecommendOptions()
        self.search = search

    @property
    def recommender(self) -> Recommender:
        return Recommender(CatalogView.current(self.catalog), self.options, self.search)

    # -- requests ----------------------------------------------------------------------------------------
    def ask(
        self,
        text: str,
        prefs: Filters | None = None,
        limit: int | None = None,
        kv_cache: KVCacheType = "f16",
        ram_gb: float | None = None,
    ) -> tuple[Answer, str]:
        """(answer, parser kind). A request naming a base model ("alternatives to X") answers with X's
        alternatives under the other filters. `kv_cache`: the user's KV cache type (f16, q8_0, q4_0)."""
        parsed = self.parser.parse(text)
        filters = default_filters(parsed.filters, prefs)
        return self.answer(filters, text, limit, kv_cache, ram_gb), parsed.parser

    def answer(
        self,
        filters: Filters,
        text: str,
        limit: int | None = None,
        kv_cache: KVCacheType = "f16",
        ram_gb: float | None = None,
    ) -> Answer:
        """The answer to a request already read into `filters` (a watch re-asks with its stored filters after
        every sync, without reading the text again)."""
        recommender = self.recommender
        ram_gb = ram_gb or filters.ram_gb  # RAM stated in the request when the prefs give none
        routed = by_intent(recommender, filters, text, limit or self.options.limit, kv_cache, ram_gb)
        if routed is not None:
            return routed
        if filters.base_model:
            found = resolve(recommender, filters.base_model)
            if found.index is None and found.candidates:  # "Mistral 7B": its versions are alike; take the first
                found = Resolved(recommender.view.find(found.candidates[0]))
            if found.index is not None:
                others = replace(filters, base_model=None, families=[], params_min_b=None, params_max_b=None)
                newer = filters.sort == "newest" or bool(_NEWER_RE.search(text.lower()))
                results = alternatives(recommender, found.index, others, limit or self.options.limit, newer)
                return Answer(filters, (), tuple(results))
        return recommender.ask(filters, text, limit, kv_cache, ram_gb)

    def better_alternative(self, answer: Answer) -> Result | None:
        """A model like the first answer that scores better on the leaderboard and passes the same filters."""
        if not answer.results:
            return None
        recommender = self.recommender
        index = recommender.view.find(answer.results[0].model.id)
        if index is None:
            return None
        filters = replace(answer.filters, base_model=None, families=[], params_min_b=None, params_max_b=None)
        shown = {result.model.id for result in answer.results}
        for result in alternatives(recommender, index, filters, 8):
            ready = result.download is not None and result.download.file is not None
            if result.better and result.model.id not in shown and result.model.kind != "base" and ready:
                return result
        return None

    def model_index(self, name: str) -> int:
        found: Resolved = resolve(self.recommender, name)
        if found.index is None:
            if found.candidates:
                raise AmbiguousModel(name, found.candidates)
            raise UnknownModel(name)
        return found.index

    def fit(
        self,
        name: str,
        memory_gb: float,
        kind: MemoryKind = "ram",
        context: int | None = None,
        kv_cache: KVCacheType = "f16",
        vision: bool = False,
        ram_gb: float | None = None,
    ) -> FitAnswer:
        """The best quant of a model for a memory budget; for an original model, its best quantized copy.
        `kv_cache`: the KV cache type (f16, q8_0, q4_0 — llama.cpp's --cache-type-k/-v); `vision`: images too,
        so the vision projector (mmproj) is counted."""
        recommender = self.recommender
        view = recommender.view
        index = self.model_index(name)
        budget = Budget(
            memory_gb=memory_gb,
            kind=kind,
            context=context or self.options.default_context,
            unified_share=self.options.unified_share,
            offload_ram_gb=(ram_gb or 0.0) if kind == "vram" else 0.0,
            kv_cache=kv_cache,
            vision=vision,
        )
        group = int(view.group[index])
        keep = recommender.mask(Filters())
        result = recommender.entry(group, keep, Filters(), budget)
        model = view.model(index)
        if result is not None and result.fit is not None and result.download is not None:
            note = None
            if result.download.file is None and not model.files:
                note = Reason("self_quantize")
            result = speed.with_speed(result, speed.hardware_for("", kind))  # the memory kind's assumed hardware
            found = next((reason.values for reason in result.reasons if reason.code == "speed"), None)
            assert result.fit is not None and result.download is not None
            download = result.download
            return FitAnswer(model.id, result.fit, download.repo, download.file, note, found, result.run_commands())
        own = best_fit(model.shape, budget, model.files)
        file = own.estimate.file if own.estimate else None
        run = run_commands(model.id, file, own.estimate.quant if own.estimate else None, own,
                           vision_model="vision" in model.tasks)  # fmt: skip
        return FitAnswer(model.id, own, model.id if file else None, None, None, run=run)

    def run_commands(self, index: int) -> tuple[RunCommand, ...]:
        """The commands that run a model with no memory stated (the model card): its own download when it is
        one (a GGUF file near Q4_K_M, its MLX/GPTQ/AWQ repo), else its best quantized copy's."""
        recommender = self.recommender
        view = recommender.view
        group = int(view.group[index])
        itself = np.zeros(view.size, dtype=bool)
        itself[index] = True
        for keep in (itself, recommender.mask(Filters())):
            result = recommender.entry(group, keep, Filters(), None)
            commands = result.run_commands() if result is not None else ()
            if commands:
                return commands
        return ()

    def compare(self, names: list[str], context: int | None = None) -> dict[str, Any]:
        if not 2 <= len(names) <= 5:
            raise RecommenderError("compare takes 2 to 5 models")
        indices = [self.model_index(name) for name in names]
        return compare(self.recommender, indices, context or self.options.default_context)

    def alternatives(self, name: str, limit: int | None = None) -> list[Result]:
        return alternatives(self.recommender, self.model_index(name), None, limit or self.options.limit)

    def derived(self, name: str, limit: int = 10) -> dict[str, Any]:
        return derived(self.recommender, self.model_index(name), limit)

    def top(self, name: str, limit: int = 10) -> list[Result]:
        if name not in TOP_LISTS:
            raise RecommenderError(f"no list {name!r}: choose one of {', '.join(TOP_LISTS)}")
        return top(self.recommender, name, limit)
