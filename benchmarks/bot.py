"""Bot figures for BENCHMARKS.md: 50 simulated users × 10 requests each through the loopback Bot API (20% of
them inline queries), against a 100k-model catalog, with the default parser (bundled GGUF + adapter), while
200 watches are checked after a sync and notified.

    python -m benchmarks.bot [--quick]

Each user sends a request, waits for the answer, reads it for 10-30 s (uniform), and sends the next one; the
reply latency is from the update being queued to the bot's first sendMessage to that user (or its
answerInlineQuery). The users and the loopback Bot API run in another process (benchmarks/bot_users.py), so
this process is the bot alone. 20 s after the users start, the bot checks its 200 watches (other users', each
a labelled request with a full answer whose top 3 its user has not seen, so every one is due a notice), as it
does after every sync; every notice queued must arrive exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run(quick: bool) -> str:
    import psutil

    from benchmarks.bot_users import WATCH_CHAT_BASE
    from benchmarks.run import served
    from bot.conversation import Conversation
    from bot.prefs import PrefsStore
    from bot.settings import load_settings
    from bot.telegram_app import SommelierBot
    from bot.watches import WatchStore
    from index.store import Catalog
    from recommender.parse import RequestParser
    from recommender.related import warm_lists
    from recommender.service import Sommelier
    from tests.botserver import TOKEN
    from tests.parse_eval import labelled

    users, per_user, size, watching = (10, 3, 20_000, 40) if quick else (50, 10, 100_000, 200)
    inline_share = 0.2
    with tempfile.TemporaryDirectory() as home, served(f"synthetic:{size}") as url:
        subprocess.run([sys.executable, "-m", "benchmarks.sync_child", url, home], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        simulation = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bot_users", str(users), str(per_user), str(inline_share), str(watching)],
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
        watches = WatchStore(Path(home) / "bot.db")
        texts = [row["text"] for row in labelled(None)]
        number = 0
        for attempt, text in enumerate(itertools.cycle(texts)):  # other users' watches, their answers unseen yet
            if number == watching or attempt > watching * len(texts):
                break
            filters = service.parser.parse(text).filters
            answer = service.answer(filters, text, 3)
            if answer.relaxed or not answer.results:  # a watch with no full answer has no news to send
                continue
            chat = WATCH_CHAT_BASE + number
            watches.add(chat, chat, text, "en", filters, [])
            number += 1
        conversation = Conversation(service, PrefsStore(Path(home) / "bot.db"), watches=watches)
        bot = SommelierBot(settings, conversation)
        stop = threading.Event()
        ready = threading.Event()
        checked: dict[str, float] = {}

        async def serve() -> None:
            application = bot.build()
            await application.initialize()
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            await bot._post_init(application)
            ready.set()
            await asyncio.sleep(20)
            began = time.monotonic()
            checked["queued"] = await bot.check_watches()
            checked["check_s"] = time.monotonic() - began
            while watches.pending() and not stop.is_set():
                await asyncio.sleep(0.1)
            checked["drained_s"] = time.monotonic() - began
            while not stop.is_set():
                await asyncio.sleep(0.1)
            await bot._post_shutdown(application)
            await application.updater.stop()
            await application.stop()
            await application.shutdown()

        server_thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
        server_thread.start()
        ready.wait(60)
        simulation.stdin.write("go\n")
        simulation.stdin.flush()
        while "drained_s" not in checked and server_thread.is_alive():
            time.sleep(0.5)
        simulation.stdin.write(f"expect {int(checked.get('queued', 0))}\n")
        simulation.stdin.flush()
        result = json.loads(simulation.stdout.readline())
        rss = psutil.Process().memory_info().rss / 2**20
        stop.set()
        server_thread.join(30)
        simulation.stdin.close()
        simulation.wait(30)
        catalog.close()
    latencies, lost, seconds = result["latencies"], result["lost"], result["seconds"]
    inline = result["inline"] or [0.0]
    total = users * per_user
    replies = latencies + result["inline"]
    return (
        "\n".join(
            [
                "## Telegram bot under load (issues: every request answered; reply p95 ≤ 1.5 s with 20% inline "
                "queries and 200 watches notified after a sync, no notice lost or sent twice; RSS ≤ 1.2 GB at 100k)",
                "",
                f"{users} simulated users × {per_user} requests (the labelled ones, at random; "
                f"{inline_share:.0%} of them as inline queries) through the "
                f"loopback Bot API and the real python-telegram-bot stack (long polling, AIORateLimiter), {size:,}-"
                "model catalog, default parser (bundled Gemma 3 270M + adapter), users in another process; each user "
                "reads an answer for 10-30 s "
                f"before the next request ({total / seconds:.1f} requests/s on average over {seconds:.0f} s). "
                f"20 s in, the bot checks {watching} watches as after a sync, between the users' requests.",
                "",
                "| requests | answered | median | p95 | max | bot process RSS |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {total} ({len(result['inline'])} inline) | {len(replies)} | "
                f"{statistics.median(replies) * 1000:.0f} ms | "
                f"{percentile(replies, 95) * 1000:.0f} ms | {max(replies) * 1000:.0f} ms | {rss:.0f} MiB |",
                "",
                f"Messages alone: median {statistics.median(latencies) * 1000:.0f} ms, p95 "
                f"{percentile(latencies, 95) * 1000:.0f} ms; inline answers alone: median "
                f"{statistics.median(inline) * 1000:.0f} ms, p95 {percentile(inline, 95) * 1000:.0f} ms. "
                f"Unanswered within 60 s: {lost}.",
                "",
                f"Watches: {watching} checked in {checked.get('check_s', 0):.1f} s, "
                f"{int(checked.get('queued', 0))} notices queued, "
                f"all sent {checked.get('drained_s', 0):.1f} s after the check began; received "
                f"{result['notices']} in {result['notified_chats']} chats, {result['twice']} chats got one twice.",
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
