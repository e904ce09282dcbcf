"""`sommelier bot`: the Telegram bot, built from settings; and `sommelier start`, what `make run` runs:
sync first when the catalog is empty, then the bot when a token is set, else the terminal chat."""

from __future__ import annotations

import argparse
import logging

from index.store import Catalog

from .errors import SettingsError
from .logs import protect_logs
from .settings import Settings

log = logging.getLogger(__name__)


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from telegram.error import InvalidToken, TelegramError

    from .conversation import Conversation
    from .prefs import PrefsStore
    from .services import open_service
    from .telegram_app import SommelierBot
    from .watches import WatchStore

    if not settings.bot.token:
        raise SettingsError("no bot token: set TELEGRAM_BOT_TOKEN (or bot.token)")
    with open_service(settings, threaded=True) as service:
        prefs = PrefsStore(settings.home / "bot.db")
        watches = WatchStore(settings.home / "bot.db", limit=settings.bot.watch_max)
        try:
            conversation = Conversation(service, prefs, limit=settings.recommend.limit, watches=watches)
            bot = SommelierBot(settings, conversation)
            protect_logs(bot.options.token, bot.options.webhook_secret)
            bot.run()
        except InvalidToken:
            raise SettingsError("Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN") from None
        except TelegramError as error:
            log.error("the bot stopped", exc_info=error)  # redacted by protect_logs
            raise SettingsError("the bot could not talk to Telegram; see the log") from None
        finally:
            prefs.close()
            watches.close()
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    from .catalog_commands import sync_and_report
    from .recommend_commands import cmd_chat

    with Catalog(settings.catalog_path) as catalog:
        empty = catalog.count() == 0
    if empty:
        print("The catalog is empty: syncing it from the Hub first.")
        code = sync_and_report(settings, settings.sync)
        if code:
            return code
    if settings.bot.token:
        return cmd_bot(args, settings)
    print("No TELEGRAM_BOT_TOKEN: starting the terminal chat (same answers as the bot). End with Ctrl-D.")
    return cmd_chat(args, settings)
