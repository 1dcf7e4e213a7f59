"""`yp analytics import FILE.csv`: a YouTube Studio export onto the Productions and the snapshot store."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .output import console, emit_json, safe, workspace_of

if TYPE_CHECKING:
    from ..skills.performance.studio_import import StudioImport

analytics_app = typer.Typer(no_args_is_help=True, help="YouTube analytics: bring in YouTube Studio exports.")


@analytics_app.command("import")
def analytics_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Studio's 'Table data.csv' (Advanced mode, Content tab, export).")],
    empire: Annotated[Optional[str], typer.Option(help="The Empire the export's channel is (default: the one "
                                                       "Empire its matched Productions share).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and match only; write nothing.")] = False,
    allow_skips: Annotated[bool, typer.Option("--allow-skips", help="Import the readable rows even when some lines "
                                                                   "were skipped (each is listed).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result, with every skipped line, as JSON.")] = False,
) -> None:
    """Import a Studio export: each matched Production gets its counts; every row becomes a dated snapshot.

    Every line is imported or listed with its reason. A file that is not a Studio export imports nothing and
    says what is missing; so does one with skipped lines, unless --allow-skips. Exits 1 when lines were skipped.
    """
    from ..runtime import open_store
    from ..skills.empires import find_empire
    from ..skills.performance.studio_import import import_studio_export
    from ..youtube.storage import snapshot_store

    workspace = workspace_of(ctx).require()
    store = open_store(workspace)
    try:
        owner = find_empire(store, empire) if empire else None
        with nullcontext() if as_json else console.status("importing") as status:  # 50 MB take a minute
            result = import_studio_export(store, file, snapshots=snapshot_store(workspace),
                                          dry_run=dry_run, empire=owner, allow_skips=allow_skips,
                                          progress=(lambda text: status.update(safe(text))) if status else print_nothing)
    finally:
        store.close()
    export = result.export
    assert export is not None
    if as_json:
        emit_json(result.to_json(dry_run))
    else:
        print_import(result, dry_run)
    if export.skipped and not allow_skips:
        raise typer.Exit(1)


def print_nothing(text: str) -> None:
    """Progress when the output is JSON: none."""


def print_import(result: StudioImport, dry_run: bool) -> None:
    """The import's lines: what was read, matched and written, then every line left out and why."""
    export = result.export
    assert export is not None
    written = not dry_run and not result.refused
    verb = "would match" if not written else "matched"
    extra = [f"{n} blank" for n in [export.blank_lines] if n] + [f"{n} Total" for n in [export.total_lines] if n]
    console.print(
        f"{safe(result.file)}: {export.lines_read} lines, {result.rows} videos"
        f"{' (' + ', '.join(extra) + ' skipped)' if extra else ''}; {verb} {len(result.matched)} Productions"
        f"{f', updated {result.updated}, {result.snapshots} snapshots recorded' if written else ''}; "
        f"{len(result.unmatched)} not in Productions",
        highlight=False,
    )
    formats = ", ".join(f"{n} {label}" for label, n in result.formats().items())
    console.print(f"formats: {safe(formats)}", highlight=False)
    for note in export.notes:
        console.print(f"note: {safe(note)}", highlight=False)
    if result.empire is not None:
        console.print(f"snapshots {'filed under' if written else 'for'} Empire {safe(result.empire.name)}", highlight=False)
    elif written:
        console.print("[yellow]no Empire found for this export[/]: pass --empire NAME so WF4 can use its snapshots")
    for row, candidates in result.ambiguous:
        console.print(f"[yellow]ambiguous[/] line {row.line} {safe(row.title)}: could be {safe(', '.join(candidates))}; "
                      "matched nothing", highlight=False)
    for skipped in export.skipped:
        console.print(f"[yellow]skipped[/] {safe(str(skipped))}", highlight=False)
    for warning in export.warnings[:50]:
        console.print(f"[yellow]warning[/] {safe(str(warning))}", highlight=False)
    if len(export.warnings) > 50:
        console.print(f"... and {len(export.warnings) - 50} more warnings (--json lists them all)")
    if result.refused:
        console.print(f"[red]{safe(result.refused)}[/]", highlight=False)
    elif export.skipped and written:
        console.print(f"[yellow]{len(export.skipped)} lines skipped[/] (imported the other rows: --allow-skips)")
