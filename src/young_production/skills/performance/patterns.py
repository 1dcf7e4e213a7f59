"""S12: which DNA patterns win, per Empire: each pattern's lift with its count and interval.

A published video's outlier ratio (views / its peers' baseline, from S11) is joined
to the Viral DNA it was made from. For every pattern value (hook pattern, open-loop
style, source type, niche tag) the lift is the geometric mean ratio of the videos
made with it divided by that of the Empire's other scored videos: 1.5 means videos
using the pattern did 1.5x as well as the rest. Ratios are compared on a log scale
because they are multiples. The interval is a percentile bootstrap (both groups
resampled, fixed seed), so a reader sees at once that "3 videos, 0.6-4.1" is no
evidence yet. Nothing is reported for a pattern seen on fewer than `min_count` videos.

The open-loop style is the kind of opener the rules find in the DNA's open loop
text ("ordinal", "end", "promise", "later", "first", "catch", "next", "question"),
"none" when the DNA has no open loop and "other" when it has one the rules cannot name.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ...records import ViralDNA
from ...text.loops import find_loops
from ...text.sentences import split_sentences
from ...transcript import Segment

FEATURES = ("hook pattern", "open loop", "source type", "niche tag")
BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True)
class ScoredProduction:
    """A scored video and the patterns of the DNA it was made from (feature -> values)."""

    video_id: str
    ratio: float
    patterns: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class PatternLift:
    feature: str
    value: str
    count: int  # scored videos made with it
    others: int  # scored videos of the Empire without it
    lift: float
    low: float
    high: float
    confidence: float

    @property
    def label(self) -> str:
        return f"{self.feature}: {self.value}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PatternLift:
        return cls(**data)

    @property
    def evidence(self) -> str:
        """'strong', 'weak' or 'none': does the interval leave 1 (no difference) out?"""
        if self.low > 1 or self.high < 1:
            return "strong" if self.count >= 5 else "weak"
        return "none"


def open_loop_style(open_loop: str | None) -> str:
    if not open_loop or not open_loop.strip():
        return "none"
    loops = find_loops(split_sentences([Segment(open_loop)]))
    return loops[0].kind if loops else "other"


def dna_patterns(dna: ViralDNA) -> dict[str, set[str]]:
    """The pattern values of one DNA entry, by feature."""
    patterns: dict[str, set[str]] = {feature: set() for feature in FEATURES}
    if dna.hook_pattern:
        patterns["hook pattern"].add(str(dna.hook_pattern))
    if dna.hook or dna.open_loop or dna.perspective:  # decoded: the open loop field means something
        patterns["open loop"].add(open_loop_style(dna.open_loop))
    if dna.source_type is not None:
        patterns["source type"].add(dna.source_type.value)
    patterns["niche tag"].update(t.strip().lower() for t in dna.niche_tags if t and t.strip())
    return patterns


def join_patterns(
    ratios: Mapping[str, float | None], video_dna: Mapping[str, Sequence[ViralDNA]]
) -> list[ScoredProduction]:
    """One `ScoredProduction` per scored video: the union of the patterns of every DNA it used."""
    joined = []
    for video_id, ratio in ratios.items():
        if ratio is None or ratio <= 0 or not math.isfinite(ratio):
            continue
        union: dict[str, set[str]] = {feature: set() for feature in FEATURES}
        for dna in video_dna.get(video_id, ()):
            for feature, values in dna_patterns(dna).items():
                union[feature] |= values
        joined.append(ScoredProduction(video_id, ratio, {f: frozenset(v) for f, v in union.items()}))
    return joined


def pattern_lifts(
    videos: Iterable[ScoredProduction], min_count: int = 2, confidence: float = 0.9
) -> list[PatternLift]:
    """Lift of every pattern seen on at least `min_count` scored videos, best first."""
    videos = list(videos)
    values = sorted({(f, v) for video in videos for f, vs in video.patterns.items() for v in vs})
    lifts = []
    for feature, value in values:
        logs_with = [math.log(v.ratio) for v in videos if value in v.patterns.get(feature, ())]
        logs_without = [math.log(v.ratio) for v in videos if value not in v.patterns.get(feature, ())]
        if len(logs_with) < min_count or not logs_without:
            continue
        lift = math.exp(statistics.fmean(logs_with) - statistics.fmean(logs_without))
        low, high = _bootstrap(logs_with, logs_without, confidence, seed=f"{feature}:{value}")
        lifts.append(PatternLift(feature, value, len(logs_with), len(logs_without), lift, low, high, confidence))
    return sorted(lifts, key=lambda p: (-p.lift, p.feature, p.value))


def _bootstrap(with_: list[float], without: list[float], confidence: float, seed: str) -> tuple[float, float]:
    rng = random.Random(seed)  # the same data always gives the same interval
    diffs = sorted(
        statistics.fmean(rng.choices(with_, k=len(with_))) - statistics.fmean(rng.choices(without, k=len(without)))
        for _ in range(BOOTSTRAP_SAMPLES)
    )
    tail = (1 - confidence) / 2
    return (
        math.exp(diffs[int(tail * (BOOTSTRAP_SAMPLES - 1))]),
        math.exp(diffs[int((1 - tail) * (BOOTSTRAP_SAMPLES - 1))]),
    )
