"""Fourth round of the claim rules: a thesis the speaker names, and "have to conclude" is no conclusion."""

from __future__ import annotations

from young_production.text.perspective import find_perspective, score_sentences

from .texts import untimed


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


def test_a_team_that_has_built_or_found_something_is_a_finding() -> None:
    plain = "The most detailed model of the universe to date now exists."
    for line in (
        "An international team of scientists has created the most detailed model of the universe to date.",
        "A team of astronomers discovered the most detailed model of the universe to date.",
    ):
        scores = score_sentences(untimed("Galaxies are complex.", plain, line, "Stars formed early."))

        assert scores[2] >= scores[1] + 0.8, line


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


def test_what_most_experts_argue_frames_a_claim() -> None:
    plain = "Consumers are the primary victims of tariffs."
    line = "Most mainstream economists, however, argue that consumers are the primary victims of tariffs."
    scores = score_sentences(untimed("Tariffs rose in 2019.", plain, line, "China answered with tariffs of its own."))

    assert scores[2] >= scores[1] + 1.0


def test_a_disclaimer_is_never_the_perspective() -> None:
    sentences = untimed(
        "The Sensex scaled a new high on Wednesday while the economy slowed.",
        "Experts say the market is pricing in a recovery in the economy and in earnings.",
        "The hope of a faster recovery in earnings keeps the market higher.",
        "Disclaimer: The views and investment tips expressed by investment experts on this site are their own "
        "and not that of the website or its management.",
    )

    perspective = find_perspective(sentences)

    assert perspective is not None and not perspective.startswith("Disclaimer")
