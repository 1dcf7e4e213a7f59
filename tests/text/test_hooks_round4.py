"""Fourth round of the hook patterns: scenarios, "not what you think", spoken questions, a year as a scene,
and past participles that are not narration."""

from __future__ import annotations

import pytest

from young_production.text.grammar import past_tense_verbs
from young_production.text.hooks import find_hook
from young_production.text.sentences import split_sentences, words
from young_production.transcript import Segment

from .texts import untimed


@pytest.mark.parametrize(
    ("opening", "pattern"),
    [
        ("If your goal is simply to understand why it's true, there's a quick way to see it.", "direct_address"),
        ("If someone in a position of authority asked you to step aside, you would step aside.", "direct_address"),
        ("Let me get your mind right about hypnosis: it's probably not what you think it is.", "contrarian"),
        ("how would you describe your personality maybe friendly or creative or quirky", "question"),
    ],
)
def test_opening_shapes_of_real_videos(opening: str, pattern: str) -> None:
    hook = find_hook(untimed(opening, "Psychologists have studied this for a century."))

    assert hook is not None and hook.pattern == pattern


def test_a_year_setting_the_scene_is_a_story() -> None:
    segments = [Segment("It's 1961.", 0.0, 1.5),
                Segment("You're wandering around Stanford University, looking for a sandwich.", 1.5, 5.0)]

    hook = find_hook(split_sentences(segments))

    assert hook is not None and hook.text.startswith("It's 1961.") and hook.pattern == "story"


@pytest.mark.parametrize(
    "sentence",
    [
        "There's a huge number of students who are left to learn remotely from home.",
        "This is an allegation made against the founder of the site.",
        "The team has gone through every file since the spring.",
    ],
)
def test_a_participle_is_not_narration(sentence: str) -> None:
    assert past_tense_verbs(tuple(words(sentence))) == 0


def test_a_person_in_the_past_tense_is_still_narration() -> None:
    assert past_tense_verbs(tuple(words("When I was ten my father left for the war."))) >= 1
    hook = find_hook(untimed("My neighbour ran a marathon at eighty.", "Nobody believed him."))
    assert hook is not None and hook.pattern == "story"
