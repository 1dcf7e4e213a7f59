"""A Data API emulator with one channel of Shorts and long videos, shared by the YouTube tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from tests.fakes.youtube_api import FakeChannel, FakeVideo, YouTubeAPIEmulator

CHANNEL_ID = "UC" + "A" * 20 + "bc"
START = datetime(2025, 1, 1, 15, 0, tzinfo=timezone.utc)


def make_channel(channel_id: str = CHANNEL_ID, shorts: int = 70, longs: int = 60, **kwargs) -> FakeChannel:
    """Shorts every day and long videos every other day, views varying by index (no randomness)."""
    videos = [
        FakeVideo(f"s{i:09d}x", f"Short {i}", START + timedelta(days=i), 30 + i % 100, 1000 + 37 * (i % 11),
                  likes=10 + i, comments=i % 5, kind="short", width=1080, height=1920)
        for i in range(shorts)
    ] + [
        FakeVideo(f"v{i:09d}x", f"Video {i}", START + timedelta(days=2 * i, hours=3), 600 + 13 * i,
                  5000 + 101 * (i % 7), likes=None if i == 3 else 100 + i, comments=None if i == 4 else 7, kind="video")
        for i in range(longs)
    ]
    return FakeChannel(channel_id, "Test Channel", handle="@testchannel", username="testchan", videos=videos, **kwargs)


@pytest.fixture
def youtube_api() -> Iterator[YouTubeAPIEmulator]:
    with YouTubeAPIEmulator() as emulator:
        emulator.add_channel(make_channel())
        yield emulator
