"""WF5 Empire prospecting end to end: WF4 scores the Empire's videos (Data API emulator), then WF5
turns strong references into ideas and uncovered clusters into proposed Empires, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.review_rig import api_with_channel, opened, seed_empire, store_workspace
from young_production.records import (
    DNAStatus, Empire, Production, ProductionStatus, Report, SourceType, VideoFormat, ViralDNA,
)
from young_production.runtime import Runtime
from young_production.store.base import Store, iter_records
from young_production.workflows.args import EmpireArgs
from young_production.workflows.engine.base import RunOptions
from young_production.workflows import plan_workflow

from .running import run

PERIOD = "2025-06-01"
IDEA = "The 2-minute rule for habits that stick"


def reference(store: Store, title: str, views: float, tags: list[str], hook: str = "statement",
              kind: SourceType = SourceType.YOUTUBE_VIDEO) -> ViralDNA:
    slug = "-".join(title.lower().split())[:60]
    return store.create(ViralDNA(title=title, url=f"https://example.com/{slug}", source_type=kind, niche_tags=tags,
                                 hook=title, hook_pattern=hook, status=DNAStatus.ENCODED, views=views))


def library(store: Store) -> dict[str, ViralDNA]:
    """Strong and weak references on the Empire's niche, a cluster no Empire covers, and filler."""
    made = {
        "idea": reference(store, IDEA, 900_000, ["habits"], hook="question"),
        "same topic": reference(store, "Habits that stick: the 2-minute rule explained", 500_000, ["habits"]),
        "duplicate": reference(store, "Five habits that stick", 800_000, ["habits"]),
        "weak": reference(store, "My habit tracker", 9_000, ["habits"]),
        "off niche": reference(store, "Cold plunge for beginners", 1_000_000, ["cold plunge"]),
    }
    for i, title in enumerate(("Sourdough starter from scratch", "Open crumb sourdough at home",
                               "Sourdough discard crackers")):
        made[f"bread {i}"] = reference(store, title, 1_200_000 + i, ["sourdough", "baking"])
    for i in range(10):
        made[f"filler {i}"] = reference(store, f"Filler clip number {i}", 20_000 + i, [f"filler{i}"])
    return made


def prospect(workspace, **options):  # noqa: ANN001, ANN003
    args = options.pop("args", EmpireArgs(period=PERIOD))
    return run(workspace, "wf5", RunOptions(args=args, **options))


IDEA_TITLE = "Habit stacking: a new long video with a question hook"


def habit_stacking_wins(channel) -> None:  # noqa: ANN001
    """The long videos made from the strong reference are titled 'Habit stacking N' and do 3x as well."""
    for video in channel.videos:
        if video.kind == "video" and int(video.video_id[1:10]) % 7 >= 5:  # the rig links these to `strong`
            video.title = f"Habit stacking {video.video_id[1:10].lstrip('0') or '0'}"
            video.views *= 3


@pytest.mark.parametrize("kind", ["sqlite", "notion"])
def test_prospecting_creates_ideas_and_proposals_once(tmp_path: Path, kind: str) -> None:
    with api_with_channel() as (api, channel), store_workspace(
        kind, tmp_path / kind, {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        habit_stacking_wins(channel)
        store = opened(workspace)
        seeded = seed_empire(store, channel)
        refs = library(store)
        store.create(Production(title="5 habits that actually stick", empire_ids=[seeded.empire.id]))
        reviewed = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))  # WF4's scores feed the lift
        assert reviewed.ok
        review_page = (workspace.root / reviewed.entries[0].detail["report"]).read_text(encoding="utf-8")

        with Runtime(workspace) as runtime:  # the dry run lists, and creates nothing
            planned = plan_workflow(runtime, "wf5", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD)))
        by_title = {e.title: e.detail for e in planned.entries}
        assert by_title["Habit Lab"]["would_create"] == [IDEA_TITLE]
        assert by_title["Across Empires"]["would_propose"] == ["Sourdough (proposed)"]
        before = len(list(iter_records(store, Production)))

        result = prospect(workspace)
        assert result.ok and result.successful == 2, result.summary()
        outcome = {e.title: e.detail for e in result.entries}
        assert outcome["Habit Lab"]["ideas"] == [IDEA_TITLE] and outcome["Habit Lab"]["created"] == 1
        ideas = [p for p in iter_records(store, Production) if p.status is ProductionStatus.IDEA and p.key]
        assert len(list(iter_records(store, Production))) == before + 1
        (idea,) = [p for p in ideas if p.title == IDEA_TITLE]
        titles = {d.title for d in refs.values()} | {p.title for p in seeded.productions.values()}
        assert idea.title not in titles  # never a reference's or a video's own title
        # its material: the strongest unused references on the topic, linked, not copied
        assert sorted(idea.dna_ids) == sorted([refs["idea"].id, refs["duplicate"].id, refs["same topic"].id])
        assert idea.empire_ids == [seeded.empire.id] and idea.format is VideoFormat.VIDEO
        # its reason: the finding WF4 measured, with WF4's very numbers (one computation)
        (finding,) = [line for line in idea.notes.split("; ") if "lifts this Empire's videos" in line]
        assert "hook pattern: question" in finding and "topic: habit / stacking" in finding
        assert "over 16 published videos" in finding  # the 16 long videos the rig made from `strong`
        numbers = finding.split("lifts this Empire's videos ")[1].split(" over")[0]  # e.g. "2.87x [2.61-3.15]"
        lift, interval = numbers.split("x [")
        assert f"{float(lift):g}x" in review_page.replace(".0x", "x") and interval.rstrip("]") in review_page

        proposed = [e for e in iter_records(store, Empire) if e.status == "Proposed"]
        assert [e.name for e in proposed] == ["Sourdough (proposed)"]
        assert proposed[0].niche_tags == ["sourdough", "baking"] and "Sourdough starter" in proposed[0].notes

        reports = [r for r in iter_records(store, Report) if r.workflow == "wf5"]
        assert len(reports) == 2
        html = (workspace.root / outcome["Habit Lab"]["report"]).read_text(encoding="utf-8")
        assert IDEA_TITLE in html and "near-duplicates" in html and "data:image/png;base64," in html

        again = prospect(workspace)  # the same period: the first result
        assert again.successful == 2 and len(list(iter_records(store, Production))) == before + 1
        later = prospect(workspace, args=EmpireArgs(period="2025-06-08"))  # a new period: nothing new to make
        assert later.ok and all(e.detail["created"] == 0 for e in later.entries)
        assert len(list(iter_records(store, Production))) == before + 1
        assert len([e for e in iter_records(store, Empire) if e.status == "Proposed"]) == 1
        store.close()
