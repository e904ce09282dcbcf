"""After any sync a running reader serves the new search index, and a vector can never point at another
model: syncs through the loopback Hub, the index refreshed as the CLI and the bot do, the hashing embedder."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from index.embed import HashEmbedder
from index.hub import Hub
from index.live_index import LiveIndex
from index.schema import MIGRATIONS
from index.store import Catalog
from index.sync import run_sync
from index.vectors import VectorIndex, refresh_index
from tests.hubserver import FakeHub
from tests.records import fast_hub_options, record, sync_options

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def models() -> list[dict]:
    return [
        record("mistralai/Mistral-7B-Instruct-v0.2", 900_000),
        record("Qwen/Qwen2.5-Coder-7B-Instruct", 2_000_000, tags=["transformers", "code", "programming", "coder"]),
        record("TheDrummer/Cydonia-22B", 40_000, tags=["transformers", "roleplay", "storytelling", "creative"]),
        record("meta-llama/Llama-3.1-8B-Instruct", 5_000_000, tags=["transformers", "llama", "chat"]),
        record("google/gemma-2-9b-it", 400_000, tags=["transformers", "gemma", "chat"]),
    ]


ASTRONOMY = record("stars/Telescope-7B", 30_000, tags=["transformers", "astronomy", "telescope", "stargazing"])


@pytest.fixture
def hub():
    with FakeHub(models(), page_size=2) as hub:
        yield hub


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        yield catalog


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder(32)


def sync(catalog: Catalog, hub: FakeHub, days: int = 0) -> None:
    run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(), now=NOW + timedelta(days=days))


def num_of(catalog: Catalog, model_id: str) -> int:
    return int(catalog.db.execute("SELECT num FROM models WHERE id = ?", [model_id]).fetchone()[0])


def ids_of(catalog: Catalog, hits: list[tuple[int, float]]) -> list[str | None]:
    """The catalog's model for each hit's num (None: no model has that num)."""
    found = []
    for num, _ in hits:
        row = catalog.db.execute("SELECT id FROM models WHERE num = ?", [num]).fetchone()
        found.append(row[0] if row else None)
    return found


# -- a running reader serves the index of the latest sync --------------------------------------------------
@pytest.mark.parametrize("background", [False, True], ids=["load-on-read", "load-in-background"])
def test_a_reader_opened_before_a_sync_serves_the_new_model_without_restart(
    tmp_path, hub, catalog, embedder, background
):
    folder = tmp_path / "index"
    sync(catalog, hub)
    refresh_index(folder, catalog, embedder)
    reader = LiveIndex(folder, embedder, background=background)
    assert reader.generation == -1 and reader.search("astronomy telescope stargazing")  # loads on first read
    assert "stars/Telescope-7B" not in ids_of(catalog, reader.search("astronomy telescope stargazing", k=5))
    hub.upsert_model(ASTRONOMY)
    sync(catalog, hub, days=1)
    report = refresh_index(folder, catalog, embedder)  # what `sommelier sync` does after the sync
    assert (report.added, report.changed, report.removed) == (1, 0, 0)
    assert report.generation == catalog.generation() == 2
    reader.search("anything")  # notices the new sidecar (and, in the background, starts loading it)
    reader.wait(timeout=30)
    hits = reader.search("astronomy telescope stargazing", k=1)
    assert ids_of(catalog, hits) == ["stars/Telescope-7B"]
    assert reader.generation == catalog.generation()


def test_an_index_written_by_another_process_is_served_on_the_next_read(tmp_path, hub, catalog, embedder):
    folder = tmp_path / "index"
    sync(catalog, hub)
    refresh_index(folder, catalog, embedder)
    reader = LiveIndex(folder, embedder, background=False)
    reader.current()
    hub.upsert_model(ASTRONOMY)
    sync(catalog, hub, days=1)
    script = (
        "import sys; from index.embed import HashEmbedder; from index.store import Catalog;"
        "from index.vectors import refresh_index;"
        "catalog = Catalog(sys.argv[1]); print(refresh_index(sys.argv[2], catalog, HashEmbedder(32)).added)"
    )
    process = subprocess.run(
        [sys.executable, "-c", script, str(catalog.path), str(folder)], cwd=ROOT, capture_output=True, timeout=120
    )
    assert process.returncode == 0, process.stderr.decode()
    assert process.stdout.decode().strip() == "1"
    assert ids_of(catalog, reader.search("astronomy telescope stargazing", k=1)) == ["stars/Telescope-7B"]


def test_a_refresh_in_the_reading_process_is_served_at_once(tmp_path, hub, catalog, embedder):
    live = LiveIndex(tmp_path / "index", embedder)
    assert live.current() is None and live.search("chat") == []  # no index yet: nothing, no error
    sync(catalog, hub)
    first = live.refresh(catalog)
    assert first.added == 5 and live.generation == catalog.generation() == 1
    hub.upsert_model(ASTRONOMY)
    sync(catalog, hub, days=1)
    served = live.current()
    live.refresh(catalog)
    now = live.current()
    assert now is not served and served is not None and served.generation == 1  # the old one was not changed
    assert now is live.current()  # served from memory: not read back from disk
    again = live.refresh(catalog)  # in step already: nothing read, embedded or written
    assert (again.added, again.unchanged) == (0, 6) and live.current() is now
    assert ids_of(catalog, live.search("astronomy telescope stargazing", k=1)) == ["stars/Telescope-7B"]


def test_a_sync_that_changes_no_document_rewrites_only_the_sidecar(tmp_path, hub, catalog, embedder):
    folder = tmp_path / "index"
    sync(catalog, hub)
    refresh_index(folder, catalog, embedder)
    reader = LiveIndex(folder, embedder, background=False)
    before = reader.current()
    assert before is not None
    hub.upsert_model(record("mistralai/Mistral-7B-Instruct-v0.2", 950_000))  # download counts only
    sync(catalog, hub, days=1)
    embedded = embedder.texts_embedded
    report = refresh_index(folder, catalog, embedder)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 0, 0, 5)
    assert embedder.texts_embedded == embedded
    assert [path.name for path in folder.glob("vectors-*.faiss")] == [before.file]
    after = reader.current()
    assert after is not None and after is not before and after.generation == catalog.generation() == 2
    assert after._matrix is before._matrix  # the vectors were not read again
    assert refresh_index(folder, catalog, embedder).unchanged == 5  # in step already: nothing to do


def test_reads_go_on_while_syncs_refresh_the_index(tmp_path, hub, catalog, embedder):
    live = LiveIndex(tmp_path / "index", embedder)
    sync(catalog, hub)
    live.refresh(catalog)
    stop = threading.Event()
    failures: list[BaseException] = []
    answers = [0]

    def read() -> None:
        while not stop.is_set():
            try:
                for num, _ in live.search("chat model for storytelling", k=3):
                    assert isinstance(num, int)
                answers[0] += 1
            except BaseException as error:  # the test reports any failure of a reader
                failures.append(error)
                return

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for day in range(1, 4):
            hub.upsert_model(record(f"new/model-{day}", 10_000, tags=["transformers", f"topic{day}"]))
            sync(catalog, hub, days=day)
            live.refresh(catalog)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert not failures and answers[0] > 0
    assert live.generation == catalog.generation() == 4


# -- a row number is never another model's ---------------------------------------------------------------
def test_a_dropped_model_and_a_new_one_never_share_a_row_number(tmp_path, hub, catalog, embedder):
    folder = tmp_path / "index"
    sync(catalog, hub)
    hub.upsert_model(ASTRONOMY)
    sync(catalog, hub, days=1)
    stale = VectorIndex.open(folder, catalog, embedder)  # a reader that will not see the next refresh
    gone = num_of(catalog, "stars/Telescope-7B")
    assert gone == catalog.db.execute("SELECT max(num) FROM models").fetchone()[0]  # the row SQLite would reuse
    hub.remove_model("stars/Telescope-7B")
    hub.upsert_model(record("other/Reinserted-7B", 30_000, tags=["transformers", "cooking", "recipes"]))
    sync(catalog, hub, days=2)
    assert num_of(catalog, "other/Reinserted-7B") > gone
    hits = stale.search("astronomy telescope stargazing", embedder, k=1)
    assert [num for num, _ in hits] == [gone]
    assert ids_of(catalog, hits) == [None]  # the stale vector names no model, never the new one
    assert stale.search("astronomy telescope stargazing", embedder, k=1, catalog=catalog)[0][0] != gone
    refresh_index(folder, catalog, embedder)
    fresh = LiveIndex(folder, embedder, background=False)
    assert ids_of(catalog, fresh.search("cooking recipes", k=1)) == ["other/Reinserted-7B"]
    assert gone not in {num for num, _ in fresh.search("astronomy telescope stargazing", k=10)}


def test_an_old_catalog_upgrades_to_row_numbers_never_reused(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for migration in MIGRATIONS[:6]:  # the catalog as it was before m007
        migration(db)
        db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [migration.__name__])
    for name in ("a/one", "b/two", "c/three"):
        db.execute("INSERT INTO models(id, author, tags) VALUES (?, ?, '[]')", [name, name[0]])
    db.execute("DELETE FROM models WHERE id = 'b/two'")
    db.conn.commit()
    db.close()
    with Catalog(path) as catalog:
        applied = {row[0] for row in catalog.db.execute("SELECT name FROM _migrations")}
        assert "m007_models_num_never_reused" in applied
        rows = catalog.db.execute("SELECT num, id FROM models ORDER BY num").fetchall()
        assert rows == [(1, "a/one"), (3, "c/three")]
        assert catalog.search_names("three") == ["c/three"]  # the text index still finds rows by num
        catalog.db.execute("DELETE FROM models WHERE id = 'c/three'")
        catalog.db.execute("INSERT INTO models(id, author, tags) VALUES ('d/four', 'd', '[]')")
        assert num_of(catalog, "d/four") == 4  # not 3, the number of the model just dropped
        assert catalog.search_names("four") == ["d/four"] and catalog.search_names("three") == []
        assert catalog.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


WRITE_UNDER_A_FILE_SIZE_LIMIT = """
import resource, sys
from index.embed import HashEmbedder
from index.errors import IndexWriteFailed
from index.store import Catalog
from index.vectors import refresh_index
catalog = Catalog(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # no file may grow past 200 bytes: a full disk
try:
    refresh_index(sys.argv[2], catalog, HashEmbedder(32))
except IndexWriteFailed as error:
    print(error)
"""


def test_a_disk_that_refuses_the_index_leaves_the_previous_one_in_use(tmp_path, hub, catalog, embedder):
    folder = tmp_path / "index"
    sync(catalog, hub)
    refresh_index(folder, catalog, embedder)
    reader = LiveIndex(folder, embedder, background=False)
    served = reader.current()
    files = sorted(path.name for path in folder.iterdir())
    hub.upsert_model(ASTRONOMY)
    sync(catalog, hub, days=1)
    process = subprocess.run(
        [sys.executable, "-c", WRITE_UNDER_A_FILE_SIZE_LIMIT, str(catalog.path), str(folder)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr.decode()
    assert (
        process.stdout.decode().strip()
        == "The search index could not be written (disk full?); the previous index stays in use"
    )
    assert sorted(path.name for path in folder.iterdir()) == files  # no half-written file left behind
    assert reader.current() is served and reader.generation == 1
    assert refresh_index(folder, catalog, embedder).added == 1  # space again: the next refresh catches up
    assert ids_of(catalog, reader.search("astronomy telescope stargazing", k=1)) == ["stars/Telescope-7B"]
