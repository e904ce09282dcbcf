"""The Telegram bot end to end: the real python-telegram-bot stack (Application, long polling, AIORateLimiter)
against a loopback Bot API server, a real catalog synced from the loopback Hub, and /resync syncing from it."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot import telegram_app
from bot.conversation import Conversation
from bot.logs import RedactSecrets, protect_logs
from bot.prefs import PrefsStore
from bot.settings import load_settings
from bot.telegram_app import SommelierBot
from bot.watches import WatchStore
from index.store import Catalog
from recommender.parse import ParserOptions, RequestParser
from recommender.service import Sommelier
from tests.botserver import TOKEN, Call, FakeTelegram, html_errors, post_update
from tests.hubserver import FakeHub

ADMIN = 42
GROUP = -1001


def make_bot(
    home: Path, telegram: FakeTelegram, hub: FakeHub, tmp_path: Path, *, watches: bool = False, **bot: Any
) -> SommelierBot:
    config = tmp_path / "bot.toml"
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in {"daily_sync": "", **bot}.items())
    config.write_text(
        "[parser]\nuse_model = false\n[recommend]\nsemantic = false\n[index]\nenabled = false\n"
        "[scores]\ndatasets = []\n[hub]\nbackoff_base = 0.01\npage_size = 50\n"
        f"[bot]\n{extra}"
    )
    environ = {
        "SOMMELIER_HOME": str(home),
        "HF_ENDPOINT": hub.url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "SOMMELIER_ADMINS": str(ADMIN),
    }
    settings = load_settings(config, environ)
    catalog = Catalog(settings.catalog_path, check_same_thread=False)
    service = Sommelier(catalog, RequestParser(ParserOptions(use_model=False)), settings.recommend)
    store = WatchStore(tmp_path / "bot.db", limit=settings.bot.watch_max) if watches else None
    conversation = Conversation(service, PrefsStore(tmp_path / "bot.db"), watches=store)
    return SommelierBot(settings, conversation)


def run(bot: SommelierBot, scenario: Callable[[], Awaitable[None]], webhook: bool = False) -> None:
    """Start the application with long polling (or the bot's webhook), play the scenario, stop cleanly."""

    async def main() -> None:
        application = bot.build()
        await application.initialize()
        await bot._post_init(application)
        await application.start()
        assert application.updater is not None
        server = None
        if webhook:
            server = await bot.start_webhook(application)
        else:
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            await asyncio.wait_for(scenario(), timeout=60)
        finally:
            if server is not None:
                await server.stop()
            else:
                await application.updater.stop()
            await application.stop()
            await application.shutdown()

    asyncio.run(main())


async def wait(telegram: FakeTelegram, predicate: Callable[[Call], bool], count: int = 1) -> list[Call]:
    return await asyncio.to_thread(telegram.wait_for, predicate, 30.0, count)


def texts(telegram: FakeTelegram, chat_id: int) -> list[str]:
    return [str(call.params.get("text", "")) for call in telegram.sent("sendMessage", chat_id)]


def assert_all_html_valid(telegram: FakeTelegram) -> None:
    for call in telegram.sent():
        if call.method in ("sendMessage", "editMessageText") and call.params.get("parse_mode") == "HTML":
            assert not html_errors(call.params["text"]), call.params["text"][:300]
            assert len(call.params["text"]) <= 4096


def test_private_request_buttons_and_forged_data(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)

    async def scenario() -> None:
        telegram.user_message("best commercial 16GB llama model", user_id=100)
        answer = (await wait(telegram, lambda c: c.method == "sendMessage" and "reply_markup" in c.params))[0]
        assert ".gguf" in answer.params["text"] and "huggingface.co" in answer.params["text"]
        buttons = [b for row in json.loads(answer.params["reply_markup"])["inline_keyboard"] for b in row]
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
        assert telegram.sent("sendChatAction")  # typing while working
        details = next(b["callback_data"] for b in buttons if b["callback_data"].startswith("det:"))
        before = len(telegram.sent("sendMessage"))
        telegram.callback_query(details, user_id=100)
        await wait(telegram, lambda c: c.method == "sendMessage", count=before + 1)
        for forged in ("more:deadbeef", "det:0000", "'; DROP TABLE prefs; --", details.replace("det", "alt") + "x"):
            telegram.callback_query(forged, user_id=100)
        telegram.callback_query(details, user_id=999)  # someone else's button
        answers = await wait(telegram, lambda c: c.method == "answerCallbackQuery" and "text" in c.params, count=5)
        assert all("expired" in call.params["text"] for call in answers)
        await asyncio.sleep(0.5)
        assert len(telegram.sent("sendMessage")) == before + 1  # forged buttons produced nothing else

    run(bot, scenario)
    assert_all_html_valid(telegram)
    assert any(call.method == "setMyCommands" for call in telegram.calls)


def test_group_commands_mentions_and_other_bots(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)

    async def scenario() -> None:
        telegram.user_message("hello everyone, what's for lunch?", user_id=101, chat_id=GROUP, chat_type="supergroup")
        telegram.user_message("/compare@other_bot qwen/qwen2.5-7b-instruct microsoft/phi-4", user_id=101,
                              chat_id=GROUP, chat_type="supergroup")  # fmt: skip
        telegram.user_message("/compare@sommelier_test_bot Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.1-8B-Instruct",
                              user_id=101, chat_id=GROUP, chat_type="supergroup")  # fmt: skip
        table = (await wait(telegram, lambda c: c.method == "sendMessage" and "<pre>" in str(c.params.get("text"))))[0]
        assert "memory_q4_k_m_gb" in table.params["text"]
        await wait(telegram, lambda c: c.method == "sendPhoto")
        telegram.user_message("@sommelier_test_bot coding model for a 3060 12GB", user_id=102, chat_id=GROUP,
                              chat_type="supergroup")  # fmt: skip
        telegram.user_message("/ask какую модель запустить на 16 гб", user_id=103, chat_id=GROUP, chat_type="group")
        await wait(telegram, lambda c: c.method == "sendMessage" and "Скачать" in str(c.params.get("text")))
        await wait(telegram, lambda c: c.method == "sendMessage" and "@sommelier" not in str(c.params.get("text"))
                   and "VRAM" in str(c.params.get("text")))  # fmt: skip
        telegram.user_message("/compare mistral qwen", user_id=104, chat_id=GROUP, chat_type="group")
        picks = await wait(
            telegram, lambda c: c.method == "sendMessage" and "pick:" in str(c.params.get("reply_markup"))
        )
        assert picks

    run(bot, scenario)
    assert_all_html_valid(telegram)
    group_texts = " ".join(texts(telegram, GROUP))
    assert "lunch" not in group_texts and group_texts.count("<pre>") == 1  # /compare@other_bot ignored


def test_resync_admin_progress_and_refusals(
    home: Path,
    telegram: FakeTelegram,
    catalog_hub: FakeHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telegram_app, "PROGRESS_EVERY", 0.05)
    catalog_hub.faults.delay(0.3, path="/api/models", times=4)
    bot = make_bot(home, telegram, catalog_hub, tmp_path)

    async def scenario() -> None:
        telegram.user_message("/resync", user_id=7)
        await wait(telegram, lambda c: c.method == "sendMessage" and "admins" in str(c.params.get("text")))
        telegram.user_message("/resync", user_id=ADMIN)
        await wait(telegram, lambda c: c.method == "sendMessage" and "Sync started" in str(c.params.get("text")))
        telegram.user_message("/resync", user_id=ADMIN)
        await wait(telegram, lambda c: c.method == "sendMessage" and "already running" in str(c.params.get("text")))
        telegram.user_message("best 16GB llama model", user_id=8)  # answers keep flowing during a sync
        await wait(telegram, lambda c: c.method == "sendMessage" and ".gguf" in str(c.params.get("text")))
        await wait(telegram, lambda c: c.method == "editMessageText" and "Sync finished" in str(c.params.get("text")))

    run(bot, scenario)
    edits = [str(call.params["text"]) for call in telegram.sent("editMessageText")]
    assert any("pages" in text and "░" in text for text in edits), edits
    assert "Sync finished" in edits[-1] and "models in the catalog" in edits[-1]
    assert_all_html_valid(telegram)


def test_faults_never_lose_the_answer(home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path) -> None:
    telegram.fail_next("setMyCommands", status=500)
    bot = make_bot(home, telegram, catalog_hub, tmp_path)

    async def scenario() -> None:
        telegram.fail_next("sendChatAction", status=500)
        telegram.fail_next("sendMessage", status=429, retry_after=1)
        telegram.user_message("coding model for a 3060 12GB", user_id=300)
        await wait(telegram, lambda c: c.method == "sendMessage" and ".gguf" in str(c.params.get("text")))
        telegram.photo_message(user_id=301)
        await wait(telegram, lambda c: c.method == "sendMessage" and "text messages only" in str(c.params.get("text")))
        telegram.user_message("best 16GB llama model", user_id=302, edited=True)  # edits are not new requests
        telegram.user_message("/nosuchcommand", user_id=303)
        telegram.user_message("<b>" * 50 + "&" * 100 + "\u202e" * 10 + "x" * 4000, user_id=304)
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "304")
        await asyncio.sleep(0.5)

    run(bot, scenario)
    assert not texts(telegram, 302) and not texts(telegram, 303)
    assert_all_html_valid(telegram)


def test_per_user_rate_limit(home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, calls_per_minute=2)

    async def scenario() -> None:
        for _ in range(3):
            telegram.user_message("best 16GB llama model", user_id=400)
        await wait(telegram, lambda c: c.method == "sendMessage" and "please wait" in str(c.params.get("text")))
        telegram.user_message("best 16GB llama model", user_id=401)  # another user is not limited
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "401")

    run(bot, scenario)


def test_the_token_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    secret = "webhook-secret-1234567890"
    with caplog.at_level(logging.INFO):
        handler = logging.StreamHandler()
        logging.getLogger().addHandler(handler)
        try:
            protect_logs(TOKEN, secret)
            for existing in logging.getLogger().handlers:
                existing.addFilter(RedactSecrets(TOKEN, secret))
            logging.getLogger("telegram.test").warning("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)
            logging.getLogger("telegram.test").warning("setWebhook secret_token=%s", secret)
        finally:
            logging.getLogger().removeHandler(handler)
    assert TOKEN not in caplog.text and secret not in caplog.text and caplog.text.count("<token>") == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_mode_answers_what_telegram_posts_and_refuses_forged_posts(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    secret = "Sommelier_webhook-secret_0123456789"
    bot = make_bot(home, telegram, catalog_hub, tmp_path, webhook_url=url, webhook_listen="127.0.0.1",
                   webhook_port=port, webhook_secret=secret)  # fmt: skip
    assert (bot.options.webhook_url, bot.options.webhook_secret, bot.options.webhook_port) == (url, secret, port)
    forged = {"update_id": 999, "message": {"message_id": 5, "date": 0, "chat": {"id": 666, "type": "private"},
                                            "from": telegram.user(666), "text": "best 7b model"}}  # fmt: skip

    async def scenario() -> None:
        assert telegram.webhook is not None
        assert (telegram.webhook["url"], telegram.webhook["secret_token"]) == (url, secret)
        refused = [
            await asyncio.to_thread(post_update, url, forged, None),  # no secret
            await asyncio.to_thread(post_update, url, forged, "wrong-secret"),
            await asyncio.to_thread(post_update, url.replace("updates", "other"), forged, secret),  # other path
            await asyncio.to_thread(post_update, url, {}, secret, b"{not json"),  # garbage from Telegram
        ]
        assert refused[:2] == [403, 403] and refused[2] == 404 and refused[3] >= 400, refused
        delivered.append(telegram.user_message("best commercial 16GB llama model", user_id=7))
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "7")
        telegram.user_message("/top", user_id=8)
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "8")

    delivered: list[int] = []
    run(bot, scenario, webhook=True)
    assert (delivered[0], 200) in telegram.deliveries
    assert "llama" in texts(telegram, 7)[0].lower()
    assert not telegram.sent("sendMessage", 666) and not telegram.sent("getUpdates")
    assert_all_html_valid(telegram)


def test_start_syncs_an_empty_catalog_then_chats_without_a_token(
    hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from bot.cli import main

    config = tmp_path / "start.toml"
    config.write_text(
        "[parser]\nuse_model = false\n[recommend]\nsemantic = false\n[index]\nenabled = false\n"
        "[scores]\ndatasets = []\n[sync]\nstale_days = 100000\n"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("best commercial 16GB llama model\n/top code\n"))
    environ = {"SOMMELIER_HOME": str(tmp_path / "data"), "HF_ENDPOINT": hub.url}
    assert main(["--config", str(config), "start"], environ) == 0
    out = capsys.readouterr().out
    assert "syncing it from the Hub first" in out and "terminal chat" in out
    assert ".gguf" in out and "[More]" in out and "<b>" not in out


def test_prefs_survive_a_restart_and_russian_gets_russian(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    first = make_bot(home, telegram, catalog_hub, tmp_path)

    async def set_prefs() -> None:
        telegram.user_message("/prefs memory 8 vram", user_id=500)
        await wait(telegram, lambda c: c.method == "sendMessage" and "Saved" in str(c.params.get("text")))

    run(first, set_prefs)
    second = make_bot(home, telegram, catalog_hub, tmp_path)  # a new process would read the same bot.db

    async def ask() -> None:
        telegram.user_message("какую модель взять для кода", user_id=500, language_code="ru")
        await wait(telegram, lambda c: c.method == "sendMessage" and "Скачать" in str(c.params.get("text")))

    run(second, ask)
    answer = next(text for text in texts(telegram, 500) if "Скачать" in text)
    assert "8 GB vram" in answer and "≤ 8 ГБ видеопамяти" in answer  # the reasons in Russian too


def test_daily_sync_is_scheduled_and_runs_silently(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, daily_sync="03:30")
    application = bot.build()
    assert application.job_queue is not None
    jobs = application.job_queue.jobs()
    assert [job.name for job in jobs] == ["daily-sync"]

    async def scenario() -> None:
        report = await bot.resync(None, "en")  # what the daily job runs
        assert report is not None and report.total > 100 and not bot.sync.running

    run(bot, scenario)
    assert not telegram.sent("sendMessage") and not telegram.sent("editMessageText")  # silent
