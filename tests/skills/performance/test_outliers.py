"""S11 outlier scores: definition, formats apart, age matching, intervals, named alternatives."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from young_production.records import VideoFormat
from young_production.skills.performance.outliers import (
    OutlierSettings,
    VideoPoint,
    is_young_basis,
    median_interval,
    points_from_stats,
    score_videos,
)
from young_production.youtube.snapshots import SnapshotStore
from young_production.youtube.stats import VideoStats

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
LONG, SHORT = VideoFormat.VIDEO, VideoFormat.SHORT


def channel(long_views: list[float], short_views: list[float] = (), start_days_ago: int = 200) -> list[VideoPoint]:
    points = []
    for i, views in enumerate(long_views):
        published = NOW - timedelta(days=start_days_ago - 3 * i)
        points.append(VideoPoint(f"L{i:02d}", published, views, LONG, NOW))
    for i, views in enumerate(short_views):
        published = NOW - timedelta(days=start_days_ago - 3 * i, hours=5)
        points.append(VideoPoint(f"S{i:02d}", published, views, SHORT, NOW))
    return points


def test_ratio_to_the_median_of_same_format_peers_excluding_itself():
    views = [1000.0] * 30
    views[29] = 5000.0
    scores = score_videos(channel(views, short_views=[100.0] * 20 + [1000.0]))
    hit = scores["L29"]
    assert hit.status == "scored" and hit.score == pytest.approx(5.0) and hit.peers == 25
    assert "L29" not in hit.peer_ids and all(p.startswith("L") for p in hit.peer_ids)
    assert hit.low <= 5.0 <= hit.high and hit.coverage >= 0.9
    # the Short with 1,000 views is 10x its Shorts, and the Shorts never pull the long baseline down
    assert scores["S20"].score == pytest.approx(10.0)
    assert scores["L10"].score == pytest.approx(1.0)
    assert "vs the median of 25 long videos" in hit.basis and "90% CI" not in hit.basis  # 96%: exact coverage shown
    assert "96% CI" in hit.basis and "lifetime views" in hit.basis


def test_peers_are_the_nearest_before_then_after():
    scores = score_videos(channel([float(100 + i) for i in range(40)]))
    assert scores["L39"].peer_ids == tuple(f"L{i:02d}" for i in range(38, 13, -1))
    assert scores["L00"].peer_ids == tuple(f"L{i:02d}" for i in range(1, 26))


def test_too_early_and_too_few_peers_carry_no_score():
    points = channel([1000.0] * 4)
    points.append(VideoPoint("new", NOW - timedelta(days=3), 9000.0, LONG, NOW))
    scores = score_videos(points, OutlierSettings(min_age_days=7))
    assert scores["new"].status == "too_early" and scores["new"].score is None
    assert scores["new"].basis == "too early: 3 days old (scored from 7 days)"
    assert scores["L00"].status == "too_few_peers" and scores["L00"].score is None
    assert "too few peers: 3 long videos" in scores["L00"].basis


def test_young_peers_are_left_out_of_a_lifetime_baseline():
    points = channel([1000.0] * 10)
    points += [VideoPoint(f"young{i}", NOW - timedelta(days=2, hours=i), 10.0, LONG, NOW) for i in range(5)]
    assert score_videos(points)["L09"].peers == 9


def test_named_alternatives():
    views = [1000.0] * 12 + [3000.0] + [1000.0] * 12
    points = channel(views)
    minus_one = score_videos(points, OutlierSettings(method="median_ratio_minus_one"))["L12"]
    assert minus_one.score == pytest.approx(2.0) and minus_one.ratio == pytest.approx(3.0)
    assert minus_one.low == pytest.approx(2.0) and minus_one.high == pytest.approx(2.0)  # identical peers
    around = score_videos(points, OutlierSettings(method="surrounding_average"))["L12"]
    assert around.peers == 10 and set(around.peer_ids) == {f"L{i:02d}" for i in (7, 8, 9, 10, 11, 13, 14, 15, 16, 17)}
    assert around.score == pytest.approx(3.0) and around.basis.startswith("surrounding_average: 3.00 vs the mean of 10")
    with pytest.raises(ValueError, match="unknown outlier method"):
        OutlierSettings(method="views_per_hour")  # type: ignore[arg-type]


def test_interval_narrows_with_more_peers():
    spread = [500.0, 800.0, 1000.0, 1300.0, 2000.0] * 6
    few = score_videos(channel(spread[:5] + [4000.0]), OutlierSettings(min_peers=5))[f"L05"]
    many = score_videos(channel(spread + [4000.0]))["L30"]
    assert (few.high - few.low) > (many.high - many.low) > 0


def test_median_interval_ranks_and_coverage():
    assert median_interval(list(range(1, 26)), 0.9) == (8, 18, pytest.approx(0.95671, abs=1e-4))
    low, high, coverage = median_interval([5.0, 1.0, 4.0, 2.0, 3.0], 0.9)
    assert (low, high) == (1.0, 5.0) and coverage == pytest.approx(1 - 2 / 32)
    assert median_interval([1.0, 2.0, 3.0, 4.0], 0.9)[2] == pytest.approx(0.875)  # too few: range, lower coverage


def test_age_matched_scores_read_peers_at_the_same_age(tmp_path):
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    points = []
    for i in range(8):  # old peers: 1,000 views at 10 days, 20,000 lifetime
        published = NOW - timedelta(days=300 - 10 * i)
        points.append(VideoPoint(f"old{i}", published, 20000.0, LONG, NOW))
        snapshots.record([
            VideoStats(f"old{i}", published + timedelta(days=5), published_at=published, views=400.0),
            VideoStats(f"old{i}", published + timedelta(days=15), published_at=published, views=1600.0),
            VideoStats(f"old{i}", NOW, published_at=published, views=20000.0),
        ])
    points.append(VideoPoint("fresh", NOW - timedelta(days=10), 3000.0, LONG, NOW))
    lifetime = score_videos(points)["fresh"]
    matched = score_videos(points, views_at_age=snapshots.views_at_age)["fresh"]
    assert lifetime.score == pytest.approx(0.15) and not lifetime.age_matched
    assert matched.age_matched and matched.baseline == pytest.approx(1000.0) and matched.score == pytest.approx(3.0)
    assert "age-matched at day 10" in matched.basis and not matched.young


def test_equal_age_at_the_oldest_milestone_the_video_has_reached(tmp_path):
    """A 45-day-old video with a day-30 count is compared with its peers' day-30 counts, not its views now."""
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    points = []
    for i in range(8):  # peers: 1,000 views at day 30, 20,000 now
        published = NOW - timedelta(days=300 - 10 * i)
        points.append(VideoPoint(f"old{i}", published, 20000.0, LONG, NOW))
        snapshots.record([VideoStats(f"old{i}", published + timedelta(days=30), published_at=published, views=1000.0),
                          VideoStats(f"old{i}", NOW, published_at=published, views=20000.0)])
    published = NOW - timedelta(days=45)
    snapshots.record([VideoStats("mid", published + timedelta(days=30), published_at=published, views=5000.0),
                      VideoStats("mid", NOW, published_at=published, views=6000.0)])
    points.append(VideoPoint("mid", published, 6000.0, LONG, NOW))
    score = score_videos(points, views_at_age=snapshots.views_at_age)["mid"]
    assert score.age_matched and score.matched_at_days == 30 and not score.young
    assert score.baseline == pytest.approx(1000.0) and score.ratio == pytest.approx(5.0)
    assert "age-matched at day 30" in score.basis


def test_young_videos_on_lifetime_views_get_a_wider_interval_and_say_so():
    views = [500.0, 800.0, 1000.0, 1300.0, 2000.0] * 5
    points = channel(views)
    for days, name in ((12, "young"), (40, "grown")):
        points.append(VideoPoint(name, NOW - timedelta(days=days), 3000.0, LONG, NOW))
    scores = score_videos(points)
    young, grown = scores["young"], scores["grown"]
    assert young.status == grown.status == "scored"
    assert young.young and not grown.young and not young.age_matched
    assert young.coverage > 0.98 > grown.coverage
    assert (young.high - young.low) > (grown.high - grown.low)
    assert is_young_basis(young.basis) and not is_young_basis(grown.basis) and "12 days old" in young.basis
    assert scores[f"L{len(views) - 1:02d}"].young is False


def test_points_from_stats_leave_out_what_cannot_be_scored():
    stats = [
        VideoStats("a", NOW, published_at=NOW - timedelta(days=9), views=5.0, format=SHORT),
        VideoStats("b", NOW, published_at=None, views=5.0, format=SHORT),
        VideoStats("c", NOW, published_at=NOW, views=None, format=SHORT),
        VideoStats("d", NOW, published_at=NOW, views=5.0, format=None),
        VideoStats("e", NOW, published_at=NOW, views=5.0, format=LONG, live=True),
    ]
    assert [p.video_id for p in points_from_stats(stats)] == ["a"]


def test_zero_views_baseline_is_reported_not_divided():
    scores = score_videos(channel([0.0] * 10 + [50.0]))
    assert scores["L10"].status == "zero_baseline" and scores["L10"].score is None
    assert not math.isinf(scores["L00"].ratio or 0.0)
