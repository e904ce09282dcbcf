"""The `sommelier` command: parses the command line, builds the settings once, and runs one command. Every
command is registered here; the commands live in catalog_commands (the catalog), recommend_commands (the
recommender) and run_bot (the bot and `start`), none of which imports this module."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from index.errors import CatalogError
from recommender.errors import RecommenderError
from recommender.fit import KV_CACHE_TYPES
from recommender.related import TOP_LISTS

from . import catalog_commands as catalog
from . import recommend_commands as recommend
from . import run_bot
from .error_messages import user_message
from .errors import FrontError
from .settings import Settings, load_settings

log = logging.getLogger("sommelier")
Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sommelier", description="Pick an open-weight LLM from the Hugging Face Hub.")
    parser.add_argument("--config", type=Path, help="a TOML settings file (see configs/default.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens (level INFO)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sync = commands.add_parser("sync", help="bring the catalog up to date with the Hub")
    sync.add_argument("--limit", type=int, help="only the N most downloaded models (no drops)")
    sync.add_argument("--no-trees", action="store_true", help="skip fetching GGUF file sizes")
    sync.add_argument("--no-scores", action="store_true", help="skip importing leaderboard scores")
    sync.add_argument("--allow-drops", action="store_true", help="drop models however many the Hub no longer lists")
    sync.add_argument("--json", action="store_true", help="print the report as JSON")
    sync.add_argument("--quiet", action="store_true", help="no progress bar")

    sync.add_argument("--no-index", action="store_true", help="skip updating the semantic search index")

    search = commands.add_parser("search", help="find models by words or meaning (exact names first)")
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--json", action="store_true", help="print JSON")

    commands.add_parser("reindex", help="rebuild the semantic search index from scratch")

    parse = commands.add_parser("parse", help="show the filters a request turns into")
    parse.add_argument("text", help='a request, e.g. "best commercial 16GB llama model"')
    parse.add_argument("--json", action="store_true", help="print the filters as one JSON object")
    parse.add_argument("--rules", action="store_true", help="the rules alone, without the GGUF model")

    model = commands.add_parser("model", help="every stored and derived field of one model")
    model.add_argument("id", help="a Hub model id, e.g. Qwen/Qwen2.5-7B-Instruct")
    model.add_argument("--json", action="store_true", help="print JSON")

    stats = commands.add_parser("stats", help="what the catalog holds")
    stats.add_argument("--json", action="store_true", help="print JSON")

    ask = commands.add_parser("ask", help="answer a request: ranked models with the exact download and why")
    ask.add_argument("text", nargs="?", help='a request, e.g. "best commercial 16GB llama model"')
    ask.add_argument("--batch", type=Path, help="one request per line; one JSON answer per line")
    ask.add_argument("--limit", type=int, help="how many answers (default: recommend.limit)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--ram", type=float, help="GB of system RAM beside a GPU budget: CPU offload allowed")

    fit = commands.add_parser("fit", help="will a model run in this much memory, and which file to take")
    fit.add_argument("id")
    fit.add_argument("--memory", type=float, required=True, help="GB of memory")
    fit.add_argument("--kind", choices=["ram", "vram", "unified"], default="ram")
    fit.add_argument("--context", type=int, help="tokens (default: recommend.default_context)")
    fit.add_argument("--kv-cache", choices=list(KV_CACHE_TYPES), default="f16", help="KV cache type (llama.cpp)")
    fit.add_argument("--vision", action="store_true", help="images too: count the vision projector (mmproj)")
    fit.add_argument("--ram", type=float, help="GB of system RAM beside a GPU: a model may spill into it")
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

    scores = commands.add_parser("import-scores", help="import a leaderboard file (CSV, JSON, Parquet)")
    scores.add_argument("file", type=Path)
    scores.add_argument("--source", choices=["open_llm_v2", "open_llm_v1", "arena"], help="default: from columns")
    return parser


def main(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config, os.environ if environ is None else environ)
    except FrontError as error:
        print(f"sommelier: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level="INFO" if args.verbose else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return COMMANDS[args.command](args, settings)
    except FrontError as error:
        print(f"sommelier: {user_message(error)}", file=sys.stderr)
        return 2
    except (CatalogError, RecommenderError, sqlite3.Error, OSError) as error:
        log.debug("command failed", exc_info=error)
        print(f"sommelier: {user_message(error)}", file=sys.stderr)
        return 1


COMMANDS: dict[str, Command] = {
    "sync": catalog.cmd_sync,
    "search": catalog.cmd_search,
    "reindex": catalog.cmd_reindex,
    "parse": catalog.cmd_parse,
    "model": catalog.cmd_model,
    "stats": catalog.cmd_stats,
    "import-scores": catalog.cmd_import_scores,
    "ask": recommend.cmd_ask,
    "fit": recommend.cmd_fit,
    "compare": recommend.cmd_compare,
    "alternatives": recommend.cmd_alternatives,
    "derived": recommend.cmd_derived,
    "top": recommend.cmd_top,
    "chat": recommend.cmd_chat,
    "bot": run_bot.cmd_bot,
    "start": run_bot.cmd_start,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
