"""Requests about a named model, through `ask` as the bot receives them, on the judged 2025+2026 catalog: a will-it-run
question answered for the stated machine (a plain no when nothing fits), fine-tunes or quants as the request names
them, two models compared by their bare names, and fuzzy names resolved to the model they spell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.render import reason_text, result_block
from index.store import Catalog
from recommender.intents import compared_names
from recommender.parse import ParserOptions, RequestParser
from recommender.recommend import RecommendOptions
from recommender.related import resolve
from recommender.service import Sommelier
from tests import judged
from tests.hubserver import shared_data_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sommelier]:
    if shared_data_dir() is None:
        pytest.skip("../shared/data not found: the judged catalog needs the 2025 Hub records")
    path: Path = tmp_path_factory.mktemp("named") / "catalog.db"
    catalog: Catalog = judged.build_catalog(path)
    try:
        yield Sommelier(catalog, RequestParser(ParserOptions(use_model=False)), RecommendOptions())
    finally:
        catalog.close()


def test_a_model_that_cannot_fit_gets_a_plain_no_for_the_stated_card(service: Sommelier) -> None:
    answer, _ = service.ask("Потянет ли Qwen3-14B моя видеокарта на 8 гб?")
    (result,) = answer.results
    assert result.model.id == "Qwen/Qwen3-14B" and result.fit is not None and result.fit.level == "no"
    assert result.fit.budget.kind == "vram" and result.fit.budget.memory_gb == 8
    assert result.download is not None and result.download.file  # the smallest usable file, said not to fit
    fits = next(reason for reason in result.reasons if reason.code == "fits")
    assert "не помещается" in reason_text(fits, "ru") and "> 8 ГБ" in reason_text(fits, "ru")
    assert "does not fit" in result_block(1, result, "en") and not result.to_dict()["run"]  # nothing to launch


def test_a_question_about_one_model_with_memory_stated_is_a_fit(service: Sommelier) -> None:
    answer, _ = service.ask("GLM-4.5-Air на 96 ГБ VRAM?")
    (result,) = answer.results
    assert result.model.id == "zai-org/GLM-4.5-Air" and result.fit is not None
    assert result.fit.level == "gpu" and result.fit.budget.memory_gb == 96  # not a CPU answer for another machine
    assert any("llama-server" in run["command"] for run in result.to_dict()["run"])


def test_fine_tunes_or_quants_as_the_request_names_them(service: Sommelier) -> None:
    finetunes, _ = service.ask("файнтюны gemma-3-27b-it")
    assert [r.model.id for r in finetunes.results] == ["mlabonne/gemma-3-27b-it-abliterated"]  # no quantized copy
    quants, _ = service.ask("GGUF quants of gemma-3-27b-it")
    assert quants.results and all(r.model.relation == "quantized" for r in quants.results)
    assert "unsloth/gemma-3-27b-it-GGUF" in {r.model.id for r in quants.results}


def test_two_models_compared_by_their_bare_names(service: Sommelier) -> None:
    assert compared_names("сравни gemma-3-27b-it и Qwen3.5-27B") == ["gemma-3-27b-it", "Qwen3.5-27B"]
    assert compared_names("llama3 vs phi-4, or Qwen/Qwen3-8B?") == ["llama3", "phi-4", "Qwen/Qwen3-8B"]
    assert compared_names("a" * 5000 + " b1" * 2000)[:1] == ["b1"]
    answer, _ = service.ask("сравни gemma-3-27b-it и Qwen3.5-27B")
    assert [r.model.id for r in answer.results] == ["google/gemma-3-27b-it", "Qwen/Qwen3.5-27B"]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("DeepSeek R1 0528", "deepseek-ai/DeepSeek-R1-0528"),  # not its -Qwen3-8B distill
        ("Llama 3 8B", "meta-llama/Meta-Llama-3-8B"),  # the brand word before the name
        ("gemma-3-27b-it", "google/gemma-3-27b-it"),
    ],
)
def test_a_fuzzy_name_resolves_to_the_model_it_spells(service: Sommelier, name: str, expected: str) -> None:
    found = resolve(service.recommender, name)
    assert found.index is not None and service.recommender.view.rows[found.index]["id"] == expected


def test_newest_is_the_best_of_the_latest_release_not_its_last_upload(service: Sommelier) -> None:
    """Qwen 3.5's small sizes were uploaded six days after its 27B and 35B-A3B: "newest" means that release, the
    best of it that fits first."""
    answer, _ = service.ask("newest qwen model for 48gb")
    first = answer.results[0].model
    assert first.id.startswith("Qwen/Qwen3.5-") and (first.params or 0) > 20e9, first.id


def test_a_choice_between_two_models_and_an_elliptic_fit(service: Sommelier) -> None:
    assert compared_names("Qwen3-30B-A3B or Gemma 3 27B for coding?") == ["Qwen3-30B-A3B", "Gemma 3 27B"]
    assert compared_names("Llama 3.1 8B vs Mistral Nemo for RP") == ["Llama 3.1 8B", "Mistral Nemo"]
    answer, _ = service.ask("gemma-3-27b-it or Qwen3.5-27B for coding?")
    assert answer.filters.intent == "compare"
    assert [r.model.id for r in answer.results] == ["google/gemma-3-27b-it", "Qwen/Qwen3.5-27B"]
    fit, _ = service.ask("GLM-4.5-Air on 96gb vram")  # no verb, no question mark: still whether it runs there
    (result,) = fit.results
    assert result.model.id == "zai-org/GLM-4.5-Air" and result.fit is not None and result.fit.budget.memory_gb == 96
