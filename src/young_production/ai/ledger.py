"""The cost ledger: every AI call priced and recorded in the workspace's state database.

`state/state.db` holds one row per call (`ai_calls`), the budget reservations of
batches under way (`ai_reservations`) and the answers paid calls bought (`ai_answers`).
Money is stored as integer nano-dollars so sums compare exactly against limits.

A metered call is booked before it is sent: `book` checks the limits and writes its
row (outcome `in_flight`, costed at the most the call can cost), `settle_booking`
turns it into the real cost and keeps the answer under the call's key in the same
transaction, so a replayed step gets the answer back instead of buying it again
(see `metered.py`). A process that dies with calls in flight leaves their rows; the
process that takes its work over marks them `lost` (`settle_lost`), still at their
most possible cost: the provider may have answered and charged. So the ledger holds
one row for every request a provider received, and no limit is passed.

Spending limits (per run, per UTC day, per UTC month) are enforced in two steps:
`book` (or `reserve`, for a batch) books an upper-bound estimate before a call, and
settling replaces it with the real cost after. Both run inside `BEGIN IMMEDIATE` transactions, which SQLite
serialises across threads and processes, so concurrent workers can never book more
than a limit allows. Reservations of a crashed process expire after `reservation_ttl_sec`.
When the engine runs on Postgres (workers on several machines), the limits are checked
against one `SharedBudget` on that database instead (see `shared_budget.py`), which
also keeps the answers every worker can replay; each machine's ledger still records
its own calls.

The file runs in WAL mode with `synchronous=FULL`: a settled call and its answer
survive a power loss, not only a killed process.

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
from typing import TYPE_CHECKING, Any

from .. import workspace_files
from ..config import LimitsConfig, Workspace
from ..errors import BudgetExceeded
from ..state_db import enable_wal
from .answers import StoredAnswer
from .base import Usage
from .limit_check import Check

if TYPE_CHECKING:
    from .shared_budget import SharedBudget

NANO = 1_000_000_000
IN_FLIGHT, LOST = "in_flight", "lost"
_ADDED_COLUMNS = {"call_key": "TEXT", "owner": "TEXT"}  # ai_calls columns newer than the first schema
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
CREATE TABLE IF NOT EXISTS ai_answers (
    call_key TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ai_calls_day ON ai_calls (day);
CREATE INDEX IF NOT EXISTS ai_calls_month ON ai_calls (month);
CREATE INDEX IF NOT EXISTS ai_calls_run ON ai_calls (run_id);
CREATE INDEX IF NOT EXISTS ai_calls_outcome ON ai_calls (outcome);
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
    call_key: str | None = None  # which call of which step this is (see metered.py)
    outcome: str = "ok"  # ok | rejected (answer failed the schema twice) | failed | in_flight | lost


@dataclass(frozen=True)
class Booking:
    """A metered call booked before it is sent: its ledger row, and its share of a shared budget."""

    row_id: int
    shared_id: str | None = None


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
        return cls.for_engine(workspace.state_dir, workspace.pipeline_config().engine.database_url)

    @classmethod
    def for_engine(cls, state_dir: Path, engine_url: str | None) -> CostLedger:
        """The ledger in `state_dir`, its limits on the engine's database when that is Postgres."""
        url = engine_url or ""
        shared = None
        if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            from .shared_budget import SharedBudget  # SQLAlchemy: loaded by workers on Postgres only

            shared = SharedBudget("postgresql+psycopg://" + url.split("://", 1)[1])
        return cls(state_dir, shared=shared)

    # --- connections ------------------------------------------------------------------

    def _create(self) -> None:
        """Make the database on first use, so a run that never pays writes nothing."""
        with self._create_lock:
            if self._created:
                return
            self.state_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            try:
                enable_wal(db, 60.0)
                db.executescript(_SCHEMA)
                have = {row[1] for row in db.execute("PRAGMA table_info(ai_calls)")}
                for column, kind in _ADDED_COLUMNS.items():
                    if column not in have:
                        try:
                            db.execute(f"ALTER TABLE ai_calls ADD COLUMN {column} {kind}")
                        except sqlite3.OperationalError:  # another process added it first
                            pass
            finally:
                db.close()
            self._created = True

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh autocommit connection (one per operation keeps threads independent)."""
        self._create()
        db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA synchronous=FULL")  # money and bought answers: every commit synced
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

    def _checks(self, limits: LimitsConfig, run_id: str | None, day: str, month: str) -> list[Check]:
        found = [
            ("per-run", limits.per_run_usd, "run_id", run_id),
            ("daily", limits.daily_usd, "day", day),
            ("monthly", limits.monthly_usd, "month", month),
        ]
        return [Check(label, to_nano(limit), column, value) for label, limit, column, value in found
                if limit is not None and value is not None]

    def _hold(self, db: sqlite3.Connection, checks: list[Check], amount: int, now: datetime) -> None:
        """Raise `BudgetExceeded` when `amount` more would pass a limit (inside a write transaction)."""
        for check in checks:
            booked = self._booked(db, check.column, check.value, now)
            if booked + amount > check.limit_nusd:
                raise _exceeded(check.label, to_usd(check.limit_nusd), booked, amount)

    def _reserve_shared(self, amount: int, checks: list[Check], run_id: str | None, now: datetime,
                        expires: float, note: str, owner: str | None = None) -> str:
        assert self.shared is not None
        _, day, month = self._periods()
        found, failed, booked = self.shared.reserve(
            amount, checks, run_id=run_id, day=day, month=month, now=now.timestamp(), expires_at=expires, note=note,
            owner=owner,
        )
        if failed is not None:
            raise _exceeded(failed.label, to_usd(failed.limit_nusd), booked, amount)
        return found

    def reserve(
        self,
        amount_usd: float,
        limits: LimitsConfig,
        run_id: str | None,
        *,
        ttl_sec: float | None = None,
        note: str = "",
    ) -> str:
        """Book `amount_usd` against the limits, or raise `BudgetExceeded` (a batch books this way).

        The booking expires after `ttl_sec` (default `reservation_ttl_sec`) so a crashed
        process cannot block the budget forever; a submitted batch books for 25 hours.
        """
        amount = max(to_nano(amount_usd), 0)
        now, day, month = self._periods()
        checks = self._checks(limits, run_id, day, month)
        expires = now.timestamp() + (self.reservation_ttl_sec if ttl_sec is None else ttl_sec)
        if self.shared is not None:
            return self._reserve_shared(amount, checks, run_id, now, expires, note)
        reservation_id = uuid.uuid4().hex
        with self.transaction() as db:
            self._hold(db, checks, amount, now)
            db.execute(
                "INSERT INTO ai_reservations (id, run_id, day, month, amount_nusd, expires_at, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (reservation_id, run_id, day, month, amount, expires, note),
            )
        return reservation_id

    # --- metered calls: booked before sending, settled with their answer -------------

    def book(self, amount_usd: float, limits: LimitsConfig, record: CallRecord, *, owner: str | None = None) -> Booking:
        """Book a call before it is sent: its row, costed at `amount_usd` (the most it can cost) until
        settled, or `BudgetExceeded`. `owner` is the process making it (see `settle_lost`)."""
        amount = max(to_nano(amount_usd), 0)
        now, day, month = self._periods()
        checks = self._checks(limits, record.run_id, day, month)
        shared_id = None
        if self.shared is not None:
            expires = now.timestamp() + self.reservation_ttl_sec
            note = f"{record.skill} {record.entry_id or ''}".strip()
            shared_id = self._reserve_shared(amount, checks, record.run_id, now, expires, note, owner)
        try:
            with self.transaction() as db:
                if self.shared is None:
                    self._hold(db, checks, amount, now)
                row_id = self._insert_row(db, record, outcome=IN_FLIGHT, cost_nusd=amount, owner=owner)
        except BaseException:
            if shared_id is not None:
                self.shared.release(shared_id)  # type: ignore[union-attr]
            raise
        return Booking(row_id, shared_id)

    def settle_booking(self, booking: Booking, record: CallRecord, answer: StoredAnswer | None = None) -> None:
        """The call's real cost in its row and, when it answered, its answer under `record.call_key`:
        one transaction (on a shared budget the answer is kept there, for every worker)."""
        if self.shared is not None:
            _, day, month = self._periods()
            kept = (record.call_key, answer) if answer is not None and record.call_key else None
            self.shared.settle(booking.shared_id, cost_nusd=to_nano(record.usage.cost_usd), run_id=record.run_id,
                               day=day, month=month, answer=kept)
        u = record.usage
        with self.transaction() as db:
            db.execute(
                "UPDATE ai_calls SET model = ?, input_tokens = ?, output_tokens = ?, cache_read_tokens = ?, "
                "cache_write_tokens = ?, cost_nusd = ?, outcome = ? WHERE id = ?",
                (record.model, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens,
                 to_nano(u.cost_usd), record.outcome, booking.row_id),
            )
            if answer is not None and record.call_key and self.shared is None:
                db.execute(
                    "INSERT OR IGNORE INTO ai_answers (call_key, at, provider, model, answer) VALUES (?, ?, ?, ?, ?)",
                    (record.call_key, self._periods()[0].isoformat(timespec="seconds"), answer.provider,
                     answer.model, answer.to_json()),
                )
            self.write_costs_json(db)

    def release_booking(self, booking: Booking) -> None:
        """Drop the booking of a call the provider refused before any work (nothing was charged)."""
        if booking.shared_id is not None and self.shared is not None:
            self.shared.release(booking.shared_id)
        with self.transaction() as db:
            db.execute("DELETE FROM ai_calls WHERE id = ? AND outcome IN (?, ?)", (booking.row_id, IN_FLIGHT, LOST))

    def stored_answer(self, call_key: str) -> StoredAnswer | None:
        """The answer a call with this key already bought (in any process, or any worker on a shared budget)."""
        if self.shared is not None:
            return self.shared.answer(call_key)
        if not self.path.exists():
            return None
        with self.connect() as db:
            row = db.execute("SELECT provider, model, answer FROM ai_answers WHERE call_key = ?", (call_key,)).fetchone()
        return None if row is None else StoredAnswer.from_row(row["provider"], row["model"], row["answer"])

    def settle_lost(self, executor_ids: list[str], *, keep: str | None = None) -> int:
        """Mark `lost` the calls left in flight by processes of these (dead) executors, except `keep`'s
        (this process's own owner). Their rows keep the most the call could cost. Returns how many."""
        if not executor_ids:
            return 0
        prefixes = [f"{executor}#" for executor in executor_ids]
        if self.shared is not None:
            self.shared.settle_lost(prefixes, keep=keep)
        if not self.path.exists():
            return 0
        lost = 0
        with self.transaction() as db:
            for prefix in prefixes:
                lost += db.execute(
                    "UPDATE ai_calls SET outcome = ? WHERE outcome = ? AND substr(owner, 1, ?) = ? AND owner IS NOT ?",
                    (LOST, IN_FLIGHT, len(prefix), prefix, keep),
                ).rowcount
            if lost:
                self.write_costs_json(db)
        return lost

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

    def _insert_row(
        self, db: sqlite3.Connection, record: CallRecord, *, outcome: str | None = None,
        cost_nusd: int | None = None, owner: str | None = None,
    ) -> int:
        now, day, month = self._periods()
        u = record.usage
        cursor = db.execute(
            "INSERT INTO ai_calls (at, day, month, run_id, workflow, skill, entry_id, provider, model, "
            "input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_nusd, batch, outcome, "
            "call_key, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now.isoformat(timespec="seconds"), day, month, record.run_id, record.workflow, record.skill,
                record.entry_id, record.provider, record.model, u.input_tokens, u.output_tokens,
                u.cache_read_tokens, u.cache_write_tokens, to_nano(u.cost_usd) if cost_nusd is None else cost_nusd,
                int(record.batch), outcome or record.outcome, record.call_key, owner,
            ),
        )
        return int(cursor.lastrowid or 0)

    # --- totals -----------------------------------------------------------------------

    def spent_usd(self, *, run_id: str | None = None, day: str | None = None, month: str | None = None) -> float:
        """Settled cost (lost calls at their most), optionally for one run, day (YYYY-MM-DD) or month (YYYY-MM)."""
        clauses, params = ["outcome != ?"], [IN_FLIGHT]
        for column, value in (("run_id", run_id), ("day", day), ("month", month)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}"
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

        settled = "outcome != 'in_flight'"  # calls in flight count as reserved until they settle

        def grouped(column: str) -> dict[str, float]:
            rows = db.execute(
                f"SELECT {column} AS k, SUM(cost_nusd) AS c FROM ai_calls WHERE {settled} "
                f"GROUP BY {column} ORDER BY {column}"
            )
            return {str(r["k"] or "-"): round(to_usd(r["c"]), 6) for r in rows}

        total, count = db.execute(f"SELECT SUM(cost_nusd), COUNT(*) FROM ai_calls WHERE {settled}").fetchone()
        reserved = db.execute(
            "SELECT SUM(amount_nusd) FROM ai_reservations WHERE expires_at > ?",
            (now.timestamp(),),
        ).fetchone()[0]
        reserved = (reserved or 0) + (db.execute(
            "SELECT SUM(cost_nusd) FROM ai_calls WHERE outcome = 'in_flight'").fetchone()[0] or 0)
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
