"""YouTube Data API v3 with an API key: a channel's videos, counts and formats, quota-aware.

The cheapest complete read of a channel (every call costs 1 unit):

1. `channels.list` only when the user gave a handle or name (a `UC...` id needs no look-up);
2. the Shorts playlist `UUSH...` and the long-form playlist `UULF...` through
   `playlistItems.list`, 50 items a page: membership says the format;
   when either answers 404, the uploads playlist `UU...` instead, with formats from
   duration and aspect for what the long-form playlist did not name;
3. `videos.list` with 50 ids a call for statistics, duration and the player's
   aspect (`part=player` with `maxHeight` gives the embed's width and height).

`search.list` is never called. The key travels in the `X-Goog-Api-Key` header, never
in a URL, so no log line or error message can carry it. Errors are mapped from the
API's own reasons: a bad key, an exhausted quota or a disabled API stop the run
(`AccountError`, with the API's message); 5xx and rate limits are `TransientError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from ..errors import AccountError, SourceError, TransientError, YPError
from ..records import VideoFormat
from .channels import ChannelRef, long_playlist, shorts_playlist, uploads_playlist
from .formats import classify_format, parse_iso_duration
from .quota import QuotaMeter
from .stats import ChannelVideos, VideoStats

DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3/"
PAGE_SIZE = 50  # the API's maximum for playlistItems.list maxResults and for videos.list ids
PLAYER_MAX_HEIGHT = 720
_ACCOUNT_REASONS = {
    "keyInvalid", "API_KEY_INVALID", "quotaExceeded", "dailyLimitExceeded", "accessNotConfigured",
    "SERVICE_DISABLED", "API_KEY_SERVICE_BLOCKED", "API_KEY_HTTP_REFERRER_BLOCKED", "API_KEY_IP_ADDRESS_BLOCKED",
    "ipRefererBlocked", "forbidden", "keyExpired", "API_KEY_EXPIRED",
}
_TRANSIENT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "backendError", "RATE_LIMIT_EXCEEDED"}


@dataclass(frozen=True)
class ChannelInfo:
    channel_id: str
    title: str | None
    uploads_playlist: str
    video_count: int | None = None
    handle: str | None = None


@dataclass(frozen=True)
class PlaylistEntry:
    video_id: str
    published_at: datetime | None


class APIError(YPError):
    """A Data API answer that is neither a result nor an account/transient failure."""

    def __init__(self, message: str, status: int = 0, reason: str = ""):
        super().__init__(message)
        self.status = status
        self.reason = reason

    def __reduce__(self):
        return (type(self), (str(self), self.status, self.reason))


class YouTubeDataAPI:
    """A small client for the three list methods we use; `meter` counts and limits units."""

    def __init__(
        self,
        api_key: str,
        meter: QuotaMeter,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
        retries: int = 1,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        if not api_key or not api_key.strip():
            raise AccountError("no YouTube API key: set YOUTUBE_API_KEY, or use the keyless route (yt-dlp)")
        self.meter = meter
        self.retries = retries
        self.clock = clock
        self._http = httpx.Client(
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            transport=transport,
            timeout=timeout,
            headers={"X-Goog-Api-Key": api_key.strip(), "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> YouTubeDataAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the three methods ------------------------------------------------------------

    def channel(self, ref: ChannelRef) -> ChannelInfo:
        """The channel a reference names (1 unit); `SourceError` when no channel answers to it."""
        params: dict[str, str] = {"part": "snippet,contentDetails,statistics"}
        if ref.kind == "channel_id":
            params["id"] = ref.value
        elif ref.kind == "username":
            params["forUsername"] = ref.value
        else:  # handles, and custom /c/ names, which are handles on nearly every channel today
            params["forHandle"] = ref.value if ref.value.startswith("@") else "@" + ref.value
        body = self._get("channels", params, "channels.list")
        items = body.get("items") or []
        if not items:
            raise SourceError(f"no YouTube channel found for {ref.url}")
        item = items[0]
        snippet = item.get("snippet") or {}
        stats = item.get("statistics") or {}
        uploads = ((item.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        return ChannelInfo(
            channel_id=item["id"],
            title=snippet.get("title"),
            uploads_playlist=uploads or uploads_playlist(item["id"]),
            video_count=_int(stats.get("videoCount")),
            handle=snippet.get("customUrl"),
        )

    def playlist_entries(self, playlist_id: str, limit: int | None = None) -> list[PlaylistEntry] | None:
        """The playlist's videos, newest first as YouTube lists them; None when it does not exist (404)."""
        entries: list[PlaylistEntry] = []
        token: str | None = None
        while True:
            params = {"part": "contentDetails", "playlistId": playlist_id, "maxResults": str(PAGE_SIZE)}
            if token:
                params["pageToken"] = token
            try:
                body = self._get("playlistItems", params, "playlistItems.list")
            except APIError as exc:
                if exc.status == 404:
                    return None
                raise
            for item in body.get("items") or []:
                details = item.get("contentDetails") or {}
                video_id = details.get("videoId")
                if video_id:
                    entries.append(PlaylistEntry(video_id, _time(details.get("videoPublishedAt"))))
            token = body.get("nextPageToken")
            if not token or (limit is not None and len(entries) >= limit):
                return entries[:limit] if limit is not None else entries

    def videos(self, video_ids: Sequence[str], formats: dict[str, tuple[VideoFormat, str]] | None = None) -> list[VideoStats]:
        """Counts, duration and aspect of each video, 50 ids per call; ids YouTube does not return are left out.

        `formats` gives the format already known from a playlist; the rest are
        classified by duration and aspect.
        """
        formats = formats or {}
        unique = list(dict.fromkeys(v for v in video_ids if v))
        found: list[VideoStats] = []
        for start in range(0, len(unique), PAGE_SIZE):
            chunk = unique[start:start + PAGE_SIZE]
            params = {
                "part": "snippet,contentDetails,statistics,player",
                "id": ",".join(chunk),
                "maxResults": str(PAGE_SIZE),
                "maxHeight": str(PLAYER_MAX_HEIGHT),
            }
            body = self._get("videos", params, "videos.list")
            taken_at = self.clock()
            for item in body.get("items") or []:
                found.append(_video_stats(item, taken_at, formats.get(item.get("id", ""))))
        return found

    # -- the whole read ---------------------------------------------------------------

    def channel_videos(
        self, ref: ChannelRef, *, limit: int | None = None, include_ids: Iterable[str] = ()
    ) -> ChannelVideos:
        """Every public video of the channel (the newest `limit` per format when given), plus `include_ids`."""
        units_before = self.meter.run_units
        notes: list[str] = []
        title: str | None = None
        if ref.channel_id:
            channel_id = ref.channel_id
        else:
            info = self.channel(ref)
            channel_id, title = info.channel_id, info.title
        shorts = self.playlist_entries(shorts_playlist(channel_id), limit)
        longs = self.playlist_entries(long_playlist(channel_id), limit)
        formats: dict[str, tuple[VideoFormat, str]] = {}
        for entries, fmt, basis in ((shorts, VideoFormat.SHORT, "shorts playlist"),
                                    (longs, VideoFormat.VIDEO, "long-form playlist")):
            for entry in entries or []:
                formats[entry.video_id] = (fmt, basis)
        ids = list(formats)
        if shorts is None or longs is None:
            missing = "Shorts" if shorts is None else "long-form"
            if shorts is None and longs is None:
                missing = "Shorts and long-form"
            notes.append(f"{missing} playlist unavailable: read the uploads playlist; formats from duration and aspect")
            uploads = self.playlist_entries(uploads_playlist(channel_id), None if limit is None else 2 * limit)
            if uploads is None:
                raise SourceError(f"YouTube channel {channel_id} has no public uploads playlist (unknown or empty channel)")
            ids = list(dict.fromkeys(ids + [e.video_id for e in uploads]))
        ids = list(dict.fromkeys(ids + list(include_ids)))
        videos = self.videos(ids, formats)
        return ChannelVideos(
            channel_id=channel_id, title=title, videos=videos,
            quota_units=self.meter.run_units - units_before, notes=notes,
        )

    # -- transport ----------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str], method: str) -> dict[str, Any]:
        attempt = 0
        while True:
            self.meter.spend(method)
            try:
                response = self._http.get(path, params=params)
            except httpx.TimeoutException:
                error: YPError = TransientError(f"YouTube API {method} timed out")
            except httpx.TransportError as exc:
                error = TransientError(f"YouTube API {method} could not connect: {type(exc).__name__}")
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError:
                        error = TransientError(f"YouTube API {method} answered with something that is not JSON")
                else:
                    error = _error_from(response, method)
            if not isinstance(error, TransientError) or attempt >= self.retries:
                raise error
            attempt += 1


def _error_from(response: httpx.Response, method: str) -> YPError:
    """Our error for a non-200 answer, carrying the API's own message and reason."""
    status = response.status_code
    try:
        error = (response.json() or {}).get("error") or {}
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        error = {"message": str(error)}
    reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
    reasons += [d.get("reason", "") for d in error.get("details") or [] if isinstance(d, dict)]
    message = " ".join(str(error.get("message") or response.reason_phrase or "").split())[:300]
    reason = next((r for r in reasons if r), "")
    shown = f"{message} ({reason})" if reason and reason not in message else message
    if any(r in _ACCOUNT_REASONS for r in reasons) or "API key not valid" in message:
        return AccountError(f"YouTube API refused the request (HTTP {status}): {shown}")
    if status == 429 or status >= 500 or any(r in _TRANSIENT_REASONS for r in reasons):
        return TransientError(f"YouTube API {method} failed (HTTP {status}): {shown}")
    return APIError(f"YouTube API {method} failed (HTTP {status}): {shown}", status, reason)


def _video_stats(item: dict[str, Any], taken_at: datetime, known: tuple[VideoFormat, str] | None) -> VideoStats:
    snippet = item.get("snippet") or {}
    details = item.get("contentDetails") or {}
    stats = item.get("statistics") or {}
    player = item.get("player") or {}
    published = _time(snippet.get("publishedAt"))
    duration = parse_iso_duration(details.get("duration"))
    width, height = _float(player.get("embedWidth")), _float(player.get("embedHeight"))
    if known is not None:
        fmt: VideoFormat | None
        fmt, basis = known
    else:
        fmt, basis = classify_format(duration, width, height, published)
    return VideoStats(
        video_id=item["id"],
        taken_at=taken_at,
        title=snippet.get("title"),
        published_at=published,
        duration_seconds=duration,
        views=_float(stats.get("viewCount")),
        likes=_float(stats.get("likeCount")),
        comments=_float(stats.get("commentCount")),
        format=fmt,
        format_basis=basis,
        width=width,
        height=height,
        live=snippet.get("liveBroadcastContent") in ("live", "upcoming"),
        source="api",
    )


def minimum_units(video_count: int) -> int:
    """The fewest units any key-based read of `video_count` videos can cost: playlist pages + videos.list calls."""
    pages = max(1, math.ceil(video_count / PAGE_SIZE))
    return pages + math.ceil(video_count / PAGE_SIZE)


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
