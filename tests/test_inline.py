"""Inline mode end to end: the real python-telegram-bot stack answering inline queries through the loopback Bot
API (which checks answerInlineQuery as Telegram does), over a real catalog; and the cache, the tickets and the
one-line texts of bot/inline.py on their own."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot.inline import MAX_QUERY_CHARS, InlineSearch, Superseded, clean_query
from bot.prefs import Prefs
from bot.telegram_app import SommelierBot
from tests.botserver import Call, FakeTelegram, html_errors, inline_answer_errors
from tests.hubserver import FakeHub
from tests.test_bot import make_bot, run, texts, wait

_TOP_RE = re.compile(r'<b>\d+\. <a href="https://huggingface\.co/([^"]+)">')


def _answered(query_id: str) -> Any:
    return lambda call: call.method == "answerInlineQuery" and call.params.get("inline_query_id") == query_id


async def answer_of(telegram: FakeTelegram, query_id: str) -> dict[str, Any]:
    """The bot's (last) answer to one inline query, results and button decoded; checked as Telegram would."""
    calls = await wait(telegram, _answered(query_id))
    params = dict(calls[-1].params)
    assert inline_answer_errors(params) is None, inline_answer_errors(params)
    for key in ("results", "button", "is_personal", "cache_time"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    params["results"] = params.get("results") or []
    return params


def counted(bot: SommelierBot) -> list[str]:
    """Every request text that reached the parser and the ranking (Sommelier.ask), in order."""
    service = bot.conversation.service
    ask = service.ask
    seen: list[str] = []

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return ask(text, *args, **kwargs)

    service.ask = counting  # type: ignore[method-assign]
    return seen


def assert_every_inline_answer_valid(telegram: FakeTelegram) -> None:
    for call in telegram.sent("answerInlineQuery"):
        assert inline_answer_errors(call.params) is None, (inline_answer_errors(call.params), call.params)


def test_english_and_russian_queries_get_the_private_chat_top(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    english, russian = "best commercial 16GB llama model", "какую модель запустить на 16 гб"
    found: dict[str, dict[str, Any]] = {}

    async def scenario() -> None:
        found["en"] = await answer_of(telegram, telegram.inline_query(english, user_id=700))
        found["ru"] = await answer_of(telegram, telegram.inline_query(russian, user_id=701, language_code="ru"))
        telegram.user_message(english, user_id=702)
        telegram.user_message(russian, user_id=703, language_code="ru")
        await wait(telegram, lambda c: c.method == "sendMessage" and "reply_markup" in c.params, count=2)

    run(bot, scenario)
    for lang, chat in (("en", 702), ("ru", 703)):
        results = found[lang]["results"]
        assert 1 <= len(results) <= 5 and found[lang].get("button") is None
        private_top = _TOP_RE.findall(next(t for t in texts(telegram, chat) if "<a href" in t))
        inline_top = [result["url"].removeprefix("https://huggingface.co/") for result in results]
        assert inline_top == private_top[: len(inline_top)], (lang, inline_top, private_top)
        for result in results:
            message = result["input_message_content"]
            assert result["type"] == "article"
            assert result["title"].startswith(result["url"].removeprefix("https://huggingface.co/"))
            assert message["parse_mode"] == "HTML" and not html_errors(message["message_text"])
            assert 0 < len(result["description"]) <= 100 and "<" not in result["description"]
            assert len(result["id"].encode()) <= 64
        assert len({result["id"] for result in results}) == len(results)
        assert found[lang]["cache_time"] == 300
    first_en, first_ru = found["en"]["results"][0], found["ru"]["results"][0]
    assert "Download" in first_en["input_message_content"]["message_text"] and english in str(first_en)
    assert "Скачать" in first_ru["input_message_content"]["message_text"]
    assert re.search("[а-я]", first_ru["description"]) and not re.search("[а-я]", first_en["description"])
    assert "GB" in first_en["title"] and ".gguf" in first_en["input_message_content"]["message_text"]
    assert found["en"].get("is_personal") in (None, False)  # the text alone decided it: shareable
    assert found["ru"].get("is_personal") in (None, False)


def test_prefs_shape_the_inline_answer_as_in_private_and_make_it_personal(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    request = "coding model"

    async def scenario() -> None:
        telegram.user_message("/prefs memory 8 vram", user_id=710)
        await wait(telegram, lambda c: c.method == "sendMessage" and "Saved" in str(c.params.get("text")))
        found.append(await answer_of(telegram, telegram.inline_query(request, user_id=710)))
        found.append(await answer_of(telegram, telegram.inline_query(request, user_id=711)))  # no prefs
        telegram.user_message(request, user_id=710)
        await wait(telegram, lambda c: c.method == "sendMessage" and "reply_markup" in c.params)

    found: list[dict[str, Any]] = []
    run(bot, scenario)
    mine, theirs = found
    assert mine["is_personal"] is True and theirs.get("is_personal") in (None, False)
    private_top = _TOP_RE.findall(next(t for t in texts(telegram, 710) if "<a href" in t))
    assert [r["url"].removeprefix("https://huggingface.co/") for r in mine["results"]] == private_top[:5]
    assert all("≤ 8 GB VRAM" in r["input_message_content"]["message_text"] for r in mine["results"])
    assert [r["id"] for r in mine["results"]] != [r["id"] for r in theirs["results"]]


def test_the_same_query_is_answered_from_the_cache_until_it_expires(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    asked = counted(bot)
    now = [1000.0]
    bot.inline.clock = lambda: now[0]

    async def scenario() -> None:
        first = await answer_of(telegram, telegram.inline_query("best 7b model for chat", user_id=720))
        again = await answer_of(telegram, telegram.inline_query("best 7b model for chat", user_id=721))
        spaced = await answer_of(telegram, telegram.inline_query("  Best 7B   model for CHAT ", user_id=722))
        assert first["results"] == again["results"] == spaced["results"] and first["results"]
        assert asked == ["best 7b model for chat"]  # ranked once, answered three times
        now[0] += 301  # past inline_cache_seconds
        await answer_of(telegram, telegram.inline_query("best 7b model for chat", user_id=723))
        assert len(asked) == 2
        await asyncio.to_thread(bot._after_sync)  # a sync changed the catalog: answers are read anew
        await answer_of(telegram, telegram.inline_query("best 7b model for chat", user_id=724))
        assert len(asked) == 3

    run(bot, scenario)


def test_the_cache_is_bounded_and_tickets_skip_superseded_queries(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    asked = counted(bot)
    search = InlineSearch(bot.conversation, limit=3, ttl=60.0, max_cached=2)
    for text in ("llama model", "qwen model", "mistral model", "llama model"):
        answer = search.answer(search.request(1, text, "en"))
        assert 1 <= len(answer.articles) <= 3 and answer.notice is None
    assert len(search) == 2 and asked == ["llama model", "qwen model", "mistral model", "llama model"]
    old, new = search.ticket(5), search.ticket(5)
    with pytest.raises(Superseded):
        search.answer(search.request(5, "phi model", "en"), old)
    assert search.answer(search.request(5, "phi model", "en"), new).articles
    nothing = search.answer(search.request(6, "медицинская японская модель без цензуры mlx до 1b", None))
    assert nothing.lang == "ru" and (
        nothing.articles or nothing.notice == "Ничего не подходит; попробуйте меньше условий"
    )


def test_request_language_and_personal_flag() -> None:
    class Prefs1:
        def get(self, user_id: int) -> Prefs:
            return Prefs(lang="ru") if user_id == 1 else Prefs()

    class Conversation1:
        prefs = Prefs1()

    search = InlineSearch(Conversation1())  # type: ignore[arg-type]
    assert (search.request(2, "best llama", "ru").lang, search.request(2, "best llama", "ru").personal) == ("en", False)
    assert (search.request(2, "16", "ru").lang, search.request(2, "16", "ru").personal) == ("ru", True)
    assert (search.request(1, "best llama", "en").lang, search.request(1, "best llama", "en").personal) == ("ru", True)
    assert search.request(2, "Best  LLAMA", None).key == search.request(2, "best llama", None).key


def test_clean_query_strips_controls_and_cuts() -> None:
    assert clean_query("\x00best\u202e 7b\u200b\tmodel\x7f\n") == "best 7b model"
    assert clean_query("x" * 10_000) == "x" * MAX_QUERY_CHARS
    assert clean_query("👩\u200d💻 coder") == "👩\u200d💻 coder"  # the emoji joiner stays
    assert clean_query("\ud800 7b") == "7b"


def test_rate_limit_empty_query_errors_and_overruns_are_answered_cleanly(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, inline_calls_per_minute=2, request_seconds=2.0)
    service = bot.conversation.service
    ask = service.ask

    def troubled(text: str, *args: Any, **kwargs: Any) -> Any:
        if "explode" in text:
            raise RuntimeError("secret internals /home/x")
        if "sleepy" in text:
            time.sleep(3.0)
        return ask(text, *args, **kwargs)

    service.ask = troubled  # type: ignore[method-assign]

    async def scenario() -> None:
        ids = [telegram.inline_query(text, user_id=730) for text in ("llama model", "qwen model", "phi model")]
        answers = [await answer_of(telegram, query_id) for query_id in ids]
        limited = [a for a in answers if not a["results"]]
        assert len(limited) == 1 and "Too many requests" in limited[0]["button"]["text"]
        assert limited[0]["cache_time"] == 0 and limited[0]["is_personal"] is True
        hint = await answer_of(telegram, telegram.inline_query("", user_id=731, language_code="ru"))
        assert not hint["results"] and hint["button"] == {"text": hint["button"]["text"], "start_parameter": "inline"}
        assert hint["button"]["text"].startswith("Напишите запрос")
        broken = await answer_of(telegram, telegram.inline_query("explode please", user_id=732))
        assert not broken["results"] and broken["button"]["text"] == "Something went wrong; please try again"
        assert broken["cache_time"] == 0
        slow = await answer_of(telegram, telegram.inline_query("sleepy model", user_id=733))
        assert not slow["results"] and "too long" in slow["button"]["text"]
        after = await answer_of(telegram, telegram.inline_query("llama model", user_id=734))
        assert after["results"]

    run(bot, scenario)
    assert "secret internals" not in json.dumps([call.params for call in telegram.calls])
    assert_every_inline_answer_valid(telegram)


HOSTILE = [
    "<b>",
    "<script>alert(1)</script> & <a href='x'>llama</a> &amp; &lt;",
    "x" * 10_000,
    "\x00\x01\u202e\u200b best 7b model \x7f\x1b[31m",
    "'; DROP TABLE prefs; --",
    "🤖🔥🚀🍷",
    "",
    "   \n\t ",
    "\ud800 лучшая модель",
    "@sommelier_test_bot @sommelier_test_bot",
    "q" * 255 + "й",
]


def test_hostile_inline_text_is_answered_or_refused_cleanly(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, inline_calls_per_minute=100)

    async def scenario() -> None:
        ids = [telegram.inline_query(text, user_id=750 + n) for n, text in enumerate(HOSTILE)]
        for query_id, text in zip(ids, HOSTILE, strict=True):
            found = await answer_of(telegram, query_id)
            assert found["results"] or found.get("button"), text[:40]
            for result in found["results"]:
                message = result["input_message_content"]["message_text"]
                assert "<script>" not in message and "<b><b>" not in message
        telegram.user_message("best commercial 16GB llama model", user_id=749)  # the bot still answers
        await wait(telegram, lambda c: c.method == "sendMessage" and "reply_markup" in c.params)
        assert (await answer_of(telegram, telegram.inline_query("best 16GB llama model", user_id=749)))["results"]

    run(bot, scenario)
    assert len(telegram.sent("answerInlineQuery")) == len(HOSTILE) + 1  # one answer each, no plain-text retries
    assert_every_inline_answer_valid(telegram)


def test_the_loopback_server_refuses_what_telegram_refuses() -> None:
    article = {"type": "article", "id": "1", "title": "t", "input_message_content": {"message_text": "ok"}}
    assert inline_answer_errors({"results": json.dumps([article]), "cache_time": "300"}) is None
    bad = [
        {"results": [article] * 2},
        {"results": [{**article, "id": "x" * 65}]},
        {"results": [{**article, "title": ""}]},
        {"results": [{**article, "input_message_content": {"message_text": "<b>x", "parse_mode": "HTML"}}]},
        {"results": [{**article, "input_message_content": {"message_text": " "}}]},
        {"results": [article] * 51},
        {"results": [], "button": {"text": "x", "start_parameter": "bad param!"}},
        {"results": [], "button": {"text": "x"}},
        {"results": [], "cache_time": "1.5"},
    ]
    assert all(inline_answer_errors(params) for params in bad)


def test_a_second_answer_to_one_query_is_refused(telegram: FakeTelegram) -> None:
    query_id = telegram.inline_query("x")
    assert telegram._answer("answerInlineQuery", {"inline_query_id": query_id, "results": "[]"}, {})[0] == 200
    assert telegram._answer("answerInlineQuery", {"inline_query_id": query_id, "results": "[]"}, {})[0] == 400
    assert isinstance(telegram.sent("answerInlineQuery")[0], Call)
