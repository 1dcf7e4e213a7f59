"""The keyless route through the real yt-dlp: a loopback feed of HTML5 video pages with schema.org counts."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from young_production.errors import AddressRefused
from young_production.media.guard import AddressGuard
from young_production.records import VideoFormat
from young_production.youtube.ytdlp_metadata import channel_videos, tab_urls, video_stats
from young_production.youtube.channels import parse_channel_url

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
VIDEOS = {  # name: (title, upload date, ISO duration, views, likes, comments)
    "habits": ("Five habits that stick", "2025-05-02T10:00:00Z", "PT4M5S", 12345, 321, 17),
    "quick": ("A quick tip", "2025-05-20T08:30:00Z", "PT45S", 999, 44, 2),
}


def page(base: str, name: str) -> bytes:
    title, date, duration, views, likes, comments = VIDEOS[name]
    ld = {
        "@context": "https://schema.org", "@type": "VideoObject", "name": title, "uploadDate": date,
        "duration": duration, "contentUrl": f"{base}captioned/habits.mp4", "thumbnailUrl": f"{base}images/quote-card.png",
        "interactionStatistic": [
            {"@type": "InteractionCounter", "interactionType": {"@type": "WatchAction"}, "userInteractionCount": views},
            {"@type": "InteractionCounter", "interactionType": {"@type": "LikeAction"}, "userInteractionCount": likes},
            {"@type": "InteractionCounter", "interactionType": {"@type": "CommentAction"}, "userInteractionCount": comments},
        ],
    }
    return (f"<!DOCTYPE html><html><head><title>{title}</title>"
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><h1>{title}</h1></body></html>").encode()


def feed(base: str, names: list[str]) -> bytes:
    items = "".join(f"<item><title>{n}</title><link>{base}channel/{n}.html</link><guid>{n}</guid></item>" for n in names)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loopback channel</title>'
            f"<link>{base}channel/</link><description>test</description>{items}</channel></rss>").encode()


@pytest.fixture(scope="module")
def channel_feed(sample_http):
    base = sample_http.base_url
    for name in VIDEOS:
        sample_http.add_route(f"/channel/{name}.html", page(base, name), content_type="text/html; charset=utf-8")
    sample_http.add_route("/channel/feed.xml", feed(base, ["habits", "quick", "missing"]),
                          content_type="application/rss+xml")
    return f"{base}channel/feed.xml"


def test_counts_dates_and_formats_from_public_pages(channel_feed):
    result = channel_videos(channel_feed, guard=AddressGuard(True), limit=10, clock=lambda: NOW)
    by_title = {v.title: v for v in result.videos}
    habits = by_title["Five habits that stick"]
    assert (habits.views, habits.likes, habits.comments) == (12345, 321, 17)
    assert habits.duration_seconds == 245 and habits.published_at == datetime(2025, 5, 2, 10, tzinfo=timezone.utc)
    assert habits.format is VideoFormat.VIDEO and habits.source == "ytdlp" and habits.taken_at == NOW
    assert by_title["A quick tip"].format is VideoFormat.SHORT  # 45 s, no frame size known: by duration
    assert len(result.videos) == 2
    assert any("missing.html" in note and "404" in note for note in result.notes)  # left out, run goes on


def test_the_guard_runs_before_yt_dlp_connects(channel_feed):
    with pytest.raises(AddressRefused):
        channel_videos(channel_feed, guard=AddressGuard(False), limit=2)
    with pytest.raises(AddressRefused):
        video_stats("file:///etc/passwd", guard=AddressGuard(True))


def test_a_youtube_channel_is_read_through_its_shorts_and_videos_tabs():
    assert tab_urls(parse_channel_url("https://www.youtube.com/@name/featured")) == [
        ("https://www.youtube.com/@name/shorts", VideoFormat.SHORT),
        ("https://www.youtube.com/@name/videos", VideoFormat.VIDEO),
    ]
