"""Rendering answers for Telegram: escaping every Hub-provided string, splitting under 4096 characters without
breaking tags, and the reply language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.render import MESSAGE_LIMIT, esc, split_blocks, strip_tags
from bot.texts import EN, RU, language_of, say

ALLOWED = {"b", "i", "a", "code", "pre"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def assert_balanced(message: str) -> None:
    checker = _Balance()
    checker.feed(message)
    checker.close()
    assert not checker.stack, checker.stack
    assert not re.search(r"<(?!/?(?:b|i|a|code|pre)[ >])", message)


def test_escape_neutralises_markup() -> None:
    hostile = '<script>alert("x")</script> & <b>bold</b> <a href="javascript:1">'
    escaped = esc(hostile)
    assert "<" not in escaped and ">" not in escaped and "&amp;" in escaped
    assert_balanced(f"<b>{escaped}</b>")


@pytest.mark.parametrize("size", [10, 500, 4096, 4097, 20_000])
def test_split_keeps_blocks_whole_and_under_the_limit(size: int) -> None:
    block = "<b>" + esc("x<&>" * 3) + "</b>\n" + "\n".join(f"• line {n} " + "y" * 40 for n in range(size // 50))
    blocks = [block, "<i>tail</i>", "plain " * (size // 6)]
    messages = split_blocks(blocks)
    assert all(0 < len(message) <= MESSAGE_LIMIT for message in messages)
    for message in messages:
        assert_balanced(message)
    assert strip_tags("".join(messages)).count("tail") == 1


def test_every_string_exists_in_both_languages_with_the_same_fields() -> None:
    assert set(EN) == set(RU)
    for key in EN:
        assert set(re.findall(r"{(\w+)", EN[key])) == set(re.findall(r"{(\w+)", RU[key])), key


def test_reply_language() -> None:
    assert language_of("какую модель запустить на 16 гб") == "ru"
    assert language_of("best commercial 16GB llama model", "ru") == "en"
    assert language_of("🦙🦙", "ru-RU") == "ru" and language_of("🦙🦙", "en") == "en"
    assert language_of("qwen 7b для кода") == "ru"
    assert language_of("GLM-4.5-Air на 96 ГБ VRAM?") == "ru"  # the Latin letters are a model name and a unit
    assert language_of("Qwen3.5-27B on a 4090 with 64k context?", "ru") == "en"
    assert language_of("Mixtral-8x7B-Instruct-v0.1 vs Qwen/Qwen2.5-72B-Instruct (ru)") == "en"
    assert say("ru", "relaxed", relaxed="языки").startswith("Под все условия")
