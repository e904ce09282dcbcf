"""Hostile and unlucky use of the bot: each test fails without its fix (issue: hardening)."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot import conversation as conversation_module
from bot.arguments import BadArgument, context_tokens, fit_arguments, memory_gb
from bot.conversation import MAX_SHOWN, MAX_USER_CONTEXTS, Conversation
from bot.logs import protect_logs
from bot.prefs import PrefsStore, UserLimiter
from bot.telegram_app import without_mention
from bot.worker import BudgetedWorker
from index.store import Catalog
from recommender.parse import ParserOptions, RequestParser
from recommender.service import Sommelier
from tests.botserver import TOKEN, FakeTelegram, post_update
from tests.hubserver import FakeHub
from tests.test_bot import ADMIN, _free_port, assert_all_html_valid, make_bot, run, texts, wait


# ------------------------------------------------------------------ strict arguments
@pytest.mark.parametrize(
    "words",
    [
        ["qwen", "16²"],  # a superscript digit: str.isdigit() says yes, int() raises
        ["qwen", "16GB", "²"],
        ["qwen", "16GB", "1" + "0" * 400],  # 10^400 tokens
        ["qwen", "16GB", "1e400"],
        ["qwen", "16GB", "nan"],
        ["qwen", "16GB", "-5"],
        ["qwen", "16GB", "८१९२"],  # Devanagari digits: int() reads them, we do not
        ["qwen", "1e400GB"],
        ["qwen", "inf"],
        ["qwen", "99999GB"],
    ],
)
def test_fit_arguments_are_parsed_strictly(words: list[str]) -> None:
    try:
        parsed = fit_arguments(words)
    except BadArgument as error:
        assert error.key in ("err_fit_context", "err_fit_memory")
        return
    assert parsed is None  # the usage is shown


def test_fit_arguments_read_what_people_type() -> None:
    assert memory_gb("16GB") == 16 and memory_gb("12.5g") == 12.5 and memory_gb("16 гб") == 16
    assert context_tokens("32k") == 32768 and context_tokens("8192") == 8192 and context_tokens("10") is None
    parsed = fit_arguments(["Qwen/Qwen2.5-7B-Instruct", "16GB", "vram", "32k"])
    assert parsed is not None and (parsed.memory_gb, parsed.kind, parsed.context) == (16, "vram", 32768)
    parsed = fit_arguments(["Llama", "3", "8B", "24GB"])  # a number in the name is not the memory
    assert parsed is not None and (parsed.model, parsed.memory_gb) == ("Llama 3 8B", 24)


def test_fit_with_hostile_numbers_answers_clearly(talk: Conversation) -> None:
    for words in (["Qwen/Qwen2.5-7B-Instruct", "16GB", "²"], ["Qwen/Qwen2.5-7B-Instruct", "16GB", "1" + "0" * 400]):
        reply = talk.command(1, "fit", words)
        assert "context is a number of tokens" in reply.blocks[0], reply.blocks
    reply = talk.command(1, "fit", ["Qwen/Qwen2.5-7B-Instruct", "16²"])
    assert "Usage: /fit" in reply.blocks[0]


# ------------------------------------------------------------------ bounded per-user state
def test_limiter_forgets_idle_users_and_is_bounded() -> None:
    limiter = UserLimiter(calls=2, window=60.0, max_users=1000)
    for user in range(5000):
        assert limiter.wait(user, now=float(user) / 1000) == 0.0
    assert len(limiter) <= 1000
    assert limiter.wait(99_999, now=10_000.0) == 0.0
    assert len(limiter) == 1  # everyone else was idle for a whole window


def test_button_contexts_are_bounded_per_user(talk: Conversation) -> None:
    for _ in range(MAX_USER_CONTEXTS * 3):
        talk.request(5, "best 16GB llama model")
    kept, users = talk.context_counts()
    assert kept <= MAX_USER_CONTEXTS and users == 1
    reply = talk.request(6, "coding model for a 3060 12GB")  # another user's buttons are untouched
    assert talk.button(6, reply.buttons[0][0].data) is not None


def test_top_menu_stores_one_key(talk: Conversation) -> None:
    before, _ = talk.context_counts()
    reply = talk.command(7, "top", [])
    keys = {button.data.split(":")[1] for row in reply.buttons for button in row}
    assert len(keys) == 1 and talk.context_counts()[0] == before + 1
    chosen = talk.button(7, reply.buttons[0][0].data)
    assert chosen is not None and "TOP" in chosen.blocks[0]


def test_more_stops_at_a_bound(talk: Conversation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversation_module, "MAX_SHOWN", 8)
    reply = talk.request(8, "llama model")
    for _ in range(10):
        more = next((b.data for row in reply.buttons for b in row if b.data.startswith("more:")), None)
        if more is None:
            break
        following = talk.button(8, more)
        assert following is not None
        reply = following
    assert more is None, "the More button never went away"
    assert MAX_SHOWN >= 8


# ------------------------------------------------------------------ mentions
def test_mention_is_removed_where_it_is_even_when_lower_case_changes_length() -> None:
    text = "İİİİ @Sommelier_Test_Bot coding model for a 3060 12GB"
    assert without_mention(text, "sommelier_test_bot") == "İİİİ coding model for a 3060 12GB"
    assert without_mention("@sommelier_test_bot_fan hi", "sommelier_test_bot") is None
    assert without_mention("no mention here", "sommelier_test_bot") is None


# ------------------------------------------------------------------ secrets
def test_the_token_is_redacted_from_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    from telegram.error import InvalidToken

    handler = logging.StreamHandler()
    logging.getLogger().addHandler(handler)
    try:
        with caplog.at_level(logging.INFO):
            protect_logs(TOKEN)
            for existing in logging.getLogger().handlers:
                existing.addFilter(protect_logs(TOKEN))
            try:
                raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
            except InvalidToken as error:
                logging.getLogger("telegram.ext").error("no start", exc_info=error)
        formatted = "\n".join(handler.format(record) for record in caplog.records)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "InvalidToken" in formatted and TOKEN not in formatted and "<token>" in formatted


def test_a_rejected_token_stops_the_bot_with_a_clear_message(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    wrong = "999:WRONG-secret-token-value"
    config = tmp_path / "bot.toml"
    config.write_text('[parser]\nuse_model = false\n[recommend]\nsemantic = false\n[bot]\ndaily_sync = ""\n')
    environ = {"SOMMELIER_HOME": str(tmp_path), "TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_BASE_URL": telegram.base_url}
    assert main(["--config", str(config), "bot"], environ) == 2
    captured = capsys.readouterr()
    assert "rejected the bot token" in captured.err
    assert wrong not in captured.err + captured.out


# ------------------------------------------------------------------ the time budget
class SlowConversation(Conversation):
    """Answers "slow ..." requests only after `delay` seconds (a request the rules would choke on)."""

    delay = 3.0

    def request(self, user_id: int, text: str, *args: object, **kwargs: object):  # type: ignore[override]
        if text.startswith("slow"):
            time.sleep(self.delay)
        return super().request(user_id, text, *args, **kwargs)  # type: ignore[arg-type]


def test_one_slow_request_never_stops_the_others(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, request_seconds=1.0)
    bot.conversation = SlowConversation(bot.conversation.service, bot.conversation.prefs)

    async def scenario() -> None:
        telegram.user_message("slow best 16GB llama model", user_id=500)
        await asyncio.sleep(0.2)
        started = time.monotonic()
        telegram.user_message("coding model for a 3060 12GB", user_id=501)
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "501")
        assert time.monotonic() - started < 2.5  # not held up behind the slow one (3 s)
        await wait(telegram, lambda c: c.method == "sendMessage" and "took too long" in str(c.params.get("text")))

    run(bot, scenario)
    assert ".gguf" in texts(telegram, 501)[0]
    assert "took too long" in texts(telegram, 500)[0]


def test_worker_runs_queued_requests_after_a_stuck_one() -> None:
    worker = BudgetedWorker(0.3)
    release = threading.Event()

    async def main() -> list[object]:
        stuck = asyncio.ensure_future(worker.run(release.wait, 5))
        await asyncio.sleep(0.05)
        queued = asyncio.ensure_future(worker.run(lambda: "queued answered", budget=2.0))
        results = await asyncio.gather(stuck, queued, return_exceptions=True)
        release.set()
        return results

    stuck, queued = asyncio.run(main())
    assert type(stuck).__name__ == "RequestTooSlow" and queued == "queued answered"
    worker.shutdown()


# ------------------------------------------------------------------ /resync
def test_two_quick_resyncs_run_one_sync(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    catalog_hub.faults.delay(0.3, path="/api/models", times=2)
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    syncs: list[float] = []
    original = bot._sync_blocking

    def counted(allow_drops: bool = False) -> object:
        syncs.append(time.monotonic())
        return original(allow_drops)

    bot._sync_blocking = counted  # type: ignore[method-assign]

    async def scenario() -> None:
        telegram.user_message("/resync", user_id=ADMIN)
        telegram.user_message("/resync", user_id=ADMIN)
        await wait(telegram, lambda c: c.method == "sendMessage" and "already running" in str(c.params.get("text")))
        await wait(telegram, lambda c: c.method == "editMessageText" and "Sync finished" in str(c.params.get("text")))
        await asyncio.sleep(0.3)

    run(bot, scenario)
    assert len(syncs) == 1


def test_a_failed_sync_tells_the_admin_in_valid_html(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path)
    catalog_hub.faults.down()

    async def scenario() -> None:
        telegram.user_message("/resync", user_id=ADMIN)
        await wait(telegram, lambda c: c.method == "editMessageText" and "sync stopped" in str(c.params.get("text")))

    try:
        run(bot, scenario)
    finally:
        catalog_hub.faults.up()
    edits = [str(call.params["text"]) for call in telegram.sent("editMessageText")]
    assert "not answering" in edits[-1] and "Traceback" not in edits[-1]
    assert_all_html_valid(telegram)


# ------------------------------------------------------------------ webhook
def _post_raw(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        return 0  # the server closed the connection without reading the body: refused too
    finally:
        connection.close()


def test_webhook_caps_the_body_and_checks_the_secret_first(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    secret = "Sommelier_webhook-secret_0123456789"
    bot = make_bot(home, telegram, catalog_hub, tmp_path, webhook_url=url, webhook_listen="127.0.0.1",
                   webhook_port=port, webhook_secret=secret)  # fmt: skip
    big = b'{"update_id": 1, "padding": "' + b"x" * (2 << 20) + b'"}'
    statuses: dict[str, int] = {}

    async def scenario() -> None:
        json_type = {"Content-Type": "application/json"}
        statuses["big, no secret"] = await asyncio.to_thread(_post_raw, port, "/hook", big, json_type)
        statuses["big, secret"] = await asyncio.to_thread(
            _post_raw, port, "/hook", big, {**json_type, "X-Telegram-Bot-Api-Secret-Token": secret}
        )
        statuses["secret prefix"] = await asyncio.to_thread(post_update, url, {"update_id": 2}, secret[:-1])
        telegram.user_message("best commercial 16GB llama model", user_id=9)
        await wait(telegram, lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "9")

    run(bot, scenario, webhook=True)
    assert statuses["big, no secret"] in (403, 0), statuses
    assert statuses["big, secret"] in (413, 400, 0), statuses
    assert statuses["secret prefix"] == 403
    assert texts(telegram, 9)


# ------------------------------------------------------------------ the CLI
def test_ask_batch_keeps_one_answer_per_input_line(run_cli, tmp_path: Path) -> None:
    lines = [
        "best commercial 16GB llama model",
        "",
        "   ",
        "context " + ">=" * 400,
        "\x00\x01\x02",
        "ёЁİ" * 300,
        "coding model for a 3060 12GB",
    ]
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli("ask", "--batch", str(batch))
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(answers) == len(lines)
    assert [answer["line"] for answer in answers] == list(range(1, len(lines) + 1))
    assert "error" in answers[1] and "error" in answers[2]
    assert answers[0]["results"] and answers[-1]["results"]


def test_parse_on_a_models_folder_it_cannot_write_falls_back_to_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the models folder should be")
    environ = {"SOMMELIER_HOME": str(tmp_path / "home"), "SOMMELIER_MODELS_DIR": str(blocker / "models")}
    assert main(["parse", "coding model for a 3060 12GB", "--json"], environ) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["parser"] == "rules" and parsed["memory_gb"] == 12 and parsed["tasks"] == ["code"]


# ------------------------------------------------------------------ fixtures
@pytest.fixture
def talk(home: Path, tmp_path: Path) -> Iterator[Conversation]:
    with Catalog(home / "catalog.db") as catalog:
        prefs = PrefsStore(tmp_path / "prefs.db")
        yield Conversation(Sommelier(catalog, RequestParser(ParserOptions(use_model=False))), prefs)
        prefs.close()


@pytest.fixture
def run_cli(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    from bot.cli import main

    config = tmp_path / "cli.toml"
    config.write_text("[parser]\nuse_model = false\n[recommend]\nsemantic = false\n[index]\nenabled = false\n")

    def run_cli(*argv: str) -> tuple[int, str, str]:
        code = main(["--config", str(config), *argv], environ={"SOMMELIER_HOME": str(home)})
        out, err = capsys.readouterr()
        return code, out, err

    return run_cli


# ------------------------------------------------------------------ hostile requests through the bot
HOSTILE = (
    "context " + ">=" * 30,  # the crafted message that took 19 s before the rules were made linear
    "контекст " + "не меньше " * 40 + "1",
    "alternatives to " + '"' * 500 + "Qwen",
    "under " + "16gb " * 300,
    "7b-" * 700,
    "llama " + "instruct chat it base " * 150,
    "<a href='javascript:alert(1)'>" + "&amp;" * 300 + "</a>",
    "\u202e\u200b" * 1000 + "best 7b model",
    "🦙" * 2000,
)


def test_hostile_requests_through_the_bot_are_all_answered_quickly(
    home: Path, telegram: FakeTelegram, catalog_hub: FakeHub, tmp_path: Path
) -> None:
    bot = make_bot(home, telegram, catalog_hub, tmp_path, calls_per_minute=1000)
    took: list[float] = []

    async def scenario() -> None:
        for number, text in enumerate(HOSTILE):
            started = time.monotonic()
            telegram.user_message(text, user_id=900 + number)
            await wait(telegram, lambda c, chat=str(900 + number): c.method == "sendMessage"
                       and str(c.params.get("chat_id")) == chat)  # fmt: skip
            took.append(time.monotonic() - started)

    run(bot, scenario)
    assert all(texts(telegram, 900 + number) for number in range(len(HOSTILE)))
    assert max(took) < 3.0, took
    assert not any("took too long" in text for number in range(len(HOSTILE)) for text in texts(telegram, 900 + number))
    assert_all_html_valid(telegram)


# ------------------------------------------------------------------ KV cache type and vision in /fit and /prefs
def test_fit_and_prefs_take_the_kv_cache_type(talk: Conversation) -> None:
    plain = talk.command(11, "fit", ["Qwen/Qwen2.5-7B-Instruct", "8GB", "vram", "32k"]).blocks[0]
    quantized = talk.command(11, "fit", ["Qwen/Qwen2.5-7B-Instruct", "8GB", "vram", "32k", "kv", "q8_0"]).blocks[0]
    assert "KV cache quantized to q8_0" in quantized and "q8_0" not in plain

    def kv_gb(block: str) -> float:
        return float(block.split(" GB KV")[0].rsplit("+ ", 1)[1])

    assert kv_gb(quantized) < kv_gb(plain) * 0.6
    talk.command(11, "prefs", ["kv", "q4_0"])
    assert (
        "KV cache quantized to q4_0" in talk.command(11, "fit", ["Qwen/Qwen2.5-7B-Instruct", "8GB", "vram"]).blocks[0]
    )
    assert "KV cache: q4_0" in talk.command(11, "prefs", []).blocks[0]
    assert "KV cache type is" in talk.command(11, "prefs", ["kv", "q3"]).blocks[0]
    parsed = fit_arguments(["google/gemma-3-4b-it", "8GB", "vram", "kv=q8_0", "vision"])
    assert parsed is not None and (parsed.kv_cache, parsed.vision) == ("q8_0", True)


# ------------------------------------------------------------------ the running bot serves every sync's index
@pytest.mark.slow
def test_a_model_added_by_a_sync_is_searchable_by_the_running_service_without_restart(tmp_path: Path) -> None:
    """The bot's path: the service opened once (threaded, as `sommelier bot` opens it), then a sync in another
    connection (as /resync and the daily sync run it): the new model is served by the semantic search."""
    from bot.services import open_service, sync_catalog
    from bot.settings import load_settings
    from tests.test_live_index import ASTRONOMY, models

    with FakeHub(models(), page_size=2) as hub:
        config = tmp_path / "s.toml"
        config.write_text("[parser]\nuse_model = false\n[scores]\ndatasets = []\n[sync]\nstale_days = 100000\n")
        settings = load_settings(config, {"SOMMELIER_HOME": str(tmp_path / "home"), "HF_ENDPOINT": hub.url})
        with Catalog(settings.catalog_path) as catalog:
            sync_catalog(settings, catalog)
        with open_service(settings, threaded=True) as service:
            search = service.recommender.search
            assert search is not None

            def found() -> list[str]:
                hits = search("astronomy telescope stargazing", None, 3)
                rows = [service.catalog.db.execute("SELECT id FROM models WHERE num = ?", [num]).fetchone()
                        for num, _ in hits]  # fmt: skip
                return [row[0] for row in rows if row]

            assert "stars/Telescope-7B" not in found()
            hub.upsert_model(ASTRONOMY)
            with Catalog(settings.catalog_path) as other:  # the sync thread's own connection
                report, index_report = sync_catalog(settings, other)
            assert report.added == 1 and index_report is not None and index_report.added == 1
            deadline = time.monotonic() + 60
            while "stars/Telescope-7B" not in found() and time.monotonic() < deadline:
                time.sleep(0.2)  # the new index loads in the background while answers go on
            assert found()[0] == "stars/Telescope-7B"
