"""The sync against a loopback Hub, with the real huggingface_hub client: incremental updates,
drops, thresholds, GGUF trees, trends, atomicity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from index.hub import Hub
from index.store import Catalog
from index.sync import Listing, run_sync
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, gguf_record, record, sync_options

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


def sync(catalog, hub, now=NOW, **options):
    return run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(**options), now=now)


def base_models():
    return [
        record("mistralai/Mistral-7B-Instruct-v0.2", 900_000),
        record(
            "meta-llama/Llama-3.1-8B-Instruct",
            5_000_000,
            gated="manual",
            tags=["transformers", "safetensors", "text-generation", "license:llama3.1"],
            cardData={"license": "llama3.1"},
            config={"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
            safetensors={"parameters": {"BF16": 8_030_261_248}, "total": 8_030_261_248},
        ),
        record("someone/tiny-chat", 50),
        gguf_record(
            "bartowski/Mistral-7B-Instruct-v0.2-GGUF",
            "mistralai/Mistral-7B-Instruct-v0.2",
            ["Mistral-7B-Instruct-v0.2-Q4_K_M.gguf", "Mistral-7B-Instruct-v0.2-Q8_0.gguf"],
            downloads=80_000,
        ),
        record("openai/whisper-large-v3", 4_000_000, pipeline_tag="automatic-speech-recognition"),
    ]


TREE = [
    {"path": "README.md", "size": 5000},
    {"path": "Mistral-7B-Instruct-v0.2-Q4_K_M.gguf", "size": 4_368_439_584},
    {"path": "Mistral-7B-Instruct-v0.2-Q8_0.gguf", "size": 7_695_857_952},
]


@pytest.fixture
def small_hub():
    with FakeHub(base_models(), trees={"bartowski/Mistral-7B-Instruct-v0.2-GGUF": TREE}, page_size=2) as hub:
        yield hub


def test_first_sync_lists_text_generation_and_gguf_repos_only(catalog, small_hub):
    report = sync(catalog, small_hub)
    assert report.complete
    assert report.added == 4 and report.dropped == 0 and report.listed == 4
    assert catalog.model("openai/whisper-large-v3") is None
    llama = catalog.model("meta-llama/llama-3.1-8b-instruct")  # ids match case-insensitively
    assert llama["id"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert llama["params"] == 8_030_261_248
    assert llama["commercial"] == "conditional"
    assert llama["gated"] is True
    assert llama["downloads"] == 5_000_000
    assert llama["history"] == [{"day": "2026-11-23", "downloads": 5_000_000, "likes": 50_000}]


def test_gguf_tree_sizes_and_lineage(catalog, small_hub):
    sync(catalog, small_hub)
    quant = catalog.model("bartowski/Mistral-7B-Instruct-v0.2-GGUF")
    assert quant["relation"] == "quantized"
    assert quant["base_model"] == "mistralai/Mistral-7B-Instruct-v0.2"
    assert {(f["quant"], f["size"]) for f in quant["files"]} == {("Q4_K_M", 4_368_439_584), ("Q8_0", 7_695_857_952)}
    # licence stated nowhere in the quant: it is bound by its base model's
    assert quant["commercial"] == "yes"
    assert "license" in quant["inherited"]
    base = catalog.model("mistralai/Mistral-7B-Instruct-v0.2")
    assert base["derived_counts"] == {"quantized": 1}


def test_unchanged_resync_updates_nothing_and_fetches_no_tree(catalog, small_hub):
    sync(catalog, small_hub)
    tree_calls = small_hub.count("/api/models/bartowski/Mistral-7B-Instruct-v0.2-GGUF/tree")
    assert tree_calls >= 1
    generation = catalog.generation()
    report = sync(catalog, small_hub)
    assert (report.added, report.updated, report.dropped) == (0, 0, 0)
    assert small_hub.count("/api/models/bartowski/Mistral-7B-Instruct-v0.2-GGUF/tree") == tree_calls
    assert catalog.generation() == generation + 1


def test_incremental_sync_adds_refreshes_and_drops(catalog, small_hub):
    sync(catalog, small_hub)
    small_hub.upsert_model(record("Qwen/Qwen2.5-7B-Instruct", 2_000_000))
    small_hub.upsert_model(record("mistralai/Mistral-7B-Instruct-v0.2", 950_000))  # counters only
    small_hub.remove_model("someone/tiny-chat")
    report = sync(catalog, small_hub, now=NOW + timedelta(days=1))
    assert (report.added, report.updated, report.dropped) == (1, 0, 1)
    assert catalog.model("someone/tiny-chat") is None
    assert catalog.model("Qwen/Qwen2.5-7B-Instruct") is not None
    assert catalog.model("mistralai/Mistral-7B-Instruct-v0.2")["downloads"] == 950_000


def test_changed_sha_refetches_the_tree(catalog, small_hub):
    sync(catalog, small_hub)
    changed = base_models()[3]
    changed["sha"] = "f" * 40
    small_hub.upsert_model(changed)
    small_hub.set_tree(changed["id"], [*TREE, {"path": "Mistral-7B-Instruct-v0.2-Q5_K_M.gguf", "size": 5_131_409_696}])
    report = sync(catalog, small_hub)
    assert report.updated == 1 and report.trees == 1
    quants = {f["quant"] for f in catalog.model(changed["id"])["files"]}
    assert quants == {"Q4_K_M", "Q5_K_M", "Q8_0"}


def test_thresholds_drop_zero_download_and_stale_models(catalog):
    models = [
        record("a/popular", 10_000),
        record("a/zero", 0),
        record("a/stale-unused", 3, lastModified="2023-01-01T00:00:00.000Z"),
        record("a/stale-but-used", 5_000, lastModified="2023-01-01T00:00:00.000Z"),
    ]
    with FakeHub(models) as hub:
        report = sync(catalog, hub)
    assert report.below_thresholds == 2
    assert catalog.model("a/zero") is None and catalog.model("a/stale-unused") is None
    assert catalog.model("a/stale-but-used") is not None


def test_limit_takes_the_most_downloaded_and_drops_nothing(catalog, small_hub):
    sync(catalog, small_hub)
    report = sync(catalog, small_hub, limit=1)
    assert not report.complete
    assert report.listed == 1 and report.dropped == 0
    assert catalog.count() == 4


def test_three_day_trend_and_bounded_history(catalog):
    model = record("a/rising", 1000)
    with FakeHub([model]) as hub:
        for day, downloads in enumerate([1000, 1100, 1300, 2000, 2600]):
            hub.upsert_model(record("a/rising", downloads))
            sync(catalog, hub, now=NOW + timedelta(days=day), history_days=3)
    rising = catalog.model("a/rising")
    # today 2600, three days earlier 1100
    assert rising["downloads_delta_3d"] == 1500
    assert rising["trend_3d"] == pytest.approx(1500 / 1100, abs=1e-3)
    assert [point["day"] for point in rising["history"]] == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]


def test_readers_see_the_old_catalog_until_the_sync_commits(catalog, small_hub, tmp_path):
    sync(catalog, small_hub)
    small_hub.upsert_model(record("new/model-a", 10_000))
    small_hub.remove_model("someone/tiny-chat")
    seen: list[tuple[str, int, bool]] = []
    with Catalog(tmp_path / "catalog.db") as reader:

        def look(progress):
            seen.append((progress.phase, reader.count(), reader.model("someone/tiny-chat") is not None))

        run_sync(catalog, Hub(fast_hub_options(small_hub.url)), sync_options(), on_progress=look, now=NOW)
        assert reader.count() == 4 and reader.model("new/model-a") is not None
    before_commit = [entry for entry in seen if entry[0] != "done"]
    assert before_commit and all(count == 4 and still for _, count, still in before_commit)


def test_exact_name_search_finds_every_repo(catalog, small_hub):
    sync(catalog, small_hub)
    assert catalog.search_names("mistral-7b") == [
        "mistralai/Mistral-7B-Instruct-v0.2",
        "bartowski/Mistral-7B-Instruct-v0.2-GGUF",
    ]
    assert catalog.search_names("Llama-3.1-8B") == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert catalog.search_names('"); DROP TABLE models; --') == []


def test_a_second_sync_at_the_same_time_is_refused(catalog, small_hub, tmp_path):
    from index.errors import CatalogBusy

    with Catalog(tmp_path / "catalog.db") as other, other.sync_lock(), pytest.raises(CatalogBusy):
        sync(catalog, small_hub)


def test_listings_are_configurable(catalog, small_hub):
    report = sync(catalog, small_hub, listings=(Listing(filter="gguf"),))
    assert report.listed == 1


def test_trees_for_the_top_n_and_for_new_repos_but_not_everything_on_a_first_sync(catalog):
    def repo(i: int, downloads: int) -> dict:
        return gguf_record(f"q/m{i}-GGUF", "org/base", [f"m{i}.Q4_K_M.gguf"], downloads=downloads)

    with FakeHub([repo(i, 1000 - i) for i in range(6)]) as hub:
        report = sync(catalog, hub, gguf_tree_top_n=2, gguf_tree_new_max=1)
        assert report.trees == 2  # first sync: the top 2 only, although all 6 are new
        hub.upsert_model(repo(10, 20))
        hub.upsert_model(repo(11, 30))
        report = sync(catalog, hub, gguf_tree_top_n=2, gguf_tree_new_max=1)
        assert report.trees == 1  # the most downloaded new repo; the top 2 are unchanged
        assert catalog.model("q/m11-GGUF")["tree_sha"] is not None
        assert catalog.model("q/m10-GGUF")["tree_sha"] is None
