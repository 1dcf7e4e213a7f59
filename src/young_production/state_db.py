"""The workspace's state database, `state/state.db`: one SQLite file for what used to take three.

It holds the cost ledger (`ai/ledger.py`), the YouTube API quota used per day
(`youtube/quota.py`) and the dated view counts of every video read
(`youtube/snapshots.py`); each module keeps its own tables in it. One file means one
file to back up and one journal setting: WAL, with `synchronous=FULL` as the ledger
sets it, so a committed row survives a power loss, not only a killed process.
Older releases' separate files are merged in by `youtube/legacy_files.py`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT_SEC = 30.0


def connect_state_db(path: Path, *, timeout: float = BUSY_TIMEOUT_SEC, autocommit: bool = False) -> sqlite3.Connection:
    """A connection to a state database in WAL mode with full sync (the file is created if absent)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None if autocommit else "")
    if str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection
