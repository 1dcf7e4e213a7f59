"""Which channel a user means: `parse_channel_url` for `yp empire add`, and the channel's playlists.

Accepted forms (anything else is refused with a one-line `SourceError`):

| input                                             | ChannelRef              |
|---------------------------------------------------|-------------------------|
| youtube.com/channel/UC + 22 characters            | channel_id              |
| youtube.com/@handle, or `@handle` alone           | handle                  |
| youtube.com/user/name                             | username (legacy)       |
| youtube.com/c/name, youtube.com/name              | custom (resolved as a handle) |
| `UC` + 22 characters alone                        | channel_id              |

A trailing tab (`/videos`, `/shorts`, `/featured`, ...) is ignored. Watch, Shorts,
playlist and other YouTube pages name a video, not a channel, and are refused.

A channel's uploads live in the playlist `UU` + the id without its `UC`; Shorts
in `UUSH` + ..., long-form videos in `UULF` + ... and past live streams in `UULV` + ...
(these three answer 404 when the channel has none, or when YouTube has not built them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import SourceError

CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
HANDLE = re.compile(r"^@[0-9A-Za-z_.\-\u00b7\u0080-\uffff]{3,100}$")
_NAME = re.compile(r"^[0-9A-Za-z_.\-]{1,100}$")
_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
_CHANNEL_TABS = {
    "videos", "shorts", "streams", "featured", "playlists", "community", "about", "live",
    "podcasts", "releases", "store", "channels", "search", "posts", "courses",
}
# First path segments that name a page, not a channel (youtube.com/<segment>/...).
_NOT_CHANNELS = {
    "watch", "shorts", "playlist", "embed", "live", "results", "feed", "hashtag", "post",
    "v", "e", "redirect", "premium", "account", "gaming", "music", "kids", "t", "about",
    "howyoutubeworks", "creators", "ads", "signin", "logout", "upload", "studio",
}

RefKind = Literal["channel_id", "handle", "username", "custom"]


@dataclass(frozen=True)
class ChannelRef:
    """A channel as the user named it; `value` is the id, `@handle`, or name."""

    kind: RefKind
    value: str
    url: str

    @property
    def channel_id(self) -> str | None:
        return self.value if self.kind == "channel_id" else None


def parse_channel_url(url: str) -> ChannelRef:
    """The channel a URL (or bare `@handle` / `UC...` id) names; `SourceError` when it names none."""
    text = (url or "").strip()
    if not text:
        raise SourceError("no channel given: expected a URL like https://www.youtube.com/@name")
    if CHANNEL_ID.match(text):
        return ChannelRef("channel_id", text, f"https://www.youtube.com/channel/{text}")
    if text.startswith("@"):
        if HANDLE.match(text):
            return ChannelRef("handle", text, f"https://www.youtube.com/{text}")
        raise SourceError(f"not a YouTube handle: {text!r}")
    candidate = text if "://" in text else f"https://{text}"
    parts = urlsplit(candidate)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or host not in _HOSTS:
        raise SourceError(f"not a YouTube channel URL: {text}")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise SourceError(f"not a channel URL (no channel in the path): {text}")
    first = segments[0]
    rest = segments[1:]
    if first == "channel":
        if rest and CHANNEL_ID.match(rest[0]) and _only_tab(rest[1:]):
            return ChannelRef("channel_id", rest[0], f"https://www.youtube.com/channel/{rest[0]}")
        raise SourceError(f"not a channel URL (expected /channel/UC followed by 22 characters): {text}")
    if first.startswith("@"):
        handle = unquote(first)
        if HANDLE.match(handle) and _only_tab(rest):
            return ChannelRef("handle", handle, f"https://www.youtube.com/{handle}")
        raise SourceError(f"not a channel URL (bad handle {handle!r}): {text}")
    if first in ("user", "c"):
        if rest and _NAME.match(rest[0]) and _only_tab(rest[1:]):
            kind: RefKind = "username" if first == "user" else "custom"
            return ChannelRef(kind, rest[0], f"https://www.youtube.com/{first}/{rest[0]}")
        raise SourceError(f"not a channel URL (no name after /{first}/): {text}")
    if first.lower() in _NOT_CHANNELS:
        raise SourceError(f"this is a YouTube {first} page, not a channel: {text}")
    if _NAME.match(first) and _only_tab(rest):
        return ChannelRef("custom", first, f"https://www.youtube.com/{first}")
    raise SourceError(f"not a YouTube channel URL: {text}")


def _only_tab(rest: list[str]) -> bool:
    return not rest or (len(rest) == 1 and rest[0].lower() in _CHANNEL_TABS)


def _suffix(channel_id: str) -> str:
    if not CHANNEL_ID.match(channel_id):
        raise SourceError(f"not a YouTube channel id: {channel_id!r}")
    return channel_id[2:]


def uploads_playlist(channel_id: str) -> str:
    return "UU" + _suffix(channel_id)


def shorts_playlist(channel_id: str) -> str:
    return "UUSH" + _suffix(channel_id)


def long_playlist(channel_id: str) -> str:
    return "UULF" + _suffix(channel_id)


def live_playlist(channel_id: str) -> str:
    return "UULV" + _suffix(channel_id)


_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def video_id_from_url(url: str | None) -> str | None:
    """The 11-character id in a watch, youtu.be, Shorts, live or embed URL (or a bare id); else None."""
    text = (url or "").strip()
    if _VIDEO_ID.match(text):
        return text
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = None
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host in _HOSTS or host == "youtube-nocookie.com" or host.endswith(".youtube-nocookie.com"):
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) >= 2 and segments[0] in ("shorts", "live", "embed", "v"):
            candidate = segments[1]
    return candidate if candidate and _VIDEO_ID.match(candidate) else None
