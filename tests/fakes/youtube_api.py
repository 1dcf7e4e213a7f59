"""A YouTube Data API v3 emulator on 127.0.0.1: real HTTP, real response shapes, quota and key faults.

Answers `channels.list` (id, forHandle, forUsername), `playlistItems.list` (uploads `UU`,
Shorts `UUSH`, long-form `UULF`, live `UULV`; 404 `playlistNotFound` for a playlist a
channel does not have, as the real API does), and `videos.list` (at most 50 ids).
Responses are built from the recorded shapes in `tests/youtube/data/api/`.

Knobs: `api_keys` (any other key gets the real 400 `API_KEY_INVALID`), `quota_left`
(units before the real 403 `quotaExceeded`), `access_not_configured`, `fail_next`
(statuses to answer once each, e.g. 503). `calls` records every request (method, params).
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).resolve().parent.parent / "youtube" / "data" / "api"


def _shape(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class FakeVideo:
    video_id: str
    title: str
    published_at: datetime
    duration_seconds: int
    views: int
    likes: int | None = 0
    comments: int | None = 0
    kind: str = "video"  # video | short | live
    width: int = 1280
    height: int = 720

    def iso_duration(self) -> str:
        hours, rest = divmod(self.duration_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        return text + (f"{seconds}S" if seconds or text == "PT" else "")


@dataclass
class FakeChannel:
    channel_id: str
    title: str
    handle: str | None = None
    username: str | None = None
    videos: list[FakeVideo] = field(default_factory=list)
    format_playlists: bool = True  # False: UUSH/UULF/UULV answer 404 (not built for this channel)

    def newest_first(self, kind: str | None = None) -> list[FakeVideo]:
        chosen = [v for v in self.videos if kind is None or v.kind == kind]
        return sorted(chosen, key=lambda v: v.published_at, reverse=True)


class YouTubeAPIEmulator:
    """Start with `with YouTubeAPIEmulator() as api:`; point the client at `api.base_url`."""

    def __init__(self, api_keys: set[str] | None = None):
        self.api_keys = api_keys if api_keys is not None else {"test-key"}
        self.channels: dict[str, FakeChannel] = {}
        self.quota_left: int | None = None
        self.access_not_configured = False
        self.fail_next: list[int] = []
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.keys_seen: list[str | None] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- set-up -------------------------------------------------------------------------

    def add_channel(self, channel: FakeChannel) -> FakeChannel:
        self.channels[channel.channel_id] = channel
        return channel

    def calls_to(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "emulator not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/youtube/v3/"

    def __enter__(self) -> YouTubeAPIEmulator:
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- answering ----------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str], key: str | None) -> tuple[int, dict[str, Any]]:
        method = {"channels": "channels.list", "playlistItems": "playlistItems.list", "videos": "videos.list",
                  "search": "search.list"}.get(path.rsplit("/", 1)[-1], path)
        with self._lock:
            self.calls.append((method, params))
            self.keys_seen.append(key)
            if self.fail_next:
                status = self.fail_next.pop(0)
                return status, {"error": {"code": status, "message": "Backend Error",
                                          "errors": [{"message": "Backend Error", "domain": "global",
                                                      "reason": "backendError"}]}}
            if key is None:
                return 403, _error(403, "Method doesn't allow unregistered callers (callers without established "
                                   "identity). Please use API Key or other form of API consumer identity to "
                                   "call this API.", "forbidden", "global", status="PERMISSION_DENIED")
            if key not in self.api_keys:
                return 400, _shape("error_key_invalid.json")
            if self.access_not_configured:
                return 403, _shape("error_access_not_configured.json")
            if self.quota_left is not None:
                if self.quota_left <= 0:
                    return 403, _shape("error_quota_exceeded.json")
                self.quota_left -= 100 if method == "search.list" else 1
        if method == "channels.list":
            return self._channels(params)
        if method == "playlistItems.list":
            return self._playlist_items(params)
        if method == "videos.list":
            return self._videos(params)
        return 404, _error(404, "Not Found", "notFound", "global")

    def _channels(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        chosen: list[FakeChannel] = []
        if "id" in params:
            chosen = [self.channels[i] for i in params["id"].split(",") if i in self.channels]
        elif "forHandle" in params:
            wanted = params["forHandle"].lower().lstrip("@")
            chosen = [c for c in self.channels.values() if c.handle and c.handle.lower().lstrip("@") == wanted]
        elif "forUsername" in params:
            chosen = [c for c in self.channels.values() if c.username == params["forUsername"]]
        else:
            return 400, _error(400, "No filter selected. Expected one of: forUsername, id, idParam, mine, "
                               "forHandle, managedByMe, categoryId, mySubscribers", "missingRequiredParameter",
                               "youtube.parameter")
        body = _shape("channel_list.json")
        template = body["items"][0]
        body["items"] = []
        for channel in chosen:
            item = copy.deepcopy(template)
            item["id"] = channel.channel_id
            item["snippet"]["title"] = item["snippet"]["localized"]["title"] = channel.title
            item["snippet"]["customUrl"] = (channel.handle or "").lower()
            item["contentDetails"]["relatedPlaylists"]["uploads"] = "UU" + channel.channel_id[2:]
            item["statistics"]["videoCount"] = str(len(channel.videos))
            body["items"].append(item)
        body["pageInfo"] = {"totalResults": len(chosen), "resultsPerPage": 5}
        if not chosen:
            body.pop("items")  # the real API leaves `items` out when nothing matches
        return 200, body

    def _playlist_items(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        playlist_id = params.get("playlistId", "")
        videos = self._playlist(playlist_id)
        if videos is None:
            return 404, _shape("error_playlist_not_found.json")
        try:
            size = int(params.get("maxResults", "5"))
        except ValueError:
            size = -1
        if not 0 <= size <= 50:
            return 400, _error(400, "Invalid value for maxResults: must be between 0 and 50.", "invalidValue",
                               "youtube.parameter")
        start = 0
        if params.get("pageToken"):
            try:
                start = int(base64.urlsafe_b64decode(params["pageToken"].encode()).decode().split(":")[1])
            except (ValueError, IndexError, UnicodeDecodeError):
                return 400, _error(400, "The request specifies an invalid page token.", "invalidPageToken",
                                   "youtube.parameter")
        page = videos[start:start + size]
        body = _shape("playlist_items.json")
        template = body["items"][0]
        body["items"] = []
        for position, video in enumerate(page, start):
            item = copy.deepcopy(template)
            item["id"] = base64.b64encode(f"{playlist_id}.{position}".encode()).decode()
            item["contentDetails"] = {"videoId": video.video_id, "videoPublishedAt": _iso(video.published_at)}
            body["items"].append(item)
        if start + size < len(videos):
            body["nextPageToken"] = base64.urlsafe_b64encode(f"PT:{start + size}".encode()).decode()
        else:
            body.pop("nextPageToken", None)
        body["pageInfo"] = {"totalResults": len(videos), "resultsPerPage": size}
        return 200, body

    def _playlist(self, playlist_id: str) -> list[FakeVideo] | None:
        for prefix, kind in (("UUSH", "short"), ("UULF", "video"), ("UULV", "live"), ("UU", None)):
            if playlist_id.startswith(prefix):
                channel = self.channels.get("UC" + playlist_id[len(prefix):])
                if channel is None:
                    return None
                if kind is None:
                    return channel.newest_first()
                if not channel.format_playlists:
                    return None
                chosen = channel.newest_first(kind)
                return chosen if chosen or kind == "video" else None
        return None

    def _videos(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        ids = [i for i in params.get("id", "").split(",") if i]
        if len(ids) > 50:
            return 400, _error(400, "The request specifies more than 50 video ids.", "badRequest", "youtube.video")
        by_id = {v.video_id: (c, v) for c in self.channels.values() for v in c.videos}
        body = _shape("video_list.json")
        template = body["items"][0]
        body["items"] = []
        max_height = int(params["maxHeight"]) if params.get("maxHeight", "").isdigit() else None
        for video_id in ids:
            if video_id not in by_id:
                continue
            channel, video = by_id[video_id]
            item = copy.deepcopy(template)
            item["id"] = video.video_id
            snippet = item["snippet"]
            snippet.update(publishedAt=_iso(video.published_at), channelId=channel.channel_id, title=video.title,
                           channelTitle=channel.title, liveBroadcastContent="none")
            snippet["localized"]["title"] = video.title
            item["contentDetails"]["duration"] = video.iso_duration()
            stats = {"viewCount": str(video.views), "favoriteCount": "0"}
            if video.likes is not None:
                stats["likeCount"] = str(video.likes)
            if video.comments is not None:
                stats["commentCount"] = str(video.comments)
            item["statistics"] = stats
            embed_h = max_height or 360
            embed_w = round(embed_h * video.width / video.height)
            item["player"] = {"embedHtml": f'<iframe width="{embed_w}" height="{embed_h}" '
                                           f'src="//www.youtube.com/embed/{video.video_id}"></iframe>'}
            if max_height:
                item["player"].update(embedHeight=str(embed_h), embedWidth=str(embed_w))
            body["items"].append(item)
        body["pageInfo"] = {"totalResults": len(body["items"]), "resultsPerPage": len(body["items"])}
        return 200, body


class _Handler(BaseHTTPRequestHandler):
    emulator: YouTubeAPIEmulator

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        key = self.headers.get("X-Goog-Api-Key") or params.pop("key", None)
        if not parts.path.startswith("/youtube/v3/"):
            status, body = 404, _error(404, "Not Found", "notFound", "global")
        else:
            status, body = self.emulator.answer(parts.path[len("/youtube/v3/"):], params, key)
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


def _error(code: int, message: str, reason: str, domain: str, status: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message,
                             "errors": [{"message": message, "domain": domain, "reason": reason}]}
    if status:
        error["status"] = status
    return {"error": error}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
