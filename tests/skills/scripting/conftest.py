"""Shared material for the WF3 skill tests: encoded references, two contrasting styles, productions.

The references are the bundled samples' texts (captioned habits video, spoken story, blog
article) as WF1 stores them: display strings with time spans, open loops with their payoff.
"""

from __future__ import annotations

import pytest

from young_production.records import Block, DNAStatus, Production, ViralDNA, bullet, heading, paragraph

HABITS = (
    "Three habits made me more money than my degree ever did. Stay until the end, because the third one sounds "
    "crazy, and it is the one that actually worked. Habit one: I write down every video idea before breakfast. "
    "Habit two: I publish something small every single day, even when nobody watches, which is basically the "
    "whole hack. And habit three, the crazy one: I pay myself first, before rent, before anything. Compound habits "
    "beat talent, every single time."
)
STORY = (
    "Last year I almost quit my channel with forty seven subscribers. I had posted every week for a year and "
    "basically nothing happened. But that's not the surprising part. The surprising part is what changed: I "
    "stopped making videos for everyone and made one video for one person, my younger self. That video got more "
    "views in a week than the whole channel had in a year. Here is the surprising part: the smaller the audience "
    "you picture, the bigger the audience you get. Write for one person and the algorithm finds the rest."
)
ARTICLE = (
    "Why do some videos get ten times more views than others from the same channel? Most creators blame the "
    "thumbnail. The thumbnail is not the real reason, and by the end of this article you will see what is. We "
    "looked at two hundred videos from forty small channels. The outliers had one thing in common: the first "
    "sentence made a promise the rest of the video kept. Here is the real reason: retention starts with a "
    "promise, and every hack that skips the promise fails. Keep the promise and the views follow."
)


def encoded(dna_id: str, title: str, transcript: str, **fields: object) -> ViralDNA:
    return ViralDNA(id=dna_id, title=title, transcript=transcript, status=DNAStatus.ENCODED, **fields)


@pytest.fixture
def habits() -> ViralDNA:
    return encoded(
        "dna-habits", "Three habits that made me money", HABITS,
        perspective="Compound habits beat talent: pay yourself first, publish daily, write ideas down.",
        hook="[0:00-0:04] Three habits made me more money than my degree ever did.",
        hook_pattern="number_list",
        open_loop="[0:04] Stay until the end, because the third one sounds crazy -> resolved [0:26] And habit "
                  "three, the crazy one: I pay myself first, before rent, before anything.",
        niche_tags=["habits", "personal finance"],
    )


@pytest.fixture
def story() -> ViralDNA:
    return encoded(
        "dna-story", "I almost quit at 47 subscribers", STORY,
        perspective="The smaller the audience you picture, the bigger the audience you get.",
        hook="[0:00-0:05] Last year I almost quit my channel with forty seven subscribers.",
        hook_pattern="story",
        open_loop="[0:09] But that's not the surprising part. -> resolved [0:30] Here is the surprising part: the "
                  "smaller the audience you picture, the bigger the audience you get.",
        niche_tags=["youtube growth"],
    )


@pytest.fixture
def article() -> ViralDNA:
    return encoded(
        "dna-article", "Why some videos get 10x the views", ARTICLE,
        perspective="Retention starts with a promise in the first sentence that the rest of the video keeps.",
        hook="Why do some videos get ten times more views than others from the same channel?",
        hook_pattern="question",
        open_loop="The thumbnail is not the real reason, and by the end of this article you will see what is. "
                  "-> resolved Here is the real reason: retention starts with a promise.",
        niche_tags=["youtube growth", "retention"],
    )


@pytest.fixture
def references(habits: ViralDNA, story: ViralDNA, article: ViralDNA) -> list[ViralDNA]:
    return [habits, story, article]


PUNCHY = [
    heading("Writing style", 1),
    heading("Voice"),
    bullet("Short punchy sentences, one idea each"),
    bullet("Never say 'basically'"),
    bullet("Always end with: \"Stay curious.\""),
]
REFLECTIVE = [
    heading("Voice"),
    paragraph("Long reflective sentences, calm and warm, as if talking to a friend at dusk."),
    Block(type="toggle", text="Words we avoid", children=[paragraph("hack, hustle, grind")]),
    heading("Sign-off"),
    paragraph("See you next week."),
]


def production(fmt: str = "video", **fields: object) -> Production:
    return Production(id="prod-1", title="Small habits that grow a channel", format=fmt, **fields)


def _part(text: str, reference: str, pattern: str, chapter: str | None = None) -> dict[str, object]:
    return {"text": text, "reference": reference, "pattern": pattern, "chapter": chapter}


# What a model might answer for "Small habits that grow a channel": in its own words, with a chapter per
# idea, but with the faults the post-processing must fix (avoided words, long sentences, no sign-off).
MODEL_ANSWER = {
    "hook": _part("Three small habits grew my channel more than any viral video, and basically none of them "
                  "takes more than ten minutes a day, which sounds too good to be true.", "R1", "number_list"),
    "open_loops": [
        _part("Stick around, because the third habit is the one nobody wants to hear about.", "R1", "open_loop"),
        _part("And the second one cost me a whole year to learn.", "R2", "open_loop"),
    ],
    "beats": [
        _part("Habit one is an ideas list. Every morning you write down one video idea, good or bad, before "
              "you open any app at all, so the list grows while you sleep on it.", "R1", "perspective", "Ideas first"),
        _part("After a month you have thirty ideas, and the best three are obvious.", "R1", "example"),
        _part("Habit two is picturing one viewer. A channel that talks to everyone talks to no one.", "R2",
              "perspective", "One viewer"),
        _part("Write the script for one person you know, and the algorithm does the rest of the work for you.",
              "R2", "example"),
        _part("Habit three is the promise. Your first sentence makes a promise and the rest of the video keeps it, "
              "which is the only growth hack that lasts.", "R3", "perspective", "Keep the promise"),
        _part("Open with what the viewer gets. Then deliver it, step by step, without a detour.", "R3", "example"),
    ],
    "payoff": _part("So the habit nobody wants to hear about is keeping promises: small, daily, boring, and it works.",
                    "R3", "payoff"),
    "call_to_action": _part("Pick one habit today and tell me which one in the comments.", "none", "call_to_action"),
}


class HandWrittenModel:
    """A stand-in for a language model: S15 answers `answer` (a ScriptAnswer dict); S19-S21 go to the rules."""

    name = "handwritten"

    def __init__(self, answer: dict[str, object] | None = None):
        self.answer = answer or MODEL_ANSWER
        self.requests: list[object] = []

    def complete(self, request, schema):  # noqa: ANN001, ANN201
        from young_production.ai.base import AIAnswer, Usage
        from young_production.ai.rules import RuleProvider

        self.requests.append(request)
        if request.skill == "S15":
            return AIAnswer(schema.model_validate(self.answer), Usage(), self.name, "hand-written")
        return RuleProvider().complete(request, schema)
