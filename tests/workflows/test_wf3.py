"""WF3 on the engine: scripts from linked references, in the Empire's style, written once, status moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.records import DNAStatus, Empire, Production, ProductionStatus, ViralDNA, body_text
from young_production.runtime import open_store
from young_production.skills.empires import add_empire
from young_production.store.base import iter_records
from young_production.workflows.base import RunOptions

from .loop_data import make_workspace, production
from .running import run

AUTO = {"auto": True, "min_score": 0.2, "top": 2}


def _page(workspace, production_id: str) -> str:  # noqa: ANN001
    store = open_store(workspace)
    try:
        return body_text(store.read_body(production_id))
    finally:
        store.close()


def test_linked_productions_get_a_script_once_and_move_on(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    run(workspace, "wf2", RunOptions(extra=AUTO))
    result = run(workspace, "wf3")
    linked = [i for i in ids.values() if production(workspace, i).dna_ids]
    assert result.selected == len(linked) and result.failed == 0, [e.error for e in result.entries]
    for entry in result.entries:
        draft = entry.detail["draft"]
        beats = draft["script"]["beats"]
        assert beats and all("role" in b and "pattern" in b for b in beats)
        assert any(b["dna_id"] for b in beats)  # beats name the reference they came from
        assert production(workspace, entry.id).status is ProductionStatus.DNA_MATCHING
        page = _page(workspace, entry.id)
        assert "Stay curious." in page  # the Empire's sign-off
        assert not any("basically" in b["text"].lower() for b in beats)  # an avoided word

    pages = {i: _page(workspace, i) for i in linked}
    again = run(workspace, "wf3")
    assert again.selected == 0
    assert {i: _page(workspace, i) for i in linked} == pages


def test_the_same_production_in_two_styles_gives_two_scripts(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    run(workspace, "wf2", RunOptions(extra=AUTO))
    title = "Saving money with compound interest"
    punchy = run(workspace, "wf3", RunOptions(extra={"production": ids[title]}))
    punchy_page = _page(workspace, ids[title])

    store = open_store(workspace)  # the same production, now for the reflective Empire
    reflective = next(e for e in iter_records(store, Empire) if e.name == "Reflective")
    store.update(Production, ids[title], {"empire_ids": [reflective.id], "status": ProductionStatus.RESEARCHING})
    store.close()
    calm = run(workspace, "wf3", RunOptions(extra={"production": ids[title]}))
    calm_page = _page(workspace, ids[title])
    assert punchy.successful == calm.successful == 1
    assert "See you next week." in calm_page and "Stay curious." not in calm_page
    assert calm_page != punchy_page


def test_a_reference_not_encoded_yet_fails_the_production_and_writes_nothing(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    store = open_store(workspace)
    raw = store.create(ViralDNA(key="raw", title="Not decoded yet", url="https://example.com/raw",
                                status=DNAStatus.NEW))
    target = ids["Sleep instead of coffee"]
    store.add_relations(Production, target, "dna_ids", [raw.id])
    store.close()
    result = run(workspace, "wf3", RunOptions(extra={"production": target}))
    assert result.failed == 1
    assert "not encoded yet" in (result.entries[0].error or "")
    assert production(workspace, target).status is ProductionStatus.RESEARCHING
    assert _page(workspace, target) == ""


@pytest.mark.parametrize("style_text", ["", "   \n"])
def test_an_empty_style_is_refused_before_anything_is_written(tmp_path: Path, style_text: str) -> None:
    from young_production.errors import YPError
    from young_production.skills.scripting.style import style_from_file

    path = tmp_path / "style.md"
    path.write_text(style_text)
    with pytest.raises(YPError, match="empty"):
        style_from_file(path)
    workspace, _ = make_workspace(tmp_path / "ws")
    store = open_store(workspace)
    with pytest.raises(YPError):
        add_empire(store, "Blank", style=[])
    assert not any(e.name == "Blank" and body_text(store.read_body(e.id)) for e in iter_records(store, Empire))
    store.close()


def test_reflective_style_is_read_from_the_empire_page(tmp_path: Path) -> None:
    from young_production.skills.scripting.style import style_for_empire

    workspace, _ = make_workspace(tmp_path / "ws")
    store = open_store(workspace)
    empire = next(e for e in iter_records(store, Empire) if e.name == "Reflective")
    rules = style_for_empire(store, empire)
    store.close()
    assert "hack" in rules.avoid and rules.sign_off == "See you next week."
    assert rules.voice and "reflective" in rules.voice


def test_link_and_script_on_notion_write_once(tmp_path: Path) -> None:
    from tests.workflows.loop_data import seed
    from tests.workflows.review_rig import store_workspace

    with store_workspace("notion", tmp_path / "notion") as (workspace, emulator):
        ids = seed(workspace)
        linked = run(workspace, "wf2", RunOptions(extra=AUTO))
        scripted = run(workspace, "wf3")
        assert linked.failed == 0 and scripted.failed == 0, [e.error for e in scripted.entries]
        assert scripted.successful >= 3
        target = ids["Hook viewers in the first 30 seconds"]
        assert production(workspace, target).status is ProductionStatus.DNA_MATCHING
        assert "Stay curious." in _page(workspace, target)
        writes = dict(emulator.requests)
        pages = {i: _page(workspace, i) for i in ids.values()}
        assert run(workspace, "wf2", RunOptions(extra=AUTO)).failed == 0
        assert run(workspace, "wf3").selected == 0
        after = dict(emulator.requests)
        for op in ("pages.create", "pages.update", "blocks.children.append", "blocks.delete"):
            assert after.get(op, 0) == writes.get(op, 0), op  # the reruns wrote nothing
        assert {i: _page(workspace, i) for i in ids.values()} == pages
