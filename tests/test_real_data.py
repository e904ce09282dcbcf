"""End to end on the real Hub records in ../shared/data/hub, served by the loopback Hub."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.hub import Hub
from index.store import Catalog
from index.sync import Listing, run_sync
from tests.hubserver import FakeHub, load_shared_records
from tests.records import fast_hub_options, sync_options

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def sync_all(catalog, records, **options):
    with FakeHub(records, page_size=500) as hub:
        return run_sync(
            catalog,
            Hub(fast_hub_options(hub.url, page_size=500)),
            sync_options(min_downloads=0, stale_min_downloads=0, gguf_tree_top_n=0, **options),
            now=NOW,
        )


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


def test_2025_records_text_generation_and_gguf(catalog, shared_data):
    records = load_shared_records("models-2025.jsonl")
    report = sync_all(catalog, records)
    expected = {
        r["id"].lower()
        for r in records
        if r.get("pipeline_tag") in ("text-generation", "image-text-to-text")
        or "gguf" in (r.get("tags") or [])
        or r.get("library_name") == "gguf"
    }
    assert report.listed == len(expected) and catalog.count() == len(expected)
    checked = 0
    for r in records:
        if r["id"].lower() not in expected:
            continue
        stored = catalog.model(r["id"])
        safetensors = r.get("safetensors") or {}
        dtypes = set((safetensors.get("parameters") or {}).keys())
        if safetensors.get("total") and not dtypes & {"U32", "U8", "I8"}:
            assert stored["params"] == safetensors["total"], r["id"]
            checked += 1
        elif (r.get("gguf") or {}).get("total") and stored["params_source"] == "gguf":
            assert stored["params"] == r["gguf"]["total"]
    assert checked > 150
    families = catalog.stats()["by_family"]
    assert families.get("llama", 0) > 50 and families.get("gemma", 0) > 50


def test_2022_records_all_29k_ingested_without_a_crash(catalog, shared_data):
    records = load_shared_records("models-2022.jsonl")
    report = sync_all(catalog, records, listings=(Listing(),), batch_size=2000)
    assert report.skipped == 0
    assert report.listed == catalog.count() == len({r["id"].lower() for r in records})
    gpt2 = catalog.model("gpt2")
    assert gpt2["family"] == "gpt2" and gpt2["license"] == "mit" and gpt2["commercial"] == "yes"
    assert gpt2["params"] is None or gpt2["params_source"] == "name"


def test_2024_listing_and_detail_shapes(catalog, shared_data):
    listing = load_shared_records("listing-2024.json")
    details = load_shared_records("detail-2024.json")
    report = sync_all(catalog, listing + [d for d in details if d["id"] not in {r["id"] for r in listing}])
    assert report.skipped == 0 and report.listed == catalog.count() > 300
