"""What a target is (S08 rules), whether it is a well-formed URL, and its canonical key.

A *target* is what a user typed: an http(s) URL or a local file path. The rules
below look only at the text of the target, never at the network, so they are
free, instant and work offline. Scraping may refine the answer after fetching (a
web page that embeds a video is scraped as media). Whether an address may be
fetched is the guard's business (`media.guard`), decided when connecting.

Rules, first match wins:

| target                                                      | type          |
|-------------------------------------------------------------|---------------|
| youtube.com/shorts/ID                                       | YOUTUBE_SHORT |
| youtube.com/watch?v=, /live/, /embed/, /v/, youtu.be/ID     | YOUTUBE_VIDEO |
| tiktok.com, vm.tiktok.com                                   | TIKTOK        |
| instagram.com ([/user]/p/, /reel/, /reels/, /tv/)           | INSTAGRAM     |
| x.com or twitter.com .../status/ID                          | X_POST        |
| path ends in an image extension (.png .jpg ...)             | IMAGE         |
| path ends in an audio/video extension (.mp4 .mp3 ...)       | MEDIA         |
| any other http(s) URL                                       | ARTICLE       |
| local file ending in .html .htm .txt .md                    | ARTICLE       |
| anything else                                               | UNKNOWN       |
"""

from __future__ import annotations

import ipaddress
from pathlib import PurePath
from urllib.parse import parse_qs, urlsplit

from ..errors import AddressRefused
from ..records import SourceType

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"})
MEDIA_EXTENSIONS = frozenset(
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp",
        ".mp3", ".m4a", ".aac", ".wav", ".flac", ".ogg", ".oga", ".opus", ".wma",
    }
)
TEXT_EXTENSIONS = frozenset({".html", ".htm", ".txt", ".md"})
ALLOWED_SCHEMES = ("http", "https")


def is_url(target: str) -> bool:
    """True for anything with a URL scheme (`https:`, `file:`, `ftp:` ...), not for `C:\\x`."""
    scheme = urlsplit(target.strip()).scheme
    return len(scheme) > 1


def _host(netloc_host: str | None) -> str:
    host = (netloc_host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _by_extension(path: str) -> SourceType | None:
    suffix = PurePath(path).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return SourceType.IMAGE
    if suffix in MEDIA_EXTENSIONS:
        return SourceType.MEDIA
    return None


def classify_source(target: str) -> SourceType:
    """Classify a URL or local path by rules only (see the table in the module docstring)."""
    target = target.strip()
    if not is_url(target):
        by_ext = _by_extension(target)
        if by_ext is not None:
            return by_ext
        if PurePath(target).suffix.lower() in TEXT_EXTENSIONS:
            return SourceType.ARTICLE
        return SourceType.UNKNOWN

    parts = urlsplit(target)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return SourceType.UNKNOWN
    host, path = _host(parts.hostname), parts.path
    segments = [s for s in path.split("/") if s]

    if _on(host, "youtube.com") or _on(host, "youtube-nocookie.com"):
        if segments[:1] == ["shorts"] and len(segments) > 1:
            return SourceType.YOUTUBE_SHORT
        if segments[:1] == ["watch"] and parse_qs(parts.query).get("v"):
            return SourceType.YOUTUBE_VIDEO
        if segments[:1] in (["live"], ["embed"], ["v"]) and len(segments) > 1:
            return SourceType.YOUTUBE_VIDEO
    if host == "youtu.be" and segments:
        return SourceType.YOUTUBE_VIDEO
    if _on(host, "tiktok.com"):
        return SourceType.TIKTOK
    if _on(host, "instagram.com") and any(s in ("p", "reel", "reels", "tv") for s in segments[:2]):
        return SourceType.INSTAGRAM
    if (_on(host, "x.com") or _on(host, "twitter.com")) and "status" in segments:
        return SourceType.X_POST
    return _by_extension(path) or SourceType.ARTICLE


def route_type(target: str, declared: SourceType | None = None) -> SourceType:
    """How a target is read, decided by the target itself.

    A type declared on the entry may only refine a generic web URL (an ARTICLE by the
    rules), e.g. mark a page as MEDIA; it never turns a local path, a platform URL or a
    file extension into another route.
    """
    by_rules = classify_source(target)
    if declared is None or declared is SourceType.UNKNOWN or by_rules is not SourceType.ARTICLE:
        return by_rules
    return declared if is_url(target) else by_rules


def check_url_syntax(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, or `AddressRefused` saying what is wrong with it.

    Syntax only, no network: `yp dna add` works offline. IPv6 hosts come without brackets.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        raise AddressRefused(f"malformed address in URL: {url}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise AddressRefused(f"only http and https URLs can be fetched, this one has {shown}: {url}")
    try:
        port = parts.port
    except ValueError:
        raise AddressRefused(f"malformed address in URL (the port must be a number from 1 to 65535): {url}") from None
    if port == 0:
        raise AddressRefused(f"malformed address in URL (the port must be a number from 1 to 65535): {url}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressRefused(f"URL has no host: {url}")
    if ":" in host or parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise AddressRefused(f"malformed address in URL (not an IPv6 address in brackets): {url}") from None
    elif any(c.isspace() or c in "<>\\^`{|}\"" for c in host):
        raise AddressRefused(f"malformed address in URL (bad characters in the host): {url}")
    return scheme, host, port or (443 if scheme == "https" else 80)
