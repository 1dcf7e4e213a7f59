"""The model tier: one S15 call per production to Claude or an OpenAI-compatible server (loopback
emulators, real SDKs), carrying the production, the style and the references' decoded patterns (never
their transcripts); whatever comes back is checked: banned words, the exact sign-off, sentence length,
the format's length and the originality guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ai.conftest import make_config
from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.ledger import CostLedger
from young_production.ai.router import build_provider
from young_production.records import Production, ViralDNA, body_text
from young_production.skills.scripting.draft import DraftInputs, draft_production
from young_production.skills.scripting.enforce import find_avoided, sentences_of, word_count
from young_production.skills.scripting.references import references_from_dna
from young_production.skills.scripting.render import draft_blocks
from young_production.skills.scripting.style import blocks_from_markdown, parse_style

from .real_references import real_dna
from .test_style import STUDY_STYLE

STYLE = parse_style(blocks_from_markdown(STUDY_STYLE), empire="Study Lab")
SIGN_OFF = "Study smarter, not longer. See you in the next one."
REFERENCES = ["crashcourse-consciousness", "crashcourse-altered-states"]
TRANSCRIPT_LINE = "ride a unicycle across a tightrope while juggling melons"  # in R1's transcript only
# R2's perspective as the model route asserts it once the rules left it unsure (a cascade run); R1's stays unsure
R2_PERSPECTIVE = "Hypnosis is real, but it is focused attention and suggestion, not mind control"


def references() -> list[ViralDNA]:
    """R1 as the rules decode it (perspective unsure, so left empty), R2 with its perspective asserted."""
    first, second = (real_dna(i) for i in REFERENCES)
    assert "perspective" in first.unsure and "perspective" in second.unsure  # what the rules make of both
    asserted = second.model_copy(update={"perspective": R2_PERSPECTIVE,
                                         "unsure": [f for f in second.unsure if f != "perspective"]})
    return [first, asserted]


def part(text: str, reference: str = "none", pattern: str = "example", chapter: str | None = None) -> dict[str, Any]:
    return {"text": text, "reference": reference, "pattern": pattern, "chapter": chapter}


# A Short a model wrote for "Why you can't focus at 2pm": its own words, but a banned word ("hack"), a
# sentence over the style's 14 words and no sign-off, for the checks to fix.
SHORT = {
    "hook": part("Why does your brain quit on you at 2pm, right when the lecture gets good?", "R1", "question"),
    "open_loops": [part("The fix is not more coffee, and I will show you what is.", "R1", "open_loop")],
    "beats": [
        part("First, the afternoon slump is real: your body clock dips after lunch, whatever you ate.", "R1"),
        part("Second, caffeine after noon borrows focus from tonight, and the bill arrives at the next exam.", "R2"),
        part("Third, a short walk outside is the only focus hack that costs nothing.", "none"),
    ],
    "payoff": part("So plan the hard reading for the morning, and save the afternoon for review.", "R1", "payoff"),
    "call_to_action": part("Try it this week.", "none", "call_to_action"),
}


class _Scripted:
    """Emulators whose script answers (S15) are given by the test; every other call is synthesised."""

    answers: list[dict[str, Any]]

    @staticmethod
    def is_script(schema: dict[str, Any]) -> bool:
        return "open_loops" in (schema or {}).get("properties", {})


class ScriptedOpenAI(OpenAIEmulator, _Scripted):
    def __init__(self, answers: list[dict[str, Any]]):
        super().__init__()
        self.answers = list(answers)

    def _complete(self, body: Any) -> tuple[int, Any, dict[str, str]]:
        status, payload, headers = super()._complete(body)
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema")
        if status == 200 and self.answers and self.is_script(schema):
            payload["choices"][0]["message"]["content"] = json.dumps(self.answers.pop(0))
            payload["choices"][0]["finish_reason"] = "stop"
        return status, payload, headers


class ScriptedAnthropic(AnthropicEmulator, _Scripted):
    def __init__(self, answers: list[dict[str, Any]]):
        super().__init__()
        self.answers = list(answers)

    def answer(self, body: Any) -> dict[str, Any]:
        message = super().answer(body)
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
        if self.answers and self.is_script(schema):
            message["content"] = [{"type": "text", "text": json.dumps(self.answers.pop(0))}]
            message["stop_reason"] = "end_turn"
        return message


@pytest.fixture(params=["anthropic", "openai"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def provider_for(kind: str, emulator: Any, tmp_path: Path) -> Any:
    roomy = {skill: {"max_output_tokens": 16000} for skill in ("S19", "S20", "S21")}  # synthesised answers are long
    config = make_config(kind, openai_model="gpt-local-priced", skills=roomy, **{kind: emulator})
    return build_provider(config, ledger=CostLedger(tmp_path / "state"), run_id="run-wf3")


def script_requests(emulator: Any) -> list[dict[str, Any]]:
    if isinstance(emulator, AnthropicEmulator):
        bodies = emulator.message_requests()
        return [b for b in bodies if _Scripted.is_script(b["output_config"]["format"]["schema"])]
    return [b for b in emulator.completion_requests() if _Scripted.is_script(b["response_format"]["json_schema"]["schema"])]


def user_text(body: dict[str, Any]) -> str:
    content = [m["content"] for m in body["messages"] if m["role"] == "user"]
    return "\n".join(c if isinstance(c, str) else "".join(p.get("text", "") for p in c) for c in content)


def draft(kind: str, answer: dict[str, Any], fmt: str, tmp_path: Path, *, notes: str = "afternoon slump, caffeine, sleep"):
    production = Production(id="prod-2pm", title="Why you can't focus at 2pm", format=fmt, notes=notes)
    inputs = DraftInputs(STYLE, references(), niche=["study tips"])
    emulator = ScriptedAnthropic([answer]) if kind == "anthropic" else ScriptedOpenAI([answer])
    with emulator:
        return emulator, draft_production(provider_for(kind, emulator, tmp_path), production, inputs)


def assert_style_holds(made: Any) -> None:
    text = made.script.text
    assert find_avoided(text, STYLE) == []
    assert made.script.beats[-1].text.endswith(SIGN_OFF)  # exactly as written, both sentences
    flagged = " ".join(w for w in made.warnings if "no clean break" in w)
    for beat in made.script.beats[:-1]:
        for sentence in sentences_of(beat.text):
            assert word_count(sentence) <= STYLE.max_sentence_words or sentence in flagged, sentence
    for option in [*made.packaging.titles, *made.packaging.thumbnails]:
        assert find_avoided(f"{option.text} {option.visual or ''}", STYLE) == []
    assert find_avoided(made.metadata.description + " ".join(made.metadata.tags), STYLE) == []


def test_one_call_carries_the_production_style_and_patterns_not_transcripts(kind: str, tmp_path: Path) -> None:
    emulator, made = draft(kind, SHORT, "short", tmp_path)
    [body] = script_requests(emulator)  # one script call per production
    data = user_text(body)
    assert "Production: Why you can't focus at 2pm" in data
    assert "Format: Short (30-60 seconds, 75-150 words)" in data
    assert "Team notes: afternoon slump, caffeine, sleep" in data and "Channel niche: study tips" in data
    for rule in ("Sentences: at most 14 words", "Never say: hack, grind, cram", "Language: no swearing",
                 f"Always end with: {SIGN_OFF}"):
        assert f"- {rule}" in data
    refs, _ = references_from_dna(references())
    for ref in refs:  # each reference's decoded patterns
        pattern = f" ({ref.hook_pattern})" if ref.hook_pattern else ""  # none named when it was unsure
        assert f"{ref.label}: {ref.title}" in data and f"Hook{pattern}: {ref.hook}" in data
        if ref.loop:
            assert f"Open loop: {ref.loop}" in data
    # the asserted perspective is carried; the unsure one is not sent (not even as an empty line)
    assert f"Perspective: {R2_PERSPECTIVE}" in data and data.count("Perspective:") == 1
    assert TRANSCRIPT_LINE not in data  # transcripts are not sent
    assert made.script.provider == kind and made.script.kind == "script" and made.script.usage.cost_usd > 0


def test_the_answer_is_held_to_the_style(kind: str, tmp_path: Path) -> None:
    _, made = draft(kind, SHORT, "short", tmp_path)
    assert_style_holds(made)
    assert "focus trick" in made.script.text  # the banned word rewritten (a neutral swap), not just deleted
    assert made.flags == [] and 30 <= made.script.seconds <= 60
    page = body_text(draft_blocks(made))
    assert page.startswith("Short") and "HOOK" in page and "OUTLINE" not in page


def test_an_answer_that_copies_a_reference_is_flagged(kind: str, tmp_path: Path) -> None:
    copied = ("Consciousness allows us to contemplate life, think about infinity, and ride a unicycle across a "
              "tightrope while juggling melons.")
    copying = {**SHORT, "beats": [*SHORT["beats"][:2], part(copied, "R1")]}
    _, made = draft(kind, copying, "short", tmp_path)
    assert [f.dna_id for f in made.flags] == ["dna-crashcourse-consciousness"]
    assert made.flags[0].run_words > 12 and TRANSCRIPT_LINE in made.flags[0].excerpt
    page = body_text(draft_blocks(made))
    assert "copies 1 run(s) of more than 12 words from its references" in page
    assert "Originality: 1 run(s) of more than 12 words" in page


def test_an_answer_that_ignores_the_length_says_so(kind: str, tmp_path: Path) -> None:
    # a long video answered with about a minute of script
    chaptered = {**SHORT, "beats": [part(b["text"], b["reference"], chapter=f"Part {i}")
                                    for i, b in enumerate(SHORT["beats"], start=1)]}
    emulator, made = draft(kind, chaptered, "video", tmp_path)
    data = user_text(script_requests(emulator)[0])
    assert "Format: long video (9-14 minutes, 1350-2100 words, in chapters)" in data
    assert made.script.seconds < 120
    assert any("under the 9 minutes a long video should run (9-14)" in w for w in made.warnings)
    assert "under the 9 minutes" in body_text(draft_blocks(made))
    # a Short answered with two minutes: body beats dropped to fit, and what is left said
    rambling = {**SHORT, "beats": [part(" ".join([b["text"]] * 4), b["reference"]) for b in SHORT["beats"]]}
    _, short = draft(kind, rambling, "short", tmp_path / "short")
    assert len([b for b in short.script.beats if b.role == "beat"]) < 3
    assert short.script.seconds <= 60 or any("over its 60 s" in w for w in short.warnings)
