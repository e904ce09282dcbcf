"""Bot figures for BENCHMARKS.md: 50 simulated users × 10 requests each through the loopback Bot API, against a
100k-model catalog, with the default parser (bundled GGUF + adapter).

    python -m benchmarks.bot [--quick]

Each user sends a request, waits for the answer, reads it for 10-30 s (uniform), and sends the next one; the
reply latency is from the update being queued to the bot's first sendMessage to that user. The users and the
loopback Bot API run in another process (benchmarks/bot_users.py), so this process is the bot alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(quick: bool) -> str:
    import psutil

    from benchmarks.run import served
    from bot.conversation import Conversation
    from bot.prefs import PrefsStore
    from bot.settings import load_settings
    from bot.telegram_app import SommelierBot
    from index.store import Catalog
    from recommender.parse import RequestParser
    from recommender.related import warm_lists
    from recommender.service import Sommelier
    from tests.botserver import TOKEN

    users, per_user, size = (10, 3, 20_000) if quick else (50, 10, 100_000)
    with tempfile.TemporaryDirectory() as home, served(f"synthetic:{size}") as url:
        subprocess.run([sys.executable, "-m", "benchmarks.sync_child", url, home], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        simulation = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bot_users", str(users), str(per_user)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert simulation.stdin is not None and simulation.stdout is not None
        base_url = simulation.stdout.readline().strip()
        config = Path(home) / "bot.toml"
        config.write_text('[recommend]\nsemantic = false\n[bot]\ndaily_sync = ""\ncalls_per_minute = 1000\n')
        environ = {"SOMMELIER_HOME": home, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url}
        settings = load_settings(config, environ)
        catalog = Catalog(settings.catalog_path, check_same_thread=False)
        service = Sommelier(catalog, RequestParser(settings.parser), settings.recommend)
        warm_lists(service.recommender)
        bot = SommelierBot(settings, Conversation(service, PrefsStore(Path(home) / "bot.db")))
        stop = threading.Event()
        ready = threading.Event()

        async def serve() -> None:
            application = bot.build()
            await application.initialize()
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.1)
            await application.updater.stop()
            await application.stop()
            await application.shutdown()

        server_thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
        server_thread.start()
        ready.wait(60)
        simulation.stdin.write("go\n")
        simulation.stdin.flush()
        result = json.loads(simulation.stdout.readline())
        rss = psutil.Process().memory_info().rss / 2**20
        stop.set()
        server_thread.join(30)
        simulation.stdin.close()
        simulation.wait(30)
        catalog.close()
    latencies, lost, seconds = result["latencies"], result["lost"], result["seconds"]
    total = users * per_user
    return (
        "\n".join(
            [
                "## Telegram bot under load (issue: every request answered; reply p95 ≤ 1.5 s; RSS ≤ 1.2 GB at 100k)",
                "",
                f"{users} simulated users × {per_user} requests (the labelled ones, at random) through the "
                f"loopback Bot API and the real python-telegram-bot stack (long polling, AIORateLimiter), {size:,}-"
                "model catalog, default parser (bundled Gemma 3 270M + adapter), users in another process; each user "
                "reads an answer for 10-30 s "
                f"before the next request ({total / seconds:.1f} requests/s on average over {seconds:.0f} s).",
                "",
                "| requests | answered | median | p95 | max | bot process RSS |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {total} | {len(latencies)} | {statistics.median(latencies) * 1000:.0f} ms | "
                f"{percentile(latencies, 95) * 1000:.0f} ms | {max(latencies) * 1000:.0f} ms | {rss:.0f} MiB |",
                "",
                f"Unanswered within 60 s: {lost}.",
                "",
            ]
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(run(args.quick))


if __name__ == "__main__":
    main()
