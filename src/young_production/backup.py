"""`yp backup DIR`: a consistent copy of a whole workspace, taken while nothing runs.

Every engine process (a `yp run`, a `yp worker`) holds the workspace's run lock
(`state/locks/workspace.lock`) shared for as long as it lives; a backup takes it
exclusively, so it refuses while anything runs and no run starts while it copies.

SQLite files are copied through SQLite's online backup API, which reads a committed
state of the database (its WAL included) and never a file half-way through a write;
their `-wal` and `-shm` companions are not copied, the copy holds their content.
Every other file is copied as it is, except the lock folders. The target must be a
new or empty folder; a copy that fails midway is removed, so a backup is whole or absent.
Restoring is copying the folder back (or pointing `-w` at it).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from . import workspace_files
from .config import Workspace
from .errors import WorkspaceError
from .workspace_lock import exclusive_workspace_lock

SQLITE_MAGIC = b"SQLite format 3\x00"
_SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal")


@dataclass
class BackupResult:
    target: Path
    files: int = 0
    bytes: int = 0
    sqlite_files: list[str] = field(default_factory=list)  # copied through the backup API

    def to_json(self) -> dict[str, object]:
        return {"target": str(self.target), "files": self.files, "bytes": self.bytes,
                "sqlite_files": self.sqlite_files}


def backup_workspace(workspace: Workspace, target: Path) -> BackupResult:
    """Copy `workspace` into `target` (new or empty); raises `WorkspaceError` while a run holds the workspace."""
    workspace.require()
    target = Path(target).expanduser().resolve()
    if target == workspace.root or target.is_relative_to(workspace.root):
        raise WorkspaceError(f"{target} is inside the workspace; back up to a folder outside {workspace.root}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise WorkspaceError(f"{target} is not an empty folder; choose a new or empty one")
    skipped_dirs = {workspace.path(workspace_files.LOCKS_DIR), workspace.path(workspace_files.EXECUTORS_DIR)}
    created = not target.exists()
    result = BackupResult(target)
    with exclusive_workspace_lock(workspace, purpose="back it up"):
        try:
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted(workspace.root.rglob("*")):
                if any(source == d or source.is_relative_to(d) for d in skipped_dirs):
                    continue
                if source.is_symlink() or not source.is_file() or source.name.endswith(_SKIPPED_SUFFIXES):
                    continue
                copy = target / source.relative_to(workspace.root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                if _is_sqlite(source):
                    _copy_sqlite(source, copy)
                    result.sqlite_files.append(source.relative_to(workspace.root).as_posix())
                else:
                    shutil.copy2(source, copy)
                result.files += 1
                result.bytes += copy.stat().st_size
        except BaseException:
            if created:
                shutil.rmtree(target, ignore_errors=True)
            else:
                for child in target.iterdir():
                    shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
            raise
    return result


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _copy_sqlite(source: Path, copy: Path) -> None:
    """A committed state of `source` in `copy`, in rollback-journal mode so it stands alone as one file."""
    # A plain connection: read-only mode cannot open a WAL database whose -shm file is gone.
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
