"""S12 pattern lift: joined from scores and DNA, with counts and intervals a reader can judge."""

from __future__ import annotations

import pytest

from young_production.records import SourceType, ViralDNA
from young_production.skills.performance.patterns import dna_patterns, join_patterns, pattern_lifts


def dna(hook: str, loop: str | None, source: SourceType, tags: list[str]) -> ViralDNA:
    return ViralDNA(title="ref", hook="Hook line", hook_pattern=hook, open_loop=loop, source_type=source, niche_tags=tags)


QUESTION = dna("question", "Stay until the end, the third one will surprise you.", SourceType.YOUTUBE_SHORT, ["Money", "habits"])
STORY = dna("story", None, SourceType.ARTICLE, ["habits"])


def test_dna_patterns_name_each_feature():
    assert dna_patterns(QUESTION) == {
        "hook pattern": {"question"}, "open loop": {"ordinal"}, "source type": {"youtube_short"},
        "niche tag": {"money", "habits"},
    }
    assert dna_patterns(STORY)["open loop"] == {"none"}
    assert dna_patterns(ViralDNA(title="not decoded yet"))["open loop"] == set()


def test_lift_is_the_geometric_mean_ratio_against_the_rest():
    ratios = {f"q{i}": 4.0 for i in range(6)} | {f"s{i}": 1.0 for i in range(6)} | {"none": 2.0}
    links = {f"q{i}": [QUESTION] for i in range(6)} | {f"s{i}": [STORY] for i in range(6)}
    lifts = {p.label: p for p in pattern_lifts(join_patterns(ratios, links))}
    question = lifts["hook pattern: question"]
    # with: 4.0 x6; without: 1.0 x6 and 2.0 -> geometric mean 2^(1/7)
    assert question.lift == pytest.approx(4.0 / 2 ** (1 / 7))
    assert (question.count, question.others) == (6, 7)
    assert question.low > 1 and question.evidence == "strong"
    assert lifts["hook pattern: story"].lift < 1
    assert lifts["niche tag: habits"].count == 12  # both DNA share it
    assert "niche tag: habits" in lifts and lifts["open loop: ordinal"].value == "ordinal"


def test_small_samples_get_wide_intervals_and_min_count_filters():
    ratios = {"a": 3.0, "b": 0.5, "c": 1.0, "d": 1.2, "e": 0.9}
    links = {"a": [QUESTION], "b": [QUESTION]}
    lifts = {p.label: p for p in pattern_lifts(join_patterns(ratios, links), min_count=2)}
    q = lifts["hook pattern: question"]
    assert q.count == 2 and q.low < 1 < q.high and q.evidence == "none"
    assert pattern_lifts(join_patterns(ratios, links), min_count=3) == []


def test_intervals_are_reproducible_and_unscored_videos_are_left_out():
    ratios = {"a": 3.0, "b": 2.5, "c": 1.0, "d": 1.2, "x": None, "y": 0.0}
    links = {"a": [QUESTION], "b": [QUESTION], "x": [QUESTION], "y": [QUESTION]}
    first = pattern_lifts(join_patterns(ratios, links))
    assert first == pattern_lifts(join_patterns(ratios, links))
    assert {p.count for p in first if p.label == "hook pattern: question"} == {2}
