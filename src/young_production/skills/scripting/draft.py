"""One production's draft: S14 style, S15 script, the originality guard, then S19-S21.

`draft_production` does all the thinking and writes nothing, so a failure anywhere (a
DNA entry not encoded, an answer that breaks its schema) leaves the page as it was;
`render.write_draft` then writes the whole draft as one marked section that a rerun
replaces. WF3 calls `load_inputs`, `draft_production` and `render.write_draft` per production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ...ai.base import AIProvider, AIRequest, Usage
from ...errors import NotFound
from ...records import Empire, Production, VideoFormat, ViralDNA
from ...store.base import Store
from . import metadata as s21
from . import packaging as s20
from . import scenes as s19
from .metadata import Metadata, youtube_metadata
from .originality import DEFAULT_MAX_RUN_WORDS, Flag, check_originality
from .outline import build_outline
from .packaging import Packaging, package
from .references import references_from_dna
from .scenes import Scenes, break_into_scenes, scene_cards
from .script import MAX_BEATS, Script, ScriptAnswer, generate_script, max_output_tokens, script_request
from .style import StyleRules, style_for_empire


@dataclass(frozen=True)
class DraftOptions:
    """Which production skills run after the script, and the originality limit."""

    scenes: bool = True  # S19
    packaging: bool = True  # S20
    metadata: bool = True  # S21
    max_run_words: int = DEFAULT_MAX_RUN_WORDS

    def __post_init__(self) -> None:
        for name in ("scenes", "packaging", "metadata"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"DraftOptions.{name} must be true or false")
        if self.max_run_words < 1:
            raise ValueError("max_run_words must be at least 1")


@dataclass
class DraftInputs:
    style: StyleRules
    dnas: list[ViralDNA]
    warnings: list[str] = field(default_factory=list)
    niche: list[str] = field(default_factory=list)  # the Empire's niche tags


@dataclass
class ProductionDraft:
    production_id: str | None
    script: Script
    flags: list[Flag]
    max_run_words: int
    scenes: Scenes | None = None
    packaging: Packaging | None = None
    metadata: Metadata | None = None
    warnings: list[str] = field(default_factory=list)
    full_draft: str | None = None  # outlines: how to get a full script from a model, and what it costs

    @property
    def usage(self) -> Usage:
        total = self.script.usage
        for part in (self.scenes, self.packaging, self.metadata):
            if part is not None:
                total = total + part.usage
        return total

    def to_dict(self) -> dict[str, Any]:
        """Everything the page shows, JSON-able (for `--json`)."""
        usage = self.usage
        return {
            "production_id": self.production_id,
            "script": self.script.to_dict(),
            "originality": {"max_run_words": self.max_run_words, "flags": [f.to_dict() for f in self.flags]},
            "scenes": self.scenes.to_dict() if self.scenes else None,
            "packaging": self.packaging.to_dict() if self.packaging else None,
            "metadata": self.metadata.to_dict() if self.metadata else None,
            "warnings": list(self.warnings),
            "full_draft": self.full_draft,
            "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
                      "cache_read_tokens": usage.cache_read_tokens, "cache_write_tokens": usage.cache_write_tokens,
                      "cost_usd": round(usage.cost_usd, 6)},
        }


def load_inputs(store: Store, production: Production) -> DraftInputs:
    """S01 + S14: the style of the production's (first) Empire and its linked DNA, in link order.

    A link to a page that is gone is left out with a warning; a second Empire is noted.
    """
    warnings: list[str] = []
    empire = None
    if production.empire_ids:
        try:
            empire = store.get(Empire, production.empire_ids[0])
        except NotFound:
            warnings.append("the linked Empire is gone: the default style was used")
        if len(production.empire_ids) > 1 and empire is not None:
            warnings.append(f"linked to {len(production.empire_ids)} Empires: the style of '{empire.name}' was used")
    dnas = []
    for dna_id in dict.fromkeys(production.dna_ids):
        try:
            dnas.append(store.get(ViralDNA, dna_id))
        except NotFound:
            warnings.append(f"linked Viral DNA {dna_id} is gone: left out")
    niche = list(empire.niche_tags) if empire is not None else []
    return DraftInputs(style_for_empire(store, empire), dnas, warnings, niche)


def writes_outline(provider: AIProvider) -> bool:
    """Whether S15 is answered by the rule provider, which outlines instead of writing lines."""
    route = getattr(provider, "provider_for", None)
    return getattr(route("S15") if route else provider, "name", "") == "rules"


def draft_production(
    provider: AIProvider,
    production: Production,
    inputs: DraftInputs,
    options: DraftOptions = DraftOptions(),
    *,
    workflow: str = "WF3",
    full_draft: str | None = None,
) -> ProductionDraft:
    """The script (an outline on the rule provider) and, as switched on, scenes, packaging and
    metadata; writes nothing. `full_draft` says on an outline how to get a full script."""
    references, warnings = references_from_dna(inputs.dnas)
    outline = writes_outline(provider)
    if outline:
        script = build_outline(production, references, inputs.style, inputs.niche)
    else:
        script = generate_script(provider, production, references, inputs.style, workflow=workflow,
                                 niche=inputs.niche)
    sources = [(r.dna_id, r.title, r.transcript) for r in references]
    flags = check_originality(script.text, sources, options.max_run_words)
    if flags and not outline:
        warnings.append(f"the {script.provider or 'model'} script copies {len(flags)} run(s) of more than "
                        f"{options.max_run_words} words from its references: rewrite the lines flagged below")
    draft = ProductionDraft(production.id, script, flags, options.max_run_words,
                            warnings=[*inputs.warnings, *inputs.style.warnings, *warnings, *script.warnings],
                            full_draft=full_draft if outline else None)
    common: dict[str, Any] = {"entry_id": production.id, "workflow": workflow}
    if options.scenes:
        draft.scenes = scene_cards(script) if outline else break_into_scenes(provider, script, **common)
        draft.warnings += draft.scenes.warnings
    if options.packaging:
        draft.packaging = package(provider, script, **common)
    if options.metadata:
        draft.metadata = youtube_metadata(provider, script, **common)
        draft.warnings += draft.metadata.warnings
    return draft



def planned_requests(
    production: Production, inputs: DraftInputs, options: DraftOptions = DraftOptions(), *, workflow: str = "WF3"
) -> list[tuple[AIRequest, type[BaseModel]]]:
    """The requests `draft_production` would send, for `estimate_cost` (`--dry-run`).

    S15's is exact; S19-S21 read the script, which does not exist yet, so they are priced
    on a stand-in as long as the longest script S15 may write.
    """
    references, _ = references_from_dna(inputs.dnas)
    fmt = VideoFormat(production.format).value
    calls: list[tuple[AIRequest, type[BaseModel]]] = [
        (script_request(production, references, inputs.style, workflow=workflow, niche=inputs.niche), ScriptAnswer)]
    longest = max_output_tokens(fmt, inputs.style)
    stand_in = "x" * (longest * 4)
    words = longest * 3 // 4
    planned = ((options.scenes, "S19", s19.INSTRUCTIONS, s19.ScenesAnswer, s19.output_tokens(MAX_BEATS, words)),
               (options.packaging, "S20", s20.INSTRUCTIONS, s20.PackagingAnswer, 900),
               (options.metadata, "S21", s21.INSTRUCTIONS, s21.MetadataAnswer, 900))
    for wanted, skill, instructions, schema, tokens in planned:
        if wanted:
            calls.append((AIRequest(skill, instructions, stand_in, workflow=workflow, entry_id=production.id,
                                    max_output_tokens=tokens), schema))
    return calls
