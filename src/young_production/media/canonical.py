"""One canonical spelling per reference, so the same video added twice is one entry.

`youtu.be/ID`, `m.youtube.com/watch?v=ID&t=42`, `youtube.com/shorts/ID?si=...` and
`youtube.com/embed/ID` are one video; a TikTok, an Instagram post or reel, and an X
status are identified by their ids the same way. Any other URL keeps its path and
meaningful query, with a lower-case host, no default port, no user info, no fragment
and no tracking parameters (utm_*, fbclid, gclid, si, igshid ...), remaining
parameters sorted. Pure text work: no network.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .sources import check_url_syntax

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "igsh", "si", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url",
        "spm", "share_id", "trk", "trkcampaign", "vero_id", "oly_enc_id", "oly_anon_id", "rb_clickid",
    }
)
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_DIGITS = re.compile(r"\d{5,25}")
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_YOUTUBE_HOSTS = ("youtube.com", "youtube-nocookie.com")
_YOUTUBE_PATHS = ("shorts", "embed", "live", "v", "e")


def canonical_target(url: str) -> str:
    """The canonical form of an http(s) URL (see the module docstring); syntax errors raise."""
    scheme, host, port = check_url_syntax(url)
    parts = urlsplit(url.strip())
    host = _ascii_host(host)
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=True)
    for known in (_youtube, _tiktok, _instagram, _x_status):
        found = known(host, segments, query)
        if found:
            return found
    default_port = 443 if scheme == "https" else 80
    netloc = f"[{host}]" if ":" in host else host
    if port != default_port:
        netloc += f":{port}"
    kept = sorted((k, v) for k, v in query if not _is_tracking(k))
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(kept), ""))


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _ascii_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if ":" in host:
        return str(ipaddress.IPv6Address(host))  # one spelling of the address (checked by check_url_syntax)
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _youtube(host: str, segments: list[str], query: list[tuple[str, str]]) -> str | None:
    video_id = None
    if host == "youtu.be" and segments:
        video_id = segments[0]
    elif any(_on(host, d) for d in _YOUTUBE_HOSTS):
        if segments[:1] == ["watch"]:
            video_id = next((v for k, v in query if k == "v"), None)
        elif len(segments) > 1 and segments[0] in _YOUTUBE_PATHS:
            video_id = segments[1]
    if video_id and _YOUTUBE_ID.fullmatch(video_id):
        return f"https://www.youtube.com/watch?v={video_id}"
    return None


def _tiktok(host: str, segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if not _on(host, "tiktok.com"):
        return None
    if host in ("vm.tiktok.com", "vt.tiktok.com") and segments:
        return f"https://vm.tiktok.com/{segments[0]}/"  # a short link: its video is only known online
    if segments[:1] == ["t"] and len(segments) > 1:
        return f"https://vm.tiktok.com/{segments[1]}/"
    for kind in ("video", "photo", "v"):
        if kind in segments[:-1]:
            item = segments[segments.index(kind) + 1].removesuffix(".html")
            if _DIGITS.fullmatch(item):
                return f"https://www.tiktok.com/{'photo' if kind == 'photo' else 'video'}/{item}"
    if segments[:2] in (["embed", "v2"], ["embed", "v3"]) and len(segments) > 2 and _DIGITS.fullmatch(segments[2]):
        return f"https://www.tiktok.com/video/{segments[2]}"
    if segments[:1] == ["embed"] and len(segments) > 1 and _DIGITS.fullmatch(segments[1]):
        return f"https://www.tiktok.com/video/{segments[1]}"
    return None


def _instagram(host: str, segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if not _on(host, "instagram.com"):
        return None
    for kind in ("p", "reel", "reels", "tv"):
        # instagram.com/p/CODE/ and instagram.com/<user>/reel/CODE/: one shortcode namespace
        if kind in segments[:2] and segments.index(kind) + 1 < len(segments):
            code = segments[segments.index(kind) + 1]
            if _SHORTCODE.fullmatch(code):
                return f"https://www.instagram.com/p/{code}/"
    return None


def _x_status(host: str, segments: list[str], query: list[tuple[str, str]]) -> str | None:
    if not (_on(host, "x.com") or _on(host, "twitter.com")):
        return None
    for kind in ("status", "statuses"):
        if kind in segments[:-1]:
            status_id = segments[segments.index(kind) + 1]
            if _DIGITS.fullmatch(status_id):
                return f"https://x.com/i/status/{status_id}"
    return None
