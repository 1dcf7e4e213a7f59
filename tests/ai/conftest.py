"""Fixtures for the AI provider tests: emulators on loopback, configs pointing at them, transcripts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.config import AIConfig
from young_production.records import TranscriptSource
from young_production.transcript import Segment, Transcript

HAIKU = "claude-haiku-5-5"
SONNET = "claude-sonnet-5-5"
LOCAL = "llama3.2"
PRICES = {
    HAIKU: {"input": 0.10, "output": 0.50, "cache_write": 0.125, "cache_read": 0.01},
    SONNET: {"input": 2.00, "output": 10.00, "cache_write": 2.50, "cache_read": 0.10},
    LOCAL: {"input": 0.0, "output": 0.0},
    "gpt-local-priced": {"input": 1.0, "output": 2.0},
}


@pytest.fixture
def anthropic_emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator() as emu:
        yield emu


@pytest.fixture
def openai_emu() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator() as emu:
        yield emu


def make_config(
    provider: str = "rules",
    *,
    anthropic: AnthropicEmulator | None = None,
    openai: OpenAIEmulator | None = None,
    openai_model: str = LOCAL,
    limits: dict[str, Any] | None = None,
    skills: dict[str, Any] | None = None,
    max_retries: int = 2,
    thinking: str | int = "off",
) -> AIConfig:
    """An AIConfig whose providers talk to the given emulators.

    Claude's thinking defaults to off, as the shipped config has it for the WF1 skills.
    """
    data: dict[str, Any] = {
        "provider": provider,
        "prices": PRICES,
        "limits": limits or {"per_run_usd": None, "daily_usd": None, "monthly_usd": None},
        "skills": skills or {},
        "anthropic": {"default_model": HAIKU, "max_retries": max_retries, "timeout_sec": 10, "thinking": thinking},
        "openai": {"default_model": openai_model, "max_retries": max_retries, "timeout_sec": 10},
    }
    if anthropic is not None:
        data["anthropic"].update(api_key=anthropic.api_key, base_url=anthropic.base_url)
    if openai is not None:
        data["openai"].update(api_key=openai.api_key or "", base_url=openai.base_url + "/v1")
    return AIConfig.model_validate(data)


def transcript_of(sentences: list[str], seconds_each: float = 4.0) -> Transcript:
    segments = [Segment(text, i * seconds_each, (i + 1) * seconds_each) for i, text in enumerate(sentences)]
    return Transcript(TranscriptSource.CAPTIONS, segments)


MONEY = transcript_of(
    [
        "Most people think saving money is about cutting coffee.",
        "But the truth is that your income matters far more than your expenses.",
        "Stay until the end, because the third habit changed my life.",
        "The first habit is to automate your savings on payday.",
        "The second habit is to negotiate your salary every year.",
        "The third habit is to invest before you spend anything.",
        "That third habit is why I retired at forty.",
    ]
)
FITNESS = transcript_of(
    [
        "Why do you feel tired after every workout?",
        "Here is what nobody tells you about recovery.",
        "Sleep is the most underrated training tool there is.",
        "I will show you the exact routine I use before bed.",
        "Lights off at ten, no screens, and a cool bedroom.",
        "That routine is the routine that doubled my strength gains.",
    ]
)
