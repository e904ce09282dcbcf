"""Watches end to end: the store, the check after a sync, the outbox sent through the real python-telegram-bot
client to the loopback Bot API, and the bot syncing from the loopback Hub."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import shutil
import time
from pathlib import Path

import pytest
from telegram import Bot

from bot.notifier import Notifier
from bot.watch_check import NOTICE_EVERY, check
from bot.watches import TooManyWatches, WatchStore
from index.hub import Hub
from index.store import Catalog
from index.sync import run_sync
from recommender.filters import Filters
from recommender.parse import ParserOptions, RequestParser
from recommender.service import Sommelier
from tests.botserver import FakeTelegram
from tests.hubserver import FakeHub, load_fixture_models, load_fixture_trees
from tests.records import fast_hub_options, sync_options
from tests.test_bot import ADMIN, GROUP, assert_all_html_valid, make_bot, run, texts, wait

REQUEST = "coding model for 12GB vram"
REQUEST_RU = "модель для кода на 12 гб видеопамяти"


def add_successor(hub: FakeHub, name: str = "phi-5", downloads: int = 900_000) -> str:
    """A newer first-party release of a model at the top of REQUEST's answer, and its GGUF quants (the Phi-4
    records and files under a new name, dated two weeks before today): the model a watch should announce."""
    models = {record["id"]: record for record in load_fixture_models()}
    for source, share in (("microsoft/phi-4", 1.0), ("bartowski/phi-4-GGUF", 0.2)):
        record = json.loads(json.dumps(models[source]).replace("phi-4", name))
        record["createdAt"] = record["lastModified"] = "2026-11-20T10:00:00.000Z"
        record["downloads"] = int(downloads * share)
        record["_id"] = hashlib.sha1(record["id"].encode()).hexdigest()[:24]
        record["sha"] = hashlib.sha1(f"{record['id']}@1".encode()).hexdigest()
        hub.upsert_model(record)
    tree = load_fixture_trees()["bartowski/phi-4-GGUF"]
    hub.set_tree(f"bartowski/{name}-GGUF", [{**item, "path": item["path"].replace("phi-4", name)} for item in tree])
    return f"microsoft/{name}"


def own_home(home: Path, tmp_path: Path) -> Path:
    """A copy of the module's synced catalog that this test may sync into."""
    target = tmp_path / "home"
    shutil.copytree(home, target)
    return target


# -- the store ---------------------------------------------------------------------------------------------------
def test_store_limits_numbers_and_survives_a_restart(tmp_path: Path) -> None:
    store = WatchStore(tmp_path / "bot.db", limit=5)
    filters = Filters(memory_gb=12, memory_kind="vram", tasks=["code"])
    for number in range(1, 6):
        watch, given = store.add(7, 7, f"request {number}", "en", filters, ["a/b", "c/d"])
        assert given == number and watch.filters == filters and watch.seen == ("a/b", "c/d")
    again, given = store.add(7, 7, "  request   3 ", "en", filters, [])
    assert given == 3 and again.text == "request 3"  # the same request watched again is the same watch
    with pytest.raises(TooManyWatches):
        store.add(7, 7, "request 6", "en", filters, [])
    store.add(8, 8, "другой запрос", "ru", Filters(), [])
    assert store.record(store.of_user(7)[0], ["e/f"], "<b>news</b>") is True
    store.close()

    reopened = WatchStore(tmp_path / "bot.db", limit=5)
    mine = reopened.of_user(7)
    assert [watch.text for watch in mine] == [f"request {n}" for n in range(1, 6)]
    assert mine[0].seen == ("a/b", "c/d", "e/f") and mine[0].notified is not None
    assert [item.text for item in reopened.outbox()] == ["<b>news</b>"]  # a queued notice outlives a restart
    removed = reopened.remove(7, 1)
    assert removed is not None and removed.text == "request 1"
    assert reopened.outbox() == []  # its pending notice went with it
    assert reopened.of_user(7)[0].text == "request 2"  # numbers follow the list
    assert reopened.remove(7, 9) is None
    assert reopened.remove_user(7) == 4 and reopened.of_user(7) == []
    assert reopened.of_user(8)[0].lang == "ru"
    assert reopened.record(mine[1], ["x/y"], "gone") is False  # removed meanwhile: nothing queued
    assert reopened.outbox() == []


def test_a_corrupt_row_reads_as_an_empty_request_not_a_crash(tmp_path: Path) -> None:
    store = WatchStore(tmp_path / "bot.db")
    store.add(1, 1, "best 16GB model", "en", Filters(memory_gb=16), ["a/b"])
    store._db.execute("UPDATE watches SET filters = '{not json', seen = '[1,', kv_cache = 'q9', lang = 'xx'")
    watch = store.of_user(1)[0]
    assert watch.filters == Filters() and watch.seen == () and watch.kv_cache == "f16" and watch.lang == "en"


# -- the check ---------------------------------------------------------------------------------------------------
def test_check_announces_a_newcomer_once_and_at_most_daily(hub: FakeHub, tmp_path: Path) -> None:
    with Catalog(tmp_path / "catalog.db") as catalog:
        options = sync_options(stale_days=100_000)
        run_sync(catalog, Hub(fast_hub_options(hub.url)), options)
        service = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))
        answer, _ = service.ask(REQUEST, None, 5)
        store = WatchStore(tmp_path / "bot.db")
        watch, number = store.add(1, 1, REQUEST, "en", answer.filters, [r.model.id for r in answer.results])
        now = time.time()
        assert check(service, watch, number, now) is None  # nothing new yet

        newcomer = add_successor(hub)
        run_sync(catalog, Hub(fast_hub_options(hub.url)), options)
        notice = check(service, watch, number, now)
        assert notice is not None and notice.models == (newcomer,)
        assert newcomer in notice.text and "bartowski/phi-5-GGUF" in notice.text and ".gguf" in notice.text
        assert "Ranks above" in notice.text and "/unwatch 1" in notice.text
        assert store.record(watch, notice.seen, notice.text, now)
        watch = store.of_user(1)[0]
        assert check(service, watch, number, now + 60) is None  # announced: never again

        second = add_successor(hub, "phi-6", downloads=2_000_000)
        run_sync(catalog, Hub(fast_hub_options(hub.url)), options)
        assert check(service, watch, number, now + 3600) is None  # a notice went out within the day
        later = check(service, watch, number, now + NOTICE_EVERY + 1)
        assert later is not None and second in later.models


def test_a_relaxed_answer_is_no_news(hub: FakeHub, tmp_path: Path) -> None:
    with Catalog(tmp_path / "catalog.db") as catalog:
        run_sync(catalog, Hub(fast_hub_options(hub.url)), sync_options(stale_days=100_000))
        service = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))
        text = "commercial 3b coding model with 1M context in exl2"
        answer, _ = service.ask(text, None, 5)
        assert answer.relaxed  # nothing meets it all: the answer is a relaxed one
        store = WatchStore(tmp_path / "bot.db")
        watch, number = store.add(1, 1, text, "en", answer.filters, [])
        assert check(service, watch, number, time.time()) is None


# -- the outbox --------------------------------------------------------------------------------------------------
def test_the_outbox_is_paced_survives_flood_waits_and_drops_blocked_users(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    store = WatchStore(tmp_path / "bot.db")
    chats = [11, 12, 13, 14]
    for chat in chats:
        for number in range(3):
            watch, _ = store.add(chat, chat, f"request {number}", "en", Filters(), [])
            store.record(watch, [], f"notice {chat}/{number}")
    store.add(99, 99, "blocked", "en", Filters(), [])
    store.record(store.of_user(99)[0], [], "to a user who blocked the bot")
    telegram.blocked.add(99)
    telegram.fail_next("sendMessage", 429, retry_after=1)  # one flood wait on the way

    async def main() -> None:
        bot = Bot(telegram.token, base_url=telegram.base_url)
        async with bot:

            async def send(chat_id: int, text: str) -> None:
                await bot.send_message(chat_id, text)

            notifier = Notifier(store, send, per_second=25)
            notifier.start()
            deadline = time.monotonic() + 30
            while store.pending() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await notifier.stop()

    asyncio.run(main())
    assert store.pending() == 0
    delivered = [c for c in telegram.sent("sendMessage") if str(c.params.get("chat_id")) != "99"]
    bodies = [str(c.params["text"]) for c in delivered if "notice" in str(c.params["text"])]
    expected = {f"notice {chat}/{n}" for chat in chats for n in range(3)}
    assert set(bodies) == expected and len(bodies) == len(expected) + 1  # all, and only the flood-waited one twice
    assert bodies[0] == bodies[1]  # the first was refused (429), kept, and sent again after the wait
    for chat in chats:
        times = [c.at for c in delivered if str(c.params["chat_id"]) == str(chat)]
        assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(times[1:])), times
    gaps = [b.at - a.at for a, b in itertools.pairwise(delivered)]
    assert min(gaps) >= 0.03  # never a burst: at most 25 a second
    assert store.of_user(99) == []  # blocked: watches removed


# -- the bot -----------------------------------------------------------------------------------------------------
def _last_sync_id(home: Path) -> int:
    with Catalog(home / "catalog.db") as catalog:
        return int((catalog.last_sync() or {}).get("id") or 0)


async def _checked(store: WatchStore, home: Path) -> None:
    """Until the watches were checked against the catalog's newest sync and the outbox is empty."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if store.checked_sync() == _last_sync_id(home) and store.pending() == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the watches were not checked after the sync")


def _notices(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [text for text in texts(telegram, chat_id) if "🔔 <b>" in text]


def test_watch_sync_notify_once_in_both_languages_and_blocked_users_cleaned(
    home: Path, telegram: FakeTelegram, hub: FakeHub, tmp_path: Path
) -> None:
    mine = own_home(home, tmp_path)
    bot = make_bot(mine, telegram, hub, tmp_path, watches=True)
    store = bot.watches
    assert store is not None

    async def scenario() -> None:
        telegram.user_message(f"/watch {REQUEST}", user_id=100)
        await wait(telegram, lambda c: "Watching #1" in str(c.params.get("text")))
        telegram.user_message(f"/watch {REQUEST_RU}", user_id=200, language_code="ru")
        await wait(telegram, lambda c: "Слежу (№1)" in str(c.params.get("text")))
        telegram.user_message(f"/watch {REQUEST}", user_id=300)
        await wait(telegram, lambda c: c.params.get("chat_id") in (300, "300") and "Watching" in str(c.params))
        telegram.blocked.add(300)
        newcomer = add_successor(hub)

        telegram.user_message("/resync", user_id=ADMIN)
        await wait(telegram, lambda c: c.method == "editMessageText" and "Sync finished" in str(c.params.get("text")))
        await _checked(store, mine)
        english, russian = _notices(telegram, 100), _notices(telegram, 200)
        assert len(english) == 1 and newcomer in english[0] and "Watch 1" in english[0], english
        assert "Ranks above" in english[0] and "bartowski/phi-5-GGUF" in english[0]
        assert len(russian) == 1 and newcomer in russian[0] and "Подписка 1" in russian[0], russian
        assert store.of_user(300) == []  # blocked the bot: its watch is gone
        assert len(store.of_user(100)) == 1 and len(store.of_user(200)) == 1

        telegram.user_message("/resync", user_id=ADMIN)  # nothing new: nothing sent
        await wait(telegram, lambda c: c.method == "editMessageText" and "Sync finished" in str(c.params.get("text")),
                   count=2)  # fmt: skip
        await _checked(store, mine)
        await asyncio.sleep(0.5)
        assert len(_notices(telegram, 100)) == 1 and len(_notices(telegram, 200)) == 1

    run(bot, scenario)
    assert_all_html_valid(telegram)


def test_watch_commands_the_button_limits_and_forged_data(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, watches=True, calls_per_minute=100)
    store = bot.watches
    assert store is not None

    def last(chat: int = 100) -> str:
        return texts(telegram, chat)[-1]

    async def ask(text: str, expected: str, chat: int = 100) -> str:
        count = len(texts(telegram, chat))
        telegram.user_message(text, user_id=chat)
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat),
                   count=count + 1)  # fmt: skip
        assert expected in last(chat), last(chat)
        return last(chat)

    async def scenario() -> None:
        await ask("/watch", "Usage: /watch")
        await ask("/watches", "You have no watches")
        telegram.user_message("best 16GB llama model", user_id=100)
        answer = (await wait(telegram, lambda c: "reply_markup" in c.params and ".gguf" in str(c.params)))[0]
        buttons = [b for row in json.loads(answer.params["reply_markup"])["inline_keyboard"] for b in row]
        watch_button = next(b["callback_data"] for b in buttons if b["callback_data"].startswith("wat:"))
        telegram.callback_query(watch_button, user_id=100)
        await wait(telegram, lambda c: "Watching #1" in str(c.params.get("text")))
        telegram.callback_query(watch_button, user_id=555)  # someone else's button
        telegram.callback_query("wat:deadbeef", user_id=100)
        await wait(telegram, lambda c: c.method == "answerCallbackQuery" and "expired" in str(c.params), count=2)
        assert store.of_user(555) == [] and len(store.of_user(100)) == 1
        await ask("/watch best 16GB llama model", "already watch")
        for number in range(2, 6):
            await ask(f"/watch coding model for {number * 4}GB vram", f"Watching #{number}")
        await ask("/watch one more model for 48GB", "the most I keep")
        listing = await ask("/watches", "Your watches")
        assert "5. “coding model for 20GB vram”" in listing
        await ask("/unwatch 7", "no watch 7")
        await ask("/unwatch x<b>", "Usage: /unwatch")
        await ask("/unwatch 1", "Stopped watch 1: “best 16GB llama model”")
        await ask("/watch <b>html</b> & 70b", "Watching #5")
        await ask("/unwatch all", "Stopped your 5 watches")
        assert store.of_user(100) == []
        telegram.user_message("/watch best 16GB model", user_id=100, chat_id=GROUP, chat_type="group")
        await wait(
            telegram, lambda c: "private chat" in str(c.params.get("text")) and str(c.params["chat_id"]) == str(GROUP)
        )
        assert store.of_user(100) == []  # a group is no place for notices: nothing kept

    run(bot, scenario)
    assert_all_html_valid(telegram)


def test_the_terminal_chat_says_watches_live_in_the_bot(home: Path, tmp_path: Path) -> None:
    from bot.conversation import Conversation
    from bot.prefs import PrefsStore

    with Catalog(home / "catalog.db") as catalog:
        service = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)))
        conversation = Conversation(service, PrefsStore(tmp_path / "prefs.db"))
        reply = conversation.command(0, "watch", REQUEST.split())
        assert "Telegram bot" in reply.blocks[0]
        answer = conversation.request(0, REQUEST)
        assert all(not b.data.startswith("wat:") for row in answer.buttons for b in row)
