"""What a sync refuses to do to the catalog: drop most of it on a short listing, store numbers SQLite
cannot hold, or leave half a write behind on a full disk. All through the loopback Hub."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from index.errors import CatalogBusy, CatalogWriteFailed, TooManyDrops
from index.hub import Hub
from index.store import Catalog, write_error
from index.sync import Listing, run_sync
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, gguf_record, record, sync_options

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def models(n: int = 20) -> list[dict]:
    return [record(f"org/model-{i:02d}-7b", 10_000 - i) for i in range(n)]


@pytest.fixture
def hub():
    with FakeHub(models(), page_size=5) as hub:
        yield hub


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


def sync(catalog, hub, **options):
    return run_sync(catalog, Hub(fast_hub_options(hub.url, page_size=5)), sync_options(**options), now=NOW)


def everything(catalog: Catalog) -> list[tuple]:
    """The catalog's content: every model, file, snapshot, and the generation."""
    run = catalog.db.execute
    return [
        *run("SELECT * FROM models ORDER BY id").fetchall(),
        *run("SELECT * FROM files ORDER BY num, path").fetchall(),
        *run("SELECT * FROM snapshots ORDER BY num, day").fetchall(),
        catalog.generation(),
    ]


def last_sync(catalog: Catalog) -> tuple:
    return catalog.db.execute("SELECT status, message FROM syncs ORDER BY id DESC LIMIT 1").fetchone()


# -- item 10: a short listing cannot empty the catalog --------------------------------------------------------
def test_a_listing_much_smaller_than_the_catalog_is_refused_and_changes_nothing(catalog, hub):
    sync(catalog, hub)
    before = everything(catalog)
    hub.set_models(models()[:3])
    with pytest.raises(TooManyDrops) as refused:
        sync(catalog, hub)
    message = str(refused.value)
    assert "drop 17 of the catalog's 20 models (85%)" in message
    assert "20% allowed" in message and "--allow-drops" in message
    assert (refused.value.dropped, refused.value.total) == (17, 20)
    assert everything(catalog) == before and catalog.staged_count() == 0
    assert last_sync(catalog) == ("failed", message[:500])


def test_a_mistyped_pipeline_tag_is_refused(catalog, hub):
    sync(catalog, hub)
    before = everything(catalog)
    with pytest.raises(TooManyDrops, match="drop 20 of the catalog's 20 models \\(100%\\)"):
        sync(catalog, hub, listings=(Listing(pipeline_tag="text-generaton"),))
    assert everything(catalog) == before


def test_drops_within_the_share_go_through(catalog, hub):
    sync(catalog, hub)
    hub.set_models(models()[:16])  # 4 of 20: exactly 20%
    report = sync(catalog, hub)
    assert report.dropped == 4 and catalog.count() == 16


def test_drops_above_the_share_go_through_when_asked(catalog, hub):
    sync(catalog, hub)
    hub.set_models(models()[:3])
    report = sync(catalog, hub, allow_drops=True)
    assert report.dropped == 17 and catalog.count() == 3


def test_the_share_is_a_setting(catalog, hub):
    sync(catalog, hub)
    hub.set_models(models()[:10])
    with pytest.raises(TooManyDrops, match="more than the 40% allowed"):
        sync(catalog, hub, max_drop_share=0.4)
    assert sync(catalog, hub, max_drop_share=0.5).dropped == 10


def test_a_small_catalog_may_lose_a_few_models_but_not_all(catalog):
    with FakeHub(models(4)) as hub:
        sync(catalog, hub)
        hub.set_models(models(4)[:1])
        assert sync(catalog, hub).dropped == 3  # 75%, but fewer than every model and fewer than 10
        hub.set_models([])
        with pytest.raises(TooManyDrops, match="drop 1 of the catalog's 1 models"):
            sync(catalog, hub)
    assert catalog.count() == 1


def test_a_partial_listing_is_never_checked_for_drops(catalog, hub):
    sync(catalog, hub)
    report = sync(catalog, hub, limit=2)
    assert not report.complete and report.dropped == 0 and catalog.count() == 20


def test_threshold_drops_count_as_drops(catalog, hub):
    sync(catalog, hub)
    with pytest.raises(TooManyDrops, match="drop 20 of"):
        sync(catalog, hub, min_downloads=1_000_000)
    assert catalog.count() == 20


# -- item 12: numbers SQLite cannot hold -------------------------------------------------------------------
OVERFLOWING = [
    record("big/downloads", 10**30, likes=-(10**25), downloadsAllTime=2**64),
    record("big/infinities", 500, likes=float("-inf"), trendingScore=float("inf")),
    record("big/nan", 1e300, likes=float("nan")),
    record("big/negative", -5, likes=-1),
    record(
        "big/params",
        700,
        safetensors={"parameters": {"BF16": 10**30}, "total": 10**30},
        config={"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 10**40, "num_hidden_layers": 2**70},
    ),
    {
        **gguf_record("big/model-GGUF", "org/model-00-7b", ["model.Q4_K_M.gguf", "model.Q8_0.gguf"], downloads=600),
        "gguf": {"total": 10**40, "context_length": -(10**30), "architecture": "llama"},
    },
    record("fine/model", 400),
]


def test_overflowing_numbers_are_dropped_per_field_and_the_page_is_kept(catalog):
    tree = [{"path": "model.Q4_K_M.gguf", "size": 10**30}, {"path": "model.Q8_0.gguf", "size": 8_000_000_000}]
    with FakeHub(OVERFLOWING, trees={"big/model-GGUF": tree}, page_size=3) as hub:
        report = sync(catalog, hub, min_downloads=0, stale_min_downloads=0)
    assert report.complete and report.skipped == 0 and catalog.count() == len(OVERFLOWING)
    big = catalog.model("big/downloads")
    assert (big["downloads"], big["likes"], big["downloads_all_time"]) == (None, None, None)
    infinities = catalog.model("big/infinities")
    assert (infinities["downloads"], infinities["likes"], infinities["trending_score"]) == (500, None, None)
    assert catalog.model("big/nan")["downloads"] is None and catalog.model("big/nan")["likes"] is None
    assert catalog.model("big/negative")["downloads"] is None and catalog.model("big/negative")["likes"] is None
    params = catalog.model("big/params")
    assert (params["params"], params["context_length"], params["n_layers"]) == (None, None, None)
    gguf = catalog.model("big/model-GGUF")
    assert gguf["params"] is None and gguf["context_length"] is None
    assert {item["quant"]: item["size"] for item in gguf["files"]} == {"Q4_K_M": None, "Q8_0": 8_000_000_000}
    assert catalog.model("fine/model")["downloads"] == 400


# -- item 12: a disk that refuses the write -------------------------------------------------------------------
def fill_the_disk(catalog: Catalog, spare_pages: int = 2) -> None:
    """The catalog file may grow by `spare_pages` pages at most: SQLite's own 'database or disk is full'."""
    pages = catalog.db.execute("PRAGMA page_count").fetchone()[0]
    catalog.db.execute(f"PRAGMA max_page_count = {pages + spare_pages}")


def test_a_full_disk_mid_sync_is_a_clear_error_and_the_catalog_stays_as_it_was(catalog, hub):
    sync(catalog, hub)
    before = everything(catalog)
    hub.set_models(models() + [record(f"new/model-{i:03d}", 5_000, description="x" * 2000) for i in range(300)])
    fill_the_disk(catalog)
    with pytest.raises(CatalogWriteFailed) as failed:
        sync(catalog, hub)
    assert str(failed.value) == "The catalog could not be written (the disk is full); nothing was changed"
    assert isinstance(failed.value.__cause__, sqlite3.OperationalError)
    assert everything(catalog) == before
    assert catalog.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not catalog.staging_path.exists()
    catalog.db.execute("PRAGMA max_page_count = 1073741823")  # space again: the next sync goes through
    report = sync(catalog, hub)
    assert report.added == 300 and catalog.count() == 320


def test_a_disk_too_full_to_start_a_sync_is_the_same_clear_error(catalog, hub):
    sync(catalog, hub)
    before = everything(catalog)
    fill_the_disk(catalog, spare_pages=0)
    with pytest.raises(sqlite3.OperationalError, match="full"):  # fill the last pages with log lines
        for _ in range(100_000):
            catalog.db.execute("INSERT INTO syncs(started_at, status) VALUES ('2026-11-23T12:00:00.000Z', 'ok')")
    with pytest.raises(CatalogWriteFailed, match="disk is full"):
        sync(catalog, hub)
    assert everything(catalog) == before


def test_write_error_names_what_the_disk_did(tmp_path):
    path = tmp_path / "catalog.db"
    with Catalog(path) as catalog:
        fill_the_disk(catalog, spare_pages=0)
        with pytest.raises(sqlite3.OperationalError) as full:
            catalog.db.execute("INSERT INTO meta VALUES ('filler', zeroblob(10000000))")
        assert "disk is full" in str(write_error(full.value))
    readonly = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        readonly.execute("INSERT INTO meta VALUES ('x', 'y')")
    assert "read-only" in str(write_error(refused.value))
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("BEGIN IMMEDIATE")
    assert isinstance(write_error(locked.value), CatalogBusy)
    with pytest.raises(sqlite3.OperationalError) as bug:
        other.execute("SELECT no_such_column FROM meta")
    assert write_error(bug.value) is None  # a bug is not the disk's fault: it raises as it is
    writer.rollback()
    for connection in (readonly, writer, other):
        connection.close()
