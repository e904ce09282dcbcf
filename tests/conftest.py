"""Shared fixtures: a loopback Hugging Face Hub over the curated catalog, and the real Hub data beside the checkout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hubserver import FakeHub, load_fixture_models, load_fixture_trees, shared_data_dir


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
