"""The `yp` command: a thin Typer layer over library calls.

Exit codes: 0 success; 1 a user error or any entry failed; 2 bad usage; 130 interrupted.
A user error prints one line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..config import Workspace
from ..errors import YPError
from .costs import costs
from .notion import notion_app

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.split("\n")[0])
dna_app = typer.Typer(no_args_is_help=True, help="Viral DNA entries: add, list, show.")
run_app = typer.Typer(no_args_is_help=True, help="Run a workflow.")
db_app = typer.Typer(no_args_is_help=True, help="The store: inspect its schema, load sample data, clear it.")
app.add_typer(dna_app, name="dna")
app.add_typer(run_app, name="run")
app.add_typer(db_app, name="db")
app.add_typer(notion_app, name="notion")
app.command("costs")(costs)

console = Console()


def _workspace(ctx: typer.Context) -> Workspace:
    return Workspace.resolve(ctx.obj.get("workspace") if ctx.obj else None)


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Optional[Path],
        typer.Option("--workspace", "-w", help="Workspace folder (default: $YP_HOME, else ./young-workspace)."),
    ] = None,
) -> None:
    ctx.obj = {"workspace": workspace}


@app.command()
def init(directory: Annotated[Optional[Path], typer.Argument(help="Where to create the workspace.")] = None) -> None:
    """Create a workspace: config files, state folder, media cache and the SQLite store."""
    from ..runtime import open_store

    workspace = Workspace.resolve(directory)
    written = workspace.init()
    open_store(workspace).close()
    for path in written:
        console.print(f"created {path}")
    console.print(f"[green]workspace ready:[/] {workspace.root}")


@app.command()
def demo(
    directory: Annotated[
        Optional[Path], typer.Option("--dir", help="Keep the demo workspace here (default: a new temp folder).")
    ] = None,
) -> None:
    """Decode the bundled samples end to end, offline: captions, Whisper, article text and OCR."""
    from ..demo import run_demo
    from .render import RichReporter, result_line, wf1_table

    outcome = run_demo(directory, reporter=RichReporter(console, "WF1"), say=console.print)
    console.print(wf1_table(outcome.result))
    console.print(result_line(outcome.result))
    console.print(
        f"\nWorkspace: {outcome.workspace.root}\n"
        f"Run it again (encodes nothing new): yp -w {outcome.workspace.root} run wf1"
    )
    if not outcome.result.ok:
        raise typer.Exit(1)


@dna_app.command("add")
def dna_add(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A URL (YouTube, TikTok, article, media, image) or a local file.")],
    tag: Annotated[list[str], typer.Option("--tag", "-t", help="A niche tag (repeatable).")] = [],  # noqa: B006
    title: Annotated[Optional[str], typer.Option(help="Title (default: from the page once encoded).")] = None,
) -> None:
    """Add a viral reference to the Viral DNA list (adding it twice is harmless)."""
    from ..media.guard import AddressGuard
    from ..runtime import open_store
    from ..skills.crud import add_dna

    workspace = _workspace(ctx).require()
    guard = AddressGuard.from_config(workspace.pipeline_config().sources)
    store = open_store(workspace)
    try:
        entry, created = add_dna(store, target, workspace_root=workspace.root, title=title, tags=tag, guard=guard)
    finally:
        store.close()
    verb = "added" if created else "already there"
    console.print(f"{verb}: {entry.id}  {entry.title}  [{entry.source_type.value if entry.source_type else '-'}]")


@dna_app.command("list")
def dna_list(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option(help="Only this status: New, Encoded, Failed.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
) -> None:
    """List Viral DNA entries."""
    from ..records import DNAStatus, ViralDNA
    from ..runtime import open_store
    from ..skills.crud import fetch_entries
    from ..store.base import Filter
    from .render import dna_table

    filters = []
    if status:
        try:
            filters.append(Filter.eq("status", DNAStatus(status.capitalize())))
        except ValueError:
            raise YPError(f"unknown status {status!r}: use New, Encoded or Failed") from None
    store = open_store(_workspace(ctx).require())
    try:
        entries = fetch_entries(store, ViralDNA, filters, limit=limit)
    finally:
        store.close()
    console.print(dna_table(entries))


@dna_app.command("show")
def dna_show(ctx: typer.Context, entry_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Show one Viral DNA entry with everything decoded."""
    from ..records import ViralDNA
    from ..runtime import open_store
    from ..skills.crud import record_summary
    from .render import record_table

    store = open_store(_workspace(ctx).require())
    try:
        entry = store.get(ViralDNA, entry_id)
    finally:
        store.close()
    console.print(record_table(record_summary(entry), entry.title))


@run_app.command("wf1")
def run_wf1_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be done and its cost; write nothing.")] = False,
    limit: Annotated[Optional[int], typer.Option(min=1, help="Process at most N entries.")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, max=32, help="Entries processed at once.")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also retry entries that failed before.")] = False,
    provider: Annotated[Optional[str], typer.Option(help="AI provider for this run: rules, anthropic, openai.")] = None,
    batch: Annotated[bool, typer.Option("--batch", help="Send the analysis as a Message Batch (half price).")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Collect batch answers and write them back.")] = False,
) -> None:
    """WF1: encode every Viral DNA entry whose perspective is empty."""
    from ..runtime import open_context
    from ..workflows.wf1 import WF1Options, run_wf1
    from ..workflows.wf1_batch import collect_wf1_batch, submit_wf1_batch
    from .render import RichReporter, result_line, wf1_table

    if batch and resume:
        raise typer.BadParameter("use --batch to send a batch and --resume to collect it, not both")
    run_ctx = open_context(_workspace(ctx), provider=provider)
    options = WF1Options(dry_run=dry_run, limit=limit, workers=workers, retry_failed=retry_failed)
    reporter = RichReporter(console, "WF1")
    try:
        if resume:
            result = collect_wf1_batch(run_ctx, reporter=reporter)
        elif batch:
            result = submit_wf1_batch(run_ctx, options, reporter=reporter)
        else:
            result = run_wf1(run_ctx, options, reporter=reporter)
    finally:
        run_ctx.store.close()
    if result.entries:
        console.print(wf1_table(result))
    console.print(result_line(result))
    pending_only = resume and result.stopped_reason and result.stopped_reason.startswith("batch still")
    if result.failed or (result.stopped_reason and not pending_only):
        raise typer.Exit(1)


@app.command()
def doctor(ctx: typer.Context) -> None:
    """Check what works: store, ffmpeg, Whisper model, OCR, keys."""
    from ..doctor import run_checks
    from .render import checks_table

    checks = run_checks(_workspace(ctx))
    console.print(checks_table(checks))
    if not all(ok for _, ok, _ in checks):
        raise typer.Exit(1)


@db_app.command("inspect")
def db_inspect(ctx: typer.Context) -> None:
    """Show the live schema of every collection and any mismatch with what we expect."""
    from ..runtime import open_store
    from .render import schema_tables

    store = open_store(_workspace(ctx).require())
    try:
        infos = store.inspect()
    finally:
        store.close()
    for table in schema_tables(infos):
        console.print(table)
    if any(not f.ok for i in infos for f in i.fields):
        raise typer.Exit(1)


@db_app.command("sample")
def db_sample(ctx: typer.Context) -> None:
    """Load a small set of sample Empires, Viral DNA and Productions (idempotent)."""
    from ..runtime import open_store
    from ..store.sample_data import load_sample_data

    store = open_store(_workspace(ctx).require())
    try:
        counts = load_sample_data(store)
    finally:
        store.close()
    created = ", ".join(f"{k} {v}" for k, v in counts.items())
    console.print(f"sample data in place (created now: {created})")


@db_app.command("clear")
def db_clear(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every record (Notion: move to trash). Asks first."""
    from ..runtime import open_store
    from ..store.maintenance import clear_store, count_records

    store = open_store(_workspace(ctx).require())
    try:
        counts = count_records(store)
        total = sum(counts.values())
        if total == 0:
            console.print("nothing to clear")
            return
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        if not yes:
            if not sys.stdin.isatty():
                raise YPError("refusing to clear without confirmation: pass --yes")
            typer.confirm(f"Delete {total} records ({summary}) from the {store.name} store?", abort=True)
        removed = clear_store(store)
    finally:
        store.close()
    console.print(f"cleared {removed} records")


def main() -> None:
    """Console entry point: user errors as one line, never a traceback."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        app()
    except YPError as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        Console(stderr=True).print("[yellow]interrupted[/]: finished entries are saved; run again to do the rest")
        sys.exit(130)
