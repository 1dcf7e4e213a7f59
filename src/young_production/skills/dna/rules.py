"""How the rule-based provider answers the WF1 analysis schemas (S05-S07, S09).

Each analysis schema in `skills.dna.decode` names one of these handlers as its
`answer_by_rules`; the handlers read the full timed segments from
`request.inputs["segments"]` (falling back to `request.data` as untimed text) and the
title from `request.inputs["title"]`, and fill the schema's fields from the text
heuristics in `young_production.text`.

The combined answer (`_dna`) also says how sure the rules are of each field
(`text.confidence`): a field below its threshold is left empty and listed as unsure,
never filled with a fallback guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ...ai.base import AIRequest
from ...errors import AIError
from ...records import DECODED_FIELDS
from ...text import confidence as sure
from ...text.hooks import Hook, find_hook, host_introduction, intro_length, opening, pattern_evidence
from ...text.keyphrases import TagSupport, niche_tags, tag_support
from ...text.loops import Loop, best_loop, find_loops
from ...text.perspective import best_sentence, claim_cue, find_perspective, score_margin
from ...text.sentences import Sentence, split_sentences
from ...transcript import Segment

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

    @cached_property
    def tag_support(self) -> list[TagSupport]:
        return tag_support(self.sentences, self.title)

    @cached_property
    def judged(self) -> dict[str, sure.Judged]:
        """Each decoded field's evidence band and confidence (see `text.confidence`)."""
        chosen = best_sentence(self.sentences)
        cue = claim_cue(chosen) if chosen else None
        n = len(self.sentences)
        return {
            "perspective": sure.judge("perspective", sure.perspective_band(cue, score_margin(self.sentences))),
            "hook": sure.judge("hook", sure.hook_band(intro_length(self.sentences),
                                                      host_introduction(self.sentences))),
            "hook_pattern": sure.judge("hook_pattern",
                                       sure.pattern_band(pattern_evidence(opening(self.sentences, self.title)))),
            "open_loop": sure.judge("open_loop", sure.loop_band(self.loop, n)),
            "payoff": sure.judge("payoff", sure.payoff_band(self.loop, n)),
        }


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
    """Every field the rules are sure of; the others empty and named in `unsure`."""
    answer = decode_everything(m)
    for name in answer["unsure"]:
        for key in ANSWER_KEYS[name]:
            answer[key] = [] if key == "niche_tags" else None
    return answer


def decode_everything(m: Material) -> dict[str, Any]:
    """The combined answer with every field filled, sure or not, and which ones are unsure.

    Never stored: `_dna` empties the unsure fields. The decoding benchmark reads it to put the
    accuracy of asserted answers beside the accuracy of answering everything."""
    hook, loop = _hook(m), _open_loop(m)
    confidence = {name: judged.confidence for name, judged in m.judged.items()}
    unsure = [name for name, c in confidence.items() if c < sure.THRESHOLDS[name]]
    if "open_loop" in unsure and "payoff" not in unsure:  # no loop asserted: nothing to pay off
        unsure.append("payoff")
    if "hook" in unsure and "hook_pattern" not in unsure:  # the pattern of an opening that may be no hook
        unsure.append("hook_pattern")
    tags = sure.confident_tags(m.tag_support)
    confidence["niche_tags"] = max((c for _, c in tags), default=max(
        (sure.tag_confidence(s) for s in m.tag_support), default=0.0))
    confidence.update({f"tag:{tag}": c for tag, c in tags})
    if not tags:
        unsure.append("niche_tags")
    answer = {
        "perspective": m.perspective,
        "hook": hook["hook"],
        "hook_pattern": hook["pattern"],
        "hook_start": hook["start"],
        "hook_end": hook["end"],
        "hook_confidence": confidence["hook_pattern"],
        **loop,
        "niche_tags": [tag for tag, _ in tags] or m.tags,
        "confidence": confidence,
        "unsure": [name for name in DECODED_FIELDS if name in unsure],
    }
    return answer


ANSWER_KEYS: dict[str, tuple[str, ...]] = {
    "perspective": ("perspective",),
    "hook": ("hook", "hook_start", "hook_end"),
    "hook_pattern": ("hook_pattern", "hook_confidence"),
    "open_loop": ("open_loop", "opened_at", "resolution", "resolved_at"),
    "payoff": ("resolution", "resolved_at"),
    "niche_tags": ("niche_tags",),
}
"""The combined answer's keys that hold each decoded field (emptied when it is unsure)."""


def by_rules(handler: Handler) -> Callable[[AIRequest], dict[str, Any]]:
    """An `answer_by_rules` for a schema: the handler applied to the request's material."""

    def answer(request: AIRequest) -> dict[str, Any]:
        return handler(Material.from_request(request))

    return answer
