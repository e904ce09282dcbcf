"""`sommelier ask | fit | compare | alternatives | derived | top`: the recommender from the terminal."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, TextIO

from recommender.recommend import Answer, Result
from recommender.service import Sommelier

from .error_messages import user_message
from .render import answer_blocks, note_of, reason_text, results_blocks, strip_tags, why_lines
from .services import open_service
from .settings import Settings
from .texts import say

log = logging.getLogger(__name__)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


def result_json(result: Result) -> dict[str, Any]:
    """A result as JSON: its data, and its reasons worded in English too ("why")."""
    return {**result.to_dict(), "why": why_lines(result, "en")}


def answer_json(answer: Answer) -> dict[str, Any]:
    return {**answer.to_dict(), "results": [result_json(result) for result in answer.results]}


def plain(blocks: list[str]) -> str:
    """The bot's rendering as terminal text (one renderer for Telegram, the chat and the CLI)."""
    return "\n\n".join(strip_tags(block) for block in blocks)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text and not args.batch:
        print("sommelier ask: give a request or --batch FILE", file=sys.stderr)
        return 2
    with open_service(settings) as service:
        if args.batch:
            handle = sys.stdin if str(args.batch) == "-" else args.batch.open(encoding="utf-8", errors="replace")
            with handle:
                answer_batch(service, handle, args.limit, args.ram)
            return 0
        answer, parser = service.ask(args.text, limit=args.limit, ram_gb=args.ram)
        if args.json:
            _print_json({**answer_json(answer), "parser": parser})
        else:
            print(plain(answer_blocks(answer, "en")))
    return 0


def answer_batch(service: Sommelier, lines: TextIO, limit: int | None, ram_gb: float | None = None) -> None:
    """One JSON line per input line, in order: the answer, or {"line", "error"} for an empty or failing one
    (the batch goes on)."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            _print_json({"line": number, "error": say("en", "err_batch_empty")})
            continue
        try:
            answer, parser = service.ask(text, limit=limit, ram_gb=ram_gb)
        except Exception as error:  # one bad line never stops the batch; the log has the details
            log.warning("batch line %d failed", number, exc_info=error)
            _print_json({"line": number, "error": user_message(error, "en")})
            continue
        _print_json({"line": number, **answer_json(answer), "parser": parser})


def cmd_fit(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings, search=False, parses=False) as service:
        answer = service.fit(
            args.id, args.memory, args.kind, args.context, args.kv_cache, args.vision, args.ram
        ).to_dict()
    if args.json:
        _print_json(answer)
        return 0
    print(f"{answer['id']}: {answer['fits']} with {answer['quant']} ({answer['needed_gb']} GB needed of "
          f"{args.memory:g} GB {args.kind} at {answer['context']:,} tokens)")  # fmt: skip
    if answer["download"]["repo"]:
        print(f"download: {answer['download']['repo']} → {answer['download']['file'] or '(choose the file)'}")
    for command in answer["run"]:
        print(f"run ({command['runtime']}): {command['command']}")
    for note in (reason_text(note_of(item), "en") for item in answer["notes"]):
        print(f"- {note}")
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings, search=False, parses=False) as service:
        table = service.compare(args.ids)
    if args.json:
        _print_json(table)
        return 0
    width = max(len(key) for key in table["rows"]) + 2
    print(" " * width + " | ".join(table["models"]))
    for key, values in table["rows"].items():
        cells = [
            f"{value}{' *' if table['best'].get(key) == position else ''}" for position, value in enumerate(values)
        ]
        print(key.ljust(width) + " | ".join(cells))
    print("* best in its row")
    return 0


def cmd_alternatives(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings, parses=False) as service:
        results = service.alternatives(args.id)
    if args.json:
        _print_json({"id": args.id, "results": [result_json(result) for result in results]})
        return 0
    print(plain(results_blocks(results, "en", f"Alternatives to {args.id}")))
    return 0


def cmd_derived(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings, search=False, parses=False) as service:
        found = service.derived(args.id)
    if args.json:
        _print_json(found)
        return 0
    counts = ", ".join(f"{count} {relation}" for relation, count in found["counts"].items()) or "none"
    print(f"{found['base']}: {counts}")
    for relation, items in found["top"].items():
        print(f"{relation}:")
        for item in items:
            print(f"  {item['id']}  {item['downloads']:,} downloads")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from .chat import run
    from .conversation import Conversation
    from .prefs import PrefsStore

    with open_service(settings) as service:
        prefs = PrefsStore(settings.home / "bot.db")
        try:
            return run(Conversation(service, prefs, limit=settings.recommend.limit))
        finally:
            prefs.close()


def cmd_top(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings, search=False, parses=False) as service:
        results = service.top(args.list, args.limit)
    if args.json:
        _print_json({"list": args.list, "results": [result_json(result) for result in results]})
        return 0
    print(plain(results_blocks(results, "en", f"TOP: {args.list}")))
    return 0
