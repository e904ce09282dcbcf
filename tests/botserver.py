"""A loopback Telegram Bot API server for tests: the real python-telegram-bot stack talks to it by base URL.

It serves getMe, getUpdates (long polling with offsets), the sending and editing methods the bot uses, and
Telegram's error answers (429 with retry_after, 400 for HTML it cannot parse, 401 for a wrong token). Every
call is recorded; tests queue updates (`user_message`, `callback_query`, `inline_query`) and wait for calls
(`wait_for`). answerInlineQuery is checked as Telegram checks it (result count, ids, texts, HTML, button).
Once setWebhook was called, queued updates are posted to the webhook as Telegram does (JSON, the secret in
X-Telegram-Bot-Api-Secret-Token, retried while the webhook does not answer 200) and getUpdates answers 409.
"""

from __future__ import annotations

import email
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl
from urllib.request import Request, urlopen

TOKEN = "123456:TEST-token"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span",
                "blockquote"}  # fmt: skip
POLL_CAP = 0.5  # seconds a getUpdates call may wait, whatever timeout it asks for


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class _HtmlCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text_length = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f'unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f'unexpected end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.text_length += len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"unsupported entity &{name};")
        self.text_length += 1

    def handle_charref(self, name: str) -> None:
        self.text_length += 1


def html_errors(text: str) -> list[str]:
    """Why Telegram would refuse `text` with parse_mode HTML (empty when it would not)."""
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        return ["unescaped &"]
    check = _HtmlCheck()
    check.feed(text)
    check.close()
    errors = list(check.errors)
    if check.stack:
        errors.append(f"unclosed tags {check.stack}")
    if check.text_length > 4096:
        errors.append("message is too long")
    return errors


class FakeTelegram:
    def __init__(self, token: str = TOKEN, username: str = "sommelier_test_bot") -> None:
        self.token = token
        self.username = username
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Sommelier",
                         "username": username, "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}  # fmt: skip
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.faults: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self.webhook: dict[str, Any] | None = None  # url, secret_token, allowed_updates once setWebhook was called
        self.deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status the webhook answered)
        self.blocked: set[int] = set()  # chats of users who blocked the bot: sending there answers 403
        self.inline_queries: dict[str, str] = {}  # inline query id → its text, until answered

    # -- lifecycle ---------------------------------------------------------------------------------------
    def __enter__(self) -> FakeTelegram:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # -- updates -----------------------------------------------------------------------------------------
    def _queue(self, update: dict[str, Any]) -> int:
        with self._lock:
            update["update_id"] = next(self._update_ids)
            self.updates.append(update)
            self._lock.notify_all()
            if self.webhook is not None:
                threading.Thread(target=self._deliver, args=(dict(self.webhook), update), daemon=True).start()
            return int(update["update_id"])

    def _deliver(self, webhook: dict[str, Any], update: dict[str, Any], attempts: int = 20) -> None:
        """Posts one update to the webhook like Telegram: retried until it answers 200."""
        for _ in range(attempts):
            status = post_update(webhook["url"], update, webhook.get("secret_token"))
            with self._lock:
                self.deliveries.append((int(update["update_id"]), status))
                self._lock.notify_all()
            if status == 200:
                return
            time.sleep(0.2)

    def user(self, user_id: int, language_code: str = "en", username: str | None = None) -> dict[str, Any]:
        name = username or f"user{user_id}"
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "username": name,
                "language_code": language_code}  # fmt: skip

    def user_message(self, text: str, *, user_id: int = 100, chat_id: int | None = None, chat_type: str = "private",
                     language_code: str = "en", reply_to_bot: bool = False, edited: bool = False) -> int:  # fmt: skip
        chat_id = chat_id if chat_id is not None else user_id
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"title": "Group"} if chat_type != "private" else {"first_name": f"User{user_id}"})
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                                   "from": self.user(user_id, language_code), "text": text}  # fmt: skip
        entities = []
        command = re.match(r"/[\w@]+", text)
        if command:
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_length(command.group(0))})
        for mention in re.finditer(r"@\w+", text):
            if not (command and mention.start() < command.end()):
                offset = _utf16_length(text[: mention.start()])
                entities.append({"type": "mention", "offset": offset, "length": _utf16_length(mention.group(0))})
        if entities:
            message["entities"] = entities
        if reply_to_bot:
            message["reply_to_message"] = {"message_id": 1, "date": int(time.time()), "chat": chat,
                                           "from": self.bot_user, "text": "an earlier answer"}  # fmt: skip
        return self._queue({"edited_message" if edited else "message": message})

    def photo_message(self, *, user_id: int = 100) -> int:
        chat = {"id": user_id, "type": "private", "first_name": "U"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                   "from": self.user(user_id), "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1,
                                                          "height": 1}]}  # fmt: skip
        return self._queue({"message": message})

    def callback_query(self, data: str, *, user_id: int = 100, chat_id: int | None = None) -> int:
        chat_id = chat_id if chat_id is not None else user_id
        message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                   "from": self.bot_user, "text": "an answer"}  # fmt: skip
        query = {"id": f"cq{next(self._update_ids)}", "from": self.user(user_id), "chat_instance": "ci",
                 "data": data, "message": message}  # fmt: skip
        return self._queue({"callback_query": query})

    def inline_query(self, query: str, *, user_id: int = 100, language_code: str = "en",
                     chat_type: str = "private") -> str:  # fmt: skip
        """Queues an inline query (`@bot query` typed in a chat); its id, which answerInlineQuery must name.
        Telegram cuts queries at 256 characters; this passes any text, so the bot's own guard is tested."""
        query_id = f"iq{next(self._update_ids)}"
        with self._lock:
            self.inline_queries[query_id] = query
        inline = {"id": query_id, "from": self.user(user_id, language_code), "query": query, "offset": "",
                  "chat_type": chat_type}  # fmt: skip
        self._queue({"inline_query": inline})
        return query_id

    # -- faults and waiting ------------------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 429, times: int = 1, retry_after: int = 1,
                  description: str | None = None) -> None:  # fmt: skip
        body: dict[str, Any] = {"ok": False, "error_code": status,
                                "description": description or {429: f"Too Many Requests: retry after {retry_after}",
                                                               400: "Bad Request", 500: "Internal Server Error"}.get(
                                    status, "Error")}  # fmt: skip
        if status == 429:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self.faults.setdefault(method, []).extend([(status, body)] * times)

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if (method is None or call.method == method)
                    and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))]  # fmt: skip

    def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 20.0, count: int = 1) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(call.method, str(call.params.get("text", ""))[:80]) for call in self.calls]
                    raise AssertionError(f"no matching call within {timeout} s; calls: {seen}")
                self._lock.wait(min(left, 0.1))

    # -- serving -----------------------------------------------------------------------------------------
    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.calls.append(Call(method, params, files))
            self._lock.notify_all()
            faults = self.faults.get(method)
            if faults:
                return faults.pop(0)
            if method.lower().startswith("send") and _int(params.get("chat_id")) in self.blocked:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        result = handler(params)
        if isinstance(result, tuple):
            return result
        return 200, {"ok": True, "result": result}

    def _m_getme(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _m_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            return 409, {"ok": False, "error_code": 409, "description": "Conflict: can't use getUpdates method "
                         "while webhook is active; use deleteWebhook to delete the webhook first"}  # fmt: skip
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), POLL_CAP)
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                self.updates = [update for update in self.updates if update["update_id"] >= offset]
                if self.updates or time.monotonic() >= deadline:
                    return list(self.updates)
                self._lock.wait(max(0.0, deadline - time.monotonic()))

    def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self.webhook = None
        return True

    def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if not url:
            return self._m_deletewebhook(params)
        if not re.match(r"^https?://", url):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid webhook URL specified"}
        allowed = params.get("allowed_updates")
        allowed = json.loads(allowed) if isinstance(allowed, str) else allowed
        with self._lock:
            self.webhook = {"url": url, "secret_token": params.get("secret_token"), "allowed_updates": allowed}
        return True

    def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        return True

    def _m_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        return True

    def _m_answerinlinequery(self, params: dict[str, Any]) -> Any:
        with self._lock:
            known = self.inline_queries.pop(str(params.get("inline_query_id")), None) is not None
        if not known:
            return _bad("query is too old and response timeout expired or query ID is invalid")
        problem = inline_answer_errors(params)
        return _bad(problem) if problem else True

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": self.bot_user,
                   "chat": {"id": int(params["chat_id"]), "type": "private"}, **extra}  # fmt: skip
        if params.get("reply_markup"):
            message["reply_markup"] = json.loads(params["reply_markup"])
        return message

    def _text_checked(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        text = str(params.get("text", ""))
        errors = html_errors(text) if params.get("parse_mode") == "HTML" else []
        if not text.strip():
            errors.append("message text is empty")
        if len(text) > 4096 and params.get("parse_mode") != "HTML":
            errors.append("message is too long")
        if errors:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": f"Bad Request: can't parse entities: {errors[0]}",
            }
        return None

    def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        return self._text_checked(params) or self._message(params, text=params["text"])

    def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        return self._text_checked(params) or self._message(params, text=params["text"])

    def _m_sendphoto(self, params: dict[str, Any]) -> Any:
        photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 100, "height": 100}]
        return self._message(params, photo=photo)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                match = re.match(r"^/bot([^/]+)/(\w+)$", self.path.split("?")[0])
                if not match:
                    return self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                if match.group(1) != server.token:
                    return self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                params, files = self._params()
                status, body = server._answer(match.group(2), params, files)
                self._send(status, body)

            def _params(self) -> tuple[dict[str, Any], dict[str, bytes]]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    return (json.loads(raw or b"{}"), {})
                if kind.startswith("multipart/form-data"):
                    form = email.message_from_bytes(f"Content-Type: {kind}\r\n\r\n".encode() + raw)
                    params: dict[str, Any] = {}
                    files: dict[str, bytes] = {}
                    for part in form.walk():
                        name = part.get_param("name", header="content-disposition")
                        if not name or part.is_multipart():
                            continue
                        payload = part.get_payload(decode=True) or b""
                        if part.get_filename():
                            files[str(name)] = payload
                        else:
                            params[str(name)] = payload.decode("utf-8", errors="replace")
                    return params, files
                query = self.path.split("?", 1)[1] if "?" in self.path else ""
                return dict(parse_qsl(raw.decode() or query)), {}

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def post_update(url: str, update: dict[str, Any], secret: str | None = None, body: bytes | None = None) -> int:
    """POST one update (or raw `body`) to a webhook as Telegram does; the HTTP status (0: no connection)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = Request(url, data=body if body is not None else json.dumps(update).encode(), headers=headers)
    try:
        with urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except HTTPError as error:
        return int(error.code)
    except (URLError, OSError):
        return 0


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def inline_answer_errors(params: dict[str, Any]) -> str | None:
    """Why Telegram would refuse these answerInlineQuery parameters (None when it would not): at most 50
    results, ids unique and 1-64 bytes, articles with a title and a 1-4096 character message (valid HTML under
    parse_mode HTML), an integer cache_time, a button with text and one valid start parameter or web app."""
    results = _json(params.get("results") or "[]")
    if not isinstance(results, list) or len(results) > 50:
        return "RESULTS_TOO_MUCH"
    ids = [str(result.get("id", "")) for result in results]
    if any(not 1 <= len(item.encode()) <= 64 for item in ids):
        return "RESULT_ID_INVALID"
    if len(set(ids)) != len(ids):
        return "RESULT_ID_DUPLICATE"
    for result in results:
        if result.get("type") != "article":
            continue  # only articles are sent by the bot
        content = result.get("input_message_content") or {}
        text = content.get("message_text")
        if not str(result.get("title") or "").strip():
            return "RESULT_TITLE_EMPTY"
        if not isinstance(text, str) or not text.strip():
            return "MESSAGE_EMPTY"
        errors = html_errors(text) if content.get("parse_mode") == "HTML" else []
        if len(text) > 4096 and content.get("parse_mode") != "HTML":
            errors.append("message is too long")
        if errors:
            return f"can't parse entities: {errors[0]}"
    cache_time = params.get("cache_time")
    if cache_time is not None and not re.fullmatch(r"\d+", str(cache_time)):
        return "cache_time must be a non-negative integer"
    button = _json(params.get("button"))
    if button:
        start = button.get("start_parameter")
        if not str(button.get("text") or "").strip() or (start is None) == (button.get("web_app") is None):
            return "BUTTON_INVALID"
        if start is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(start)):
            return "BUTTON_START_PARAM_INVALID"
    return None


def _bad(description: str) -> tuple[int, dict[str, Any]]:
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
