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
import time
from pathlib import Path

BUSY_TIMEOUT_SEC = 30.0


def connect_state_db(path: Path, *, timeout: float = BUSY_TIMEOUT_SEC, autocommit: bool = False) -> sqlite3.Connection:
    """A connection to a state database in WAL mode with full sync (the file is created if absent)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None if autocommit else "")
    enable_wal(connection, timeout)
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def enable_wal(conn: sqlite3.Connection, timeout_sec: float) -> None:
    """Switch to WAL mode, waiting while another connection holds the new file.

    Changing the journal mode needs the database to itself and does not wait on the
    busy timeout, so two connections (threads or processes) creating the same file
    would see "database is locked"; once a database is in WAL mode the setting sticks
    and this is a read. Every SQLite file of a workspace is opened through here.
    """
    deadline = time.monotonic() + timeout_sec
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
