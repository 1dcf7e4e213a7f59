"""`yp run wf4` (Empire review) and `yp run wf5` (Empire prospecting), on `run_app` from cli/run.py."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from ..workflows.args import EmpireArgs

from ..workflows.engine.base import Outcome, RunOptions, WorkflowResult
from .output import cell, short
from .run import AsJson, DryRun, Provider, execute, finish, run_app

EmpireName = Annotated[Optional[str], typer.Option("--empire", help="Only this Empire (its name, any case, or id).")]
Period = Annotated[
    Optional[str],
    typer.Option(help="The review period (default: today's date); a rerun in the same period changes nothing."),
]


def _options(dry_run: bool, provider: str | None, empire: str | None, period: str | None) -> RunOptions:
    return RunOptions(dry_run=dry_run, provider=provider, args=EmpireArgs(empire=empire, period=period))


@run_app.command("wf4")
def run_wf4_command(
    ctx: typer.Context,
    dry_run: DryRun = False,
    empire: EmpireName = None,
    period: Period = None,
    provider: Provider = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", help="Where the numbers come from: api, export (the last imported Studio export) or ytdlp "
                         "(default: the API with a key, else an export imported within youtube.snapshot_max_age_days, "
                         "else yt-dlp). --dry-run says which and why.")] = None,
    as_json: AsJson = False,
) -> None:
    """WF4: review each Empire: counts, outlier scores, winning patterns, a report with charts."""
    options = _options(dry_run, provider, empire, period)
    if source:
        options.args = EmpireArgs(empire=empire, period=period, source=source.strip().casefold())
    result = execute(ctx, "wf4", options, as_json=as_json)
    finish(result, wf4_table(result), as_json=as_json)


@run_app.command("wf5")
def run_wf5_command(
    ctx: typer.Context,
    dry_run: DryRun = False,
    empire: EmpireName = None,
    period: Period = None,
    provider: Provider = None,
    as_json: AsJson = False,
) -> None:
    """WF5: new ideas for each Empire from strong references, and new Empires for uncovered niches."""
    result = execute(ctx, "wf5", _options(dry_run, provider, empire, period), as_json=as_json)
    finish(result, wf5_table(result), as_json=as_json)


def wf4_table(result: WorkflowResult) -> Table:
    table = Table(title=f"WF4 Empire review{' (dry run)' if result.dry_run else ''}", show_lines=True, expand=True)
    columns = ("Empire", "Route", "Plan", "Report") if result.dry_run else (
        "Empire", "Route", "Videos", "Quota units", "Summary", "Report")
    for name in columns:
        table.add_column(name, ratio=3 if name in ("Summary", "Plan") else 1)
    for entry in result.entries:
        d: dict[str, Any] = entry.detail
        if result.dry_run:
            plan = f"{d.get('why')}; {d.get('productions')} productions, {d.get('recorded_videos')} videos recorded"
            table.add_row(cell(short(entry.title, 40)), cell(d.get("route")), cell(plan), cell(d.get("report")))
        elif entry.status != Outcome.DONE:
            table.add_row(cell(short(entry.title, 40)), cell(entry.status, "red"), "", "", cell(entry.error, "red"), "")
        else:
            videos = f"{d.get('videos_read')} read, {d.get('videos_scored')} scored"
            table.add_row(cell(short(entry.title, 40)), cell(d.get("route")), cell(videos), cell(d.get("quota_units")),
                          cell(short(d.get("summary"), 400)), cell(d.get("report")))
    return table


def wf5_table(result: WorkflowResult) -> Table:
    table = Table(title=f"WF5 Empire prospecting{' (dry run)' if result.dry_run else ''}", show_lines=True,
                  expand=True)
    for name in ("Entry", "Ideas / proposed Empires", "Left out (near-duplicates)", "Report"):
        table.add_column(name, ratio=3 if name.startswith(("Ideas", "Left")) else 1)
    for entry in result.entries:
        d: dict[str, Any] = entry.detail
        if entry.status == Outcome.FAILED:
            table.add_row(cell(short(entry.title, 40)), cell(entry.error, "red"), "", "")
            continue
        made = d.get("would_create", d.get("would_propose", d.get("ideas", d.get("proposed", []))))
        table.add_row(cell(short(entry.title, 40)), Text("\n".join(short(t, 90) for t in made) or "-"),
                      Text("\n".join(short(t, 90) for t in d.get("duplicates", [])) or "-"), cell(d.get("report")))
    return table
