"""The rule-based AI provider: answers the analysis schemas offline, deterministically, for free.

It reads the full timed segments from `request.inputs["segments"]` (falling back
to `request.data` as untimed text) and the title from `request.inputs["title"]`,
then dispatches on the answer schema class: each schema it knows has a handler
that fills the schema's fields from the heuristics in this package. A schema it
does not know is an `AIError`, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from ...errors import AIError
from ...transcript import Segment
from ..base import AIAnswer, AIRequest, T, Usage
from .hooks import Hook, find_hook
from .keyphrases import niche_tags
from .loops import Loop, best_loop, find_loops
from .perspective import find_perspective
from .text import Sentence, split_sentences

MODEL = "rules-v1"

Handler = Callable[["Material"], dict[str, Any]]


@dataclass
class Material:
    """What the rules read from a request; each analysis is computed at most once."""

    title: str
    sentences: tuple[Sentence, ...]

    @classmethod
    def from_request(cls, request: AIRequest) -> Material:
        segments = request.inputs.get("segments")
        if not segments and request.data.strip():
            segments = [Segment(text=request.data)]
        sentences = split_sentences(list(segments or []))
        if not sentences:
            raise AIError(f"nothing to analyse: the {request.skill} request carries no transcript text")
        return cls(title=str(request.inputs.get("title") or ""), sentences=sentences)

    @cached_property
    def perspective(self) -> str:
        return find_perspective(self.sentences, self.title) or ""

    @cached_property
    def hook(self) -> Hook:
        hook = find_hook(self.sentences, self.title)
        if hook is None:
            raise AIError("nothing to analyse: the transcript has no opening")
        return hook

    @cached_property
    def loop(self) -> Loop | None:
        return best_loop(find_loops(self.sentences), len(self.sentences))

    @cached_property
    def tags(self) -> list[str]:
        return niche_tags(self.sentences, self.title)


def _perspective(m: Material) -> dict[str, Any]:
    return {"perspective": m.perspective}


def _hook(m: Material) -> dict[str, Any]:
    h = m.hook
    return {"hook": h.text, "pattern": h.pattern, "start": h.start, "end": h.end, "confidence": h.confidence}


def _open_loop(m: Material) -> dict[str, Any]:
    loop = m.loop
    if loop is None:
        return {"open_loop": None, "opened_at": None, "resolution": None, "resolved_at": None}
    return {
        "open_loop": loop.text,
        "opened_at": loop.opened_at,
        "resolution": loop.resolution_text,
        "resolved_at": loop.resolved_at,
    }


def _niche_tags(m: Material) -> dict[str, Any]:
    return {"tags": m.tags}


def _dna(m: Material) -> dict[str, Any]:
    hook, loop = _hook(m), _open_loop(m)
    return {
        "perspective": m.perspective,
        "hook": hook["hook"],
        "hook_pattern": hook["pattern"],
        "hook_start": hook["start"],
        "hook_end": hook["end"],
        "hook_confidence": hook["confidence"],
        **loop,
        "niche_tags": m.tags,
    }


def default_handlers() -> dict[type[BaseModel], Handler]:
    """The schemas the rules answer. Imported on call: skills.ai_analysis itself uses these heuristics."""
    from ...skills import ai_analysis as schemas

    return {
        schemas.PerspectiveAnswer: _perspective,
        schemas.HookAnswer: _hook,
        schemas.OpenLoopAnswer: _open_loop,
        schemas.NicheTagsAnswer: _niche_tags,
        schemas.DNAAnalysisAnswer: _dna,
    }


class RuleProvider:
    """Zero-cost, offline provider for the analysis skills (S05-S07, S09)."""

    name = "rules"

    def __init__(self) -> None:
        self._handlers = default_handlers()

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        handler = next((self._handlers[c] for c in schema.__mro__ if c in self._handlers), None)
        if handler is None:
            known = ", ".join(s.__name__ for s in self._handlers)
            raise AIError(f"the rule provider cannot answer {schema.__name__} (it answers {known})")
        fields = handler(Material.from_request(request))
        try:
            value = schema.model_validate(fields)
        except ValidationError as exc:  # a schema subclass that adds required fields
            reason = exc.errors()[0]["msg"]
            raise AIError(f"the rule provider's answer does not fit {schema.__name__}: {reason}") from None
        return AIAnswer(value=value, usage=Usage(), provider=self.name, model=MODEL)
