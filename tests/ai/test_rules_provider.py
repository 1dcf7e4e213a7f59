"""RuleProvider: the AIProvider contract, dispatch on the answer schema, and its errors."""

from __future__ import annotations

import random

import pytest
from pydantic import BaseModel

from young_production.ai.base import AIProvider, AIRequest
from young_production.ai.rules import RuleProvider
from young_production.errors import AIError
from young_production.skills.dna.decode import (
    DNAAnalysisAnswer,
    HookAnswer,
    HookPattern,
    NicheTagsAnswer,
    OpenLoopAnswer,
    PerspectiveAnswer,
)
from young_production.transcript import Segment

SEGMENTS = [
    Segment("Did you know that 90% of people quit the gym", 0.0, 3.2),
    Segment("within three months? Stay until the end,", 3.2, 6.0),
    Segment("because the third reason will surprise you.", 6.0, 8.5),
    Segment("Most people think motivation is the problem.", 8.5, 11.0),
    Segment("But the real reason you quit is that your workout plan is too vague.", 11.0, 15.0),
    Segment("The first reason is a vague workout plan. Without a workout plan you wander around.", 15.0, 22.0),
    Segment("The second reason is training alone. A gym buddy keeps you honest, and a gym buddy notices.", 22.0, 28.0),
    Segment("And the third reason, the one nobody expects, is sleep. Poor sleep kills your workout plan.", 28.0, 36.0),
    Segment("So fix your workout plan, find a gym buddy, and sleep more. Subscribe for more.", 36.0, 42.0),
]


def request(schema_skill: str = "S05", segments: list[Segment] | None = None, data: str = "") -> AIRequest:
    inputs = {"title": "Why you quit the gym", "segments": SEGMENTS if segments is None else segments}
    return AIRequest(schema_skill, "Analyse the transcript.", data, inputs, "WF1", "e1")


def test_rule_provider_is_a_free_ai_provider() -> None:
    provider = RuleProvider()

    answer = provider.complete(request(), PerspectiveAnswer)

    assert isinstance(provider, AIProvider)
    assert provider.name == answer.provider == "rules"
    assert answer.model
    usage = answer.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cost_usd) == (0, 0, 0.0)


def test_each_schema_gets_its_own_answer() -> None:
    provider = RuleProvider()

    perspective = provider.complete(request("S05"), PerspectiveAnswer).value
    hook = provider.complete(request("S06"), HookAnswer).value
    loop = provider.complete(request("S07"), OpenLoopAnswer).value
    tags = provider.complete(request("S09"), NicheTagsAnswer).value

    assert perspective.perspective == (
        "Most people think motivation is the problem. "
        "But the real reason you quit is that your workout plan is too vague."
    )
    assert hook.pattern is HookPattern.STATISTIC
    assert hook.hook.startswith("Did you know that 90% of people quit the gym within three months?")
    assert (hook.start, hook.end) == (0.0, 8.5)
    assert hook.confidence is not None and 0.5 <= hook.confidence <= 0.95
    assert loop.open_loop == "Stay until the end, because the third reason will surprise you."
    assert loop.resolution == "And the third reason, the one nobody expects, is sleep."
    assert loop.opened_at is not None and 4.0 < loop.opened_at < 5.0
    assert loop.resolved_at is not None and 28.0 <= loop.resolved_at < 29.0
    assert "workout plan" in tags.tags and "gym buddy" in tags.tags


def test_the_combined_answer_holds_exactly_what_the_separate_answers_hold() -> None:
    provider = RuleProvider()

    dna = provider.complete(request(), DNAAnalysisAnswer).value
    hook = provider.complete(request("S06"), HookAnswer).value
    loop = provider.complete(request("S07"), OpenLoopAnswer).value

    # what the combined answer asserts is what the separate answers say; what it is unsure of is empty
    perspective = provider.complete(request(), PerspectiveAnswer).value.perspective
    assert dna.perspective == (None if "perspective" in dna.unsure else perspective)
    assert "perspective" in dna.unsure and dna.confidence["perspective"] < 0.79  # won by a claim cue
    assert (dna.hook, dna.hook_pattern, dna.hook_start, dna.hook_end) == (hook.hook, hook.pattern, hook.start, hook.end)
    assert (dna.open_loop, dna.opened_at, dna.resolution, dna.resolved_at) == (
        loop.open_loop, loop.opened_at, loop.resolution, loop.resolved_at,
    )
    tags = provider.complete(request(), NicheTagsAnswer).value.tags
    assert dna.niche_tags and set(dna.niche_tags) <= set(tags)
    assert all(dna.confidence[f"tag:{tag}"] >= 0.7 for tag in dna.niche_tags)


def test_answers_are_deterministic_across_provider_instances() -> None:
    first = RuleProvider().complete(request(), DNAAnalysisAnswer).value
    second = RuleProvider().complete(request(), DNAAnalysisAnswer).value

    assert first == second


def test_without_segments_the_data_text_is_read_as_untimed_text() -> None:
    text = "Here's the catch. The free plan deletes your files after thirty days. Most people never notice."

    answer = RuleProvider().complete(request("S07", segments=[], data=text), OpenLoopAnswer).value

    assert answer.open_loop == "Here's the catch."
    assert answer.resolution == "The free plan deletes your files after thirty days."
    assert answer.opened_at is None and answer.resolved_at is None


def test_no_loop_is_reported_as_none() -> None:
    calm = [Segment("We painted the kitchen white last month.", 0.0, 3.0), Segment("The floor is oak.", 3.0, 5.0)]

    answer = RuleProvider().complete(request("S07", segments=calm), OpenLoopAnswer).value

    assert answer == OpenLoopAnswer(open_loop=None, opened_at=None, resolution=None, resolved_at=None)


def test_a_schema_subclass_is_answered_by_its_base_handler() -> None:
    class TaggedHook(HookAnswer):
        note: str = "from rules"

    answer = RuleProvider().complete(request("S06"), TaggedHook)

    assert type(answer.value) is TaggedHook and answer.value.pattern is HookPattern.STATISTIC


def test_a_subclass_requiring_more_fields_is_a_clear_error() -> None:
    class HookWithScore(HookAnswer):
        score: int

    with pytest.raises(AIError, match="does not fit HookWithScore"):
        RuleProvider().complete(request("S06"), HookWithScore)


def test_an_unknown_schema_is_refused_not_guessed() -> None:
    class Sentiment(BaseModel):
        mood: str

    with pytest.raises(AIError, match="cannot answer Sentiment"):
        RuleProvider().complete(request(), Sentiment)


@pytest.mark.parametrize(
    "segments",
    [[], [Segment("[Music]", 0.0, 4.0)], [Segment("   ")]],
    ids=["no segments", "markup only", "blank"],
)
def test_nothing_to_analyse_is_an_ai_error(segments: list[Segment]) -> None:
    with pytest.raises(AIError, match="nothing to analyse"):
        RuleProvider().complete(request(segments=segments), DNAAnalysisAnswer)


def test_odd_inputs_never_crash_and_always_fit_the_schema() -> None:
    rng = random.Random(7)
    vocabulary = (
        "the third one stay until end but first here's catch why what? I'll show you 90% habits habit sleep "
        "Dr. e.g. 3.5 [Music] ♪ >> \n \n\n 1. - • ALL CAPS … ! ? , : ; émigré 東京 🙂 $1,200 don’t you're"
    ).split(" ")
    provider = RuleProvider()
    for _ in range(200):
        timed = rng.random() < 0.6
        segments, clock = [], 0.0
        for _ in range(rng.randint(1, 12)):
            text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 25)))
            length = rng.uniform(-1.0, 6.0)  # includes segments that end before they start
            end = None if rng.random() < 0.2 else clock + length
            segments.append(Segment(text, clock, end) if timed else Segment(text))
            clock += abs(length)
        try:
            answer = provider.complete(request(segments=segments), DNAAnalysisAnswer).value
        except AIError as exc:
            assert "nothing to analyse" in str(exc)
            continue
        assert answer.hook or "hook" in answer.unsure
        assert answer.perspective or "perspective" in answer.unsure
        assert all(0 <= c <= 1 for c in answer.confidence.values())
        assert all(tag == tag.lower() and tag.strip() for tag in answer.niche_tags)
        if answer.hook_start is not None and answer.hook_end is not None:
            assert answer.hook_start <= answer.hook_end
        if answer.opened_at is not None and answer.resolved_at is not None:
            assert answer.opened_at <= answer.resolved_at
