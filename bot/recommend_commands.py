"""`sommelier ask | fit | compare | alternatives | derived | top`: the recommender from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.store import Catalog
from recommender.parse import RequestParser
from recommender.recommend import Search
from recommender.related import TOP_LISTS
from recommender.service import Sommelier

from .render import answer_blocks, results_blocks, strip_tags
from .settings import Settings


def add_commands(commands: Any) -> None:
    ask = commands.add_parser("ask", help="answer a request: ranked models with the exact download and why")
    ask.add_argument("text", nargs="?", help='a request, e.g. "best commercial 16GB llama model"')
    ask.add_argument("--batch", type=Path, help="one request per line; one JSON answer per line")
    ask.add_argument("--limit", type=int, help="how many answers (default: recommend.limit)")
    ask.add_argument("--json", action="store_true", help="print JSON")

    fit = commands.add_parser("fit", help="will a model run in this much memory, and which file to take")
    fit.add_argument("id")
    fit.add_argument("--memory", type=float, required=True, help="GB of memory")
    fit.add_argument("--kind", choices=["ram", "vram", "unified"], default="ram")
    fit.add_argument("--context", type=int, help="tokens (default: recommend.default_context)")
    fit.add_argument("--json", action="store_true", help="print JSON")

    compare = commands.add_parser("compare", help="2 to 5 models side by side")
    compare.add_argument("ids", nargs="+")
    compare.add_argument("--json", action="store_true", help="print JSON")

    for name, text in (
        ("alternatives", "models like this one, better ones marked"),
        ("derived", "its fine-tunes, quants, merges"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("id")
        command.add_argument("--json", action="store_true", help="print JSON")

    commands.add_parser("chat", help="talk to the sommelier in the terminal (the bot's conversation, plain text)")
    commands.add_parser("bot", help="run the Telegram bot (TELEGRAM_BOT_TOKEN)")
    commands.add_parser("start", help="sync if the catalog is empty, then the bot (with a token) or the chat")

    top = commands.add_parser("top", help="a ready TOP list")
    top.add_argument("list", choices=list(TOP_LISTS))
    top.add_argument("--limit", type=int, default=10)
    top.add_argument("--json", action="store_true", help="print JSON")


def make_search(settings: Settings, catalog: Catalog) -> Search | None:
    """Semantic relevance from the search index, when enabled and built; None otherwise."""
    if not (settings.semantic and settings.search.enabled and settings.index_dir.exists()):
        return None
    from index.embed import SentenceEmbedder
    from index.vectors import VectorIndex

    embedder = SentenceEmbedder(settings.search.embedder, batch_size=settings.search.batch_size)
    options = settings.search
    index = VectorIndex(settings.index_dir, kind=options.kind, hnsw_m=options.hnsw_m, ef_search=options.ef_search)
    if not index.load(embedder):
        return None

    def search(text: str, allowed: set[int] | None, k: int) -> list[tuple[int, float]]:
        return index.search(text, embedder, allowed=allowed, k=k)

    return search


@contextmanager
def sommelier(settings: Settings, use_search: bool = True, parses: bool = True) -> Iterator[Sommelier]:
    """The service for one command; commands that read no request text skip loading the GGUF parser."""
    options = settings.parser if parses else replace(settings.parser, use_model=False)
    with Catalog(settings.catalog_path) as catalog:
        search = make_search(settings, catalog) if use_search else None
        yield Sommelier(catalog, RequestParser(options), settings.recommend, search)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False))


def plain(blocks: list[str]) -> str:
    """The bot's rendering as terminal text (one renderer for Telegram, the chat and the CLI)."""
    return "\n\n".join(strip_tags(block) for block in blocks)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text and not args.batch:
        print("sommelier ask: give a request or --batch FILE", file=sys.stderr)
        return 2
    with sommelier(settings) as service:
        if args.batch:
            handle = sys.stdin if str(args.batch) == "-" else args.batch.open(encoding="utf-8", errors="replace")
            with handle:
                for line in handle:
                    if line.strip():
                        answer, parser = service.ask(line.strip(), limit=args.limit)
                        _print_json({**answer.to_dict(), "parser": parser})
            return 0
        answer, parser = service.ask(args.text, limit=args.limit)
        if args.json:
            _print_json({**answer.to_dict(), "parser": parser})
        else:
            print(plain(answer_blocks(answer, "en")))
    return 0


def cmd_fit(args: argparse.Namespace, settings: Settings) -> int:
    with sommelier(settings, use_search=False, parses=False) as service:
        answer = service.fit(args.id, args.memory, args.kind, args.context).to_dict()
    if args.json:
        _print_json(answer)
        return 0
    print(f"{answer['id']}: {answer['fits']} with {answer['quant']} ({answer['needed_gb']} GB needed of "
          f"{args.memory:g} GB {args.kind} at {answer['context']:,} tokens)")  # fmt: skip
    if answer["download"]["repo"]:
        print(f"download: {answer['download']['repo']} → {answer['download']['file'] or '(choose the file)'}")
    for note in answer["notes"]:
        print(f"- {note}")
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    with sommelier(settings, use_search=False, parses=False) as service:
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
    with sommelier(settings, parses=False) as service:
        results = service.alternatives(args.id)
    if args.json:
        _print_json({"id": args.id, "results": [result.to_dict() for result in results]})
        return 0
    print(plain(results_blocks(results, "en", f"Alternatives to {args.id}")))
    return 0


def cmd_derived(args: argparse.Namespace, settings: Settings) -> int:
    with sommelier(settings, use_search=False, parses=False) as service:
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

    with sommelier(settings) as service:
        prefs = PrefsStore(settings.home / "bot.db")
        try:
            return run(Conversation(service, prefs, limit=settings.recommend.limit))
        finally:
            prefs.close()


def cmd_top(args: argparse.Namespace, settings: Settings) -> int:
    with sommelier(settings, use_search=False, parses=False) as service:
        results = service.top(args.list, args.limit)
    if args.json:
        _print_json({"list": args.list, "results": [result.to_dict() for result in results]})
        return 0
    print(plain(results_blocks(results, "en", f"TOP: {args.list}")))
    return 0


COMMANDS = {
    "ask": cmd_ask,
    "fit": cmd_fit,
    "compare": cmd_compare,
    "alternatives": cmd_alternatives,
    "derived": cmd_derived,
    "top": cmd_top,
    "chat": cmd_chat,
    "bot": lambda args, settings: _run_bot("cmd_bot", args, settings),
    "start": lambda args, settings: _run_bot("cmd_start", args, settings),
}


def _run_bot(name: str, args: argparse.Namespace, settings: Settings) -> int:
    from . import run_bot

    command: Any = getattr(run_bot, name)
    return int(command(args, settings))
