"""The rules' confidence: evidence bands, thresholds, and fallbacks that are never answers."""

from __future__ import annotations

import pytest

from young_production.ai.base import AIRequest
from young_production.ai.rules import RuleProvider
from young_production.skills.dna.decode import DNAAnalysisAnswer
from young_production.text import confidence as sure
from young_production.text.hooks import pattern_evidence
from young_production.text.keyphrases import TagSupport
from young_production.text.loops import best_loop, find_loops
from young_production.text.perspective import claim_cue
from young_production.transcript import Segment

from .texts import untimed


def decode(text: str, title: str = "") -> DNAAnalysisAnswer:
    request = AIRequest("S05", "Analyse.", "", {"title": title, "segments": [Segment(line) for line in text.split("\n")]})
    return RuleProvider().complete(request, DNAAnalysisAnswer).value


def test_every_band_has_a_calibrated_confidence_and_every_field_a_threshold() -> None:
    assert set(sure.THRESHOLDS) == {*sure.CALIBRATION, "tag"}
    assert all(0 < c < 1 for bands in sure.CALIBRATION.values() for c in bands.values())
    # a fallback is below every threshold, whatever the data said about it
    assert ("hook_pattern", "no pattern fired") in sure.NEVER_ASSERTED
    for field, band in sure.NEVER_ASSERTED:
        assert sure.CALIBRATION[field][band] < sure.THRESHOLDS[field]


@pytest.mark.parametrize(
    "text",
    [
        # a weak cue ("everyone") that falls short of a pattern: no pattern fired, and none is guessed
        "Everyone on the committee met on Tuesday.\nIt reviewed the budget for the new library.",
        # no cue at all, but the opening exclaims: not a plain statement either
        "The committee met on Tuesday!\nIt reviewed the budget for the new library.",
        # no cue at all, but it talks to "you": an address, not a plain statement
        "The committee met on Tuesday about your library.\nIt reviewed the budget for the new building.",
        # plain declarative sentences, no cue or shape of any pattern: still "nothing fired", so unsure
        # (on the dev split such openings were labelled `statement` 23 times of 23; the rule, not
        # the data, keeps a statement-because-nothing-fired out of the answers)
        "The committee met on Tuesday.\nIt reviewed the budget for the new library.\n"
        "The budget was approved after a short discussion.",
    ],
)
def test_a_statement_because_nothing_fired_is_never_stored_as_an_answer(text: str) -> None:
    answer = decode(text)
    assert "hook_pattern" in answer.unsure and answer.hook_pattern is None
    assert answer.confidence["hook_pattern"] == 0.3
    assert answer.hook  # the opening itself is found


def test_a_back_reference_to_an_earlier_video_is_no_narration() -> None:
    told = pattern_evidence(untimed("In my last video we looked at how these boards absorb water."))
    assert told.pattern != "story"
    assert pattern_evidence(untimed("Last week we looked at how these boards absorb water.")).pattern == "story"


def test_a_clear_cue_is_asserted_with_its_band() -> None:
    answer = decode("Did you know that 90% of people quit the gym within three months?\n"
                    "Most of them never had a plan.\nHere is the plan that works.")
    assert answer.hook_pattern is not None and "hook_pattern" not in answer.unsure
    assert answer.confidence["hook_pattern"] >= sure.THRESHOLDS["hook_pattern"]


def test_narration_told_only_by_its_shape_is_its_own_band() -> None:
    window = untimed("The doctor looked at the scan and frowned at what she saw.")
    evidence = pattern_evidence(window)
    assert evidence.pattern == "story" and evidence.by_shape
    assert sure.pattern_band(evidence) == "narration shape only"


@pytest.mark.parametrize(
    ("support", "kept"),
    [
        (TagSupport("gym", sentences=1, in_title=False, rank=0), False),  # one mention is no support
        (TagSupport("gym", sentences=6, in_title=False, rank=0), True),
        (TagSupport("gym", sentences=2, in_title=True, rank=0), True),  # the title says it too
        (TagSupport("gym", sentences=2, in_title=False, rank=4), False),
    ],
)
def test_a_tag_needs_support(support: TagSupport, kept: bool) -> None:
    assert (sure.tag_confidence(support) >= sure.THRESHOLDS["tag"]) is kept


def test_tags_are_capped_and_a_tag_said_once_is_never_kept() -> None:
    supports = [TagSupport(f"tag {i}", sentences=6, in_title=True, rank=i) for i in range(8)]
    assert len(sure.confident_tags(supports)) == sure.TAG_CAP
    answer = decode("A quote card about focus.", title="Quote card")
    assert answer.niche_tags == [] and "niche_tags" in answer.unsure


def test_an_unsure_loop_takes_its_pay_off_with_it() -> None:
    answer = decode("Why do cats purr?\nNobody is quite sure.\nSome think it heals bones.\nOthers disagree.")
    assert {"open_loop", "payoff"} <= set(answer.unsure)
    assert answer.open_loop is None and answer.resolution is None


def test_every_asserted_band_holds_85_percent_on_its_own() -> None:
    """Seventh round: no band below 85 % is asserted because others lift the field's sum."""
    for field, bands in sure.CALIBRATION.items():
        for band, confidence in bands.items():
            assert (confidence >= sure.THRESHOLDS[field]) is (confidence >= 0.85), (field, band)


@pytest.mark.parametrize(
    ("sentence", "band"),
    [
        ("The study found that the spacecraft could be a third lighter.", "finding or conclusion cue"),
        ("In the end, the habit matters more than the plan.", "finding or conclusion cue"),
        ("The key is that nobody checks the plan.", "claim cue"),  # a framing may frame a local point
        ("It is not about money but about the time it takes.", "claim cue"),  # so may an antithesis
        ("The plan was written down by the committee.", "central, others agree"),
    ],
)
def test_a_finding_or_a_conclusion_is_its_own_perspective_band(sentence: str, band: str) -> None:
    chosen = untimed(sentence)[0]
    assert sure.perspective_band(claim_cue(chosen), margin=0.05) == band


def test_an_intention_to_explore_is_not_a_named_device() -> None:
    sentences = untimed("So I thought I'd take a look inside this sensor.\nThe board is small.\n"
                        "So that's what's inside: a laser and a fan.")
    loop = best_loop(find_loops(sentences), len(sentences))
    assert loop is not None and loop.kind == "explore"
    assert sure.loop_band(loop, len(sentences)) == "intention to explore"
    assert sure.CALIBRATION["open_loop"]["intention to explore"] < sure.THRESHOLDS["open_loop"]


def test_a_host_introduction_leaves_the_hook_and_its_pattern_unsure() -> None:
    answer = decode("Our guest tonight has written three books about bridges.\n"
                    "Please join me in welcoming Dana Reyes.\n"
                    "Did you know that 90% of bridges in this state are older than fifty years?\n"
                    "Most of them were never inspected.")
    assert {"hook", "hook_pattern"} <= set(answer.unsure) and answer.hook is None and answer.hook_pattern is None
    greeted = decode("Good evening.\nDid you know that 90% of bridges in this state are older than fifty years?\n"
                     "Most of them were never inspected.")
    assert "hook" not in greeted.unsure and greeted.hook_pattern == "statistic"
