"""S10: an Empire's videos and their counts, by the cheapest route that works.

Routes, in order of preference:

- `api`: the Data API when `youtube.api_key` is set and the Empire names a YouTube
  channel (its `youtube_channel_id`, else a channel URL or @handle in `channel_url`);
  the team's own videos (the Productions' ids) are read too, even if not listed.
- `export`: a Studio export imported (`yp analytics import`) for the Empire within
  `youtube.snapshot_max_age_days`: its numbers are on disk, nothing is fetched.
- `ytdlp`: public pages through yt-dlp from `channel_url` (a YouTube channel's Shorts
  and Videos tabs, or any listing page yt-dlp reads), newest `youtube.ytdlp_video_limit`
  per tab, plus the Productions' own video URLs.
- `snapshots`: none of these: only what was recorded before (older exports, earlier reviews).

`--source api|export|ytdlp` forces one (refused with the reason when it cannot
work). When the network route fails (no connection, YouTube refusing, a channel not
found), the review falls back to the newest snapshots and says so; a bad or
over-quota key still stops it. Whatever the route, snapshots recorded earlier for
the channel (Studio exports included) are part of what S11 scores (see `channel_key`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from ...config import YouTubeConfig
from ...errors import AccountError, SourceError, TransientError, YPError
from ...media.guard import AddressGuard
from ...records import Empire, Production
from ...youtube import ytdlp_metadata
from ...youtube.channels import CHANNEL_ID, ChannelRef, parse_channel_url
from ...youtube.data_api import APIError, YouTubeDataAPI
from ...youtube.quota import QuotaMeter
from ...youtube.snapshots import ImportRecord
from ...youtube.stats import VideoStats
from .sync import production_video_id

ROUTES = ("api", "export", "ytdlp", "snapshots")
FORCEABLE = ("api", "export", "ytdlp")


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


def choose_route(
    empire: Empire,
    config: YouTubeConfig,
    latest_import: ImportRecord | None = None,
    *,
    forced: str | None = None,
    now: datetime | None = None,
) -> tuple[str, str]:
    """(route, why) for this Empire under this config, without any network; `forced` one or a clear error."""
    now = now or datetime.now(timezone.utc)
    ref = youtube_channel(empire)
    has_key = bool(config.api_key.strip())
    fresh = (latest_import is not None
             and now - latest_import.taken_at <= timedelta(days=config.snapshot_max_age_days))
    if forced is not None and forced not in FORCEABLE:
        raise YPError(f"--source {forced!r}: use one of {', '.join(FORCEABLE)}")
    if forced == "api" and not (has_key and ref is not None):
        raise YPError("--source api needs youtube.api_key (YOUTUBE_API_KEY) and a YouTube channel on the Empire")
    if forced == "export" and latest_import is None:
        raise YPError(f"--source export: no Studio export imported for Empire {empire.name!r} "
                      "(yp analytics import FILE --empire NAME)")
    if forced == "ytdlp" and not (empire.channel_url or ref is not None):
        raise YPError(f"--source ytdlp: Empire {empire.name!r} has no channel URL")
    if forced == "api" or (forced is None and has_key and ref is not None):
        assert ref is not None
        return "api", f"Data API for {ref.url}" + (" (forced)" if forced else " (a key is set)")
    if forced == "export" or (forced is None and fresh):
        assert latest_import is not None
        age = (now - latest_import.taken_at).total_seconds() / 86400
        limit = f"within {config.snapshot_max_age_days:g}" if fresh else f"older than {config.snapshot_max_age_days:g}"
        return "export", (f"imported export {latest_import.file} of {latest_import.taken_at.date().isoformat()} "
                          f"({age:.0f} days old, {limit} days{', forced' if forced else ''})")
    if forced == "ytdlp" or empire.channel_url or ref is not None:
        why = "forced" if forced else ("no API key" if ref is not None else "not a YouTube channel")
        stale = "" if forced or latest_import is None else "; the last export is older than " \
            f"{config.snapshot_max_age_days:g} days"
        return "ytdlp", f"public pages through yt-dlp ({why}{stale})"
    return "snapshots", "no key, no recent export and no channel URL: recorded snapshots only"


@dataclass
class Fetched:
    route: str
    channel_id: str | None
    videos: list[VideoStats] = field(default_factory=list)
    quota_units: int = 0
    quota_line: str | None = None
    notes: list[str] = field(default_factory=list)
    failed: str | None = None  # the network route's failure, when the snapshots stand in
    why: str = ""


def fetch_performance(
    empire: Empire,
    productions: Sequence[Production],
    *,
    config: YouTubeConfig,
    state_db: Path,
    guard: AddressGuard,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    latest_import: ImportRecord | None = None,
    forced: str | None = None,
) -> Fetched:
    """The Empire's videos by the chosen route; on a network failure, none, with a note (the snapshots serve).

    A bad or over-quota key raises `AccountError`.
    """
    route, why = choose_route(empire, config, latest_import, forced=forced, now=clock())
    try:
        fetched = _read(route, empire, productions, config=config, state_db=state_db, guard=guard,
                        transport=transport, clock=clock)
    except AccountError:
        raise
    except (TransientError, SourceError, APIError) as exc:
        return Fetched("snapshots", empire.youtube_channel_id, failed=f"{route} failed ({exc})")
    fetched.why = why
    return fetched


def _read(
    route: str,
    empire: Empire,
    productions: Sequence[Production],
    *,
    config: YouTubeConfig,
    state_db: Path,
    guard: AddressGuard,
    transport: httpx.BaseTransport | None,
    clock: Callable[[], datetime],
) -> Fetched:
    own_ids = [vid for p in productions if (vid := production_video_id(p))]
    if route == "api":
        ref = youtube_channel(empire)
        assert ref is not None
        meter = QuotaMeter(state_db, config.daily_quota_budget, clock=clock)
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
    return Fetched(route, empire.youtube_channel_id)  # export, snapshots: already recorded
