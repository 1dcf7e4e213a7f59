"""`yp demo` end to end: the whole loop on the bundled samples, offline, and a rerun that does nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.demo import run_demo
from young_production.records import Empire, Production, ProductionStatus, Report, body_text
from young_production.runtime import open_store
from young_production.store.base import iter_records
from young_production.workflows.engine.base import RunOptions

from tests.workflows.running import run

pytestmark = pytest.mark.slow


def test_the_demo_runs_the_whole_loop(tmp_path: Path) -> None:
    outcome = run_demo(tmp_path / "demo")
    assert list(outcome.results) == ["wf1", "wf2", "wf3", "wf4", "wf5"]
    assert outcome.ok, {name: r.summary() for name, r in outcome.results.items() if not r.ok}
    assert outcome.results["wf1"].successful == 4

    store = open_store(outcome.workspace)
    try:
        empire = next(e for e in iter_records(store, Empire) if e.name == "Creator Notes")
        short = next(p for p in iter_records(store, Production) if p.title.startswith("Why your first thirty"))
        assert short.dna_ids and short.status is ProductionStatus.DNA_MATCHING
        page = body_text(store.read_body(short.id or ""))
        assert "Make the next one better." in page  # the Empire's sign-off, from its style page
        assert page.startswith("Script\nOUTLINE for a Short") and "no copied runs" in page  # 0 originality flags
        published = [p for p in iter_records(store, Production) if p.status is ProductionStatus.PUBLISHED]
        assert len(published) == 12 and all(p.views is not None for p in published)
        assert any(p.outlier_score for p in published)
        # 12 published videos: the best topic ('suuz', 8.5x) rests on its one 368x video, so WF5 proposes
        # nothing rather than noise, and its report says why and what would change that
        ideas = [p for p in iter_records(store, Production) if p.status is ProductionStatus.IDEA]
        assert ideas == []
        (prospecting,) = [r for r in iter_records(store, Report) if r.workflow == "wf5" and r.empire_ids == [empire.id]]
        assert "No new idea: " in (prospecting.summary or "") and "more published videos will tell" in prospecting.summary
        assert {r.workflow for r in iter_records(store, Report)} >= {"wf4", "wf5"}
    finally:
        store.close()
    reports = list((outcome.workspace.root / "reports").rglob("report.html"))
    assert reports and (reports[0].parent / "charts").is_dir()
    review = outcome.results["wf4"].entries[0].detail
    assert review["route"] == "export"  # the demo's Empire has no channel: its imported export is the source
    assert review["source"].startswith("Source: YouTube Studio export channel-export.csv, imported ")
    (markdown,) = (outcome.workspace.root / review["report"]).parent.glob("report.md")
    assert review["source"] in markdown.read_text(encoding="utf-8").replace("\\", "")

    again = run(outcome.workspace, "wf1", RunOptions())
    assert again.selected == 0
