"""Scoring parsed filters against the labelled requests (tests/fixtures/parse_requests.jsonl): per-key
precision, recall, F1 and exact-match accuracy. Used by the tests and by the parser benchmark."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recommender.filters import KEYS, LIST_KEYS, Filters

LABELLED = Path(__file__).resolve().parent / "fixtures" / "parse_requests.jsonl"


def labelled(split: str | None = "eval") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if split is None or row["split"] == split]


def _norm_name(value: str) -> str:
    return re.sub(r"[\s_\-]+", "-", value.strip().lower())


def label_items(key: str, value: Any) -> set[Any]:
    """A key's value as a set of facts: a list's items, a scalar as a one-item set, nothing when unstated."""
    if key == "intent":  # unstated reads as "recommend"
        return {value or "recommend"}
    if value is None or value == []:
        return set()
    if key in LIST_KEYS:
        return {str(item).lower() for item in value}
    if key == "base_model":
        return {_norm_name(str(value))}
    if isinstance(value, float | int) and not isinstance(value, bool):
        return {round(float(value), 3)}
    return {value}


@dataclass
class KeyScore:
    key: str
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    exact: int = 0
    total: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, want: set[Any], have: set[Any]) -> None:
        """One request's expected and found items of this key."""
        self.total += 1
        self.true_positive += len(want & have)
        self.false_positive += len(have - want)
        self.false_negative += len(want - have)
        self.exact += want == have

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 1.0


def score(rows: Iterable[Mapping[str, Any]], parse: Callable[[str], Filters]) -> tuple[dict[str, KeyScore], list[Any]]:
    """Per-key scores of `parse` over labelled rows, and the misses (text, key, expected, got)."""
    scores = {key: KeyScore(key) for key in KEYS}
    misses: list[Any] = []
    for row in rows:
        got = parse(row["text"]).to_dict()
        for key in KEYS:
            if key not in row["expect"]:  # a set labelled before the key existed
                continue
            want, have = label_items(key, row["expect"][key]), label_items(key, got[key])
            scores[key].add(want, have)
            if want != have:
                misses.append((row["text"], key, row["expect"][key], got[key]))
    return {key: entry for key, entry in scores.items() if entry.total}, misses


def table(scores: Mapping[str, KeyScore]) -> list[str]:
    lines = ["| key | precision | recall | F1 | exact |", "|---|---:|---:|---:|---:|"]
    for entry in scores.values():
        lines.append(
            f"| {entry.key} | {entry.precision:.3f} | {entry.recall:.3f} | {entry.f1:.3f} | {entry.accuracy:.3f} |"
        )
    return lines
