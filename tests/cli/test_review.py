"""`yp run wf4`, `yp run wf5` and `yp analytics import` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    assert not (workspace / "state" / "state.db").exists()


def test_a_real_export_dry_run_reads_and_matches_without_writing(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "analytics", "import", str(STUDIO / "buildwithadi_content.csv"), "--dry-run", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["rows"] == 24 and summary["matched"] == 0 and summary["snapshots"] == 0
    assert not (workspace / "state" / "state.db").exists()


@pytest.mark.slow  # four `yp run` processes
def test_review_and_prospecting_print_hostile_names_literally(workspace: Path) -> None:
    add_empire(workspace, HOSTILE)
    planned = yp("-w", str(workspace), "run", "wf4", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert "[bold red]Empire" in planned.stdout and "snapshots" in planned.stdout
    done = yp("-w", str(workspace), "run", "wf4", "--period", "2025-06-01", "--json")
    assert done.returncode == 1  # nothing recorded, nothing scored: no empty report
    result = json.loads(done.stdout)
    assert result["failed"] == 1 and result["entries"][0]["detail"]["route"] == "snapshots"
    assert result["entries"][0]["error"] == "0 of 0 videos scored: no videos recorded for this Empire"
    assert not (workspace / "reports").exists()
    shown = yp("-w", str(workspace), "run", "wf4", "--period", "2025-06-01")
    assert shown.returncode == 1 and "[bold red]Empire" in shown.stdout and "0 of 0 videos scored" in shown.stdout
    ideas = yp("-w", str(workspace), "run", "wf5", "--period", "2025-06-01")
    assert ideas.returncode == 0, ideas.stderr
    assert "prospected 2" in ideas.stdout and "[bold red]Empire" in ideas.stdout


def test_bad_options_are_one_line_errors(workspace: Path) -> None:
    assert_user_error(yp("-w", str(workspace), "run", "wf4", "--empire", "No Such"), "no empire")
    assert_user_error(yp("-w", str(workspace), "run", "wf5", "--period", "../../etc"), "period")


def test_an_import_with_skipped_lines_lists_each_and_imports_nothing_unless_allowed(workspace: Path,
                                                                                   tmp_path: Path) -> None:
    export = tmp_path / "Table data.csv"
    export.write_bytes(b"\xef\xbb\xbfVideo,Video title,Video publish time,Video views\nTotal,,,300\n"
                       b"abcdefghijk,Fine,7-16-2020,100\nbcdefghijkl,\"Open quote,08-05-2020,50\n"
                       b"cdefghijklm,Also fine,08-05-2020,-500\ndefghijklmn,Last,1-2-2021,150\n\n")
    refused = yp("-w", str(workspace), "analytics", "import", str(export), "--json")
    assert refused.returncode == 1
    summary = json.loads(refused.stdout)
    assert summary["skipped"] == [
        {"line": 4, "reason": "malformed quote: a quoted cell is not closed properly on this line"},
        {"line": 5, "reason": "Video views: -500 is negative (a count cannot be)"},
    ]
    assert (summary["lines"], summary["rows"], summary["blank"], summary["total_rows"]) == (6, 2, 1, 1)
    assert summary["snapshots"] == 0 and "--allow-skips" in summary["refused"]
    assert not (workspace / "state" / "state.db").exists()
    text = yp("-w", str(workspace), "analytics", "import", str(export))
    assert text.returncode == 1 and "line 4: malformed quote" in text.stdout and "line 5: Video views" in text.stdout
    allowed = yp("-w", str(workspace), "analytics", "import", str(export), "--allow-skips", "--json")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["snapshots"] == 2
