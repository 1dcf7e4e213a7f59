"""`yp worker`: process the entries `yp run ... --enqueue` submitted, until stopped.

Ctrl-C or SIGTERM stops it cleanly: no new entry is taken, running ones get a few
seconds to finish, the rest stay pending and any other worker (or the next one
started here) finishes them. A second Ctrl-C exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Annotated, Any, Optional

import typer

from .output import console, errors, safe, verbose_of, workspace_of


def worker_command(
    ctx: typer.Context,
    concurrency: Annotated[
        Optional[int], typer.Option(min=1, max=32, help="Entries each worker runs at once (default: pipeline.yaml workers).")
    ] = None,
    grace: Annotated[int, typer.Option(min=0, max=3600, help="Seconds running entries get to finish on stop.")] = 5,
    until_idle: Annotated[bool, typer.Option("--until-idle", help="Exit once no queued or pending entry is left.")] = False,
) -> None:
    """Process queued entries (from `yp run wf1 --enqueue`) until stopped; several may run on Postgres."""
    from ..workflows import registry
    from ..workflows.engine.worker import run_worker

    workspace = workspace_of(ctx).require()
    stop = threading.Event()
    _stop_on_signals(stop)
    console.print(f"worker on {safe(workspace.root)}: waiting for entries (Ctrl-C to stop)", highlight=False)
    settled = run_worker(
        workspace,
        registry(),
        stop,
        concurrency=concurrency,
        verbose=verbose_of(ctx),
        grace_sec=grace,
        idle_exit=until_idle,
        on_notice=lambda text: errors.print(f"[yellow]note:[/] {safe(text)}", highlight=False),
    )
    console.print(f"worker stopped ({settled} run(s) settled here)", highlight=False)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # entry threads still inside a step end here; their entries resume elsewhere


def _stop_on_signals(stop: threading.Event) -> None:
    """First SIGINT/SIGTERM: stop cleanly; a second one: exit now."""

    def handle(signum: int, _frame: Any) -> None:
        if stop.is_set():
            errors.print("[yellow]stopped at once[/]: unfinished entries resume in the next worker")
            sys.stderr.flush()
            os._exit(130)
        errors.print("[yellow]stopping[/]: no new entries; running ones get a few seconds (Ctrl-C again: now)")
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
