"""`yp empire` and `yp production`: the team's channels and its own videos."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import YPError
from .fitted import DEFAULT_LIMIT, Limit, ShowAll, Wide, limited, print_cut_note, render_listing
from .output import console, emit_json, safe, short, workspace_of

empire_app = typer.Typer(no_args_is_help=True, help="Empires: your channels or brands, each with a writing style.")
production_app = typer.Typer(no_args_is_help=True, help="Productions: your own videos, from idea to published.")

AsJson = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def _store(ctx: typer.Context):  # noqa: ANN202
    from ..runtime import open_store

    return open_store(workspace_of(ctx).require())


@empire_app.command("add")
def empire_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The channel or brand name.")],
    channel: Annotated[Optional[str], typer.Option("--channel", help="Its YouTube channel URL, @handle or UC id.")] = None,
    niche: Annotated[list[str], typer.Option("--niche", help="A niche tag (repeatable).")] = [],  # noqa: B006
    style_file: Annotated[
        Optional[Path], typer.Option("--style-file", help="A Markdown or text file with the writing style.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Add an Empire (adding it again changes nothing: `yp empire set` does)."""
    from ..skills.crud import record_summary
    from ..skills.empires import add_empire
    from ..skills.scripting.style import style_from_file
    from ..youtube.channels import parse_channel_url
    from .edit import added_line

    ref = parse_channel_url(channel) if channel else None  # refuse a non-channel URL before writing
    style = style_from_file(style_file) if style_file is not None else None
    store = _store(ctx)
    try:
        empire, created = add_empire(
            store,
            name,
            channel_url=ref.url if ref else None,
            channel_id=ref.channel_id if ref else None,
            niche_tags=niche,
            style=style,
        )
    finally:
        store.close()
    if as_json:
        emit_json({**record_summary(empire), "created": created})
        return
    given = [part for value in niche for part in ("--niche", value)]
    given += ["--channel", channel] if channel is not None else []
    console.print(added_line(created, empire.id, empire.name, "empire", given), highlight=False)


@empire_app.command("list")
def empire_list(
    ctx: typer.Context, limit: Limit = DEFAULT_LIMIT, show_all: ShowAll = False, wide: Wide = False,
    as_json: AsJson = False,
) -> None:
    """List Empires.

    Example: yp empire list --wide
    """
    from ..records import Empire
    from ..skills.crud import fetch_entries, record_summary
    from .listings import empire_listing

    store = _store(ctx)
    try:
        empires, more = limited(fetch_entries(store, Empire, limit=None if show_all else limit + 1), limit, show_all)
    finally:
        store.close()
    if as_json:
        emit_json([record_summary(e) for e in empires])
        return
    render_listing(empire_listing(empires, f"Empires ({len(empires)}{'+' if more else ''})"), wide=wide)
    print_cut_note(len(empires), more, "yp empire list")


@empire_app.command("show")
def empire_show(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(metavar="NAME|ID")],
    as_json: AsJson = False,
) -> None:
    """One Empire: its fields, its writing style and how many productions it has."""
    from ..skills.crud import record_summary
    from ..skills.empires import find_empire, read_style_text
    from ..skills.productions import list_productions
    from .render import record_table

    store = _store(ctx)
    try:
        empire = find_empire(store, name_or_id)
        style = read_style_text(store, empire)
        productions = list_productions(store, empire=empire)
    finally:
        store.close()
    data = {**record_summary(empire), "writing_style": style, "productions": len(productions)}
    if as_json:
        emit_json(data)
        return
    data["writing_style"] = short(style, 300) if style else "(none yet: `yp empire style NAME --edit`)"
    console.print(record_table(data, empire.name))


@empire_app.command("style")
def empire_style(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(metavar="NAME|ID")],
    edit: Annotated[bool, typer.Option("--edit", help="Open it in $EDITOR and save it back to the page.")] = False,
    as_json: AsJson = False,
) -> None:
    """Print an Empire's writing style (and the rules read from it); --edit to change it."""
    from ..skills.empires import find_empire, read_style_text, write_style
    from ..skills.scripting.style import blocks_from_markdown, parse_style, style_for_empire

    store = _store(ctx)
    try:
        empire = find_empire(store, name_or_id)
        text = read_style_text(store, empire)
        if edit:
            edited = edit_text(text or "# Writing style\n\n- Voice: \n- Keep sentences under 15 words\n")
            if edited.strip() == text.strip():
                console.print("no change")
                return
            blocks = blocks_from_markdown(edited)
            parse_style(blocks, empire=empire.name)  # refuse an empty or unreadable style before writing
            write_style(store, empire, blocks)
            text = read_style_text(store, empire)
            console.print(f"saved the writing style of {safe(empire.name)}", highlight=False)
        rules = style_for_empire(store, empire)
    finally:
        store.close()
    if as_json:
        emit_json({"empire": empire.name, "text": text, "rules": rules.model_dump(mode="json"),
                   "understood": rules.explicit()})
        return
    if not edit:
        console.print(text or f"{safe(empire.name)} has no writing style yet (the default applies)", markup=False)
    console.print("\nRules understood" + (" (the default style)" if rules.source == "default" else "") + ":",
                  markup=False, highlight=False)
    for line in [*rules.explicit(), *(f"Note (for a model, no rule): {note}" for note in rules.notes),
                 *(f"Warning: {warning}" for warning in rules.warnings)]:
        console.print(f"  {line}", markup=False, highlight=False)


def edit_text(text: str) -> str:
    """`text` after a person edited it in $VISUAL / $EDITOR (default: vi)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as fh:
        fh.write(text)
        path = fh.name
    try:
        try:
            done = subprocess.run([*shlex.split(editor), path], check=False)
        except FileNotFoundError:
            raise YPError(f"editor not found: {editor!r} (set $EDITOR)") from None
        if done.returncode != 0:
            raise YPError(f"the editor exited with code {done.returncode}: nothing saved")
        return Path(path).read_text(encoding="utf-8")
    finally:
        Path(path).unlink(missing_ok=True)


@production_app.command("add")
def production_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The video's working title.")],
    empire: Annotated[str, typer.Option("--empire", help="The Empire (name or id) it is for.")],
    format: Annotated[Optional[str], typer.Option("--format", help="short or video (default video).")] = None,
    notes: Annotated[Optional[str], typer.Option("--notes", help="What it is about, for linking and scripting.")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="Idea (default), Researching, DNA matching, ...")] = None,
    as_json: AsJson = False,
) -> None:
    """Add a production (adding the same title to the same Empire again changes nothing: `yp production set` does)."""
    from ..skills.crud import record_summary
    from ..skills.empires import find_empire
    from ..skills.productions import add_production, parse_format, parse_status
    from .edit import added_line

    video_format, video_status = parse_format(format or "video"), parse_status(status or "Idea")
    store = _store(ctx)
    try:
        production, created = add_production(
            store, title, find_empire(store, empire), format=video_format, notes=notes, status=video_status
        )
    finally:
        store.close()
    if as_json:
        emit_json({**record_summary(production), "created": created})
        return
    given = [part for flag, value in (("--status", status), ("--format", format), ("--notes", notes))
             if value is not None for part in (flag, value)]
    console.print(added_line(created, production.id, production.title, "production", given), highlight=False)


@production_app.command("list")
def production_list(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option("--status", metavar="STATUS", help="Only this status.")] = None,
    empire: Annotated[
        Optional[str], typer.Option("--empire", metavar="EMPIRE", help="Only this Empire (name or id).")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    show_all: ShowAll = False,
    wide: Wide = False,
    as_json: AsJson = False,
) -> None:
    """List productions.

    Example: yp production list --status Researching
    """
    from ..records import Empire
    from ..skills.crud import fetch_entries, record_summary
    from ..skills.empires import find_empire
    from ..skills.productions import list_productions, parse_status
    from .listings import production_listing

    wanted = parse_status(status) if status else None
    store = _store(ctx)
    try:
        chosen = find_empire(store, empire) if empire else None
        found = list_productions(store, status=wanted, empire=chosen, limit=None if show_all else limit + 1)
        names = {} if as_json else {e.id or "": e.name for e in fetch_entries(store, Empire)}
    finally:
        store.close()
    productions, more = limited(found, limit, show_all)
    if as_json:
        emit_json([record_summary(p) for p in productions])
        return
    heading = f"Productions ({len(productions)}{'+' if more else ''})"
    render_listing(production_listing(productions, heading, names), wide=wide)
    print_cut_note(len(productions), more, "yp production list")


@production_app.command("show")
def production_show(
    ctx: typer.Context,
    production_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: AsJson = False,
) -> None:
    """One production: its fields, linked references and its page (script, scenes, ...)."""
    from ..records import Production, ViralDNA, body_text
    from ..skills.crud import record_summary
    from .render import record_table

    from ..store.resolve import resolve

    store = _store(ctx)
    try:
        production = resolve(store, Production, production_id)
        linked = [store.get(ViralDNA, i).title for i in production.dna_ids]
        body = body_text(store.read_body(production.id or ""))
    finally:
        store.close()
    data = {**record_summary(production), "linked_dna": linked, "page": body}
    if as_json:
        emit_json(data)
        return
    data["page"] = short(body, 600) if body else "-"
    console.print(record_table(data, production.title))
