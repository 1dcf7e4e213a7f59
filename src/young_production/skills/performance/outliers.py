"""S11: outlier score of each published video, with how sure it is (see docs/outliers.md).

Default (`median_ratio`): a video's views divided by the median views of its peers,
the channel's `window` (25) videos of the same format (Shorts and long apart)
published nearest before it (the newest after it fill in when too few came
before), the video itself excluded. Alternatives by name, so users can match the
tool they came from: `median_ratio_minus_one` (the same, minus one: 0 is typical)
and `surrounding_average` (views / the mean of the ~10 same-format videos around it).

Age: lifetime views favour older videos, so when snapshots (or daily figures) show
views at a given age, the video and its peers are compared at equal age: at day 90,
30 or 7, the oldest of those `MILESTONES` the video has reached and for which its own
views and those of at least `min_peers` peers are known; failing that, its views now
against its peers' views at its present age. Such a score is "age-matched".
Otherwise peers younger than `min_age_days` are left out, the basis says "lifetime
views", and a video under `YOUNG_DAYS` (30) days is "young": its interval is drawn at
`YOUNG_CONFIDENCE` (wider), and it takes no place in a report's headline, since its
views are still climbing. A video younger than `min_age_days` is "too early": no score.

How sure: every score carries its peer count and an interval. For the median, a
distribution-free confidence interval from order statistics (the ranks a binomial
with p = 1/2 puts around the median, exact coverage reported); for the mean, a
percentile bootstrap with a fixed seed. The interval is the video's views divided by
the interval of the baseline. Everything here is pure: plain dataclasses in and out.
"""

from __future__ import annotations

import functools
import math
import random
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from ...config import OutlierConfig
from ...errors import ConfigError
from ...records import VideoFormat
from ...youtube.stats import VideoStats

Method = Literal["median_ratio", "median_ratio_minus_one", "surrounding_average"]
METHODS: tuple[str, ...] = ("median_ratio", "median_ratio_minus_one", "surrounding_average")
Status = Literal["scored", "too_early", "too_few_peers", "zero_baseline"]
ViewsAtAge = Callable[[str, datetime, timedelta], "float | None"]
BOOTSTRAP_SAMPLES = 2000
MILESTONES = (90.0, 30.0, 7.0)  # days: ages at which videos are compared, oldest first
YOUNG_DAYS = 30.0
YOUNG_CONFIDENCE = 0.99
YOUNG_PREFIX = "young: "  # how `basis` starts for a young video (see `is_young_basis`)


@dataclass(frozen=True)
class VideoPoint:
    """One published video: its views as counted at `measured_at`."""

    video_id: str
    published_at: datetime
    views: float
    format: VideoFormat
    measured_at: datetime
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {**_fields(self), "published_at": self.published_at.isoformat(), "format": self.format.value,
                "measured_at": self.measured_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VideoPoint:
        return cls(**{**data, "published_at": datetime.fromisoformat(data["published_at"]),
                      "format": VideoFormat(data["format"]), "measured_at": datetime.fromisoformat(data["measured_at"])})


@dataclass(frozen=True)
class OutlierSettings:
    method: Method = "median_ratio"
    window: int = 25  # peers for the median methods (tools use 20-30)
    surrounding: int = 10  # peers for surrounding_average
    min_peers: int = 5
    min_age_days: float = 7.0
    confidence: float = 0.9

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown outlier method {self.method!r}: use one of {', '.join(METHODS)}")
        if not 0.5 <= self.confidence < 1 or self.min_peers < 1 or self.window < self.min_peers:
            raise ValueError("outlier settings: need 0.5 <= confidence < 1 and 1 <= min_peers <= window")


def outlier_settings(config: OutlierConfig) -> OutlierSettings:
    """The settings pipeline.yaml's `outliers:` section names; a clear error when they clash."""
    try:
        return OutlierSettings(**config.model_dump())
    except ValueError as exc:
        raise ConfigError(f"pipeline.yaml: outliers: {exc}") from None


@dataclass(frozen=True)
class OutlierScore:
    video_id: str
    format: VideoFormat
    method: str
    status: Status
    age_days: float
    score: float | None = None  # in the method's own terms (e.g. 2.4, or 1.4 for minus-one)
    low: float | None = None
    high: float | None = None
    ratio: float | None = None  # views / baseline, whatever the method (what S12 compares)
    baseline: float | None = None
    peers: int = 0
    age_matched: bool = False
    coverage: float | None = None  # the interval's actual confidence level
    min_age_days: float = 0.0  # set on "too early" scores: the age scoring starts at
    young: bool = False  # under YOUNG_DAYS on lifetime views: wider interval, never a headline
    matched_at_days: float | None = None  # age-matched: the age (days) both sides were compared at
    peer_ids: tuple[str, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        return {**_fields(self), "format": self.format.value, "peer_ids": list(self.peer_ids)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutlierScore:
        return cls(**{**data, "format": VideoFormat(data["format"]), "peer_ids": tuple(data.get("peer_ids") or ())})

    @property
    def basis(self) -> str:
        """One line for the Production's `outlier_basis`: what the number means and how sure it is."""
        kind = "Shorts" if self.format is VideoFormat.SHORT else "long videos"
        if self.status == "too_early":
            return f"too early: {self.age_days:.0f} days old (scored from {self.min_age_days:g} days)"
        if self.status == "too_few_peers":
            return f"too few peers: {self.peers} {kind} to compare with ({self.method})"
        if self.status == "zero_baseline":
            return f"no baseline: the {self.peers} peer {kind} have no views ({self.method})"
        what = "mean" if self.method == "surrounding_average" else "median"
        interval = ""
        if self.low is not None and self.high is not None:
            interval = f", {self.coverage * 100:.0f}% CI {_num(self.low)}-{_num(self.high)}"
        elif self.low is not None:
            interval = f", {self.coverage * 100:.0f}% CI from {_num(self.low)}"
        if self.age_matched:
            age = f"age-matched at day {self.matched_at_days or self.age_days:.0f}"
        else:
            age = "lifetime views"
        line = (f"{self.method}: {_num(self.score)} vs the {what} of {self.peers} {kind} "
                f"({_num(self.baseline)} views){interval}; {age}")
        if self.young:
            return f"{YOUNG_PREFIX}{self.age_days:.0f} days old, views still climbing; {line}"
        return line


def is_young_basis(basis: str | None) -> bool:
    """Whether an `outlier_basis` written from a score says the video was young (see `OutlierScore.basis`)."""
    return bool(basis) and basis.startswith(YOUNG_PREFIX)


def points_from_stats(stats: Iterable[VideoStats]) -> list[VideoPoint]:
    """The videos S11 can score: published, counted, format known (live streams left out)."""
    return [
        VideoPoint(s.video_id, _aware(s.published_at), float(s.views), s.format, _aware(s.taken_at), s.title)
        for s in stats
        if s.published_at is not None and s.views is not None and s.format is not None and not s.live
    ]


def score_videos(
    videos: Sequence[VideoPoint],
    settings: OutlierSettings = OutlierSettings(),
    views_at_age: ViewsAtAge | None = None,
) -> dict[str, OutlierScore]:
    """An `OutlierScore` for every video, keyed by video id."""
    by_format: dict[VideoFormat, list[VideoPoint]] = {}
    for video in sorted(videos, key=lambda v: (v.published_at, v.video_id)):
        by_format.setdefault(video.format, []).append(video)
    scores: dict[str, OutlierScore] = {}
    for same_format in by_format.values():
        for position, video in enumerate(same_format):
            scores[video.video_id] = _score(video, position, same_format, settings, views_at_age)
    return scores


def _score(
    video: VideoPoint,
    position: int,
    same_format: list[VideoPoint],
    settings: OutlierSettings,
    views_at_age: ViewsAtAge | None,
) -> OutlierScore:
    age = video.measured_at - video.published_at
    age_days = age.total_seconds() / 86400
    base = dict(video_id=video.video_id, format=video.format, method=settings.method, age_days=age_days)
    if age_days < settings.min_age_days:
        return OutlierScore(status="too_early", min_age_days=settings.min_age_days, **base)
    candidates = _peers(position, same_format, settings)
    values: list[tuple[str, float]] = []
    own_views, matched_at = video.views, None
    if views_at_age is not None:
        own_views, matched_at, values = _at_equal_age(video, age_days, candidates, settings, views_at_age)
    age_matched = matched_at is not None
    if not age_matched:
        minimum = timedelta(days=settings.min_age_days)
        values = [(p.video_id, p.views) for p in candidates if p.measured_at - p.published_at >= minimum]
    young = not age_matched and age_days < YOUNG_DAYS
    views = [v for _, v in values]
    ids = tuple(pid for pid, _ in values)
    if len(views) < settings.min_peers:
        return OutlierScore(status="too_few_peers", peers=len(views), **base)
    confidence = YOUNG_CONFIDENCE if young else settings.confidence
    if settings.method == "surrounding_average":
        baseline = statistics.fmean(views)
        low_base, high_base, coverage = _bootstrap_mean_interval(views, confidence)
    else:
        baseline = statistics.median(views)
        low_base, high_base, coverage = median_interval(views, confidence)
    if baseline <= 0:
        return OutlierScore(status="zero_baseline", peers=len(views), peer_ids=ids, **base)
    ratio = own_views / baseline
    low = own_views / high_base if high_base > 0 else None
    high = own_views / low_base if low_base > 0 else None
    shift = -1.0 if settings.method == "median_ratio_minus_one" else 0.0
    return OutlierScore(
        status="scored", score=ratio + shift, low=None if low is None else low + shift,
        high=None if high is None else high + shift, ratio=ratio, baseline=baseline, peers=len(views),
        age_matched=age_matched, coverage=coverage, young=young, matched_at_days=matched_at, peer_ids=ids, **base,
    )


def _at_equal_age(
    video: VideoPoint, age_days: float, candidates: list[VideoPoint], settings: OutlierSettings,
    views_at_age: ViewsAtAge,
) -> tuple[float, float | None, list[tuple[str, float]]]:
    """(the video's views, the age in days they were compared at or None, the peers' views at that age).

    The oldest milestone the video has reached where its own views and at least
    `min_peers` peers' are known; else its views now against the peers' at its age.
    """
    for days in (m for m in MILESTONES if m <= age_days):
        own = views_at_age(video.video_id, video.published_at, timedelta(days=days))
        if own is None:
            continue
        values = _peer_views(candidates, timedelta(days=days), views_at_age)
        if len(values) >= settings.min_peers:
            return own, days, values
    values = _peer_views(candidates, timedelta(days=age_days), views_at_age)
    if len(values) >= settings.min_peers:
        return video.views, age_days, values
    return video.views, None, []


def _peer_views(candidates: list[VideoPoint], age: timedelta, views_at_age: ViewsAtAge) -> list[tuple[str, float]]:
    matched = [(p.video_id, views_at_age(p.video_id, p.published_at, age)) for p in candidates]
    return [(pid, v) for pid, v in matched if v is not None]


def _peers(position: int, same_format: list[VideoPoint], settings: OutlierSettings) -> list[VideoPoint]:
    """Same-format videos nearest in publish order: before it first (median), or around it (mean)."""
    reach = max(settings.window, settings.surrounding)  # never more from either side: slices stay short
    before = same_format[max(0, position - reach):position][::-1]  # nearest first
    after = same_format[position + 1:position + 1 + reach]
    if settings.method == "surrounding_average":
        half = settings.surrounding // 2
        take_before = min(len(before), max(half, settings.surrounding - len(after)))
        take_after = min(len(after), settings.surrounding - take_before)
        return before[:take_before] + after[:take_after]
    chosen = before[: settings.window]
    return chosen + after[: settings.window - len(chosen)]


def median_interval(values: Sequence[float], confidence: float) -> tuple[float, float, float]:
    """(low, high, coverage): the order-statistic confidence interval of the median.

    The k-th smallest and k-th largest values bound the median with probability
    1 - 2 P(Binomial(n, 1/2) < k); k is the largest rank that keeps that at or above
    `confidence`. With too few values for the wanted level, the whole range and its
    (lower) actual coverage.
    """
    ordered = sorted(values)
    n = len(ordered)
    k, coverage = _median_ranks(n, confidence)
    if k == 0:
        return ordered[0], ordered[-1], coverage
    return ordered[k - 1], ordered[n - k], coverage


@functools.lru_cache(maxsize=1024)
def _median_ranks(n: int, confidence: float) -> tuple[int, float]:
    """(k, coverage) of `median_interval` for n values: the same for every video with n peers, so kept."""
    alpha = 1 - confidence
    k, cumulative = 0, 0.0
    for rank in range(0, n // 2 + 1):  # P(B <= rank)
        cumulative += math.comb(n, rank) / 2**n
        if cumulative > alpha / 2:
            break
        k = rank + 1
    if k == 0:
        return 0, 1 - 2 / 2**n
    tail = sum(math.comb(n, r) for r in range(k)) / 2**n
    return k, 1 - 2 * tail


def _bootstrap_mean_interval(values: Sequence[float], confidence: float) -> tuple[float, float, float]:
    rng = random.Random(0)  # fixed seed: the same input always gives the same interval
    n = len(values)
    means = sorted(statistics.fmean(rng.choices(values, k=n)) for _ in range(BOOTSTRAP_SAMPLES))
    tail = (1 - confidence) / 2
    return means[int(tail * (BOOTSTRAP_SAMPLES - 1))], means[int((1 - tail) * (BOOTSTRAP_SAMPLES - 1))], confidence


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _fields(instance: Any) -> dict[str, Any]:
    """A flat dataclass's fields (what `asdict` gives, without its deep copies: a review serialises 400k of these)."""
    return {f.name: getattr(instance, f.name) for f in fields(instance)}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
