"""What `show` commands print: the record's properties first, in words, then its page or transcript.

A Viral DNA entry shows what was decoded (perspective, hook, open loop) before its
transcript, which is cut to a few lines unless asked for. A production shows a compact
header (short id, status, format, Empire, linked references) and then its page, the
blocks written by WF3, rendered as Markdown sections: nothing is cut off at any width.
Every value is untrusted and goes through `visible()`; the page's text is escaped
for Markdown, so a `*` or `[link](x)` in a note is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from ..records import Block, Empire, Production, ViralDNA
from ..store.resolve import short_id
from .sanitise import visible

TRANSCRIPT_LINES = 6
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=\"'&:])")


def fields_grid(rows: Iterable[tuple[str, object]]) -> Table:
    """Label / value lines; empty values are left out; values wrap under themselves."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value is None or value == "" or value == [] or value is False:
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        grid.add_row(label, value if isinstance(value, Text) else Text(visible(value)))
    return grid


def heading(title: str, facts: Sequence[object]) -> Group:
    """The record's title in bold, then one dim line of short facts ("id 1a2b3c4d · Encoded · ...")."""
    line = " · ".join(visible(f) for f in facts if f not in (None, ""))
    return Group(Text(visible(title) or "(untitled)", style="bold"), Text(line, style="dim"))


def _confidence(confidence: dict[str, float]) -> Text | None:
    """The rules' confidence per field, with what it is measured on: held-out material showed it
    optimistic (docs/rules.md, held-out sets B and C), so it is not shown as a probability of being right."""
    if not confidence:
        return None
    shown = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in sorted(confidence.items()))
    return Text.assemble(visible(shown), ("\n(the rules' own estimate, measured on the material they were tuned on; "
                                          "on new channels they are right less often)", "dim"))


def dna_view(entry: ViralDNA, console: Console, *, whole_transcript: bool = False,
             unsure_offer: str | None = None) -> RenderableType:
    """`unsure_offer` stands in for each field the decoder left unsure ("unsure (ask a model: ...)")."""
    facts = [f"id {short_id(entry.id)}", entry.source_type.value if entry.source_type else None, entry.status.value,
             _count(entry.views, "views"), _duration(entry.duration_seconds)]
    hook = None
    if entry.hook:
        pattern = f"({entry.hook_pattern.replace('_', ' ')}) " if entry.hook_pattern else ""
        hook = Text.assemble((pattern, "cyan"), visible(entry.hook))
    unsure = {name: unsure_offer for name in entry.unsure} if unsure_offer else {}
    decoded = fields_grid([
        ("Perspective", entry.perspective or unsure.get("perspective")),
        ("Hook", hook or unsure.get("hook")),
        ("Hook pattern", None if entry.hook_pattern else unsure.get("hook_pattern")),
        ("Open loop", entry.open_loop or unsure.get("open_loop")),
        ("Tags", None if entry.niche_tags else unsure.get("niche_tags")),
        ("Unsure", [field.replace("_", " ") for field in entry.unsure]),
        ("Confidence", _confidence(entry.confidence)),
        ("Needs review", "yes: check the fields above" if entry.needs_review else None),
        ("Failed", entry.error_reason),
    ])
    about = fields_grid([
        ("Source", entry.url),
        ("Tags", entry.niche_tags),
        ("Empires", [short_id(i) for i in entry.empire_ids]),
        ("Decoded", _when(entry.processed_at)),
    ])
    parts: list[RenderableType] = [heading(entry.title or entry.url or "", facts), Text(), decoded, Text(), about]
    if not (entry.perspective or entry.hook or entry.open_loop or entry.error_reason or entry.unsure):
        parts[2] = Text("not decoded yet: `yp run wf1`", style="yellow")
    parts += [Text(), *transcript_part(entry, console, whole_transcript)]
    return Group(*parts)


def transcript_part(entry: ViralDNA, console: Console, whole: bool) -> list[RenderableType]:
    """The transcript under a heading; a few lines at the console's width unless `whole`."""
    if not entry.transcript:
        return [Text("No transcript yet.", style="dim")]
    source = entry.transcript_source.value if entry.transcript_source else "unknown source"
    lines = Text(visible(entry.transcript)).wrap(console, max(20, console.width - 2))
    label = f"Transcript ({source}, {len(entry.transcript.split())} words)"
    if whole or len(lines) <= TRANSCRIPT_LINES:
        return [Text(label, style="bold"), Text(visible(entry.transcript))]
    shown = Text("\n").join(list(lines)[:TRANSCRIPT_LINES])
    return [Text(label, style="bold"), shown,
            Text(f"… {len(lines) - TRANSCRIPT_LINES} more lines: add --transcript to see all", style="dim")]


def production_view(production: Production, empires: dict[str, str], linked: Sequence[tuple[str, str | None]],
                    page: Sequence[Block]) -> RenderableType:
    """The header (short id, status, format, Empire, linked references), then the page as Markdown."""
    facts = [f"id {short_id(production.id)}", production.status.value, production.format.value]
    references = Text("\n").join(
        Text.assemble((short_id(i), "cyan"), "  ", visible(title) if title is not None else ("(removed)", "dim"))
        for i, title in linked
    ) if linked else Text("none linked yet: `yp run wf2`", style="dim")
    header = fields_grid([
        ("Empire", [f"{visible(empires.get(i, ''))} ({short_id(i)})".strip() for i in production.empire_ids]),
        ("Notes", production.notes),
        ("References", references),
        ("YouTube", production.youtube_url or production.video_id),
        ("Published", _when(production.published_at)),
        ("Views", _count(production.views, "")),
        ("Outlier", f"{production.outlier_score:.2f}x ({production.outlier_basis or 'no basis recorded'})"
         if production.outlier_score is not None else None),
    ])
    parts: list[RenderableType] = [heading(production.title, facts), Text(), header, Text()]
    if page:
        parts.append(Markdown(page_markdown(page), hyperlinks=False))
    else:
        parts.append(Text("The page is empty: `yp run wf3` drafts it once references are linked.", style="dim"))
    return Group(*parts)


def empire_view(empire: Empire, productions: int, page: Sequence[Block]) -> RenderableType:
    """The Empire's properties, then its page (the writing style, links to its reports) as Markdown."""
    facts = [f"id {short_id(empire.id)}", empire.status, f"{productions} production{'s' if productions != 1 else ''}"]
    about = fields_grid([
        ("Channel", empire.channel_url or empire.youtube_channel_id),
        ("Niche", empire.niche_tags),
        ("Notes", empire.notes),
    ])
    page_part: RenderableType = (
        Markdown(page_markdown(page), hyperlinks=False) if page
        else Text("No writing style yet (the default applies): `yp empire style NAME --edit`", style="dim")
    )
    return Group(heading(empire.name, facts), Text(), about, Text(), page_part)


def page_markdown(blocks: Sequence[Block], depth: int = 0) -> str:
    """A page's blocks as Markdown whose text is shown literally (every punctuation mark escaped)."""
    out: list[str] = []
    indent = "   " * depth
    for block in blocks:
        text = block.text
        if block.type.startswith("heading_"):
            level = min(6, int(block.type[-1]) + 1)  # the page's own top heading sits under the title
            out.append(f"{'#' * level} {_literal(text)}")
            out.append(page_markdown(block.children, depth))
            continue
        if block.type == "divider":
            out.append(f"{indent}---")
        elif block.type == "code":
            fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", text)), default=0))
            out.append(f"{indent}{fence}\n{visible(text)}\n{fence}")
        elif block.type in ("bulleted_list_item", "toggle"):
            out.append(f"{indent}- {_lines(text, indent + '  ')}")
        elif block.type == "numbered_list_item":
            out.append(f"{indent}1. {_lines(text, indent + '   ')}")
        elif block.type == "quote":
            out.append("\n".join(f"{indent}> {_literal(line)}" for line in text.splitlines() or [""]))
        elif block.type == "image":
            out.append(f"{indent}{_literal('image: ' + text)}")
        else:
            out.append(f"{indent}{_lines(text, indent)}")
        if block.children:
            out.append(page_markdown(block.children, depth + 1 if block.type != "paragraph" else depth))
    return "\n\n".join(part for part in out if part)


def _lines(text: str, indent: str) -> str:
    """One block's text: its lines kept (Markdown hard breaks), blank lines between paragraphs, indented."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()] or [""]
    return ("\n\n" + indent).join(
        ("\\\n" + indent).join(_literal(line) for line in paragraph.splitlines() if line.strip())
        for paragraph in paragraphs
    )


def _literal(text: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", visible(text).strip())


def _count(value: float | None, unit: str) -> str | None:
    return None if value is None else f"{value:,.0f} {unit}".strip()


def _duration(seconds: float | None) -> str | None:
    if not seconds:
        return None
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M")
