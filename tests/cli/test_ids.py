"""Ids as people type them, through the `yp` command: short prefixes, names, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..test_cli import assert_user_error, yp


@pytest.fixture
def workspace(init_workspace: Path) -> Path:
    return init_workspace


def added_id(proc) -> str:  # noqa: ANN001
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["id"]


def test_show_takes_a_short_prefix_or_a_title_and_refuses_what_is_not_one(workspace: Path, tmp_path: Path) -> None:
    ws = ["-w", str(workspace)]
    clip = tmp_path / "reel.mp4"
    clip.write_bytes(b"\x00" * 64)
    entry = added_id(yp(*ws, "dna", "add", str(clip), "--json"))
    shown = yp(*ws, "dna", "show", entry[:8], "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == entry
    assert_user_error(yp(*ws, "dna", "show", entry[:3]), "at least 4 characters")
    assert_user_error(yp(*ws, "dna", "show", ""), "no viral dna entry given")
    assert_user_error(yp(*ws, "dna", "show", "ffff0000"), "ffff0000")

    assert yp(*ws, "empire", "add", "Money Moves").returncode == 0
    production = added_id(yp(*ws, "production", "add", "[bold]Saved 10k[/]", "--empire", "money moves", "--json"))
    by_title = yp(*ws, "production", "show", "[bold]saved 10K[/]", "--json")
    assert by_title.returncode == 0 and json.loads(by_title.stdout)["id"] == production
    twin = added_id(yp(*ws, "production", "add", "Other", "--empire", "Money Moves", "--json"))
    common = next(n for n in range(37) if production[n] != twin[n])
    if common >= 4:  # the two ids share a prefix: it names both, and both are listed
        assert_user_error(yp(*ws, "production", "show", production[:common]), production[:8], twin[:8])


@pytest.mark.slow  # four `yp run` processes (`runs show` by prefix stays in test_lists_and_show)
def test_runs_show_takes_a_prefix_and_refusals_leave_no_run_behind(workspace: Path) -> None:
    ws = ["-w", str(workspace)]
    assert_user_error(yp(*ws, "run", "wf4", "--empire", "Nope"), "Nope")
    assert_user_error(yp(*ws, "run", "wf2", "--yes", "--production", "abcd1234"), "abcd1234")
    assert_user_error(yp(*ws, "run", "wf1", "--provider", "anthropic", env={"ANTHROPIC_API_KEY": ""}),
                      "ANTHROPIC_API_KEY")
    assert json.loads(yp(*ws, "runs", "--json").stdout) == []  # refused before starting: no run record
    ran = yp(*ws, "run", "wf2", "--yes", "--json")
    assert ran.returncode == 0, ran.stderr
    run_id = json.loads(ran.stdout)["run_id"]
    shown = yp(*ws, "runs", "show", run_id[:6], "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["run_id"] == run_id
    assert_user_error(yp(*ws, "runs", "show", "zzzz"), "no run", "zzzz")
    assert_user_error(yp(*ws, "runs", "--workflow", "wf9"), "unknown workflow", "wf1")
