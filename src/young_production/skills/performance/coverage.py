"""What a review's numbers rest on, in sentences: their source and date, how formats were decided, what went unscored.

A review that does not say where its numbers came from cannot be checked, and one
that scored nothing must say why rather than publish empty charts. These lines go to
the top of the report's notes and, for a review that scored nothing, to the command
line (`nothing_scored`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ...records import VideoFormat
from ...youtube.snapshots import ImportRecord
from ...youtube.stats import VideoStats
from .outliers import OutlierScore, VideoPoint

SOURCE_NAMES = {"api": "the YouTube Data API", "ytdlp": "public pages through yt-dlp", "studio": "Studio exports"}
_UNSCORED = {"too_early": "too early (under {days:g} days old)", "too_few_peers": "too few same-format peers",
             "zero_baseline": "peers with no views"}


def coverage(stats: Iterable[VideoStats], points: Iterable[VideoPoint], scores: Mapping[str, OutlierScore],
             latest_import: ImportRecord | None, min_age_days: float) -> dict[str, Any]:
    """Plain JSON for the review: counts, the newest snapshot's date, format and unscored lines."""
    videos = list(stats)
    scored_ids = {k for k, s in scores.items() if s.status == "scored"}
    reasons: Counter[str] = Counter()
    for video in videos:
        if video.published_at is None:
            reasons["no publish date (unlisted or private)"] += 1
        elif video.format is None:
            reasons[f"format unknown ({video.format_basis or 'no duration'})"] += 1
        elif video.live:
            reasons["live streams"] += 1
    for score in scores.values():
        if score.status != "scored":
            reasons[_UNSCORED[score.status].format(days=min_age_days)] += 1
    newest = max((v.taken_at for v in videos), default=None)
    return {
        "read": len(videos), "scored": len(scored_ids), "points": sum(1 for _ in points),
        "as_of": newest.isoformat() if newest else None,
        "sources": dict(Counter(v.source for v in videos)),
        "unscored": dict(reasons.most_common()),
        "formats": format_line(videos),
        "import": None if latest_import is None else {
            "file": latest_import.file, "taken_at": latest_import.taken_at.isoformat(),
            "notes": list(latest_import.notes)},
    }


def format_line(videos: list[VideoStats]) -> str | None:
    """"Formats: 207 long videos by average view duration, 11 Shorts by #shorts tag; 2 format unknown (...)"."""
    decided: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for video in videos:
        if video.published_at is None:
            continue
        if video.format is None:
            unknown[video.format_basis or "no duration"] += 1
        else:
            kind = "Shorts" if video.format is VideoFormat.SHORT else "long videos"
            decided[f"{kind} by {video.format_basis or 'the route that read them'}"] += 1
    if not decided and not unknown:
        return None
    line = "Formats: " + ", ".join(f"{n} {label}" for label, n in decided.most_common())
    if unknown:
        line += "; " + ", ".join(f"{n} format unknown ({why})" for why, n in unknown.most_common())
        line += ", left out of both baselines"
    return line


def source_line(route: str, why: str, failed: str | None, cover: Mapping[str, Any]) -> str:
    """The first note: which numbers the review used and as of when."""
    as_of = _day(cover.get("as_of"))
    imported = cover.get("import") or {}
    if route == "export" and imported:
        return f"Source: YouTube Studio export {imported['file']}, imported {_day(imported['taken_at'])}"
    if route in ("api", "ytdlp") and not failed:
        return f"Source: {SOURCE_NAMES[route]}, read {as_of}"
    used = ", ".join(SOURCE_NAMES.get(s, s) for s in cover.get("sources") or {}) or "none"
    line = f"Source: the newest recorded snapshots ({used}), as of {as_of}"
    if failed:
        line += f"; {failed}"
    elif why:
        line += f" ({why})"
    return line


def nothing_scored(cover: Mapping[str, Any], failed: str | None = None) -> str:
    """"0 of 223 videos scored: 223 format unknown (...)" - why a review has nothing to report."""
    reasons = ", ".join(f"{n} {why}" for why, n in (cover.get("unscored") or {}).items())
    if not reasons:
        reasons = f"{failed}, and no snapshots are recorded" if failed else "no videos recorded for this Empire"
    return f"0 of {cover['read']} videos scored: {reasons}"


def _day(moment: str | None) -> str:
    return datetime.fromisoformat(moment).date().isoformat() if moment else "an unknown date"
