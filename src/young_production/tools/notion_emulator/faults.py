"""Rate limiting and fault injection for the Notion emulator.

Both are settable while the server runs (from tests in-process, or once from
`yp notion emulate` flags), and every method is thread-safe: the server answers
each connection on its own thread.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Statuses the emulator knows how to inject, with the body Notion sends for each.
INJECTABLE_STATUSES = (409, 429, 500, 502, 503, 504, 529)
WAIT_STATUSES = (429, 529)  # answered with Retry-After


class TokenBucket:
    """Notion-style rate limit: `rate` requests/s on average, bursts up to `burst`."""

    def __init__(
        self, rate: float | None, burst: float | None = None, clock: Callable[[], float] = time.monotonic
    ):
        self._clock = clock
        self._lock = threading.Lock()
        self.configure(rate, burst)

    def configure(self, rate: float | None, burst: float | None = None) -> None:
        """`rate=None` (or 0) turns rate limiting off."""
        with self._lock:
            self.rate = rate if rate and rate > 0 else None
            self.burst = max(1.0, burst if burst is not None else (self.rate or 1.0))
            self._tokens = self.burst
            self._stamp = self._clock()

    def take(self) -> float:
        """Take one token; returns 0 when allowed, else the seconds until one is free."""
        with self._lock:
            if self.rate is None:
                return 0.0
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


@dataclass(frozen=True)
class InjectedFault:
    """An error answer to send instead of handling a request."""

    status: int
    retry_after: int | None = None


class Faults:
    """The emulator's fault knobs.

    - `fail_next(*statuses)`: the next requests are answered with these statuses, in order.
    - `fail_rate` + `fail_statuses`: each request fails with that probability.
    - `drop_next_writes(n)` / `drop_rate`: a write (POST/PATCH/DELETE) is applied, then
      the connection is closed without an answer, like a response lost on the way back.
    - `latency`: seconds added to every request.
    - `retry_after`: the Retry-After (whole seconds) of injected 429 and 529 answers.
    """

    def __init__(self, seed: int | None = None):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._queued: deque[InjectedFault] = deque()
        self._drops = 0
        self.fail_rate = 0.0
        self.fail_statuses: tuple[int, ...] = (500,)
        self.drop_rate = 0.0
        self.latency = 0.0
        self.retry_after = 1
        self.injected = 0  # error answers sent so far
        self.dropped = 0  # writes left unanswered so far

    def configure(
        self,
        *,
        fail_rate: float | None = None,
        fail_statuses: Iterable[int] | None = None,
        drop_rate: float | None = None,
        latency: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        with self._lock:
            if retry_after is not None:
                self.retry_after = max(0, int(retry_after))
            if fail_rate is not None:
                self.fail_rate = _probability(fail_rate, "fail_rate")
            if fail_statuses is not None:
                statuses = tuple(fail_statuses)
                for status in statuses:
                    _check_status(status)
                self.fail_statuses = statuses or (500,)
            if drop_rate is not None:
                self.drop_rate = _probability(drop_rate, "drop_rate")
            if latency is not None:
                self.latency = max(0.0, float(latency))

    def fail_next(self, *statuses: int, retry_after: int | None = None) -> None:
        """Answer the next `len(statuses)` requests with these statuses."""
        with self._lock:
            for status in statuses:
                _check_status(status)
                wait = self.retry_after if retry_after is None else retry_after
                self._queued.append(InjectedFault(status, wait if status in WAIT_STATUSES else None))

    def drop_next_writes(self, count: int = 1) -> None:
        with self._lock:
            self._drops += count

    def clear(self) -> None:
        with self._lock:
            self._queued.clear()
            self._drops = 0
            self.fail_rate = 0.0
            self.drop_rate = 0.0
            self.latency = 0.0

    def next_fault(self) -> InjectedFault | None:
        """The fault to inject for the request now arriving, if any."""
        with self._lock:
            fault = None
            if self._queued:
                fault = self._queued.popleft()
            elif self.fail_rate and self._random.random() < self.fail_rate:
                status = self._random.choice(self.fail_statuses)
                fault = InjectedFault(status, self.retry_after if status in WAIT_STATUSES else None)
            self.injected += fault is not None
            return fault

    def should_drop_write(self) -> bool:
        with self._lock:
            if self._drops:
                self._drops -= 1
                drop = True
            else:
                drop = bool(self.drop_rate) and self._random.random() < self.drop_rate
            self.dropped += drop
            return drop


def retry_after_seconds(wait: float) -> int:
    """Notion sends Retry-After as whole seconds."""
    return max(1, math.ceil(wait))


def _probability(value: float, name: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return float(value)


def _check_status(status: int) -> None:
    if status not in INJECTABLE_STATUSES:
        known = ", ".join(str(s) for s in INJECTABLE_STATUSES)
        raise ValueError(f"cannot inject status {status}; choose one of {known}")
