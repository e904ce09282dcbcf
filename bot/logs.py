"""Secrets never reach a log: the bot token and the webhook secret are replaced in every record's message, its
traceback and its stack (httpx logs request URLs, which carry the token; python-telegram-bot's InvalidToken
quotes the token it was given)."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType

HIDDEN = "<token>"


class RedactSecrets(logging.Filter):
    def __init__(self, *secrets: str) -> None:
        super().__init__()
        words = sorted((re.escape(word) for word in secrets if word), key=len, reverse=True)
        self.pattern = re.compile("|".join(words)) if words else None

    def redact(self, text: str) -> str:
        return self.pattern.sub(HIDDEN, text) if self.pattern is not None else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.pattern is None:
            return True
        message = record.getMessage()
        if self.pattern.search(message):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def protect_logs(*secrets: str) -> RedactSecrets:
    """Every handler of the root logger (and uncaught exceptions) redacts `secrets` from now on."""
    redact = RedactSecrets(*secrets)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.addFilter(redact)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    def excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        sys.stderr.write(redact.redact("".join(traceback.format_exception(kind, error, trace))))

    sys.excepthook = excepthook
    return redact
