"""Runs that explain themselves: a run that selects nothing says why and what to do next."""

from __future__ import annotations

from pathlib import Path

from young_production.config import Workspace
from young_production.records import DNAStatus, ProductionStatus, ViralDNA
from young_production.runtime import Runtime, open_store
from young_production.skills.edits import set_production
from young_production.skills.empires import add_empire
from young_production.skills.productions import add_production
from young_production.workflows.base import RunOptions
from young_production.workflows.engine import plan_workflow

from .running import run


def note(workspace: Workspace, name: str, **extra: object) -> str | None:
    with Runtime(workspace) as runtime:
        result = plan_workflow(runtime, name, RunOptions(dry_run=True, extra=dict(extra)))
    assert result.selected == 0
    return result.note


def test_selected_zero_comes_with_the_reason_and_the_next_step(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.init()
    assert "yp dna add URL" in (note(workspace, "wf1") or "")
    assert "no productions yet" in (note(workspace, "wf2") or "")
    assert "yp empire add" in (note(workspace, "wf4") or "")

    store = open_store(workspace)
    empire, _ = add_empire(store, "Money Moves")
    idea, _ = add_production(store, "An idea", empire)
    add_production(store, "Another idea", empire)
    researching, _ = add_production(store, "Being researched", empire, status=ProductionStatus.RESEARCHING)
    store.create(ViralDNA(title="A reference", url="https://example.com/a", status=DNAStatus.FAILED,
                          error_reason="HTTP 404"))
    store.close()

    assert note(workspace, "wf1") == ("0 Viral DNA entries wait to be decoded: 0 decoded, 1 failed "
                                      "(`yp run wf1 --retry-failed`, or `yp dna retry ID` for one); "
                                      "`yp dna add URL` adds one")
    store = open_store(workspace)
    set_production(store, researching, status=ProductionStatus.PUBLISHED)
    store.close()
    assert note(workspace, "wf2") == ('0 productions are Researching; 2 are Idea, 1 is Published: '
                                      '`yp production set ID --status "Researching"` moves one')
    assert note(workspace, "wf3") == ('0 productions are Researching; 2 are Idea, 1 is Published: '
                                      '`yp production set ID --status "Researching"` moves one')
    store = open_store(workspace)
    set_production(store, idea, status=ProductionStatus.RESEARCHING)
    store.close()
    with Runtime(workspace) as runtime:  # something to do: no note
        assert plan_workflow(runtime, "wf3", RunOptions(dry_run=True)).note is None


def test_a_real_run_keeps_the_note_in_its_summary(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.init()
    result = run(workspace, "wf2", RunOptions(extra={"auto": True, "min_score": 0.5, "top": 3}))
    assert result.selected == 0 and "no productions yet" in (result.summary()["note"] or "")
