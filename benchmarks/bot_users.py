"""The simulated users of the bot benchmark, in their own process: a loopback Bot API server and `users`
threads, each sending `per_user` requests with 10-30 s of reading between them.

    python -m benchmarks.bot_users USERS PER_USER

Prints the server's base URL, waits for a line on stdin (the bot is polling), runs the users, and prints
one JSON line: the reply latencies in seconds and the number of unanswered requests."""

from __future__ import annotations

import json
import random
import sys
import threading
import time

from tests.botserver import FakeTelegram
from tests.parse_eval import labelled


def main() -> None:
    users, per_user = int(sys.argv[1]), int(sys.argv[2])
    texts = [row["text"] for row in labelled(None)]
    latencies: list[float] = []
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
                telegram.user_message(rng.choice(texts), user_id=chat)
                try:
                    calls = telegram.wait_for(
                        lambda c, since=sent: (
                            c.method == "sendMessage" and c.at >= since and str(c.params.get("chat_id")) == str(chat)
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
        print(json.dumps({"latencies": latencies, "lost": lost, "seconds": time.monotonic() - started}), flush=True)
        sys.stdin.readline()  # the Bot API stays up until the bot has stopped polling


if __name__ == "__main__":
    main()
