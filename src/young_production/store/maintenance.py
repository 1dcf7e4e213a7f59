"""Whole-store chores over the Store interface (the seed's clear_dbs utility), for any backend."""

from __future__ import annotations

from ..records import RECORD_TYPES
from .base import Store, iter_records


def count_records(store: Store) -> dict[str, int]:
    """Records per collection."""
    return {name: sum(1 for _ in iter_records(store, kind)) for name, kind in RECORD_TYPES.items()}


def clear_store(store: Store) -> int:
    """Delete (SQLite) or trash (Notion) every record; returns how many."""
    removed = 0
    for kind in RECORD_TYPES.values():
        for record in list(iter_records(store, kind)):
            store.trash(kind, record.id or "")
            removed += 1
    return removed
