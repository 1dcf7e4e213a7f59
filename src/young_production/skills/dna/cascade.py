"""Cascade decoding: the free rules first, a model only for the fields the rules are unsure of.

`analysis: cascade` in config/ai_config.yaml. The rule provider decodes the whole entry and
leaves a field empty when its confidence is below the field's threshold (`text.confidence`).
An entry with any unsure field then goes to the configured model in ONE call, which is asked
only for those fields (its answer schema holds nothing else) and is given the rules' confident
fields as context. An entry the rules are sure of costs nothing.

The same call fills the unsure fields of entries decoded earlier (`yp run wf1 --unsure`),
from the transcript kept on the entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, create_model, field_validator

from ...ai.base import AIAnswer, AIProvider, AIRequest, Usage
from ...config import AIConfig
from ...errors import YPError
from ...records import DECODED_FIELDS, SourceType, TranscriptSource, ViralDNA
from ...text.condense import condense_transcript
from ...transcript import Segment, Transcript
from . import rules as dna_rules
from .decode import (
    _DATA_NOTE,
    _HOOK_PATTERNS,
    _HOOK_TASK,
    _LOOP_TASK,
    _PERSPECTIVE_TASK,
    _ROLE,
    _TAGS_TASK,
    COMBINED_MAX_OUTPUT_TOKENS,
    PAYOFF_UNSURE,
    DNAAnalysis,
    DNAAnalysisAnswer,
    OpenLoopAnswer,
    format_hook,
    format_open_loop,
    normalise_tags,
)

_PAYOFF_TASK = (
    "pay-off: the passage that pays off the open loop given in the context, quoted, with its time in "
    "seconds when timestamps are given; null when the transcript never pays it off."
)
_TASKS = {
    "perspective": _PERSPECTIVE_TASK,
    "hook": "hook span: " + _HOOK_TASK.replace("; its pattern", "").replace("; a confidence from 0 to 1", ""),
    "hook_pattern": "hook pattern: the pattern of the hook given in the context.",
    "open_loop": _LOOP_TASK,
    "payoff": _PAYOFF_TASK,
    "niche_tags": _TAGS_TASK,
}
_CONTEXT_LABELS = {"perspective": "Perspective", "hook": "Hook", "hook_pattern": "Hook pattern",
                   "open_loop": "Open loop", "niche_tags": "Tags"}


def fill_keys(fields: Sequence[str]) -> list[str]:
    """The combined answer's keys a model is asked for, to fill `fields` (in the answer's order)."""
    wanted = {key for name in fields for key in dna_rules.ANSWER_KEYS[name]} - {"hook_confidence"}
    return [key for key in DNAAnalysisAnswer.model_fields if key in wanted]


@lru_cache(maxsize=64)
def fill_schema(fields: tuple[str, ...]) -> type[BaseModel]:
    """The answer schema for a fill: only the keys of the unsure fields, as the combined answer has them."""
    keys = fill_keys(fields)
    model_fields: dict[str, Any] = {
        key: (DNAAnalysisAnswer.model_fields[key].annotation, DNAAnalysisAnswer.model_fields[key]) for key in keys
    }
    validators = {}
    if "niche_tags" in keys:
        validators["_normalise"] = field_validator("niche_tags")(lambda cls, tags: normalise_tags(tags))
    return create_model("DNAFill_" + "_".join(fields), __validators__=validators, **model_fields)


def fill_instructions(fields: Sequence[str]) -> str:
    """Stable per set of fields (cacheable): the role, the data note and only the asked tasks."""
    tasks = "\n".join(f"- {_TASKS[name]}" for name in fields)
    parts = [_ROLE, _DATA_NOTE,
             "A rule-based decoder already found the fields listed under 'Already decoded' (context: do not "
             "repeat them). Find only:\n" + tasks]
    if "hook_pattern" in fields:
        parts.append(_HOOK_PATTERNS)
    return "\n\n".join(parts)


def fill_request(
    transcript: Transcript,
    fields: Sequence[str],
    known: Mapping[str, Any],
    *,
    title: str,
    source_type: SourceType,
    token_budget: int,
    workflow: str = "WF1",
    entry_id: str | None = None,
) -> AIRequest:
    """The one call that asks a model for `fields` only, with the confident fields in `known` as context."""
    context = [f"{_CONTEXT_LABELS[name]}: {_shown(known[name])}" for name in _CONTEXT_LABELS
               if name not in fields and known.get(name)]
    body = condense_transcript(transcript, token_budget)
    source = SourceType(source_type).value
    data = (f"Title: {title}\nSource type: {source}\nAlready decoded:\n" + ("\n".join(context) or "(nothing)")
            + f"\nTranscript:\n{body}")
    return AIRequest("S05", fill_instructions(fields), data, {"title": title, "source_type": source}, workflow,
                     entry_id, COMBINED_MAX_OUTPUT_TOKENS)


def _shown(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def planned_fill(token_budget: int, fields: Sequence[str] = DECODED_FIELDS) -> tuple[AIRequest, type[BaseModel]]:
    """A fill request for a transcript of `token_budget` tokens, to estimate its cost before a run."""
    data = "x" * (token_budget * 4)
    return (AIRequest("S05", fill_instructions(fields), data, max_output_tokens=COMBINED_MAX_OUTPUT_TOKENS),
            fill_schema(tuple(fields)))


def cascade(
    rules: DNAAnalysis,
    model: AIProvider,
    transcript: Transcript,
    *,
    title: str,
    source_type: SourceType,
    token_budget: int,
    workflow: str = "WF1",
    entry_id: str | None = None,
) -> DNAAnalysis:
    """The rules' analysis with its unsure fields asked of `model` (no call when there are none)."""
    if not rules.unsure:
        return rules
    request = unsure_request(rules, transcript, title=title, source_type=source_type, token_budget=token_budget,
                             workflow=workflow, entry_id=entry_id)
    answer = model.complete(request, fill_schema(tuple(rules.unsure)))
    return merged(rules, answer)


def unsure_request(rules: DNAAnalysis, transcript: Transcript, **common: Any) -> AIRequest:
    """The request for `rules.unsure`, with the rules' other fields as context (`fill_request`'s keywords)."""
    known = {"perspective": rules.perspective, "hook": rules.hook, "hook_pattern": rules.hook_pattern,
             "open_loop": rules.open_loop, "niche_tags": rules.niche_tags}
    return fill_request(transcript, rules.unsure, known, **common)


def merged(rules: DNAAnalysis, answer: AIAnswer[Any]) -> DNAAnalysis:
    """The rules' fields plus the model's answer to the unsure ones; what it left empty stays unsure.

    Only the fields the answer was asked for (its schema's keys) can be filled: a field that became
    unsure after the question was sent stays unsure."""
    got = answer.value.model_dump()
    values: dict[str, Any] = {}
    if "perspective" in rules.unsure and (got.get("perspective") or "").strip():
        values["perspective"] = got["perspective"].strip()
    if "hook" in rules.unsure and (got.get("hook") or "").strip():
        values["hook"] = format_hook(got["hook"], got.get("hook_start"), got.get("hook_end"))
    if "hook_pattern" in rules.unsure and got.get("hook_pattern"):
        values["hook_pattern"] = got["hook_pattern"].value
    if "open_loop" in rules.unsure and "open_loop" in got:
        loop = OpenLoopAnswer(open_loop=got.get("open_loop"), opened_at=got.get("opened_at"),
                              resolution=got.get("resolution"), resolved_at=got.get("resolved_at"))
        values["open_loop"] = format_open_loop(loop)
        values["payoff"] = True
    elif "payoff" in rules.unsure and rules.open_loop and "resolution" in got:
        values["open_loop"] = with_payoff(rules.open_loop, got.get("resolution"), got.get("resolved_at"))
        values["payoff"] = True
    if "niche_tags" in rules.unsure and got.get("niche_tags"):
        values["niche_tags"] = got["niche_tags"]
    filled = [name for name in rules.unsure if name in values]
    values.pop("payoff", None)
    return replace(
        rules,
        **values,
        usage=rules.usage + answer.usage,
        unsure=[name for name in rules.unsure if name not in filled],
        confidence={k: v for k, v in rules.confidence.items() if k not in filled},
    )


def with_payoff(open_loop: str, resolution: str | None, resolved_at: float | None) -> str:
    """A stored open loop whose pay-off was unsure, with the pay-off a model found (or none)."""
    opened = open_loop.removesuffix(f" -> {PAYOFF_UNSURE}")
    loop = OpenLoopAnswer(open_loop=opened, opened_at=None, resolution=resolution, resolved_at=resolved_at)
    return format_open_loop(loop) or opened


# ---- already-decoded entries (`yp run wf1 --unsure`) ------------------------------------------


def analysis_from_dict(data: Mapping[str, Any]) -> DNAAnalysis:
    """An analysis as a checkpoint keeps it (`asdict`), back as the dataclass."""
    return DNAAnalysis(**{**data, "usage": Usage(**data["usage"])})


def analysis_of_entry(entry: ViralDNA) -> DNAAnalysis:
    """What an encoded entry holds, as an analysis whose unsure fields a model can fill."""
    return DNAAnalysis(
        perspective=entry.perspective, hook=entry.hook, hook_pattern=entry.hook_pattern,
        open_loop=entry.open_loop, niche_tags=list(entry.niche_tags), usage=Usage(),
        confidence=dict(entry.confidence), unsure=still_unsure(entry),
    )


def still_unsure(entry: ViralDNA) -> list[str]:
    """The entry's unsure fields that nobody has filled in since: a field a person wrote (on Notion,
    say) while it was listed as unsure is theirs, and no model answer replaces it."""
    filled = {name for name in ("perspective", "hook", "hook_pattern", "open_loop") if getattr(entry, name)}
    if entry.open_loop and not entry.open_loop.endswith(f" -> {PAYOFF_UNSURE}"):
        filled.add("payoff")
    return [f for f in DECODED_FIELDS if f in entry.unsure and f not in filled]


def stored_transcript(entry: ViralDNA) -> Transcript:
    """The transcript kept on the entry (its text, one segment a line; times are not kept)."""
    lines = [line.strip() for line in (entry.transcript or "").splitlines() if line.strip()]
    return Transcript(entry.transcript_source or TranscriptSource.DESCRIPTION, [Segment(line) for line in lines])


def unsure_changes(before: DNAAnalysis, after: DNAAnalysis) -> dict[str, Any]:
    """The update that writes a fill back: the filled fields, what is still unsure, needs_review."""
    changes: dict[str, Any] = {name: getattr(after, name) for name in ("perspective", "hook", "hook_pattern", "open_loop")
                               if getattr(after, name) != getattr(before, name)}
    if after.niche_tags != before.niche_tags:  # the tags a person gave the entry stay first
        changes["niche_tags"] = list(dict.fromkeys([*before.niche_tags, *after.niche_tags]))
    changes.update(unsure=after.unsure, needs_review=bool(after.unsure), confidence=after.confidence)
    return changes


# ---- what `dna show`, the demo and dry runs offer for unsure fields ----------------------------


@dataclass(frozen=True)
class Offer:
    """Who would decide some unsure fields and at most what it costs (None: no price configured)."""

    who: str  # "anthropic (claude-haiku-5-5)"
    usd: float | None

    def __str__(self) -> str:
        if self.usd is None:
            return f"{self.who}, cost unknown (no price for its model in config/ai_config.yaml)"
        return f"{self.who}, at most ${self.usd:.4f}"


def model_offer(ai: AIConfig, fields: Sequence[str], override: str | None = None) -> Offer:
    """The model a workspace would ask for `fields`, and the most one call costs.

    With the rules configured, the offer names Claude, the provider a workspace adds first."""
    from ...ai.router import ProviderPlan, estimate_cost

    route = ProviderPlan(ai, override).route("S05")
    provider = route.provider if route.provider != "rules" else "anthropic"
    route = ProviderPlan(ai, provider).route("S05")
    who = provider + (f" ({route.model})" if route.model else "")
    try:
        return Offer(who, estimate_cost(ai, [planned_fill(ai.condense_token_budget, fields)], override=provider).usd)
    except YPError:  # no price for that model in ai_config.yaml
        return Offer(who, None)


def fill_offer(ai: AIConfig, entries: Sequence[ViralDNA], override: str | None = None) -> str:
    """What `yp run wf1 --unsure` would send: "2 entries, 3 unsure fields to anthropic (...), at most $X"."""
    waiting = [e for e in entries if e.needs_review and e.unsure]
    if not waiting:
        return "no entry has unsure fields"
    offers = [model_offer(ai, e.unsure, override) for e in waiting]
    fields = sum(len(e.unsure) for e in waiting)
    costs = [o.usd for o in offers]
    total = Offer(offers[0].who, None if None in costs else sum(c for c in costs if c is not None))
    return f"{len(waiting)} entries, {fields} unsure fields to {total}"
