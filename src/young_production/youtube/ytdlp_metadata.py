"""S10 without an API key: public counts, durations and upload dates through yt-dlp.

Two steps, no downloads: a flat listing of the channel (yt-dlp `extract_flat`; for a
YouTube channel its `/shorts` and `/videos` tabs, which also say the format), then
each video's page for views, likes, comments, duration, upload date and frame size.
A page costs a request and ~0.5-2 s, so `limit` keeps a review to the newest videos
per tab; `include_urls` adds the team's own older videos. A video that fails
(private, removed, a bot check) is left out with its reason in `notes`; the run goes on.

Every request yt-dlp makes (pages, redirects, API calls of its extractors) goes
through the media layer's guarded request handler (`media.ytdlp.extract_metadata`).
yt-dlp types never leave this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import SourceError, YPError
from ..media.guard import AddressGuard
from ..media.ytdlp import extract_metadata
from ..records import VideoFormat
from .channels import ChannelRef, parse_channel_url, video_id_from_url
from .formats import classify_format
from .stats import ChannelVideos, VideoStats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListedVideo:
    url: str
    video_id: str | None
    format: VideoFormat | None  # known from the tab it was listed on


class _Quiet:
    """yt-dlp output to `logging` (quiet=True alone still prints)."""

    def debug(self, msg: str) -> None:
        log.debug("%s", msg)

    info = debug
    warning = debug
    error = debug


def _options(timeout: float, **extra: Any) -> dict[str, Any]:
    return {
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _Quiet(), "skip_download": True,
        "socket_timeout": timeout, "cachedir": False, "enable_file_urls": False, "retries": 1,
        "extractor_retries": 1, "ignore_no_formats_error": True, **extra,
    }


def _extract(url: str, guard: AddressGuard, options: dict[str, Any]) -> dict[str, Any]:
    return extract_metadata(url, guard, options)


def tab_urls(ref: ChannelRef) -> list[tuple[str, VideoFormat]]:
    """The channel tabs that list Shorts and long videos apart."""
    return [(f"{ref.url}/shorts", VideoFormat.SHORT), (f"{ref.url}/videos", VideoFormat.VIDEO)]


def list_videos(url: str, *, guard: AddressGuard, limit: int | None = None, timeout: float = 30.0,
                format_hint: VideoFormat | None = None) -> list[ListedVideo]:
    """The videos a listing page (channel tab, playlist, feed) names, newest first as the site lists them."""
    options = _options(timeout, extract_flat="in_playlist")
    if limit is not None:
        options["playlistend"] = limit
    from yt_dlp.utils import unsmuggle_url

    info = _extract(url, guard, options)
    entries = info.get("entries") if info.get("_type") in ("playlist", "multi_video") else [info]
    listed = []
    for entry in list(entries or [])[: limit if limit is not None else None]:
        if not entry:
            continue
        target = entry.get("url") or entry.get("webpage_url")
        if not target:
            continue
        target = unsmuggle_url(target)[0]  # yt-dlp's private hints ride in the fragment
        if not target.startswith(("http://", "https://")) and entry.get("ie_key") == "Youtube":
            target = f"https://www.youtube.com/watch?v={target}"
        listed.append(ListedVideo(target, video_id_from_url(target) or entry.get("id"), format_hint))
    return listed


def video_stats(
    url: str,
    *,
    guard: AddressGuard,
    timeout: float = 30.0,
    format_hint: VideoFormat | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> VideoStats:
    """One video's public counts from its page."""
    info = _extract(url, guard, _options(timeout))
    taken_at = clock()
    published = _published(info)
    duration = _number(info.get("duration"))
    width, height = _number(info.get("width")), _number(info.get("height"))
    if format_hint is not None:
        fmt: VideoFormat | None = format_hint
        basis = "channel tab"
    elif "/shorts/" in (info.get("webpage_url") or url):
        fmt, basis = VideoFormat.SHORT, "shorts URL"
    else:
        fmt, basis = classify_format(duration, width, height, published)
    return VideoStats(
        video_id=str(info.get("id") or video_id_from_url(url) or url),
        taken_at=taken_at, title=info.get("title"), published_at=published, duration_seconds=duration,
        views=_number(info.get("view_count")), likes=_number(info.get("like_count")),
        comments=_number(info.get("comment_count")), format=fmt, format_basis=basis, width=width, height=height,
        live=bool(info.get("is_live")), source="ytdlp",
    )


def channel_videos(
    channel_url: str,
    *,
    guard: AddressGuard,
    limit: int | None = 30,
    include_urls: Iterable[str] = (),
    timeout: float = 30.0,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> ChannelVideos:
    """A channel's newest videos (per tab) with their counts; any listing page works (feeds, playlists)."""
    try:
        ref: ChannelRef | None = parse_channel_url(channel_url)
    except SourceError:
        ref = None  # not a YouTube channel: list the page itself (a feed or playlist elsewhere)
    sources = tab_urls(ref) if ref is not None else [(channel_url, None)]
    listed: list[ListedVideo] = []
    notes: list[str] = []
    for url, fmt in sources:
        try:
            listed += list_videos(url, guard=guard, limit=limit, timeout=timeout, format_hint=fmt)
        except SourceError as exc:
            if ref is None:
                raise
            notes.append(f"{url}: {exc}")  # a channel without Shorts has no Shorts tab
    if not listed and notes:
        raise SourceError(f"no videos listed for {channel_url}: {notes[0]}")
    known = {v.video_id for v in listed if v.video_id}
    listed += [ListedVideo(u, video_id_from_url(u), None) for u in include_urls if video_id_from_url(u) not in known]
    videos: list[VideoStats] = []
    seen: set[str] = set()
    for item in listed:
        try:
            stats = video_stats(item.url, guard=guard, timeout=timeout, format_hint=item.format, clock=clock)
        except YPError as exc:  # private, removed, refused, timed out: this video only
            notes.append(f"left out {item.url}: {exc}")
            continue
        if stats.video_id not in seen:
            seen.add(stats.video_id)
            videos.append(stats)
    return ChannelVideos(channel_id=None, title=ref.value if ref else None, videos=videos, notes=notes)


def _published(info: dict[str, Any]) -> datetime | None:
    for key in ("timestamp", "release_timestamp"):
        value = info.get(key)
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=timezone.utc)
    date = info.get("upload_date") or info.get("release_date")
    if isinstance(date, str) and len(date) == 8 and date.isdigit():
        return datetime(int(date[:4]), int(date[4:6]), int(date[6:]), tzinfo=timezone.utc)
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
