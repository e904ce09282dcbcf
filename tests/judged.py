"""The expert-judged set of issue 15: the frozen catalog, the requests, and the scoring.

The catalog: the real 2025 Hub records of ../shared/data/hub/models-2025.jsonl plus the 2026 snapshot of
tests/fixtures/catalog_2026.jsonl (repos, quant files and sizes; made by make_catalog_2026.py), served by the
loopback Hub and synced with the real client, "today" pinned to 2026-12-01.

The requests (tests/fixtures/judged_requests.jsonl), one JSON object a line::

    {"id", "text", "lang": "en"|"ru", "intent": "recommend"|"fit"|"compare"|"alternatives"|"derived"|"model_info",
     "memory": {"gb": 16, "kind": "vram"|"ram"|"unified"} | null, "args": {...} (routed intents),
     "acceptable": [pattern, ...], "unacceptable": [{"pattern", "rule", "reason"}, ...], "note": "..."}

Patterns, matched case-insensitively against one answer row (an answer: the model shown, the repo and file to
download, its quant, fit level, estimated memory, licence class):

- ``glob`` — the shown model id or the download repo matches (fnmatch);
- ``same:ORG/NAME`` — the answer *is* that model: the shown model is it or a quantized copy of it, and the
  download repo (if any) is it or a quantized copy of it (never a fine-tune's or merge's file);
- ``model:glob``, ``repo:glob``, ``file:glob``, ``quant:glob``, ``fits:glob``, ``commercial:glob``,
  ``relation:glob`` — one field;
- ``needs>N`` / ``needs<N`` — the estimated memory needed is above / below N GB;
- ``a & b`` — both.

An acceptable top-1 answer matches at least one ``acceptable`` pattern; an answer in the top 5 matching an
``unacceptable`` pattern is unsound, reported with its rule.

Routing (``route``): recommend and alternatives go through ``Sommelier.ask(text)`` (the service turns
"alternatives to X" into X's alternatives); fit, derived, model_info and compare go to the service method
that answers them today (``fit``, ``derived``, the model card, ``compare``) with the request's ``args``,
since ``ask`` cannot yet tell these intents apart. ``mode="ask"`` sends every request through ``ask`` (what
issue 15 wants in the end: the intent from the text).
"""

from __future__ import annotations

import fnmatch
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from index.hub import Hub
from index.shape_sync import ShapeOptions
from index.store import Catalog
from index.sync import run_sync
from recommender.recommend import RecommendOptions
from tests.hubserver import FakeHub, load_shared_records
from tests.records import fast_hub_options, sync_options

FIXTURES = Path(__file__).parent / "fixtures"
REQUESTS = FIXTURES / "judged_requests.jsonl"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def recommend_options() -> RecommendOptions:
    """Ranking as of the day the frozen catalog is synced: a model's recency counts from then, not from the day the
    set is run (the wall clock would age every model of a catalog that never gets newer)."""
    return RecommendOptions(now_days=NOW.timestamp() / 86400)


INTENTS = ("recommend", "fit", "compare", "alternatives", "derived", "model_info")
LANGS = ("en", "ru")
MEMORY_KINDS = ("vram", "ram", "unified")
RULES = {
    "over_budget": "needs more than the stated memory (no offload unless RAM was stated)",
    "low_bits": "a quant below ~3 bits (IQ1, IQ2, Q2_K, IQ3_XXS) the user did not name",
    "f16_when_q8": "F16/BF16/F32 offered when Q8_0 exists and full precision was not asked",
    "gguf_name_on_quant": "a GGUF quant name on a GPTQ/AWQ/MLX/EXL2 repo",
    "toy": "a toy, research checkpoint, random-init, test or empty-card repo for a general request",
    "old_generation": "a 2023 model first while a newer generation of its family fits",
    "foreign_download": "the download is another model's file (a fine-tune's or merge's)",
    "wrong_intent": "alternatives given for 'fine-tunes of X' (or another intent answered instead)",
    "context": "the stated context requirement is not met",
    "licence": "the licence does not allow the commercial use asked for",
    "task": "not a model for the task asked (base model for chat, no vision for images, not the language...)",
    "wrong_model": "another model than the one named",
    "size": "outside the size the user stated",
}
#: Patterns kept although nothing in this catalog matches them: generic guards of a rule (a catalog of
#: tomorrow may hold plain IQ1/IQ2 files; this one has only unsloth's UD-IQ1_S and UD-Q2_K_XL).
DOCUMENTED_NEGATIVES = frozenset({"quant:IQ1*", "quant:IQ2*", "quant:IQ3_XXS"})
FIELDS = ("model", "repo", "file", "quant", "fits", "commercial", "relation")
Mode = Literal["routed", "ask"]


# -- the catalog


def catalog_records() -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(records, trees) of the frozen catalog: the 2025 shared records, then the 2026 snapshot (which wins on
    a duplicate id)."""
    mine = [json.loads(line) for line in (FIXTURES / "catalog_2026.jsonl").open(encoding="utf-8") if line.strip()]
    ids = {record["id"].lower() for record in mine}
    shared = [r for r in load_shared_records("models-2025.jsonl") if r["id"].lower() not in ids]
    with (FIXTURES / "catalog_2026_trees.json").open(encoding="utf-8") as handle:
        trees = json.load(handle)
    return shared + mine, trees


def build_catalog(path: Path) -> Catalog:
    """Sync the frozen catalog into ``path`` through the loopback Hub with the real client; the caller closes it."""
    records, trees = catalog_records()
    catalog = Catalog(path)
    with FakeHub(records, trees, page_size=500) as hub:
        run_sync(
            catalog,
            Hub(fast_hub_options(hub.url, page_size=500)),
            sync_options(
                min_downloads=0,
                stale_min_downloads=0,
                stale_days=100_000,
                gguf_tree_top_n=5000,
                gguf_tree_new_max=5000,
                batch_size=500,
                shapes=ShapeOptions(call_budget=5000),  # config.json geometry, as a production sync reads it
            ),
            now=NOW,
        )
    return catalog


def load_requests(path: Path = REQUESTS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# -- answers and patterns


@dataclass(frozen=True, slots=True)
class Row:
    """One answer, as the judge sees it."""

    model: str
    repo: str | None = None
    file: str | None = None
    quant: str | None = None
    fits: str | None = None
    needed_gb: float | None = None
    commercial: str | None = None
    relation: str | None = None
    same: frozenset[str] = frozenset()  # the model itself and, for a quantized copy, its base
    repo_same: frozenset[str] = frozenset()

    def short(self) -> str:
        download = f" → {self.repo}" if self.repo and self.repo != self.model else ""
        file = f" [{self.file}]" if self.file else (f" [{self.quant}]" if self.quant else "")
        fits = f" {self.fits}" if self.fits else ""
        needed = f" {self.needed_gb:.1f} GB" if self.needed_gb is not None else ""
        return f"{self.model}{download}{file}{fits}{needed}"


def _glob(pattern: str, value: str | None) -> bool:
    return value is not None and fnmatch.fnmatchcase(value.lower(), pattern.lower())


def _atom(pattern: str, row: Row) -> bool:
    pattern = pattern.strip()
    if pattern.startswith("needs>"):
        return row.needed_gb is not None and row.needed_gb > float(pattern[6:])
    if pattern.startswith("needs<"):
        return row.needed_gb is not None and row.needed_gb < float(pattern[6:])
    if pattern.startswith("same:"):
        target = pattern[5:].lower()
        return target in row.same and (row.repo is None or target in row.repo_same)
    head, _, rest = pattern.partition(":")
    if rest and head in FIELDS:
        value = getattr(row, head)
        if head == "file" and value is not None:
            value = value.rsplit("/", 1)[-1]
        return _glob(rest, value)
    return _glob(pattern, row.model) or _glob(pattern, row.repo)


def matches(pattern: str, row: Row) -> bool:
    return all(_atom(part, row) for part in pattern.split("&"))


# -- running the service


@dataclass
class Outcome:
    request: dict[str, Any]
    rows: list[Row]
    route: str
    hit1: bool = False
    hit5: bool = False
    unsound: list[tuple[int, str, str, str]] = field(default_factory=list)  # (rank, pattern, rule, reason)
    error: str | None = None

    @property
    def id(self) -> str:
        return str(self.request["id"])


def _same(view: Any, model_id: str | None) -> frozenset[str]:
    if not model_id:
        return frozenset()
    out = {model_id.lower()}
    index = view.find(model_id)
    if index is not None:
        model = view.model(index)
        if model.relation == "quantized" and model.base_model:
            out.add(model.base_model.lower())
    return frozenset(out)


def _row_of_model(view: Any, model: Any, **values: Any) -> Row:
    repo = values.pop("repo", None)
    return Row(
        model=model.id,
        repo=repo,
        commercial=model.commercial,
        relation=model.relation,
        same=_same(view, model.id),
        repo_same=_same(view, repo),
        **values,
    )


def _rows_from_results(view: Any, results: Iterable[Any]) -> list[Row]:
    rows = []
    for result in results:
        download, fit = result.download, result.fit
        estimate = getattr(fit, "estimate", None) if fit is not None else None
        rows.append(
            _row_of_model(
                view,
                result.model,
                repo=download.repo if download else None,
                file=download.file if download else None,
                quant=download.quant if download else None,
                fits=getattr(fit, "level", None),
                needed_gb=round(estimate.needed_bytes / 1e9, 2) if estimate is not None else None,
            )
        )
    return rows


def answer(service: Any, request: dict[str, Any], mode: Mode = "routed") -> tuple[str, list[Row]]:
    """(route, rows) of one request."""
    view = service.recommender.view
    intent = request["intent"]
    args = request.get("args") or {}
    if mode == "ask" or intent in ("recommend", "alternatives"):
        found, _parser = service.ask(request["text"])
        return "ask", _rows_from_results(view, found.results)
    if intent == "fit":
        memory = request.get("memory") or {}
        fit = service.fit(
            args["model"],
            float(memory.get("gb") or args.get("memory_gb")),
            memory.get("kind") or "ram",
            args.get("context"),
        )
        estimate = fit.fit.estimate
        model = view.model(view.find(fit.model_id))
        row = _row_of_model(
            view,
            model,
            repo=fit.download_repo,
            file=fit.download_file,
            quant=estimate.quant if estimate else None,
            fits=fit.fit.level,
            needed_gb=round(estimate.needed_bytes / 1e9, 2) if estimate else None,
        )
        return "fit", [row]
    if intent == "derived":
        data = service.derived(args["model"], limit=10)
        relation = args.get("relation")
        groups = [data["top"].get(relation, [])] if relation else list(data["top"].values())
        entries = sorted((e for group in groups for e in group), key=lambda e: -e["downloads"])
        rows = []
        for entry in entries[:5]:
            index = view.find(entry["id"])
            if index is not None:
                rows.append(_row_of_model(view, view.model(index)))
        return "derived", rows
    if intent == "model_info":
        index = service.model_index(args["model"])
        return "model card", [_row_of_model(view, view.model(index))]
    if intent == "compare":
        data = service.compare(list(args["models"]))
        rows = [_row_of_model(view, view.model(view.find(model_id))) for model_id in data["models"]]
        return "compare", rows
    raise ValueError(f"unknown intent {intent!r}")


def judge(request: dict[str, Any], rows: Sequence[Row], route: str) -> Outcome:
    outcome = Outcome(request, list(rows), route)
    acceptable = request["acceptable"]
    top5 = list(rows)[:5]
    outcome.hit1 = bool(top5) and any(matches(p, top5[0]) for p in acceptable)
    outcome.hit5 = any(matches(p, row) for row in top5 for p in acceptable)
    for rank, row in enumerate(top5, 1):
        for bad in request["unacceptable"]:
            if matches(bad["pattern"], row):
                outcome.unsound.append((rank, bad["pattern"], bad["rule"], bad["reason"]))
    return outcome


def run(service: Any, requests: Sequence[dict[str, Any]], mode: Mode = "routed") -> list[Outcome]:
    outcomes = []
    for request in requests:
        try:
            route, rows = answer(service, request, mode)
        except Exception as error:  # a request the service cannot answer counts as a miss, with its reason
            outcome = Outcome(request, [], "error", error=f"{type(error).__name__}: {error}")
            outcomes.append(outcome)
            continue
        outcomes.append(judge(request, rows, route))
    return outcomes


# -- figures


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    hit1: int
    hit5: int
    unsound_requests: int
    unsound_answers: int
    by_rule: dict[str, int]
    by_lang: dict[str, tuple[int, int, int, int]]  # lang → (requests, hit1, hit5, unsound requests)
    by_intent: dict[str, tuple[int, int, int, int]]
    errors: int

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.total if self.total else 0.0

    @property
    def hit5_rate(self) -> float:
        return self.hit5 / self.total if self.total else 0.0


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    by_rule: Counter[str] = Counter()
    groups: dict[str, dict[str, list[Outcome]]] = {"lang": defaultdict(list), "intent": defaultdict(list)}
    for outcome in outcomes:
        for _rank, _pattern, rule, _reason in outcome.unsound:
            by_rule[rule] += 1
        groups["lang"][outcome.request["lang"]].append(outcome)
        groups["intent"][outcome.request["intent"]].append(outcome)

    def counts(items: list[Outcome]) -> tuple[int, int, int, int]:
        return (len(items), sum(o.hit1 for o in items), sum(o.hit5 for o in items), sum(bool(o.unsound) for o in items))

    return Summary(
        total=len(outcomes),
        hit1=sum(o.hit1 for o in outcomes),
        hit5=sum(o.hit5 for o in outcomes),
        unsound_requests=sum(bool(o.unsound) for o in outcomes),
        unsound_answers=sum(len({rank for rank, *_ in o.unsound}) for o in outcomes),
        by_rule=dict(by_rule.most_common()),
        by_lang={key: counts(items) for key, items in sorted(groups["lang"].items())},
        by_intent={key: counts(items) for key in INTENTS if (items := groups["intent"].get(key))},
        errors=sum(o.error is not None for o in outcomes),
    )


def describe(outcome: Outcome) -> str:
    """One failure in a line or three: the request, the top answer, what was wrong."""
    request = outcome.request
    head = f"{outcome.id} ({request['lang']}, {request['intent']}, {outcome.route}): {request['text']!r}"
    if outcome.error:
        return f"{head}\n  error: {outcome.error}"
    top = outcome.rows[0].short() if outcome.rows else "(no answer)"
    lines = [head, f"  top 1: {top}"]
    for rank, pattern, rule, reason in outcome.unsound[:3]:
        lines.append(f"  unsound #{rank} [{rule}] {pattern}: {reason}")
    return "\n".join(lines)
