"""A production draft as page blocks: few blocks, within Notion's limits, readable.

Layout of the "Script" section (the store adds its marked heading):

- one paragraph: format, length, beats, style, provider (and, for the rule provider,
  that its lines come from the references);
- when the originality guard flagged runs: one quote, a bullet per run;
- notes (default style used, a Short over time, ...): one quote;
- toggle headings (heading_3) for Script, Scenes, Titles and thumbnails, YouTube
  metadata and Style rules, each holding one block per beat / scene / option.

Everything past the summary sits one level down, so a rerun deletes only the
section's ~8 top-level blocks before appending again, and a long video with 30 beats
and 30 scenes is still one append (Notion: <= 100 blocks and 1000 elements a
request, 2 nesting levels; text over 2000 characters is split by the store).
"""

from __future__ import annotations

from ...records import Block, bullet, paragraph
from ...store.base import Store
from ...transcript import format_timestamp
from .draft import ProductionDraft
from .outline import PATTERN_NAMES, words_for
from .references import Reference
from .scenes import Scene
from .script import Beat, Script

SECTION = "Script"
MAX_FLAGS_SHOWN = 20  # the longest runs; the rest are counted (every flag is in the JSON)
_ROLE_NAMES = {"hook": "HOOK", "loop": "OPEN LOOP", "beat": "BEAT", "payoff": "PAYOFF", "cta": "CALL TO ACTION"}


def write_draft(store: Store, production_id: str, draft: ProductionDraft) -> None:
    """S03: the draft as the production's marked "Script" section (a rerun replaces it)."""
    store.write_section(production_id, SECTION, draft_blocks(draft))


def draft_blocks(draft: ProductionDraft) -> list[Block]:
    script = draft.script
    blocks = [paragraph(_summary(draft))]
    if draft.flags:
        blocks.append(Block(
            type="quote",
            text=f"Originality: {len(draft.flags)} run(s) of more than {draft.max_run_words} words match a "
                 "reference word for word. Rewrite them in your own words:",
            children=[bullet(f"{f.run_words} words from '{f.title}' ({f.dna_id}): \u201c{f.excerpt}\u201d")
                      for f in draft.flags[:MAX_FLAGS_SHOWN]]
            + ([paragraph(f"... and {len(draft.flags) - MAX_FLAGS_SHOWN} more (all of them in --json)")]
               if len(draft.flags) > MAX_FLAGS_SHOWN else []),
        ))
    if draft.warnings:
        blocks.append(Block(type="quote", text="Notes:\n" + "\n".join(f"- {w}" for w in draft.warnings)))
    if script.kind == "outline":
        blocks.append(_toggle("Outline", [paragraph(_outline_beat(b)) for b in script.beats]))
    else:
        blocks.append(_toggle("Script", [paragraph(_beat_text(b)) for b in script.beats]))
    if draft.scenes is not None:
        blocks.append(_toggle("Scenes", [bullet(_scene_text(s)) for s in draft.scenes.scenes]))
    if draft.packaging is not None:
        options = [bullet(f"Title: {t.text}  ({_origin(t.pattern, t.reference)})") for t in draft.packaging.titles]
        options += [bullet(f"Pattern to try: {line}") for line in draft.packaging.patterns_to_try]
        options += [bullet((f"Thumbnail: \u201c{t.text}\u201d, {t.visual}" if t.text else f"Thumbnail: {t.visual}")
                           + f"  ({_origin(t.pattern, t.reference)})") for t in draft.packaging.thumbnails]
        blocks.append(_toggle("Titles and thumbnails", options))
    if draft.metadata is not None:
        blocks.append(_toggle("YouTube metadata", [
            paragraph("Description:\n" + draft.metadata.description),
            paragraph("Tags: " + (", ".join(draft.metadata.tags) or "(none)")),
        ]))
    origin = "the default style" if script.style.source == "default" else f"the style of {script.style.empire or 'the Empire'}"
    blocks.append(_toggle("Style rules", [paragraph(f"From {origin}:\n" + "\n".join(script.style.explicit()))]))
    return blocks


def _toggle(title: str, children: list[Block]) -> Block:
    return Block(type="heading_3", text=title, children=children)


def _summary(draft: ProductionDraft) -> str:
    script = draft.script
    kind = "Short" if script.format == "short" else "Long video"
    style = "default style" if script.style.source == "default" else f"style of {script.style.empire or 'the Empire'}"
    flags = f"{len(draft.flags)} originality flag(s)" if draft.flags else "no copied runs"
    line = (f"{kind} \u00b7 about {format_timestamp(script.seconds)} \u00b7 {len(script.beats)} beats \u00b7 {style} "
            f"\u00b7 {flags} \u00b7 {script.provider or 'provider'} {script.model}".rstrip())
    if script.kind == "outline":
        target = _target(script)
        line = (f"OUTLINE for a {kind.lower() if script.format == 'video' else kind} of about {format_timestamp(script.seconds)} ({target}) \u00b7 "
                f"{len(script.beats)} beats \u00b7 {style} \u00b7 {flags}\n"
                "This is an outline, not a script: the free rule provider does not write lines in the channel's "
                "voice. Each beat says what to say, for how long, and which reference the move was learned from. "
                "Write the lines from it, or get a full draft from a model"
                + (f": {draft.full_draft}" if draft.full_draft else " (set a provider in config/ai_config.yaml)."))
    return line


def _target(script: Script) -> str:
    if script.format == "short":
        return "{}-{} s".format(*script.style.shorts_seconds)
    return "{}-{} min".format(*script.style.video_minutes)


def _outline_beat(beat: Beat) -> str:
    end = format_timestamp(beat.start + beat.seconds)
    name = PATTERN_NAMES.get(beat.pattern, beat.pattern.replace("_", " "))
    source = f", learned from {beat.reference.label} \u2018{beat.reference.title}\u2019" if beat.reference else ""
    lines = [f"{format_timestamp(beat.start)}-{end} \u00b7 {_ROLE_NAMES[beat.role]} \u00b7 {name}{source} "
             f"(~{beat.seconds:.0f} s, about {words_for(beat.seconds)} words)", beat.text]
    if beat.chapter:
        lines.insert(0, f"Chapter: {beat.chapter}")
    if beat.move:
        lines.append(f"The move: {beat.move}")
    if beat.example:
        lines.append(f"Quoted as an example, not to say: {beat.example}")
    return "\n".join(lines)


def _beat_text(beat: Beat) -> str:
    head = f"{format_timestamp(beat.start)} \u00b7 {_ROLE_NAMES[beat.role]} \u00b7 {_origin(beat.pattern, beat.reference)}"
    if beat.chapter:
        head = f"Chapter: {beat.chapter}\n{head}"
    return f"{head}\n{beat.text}"


def _origin(pattern: str, reference: Reference | None) -> str:
    return f"{pattern}, from {reference.label} '{reference.title}'" if reference else f"{pattern}, no reference"


def _scene_text(scene: Scene) -> str:
    end = format_timestamp(scene.start + scene.seconds)
    beat = f" (beat {scene.beat + 1})" if scene.beat is not None else ""
    lines = [f"Scene {scene.number} \u00b7 {format_timestamp(scene.start)}-{end}{beat}"]
    if scene.narration:  # an outline's scene cards have no lines yet
        lines.append(f"Narration: {scene.narration}")
    if scene.on_screen_text:
        lines.append(f"On screen: {scene.on_screen_text}")
    if scene.b_roll:
        lines.append(f"B-roll: {scene.b_roll}")
    return "\n".join(lines)
