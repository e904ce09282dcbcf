"""The shapes phase of a sync against the loopback Hub: config.json files and GGUF headers read by range, the
stored shapes equal to the configs, lineage inheritance, the call budget, unchanged revisions skipped, and a
sync killed mid-phase losing nothing. Also config.json key spellings read by `shape_from_config`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.hub import Hub
from index.shape_sync import ShapeOptions
from index.shapes import ModelShape, shape_from_config
from index.store import Catalog
from index.sync import Listing, run_sync
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, gguf_record, record, sync_options

CONFIGS = Path(__file__).parent / "fixtures" / "configs"
GGUF = Path(__file__).parent / "fixtures" / "gguf" / "ggml-vocab-phi-3.gguf"
NOW = datetime(2026, 11, 23, tzinfo=UTC)
ORIGINALS = {
    "meta-llama/Llama-3.1-8B-Instruct": "llama3_1_8b",
    "google/gemma-3-27b-it": "gemma-3-27b-it",
    "openai/gpt-oss-20b": "gpt-oss-20b",
    "deepseek-ai/DeepSeek-V2-Lite": "deepseek_v2_lite",
    "Qwen/Qwen3.5-35B-A3B": "Qwen3.5-35B-A3B-text",
    "ai21labs/AI21-Jamba-1.5-Mini": "AI21-Jamba-1.5-Mini",
    "mistralai/Mistral-7B-v0.1": "mistral_7b",
    "Qwen/Qwen2-7B": "qwen2_7b",
}


def _config(name: str) -> bytes:
    return (CONFIGS / f"{name}.json").read_bytes()


def _records() -> list[dict]:
    records = [record(repo, downloads=10_000 + index) for index, repo in enumerate(ORIGINALS)]
    quant = gguf_record(
        "bartowski/Llama-3.1-8B-Instruct-GGUF",
        "meta-llama/Llama-3.1-8B-Instruct",
        ["Llama-3.1-8B-Instruct-Q4_K_M.gguf"],
        downloads=900_000,  # the popular quant: its base is read first
    )
    quant["gguf"] = {"total": 8_030_261_248, "architecture": "llama"}
    orphan = gguf_record("someone/orphan-phi3-GGUF", "nowhere/not-listed", ["phi3-F16.gguf"], downloads=50_000)
    del orphan["gguf"]
    return [*records, quant, orphan]


def _hub(records: list[dict]) -> FakeHub:
    files = {repo: {"config.json": _config(name)} for repo, name in ORIGINALS.items()}
    files["someone/orphan-phi3-GGUF"] = {"phi3-F16.gguf": GGUF.read_bytes()}
    files["bartowski/Llama-3.1-8B-Instruct-GGUF"] = {"Llama-3.1-8B-Instruct-Q4_K_M.gguf": b"GGUF never read"}
    return FakeHub(records, files=files)


def _sync(catalog: Catalog, hub: FakeHub, budget: int = 100, **options):
    return run_sync(
        catalog,
        Hub(fast_hub_options(hub.url)),
        sync_options(
            listings=(Listing(),),
            shapes=ShapeOptions(call_budget=budget, gguf_header_bytes=64 << 10, gguf_header_max_bytes=2 << 20),
            **options,
        ),
        now=NOW,
    )


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


def test_stored_shapes_equal_the_configs(catalog) -> None:
    with _hub(_records()) as hub:
        report = _sync(catalog, hub)
        resolves = hub.count("/meta-llama/Llama-3.1-8B-Instruct/resolve/")
    assert report.shapes["configs"] == len(ORIGINALS) and resolves == 1
    for repo, name in ORIGINALS.items():
        stored = catalog.model(repo)
        expected = shape_from_config(json.loads(_config(name)))
        assert stored["shape"] == expected.as_dict(), repo
        assert stored["shape_source"] == "config.json"
        assert (stored["n_layers"], stored["n_kv_heads"], stored["head_dim"]) == (
            expected.n_layers,
            expected.n_kv_heads,
            expected.head_dim,
        )
        assert stored["context_length"] == expected.context_length
    gemma = catalog.model("google/gemma-3-27b-it")["shape"]
    assert (gemma["full_layers"], gemma["swa_layers"], gemma["sliding_window"]) == (10, 52, 1024)
    oss = catalog.model("openai/gpt-oss-20b")
    assert oss["context_length"] == 131072 and oss["shape"]["experts"] == 32 and oss["shape"]["experts_active"] == 4
    assert oss["shape"]["rope_scaling"] == "yarn x32 from 4096"
    assert catalog.model("Qwen/Qwen3.5-35B-A3B")["shape"]["full_layers"] == 10
    assert catalog.model("deepseek-ai/DeepSeek-V2-Lite")["shape"]["kv_lora_rank"] == 512


def test_quants_inherit_the_shape_and_orphan_ggufs_are_read_by_range(catalog) -> None:
    with _hub(_records()) as hub:
        report = _sync(catalog, hub)
        ranged = [r for r in hub.requests if r.path.endswith(".gguf")]
    quant = catalog.model("bartowski/Llama-3.1-8B-Instruct-GGUF")
    assert quant["n_layers"] == 32 and quant["n_kv_heads"] == 8 and quant["shape"]["n_layers"] == 32
    assert {"shape", "n_layers", "n_kv_heads"} <= set(quant["inherited"])
    assert quant["shape_source"] is None  # not read: its base's
    assert report.shapes["gguf_headers"] == 1 and all(r.status == 206 for r in ranged)
    sha = _sha(hub, "someone/orphan-phi3-GGUF")
    assert ranged[0].path == f"/someone/orphan-phi3-GGUF/resolve/{sha}/phi3-F16.gguf"
    orphan = catalog.model("someone/orphan-phi3-GGUF")
    assert orphan["shape_source"] == "gguf:phi3-F16.gguf"
    geometry = (orphan["n_layers"], orphan["n_kv_heads"], orphan["head_dim"], orphan["context_length"])
    assert geometry == (32, 32, 96, 4096)


def _sha(hub: FakeHub, repo: str) -> str:
    return hub.models[repo]["sha"]


def test_a_sync_spends_at_most_its_budget_and_the_next_goes_on(catalog) -> None:
    with _hub(_records()) as hub:
        report = _sync(catalog, hub, budget=3)
        first = [r.path for r in hub.requests if "/resolve/" in r.path]
        assert report.shapes["calls"] <= 3 and len(first) <= 3 and report.shapes["budget_spent"]
        hub.clear_requests()
        _sync(catalog, hub, budget=100)
        second = [r.path for r in hub.requests if "/resolve/" in r.path]
        hub.clear_requests()
        _sync(catalog, hub, budget=100)
        third = [r.path for r in hub.requests if "/resolve/" in r.path]
    configs = [path for path in first + second if path.endswith("/config.json")]
    assert len(configs) == len(set(configs)) == len(ORIGINALS)  # each config read once over the two syncs
    assert any(path.endswith(".gguf") for path in second)
    assert third == []  # nothing changed: nothing asked again
    assert all(catalog.model(repo)["shape_source"] == "config.json" for repo in ORIGINALS)


def test_a_missing_config_is_not_asked_again_until_the_repo_changes(catalog) -> None:
    records = [record("nobody/no-config", config=None, siblings=[{"rfilename": "config.json"}])]
    with FakeHub(records) as hub:  # listed, but the Hub holds no config.json bytes for it
        report = _sync(catalog, hub)
        assert report.shapes["missing"] == 1
        hub.clear_requests()
        _sync(catalog, hub)
        assert hub.count("/nobody/no-config/resolve/") == 0
        hub.upsert_model({**records[0], "sha": "f" * 40})
        _sync(catalog, hub)
        assert hub.count("/nobody/no-config/resolve/") == 1


class Killed(Exception):
    pass


def test_killed_mid_way_nothing_is_lost(tmp_path) -> None:
    path = tmp_path / "catalog.db"
    seen = []

    def die_after_three(progress) -> None:
        if progress.phase == "shapes":
            seen.append(1)
            if len(seen) == 4:  # the phase announced, then three configs read
                raise Killed()

    with _hub(_records()) as hub:
        with Catalog(path) as catalog, pytest.raises(Killed):
            run_sync(
                catalog,
                Hub(fast_hub_options(hub.url)),
                sync_options(listings=(Listing(),), shapes=ShapeOptions(call_budget=100)),
                on_progress=die_after_three,
                now=NOW,
            )
        with Catalog(path) as catalog:
            kept = [repo for repo in ORIGINALS if (catalog.model(repo) or {}).get("shape_source") == "config.json"]
            assert len(kept) == 3 and catalog.count() == len(ORIGINALS) + 2
            hub.clear_requests()
            _sync(catalog, hub)
            again = {r.path.split("/resolve/")[0].lstrip("/") for r in hub.requests if "/resolve/" in r.path}
            assert not again & set(kept)  # what was read is not paid for twice
            assert all(catalog.model(repo)["shape_source"] == "config.json" for repo in ORIGINALS)


def test_key_spellings_and_nesting() -> None:
    falcon = shape_from_config(
        {"model_type": "RefinedWebModel", "n_layer": 32, "n_head": 71, "hidden_size": 4544, "multi_query": True}
    )
    assert (falcon.n_layers, falcon.n_kv_heads, falcon.head_dim) == (32, 1, 64)
    falcon40 = shape_from_config(
        {"model_type": "falcon", "num_hidden_layers": 60, "num_attention_heads": 128, "num_kv_heads": 8,
         "hidden_size": 8192, "new_decoder_architecture": True, "multi_query": True}
    )  # fmt: skip
    assert falcon40.n_kv_heads == 8
    nested = shape_from_config(
        {"architectures": ["InternVLChatModel"], "llm_config": {"num_hidden_layers": 28, "num_attention_heads": 28,
         "num_key_value_heads": 4, "hidden_size": 3584, "max_position_embeddings": 32768}, "vision_config": {
         "num_hidden_layers": 24, "num_attention_heads": 16, "hidden_size": 1024}}
    )  # fmt: skip
    assert (nested.n_layers, nested.n_kv_heads, nested.head_dim, nested.context_length) == (28, 4, 128, 32768)
    nemotron_h = shape_from_config(
        {"model_type": "nemotron_h", "num_hidden_layers": 8, "num_attention_heads": 32, "num_key_value_heads": 8,
         "head_dim": 128, "hybrid_override_pattern": "M-M*-M-M"}
    )  # fmt: skip
    assert nemotron_h.full_layers == 1 and nemotron_h.kv_layers == 1
    granite = shape_from_config(
        {"model_type": "granitemoehybrid", "num_hidden_layers": 4, "num_attention_heads": 32,
         "num_key_value_heads": 8, "hidden_size": 4096, "layer_types": ["mamba", "mamba", "mamba", "attention"],
         "num_local_experts": 0}
    )  # fmt: skip
    assert granite.full_layers == 1
    llama4 = shape_from_config(
        {"text_config": {"model_type": "llama4_text", "num_hidden_layers": 48, "num_attention_heads": 40,
         "num_key_value_heads": 8, "head_dim": 128, "attention_chunk_size": 8192, "no_rope_layers": [1, 1, 1, 0] * 12,
         "num_local_experts": 16, "num_experts_per_tok": 1}}
    )  # fmt: skip
    assert (llama4.full_layers, llama4.swa_layers, llama4.sliding_window, llama4.experts) == (12, 36, 8192, 16)
    mamba = shape_from_config({"model_type": "mamba", "num_hidden_layers": 64, "hidden_size": 4096})
    assert mamba.kv_layers == 0 and mamba.has_geometry
    quantized = shape_from_config(
        {"model_type": "llama", "quantization_config": {"quant_method": "gptq", "bits": 4}, "torch_dtype": "float16"}
    )
    assert quantized.quantization == "gptq 4-bit" and quantized.dtype == "float16"
    assert ModelShape.from_dict(quantized.as_dict()) == quantized


def test_licence_from_a_known_base_outside_the_catalog_and_through_an_intermediate(catalog) -> None:
    silent = record(
        "someone/llama2-chat-ft", cardData={"base_model": "meta-llama/Llama-2-7b-chat-hf"}, tags=["text-generation"]
    )
    other = record(
        "someone/llama2-other",
        cardData={"base_model": "meta-llama/Llama-2-7b-chat-hf", "license": "other"},
        tags=["text-generation", "license:other"],
    )
    child = record("someone/child-of-ft", cardData={"base_model": "someone/llama2-chat-ft"}, tags=["text-generation"])
    strict = record(
        "someone/nc-ft",
        cardData={"base_model": "deepseek-ai/DeepSeek-R1", "license": "cc-by-nc-4.0"},
        tags=["text-generation", "license:cc-by-nc-4.0"],
    )
    with FakeHub([silent, other, child, strict]) as hub:
        _sync(catalog, hub)
    assert catalog.model("someone/llama2-chat-ft")["commercial"] == "conditional"  # Llama 2's licence binds
    assert "license" in catalog.model("someone/llama2-chat-ft")["inherited"]
    assert catalog.model("someone/llama2-other")["commercial"] == "conditional"  # "other" with no name says nothing
    assert catalog.model("someone/child-of-ft")["commercial"] == "conditional"  # through the fine-tune in between
    assert catalog.model("someone/nc-ft")["commercial"] == "no"  # the stricter of its own and the base's (MIT)


def test_model_json_shows_each_shape_field_and_where_it_came_from(tmp_path, capsys) -> None:
    from bot.cli import main

    config = tmp_path / "test.toml"
    config.write_text(
        "[hub]\nbackoff_base = 0.01\n[sync]\nstale_days = 100000\n[scores]\ndatasets = []\n[index]\nenabled = false\n"
    )
    with _hub(_records()) as hub:
        environ = {"SOMMELIER_HOME": str(tmp_path / "home"), "HF_ENDPOINT": hub.url}
        assert main(["--config", str(config), "sync", "--quiet"], environ=environ) == 0
        capsys.readouterr()
        assert (
            main(["--config", str(config), "model", "meta-llama/Llama-3.1-8B-Instruct", "--json"], environ=environ) == 0
        )
        base = json.loads(capsys.readouterr().out)
        assert (
            main(["--config", str(config), "model", "bartowski/Llama-3.1-8B-Instruct-GGUF", "--json"], environ=environ)
            == 0
        )
        quant = json.loads(capsys.readouterr().out)
        assert main(["--config", str(config), "model", "someone/orphan-phi3-GGUF", "--json"], environ=environ) == 0
        orphan = json.loads(capsys.readouterr().out)
    assert base["shape_fields"]["n_layers"] == {"value": 32, "from": "config.json"}
    assert base["shape_fields"]["context_length"] == {"value": 131072, "from": "config.json"}
    assert base["shape_fields"]["rope_scaling"]["from"] == "config.json"
    inherited = "meta-llama/Llama-3.1-8B-Instruct (inherited)"
    assert quant["shape_fields"]["n_kv_heads"] == {"value": 8, "from": inherited}
    assert quant["shape_fields"]["head_dim"]["from"] == inherited
    assert quant["shape_fields"]["params"]["from"].startswith("listing")
    assert orphan["shape_fields"]["head_dim"] == {"value": 96, "from": "GGUF header of phi3-F16.gguf"}
    assert orphan["shape_fields"]["kv_lora_rank"] == {"value": None, "from": None}
