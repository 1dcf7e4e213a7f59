"""Spending limits held across every worker that shares the engine's Postgres database.

The cost ledger (`ledger.py`) keeps each machine's calls in its own SQLite file, and
its `BEGIN IMMEDIATE` serialises the processes of one machine only. When workers on
several machines share one Postgres database, the money they book must add up in one
place: this book. `reserve` sums what every worker spent and holds, checks the limits
and books the reservation inside one transaction that holds a Postgres advisory lock,
so two workers racing for the last cents of a budget cannot both get them; `settle`
turns a reservation into the call's real cost.

The ledger keeps writing its own rows (for `yp costs` on each machine); this book
holds the amounts the limits are checked against, and the answers paid calls bought
(`yp_ai_answers`), so a worker that takes over a dead worker's step replays them. A
booking carries its `owner` (the process that made the call): when that process is
found dead, `settle_lost` turns its bookings into spent money (the provider may have
charged), instead of letting them expire.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from .answers import StoredAnswer
from .limit_check import Check

_metadata = sa.MetaData()
budget_table = sa.Table(
    "yp_ai_budget",
    _metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("run_id", sa.String(80)),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sa.Column("month", sa.String(7), nullable=False, index=True),
    sa.Column("amount_nusd", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.Float),  # a reservation's end; NULL once settled (real cost)
    sa.Column("note", sa.Text),
    sa.Column("owner", sa.String(200)),  # the process whose call this booking is (NULL for batches)
)
answers_table = sa.Table(
    "yp_ai_answers",
    _metadata,
    sa.Column("call_key", sa.String(200), primary_key=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("provider", sa.String(40), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
)
_LOCK_KEY = 0x79702D6275  # "yp-bu": one advisory lock for every reservation


class SharedBudget:
    """The budget book on the engine's Postgres database (a SQLAlchemy URL)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: sa.Engine | None = None

    def _db(self) -> sa.Engine:
        if self._engine is None:
            engine = sa.create_engine(self.url, pool_pre_ping=True)
            with engine.begin() as db:  # under a lock: workers starting at once do not collide
                db.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
                _metadata.create_all(db)
                db.execute(sa.text("ALTER TABLE yp_ai_budget ADD COLUMN IF NOT EXISTS owner VARCHAR(200)"))
            self._engine = engine
        return self._engine

    def reserve(
        self, amount_nusd: int, checks: list[Check], *, run_id: str | None, day: str, month: str,
        now: float, expires_at: float, note: str = "", owner: str | None = None,
    ) -> tuple[str, Check | None, int]:
        """Book `amount_nusd`, or refuse: returns (id, None, 0), or ("", the failed check, booked)."""
        reservation_id = uuid.uuid4().hex
        with self._db().begin() as db:
            db.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
            for check in checks:
                booked = self._booked(db, check, now)
                if booked + amount_nusd > check.limit_nusd:
                    return "", check, booked
            db.execute(
                budget_table.insert().values(
                    id=reservation_id, run_id=run_id, day=day, month=month,
                    amount_nusd=amount_nusd, expires_at=expires_at, note=note[:200], owner=owner,
                )
            )
        return reservation_id, None, 0

    @staticmethod
    def _booked(db: sa.Connection, check: Check, now: float) -> int:
        t = budget_table
        live = sa.or_(t.c.expires_at.is_(None), t.c.expires_at > now)
        total = db.execute(
            sa.select(sa.func.coalesce(sa.func.sum(t.c.amount_nusd), 0)).where(t.c[check.column] == check.value, live)
        ).scalar_one()
        return int(total)

    def release(self, reservation_id: str) -> None:
        with self._db().begin() as db:
            db.execute(budget_table.delete().where(budget_table.c.id == reservation_id))

    def settle(
        self, reservation_id: str | None, *, cost_nusd: int, run_id: str | None, day: str, month: str,
        answer: tuple[str, StoredAnswer] | None = None,
    ) -> None:
        """Replace a reservation (if any) with the real cost, which never expires; keep the call's
        answer (key, answer) in the same transaction."""
        with self._db().begin() as db:
            if reservation_id:
                db.execute(budget_table.delete().where(budget_table.c.id == reservation_id))
            db.execute(
                budget_table.insert().values(
                    id=uuid.uuid4().hex, run_id=run_id, day=day, month=month, amount_nusd=cost_nusd, expires_at=None
                )
            )
            if answer is not None:
                key, kept = answer
                db.execute(
                    insert(answers_table).values(
                        call_key=key, at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        provider=kept.provider, model=kept.model, answer=kept.to_json(),
                    ).on_conflict_do_nothing()
                )

    def answer(self, call_key: str) -> StoredAnswer | None:
        with self._db().connect() as db:
            row = db.execute(sa.select(answers_table).where(answers_table.c.call_key == call_key)).mappings().first()
        return None if row is None else StoredAnswer.from_row(row["provider"], row["model"], row["answer"])

    def settle_lost(self, owner_prefixes: list[str], *, keep: str | None = None) -> int:
        """Bookings of dead processes (owners starting with one of the prefixes, but `keep`) become
        spent money at the amount booked: the provider may have answered and charged."""
        t = budget_table
        lost = 0
        with self._db().begin() as db:
            for prefix in owner_prefixes:
                found = db.execute(
                    t.update()
                    .where(t.c.owner.startswith(prefix, autoescape=True), t.c.expires_at.is_not(None),
                           t.c.owner != (keep or ""))
                    .values(expires_at=None, note=sa.func.concat("lost: ", sa.func.coalesce(t.c.note, "")))
                )
                lost += found.rowcount or 0
        return lost

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
