"""A workspace with encoded Viral DNA, two Empires and productions, for WF2 and WF3 tests.

The DNA is written as WF1 leaves it (perspective, hook, open loop, tags, transcript),
so the tests exercise linking and scripting without downloading or transcribing.
"""

from __future__ import annotations

from pathlib import Path

from young_production.config import Workspace
from young_production.records import (
    Block,
    DNAStatus,
    Production,
    ProductionStatus,
    SourceType,
    TranscriptSource,
    VideoFormat,
    ViralDNA,
)
from young_production.runtime import open_store
from young_production.skills.empires import add_empire
from young_production.skills.productions import add_production

DNA = [
    ("The 30 second hook that keeps viewers", SourceType.YOUTUBE_SHORT, ["youtube", "hooks"],
     "Viewers decide in the first thirty seconds whether a video keeps its promise.",
     "question [0:00-0:04] Why do most viewers leave in the first thirty seconds?",
     "By the end you will know the one sentence that keeps them.",
     "Why do most viewers leave in the first thirty seconds? Because the opening makes a promise the video "
     "does not keep. Open with the result, state the promise plainly, and pay it off before the end. "
     "The one sentence that keeps them is the promise itself, said in the first line."),
    ("Compound interest explained with coffee", SourceType.YOUTUBE_VIDEO, ["finance", "saving"],
     "Small daily savings grow into large sums because interest compounds.",
     "result_first [0:00-0:06] Skipping one coffee a day made me ten thousand dollars.",
     "I will show you the exact maths at the end.",
     "Skipping one coffee a day made me ten thousand dollars. Interest compounds: each year you earn interest "
     "on last year's interest. Put four dollars a day into an index fund and wait fifteen years. The exact "
     "maths is simple: the money doubles about every ten years at seven percent."),
    ("Why sleep beats caffeine", SourceType.ARTICLE, ["health", "sleep"],
     "Sleep restores attention better than caffeine ever can.",
     "bold_claim Caffeine is borrowing energy from tomorrow.",
     None,
     "Caffeine is borrowing energy from tomorrow. Sleep clears adenosine, the molecule that makes you tired, "
     "while caffeine only hides it. Seven hours of sleep restores attention more than any dose of coffee."),
    ("How thumbnails get clicks", SourceType.YOUTUBE_VIDEO, ["youtube", "thumbnails"],
     "A thumbnail earns the click by showing one face and one idea.",
     "number_list [0:00-0:05] Three rules made my thumbnails double their clicks.",
     "The third rule is the one nobody uses.",
     "Three rules made my thumbnails double their clicks. Show one face. Show one idea. Use three words at "
     "most. The third rule is the one nobody uses, and it matters most because people scroll fast."),
]

PUNCHY = [
    Block(type="heading_2", text="Writing style"),
    Block(type="bulleted_list_item", text="Voice: direct, second person"),
    Block(type="bulleted_list_item", text="Keep sentences under 12 words"),
    Block(type="bulleted_list_item", text="Never say: basically, literally"),
    Block(type="bulleted_list_item", text='Always end with: "Stay curious."'),
]
REFLECTIVE = [
    Block(type="heading_2", text="Writing style"),
    Block(type="bulleted_list_item", text="Voice: calm and reflective, first person plural"),
    Block(type="bulleted_list_item", text="Long reflective sentences, about 25 words"),
    Block(type="bulleted_list_item", text="Avoid: hack, crush"),
    Block(type="bulleted_list_item", text='Always end with: "See you next week."'),
]

PRODUCTIONS = [
    ("Hook viewers in the first 30 seconds", VideoFormat.SHORT, "the opening promise that keeps viewers watching"),
    ("Saving money with compound interest", VideoFormat.VIDEO, "small daily savings, interest that compounds"),
    ("Thumbnails that earn the click", VideoFormat.VIDEO, "faces, one idea, few words"),
    ("Sleep instead of coffee", VideoFormat.SHORT, "why sleep restores attention better than caffeine"),
]


def make_workspace(root: Path, *, env: dict[str, str] | None = None) -> tuple[Workspace, dict[str, str]]:
    """A new SQLite workspace, seeded (see `seed`)."""
    workspace = Workspace(root, env=env)
    workspace.init()
    return workspace, seed(workspace)


def seed(workspace: Workspace) -> dict[str, str]:
    """The DNA, Empires "Punchy" and "Reflective", and one production per idea (all for Punchy,
    status Researching), on the workspace's store. Returns production title -> id."""
    store = open_store(workspace)
    try:
        for title, source_type, tags, perspective, hook, loop, transcript in DNA:
            store.create(ViralDNA(
                key=f"dna:{title}", title=title, url=f"https://example.com/{abs(hash(title))}",
                source_type=source_type, niche_tags=tags, transcript=transcript,
                transcript_source=TranscriptSource.CAPTIONS, perspective=perspective, hook=hook,
                hook_pattern=hook.split()[0], open_loop=loop, status=DNAStatus.ENCODED,
            ))
        punchy, _ = add_empire(store, "Punchy", niche_tags=["youtube", "finance"], style=PUNCHY[1:])
        add_empire(store, "Reflective", niche_tags=["health"], style=REFLECTIVE[1:])
        ids = {}
        for title, fmt, notes in PRODUCTIONS:
            production, _ = add_production(store, title, punchy, format=fmt, notes=notes,
                                           status=ProductionStatus.RESEARCHING)
            ids[title] = production.id or ""
    finally:
        store.close()
    return ids


def production(workspace: Workspace, production_id: str) -> Production:
    store = open_store(workspace)
    try:
        return store.get(Production, production_id)
    finally:
        store.close()
