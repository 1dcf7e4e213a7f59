"""S12 turned forward: which Viral DNA an Empire should make next, and why.

For one Empire, a reference is a *candidate* when it is relevant (linked to the
Empire, or sharing one of its niche tags; an Empire with no tags borrows those of
the DNA its own videos were made from), not already used by one of its Productions,
and has a positive signal:

- **views**: the reference's views against the median of the library's references
  of the same source type (all references when fewer than `MIN_PEERS` share it);
  from `VIEWS_RATIO` (1.5x) up it counts log2(ratio);
- **pattern lift**: each of its patterns (hook pattern, open-loop style, source
  type, niche tag) whose lift among the Empire's scored videos (WF4's outlier
  scores) has an interval that leaves 1 out and is at least `MIN_LIFT` (1.2x, or
  at most 1/1.2x): + log2(lift) when it wins, - log2(1/lift) when it loses;
- **own outliers**: a niche tag it shares with the DNA of one of the Empire's own
  videos scoring `OUTLIER_RATIO` (2x) or more: +0.5 per tag, at most 1.

A candidate needs one winning signal and a total of at least `MIN_SCORE` (0.5,
about a 1.4x advantage). Candidates on the same
topic (near-duplicate titles, see `similarity`) become one idea linking all their
references; an idea whose title is a near-duplicate of an existing Production is
reported, never created. Everything here is pure: records in, plain data out.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ...records import DNAStatus, Empire, Production, SourceType, VideoFormat, ViralDNA
from ..performance.patterns import PatternLift, dna_patterns, empire_lifts, production_ratios
from ..performance.sync import production_video_id
from .similarity import Match, closest, is_near_duplicate, topic_words

VIEWS_RATIO = 1.5
MIN_LIFT = 1.2
MIN_SCORE = 0.5
OUTLIER_RATIO = 2.0
MIN_PEERS = 3
MAX_IDEAS = 5
SHORT_FORM = (SourceType.YOUTUBE_SHORT, SourceType.TIKTOK, SourceType.INSTAGRAM)


@dataclass
class Idea:
    """A topic to produce: the strongest reference's title, every reference on the topic, the reasons."""

    title: str
    words: list[str]
    dna_ids: list[str]
    score: float
    format: str
    reasons: list[str] = field(default_factory=list)
    duplicate_of: dict[str, Any] | None = None  # the existing Production it is too close to

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def usable_dna(library: Iterable[ViralDNA]) -> list[ViralDNA]:
    return [d for d in library if d.id and d.title and d.status is not DNAStatus.FAILED]


def views_baselines(library: Sequence[ViralDNA]) -> tuple[dict[str, tuple[float, int]], tuple[float, int] | None]:
    """Median views (and count) per source type, and over the whole library."""
    by_type: dict[str, list[float]] = {}
    for dna in library:
        if dna.views and dna.views > 0:
            by_type.setdefault(dna.source_type.value if dna.source_type else "unknown", []).append(dna.views)
    per_type = {k: (statistics.median(v), len(v)) for k, v in by_type.items()}
    every = [v for values in by_type.values() for v in values]
    return per_type, ((statistics.median(every), len(every)) if every else None)


def views_ratio(dna: ViralDNA, per_type: Mapping[str, tuple[float, int]],
                overall: tuple[float, int] | None) -> tuple[float, str] | None:
    """(views / baseline, what the baseline is); None without views or a baseline."""
    if not dna.views or dna.views <= 0:
        return None
    kind = dna.source_type.value if dna.source_type else "unknown"
    median, count = per_type.get(kind, (0.0, 0))
    what = f"the median of {count} {kind} references"
    if count < MIN_PEERS:
        if overall is None:
            return None
        (median, count), what = overall, f"the median of all {overall[1]} references"
    return (dna.views / median, what) if median > 0 else None


def relevant(dna: ViralDNA, empire: Empire, tags: set[str]) -> bool:
    return (empire.id in dna.empire_ids) or bool(tags & dna_tags(dna))


def empire_tags(empire: Empire, own_dna: Iterable[ViralDNA]) -> set[str]:
    tags = {t.strip().lower() for t in empire.niche_tags if t.strip()}
    return tags or {t for dna in own_dna for t in dna_tags(dna)}


def signals(dna: ViralDNA, *, baselines: tuple[dict[str, tuple[float, int]], tuple[float, int] | None],
            lifts: Sequence[PatternLift], outlier_tags: Mapping[str, tuple[str, float]]) -> tuple[float, list[str], bool]:
    """(score, reasons, has a winning signal) for one reference."""
    score, reasons, wins = 0.0, [], False
    found = views_ratio(dna, *baselines)
    if found is not None and found[0] >= VIEWS_RATIO:
        score += math.log2(found[0])
        wins = True
        reasons.append(f"{dna.views:,.0f} views, {found[0]:.1f}x {found[1]}")
    patterns = dna_patterns(dna)
    for lift in lifts:
        if lift.evidence == "none" or not any(lift.has(f, values) for f, values in patterns.items()):
            continue
        if 1 / MIN_LIFT < lift.lift < MIN_LIFT:
            continue
        shown = f"{lift.label} {{}} this Empire's videos {lift.lift:.2f}x [{lift.low:.2f}-{lift.high:.2f}], n={lift.count}"
        if lift.lift > 1:
            score += math.log2(lift.lift)
            wins = True
            reasons.append(shown.format("lifts"))
        else:
            score -= math.log2(1 / lift.lift)
            reasons.append(shown.format("drags"))
    bonus = 0.0
    for tag in sorted(dna_tags(dna) & set(outlier_tags)):
        title, ratio = outlier_tags[tag]
        if bonus < 1.0:
            bonus += 0.5
            wins = True
            reasons.append(f"niche tag '{tag}' is in your outlier '{title}' ({ratio:.1f}x)")
    return score + bonus, reasons, wins


def outlier_tags(productions: Sequence[Production], video_dna: Mapping[str, Sequence[ViralDNA]],
                 method: str) -> dict[str, tuple[str, float]]:
    """{niche tag: (title, ratio) of the best own video made from a reference with that tag}, from 2x up."""
    ratios = production_ratios(productions, method)
    best: dict[str, tuple[str, float]] = {}
    for production in productions:
        video_id = production_video_id(production)
        ratio = ratios.get(video_id or "")
        if ratio is None or ratio < OUTLIER_RATIO:
            continue
        for dna in video_dna.get(video_id or "", ()):
            for tag in dna_tags(dna):
                if tag not in best or ratio > best[tag][1]:
                    best[tag] = (production.title, ratio)
    return best


def prospect(
    empire: Empire,
    library: Sequence[ViralDNA],
    productions: Sequence[Production],
    video_dna: Mapping[str, Sequence[ViralDNA]],
    *,
    method: str = "median_ratio",
    confidence: float = 0.9,
    max_ideas: int = MAX_IDEAS,
) -> tuple[list[Idea], list[Idea], list[PatternLift]]:
    """(ideas to create, near-duplicates left out, the Empire's pattern lifts), strongest first."""
    library = usable_dna(library)
    used = {dna_id for p in productions for dna_id in p.dna_ids}
    tags = empire_tags(empire, [d for dnas in video_dna.values() for d in dnas])
    lifts = empire_lifts(productions, video_dna, method=method, confidence=confidence)
    baselines = views_baselines(library)
    winners = outlier_tags(productions, video_dna, method)
    scored = []
    for dna in library:
        if dna.id in used or not relevant(dna, empire, tags):
            continue
        score, reasons, wins = signals(dna, baselines=baselines, lifts=lifts, outlier_tags=winners)
        if wins and score >= MIN_SCORE:
            scored.append((score, dna, reasons))
    scored.sort(key=lambda item: (-item[0], item[1].title))
    ideas = _group(scored)
    existing = [(p.id or "", p.title) for p in productions]
    fresh, duplicates = [], []
    for idea in ideas:
        match = closest(frozenset(idea.words), existing)
        if is_near_duplicate(match):
            idea.duplicate_of = _match_json(match)
            duplicates.append(idea)
        else:
            fresh.append(idea)
    return fresh[:max_ideas], duplicates, lifts


def _group(scored: list[tuple[float, ViralDNA, list[str]]]) -> list[Idea]:
    """One idea per topic: a reference joins the strongest earlier idea its title is a near-duplicate of."""
    ideas: list[Idea] = []
    for score, dna, reasons in scored:
        words = topic_words(dna.title)
        match = closest(words, ((str(n), i.title) for n, i in enumerate(ideas)))
        home = ideas[int(match.record_id)] if is_near_duplicate(match) else None
        if home is not None:
            home.dna_ids.append(dna.id or "")
            home.reasons.append(f"also '{dna.title}'" + (f": {reasons[0]}" if reasons else ""))
            continue
        fmt = VideoFormat.SHORT if dna.source_type in SHORT_FORM else VideoFormat.VIDEO
        ideas.append(Idea(title=" ".join(dna.title.split())[:200], words=sorted(words), dna_ids=[dna.id or ""],
                          score=round(score, 3), format=fmt.value, reasons=[f"'{dna.title}'"] + reasons))
    return ideas


def _match_json(match: Match | None) -> dict[str, Any] | None:
    if match is None:
        return None
    return {"id": match.record_id, "title": match.title, "similarity": round(match.similarity, 2),
            "shared": list(match.shared)}


def dna_tags(dna: ViralDNA) -> set[str]:
    return {t.strip().lower() for t in dna.niche_tags if t and t.strip()}
