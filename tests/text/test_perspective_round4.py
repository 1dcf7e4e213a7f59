"""Fourth round of the claim rules: a thesis the speaker names, and "have to conclude" is no conclusion."""

from __future__ import annotations

from young_production.text.perspective import find_perspective, score_sentences
from young_production.text.sentences import split_sentences
from young_production.transcript import Segment


def untimed(*lines: str):
    return split_sentences([Segment(line) for line in lines])


TALK = (
    "Schools around the world teach the same subjects in the same order.",
    "My contention is that creativity now is as important in education as literacy.",
    "Children arrive at school full of talent and leave with less of it.",
    "Every education system puts mathematics and languages at the top.",
    "The arts come last, and dance comes last of all.",
    "If you look at the output, I think you'd have to conclude the purpose of schools is to produce professors.",
    "Professors live in their heads, slightly to one side.",
)


def test_a_thesis_the_speaker_names_is_the_perspective() -> None:
    perspective = find_perspective(untimed(*TALK))

    assert perspective is not None and perspective.startswith("My contention is")


def test_you_would_have_to_conclude_is_not_a_conclusion_cue_but_to_conclude_is() -> None:
    ending = "To conclude, schools should treat creativity with the same status as literacy."
    perspective = find_perspective(untimed(*[line for line in TALK if "contention" not in line], ending))

    assert perspective == ending


def test_a_team_that_has_built_something_is_a_finding() -> None:
    sentences = untimed(
        "The formation of galaxies is a complex dance between matter and energy.",
        "In search of answers, an international team of scientists has created the most detailed model of the universe.",
        "Their virtual universe, some 230 million light-years wide, contains thousands of evolving galaxies.",
        "The model tracked more than 20 billion particles of dark matter, gas and stars over 13.8 billion years.",
        "Disk galaxies like ours emerged from the turbulent gas clouds of the young universe.",
        "Their results are published in two articles in a journal of astronomy.",
    )

    perspective = find_perspective(sentences)

    assert perspective is not None and "team of scientists has created" in perspective


def test_the_upshot_and_the_key_idea_are_claim_framing() -> None:
    plain = "New evidence does not completely determine your beliefs in a vacuum."
    framed = [
        "The upshot, and this is the key mantra of the theorem, is that new evidence does not completely "
        "determine your beliefs in a vacuum.",
        "The key idea: new evidence does not completely determine your beliefs in a vacuum.",
    ]
    for line in framed:
        scores = score_sentences(untimed("Steve is shy and tidy.", plain, line, "Farmers outnumber librarians."))

        assert scores[2] >= scores[1] + 1.0, line
