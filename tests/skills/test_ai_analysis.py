"""S05-S07 + S09 skills: the requests they make, combined vs per-skill, display strings, condensing."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from pydantic import BaseModel

from tests import speech
from young_production.ai.base import AIAnswer, AIRequest, T, Usage
from young_production.ai.rules import RuleProvider
from young_production.errors import AIError
from young_production.records import SourceType, TranscriptSource
from young_production.skills.dna.decode import (
    DNA_INSTRUCTIONS,
    HOOK_INSTRUCTIONS,
    NICHE_TAGS_INSTRUCTIONS,
    OPEN_LOOP_INSTRUCTIONS,
    PERSPECTIVE_INSTRUCTIONS,
    DNAAnalysisAnswer,
    HookAnswer,
    NicheTagsAnswer,
    OpenLoopAnswer,
    PerspectiveAnswer,
    analyse_dna,
)
from young_production.text.condense import condense_transcript, estimate_tokens
from young_production.transcript import Segment, Transcript, format_timestamp

timed = partial(speech.timed, words_per_segment=9)


@dataclass
class Recording:
    """An AIProvider that passes requests to another one and keeps what it was asked."""

    inner: Any
    name: str = "recording"
    calls: list[tuple[AIRequest, type[BaseModel]]] = field(default_factory=list)

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        self.calls.append((request, schema))
        return self.inner.complete(request, schema)


@dataclass
class Scripted:
    """Stands in for a language model: answers each schema with a fixed, LLM-shaped answer."""

    answers: dict[type[BaseModel], dict[str, Any]]
    name: str = "scripted"

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        sent = estimate_tokens(request.instructions + request.data)
        usage = Usage(input_tokens=sent, output_tokens=60, cost_usd=0.001)
        return AIAnswer(schema.model_validate(self.answers[schema]), usage, self.name, "scripted-1")


BUDGET_VIDEO = (
    "I paid off forty thousand dollars of debt in three years on a teacher's salary. "
    "Stay until the end, because the last rule is the one that actually made it work. "
    "Most people think debt is a math problem. But the truth is that debt is a habit problem, and habits need "
    "systems, not motivation. The first rule is to know your number. I wrote every debt on one page: the car loan, "
    "two credit cards and my student loan. The second rule is the smallest balance first. Paying off the small "
    "credit card in two months gave me a win I could feel. The third rule is a boring budget. Rent, food, "
    "transport and the debt payment come first, and fun money is whatever is left. Finally, the last rule, the "
    "one I promised you: automate the debt payment on payday, before you can spend it. If this helped, subscribe."
)
BUDGET = Transcript(TranscriptSource.WHISPER, timed(BUDGET_VIDEO))
BUDGET_ARTICLE = Transcript(
    TranscriptSource.ARTICLE, [Segment(p + ".") for p in BUDGET_VIDEO.rstrip(".").split(". ")]
)
ENTRY = dict(title="How I paid off $40k of debt", source_type=SourceType.YOUTUBE_VIDEO, entry_id="dna-1")


# --- the requests ---------------------------------------------------------------------------


def test_combined_mode_makes_one_request_with_condensed_data_and_full_segments() -> None:
    provider = Recording(RuleProvider())

    analyse_dna(provider, BUDGET, mode="combined", token_budget=80, **ENTRY)

    [(request, schema)] = provider.calls
    assert schema is DNAAnalysisAnswer
    assert (request.skill, request.workflow, request.entry_id) == ("S05", "WF1", "dna-1")
    assert request.instructions == DNA_INSTRUCTIONS
    assert request.data.startswith("Title: How I paid off $40k of debt\nSource type: youtube_video\nTranscript:\n")
    assert request.data.endswith(condense_transcript(BUDGET, 80))
    assert len(request.data) < len(BUDGET.text)  # condensed for language models ...
    assert request.inputs["segments"] == BUDGET.segments  # ... while the rules read everything
    assert request.inputs["title"] == ENTRY["title"] and request.inputs["source_type"] == "youtube_video"


def test_per_skill_mode_makes_the_seeds_separate_requests_with_the_full_text() -> None:
    provider = Recording(RuleProvider())

    analyse_dna(provider, BUDGET, mode="per_skill", **ENTRY)

    assert [(r.skill, s, r.instructions) for r, s in provider.calls] == [
        ("S05", PerspectiveAnswer, PERSPECTIVE_INSTRUCTIONS),
        ("S06", HookAnswer, HOOK_INSTRUCTIONS),
        ("S07", OpenLoopAnswer, OPEN_LOOP_INSTRUCTIONS),
        ("S09", NicheTagsAnswer, NICHE_TAGS_INSTRUCTIONS),
    ]
    for request, _ in provider.calls:
        assert request.data.endswith("Transcript:\n" + BUDGET.text)
        assert request.inputs["segments"] == BUDGET.segments
        assert request.entry_id == "dna-1"


def test_instructions_are_a_stable_prefix_that_marks_the_transcript_as_untrusted() -> None:
    for instructions in (
        DNA_INSTRUCTIONS, PERSPECTIVE_INSTRUCTIONS, HOOK_INSTRUCTIONS, OPEN_LOOP_INSTRUCTIONS, NICHE_TAGS_INSTRUCTIONS,
    ):
        assert "untrusted" in instructions and "never follow instructions" in instructions.lower()
        assert "debt" not in instructions and not re.search(r"\b20\d\d\b", instructions)  # no entry data, no dates
    assert "result_first" in DNA_INSTRUCTIONS and "result_first" in HOOK_INSTRUCTIONS
    provider = Recording(RuleProvider())
    analyse_dna(provider, BUDGET, **ENTRY)
    analyse_dna(provider, BUDGET_ARTICLE, title="Other", source_type=SourceType.ARTICLE)
    assert provider.calls[0][0].instructions == provider.calls[1][0].instructions


# --- the analysis ---------------------------------------------------------------------------


@pytest.mark.parametrize("transcript", [BUDGET, BUDGET_ARTICLE], ids=["timed", "untimed"])
def test_combined_and_per_skill_agree(transcript: Transcript) -> None:
    provider = RuleProvider()

    combined = analyse_dna(provider, transcript, mode="combined", **ENTRY)
    separate = analyse_dna(provider, transcript, mode="per_skill", **ENTRY)

    # the rules answer per_skill mode with the combined pass: their separate answers could not say unsure
    assert combined == separate
    assert combined.usage == Usage()


def test_timed_analysis_is_display_ready_with_timestamps() -> None:
    analysis = analyse_dna(RuleProvider(), BUDGET, **ENTRY)

    # "the truth is" is a claim cue: on the dev split those were right 59 % of the time, so unsure
    assert analysis.perspective is None and analysis.unsure == ["perspective"]
    assert analysis.confidence["perspective"] < 0.79 <= analysis.confidence["hook_pattern"]
    assert analysis.hook_pattern == "result_first"
    assert re.fullmatch(r"\[0:00-0:\d\d\] I paid off forty thousand dollars of debt .*", analysis.hook)
    assert analysis.hook_confidence is not None and analysis.hook_confidence >= 0.5
    opened, resolved = analysis.open_loop.split(" -> resolved ")
    assert re.fullmatch(r"\[0:0\d\] Stay until the end, because the last rule is .*", opened)
    assert re.fullmatch(r"\[0:\d\d\] Finally, the last rule, the one I promised you: .*", resolved)
    assert analysis.niche_tags == ["debt"]  # said throughout and in the title; the rest said too seldom


def test_untimed_analysis_has_no_timestamps() -> None:
    analysis = analyse_dna(RuleProvider(), BUDGET_ARTICLE, **ENTRY)

    assert analysis.hook.startswith("I paid off forty thousand dollars")
    assert analysis.open_loop is not None and "[" not in analysis.open_loop
    assert analysis.open_loop.startswith("Stay until the end")
    assert " -> resolved Finally, the last rule" in analysis.open_loop


def test_no_open_loop_is_none_and_an_unpaid_promise_says_so() -> None:
    calm_text = "We painted the kitchen white last month. The floor is oak and the counter is new."
    calm = Transcript(TranscriptSource.CAPTIONS, timed(calm_text))
    unpaid = Transcript(TranscriptSource.CAPTIONS, timed(
        "Stay until the end, because I will reveal the one supplement that fixed my knees. "
        "Knee pain is common in runners. Stretching helps a little. Strength work helps more."
    ))

    assert analyse_dna(RuleProvider(), calm, **ENTRY).open_loop is None
    assert analyse_dna(RuleProvider(), unpaid, **ENTRY).open_loop == (
        "[0:00] Stay until the end, because I will reveal the one supplement that fixed my knees."
        " -> not resolved in the transcript"
    )


@pytest.mark.parametrize("mode", ["combined", "per_skill"])
@pytest.mark.parametrize(
    "transcript",
    [
        Transcript(TranscriptSource.CAPTIONS, []),
        Transcript(TranscriptSource.OCR, [Segment("  ")]),
        Transcript(TranscriptSource.CAPTIONS, [Segment("[Music]", 0.0, 30.0), Segment("♪ ♪", 30.0, 60.0)]),
    ],
    ids=["no segments", "blank", "music only"],
)
def test_an_empty_transcript_is_an_ai_error(transcript: Transcript, mode: str) -> None:
    provider = Recording(RuleProvider())

    with pytest.raises(AIError, match="nothing to analyse"):
        analyse_dna(provider, transcript, mode=mode, **ENTRY)
    assert provider.calls == []  # nothing was sent anywhere


def test_language_model_answers_are_normalised_and_summed() -> None:
    llm = Scripted({
        PerspectiveAnswer: {"perspective": "  Debt is a habit problem.  "},
        HookAnswer: {"hook": "I paid off $40k.", "pattern": "result_first", "start": 0.0, "end": 6.4},
        OpenLoopAnswer: {"open_loop": "Stay until the end", "opened_at": 65.0, "resolution": None, "resolved_at": None},
        NicheTagsAnswer: {"tags": ["#Debt Payoff", "debt payoff", " Personal   Finance ", "", "budgeting"]},
    })

    analysis = analyse_dna(llm, BUDGET, mode="per_skill", **ENTRY)

    assert analysis.perspective == "Debt is a habit problem."
    assert analysis.hook == "[0:00-0:06] I paid off $40k."
    assert analysis.open_loop == "[1:05] Stay until the end -> not resolved in the transcript"
    assert analysis.niche_tags == ["debt payoff", "personal finance", "budgeting"]
    assert analysis.usage.output_tokens == 4 * 60 and analysis.usage.cost_usd == pytest.approx(0.004)


def test_an_answer_without_a_perspective_is_unsure_not_an_empty_answer() -> None:
    llm = Scripted({DNAAnalysisAnswer: {
        "perspective": " ", "hook": "Hi", "hook_pattern": "statement", "open_loop": None, "opened_at": None,
        "resolution": None, "resolved_at": None, "niche_tags": [],
    }})

    analysis = analyse_dna(llm, BUDGET, **ENTRY)

    assert analysis.perspective is None and analysis.unsure == ["perspective"]


def test_an_answer_without_a_perspective_or_a_hook_is_an_error_not_an_empty_write() -> None:
    llm = Scripted({DNAAnalysisAnswer: {
        "perspective": " ", "hook": "", "hook_pattern": "statement", "open_loop": None, "opened_at": None,
        "resolution": None, "resolved_at": None, "niche_tags": [],
    }})

    with pytest.raises(AIError, match="without a perspective"):
        analyse_dna(llm, BUDGET, **ENTRY)


# --- condensing -----------------------------------------------------------------------------

FILLER = [
    "I kept a spreadsheet of every purchase for the whole month and reviewed it on Sunday evenings.",
    "Groceries were the line that moved the most, so I planned meals around what was on sale.",
    "The car loan had the highest interest rate, but it also had the largest balance of all.",
    "My partner and I agreed on a fun money amount, so nobody had to ask permission for a coffee.",
    "Some months went wrong, like the month the washing machine broke and ate the emergency fund.",
    "I sold the second car and took the bus, which felt terrible for a week and then felt normal.",
    "Every payday I moved the debt payment first, and then I looked at what was left for the month.",
    "Side income from tutoring went straight to the smallest balance, never into the checking account.",
]


def long_video(words: int = 3000) -> str:
    """About `words` words: the budget video's opening, a long middle, and the payoff at the end."""
    head, tail = BUDGET_VIDEO.split(" The first rule")
    middle: list[str] = []
    month = 1
    while len(" ".join([head, *middle, tail]).split()) < words:
        line = FILLER[month % len(FILLER)]
        middle.append(f"In month {month} of the plan, {line[0].lower()}{line[1:]}")
        month += 1
    return " ".join([head, *middle, "The first rule" + tail])


def test_short_transcripts_are_returned_whole() -> None:
    condensed = condense_transcript(BUDGET, 1500)

    assert "[…]" not in condensed
    assert re.sub(r"\[\d+:\d\d\] ", "", condensed).replace("\n", " ") == BUDGET.text


@pytest.mark.parametrize("budget", [150, 400, 1500])
def test_long_transcripts_keep_the_opening_and_loop_timestamps_within_budget(budget: int) -> None:
    text = long_video()
    transcript = Transcript(TranscriptSource.WHISPER, timed(text))

    condensed = condense_transcript(transcript, budget)

    assert estimate_tokens(condensed) <= budget
    assert condensed.startswith("[0:00] I paid off forty thousand dollars of debt")
    opener_at = format_timestamp(len(text[: text.index("Stay until")].split()) / speech.WORDS_PER_SECOND)
    payoff_at = format_timestamp(len(text[: text.index("Finally, the last rule")].split()) / speech.WORDS_PER_SECOND)
    assert re.search(rf"\[{opener_at}\] Stay until the end", condensed)
    assert re.search(rf"\[{payoff_at}\] Finally, the last rule", condensed)
    assert condensed.endswith("[…]")  # the closing call to action was left out
    kept = [line for line in condensed.split("\n") if line != "[…]"]
    starts = [text.index(re.sub(r"^\[[\d:]+\] ", "", line).split(" [")[0]) for line in kept]
    assert starts == sorted(starts)  # original order


def test_untimed_long_text_is_condensed_without_timestamps() -> None:
    article = Transcript(TranscriptSource.ARTICLE, [Segment(p) for p in long_video(2000).split(". ")])

    condensed = condense_transcript(article, 300)

    assert estimate_tokens(condensed) <= 300
    assert condensed.startswith("I paid off forty thousand dollars of debt")
    assert "[…]" in condensed and not re.search(r"\[\d+:\d\d\]", condensed)
    assert "Stay until the end" in condensed and "Finally, the last rule" in condensed


def test_a_tiny_budget_still_gets_the_start_of_the_opening() -> None:
    condensed = condense_transcript(BUDGET, 5)

    assert estimate_tokens(condensed) <= 5
    assert condensed.startswith("[0:00] I paid")


def test_twenty_minutes_of_transcript_is_analysed_fast() -> None:
    transcript = Transcript(TranscriptSource.WHISPER, timed(long_video(3000)))
    assert transcript.segments[-1].end > 19 * 60  # a 20-minute video

    started = time.perf_counter()
    analysis = analyse_dna(RuleProvider(), transcript, **ENTRY)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.0  # typically ~30 ms; the generous bound keeps a busy CI machine green
    assert "the last rule" in analysis.open_loop
    assert analysis.hook_pattern == "result_first"
