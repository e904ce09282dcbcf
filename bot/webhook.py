"""The webhook receiver: Telegram posts updates to one path; they go into the Application's update queue.

Our own small tornado handler rather than python-telegram-bot's built-in one, which reads bodies of up to
100 MB before it looks at the secret and compares the secret with `!=`. Here the secret header is checked
first, in constant time, before one byte of the body is read; the body is capped (1 MB: Telegram's updates are
a few KB); anything else gets 403, 404, 405, 413 or 400 and never reaches the bot.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot_application: Application, secret: str, max_body: int) -> None:
        self.bot_application = bot_application
        self.secret = secret.encode()
        self.max_body = max_body
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Headers only, no body read yet: the secret first, then the announced size."""
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self.secret):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > self.max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if self.request.connection is not None:
            self.request.connection.set_max_body_size(self.max_body)  # type: ignore[attr-defined]

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.bot_application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError) as error:
            log.warning("webhook: an update that could not be read (%s)", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if update is None:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        await self.bot_application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # the status alone: no traceback, no echo of what was sent

    def log_exception(self, *args: Any) -> None:  # refused requests are expected, not errors
        log.debug("webhook: request refused")


class WebhookServer:
    """Serves `path` on listen:port, every update with the `secret` header put on the application's queue."""

    def __init__(
        self, application: Application, *, path: str, secret: str, listen: str, port: int, max_body: int = MAX_BODY
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret")
        route = "/" + path.strip("/")
        app = tornado.web.Application(
            [(rf"{route}/?", _UpdateHandler, {"bot_application": application, "secret": secret, "max_body": max_body})],
            log_function=lambda handler: None,
        )
        self.server = HTTPServer(app, max_body_size=max_body, idle_connection_timeout=60, body_timeout=30)
        self.listen, self.port = listen, port

    async def start(self) -> None:
        self.server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        self.server.stop()
        await asyncio.wait_for(self.server.close_all_connections(), timeout=5)
