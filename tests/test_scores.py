"""Leaderboard import: the real exports in ../shared/data/leaderboards, matched to catalog ids."""

from __future__ import annotations

import json

import pytest

from index.errors import ScoresError
from index.scores import NameIndex, import_scores, read_table, recognise, score_rows
from index.store import Catalog
from tests.records import record


@pytest.fixture
def catalog(tmp_path):
    with Catalog(tmp_path / "catalog.db") as catalog:
        rows = []
        from index.rows import build_row

        for model_id, downloads in [
            ("Qwen/Qwen2.5-7B-Instruct", 2_000_000),
            ("meta-llama/Meta-Llama-3-8B-Instruct", 3_000_000),
            ("mistralai/Mistral-7B-Instruct-v0.2", 900_000),
            ("google/gemma-2-9b-it", 400_000),
            ("bartowski/gemma-2-9b-it-GGUF", 90_000),
        ]:
            rows.append(build_row(record(model_id, downloads)))
        catalog.stage(rows)
        catalog.apply(complete=True, now="2026-11-23T00:00:00.000Z", day="2026-11-23", history_days=30)
        yield catalog


def test_open_llm_leaderboard_v2_real_export(catalog, shared_data):
    result = import_scores(catalog, shared_data / "leaderboards" / "open-llm-leaderboard-v2.csv")
    assert result.source == "open_llm_v2"
    assert result.stored > 4000
    qwen = catalog.scores("Qwen/Qwen2.5-7B-Instruct")["open_llm_v2"]
    assert 20 < qwen["average"] < 50
    assert set(qwen["details"]) >= {"ifeval", "bbh", "math_lvl5", "gpqa", "musr", "mmlu_pro"}
    assert qwen["inherited_from"] is None


def test_open_llm_leaderboard_v1_real_export(catalog, shared_data):
    result = import_scores(catalog, shared_data / "leaderboards" / "open-llm-leaderboard-v1.csv")
    assert result.source == "open_llm_v1"
    mistral = catalog.scores("mistralai/Mistral-7B-Instruct-v0.2")["open_llm_v1"]
    assert 60 < mistral["average"] < 70
    assert set(mistral["details"]) >= {"arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k"}


def test_arena_names_are_matched_to_catalog_ids(catalog, shared_data):
    result = import_scores(catalog, shared_data / "leaderboards" / "lmarena_text.csv")
    assert result.source == "arena"
    assert result.in_catalog >= 2
    gemma = catalog.scores("google/gemma-2-9b-it")["arena"]
    assert 1100 < gemma["average"] < 1400
    assert gemma["details"]["votes"] > 1000


def test_quant_inherits_its_base_models_score(catalog, shared_data):
    import_scores(catalog, shared_data / "leaderboards" / "lmarena_text.csv")
    scores = catalog.scores("bartowski/gemma-2-9b-it-GGUF", base_model="google/gemma-2-9b-it")
    assert scores["arena"]["inherited_from"] == "google/gemma-2-9b-it"


def test_best_precision_row_wins_and_reimport_replaces(catalog, tmp_path):
    path = tmp_path / "v2.jsonl"
    rows = [
        {"fullname": "Qwen/Qwen2.5-7B-Instruct", "Average ⬆️": 30.0, "IFEval": 70.0, "MMLU-PRO": 35.0},
        {"fullname": "Qwen/Qwen2.5-7B-Instruct", "Average ⬆️": 35.5, "IFEval": 75.0, "MMLU-PRO": 36.0},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows))
    import_scores(catalog, path)
    assert catalog.scores("Qwen/Qwen2.5-7B-Instruct")["open_llm_v2"]["average"] == 35.5
    path.write_text(json.dumps(rows[0]))
    import_scores(catalog, path)
    assert catalog.scores("Qwen/Qwen2.5-7B-Instruct")["open_llm_v2"]["average"] == 30.0


def test_parquet_tables_are_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "contents.parquet"
    pq.write_table(pa.table({"fullname": ["a/b"], "Average ⬆️": [12.5], "IFEval": [40.0]}), path)
    rows = read_table(path)
    assert rows == [{"fullname": "a/b", "average ⬆️": 12.5, "ifeval": 40.0}]
    kind, stored, _ = score_rows(rows, NameIndex([]))
    assert kind == "open_llm_v2" and stored[0][:2] == ("a/b", 12.5)


@pytest.mark.parametrize(
    "content, message",
    [("name,colour\nx,blue\n", "not a leaderboard"), ("", "no rows"), ("\x00\x01garbage", "no rows|not a leaderboard")],
)
def test_unknown_or_broken_tables_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "table.csv"
    path.write_text(content)
    with pytest.raises(ScoresError, match=message):
        score_rows(read_table(path), NameIndex([]))


def test_recognise_by_columns():
    assert recognise(["model", "arena_score", "votes"]) == "arena"
    assert recognise(["fullname", "average", "arc", "hellaswag"]) == "open_llm_v1"
