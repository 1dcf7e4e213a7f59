"""The cost ledger: every AI call priced and recorded in the workspace's state database.

`state/state.db` holds one row per call (`ai_calls`) and the budget reservations of
calls under way (`ai_reservations`). Money is stored as integer nano-dollars so sums
compare exactly against limits.

Spending limits (per run, per UTC day, per UTC month) are enforced in two steps:
`reserve` books an upper-bound estimate before a call, `settle` replaces it with the
real cost after. Both run inside `BEGIN IMMEDIATE` transactions, which SQLite
serialises across threads and processes, so concurrent workers can never book more
than a limit allows. Reservations of a crashed process expire after `reservation_ttl_sec`.
When the engine runs on Postgres (workers on several machines), the limits are checked
against one `SharedBudget` on that database instead (see `shared_budget.py`); each
machine's ledger still records its own calls.

After every settled call `state/ai_costs.json` is rewritten in the seed's shape
(`daily`, `monthly`, `per_skill`, `per_workflow`) plus totals.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import workspace_files
from ..config import LimitsConfig, Workspace
from ..errors import BudgetExceeded
from .base import Usage
from .shared_budget import Check, SharedBudget

NANO = 1_000_000_000
DB_NAME = workspace_files.STATE_DB.filename
COSTS_JSON = workspace_files.AI_COSTS_JSON.filename

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ai_calls (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    day TEXT NOT NULL,
    month TEXT NOT NULL,
    run_id TEXT,
    workflow TEXT,
    skill TEXT,
    entry_id TEXT,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    cost_nusd INTEGER NOT NULL,
    batch INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX IF NOT EXISTS ai_calls_day ON ai_calls (day);
CREATE INDEX IF NOT EXISTS ai_calls_month ON ai_calls (month);
CREATE INDEX IF NOT EXISTS ai_calls_run ON ai_calls (run_id);
CREATE TABLE IF NOT EXISTS ai_reservations (
    id TEXT PRIMARY KEY,
    run_id TEXT,
    day TEXT NOT NULL,
    month TEXT NOT NULL,
    amount_nusd INTEGER NOT NULL,
    expires_at REAL NOT NULL,
    note TEXT
);
"""


def _exceeded(label: str, limit_usd: float, booked_nusd: int, amount_nusd: int) -> BudgetExceeded:
    return BudgetExceeded(
        f"the {label} AI budget of ${limit_usd:.2f} would be exceeded "
        f"(${to_usd(booked_nusd):.4f} spent or booked, the next call may cost up to "
        f"${to_usd(amount_nusd):.4f}); raise `limits` in config/ai_config.yaml to go on"
    )


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_nano(usd: float) -> int:
    return round(usd * NANO)


def to_usd(nano: int | None) -> float:
    return (nano or 0) / NANO


@dataclass
class CallRecord:
    """One AI call as the ledger keeps it."""

    provider: str
    model: str
    usage: Usage
    workflow: str | None = None
    skill: str | None = None
    entry_id: str | None = None
    run_id: str | None = None
    batch: bool = False
    outcome: str = "ok"  # ok | rejected (answer failed the schema twice)


@dataclass
class CostTotals:
    total_usd: float = 0.0
    calls: int = 0
    today_usd: float = 0.0
    month_usd: float = 0.0
    reserved_usd: float = 0.0
    daily: dict[str, float] = field(default_factory=dict)
    monthly: dict[str, float] = field(default_factory=dict)
    per_skill: dict[str, float] = field(default_factory=dict)
    per_workflow: dict[str, float] = field(default_factory=dict)
    per_model: dict[str, float] = field(default_factory=dict)

    def as_seed_json(self) -> dict[str, Any]:
        """`state/ai_costs.json`: the seed's four maps, then our totals."""
        return {
            "daily": self.daily,
            "monthly": self.monthly,
            "per_skill": self.per_skill,
            "per_workflow": self.per_workflow,
            "per_model": self.per_model,
            "total_usd": round(self.total_usd, 6),
            "calls": self.calls,
        }


class CostLedger:
    def __init__(
        self,
        state_dir: Path,
        *,
        clock: Callable[[], datetime] = utcnow,
        reservation_ttl_sec: float = 3600.0,
        shared: SharedBudget | None = None,
    ):
        """`shared`: the budget book of every worker on one Postgres database (limits are global)."""
        self.shared = shared
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / DB_NAME
        self.json_path = self.state_dir / COSTS_JSON
        self.clock = clock
        self.reservation_ttl_sec = reservation_ttl_sec
        self._created = False
        self._create_lock = threading.Lock()

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> CostLedger:
        """The workspace's ledger; its limits global across workers when the engine is on Postgres."""
        url = workspace.pipeline_config().engine.database_url or ""
        shared = None
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            shared = SharedBudget("postgresql+psycopg://" + url.split("://", 1)[1])
        return cls(workspace.state_dir, shared=shared)

    # --- connections ------------------------------------------------------------------

    def _create(self) -> None:
        """Make the database on first use, so a run that never pays writes nothing."""
        with self._create_lock:
            if self._created:
                return
            self.state_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            finally:
                db.close()
            self._created = True

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh autocommit connection (one per operation keeps threads independent)."""
        self._create()
        db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the database's write lock from its first statement."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- periods ----------------------------------------------------------------------

    def _periods(self) -> tuple[datetime, str, str]:
        now = self.clock().astimezone(timezone.utc)
        return now, now.strftime("%Y-%m-%d"), now.strftime("%Y-%m")

    def _booked(self, db: sqlite3.Connection, column: str, value: str, now: datetime) -> int:
        """Settled plus reserved nano-dollars for one period or run."""
        spent = db.execute(f"SELECT SUM(cost_nusd) FROM ai_calls WHERE {column} = ?", (value,)).fetchone()[0]
        held = db.execute(
            f"SELECT SUM(amount_nusd) FROM ai_reservations WHERE {column} = ? "
            "AND expires_at > ?",
            (value, now.timestamp()),
        ).fetchone()[0]
        return (spent or 0) + (held or 0)

    # --- reserve / settle -------------------------------------------------------------

    def reserve(
        self,
        amount_usd: float,
        limits: LimitsConfig,
        run_id: str | None,
        *,
        ttl_sec: float | None = None,
        note: str = "",
    ) -> str:
        """Book `amount_usd` against the limits, or raise `BudgetExceeded`.

        The booking expires after `ttl_sec` (default `reservation_ttl_sec`) so a crashed
        process cannot block the budget forever; a submitted batch books for 25 hours.
        """
        amount = max(to_nano(amount_usd), 0)
        now, day, month = self._periods()
        checks = [
            ("per-run", limits.per_run_usd, "run_id", run_id),
            ("daily", limits.daily_usd, "day", day),
            ("monthly", limits.monthly_usd, "month", month),
        ]
        reservation_id = uuid.uuid4().hex
        expires = now.timestamp() + (self.reservation_ttl_sec if ttl_sec is None else ttl_sec)
        if self.shared is not None:
            held = [Check(label, to_nano(limit), column, value) for label, limit, column, value in checks
                    if limit is not None and value is not None]
            found, failed, booked = self.shared.reserve(
                amount, held, run_id=run_id, day=day, month=month, now=now.timestamp(), expires_at=expires, note=note
            )
            if failed is not None:
                raise _exceeded(failed.label, to_usd(failed.limit_nusd), booked, amount)
            return found
        with self.transaction() as db:
            for label, limit, column, value in checks:
                if limit is None or value is None:
                    continue
                booked = self._booked(db, column, value, now)
                if booked + amount > to_nano(limit):
                    raise _exceeded(label, limit, booked, amount)
            db.execute(
                "INSERT INTO ai_reservations (id, run_id, day, month, amount_nusd, expires_at, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (reservation_id, run_id, day, month, amount, expires, note),
            )
        return reservation_id

    def release(self, reservation_id: str) -> None:
        if self.shared is not None:
            self.shared.release(reservation_id)
            return
        with self.transaction() as db:
            db.execute("DELETE FROM ai_reservations WHERE id = ?", (reservation_id,))

    def settle(self, reservation_id: str | None, record: CallRecord) -> None:
        """Replace a reservation with the call's real cost (atomically) and refresh ai_costs.json."""
        with self.transaction() as db:
            if reservation_id is not None and self.shared is None:
                db.execute("DELETE FROM ai_reservations WHERE id = ?", (reservation_id,))
            self._insert_row(db, record)
            self.write_costs_json(db)
        if self.shared is not None:
            _, day, month = self._periods()
            self.shared.settle(
                reservation_id, cost_nusd=to_nano(record.usage.cost_usd), run_id=record.run_id, day=day, month=month
            )

    def record(self, record: CallRecord) -> None:
        """Record a call that had no reservation."""
        self.settle(None, record)

    def release_within(self, db: sqlite3.Connection, reservation_id: str) -> None:
        """Release a reservation inside the caller's transaction (batch collection uses this); on a
        shared budget the booking lives there, so it is released there."""
        if self.shared is not None:
            self.shared.release(reservation_id)
        else:
            db.execute("DELETE FROM ai_reservations WHERE id = ?", (reservation_id,))

    def insert_call(self, db: sqlite3.Connection, record: CallRecord) -> None:
        """Insert one call row inside the caller's transaction (batch collection uses this)."""
        self._insert_row(db, record)
        if self.shared is not None:
            _, day, month = self._periods()
            self.shared.settle(None, cost_nusd=to_nano(record.usage.cost_usd), run_id=record.run_id, day=day, month=month)

    def _insert_row(self, db: sqlite3.Connection, record: CallRecord) -> None:
        now, day, month = self._periods()
        u = record.usage
        db.execute(
            "INSERT INTO ai_calls (at, day, month, run_id, workflow, skill, entry_id, provider, model, "
            "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_nusd, batch, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now.isoformat(timespec="seconds"), day, month, record.run_id, record.workflow, record.skill,
                record.entry_id, record.provider, record.model, u.input_tokens, u.output_tokens,
                u.cache_read_tokens, u.cache_write_tokens, to_nano(u.cost_usd), int(record.batch), record.outcome,
            ),
        )

    # --- totals -----------------------------------------------------------------------

    def spent_usd(self, *, run_id: str | None = None, day: str | None = None, month: str | None = None) -> float:
        """Settled cost, optionally for one run, day (YYYY-MM-DD) or month (YYYY-MM)."""
        clauses, params = [], []
        for column, value in (("run_id", run_id), ("day", day), ("month", month)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.connect() as db:
            return to_usd(db.execute(f"SELECT SUM(cost_nusd) FROM ai_calls {where}", params).fetchone()[0])

    def calls(self, run_id: str | None = None) -> list[dict[str, Any]]:
        """The recorded calls (of one run), oldest first, costs in USD."""
        query = "SELECT * FROM ai_calls" + (" WHERE run_id = ?" if run_id else "") + " ORDER BY id"
        with self.connect() as db:
            rows = [dict(r) for r in db.execute(query, (run_id,) if run_id else ())]
        for row in rows:
            row["cost_usd"] = to_usd(row.pop("cost_nusd"))
        return rows

    def totals(self) -> CostTotals:
        with self.connect() as db:
            return self._totals(db)

    def _totals(self, db: sqlite3.Connection) -> CostTotals:
        now, day, month = self._periods()

        def grouped(column: str) -> dict[str, float]:
            rows = db.execute(
                f"SELECT {column} AS k, SUM(cost_nusd) AS c FROM ai_calls GROUP BY {column} ORDER BY {column}"
            )
            return {str(r["k"] or "-"): round(to_usd(r["c"]), 6) for r in rows}

        total, count = db.execute("SELECT SUM(cost_nusd), COUNT(*) FROM ai_calls").fetchone()
        reserved = db.execute(
            "SELECT SUM(amount_nusd) FROM ai_reservations WHERE expires_at > ?",
            (now.timestamp(),),
        ).fetchone()[0]
        daily = grouped("day")
        monthly = grouped("month")
        return CostTotals(
            total_usd=to_usd(total),
            calls=count,
            today_usd=daily.get(day, 0.0),
            month_usd=monthly.get(month, 0.0),
            reserved_usd=to_usd(reserved),
            daily=daily,
            monthly=monthly,
            per_skill=grouped("skill"),
            per_workflow=grouped("workflow"),
            per_model=grouped("model"),
        )

    def write_costs_json(self, db: sqlite3.Connection) -> None:
        """Rewrite ai_costs.json atomically (callers inside a transaction keep writes ordered)."""
        data = self._totals(db).as_seed_json()
        fd, tmp = tempfile.mkstemp(dir=self.state_dir, prefix=f".{COSTS_JSON}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
            os.replace(tmp, self.json_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
