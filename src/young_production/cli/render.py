"""Rich rendering for the CLI: progress, summary tables, records, schemas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.table import Column, Table
from rich.text import Text

from ..doctor import FileInfo
from ..store.base import CollectionInfo
from ..workflows.engine.base import EntryOutcome, Outcome, WorkflowResult
from .output import cell, safe, short
from .sanitise import visible


class ActivityColumn(ProgressColumn):
    """What the running entries are doing now ("transcribing 2:13 of 3:41"), read at each redraw."""

    max_refresh = 1.0

    def __init__(self) -> None:
        # One line whatever the terminal's width: what does not fit ends in "…" instead of wrapping
        # under the bar (where it reads as a second, broken progress line).
        super().__init__(table_column=Column(no_wrap=True, overflow="ellipsis", min_width=8))

    def render(self, task: Task) -> Text:
        from ..workflows.engine import activity

        doing = activity.now()
        if not doing:
            last = Text.from_markup(str(task.fields.get("last", "")))  # the last finished entry (escaped)
            last.no_wrap, last.overflow = True, "ellipsis"
            return last
        shown = [f"{short(title, 32)}: {step}" for title, step in doing[:2]]
        more = f" (+{len(doing) - 2})" if len(doing) > 2 else ""
        return Text(" · ".join(shown) + more, style="cyan", no_wrap=True, overflow="ellipsis")


class RichReporter:
    """A progress bar that advances as entries finish, with what the running ones are doing."""

    def __init__(self, console: Console, label: str):
        self.console = console
        self.label = label
        self.progress: Progress | None = None
        self.task: int | None = None

    def start(self, total: int) -> None:
        if total == 0:
            return
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            ActivityColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(self.label, total=total, last="")

    def entry_done(self, outcome: EntryOutcome) -> None:
        if self.progress is None or self.task is None:
            return
        mark = {Outcome.DONE: "[green]ok[/]", Outcome.FAILED: "[red]failed[/]"}.get(outcome.status, safe(outcome.status))
        self.progress.update(self.task, advance=1, last=f"{mark} {safe(short(outcome.title, 40))}")

    def finish(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def wf1_table(result: WorkflowResult) -> Table:
    """One row per entry: what it is and how it was read, then what was decoded."""
    title = f"WF1 Viral DNA decoding{' (dry run)' if result.dry_run else ''}"
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("Entry", ratio=2)
    if result.dry_run:
        table.add_column("Plan", ratio=3)
    else:
        for name in ("Perspective", "Hook", "Open loop"):
            table.add_column(name, ratio=3)
    for entry in result.entries:
        d = entry.detail
        route = d.get("source_type", "-")
        if result.dry_run:
            plan = d.get("route") or f"ask {d.get('model')} for: {', '.join(d.get('ask_model') or [])}"
            table.add_row(_label(entry.title, str(route)), cell(plan))
        elif entry.status == Outcome.FAILED:
            table.add_row(_label(entry.title, "failed", "red"), cell(entry.error, "red"), "", "")
        elif entry.status != Outcome.DONE:  # prepared for a batch, or not answered yet
            asked = ", ".join(d.get("ask_model") or []).replace("_", " ")
            note = entry.error or (f"{asked} asked" if asked else "sent for analysis") + \
                " in a Message Batch: collect with --resume"
            table.add_row(_label(entry.title, str(route)), cell(note, "yellow"), "", "")
        else:
            label = _label(entry.title, f"{route} · {d.get('transcript_source', '-')}")
            unsure = set(d.get("unsure") or [])

            def shown(name: str) -> str:
                return d.get(name) or ("unsure" if name in unsure else "")

            hook = Text.assemble((str(shown("hook_pattern")), "cyan"), " ", short(shown("hook"), 160))
            table.add_row(label, cell(short(shown("perspective"), 220)), hook, cell(short(shown("open_loop"), 220)))
    return table


def wf2_table(result: WorkflowResult) -> Table:
    """One row per production: what was decided and linked."""
    table = Table(title=f"WF2 DNA linking{' (dry run)' if result.dry_run else ''}", show_lines=True, expand=True)
    table.add_column("Production", ratio=3)
    table.add_column("Decision", ratio=2)
    table.add_column("Linked", ratio=4)
    for entry in result.entries:
        d = entry.detail
        if result.dry_run:
            table.add_row(cell(entry.title), cell(d.get("route")), cell(f"{d.get('linked_now', 0)} already"))
        elif entry.status == Outcome.FAILED:
            table.add_row(cell(entry.title), cell("failed", "red"), cell(entry.error, "red"))
        else:
            linked = "\n".join(d.get("selected", [])) or d.get("note") or "-"
            table.add_row(cell(entry.title), cell(f"{d.get('action')} ({d.get('shown', 0)} shown)"), cell(linked))
    return table


def wf3_table(result: WorkflowResult) -> Table:
    """One row per production: the draft's shape, where it came from, and what to check."""
    title = f"WF3 Script generation{' (dry run)' if result.dry_run else ''}"
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("Production", ratio=3)
    table.add_column("Draft", ratio=3)
    table.add_column("Check", ratio=4)
    for entry in result.entries:
        d = entry.detail
        if result.dry_run:
            table.add_row(_label(entry.title, d.get("format", "-")), cell(d.get("route")), "")
        elif entry.status == Outcome.FAILED:
            table.add_row(_label(entry.title, "failed", "red"), cell(entry.error, "red"), "")
        else:
            kind = "outline" if d.get("kind") == "outline" else "script"
            shape = (f"{kind} · {d.get('format')} · {d.get('seconds', 0):.0f} s · {d.get('beats')} beats · "
                     f"{d.get('references')} refs")
            checks = [f"copied: {f}" for f in d.get("flagged", [])] + list(d.get("warnings", []))[:3]
            style = "default style" if d.get("style") == "default" else "channel style"
            table.add_row(
                _label(entry.title, style),
                cell(shape),
                cell("\n".join(checks) or "ok", "yellow" if checks else "green"),
            )
    return table


def _label(title: str, note: str, note_style: str = "dim") -> Text:
    return Text.assemble(short(title, 60), "\n", (note, note_style))


def result_line(result: WorkflowResult) -> str:
    """One line saying what a run did (escaped: safe to print as markup)."""
    if result.workflow == "WF2" and result.selected and not result.dry_run:
        from ..workflows.wf2 import summary_line  # linked, skipped and unchanged apart

        return safe(summary_line(result))
    in_batch = sum(1 for e in result.entries if e.status == Outcome.PREPARED)
    verb = {"WF1": "decoded", "WF2": "linked", "WF3": "scripted", "WF4": "reviewed", "WF5": "prospected"}.get(
        result.workflow, "done"
    )
    done = [f"{verb} {result.successful}"]
    if result.workflow == "WF3":  # the rule tier writes outlines, a model writes scripts: say which
        kinds = [e.detail.get("kind") for e in result.entries if e.status == Outcome.DONE]
        outlines = sum(1 for k in kinds if k == "outline")
        done = [f"outlined {outlines}", f"scripted {len(kinds) - outlines}"] if outlines else done
    parts = [f"selected {result.selected}", *done, f"failed {result.failed}"]
    if in_batch:
        parts.append(f"sent to batch {in_batch} ({', '.join(result.batch_ids)})")
    elif result.batch_ids:
        parts.append(f"collected from {', '.join(result.batch_ids)}")
    if result.skipped - in_batch > 0:
        parts.append(f"not done {result.skipped - in_batch}")
    parts += _unsure_parts(result)
    flags = sum(int(e.detail.get("originality_flags") or 0) for e in result.entries)
    if flags:
        parts.append(f"originality flags {flags} (rewrite the copied lines)")
    if result.dry_run and result.estimated_cost_usd is not None:
        parts.append(f"estimated AI cost at most ${result.estimated_cost_usd:.4f}")
    else:
        parts.append(f"AI cost ${result.total_cost_usd:.4f}")
    line = ", ".join(parts)
    if result.stopped_reason:
        line += f" — stopped: {result.stopped_reason}"
    return safe(line)


def _unsure_parts(result: WorkflowResult) -> list[str]:
    """WF1: what goes to a model (cascade, --unsure) and what the rules left unsure."""
    asks = [e.detail for e in result.entries
            if e.detail.get("ask_model") and e.status in (Outcome.PLANNED, Outcome.PREPARED)]
    cascade = next((e.detail["cascade"] for e in result.entries if e.detail.get("cascade")), None)
    in_batch = " in one Message Batch (half price)" if any(e.detail.get("batch") for e in result.entries) else ""
    parts = []
    if asks:
        fields = sum(len(d["ask_model"]) for d in asks)
        if result.dry_run:
            parts.append(f"{len(asks)} entries, {fields} unsure fields to {asks[0].get('model')}{in_batch}")
        else:  # sent in a batch: the rules' confident fields are written when it is collected
            parts.append(f"{fields} unsure fields of {len(asks)} entries asked in the batch")
    if cascade:
        from ..text.confidence import DEV_FIELDS_UNSURE, DEV_SHARE_UNSURE

        parts.append(f"cascade: rules first, only their unsure fields go to {cascade}{in_batch} (on the labelled "
                     f"dev set {DEV_SHARE_UNSURE:.0%} of entries had some, {DEV_FIELDS_UNSURE:g} fields of 6 each)")
    unsure = sum(1 for e in result.entries if e.status == Outcome.DONE and e.detail.get("unsure"))
    if unsure and not result.dry_run:
        parts.append(f"unsure fields on {unsure} (`yp run wf1 --unsure` asks a model)")
    return parts


def schema_tables(infos: Iterable[CollectionInfo]) -> list[Table]:
    tables = []
    for info in infos:
        count = "?" if info.count is None else str(info.count)
        table = Table(title=Text(f"{info.collection} — {info.location} ({count} records)"), expand=True)
        table.add_column("Field")
        table.add_column("Kind")
        table.add_column("Stored as")
        table.add_column("Check")
        for f in info.fields:
            check = cell("ok", "green") if f.ok else cell(f.problem, "red")
            table.add_row(cell(f.name), cell(f.kind), cell(f.stored_as), check)
        tables.append(table)
    return tables


def checks_table(checks: Sequence[tuple[str, bool, str]]) -> Table:
    table = Table(title="yp doctor", expand=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Detail")
    for name, ok, detail in checks:
        detail = detail.removeprefix("ok: ").removeprefix("ok")
        table.add_row(name, cell("ok", "green") if ok else cell("problem", "red"), cell(detail))
    return table


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"


def files_table(files: Sequence[FileInfo]) -> Table:
    """`yp doctor`'s list of the workspace's files: path and what it holds, size, whether it can be rebuilt.
    What a file holds goes under its path, so the table reads at 80 columns as well as at 200."""
    table = Table(title="workspace files", expand=True)
    table.add_column("File (what it holds)", ratio=1)
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("Rebuilt", no_wrap=True)
    for info in files:
        size = human_size(info.bytes) if info.exists else cell("absent", "dim")
        rebuilt = cell("yes", "green") if info.rebuildable else cell("no: back it up", "yellow")
        table.add_row(Text.assemble((visible(info.path), "bold"), "\n", (visible(info.purpose), "dim")), size, rebuilt)
    return table
