"""Answers paid calls bought, kept under a key that a replay of the same work finds again.

A durable step that makes paid calls can be cut short after a call was answered and
before the step's own result was checkpointed (Ctrl-C, kill -9, a worker lost): the
step runs again from its start. So each paid call is given a key when it is made:
the step execution it belongs to (`answer_scope`, opened by the engine around every
step: the entry's durable workflow, without its attempt number, the step's position
and name), the skill, and how many calls of that skill the step made before it. The
replay makes the same calls in the same order, gets the same keys, and the metered
provider returns the kept answer instead of sending the request again (see
`metered.py`; the answers live in the cost ledger).

A call made outside any step (a library user calling a provider directly) has no
key: it is booked and recorded like any other, but nothing can replay it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .base import AIRequest, Usage


@dataclass(frozen=True)
class StoredAnswer:
    """The answer a paid call bought, as kept under its call key (`value` is the schema's JSON)."""

    provider: str
    model: str
    value: dict[str, Any]
    usage: Usage

    def to_json(self) -> str:
        return json.dumps({"value": self.value, "usage": self.usage.__dict__}, sort_keys=True)

    @classmethod
    def from_row(cls, provider: str, model: str, text: str) -> StoredAnswer:
        data = json.loads(text)
        return cls(provider, model, data["value"], Usage(**data["usage"]))


class _Scope:
    """One execution of a step: its name and how many calls of each skill it has made."""

    def __init__(self, name: str):
        self.name = name
        self._made: dict[str, int] = {}
        self._lock = threading.Lock()

    def next_key(self, skill: str, digest: str) -> str:
        with self._lock:
            number = self._made.get(skill, 0)
            self._made[skill] = number + 1
        return f"{self.name}|{skill}|{number}|{digest}"


_scope: ContextVar[_Scope | None] = ContextVar("yp_answer_scope", default=None)


@contextmanager
def answer_scope(name: str | None) -> Iterator[None]:
    """Key the paid calls made inside this block (one execution of a durable step) under `name`."""
    token = _scope.set(_Scope(name) if name else None)
    try:
        yield
    finally:
        _scope.reset(token)


def next_call_key(request: AIRequest, model: str, schema: type[BaseModel]) -> str | None:
    """The key of the call about to be made, or None outside any step."""
    scope = _scope.get()
    if scope is None:
        return None
    asked = [model, request.skill, request.instructions, request.data, request.max_output_tokens, schema.__name__]
    digest = hashlib.sha256(json.dumps(asked).encode()).hexdigest()[:16]
    return scope.next_key(request.skill, digest)
