"""WF1 end to end on the Notion emulator gives the same results as on SQLite.

Captions and article routes (no Whisper or OCR, so this stays fast), plus a bad input,
through the real yt-dlp and trafilatura over loopback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from young_production.config import Workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.tools.sample_server import SampleServer
from young_production.skills.crud import add_dna
from young_production.skills.dna.transcribe import Transcriber
from young_production.store.base import iter_records
from young_production.store.notion.client import Pacer
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.setup import init_workspace
from young_production.workflows.engine.base import RunOptions
from young_production.workflows import open_engine

from .factory import FAST_RATE

SAMPLE_PATHS = ("captioned/", "article/", "no/such/page.html")
COMPARED = ("title", "url", "key", "source_type", "niche_tags", "transcript", "transcript_source",
            "perspective", "hook", "hook_pattern", "open_loop", "status", "error_reason", "views",
            "confidence", "unsure", "needs_review")


def workspace_at(root: Path, env: dict[str, str]) -> Workspace:
    workspace = Workspace(root, env=env)
    workspace.init()
    workspace.update_yaml("pipeline.yaml", lambda d: d.setdefault("sources", {}).update(allow_private_addresses=True))
    workspace.update_yaml("databases.yaml", lambda d: d["notion"].update(rate_limit_per_sec=FAST_RATE))
    return workspace


def encode(workspace: Workspace, server: SampleServer, transcriber: Transcriber) -> dict[str, dict[str, Any]]:
    """Add the samples, run WF1 twice; the decoded fields by URL."""
    with open_engine(workspace, transcriber=transcriber) as engine:
        store = engine.runtime.store
        for path in SAMPLE_PATHS:
            add_dna(store, server.url(path), title=f"sample {path}")
        first = engine.run("wf1", RunOptions(workers=2))
        assert first.selected == 3 and first.successful == 2 and first.failed == 1
        again = engine.run("wf1", RunOptions(workers=2))
        assert again.selected == 0
        entries = list(iter_records(store, ViralDNA))
    assert len(entries) == 3
    assert all(e.processed_at is not None for e in entries)
    return {e.url or "": {name: getattr(e, name) for name in COMPARED} for e in entries}


def test_wf1_on_the_emulator_matches_wf1_on_sqlite(
    tmp_path: Path, sample_http: SampleServer, transcriber: Transcriber
) -> None:
    on_sqlite = encode(workspace_at(tmp_path / "sqlite", {}), sample_http, transcriber)
    with NotionEmulator() as emulator:
        env = {"NOTION_API_KEY": emulator.api_key, "NOTION_BASE_URL": emulator.base_url}
        workspace = workspace_at(tmp_path / "notion", env)
        init_workspace(workspace, emulator.root_page_id, pacer=Pacer(FAST_RATE))
        assert workspace.store_config().store == "notion"
        on_notion = encode(workspace, sample_http, transcriber)
        assert emulator.requests["pages.create"] == 3

    assert on_notion == on_sqlite
    statuses = sorted(e["status"] for e in on_notion.values())
    assert statuses == [DNAStatus.ENCODED, DNAStatus.ENCODED, DNAStatus.FAILED]
    assert all(e["perspective"] or "perspective" in e["unsure"] for e in on_notion.values()
               if e["status"] is DNAStatus.ENCODED)
    assert all(e["needs_review"] is bool(e["unsure"]) for e in on_notion.values())
