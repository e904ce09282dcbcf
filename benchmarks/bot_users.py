"""The simulated users of the bot benchmark, in their own process: a loopback Bot API server and `users`
threads, each sending `per_user` requests with 10-30 s of reading between them, a share of them as inline
queries (`@bot query` typed in a chat).

    python -m benchmarks.bot_users USERS PER_USER [INLINE_SHARE] [WATCH_CHATS]

Prints the server's base URL, waits for a line on stdin (the bot is polling), runs the users, then reads one
more line, `expect N` (the watch notices the bot queued), waits for them, and prints one JSON line: the reply
latencies in seconds (messages and inline answers apart), the unanswered requests, and for the chats
`10^6 .. 10^6 + WATCH_CHATS - 1` holding watches how many notices each received."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections import Counter

from tests.botserver import FakeTelegram
from tests.parse_eval import labelled

WATCH_CHAT_BASE = 1_000_000


def main() -> None:
    users, per_user = int(sys.argv[1]), int(sys.argv[2])
    inline_share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    watch_chats = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    texts = [row["text"] for row in labelled(None)]
    latencies: list[float] = []
    inline: list[float] = []
    lost = 0
    lock = threading.Lock()
    with FakeTelegram() as telegram:
        print(telegram.base_url, flush=True)
        sys.stdin.readline()

        def user(number: int) -> None:
            nonlocal lost
            rng = random.Random(number)
            chat = 10_000 + number
            time.sleep(rng.uniform(0, 10))
            for _ in range(per_user):
                sent = time.monotonic()
                text = rng.choice(texts)
                try:
                    if rng.random() < inline_share:
                        query_id = telegram.inline_query(text[:256], user_id=chat)
                        calls = telegram.wait_for(
                            lambda c, q=query_id: (
                                c.method == "answerInlineQuery" and str(c.params.get("inline_query_id")) == q
                            ),
                            timeout=60,
                        )
                        with lock:
                            inline.append(calls[0].at - sent)
                    else:
                        telegram.user_message(text, user_id=chat)
                        calls = telegram.wait_for(
                            lambda c, since=sent: (
                                c.method == "sendMessage"
                                and c.at >= since
                                and str(c.params.get("chat_id")) == str(chat)
                            ),
                            timeout=60,
                        )
                        with lock:
                            latencies.append(calls[0].at - sent)
                except AssertionError:
                    with lock:
                        lost += 1
                time.sleep(rng.uniform(10, 30))

        started = time.monotonic()
        workers = [threading.Thread(target=user, args=(number,)) for number in range(users)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        expected = int(sys.stdin.readline().split()[1])

        def notices() -> Counter[int]:
            chats = range(WATCH_CHAT_BASE, WATCH_CHAT_BASE + watch_chats)
            return Counter(
                int(call.params["chat_id"])
                for call in telegram.sent("sendMessage")
                if _int(call.params.get("chat_id")) in chats
            )

        deadline = time.monotonic() + 120
        while sum(notices().values()) < expected and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # anything sent twice would arrive by now
        received = notices()
        print(
            json.dumps(
                {
                    "latencies": latencies,
                    "inline": inline,
                    "lost": lost,
                    "seconds": seconds,
                    "notices": sum(received.values()),
                    "notified_chats": len(received),
                    "twice": sum(1 for count in received.values() if count > 1),
                }
            ),
            flush=True,
        )
        sys.stdin.readline()  # the Bot API stays up until the bot has stopped polling


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


if __name__ == "__main__":
    main()
