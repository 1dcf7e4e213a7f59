"""The Data API client against the loopback emulator: paging, formats, quota, errors."""

from __future__ import annotations

import logging
import math
import pickle
from datetime import datetime, timezone

import pytest

from tests.fakes.youtube_api import YouTubeAPIEmulator
from tests.youtube.conftest import CHANNEL_ID, make_channel
from young_production.errors import AccountError, SourceError, TransientError
from young_production.records import VideoFormat
from young_production.youtube.channels import parse_channel_url
from young_production.youtube.data_api import YouTubeDataAPI, minimum_units
from young_production.youtube.quota import QuotaBudgetReached, QuotaMeter

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


def client(api: YouTubeAPIEmulator, tmp_path, key: str = "test-key", budget: int = 10_000) -> YouTubeDataAPI:
    meter = QuotaMeter(tmp_path / "state" / "state.db", budget, clock=lambda: NOW)
    return YouTubeDataAPI(key, meter, base_url=api.base_url, clock=lambda: NOW, retries=1)


def test_channel_by_id_reads_format_playlists_and_counts_every_video(youtube_api, tmp_path):
    with client(youtube_api, tmp_path) as yt:
        result = yt.channel_videos(parse_channel_url(f"https://www.youtube.com/channel/{CHANNEL_ID}/videos"))
    assert len(result.videos) == 130
    by_id = result.by_id()
    assert by_id["s000000005x"].format is VideoFormat.SHORT
    assert by_id["s000000005x"].format_basis == "shorts playlist"
    assert by_id["v000000002x"].format is VideoFormat.VIDEO
    assert by_id["v000000002x"].views == 5000 + 101 * 2
    assert by_id["v000000002x"].duration_seconds == 600 + 26
    assert by_id["v000000003x"].likes is None  # hidden like count stays unknown, not zero
    assert by_id["v000000004x"].comments is None
    assert by_id["s000000005x"].height > by_id["s000000005x"].width
    # 70 Shorts = 2 pages, 60 long = 2 pages, 130 ids = 3 videos.list calls; no channels.list for a UC id
    assert result.quota_units == 2 + 2 + 3
    assert youtube_api.calls_to("search.list") == 0
    assert youtube_api.calls_to("channels.list") == 0
    assert all(len(p["id"].split(",")) <= 50 for m, p in youtube_api.calls if m == "videos.list")


def test_handle_costs_one_channels_call_and_limit_stops_paging(youtube_api, tmp_path):
    with client(youtube_api, tmp_path) as yt:
        result = yt.channel_videos(parse_channel_url("youtube.com/@TestChannel"), limit=20)
        assert result.title == "Test Channel"
        assert yt.meter.run_calls == {"channels.list": 1, "playlistItems.list": 2, "videos.list": 1}
    newest_shorts = sorted((v for v in result.videos if v.format is VideoFormat.SHORT),
                           key=lambda v: v.published_at, reverse=True)
    assert len(newest_shorts) == 20 and newest_shorts[0].video_id == "s000000069x"


def test_key_never_travels_in_the_url_or_logs(youtube_api, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with client(youtube_api, tmp_path, key="test-key") as yt:
        yt.channel_videos(parse_channel_url(CHANNEL_ID), limit=5)
    assert set(youtube_api.keys_seen) == {"test-key"}
    assert all("key" not in params for _, params in youtube_api.calls)
    assert "test-key" not in caplog.text


def test_missing_format_playlists_fall_back_to_uploads_and_duration(tmp_path):
    with YouTubeAPIEmulator() as api:
        api.add_channel(make_channel(shorts=12, longs=8, format_playlists=False))
        with client(api, tmp_path) as yt:
            result = yt.channel_videos(parse_channel_url(CHANNEL_ID))
    assert any("uploads playlist" in note for note in result.notes)
    formats = {v.video_id: (v.format, v.format_basis) for v in result.videos}
    assert formats["s000000003x"] == (VideoFormat.SHORT, "duration and aspect")
    assert formats["v000000003x"] == (VideoFormat.VIDEO, "duration and aspect")


def test_unknown_channel_is_a_clear_source_error(youtube_api, tmp_path):
    with client(youtube_api, tmp_path) as yt:
        with pytest.raises(SourceError, match="no YouTube channel found"):
            yt.channel_videos(parse_channel_url("https://www.youtube.com/@nobody-here"))
        with pytest.raises(SourceError, match="no public uploads playlist"):
            yt.channel_videos(parse_channel_url("UC" + "Z" * 22))


def test_bad_key_stops_with_the_apis_reason(youtube_api, tmp_path):
    with client(youtube_api, tmp_path, key="wrong-key") as yt:
        with pytest.raises(AccountError, match="API key not valid") as caught:
            yt.channel_videos(parse_channel_url(CHANNEL_ID))
    assert "wrong-key" not in str(caught.value)
    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args


def test_exhausted_quota_stops_with_quota_exceeded(youtube_api, tmp_path):
    youtube_api.quota_left = 3
    with client(youtube_api, tmp_path) as yt:
        with pytest.raises(AccountError, match="exceeded your quota"):
            yt.channel_videos(parse_channel_url(CHANNEL_ID))


def test_disabled_api_is_an_account_error(youtube_api, tmp_path):
    youtube_api.access_not_configured = True
    with client(youtube_api, tmp_path) as yt:
        with pytest.raises(AccountError, match="accessNotConfigured|has not been used"):
            yt.channel_videos(parse_channel_url(CHANNEL_ID))


def test_backend_error_is_retried_once_then_transient(youtube_api, tmp_path):
    youtube_api.fail_next = [503]
    with client(youtube_api, tmp_path) as yt:
        result = yt.channel_videos(parse_channel_url(CHANNEL_ID), limit=5)
    assert result.videos
    youtube_api.fail_next = [500, 500]
    with client(youtube_api, tmp_path) as yt:
        with pytest.raises(TransientError, match="HTTP 500"):
            yt.channel_videos(parse_channel_url(CHANNEL_ID), limit=5)


def test_daily_budget_is_shared_across_runs_and_stops_before_the_call(youtube_api, tmp_path):
    with client(youtube_api, tmp_path, budget=8) as yt:
        yt.channel_videos(parse_channel_url(CHANNEL_ID))  # 7 units
        assert yt.meter.used_today() == 7
    calls_before = len(youtube_api.calls)
    with client(youtube_api, tmp_path, budget=8) as yt:
        with pytest.raises(QuotaBudgetReached) as caught:
            yt.channel_videos(parse_channel_url(CHANNEL_ID))
    assert len(youtube_api.calls) == calls_before + 1  # the 8th unit was spent, the 9th never sent
    error = pickle.loads(pickle.dumps(caught.value))
    assert (error.used, error.budget) == (8, 8) and "8 of 8" in str(error)


def test_include_ids_fetches_older_videos_outside_the_limit(youtube_api, tmp_path):
    with client(youtube_api, tmp_path) as yt:
        result = yt.channel_videos(parse_channel_url(CHANNEL_ID), limit=5, include_ids=["v000000000x", "gone0000000"])
    ids = set(result.by_id())
    assert "v000000000x" in ids and "gone0000000" not in ids
    assert result.by_id()["v000000000x"].format is VideoFormat.VIDEO


def test_minimum_units_is_pages_plus_video_calls():
    assert minimum_units(500) == 10 + 10
    assert minimum_units(130) == 3 + 3
    assert minimum_units(0) == 1 + 0
    assert minimum_units(51) == 2 * math.ceil(51 / 50)
