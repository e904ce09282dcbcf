from index.hub import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_never_more_than_the_allowed_calls_in_any_window():
    clock = FakeClock()
    limiter = RateLimiter(5, 10.0, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(23):
        limiter.acquire()
        times.append(clock.now)
        clock.now += 0.1
    for start in times:
        assert sum(1 for t in times if start <= t < start + 10.0) <= 5
    assert limiter.waited > 0


def test_no_wait_under_the_limit():
    clock = FakeClock()
    limiter = RateLimiter(500, 300.0, clock=clock, sleep=clock.sleep)
    for _ in range(500):
        limiter.acquire()
    assert clock.sleeps == []
    limiter.acquire()
    assert clock.sleeps == [300.0]
