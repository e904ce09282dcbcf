"""Recommending from a real catalog synced (through the real Hub client) from the fixture Hub: hard filters,
one entry per model with its best download, reasons, relaxation, alternatives, comparisons, derived models,
TOP lists, fit, the CLI, and the seeds' two walk-throughs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.render import why_lines
from index.store import Catalog
from recommender.errors import AmbiguousModel, UnknownModel
from recommender.filters import Filters
from recommender.parse import ParserOptions, RequestParser
from recommender.recommend import Recommender
from recommender.related import TOP_LISTS
from recommender.service import Sommelier
from recommender.view import CatalogView, same_weights

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def service(home: Path) -> Iterator[Sommelier]:
    with Catalog(home / "catalog.db") as catalog:
        yield Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))


@pytest.fixture(scope="module")
def recommender(service: Sommelier) -> Recommender:
    return service.recommender


def _ids(results: Any) -> list[str]:
    return [result.model.id for result in results]


def test_seed_walkthrough_better_fine_tunes_than_mistral_7b(service: Sommelier) -> None:
    """The walkthrough's two questions, told apart: its fine-tunes that score better are its derived models;
    its alternatives are other labs' models of its size, "better" only where leaderboard scores say so."""
    derived = service.derived("mistralai/Mistral-7B-v0.1")
    fine_tunes = {item["id"] for item in derived["top"].get("finetune", [])}
    assert {"teknium/OpenHermes-2.5-Mistral-7B", "NousResearch/Hermes-2-Pro-Mistral-7B"} <= fine_tunes
    view = service.recommender.view
    own = view.quality[view.find("mistralai/Mistral-7B-v0.1")]
    better_tunes = [model_id for model_id in fine_tunes if view.quality[view.find(model_id)] > own]
    assert "teknium/OpenHermes-2.5-Mistral-7B" in better_tunes
    for text in ("alternatives to mistralai/Mistral-7B-v0.1", "alternatives to Mistral 7B"):
        answer, _ = service.ask(text)
        found = {result.model.id: result for result in answer.results}
        assert found and all(not model_id.startswith("mistralai/Mistral-7B") for model_id in found)  # not itself
        for result in answer.results:
            assert result.model.params and 7e9 * 0.65 <= result.model.params <= 7.3e9 * 1.35
            index = view.find(result.model.id)
            assert not result.better or view.quality[index] > own or view.elo[index] > view.elo[view.find(
                "mistralai/Mistral-7B-v0.1")]  # fmt: skip


def test_seed_walkthrough_commercial_llama_for_16gb_mac_with_32k(service: Sommelier) -> None:
    text = (
        "llama model for 16GB RAM on macOS with at least 32k context and a commercial licence "
        "(MIT, Apache-2.0, CC but not non-commercial)"
    )
    answer, _ = service.ask(text)
    assert answer.results and not answer.relaxed
    best = answer.results[0]
    assert best.model.family == "llama" and best.model.license in ("mit", "apache-2.0", "cc-by-4.0")
    assert best.model.commercial in ("yes", "conditional") and (best.model.context_length or 0) >= 32768
    assert best.download is not None and best.download.file and best.download.file.endswith(".gguf")
    assert best.fit is not None and best.fit.budget.kind == "unified" and best.fit.estimate is not None
    assert best.fit.estimate.needed_bytes <= 16e9 * 0.7  # runs on the GPU share of unified memory
    assert any("32k" in reason and "unified memory" in reason for reason in why_lines(best, "en"))


@pytest.mark.parametrize(
    "filters",
    [
        Filters(commercial=True),
        Filters(families=["qwen"], params_max_b=8),
        Filters(min_context=131072, tasks=["code"]),
        Filters(memory_gb=8, memory_kind="vram"),
        Filters(memory_gb=16, memory_kind="unified", families=["llama"], commercial=True),
        Filters(formats=["gguf"], quants=["Q4_K_M"]),
        Filters(uncensored=True),
        Filters(licenses=["apache-2.0"], params_min_b=7),
    ],
    ids=lambda filters: ",".join(filters.stated()),
)
def test_every_result_satisfies_every_hard_filter(recommender: Recommender, filters: Filters) -> None:
    answer = recommender.ask(filters)
    assert answer.results and not answer.relaxed
    for result in answer.results:
        _assert_satisfies(result, filters)


def _assert_satisfies(result: Any, filters: Filters) -> None:
    model = result.model
    if filters.commercial:
        assert model.commercial in ("yes", "conditional"), model.id
    if filters.families:
        assert model.family in filters.families, model.id
    if filters.licenses:
        assert model.license in filters.licenses, model.id
    if filters.params_min_b:
        assert model.params and model.params >= filters.params_min_b * 0.9e9, model.id
    if filters.params_max_b:
        assert model.params and model.params <= filters.params_max_b * 1.15e9, model.id
    if filters.min_context:
        assert (model.context_length or 0) >= filters.min_context, model.id
    if filters.tasks:
        assert set(filters.tasks) <= set(model.tasks), model.id
    if filters.uncensored:
        assert model.uncensored, model.id
    if filters.memory_gb:
        assert result.fit is not None and result.fit.fits, model.id
        budget = filters.memory_gb * 1e9 * (0.9 if filters.memory_kind == "unified" else 1)
        if result.fit.level != "partial":
            assert result.fit.estimate.needed_bytes <= budget, model.id
    if filters.quants:
        assert result.download is not None and result.download.quant in filters.quants, model.id


def test_one_entry_per_underlying_model_with_the_best_download(recommender: Recommender) -> None:
    answer = recommender.ask(Filters(memory_gb=12, memory_kind="vram", families=["mistral"]), limit=10)
    groups = [recommender.view.group[recommender.view.find(result.model.id)] for result in answer.results]
    assert len(groups) == len(set(groups))
    assert answer.results
    for result in answer.results:  # the download is a copy of that very model, never a fine-tune's file
        download = result.download
        assert download is not None
        assert download.repo == result.model.id or same_weights(download.repo, result.model.id), download
    old = recommender.ask(Filters(memory_gb=12, memory_kind="vram", base_model=None, families=["mistral"],
                                  params_min_b=7, params_max_b=7), limit=10)  # fmt: skip
    downloads = {result.model.id: result.download for result in old.results}
    instruct = downloads.get("mistralai/Mistral-7B-Instruct-v0.3") or downloads.get(
        "mistralai/Mistral-7B-Instruct-v0.2"
    )
    assert instruct is not None and instruct.repo.endswith(
        ("Mistral-7B-Instruct-v0.3-GGUF", "Mistral-7B-Instruct-v0.2-GGUF")
    )
    assert instruct.file and instruct.file.endswith(".gguf") and instruct.size_bytes


def test_reasons_carry_numbers(recommender: Recommender) -> None:
    answer = recommender.ask(Filters(memory_gb=16, memory_kind="ram", families=["qwen"]))
    why = " | ".join(why_lines(answer.results[0], "en"))
    assert "GB KV at 4k" in why and "≤ 16 GB RAM" in why and "commercial" in why


def test_inherited_scores_are_marked(recommender: Recommender) -> None:
    view = recommender.view
    quant = view.model(view.find("TheBloke/OpenHermes-2.5-Mistral-7B-GGUF"))
    assert quant.scores["open_llm_v2"]["inherited_from"] == "teknium/OpenHermes-2.5-Mistral-7B"


def test_nothing_matches_relaxes_the_least_important_first(recommender: Recommender) -> None:
    answer = recommender.ask(Filters(families=["mistral"], languages=["kk"], tasks=["ocr"]))
    assert answer.results and answer.relaxed[0] == "languages" and set(answer.relaxed) <= {"languages", "tasks"}
    for result in answer.results:
        assert result.model.family == "mistral"


def test_sort_overrides(recommender: Recommender) -> None:
    smallest = recommender.ask(Filters(sort="smallest"), limit=5)
    sizes = [result.model.params for result in smallest.results]
    assert sizes == sorted(sizes)
    popular = recommender.ask(Filters(sort="popular"), limit=5)
    view = recommender.view
    eligible = recommender.mask(Filters(sort="popular"))  # toys (GPT-2, 137M) only for those asking for tiny
    first = view.find(popular.results[0].model.id)
    group = eligible & (view.group == view.group[first])  # a quant joins its base's entry (bartowski's Llama GGUF)
    assert max(view.downloads[group]) == max(view.downloads[eligible])


def test_compare_marks_the_best_per_row(service: Sommelier) -> None:
    table = service.compare(["Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"])
    assert table["models"] == ["Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"]
    assert table["best"]["score_open_llm_v2"] == 0 and table["best"]["commercial"] == 0
    assert all(value for value in table["rows"]["memory_q4_k_m_gb"])
    with pytest.raises(AmbiguousModel) as raised:
        service.compare(["mistral", "qwen"])
    assert len(raised.value.candidates) > 1
    with pytest.raises(UnknownModel):
        service.compare(["no/such-model", "qwen/qwen2.5-7b-instruct"])


def test_derived_counts_relations(service: Sommelier) -> None:
    found = service.derived("mistralai/Mistral-7B-Instruct-v0.2")
    assert found["counts"]["quantized"] >= 3
    assert {item["id"] for item in found["top"]["quantized"]} >= {"TheBloke/Mistral-7B-Instruct-v0.2-GGUF"}


@pytest.mark.parametrize("name", list(TOP_LISTS))
def test_top_lists(service: Sommelier, name: str) -> None:
    results = service.top(name, 5)
    for result in results:
        _assert_satisfies(result, TOP_LISTS[name])


def test_fit_points_an_original_at_its_best_quant(service: Sommelier) -> None:
    answer = service.fit("mistralai/Mistral-7B-Instruct-v0.2", 8, "vram", 8192).to_dict()
    assert answer["fits"] == "gpu" and answer["download"]["repo"] == "TheBloke/Mistral-7B-Instruct-v0.2-GGUF"
    assert answer["download"]["file"].endswith(".gguf") and answer["exact_file_size"]
    assert answer["needed_gb"] <= 8 and answer["quant"] in ("Q5_K_M", "Q4_K_M", "Q5_K_S", "Q6_K")
    own = service.fit("Qwen/Qwen3-8B", 24, "vram").to_dict()
    assert any(note["code"] == "self_quantize" for note in own["notes"]) or own["download"]["file"]


def test_view_reloads_after_a_sync(home: Path) -> None:
    with Catalog(home / "catalog.db") as catalog:
        first = CatalogView.current(catalog)
        assert CatalogView.current(catalog) is first
        catalog.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        assert CatalogView.current(catalog) is not first


def test_cli_ask_json_and_batch(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"SOMMELIER_HOME": str(home)}
    config = tmp_path / "rules.toml"
    config.write_text("[parser]\nuse_model = false\n[recommend]\nsemantic = false\n")
    assert main(["--config", str(config), "ask", "best commercial 16GB llama model", "--json"], environ) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"filters", "relaxed", "results", "parser"}
    first = answer["results"][0]
    assert {"id", "family", "params_b", "context_length", "license", "commercial", "download", "memory", "scores",
            "downloads", "likes", "trend", "why"} <= set(first)  # fmt: skip
    assert set(first["download"]) == {"repo", "file", "quant", "size_bytes"}
    batch = tmp_path / "requests.txt"
    batch.write_text("coding model for a 3060 12GB\n\nкакую модель запустить на 16 гб\n<b>&amp;</b>\n")
    assert main(["--config", str(config), "ask", "--batch", str(batch), "--json"], environ) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    answers = [json.loads(line) for line in lines]  # one per input line, the blank one an error, in order
    assert [answer["line"] for answer in answers] == [1, 2, 3, 4]
    assert "error" in answers[1] and all("results" in answers[index] for index in (0, 2, 3))
    for command in (["compare", "qwen/qwen2.5-7b-instruct", "microsoft/phi-4", "--json"],
                    ["alternatives", "mistralai/Mistral-7B-Instruct-v0.2", "--json"],
                    ["derived", "mistralai/Mistral-7B-Instruct-v0.2", "--json"], ["top", "code", "--json"],
                    ["fit", "microsoft/phi-4", "--memory", "12", "--kind", "vram", "--json"]):  # fmt: skip
        assert main(["--config", str(config), *command], environ) == 0, command
        json.loads(capsys.readouterr().out)
    assert main(["--config", str(config), "fit", "no/such", "--memory", "8"], environ) == 1
    assert "I don't know a model called no/such" in capsys.readouterr().err


def test_cli_text_output_is_the_bots_rendering_without_tags(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = {"SOMMELIER_HOME": str(home)}
    config = tmp_path / "rules.toml"
    config.write_text("[parser]\nuse_model = false\n[recommend]\nsemantic = false\n")
    assert main(["--config", str(config), "ask", "coding model for a 3060 12GB"], environ) == 0
    out = capsys.readouterr().out
    assert ".gguf" in out and "≤ 12 GB VRAM" in out and "<b>" not in out and "&amp;" not in out
    for command in (["top", "code"], ["alternatives", "mistralai/Mistral-7B-v0.1"]):
        assert main(["--config", str(config), *command], environ) == 0
        text = capsys.readouterr().out
        assert "huggingface.co" in text and "<a " not in text


def test_quant_columns_match_the_file_lists(recommender: Recommender) -> None:
    view = recommender.view
    quants = sorted({file.quant for files in view.files.values() for file in files})
    assert len(quants) >= 3
    for wanted in ([quants[0]], quants[1:3], ["Q4_K_M"], ["NO_SUCH_QUANT"]):
        expected = [any(file.quant in wanted for file in view.files.get(row["num"], ())) for row in view.rows]
        assert view.has_quant(wanted).tolist() == expected
