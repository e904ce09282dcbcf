"""The Telegram front: a python-telegram-bot Application that turns updates into Conversation calls and
Replies into messages. Long polling by default, a webhook when configured.

Blocking work (parsing, ranking, SQLite) runs in one worker thread with a time budget per request (worker.py),
so answers never stall the event loop and one slow request never holds up the others (a second worker was
measured: on 2 cores it doubled the median reply time, the GGUF parser and the ranking fighting for the same
cores); a sync runs in its own thread with its own catalog connection (SQLite WAL: answers keep flowing
meanwhile), then brings the search index up to date, which the answering side re-reads.

Every handler rate-limits first and only then does any work; every per-user structure is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from index.store import Catalog
from index.sync import Progress, SyncReport
from recommender.related import warm_lists

from .conversation import MAX_REQUEST_CHARS, Conversation, Reply
from .error_messages import RequestTooSlow, user_message
from .inline import InlineAnswer, InlineSearch, Superseded, clean_query, notice, telegram_answer
from .notifier import Notifier
from .prefs import UserLimiter
from .render import split_blocks, strip_tags
from .services import sync_catalog
from .settings import BotSettings, Settings
from .texts import language_of, say
from .watch_check import check
from .webhook import WebhookServer
from .worker import BudgetedWorker

log = logging.getLogger(__name__)
T = TypeVar("T")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "what I do"),
    ("help", "every command"),
    ("ask", "a request: /ask best commercial 16GB llama model"),
    ("top", "ready lists: trending, commercial, fits-16gb, code..."),
    ("model", "a model's card: /model Qwen/Qwen2.5-7B-Instruct"),
    ("compare", "2-5 models side by side"),
    ("alternatives", "similar models, better ones marked"),
    ("derived", "fine-tunes, quants, merges of a model"),
    ("fit", "will it run: /fit MODEL 16GB vram"),
    ("watch", "tell me when a new model enters a request's top 3"),
    ("watches", "your watches"),
    ("unwatch", "stop a watch: /unwatch 2"),
    ("prefs", "your memory, commercial only, formats, language"),
    ("resync", "refresh the catalog now (admins)"),
    ("status", "catalog and sync state"),
)
WATCH_COMMANDS = ("watch", "watches", "unwatch")
PROGRESS_EVERY = 2.0  # seconds between edits of the /resync message


@dataclass
class SyncState:
    running: bool = False
    progress: Progress | None = None
    expected: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def without_mention(text: str, username: str) -> str | None:
    """The text of a group message that mentions @username (any case), the mention taken out; None when it
    does not mention the bot. Matched in the text itself, never at positions found in a lower-cased copy (which
    shift when a character's lower case is longer: "İ")."""
    if not username:
        return None
    mention = re.compile(rf"@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)
    if mention.search(text) is None:
        return None
    return " ".join(mention.sub(" ", text).split())


class SommelierBot:
    def __init__(self, settings: Settings, conversation: Conversation, options: BotSettings | None = None) -> None:
        self.settings = settings
        self.conversation = conversation
        options = options or settings.bot
        if not options.webhook_secret:  # a new random one per start unless configured
            options = replace(options, webhook_secret=secrets.token_urlsafe(32))
        self.options = options
        self.limiter = UserLimiter(calls=options.calls_per_minute, window=60.0)
        self.worker = BudgetedWorker(options.request_seconds)
        self.inline_limiter = UserLimiter(calls=options.inline_calls_per_minute, window=60.0)
        self.inline = InlineSearch(conversation, limit=options.inline_results, ttl=options.inline_cache_seconds)
        self.sync = SyncState()
        self.username = ""
        self.watches = conversation.watches
        self.notifier: Notifier | None = None
        self._bot: Any = None  # the application's Bot, for notices sent outside any update
        self._watch_lock = asyncio.Lock()

    # -- wiring ------------------------------------------------------------------------------------------
    def build(self) -> Application:
        builder = ApplicationBuilder().token(self.options.token).rate_limiter(AIORateLimiter(max_retries=2))
        if self.options.base_url:
            builder = builder.base_url(self.options.base_url).base_file_url(
                self.options.base_url.replace("/bot", "/file/bot", 1)
            )
        builder = builder.post_init(self._post_init).post_shutdown(self._post_shutdown).concurrent_updates(True)
        application = builder.build()
        only_new = filters.UpdateType.MESSAGE
        for name in ("start", "help", "top", "model", "compare", "alternatives", "derived", "fit", "prefs", "status",
                     "watch", "watches", "unwatch"):  # fmt: skip
            application.add_handler(CommandHandler(name, self.on_command, filters=only_new))
        application.add_handler(CommandHandler("ask", self.on_ask, filters=only_new))
        application.add_handler(CommandHandler("resync", self.on_resync, filters=only_new))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline))
        application.add_handler(MessageHandler(only_new & filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(MessageHandler(only_new & filters.ChatType.PRIVATE & ~filters.TEXT, self.on_other))
        application.add_error_handler(self.on_error)
        if self.options.daily_sync is not None and application.job_queue is not None:
            application.job_queue.run_daily(self.daily_sync, time=self.options.daily_sync, name="daily-sync")
        if self.watches is not None:
            self.notifier = Notifier(self.watches, self._send_notice, self.options.watch_per_second)
            self._bot = application.bot
            if application.job_queue is not None:  # a sync made elsewhere (the CLI, cron) is noticed too
                minutes = self.options.watch_check_minutes
                application.job_queue.run_repeating(self._watch_job, interval=minutes * 60, first=60, name="watches")
        return application

    async def _post_init(self, application: Application) -> None:
        self.username = application.bot.username or ""
        if self.notifier is not None:
            self.notifier.start()  # sends what a previous run left in the outbox
        commands = [BotCommand(name, text) for name, text in COMMANDS]
        with contextlib.suppress(TelegramError):  # not essential: the bot answers without a menu
            await application.bot.set_my_commands(commands)

    async def _post_shutdown(self, application: Application) -> None:
        if self.notifier is not None:
            await self.notifier.stop()

    async def _run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self.worker.run(call, *args, **kwargs)

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str,
                      call: Callable[..., Reply | None], *args: Any) -> Reply | None:  # fmt: skip
        """`call` in the worker within the time budget; an error becomes a short message in `lang`."""
        try:
            return await self._run(call, *args)
        except RequestTooSlow as error:
            return Reply([escape(user_message(error, lang))], lang)
        except Exception as error:  # one bad request never stops the bot; the log has the details
            log.error("request failed", exc_info=error)
            return Reply([escape(user_message(error, lang))], lang)

    # -- sending -----------------------------------------------------------------------------------------
    async def _typing(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)

    async def send(self, update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        messages = split_blocks(reply.blocks)
        markup = None
        if reply.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(button.text, callback_data=button.data) for button in row]
                    for row in reply.buttons
                ]
            )
        for position, text in enumerate(messages):
            last = position == len(messages) - 1
            await self._send_text(context, chat.id, text, markup if last else None)
        if reply.compare is not None:
            await self._send_chart(context, chat.id, reply.compare)

    async def _send_text(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, markup: Any) -> Message:
        try:
            return await context.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as error:  # never lose an answer to a markup problem: send it as plain text
            log.warning("HTML rejected (%s); sending plain text", error)
            return await context.bot.send_message(chat_id, strip_tags(text)[:4096], reply_markup=markup)

    async def _send_chart(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, table: dict[str, Any]) -> None:
        try:
            from .chart import compare_png

            png = await self._run(compare_png, table)
            if png:
                await context.bot.send_photo(chat_id, png)
        except (TelegramError, OSError, ValueError, ImportError, RequestTooSlow) as error:
            log.warning("comparison chart not sent: %s", type(error).__name__)

    # -- handlers ----------------------------------------------------------------------------------------
    def _limited(self, update: Update) -> float:
        user = update.effective_user
        return self.limiter.wait(user.id) if user is not None else 0.0

    async def _refuse_if_limited(self, update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> bool:
        wait = self._limited(update)
        if wait:
            await self.send(update, context, Reply([say(lang, "rate_limited", seconds=int(wait) + 1)], lang))
        return bool(wait)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        text: str | None = message.text
        if message.chat.type != ChatType.PRIVATE:
            text = self._addressed(message)
        if not text:
            return  # group chatter not meant for the bot
        await self._request(update, context, text)

    def _addressed(self, message: Message) -> str | None:
        """The request in a group message: a reply to the bot, or text mentioning @bot (mention removed)."""
        text = message.text or ""
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.username == self.username:
            return text
        return without_mention(text, self.username)

    async def _request(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        user = update.effective_user
        assert user is not None
        lang = language_of(text, user.language_code)
        if await self._refuse_if_limited(update, context, lang):
            return
        await self._typing(update, context)
        reply = await self._answer(
            update, context, lang, self.conversation.request, user.id, text[:MAX_REQUEST_CHARS], user.language_code
        )
        if reply is not None:
            await self.send(update, context, reply)

    async def on_ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if not args:
            await self.on_command(update, context, name="help")
            return
        await self._request(update, context, " ".join(args))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE, name: str | None = None) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        name = name or message.text.split()[0][1:].split("@")[0].lower()
        args = list(context.args or [])
        lang = language_of(" ".join(args), user.language_code)
        if name not in ("start", "help") and await self._refuse_if_limited(update, context, lang):
            return
        if name in WATCH_COMMANDS and message.chat.type != ChatType.PRIVATE:  # notices go to a private chat
            await self.send(update, context, Reply([say(lang, "watch_private_only", bot=self.username)], lang))
            return
        await self._typing(update, context)
        if name == "status":
            reply = await self._answer(update, context, lang, self.conversation.status, lang, self.sync.running)
        else:
            reply = await self._answer(
                update, context, lang, self.conversation.command, user.id, name, args, user.language_code
            )
        if reply is not None:
            await self.send(update, context, reply)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        lang = language_of("", user.language_code)
        wait = self._limited(update)  # before any work: a flood of presses costs nothing
        if wait:
            with contextlib.suppress(TelegramError):
                await query.answer(say(lang, "rate_limited", seconds=int(wait) + 1))
            return
        data = (query.data or "")[:64]  # Telegram's limit; anything longer is forged
        chat = query.message.chat if query.message is not None else None
        if data.startswith("wat:") and chat is not None and chat.type != ChatType.PRIVATE:
            with contextlib.suppress(TelegramError):
                await query.answer(strip_tags(say(lang, "watch_private_only", bot=self.username)), show_alert=True)
            return
        reply = await self._answer(update, context, lang, self.conversation.button, user.id, data, user.language_code)
        with contextlib.suppress(TelegramError):
            await query.answer(None if reply is not None else say(lang, "stale_button"))
        if reply is not None:
            await self.send(update, context, reply)

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`@bot request` in any chat: rate-limited first, then the cache, then the worker (bot/inline.py)."""
        query, user = update.inline_query, update.effective_user
        if query is None or user is None:
            return
        text = clean_query(query.query)
        wait = self.inline_limiter.wait(user.id)
        if wait:
            found = notice(language_of(text, user.language_code), "inline_limited", seconds=int(wait) + 1)
        elif not text:
            found = notice(language_of(text, user.language_code), "inline_hint", cacheable=True)
        else:
            request = self.inline.request(user.id, text, user.language_code)
            try:
                cached = self.inline.cached(request)
                if cached is None:
                    cached = await self._run(self.inline.answer, request, self.inline.ticket(user.id))
                found = cached
            except Superseded:  # the user typed on: Telegram shows the newer query's answer only
                found = InlineAnswer((), request.lang)
            except RequestTooSlow:
                found = notice(request.lang, "inline_slow")
            except Exception as error:  # one bad query never stops the bot; the log has the details
                log.error("inline query failed", exc_info=error)
                found = notice(request.lang, "inline_error")
        cache = self.options.inline_cache_seconds
        try:
            await query.answer(**telegram_answer(found, cache))
        except BadRequest as error:  # the HTML refused (or the query too old): once more as plain text
            log.warning("inline answer refused (%s); answering in plain text", error)
            with contextlib.suppress(TelegramError):
                await query.answer(**telegram_answer(found, cache, plain=True))

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        lang = language_of("", user.language_code if user else None)
        await self.send(update, context, Reply([say(lang, "text_only")], lang))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed", exc_info=context.error)
        if isinstance(context.error, RetryAfter):
            return
        if isinstance(update, Update) and update.effective_chat is not None:
            user = update.effective_user
            lang = language_of("", user.language_code if user else None)
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(update.effective_chat.id, say(lang, "error"))

    # -- syncing -----------------------------------------------------------------------------------------
    async def on_resync(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        lang = language_of("", user.language_code)
        if user.id not in self.options.admins:
            await self.send(update, context, Reply([say(lang, "admins_only")], lang))
            return
        if self.sync.running:  # checked and set with no await between: two quick /resync run one sync
            await self.send(update, context, Reply([say(lang, "sync_busy")], lang))
            return
        self.sync.running = True
        try:
            status = await self._send_text(context, message.chat_id, say(lang, "sync_started"), None)
        except TelegramError:
            self.sync.running = False
            raise
        allow_drops = [word.lower() for word in context.args or []] == ["allow-drops"]
        await self.resync(lambda text: self._edit(status, text), lang, claimed=True, allow_drops=allow_drops)

    async def _edit(self, message: Message, text: str) -> None:
        with contextlib.suppress(BadRequest, RetryAfter):  # "message is not modified", flood: skip this edit
            await message.edit_text(text, parse_mode=ParseMode.HTML)

    async def daily_sync(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.sync.running:
            await self.resync(None, "en")

    async def resync(
        self,
        report: Callable[[str], Awaitable[None]] | None,
        lang: str,
        *,
        claimed: bool = False,
        allow_drops: bool = False,
    ) -> SyncReport | None:
        """One sync at a time, in its own thread, then the search index; progress edited into `report` every few
        seconds. `claimed`: the caller already set `sync.running` (so a second request was refused)."""
        if not claimed:
            if self.sync.running:
                return None
            self.sync.running = True
        async with self.sync.lock:
            self.sync.progress = None
            loop = asyncio.get_running_loop()
            task = loop.run_in_executor(None, self._sync_blocking, allow_drops)
            try:
                while not task.done():
                    await asyncio.wait({task}, timeout=PROGRESS_EVERY)
                    if report is not None and self.sync.progress is not None and not task.done():
                        await report(self._progress_text(lang))
                result = task.result()
            except Exception as error:  # the admin gets a clear message; the catalog stays as it was
                log.error("sync failed", exc_info=error)
                if report is not None:
                    await report(escape(say(lang, "sync_failed", error=user_message(error, lang))))
                return None
            finally:
                self.sync.running = False
            with contextlib.suppress(RequestTooSlow):
                await self._run(self._after_sync, budget=max(60.0, self.options.request_seconds))
            if report is not None:
                await report(
                    say(
                        lang,
                        "sync_done",
                        seconds=result.seconds,
                        added=result.added,
                        updated=result.updated,
                        dropped=result.dropped,
                        total=result.total,
                    )
                )
        await self.check_watches()  # the sync lock released: another sync may start meanwhile
        return result

    def _sync_blocking(self, allow_drops: bool = False) -> SyncReport:
        options = replace(self.settings.sync, allow_drops=True) if allow_drops else self.settings.sync
        with Catalog(self.settings.catalog_path) as catalog:
            last = catalog.last_sync() or {}
            self.sync.expected = int(last.get("listed") or 0)

            def progress(state: Progress) -> None:
                self.sync.progress = state

            report, _ = sync_catalog(self.settings, catalog, options, on_progress=progress)
            return report

    def _after_sync(self) -> None:
        self.inline.clear()
        warm_lists(self.conversation.service.recommender)

    def _progress_text(self, lang: str) -> str:
        state = self.sync.progress
        assert state is not None
        if state.phase == "trees" and state.trees_total:
            share = state.trees_done / state.trees_total
        elif self.sync.expected:
            share = min(0.99, state.models / self.sync.expected)
        else:
            share = 0.0
        filled = round(share * 20)
        return say(
            lang,
            "sync_progress",
            bar="▓" * filled + "░" * (20 - filled),
            percent=round(share * 100),
            pages=state.pages,
            models=state.models,
            trees=f"{state.trees_done}/{state.trees_total}" if state.trees_total else "0",
        )

    # -- watches -----------------------------------------------------------------------------------------
    async def check_watches(self) -> int:
        """After a sync: every watch asked again, one at a time in the worker (answers to users go on between
        them), a notice queued for each whose top 3 gained a model its user was not shown; at most
        `watch_max_notices` per sync. Each catalog sync is checked once, whoever ran it. How many were queued."""
        if self.watches is None or self.notifier is None:
            return 0
        watches = self.watches
        async with self._watch_lock:
            last = await self._run(self.conversation.service.catalog.last_sync)
            sync_id = int((last or {}).get("id") or 0)
            if not sync_id or sync_id <= await asyncio.to_thread(watches.checked_sync):
                return 0
            queued, numbers = 0, dict[int, int]()
            for watch in await asyncio.to_thread(watches.all):
                numbers[watch.user_id] = numbers.get(watch.user_id, 0) + 1
                if queued >= self.options.watch_max_notices:
                    continue  # counted for the numbering only; their news waits for the next sync
                try:
                    number = numbers[watch.user_id]
                    notice = await self._run(check, self.conversation.service, watch, number, time.time())
                    if notice is not None and await self._run(watches.record, watch, notice.seen, notice.text):
                        queued += 1
                        self.notifier.kick()
                except Exception as error:  # one watch that cannot be asked never stops the others
                    log.warning("watch %d not checked: %s", watch.id, type(error).__name__)
            await asyncio.to_thread(watches.set_checked_sync, sync_id)
            log.info("watches checked against sync %d: %d notices queued", sync_id, queued)
            return queued

    async def _watch_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.sync.running:
            await self.check_watches()

    async def _send_notice(self, chat_id: int, text: str) -> None:
        try:
            await self._bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise
            log.warning("HTML rejected in a notice (%s); sending plain text", error)
            await self._bot.send_message(chat_id, strip_tags(text)[:4096])

    # -- running -----------------------------------------------------------------------------------------
    def webhook_server(self, application: Application) -> WebhookServer:
        """The public URL's path served locally (as a reverse proxy forwards it), every update carrying the
        secret."""
        return WebhookServer(
            application,
            path=urlsplit(self.options.webhook_url or "").path,
            secret=self.options.webhook_secret,
            listen=self.options.webhook_listen,
            port=self.options.webhook_port,
        )

    async def start_webhook(self, application: Application) -> WebhookServer:
        """Registers the webhook with Telegram and starts serving it (the application must be started)."""
        server = self.webhook_server(application)
        await server.start()
        await application.bot.set_webhook(
            self.options.webhook_url or "",
            secret_token=self.options.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        return server

    async def _serve_webhook(self) -> None:
        application = self.build()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, stop.set)
        async with application:
            await self._post_init(application)
            await application.start()
            server = await self.start_webhook(application)
            try:
                await stop.wait()
            finally:
                await server.stop()
                await self._post_shutdown(application)
                await application.stop()

    def run(self) -> None:
        try:
            if self.options.webhook_url:
                asyncio.run(self._serve_webhook())
            else:
                self.build().run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        finally:
            self.worker.shutdown()
