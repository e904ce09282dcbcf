"""The conversation layer shared by Telegram and `sommelier chat`: a request or a command in, a `Reply` out
(HTML blocks, the reply language, buttons). It knows nothing of Telegram.

Buttons carry short keys (`more:k3f9a1`), never repo ids; the key's context lives here, bound to the user
who got the answer, and expires. A forged, foreign or expired key gets a short answer and nothing else.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from typing import Any

from recommender.errors import AmbiguousModel, RecommenderError
from recommender.fit import COMMON_QUANTS, GB, estimate
from recommender.related import TOP_LISTS
from recommender.service import Sommelier

from .arguments import fit_arguments
from .error_messages import user_message
from .errors import FrontError
from .prefs import PrefsStore, updated
from .render import (
    answer_blocks,
    compare_blocks,
    derived_block,
    esc,
    fit_block,
    link,
    list_names,
    result_block,
    results_blocks,
)
from .texts import language_of, say
from .watches import TooManyWatches, WatchStore

MAX_REQUEST_CHARS = 4096
CONTEXT_TTL = 24 * 3600.0  # a button works this long after its answer
MAX_CONTEXTS = 20_000  # button contexts kept in all
MAX_USER_CONTEXTS = 30  # ...and per user: a user's oldest buttons expire first, never another user's
MAX_SHOWN = 50  # the More button stops after this many answers to one request
_KEY_RE = re.compile(r"(more|alt|cmp|det|top|pick|wat):([0-9a-f]{8})(?::([0-9]{1,2}))?")


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str


@dataclass(slots=True)
class Reply:
    blocks: list[str]
    lang: str
    buttons: list[list[Button]] = field(default_factory=list)
    compare: dict[str, Any] | None = None  # a comparison table, for a chart


@dataclass(frozen=True, slots=True)
class _Context:
    user_id: int
    kind: str
    payload: Any
    created: float


class Conversation:
    def __init__(
        self, service: Sommelier, prefs: PrefsStore, *, limit: int = 5, watches: WatchStore | None = None
    ) -> None:
        self.service = service
        self.prefs = prefs
        self.limit = limit
        self.watches = watches  # None: no notices can be delivered here (the terminal chat)
        self._contexts: OrderedDict[str, _Context] = OrderedDict()  # oldest first
        self._by_user: dict[int, deque[str]] = {}
        self._lock = threading.Lock()

    # -- helpers -----------------------------------------------------------------------------------------
    def language(self, user_id: int, text: str, client_lang: str | None) -> str:
        chosen = self.prefs.get(user_id).lang
        return chosen or language_of(text, client_lang)

    def _remember(self, user_id: int, kind: str, payload: Any) -> str:
        """A short key for a button; bounded per user and in all, expired ones freed as new ones come."""
        key = secrets.token_hex(4)
        now = time.monotonic()
        with self._lock:
            while key in self._contexts:
                key = secrets.token_hex(4)
            self._contexts[key] = _Context(user_id, kind, payload, now)
            keys = self._by_user.setdefault(user_id, deque())
            keys.append(key)
            while len(keys) > MAX_USER_CONTEXTS:
                self._contexts.pop(keys.popleft(), None)
            while self._contexts:
                oldest_key, oldest = next(iter(self._contexts.items()))
                if len(self._contexts) <= MAX_CONTEXTS and now - oldest.created <= CONTEXT_TTL:
                    break
                self._forget(oldest_key, oldest.user_id)
        return key

    def _forget(self, key: str, user_id: int) -> None:
        self._contexts.pop(key, None)
        keys = self._by_user.get(user_id)
        if keys is not None:
            with contextlib.suppress(ValueError):
                keys.remove(key)
            if not keys:
                del self._by_user[user_id]

    def context_counts(self) -> tuple[int, int]:
        """(button contexts kept, users holding any): for tests and the status of a long-running bot."""
        with self._lock:
            return len(self._contexts), len(self._by_user)

    def _recall(self, key: str, user_id: int, kind: str) -> Any | None:
        with self._lock:
            context = self._contexts.get(key)
        if context is None or context.user_id != user_id or context.kind != kind:
            return None
        if time.monotonic() - context.created > CONTEXT_TTL:
            return None
        return context.payload

    # -- requests ----------------------------------------------------------------------------------------
    def request(
        self,
        user_id: int,
        text: str,
        client_lang: str | None = None,
        *,
        limit: int | None = None,
        shown: tuple[str, ...] = (),
    ) -> Reply:
        """Ranked answers to a free-text request; `shown`: ids already answered (the More button)."""
        text = text[:MAX_REQUEST_CHARS]
        lang = self.language(user_id, text, client_lang)
        prefs = self.prefs.get(user_id)
        limit = min(limit or self.limit, MAX_SHOWN)
        if len(shown) >= MAX_SHOWN:
            return Reply([esc(say(lang, "no_more"))], lang)
        answer, _ = self.service.ask(
            text, prefs.filters() if not prefs.is_empty() else None, limit, prefs.kv_cache, prefs.ram_gb
        )
        if shown:
            answer = replace(answer, results=tuple(r for r in answer.results if r.model.id not in shown))
        prefs_line = say(lang, "prefs_applied", prefs=prefs.describe()) if not prefs.is_empty() else None
        reply = Reply(answer_blocks(answer, lang, prefs_line), lang)
        better = self.service.better_alternative(answer) if not shown else None
        if better is not None:
            block = result_block(0, better, lang).replace("<b>0. ", f"<b>{esc(say(lang, 'better_alternative'))}: ", 1)
            reply.blocks.insert(len(reply.blocks) - (1 if prefs_line else 0), block)
        if answer.results:
            ids = [*shown, *(result.model.id for result in answer.results)]
            key = self._remember(user_id, "answer", {"text": text, "ids": ids, "limit": limit})
            row = [Button(say(lang, "alternatives"), f"alt:{key}")]
            if len(ids) < MAX_SHOWN:
                row.insert(0, Button(say(lang, "more"), f"more:{key}"))
            if len(ids) >= 2:
                row.append(Button(say(lang, "compare_top"), f"cmp:{key}"))
            row.append(Button(say(lang, "details"), f"det:{key}:0"))
            reply.buttons = [row]
            if self.watches is not None and not shown:
                reply.buttons.append([Button(say(lang, "watch_button"), f"wat:{key}")])
        return reply

    # -- commands ----------------------------------------------------------------------------------------
    def command(self, user_id: int, name: str, args: list[str], client_lang: str | None = None) -> Reply:
        text = " ".join(args)
        lang = self.language(user_id, text, client_lang)
        handler = getattr(self, f"_cmd_{name}", None)
        if handler is None:
            return Reply([esc(say(lang, "help", lists=list_names()))], lang)
        try:
            reply: Reply = handler(user_id, args, lang)
            return reply
        except AmbiguousModel as error:
            key = self._remember(user_id, "pick", list(error.candidates))
            buttons = [
                [Button(candidate[:60], f"pick:{key}:{index}")] for index, candidate in enumerate(error.candidates)
            ]
            return Reply([esc(say(lang, "ambiguous", name=error.name))], lang, buttons)
        except (RecommenderError, FrontError) as error:
            return Reply([esc(user_message(error, lang))], lang)

    def _cmd_status(self, user_id: int, args: list[str], lang: str) -> Reply:
        return self.status(lang)

    def _cmd_start(self, user_id: int, args: list[str], lang: str) -> Reply:
        return Reply([say(lang, "start")], lang)

    def _cmd_help(self, user_id: int, args: list[str], lang: str) -> Reply:
        return Reply([esc(say(lang, "help", lists=list_names()))], lang)

    def _cmd_ask(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not args:
            return self._cmd_help(user_id, args, lang)
        return self.request(user_id, " ".join(args), lang)

    def _cmd_top(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not args or args[0].lower() not in TOP_LISTS:
            names = list(TOP_LISTS)
            key = self._remember(user_id, "top", names)  # one key for the whole menu
            rows = [[Button(name, f"top:{key}:{index}")] for index, name in enumerate(names)]
            pairs = [
                [*rows[index], *(rows[index + 1] if index + 1 < len(rows) else [])] for index in range(0, len(rows), 2)
            ]
            return Reply([esc(say(lang, "top_choose"))], lang, pairs)
        name = args[0].lower()
        return Reply(results_blocks(self.service.top(name, 10), lang, f"TOP: {name}"), lang)

    def _cmd_model(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not args:
            return Reply([esc(say(lang, "model_usage"))], lang)
        return Reply(self.card(self.service.model_index(" ".join(args))), lang)

    def _cmd_compare(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not 2 <= len(args) <= 5:
            return Reply([esc(say(lang, "compare_usage"))], lang)
        table = self.service.compare(args)
        return Reply(compare_blocks(table), lang, compare=table)

    def _cmd_alternatives(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not args:
            return Reply([esc(say(lang, "model_usage"))], lang)
        results = self.service.alternatives(" ".join(args))
        return Reply(results_blocks(results, lang, " ".join(args)), lang)

    def _cmd_derived(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not args:
            return Reply([esc(say(lang, "model_usage"))], lang)
        return Reply(derived_block(self.service.derived(" ".join(args))), lang)

    def _cmd_fit(self, user_id: int, args: list[str], lang: str) -> Reply:
        wanted = fit_arguments(args)
        if wanted is None:
            return Reply([esc(say(lang, "fit_usage"))], lang)
        prefs = self.prefs.get(user_id)
        kv_cache = wanted.kv_cache or prefs.kv_cache
        found = self.service.fit(
            wanted.model, wanted.memory_gb, wanted.kind, wanted.context, kv_cache, wanted.vision, prefs.ram_gb
        )
        return Reply([fit_block(found.to_dict(), lang)], lang)

    # -- watches ------------------------------------------------------------------------------------------
    def _cmd_watch(self, user_id: int, args: list[str], lang: str) -> Reply:
        if not " ".join(args).strip():
            return Reply([esc(say(lang, "watch_usage"))], lang)
        return self._watch(user_id, " ".join(args), lang)

    def _watch(self, user_id: int, text: str, lang: str) -> Reply:
        """A watch of `text` read as now, the models of its answer counted as shown (notices go to the user's
        private chat: a Telegram user id is their private chat's id)."""
        if self.watches is None:
            return Reply([esc(say(lang, "watch_unavailable"))], lang)
        prefs = self.prefs.get(user_id)
        answer, _ = self.service.ask(
            text[:MAX_REQUEST_CHARS], prefs.filters() if not prefs.is_empty() else None, self.limit,
            prefs.kv_cache, prefs.ram_gb,
        )  # fmt: skip
        shown = [result.model.id for result in answer.results]
        known = len(self.watches.of_user(user_id))
        try:
            watch, number = self.watches.add(
                user_id, user_id, text, lang, answer.filters, shown, kv_cache=prefs.kv_cache, ram_gb=prefs.ram_gb
            )
        except TooManyWatches as error:
            return Reply([esc(say(lang, "watch_too_many", limit=error.limit))], lang)
        if len(self.watches.of_user(user_id)) == known:
            return Reply([esc(say(lang, "watch_exists", number=number))], lang)
        request = watch.text if len(watch.text) <= 120 else watch.text[:119] + "…"
        if not shown or answer.relaxed:
            return Reply([esc(say(lang, "watch_added_empty", number=number, request=request))], lang)
        top = ", ".join(shown[:3])
        return Reply([esc(say(lang, "watch_added", number=number, request=request, top=top))], lang)

    def _cmd_watches(self, user_id: int, args: list[str], lang: str) -> Reply:
        if self.watches is None:
            return Reply([esc(say(lang, "watch_unavailable"))], lang)
        watches = self.watches.of_user(user_id)
        if not watches:
            return Reply([esc(say(lang, "watches_none"))], lang)
        lines = [say(lang, "watches_head")]
        for number, watch in enumerate(watches, 1):
            date = time.strftime("%Y-%m-%d", time.gmtime(watch.created))
            request = watch.text if len(watch.text) <= 120 else watch.text[:119] + "…"
            lines.append(say(lang, "watches_line", number=number, request=request, date=date))
        return Reply([esc("\n".join(lines))], lang)

    def _cmd_unwatch(self, user_id: int, args: list[str], lang: str) -> Reply:
        if self.watches is None:
            return Reply([esc(say(lang, "watch_unavailable"))], lang)
        word = args[0].strip().lower() if len(args) == 1 else ""
        if word in ("all", "все", "всё"):
            count = len(self.watches.of_user(user_id))
            self.watches.remove_user(user_id)
            return Reply([esc(say(lang, "unwatched_all", count=count))], lang)
        if not (word.isascii() and word.isdigit() and len(word) <= 3):
            return Reply([esc(say(lang, "unwatch_usage"))], lang)
        removed = self.watches.remove(user_id, int(word))
        if removed is None:
            return Reply([esc(say(lang, "unwatch_unknown", number=int(word)))], lang)
        return Reply([esc(say(lang, "unwatched", number=int(word), request=removed.text[:120]))], lang)

    def _cmd_prefs(self, user_id: int, args: list[str], lang: str) -> Reply:
        prefs = self.prefs.get(user_id)
        if args:
            prefs = updated(prefs, args)
            self.prefs.put(user_id, prefs)
            lang = prefs.lang or lang
        shown = say(
            lang,
            "prefs_show",
            memory=(f"{prefs.memory_gb:g} GB {prefs.memory_kind or 'ram'}" if prefs.memory_gb else say(lang, "any"))
            + (f" + {prefs.ram_gb:g} GB RAM" if prefs.ram_gb else ""),
            commercial=say(lang, "yes" if prefs.commercial else "no"),
            formats=", ".join(prefs.formats) or say(lang, "any"),
            kv_cache=prefs.kv_cache,
            language=prefs.lang or "auto",
        )
        saved = [esc(say(lang, "prefs_saved"))] if args else []
        return Reply([*saved, esc(shown), f"<i>{esc(say(lang, 'prefs_usage'))}</i>"], lang)

    def status(self, lang: str, running: bool = False) -> Reply:
        """Catalog size, last sync, and whether one runs now."""
        catalog = self.service.catalog
        stats = catalog.stats()
        last = catalog.last_sync()
        when = (last or {}).get("finished_at") or "never"
        text = say(
            lang,
            "status",
            models=stats["models"],
            gguf=stats["gguf_repos_with_sizes"],
            last=when,
            running=say(lang, "sync_running") if running else "",
        )
        return Reply([esc(text.strip())], lang)

    # -- buttons -----------------------------------------------------------------------------------------
    def button(self, user_id: int, data: str, client_lang: str | None = None) -> Reply | None:
        """The reply to a button press; None (and a short notice by the caller) for forged or stale data."""
        match = _KEY_RE.fullmatch(data or "")
        if not match:
            return None
        action, key, number = match.group(1), match.group(2), match.group(3)
        kind = "answer" if action in ("more", "alt", "cmp", "det", "wat") else action
        payload = self._recall(key, user_id, kind)
        if payload is None:
            return None
        lang = self.language(user_id, payload.get("text", "") if isinstance(payload, dict) else "", client_lang)
        try:
            if action == "more":
                more = min(payload["limit"] + 5, MAX_SHOWN)
                return self.request(user_id, payload["text"], client_lang, limit=more, shown=tuple(payload["ids"]))
            if action == "alt":
                return self._cmd_alternatives(user_id, [payload["ids"][0]], lang)
            if action == "wat":
                return self._watch(user_id, payload["text"], lang)
            if action == "cmp":
                return self._cmd_compare(user_id, payload["ids"][:3], lang)
            if action == "det":
                index = int(number or 0)
                if index >= len(payload["ids"]):
                    return None
                return Reply(self.card(self.service.model_index(payload["ids"][index])), lang)
            if action == "top":
                index = int(number or 0)
                if index >= len(payload):
                    return None
                return self._cmd_top(user_id, [payload[index]], lang)
            if action == "pick":
                index = int(number or 0)
                if index >= len(payload):
                    return None
                return Reply(self.card(self.service.model_index(payload[index])), lang)
        except (RecommenderError, KeyError, IndexError, TypeError):
            return None
        return None

    # -- model card --------------------------------------------------------------------------------------
    def card(self, index: int) -> list[str]:
        view = self.service.recommender.view
        model = view.model(index)
        size = f"{model.params / 1e9:.2f}B parameters" if model.params else "size unknown"
        head = [
            f"<b>{link(model.url, model.id)}</b>",
            f"{esc(model.family or 'family unknown')} · {esc(size)} · {esc(model.kind or '')}",
            f"context {model.context_length:,}" if model.context_length else "context unknown",
            f"{esc(model.license or 'no licence stated')}: {esc(model.commercial)}",
            f"formats: {esc(', '.join(model.formats) or '?')}",
            f"⬇️ {model.downloads:,} · ❤️ {model.likes:,}"
            + (f" · 3 days {model.trend * 100:+.0f}%" if model.trend is not None else ""),
        ]
        if model.base_model:
            head.append(f"base: {esc(model.base_model)} ({esc(model.relation or 'finetune')})")
        children = view.children.get(index, [])
        if children:
            counts: dict[str, int] = {}
            for child in children:
                relation = view.rows[child]["relation"] or "finetune"
                counts[relation] = counts.get(relation, 0) + 1
            head.append("derived: " + esc(", ".join(f"{count} {relation}" for relation, count in counts.items())))
        blocks = ["\n".join(head)]
        memory = []
        for quant in COMMON_QUANTS:
            found = estimate(model.shape, quant, 4096, model.files)
            if found:
                exact = "" if found.exact_weights else " (est.)"
                memory.append(f"{quant}: {found.needed_bytes / GB:.1f} GB at 4k{exact}")
        if memory:
            blocks.append("💾 " + esc(" · ".join(memory)))
        if model.files:
            lines = [
                f"<code>{esc(file.path)}</code> {file.quant} {(file.size or 0) / 1e9:.1f} GB"
                for file in model.files[:15]
            ]
            blocks.append("\n".join(lines))
        run = [f"▶️ <code>{esc(command.command)}</code>" for command in self.service.run_commands(index)]
        if run:  # the launch commands with no memory stated (/fit sizes them for a budget)
            blocks.append("\n".join(run))
        if model.scores:
            lines = []
            for source, value in model.scores.items():
                origin = f" (from {esc(value['inherited_from'])})" if value.get("inherited_from") else ""
                lines.append(f"{esc(source)}: {value['average']:.1f}{origin}")
            blocks.append("\n".join(lines))
        return blocks
