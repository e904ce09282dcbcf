"""Issue 12: the learned intent classifier (recommender/intent_model.py) and where the rules let it answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parser_training.train_intent import data_version, examples, train
from recommender.errors import ParserConfigError
from recommender.intent_model import INTENTS, MAX_WORD, IntentModel, ngrams
from recommender.rules import LEARNED_INTENT_MIN, Rules


@pytest.fixture(scope="module")
def bundled() -> IntentModel:
    return IntentModel.load()


def test_the_bundled_model_is_what_training_gives_on_todays_examples(bundled: IntentModel) -> None:
    rows = examples()
    assert bundled.data_version == data_version(rows), "labels changed: run `make train-intent`"
    model = train(rows)
    assert model["converged"]
    fresh = IntentModel.from_dict(model)
    for text, _ in rows:
        mine, theirs = bundled.probabilities(text), fresh.probabilities(text)
        assert max(abs(mine[intent] - theirs[intent]) for intent in INTENTS) < 0.01, text


def test_it_fits_most_of_its_examples_and_every_intent_is_learned(bundled: IntentModel) -> None:
    rows = examples()
    right = {intent: 0 for intent in INTENTS}
    for text, intent in rows:
        probabilities = bundled.probabilities(text)
        right[intent] += max(probabilities, key=probabilities.__getitem__) == intent
    assert sum(right.values()) / len(rows) > 0.9
    assert all(right[intent] > 0 for intent in INTENTS), right


def test_probabilities_cover_every_intent_and_sum_to_one(bundled: IntentModel) -> None:
    for text in ("", "?", "llama " * 3000, "какую модель запустить на 16 гб?", "<b>hi</b> 🙂"):
        probabilities = bundled.probabilities(text)
        assert tuple(probabilities) == INTENTS
        assert sum(probabilities.values()) == pytest.approx(1.0)


def test_a_repeated_word_costs_nothing_more_and_a_long_one_is_cut() -> None:
    once, many = ngrams("hello world"), ngrams("hello world " * 2000)
    assert set(many) - set(once) == {"b world hello"}  # the same features (and the pair across), counted more
    assert many["w hello"] > once["w hello"]
    pieces = [feature for feature in ngrams("x" * 5000) if feature.startswith("c ")]
    assert max(len(feature) for feature in pieces) <= 2 + 5 and len(pieces) <= 3 * (MAX_WORD + 2)


def test_a_broken_model_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "intent-model.json"
    path.write_text(json.dumps({"intents": list(INTENTS)}), encoding="utf-8")
    with pytest.raises(ParserConfigError):
        IntentModel.load(path)
    with pytest.raises(ParserConfigError):
        IntentModel.load(tmp_path / "missing.json")


def _sure_of(intent: str, word: str, sure: bool = True) -> IntentModel:
    """A model that answers `intent` for any request with `word`, sure of it or not."""
    weight = 12.0 if sure else 0.2
    return IntentModel(
        intents=INTENTS,
        idf={f"w {word}": 1.0},
        weights={f"w {word}": tuple(weight if name == intent else 0.0 for name in INTENTS)},
        bias=(0.0,) * len(INTENTS),
        data_version="test",
    )


@pytest.mark.parametrize(
    ("text", "intent", "base_model"),
    [
        ("Could we get this one plz?", "derived", None),  # the thread's model, meant
        ("Qwen2.5-7B plz\n\nthat would help a lot", "derived", "Qwen2.5-7B"),  # named: it is the base model
        ("plz\n\nthe weights would help a lot", "derived", None),  # a post, no question mark
        ("could we get one plz", None, None),  # a one-line statement: no question to read
        ("plz, can you do the 1.1b and 3b versions too?\n\nthx", "derived", None),  # a post: the thread's model
        ("plz, what is good for german chat?", None, None),  # one line about no model, named or meant
        ("any good models for this plz?", None, None),  # models asked for in so many words
        ("can this plz run on 4g vram? Or what else choice do I have?", None, None),  # what else: models
    ],
)
def test_the_learned_intent_answers_only_questions_about_a_model(
    text: str, intent: str | None, base_model: str | None
) -> None:
    found = Rules(intent_model=_sure_of("derived", "plz")).parse(text)
    assert (found.intent, found.base_model) == (intent, base_model)


def test_the_learned_intent_needs_to_be_sure_and_a_rule_cue_wins() -> None:
    unsure = _sure_of("derived", "plz", sure=False)
    assert max(unsure.probabilities("Could we get this one plz?").values()) < LEARNED_INTENT_MIN
    assert Rules(intent_model=unsure).parse("Could we get this one plz?").intent is None
    cued = Rules(intent_model=_sure_of("model_info", "plz")).parse("Does llama 13b 4bit work with a 3060 12gb plz?")
    assert (cued.intent, cued.base_model) == ("fit", "llama 13b")


def test_in_a_post_the_learned_intent_answers_against_a_cue_when_sure() -> None:
    post = "Does llama 13b 4bit work with a 3060 12gb plz?\n\nI read the card twice and could not tell."
    sure = Rules(intent_model=_sure_of("model_info", "plz")).parse(post)
    assert (sure.intent, sure.base_model) == ("model_info", "llama 13b")
    assert Rules(intent_model=_sure_of("model_info", "plz", sure=False)).parse(post).intent == "fit"
    to_models = Rules(intent_model=_sure_of("recommend", "plz")).parse(post)
    assert (to_models.intent, to_models.base_model) == (None, None)  # models for the need: no model asked about
    one_line = "Does llama 13b 4bit work with a 3060 12gb plz?"  # a line of needs keeps the rules' reading
    assert Rules(intent_model=_sure_of("model_info", "plz")).parse(one_line).intent == "fit"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mixtral 8x7b and 8x22b please\n\nWould be really happy to see a reference implementation", "derived"),
        ("how many 3090 does it need to train 7b Lora ?", "model_info"),
        ("any good coding models for 12gb?", None),
        ("best uncensored model for roleplay on 24gb?", None),
        ("models for german chat with apache license?", None),
        ("какую модель запустить на 16 гб?", None),
    ],
)
def test_the_bundled_model_through_the_rules(text: str, intent: str | None) -> None:
    assert Rules().parse(text).intent == intent
