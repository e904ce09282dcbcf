"""index.renames: a base id a lab has renamed since (meta-llama/Meta-Llama-3.1-8B-Instruct →
meta-llama/Llama-3.1-8B-Instruct) resolves to the catalog repo, so the quant joins its base and inherits from it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.hub import Hub
from index.renames import CatalogIds, renamed_base
from index.store import Catalog
from index.sync import run_sync
from recommender.parse import ParserOptions, RequestParser
from recommender.service import Sommelier
from recommender.view import CatalogView
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, gguf_record, record, sync_options

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def ids(*model_ids: str, bases: dict[str, list[str]] | None = None) -> CatalogIds:
    return CatalogIds((model_id, (bases or {}).get(model_id, [])) for model_id in model_ids)


# -- the rule --------------------------------------------------------------------------------------------------
def test_a_dropped_brand_word_resolves():
    catalog = ids("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3-8B-Instruct")
    assert renamed_base("meta-llama/Meta-Llama-3.1-8B-Instruct", catalog) == "meta-llama/Llama-3.1-8B-Instruct"
    assert renamed_base("META-LLAMA/meta-llama-3.1-8b-instruct", catalog) == "meta-llama/Llama-3.1-8B-Instruct"


def test_an_added_brand_word_resolves():
    catalog = ids("acme/Acme_Foo-7B-Chat")
    assert renamed_base("acme/Foo-7B-Chat", catalog) == "acme/Acme_Foo-7B-Chat"


def test_two_candidates_are_left_unresolved():
    catalog = ids("acme/Foo-7B", "acme/Other-Acme-Foo-7B")
    assert renamed_base("acme/Acme-Foo-7B", catalog) is None


def test_another_owners_repo_is_never_linked():
    catalog = ids("someone/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.2-3B-Instruct")
    assert renamed_base("meta-llama/Meta-Llama-3.1-8B-Instruct", catalog) is None


def test_an_id_in_the_catalog_is_not_renamed():
    catalog = ids("acme/Acme-Foo-7B", "acme/Foo-7B")
    assert renamed_base("acme/Acme-Foo-7B", catalog) is None
    assert renamed_base("acme/Foo-7B", catalog) is None


@pytest.mark.parametrize(
    ("base_id", "catalog_id"),
    [
        ("meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3-8B-Instruct"),  # another version
        ("meta-llama/Llama-3.1-8B", "meta-llama/3.1-8B"),  # a version alone is no name
        ("Qwen/Qwen2.5-7B", "Qwen/5-7B"),  # "Qwen2" is no brand word
        ("acme/Brand-Foo", "acme/Foo"),  # a single word left
        ("acme/Foo-7B", "acme/Brand-Other-Foo-7B"),  # two words added
    ],
)
def test_only_one_leading_brand_word_differs(base_id, catalog_id):
    assert renamed_base(base_id, ids(catalog_id)) is None


def test_the_owners_fine_tune_of_the_base_is_not_the_base():
    catalog = ids("mlabonne/Neural-Daredevil-8B", bases={"mlabonne/Neural-Daredevil-8B": ["mlabonne/Daredevil-8B"]})
    assert renamed_base("mlabonne/Daredevil-8B", catalog) is None


# -- the catalog -------------------------------------------------------------------------------------------------
def test_the_fixture_gguf_of_the_old_name_is_the_bases_download(home: Path):
    with Catalog(home / "catalog.db") as catalog:
        sommelier = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))
        answer, _ = sommelier.ask("best commercial 16GB llama model", None, 5)
        ids_ = [result.model.id for result in answer.results]
        assert "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF" not in ids_
        llama = next(r for r in answer.results if r.model.id == "meta-llama/Llama-3.1-8B-Instruct")
        assert llama.download.repo == "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"
        assert llama.download.file == "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"
        row = catalog.db.execute(
            "SELECT base_model, base_models FROM models WHERE id = 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF'"
        ).fetchone()
        assert row == ("meta-llama/Llama-3.1-8B-Instruct", '["meta-llama/Meta-Llama-3.1-8B-Instruct"]')


def llama(model_id: str, **fields) -> dict:
    return record(
        model_id,
        1_000_000,
        tags=["transformers", "safetensors", "text-generation", "license:llama3.1"],
        cardData={"license": "llama3.1"},
        config={"architectures": ["LlamaForCausalLM"], "model_type": "llama", "max_position_embeddings": 131072},
        safetensors={"parameters": {"BF16": 8_030_261_248}, "total": 8_030_261_248},
        **fields,
    )


def quant(model_id: str, base_id: str) -> dict:
    return gguf_record(model_id, base_id, [model_id.split("/")[1].removesuffix("-GGUF") + "-Q4_K_M.gguf"], 90_000)


def fine_tune(model_id: str, base_id: str) -> dict:
    """A fine-tune whose card states no licence and whose config states no context: both come from its base."""
    return record(
        model_id,
        5_000,
        tags=["transformers", "safetensors", "text-generation", f"base_model:finetune:{base_id}"],
        cardData={"base_model": base_id},
        config={"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
    )


def synced(tmp_path: Path, records: list[dict], name: str = "catalog.db") -> Catalog:
    catalog = Catalog(tmp_path / name)
    with FakeHub(records) as hub:
        run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(stale_days=100_000), now=NOW)
    return catalog


def bases(catalog: Catalog) -> dict[str, str | None]:
    return dict(catalog.db.execute("SELECT id, base_model FROM models").fetchall())


def test_sync_links_quants_and_fine_tunes_to_the_renamed_base(tmp_path):
    with synced(
        tmp_path,
        [
            llama("meta-llama/Llama-3.1-8B-Instruct"),
            quant("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
            fine_tune("mlabonne/Meta-Llama-3.1-8B-Instruct-abliterated", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
        ],
    ) as catalog:
        assert bases(catalog)["bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"] == "meta-llama/Llama-3.1-8B-Instruct"
        tune = catalog.model("mlabonne/Meta-Llama-3.1-8B-Instruct-abliterated")
        assert tune["base_model"] == "meta-llama/Llama-3.1-8B-Instruct"
        assert (tune["commercial"], tune["context_length"]) == ("conditional", 131072)
        assert {"license", "context_length"} <= set(tune["inherited"])
        view = CatalogView.load(catalog)
        base = view.find("meta-llama/Llama-3.1-8B-Instruct")
        assert view.group[view.find("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF")] == base
        assert view.group[view.find("mlabonne/Meta-Llama-3.1-8B-Instruct-abliterated")] != base  # its own weights


def test_a_quant_naming_the_old_id_holds_the_weights_though_the_brand_is_not_the_owner(tmp_path):
    """ "mistral" is no word of "mistralai": only the name the quant's card states shows the weights are the base's."""
    with synced(
        tmp_path,
        [
            llama("mistralai/Nemo-12B-Instruct"),
            quant("bartowski/Mistral-Nemo-12B-Instruct-GGUF", "mistralai/Mistral-Nemo-12B-Instruct"),
        ],
    ) as catalog:
        view = CatalogView.load(catalog)
        base = view.find("mistralai/Nemo-12B-Instruct")
        assert view.group[view.find("bartowski/Mistral-Nemo-12B-Instruct-GGUF")] == base


def test_sync_leaves_ambiguous_foreign_and_present_bases_as_stated(tmp_path):
    with synced(
        tmp_path,
        [
            llama("acme/Foo-7B"),
            llama("acme/Other-Acme-Foo-7B"),
            quant("q/Acme-Foo-7B-GGUF", "acme/Acme-Foo-7B"),  # two candidates
            llama("someone/Llama-3.1-8B-Instruct"),
            quant("q/Meta-Llama-3.1-8B-Instruct-GGUF", "meta-llama/Meta-Llama-3.1-8B-Instruct"),  # another owner's
            llama("acme/Acme-Bar-7B"),
            llama("acme/Bar-7B"),
            quant("q/Acme-Bar-7B-GGUF", "acme/Acme-Bar-7B"),  # the old id is in the catalog
        ],
    ) as catalog:
        found = bases(catalog)
        assert found["q/Acme-Foo-7B-GGUF"] == "acme/Acme-Foo-7B"
        assert found["q/Meta-Llama-3.1-8B-Instruct-GGUF"] == "meta-llama/Meta-Llama-3.1-8B-Instruct"
        assert found["q/Acme-Bar-7B-GGUF"] == "acme/Acme-Bar-7B"


def test_a_later_sync_goes_back_to_the_stated_id_once_it_is_in_the_catalog(tmp_path):
    records = [llama("acme/Foo-7B"), quant("q/Acme-Foo-7B-GGUF", "acme/Acme-Foo-7B")]
    catalog = synced(tmp_path, records)
    try:
        assert bases(catalog)["q/Acme-Foo-7B-GGUF"] == "acme/Foo-7B"
        with FakeHub([*records, llama("acme/Acme-Foo-7B")]) as hub:
            run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(stale_days=100_000), now=NOW)
        assert bases(catalog)["q/Acme-Foo-7B-GGUF"] == "acme/Acme-Foo-7B"
    finally:
        catalog.close()
