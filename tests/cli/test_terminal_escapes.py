"""Terminal control sequences in titles, notes, tags and names are shown, never sent to the terminal.

Anyone who can edit a shared Notion database can type `\\e]0;PWNED\\a\\e[2J` into a title:
printed raw it retitles the operator's terminal and clears the screen (or draws a fake
approval table). Every command that prints records is walked here with such a title;
its output must carry the visible form (`\\x1b`) and no raw control character.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terminal import Terminal
from young_production.cli.sanitise import SafeConsole, json_text, visible
from young_production.config import Workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.runtime import open_store

ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x9b6n\u202e"
TITLE = f"Sleep{ESCAPES} better"
# Anything a terminal acts on: C0 but newline (and the tab some tables use), DEL, C1, direction overrides.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REFERENCE = (
    "Why do you wake up tired after eight hours of sleep? Most people blame the hours. "
    "The real reason is the timing of your sleep cycles, and I will show you how to fix it. "
    "Each cycle lasts about ninety minutes. Waking in the middle of one leaves you groggy. "
    "So plan your alarm at the end of a cycle and your mornings change."
)


def yp(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "young_production", "-w", str(root), *args], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, timeout=180)


def printed_safely(proc: subprocess.CompletedProcess[str], *args: str) -> str:
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "internal error" not in out, (args, out[-2000:])
    raw = RAW.search(out)
    assert raw is None, f"`yp {' '.join(args)}` printed a raw {raw.group()!r}:\n{out[-2000:]!r}"
    return out


@pytest.fixture
def hostile(init_workspace: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A workspace whose reference, Empire and production carry terminal escapes; their ids."""
    root = init_workspace
    reference = tmp_path / "sleep.txt"
    reference.write_text(REFERENCE, encoding="utf-8")
    ids = {}
    added = yp(root, "dna", "add", str(reference), "--title", TITLE, "--tag", "sleep", "--json")
    ids["dna"] = json.loads(added.stdout)["id"]
    empire = yp(root, "empire", "add", f"Empire{ESCAPES}", "--niche", "sleep", "--json")
    ids["empire"] = json.loads(empire.stdout)["id"]
    production = yp(root, "production", "add", TITLE, "--empire", ids["empire"], "--status", "Researching",
                    "--notes", f"sleep cycles and waking tired{ESCAPES}", "--json")
    ids["production"] = json.loads(production.stdout)["id"]
    return root, ids


@pytest.mark.slow  # about 30 `yp` processes, 3 of them engine runs
def test_every_command_that_prints_records_shows_escapes_visibly(hostile: tuple[Path, dict[str, str]]) -> None:
    root, ids = hostile
    walk: list[tuple[str, ...]] = [
        ("dna", "show", f"nope{ESCAPES}"),  # an error quoting what was asked for
        ("dna", "list"),
        ("dna", "show", ids["dna"]),
        ("run", "wf1", "--dry-run"),
        ("run", "wf1"),
        ("dna", "list"),
        ("dna", "show", ids["dna"]),
        ("empire", "list"),
        ("empire", "show", ids["empire"]),
        ("production", "add", TITLE, "--empire", ids["empire"]),
        ("production", "list"),
        ("production", "show", ids["production"]),
        ("run", "wf2", "--dry-run"),
        ("run", "wf2", "--yes", "--min-score", "0"),
        ("run", "wf3", "--dry-run"),
        ("run", "wf3"),
        ("production", "show", ids["production"]),
        ("run", "wf4", "--dry-run"),
        ("production", "add", "x", "--empire", f"No such{ESCAPES}"),  # an error quoting the name
        ("runs",),
        ("empire", "style", ids["empire"]),
        ("production", "set", ids["production"], "--notes", f"redraft{ESCAPES}"),
        ("production", "link", ids["production"], ids["dna"]),
        ("dna", "set", ids["dna"], "--tag", "sleep"),
    ]
    shown = [printed_safely(yp(root, *args), *args) for args in walk]
    everything = "\n".join(shown)
    assert "\\x1b]0;PWNED" in everything and "\\x9b6n" in everything
    for number in (1, 2, 10, 11, 14, 15):
        assert "\\x1b" in shown[number], (walk[number], shown[number][-1500:])
    runs = json.loads(yp(root, "runs", "--json").stdout)
    for run in runs:
        printed_safely(yp(root, "runs", "show", run["run_id"]), "runs", "show", run["run_id"])


@pytest.mark.slow  # a WF2 terminal session, like WF2's own terminal tests
def test_the_wf2_approval_table_in_a_terminal_shows_escapes_visibly(hostile: tuple[Path, dict[str, str]]) -> None:
    root, ids = hostile
    store = open_store(Workspace(root, env={}))
    try:  # decoded as WF1 would, so that WF2 has it to suggest whatever the decoder makes of the text
        store.update(ViralDNA, ids["dna"], {
            "status": DNAStatus.ENCODED, "perspective": f"Sleep cycles, not hours{ESCAPES}, decide how you wake",
            "hook": "Why do you wake up tired after eight hours of sleep?", "hook_pattern": "question",
            "niche_tags": ["sleep"]})
    finally:
        store.close()
    term = Terminal([sys.executable, "-m", "young_production", "-w", str(root), "run", "wf2"])
    term.wait_for("uit ›", 1)
    term.send("s\r")
    assert term.finish() == 0
    assert "\x1b]0;" not in term.raw and "\x1b[2J" not in term.raw and "\x9b" not in term.raw
    assert "Sleep\\x1b]0;PWNED\\x07\\x1b[2J" in term.text


def test_visible_keeps_text_and_shows_every_control_character() -> None:
    assert visible("plain [b] text\nnext\tcell") == "plain [b] text\nnext\tcell"
    assert visible("a\x1b[2Jb\x07\x00\x7f\x85\u202e") == "a\\x1b[2Jb\\x07\\x00\\x7f\\x85\\u202e"
    assert json.loads(json_text({"t": "\x9b\x1b"})) == {"t": "\x9b\x1b"} and "\x9b" not in json_text("\x9b")


def test_the_console_shows_escapes_that_reach_it_by_any_path(tmp_path: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    with (tmp_path / "out").open("w", encoding="utf-8") as fh:
        console = SafeConsole(file=fh, force_terminal=True, width=80)
        table = Table(title=Text("t\x1b]0;x"))
        table.add_column("raw")
        table.add_row(Text("\x1b[2Jcell"))
        console.print(table)
        console.print("line \x1b[1A up", markup=False, highlight=False)
        console.print("[bold]styled[/]")
    out = (tmp_path / "out").read_text(encoding="utf-8")
    assert "\x1b[2J" not in out and "\x1b]0" not in out and "\x1b[1A" not in out
    # measured before it was made visible, so the cell may be cut: safe, though not aligned
    assert "│ \\x1b[2J" in out and "line \\x1b[1A up" in out
    assert "\x1b[1m" in out  # Rich's own styling still reaches the terminal


def test_a_confirmation_prompt_shows_escapes_visibly(hostile: tuple[Path, dict[str, str]]) -> None:
    root, ids = hostile
    term = Terminal([sys.executable, "-m", "young_production", "-w", str(root), "dna", "remove", ids["dna"][:8]])
    term.wait_for("[y/N]", 1)
    term.send("n\r")
    assert term.finish() == 1
    assert "\x1b]0;" not in term.raw and "\x1b[2J" not in term.raw and "\x9b" not in term.raw
    assert "Sleep\\x1b]0;PWNED" in term.text
