"""The house rules that keep the code in one piece: arrows point one way (bot → recommender → index), bot/ has no
import cycle, and every bot command is handled, in the menu, in /help (both languages) and in the README."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from telegram.ext import CommandHandler

from bot.settings import load_settings
from bot.telegram_app import COMMANDS, SommelierBot
from bot.texts import say
from bot.watches import WatchStore

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside functions (relative imports made absolute)."""
    own = path.parent.name
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.update([f"{own}.{node.module}"] if node.module else (f"{own}.{a.name}" for a in node.names))
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _top(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def test_index_and_recommender_never_import_telegram_or_bot() -> None:
    modules = [
        f"{path.parent.name}.{path.stem}"
        for folder in ("index", "recommender")
        for path in sorted((ROOT / folder).glob("*.py"))
        if path.stem != "__init__"
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'bot'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", result.stdout
    for folder in ("index", "recommender"):
        for path in (ROOT / folder).glob("*.py"):
            assert not _top(_imports(path)) & {"bot", "telegram"}, path


def test_bot_has_no_import_cycle() -> None:
    graph = {f"bot.{path.stem}": _imports(path) for path in (ROOT / "bot").glob("*.py")}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 2:
            return
        assert state.get(module) != 1, " → ".join([*trail, module])
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target in graph:
                visit(target, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])


def test_every_command_is_handled_in_the_menu_in_help_and_in_the_readme(tmp_path: Path) -> None:
    settings = load_settings(None, {"SOMMELIER_HOME": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123:abc"})
    conversation = SimpleNamespace(watches=WatchStore(tmp_path / "bot.db"))  # only what build() reads
    application = SommelierBot(settings, conversation).build()  # type: ignore[arg-type]
    handled = {
        command
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    menu = {name for name, _ in COMMANDS}
    assert handled == menu
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in menu:
        for lang in ("en", "ru"):
            assert f"/{name}" in say(lang, "help", lists="") or name in ("start", "help"), (name, lang)
        assert f"`/{name}" in readme, name
