"""One list of the workspace's files: paths from `Workspace`, sizes in `yp doctor`, older files merged into state.db."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest

from young_production import workspace_files
from young_production.config import Workspace
from young_production.doctor import workspace_files_info
from young_production.youtube.quota import QuotaMeter
from young_production.youtube.storage import merge_legacy_files, quota_db, snapshot_store

from .test_cli import yp

SRC = Path(__file__).resolve().parents[1] / "src" / "young_production"
NOW = datetime(2025, 6, 1, 18, 0, tzinfo=timezone.utc)  # 2025-06-01 in Pacific time


def _workspace(tmp_path: Path) -> Workspace:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    return workspace


def test_no_module_spells_a_workspace_file_name_of_its_own() -> None:
    """The data files (config files are named where they are read, as a person names them)."""
    names = {f.filename for f in workspace_files.ALL if f.kind in ("sqlite", "json") and not f.per_workflow}
    names |= {Path(workspace_files.LEGACY_QUOTA_DB).name, Path(workspace_files.LEGACY_SNAPSHOTS_DB).name}
    names.add("_last_run.json")
    allowed = {SRC / "workspace_files.py"}
    spelled = []
    for module in SRC.rglob("*.py"):
        if module in allowed or "notion_emulator" in module.parts:
            continue
        code = module.read_text(encoding="utf-8")
        spelled += [f"{module.relative_to(SRC)}: {name}" for name in names if re.search(re.escape(name) + "[\"']", code)]
    assert spelled == []


def test_workspace_hands_out_every_path(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    assert workspace.path(workspace_files.STATE_DB) == workspace.root / "state" / "state.db"
    assert workspace.path(workspace_files.LAST_RUN_JSON, "WF1") == workspace.root / "state" / "wf1_last_run.json"
    workspace.update_yaml("databases.yaml", lambda data: data.update(sqlite_path="records/main.db"))
    assert workspace.path(workspace_files.STORE_DB) == workspace.root / "records" / "main.db"
    assert all(f.purpose for f in workspace_files.ALL)


@pytest.mark.slow  # two `yp doctor` processes, each loading the OCR engine
def test_doctor_lists_each_file_with_its_size(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (workspace.state_dir / "wf1_last_run.json").write_text('{"successful": 1}')
    QuotaMeter(workspace.path(workspace_files.STATE_DB), 100, clock=lambda: NOW).spend("videos.list")
    listed = {info.path: info for info in workspace_files_info(workspace)}
    assert listed["state/wf1_last_run.json"].bytes == len('{"successful": 1}')
    assert listed["state/state.db"].exists and listed["state/state.db"].bytes > 0
    assert not listed["state/state.db"].rebuildable and listed["state/ai_costs.json"].rebuildable
    assert not listed["state/engine.sqlite"].exists and listed["state/engine.sqlite"].bytes == 0

    shown = yp("-w", str(workspace.root), "doctor", "--json")
    files = {f["path"]: f for f in json.loads(shown.stdout)["files"]}
    assert files["state/wf1_last_run.json"]["bytes"] == len('{"successful": 1}')
    assert files["config/pipeline.yaml"]["exists"] and not files["config/pipeline.yaml"]["rebuildable"]

    narrow = yp("-w", str(workspace.root), "doctor", env={"COLUMNS": "80"}).stdout.splitlines()
    table = narrow[next(i for i, line in enumerate(narrow) if "workspace files" in line):]
    assert max(len(line) for line in table) <= 80
    for path in ("state/embeddings/embeddings.sqlite", "config/databases.yaml", "state/state.db"):
        assert any(f"│ {path} " in line for line in table), path  # each path whole, on its own line
    assert any("AI provider, models, prices, spending limits" in line for line in table)  # no one-word column


def _legacy_files(workspace: Workspace) -> None:
    """The two files of a release before the merge, in their own schema (no `format_basis` column yet)."""
    with closing(sqlite3.connect(workspace.root / workspace_files.LEGACY_QUOTA_DB)) as db, db:
        db.execute("CREATE TABLE usage (day TEXT PRIMARY KEY, units INTEGER NOT NULL)")
        db.executemany("INSERT INTO usage VALUES (?, ?)", [("2025-05-31", 40), ("2025-06-01", 7)])
    with closing(sqlite3.connect(workspace.root / workspace_files.LEGACY_SNAPSHOTS_DB)) as db, db:
        db.executescript("""
            CREATE TABLE videos (video_id TEXT PRIMARY KEY, channel_id TEXT, title TEXT, published_at TEXT,
                                 format TEXT, duration_seconds REAL);
            CREATE TABLE snapshots (video_id TEXT NOT NULL, taken_at TEXT NOT NULL, views REAL, likes REAL,
                                    comments REAL, source TEXT NOT NULL, PRIMARY KEY (video_id, taken_at, source));
            CREATE TABLE imports (taken_at TEXT NOT NULL, channel_id TEXT, file TEXT NOT NULL, rows INTEGER NOT NULL,
                                  notes TEXT NOT NULL);
            INSERT INTO videos VALUES ('v1', 'UCx', 'First', '2025-01-01T00:00:00+00:00', 'video', 300);
            INSERT INTO snapshots VALUES ('v1', '2025-02-01T00:00:00+00:00', 1000, 10, 1, 'export');
            INSERT INTO snapshots VALUES ('v1', '2025-03-01T00:00:00+00:00', 1500, 12, 2, 'export');
            INSERT INTO imports VALUES ('2025-03-01T00:00:00+00:00', 'UCx', 'Table data.csv', 1, '[]');
        """)


def _quota_rows(workspace: Workspace) -> dict[str, int]:
    with closing(sqlite3.connect(workspace.path(workspace_files.STATE_DB))) as db:
        return dict(db.execute("SELECT day, units FROM youtube_quota"))


def test_older_files_are_merged_into_state_db_losing_nothing(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    meter = QuotaMeter(workspace.path(workspace_files.STATE_DB), 1000, clock=lambda: NOW)
    meter.spend("videos.list")  # state.db already counts a unit on a day the old file counts too
    _legacy_files(workspace)

    assert merge_legacy_files(workspace) == [workspace_files.LEGACY_QUOTA_DB, workspace_files.LEGACY_SNAPSHOTS_DB]
    assert not (workspace.root / workspace_files.LEGACY_QUOTA_DB).exists()
    assert not (workspace.root / workspace_files.LEGACY_SNAPSHOTS_DB).exists()
    assert _quota_rows(workspace) == {"2025-05-31": 40, "2025-06-01": 8}
    assert meter.used_today() == 8
    snapshots = snapshot_store(workspace)
    assert snapshots.channels_of(["v1"]) == {"v1": "UCx"}
    latest = snapshots.latest_import(["UCx"])
    assert latest is not None and latest.file == "Table data.csv"
    with closing(sqlite3.connect(workspace.path(workspace_files.STATE_DB))) as db:
        assert db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 2
        assert str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"

    assert merge_legacy_files(workspace) == []  # nothing left to merge
    assert _quota_rows(workspace) == {"2025-05-31": 40, "2025-06-01": 8}


def test_a_merge_cut_short_before_the_delete_does_not_count_twice(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    _legacy_files(workspace)
    kept = (workspace.root / workspace_files.LEGACY_QUOTA_DB).read_bytes()
    quota_db(workspace)
    (workspace.root / workspace_files.LEGACY_QUOTA_DB).write_bytes(kept)  # as if the process died before deleting it
    quota_db(workspace)
    assert _quota_rows(workspace) == {"2025-05-31": 40, "2025-06-01": 7}
    assert not (workspace.root / workspace_files.LEGACY_QUOTA_DB).exists()
