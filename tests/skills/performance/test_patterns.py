"""S12 pattern lift: joined from scores, DNA and titles; merged, counted and labelled so it holds up."""

from __future__ import annotations

import pytest

from young_production.records import DNAStatus, SourceType, ViralDNA
from young_production.skills.performance.patterns import (
    PatternLift,
    dna_patterns,
    join_patterns,
    pattern_lifts,
)


def dna(name: str, hook: str, loop: str | None, source: SourceType, tags: list[str]) -> ViralDNA:
    return ViralDNA(id=name, title=f"ref {name}", hook="Hook line", hook_pattern=hook, open_loop=loop,
                    source_type=source, niche_tags=tags)


QUESTION = dna("r1", "question", "Stay until the end, the third one will surprise you.", SourceType.YOUTUBE_SHORT,
               ["Money", "habits"])
QUESTION_2 = dna("r2", "question", None, SourceType.ARTICLE, ["money"])
STORY = dna("r3", "story", None, SourceType.ARTICLE, ["habits"])
STORY_2 = dna("r4", "story", None, SourceType.ARTICLE, ["habits"])


def by_label(lifts: list[PatternLift]) -> dict[str, PatternLift]:
    return {p.label: p for p in lifts}


def test_dna_patterns_name_each_feature():
    assert dna_patterns(QUESTION) == {
        "hook pattern": {"question"}, "open loop": {"ordinal"}, "source type": {"youtube_short"},
        "niche tag": {"money", "habits"},
    }
    assert dna_patterns(STORY)["open loop"] == {"none"}
    assert dna_patterns(ViralDNA(title="not decoded yet"))["open loop"] == set()


def test_only_asserted_patterns_count():
    unsure = STORY.model_copy(update={"hook_pattern": None, "unsure": ["hook_pattern", "open_loop", "payoff"]})
    assert dna_patterns(unsure)["hook pattern"] == set()
    assert dna_patterns(unsure)["open loop"] == set()  # unsure, not "none"
    assert dna_patterns(STORY.model_copy(update={"unsure": ["perspective"]}))["open loop"] == {"none"}
    # decoded with nothing but an asserted "no loop" (hook and perspective unsure): that still counts
    bare = ViralDNA(title="quote card", status=DNAStatus.ENCODED, unsure=["perspective", "hook", "hook_pattern"])
    assert dna_patterns(bare)["open loop"] == {"none"} and dna_patterns(bare)["hook pattern"] == set()


def test_lift_is_the_geometric_mean_ratio_and_patterns_on_the_same_videos_are_one_line():
    ratios = {f"q{i}": 4.0 for i in range(6)} | {f"s{i}": 1.0 for i in range(6)} | {"none": 2.0}
    links = {f"q{i}": [QUESTION if i % 2 else QUESTION_2] for i in range(6)}
    links |= {f"s{i}": [STORY if i % 2 else STORY_2] for i in range(6)}
    lifts = by_label(pattern_lifts(join_patterns(ratios, links)))
    question = lifts["hook pattern: question + niche tag: money"]  # the same six videos: one finding
    # with: 4.0 x6; without: 1.0 x6 and 2.0 -> geometric mean 2^(1/7)
    assert question.lift == pytest.approx(4.0 / 2 ** (1 / 7))
    assert (question.count, question.others, question.references) == (6, 7, 2)
    assert question.low > 1.25 and question.evidence == "strong" and question.holds
    assert set(lifts) == {"hook pattern: question + niche tag: money", "open loop: ordinal + source type: youtube_short",
                          "niche tag: habits", "open loop: none + source type: article", "hook pattern: story"}
    assert lifts["hook pattern: story"].lift == pytest.approx(1 / (4.0 ** (6 / 7) * 2 ** (1 / 7)))
    assert lifts["hook pattern: story"].lift < 1 and lifts["niche tag: habits"].references == 3
    assert len({frozenset(p.video_ids) for p in lifts.values()}) == len(lifts)  # no two lines on one video set


def test_a_niche_tag_from_one_reference_is_not_a_pattern():
    ratios = {f"a{i}": 3.0 for i in range(4)} | {f"b{i}": 1.0 for i in range(4)}
    one_ref = dna("solo", "statement", None, SourceType.ARTICLE, ["pot"])
    links = {f"a{i}": [one_ref] for i in range(4)}
    labels = " | ".join(p.label for p in pattern_lifts(join_patterns(ratios, links)))
    assert "hook pattern: statement" in labels and "pot" not in labels


def test_three_distinct_videos_on_each_side():
    ratios = {"a": 3.0, "b": 2.5, "c": 1.0, "d": 1.2, "e": 0.9, "x": None, "y": 0.0}
    two = {"a": [QUESTION], "b": [QUESTION_2], "x": [QUESTION], "y": [QUESTION]}
    assert not any(p.has("hook pattern", ["question"]) for p in pattern_lifts(join_patterns(ratios, two)))
    three = two | {"c": [QUESTION]}
    assert pattern_lifts(join_patterns(ratios, three)) == []  # three with it, but only two without
    more = {**ratios, "f": 1.1}
    found = [p for p in pattern_lifts(join_patterns(more, three)) if p.has("hook pattern", ["question"])]
    assert len(found) == 1 and (found[0].count, found[0].others) == (3, 3)


def test_evidence_follows_the_interval_not_n():
    base = dict(feature="hook pattern", value="statement", count=5, others=20, lift=2.37, confidence=0.9)
    assert PatternLift(**base, low=1.06, high=6.93).evidence == "weak"  # n=5, but the interval nearly holds 1
    assert PatternLift(**{**base, "count": 3}, low=1.4, high=4.0).evidence == "strong"
    assert PatternLift(**base, low=0.9, high=6.0).evidence == "none"
    assert PatternLift(**{**base, "lift": 0.5}, low=0.3, high=0.7).evidence == "strong"


def test_leave_one_out_shows_a_lift_that_rests_on_one_video():
    ratios = {"hit": 19.0, "p1": 1.0, "p2": 1.1, "p3": 0.9, "p4": 1.0}
    ratios |= {f"o{i}": 1.0 + 0.02 * i for i in range(8)}
    statement = [dna(f"s{i}", "statement", None, SourceType.ARTICLE, []) for i in range(5)]
    links = {vid: [statement[n]] for n, vid in enumerate(("hit", "p1", "p2", "p3", "p4"))}
    lift = next(p for p in pattern_lifts(join_patterns(ratios, links)) if p.has("hook pattern", ["statement"]))
    assert lift.lift > 1.5 and lift.top_video == "hit"
    assert lift.without_top == pytest.approx(1.0, abs=0.1) and not lift.holds


def test_topics_of_the_videos_own_titles_are_measured_too():
    ratios = {f"h{i}": 3.0 for i in range(3)} | {f"o{i}": 1.0 for i in range(4)}
    titles = {"h0": "Five habits that stick", "h1": "Habits of rich people", "h2": "The habit loop explained"}
    titles |= {f"o{i}": f"Cooking pasta {i}" for i in range(4)}
    lifts = by_label(pattern_lifts(join_patterns(ratios, {}, titles)))
    assert lifts["topic: habit"].count == 3 and lifts["topic: habit"].lift == pytest.approx(3.0)
    assert lifts["topic: habit"].references == 0


def test_intervals_are_reproducible_and_survive_json():
    ratios = {"a": 3.0, "b": 2.5, "c": 2.0, "d": 1.2, "e": 0.9, "f": 1.0}
    links = {"a": [QUESTION], "b": [QUESTION_2], "c": [QUESTION]}
    first = pattern_lifts(join_patterns(ratios, links))
    assert first and first == pattern_lifts(join_patterns(ratios, links))
    assert [PatternLift.from_json(p.to_json()) for p in first] == first


def test_one_computation_reads_the_written_scores_and_leaves_young_videos_out():
    from young_production.records import Production
    from young_production.skills.performance.patterns import empire_lifts, production_ratios

    def made(n: int, title: str, score: float, basis: str = "median_ratio: ...") -> Production:
        return Production(id=f"p{n}", title=title, video_id=f"vid{n:08d}", outlier_score=score, outlier_basis=basis)

    mine = [made(n, f"Habit stacking {n}", 3.0) for n in range(3)] + [made(n, f"Cooking {n}", 1.0) for n in range(3, 7)]
    mine.append(made(7, "Habit stacking 7", 0.1, "young: 12 days old, views still climbing; median_ratio: 0.10 ..."))
    assert "vid00000007" not in production_ratios(mine, "median_ratio")
    assert production_ratios([made(0, "x", 1.5)], "median_ratio_minus_one") == {"vid00000000": 2.5}
    (habit, cooking) = empire_lifts(mine, {}, method="median_ratio", confidence=0.9)
    assert habit.label == "topic: habit / stacking" and habit.lift == pytest.approx(3.0) and habit.count == 3
    assert empire_lifts(mine, {}, method="median_ratio", confidence=0.9) == [habit, cooking]  # one number
