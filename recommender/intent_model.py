"""What a request asks, learned: a linear classifier over word and character n-grams (tf-idf, softmax).

The rules read intent from cues ("does X run on", "GGUF of X", "X vs Y"); real requests ask in ever new words
("Will you offer an abliterated model?", "need to try this with ollama"), and a request with no cue falls back to
"recommend". This model was trained on hand-labelled real requests (parser_training/train_intent.py, the data
version in recommender/data/intent-model.json) and is asked only then: its answer stands when it is confident.
Pure Python at run time: a few thousand dictionary lookups per request.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recommender.errors import ParserConfigError

MODEL_PATH = Path(__file__).resolve().parent / "data" / "intent-model.json"
INTENTS = ("recommend", "fit", "compare", "alternatives", "derived", "model_info")
MAX_CHARS = 3000  # a request's first 3,000 characters carry its question; a longer paste adds no cue
CHAR_SIZES = (3, 4, 5)
MAX_WORD = 40
_WORD_RE = re.compile(r"[^\W_]++(?:['.\-][^\W_]++)*+")


def ngrams(text: str) -> Counter[str]:
    """Counts of the request's words, word pairs and the 3-5 character pieces of each word (with its edges; of
    its first 40 characters: a longer "word" is a link or a paste)."""
    words = _WORD_RE.findall(text[:MAX_CHARS].lower())
    counts: Counter[str] = Counter()
    counts.update(f"b {first} {second}" for first, second in itertools.pairwise(words))
    for word, times in Counter(words).items():  # each distinct word once: a repeated word costs nothing more
        counts[f"w {word}"] += times
        padded = f" {word[:MAX_WORD]} "
        for size in CHAR_SIZES:
            for at in range(len(padded) - size + 1):
                counts[f"c {padded[at : at + size]}"] += times
    return counts


def tfidf(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear term frequency times idf over the known features, scaled to unit length."""
    vector = {feature: (1.0 + math.log(count)) * idf[feature] for feature, count in counts.items() if feature in idf}
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {feature: value / norm for feature, value in vector.items()} if norm else {}


@dataclass(frozen=True)
class IntentModel:
    """`IntentModel.load().probabilities(text)` → {intent: probability}."""

    intents: tuple[str, ...]
    idf: dict[str, float]
    weights: dict[str, tuple[float, ...]]  # per feature, one weight per intent
    bias: tuple[float, ...]
    data_version: str

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentModel:
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ParserConfigError(f"intent model {path}: {exc}") from exc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntentModel:
        """The model from the content of its file (parser_training.train_intent.train writes it)."""
        return cls(
            intents=tuple(data["intents"]),
            idf={feature: float(value) for feature, value in data["idf"].items()},
            weights={feature: tuple(values) for feature, values in data["weights"].items()},
            bias=tuple(data["bias"]),
            data_version=str(data["data_version"]),
        )

    def probabilities(self, text: str) -> dict[str, float]:
        scores = list(self.bias)
        for feature, value in tfidf(ngrams(text), self.idf).items():
            for index, weight in enumerate(self.weights.get(feature, ())):
                scores[index] += weight * value
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {intent: exp / total for intent, exp in zip(self.intents, exps, strict=True)}
