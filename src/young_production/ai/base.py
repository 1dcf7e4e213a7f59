"""The AI provider interface: a request plus a pydantic schema in, a parsed answer and usage out.

Skills build an `AIRequest` and name the answer schema; a provider (rules, Claude,
OpenAI-compatible) returns an `AIAnswer` holding a validated instance of that
schema. Raw SDK types never leave `ai/`.

`instructions` is the stable part of the prompt (cacheable: no timestamps, no
entry data). `data` is scraped, untrusted text: LLM providers fence it and label
it as data. `inputs` carries structured values (e.g. timed transcript segments)
that rule-based providers read directly instead of parsing text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class AIRequest:
    skill: str
    instructions: str
    data: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    workflow: str | None = None
    entry_id: str | None = None
    max_output_tokens: int = 1024


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cost_usd + other.cost_usd,
        )


@dataclass
class AIAnswer(Generic[T]):
    value: T
    usage: Usage
    provider: str
    model: str


@runtime_checkable
class AIProvider(Protocol):
    """Answers a request with an instance of the given schema."""

    name: str

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]: ...
