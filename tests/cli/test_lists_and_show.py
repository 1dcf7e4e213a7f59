"""Lists and `show` commands at 80 and 200 columns, on SQLite and on the Notion emulator.

Lists: one line per record (8-character id, the title cut at the end with "…", a few
narrow columns; less important ones dropped at 80), `--wide`, `--limit N` / `--all`,
and the width of the terminal when the output is piped. Shows: decoded or planned
fields first with readable labels, the transcript last and cut unless `--transcript`,
and a production's page whole, as sections.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal import Terminal
from tests.workflows.review_rig import store_workspace
from young_production.config import Workspace
from young_production.records import (DNAStatus, Empire, Production, ProductionStatus, SourceType,
                                      TranscriptSource, ViralDNA, bullet, heading, paragraph)
from young_production.runtime import open_store

LONG_TITLE = "Why {} people quit the gym in February and what the other ones do differently every single week"
PERSPECTIVE = "Consistency beats intensity because habits are built by repetition, not by effort"
TRANSCRIPT = " ".join(f"Sentence number {i} of the transcript says something about habits." for i in range(220))
SCRIPT_LINE = ("This line of the outline is deliberately long so that a table cell would have cut it off, "
               "but the page is shown whole at any width, down to its very last word: lighthouse.")
ENTRIES = 14


@pytest.fixture(scope="module", params=["sqlite", "notion"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, dict[str, str]]]:
    """Seeded once per store for the module: the tests that take it only list and show."""
    with store_workspace(request.param, tmp_path_factory.mktemp("seeded") / "ws") as (workspace, _):
        store = open_store(workspace)
        try:
            empire = store.create(Empire(name="Habit Lab", niche_tags=["habits", "fitness"],
                                         channel_url="https://www.youtube.com/@habitlab"))
            entries = [
                store.create(ViralDNA(
                    key=f"k{i}", title=LONG_TITLE.format(i), url=f"https://example.com/{i}",
                    source_type=SourceType.YOUTUBE_VIDEO, niche_tags=["habits", "fitness", "motivation"],
                    perspective=PERSPECTIVE, hook=f"Why do {i} people quit?", hook_pattern="question",
                    open_loop="The reason is not motivation, and it comes at the end.", views=1_000_000 + i,
                    status=DNAStatus.ENCODED, transcript=TRANSCRIPT, transcript_source=TranscriptSource.CAPTIONS,
                ))
                for i in range(ENTRIES)
            ]
            production = store.create(Production(
                title=LONG_TITLE.format("most"), status=ProductionStatus.RESEARCHING, empire_ids=[empire.id or ""],
                dna_ids=[entries[0].id or "", entries[1].id or ""], notes="gym habits, February, what sticks",
            ))
            store.write_section(production.id or "", "Script", [
                paragraph("OUTLINE for a video of about 9:00"),
                heading("Outline", 3),
                paragraph(f"0:00-0:20 · HOOK · question hook\n{SCRIPT_LINE}"),
                heading("Scenes", 3),
                bullet("Scene 1 · 0:00-0:20 (beat 1)\nOn screen: *not emphasis* [not a link](x)"),
            ])
        finally:
            store.close()
        yield workspace, {"empire": empire.id or "", "dna": entries[0].id or "", "production": production.id or ""}


def yp(workspace: Workspace, *args: str, columns: int | None = 80) -> str:
    env = {**os.environ, **workspace.env}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    done = subprocess.run([sys.executable, "-m", "young_production", "-w", str(workspace.root), *args],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^[0-9a-f]{8}  ", line)]


@pytest.mark.parametrize("width", [80, 200])
def test_lists_print_one_line_per_record_that_fits(seeded: tuple[Workspace, dict[str, str]], width: int) -> None:
    workspace, ids = seeded
    for args, count in ((("dna", "list"), ENTRIES), (("production", "list"), 1), (("empire", "list"), 1)):
        out = yp(workspace, *args, columns=width)
        lines = out.splitlines()
        assert len(lines) == count + 2, out  # heading, column names, one line per record
        assert all(len(line.rstrip()) <= width for line in lines), out
        assert len(rows(out)) == count, out
    dna = yp(workspace, "dna", "list", columns=width)
    header = dna.splitlines()[1]
    assert ids["dna"][:8] in dna and ids["dna"] not in dna
    if width == 80:  # the title keeps its room; the least important columns went first
        assert all(line.rstrip().endswith(("…", "question", "Encoded", "youtube_video")) for line in rows(dna))
        assert "…" in rows(dna)[0] and "Perspective" not in header and "Tags" not in header
        assert "Status" in header
    else:
        assert "Perspective" in header and "Tags" in header and LONG_TITLE.format(0)[:60] in dna
    production = yp(workspace, "production", "list", columns=width)
    assert ids["production"][:8] in production and "Researching" in production


def test_wide_limit_and_all(seeded: tuple[Workspace, dict[str, str]]) -> None:
    workspace, ids = seeded
    wide = yp(workspace, "dna", "list", "--wide", columns=200)
    assert ids["dna"] in wide and "Perspective" in wide and "…" not in wide  # whole values, wrapped in their column
    assert "Consistency" in wide and "effort" in wide and "week" in wide
    cut = yp(workspace, "dna", "list", "--limit", "3")
    assert len(rows(cut)) == 3 and "more exist" in cut and "--all" in cut
    assert len(rows(yp(workspace, "dna", "list", "--all"))) == ENTRIES
    assert len(rows(yp(workspace, "production", "list", "--limit", "1"))) == 1
    assert len(json.loads(yp(workspace, "empire", "list", "--limit", "1", "--json"))) == 1


@pytest.mark.parametrize("width", [80, 200])
def test_dna_show_puts_what_was_decoded_first_and_cuts_the_transcript(
    seeded: tuple[Workspace, dict[str, str]], width: int
) -> None:
    workspace, ids = seeded
    out = yp(workspace, "dna", "show", ids["dna"][:6], columns=width)
    assert all(len(line.rstrip()) <= width for line in out.splitlines())
    flat = " ".join(out.split())
    for label in ("Perspective", "Hook", "Open loop", "Transcript (captions"):
        assert label in out, out
    assert "hook_patte" not in out and "error_reas" not in out and "hook_pattern" not in out
    assert flat.index(PERSPECTIVE) < flat.index("Why do 0 people quit?") < flat.index("Transcript")
    assert "Sentence number 0 " in flat and "number 219 " not in flat and "add --transcript" in out
    assert len(out.splitlines()) < 30
    whole = " ".join(yp(workspace, "dna", "show", ids["dna"], "--transcript", columns=width).split())
    assert "Sentence number 219 of the transcript" in whole


@pytest.mark.parametrize("width", [80, 200])
def test_production_show_has_a_header_then_the_whole_page(seeded: tuple[Workspace, dict[str, str]], width: int) -> None:
    workspace, ids = seeded
    out = yp(workspace, "production", "show", ids["production"][:8], columns=width)
    lines = out.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), out
    flat = " ".join(out.split())
    assert flat.startswith(f"{LONG_TITLE.format('most')} id {ids['production'][:8]} · Researching · video")
    assert "Empire Habit Lab" in flat and f"{ids['dna'][:8]} {LONG_TITLE.format(0)}" in flat
    assert "…" not in out
    assert SCRIPT_LINE in flat and "*not emphasis* [not a link](x)" in flat
    assert flat.index("References") < flat.index("Script") < flat.index("Outline") < flat.index("Scenes")
    as_json = json.loads(yp(workspace, "production", "show", ids["production"], "--json"))
    assert as_json["linked_dna"] == [LONG_TITLE.format(0), LONG_TITLE.format(1)]
    assert SCRIPT_LINE in as_json["page"] and as_json["id"] == ids["production"]


def test_empire_show_reads_in_words(seeded: tuple[Workspace, dict[str, str]]) -> None:
    workspace, ids = seeded
    out = yp(workspace, "empire", "show", "Habit Lab")
    assert out.splitlines()[0] == "Habit Lab" and f"id {ids['empire'][:8]}" in out and "1 production" in out
    assert "Niche" in out and "habits, fitness" in out and "No writing style yet" in out


def test_without_a_terminal_or_columns_a_list_is_80_wide_and_piped_it_takes_the_terminals(tmp_path: Path) -> None:
    with store_workspace("sqlite", tmp_path / "ws") as (workspace, _):
        store = open_store(workspace)
        store.create(ViralDNA(key="k", title=LONG_TITLE.format(1), url="https://example.com/1", perspective=PERSPECTIVE,
                              niche_tags=["habits"], status=DNAStatus.ENCODED))
        store.close()
        plain = yp(workspace, "dna", "list", columns=None)
        assert max(len(line.rstrip()) for line in plain.splitlines()) <= 80 and "Perspective" not in plain
        command = f"{sys.executable} -m young_production -w {workspace.root} dna list | cat"
        term = Terminal(["/bin/sh", "-c", command], columns=200)
        assert term.finish() == 0
        piped = term.text
        assert "Perspective" in piped and LONG_TITLE.format(1) in piped, piped
        assert max(len(line) for line in piped.splitlines()) <= 200


def test_runs_and_a_run_fit_80_columns(tmp_path: Path) -> None:
    with store_workspace("sqlite", tmp_path / "ws") as (workspace, _):
        notes = tmp_path / "notes.txt"
        notes.write_text("Why do you quit the gym? Because the plan is too big. Start with ten minutes a day. "
                         "By the end of the month you will see why it works.", encoding="utf-8")
        yp(workspace, "dna", "add", str(notes), "--title", LONG_TITLE.format(3))
        yp(workspace, "run", "wf1")
        for width in (80, 200):
            runs = yp(workspace, "runs", columns=width)
            assert len(rows(runs)) == 1 and all(len(line.rstrip()) <= width for line in runs.splitlines()), runs
            assert "$0.0000" in runs and re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", runs), runs
        run_id = json.loads(yp(workspace, "runs", "--json"))[0]["run_id"]
        shown = yp(workspace, "runs", "show", run_id[:6])
        assert f"run {run_id[:8]} · WF1" in shown and len(rows(shown)) == 1
        assert all(len(line.rstrip()) <= 80 for line in shown.splitlines()), shown
        assert "Why 3 people quit" in shown and "success" in shown
