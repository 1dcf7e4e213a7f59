"""Where a workspace keeps its YouTube tables: the state database, with older releases' files merged in.

`snapshot_store(workspace)` and `quota_db(workspace)` are how the rest of the package
reaches them; both merge older files first.

Releases before the merge kept the quota in `state/youtube_quota.db` and the snapshots
in `state/youtube_snapshots.db`. `merge_legacy_files` copies their rows into
`state/state.db` in one transaction, notes the merge in `yp_merged_files`, then deletes
the old file; a merge cut short before the delete is finished by the next call without
copying twice. Nothing is lost: every row of every table is copied (the quota's units
of a day both files count are added).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from .. import workspace_files
from ..config import Workspace
from ..state_db import connect_state_db
from .quota import ensure_quota_table
from .snapshots import SnapshotStore, ensure_snapshot_tables

_merge_lock = threading.Lock()


def snapshot_store(workspace: Workspace) -> SnapshotStore:
    """The dated view counts of every video read, in state/state.db."""
    return SnapshotStore(quota_db(workspace))


def quota_db(workspace: Workspace) -> Path:
    """The state database, after merging any older release's YouTube files into it."""
    merge_legacy_files(workspace)
    return workspace.path(workspace_files.STATE_DB)


def merge_legacy_files(workspace: Workspace) -> list[str]:
    """Merge an older release's quota and snapshot files into state.db; returns the files merged."""
    state_db = workspace.path(workspace_files.STATE_DB)
    merged = []
    with _merge_lock:
        legacy_files = ((workspace_files.LEGACY_QUOTA_DB, _merge_quota),
                        (workspace_files.LEGACY_SNAPSHOTS_DB, _merge_snapshots))
        for relpath, merge in legacy_files:
            legacy = workspace.root / relpath
            if not legacy.exists():
                continue
            _merge_one(state_db, legacy, relpath, merge)
            merged.append(relpath)
    return merged


def _merge_one(state_db: Path, legacy: Path, relpath: str, merge: Callable[[sqlite3.Connection], None]) -> None:
    with closing(connect_state_db(state_db, autocommit=True)) as db:
        db.execute("CREATE TABLE IF NOT EXISTS yp_merged_files (relpath TEXT PRIMARY KEY, merged_at TEXT NOT NULL)")
        ensure_quota_table(db)  # before the transaction: a schema script would commit it
        ensure_snapshot_tables(db)
        db.execute("ATTACH DATABASE ? AS legacy", (str(legacy),))
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                done = db.execute("SELECT 1 FROM yp_merged_files WHERE relpath = ?", (relpath,)).fetchone()
                if not done:
                    merge(db)
                    db.execute("INSERT INTO yp_merged_files (relpath, merged_at) VALUES (?, ?)",
                               (relpath, datetime.now(timezone.utc).isoformat(timespec="seconds")))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        finally:
            db.execute("DETACH DATABASE legacy")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{legacy}{suffix}").unlink(missing_ok=True)


def _tables(db: sqlite3.Connection, schema: str) -> set[str]:
    return {row[0] for row in db.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}


def _columns(db: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA {schema}.table_info({table})")]


def _merge_quota(db: sqlite3.Connection) -> None:
    """Units used per day are added to what state.db already counts (a day shared by both keeps both)."""
    if "usage" in _tables(db, "legacy"):
        db.execute(
            "INSERT INTO youtube_quota (day, units) SELECT day, units FROM legacy.usage WHERE true "
            "ON CONFLICT(day) DO UPDATE SET units = units + excluded.units"
        )


def _merge_snapshots(db: sqlite3.Connection) -> None:
    """Every row of the old file's tables, in the columns both sides have; rows already present stay."""
    present = _tables(db, "legacy")
    for table in ("videos", "snapshots", "imports"):
        if table not in present:
            continue
        shared = [c for c in _columns(db, "legacy", table) if c in set(_columns(db, "main", table))]
        names = ", ".join(shared)
        db.execute(f"INSERT OR IGNORE INTO main.{table} ({names}) SELECT {names} FROM legacy.{table}")
