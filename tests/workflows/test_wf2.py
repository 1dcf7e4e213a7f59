"""WF2 on the engine: ranked suggestions, decisions (automatic and typed at a real terminal), links."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from young_production.records import Production
from young_production.runtime import open_store
from young_production.store.base import iter_records
from young_production.workflows.args import LinkArgs
from young_production.workflows.engine.base import RunOptions
from young_production.workflows.engine.runs import RunRecords

from tests.terminal import Terminal

from .loop_data import DNA, make_workspace, production, seed
from .running import run

AUTO = {"auto": True, "min_score": 0.3, "top": 2}


def _dna_titles(workspace, ids: list[str]) -> list[str]:  # noqa: ANN001
    from young_production.records import ViralDNA

    store = open_store(workspace)
    try:
        return [store.get(ViralDNA, i).title for i in ids]
    finally:
        store.close()


def test_yes_links_the_best_references_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    result = run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO)))
    assert result.selected == 4 and result.failed == 0, [e.error for e in result.entries]
    hook = production(workspace, ids["Hook viewers in the first 30 seconds"])
    assert _dna_titles(workspace, hook.dna_ids)[0] == DNA[0][0]
    saving = production(workspace, ids["Saving money with compound interest"])
    assert DNA[1][0] in _dna_titles(workspace, saving.dna_ids)
    assert all(len(production(workspace, i).dna_ids) <= 2 for i in ids.values())

    before = {p.id: p.dna_ids for p in iter_records(open_store(workspace), Production)}
    again = run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO)))
    assert again.failed == 0
    assert {p.id: p.dna_ids for p in iter_records(open_store(workspace), Production)} == before

    records = RunRecords(f"sqlite:///{workspace.state_dir / 'engine.sqlite'}")
    decisions = records.decisions("WF2")
    records.close()
    assert len(decisions) == 4  # one per production: the rerun decided nothing twice
    shown = decisions[0]["data"]["shown"]
    assert shown and {"relevance_score", "parts", "selected"} <= set(shown[0])


def test_existing_links_are_kept_and_never_duplicated(tmp_path: Path) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    store = open_store(workspace)
    target = ids["Hook viewers in the first 30 seconds"]
    from young_production.records import ViralDNA

    thumbnails = next(d for d in iter_records(store, ViralDNA) if d.title == DNA[3][0])
    store.add_relations(Production, target, "dna_ids", [thumbnails.id])
    store.close()
    run(workspace, "wf2", RunOptions(args=LinkArgs(auto=True, min_score=0.0, top=5)))
    linked = production(workspace, target).dna_ids
    assert linked[0] == thumbnails.id and len(linked) == len(set(linked)) == len(DNA)


def _yp(workspace_root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "young_production", "-w", str(workspace_root), *args]


PROMPT = "uit ›"


@pytest.mark.slow  # a terminal session, key by key
def test_a_person_approves_modifies_skips_then_ctrl_c_and_the_next_run_asks_only_what_is_left(
    tmp_path: Path,
) -> None:
    workspace, ids = make_workspace(tmp_path / "ws")
    term = Terminal(_yp(workspace.root, "run", "wf2"))
    term.wait_for(PROMPT, 1, timeout=120)
    term.send("a\r")                                   # production 1: approve all shown
    term.wait_for(PROMPT, 2)
    term.send("m\r")                                   # production 2: modify...
    term.wait_for("Numbers to link", 1)
    term.send("9\r")                                   # ...a number not on the list
    term.wait_for("9 is not on the list", 1)
    term.wait_for("Numbers to link", 2)
    term.send("1\r")                                   # ...then a good one
    term.wait_for(PROMPT, 3)
    term.send("s\r")                                   # production 3: skip
    term.wait_for(PROMPT, 4)
    term.send("\x03")                                  # production 4: Ctrl-C
    assert term.finish() == 130, term.text[-2000:]

    titles = [t for t, _, _ in __import__("tests.workflows.loop_data", fromlist=["PRODUCTIONS"]).PRODUCTIONS]
    first, second, third, fourth = (production(workspace, ids[t]) for t in titles)
    assert len(first.dna_ids) >= 2               # all shown were linked
    assert len(second.dna_ids) == 1              # only the one picked
    assert third.dna_ids == [] and fourth.dna_ids == []

    # The next run asks only the production left undecided.
    term = Terminal(_yp(workspace.root, "run", "wf2"))
    term.wait_for(PROMPT, 1, timeout=120)
    assert titles[3] in term.text and titles[0] not in term.text
    term.send("a\r")
    assert term.finish() == 0, term.text[-2000:]
    assert production(workspace, ids[titles[3]]).dna_ids
    assert production(workspace, ids[titles[1]]).dna_ids == second.dna_ids


@pytest.mark.slow  # two terminal sessions per store
@pytest.mark.parametrize("kind", ["sqlite", "notion"])
def test_again_revisits_a_skipped_then_a_linked_production_showing_its_links(tmp_path: Path, kind: str) -> None:
    from tests.workflows.review_rig import store_workspace

    with store_workspace(kind, tmp_path / kind) as (workspace, emulator):
        if emulator is not None:  # the `yp` processes find the emulator through the workspace's .env
            (workspace.root / ".env").write_text(
                f"NOTION_API_KEY={emulator.api_key}\nNOTION_BASE_URL={emulator.base_url}\n", encoding="utf-8")
        ids = seed(workspace)
        target = ids["Saving money with compound interest"]

        def wf2(*args: str) -> Terminal:
            return Terminal(_yp(workspace.root, "run", "wf2", "--production", target[:8], *args))

        term = wf2()
        term.wait_for(PROMPT, 1, timeout=120)
        term.send("s\r")                                  # skip it
        assert term.finish() == 0, term.text[-2000:]
        assert "skipped 1" in term.text and "linked 0" in term.text
        assert production(workspace, target).dna_ids == []

        term = wf2()                                      # decided: nothing is asked
        assert term.finish(timeout=120) == 0, term.text[-2000:]
        assert "nothing to decide: 1 production(s) decided earlier" in " ".join(term.text.split())
        assert PROMPT not in term.text

        term = wf2("--again")                             # the skipped one, asked again
        term.wait_for(PROMPT, 1, timeout=120)
        assert "Linked now" not in term.text
        term.send("1\r")
        assert term.finish() == 0, term.text[-2000:]
        assert "linked 1" in term.text and "skipped 0" in term.text
        linked = production(workspace, target).dna_ids
        assert len(linked) == 1

        term = wf2("--again")                             # the linked one, asked again: its links shown
        term.wait_for(PROMPT, 1, timeout=120)
        assert "Linked now (1):" in term.text and _dna_titles(workspace, linked)[0] in term.text
        term.send("s\r")
        assert term.finish() == 0, term.text[-2000:]
        assert "skipped 1" in term.text
        assert production(workspace, target).dna_ids == linked  # a skip keeps what was linked

        everyone = subprocess.run(_yp(workspace.root, "run", "wf2", "--yes", "--min-score", "0.3", "--json"),
                                  capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert everyone.returncode == 0, everyone.stderr
        counts = json.loads(everyone.stdout)["decisions"]
        assert counts["unchanged"] == 1 and counts["linked"] + counts["skipped"] == 3
        linked_now = sum(1 for i in ids.values() if i != target and production(workspace, i).dna_ids)
        assert counts["linked"] == linked_now
