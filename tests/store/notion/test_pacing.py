"""The shared pacer: request starts stay at or under the configured rate across threads."""

from __future__ import annotations

import threading
import time

from young_production.config import NotionConfig
from young_production.store.notion.client import NotionClient, Pacer
from young_production.tools.notion_emulator import NotionEmulator


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, stamp in enumerate(times):
        while stamp - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_pacer_keeps_eight_threads_at_the_rate() -> None:
    rate = 40.0
    pacer = Pacer(rate)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(6):
            pacer.wait_turn()
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began

    assert len(starts) == 48
    assert elapsed >= 47 / rate - 0.01  # 48 starts need 47 intervals
    # Timestamps are taken after each thread wakes, so OS scheduling can bunch two of
    # them; no window may still hold more than its share plus that jitter.
    assert max_in_window(starts, 0.5) <= rate * 0.5 + 2


def test_hold_makes_every_caller_wait() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    pacer = Pacer(2.0, clock=lambda: clock[0], sleep=sleep)
    pacer.wait_turn()
    pacer.hold(30.0)
    pacer.wait_turn()
    assert slept == [30.0]
    pacer.wait_turn()
    assert slept == [30.0, 0.5]


def test_client_at_the_emulator_rate_is_never_rate_limited() -> None:
    rate = 25.0
    with NotionEmulator(rate=rate, burst=3) as emulator:
        config = NotionConfig(api_key=emulator.api_key, base_url=emulator.base_url, rate_limit_per_sec=rate)
        client = NotionClient.from_config(config)
        try:
            began = time.monotonic()
            threads = [threading.Thread(target=lambda: [client.me() for _ in range(5)]) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - began
        finally:
            client.close()
        assert emulator.requests["users.me"] == 30
        assert emulator.rate_limited == 0
        assert elapsed >= 29 / rate - 0.01


def test_unpaced_client_is_rate_limited_and_recovers() -> None:
    """Without our pacer the emulator answers 429; the client waits Retry-After and succeeds."""
    with NotionEmulator(rate=5.0, burst=1) as emulator:
        config = NotionConfig(api_key=emulator.api_key, base_url=emulator.base_url, rate_limit_per_sec=1000)
        client = NotionClient.from_config(config)
        try:
            answers = [client.me()["object"] for _ in range(3)]
        finally:
            client.close()
        assert answers == ["user"] * 3
        assert emulator.rate_limited >= 1
        assert client.requests_sent == 3 + emulator.rate_limited


def test_long_retry_after_is_waited_out_with_a_visible_notice() -> None:
    clock = [0.0]
    slept: list[float] = []
    notices: list[str] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    with NotionEmulator() as emulator:
        config = NotionConfig(api_key=emulator.api_key, base_url=emulator.base_url)
        pacer = Pacer(1000, clock=lambda: clock[0], sleep=sleep)
        client = NotionClient.from_config(config, pacer=pacer, sleep=sleep, notice=notices.append)
        try:
            emulator.faults.fail_next(429, retry_after=75)
            assert client.me()["object"] == "user"
        finally:
            client.close()
    assert any(abs(s - 75) < 0.01 for s in slept)
    assert len(notices) == 1 and "75 s" in notices[0]
