"""Runs that explain themselves: a run that selects nothing says why and what to do next; a record
removed while a run goes is skipped, with the reason in the run record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from young_production.config import Workspace
from young_production.demo import prepare_demo_workspace
from young_production.records import DNAStatus, ProductionStatus, TranscriptSource, ViralDNA
from young_production.runtime import Runtime, open_store
from young_production.skills.crud import add_dna
from young_production.skills.edits import remove_dna, remove_productions, set_production
from young_production.skills.empires import add_empire
from young_production.skills.productions import add_production
from young_production.tools.sample_server import SAMPLES, SampleServer
from young_production.workflows.args import LinkArgs
from young_production.workflows.engine.base import RunOptions
from young_production.workflows import workflow as load_workflow
from young_production.workflows import plan_workflow
from young_production.workflows.engine.inspect import show_run

from .running import run


def note(workspace: Workspace, name: str) -> str | None:
    with Runtime(workspace) as runtime:
        result = plan_workflow(runtime, name, RunOptions(dry_run=True))
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
    result = run(workspace, "wf2", RunOptions(args=LinkArgs(auto=True, min_score=0.5, top=3)))
    assert result.selected == 0 and "no productions yet" in (result.summary()["note"] or "")


def _remove_after_selection(monkeypatch: pytest.MonkeyPatch, name: str, remove: Callable[[Runtime], None]) -> None:
    """Make the workflow's selection remove a record it selected, as another shell would mid-run."""
    workflow = load_workflow(name)
    select = workflow.select

    def select_then_remove(runtime: Runtime, options: RunOptions) -> list:
        entries = select(runtime, options)
        remove(runtime)
        return entries

    monkeypatch.setattr(workflow, "select", select_then_remove)


def test_a_reference_removed_during_wf1_is_skipped_with_its_reason(
    tmp_path: Path, sample_http: SampleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    article = next(s for s in SAMPLES if s.route is TranscriptSource.ARTICLE)
    store = open_store(workspace)
    kept, _ = add_dna(store, sample_http.url(article.path), title="kept")
    gone, _ = add_dna(store, sample_http.url(article.path) + "?copy=1", title="gone")
    store.close()
    _remove_after_selection(monkeypatch, "wf1", lambda runtime: remove_dna(runtime.store, [gone]))
    result = run(workspace)
    outcomes = {e.id: e for e in result.entries}
    assert outcomes[kept.id or ""].status == "done"
    assert outcomes[gone.id or ""].status == "skipped" and result.failed == 0 and result.skipped == 1
    assert "removed while the run was going" in (outcomes[gone.id or ""].error or "")
    recorded = {e["entry_id"]: e for e in show_run(workspace, result.run_id)["entries"]}
    assert recorded[gone.id]["state"] == "skipped" and "removed" in recorded[gone.id]["error"]
    assert recorded[kept.id]["state"] == "success"


def test_a_production_removed_during_wf2_is_skipped_and_counted_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.workflows.loop_data import make_workspace

    from young_production.records import Production
    from young_production.workflows.wf2 import tally

    workspace, ids = make_workspace(tmp_path / "ws")
    target = ids["Saving money with compound interest"]
    _remove_after_selection(monkeypatch, "wf2", lambda runtime: remove_productions(
        runtime.store, [runtime.store.get(Production, target)]))
    result = run(workspace, "wf2", RunOptions(args=LinkArgs(auto=True, min_score=0.0, top=1)))
    outcomes = {e.id: e for e in result.entries}
    assert outcomes[target].status == "skipped" and "production was removed" in (outcomes[target].error or "")
    counts = tally(result)
    assert counts["removed"] == 1 and counts["linked"] == 3 and counts["failed"] == 0


def test_a_production_removed_during_wf3_is_skipped_not_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.workflows.loop_data import make_workspace

    from young_production.records import Production

    workspace, ids = make_workspace(tmp_path / "ws")
    target = ids["Sleep instead of coffee"]
    _remove_after_selection(monkeypatch, "wf3", lambda runtime: remove_productions(
        runtime.store, [runtime.store.get(Production, target)]))
    result = run(workspace, "wf3")
    outcomes = {e.id: e for e in result.entries}
    assert outcomes[target].status == "skipped" and "production was removed" in (outcomes[target].error or "")
    assert result.failed == 0 and result.successful == len(ids) - 1


def test_an_entry_is_in_one_state_in_every_view() -> None:
    from young_production.workflows.engine.inspect import entry_state

    assert entry_state("SUCCESS", "failed") == "failed"  # the engine finished it; the entry failed
    assert entry_state("SUCCESS", "skipped") == "skipped"
    assert entry_state("SUCCESS", "done") == "success"
    assert entry_state("PENDING", None) == "pending" and entry_state(None, None) == "unknown"
