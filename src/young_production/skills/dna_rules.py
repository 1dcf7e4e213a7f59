"""How the rule-based provider answers the WF1 analysis schemas (S05-S07, S09).

Each analysis schema in `skills.ai_analysis` names one of these handlers as its
`answer_by_rules`; the handlers read the full timed segments from
`request.inputs["segments"]` (falling back to `request.data` as untimed text) and the
title from `request.inputs["title"]`, and fill the schema's fields from the text
heuristics in `young_production.text`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..ai.base import AIRequest
from ..errors import AIError
from ..text.hooks import Hook, find_hook
from ..text.keyphrases import niche_tags
from ..text.loops import Loop, best_loop, find_loops
from ..text.perspective import find_perspective
from ..text.sentences import Sentence, split_sentences
from ..transcript import Segment

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
        return find_perspective(self.sentences) or ""

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


def by_rules(handler: Handler) -> Callable[[AIRequest], dict[str, Any]]:
    """An `answer_by_rules` for a schema: the handler applied to the request's material."""

    def answer(request: AIRequest) -> dict[str, Any]:
        return handler(Material.from_request(request))

    return answer
