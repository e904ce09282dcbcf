"""Inline mode: `@bot request` typed in any chat answers with the top few models as inline results, one of
which the user posts to that chat. Same parser and ranking as a private chat (`Sommelier.ask` with the user's
preferences), so both answer a request alike.

    query text ─ clean_query ─ InlineSearch.request (prefs, language) ─ cached? ─ answer (parse, rank, render)
                                                                                  └─ InlineAnswer ─ telegram_answer

An empty query gets a hint (a button above no results, Telegram's own place for it); nothing found, an error,
the time budget overrun or the rate limit get zero results and a button saying so, in the user's language.
Answers are cached per (query, language, preferences) for `ttl` seconds, at most `max_cached` of them, and
Telegram is asked to cache them as long (per user when the preferences or the client's language decided it).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, LinkPreviewOptions
from telegram.constants import ParseMode

from recommender.recommend import Answer, Result

from .conversation import Conversation
from .errors import FrontError
from .prefs import Prefs
from .render import MESSAGE_LIMIT, esc, reason_text, result_block, split_blocks, strip_tags
from .texts import FIT_LEVELS, RELAXED_NAMES, language_of, say

MAX_QUERY_CHARS = 256  # Telegram's limit for an inline query
MAX_DESCRIPTION = 100  # one line under the title
MAX_TITLE = 120
MAX_CACHED = 2048
MAX_USERS = 10_000  # users whose latest query is remembered (to skip the superseded ones)
START_PARAMETER = "inline"  # the hint button opens the private chat with /start inline
# C0/C1 controls, zero-width and bidi controls (not U+200D, which joins emoji), lone surrogates
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


class Superseded(FrontError):
    "A newer inline query from the same user replaced this one"


def clean_query(text: str) -> str:
    """The query as we read it: control characters out, whitespace collapsed, at most 256 characters."""
    return " ".join(_CONTROL_RE.sub(" ", text[: MAX_QUERY_CHARS * 4]).split())[:MAX_QUERY_CHARS]


def _short(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, "…" marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ·,;:") + "…"


@dataclass(frozen=True, slots=True)
class Article:
    id: str  # unique within an answer, at most 64 bytes
    title: str
    description: str  # plain text
    message: str  # Telegram HTML, at most 4096 characters
    url: str | None = None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    articles: tuple[Article, ...]
    lang: str
    notice: str | None = None  # the button text above the results: a hint, nothing found, an error
    personal: bool = True  # Telegram may reuse it only for this user
    cacheable: bool = False  # Telegram may reuse it at all (refusals and errors: never)


@dataclass(frozen=True, slots=True)
class InlineRequest:
    user_id: int
    text: str  # cleaned
    lang: str
    prefs: Prefs
    personal: bool  # the preferences or the client's language, not the text alone, shaped the answer

    @property
    def key(self) -> tuple[str, str, Prefs]:
        return (" ".join(self.text.casefold().split()), self.lang, self.prefs)


def notice(lang: str, key: str, *, cacheable: bool = False, **values: object) -> InlineAnswer:
    """No results, only a button saying `key` (a hint, a refusal, an error) in `lang`."""
    return InlineAnswer((), lang, say(lang, key, **values), personal=True, cacheable=cacheable)


_FIRST = {"fits": 0, "speed": 1, "license": 2, "score": 3}  # the reasons a one-line why starts with


def one_line_why(result: Result, lang: str) -> str:
    """Why this model, in one plain line: where it runs and in how much memory, its speed, its licence, its
    score, then the other reasons in their order."""
    parts: list[str] = []
    gb = "ГБ" if lang == "ru" else "GB"
    for reason in sorted(result.reasons, key=lambda reason: _FIRST.get(reason.code, len(_FIRST))):
        values = reason.values
        if reason.code == "fits":
            level = FIT_LEVELS.get(lang, FIT_LEVELS["en"]).get(str(values.get("level")), str(values.get("level")))
            needed = values.get("needed_gb")
            parts.append(f"{values.get('quant') or ''} {needed:.1f} {gb}: {level}".strip() if needed else level)
        elif reason.code == "speed" and values.get("tokens_per_s"):
            parts.append(f"≈{values['tokens_per_s']:.0f} {'ток/с' if lang == 'ru' else 'tok/s'}")
        else:
            parts.append(reason_text(reason, lang))
    if not parts and result.fit is not None:
        parts.append(FIT_LEVELS.get(lang, FIT_LEVELS["en"]).get(result.fit.level, result.fit.level))
    line = ""
    for part in parts:  # whole reasons only, while they fit
        if line and len(line) + 3 + len(part) > MAX_DESCRIPTION:
            break
        line = f"{line} · {part}" if line else part
    return _short(line, MAX_DESCRIPTION)


def title_of(result: Result) -> str:
    """The model id, then the file's quant and size (or the model's size when no file is named)."""
    model, download = result.model, result.download
    extra = []
    if download is not None and download.quant:
        extra.append(download.quant)
    if download is not None and download.size_bytes:
        extra.append(f"{download.size_bytes / 1e9:.1f} GB")
    elif model.params:
        extra.append(f"{model.params / 1e9:.1f}B")
    return _short(" · ".join([model.id, *extra]), MAX_TITLE)


def article_id(position: int, model_id: str) -> str:
    return f"{position}-{blake2b(model_id.encode(), digest_size=8).hexdigest()}"


def articles(answer: Answer, text: str, lang: str) -> tuple[Article, ...]:
    """One article per result: the message is the request, the relaxed constraints if any, and the result's
    block (model, download, fit, reasons), valid HTML within one message."""
    head = [f"<i>{esc(say(lang, 'inline_for', request=_short(text, 100)))}</i>"]
    if answer.relaxed:
        names = RELAXED_NAMES.get(lang, {})
        relaxed = ", ".join(names.get(name, name) for name in answer.relaxed)
        head.append(f"<i>{esc(say(lang, 'relaxed', relaxed=relaxed))}</i>")
    found = []
    for position, result in enumerate(answer.results, 1):
        block = split_blocks([result_block(position, result, lang)], MESSAGE_LIMIT)[0]
        message = "\n".join([*head, block])
        found.append(
            Article(
                id=article_id(position, result.model.id),
                title=title_of(result),
                description=one_line_why(result, lang),
                message=message if len(message) <= MESSAGE_LIMIT else block,
                url=result.model.url,
            )
        )
    return tuple(found)


class InlineSearch:
    """Inline answers for a `Conversation`'s service and preferences, with a bounded time-limited cache.

    `request` and `cached` are cheap (a preferences read and a dict lookup: fine on the event loop); `answer`
    parses and ranks (run it in the worker). Thread-safe."""

    def __init__(
        self,
        conversation: Conversation,
        *,
        limit: int = 5,
        ttl: float = 300.0,
        max_cached: int = MAX_CACHED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.conversation = conversation
        self.limit = limit
        self.ttl = ttl
        self.max_cached = max_cached
        self.clock = clock
        self._cache: OrderedDict[tuple[str, str, Prefs], tuple[float, InlineAnswer]] = OrderedDict()
        self._latest: OrderedDict[int, int] = OrderedDict()  # user id → their latest ticket
        self._tickets = itertools.count(1)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)

    def request(self, user_id: int, text: str, client_lang: str | None) -> InlineRequest:
        """`text` (already cleaned) with the user's preferences and the reply language, as a private chat
        chooses it (the `/prefs lang` first, then the text, then the client)."""
        prefs = self.conversation.prefs.get(user_id)
        lang = prefs.lang or language_of(text, client_lang)
        personal = not prefs.is_empty() or lang != language_of(text, None)
        return InlineRequest(user_id, text, lang, prefs, personal)

    def clear(self) -> None:
        """Forgets every answer (after a sync: the catalog they came from has changed)."""
        with self._lock:
            self._cache.clear()

    def cached(self, request: InlineRequest) -> InlineAnswer | None:
        now = self.clock()
        with self._lock:
            found = self._cache.get(request.key)
            if found is None:
                return None
            if now - found[0] > self.ttl:
                del self._cache[request.key]
                return None
            self._cache.move_to_end(request.key)
            return found[1]

    def ticket(self, user_id: int) -> int:
        """A number for the user's newest query; an older one still waiting is skipped (`answer` raises
        Superseded): Telegram sends a query per pause in typing and would ignore the late answer anyway."""
        with self._lock:
            number = next(self._tickets)
            self._latest[user_id] = number
            self._latest.move_to_end(user_id)
            while len(self._latest) > MAX_USERS:
                self._latest.popitem(last=False)
            return number

    def answer(self, request: InlineRequest, ticket: int | None = None) -> InlineAnswer:
        """The top `limit` for the request (from the cache when it holds it): parses and ranks, blocking."""
        found = self.cached(request)
        if found is not None:
            return found
        if ticket is not None:
            with self._lock:
                if self._latest.get(request.user_id, ticket) != ticket:
                    raise Superseded()
        prefs = request.prefs
        answer, _ = self.conversation.service.ask(
            request.text, prefs.filters() if not prefs.is_empty() else None, self.limit, prefs.kv_cache, prefs.ram_gb
        )
        found_articles = articles(answer, request.text, request.lang)
        found = InlineAnswer(
            found_articles,
            request.lang,
            None if found_articles else say(request.lang, "inline_nothing"),
            personal=request.personal,
            cacheable=True,
        )
        with self._lock:
            self._cache[request.key] = (self.clock(), found)
            self._cache.move_to_end(request.key)
            while len(self._cache) > self.max_cached:
                self._cache.popitem(last=False)
        return found


def telegram_answer(found: InlineAnswer, cache_seconds: int, *, plain: bool = False) -> dict[str, Any]:
    """Keyword arguments of `InlineQuery.answer` for `found`; `plain`: the messages as plain text (the fallback
    when Telegram refuses the HTML)."""
    results = [
        InlineQueryResultArticle(
            id=item.id,
            title=item.title,
            description=item.description or None,
            url=item.url,
            input_message_content=InputTextMessageContent(
                strip_tags(item.message)[:MESSAGE_LIMIT] if plain else item.message,
                parse_mode=None if plain else ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        for item in found.articles
    ]
    button = InlineQueryResultsButton(text=found.notice, start_parameter=START_PARAMETER) if found.notice else None
    return {
        "results": results,
        "cache_time": cache_seconds if found.cacheable else 0,
        "is_personal": found.personal,
        "button": button,
    }
