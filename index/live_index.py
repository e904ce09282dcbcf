"""The search index a long-running reader (the bot) serves: always the newest one written to its folder.

Every read looks at the sidecar's stamp (one `stat`, a few microseconds). When a sync (of this process or
another) has written a new index, the new one is loaded and then swapped in whole; reads go on with the old
one meanwhile, so they never wait for a load nor see half of one. Indexes served are never changed in place,
so reads take no lock. `refresh` (after a sync in this process) brings the folder in step and swaps the
result in directly, without reading it back.

    live = LiveIndex(folder, embedder)
    live.search("a model for coding", allowed=nums, k=50)   # any thread
    live.refresh(catalog)                                   # after a sync, in the thread that synced
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from .embed import Embedder
from .vectors import IndexKind, Stamp, UpdateReport, VectorIndex, read_sidecar, sidecar_stamp

if TYPE_CHECKING:  # pragma: no cover
    from .store import Catalog

log = logging.getLogger(__name__)


class LiveIndex:
    """The newest vector index in `folder`, for readers in any thread.

    background: load a new index in a thread of its own while reads go on with the old one (the bot);
    False: the read that notices it loads it (tests, short-lived processes). Before any index exists,
    reads find nothing, and the first one written is loaded by the read that notices it."""

    def __init__(
        self,
        folder: str | Path,
        embedder: Embedder,
        *,
        kind: IndexKind = "flat",
        hnsw_m: int = 32,
        ef_search: int = 256,
        background: bool = True,
    ) -> None:
        self.folder = Path(folder)
        self.embedder = embedder
        self.kind: IndexKind = kind
        self.hnsw_m = hnsw_m
        self.ef_search = ef_search
        self.background = background
        self._served: VectorIndex | None = None
        self._seen: Stamp | None = None  # the newest sidecar looked at, loaded or not
        self._loading = threading.Lock()  # one load (or swap) at a time
        self._loader: threading.Thread | None = None

    # -- reading -------------------------------------------------------------------------------------
    def current(self) -> VectorIndex | None:
        """The index to read now (never changed once served), None while the folder holds none. Starts
        loading a newer one when the folder has it."""
        stamp = sidecar_stamp(self.folder)
        if stamp is not None and stamp != self._seen:
            if self.background and self._served is not None:
                self._load_soon()
            else:
                with self._loading:
                    self._load(stamp)
        return self._served

    @property
    def generation(self) -> int:
        """The catalog generation the served index describes (-1: none served)."""
        index = self._served
        return index.generation if index is not None else -1

    def search(self, text: str, *, allowed: Collection[int] | None = None, k: int = 10) -> list[tuple[int, float]]:
        """`VectorIndex.search` on the newest index: (num, similarity) best first; [] without an index."""
        index = self.current()
        return index.search(text, self.embedder, allowed=allowed, k=k) if index is not None else []

    def hybrid_search(
        self, catalog: Catalog, text: str, *, allowed: Collection[int] | None = None, k: int = 10
    ) -> list[tuple[str, float]]:
        """`VectorIndex.hybrid_search` on the newest index: (Hub id, score) best first; [] without an index."""
        index = self.current()
        return index.hybrid_search(catalog, text, self.embedder, allowed=allowed, k=k) if index is not None else []

    # -- writing -------------------------------------------------------------------------------------
    def refresh(self, catalog: Catalog) -> UpdateReport:
        """Bring the folder in step with the catalog (after a sync) and serve the result from the next read.
        Only new or changed documents are embedded; reads go on with the old index meanwhile."""
        started = time.perf_counter()
        served = self.current()
        if (
            served is not None
            and served.stamp == sidecar_stamp(self.folder)
            and served.generation == catalog.generation()
            and (served.embedder_name, served.dim) == (self.embedder.name, self.embedder.dim)
        ):  # in step already: nothing to read, embed or write
            seconds = time.perf_counter() - started
            return UpdateReport(0, 0, 0, len(served), seconds, generation=served.generation)
        index, report = VectorIndex.refreshed(
            self.folder, catalog, self.embedder, kind=self.kind, hnsw_m=self.hnsw_m, ef_search=self.ef_search
        )
        with self._loading:  # after any load in flight, which read an older sidecar than this
            if index.stamp is not None and index.stamp != self._seen:
                self._served, self._seen = index, index.stamp
        return report

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a load in a background thread to end (tests; shutting down)."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    # -- loading -------------------------------------------------------------------------------------
    def _load_soon(self) -> None:
        if not self._loading.acquire(blocking=False):
            return  # a load or a swap is under way: the next read looks again

        def work() -> None:
            try:
                stamp = sidecar_stamp(self.folder)
                if stamp is not None and stamp != self._seen:
                    self._load(stamp)
            except Exception:  # a reader thread must never die with the index: keep serving the old one
                log.exception("search index: could not load the new index in %s", self.folder)
            finally:
                self._loading.release()

        self._loader = threading.Thread(target=work, name="search-index-loader", daemon=True)
        self._loader.start()

    def _load(self, stamp: Stamp) -> None:
        """Load the sidecar with `stamp` and serve it (the caller holds `_loading`)."""
        if stamp == self._seen:
            return  # another thread got there first
        served = self._served
        if served is not None and served.file is not None:
            same = self._same_vectors(served)
            if same is not None:  # a sync that changed no document: the vectors served, a new generation
                self._served, self._seen = same, stamp
                return
        index = VectorIndex(self.folder, kind=self.kind, hnsw_m=self.hnsw_m, ef_search=self.ef_search)
        if not index.load(self.embedder):
            log.warning("search index: %s holds no index this embedder can read; serving the one loaded", self.folder)
            self._seen = stamp  # not again until another sidecar is written
            return
        self._served, self._seen = index, index.stamp or stamp
        log.info(
            "search index: now serving generation %d (%d vectors; was %s)",
            index.generation,
            len(index),
            served.generation if served is not None else "none",
        )

    def _same_vectors(self, served: VectorIndex) -> VectorIndex | None:
        """A copy of `served` at the sidecar's generation when the sidecar names the file it was loaded from
        (whose vectors never change); None when the vectors changed and must be read."""
        stamp = sidecar_stamp(self.folder)
        meta = read_sidecar(self.folder)
        if meta is None or meta.get("file") != served.file or meta.get("embedder") != served.embedder_name:
            return None
        try:
            generation = int(meta["generation"])
        except (KeyError, TypeError, ValueError):
            return None
        same = copy.copy(served)  # shares the (read-only) vectors
        same.generation, same.stamp = generation, stamp
        return same
