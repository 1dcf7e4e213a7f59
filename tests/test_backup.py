"""`yp backup DIR`: a whole, consistent copy, refused while a run holds the workspace."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from young_production import workspace_files
from young_production.backup import backup_workspace
from young_production.config import Workspace
from young_production.records import ViralDNA
from young_production.runtime import open_store
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.workflows.engine.executors import ExecutorSlot
from young_production.workspace_lock import WorkspaceBusy, exclusive_workspace_lock

from .test_cli import assert_user_error, yp


def _workspace(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    store = open_store(workspace)
    try:
        add_dna(store, "https://example.com/post")
    finally:
        store.close()
    (workspace.path(workspace_files.LAST_RUN_JSON, "wf1")).write_text('{"successful": 1}')
    (workspace.path(workspace_files.LOCKS_DIR)).mkdir(parents=True, exist_ok=True)
    (workspace.path(workspace_files.LOCKS_DIR) / "wf1.lock").write_text("{}")
    return workspace


def _rows(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_backup_copies_committed_wal_content_and_every_file(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    state_db = workspace.path(workspace_files.STATE_DB)
    writer = sqlite3.connect(state_db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in state.db-wal, not in state.db
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(50)])
    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (999)")  # not committed: not in the copy
    try:
        assert Path(f"{state_db}-wal").stat().st_size > 0
        result = backup_workspace(workspace, tmp_path / "copy")
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    copy = tmp_path / "copy"
    assert _rows(copy / "state" / "state.db", "t") == 50
    assert not (copy / "state" / "state.db-wal").exists()
    assert sorted(result.sqlite_files) == ["state/state.db", "young.db"]
    assert json.loads((copy / "state" / "wf1_last_run.json").read_text()) == {"successful": 1}
    assert (copy / "config" / "pipeline.yaml").read_text() == (workspace.config_dir / "pipeline.yaml").read_text()
    assert not (copy / "state" / "locks").exists()
    restored = Workspace(copy, env={})
    store = open_store(restored)
    try:
        assert [e.url for e in iter_records(store, ViralDNA)] == ["https://example.com/post"]
    finally:
        store.close()


def test_backup_is_refused_while_a_run_holds_the_workspace(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    slot = ExecutorSlot.acquire(workspace.state_dir, workspace.root)  # what every engine process holds
    try:
        with pytest.raises(WorkspaceBusy, match="a run or worker is using this workspace"):
            backup_workspace(workspace, tmp_path / "copy")
        assert not (tmp_path / "copy").exists()
        refused = yp("-w", str(workspace.root), "backup", str(tmp_path / "copy"))
        assert_user_error(refused, "a run or worker is using this workspace")
    finally:
        slot.release()
    done = yp("-w", str(workspace.root), "backup", str(tmp_path / "copy"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] >= 5


def test_no_run_starts_while_a_backup_copies(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    with exclusive_workspace_lock(workspace, purpose="back it up"):
        with pytest.raises(WorkspaceBusy, match="a backup of this workspace is being taken"):
            ExecutorSlot.acquire(workspace.state_dir, workspace.root)
    ExecutorSlot.acquire(workspace.state_dir, workspace.root).release()


def test_backup_refuses_a_target_that_is_not_empty_or_inside_the_workspace(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    assert_user_error(yp("-w", str(workspace.root), "backup", str(tmp_path / "full")), "not an empty folder")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    assert_user_error(yp("-w", str(workspace.root), "backup", str(workspace.root / "media" / "bk")),
                      "inside the workspace")


def test_a_wal_database_closed_cleanly_and_an_odd_folder_name_are_copied(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "my ws #1?", env={})
    workspace.init()
    engine_db = workspace.path(workspace_files.ENGINE_DB)
    with closing(sqlite3.connect(engine_db, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE runs (id TEXT)")
        db.execute("INSERT INTO runs VALUES ('r1')")
    assert not Path(f"{engine_db}-shm").exists()  # the last connection closed: no -wal, no -shm
    result = backup_workspace(workspace, tmp_path / "copy")
    assert result.sqlite_files == ["state/engine.sqlite"]
    assert _rows(tmp_path / "copy" / "state" / "engine.sqlite", "runs") == 1
