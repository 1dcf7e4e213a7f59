"""YouTube Data API units one Empire review costs, against the least the API allows.

    .venv/bin/python benchmarks/wf4_quota.py [--videos 500] [--shorts-share 0.4]

A channel of N public videos (a share of them Shorts) is served by the loopback Data
API emulator; `YouTubeDataAPI.channel_videos` reads it the way WF4 does, once by
channel id and once by @handle, and once for a channel whose Shorts/long-form
playlists are missing (the uploads-playlist fallback). The minimum any key-based read
can cost is the uploads playlist's pages plus ceil(N / 50) `videos.list` calls; the
last line is machine-readable: `units=U minimum=M ratio=R videos=N`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.fakes.youtube_api import FakeChannel, FakeVideo, YouTubeAPIEmulator  # noqa: E402
from young_production.youtube.channels import parse_channel_url  # noqa: E402
from young_production.youtube.data_api import YouTubeDataAPI, minimum_units  # noqa: E402
from young_production.youtube.quota import QuotaMeter  # noqa: E402

CHANNEL_ID = "UC" + "B" * 22
START = datetime(2022, 1, 1, tzinfo=timezone.utc)


def make_channel(videos: int, shorts_share: float, format_playlists: bool = True) -> FakeChannel:
    shorts = round(videos * shorts_share)
    made = [
        FakeVideo(f"{'s' if i < shorts else 'v'}{i:010d}", f"video {i}", START + timedelta(hours=13 * i),
                  40 if i < shorts else 700, 1000 + i, kind="short" if i < shorts else "video",
                  width=1080 if i < shorts else 1920, height=1920 if i < shorts else 1080)
        for i in range(videos)
    ]
    return FakeChannel(CHANNEL_ID, "Benchmark channel", handle="@bench", videos=made,
                       format_playlists=format_playlists)


def read(videos: int, shorts_share: float, target: str, format_playlists: bool = True) -> tuple[int, dict, int]:
    with YouTubeAPIEmulator() as api, tempfile.TemporaryDirectory() as state:
        api.add_channel(make_channel(videos, shorts_share, format_playlists))
        meter = QuotaMeter(Path(state) / "state.db", daily_budget=10_000)
        with YouTubeDataAPI("test-key", meter, base_url=api.base_url) as client:
            result = client.channel_videos(parse_channel_url(target))
        return result.quota_units, dict(meter.run_calls), len(result.videos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=500)
    parser.add_argument("--shorts-share", type=float, default=0.4)
    args = parser.parse_args()
    minimum = minimum_units(args.videos)
    print(f"channel: {args.videos} videos, {args.shorts_share:.0%} Shorts; minimum {minimum} units "
          f"({minimum - -(-args.videos // 50)} playlist pages + {-(-args.videos // 50)} videos.list)")
    rows = [
        ("by channel id (UUSH + UULF)", CHANNEL_ID, True),
        ("by @handle (+ channels.list)", "@bench", True),
        ("no format playlists (UU fallback)", CHANNEL_ID, False),
    ]
    units_by_id = 0
    for label, target, playlists in rows:
        units, calls, found = read(args.videos, args.shorts_share, target, playlists)
        units_by_id = units_by_id or units
        detail = ", ".join(f"{m} x{n}" for m, n in sorted(calls.items()))
        print(f"{label:36s} {units:4d} units ({units / minimum:.2f}x minimum), {found} videos: {detail}")
    print(f"units={units_by_id} minimum={minimum} ratio={units_by_id / minimum:.2f} videos={args.videos}")


if __name__ == "__main__":
    main()
