"""What a target is (S08 rules) and whether we may fetch it (the address guard).

A *target* is what a user typed: an http(s) URL or a local file path. The rules
below look only at the text of the target, never at the network, so they are
free and instant. Scraping may refine the answer after fetching (a web page that
embeds a video is scraped as media).

Rules, first match wins:

| target                                                      | type          |
|-------------------------------------------------------------|---------------|
| youtube.com/shorts/ID                                       | YOUTUBE_SHORT |
| youtube.com/watch?v=, /live/, /embed/, /v/, youtu.be/ID     | YOUTUBE_VIDEO |
| tiktok.com, vm.tiktok.com                                   | TIKTOK        |
| instagram.com (/p/, /reel/, /reels/, /tv/)                  | INSTAGRAM     |
| x.com or twitter.com .../status/ID                          | X_POST        |
| path ends in an image extension (.png .jpg ...)             | IMAGE         |
| path ends in an audio/video extension (.mp4 .mp3 ...)       | MEDIA         |
| any other http(s) URL                                       | ARTICLE       |
| local file ending in .html .htm .txt .md                    | ARTICLE       |
| anything else                                               | UNKNOWN       |
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import PurePath
from urllib.parse import parse_qs, urlsplit

from ..errors import AddressRefused, TransientError
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
    if _on(host, "instagram.com") and segments[:1] in (["p"], ["reel"], ["reels"], ["tv"]):
        return SourceType.INSTAGRAM
    if (_on(host, "x.com") or _on(host, "twitter.com")) and "status" in segments:
        return SourceType.X_POST
    return _by_extension(path) or SourceType.ARTICLE


class AddressGuard:
    """Refuse URLs we must not fetch for a user: other schemes, and private addresses.

    Every address the host name resolves to must be public (globally routable),
    unless `allow_private` is set (the demo and tests set it to reach 127.0.0.1).
    IP literals are judged without any lookup, so a refused private address is
    never contacted. The check runs before every fetch and on every redirect.
    """

    def __init__(self, allow_private: bool = False):
        self.allow_private = allow_private

    def check(self, url: str) -> None:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            shown = f"'{scheme}:'" if scheme else "no scheme"
            raise AddressRefused(f"only http and https URLs can be fetched, this one has {shown}: {url}")
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            raise AddressRefused(f"malformed address in URL: {url}") from None
        if not host:
            raise AddressRefused(f"URL has no host: {url}")
        if self.allow_private:
            return
        for address in self._addresses(host, port or (443 if scheme == "https" else 80)):
            if not _is_public(address):
                raise AddressRefused(
                    f"refused {url}: {host} is a private, loopback or reserved address ({address}); "
                    "set sources.allow_private_addresses in pipeline.yaml to allow it"
                )

    @staticmethod
    def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise TransientError(f"could not resolve host {host}: {exc}") from None
        return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
