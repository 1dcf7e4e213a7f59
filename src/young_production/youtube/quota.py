"""Quota accounting for the YouTube Data API: units per run, units per day, a daily budget.

A project gets 10,000 units a day by default; `channels.list`, `playlistItems.list`
and `videos.list` cost 1 unit per call (up to 50 ids or items), `search.list` 100
units from its own small allowance (we never call it). The day is Google's quota
day, which resets at midnight Pacific time.

Usage is kept per day in the `youtube_quota` table of the state database passed in
(`state/state.db`, see `state_db.py`), so
two runs on one day, or two processes at once, share one budget: a unit is
recorded before the call that spends it (a check-and-add in one transaction), and
a call that would cross the budget is not made.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import AccountError
from ..state_db import connect_state_db

DEFAULT_DAILY_BUDGET = 10_000
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")
METHOD_COST = {"channels.list": 1, "playlistItems.list": 1, "videos.list": 1, "search.list": 100}


class QuotaBudgetReached(AccountError):
    """The configured daily budget of YouTube API units would be crossed: the run stops."""

    def __init__(self, message: str, used: int = 0, budget: int = 0):
        super().__init__(message)
        self.used = used
        self.budget = budget

    def __reduce__(self):  # keep the attributes through pickling (workflow steps pickle errors)
        return (type(self), (str(self), self.used, self.budget))


def ensure_quota_table(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS youtube_quota (day TEXT PRIMARY KEY, units INTEGER NOT NULL)")


def quota_day(now: datetime) -> date:
    """The quota day `now` falls in (midnight to midnight, Pacific time)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(QUOTA_TIMEZONE).date()


class QuotaMeter:
    """Counts units spent by this run and by everyone today, against `daily_budget`."""

    def __init__(
        self,
        state_db: Path,
        daily_budget: int = DEFAULT_DAILY_BUDGET,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        if daily_budget < 0:
            raise ValueError("daily_budget must be >= 0")
        self.path = Path(state_db)
        self.daily_budget = daily_budget
        self.clock = clock
        self.run_units = 0
        self.run_calls: dict[str, int] = {}

    def _connect(self) -> sqlite3.Connection:
        connection = connect_state_db(self.path, autocommit=True)
        ensure_quota_table(connection)
        return connection

    def used_today(self) -> int:
        if not self.path.exists():
            return 0
        with closing(self._connect()) as db:
            day = quota_day(self.clock()).isoformat()
            row = db.execute("SELECT units FROM youtube_quota WHERE day = ?", (day,)).fetchone()
        return int(row[0]) if row else 0

    def remaining(self) -> int:
        return max(0, self.daily_budget - self.used_today())

    def spend(self, method: str) -> None:
        """Record the units `method` costs, or raise `QuotaBudgetReached` without recording them."""
        units = METHOD_COST.get(method, 1)
        day = quota_day(self.clock()).isoformat()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT units FROM youtube_quota WHERE day = ?", (day,)).fetchone()
                used = int(row[0]) if row else 0
                if used + units > self.daily_budget:
                    raise QuotaBudgetReached(
                        f"YouTube API budget reached: {used} of {self.daily_budget} units used today "
                        f"(Pacific time); raise youtube.daily_quota_budget or wait for midnight PT",
                        used,
                        self.daily_budget,
                    )
                db.execute(
                    "INSERT INTO youtube_quota (day, units) VALUES (?, ?) "
                    "ON CONFLICT(day) DO UPDATE SET units = units + excluded.units",
                    (day, units),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self.run_units += units
        self.run_calls[method] = self.run_calls.get(method, 0) + 1

    def summary(self) -> str:
        """One line for the run summary: units this run, per method, and today's total."""
        per_method = ", ".join(f"{m} x{n}" for m, n in sorted(self.run_calls.items())) or "no calls"
        return (
            f"YouTube API: {self.run_units} units this run ({per_method}); "
            f"{self.used_today()} of {self.daily_budget} used today"
        )
