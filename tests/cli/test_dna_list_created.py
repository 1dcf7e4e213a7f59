"""`yp dna list --created-after/--created-before`: entries by when they were created (issue 17, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..test_cli import assert_user_error, yp


@pytest.mark.slow  # 12 `yp` processes
def test_created_after_and_before_pick_entries_by_creation_time(init_workspace: Path, tmp_path: Path) -> None:
    root = init_workspace
    ws = ["-w", str(root)]
    for n in range(3):
        clip = tmp_path / f"clip{n}.mp4"
        clip.write_bytes(bytes([n]) * 64)
        assert yp(*ws, "dna", "add", str(clip), "--title", f"clip {n}").returncode == 0
    everything = json.loads(yp(*ws, "dna", "list", "--json").stdout)
    assert [e["title"] for e in everything] == ["clip 0", "clip 1", "clip 2"]
    second = everything[1]["created_at"]

    def titles(*options: str) -> list[str]:
        proc = yp(*ws, "dna", "list", "--json", *options)
        assert proc.returncode == 0, proc.stderr
        return [e["title"] for e in json.loads(proc.stdout)]

    assert titles("--created-after", second) == ["clip 1", "clip 2"]  # inclusive
    assert titles("--created-before", second) == ["clip 0"]  # exclusive: the two windows tile
    assert titles("--created-after", second, "--created-before", everything[2]["created_at"]) == ["clip 1"]
    assert titles("--created-before", "2000-01-01") == []
    assert titles("--created-after", "2000-01-01", "--status", "new") == ["clip 0", "clip 1", "clip 2"]

    assert_user_error(yp(*ws, "dna", "list", "--created-after", "last tuesday"), "--created-after", "2026-11-02")
    assert_user_error(yp(*ws, "dna", "list", "--created-after", "2026-11-02", "--created-before", "2026-11-01"),
                      "must be earlier")
    assert_user_error(yp(*ws, "dna", "list", "--status", "Sleeping"), "unknown status")
