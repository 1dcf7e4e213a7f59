"""WF3 on the engine: scripts from linked references, in the Empire's style, written once, status moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.records import DNAStatus, Empire, Production, ProductionStatus, ViralDNA, body_text
from young_production.runtime import open_store
from young_production.skills.empires import add_empire
from young_production.store.base import iter_records
from young_production.workflows.args import LinkArgs, ScriptArgs
from young_production.workflows.engine.base import RunOptions

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
    run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO)))
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
    run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO)))
    title = "Saving money with compound interest"
    punchy = run(workspace, "wf3", RunOptions(args=ScriptArgs(production=ids[title])))
    punchy_page = _page(workspace, ids[title])

    store = open_store(workspace)  # the same production, now for the reflective Empire
    reflective = next(e for e in iter_records(store, Empire) if e.name == "Reflective")
    store.update(Production, ids[title], {"empire_ids": [reflective.id], "status": ProductionStatus.RESEARCHING})
    store.close()
    calm = run(workspace, "wf3", RunOptions(args=ScriptArgs(production=ids[title])))
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
    result = run(workspace, "wf3", RunOptions(args=ScriptArgs(production=target)))
    assert result.failed == 1
    assert "not decoded yet" in (result.entries[0].error or "")
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
        linked = run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO)))
        scripted = run(workspace, "wf3")
        assert linked.failed == 0 and scripted.failed == 0, [e.error for e in scripted.entries]
        assert scripted.successful >= 3
        target = ids["Hook viewers in the first 30 seconds"]
        assert production(workspace, target).status is ProductionStatus.DNA_MATCHING
        assert "Stay curious." in _page(workspace, target)
        writes = dict(emulator.requests)
        pages = {i: _page(workspace, i) for i in ids.values()}
        assert run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO))).failed == 0
        assert run(workspace, "wf3").selected == 0
        after = dict(emulator.requests)
        for op in ("pages.create", "pages.update", "blocks.children.append", "blocks.delete"):
            assert after.get(op, 0) == writes.get(op, 0), op  # the reruns wrote nothing
        assert {i: _page(workspace, i) for i in ids.values()} == pages


# --- the demo's Short: a free outline first, then a full script from a model --------------------

DEMO_SCRIPT = {  # what a model might write for the demo's Short, in the Creator Notes voice
    "hook": {"text": "You have thirty seconds before your viewer decides to stay or scroll.", "reference": "R1",
             "pattern": "direct_address", "chapter": None},
    "open_loops": [{"text": "And the thing that decides it is not your thumbnail.", "reference": "R1",
                    "pattern": "open_loop", "chapter": None}],
    "beats": [
        {"text": "Your opening makes a promise, whether you mean it or not.", "reference": "R1",
         "pattern": "perspective", "chapter": None},
        {"text": "Viewers stay while they believe you will keep it, and they leave the moment you wander. "
                 "So cut the intro, it is basically a delay.", "reference": "R2", "pattern": "example",
         "chapter": None},
    ],
    "payoff": {"text": "So say the promise in your first line, then spend the video keeping it.", "reference": "R1",
               "pattern": "payoff", "chapter": None},
    "call_to_action": {"text": "Rewrite your next opening tonight.", "reference": "none",
                       "pattern": "call_to_action", "chapter": None},
}


def _demo_workspace(root: Path):  # noqa: ANN202
    """The demo's Empire and Short (its own style page and notes), linked to the bundled references."""
    from tests.skills.scripting.real_references import sample_dna
    from young_production.config import Workspace
    from young_production.demo import plan_a_video

    workspace = Workspace(root)
    workspace.init()
    store = open_store(workspace)
    try:
        plan_a_video(store, lambda _: None)
        short = next(p for p in iter_records(store, Production) if p.title.startswith("Why your first thirty"))
        dna_ids = [store.create(d.model_copy(update={"id": None})).id for d in sample_dna()]
        store.add_relations(Production, short.id, "dna_ids", dna_ids)
    finally:
        store.close()
    return workspace, short.id


def test_the_demo_short_gets_an_outline_then_a_full_script_from_a_model(tmp_path: Path) -> None:
    from tests.skills.scripting.test_model_scripts import ScriptedOpenAI
    from young_production.skills.scripting.enforce import find_avoided, sentences_of, word_count
    from young_production.skills.scripting.style import style_for_empire

    workspace, short_id = _demo_workspace(tmp_path / "ws")
    outlined = run(workspace, "wf3")
    assert outlined.successful == 1, [e.error for e in outlined.entries]
    draft = outlined.entries[0].detail["draft"]
    assert draft["script"]["kind"] == "outline" and draft["originality"]["flags"] == []
    page = _page(workspace, short_id)
    assert "This is an outline, not a script" in page
    assert f"yp run wf3 --production {short_id} --provider anthropic` (Claude, claude-sonnet-5-5: at most $" in page
    assert production(workspace, short_id).status is ProductionStatus.DNA_MATCHING

    with ScriptedOpenAI([DEMO_SCRIPT]) as emulator:
        workspace.update_yaml("ai_config.yaml", lambda d: d.update({
            "prices": {**d.get("prices", {}), "llama3.2": {"input": 0, "output": 0}},
            "skills": {s: {"max_output_tokens": 16000} for s in ("S19", "S20", "S21")},
            "openai": {"api_key": emulator.api_key, "base_url": emulator.base_url + "/v1", "default_model": "llama3.2"},
        }))
        scripted = run(workspace, "wf3", RunOptions(provider="openai", args=ScriptArgs(production=short_id)))
    assert scripted.successful == 1, [e.error for e in scripted.entries]
    draft = scripted.entries[0].detail["draft"]
    assert draft["script"]["kind"] == "script" and draft["script"]["provider"] == "openai"
    store = open_store(workspace)
    try:
        empire = store.get(Empire, production(workspace, short_id).empire_ids[0])
        style = style_for_empire(store, empire)
    finally:
        store.close()
    # every style check: no banned word, the sign-off exact, sentences within the limit, time, originality
    text = "\n".join(b["text"] for b in draft["script"]["beats"])
    assert find_avoided(text, style) == [] and "basically" in DEMO_SCRIPT["beats"][1]["text"]
    assert text.endswith("Make the next one better.")
    assert all(word_count(s) <= style.max_sentence_words for s in sentences_of(text))
    assert style.shorts_seconds[0] <= draft["script"]["seconds"] <= style.shorts_seconds[1]
    assert draft["originality"]["flags"] == [] and not [w for w in draft["warnings"] if "no clean break" in w]
    page = _page(workspace, short_id)
    assert "OUTLINE" not in page and "You have thirty seconds" in page  # the script replaced the outline


def test_a_production_without_references_gets_an_outline_from_its_notes(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    target = ids["Sleep instead of coffee"]
    result = run(workspace, "wf3", RunOptions(args=ScriptArgs(production=target)))
    assert result.successful == 1, [e.error for e in result.entries]
    page = _page(workspace, target)
    assert "no Viral DNA is linked: this outline comes from the title and notes alone" in page
    assert production(workspace, target).status is ProductionStatus.DNA_MATCHING
