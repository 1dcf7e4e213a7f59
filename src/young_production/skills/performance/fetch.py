"""S10: an Empire's videos and their counts, by the cheapest route that works.

Routes, in order of preference:

- `api`: the Data API when `youtube.api_key` is set and the Empire names a YouTube
  channel (its `youtube_channel_id`, else a channel URL or @handle in `channel_url`);
  the team's own videos (the Productions' ids) are read too, even if not listed.
- `ytdlp`: without a key, public pages through yt-dlp from `channel_url` (a YouTube
  channel's Shorts and Videos tabs, or any listing page yt-dlp reads), newest
  `youtube.ytdlp_video_limit` per tab, plus the Productions' own video URLs.
- `snapshots`: neither a key nor a URL: only what was recorded before (Studio CSV
  exports brought in with `yp analytics import`).

Whatever the route, snapshots recorded earlier for the channel (Studio exports
included) are part of what S11 scores (see `channel_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

from ...config import YouTubeConfig
from ...errors import SourceError
from ...media.guard import AddressGuard
from ...records import Empire, Production
from ...youtube import ytdlp_metadata
from ...youtube.channels import CHANNEL_ID, ChannelRef, parse_channel_url
from ...youtube.data_api import YouTubeDataAPI
from ...youtube.quota import QuotaMeter
from ...youtube.stats import VideoStats
from .sync import production_video_id

ROUTES = ("api", "ytdlp", "snapshots")


SNAPSHOTS_FILE = "youtube_snapshots.db"  # in the workspace's state folder


def channel_key(empire: Empire) -> str:
    """How the Empire's videos are filed in the snapshot store: its channel id, else its record id."""
    return (empire.youtube_channel_id or "").strip() or f"empire:{empire.id}"


def channel_keys(empire: Empire) -> list[str]:
    """Every key the Empire's snapshots may be filed under (its record id before its channel id was known)."""
    return list(dict.fromkeys([f"empire:{empire.id}", channel_key(empire)]))


def youtube_channel(empire: Empire) -> ChannelRef | None:
    """The YouTube channel the Empire names, if any (a bad id is refused, a non-YouTube URL is None)."""
    if empire.youtube_channel_id:
        if not CHANNEL_ID.match(empire.youtube_channel_id.strip()):
            raise SourceError(f"YouTube channel id {empire.youtube_channel_id!r} is not UC followed by 22 characters")
        return parse_channel_url(empire.youtube_channel_id.strip())
    if empire.channel_url:
        try:
            return parse_channel_url(empire.channel_url)
        except SourceError:
            return None
    return None


def choose_route(empire: Empire, config: YouTubeConfig) -> tuple[str, str]:
    """(route, why) for this Empire under this config, without any network."""
    ref = youtube_channel(empire)
    if config.api_key.strip() and ref is not None:
        return "api", f"Data API for {ref.url}"
    if empire.channel_url or ref is not None:
        why = "no API key" if ref is not None else "not a YouTube channel"
        return "ytdlp", f"public pages through yt-dlp ({why})"
    return "snapshots", "no channel URL: recorded snapshots only (Studio imports)"


@dataclass
class Fetched:
    route: str
    channel_id: str | None
    videos: list[VideoStats] = field(default_factory=list)
    quota_units: int = 0
    quota_line: str | None = None
    notes: list[str] = field(default_factory=list)


def fetch_performance(
    empire: Empire,
    productions: Sequence[Production],
    *,
    config: YouTubeConfig,
    state_dir: Path,
    guard: AddressGuard,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Fetched:
    """The Empire's videos by the chosen route. A bad or over-quota key raises `AccountError`."""
    route, _ = choose_route(empire, config)
    own_ids = [vid for p in productions if (vid := production_video_id(p))]
    if route == "api":
        ref = youtube_channel(empire)
        assert ref is not None
        meter = QuotaMeter(state_dir, config.daily_quota_budget, clock=clock)
        with YouTubeDataAPI(config.api_key, meter, base_url=config.base_url, transport=transport, clock=clock) as api:
            read = api.channel_videos(ref, include_ids=own_ids)
        return Fetched("api", read.channel_id, read.videos, meter.run_units, meter.summary(), read.notes)
    if route == "ytdlp":
        ref = youtube_channel(empire)
        listing = empire.channel_url or (ref.url if ref else "")
        own_urls = [p.youtube_url or f"https://www.youtube.com/watch?v={production_video_id(p)}"
                    for p in productions if production_video_id(p)]
        read = ytdlp_metadata.channel_videos(listing, guard=guard, limit=config.ytdlp_video_limit,
                                             include_urls=own_urls, clock=clock)
        return Fetched("ytdlp", empire.youtube_channel_id, read.videos, notes=read.notes)
    return Fetched("snapshots", empire.youtube_channel_id)
