"""`yp ... set / link / unlink / retry / remove` as a user runs them (SQLite workspace; the
library under them is tested on both stores in tests/store/test_edits.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..test_cli import assert_user_error, yp


@pytest.fixture
def workspace(init_workspace: Path) -> Path:
    root = init_workspace
    assert yp("-w", str(root), "empire", "add", "Money Moves", "--channel", "@moneymoves").returncode == 0
    return root


def as_json(proc: subprocess.CompletedProcess[str]) -> dict:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def test_add_of_an_existing_record_says_so_and_points_at_set(workspace: Path) -> None:
    ws = ["-w", str(workspace)]
    first = as_json(yp(*ws, "production", "add", "Saved 10k", "--empire", "Money Moves", "--json"))
    again = yp(*ws, "production", "add", "Saved 10k", "--empire", "Money Moves", "--notes", "X", "--status", "Idea")
    assert again.returncode == 0 and again.stdout.startswith("already there:")
    assert f"yp production set {first['id'][:8]} --status Idea --notes X" in " ".join(again.stdout.split())
    empire = yp(*ws, "empire", "add", "money moves", "--channel", "")
    assert "already there" in empire.stdout and "yp empire set" in empire.stdout and "updated" not in empire.stdout
    cleared = as_json(yp(*ws, "empire", "set", "Money Moves", "--channel", "", "--json"))
    assert cleared["channel_url"] is None and cleared["changed"] == ["channel_url"]


def test_production_set_by_prefix_then_again_changes_nothing(workspace: Path) -> None:
    ws = ["-w", str(workspace)]
    made = as_json(yp(*ws, "production", "add", "Saved 10k", "--empire", "Money Moves", "--json"))
    changed = as_json(yp(*ws, "production", "set", made["id"][:6], "--status", "published", "--notes", "redraft",
                         "--video-id", "dQw4w9WgXcQ", "--json"))
    assert changed["status"] == "Published" and changed["notes"] == "redraft"
    assert changed["changed"] == ["notes", "status", "video_id", "youtube_url"]
    again = yp(*ws, "production", "set", "saved 10k", "--status", "Published")
    assert again.returncode == 0 and again.stdout.startswith("unchanged:")
    assert_user_error(yp(*ws, "production", "set", made["id"][:6], "--status", "Done"), "Researching", "Published")
    assert_user_error(yp(*ws, "production", "set", made["id"][:6], "--format", "reel"), "short or video")
    assert_user_error(yp(*ws, "production", "set", made["id"][:6], "--youtube-url", "u", "--video-id", "v"), "one of")


@pytest.mark.slow  # 15 `yp` processes (the library under them: tests/store/test_edits.py)
def test_link_unlink_retry_and_remove(workspace: Path, tmp_path: Path) -> None:
    ws = ["-w", str(workspace)]
    production = as_json(yp(*ws, "production", "add", "Saved 10k", "--empire", "Money Moves", "--json"))["id"]
    entry = as_json(yp(*ws, "dna", "add", "https://example.com/a", "--json"))["id"]
    linked = as_json(yp(*ws, "production", "link", production[:8], entry[:8], "--json"))
    assert linked["dna_ids"] == [entry]
    assert as_json(yp(*ws, "production", "link", production[:8], entry[:8], "--json"))["changed"] == []
    assert as_json(yp(*ws, "production", "unlink", production[:8], entry[:8], "--json"))["dna_ids"] == []

    assert "nothing to retry" in yp(*ws, "dna", "retry", entry[:8]).stdout
    refused = yp(*ws, "dna", "remove", entry[:8])  # no terminal to ask on
    assert_user_error(refused, "--yes")
    assert as_json(yp(*ws, "dna", "remove", entry[:8], "--yes", "--json")) == {"removed": [entry], "already_removed": []}
    again = yp(*ws, "dna", "remove", entry, "--yes")  # the full id of a removed entry: nothing to do
    assert again.returncode == 0 and "already removed" in again.stdout
    assert_user_error(yp(*ws, "dna", "remove", entry[:8], "--yes"), entry[:8])

    refused_empire = yp(*ws, "empire", "remove", "Money Moves", "--yes")
    assert_user_error(refused_empire, "--cascade")
    gone = as_json(yp(*ws, "empire", "remove", "Money Moves", "--yes", "--cascade", "--json"))
    assert production in gone["removed"] and len(gone["removed"]) == 2
    assert as_json(yp(*ws, "production", "list", "--json")) == []


def test_two_shells_setting_one_production_at_once_both_succeed_and_one_wins(workspace: Path) -> None:
    ws = ["-w", str(workspace)]
    made = as_json(yp(*ws, "production", "add", "Saved 10k", "--empire", "Money Moves", "--json"))
    shells = [
        subprocess.Popen([sys.executable, "-m", "young_production", *ws, "production", "set", made["id"][:8],
                          "--notes", f"from shell {n}", "--status", "Researching"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                         env={**os.environ, "COLUMNS": "160"})
        for n in (1, 2)
    ]
    for shell in shells:
        out, err = shell.communicate(timeout=120)
        assert shell.returncode == 0, out + err
    final = as_json(yp(*ws, "production", "show", made["id"][:8], "--json"))
    assert final["notes"] in ("from shell 1", "from shell 2") and final["status"] == "Researching"


def test_remove_asks_at_a_terminal_and_no_keeps_the_record(workspace: Path) -> None:
    from tests.terminal import Terminal

    ws = ["-w", str(workspace)]
    entry = as_json(yp(*ws, "dna", "add", "https://example.com/a", "--title", "[red]markup[/]", "--json"))["id"]
    command = [sys.executable, "-m", "young_production", *ws, "dna", "remove", entry[:8]]
    term = Terminal(command)
    term.wait_for("[y/N]", 1, timeout=60)
    assert "[red]markup[/]" in term.text  # the title as typed, never as terminal markup
    term.send("n\r")
    assert term.finish() == 1 and "nothing removed" in term.text
    assert as_json(yp(*ws, "dna", "show", entry[:8], "--json"))["id"] == entry
    term = Terminal(command)
    term.wait_for("[y/N]", 1, timeout=60)
    term.send("y\r")
    assert term.finish() == 0 and "removed: Viral DNA" in term.text
    assert as_json(yp(*ws, "dna", "list", "--json")) == []


def test_on_notion_set_and_remove_work_and_removed_pages_go_to_the_trash(tmp_path: Path) -> None:
    from tests.workflows.review_rig import store_workspace

    with store_workspace("notion", tmp_path / "notion") as (notion, emulator):
        assert emulator is not None
        (notion.root / ".env").write_text(
            f"NOTION_API_KEY={emulator.api_key}\nNOTION_BASE_URL={emulator.base_url}\n", encoding="utf-8")
        ws = ["-w", str(notion.root)]
        assert yp(*ws, "empire", "add", "Money Moves").returncode == 0
        made = as_json(yp(*ws, "production", "add", "Saved 10k", "--empire", "money moves", "--json"))
        changed = as_json(yp(*ws, "production", "set", made["id"][:8], "--status", "Researching", "--json"))
        assert changed["status"] == "Researching" and changed["changed"] == ["status"]
        gone = as_json(yp(*ws, "empire", "remove", "Money Moves", "--cascade", "--yes", "--json"))["removed"]
        assert made["id"] in gone and len(gone) == 2
        pages = {page["id"]: page for source in emulator.state.data_source_ids().values()
                 for page in emulator.state.pages_in(source, include_trash=True)}
        assert all(pages[i]["in_trash"] for i in gone)  # archived, not deleted
        assert_user_error(yp(*ws, "production", "set", made["id"][:8], "--notes", "x"), made["id"][:8])
