"""`yp demo`: the whole loop on bundled samples, offline, in a throwaway workspace.

1. WF1 decodes the bundled references. They are served on 127.0.0.1 by `SampleServer`,
   so the real yt-dlp, httpx, trafilatura, Whisper and OCR run exactly as on the web;
   the demo workspace allows exactly the sample server's address and port.
2. An Empire with a writing style gets a planned Short; WF2 links references to it
   (non-interactively) and WF3 scripts it in the Empire's voice.
3. The Empire's published videos come from a real YouTube Studio export; WF4 reviews
   them (outlier scores, what wins, a report with charts) and WF5 proposes what next.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import AIConfig, Workspace
from .records import DNAStatus, Empire, Production, ProductionStatus, VideoFormat, ViralDNA
from .skills.crud import add_dna
from .skills.empires import add_empire
from .skills.productions import add_production
from .skills.scripting.style import style_from_file
from .store.base import Store, iter_records
from .tools.sample_server import SAMPLES, SampleServer, samples_dir
from .workflows.args import EmpireArgs, LinkArgs
from .workflows.engine.base import Reporter, RunOptions, WorkflowResult
from .workflows import open_engine

PUBLISHED_VIDEOS = 12  # rows of the bundled Studio export that become the Empire's own videos


@dataclass
class DemoOutcome:
    workspace: Workspace
    results: dict[str, WorkflowResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results.values())


def prepare_demo_workspace(directory: Path | None, allow: Sequence[str] = ("127.0.0.1",)) -> Workspace:
    """A new workspace (a temp folder unless `directory`) whose guard allows the `allow` entries.

    `allow` goes to `sources.allow_private_addresses` (host, host:port or CIDR entries).
    """
    root = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="yp-demo-"))
    workspace = Workspace(root)
    workspace.init()

    def allow_sample_server(data: dict) -> None:
        data.setdefault("sources", {})["allow_private_addresses"] = list(allow)

    workspace.update_yaml("pipeline.yaml", allow_sample_server)
    return workspace


def run_demo(
    directory: Path | None = None,
    *,
    reporter_for: Callable[[str], Reporter | None] = lambda _: None,
    say: Callable[[str], None] = lambda _: None,
) -> DemoOutcome:
    """WF1 on the bundled references, then WF2-WF5 for a demo Empire; every result by workflow."""
    results: dict[str, WorkflowResult] = {}
    with SampleServer() as server:
        workspace = prepare_demo_workspace(directory, allow=[server.allow_entry])
        say(f"Demo workspace: {workspace.root}")
        say(f"Serving the bundled samples on {server.base_url}")
        with open_engine(workspace) as engine:
            store = engine.runtime.store
            for sample in SAMPLES:
                entry, created = add_dna(store, server.url(sample.path), title=sample.title, tags=["youtube"])
                say(f"  {'added' if created else 'have'}  {sample.title}")  # its kind is found when WF1 reads it
            results["wf1"] = engine.run("wf1", reporter=reporter_for("WF1"))
            show_unsure(engine.runtime.ai, store, say)

            empire = plan_a_video(store, say)
            results["wf2"] = engine.run("wf2", RunOptions(args=LinkArgs(auto=True, min_score=0.3, top=3)),
                                        reporter=reporter_for("WF2"))
            results["wf3"] = engine.run("wf3", reporter=reporter_for("WF3"))

            import_published_videos(workspace, store, empire, say)
            results["wf4"] = engine.run("wf4", RunOptions(args=EmpireArgs(empire=empire.id)), reporter=reporter_for("WF4"))
            results["wf5"] = engine.run("wf5", reporter=reporter_for("WF5"))
    return DemoOutcome(workspace=workspace, results=results)


def show_unsure(ai: AIConfig, store: Store, say: Callable[[str], None]) -> None:
    """One field the rules left unsure, and what asking a model for all of them would cost."""
    from .skills.dna.cascade import fill_offer, model_offer

    waiting = [d for d in iter_records(store, ViralDNA) if d.needs_review and d.unsure]
    if not waiting:
        return
    first = waiting[0]
    field = first.unsure[0]
    say(f"The rules were unsure of {field} in '{first.title}' (confidence {first.confidence.get(field, 0):.2f}): "
        f"left empty, not guessed; unsure (ask a model: {model_offer(ai, [field])})")
    say(f"Cascade dry run (`yp run wf1 --unsure --dry-run` with a model configured): {fill_offer(ai, waiting)}")


def plan_a_video(store: Store, say: Callable[[str], None]) -> Empire:
    """The demo Empire, with its writing style, and one planned Short waiting for references."""
    style = style_from_file(samples_dir() / "style" / "creator-notes.md")
    empire, _ = add_empire(store, "Creator Notes", niche_tags=["youtube", "creator", "growth"], style=style)
    production, _ = add_production(
        store,
        "Why your first thirty seconds decide your views",
        empire,
        format=VideoFormat.SHORT,
        notes="the opening promise, the hook, and why viewers leave or stay",
        status=ProductionStatus.RESEARCHING,
    )
    say(f"Empire '{empire.name}' (writing style from samples/style) plans a Short: {production.title}")
    return empire


def import_published_videos(workspace: Workspace, store: Store, empire: Empire, say: Callable[[str], None]) -> None:
    """The Empire's published videos, with their numbers from a real YouTube Studio export.

    Each is linked to a decoded reference (as if it had been made from it), so the review
    can tell which patterns won; one reference no production uses is left for WF5 to find.
    """
    from .skills.performance.studio_import import import_studio_export
    from .youtube.storage import snapshot_store
    from .youtube.studio_csv import read_studio_export

    export_path = samples_dir() / "studio" / "channel-export.csv"
    encoded = [d.id for d in iter_records(store, ViralDNA) if d.status is DNAStatus.ENCODED]
    used = {i for p in iter_records(store, Production) for i in p.dna_ids}
    spare = next((i for i in encoded if i not in used), None)  # left for prospecting to find
    references = [i for i in encoded if i != spare] or encoded
    rows = [r for r in read_studio_export(export_path).rows if r.published_at][:PUBLISHED_VIDEOS]
    for index, row in enumerate(rows):
        store.create(Production(
            key=f"demo:published:{row.video_id}",
            title=row.title or row.video_id,
            status=ProductionStatus.PUBLISHED,
            format=VideoFormat.VIDEO,
            empire_ids=[empire.id or ""],
            video_id=row.video_id,
            youtube_url=f"https://www.youtube.com/watch?v={row.video_id}",
            dna_ids=[references[index % len(references)]] if references else [],
        ))
    imported = import_studio_export(
        store, export_path, snapshots=snapshot_store(workspace), empire=empire
    )
    say(f"Imported a real YouTube Studio export: {imported.rows} videos, {len(imported.matched)} of them the Empire's own")
