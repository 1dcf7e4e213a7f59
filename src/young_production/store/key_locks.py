"""Per-key locks for create-by-key: threads of one process, and processes of one machine.

A store whose backend cannot refuse a second record with the same key (Notion has no
unique constraint) holds the key's lock across "look up by key, create if missing", so
three `yp dna add` of one URL started together make one page, not three. The lock
files live in a folder the caller passes in (the workspace's `state/locks`); keys
hash into a fixed number of files, so unrelated keys rarely wait on each other and
the folder never grows with the number of records.

Machines that share a Notion workspace but not a disk are not covered by this: the
store converges after the fact instead (see NotionStore.create).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import TransientError

LOCK_FILES = 64
WAIT_SEC = 300.0


class KeyLocks:
    """`hold(scope, key)` serialises callers with the same scope and key."""

    def __init__(self, folder: Path | None, *, files: int = LOCK_FILES, wait_sec: float = WAIT_SEC):
        """`folder=None`: threads of this process only (no other process shares the backend)."""
        self.folder = folder
        self.files = files
        self.wait_sec = wait_sec
        self._thread_locks = [threading.Lock() for _ in range(files)]

    def slot(self, scope: str, key: str) -> int:
        digest = hashlib.sha256(f"{scope}\x00{key}".encode()).digest()
        return int.from_bytes(digest[:4], "big") % self.files

    @contextmanager
    def hold(self, scope: str, key: str) -> Iterator[None]:
        slot = self.slot(scope, key)
        if not self._thread_locks[slot].acquire(timeout=self.wait_sec):
            raise TransientError(f"waited {self.wait_sec:.0f} s for another thread creating {scope} {key!r}")
        try:
            if self.folder is None:
                yield
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            file_lock = FileLock(str(self.folder / f"create-{slot:02d}.lock"), timeout=self.wait_sec)
            try:
                file_lock.acquire()
            except Timeout:
                raise TransientError(
                    f"waited {self.wait_sec:.0f} s for another process creating {scope} {key!r} "
                    f"(lock files in {self.folder})"
                ) from None
            try:
                yield
            finally:
                file_lock.release()
        finally:
            self._thread_locks[slot].release()
