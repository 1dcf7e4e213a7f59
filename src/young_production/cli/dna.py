"""`yp dna`: add, list and show Viral DNA entries."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .fitted import DEFAULT_LIMIT, Limit, ShowAll, Wide, limited, print_cut_note, render_listing
from .output import console, emit_json, workspace_of

dna_app = typer.Typer(no_args_is_help=True, help="Viral DNA: the references you learn from. Add, list, show.")


@dna_app.command("add")
def dna_add(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(metavar="URL|FILE", help="A URL (YouTube, TikTok, article, media, image) or a local file.")
    ],
    tag: Annotated[list[str], typer.Option("--tag", "-t", help="A niche tag (repeatable).")] = [],  # noqa: B006
    title: Annotated[Optional[str], typer.Option(help="Title (default: the page title, once decoded).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
) -> None:
    """Add a viral reference to the Viral DNA list (adding it twice is harmless; no network needed)."""
    from ..media.guard import AddressGuard
    from ..runtime import open_store
    from ..skills.crud import add_dna, record_summary
    from .edit import added_line

    workspace = workspace_of(ctx).require()
    guard = AddressGuard.from_config(workspace.pipeline_config().sources)  # judges IP literals, offline
    store = open_store(workspace)
    try:
        entry, created = add_dna(store, target, workspace_root=workspace.root, title=title, tags=tag, guard=guard)
    finally:
        store.close()
    if as_json:
        emit_json({**record_summary(entry), "created": created})
        return
    kind = entry.source_type.value if entry.source_type else "-"
    given = [part for value in tag for part in ("--tag", value)] + (["--title", title] if title else [])
    console.print(f"{added_line(created, entry.id, entry.title, 'dna', given)}  \\[{kind}]", highlight=False)


@dna_app.command("list")
def dna_list(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option(help="Only this status: New, Encoded, Failed.")] = None,
    created_after: Annotated[Optional[str], typer.Option(
        "--created-after", metavar="WHEN",
        help="Only entries created at or after this date or time (UTC unless an offset is given).")] = None,
    created_before: Annotated[Optional[str], typer.Option(
        "--created-before", metavar="WHEN", help="Only entries created before this date or time.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    show_all: ShowAll = False,
    wide: Wide = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
) -> None:
    """List Viral DNA entries (the first 100 unless --limit or --all)."""
    from ..records import ViralDNA
    from ..runtime import open_store
    from ..skills.crud import dna_filters, fetch_entries, record_summary
    from .listings import dna_listing

    filters = dna_filters(status, created_after, created_before)
    store = open_store(workspace_of(ctx).require())
    try:
        entries = fetch_entries(store, ViralDNA, filters, limit=None if show_all else limit + 1)
    finally:
        store.close()
    entries, more = limited(entries, limit, show_all)
    if as_json:
        emit_json([record_summary(e) for e in entries])
        return
    render_listing(dna_listing(entries, f"Viral DNA ({len(entries)}{'+' if more else ''})"), wide=wide)
    print_cut_note(len(entries), more, "yp dna list")


@dna_app.command("show")
def dna_show(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="The entry's id (4+ characters of it are enough).")],
    transcript: Annotated[bool, typer.Option("--transcript", help="The whole transcript, not its first lines.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
) -> None:
    """Show one Viral DNA entry: what was decoded first, then the start of its transcript.
    """
    from ..records import ViralDNA
    from ..runtime import open_store
    from ..skills.crud import record_summary
    from ..store.resolve import resolve
    from .views import dna_view

    workspace = workspace_of(ctx).require()
    store = open_store(workspace)
    try:
        entry = resolve(store, ViralDNA, entry_id)
    finally:
        store.close()
    if as_json:
        emit_json(record_summary(entry))
        return
    offer = None
    if entry.unsure:
        from ..skills.dna.cascade import model_offer

        offer = f"unsure (ask a model: {model_offer(workspace.ai_config(), entry.unsure)}: `yp run wf1 --unsure`)"
    console.print(dna_view(entry, console, whole_transcript=transcript, unsure_offer=offer))
