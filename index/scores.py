"""Leaderboard scores: Open LLM Leaderboard v2 and v1, Chatbot Arena — from Hub dataset files or
local files (CSV, JSON lines, JSON arrays, Parquet), recognised by their columns.

Scores are stored by lower-case Hub id, so a model that joins the catalog later finds its scores;
Arena rows carry display names ("Gemma-2-9B-it") and are matched to catalog ids by their Hub URL
or by name.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .errors import ScoresError

log = logging.getLogger(__name__)

Source = Literal["open_llm_v2", "open_llm_v1", "arena"]

# metric name → column names it appears under (fboulnois CSV exports, the leaderboard's own dataset)
V2_METRICS: dict[str, tuple[str, ...]] = {
    "average": ("model_average_score", "average ⬆️", "average"),
    "ifeval": ("evaluations_ifeval_normalized_score", "ifeval"),
    "bbh": ("evaluations_bbh_normalized_score", "bbh"),
    "math_lvl5": ("evaluations_math_normalized_score", "math lvl 5"),
    "gpqa": ("evaluations_gpqa_normalized_score", "gpqa"),
    "musr": ("evaluations_musr_normalized_score", "musr"),
    "mmlu_pro": ("evaluations_mmlu_pro_normalized_score", "mmlu-pro"),
}
V1_METRICS: dict[str, tuple[str, ...]] = {
    "average": ("average", "average ⬆️"),
    "arc": ("arc",),
    "hellaswag": ("hellaswag",),
    "mmlu": ("mmlu",),
    "truthfulqa": ("truthfulqa",),
    "winogrande": ("winogrande",),
    "gsm8k": ("gsm8k",),
}
ARENA_METRICS: dict[str, tuple[str, ...]] = {
    "average": ("arena_score", "elo", "rating"),
    "votes": ("votes", "num_battles"),
}
ID_COLUMNS = ("model_name", "fullname", "model_id", "model")
_HUB_URL = re.compile(r"huggingface\.co/([\w.\-]+/[\w.\-]+)")
_NAME_NORMAL = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class ScoreSource:
    """A leaderboard file in a Hub dataset repo."""

    repo: str
    file: str
    source: Source | None = None  # None: recognise from the columns


@dataclass(frozen=True, slots=True)
class ScoreImport:
    source: Source
    rows: int
    stored: int
    in_catalog: int
    unmatched: int


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV, JSON lines, JSON array or Parquet file, as dicts with lower-case keys."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            try:
                import pyarrow.parquet as parquet
            except ImportError as error:  # pragma: no cover - pyarrow is a dependency
                raise ScoresError("Reading Parquet leaderboards needs pyarrow") from error
            rows: Iterable[Mapping[str, Any]] = parquet.read_table(path).to_pylist()
        elif suffix in {".jsonl", ".ndjson"}:
            with path.open(encoding="utf-8") as handle:
                rows = [json.loads(line) for line in handle if line.strip()]
        elif suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as error:
        raise ScoresError(f"Could not read the leaderboard file {path.name}: {error}") from error
    if not isinstance(rows, list):
        raise ScoresError(f"{path.name} is not a table")
    return [{str(key).strip().lower(): value for key, value in row.items()} for row in rows if isinstance(row, Mapping)]


def recognise(columns: Iterable[str]) -> Source:
    names = set(columns)
    if names & {"arena_score", "elo", "rating"}:
        return "arena"
    if names & {"model_average_score", "ifeval", "mmlu-pro"}:
        return "open_llm_v2"
    if {"hellaswag", "arc"} <= names:
        return "open_llm_v1"
    raise ScoresError("The file is not a leaderboard we know (Open LLM Leaderboard v1/v2 or Chatbot Arena)")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def _metrics(row: Mapping[str, Any], table: Mapping[str, tuple[str, ...]]) -> dict[str, float]:
    found: dict[str, float] = {}
    for metric, columns in table.items():
        for column in columns:
            number = _number(row.get(column))
            if number is not None:
                found[metric] = round(number, 3)
                break
    return found


def _hub_id(row: Mapping[str, Any]) -> str | None:
    for column in ID_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and "/" in value and "<" not in value:
            return value.strip()
    url = row.get("url")
    if isinstance(url, str) and (match := _HUB_URL.search(url)):
        return match.group(1)
    return None


def _normal(name: str) -> str:
    return _NAME_NORMAL.sub("", name.lower())


class NameIndex:
    """Catalog ids by normalised model name (the part after the slash), most downloaded first."""

    def __init__(self, ids_with_downloads: Iterable[tuple[str, int]]) -> None:
        self.ids: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for model_id, _ in sorted(ids_with_downloads, key=lambda item: -item[1]):
            self.ids.setdefault(model_id.lower(), model_id)
            self.by_name.setdefault(_normal(model_id.rsplit("/", 1)[-1]), model_id)

    def match(self, name: str) -> str | None:
        key = _normal(name)
        return self.by_name.get(key) or self.by_name.get(key.removeprefix("meta"))


def score_rows(
    rows: list[dict[str, Any]], names: NameIndex, source: Source | None = None
) -> tuple[Source, list[tuple[str, float | None, str, str]], int]:
    """(source, rows to store as (model id, average, details JSON, display name), unmatched count).
    A model listed several times (one row per precision) keeps its best average."""
    if not rows:
        raise ScoresError("The leaderboard file has no rows")
    kind = source or recognise(rows[0].keys())
    table = {"open_llm_v2": V2_METRICS, "open_llm_v1": V1_METRICS, "arena": ARENA_METRICS}[kind]
    best: dict[str, tuple[str, float | None, dict[str, float], str]] = {}
    unmatched = 0
    for row in rows:
        metrics = _metrics(row, table)
        if "average" not in metrics:
            continue
        model_id = _hub_id(row)
        display = str(row.get("model") or row.get("model_name") or row.get("fullname") or model_id or "")
        if kind == "arena" and (model_id is None or model_id.lower() not in names.ids):
            model_id = names.match(display) or model_id
        if model_id is None:
            unmatched += 1
            continue
        key = model_id.lower()
        current = best.get(key)
        if current is None or (current[1] or 0) < metrics["average"]:
            best[key] = (names.ids.get(key, model_id), metrics["average"], metrics, display)
    stored = [
        (model_id, average, json.dumps(details, separators=(",", ":")), display)
        for model_id, average, details, display in best.values()
    ]
    return kind, stored, unmatched


def import_scores(catalog: Any, path: Path, source: Source | None = None) -> ScoreImport:
    """Import one leaderboard file into the catalog, replacing that source's previous scores."""
    rows = read_table(path)
    names = NameIndex(catalog.ids_and_names())
    kind, stored, unmatched = score_rows(rows, names, source)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    catalog.replace_scores(kind, stored, now)
    in_catalog = sum(1 for model_id, *_ in stored if model_id.lower() in names.ids)
    log.info("Imported %d %s scores (%d in the catalog)", len(stored), kind, in_catalog)
    return ScoreImport(kind, len(rows), len(stored), in_catalog, unmatched)


def refresh_scores(
    catalog: Any, hub: Any, sources: Iterable[ScoreSource], cache_dir: Path | None
) -> tuple[dict[str, int], list[str]]:
    """Download each configured leaderboard file (cached by huggingface_hub) and import it.
    A leaderboard that cannot be had is a warning, not a failed sync."""
    imported: dict[str, int] = {}
    warnings: list[str] = []
    for item in sources:
        try:
            path = hub.dataset_file(item.repo, item.file, cache_dir or Path.home() / ".cache" / "sommelier")
            result = import_scores(catalog, path, item.source)
        except Exception as error:  # network, missing file, unknown table: keep the old scores
            reason = (str(error).splitlines() or [""])[0][:200]
            log.warning("Could not import scores from %s/%s: %s %s", item.repo, item.file, type(error).__name__, reason)
            warnings.append(f"scores from {item.repo} not updated ({type(error).__name__})")
            continue
        imported[result.source] = result.stored
    return imported, warnings


def iter_sources(config: Iterable[Mapping[str, Any]]) -> Iterator[ScoreSource]:
    """ScoreSource objects from settings entries {repo, file, source?}."""
    for entry in config:
        source = entry.get("source") or None
        yield ScoreSource(repo=str(entry["repo"]), file=str(entry["file"]), source=source)
