"""The workspace lock: held shared by every engine process, exclusively by a backup.

`state/locks/workspace.lock` is an flock. Each process that runs workflows (`yp run`,
`yp worker`) takes it shared when it takes its executor slot and keeps it until it
exits (the kernel drops it when the process dies, even by kill -9). `yp backup` takes
it exclusively: it is refused while any such process lives, and while it holds the
lock no run can start.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from . import workspace_files
from .config import Workspace
from .errors import WorkspaceError

LOCK_NAME = "workspace.lock"


class WorkspaceBusy(WorkspaceError):
    """Another process holds a lock this one needs on the workspace."""


def lock_path(state_dir: Path) -> Path:
    return Path(state_dir) / workspace_files.LOCKS_DIR.filename / LOCK_NAME


def _open(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a+", encoding="utf-8")  # noqa: SIM115 (the caller holds it)


def hold_shared(state_dir: Path) -> IO[str]:
    """Take the lock shared for this process (close the handle to let go); refused while a backup runs."""
    handle = _open(lock_path(state_dir))
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise WorkspaceBusy(f"a backup of this workspace is being taken ({_holder(lock_path(state_dir))}); "
                            "run again when it is done") from None
    return handle


@contextmanager
def exclusive_workspace_lock(workspace: Workspace, purpose: str) -> Iterator[None]:
    """Hold the lock alone for the block; refused (WorkspaceBusy) while any run or worker lives."""
    path = lock_path(workspace.state_dir)
    handle = _open(path)
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise WorkspaceBusy(
                f"a run or worker is using this workspace; stop it or wait for it to finish, then {purpose}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose,
                                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        yield
    finally:
        handle.close()


def _holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('since', '?')}"
