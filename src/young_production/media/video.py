"""Look inside media files with PyAV (no ffprobe needed): streams, duration, sample frames."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MediaError


@dataclass(frozen=True)
class MediaProbe:
    duration: float | None
    has_audio: bool
    has_video: bool


def probe(path: Path) -> MediaProbe:
    """Streams and duration of a media file; a still image inside an audio file is not video."""
    import av

    try:
        with av.open(str(path)) as container:
            video = [s for s in container.streams.video if not _is_cover_art(s)]
            duration = container.duration / 1_000_000 if container.duration else None
            return MediaProbe(duration, bool(container.streams.audio), bool(video))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"could not read media file {path.name}: {error_reason(exc)}") from None


def _is_cover_art(stream: Any) -> bool:
    from av.stream import Disposition

    return bool(stream.disposition & Disposition.attached_pic)


def sample_frames(path: Path, count: int, duration: float | None) -> list[tuple[float, Any]]:
    """`count` frames spread evenly over the video, as (seconds, BGR ndarray) pairs."""
    import av

    if count <= 0:
        return []
    frames: list[tuple[float, Any]] = []
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            span = duration or (container.duration / 1_000_000 if container.duration else 0.0)
            targets = [span * (i + 0.5) / count for i in range(count)] if span else [0.0]
            for target in targets:
                if stream.time_base is not None and target > 0:
                    container.seek(int(target / stream.time_base), stream=stream, backward=True)
                for frame in container.decode(stream):
                    if frame.time is None or frame.time + 1e-3 >= target:
                        frames.append((float(frame.time or target), frame.to_ndarray(format="bgr24")))
                        break
    except (av.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise MediaError(f"could not read video frames from {path.name}: {error_reason(exc)}") from None
    return frames


def error_reason(exc: Exception) -> str:
    """What went wrong reading a file, in a few words (PyAV and OS errors)."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
