"""The `yp` command.

Exit codes: 0 success; 1 a user error or any entry failed; 2 bad usage; 130 interrupted.
A user error prints one line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Workspace
from ..errors import YPError
from . import review  # noqa: F401 (registers `yp run wf4` and `yp run wf5` on run_app)
from . import edit  # noqa: F401 (registers set, link, unlink, retry and remove on the list commands)
from .analytics import analytics_app
from .backup import backup_command
from .costs import costs
from .db import db_app
from .dna import dna_app
from .helptext import ADMIN, ANALYTICS, LISTS, START, WORKFLOWS, for_people
from .lists import empire_app, production_app
from .notion import notion_app
from .output import console, errors, safe, workspace_of
from .run import run_app, runs_app
from .worker import worker_command

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help=(
        "Young Production: decode viral references into hooks, open loops and perspectives, link them to "
        "your planned videos, draft scripts in your channel's voice, and learn from what you publish."
    ),
)
app.add_typer(empire_app, name="empire", rich_help_panel=LISTS)
app.add_typer(dna_app, name="dna", rich_help_panel=LISTS)
app.add_typer(production_app, name="production", rich_help_panel=LISTS)
app.add_typer(run_app, name="run", rich_help_panel=WORKFLOWS)
app.add_typer(runs_app, name="runs", rich_help_panel=WORKFLOWS)
app.command("worker", rich_help_panel=WORKFLOWS)(worker_command)
app.add_typer(analytics_app, name="analytics", rich_help_panel=ANALYTICS)
app.command("costs", rich_help_panel=ANALYTICS)(costs)
app.add_typer(db_app, name="db", rich_help_panel=ADMIN)
app.add_typer(notion_app, name="notion", rich_help_panel=ADMIN)
app.command("backup", rich_help_panel=ADMIN)(backup_command)


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Optional[Path],
        typer.Option("--workspace", "-w", metavar="DIR", help="Workspace folder (default: $YP_HOME, else ./young-workspace)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show each step's log record as it happens.")] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "verbose": verbose}


@app.command(rich_help_panel=START)
def init(
    ctx: typer.Context,
    directory: Annotated[Optional[Path], typer.Argument(help="Where to create the workspace.")] = None,
) -> None:
    """Create a workspace: config files, state folder, media cache and the SQLite store."""
    from ..runtime import open_store

    workspace = Workspace.resolve(directory) if directory is not None else workspace_of(ctx)
    if workspace.root.exists() and not workspace.root.is_dir():
        raise YPError(f"cannot create a workspace at {workspace.root}: it is a file, not a folder")
    written = workspace.init()
    open_store(workspace).close()
    for path in written:
        console.print(f"created {safe(path)}", highlight=False)
    console.print(f"[green]workspace ready:[/] {safe(workspace.root)}", highlight=False)


@app.command(rich_help_panel=START)
def demo(
    directory: Annotated[
        Optional[Path], typer.Option("--dir", help="Keep the demo workspace here (default: a new temp folder).")
    ] = None,
) -> None:
    """The whole loop offline: decode bundled references, link and script a video, review a real channel."""
    from ..demo import run_demo
    from .render import RichReporter, result_line, wf1_table, wf2_table, wf3_table

    tables = {"wf1": wf1_table, "wf2": wf2_table, "wf3": wf3_table}
    outcome = run_demo(directory, reporter_for=lambda name: RichReporter(console, name), say=console.print)
    for name, result in outcome.results.items():
        if name in tables:
            console.print(tables[name](result))
        console.print(f"[bold]{name.upper()}[/]: {result_line(result)}", highlight=False)
        for entry in result.entries if name in ("wf4", "wf5") else ():
            found = entry.detail.get("summary") or _prospects(entry.detail)
            console.print(f"  {safe(entry.title)}: {safe(found)}\n    {safe(entry.detail.get('report', ''))}",
                          highlight=False)
    root = safe(outcome.workspace.root)
    console.print(
        f"\nWorkspace: {root}\n"
        f"  the script:  yp -w {root} production list --status 'DNA matching', then production show ID\n"
        f"  the review:  {root}/reports/ (report.html opens in a browser)\n"
        f"  run again (does nothing new): yp -w {root} run wf1",
        highlight=False,
    )
    if not outcome.ok:
        raise typer.Exit(1)


def _keep_traceback() -> str | None:
    """Write the current exception's traceback to a temp file; its path, or None when that fails."""
    import tempfile
    import traceback

    try:
        with tempfile.NamedTemporaryFile("w", prefix="yp-crash-", suffix=".txt", delete=False) as fh:
            traceback.print_exc(file=fh)
            return fh.name
    except OSError:
        return None


def _prospects(detail: dict) -> str:
    def name(item: object) -> str:
        return item if isinstance(item, str) else str((item or {}).get("title") or (item or {}).get("name") or "")

    ideas = [name(i) for i in detail.get("ideas", [])]
    proposed = [name(p) for p in detail.get("proposed", [])]
    if ideas:
        return f"{len(ideas)} idea(s): " + "; ".join(ideas)
    if proposed:
        return f"{len(proposed)} new Empire(s) proposed: " + "; ".join(proposed)
    why = detail.get("why_no_idea")
    return f"nothing new to propose: {why}" if why else "nothing new to propose"


@app.command(rich_help_panel=START)
def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check what works (store, ffmpeg, Whisper model, OCR, keys) and list the workspace's files with their sizes."""
    from ..doctor import run_checks, workspace_files_info
    from .output import emit_json
    from .render import checks_table, files_table

    workspace = workspace_of(ctx)
    checks = run_checks(workspace)
    files = workspace_files_info(workspace) if checks[0][1] else []
    if as_json:
        emit_json({"checks": [{"check": name, "ok": ok, "detail": detail} for name, ok, detail in checks],
                   "files": [info.to_json() for info in files]})
    else:
        console.print(checks_table(checks))
        if files:
            console.print(files_table(files))
    if not all(ok for _, ok, _ in checks):
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: user errors as one line, never a traceback.

    The process ends with `os._exit` rather than a normal interpreter exit: threads of
    the durable engine may still be waiting (a workflow paused for a decision, a
    transcription Ctrl-C cut short), and every unfinished entry is a durable workflow
    that the next run resumes at the step it had reached, so there is nothing to wait for.
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    code = 0
    try:
        result = for_people(typer.main.get_command(app))(standalone_mode=False)
        code = result if isinstance(result, int) else 0  # Typer returns an exit code here, 130 for Ctrl-C
        if code == 130:
            errors.print("[yellow]interrupted[/]: finished entries are saved; run again to finish the rest")
    except YPError as exc:
        errors.print(f"[red]error:[/] {safe(exc)}", highlight=False, soft_wrap=True)
        code = 1
    except (KeyboardInterrupt, typer.Abort):
        errors.print("[yellow]interrupted[/]: finished entries are saved; run again to finish the rest")
        code = 130
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.TyperException as exc:  # usage errors: typer's own message, exit code 2
        exc.show()  # type: ignore[attr-defined]
        code = getattr(exc, "exit_code", 2)
    except Exception as exc:  # a bug of ours: one line for the user, the traceback kept for the report
        where = _keep_traceback()
        errors.print(f"[red]internal error:[/] {safe(type(exc).__name__)}: {safe(exc)}"
                     f"{f' (details in {safe(where)})' if where else ''}", highlight=False, soft_wrap=True)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
