"""`yp costs`: what AI calls have cost, against the configured limits.

The app mounts it with `app.command("costs")(costs)`; `cost_summary(workspace)` is
the library call behind it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..ai.batch import PendingBatch, pending_batches
from ..ai.ledger import CostLedger, CostTotals
from ..config import LimitsConfig, Workspace
from .output import console, emit_json


@dataclass
class CostSummary:
    totals: CostTotals
    limits: LimitsConfig
    pending_batches: list[PendingBatch] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            **self.totals.as_seed_json(),
            "today_usd": round(self.totals.today_usd, 6),
            "month_usd": round(self.totals.month_usd, 6),
            "reserved_usd": round(self.totals.reserved_usd, 6),
            "limits": self.limits.model_dump(),
            "pending_batches": [asdict(b) for b in self.pending_batches],
        }


def cost_summary(workspace: Workspace) -> CostSummary:
    """Totals from the workspace's ledger, its limits, and batches still to collect."""
    workspace.require()
    ledger = CostLedger(workspace.state_dir)
    return CostSummary(ledger.totals(), workspace.ai_config().limits, pending_batches(ledger))


def _usd(value: float) -> str:
    return f"${value:,.4f}"


def _of(limit: float | None) -> str:
    return "no limit" if limit is None else f"of ${limit:,.2f}"


def _breakdown(title: str, values: dict[str, float]) -> Table:
    table = Table(title=title)
    table.add_column(title.split()[-1].capitalize())
    table.add_column("Cost", justify="right")
    for key, value in sorted(values.items(), key=lambda kv: -kv[1]):
        table.add_row(key, _usd(value))
    return table


def render(summary: CostSummary, console: Console) -> None:
    t, limits = summary.totals, summary.limits
    overview = Table(title="AI costs (UTC days)")
    overview.add_column("Period")
    overview.add_column("Spent", justify="right")
    overview.add_column("Limit")
    overview.add_row("today", _usd(t.today_usd), _of(limits.daily_usd))
    overview.add_row("this month", _usd(t.month_usd), _of(limits.monthly_usd))
    overview.add_row("per run", "-", _of(limits.per_run_usd))
    overview.add_row(f"all time ({t.calls} calls)", _usd(t.total_usd), "")
    if t.reserved_usd:
        overview.add_row("booked for calls under way / batches", _usd(t.reserved_usd), "")
    console.print(overview)
    if t.calls:
        console.print(_breakdown("Cost per skill", t.per_skill))
        console.print(_breakdown("Cost per workflow", t.per_workflow))
        console.print(_breakdown("Cost per model", t.per_model))
    for batch in summary.pending_batches:
        console.print(
            f"batch {batch.batch_id} ({batch.workflow or '-'}, submitted {batch.submitted_at}): "
            f"{batch.delivered}/{batch.item_count} results collected"
        )


def costs(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the totals as JSON.")] = False,
) -> None:
    """Show AI spending: today, this month, per skill, workflow and model, against the limits."""
    root = ctx.obj.get("workspace") if ctx.obj else None
    summary = cost_summary(Workspace.resolve(root))
    if as_json:
        emit_json(summary.as_json())
    else:
        render(summary, console)
