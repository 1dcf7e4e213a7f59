"""yt-dlp behind a small, hardened interface: metadata, captions, and audio only when needed.

Two passes over one URL: `extract_info(download=False)` reads metadata and the
list of captions; then either the chosen caption file or the media (`bestaudio/best`)
is downloaded from that same info, so the page is fetched once. yt-dlp types never
leave this module; every `DownloadError` becomes a `SourceError` (permanent) or a
`TransientError` with a reason a person understands.

Every request yt-dlp makes (the page, each redirect, media, captions, manifests,
fragments) goes through `GuardedRH`, the only request handler of our YoutubeDL, so
the address guard judges each connection. yt-dlp never runs an external program on a
URL (ffmpeg, rtmpdump ... would connect on their own): such formats are refused.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError, TransientError, YPError
from ..transcript import Segment
from .captions import parse_subtitles
from .guard import AddressGuard
from .sources import check_url_syntax
from .web import http_status_error

log = logging.getLogger(__name__)


@dataclass
class MediaFetch:
    """What yt-dlp found and downloaded for one URL."""

    title: str | None
    description: str | None
    duration: float | None
    webpage_url: str
    extractor: str | None
    caption_language: str | None = None
    caption_segments: list[Segment] = field(default_factory=list)
    media_path: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class _Logger:
    """Routes yt-dlp output to `logging` (quiet=True alone still prints) and keeps the lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def debug(self, msg: str) -> None:
        self.lines.append(msg)
        log.debug("%s", msg)

    info = debug

    def warning(self, msg: str) -> None:
        self.lines.append(msg)
        log.info("%s", msg)

    def error(self, msg: str) -> None:
        self.lines.append(msg)
        log.info("%s", msg)


def url_hash(url: str) -> str:
    """Two URLs can share a yt-dlp id (e.g. `index` on two sites): name files by URL instead."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def _options(url: str, work_dir: Path, *, timeout: float, max_bytes: int, logger: _Logger) -> dict[str, Any]:
    stem = f"media-{url_hash(url)}"
    return {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": logger,
        "noplaylist": True,
        "playlist_items": "1",
        "socket_timeout": timeout,
        "max_filesize": max_bytes,
        "format": "bestaudio/best",
        "subtitlesformat": "vtt/srt/best",
        "outtmpl": {"default": str(work_dir / f"{stem}.%(ext)s"), "subtitle": str(work_dir / f"{stem}.%(ext)s")},
        # No ffmpeg for yt-dlp: it would fetch HLS/live URLs itself, past the guard. Nothing we ask
        # for needs it (one format, no merging, no fixups: PyAV reads the raw file).
        "ffmpeg_location": str(work_dir / ".no-ffmpeg"),
        "external_downloader": {"default": "native"},
        "proxy": "",
        "fixup": "never",
        "cachedir": False,
        "retries": 2,
        "fragment_retries": 2,
        "extractor_retries": 1,
        "ignore_no_formats_error": True,  # text-only posts still give a title and description
        "enable_file_urls": False,
        "restrictfilenames": True,
    }


def fetch_media(
    url: str,
    *,
    work_dir: Path,
    guard: AddressGuard,
    timeout: float,
    max_bytes: int,
    language: str | None,
    max_seconds: float | None = None,
) -> MediaFetch:
    """Metadata plus captions in `language` if the source has them, else the media file itself.

    Media longer than `max_seconds` (when the source states its duration) is refused
    before anything is downloaded.
    """
    check_url_syntax(url)
    logger = _Logger()
    options = _options(url, work_dir, timeout=timeout, max_bytes=max_bytes, logger=logger)
    ydl = _thread_downloader({**options, **_METADATA_PASS})
    handler = ydl.guarded_handler
    handler.guard, handler.refusal, handler.failed_url = guard, None, None
    with _guarded_errors(handler, url, "fetch"):
        info = ydl.extract_info(url, download=False)
        info = _first_entry(info, url)
        _check_duration(info, url, max_seconds)
        caption_key = choose_captions(info, language)
        if caption_key is not None:
            step = {"writesubtitles": True, "writeautomaticsub": True, "subtitleslangs": [caption_key]}
        else:
            if not info.get("formats") and not info.get("url"):
                return _result(info, url)  # nothing to download: a text-only post
            step = {"skip_download": False}
        ydl.params.update(step)
        info = ydl.process_ie_result(info, download=True)

    result = _result(info, url)
    if caption_key is not None:
        result.caption_language = caption_key
        result.caption_segments = _read_captions(info, caption_key)
    else:
        result.media_path = _downloaded_file(info, logger, url, max_bytes)
    return result


@contextmanager
def _guarded_errors(handler: Any, url: str, verb: str) -> Iterator[None]:
    """yt-dlp's errors as ours. A refusal of the address guard wins over whatever yt-dlp made of it,
    and is raised even when yt-dlp shrugged it off (a skipped fragment, say)."""
    import yt_dlp

    try:
        yield
    except yt_dlp.utils.DownloadError as exc:
        if handler.refusal is not None:
            raise handler.refusal from None
        raise describe_download_error(exc, handler.failed_url or url) from None
    except yt_dlp.utils.YoutubeDLError as exc:
        raise SourceError(f"could not {verb} {url}: {_strip(str(exc))}") from None
    if handler.refusal is not None:
        raise handler.refusal


def extract_metadata(url: str, guard: AddressGuard, options: dict[str, Any]) -> dict[str, Any]:
    """yt-dlp's metadata for `url` (no download, no processing), every request through the guard.

    For callers that read pages rather than fetch media (a channel's listing, a video's
    counts): the same guarded request handler as `fetch_media`, so redirects and every
    other hop are checked and pinned too.
    """
    check_url_syntax(url)
    ydl = _guarded_downloader_class()(dict(options))
    handler = ydl.guarded_handler
    handler.guard, handler.refusal, handler.failed_url = guard, None, None
    with _guarded_errors(handler, url, "read"), ydl:
        info = ydl.extract_info(url, download=False, process=False)
    if not info:
        raise SourceError(f"nothing found at {url}")
    return info


def _check_duration(info: dict[str, Any], url: str, max_seconds: float | None) -> None:
    duration = info.get("duration")
    if max_seconds is not None and isinstance(duration, (int, float)) and duration > max_seconds:
        raise SourceError(
            f"{url} is {duration / 60:.0f} minutes long, over the {max_seconds / 60:.3g}-minute limit "
            "(transcription.max_media_minutes in pipeline.yaml)"
        )


# The first pass's settings of every option the second pass changes: re-arming a
# reused YoutubeDL with them means nothing carries over from the thread's last call.
_METADATA_PASS: dict[str, Any] = {
    "skip_download": True, "writesubtitles": False, "writeautomaticsub": False, "subtitleslangs": [],
}
_local = threading.local()


def _thread_downloader(params: dict[str, Any]) -> Any:
    """This thread's YoutubeDL, re-armed with `params` for the call.

    Building a YoutubeDL costs ~0.1 s of CPU (it registers ~1800 extractors and makes
    a TLS context) and holds the GIL, so a fresh one per pass made scraping, not the
    Notion rate limit, the bottleneck of bulk runs. yt-dlp reads its params when it
    uses them, except the socket timeout, fixed in its HTTP handlers once built: that
    is the cache key. Cookies are per call, as with a fresh instance.
    """
    cache: dict[float, Any] = _local.__dict__.setdefault("downloaders", {})
    ydl = cache.get(params["socket_timeout"])
    if ydl is None:
        ydl = cache[params["socket_timeout"]] = _guarded_downloader_class()(dict(params))
    else:
        ydl.params.update(params)
        ydl.cookiejar.clear()  # a cookie one entry's site set must not ride along to the next entry
    return ydl


def _first_entry(info: dict[str, Any] | None, url: str) -> dict[str, Any]:
    if info and info.get("_type") == "playlist":
        entries = [e for e in info.get("entries") or [] if e]
        info = entries[0] if entries else None
    if not info:
        raise SourceError(f"no video or audio found at {url}")
    return info


def choose_captions(info: dict[str, Any], language: str | None) -> str | None:
    """The caption track to use: uploaded subtitles before automatic ones, in the wanted language.

    Automatic captions come in every language YouTube can translate to; within a
    language we take the exact code or its original track (`en`, `en-orig`) before a
    regional variant (`en-US`). Without a wanted language, the first uploaded track.
    """
    for tracks in (info.get("subtitles") or {}, info.get("automatic_captions") or {}):
        keys = [k for k, formats in tracks.items() if formats and k != "live_chat"]
        if not keys:
            continue
        if language is None:
            return keys[0]
        for key in keys:
            if key == language or key == f"{language}-orig":
                return key
        for key in keys:
            if key.split("-")[0].lower() == language.lower():
                return key
    return None


@functools.cache
def _guarded_downloader_class() -> type:
    """YoutubeDL whose only request handler is `GuardedRH` and which runs no external downloader.

    Built on first use: importing yt-dlp costs ~0.3 s.
    """
    import yt_dlp
    from yt_dlp.downloader import get_suitable_downloader
    from yt_dlp.downloader.external import ExternalFD

    from .ytdlp_handler import GuardedRH

    class GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        @functools.cached_property
        def _request_director(self) -> Any:
            return self.build_request_director([GuardedRH])

        @property
        def guarded_handler(self) -> GuardedRH:
            return self._request_director.handlers[GuardedRH.RH_KEY]

        def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
            downloader = get_suitable_downloader(info, self.params, to_stdout=(name == "-"))
            if issubclass(downloader, ExternalFD):
                raise yt_dlp.utils.DownloadError(
                    f"this format needs an external downloader ({downloader.get_basename()}), "
                    "which would connect past the address guard; not supported"
                )
            return super().dl(name, info, subtitle=subtitle, test=test)

    return GuardedYoutubeDL


def _result(info: dict[str, Any], url: str) -> MediaFetch:
    duration = info.get("duration")
    return MediaFetch(
        title=info.get("title"),
        description=info.get("description") or None,
        duration=float(duration) if duration else None,
        webpage_url=info.get("webpage_url") or url,
        extractor=info.get("extractor_key") or info.get("extractor"),
        metadata={
            k: info[k]
            for k in ("id", "uploader", "channel", "channel_id", "upload_date", "view_count",
                      "like_count", "comment_count", "tags", "categories", "width", "height")
            if info.get(k) is not None
        },
    )


def _read_captions(info: dict[str, Any], key: str) -> list[Segment]:
    requested = (info.get("requested_subtitles") or {}).get(key) or {}
    path = requested.get("filepath")
    if not path or not Path(path).is_file():
        raise SourceError(f"captions ({key}) were listed but could not be downloaded")
    return parse_subtitles(Path(path).read_text(encoding="utf-8", errors="replace"))


def _downloaded_file(info: dict[str, Any], logger: _Logger, url: str, max_bytes: int) -> Path:
    for download in info.get("requested_downloads") or []:
        path = download.get("filepath")
        if path and Path(path).is_file():
            return Path(path)
    if any("larger than max-filesize" in line for line in logger.lines):
        raise SourceError(f"media at {url} is larger than the {max_bytes / 1048576:.3g} MB download limit")
    raise SourceError(f"no downloadable audio or video found at {url}")


_PERMANENT_REASONS: tuple[tuple[str, str], ...] = (
    ("private video", "private video: only its owner can watch it"),
    ("confirm your age", "age-restricted video: it needs a signed-in account"),
    ("members-only", "members-only video"),
    ("join this channel", "members-only video"),
    ("requested format is not available", "no downloadable audio or video found"),
    ("no video formats found", "no downloadable audio or video found"),
    ("video unavailable", "video unavailable (removed, region-locked or never published)"),
    ("has been removed", "video unavailable (removed, region-locked or never published)"),
    ("is not available", "video unavailable (removed, region-locked or never published)"),
    ("account associated with this video has been terminated", "video unavailable (account terminated)"),
    ("unsupported url", "no video or audio found at this URL"),
)
_TRANSIENT_REASONS: tuple[tuple[str, str], ...] = (
    ("not a bot", "the site asked to confirm this is not a bot; try again later"),
    ("connection refused", "connection refused (is the server up?)"),
    ("timed out", "timed out"),
    ("name or service not known", "could not resolve the host"),
    ("temporary failure in name resolution", "could not resolve the host"),
    ("connection reset", "connection reset by the server"),
)


def describe_download_error(exc: Exception, url: str) -> YPError:
    """Turn a yt-dlp `DownloadError` into our error with a readable reason."""
    message = _strip(str(getattr(exc, "msg", None) or exc))
    lowered = message.lower()
    cause = (getattr(exc, "exc_info", None) or (None, None))[1]
    status = getattr(cause, "status", None)
    if status is None:
        match = re.search(r"HTTP Error (\d{3})", message)
        status = int(match.group(1)) if match else None
    by_status = http_status_error(status, url) if status is not None else None
    if by_status is not None:
        return by_status
    for needle, reason in _PERMANENT_REASONS:
        if needle in lowered:
            return SourceError(f"{reason}: {url}")
    for needle, reason in _TRANSIENT_REASONS:
        if needle in lowered:
            return TransientError(f"{reason}: {url}")
    return SourceError(f"could not fetch {url}: {message}")


def _strip(message: str) -> str:
    """`ERROR: [generic] x: Unable to ...` -> `Unable to ...`, without ANSI colour codes."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)
    message = re.sub(r"^ERROR:\s*", "", message)
    return re.sub(r"^\[[\w:.-]+\]\s*[\w.-]*:\s*", "", message).strip()
