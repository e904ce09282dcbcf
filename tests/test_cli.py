"""The `sommelier` command in-process, against the loopback Hub serving the curated fixtures."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from index.store import Catalog
from tests.hubserver import load_fixture_models


@pytest.fixture
def index_settings() -> str:
    return "[index]\nenabled = false\n"


@pytest.fixture
def run(tmp_path, hub, capsys, index_settings):
    config = tmp_path / "test.toml"
    config.write_text(
        "[hub]\npage_size = 40\nbackoff_base = 0.01\n[sync]\nstale_days = 100000\n[scores]\ndatasets = []\n"
        + index_settings
    )
    environ = {"SOMMELIER_HOME": str(tmp_path / "home"), "HF_ENDPOINT": hub.url}

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--config", str(config), *argv], environ=environ)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_sync_prints_a_summary_and_progress(run):
    code, out, err = run("sync")
    assert code == 0
    assert "models listed" in out and "added" in out and "GGUF repos with file sizes" in out
    assert "Families: " in out and "Commercial use: " in out
    assert "listing" in err  # the progress bar


def test_sync_json_report_counts_the_fixture_catalog(run):
    code, out, _ = run("sync", "--json")
    assert code == 0
    report = json.loads(out)
    fixtures = load_fixture_models()
    listed = [
        r
        for r in fixtures
        if r.get("pipeline_tag") in ("text-generation", "image-text-to-text")
        or "gguf" in r.get("tags", [])
        or r.get("library_name") == "gguf"
    ]
    zero = [r for r in listed if not r.get("downloads")]
    assert report["complete"] is True
    assert report["listed"] == len(listed) - len(zero)
    assert report["added"] == report["total"] == report["listed"]
    assert report["trees"] > 20


def test_model_json_has_every_stored_and_derived_field(run):
    run("sync", "--quiet")
    code, out, _ = run("model", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "--json")
    assert code == 0
    model = json.loads(out)
    for field in (
        "id",
        "author",
        "sha",
        "downloads",
        "likes",
        "params",
        "family",
        "formats",
        "quant_files",
        "files",
        "context_length",
        "license",
        "commercial",
        "base_model",
        "relation",
        "kind",
        "tasks",
        "languages",
        "history",
        "scores",
        "derived_counts",
        "trend_3d",
        "tree_sha",
    ):
        assert field in model, field
    assert model["family"] == "llama" and model["relation"] == "quantized"
    assert model["commercial"] == "conditional"
    q4 = [f for f in model["files"] if f["quant"] == "Q4_K_M"]
    assert len(q4) == 1 and 4.5e9 < q4[0]["size"] < 5.2e9


def test_model_text_view_and_unknown_model(run):
    run("sync", "--quiet")
    code, out, _ = run("model", "Qwen/Qwen2.5-7B-Instruct")
    assert code == 0 and "qwen" in out and "commercial use" in out
    code, _, err = run("model", "mistral-7b")
    assert code == 1
    assert "I don't know a model called mistral-7b" in err and "Did you mean" in err and "Mistral-7B" in err


def test_stats_and_import_scores(run, shared_data):
    run("sync", "--quiet")
    code, out, _ = run("import-scores", str(shared_data / "leaderboards" / "open-llm-leaderboard-v2.csv"))
    assert code == 0 and "open_llm_v2" in out
    code, out, _ = run("stats", "--json")
    stats = json.loads(out)
    assert stats["models"] > 100 and stats["scored_models"] > 5
    assert stats["by_commercial"]["yes"] > 10


def test_sync_imports_scores_from_a_hub_dataset(run, hub, tmp_path, shared_data):
    hub.set_dataset(
        "open-llm-leaderboard/contents",
        {"v2.csv": (shared_data / "leaderboards" / "open-llm-leaderboard-v2.csv").read_bytes()},
    )
    config = tmp_path / "scores.toml"
    config.write_text(
        "[hub]\nbackoff_base = 0.01\n[sync]\nstale_days = 100000\n[index]\nenabled = false\n"
        '[scores]\ndatasets = [{ repo = "open-llm-leaderboard/contents", file = "v2.csv" }]\n'
    )
    code = main(
        ["--config", str(config), "sync", "--quiet"],
        environ={"SOMMELIER_HOME": str(tmp_path / "home2"), "HF_ENDPOINT": hub.url},
    )
    assert code == 0
    with Catalog(tmp_path / "home2" / "catalog.db") as catalog:
        assert catalog.scores("Qwen/Qwen2.5-7B-Instruct")["open_llm_v2"]["average"] > 20


def test_bad_config_exits_2(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("[hub]\npage_size = 'x'\n")
    assert main(["--config", str(config), "stats"], environ={}) == 2
    assert "hub.page_size" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("index_settings", [""])
def test_sync_builds_the_search_index_and_search_finds_exact_names_first(run):
    code, out, _ = run("sync", "--quiet")
    assert code == 0 and "Search index:" in out and "unchanged" in out
    code, out, _ = run("search", "mistral-7b", "--json")
    results = json.loads(out)
    assert code == 0 and results
    assert results[0]["id"].lower().startswith("mistralai/mistral-7b")
    code, out, _ = run("search", "python coding assistant", "--json", "--limit", "5")
    assert any(item["id"] and "coder" in item["id"].lower() for item in json.loads(out))
    code, out, _ = run("sync", "--quiet")
    assert "0 added, 0 re-embedded" in out
    code, out, _ = run("search", "🙂🙂🙂")
    assert code == 0
