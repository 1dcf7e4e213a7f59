"""Who is running on this workspace: executor slots and per-workflow run locks.

Durable execution needs an executor id that is *stable* (a process restarted after
a crash must find and finish what it left pending) and *unique* (two processes
running at once must not claim each other's work). A slot is a numbered lock file
under `state/executors/`: a process takes the lowest free slot and holds its lock
until it exits, so a restart gets the same slot back, and a slot whose lock can be
taken belongs to a process that is gone (its pending work may be adopted).

A run lock (`state/locks/<workflow>.lock`) keeps two `yp run wf1` on one workspace
from working side by side; the second one is told who holds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from ... import workspace_files
from ...workspace_lock import WorkspaceBusy, hold_shared

MAX_SLOTS = 64


def _host() -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname())[:40] or "host"


def workspace_tag(root: Path) -> str:
    """A short stable tag of a workspace folder, part of executor ids."""
    return hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:8]


def _try_lock(path: Path) -> IO[str] | None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the process lifetime)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _write_holder(handle: IO[str], **extra: object) -> None:
    handle.seek(0)
    handle.truncate()
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": _now(), **extra}
    handle.write(json.dumps(info))
    handle.flush()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ExecutorSlot:
    """This process's slot: its executor id, held until `release`."""

    number: int
    executor_id: str
    _handle: IO[str] | None
    _workspace_lock: IO[str] | None = None  # held shared: `yp backup` waits for it (see workspace_lock.py)

    @classmethod
    def acquire(cls, state_dir: Path, workspace_root: Path) -> ExecutorSlot:
        prefix = f"{_host()}-{workspace_tag(workspace_root)}"
        workspace_lock = hold_shared(state_dir)
        for number in range(MAX_SLOTS):
            handle = _try_lock(state_dir / workspace_files.EXECUTORS_DIR.filename / f"slot-{number}.lock")
            if handle is not None:
                _write_holder(handle)
                return cls(number, f"{prefix}-{number}", handle, workspace_lock)
        workspace_lock.close()
        raise WorkspaceBusy(f"{MAX_SLOTS} processes already work on this workspace; wait for one to finish")

    def release(self) -> None:
        for handle in (self._handle, self._workspace_lock):
            if handle is not None:
                handle.close()
        self._handle = self._workspace_lock = None


def dead_executor_ids(state_dir: Path, workspace_root: Path, own: ExecutorSlot) -> list[str]:
    """Executor ids of slots on this machine whose process is gone (their lock is free)."""
    prefix = f"{_host()}-{workspace_tag(workspace_root)}"
    dead = []
    for path in sorted((state_dir / workspace_files.EXECUTORS_DIR.filename).glob("slot-*.lock")):
        try:
            number = int(path.stem.removeprefix("slot-"))
        except ValueError:
            continue
        if number == own.number:
            continue
        handle = _try_lock(path)
        if handle is not None:
            handle.close()
            dead.append(f"{prefix}-{number}")
    return dead


class RunLock:
    """Exclusive right to run one workflow on a workspace; a context manager."""

    def __init__(self, state_dir: Path, workflow: str, run_id: str):
        self.path = state_dir / workspace_files.LOCKS_DIR.filename / f"{workflow.lower()}.lock"
        self.workflow = workflow
        self.run_id = run_id
        self._handle: IO[str] | None = None

    def __enter__(self) -> RunLock:
        handle = _try_lock(self.path)
        if handle is None:
            raise WorkspaceBusy(self._busy_message())
        _write_holder(handle, run_id=self.run_id)
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _busy_message(self) -> str:
        try:
            holder = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            holder = {}
        who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('since', '?')}"
        run = f", run {holder['run_id']}" if holder.get("run_id") else ""
        return (
            f"another `yp run {self.workflow.lower()}` is running on this workspace ({who}{run}); "
            "wait for it to finish, or stop it, then run again"
        )
