"""A sync killed with SIGKILL at any point leaves a catalog that opens and answers; the next completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.hub import Hub
from index.store import Catalog
from index.sync import run_sync
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, record, sync_options

ROOT = Path(__file__).resolve().parents[1]
N_MODELS = 3000


def start_sync(home: Path, url: str) -> subprocess.Popen:
    config = home / "fast.toml"
    config.write_text(
        "[hub]\npage_size = 100\nbackoff_base = 0.01\n"
        "[sync]\nbatch_size = 200\nmin_downloads = 0\n"
        "[index]\nenabled = false\n"
    )
    environ = {**os.environ, "SOMMELIER_HOME": str(home), "HF_ENDPOINT": url}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "sync", "--quiet", "--no-scores"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_sigkill_at_any_point_leaves_a_working_catalog(tmp_path):
    models = [record(f"org/model-{i:05d}", 100_000 - i) for i in range(N_MODELS)]
    with FakeHub(models, page_size=100) as hub:
        hub.faults.delay(0.05, path="/api/models", exact=True, times="always")
        # one whole run, to learn how long a sync takes here
        started = time.monotonic()
        assert start_sync(tmp_path, hub.url).wait(timeout=300) == 0
        duration = time.monotonic() - started
        with Catalog(tmp_path / "catalog.db") as catalog:
            assert catalog.count() == N_MODELS
        hub.set_models(models[:-500] + [record(f"new/model-{i}", 5) for i in range(200)])
        expected_after = N_MODELS - 500 + 200
        for fraction in (0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.97):
            process = start_sync(tmp_path, hub.url)
            time.sleep(duration * fraction)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            with Catalog(tmp_path / "catalog.db") as catalog:
                assert catalog.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                count = catalog.count()
                assert count in (N_MODELS, expected_after), f"half a sync visible after a kill at {fraction}"
                assert catalog.model("org/model-00000") is not None
                assert len(catalog.search_names("model-00001")) == 1
        with Catalog(tmp_path / "catalog.db") as catalog:
            killed_sql = "SELECT count(*) FROM syncs WHERE status IN ('running', 'abandoned')"
            killed = catalog.db.execute(killed_sql).fetchone()[0]
            assert killed >= 4, "most kills should land inside a sync, not before it starts"
            report = run_sync(catalog, Hub(fast_hub_options(hub.url, page_size=100)), sync_options(min_downloads=0))
            assert report.complete and catalog.count() == expected_after
            assert catalog.staged_count() == 0
            statuses = [row[0] for row in catalog.db.execute("SELECT status FROM syncs ORDER BY id")]
            assert statuses[0] == "ok" and statuses[-1] == "ok" and "running" not in statuses


KILL_INSIDE = """
import os, signal, sys
from index.store import Catalog
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(Catalog, sys.argv[1], die)
from bot.cli import main
sys.exit(main(sys.argv[2:]))
"""


# each step runs inside the apply transaction, after the models table was already rewritten
@pytest.mark.parametrize("step", ["_apply_trees", "_snapshot", "_apply_lineage"])
def test_sigkill_inside_the_apply_transaction_changes_nothing(tmp_path, step):
    models = [record(f"org/model-{i:03d}", 10_000 - i) for i in range(300)]
    with FakeHub(models, page_size=100) as hub:
        assert start_sync(tmp_path, hub.url).wait(timeout=120) == 0
        with Catalog(tmp_path / "catalog.db") as catalog:
            before = catalog.db.execute("SELECT id, downloads FROM models ORDER BY id").fetchall()
            generation = catalog.generation()
        hub.set_models([record(f"org/model-{i:03d}", 20_000 - i) for i in range(50, 350)])
        environ = {**os.environ, "SOMMELIER_HOME": str(tmp_path), "HF_ENDPOINT": hub.url}
        config = str(tmp_path / "fast.toml")
        process = subprocess.run(
            [sys.executable, "-c", KILL_INSIDE, step, "--config", config, "sync", "--quiet", "--no-scores"],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            timeout=120,
        )
        assert process.returncode == -signal.SIGKILL
        with Catalog(tmp_path / "catalog.db") as catalog:
            after = catalog.db.execute("SELECT id, downloads FROM models ORDER BY id").fetchall()
            assert after == before and catalog.generation() == generation
            report = run_sync(catalog, Hub(fast_hub_options(hub.url, page_size=100)), sync_options(min_downloads=0))
            assert report.complete and catalog.count() == 300 and report.dropped == 50
