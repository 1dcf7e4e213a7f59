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
from .analytics import analytics_app
from .costs import costs
from .db import db_app
from .dna import dna_app
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
app.add_typer(empire_app, name="empire")
app.add_typer(dna_app, name="dna")
app.add_typer(production_app, name="production")
app.add_typer(run_app, name="run")
app.add_typer(runs_app, name="runs")
app.add_typer(db_app, name="db")
app.add_typer(notion_app, name="notion")
app.add_typer(analytics_app, name="analytics")
app.command("costs")(costs)
app.command("worker")(worker_command)


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Optional[Path],
        typer.Option("--workspace", "-w", help="Workspace folder (default: $YP_HOME, else ./young-workspace)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show each step's log record as it happens.")] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "verbose": verbose}


@app.command()
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
    root = safe(outcome.workspace.root)
    console.print(f"\nWorkspace: {root}\nRun it again (encodes nothing new): yp -w {root} run wf1", highlight=False)
    if not outcome.result.ok:
        raise typer.Exit(1)


@app.command()
def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check what works: store, ffmpeg, Whisper model, OCR, keys."""
    from ..doctor import run_checks
    from .output import emit_json
    from .render import checks_table

    checks = run_checks(workspace_of(ctx))
    if as_json:
        emit_json([{"check": name, "ok": ok, "detail": detail} for name, ok, detail in checks])
    else:
        console.print(checks_table(checks))
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
        result = app(standalone_mode=False)
        code = result if isinstance(result, int) else 0
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
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
