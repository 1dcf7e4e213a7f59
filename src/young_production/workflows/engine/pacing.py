"""One Notion pace for every worker that shares the engine's Postgres database.

Notion allows an integration about 3 requests/s in all, however many processes send
them. Each process already spaces its own requests (the store's `Pacer`); with several
workers that pace adds up, so on Postgres every request also takes the next free start
time from one row of `yp_pace`, shared by all workers on all machines:

    UPDATE yp_pace SET next_start = GREATEST(next_start, now) + interval ... RETURNING

The row lock serialises the takers, and the database's clock is the only clock used, so
machines whose clocks disagree still keep one pace. This covers every request (reads,
creates, retries after a 409), where a queue limiter on write steps would count steps,
not requests. A 429's Retry-After holds every worker back, not only the one that got it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa

from .runs import create_tables, sqlalchemy_url

_metadata = sa.MetaData()
pace_table = sa.Table(
    "yp_pace",
    _metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("next_start", sa.Float, nullable=False),
)

_NOW = "EXTRACT(EPOCH FROM clock_timestamp())"


class SharedPacer:
    """Spaces request starts 1/rate seconds apart across processes; also keeps the local pace.

    The same two methods as the store's `Pacer`, so the Notion client takes either.
    """

    def __init__(
        self,
        url: str,
        rate_per_sec: float,
        *,
        local: object | None = None,
        name: str = "notion",
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate_per_sec <= 0:
            raise ValueError(f"a pace must be above 0 requests/s, got {rate_per_sec}")
        self.rate = rate_per_sec
        self.interval = 1.0 / rate_per_sec
        self.local = local
        self.name = name
        self._sleep = sleep
        self._engine: sa.Engine | None = None
        self._url = sqlalchemy_url(url)

    def _db(self) -> sa.Engine:
        if self._engine is None:
            engine = sa.create_engine(self._url, pool_pre_ping=True)
            create_tables(engine, _metadata)
            with engine.begin() as db:
                db.execute(
                    sa.text("INSERT INTO yp_pace (name, next_start) VALUES (:name, 0) ON CONFLICT DO NOTHING"),
                    {"name": self.name},
                )
            self._engine = engine
        return self._engine

    def wait_turn(self) -> float:
        """Block until this process may send (local pace first, then the shared one)."""
        waited = self.local.wait_turn() if self.local is not None else 0.0  # type: ignore[attr-defined]
        with self._db().begin() as db:
            delay = db.execute(
                sa.text(
                    f"UPDATE yp_pace SET next_start = GREATEST(next_start, {_NOW}) + :interval "
                    f"WHERE name = :name RETURNING next_start - :interval - {_NOW}"
                ),
                {"interval": self.interval, "name": self.name},
            ).scalar_one()
        if delay > 0:
            self._sleep(delay)
        return waited + max(float(delay), 0.0)

    def hold(self, seconds: float) -> None:
        """Nobody, in any process, starts a request for `seconds` from now (after a 429)."""
        if self.local is not None:
            self.local.hold(seconds)  # type: ignore[attr-defined]
        with self._db().begin() as db:
            db.execute(
                sa.text(f"UPDATE yp_pace SET next_start = GREATEST(next_start, {_NOW} + :seconds) WHERE name = :name"),
                {"seconds": seconds, "name": self.name},
            )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
