"""Shorts or long-form, when no playlist says so: duration and aspect, and ISO 8601 durations.

YouTube has no Shorts flag in the API. A channel's `UUSH` / `UULF` playlists are the
reliable answer (see `channels.py`); this is the fallback. A Short is vertical or
square and at most 3 minutes long since 15 October 2024 (60 seconds before); with
no aspect known, only a video of at most 60 seconds counts as a Short.

Studio exports have no aspect either; `export_format` adds what they do have: a
`#shorts` tag, Shorts-only feed metrics, and an average view duration longer than a
Short can be. A video of 61-180 seconds, published since Shorts may run 3 minutes,
that none of these settles is "format unknown" rather than a guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..records import VideoFormat

SHORTS_TAG = re.compile(r"#shorts?\b", re.IGNORECASE)

SHORTS_3_MINUTES_FROM = datetime(2024, 10, 15, tzinfo=timezone.utc)
_ISO_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def parse_iso_duration(text: str | None) -> float | None:
    """Seconds in an ISO 8601 duration as the Data API writes it (`PT1H2M3S`, `P1DT2H`); None if unreadable."""
    if not text:
        return None
    match = _ISO_DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        return None
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return (
        parts["weeks"] * 604800 + parts["days"] * 86400 + parts["hours"] * 3600
        + parts["minutes"] * 60 + parts["seconds"]
    )


def shorts_max_seconds(published_at: datetime | None) -> float:
    if published_at is None:
        return 180.0
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=timezone.utc)
    return 180.0 if published_at >= SHORTS_3_MINUTES_FROM else 60.0


def classify_format(
    duration_seconds: float | None,
    width: float | None,
    height: float | None,
    published_at: datetime | None,
) -> tuple[VideoFormat | None, str]:
    """(format, basis) from duration and aspect; (None, reason) when duration is unknown."""
    if duration_seconds is None or duration_seconds <= 0:
        return None, "unknown (no duration)"
    limit = shorts_max_seconds(published_at)
    if width and height:
        vertical = height >= width
        if vertical and duration_seconds <= limit:
            return VideoFormat.SHORT, "duration and aspect"
        return VideoFormat.VIDEO, "duration and aspect"
    if duration_seconds <= 60:
        return VideoFormat.SHORT, "duration"
    return VideoFormat.VIDEO, "duration"


def export_format(
    duration_seconds: float | None,
    published_at: datetime | None,
    *,
    texts: tuple[str | None, ...] = (),
    shorts_feed: bool = False,
    average_view_seconds: float | None = None,
    average_percent_viewed: float | None = None,
    duration_basis: str = "duration",
) -> tuple[VideoFormat | None, str]:
    """(format, basis) of a video with no aspect known; (None, why) when nothing settles it.

    `texts` are its title and description (a `#shorts` tag there marks a Short up to
    the Shorts limit of its publish date); `shorts_feed` says the export has
    Shorts-feed figures for it; the average view duration (and, with the average
    percentage viewed, the length it implies) can show a video is too long for a Short.
    """
    limit = shorts_max_seconds(published_at)
    tagged = any(text and SHORTS_TAG.search(text) for text in texts)
    if duration_seconds is not None and duration_seconds > 0:
        if duration_seconds <= 60:
            return VideoFormat.SHORT, duration_basis
        if duration_seconds > limit:
            return VideoFormat.VIDEO, duration_basis
        if tagged:
            return VideoFormat.SHORT, "#shorts tag"
        return None, "61-180 s with no #shorts tag and no aspect ratio"
    if tagged:
        return VideoFormat.SHORT, "#shorts tag"
    if shorts_feed:
        return VideoFormat.SHORT, "Shorts feed figures"
    if average_view_seconds is not None and average_view_seconds > limit:
        return VideoFormat.VIDEO, "average view duration"
    if average_view_seconds and average_percent_viewed and 0 < average_percent_viewed < 100:
        implied = average_view_seconds * 100 / average_percent_viewed
        if implied > limit * 1.25:  # both figures are rounded: keep a margin
            return VideoFormat.VIDEO, "length implied by average view duration"
    return None, "no duration and no #shorts tag"
