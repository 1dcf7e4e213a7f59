"""S12 turned forward: what an Empire should make next, and the measured evidence why.

An idea rests on a *finding* of the shared pattern computation
(`performance.patterns.empire_lifts`, the numbers WF4's review prints): a topic of
the Empire's own titles or a pattern of the Viral DNA its videos were made from,
measured over at least three distinct published videos (and three without), that
lifts them by at least `MIN_LIFT` (1.2x) with an interval clear of 1x, and that
still lifts them by 1.5x without its biggest video. A pattern that every relevant
reference carries is not a reason (it does not tell one idea from another).

Each topic finding becomes "a new video on that topic", made the way the best
pattern finding says (e.g. with a question hook), or else the way the strongest
unused reference on the topic opens (said to be unmeasured); each remaining
pattern finding becomes "a new video with that pattern" on the niche of the
strongest unused reference that carries it. The unused references on the topic
or with the pattern are linked as material, never copied: an idea's title is a
working title built from the finding, and an idea whose title is (or nearly is,
by `similarity`) a reference's or an existing Production's title is left out and
reported. When no idea is left, `Prospects.why_none` says why in one line and
what would change that. Everything here is pure: records in, plain data out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ...records import DNAStatus, Empire, Production, VideoFormat, ViralDNA
from ..performance.patterns import MIN_VIDEOS, TOPIC, PatternLift, dna_patterns, empire_lifts, production_ratios
from ...text.sentences import content_stems
from ...text.sentences import words as tokens
from ..performance.sync import production_video_id
from .similarity import Match, closest, is_near_duplicate, topic_words

MIN_LIFT = 1.2
MAX_IDEAS = 5
MAX_MATERIAL = 3
FORMAT_NAMES = {VideoFormat.VIDEO.value: "long video", VideoFormat.SHORT.value: "Short"}


@dataclass
class Idea:
    """A video to make: a working title, the findings it rests on, and references to learn from."""

    title: str
    words: list[str]  # its topic and patterns: the key a rerun finds it by
    dna_ids: list[str]
    score: float  # the sum of log2(lift) of its findings
    format: str
    reasons: list[str] = field(default_factory=list)
    duplicate_of: dict[str, Any] | None = None  # the existing Production or reference it is too close to
    topic: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Prospects:
    ideas: list[Idea]
    duplicates: list[Idea]
    lifts: list[PatternLift]
    why_none: str = ""  # one line when there is no idea: why, and what would change that


def usable_dna(library: Iterable[ViralDNA]) -> list[ViralDNA]:
    return [d for d in library if d.id and d.title and d.status is not DNAStatus.FAILED]


def dna_tags(dna: ViralDNA) -> set[str]:
    return {t.strip().lower() for t in dna.niche_tags if t and t.strip()}


def empire_tags(empire: Empire, own_dna: Iterable[ViralDNA]) -> set[str]:
    tags = {t.strip().lower() for t in empire.niche_tags if t.strip()}
    return tags or {t for dna in own_dna for t in dna_tags(dna)}


def relevant(dna: ViralDNA, empire: Empire, tags: set[str]) -> bool:
    return (empire.id in dna.empire_ids) or bool(tags & dna_tags(dna))


def finding_line(lift: PatternLift) -> str:
    """The measured evidence, in the same numbers WF4's review prints."""
    verb = "lifts" if lift.lift >= 1 else "drags"
    return (f"{lift.label} {verb} this Empire's videos {lift.lift:.2f}x [{lift.low:.2f}-{lift.high:.2f}] over "
            f"{lift.count} published videos (against {lift.others} without), evidence {lift.evidence}")


def separating(
    lifts: Sequence[PatternLift], references: Sequence[ViralDNA]
) -> tuple[list[PatternLift], list[PatternLift]]:
    """(the winning findings that hold up and tell ideas apart, the winning ones every reference carries)."""
    carried = [dna_patterns(dna) for dna in references]
    kept, shared = [], []
    for lift in lifts:
        if lift.lift < MIN_LIFT or lift.evidence == "none" or not lift.holds:
            continue
        from_dna = [(f, v) for f, v in lift.patterns if f != TOPIC]
        if len(from_dna) == len(lift.patterns) and all(any(v in p.get(f, ()) for f, v in from_dna) for p in carried):
            shared.append(lift)  # every reference has it: a property of the library, not of an idea
        else:
            kept.append(lift)
    return kept, shared


def prospect(
    empire: Empire,
    library: Sequence[ViralDNA],
    productions: Sequence[Production],
    video_dna: Mapping[str, Sequence[ViralDNA]],
    *,
    method: str = "median_ratio",
    confidence: float = 0.9,
    max_ideas: int = MAX_IDEAS,
) -> Prospects:
    """The Empire's ideas (strongest first), the near-duplicates left out, its pattern lifts, and why none."""
    library = usable_dna(library)
    used = {dna_id for p in productions for dna_id in p.dna_ids}
    tags = empire_tags(empire, [d for dnas in video_dna.values() for d in dnas])
    pool = [d for d in library if relevant(d, empire, tags)]
    candidates = sorted((d for d in pool if d.id not in used), key=lambda d: (-(d.views or 0), d.title))
    lifts = empire_lifts(productions, video_dna, method=method, confidence=confidence)
    made_from = {d.id or d.title: d for dnas in video_dna.values() for d in dnas}
    findings, shared = separating(lifts, list({**made_from, **{d.id: d for d in pool}}.values()))
    own = {vid: p for p in productions if (vid := production_video_id(p))}
    ideas = _ideas(findings, candidates, own, tags)
    existing = [(p.id or "", p.title) for p in productions] + [(d.id or "", d.title) for d in library]
    fresh, duplicates = [], []
    for idea in ideas:
        match = _closest(idea, existing)
        if match is not None:
            idea.duplicate_of = _match_json(match)
            duplicates.append(idea)
        else:
            fresh.append(idea)
    fresh = fresh[:max_ideas]
    scored = len(production_ratios(productions, method))
    why = "" if fresh else why_no_idea(scored, lifts, findings, shared, duplicates)
    return Prospects(fresh, duplicates, lifts, why)


def why_no_idea(scored: int, lifts: Sequence[PatternLift], findings: Sequence[PatternLift],
                shared: Sequence[PatternLift], duplicates: Sequence[Idea]) -> str:
    """One line: why there is no idea, and what would change that."""
    if scored == 0:
        return ("no published video of this Empire has an outlier score: run `yp run wf4` (after `yp analytics "
                "import FILE` for a Studio export) so ideas can rest on measured results")
    if not lifts:
        return (f"{scored} scored videos, but no topic or pattern is on at least {MIN_VIDEOS} of them and missing "
                f"from {MIN_VIDEOS}: link each video to the Viral DNA it was made from, or publish and score more")
    if not findings and shared:
        return (f"what wins ({'; '.join(s.label for s in shared[:2])}) is carried by every reference, so it tells no "
                f"idea from another: references that differ (another hook, source type or topic) would")
    if not findings:
        return (f"{len(lifts)} topics and patterns measured over {scored} videos; none lifts them by {MIN_LIFT}x with "
                f"an interval clear of 1x that holds without its biggest video: more published videos will tell")
    if not duplicates:
        return (f"what wins ({'; '.join(f.label for f in findings[:2])}) has no topic to apply it to: give the Empire "
                f"niche tags or add references on its niche")
    return (f"all {len(duplicates)} ideas would repeat an existing video or reference (see the near-duplicates): "
            f"decoded references on these topics would give them a new angle")


def _ideas(findings: Sequence[PatternLift], candidates: Sequence[ViralDNA], own: Mapping[str, Production],
           tags: set[str]) -> list[Idea]:
    """One idea per topic finding, made the best pattern finding's way; then one per other pattern finding."""
    topics = [f for f in findings if any(feature == TOPIC for feature, _ in f.patterns)]
    patterns = [f for f in findings if f not in topics]
    how = patterns[0] if patterns else None
    ideas: list[Idea] = []
    seen: set[frozenset[str]] = set()
    formats = {vid: p.format.value for vid, p in own.items()}
    for finding in topics:
        topic = _in_title_order({v for f, v in finding.patterns if f == TOPIC}, own.get(finding.top_video or ""))[:3]
        material = [d for d in candidates if set(topic) & (topic_words(d.title) | dna_tags(d))]
        ideas.append(_idea(topic, [finding] + ([how] if how else []), material, formats))
    for finding in patterns:
        material = [d for d in candidates if _carries(d, finding)]
        niche = sorted(v for f, v in finding.patterns if f == "niche tag")
        if not niche:
            niche = sorted((dna_tags(material[0]) & tags) or dna_tags(material[0])) if material else sorted(tags)
        ideas.append(_idea(niche[:2], [finding], material, formats))
    unique = []
    for idea in ideas:
        if idea.topic and frozenset(idea.words) not in seen:
            seen.add(frozenset(idea.words))
            unique.append(idea)
    return sorted(unique, key=lambda i: (-i.score, i.title))


def _in_title_order(topic: set[str], production: Production | None) -> list[str]:
    """The topic words in the order the finding's biggest video's title has them ("habit stacking")."""
    order = content_stems(tokens(production.title)) if production else []
    return sorted(topic, key=lambda w: (order.index(w) if w in order else len(order), w))


def _idea(topic: list[str], findings: list[PatternLift], material: list[ViralDNA], formats: Mapping[str, str]) -> Idea:
    """A working title from the topic and the findings' patterns, the findings as reasons, references as material."""
    fmt = Counter(formats.get(v, VideoFormat.VIDEO.value) for v in findings[0].video_ids).most_common(1)[0][0]
    ways = [w for f in findings for w in _ways(f.patterns)]
    chosen = material[:MAX_MATERIAL]
    reasons = [finding_line(f) for f in findings]
    if not ways and chosen:  # no measured "how": borrow the strongest reference's move, and say so
        patterns = dna_patterns(chosen[0])
        ways = _ways([(f, v) for f in ("hook pattern", "open loop") for v in sorted(patterns[f])])
        if ways:
            reasons.append(f"the move, from '{chosen[0].title}' (not measured here): {' and '.join(ways)}")
    title = f"{' '.join(topic).capitalize()}: a new {FORMAT_NAMES.get(fmt, fmt)}"
    if ways:
        title += " " + " and ".join(dict.fromkeys(ways))
    reasons += [f"material: '{d.title}'" + (f" ({d.views:,.0f} views)" if d.views else "") for d in chosen]
    patterns = {v for f in findings for feature, v in f.patterns if feature != TOPIC}
    words = sorted(topic_words(" ".join(topic)) | patterns)
    return Idea(title=title, words=words, dna_ids=[d.id or "" for d in chosen], format=fmt, reasons=reasons,
                score=round(sum(math.log2(f.lift) for f in findings), 3), topic=topic)


def _ways(patterns: Iterable[tuple[str, str]]) -> list[str]:
    """How to make it, in words: 'with a question hook', 'with an ordinal open loop'."""
    ways = []
    for feature, value in patterns:
        if feature == "hook pattern":
            ways.append(f"with {_article(value)} {value} hook")
        elif feature == "open loop" and value not in ("none", "other"):
            ways.append(f"with {_article(value)} '{value}' open loop")
        elif feature == "source type":
            ways.append(f"learning from {value.replace('_', ' ')} references")
    return ways


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _carries(dna: ViralDNA, finding: PatternLift) -> bool:
    patterns = dna_patterns(dna)
    return any(finding.has(feature, values) for feature, values in patterns.items())


def _closest(idea: Idea, existing: Sequence[tuple[str, str]]) -> Match | None:
    """The existing title this idea's title repeats or nearly repeats, if any."""
    folded = " ".join(idea.title.split()).casefold()
    for record_id, title in existing:
        if " ".join(title.split()).casefold() == folded:
            return Match(record_id, title, 1.0, tuple(sorted(topic_words(title))))
    match = closest(topic_words(idea.title), existing)
    return match if is_near_duplicate(match) else None


def _match_json(match: Match) -> dict[str, Any]:
    return {"id": match.record_id, "title": match.title, "similarity": round(match.similarity, 2),
            "shared": list(match.shared)}
