"""Timed transcripts: what S04 produces and S05-S07 read."""

from __future__ import annotations

from dataclasses import dataclass, field

from .records import TranscriptSource


@dataclass(frozen=True)
class Segment:
    """A stretch of text with its time in seconds (None for untimed text like articles)."""

    text: str
    start: float | None = None
    end: float | None = None


@dataclass
class Transcript:
    source: TranscriptSource
    segments: list[Segment] = field(default_factory=list)
    language: str | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def timed(self) -> bool:
        return any(s.start is not None for s in self.segments)

    def __bool__(self) -> bool:
        return bool(self.text)


def format_timestamp(seconds: float | None) -> str:
    """`75.4` -> `1:15`; `3725` -> `1:02:05`."""
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
