"""One spending limit a booking is checked against: what the cost ledger asks of its own SQLite file
and of the shared Postgres budget alike (kept apart so the ledger loads SQLAlchemy only on Postgres)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One limit to hold: `column` (run_id | day | month) equal to `value`, at most `limit_nusd`."""

    label: str
    limit_nusd: int
    column: str
    value: str
