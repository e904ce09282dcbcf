"""Property test over the real catalog built from ../shared/data/hub (2022 + 2025 records): for many random
filter combinations every result satisfies every hard constraint, and under sort=best no eligible model with
a higher score is left out of the top k (checked against an independent brute-force filter)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.store import Catalog
from recommender.filters import Filters
from recommender.recommend import BOUND_TOLERANCE, PARAMS_TOLERANCE, Recommender, second_rate
from recommender.view import JUNK_RE, CatalogView
from tests.hubserver import load_shared_records, shared_data_dir
from tests.test_real_data import sync_all
from tests.test_recommend import _assert_satisfies

pytestmark = pytest.mark.slow

FAMILIES = ["llama", "mistral", "qwen", "gpt2", "gemma", "phi", "falcon", "opt", "bloom", "gpt-neox"]
TASKS = ["chat", "code", "math", "roleplay", "translation", "summarization"]
LICENSES = ["apache-2.0", "mit", "cc-by-nc-4.0", "openrail", "llama2"]


@pytest.fixture(scope="module")
def recommender(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recommender]:
    if shared_data_dir() is None:
        pytest.skip(
            "../shared/data not found: the real-catalog property test needs the Hub records beside the checkout"
        )
    records = load_shared_records("models-2022.jsonl") + load_shared_records("models-2025.jsonl")
    path: Path = tmp_path_factory.mktemp("real") / "catalog.db"
    with Catalog(path) as catalog:
        sync_all(catalog, records)
        yield Recommender(CatalogView.load(catalog))


def random_filters(rng: random.Random) -> Filters:
    values: dict[str, Any] = {}
    for key, chance, draw in (
        ("commercial", 0.3, lambda: True),
        ("families", 0.4, lambda: rng.sample(FAMILIES, rng.randint(1, 2))),
        ("licenses", 0.15, lambda: rng.sample(LICENSES, rng.randint(1, 2))),
        ("params_min_b", 0.25, lambda: rng.choice([0.1, 1, 3, 7, 13])),
        ("params_max_b", 0.3, lambda: rng.choice([1, 3, 8, 14, 34, 70])),
        ("min_context", 0.2, lambda: rng.choice([2048, 4096, 8192, 32768])),
        ("tasks", 0.2, lambda: [rng.choice(TASKS)]),
        ("languages", 0.15, lambda: [rng.choice(["en", "zh", "ru", "fr"])]),
        ("uncensored", 0.05, lambda: True),
        ("formats", 0.1, lambda: [rng.choice(["gguf", "safetensors"])]),
    ):
        if rng.random() < chance:
            values[key] = draw()
    if rng.random() < 0.35:
        values["memory_gb"] = rng.choice([4, 8, 12, 16, 24, 48])
        values["memory_kind"] = rng.choice(["ram", "vram", "unified"])
    return Filters.from_mapping(values)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return json.loads(value) if isinstance(value, str) and value else []


def eligible(row: dict[str, Any], filters: Filters) -> bool:
    """The hard filters written again, row by row, without the recommender's masks."""
    formats = _list(row["formats"])
    quant = row["relation"] == "quantized" or row["kind"] == "quantized"
    if quant and "gguf" not in formats and not set(formats) & set(filters.formats):
        return False
    params = row["params"]
    low = filters.params_min_b * 1e9 * PARAMS_TOLERANCE[0] if filters.params_min_b is not None else None
    tolerance = PARAMS_TOLERANCE[1] if filters.params_min_b == filters.params_max_b else BOUND_TOLERANCE
    high = filters.params_max_b * 1e9 * tolerance if filters.params_max_b is not None else None
    tiny = (filters.params_max_b is not None and filters.params_max_b <= 1) or (
        filters.params_min_b is not None and filters.params_min_b < 0.5
    )
    checks = [
        not JUNK_RE.search(row["id"].lower()),  # test, random-init and checkpoint repos
        tiny or params is None or params >= 0.5e9,  # toys only for those asking for tiny models
        filters.uncensored or not row["uncensored"],  # uncensored models only for those who ask
        not filters.commercial or row["commercial"] in ("yes", "conditional"),
        not filters.families or row["family"] in filters.families,
        not filters.licenses or row["license"] in filters.licenses,
        low is None or (params is not None and params >= low),
        high is None or (params is not None and params <= high),
        not filters.min_context or (row["context_length"] or 0) >= filters.min_context,
        set(filters.tasks) <= set(_list(row["tasks"])),
        set(filters.languages) <= set(_list(row["languages"])),
        not filters.uncensored or bool(row["uncensored"]),
        not filters.formats or bool(set(filters.formats) & set(formats)),
    ]  # fmt: skip
    return all(checks)


def test_random_filters_hold_and_nothing_better_is_left_out(recommender: Recommender) -> None:
    rng = random.Random(20261123)
    view = recommender.view
    checked_top = answered = 0
    for _ in range(120):
        filters = random_filters(rng)
        answer = recommender.ask(filters, limit=5)
        dropped = set(answer.relaxed)
        for result in answer.results:
            _assert_satisfies(result, _without(filters, dropped))
        if answer.results:
            answered += 1
        if filters.memory_gb or answer.relaxed or filters.sort not in (None, "best"):
            continue
        rows = [index for index in range(view.size) if eligible(view.rows[index], filters)]
        if not rows:
            assert not answer.results
            continue
        scores = recommender.scores(np.asarray(rows), {})
        best_per_group: dict[int, float] = {}
        for index, score in zip(rows, scores, strict=True):
            group = int(view.group[index])
            best_per_group[group] = max(best_per_group.get(group, -1e9), float(score))
        # The answer is ordered by the score once the download is known (quant quality, budget use...) and
        # keeps out unwanted models (superseded, base, merges...) when enough others exist. So: the ten best
        # groups by the catalog score, each judged independently, leave out none that is first-rate and
        # scores above the answer's last.
        shown = {int(view.group[view.find(result.model.id)]) for result in answer.results}
        lowest = min(result.score for result in answer.results)
        keep = recommender.mask(filters)
        for group, _ in sorted(best_per_group.items(), key=lambda item: -item[1])[:10]:
            entry = recommender.entry(group, keep, filters, None)
            if entry is None or second_rate(view, entry, filters.tasks):
                continue
            adjusted = recommender.adjusted(entry, False, filters)
            assert group in shown or adjusted <= lowest + 1e-9, (view.rows[group]["id"], adjusted, lowest)
        assert [result.score for result in answer.results] == sorted((r.score for r in answer.results), reverse=True)
        checked_top += 1
    assert answered >= 80 and checked_top >= 30


def _without(filters: Filters, dropped: set[str]) -> Filters:
    values = filters.to_dict()
    for key in dropped:
        if key == "params":
            values["params_min_b"] = values["params_max_b"] = None
        elif key == "memory":
            values["memory_gb"] = None
        else:
            values[key] = [] if isinstance(values[key], list) else None
    return Filters.from_mapping(values)


def test_name_search_finds_exactly_what_a_scan_finds(recommender: Recommender) -> None:
    view = recommender.view
    rng = random.Random(7)
    for _ in range(80):
        words = [word for word in re.split(r"[\s_\-/.:]+", rng.choice(view.names)) if word]
        words = rng.sample(words, min(len(words), rng.randint(1, 3)))
        for part in ("id", "name"):
            names = view.names if part == "id" else [name.rpartition("/")[2] for name in view.names]
            assert view.named(words, part) == [i for i, name in enumerate(names) if all(w in name for w in words)]
