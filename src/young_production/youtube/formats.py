"""Shorts or long-form, when no playlist says so: duration and aspect, and ISO 8601 durations.

YouTube has no Shorts flag in the API. A channel's `UUSH` / `UULF` playlists are the
reliable answer (see `channels.py`); this is the fallback. A Short is vertical or
square and at most 3 minutes long since 15 October 2024 (60 seconds before); with
no aspect known, only a video of at most 60 seconds counts as a Short.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..records import VideoFormat

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
