"""What every route in (Data API, yt-dlp, Studio export) says about one video at one moment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ..records import VideoFormat


@dataclass(frozen=True)
class VideoStats:
    """Public counts of one video as seen at `taken_at`; None where the source does not say."""

    video_id: str
    taken_at: datetime
    title: str | None = None
    published_at: datetime | None = None
    duration_seconds: float | None = None
    views: float | None = None
    likes: float | None = None
    comments: float | None = None
    format: VideoFormat | None = None
    format_basis: str = ""  # "shorts playlist", "long-form playlist", "duration and aspect", ...
    width: float | None = None
    height: float | None = None
    live: bool = False
    source: str = "api"  # api | ytdlp | studio

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (workflow steps pass stats between them)."""
        data = asdict(self)
        data["taken_at"] = self.taken_at.isoformat()
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["format"] = self.format.value if self.format else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VideoStats:
        values = dict(data)
        values["taken_at"] = datetime.fromisoformat(values["taken_at"])
        if values.get("published_at"):
            values["published_at"] = datetime.fromisoformat(values["published_at"])
        values["format"] = VideoFormat(values["format"]) if values.get("format") else None
        return cls(**values)


@dataclass
class ChannelVideos:
    """A channel's videos as one route read them, with what the read cost."""

    channel_id: str | None
    title: str | None
    videos: list[VideoStats] = field(default_factory=list)
    quota_units: int = 0
    notes: list[str] = field(default_factory=list)  # e.g. "Shorts playlist unavailable: formats from duration"

    def by_id(self) -> dict[str, VideoStats]:
        return {v.video_id: v for v in self.videos}
