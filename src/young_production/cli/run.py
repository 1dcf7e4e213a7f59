"""`yp run`, `yp runs`, `yp worker`: run workflows on the durable engine and look at past runs."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from ..errors import YPError
from ..workflows.args import DecodeArgs, LinkArgs, ScriptArgs
from ..workflows.engine.base import RunOptions, WorkflowResult
from rich.text import Text

from ..store.resolve import short_id
from .fitted import ShowAll, Wide, limited, print_cut_note, render_listing
from .output import console, emit_json, safe, verbose_of, workspace_of
from .sanitise import visible

run_app = typer.Typer(
    no_args_is_help=True,
    help="Run a workflow: WF1 decode references, WF2 link them, WF3 script, WF4 review, WF5 prospect.",
)
runs_app = typer.Typer(help="Past and running workflow runs: what each entry did and cost.", invoke_without_command=True)

DryRun = Annotated[bool, typer.Option("--dry-run", help="Print what would be done and its cost; write nothing.")]
Limit = Annotated[Optional[int], typer.Option(min=1, help="Process at most N entries.")]
Workers = Annotated[Optional[int], typer.Option(min=1, max=32, help="Entries processed at once.")]
Provider = Annotated[Optional[str], typer.Option(help="AI provider for this run: rules, anthropic, openai.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the run's result as JSON.")]


def execute(ctx: typer.Context, name: str, options: RunOptions, *, as_json: bool = False) -> WorkflowResult:
    """Run one workflow through the engine with a progress bar; the shared body of `yp run wfN`."""
    from ..runtime import Runtime
    from ..workflows import open_engine, plan_workflow
    from .render import RichReporter

    workspace = workspace_of(ctx)
    reporter = None if as_json else RichReporter(console, name.upper())
    if options.dry_run:  # no engine: a dry run writes nothing, not even checkpoints
        with Runtime(workspace.require(), provider_override=options.provider) as runtime:
            return plan_workflow(runtime, name, options, reporter=reporter)
    with open_engine(workspace, provider_override=options.provider, verbose=verbose_of(ctx)) as engine:
        return engine.run(name, options, reporter=reporter)


def finish(
    result: WorkflowResult,
    table: Any,
    *,
    as_json: bool,
    ok_when_pending: bool = False,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print a run's table and line (or its JSON, with `extra`); exit 1 when anything failed or it stopped."""
    from .render import result_line

    if as_json:
        emit_json({**result.summary(), **(extra or {}), "entries": [e.to_dict() for e in result.entries]})
    else:
        if result.entries and table is not None:
            console.print(table)
        console.print(result_line(result), highlight=False)
        if result.note:
            console.print(safe(result.note), highlight=False)
    if result.failed or (result.stopped_reason and not ok_when_pending):
        raise typer.Exit(1)


@run_app.command("wf1")
def run_wf1_command(
    ctx: typer.Context,
    dry_run: DryRun = False,
    limit: Limit = None,
    workers: Workers = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also retry entries that failed before.")] = False,
    provider: Provider = None,
    batch: Annotated[bool, typer.Option("--batch", help="Send the analysis as a Message Batch (half price).")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Collect batch answers now and write them back.")] = False,
    enqueue: Annotated[
        bool, typer.Option("--enqueue", help="Only submit the entries; `yp worker` processes run them.")
    ] = False,
    unsure: Annotated[bool, typer.Option(
        "--unsure", help="Ask the configured model for the fields the rules left unsure on decoded entries.")] = False,
    as_json: AsJson = False,
) -> None:
    """WF1: decode every Viral DNA entry whose perspective is empty."""
    from ..workflows import open_engine
    from ..workflows.wf1_batch import collect_wf1_batches, submit_wf1_batch
    from .render import RichReporter, wf1_table

    require_one_of(batch=batch, resume=resume, enqueue=enqueue, dry_run=dry_run and enqueue)
    require_one_of(unsure=unsure, resume=resume, enqueue=enqueue)  # `--unsure --batch` asks in one batch
    options = RunOptions(dry_run=dry_run, limit=limit, workers=workers, retry_failed=retry_failed, provider=provider,
                         args=DecodeArgs(unsure=unsure))
    if enqueue:
        from ..workflows import enqueue_run

        queued = enqueue_run(workspace_of(ctx), "wf1", options)
        if as_json:
            emit_json({**queued.summary(), "entries": [e.to_dict() for e in queued.entries]})
        else:
            console.print(
                f"queued {queued.selected} entries as run {safe(queued.run_id)}: start `yp worker` to process "
                f"them; `yp runs show {safe(queued.run_id)}` follows them",
                highlight=False,
            )
        return
    if not (batch or resume):
        result = execute(ctx, "wf1", options, as_json=as_json)
        finish(result, wf1_table(result), as_json=as_json)
        return
    if batch:
        from ..workflows.wf1_batch import require_claude_for_batches

        require_claude_for_batches(workspace_of(ctx).ai_config(), provider, unsure=unsure)
    if dry_run:
        options.args = DecodeArgs(unsure=unsure, batch=batch)
        result = execute(ctx, "wf1", options, as_json=as_json)
        finish(result, wf1_table(result), as_json=as_json)
        return
    reporter = None if as_json else RichReporter(console, "WF1")
    with open_engine(workspace_of(ctx), provider_override=provider, verbose=verbose_of(ctx)) as engine:
        if resume:
            result = collect_wf1_batches(engine, reporter=reporter)
        else:
            result = submit_wf1_batch(engine, options, reporter=reporter)
    pending_only = resume and bool(result.stopped_reason and result.stopped_reason.startswith("batch still"))
    finish(result, wf1_table(result), as_json=as_json, ok_when_pending=pending_only)


@run_app.command("wf2")
def run_wf2_command(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve without asking, by --min-score and --top.")] = False,
    min_score: Annotated[float, typer.Option("--min-score", min=0.0, max=1.0, help="With --yes: link only suggestions scoring at least this (0-1).")] = 0.5,
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="With --yes: link at most this many per production.")] = 3,
    dry_run: DryRun = False,
    limit: Limit = None,
    workers: Workers = None,
    provider: Provider = None,
    production: Annotated[Optional[str], typer.Option("--production", help="Only this production (id, 4+ characters of it, or its title).")] = None,
    again: Annotated[bool, typer.Option("--again", help="Ask again about productions already decided (linked or skipped).")] = False,
    as_json: AsJson = False,
) -> None:
    """WF2: suggest Viral DNA for each production that needs references; you approve, pick or skip."""
    import sys

    from ..workflows import open_engine
    from ..workflows.wf2 import run_interactive

    args = LinkArgs(production=production, again=again, auto=yes, min_score=min_score, top=top)
    options = RunOptions(dry_run=dry_run, limit=limit, workers=workers, provider=provider, args=args)
    if yes or dry_run:
        result = execute(ctx, "wf2", options, as_json=as_json)
        _finish_wf2(result, as_json=as_json)
        return
    if not sys.stdin.isatty() or as_json:
        raise YPError("WF2 asks you to approve each production's links: run it in a terminal, or pass --yes")

    def ask(title: str, suggestions: list, linked: list[str]) -> Any:  # noqa: ANN401
        from .approval import ask_link_approval

        return ask_link_approval(console, title, suggestions, read_terminal_line, linked)

    with open_engine(workspace_of(ctx), provider_override=provider, verbose=verbose_of(ctx)) as engine:
        result = run_interactive(engine, options, ask, reporter=None)
    _finish_wf2(result, as_json=False, ok_when_pending=True)


def read_terminal_line(prompt: str = "") -> str:
    """`input()` that Ctrl-C always interrupts.

    The kernel may hand SIGINT to any of the engine's threads; Python then raises
    KeyboardInterrupt in the main thread at its next bytecode, which never comes while the
    main thread is blocked in `input()`. Waiting in short `select` calls keeps it running.
    The terminal stays in canonical mode (its own line editing and echo), so one read
    returns one line; end of input raises EOFError, as `input()` does.
    """
    import os
    import select
    import sys

    if prompt:
        console.print(prompt, end="", highlight=False)
    fd = sys.stdin.fileno()
    while not select.select([fd], [], [], 0.2)[0]:
        pass
    data = os.read(fd, 65536)
    if not data:
        raise EOFError
    return data.decode("utf-8", errors="replace").rstrip("\r\n")


def _finish_wf2(result: WorkflowResult, *, as_json: bool, ok_when_pending: bool = False) -> None:
    """WF2's table shows what this run decided (not what earlier runs did); its line counts apart."""
    from dataclasses import replace

    from ..workflows.wf2 import tally
    from .render import wf2_table

    if result.dry_run:
        finish(result, wf2_table(result), as_json=as_json)
        return
    counts = tally(result)
    decided_now = replace(result, entries=[e for e in result.entries if e.detail.get("decision") != "unchanged"])
    finish(result, wf2_table(decided_now) if decided_now.entries else None, as_json=as_json,
           ok_when_pending=ok_when_pending, extra={"decisions": counts})


@run_app.command("wf3")
def run_wf3_command(
    ctx: typer.Context,
    dry_run: DryRun = False,
    limit: Limit = None,
    workers: Workers = None,
    provider: Provider = None,
    production: Annotated[Optional[str], typer.Option("--production", help="Only this production (id, 4+ characters of it, or its title).")] = None,
    as_json: AsJson = False,
) -> None:
    """WF3: draft a script (+ scenes, titles, metadata) for each production that has its references."""
    from .render import wf3_table

    options = RunOptions(dry_run=dry_run, limit=limit, workers=workers, provider=provider,
                         args=ScriptArgs(production=production))
    result = execute(ctx, "wf3", options, as_json=as_json)
    finish(result, wf3_table(result), as_json=as_json)


@runs_app.callback()
def runs_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="Show at most N runs (default 20).")] = 20,
    show_all: ShowAll = False,
    workflow: Annotated[Optional[str], typer.Option(metavar="WF", help="Only runs of this workflow (wf1...).")] = None,
    wide: Wide = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the runs as JSON.")] = False,
) -> None:
    """List recent runs, newest first.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..workflows import check_name
    from ..workflows.engine.inspect import list_runs
    from .listings import run_listing

    workflow = check_name(workflow) if workflow is not None else None
    runs, more = limited(list_runs(workspace_of(ctx), limit=None if show_all else limit + 1, workflow=workflow),
                         limit, show_all)
    if as_json:
        emit_json(runs)
        return
    render_listing(run_listing(runs, f"Runs ({len(runs)}{'+' if more else ''})"), wide=wide)
    print_cut_note(len(runs), more, "yp runs")


@runs_app.command("show")
def runs_show(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID", help="The run's id (4+ characters of it are enough).")],
    wide: Wide = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """One run: its options, and each entry's state, outcome and cost; why any entry failed."""
    from ..workflows.engine.inspect import show_run
    from .listings import run_entry_listing

    run = show_run(workspace_of(ctx), run_id)
    if as_json:
        emit_json(run)
        return
    console.print(
        f"run {safe(run['run_id'][:8])} · {safe(run['workflow'])} · {safe(run['status'])} · "
        f"started {safe(_moment(run['started_at']))} · finished {safe(_moment(run.get('finished_at')))}",
        highlight=False,
    )
    shown = render_listing(run_entry_listing(run["entries"], f"Entries ({len(run['entries'])})"), wide=wide)
    problems = [e for e in run["entries"] if e.get("error")]
    if problems and "Detail" not in shown:
        console.print(Text("Why", style="bold"))
        for entry in problems:
            console.print(Text.assemble((short_id(entry["entry_id"]), "cyan"), "  ", visible(entry["error"])))


def _moment(value: object) -> str:
    return str(value or "-").replace("T", " ")[:19]


def require_one_of(**flags: bool) -> None:
    chosen = [name for name, on in flags.items() if on]
    if len(chosen) > 1:
        raise YPError(f"use only one of {', '.join('--' + n.replace('_', '-') for n in chosen)}")
