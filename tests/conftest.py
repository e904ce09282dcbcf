"""Shared fixtures: a loopback Hugging Face Hub over the curated catalog, a catalog synced from it, and the
real Hub data beside the checkout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.hub import Hub
from index.scores import import_scores
from index.store import Catalog
from index.sync import run_sync
from tests.botserver import FakeTelegram
from tests.hubserver import FakeHub, load_fixture_models, load_fixture_trees, shared_data_dir
from tests.records import fast_hub_options, sync_options

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    """A started FakeHub serving tests/fixtures/hub_models.jsonl and hub_trees.json; stopped after the test."""
    with FakeHub(load_fixture_models(), load_fixture_trees()) as server:
        yield server


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` (real Hub records, GGUF sizes, leaderboards); the test is skipped without it."""
    path = shared_data_dir()
    if path is None:
        pytest.skip("../shared/data not found: real Hub data tests need it beside the checkout")
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose catalog was synced (real Hub client) from the fixture Hub, with sample scores."""
    folder = tmp_path_factory.mktemp("home")
    with FakeHub(load_fixture_models(), load_fixture_trees()) as server, Catalog(folder / "catalog.db") as catalog:
        run_sync(catalog, Hub(fast_hub_options(server.url)), sync_options(stale_days=100_000))
        import_scores(catalog, FIXTURES / "leaderboard_v2_sample.csv")
    return folder


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """A started loopback Bot API server; stopped after the test."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def catalog_hub() -> Iterator[FakeHub]:
    """A FakeHub over the curated fixtures shared by a module's bot tests."""
    with FakeHub(load_fixture_models(), load_fixture_trees()) as server:
        yield server
