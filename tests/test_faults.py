"""Hub faults and bad records: retries, clear failures, an untouched catalog, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.cli import main
from index.errors import HubError, HubRateLimited, HubUnavailable
from index.hub import Hub
from index.store import Catalog
from index.sync import run_sync
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, gguf_record, record, sync_options

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LISTING = "/api/models"


def models(n: int = 12) -> list[dict]:
    return [record(f"org/model-{i:02d}-7b", 10_000 - i) for i in range(n)]


@pytest.fixture
def hub():
    with FakeHub(models(), page_size=3) as hub:
        yield hub


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


def sync(catalog, hub, **hub_options):
    return run_sync(catalog, Hub(fast_hub_options(hub.url, page_size=3, **hub_options)), sync_options(), now=NOW)


def everything(catalog: Catalog) -> list[tuple]:
    rows = catalog.db.execute("SELECT * FROM models ORDER BY id").fetchall()
    return [*rows, catalog.generation(), catalog.db.execute("SELECT count(*) FROM snapshots").fetchone()]


@pytest.mark.parametrize(
    "inject",
    [
        lambda faults: faults.status(429, path=LISTING, exact=True, after=1, retry_after=1),
        lambda faults: faults.status(500, path=LISTING, exact=True, after=2, times=2),
        lambda faults: faults.status(502, path=LISTING, exact=True),
        lambda faults: faults.status(503, path=LISTING, exact=True, after=3),
        lambda faults: faults.truncate(mode="bad_json", path=LISTING, exact=True, after=1),
        lambda faults: faults.truncate(mode="short", path=LISTING, exact=True, after=2),
        lambda faults: faults.reset(path=LISTING, exact=True, after=1),
        lambda faults: faults.delay(1.5, path=LISTING, exact=True, after=1),
    ],
    ids=["429-retry-after", "500-twice", "502", "503", "truncated-json", "dropped-mid-page", "reset", "timeout"],
)
def test_transient_faults_are_retried_and_the_sync_completes(catalog, hub, inject):
    inject(hub.faults)
    report = sync(catalog, hub, timeout=1.0)
    assert report.complete and report.listed == 12 and catalog.count() == 12
    assert all(fault.fired >= 1 for fault in hub.faults.faults)


def test_retry_after_is_respected(catalog, hub):
    hub.faults.status(429, path=LISTING, exact=True, after=1, retry_after=1)
    sync(catalog, hub)
    listing = [entry for entry in hub.requests if entry.path == LISTING]
    limited = next(i for i, entry in enumerate(listing) if entry.status == 429)
    assert listing[limited + 1].time - listing[limited].time >= 0.95


def test_hub_down_mid_listing_fails_clearly_and_leaves_the_catalog_untouched(catalog, hub):
    sync(catalog, hub)
    before = everything(catalog)
    hub.remove_model("org/model-00-7b")
    hub.faults.status(503, path=LISTING, exact=True, after=2, times="always")
    with pytest.raises(HubUnavailable, match="left as it was"):
        sync(catalog, hub)
    assert everything(catalog) == before
    assert catalog.staged_count() == 0
    last = catalog.db.execute("SELECT status, message FROM syncs ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "failed" and "not answering" in last[1]
    hub.faults.clear()
    report = sync(catalog, hub)
    assert report.dropped == 1 and catalog.count() == 11


def test_persistent_rate_limit_is_reported_as_such(catalog, hub):
    hub.faults.status(429, path=LISTING, times="always", retry_after=0)
    with pytest.raises(HubRateLimited):
        sync(catalog, hub)
    assert catalog.count() == 0


def test_refused_request_is_a_clear_error(catalog, hub):
    hub.faults.status(401, path=LISTING, body={"error": "Invalid credentials"})
    with pytest.raises(HubError, match="refused the request \\(401\\)"):
        sync(catalog, hub)


def test_every_page_garbled_gives_up_cleanly(catalog, hub):
    hub.faults.truncate(mode="bad_json", path=LISTING, exact=True, times="always")
    with pytest.raises(HubError, match="could not read"):
        sync(catalog, hub)


def test_cli_reports_an_outage_with_exit_code_1(tmp_path, hub, capsys):
    hub.faults.down()
    config = tmp_path / "fast.toml"
    config.write_text("[hub]\nmax_retries = 1\nbackoff_base = 0.01\n")
    code = main(
        ["--config", str(config), "sync", "--quiet"],
        environ={"SOMMELIER_HOME": str(tmp_path / "home"), "HF_ENDPOINT": hub.url},
    )
    assert code == 1
    error = capsys.readouterr().err
    assert "Hub is not answering" in error and "Traceback" not in error


def test_failing_trees_do_not_fail_the_sync(catalog):
    repos = [
        gguf_record(f"quant/model-{i}-GGUF", "org/base", [f"model-{i}.Q4_K_M.gguf"], downloads=100 + i)
        for i in range(4)
    ]
    with FakeHub(repos, trees={repo["id"]: [{"path": "x.Q4_K_M.gguf", "size": 1}] for repo in repos}) as hub:
        hub.faults.status(500, path="/api/models/quant/model-2-GGUF/tree", times="always")
        report = run_sync(
            catalog,
            Hub(fast_hub_options(hub.url, max_retries=0)),
            sync_options(max_tree_failures=3),
            now=NOW,
        )
    assert report.trees == 3 and report.tree_failures == 1 and catalog.count() == 4
    assert any("could not be fetched" in warning for warning in report.warnings)


MALFORMED = [
    {"id": "ok/plain-7b", "downloads": 10},
    {"modelId": "old/shape-2022", "downloads": 20, "pipeline_tag": "text-generation"},
    {"id": "a/card-as-string", "downloads": 5, "cardData": "license: mit\nbase_model: x"},
    {"id": "a/base-as-list", "downloads": 5, "cardData": {"base_model": ["x/a", "y/b"], "license": ["mit"]}},
    {"id": "a/base-as-dict", "downloads": 5, "cardData": {"base_model": {"x": 1}}},
    {"id": "a/" + "long-name-" * 18 + "end", "downloads": 5},
    {"id": "a/<b>bold</b>&<script>alert(1)</script>", "downloads": 5},
    {"id": "a/Модель-🙂-中文", "downloads": 5, "tags": ["ru", 5, None, {"x": 1}]},
    {"id": "a/wrong-types", "downloads": "many", "likes": None, "tags": "gguf", "siblings": "x", "gated": "manual"},
    {"id": "a/bad-numbers", "downloads": 7, "safetensors": {"total": "big"}, "gguf": ["x"], "config": [1, 2]},
    {"id": "a/bad-dates", "downloads": 7, "createdAt": 12, "lastModified": {"a": 1}},
    {"id": 12345, "downloads": 5},
    {"id": "", "downloads": 5},
    {"downloads": 5},
    {"id": "a/control\x00char", "downloads": 5},
]


def test_malformed_records_are_stored_as_well_as_they_can_be_or_skipped(catalog):
    with FakeHub([]) as hub:
        hub.set_models([])
        payload = [dict(item, pipeline_tag="text-generation") for item in MALFORMED]
        hub.faults.status(200, path=LISTING, exact=True, query="pipeline_tag=text-generation", body=json.dumps(payload))
        report = run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(min_downloads=0), now=NOW)
    assert report.skipped == 4
    assert report.listed == len(MALFORMED) - 4
    assert catalog.model("old/shape-2022") is not None
    assert catalog.model("a/base-as-list")["base_models"] == ["x/a", "y/b"]
    html = catalog.model("a/<b>bold</b>&<script>alert(1)</script>")
    assert html["author"] == "a"
    wrong = catalog.model("a/wrong-types")
    assert wrong["downloads"] is None and wrong["tags"] == [] and wrong["gated"] is True
    assert catalog.model("a/" + "long-name-" * 18 + "end") is not None


def test_the_sync_stays_within_the_rate_limit(catalog):
    with FakeHub(models(30), page_size=2) as hub:
        run_sync(
            catalog,
            Hub(fast_hub_options(hub.url, page_size=2, calls_per_window=4, window_seconds=1.0)),
            sync_options(),
            now=NOW,
        )
        times = sorted(entry.time for entry in hub.requests)
    assert len(times) >= 16 and catalog.count() == 30
    for start in times:
        assert sum(1 for t in times if start <= t < start + 0.95) <= 4
