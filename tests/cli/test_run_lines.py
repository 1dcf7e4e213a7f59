"""What a run's summary line says: an outline is called an outline, and WF5 says why it proposes nothing."""

from __future__ import annotations

from young_production.cli.app import _prospects
from young_production.cli.render import result_line
from young_production.workflows.engine.base import EntryOutcome, WorkflowResult


def _wf3(*kinds: str) -> WorkflowResult:
    entries = [EntryOutcome(id=str(i), title=f"P{i}", status="done", detail={"kind": k}) for i, k in enumerate(kinds)]
    return WorkflowResult(workflow="WF3", run_id="r", started_at="", dry_run=False, selected=len(kinds),
                          successful=len(kinds), entries=entries)


def test_the_rule_tier_outlines_and_a_model_scripts() -> None:
    assert "outlined 1, scripted 0" in result_line(_wf3("outline"))
    assert "outlined 1, scripted 1" in result_line(_wf3("outline", "script"))
    line = result_line(_wf3("script"))
    assert "scripted 1" in line and "outlined" not in line


def test_wf5_says_why_it_proposes_nothing() -> None:
    why = "6 topics measured over 12 videos; none holds without its biggest video: more published videos will tell"
    assert _prospects({"ideas": [], "why_no_idea": why}) == f"nothing new to propose: {why}"
    assert _prospects({"ideas": [{"title": "Desk tours that sell"}]}) == "1 idea(s): Desk tours that sell"
