"""S12: which patterns win, per Empire: each pattern's lift with its count and interval.

One computation, shared by WF4's review and WF5's prospecting (`empire_lifts`), so a
pattern gets one number per period: it reads the outlier scores WF4 wrote on the
Empire's Productions (young videos left out: their views are still climbing), the
Viral DNA each was made from, and its title.

A video's outlier ratio (views / its peers' baseline, from S11) is joined to the
patterns of the DNA it was made from (hook pattern, open-loop style, source type,
niche tag) and to the topic words of its own title ("topic"). For every pattern the
lift is the geometric mean ratio of the videos with it divided by that of the
Empire's other scored videos: 1.5 means videos with it did 1.5x as well as the rest.
Ratios are compared on a log scale because they are multiples. The interval is a
percentile bootstrap (both groups resampled, seed fixed by the pattern; numpy, so a
500-video channel's hundred topics take well under a second).

What counts as a pattern, so the advice is not noise:
- at least `MIN_VIDEOS` (3) distinct videos with it and 3 without;
- a niche tag carried by only one reference is that reference, not a pattern;
- patterns found on the very same videos are one finding, one line naming them all
  ("niche tag: best / goal / pot").
The evidence label follows from the interval: "none" when it holds 1, "strong" when
its nearer end is at least `STRONG_BOUND` (1.25x) away from 1, "weak" between.
Leave one out: `without_top` is the lift without the pattern's biggest video; a
winning pattern whose lift falls below `HOLDS` (1.5x) that way rests on one video.

The open-loop style is the kind of opener the rules find in the DNA's open loop
text ("ordinal", "end", "promise", "later", "first", "catch", "next", "question"),
"none" when the DNA has no open loop and "other" when it has one the rules cannot name.
"""

from __future__ import annotations

import math
import statistics
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ...records import DNAStatus, Production, ViralDNA
from ...text.loops import find_loops
from ...text.sentences import content_stems, split_sentences, words
from ...transcript import Segment
from .outliers import is_young_basis
from .sync import production_video_id

DNA_FEATURES = ("hook pattern", "open loop", "source type", "niche tag")
TOPIC = "topic"
FEATURES = (*DNA_FEATURES, TOPIC)
BOOTSTRAP_SAMPLES = 2000
MIN_VIDEOS = 3  # distinct videos on each side of a comparison
MIN_TAG_REFERENCES = 2  # a niche tag must come from at least this many references
STRONG_BOUND = 1.25
HOLDS = 1.5


@dataclass(frozen=True)
class ScoredProduction:
    """A scored video, its patterns (feature -> values) and which references each DNA pattern came from."""

    video_id: str
    ratio: float
    patterns: Mapping[str, frozenset[str]]
    references: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PatternLift:
    feature: str
    value: str
    count: int  # scored videos with it
    others: int  # scored videos of the Empire without it
    lift: float
    low: float
    high: float
    confidence: float
    also: tuple[tuple[str, str], ...] = ()  # other (feature, value) found on the very same videos
    video_ids: tuple[str, ...] = ()
    references: int = 0  # distinct references it came from (0 for a topic of the videos' own titles)
    top_video: str | None = None  # its biggest video
    without_top: float | None = None  # the lift without that video

    @property
    def patterns(self) -> tuple[tuple[str, str], ...]:
        return ((self.feature, self.value), *self.also)

    @property
    def label(self) -> str:
        """'hook pattern: story + niche tag: best / goal': every pattern of this finding, by feature."""
        by_feature: dict[str, list[str]] = {}
        for feature, value in self.patterns:
            by_feature.setdefault(feature, []).append(value)
        return " + ".join(f"{feature}: {' / '.join(values)}" for feature, values in by_feature.items())

    def has(self, feature: str, values: Iterable[str]) -> bool:
        """Whether any of `values` of `feature` is one of this finding's patterns."""
        wanted = set(values)
        return any(f == feature and v in wanted for f, v in self.patterns)

    @property
    def evidence(self) -> str:
        """'strong', 'weak' or 'none', from the interval: does it leave 1 out, and by how much?"""
        if self.low > 1:
            return "strong" if self.low >= STRONG_BOUND else "weak"
        if self.high < 1:
            return "strong" if self.high <= 1 / STRONG_BOUND else "weak"
        return "none"

    @property
    def holds(self) -> bool:
        """False when a lift of `HOLDS` (1.5x) or more falls below it without its biggest video."""
        return self.lift < HOLDS or self.without_top is None or self.without_top >= HOLDS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PatternLift:
        return cls(**{**data, "also": tuple(tuple(p) for p in data.get("also") or ()),
                      "video_ids": tuple(data.get("video_ids") or ())})


def open_loop_style(open_loop: str | None) -> str:
    if not open_loop or not open_loop.strip():
        return "none"
    loops = find_loops(split_sentences([Segment(open_loop)]))
    return loops[0].kind if loops else "other"


def dna_patterns(dna: ViralDNA) -> dict[str, set[str]]:
    """The pattern values of one DNA entry, by feature."""
    patterns: dict[str, set[str]] = {feature: set() for feature in DNA_FEATURES}
    if dna.hook_pattern:
        patterns["hook pattern"].add(str(dna.hook_pattern))
    # decoded, and the loop asserted: an empty field then means "no loop", not "unsure" (only asserted
    # patterns count; an unsure hook pattern is empty already)
    decoded = dna.status is DNAStatus.ENCODED or bool(dna.hook or dna.open_loop or dna.perspective)
    if decoded and "open_loop" not in dna.unsure:
        patterns["open loop"].add(open_loop_style(dna.open_loop))
    if dna.source_type is not None:
        patterns["source type"].add(dna.source_type.value)
    patterns["niche tag"].update(t.strip().lower() for t in dna.niche_tags if t and t.strip())
    return patterns


def title_topics(title: str | None) -> frozenset[str]:
    """The topic words of a video's own title: content words, singular, lower-case."""
    return frozenset(w for w in content_stems(words(title or "")) if len(w) > 1)


def join_patterns(
    ratios: Mapping[str, float | None],
    video_dna: Mapping[str, Sequence[ViralDNA]],
    titles: Mapping[str, str] | None = None,
) -> list[ScoredProduction]:
    """One `ScoredProduction` per scored video: the union of the patterns of every DNA it used, and its topics."""
    joined = []
    for video_id, ratio in ratios.items():
        if ratio is None or ratio <= 0 or not math.isfinite(ratio):
            continue
        union: dict[str, set[str]] = {feature: set() for feature in FEATURES}
        references: dict[tuple[str, str], set[str]] = {}
        for dna in video_dna.get(video_id, ()):
            for feature, values in dna_patterns(dna).items():
                union[feature] |= values
                for value in values:
                    references.setdefault((feature, value), set()).add(dna.id or dna.url or dna.title)
        union[TOPIC] |= title_topics((titles or {}).get(video_id))
        joined.append(ScoredProduction(video_id, ratio, {f: frozenset(v) for f, v in union.items()},
                                       {k: frozenset(v) for k, v in references.items()}))
    return joined


def pattern_lifts(
    videos: Iterable[ScoredProduction], min_count: int = MIN_VIDEOS, confidence: float = 0.9
) -> list[PatternLift]:
    """Every pattern with `min_count` distinct videos on each side, merged by video set, best first."""
    videos = list(videos)
    groups: dict[frozenset[str], list[tuple[str, str]]] = {}
    reference_counts: dict[tuple[str, str], int] = {}
    for feature, value in sorted({(f, v) for video in videos for f, vs in video.patterns.items() for v in vs},
                                 key=lambda p: (FEATURES.index(p[0]) if p[0] in FEATURES else len(FEATURES), p)):
        having = frozenset(v.video_id for v in videos if value in v.patterns.get(feature, ()))
        if len(having) < min_count or len(videos) - len(having) < min_count:
            continue
        references = frozenset().union(*(v.references.get((feature, value), frozenset()) for v in videos))
        if feature == "niche tag" and len(references) < MIN_TAG_REFERENCES:
            continue
        reference_counts[(feature, value)] = len(references)
        groups.setdefault(having, []).append((feature, value))
    lifts = [_lift(videos, having, patterns, reference_counts[patterns[0]], confidence)
             for having, patterns in groups.items()]
    return sorted(lifts, key=lambda p: (-p.lift, p.label))


def _lift(videos: list[ScoredProduction], having: frozenset[str], patterns: list[tuple[str, str]],
          references: int, confidence: float) -> PatternLift:
    with_ = sorted((v for v in videos if v.video_id in having), key=lambda v: (-v.ratio, v.video_id))
    logs_with = [math.log(v.ratio) for v in with_]
    logs_without = [math.log(v.ratio) for v in videos if v.video_id not in having]
    lift = math.exp(statistics.fmean(logs_with) - statistics.fmean(logs_without))
    without_top = math.exp(statistics.fmean(logs_with[1:]) - statistics.fmean(logs_without))
    (feature, value), also = patterns[0], tuple(patterns[1:])
    low, high = _bootstrap(logs_with, logs_without, confidence, seed=f"{feature}:{value}")
    return PatternLift(feature, value, len(logs_with), len(logs_without), lift, low, high, confidence, also=also,
                       video_ids=tuple(sorted(having)), references=references, top_video=with_[0].video_id,
                       without_top=without_top)


def production_ratios(productions: Sequence[Production], method: str) -> dict[str, float]:
    """{video id: outlier ratio} of the Empire's scored Productions, young ones left out (ratio scale)."""
    shift = 1.0 if method == "median_ratio_minus_one" else 0.0
    ratios: dict[str, float] = {}
    for production in productions:
        video_id = production_video_id(production)
        if video_id and production.outlier_score is not None and not is_young_basis(production.outlier_basis):
            ratios[video_id] = production.outlier_score + shift
    return ratios


def empire_lifts(productions: Sequence[Production], video_dna: Mapping[str, Sequence[ViralDNA]], *,
                 method: str, confidence: float) -> list[PatternLift]:
    """S12 for one Empire, as WF4 reports it and WF5 reasons with it: one number per pattern and period."""
    titles = {vid: p.title for p in productions if (vid := production_video_id(p))}
    return pattern_lifts(join_patterns(production_ratios(productions, method), video_dna, titles),
                         confidence=confidence)


def _bootstrap(with_: list[float], without: list[float], confidence: float, seed: str) -> tuple[float, float]:
    """The percentile interval of the lift: both groups resampled `BOOTSTRAP_SAMPLES` times (numpy, vectorised)."""
    import numpy as np

    rng = np.random.default_rng(zlib.crc32(seed.encode("utf-8")))  # the same data always gives the same interval
    a, b = np.asarray(with_), np.asarray(without)
    diffs = np.sort(a[rng.integers(0, len(a), (BOOTSTRAP_SAMPLES, len(a)))].mean(axis=1)
                    - b[rng.integers(0, len(b), (BOOTSTRAP_SAMPLES, len(b)))].mean(axis=1))
    tail = (1 - confidence) / 2
    return (
        math.exp(float(diffs[int(tail * (BOOTSTRAP_SAMPLES - 1))])),
        math.exp(float(diffs[int((1 - tail) * (BOOTSTRAP_SAMPLES - 1))])),
    )
