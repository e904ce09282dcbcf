"""The vector index: one FAISS vector per catalog model, keyed by `models.num`, kept in step with the catalog.

A num is never handed to another model (`models.num` is AUTOINCREMENT since migration m007), so a vector
can only ever describe the model it was embedded for, however old the index that holds it.

Files in the index folder:

- `vectors-<token>.faiss`: the FAISS index (`IndexIDMap2` over `IndexFlatIP`, or over `IndexHNSWFlat`).
- `vectors.json`: the sidecar: which index file is current, the catalog generation it matches, the
  embedder's name and dimension, and the hash of the document embedded for every num.

A write puts the index in a new file, then replaces the sidecar (`os.replace`, atomic), then deletes
the old index file. The sidecar is the commit point: whatever moment a process dies at, the sidecar
names an index file that holds exactly the vectors it describes. A missing or damaged pair is rebuilt;
a sidecar whose generation is behind the catalog's is repaired by `update`, which re-embeds only
new or changed documents and removes the vectors of models gone from the catalog.

Search results are checked against the catalog when one is given: a num no longer in the catalog, or
whose document changed since it was embedded, is never served.

After a sync, `refresh_index(folder, catalog, embedder)` brings the folder in step (any process may call it;
writers take turns). A long-running reader serves through a `LiveIndex`, which notices a new sidecar on
its next read and swaps the new index in whole, so every read sees one index or the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .embed import MAX_QUERY_CHARS, Embedder, document, document_hash
from .errors import IndexWriteFailed

if TYPE_CHECKING:  # pragma: no cover
    from .store import Catalog

log = logging.getLogger(__name__)

SIDECAR = "vectors.json"
SIDECAR_VERSION = 1
DOCUMENT_COLUMNS = ("num", "id", "family", "kind", "params", "tasks", "languages", "license", "description", "tags")
# How exact searches run (measured by benchmarks/vectors.py, 2 cores, 384 dims): one BLAS matrix-vector
# product over the stored vectors (a zero-copy view of FAISS's storage) beats IndexFlatIP.search for a
# single query by 2.5x (18 ms vs 46 ms at 300k), and beats an IDSelectorBatch scan for any filter. A filter
# allowing fewer than 1/GATHER_RATIO of the vectors scores only those (a gather, then the same product);
# a larger one scores everything and keeps the allowed. "selector" (FAISS IDSelectorBatch) is kept for
# comparison in the benchmark.
GATHER_RATIO = 12
FILTER_STRATEGY: Literal["auto", "gather", "scan", "selector"] = "auto"
EMBED_BATCH = 256
NAME_QUERY_CHARS = 300

IndexKind = Literal["flat", "hnsw"]
# What identifies one written sidecar: os.replace gives every new one a new inode.
Stamp = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class UpdateReport:
    added: int
    changed: int
    removed: int
    unchanged: int
    seconds: float
    generation: int = -1  # the catalog generation the index now describes


def _faiss() -> Any:
    import faiss

    return faiss


class VectorIndex:
    """Vectors of catalog documents in a folder. Build with `VectorIndex.open(folder, catalog, embedder)`,
    which loads what is on disk and repairs it; `update` after every sync."""

    def __init__(
        self,
        folder: str | Path,
        *,
        kind: IndexKind = "flat",
        hnsw_m: int = 32,
        ef_search: int = 256,
        ef_construction: int = 200,
    ) -> None:
        if kind not in ("flat", "hnsw"):
            raise ValueError(f"unknown index kind {kind!r}: use 'flat' or 'hnsw'")
        self.folder = Path(folder)
        self.kind: IndexKind = kind
        self.hnsw_m = hnsw_m
        self.ef_search = ef_search
        self.ef_construction = ef_construction
        # hnsw: the FAISS index itself. flat: a FAISS view built from the matrix below when asked (to write
        # the file, or by FAISS's own selector search); searches use the matrix.
        self._faiss_index: Any = None
        # flat: the vectors and their nums in storage order, in memory numpy allocated (transparent huge
        # pages: an exact search over 300k vectors reads 440 MB, ~25% faster than from FAISS's own buffer)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self.hashes: dict[int, str] = {}
        self.generation = -1
        self.embedder_name: str | None = None
        self.dim = 0
        self.file: str | None = None
        self.stamp: Stamp | None = None  # the sidecar this index was loaded from or wrote
        # (nums sorted, storage position of each sorted num, num at each storage position)
        self._positions: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._buffers = threading.local()

    @property
    def index(self) -> Any:
        """The FAISS index (`IndexIDMap2` over `IndexFlatIP` or `IndexHNSWFlat`)."""
        if self._faiss_index is None and self.kind == "flat":
            self._faiss_index = self._new_index(self.dim)
            if len(self._ids):
                self._faiss_index.add_with_ids(self._matrix, self._ids)
        return self._faiss_index

    def _adopt(self, index: Any) -> None:
        """Take a FAISS index as the stored vectors (flat: copied into numpy, the FAISS copy freed)."""
        self._positions = None
        if self.kind == "hnsw":
            self._faiss_index = index
            return
        faiss = _faiss()
        count = int(index.ntotal)
        inner = faiss.downcast_index(index.index)
        self._matrix = (
            np.array(faiss.rev_swig_ptr(inner.get_xb(), count * self.dim).reshape(count, self.dim))
            if count
            else np.zeros((0, self.dim), dtype=np.float32)
        )
        self._ids = faiss.vector_to_array(index.id_map).astype(np.int64) if count else np.zeros(0, dtype=np.int64)
        self._faiss_index = None

    def add(self, nums: Sequence[int], vectors: np.ndarray) -> None:
        """Add vectors under catalog row ids (no embedding, no write): for tests and benchmarks."""
        self._apply([], nums, np.ascontiguousarray(vectors, dtype=np.float32))
        self.hashes.update(dict.fromkeys((int(num) for num in nums), ""))

    # -- opening ------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        folder: str | Path,
        catalog: Catalog,
        embedder: Embedder,
        *,
        kind: IndexKind = "flat",
        hnsw_m: int = 32,
        ef_search: int = 256,
        ef_construction: int = 200,
    ) -> VectorIndex:
        """Load the index in `folder` and bring it in step with the catalog: rebuilt when missing,
        damaged, or made by another embedder or index kind; updated when the catalog moved on."""
        index = cls(folder, kind=kind, hnsw_m=hnsw_m, ef_search=ef_search, ef_construction=ef_construction)
        index.load(embedder)
        if index.stale(catalog):
            index.update(catalog, embedder)
        return index

    def load(self, embedder: Embedder) -> bool:
        """Read the index and sidecar; False (and an empty index) when they are missing, damaged or
        made for another embedder or index kind."""
        faiss = _faiss()
        self._reset(embedder)
        sidecar_path = self.folder / SIDECAR
        stamp = sidecar_stamp(self.folder)
        if not sidecar_path.exists():
            if self.folder.exists() and any(self.folder.glob("vectors-*.faiss")):
                log.warning("vector index: the sidecar %s is missing; rebuilding the index", sidecar_path)
            return False
        try:
            meta = json.loads(sidecar_path.read_text())
            if not (self.folder / str(meta.get("file"))).exists():  # a writer replaced the pair meanwhile
                meta = json.loads(sidecar_path.read_text())
            nums = [int(num) for num in meta["nums"]]
            hashes = [str(value) for value in meta["hashes"]]
            if meta.get("version") != SIDECAR_VERSION or len(nums) != len(hashes):
                raise ValueError("unknown sidecar version or shape")
            if meta.get("embedder") != embedder.name or int(meta.get("dim", 0)) != embedder.dim:
                log.info("vector index: made by another embedder (%s); rebuilding", meta.get("embedder"))
                return False
            if meta.get("kind") != self.kind:
                log.info("vector index: stored as %s, wanted %s; rebuilding", meta.get("kind"), self.kind)
                return False
            file = str(meta["file"])
            index = faiss.read_index(str(self.folder / file))
            stored = np.sort(faiss.vector_to_array(index.id_map)) if index.ntotal else np.zeros(0, np.int64)
            if index.d != embedder.dim or not np.array_equal(stored, np.sort(np.asarray(nums, dtype=np.int64))):
                raise ValueError("the index file does not hold the vectors its sidecar lists")
            generation = int(meta["generation"])
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
            log.warning("vector index in %s is damaged (%s); rebuilding it", self.folder, error)
            self._reset(embedder)
            return False
        if self.kind == "hnsw":
            faiss.downcast_index(index.index).hnsw.efSearch = self.ef_search
        self.dim = embedder.dim
        self._adopt(index)
        self.hashes = dict(zip(nums, hashes, strict=True))
        self.generation = generation
        self.file = file
        self.stamp = stamp
        return True

    def _reset(self, embedder: Embedder) -> None:
        self.clear(embedder.dim)
        self.embedder_name = embedder.name

    def clear(self, dim: int) -> None:
        """Forget every vector (in memory; the files stay until the next write)."""
        self._faiss_index = self._new_index(dim) if self.kind == "hnsw" else None
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self.hashes = {}
        self.generation = -1
        self.dim = dim
        self.file = None
        self.stamp = None
        self._positions = None

    def _new_index(self, dim: int) -> Any:
        faiss = _faiss()
        if self.kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = self.ef_construction
            inner.hnsw.efSearch = self.ef_search
        else:
            inner = faiss.IndexFlatIP(dim)
        return faiss.IndexIDMap2(inner)

    def stale(self, catalog: Catalog) -> bool:
        """The index does not describe the catalog's current generation (or was never written)."""
        return self.file is None or self.generation != catalog.generation()

    def __len__(self) -> int:
        return len(self.hashes)

    # -- updating -----------------------------------------------------------------------------------
    @classmethod
    def refreshed(
        cls,
        folder: str | Path,
        catalog: Catalog,
        embedder: Embedder,
        *,
        kind: IndexKind = "flat",
        hnsw_m: int = 32,
        ef_search: int = 256,
        ef_construction: int = 200,
    ) -> tuple[VectorIndex, UpdateReport]:
        """The index in `folder` brought in step with the catalog, as a new object (never one being searched),
        and what it took. Loads and updates under the folder's writer lock, so concurrent refreshes (the bot's,
        a CLI sync's) take turns and each starts from the other's result; nothing is embedded or written when
        the folder already describes the catalog's generation."""
        started = time.perf_counter()
        index = cls(folder, kind=kind, hnsw_m=hnsw_m, ef_search=ef_search, ef_construction=ef_construction)
        with index._lock():
            index.load(embedder)
            if index.stale(catalog):
                return index, index._update(catalog, embedder)
        seconds = time.perf_counter() - started
        return index, UpdateReport(0, 0, 0, len(index), seconds, generation=index.generation)

    def update(self, catalog: Catalog, embedder: Embedder) -> UpdateReport:
        """Embed new and changed documents, drop vectors of models gone from the catalog, write atomically.
        Changes this object in place: never call it on an index other threads are searching (`refresh_index`
        and `LiveIndex.refresh` update a fresh copy instead)."""
        with self._lock():
            return self._update(catalog, embedder)

    def _update(self, catalog: Catalog, embedder: Embedder) -> UpdateReport:
        """`update`, for a caller holding the folder's writer lock."""
        started = time.perf_counter()
        if self.embedder_name != embedder.name or self.dim != embedder.dim:
            self._reset(embedder)
        # read the generation first: rows committed after it make the index look stale, never fresh
        generation = catalog.generation()
        seen: set[int] = set()
        todo: dict[int, tuple[str, str]] = {}  # num → (document, hash), for new and changed rows only
        changed: list[int] = []
        for row in catalog.db.query(f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM models"):
            num = int(row["num"])
            seen.add(num)
            text = document(row)
            digest = document_hash(text)
            known = self.hashes.get(num)
            if known != digest:
                todo[num] = (text, digest)
                if known is not None:
                    changed.append(num)
        removed = [num for num in self.hashes if num not in seen]
        added = len(todo) - len(changed)
        unchanged = len(seen) - len(todo)
        vectors = self._embed([text for text, _ in todo.values()], embedder)
        self._apply(removed + changed, list(todo), vectors)
        for num in removed:
            del self.hashes[num]
        for num, (_, digest) in todo.items():
            self.hashes[num] = digest
        self.generation = generation
        if todo or removed or self.file is None or not (self.folder / self.file).exists():
            self._write()
        else:  # nothing to embed or remove (a sync that changed only download counts): a new sidecar only
            try:
                self._write_sidecar(self.file)
            except OSError as error:
                with contextlib.suppress(OSError):
                    (self.folder / f".{SIDECAR}.tmp").unlink(missing_ok=True)
                raise IndexWriteFailed() from error
        report = UpdateReport(
            added, len(changed), len(removed), unchanged, time.perf_counter() - started, generation=generation
        )
        log.info("vector index: %s", report)
        return report

    def _embed(self, texts: Sequence[str], embedder: Embedder) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [embedder.embed(texts[start : start + EMBED_BATCH]) for start in range(0, len(texts), EMBED_BATCH)]
        return np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)

    def _apply(self, drop: Sequence[int], nums: Sequence[int], vectors: np.ndarray) -> None:
        self._positions = None
        if self.kind == "flat":
            keep = ~np.isin(self._ids, np.asarray(drop, dtype=np.int64)) if drop else None
            matrix = self._matrix if keep is None else self._matrix[keep]
            ids = self._ids if keep is None else self._ids[keep]
            if len(nums):
                matrix = np.concatenate([matrix.reshape(-1, self.dim), vectors.reshape(-1, self.dim)])
                ids = np.concatenate([ids, np.asarray(nums, dtype=np.int64)])
            self._matrix, self._ids = np.ascontiguousarray(matrix, dtype=np.float32), ids
            self._faiss_index = None
            return
        if drop:
            # HNSW graphs cannot forget a node: rebuild from the kept vectors and the new ones
            gone = set(drop)
            keep = np.asarray([num for num in self.hashes if num not in gone], dtype=np.int64)
            kept = self.vectors_of(keep) if len(keep) else np.zeros((0, self.dim), dtype=np.float32)
            self._faiss_index = self._new_index(self.dim)
            self._positions = None
            if len(keep):
                self.index.add_with_ids(kept, keep)
        if len(nums):
            self.index.add_with_ids(vectors, np.asarray(nums, dtype=np.int64))
        self._positions = None

    def _write(self) -> None:
        """Write the vectors to a new file, then the sidecar naming it. A disk that refuses either (full,
        I/O error) raises IndexWriteFailed and leaves the folder's index as it was."""
        faiss = _faiss()
        file = f"vectors-{self.generation}-{secrets.token_hex(4)}.faiss"
        scratch = self.folder / f".{file}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            faiss.write_index(self.index, str(scratch))
            _fsync(scratch)
            os.replace(scratch, self.folder / file)
            self._write_sidecar(file)
        except (OSError, RuntimeError) as error:  # FAISS reports a failed write as RuntimeError
            self.file = self.stamp = None  # what is in memory is not on disk: the next update writes it all
            for leftover in (scratch, self.folder / file, self.folder / f".{SIDECAR}.tmp"):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
            raise IndexWriteFailed() from error
        finally:
            if self.kind == "flat":
                self._faiss_index = None  # the FAISS copy was only needed to write
        for old in self.folder.glob("vectors-*.faiss"):
            if old.name != file:
                old.unlink(missing_ok=True)
        for old in self.folder.glob(".*.tmp"):
            old.unlink(missing_ok=True)

    def _write_sidecar(self, file: str) -> None:
        """Replace the sidecar (the commit point) with one naming `file` and describing this index."""
        nums = list(self.hashes)
        meta = {
            "version": SIDECAR_VERSION,
            "file": file,
            "generation": self.generation,
            "embedder": self.embedder_name,
            "dim": self.dim,
            "kind": self.kind,
            "count": len(nums),
            "nums": nums,
            "hashes": [self.hashes[num] for num in nums],
        }
        sidecar = self.folder / SIDECAR
        scratch_meta = self.folder / f".{SIDECAR}.tmp"
        scratch_meta.write_text(json.dumps(meta, separators=(",", ":")))
        _fsync(scratch_meta)
        os.replace(scratch_meta, sidecar)  # the commit point
        self.file = file
        self.stamp = sidecar_stamp(self.folder)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """One writer per folder at a time (other processes wait); released by the OS if one dies."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "vectors.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    # -- reading vectors ----------------------------------------------------------------------------
    def _storage(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(stored vectors in storage order (a zero-copy view), sorted nums, storage position of each sorted
        num, num at each storage position)."""
        faiss = _faiss()
        if self.kind == "flat":
            matrix, count = self._matrix, len(self._ids)
        else:
            flat = faiss.downcast_index(faiss.downcast_index(self.index.index).storage)
            count = int(flat.ntotal)
            matrix = (
                faiss.rev_swig_ptr(flat.get_xb(), count * self.dim).reshape(count, self.dim)
                if count
                else np.zeros((0, self.dim), dtype=np.float32)
            )
        if self._positions is None:
            if self.kind == "flat":
                nums = self._ids
            else:
                nums = faiss.vector_to_array(self.index.id_map) if count else np.zeros(0, dtype=np.int64)
            order = np.argsort(nums, kind="stable")
            self._positions = (nums[order], order, nums)
        return matrix, *self._positions

    def _positions_of(self, nums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(nums found in the index, their storage positions)."""
        _, sorted_nums, order, _ = self._storage()
        if not len(sorted_nums) or not len(nums):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        where = np.minimum(np.searchsorted(sorted_nums, nums), len(sorted_nums) - 1)
        found = sorted_nums[where] == nums
        return nums[found], order[where[found]]

    def vectors_of(self, nums: np.ndarray) -> np.ndarray:
        """The stored vectors of `nums` (all of which must be in the index), in that order."""
        matrix = self._storage()[0]
        found, positions = self._positions_of(np.asarray(nums, dtype=np.int64))
        if len(found) != len(nums):
            raise KeyError("some nums are not in the vector index")
        return np.ascontiguousarray(matrix[positions])

    # -- searching ----------------------------------------------------------------------------------
    def query_vector(self, text: str, embedder: Embedder) -> np.ndarray | None:
        """The unit query vector of `text`, or None when it has nothing to search with."""
        if not isinstance(text, str) or not text.strip() or embedder.dim != self.dim:
            return None
        vector = np.asarray(embedder.embed([text[:MAX_QUERY_CHARS]]), dtype=np.float32).reshape(1, -1)
        if not np.isfinite(vector).all() or float(np.linalg.norm(vector)) < 1e-6:
            return None
        return vector

    def search(
        self,
        text: str,
        embedder: Embedder,
        *,
        allowed: Collection[int] | None = None,
        k: int = 10,
        catalog: Catalog | None = None,
    ) -> list[tuple[int, float]]:
        """The k nums whose documents are closest to `text`, best first, with cosine similarity.

        allowed: only these nums; min(k, number of them in the index) results come back.
        catalog: drop results no longer in it, or whose document changed since it was embedded.
        Text queries are always answered exactly, whatever the index kind: request texts lie far from the
        documents, where graph search misses too many neighbours (recall@10 0.74-0.94 at 300k, BENCHMARKS.md).
        """
        vector = self.query_vector(text, embedder)
        if vector is None or k <= 0 or not self.hashes:
            return []
        return self.search_vector(vector, allowed=allowed, k=k, catalog=catalog, approximate=False)

    def search_vector(
        self,
        vector: np.ndarray,
        *,
        allowed: Collection[int] | None = None,
        k: int = 10,
        catalog: Catalog | None = None,
        approximate: bool = True,
    ) -> list[tuple[int, float]]:
        """`search` for a unit query vector of shape (dim,) or (1, dim). With an HNSW index and `approximate`,
        the graph answers (for document vectors, "models like this one": recall@10 ≥ 0.99 at 300k)."""
        query = np.ascontiguousarray(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        wanted = k
        for _ in range(3):
            hits = self._nearest(query, allowed, wanted, approximate)
            if catalog is None:
                return hits[:k]
            valid = self._current(catalog, [num for num, _ in hits])
            kept = [(num, score) for num, score in hits if num in valid]
            if len(kept) >= k or len(hits) < wanted:
                return kept[:k]
            wanted = wanted * 4 + 10
        return kept[:k]

    def _nearest(
        self, query: np.ndarray, allowed: Collection[int] | None, k: int, approximate: bool = True
    ) -> list[tuple[int, float]]:
        faiss = _faiss()
        if allowed is None:
            count = min(k, len(self.hashes))
            if count <= 0:
                return []
            if self.kind == "hnsw" and approximate:
                faiss.downcast_index(self.index.index).hnsw.efSearch = max(self.ef_search, count)
                scores, ids = self.index.search(query, count)
                return [(int(num), float(score)) for num, score in zip(ids[0], scores[0], strict=True) if num >= 0]
            matrix, _, _, by_position = self._storage()
            return _top(self._scores(matrix, query[0]), by_position, count)
        nums = np.unique(np.fromiter((int(num) for num in allowed), dtype=np.int64, count=len(allowed)))
        found, positions = self._positions_of(nums)
        if not len(found):
            return []
        count = min(k, len(found))
        matrix = self._storage()[0]
        strategy = FILTER_STRATEGY
        if strategy == "auto" or (strategy == "selector" and self.kind == "hnsw"):
            strategy = "gather" if len(found) * GATHER_RATIO <= len(matrix) else "scan"
        if strategy == "gather":
            return _top(matrix[positions] @ query[0], found, count)
        if strategy == "scan":
            return _top(self._scores(matrix, query[0])[positions], found, count)
        selector = faiss.IDSelectorBatch(found)
        scores, ids = self.index.search(query, count, params=faiss.SearchParameters(sel=selector))
        return [(int(num), float(score)) for num, score in zip(ids[0], scores[0], strict=True) if num >= 0]

    def _scores(self, matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
        """matrix @ query into a buffer kept per thread: a fresh 1 MB array per search costs page faults."""
        buffer: np.ndarray | None = getattr(self._buffers, "scores", None)
        if buffer is None or len(buffer) != len(matrix):
            buffer = self._buffers.scores = np.empty(len(matrix), dtype=np.float32)
        return np.dot(matrix, query, out=buffer)

    def _current(self, catalog: Catalog, nums: Sequence[int]) -> set[int]:
        """Those of `nums` whose catalog document is the one embedded."""
        if not nums:
            return set()
        if catalog.generation() == self.generation:
            return set(nums)
        placeholders = ", ".join("?" for _ in nums)
        rows = catalog.db.query(
            f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM models WHERE num IN ({placeholders})", list(nums)
        )
        return {int(row["num"]) for row in rows if self.hashes.get(int(row["num"])) == document_hash(document(row))}

    def hybrid_search(
        self,
        catalog: Catalog,
        text: str,
        embedder: Embedder,
        *,
        allowed: Collection[int] | None = None,
        k: int = 10,
    ) -> list[tuple[str, float]]:
        """Hub ids for `text`, best first: models whose id, author, tags or description contain it as
        a phrase ("mistral-7b", "Hermes-2-Pro", a full repo id) first, scored 1 + similarity, then the
        nearest documents, scored by similarity. `allowed` (nums) restricts both."""
        if not isinstance(text, str) or not text.strip() or k <= 0:
            return []
        allowed_set = None if allowed is None else {int(num) for num in allowed}
        vector = self.query_vector(text, embedder)
        names: list[tuple[int, str]] = []
        found_ids = catalog.search_names(text[:NAME_QUERY_CHARS], limit=max(k, 20))
        if found_ids:
            placeholders = ", ".join("?" for _ in found_ids)
            by_id = {
                row[1].lower(): int(row[0])
                for row in catalog.db.execute(
                    f"SELECT num, id FROM models WHERE id IN ({placeholders})", found_ids
                ).fetchall()
            }
            for model_id in found_ids:
                num = by_id.get(model_id.lower())
                if num is not None and (allowed_set is None or num in allowed_set):
                    names.append((num, model_id))
        scored: list[tuple[str, float]] = []
        if names:
            similarity: dict[int, float] = {}
            if vector is not None:
                nums = np.asarray([num for num, _ in names], dtype=np.int64)
                found, positions = self._positions_of(nums)
                matrix = self._storage()[0]
                similarity = {
                    int(num): float(score) for num, score in zip(found, matrix[positions] @ vector[0], strict=True)
                }
            scored = sorted(
                ((model_id, 1.0 + similarity.get(num, 0.0)) for num, model_id in names), key=lambda item: -item[1]
            )[:k]
        if len(scored) >= k or vector is None:
            return scored[:k]
        taken = {num for num, _ in names}
        wanted = k - len(scored) + len(taken)
        hits = self.search_vector(vector, allowed=allowed_set, k=wanted, catalog=catalog)
        fresh = [(num, score) for num, score in hits if num not in taken][: k - len(scored)]
        if fresh:
            placeholders = ", ".join("?" for _ in fresh)
            ids = dict(
                catalog.db.execute(
                    f"SELECT num, id FROM models WHERE num IN ({placeholders})", [num for num, _ in fresh]
                ).fetchall()
            )
            scored.extend((ids[num], score) for num, score in fresh if num in ids)
        return scored


def refresh_index(
    folder: str | Path,
    catalog: Catalog,
    embedder: Embedder,
    *,
    kind: IndexKind = "flat",
    hnsw_m: int = 32,
    ef_search: int = 256,
    ef_construction: int = 200,
) -> UpdateReport:
    """Bring the search index in `folder` in step with the catalog after a sync: only new or changed
    documents are embedded, vectors of dropped models removed, the result written atomically. Safe while
    other threads or processes read the folder; a `LiveIndex` over it serves the result on its next read.
    An index already in step is not even read."""
    started = time.perf_counter()
    meta = read_sidecar(folder)
    if (
        meta is not None
        and meta.get("generation") == catalog.generation()
        and (meta.get("embedder"), meta.get("dim"), meta.get("kind")) == (embedder.name, embedder.dim, kind)
        and (Path(folder) / str(meta.get("file"))).exists()
    ):
        count = int(meta.get("count") or 0)
        return UpdateReport(0, 0, 0, count, time.perf_counter() - started, generation=int(meta["generation"]))
    return VectorIndex.refreshed(
        folder, catalog, embedder, kind=kind, hnsw_m=hnsw_m, ef_search=ef_search, ef_construction=ef_construction
    )[1]


def read_sidecar(folder: str | Path) -> dict[str, Any] | None:
    """The sidecar in `folder` (which index file is current, its generation, embedder, kind, count, nums,
    hashes), None when missing or unreadable."""
    try:
        meta = json.loads((Path(folder) / SIDECAR).read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def sidecar_stamp(folder: str | Path) -> Stamp | None:
    """(inode, size, mtime in ns) of the sidecar in `folder`, None when there is none: a few microseconds,
    and different for every sidecar written."""
    try:
        info = os.stat(Path(folder) / SIDECAR)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _top(scores: np.ndarray, nums: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` best (num, score) pairs, best first (ties by num)."""
    if count <= 0 or not len(scores):
        return []
    top = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(len(scores))
    top = top[np.lexsort((nums[top], -scores[top]))]
    return [(int(nums[i]), float(scores[i])) for i in top]


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
