"""`yp empire style NAME`: the page, then the rules it understood, one per line (and --json)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import yp

from .test_style import STUDY_STYLE


def test_empire_style_prints_the_rules_it_understood(init_workspace: Path, tmp_path: Path) -> None:
    root = init_workspace
    style = tmp_path / "style.md"
    style.write_text(STUDY_STYLE + "- [bold red]Rich markup[/] is printed as typed\n", encoding="utf-8")
    added = yp("-w", str(root), "empire", "add", "Study Lab", "--niche", "study", "--style-file", str(style))
    assert added.returncode == 0, added.stderr

    shown = yp("-w", str(root), "empire", "style", "Study Lab")
    assert shown.returncode == 0, shown.stderr
    understood = shown.stdout.split("Rules understood:", 1)[1].splitlines()
    lines = [line.strip() for line in understood if line.strip()]
    assert "Always end with: Study smarter, not longer. See you in the next one." in lines
    assert "Language: no swearing" in lines and "Never say: hack, grind, cram" in lines
    assert "[bold red]Rich markup[/]" in shown.stdout  # literally, never as terminal markup

    as_json = json.loads(yp("-w", str(root), "empire", "style", "Study Lab", "--json").stdout)
    assert "Language: no clickbait" in as_json["understood"]
    assert as_json["rules"]["sign_off"] == "Study smarter, not longer. See you in the next one."
