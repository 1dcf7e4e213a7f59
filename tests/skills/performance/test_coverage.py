"""What a review says of its numbers: source and date, how formats were decided, why nothing was scored."""

from __future__ import annotations

from datetime import datetime, timezone

from young_production.records import VideoFormat
from young_production.skills.performance.coverage import coverage, format_line, nothing_scored, source_line
from young_production.youtube.snapshots import ImportRecord
from young_production.youtube.stats import VideoStats

TAKEN = datetime(2026, 12, 5, 9, tzinfo=timezone.utc)
PUBLISHED = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stats(n: int, fmt: VideoFormat | None, basis: str, source: str = "studio") -> list[VideoStats]:
    return [VideoStats(f"{basis[:3]}{i:08d}", TAKEN, published_at=PUBLISHED, views=10.0, format=fmt,
                       format_basis=basis, source=source) for i in range(n)]


def test_each_route_names_its_source_and_date() -> None:
    videos = stats(3, VideoFormat.VIDEO, "duration")
    cover = coverage(videos, [], {}, ImportRecord(TAKEN, "chan", "Table data.csv", 3), 7)
    assert source_line("export", "", None, cover) == "Source: YouTube Studio export Table data.csv, imported 2026-12-05"
    assert source_line("api", "", None, cover) == "Source: the YouTube Data API, read 2026-12-05"
    assert source_line("snapshots", "", "ytdlp failed (no route to host)", cover) == (
        "Source: the newest recorded snapshots (Studio exports), as of 2026-12-05; ytdlp failed (no route to host)")


def test_formats_and_unscored_videos_are_counted_with_their_reasons() -> None:
    videos = (stats(4, VideoFormat.VIDEO, "average view duration") + stats(2, VideoFormat.SHORT, "#shorts tag")
              + stats(3, None, "61-180 s with no #shorts tag and no aspect ratio"))
    assert format_line(videos) == ("Formats: 4 long videos by average view duration, 2 Shorts by #shorts tag; "
                                   "3 format unknown (61-180 s with no #shorts tag and no aspect ratio), "
                                   "left out of both baselines")
    cover = coverage(videos, [], {}, None, 7)
    assert nothing_scored(cover) == ("0 of 9 videos scored: 3 format unknown "
                                     "(61-180 s with no #shorts tag and no aspect ratio)")
    empty = coverage([], [], {}, None, 7)
    assert nothing_scored(empty) == "0 of 0 videos scored: no videos recorded for this Empire"
    assert nothing_scored(empty, "ytdlp failed (could not resolve the host)") == (
        "0 of 0 videos scored: ytdlp failed (could not resolve the host), and no snapshots are recorded")
