"""`yp run wf4`, `yp run wf5` and `yp analytics import` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import assert_user_error, workspace, yp  # noqa: F401 (the workspace fixture)
from young_production.config import Workspace
from young_production.records import Empire
from young_production.runtime import open_store

STUDIO = Path(__file__).resolve().parents[1] / "data" / "studio"
HOSTILE = "[bold red]Empire[/] ]]"


def add_empire(root: Path, name: str) -> None:
    store = open_store(Workspace(root, env={}))
    try:
        store.create(Empire(name=name))
    finally:
        store.close()


def test_a_file_that_is_not_a_studio_export_imports_nothing(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "analytics", "import", str(STUDIO / "not_content_subscription_status.csv"))
    assert_user_error(proc, "not a YouTube Studio", "'Content'")
    assert proc.stderr.count("error:") == 1  # one message (Rich may wrap it at the terminal's width)
    assert not (workspace / "state" / "youtube_snapshots.db").exists()


def test_a_real_export_dry_run_reads_and_matches_without_writing(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "analytics", "import", str(STUDIO / "buildwithadi_content.csv"), "--dry-run", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["rows"] == 24 and summary["matched"] == 0 and summary["snapshots"] == 0
    assert not (workspace / "state" / "youtube_snapshots.db").exists()


def test_review_and_prospecting_print_hostile_names_literally(workspace: Path) -> None:
    add_empire(workspace, HOSTILE)
    planned = yp("-w", str(workspace), "run", "wf4", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert "[bold red]Empire" in planned.stdout and "snapshots" in planned.stdout
    done = yp("-w", str(workspace), "run", "wf4", "--period", "2025-06-01", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["successful"] == 1 and result["entries"][0]["detail"]["route"] == "snapshots"
    assert (workspace / result["entries"][0]["detail"]["report"]).is_file()
    ideas = yp("-w", str(workspace), "run", "wf5", "--period", "2025-06-01")
    assert ideas.returncode == 0, ideas.stderr
    assert "prospected 2" in ideas.stdout and "[bold red]Empire" in ideas.stdout


def test_bad_options_are_one_line_errors(workspace: Path) -> None:
    assert_user_error(yp("-w", str(workspace), "run", "wf4", "--empire", "No Such"), "no empire")
    assert_user_error(yp("-w", str(workspace), "run", "wf5", "--period", "../../etc"), "period")
