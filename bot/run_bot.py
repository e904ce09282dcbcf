"""`sommelier bot`: the Telegram bot, built from settings; and `sommelier start`, what `make run` runs:
sync first when the catalog is empty, then the bot when a token is set, else the terminal chat."""

from __future__ import annotations

import argparse
import logging
import re
import secrets
from datetime import time as day_time
from typing import TYPE_CHECKING

from index.store import Catalog

from .errors import SettingsError
from .settings import Settings

if TYPE_CHECKING:
    from .telegram_app import BotOptions

log = logging.getLogger(__name__)


class RedactToken(logging.Filter):
    """Removes the bot token (and the webhook secret) from every log record (httpx logs request URLs, which
    carry the token)."""

    def __init__(self, *hidden: str) -> None:
        super().__init__()
        words = sorted((re.escape(word) for word in hidden if word), key=len, reverse=True)
        self.pattern = re.compile("|".join(words)) if words else None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.pattern is not None:
            message = record.getMessage()
            if self.pattern.search(message):
                record.msg = self.pattern.sub("<token>", message)
                record.args = None
        return True


def protect_logs(*hidden: str) -> None:
    redact = RedactToken(*hidden)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def bot_options(settings: Settings) -> BotOptions:
    from .telegram_app import BotOptions

    values = settings.values
    try:
        admins = frozenset(int(str(item).strip()) for item in values["bot.admins"] if str(item).strip())
    except ValueError as error:
        raise SettingsError("bot.admins ($SOMMELIER_ADMINS) takes Telegram user ids, like 12345,67890") from error
    daily = None
    if values["bot.daily_sync"]:
        try:
            hours, minutes = (int(part) for part in str(values["bot.daily_sync"]).split(":"))
            daily = day_time(hours, minutes)
        except ValueError as error:
            raise SettingsError("bot.daily_sync takes HH:MM (UTC), like 04:00") from error
    return BotOptions(
        token=values["bot.token"],
        base_url=values["bot.api_base_url"] or None,
        admins=admins,
        daily_sync=daily,
        calls_per_minute=max(1, values["bot.calls_per_minute"]),
        webhook_url=values["bot.webhook_url"] or None,
        webhook_listen=values["bot.webhook_listen"],
        webhook_port=values["bot.webhook_port"],
        webhook_secret=values["bot.webhook_secret"] or secrets.token_urlsafe(32),
    )


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from recommender.parse import RequestParser
    from recommender.service import Sommelier

    from .conversation import Conversation
    from .prefs import PrefsStore
    from .recommend_commands import make_search
    from .telegram_app import SommelierBot

    options = bot_options(settings)
    if not settings.values["bot.token"]:
        raise SettingsError("no bot token: set TELEGRAM_BOT_TOKEN (or bot.token)")
    protect_logs(settings.values["bot.token"], options.webhook_secret)
    with Catalog(settings.catalog_path, check_same_thread=False) as catalog:
        service = Sommelier(catalog, RequestParser(settings.parser), settings.recommend, make_search(settings, catalog))
        prefs = PrefsStore(settings.home / "bot.db")
        try:
            SommelierBot(settings, Conversation(service, prefs, limit=settings.recommend.limit), options).run()  # type: ignore[arg-type]
        finally:
            prefs.close()
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    from .cli import cmd_sync
    from .recommend_commands import cmd_chat

    with Catalog(settings.catalog_path) as catalog:
        empty = catalog.count() == 0
    if empty:
        print("The catalog is empty: syncing it from the Hub first.")
        code = cmd_sync(argparse.Namespace(limit=None, no_trees=False, no_scores=False, json=False, quiet=False,
                                           no_index=False), settings)  # fmt: skip
        if code:
            return code
    if settings.values["bot.token"]:
        return cmd_bot(args, settings)
    print("No TELEGRAM_BOT_TOKEN: starting the terminal chat (same answers as the bot). End with Ctrl-D.")
    return cmd_chat(args, settings)
