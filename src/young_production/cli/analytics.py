"""`yp analytics import FILE.csv`: a YouTube Studio export onto the Productions and the snapshot store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .output import console, emit_json, safe, workspace_of

analytics_app = typer.Typer(no_args_is_help=True, help="YouTube analytics: bring in YouTube Studio exports.")


@analytics_app.command("import")
def analytics_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Studio's 'Table data.csv' (Advanced mode, Content tab, export).")],
    empire: Annotated[Optional[str], typer.Option(help="The Empire the export's channel is (default: the one "
                                                       "Empire its matched Productions share).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and match only; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import a Studio export: each matched Production gets its counts; every row becomes a dated snapshot.

    A file that is not a Studio export imports nothing and says what is missing.
    """
    from ..runtime import open_store
    from ..skills.empires import find_empire
    from ..skills.performance.fetch import SNAPSHOTS_FILE
    from ..skills.performance.studio_import import import_studio_export
    from ..youtube.snapshots import SnapshotStore

    workspace = workspace_of(ctx).require()
    store = open_store(workspace)
    try:
        owner = find_empire(store, empire) if empire else None
        result = import_studio_export(store, file, snapshots=SnapshotStore(workspace.state_dir / SNAPSHOTS_FILE),
                                      dry_run=dry_run, empire=owner)
    finally:
        store.close()
    summary = {
        "file": result.file, "rows": result.rows, "matched": len(result.matched), "updated": result.updated,
        "unmatched": len(result.unmatched), "ambiguous": [{"video_id": r.video_id, "title": r.title, "productions": ids}
                                                          for r, ids in result.ambiguous],
        "snapshots": result.snapshots, "empire": result.empire.name if result.empire else None,
        "skipped_lines": result.skipped_lines, "dry_run": dry_run,
    }
    if as_json:
        emit_json(summary)
        return
    verb = "would match" if dry_run else "matched"
    console.print(
        f"{safe(result.file)}: {result.rows} videos; {verb} {len(result.matched)} Productions"
        f"{'' if dry_run else f', updated {result.updated}, {result.snapshots} snapshots recorded'}; "
        f"{len(result.unmatched)} not in Productions",
        highlight=False,
    )
    if result.empire is not None:
        console.print(f"snapshots filed under Empire {safe(result.empire.name)}", highlight=False)
    elif not dry_run:
        console.print("[yellow]no Empire found for this export[/]: pass --empire NAME so WF4 can use its snapshots")
    for row, ids in result.ambiguous:
        console.print(f"[yellow]ambiguous[/] {safe(row.title)}: {len(ids)} Productions share this title", highlight=False)
    for line in result.skipped_lines[:20]:
        console.print(f"[yellow]skipped[/] {safe(line)}", highlight=False)
