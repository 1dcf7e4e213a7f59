"""One Empire's scored videos and pattern lifts, shared by the report tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from young_production.records import Empire, SourceType, VideoFormat, ViralDNA
from young_production.skills.performance.outliers import VideoPoint, score_videos
from young_production.skills.performance.patterns import join_patterns, pattern_lifts

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
HOSTILE = '<script>alert("x")</script> **bold** [link](http://evil.example)'


def report_inputs():
    points = []
    for i in range(30):
        views = 500.0 + 250 * (i % 7) + (4000.0 if i in (11, 24) else 0.0)
        title = HOSTILE if i == 24 else f"Long video {i}"
        points.append(VideoPoint(f"L{i:02d}", NOW - timedelta(days=200 - 6 * i), views, VideoFormat.VIDEO, NOW, title))
    for i in range(20):
        views = 300.0 + 20 * (i % 5) + (2000.0 if i == 15 else 0.0)
        points.append(VideoPoint(f"S{i:02d}", NOW - timedelta(days=100 - 4 * i, hours=3), views, VideoFormat.SHORT,
                                 NOW, f"Short {i}"))
    points.append(VideoPoint("fresh", NOW - timedelta(days=2), 50.0, VideoFormat.SHORT, NOW, "Fresh short"))
    scores = score_videos(points)
    question = ViralDNA(id="dna-q", title="q", hook="h", hook_pattern="question",
                        source_type=SourceType.YOUTUBE_SHORT, niche_tags=["money"])
    story = ViralDNA(id="dna-s", title="s", hook="h", hook_pattern="story", source_type=SourceType.ARTICLE,
                     niche_tags=["money"])
    links = {vid: [question] for vid in ("L11", "L24", "S15", "L03", "L20")}
    links |= {vid: [story] for vid in ("L05", "L06", "S03", "S04", "L15")}
    ratios = {vid: s.ratio for vid, s in scores.items() if s.status == "scored"}
    lifts = pattern_lifts(join_patterns(ratios, links))
    return Empire(name="Money Habits <Lab>"), points, scores, lifts
