"""The CLI against hostile or careless input: one clear line, never a traceback, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from young_production.config import Workspace
from young_production.records import ViralDNA
from young_production.runtime import open_store

MARKUP = "Why [/bold] breaks [red]everything[/red] [link=x]"


def yp(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "young_production", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    assert "internal error" not in proc.stderr, proc.stderr[-2000:]


@pytest.fixture
def workspace(init_workspace: Path) -> Path:
    return init_workspace


def test_a_title_full_of_markup_is_printed_literally_everywhere(workspace: Path) -> None:
    added = yp("-w", str(workspace), "dna", "add", "https://example.com/a[/bold]b", "--title", MARKUP)
    no_traceback(added)
    assert added.returncode == 0 and MARKUP in added.stdout
    entry_id = added.stdout.split()[1]
    for args in (("dna", "list"), ("dna", "show", entry_id)):
        shown = yp("-w", str(workspace), *args)
        no_traceback(shown)
        assert shown.returncode == 0 and "[/bold]" in shown.stdout, args
    empire = yp("-w", str(workspace), "empire", "add", MARKUP)
    no_traceback(empire)
    assert yp("-w", str(workspace), "empire", "list").returncode == 0


def test_list_and_show_print_the_records_as_json(workspace: Path) -> None:
    for i in range(3):
        yp("-w", str(workspace), "dna", "add", f"https://example.com/v{i}", "--title", f"T{i}", "--tag", "x")
    listed = yp("-w", str(workspace), "dna", "list", "--json")
    data = json.loads(listed.stdout)
    assert [d["title"] for d in data] == ["T0", "T1", "T2"]
    assert {"id", "url", "source_type", "niche_tags", "perspective", "hook", "open_loop", "status"} <= set(data[0])
    shown = json.loads(yp("-w", str(workspace), "dna", "show", data[0]["id"], "--json").stdout)
    assert shown["id"] == data[0]["id"] and shown["niche_tags"] == ["x"]


def test_a_long_list_says_it_is_cut_and_bad_limits_are_usage_errors(workspace: Path) -> None:
    ws = Workspace(workspace)
    store = open_store(ws)
    for i in range(5):
        store.create(ViralDNA(key=f"k{i}", title=f"entry {i}", url=f"https://example.com/{i}"))
    store.close()
    cut = yp("-w", str(workspace), "dna", "list", "--limit", "3")
    assert "more exist" in cut.stdout and "entry 3" not in cut.stdout
    assert "entry 4" in yp("-w", str(workspace), "dna", "list", "--all").stdout
    bad = yp("-w", str(workspace), "dna", "list", "--limit", "-1")
    no_traceback(bad)
    assert bad.returncode == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary junk\xff\xfe", "not UTF-8"),
        (b"workers: 0\n", "workers"),
        (b"workers: 100000\n", "workers"),
        (b"workers: [1, 2\n", "not valid YAML"),
    ],
)
def test_a_broken_pipeline_config_is_one_clear_line(workspace: Path, content: bytes, words: str) -> None:
    (workspace / "config" / "pipeline.yaml").write_bytes(content)
    proc = yp("-w", str(workspace), "run", "wf1")
    no_traceback(proc)
    assert proc.returncode == 1 and words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_init_on_a_file_and_a_state_folder_that_cannot_be_written(tmp_path: Path, workspace: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    proc = yp("init", str(afile))
    no_traceback(proc)
    assert proc.returncode == 1 and "is a file" in proc.stderr

    yp("-w", str(workspace), "dna", "add", "https://example.com/x")
    state = workspace / "state"
    for child in state.iterdir():
        child.unlink() if child.is_file() else None
    state.rmdir()
    state.write_text("not a folder")  # works as root too, unlike chmod
    proc = yp("-w", str(workspace), "run", "wf1")
    no_traceback(proc)
    assert proc.returncode == 1 and "state folder" in proc.stderr
    store = open_store(Workspace(workspace))
    assert [e.status.value for e in store.query(ViralDNA).items] == ["New"]  # nothing was touched
    store.close()


def test_a_folder_given_to_dna_add_says_so(workspace: Path, tmp_path: Path) -> None:
    proc = yp("-w", str(workspace), "dna", "add", str(tmp_path))
    no_traceback(proc)
    message = proc.stderr.lower()
    assert proc.returncode == 1 and ("folder" in message or "directory" in message)


def test_help_says_what_the_tool_does_for_you() -> None:
    proc = yp("--help")
    assert proc.returncode == 0
    assert "decode viral references" in proc.stdout and "Typer" not in proc.stdout


def test_a_second_run_of_the_same_workflow_is_told_who_holds_the_workspace(workspace: Path) -> None:
    from young_production.workflows.engine.executors import RunLock, WorkspaceBusy

    with RunLock(workspace / "state", "WF1", "run-one"):
        proc = yp("-w", str(workspace), "run", "wf1")
        no_traceback(proc)
        assert proc.returncode == 1 and "another `yp run wf1` is running" in proc.stderr
        assert "run-one" in proc.stderr
        with pytest.raises(WorkspaceBusy):
            with RunLock(workspace / "state", "WF1", "run-two"):
                pass
