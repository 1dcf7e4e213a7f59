"""Shared set-up for the WF4/WF5 tests: a workspace on SQLite or on the Notion emulator, an Empire
with Productions made from Viral DNA, and the Data API emulator serving the Empire's channel."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.youtube_api import FakeChannel, YouTubeAPIEmulator
from tests.store.notion.factory import FAST_RATE
from tests.youtube.conftest import CHANNEL_ID, make_channel
from young_production.config import Workspace
from young_production.records import DNAStatus, Empire, Production, ProductionStatus, SourceType, ViralDNA
from young_production.runtime import open_store
from young_production.store.base import Store
from young_production.store.notion.client import Pacer
from young_production.store.notion.setup import init_workspace
from young_production.tools.notion_emulator import NotionEmulator

STRONG_HOOK, WEAK_HOOK = "question", "statement"


def workspace_at(root: Path, env: dict[str, str], youtube: dict | None = None) -> Workspace:
    workspace = Workspace(root, env=env)
    workspace.init()

    def pipeline(data: dict) -> None:
        data.setdefault("sources", {}).update(allow_private_addresses=True)
        data["workers"] = 1
        data.setdefault("youtube", {}).update(youtube or {})

    workspace.update_yaml("pipeline.yaml", pipeline)
    return workspace


@contextmanager
def store_workspace(kind: str, root: Path, youtube: dict | None = None) -> Iterator[tuple[Workspace, NotionEmulator | None]]:
    """A workspace on SQLite, or on a fresh Notion emulator with the four databases made by `init`."""
    if kind == "sqlite":
        yield workspace_at(root, {}, youtube), None
        return
    with NotionEmulator() as emulator:
        env = {"NOTION_API_KEY": emulator.api_key, "NOTION_BASE_URL": emulator.base_url}
        workspace = workspace_at(root, env, youtube)
        workspace.update_yaml("databases.yaml", lambda d: d["notion"].update(rate_limit_per_sec=FAST_RATE))
        init_workspace(workspace, emulator.root_page_id, pacer=Pacer(FAST_RATE))
        yield workspace, emulator


@dataclass
class Seeded:
    empire: Empire
    productions: dict[str, Production]  # by video id
    strong: ViralDNA
    weak: ViralDNA


def seed_empire(store: Store, channel: FakeChannel, *, name: str = "Habit Lab", channel_id: str | None = CHANNEL_ID,
                channel_url: str | None = None, tags: tuple[str, ...] = ("habits", "productivity")) -> Seeded:
    """The Empire, one Production per long video of the channel, the best made from a 'question' hook."""
    empire = store.create(Empire(name=name, key=f"test:{name}", youtube_channel_id=channel_id,
                                 channel_url=channel_url, niche_tags=list(tags)))
    strong = store.create(ViralDNA(title="Why you never finish what you start", url="https://example.com/a",
                                   source_type=SourceType.YOUTUBE_VIDEO, niche_tags=["habits"],
                                   hook="Why do you quit?", hook_pattern=STRONG_HOOK, status=DNAStatus.ENCODED,
                                   views=2_000_000, empire_ids=[empire.id]))
    weak = store.create(ViralDNA(title="A calm desk setup", url="https://example.com/b",
                                 source_type=SourceType.YOUTUBE_VIDEO, niche_tags=["desk"], hook="Here is my desk.",
                                 hook_pattern=WEAK_HOOK, status=DNAStatus.ENCODED, views=40_000))
    productions = {}
    for video in channel.videos:
        if video.kind != "video":
            continue
        rank = (int(video.video_id[1:10]) % 7)
        dna = [strong.id] if rank >= 5 else [weak.id] if rank <= 1 else []
        productions[video.video_id] = store.create(Production(
            title=video.title, status=ProductionStatus.PUBLISHED, empire_ids=[empire.id], dna_ids=dna,
            video_id=video.video_id, key=f"test:{video.video_id}"))
    return Seeded(store.get(Empire, empire.id), productions, strong, weak)


@contextmanager
def api_with_channel(**kwargs) -> Iterator[tuple[YouTubeAPIEmulator, FakeChannel]]:
    with YouTubeAPIEmulator() as api:
        channel = api.add_channel(make_channel(**kwargs))
        yield api, channel


def opened(workspace: Workspace) -> Store:
    return open_store(workspace)
