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
from .output import console, emit_json, safe, workspace_of

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
    if style_file is not None and not created:
        console.print(f"its writing style is unchanged: `yp empire style {safe(shlex.quote(empire.name))} --edit` "
                      "changes it", highlight=False)


@empire_app.command("list")
def empire_list(
    ctx: typer.Context, limit: Limit = DEFAULT_LIMIT, show_all: ShowAll = False, wide: Wide = False,
    as_json: AsJson = False,
) -> None:
    """List Empires.
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
    """One Empire: its channel and niche, how many productions it has, and its writing style.
    """
    from ..records import body_text
    from ..skills.crud import record_summary
    from ..skills.empires import find_empire
    from ..skills.productions import list_productions
    from .views import empire_view

    store = _store(ctx)
    try:
        empire = find_empire(store, name_or_id)
        page = store.read_body(empire.id or "")
        productions = list_productions(store, empire=empire)
    finally:
        store.close()
    if as_json:
        emit_json({**record_summary(empire), "writing_style": body_text(page).strip(), "productions": len(productions)})
        return
    console.print(empire_view(empire, len(productions), page))


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
    production_id: Annotated[
        str, typer.Argument(metavar="ID", help="The production's id (4+ characters of it) or its exact title.")
    ],
    as_json: AsJson = False,
) -> None:
    """One production: its properties, linked references, then its whole page (outline or script, scenes, ...).
    """
    from ..errors import NotFound
    from ..records import Empire, Production, ViralDNA, body_text
    from ..skills.crud import record_summary
    from ..store.resolve import resolve
    from .views import production_view

    store = _store(ctx)
    try:
        production = resolve(store, Production, production_id)
        linked: list[tuple[str, str | None]] = []
        for dna_id in production.dna_ids:
            try:
                linked.append((dna_id, store.get(ViralDNA, dna_id).title))
            except NotFound:  # removed since it was linked
                linked.append((dna_id, None))
        empires = {}
        for empire_id in production.empire_ids:
            try:
                empires[empire_id] = store.get(Empire, empire_id).name
            except NotFound:
                pass
        blocks = store.read_body(production.id or "")
    finally:
        store.close()
    if as_json:
        emit_json({**record_summary(production), "linked_dna": [t for _, t in linked if t is not None],
                   "page": body_text(blocks)})
        return
    console.print(production_view(production, empires, linked, blocks))
