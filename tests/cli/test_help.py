"""Help written for people: words for values, commands in groups, one example each, one word for WF1."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from young_production.cli.app import app
from young_production.cli.helptext import for_people
from young_production.config import Workspace
from young_production.records import Production, ViralDNA
from young_production.runtime import open_store
from young_production.store.resolve import noun

README = Path(__file__).resolve().parents[2] / "README.md"
TYPE_TAG = re.compile(r"<(bool|str|int|float|path|list\[[a-z]+\])[^>]*>|\[x[<>]=|int range|float range")
ENCODE = re.compile(r"\bencod(e|es|ing|er)\b|\bencoded\b")  # "Encoded", the status value, is a name


def command_paths(command, path: tuple[str, ...] = ()):  # noqa: ANN001, ANN201
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


def _walk(command, path: tuple[str, ...]):  # noqa: ANN001, ANN202
    for name in path:
        command = command.commands[name]
    return command


def help_of(path: tuple[str, ...]) -> str:
    command = for_people(typer.main.get_command(app))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        command.main([*path, "--help"], standalone_mode=False, prog_name="yp")
    return out.getvalue()


ALL = list(command_paths(typer.main.get_command(app)))
_ROOT = typer.main.get_command(app)
# every command, and `runs`, a group that is also a command (it lists the runs)
COMMANDS = [p for p in ALL if p and (not getattr(_walk(_ROOT, p), "commands", None) or p == ("runs",))]


def test_the_tree_is_walked() -> None:
    assert ("dna", "list") in ALL and ("run", "wf1") in ALL and ("runs", "show") in ALL and len(ALL) > 30


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "yp")
def test_help_has_no_type_tags_and_one_example(path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = help_of(path)
    assert "Usage: yp" in text, text
    assert TYPE_TAG.search(text) is None, text
    assert not ENCODE.search(text), text
    if path in COMMANDS:  # a group lists its commands; each command shows one way to use it
        assert len(re.findall(r"Example:\s+yp\s", text)) == 1, text


def test_root_help_groups_commands_start_here_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = help_of(())
    panels = re.findall(r"╭─ ([A-Za-z ]+?) ─", text)
    assert panels == ["Options", "Start here", "Your lists", "Workflows", "Analytics", "Admin"], panels
    start = text[text.index("Start here"):text.index("Your lists")]
    assert all(word in start for word in ("init", "demo", "doctor"))
    assert "DIR" in text  # --workspace DIR


def test_metavars_are_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    add = help_of(("dna", "add"))
    assert "URL|FILE" in add and re.search(r"--tag\s+-t\s+TAG", add)
    assert re.search(r"--limit\s+N\b", help_of(("dna", "list")))
    assert re.search(r"--style-file\s+FILE", help_of(("empire", "add")))


def test_readme_says_decode() -> None:
    assert not ENCODE.search(README.read_text(encoding="utf-8"))


def test_errors_name_records_in_words(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    store = open_store(workspace)
    try:
        for kind in (Production, ViralDNA):
            with pytest.raises(Exception) as failure:
                store.get(kind, "0000aaaa-0000-0000-0000-000000000000")
            assert str(failure.value).startswith(f"no {noun(kind)} with id"), failure.value
            assert "record" not in str(failure.value)
    finally:
        store.close()
    shown = subprocess.run([sys.executable, "-m", "young_production", "-w", str(workspace.root), "production", "show",
                            "zzzz"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 1 and "production" in shown.stderr and "productions record" not in shown.stderr
