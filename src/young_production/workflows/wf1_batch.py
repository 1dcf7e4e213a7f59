"""WF1 with the analysis sent as one Message Batch (half price), written back later.

`submit_wf1_batch` (`yp run wf1 --batch`) runs every entry's local steps now
(classify, scrape, transcribe), keeps what they found in
`state/wf1_batch_items.json`, and sends one combined analysis request per entry as a
single batch; the batch id goes into `state/wf1_last_run.json` and the ledger.

`collect_wf1_batch` (`yp run wf1 --resume`), from this or any later process, writes
each answer back with the same single update a normal run makes. Entries waiting in
a batch are left out of later runs. A result delivered twice (a crash between the
write and its acknowledgement) finds its entry already encoded and is skipped, so
each entry is written back exactly once.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..ai.batch import BatchResult, collect_batch, pending_batches, submit_batch
from ..ai.ledger import CostLedger
from ..ai.router import ProviderPlan
from ..errors import BudgetExceeded, ConfigError, NotFound, YPError
from ..media.scrape import ScrapedContent
from ..records import SourceType, TranscriptSource, ViralDNA
from ..skills.ai_analysis import DNAAnalysisAnswer, analysis_from_answer, dna_request
from ..skills.transcription import Transcriber
from ..transcript import Segment, Transcript
from .base import (
    EntryOutcome,
    Reporter,
    RunContext,
    SilentReporter,
    StateFiles,
    WorkflowResult,
    new_result,
    run_step,
    write_json_atomic,
)
from .wf1 import (
    WORKFLOW,
    WF1Options,
    WF1Steps,
    decoded_detail,
    mark_failed,
    run_concurrently,
    run_wf1,
    select_entries,
)


@dataclass
class PreparedEntry:
    """What the local steps found for one entry: enough to write it back without redoing them."""

    source_type: str
    title: str | None
    transcript_source: str
    transcript: str
    view_count: float | None

    def content(self, entry: ViralDNA) -> ScrapedContent:
        metadata = {"view_count": self.view_count} if self.view_count is not None else {}
        return ScrapedContent(
            target=entry.url or "", source_type=SourceType(self.source_type), title=self.title, metadata=metadata
        )

    def transcript_obj(self) -> Transcript:
        return Transcript(TranscriptSource(self.transcript_source), [Segment(self.transcript)])


class PreparedEntries:
    """`state/wf1_batch_items.json`: entry id -> PreparedEntry, written atomically."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "wf1_batch_items.json"
        self._lock = threading.Lock()

    def load(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def add(self, items: dict[str, PreparedEntry]) -> None:
        with self._lock:
            data = self.load()
            data.update({k: v.__dict__ for k, v in items.items()})
            write_json_atomic(self.path, data)

    def get(self, entry_id: str) -> PreparedEntry | None:
        raw = self.load().get(entry_id)
        return PreparedEntry(**raw) if raw else None

    def remove(self, entry_id: str) -> None:
        with self._lock:
            data = self.load()
            if data.pop(entry_id, None) is not None:
                write_json_atomic(self.path, data)


def _require_anthropic(ctx: RunContext) -> None:
    route = ProviderPlan(ctx.ai, ctx.provider_override).route("S05")
    if route.provider != "anthropic":
        raise ConfigError(
            f"batch mode sends the analysis through Claude's Message Batches API, but S05 runs on "
            f"{route.provider!r}: set `provider: anthropic` in ai_config.yaml or pass --provider anthropic"
        )
    if ctx.ai.analysis_mode != "combined":
        raise ConfigError("batch mode needs `analysis_mode: combined` in ai_config.yaml")


def prepare_entry(steps: WF1Steps, prepared: dict[str, PreparedEntry], entry: ViralDNA) -> EntryOutcome:
    """The local steps of one entry; its request is built at submit time from `prepared`."""
    timings: dict[str, float] = {}
    outcome = EntryOutcome(id=entry.id or "", title=entry.title, status="prepared")
    try:
        source_type = run_step("classify", lambda: steps.classify(entry), timings)
        content = run_step("scrape", lambda: steps.scrape(entry, source_type), timings)
        transcript = run_step("transcribe", lambda: steps.transcribe(content), timings)
        views = content.metadata.get("view_count") if content.metadata else None
        prepared[entry.id or ""] = PreparedEntry(
            source_type=content.source_type.value,
            title=content.title,
            transcript_source=transcript.source.value,
            transcript=transcript.text,
            view_count=float(views) if isinstance(views, (int, float)) else None,
        )
        outcome.detail = {"source_type": content.source_type.value, "transcript_source": transcript.source.value}
    except Exception as exc:  # recorded on the entry, like a normal run
        mark_failed(steps, entry, outcome, exc)
    outcome.step_seconds = timings
    return outcome


def submit_wf1_batch(
    ctx: RunContext,
    options: WF1Options | None = None,
    *,
    reporter: Reporter | None = None,
    transcriber: Transcriber | None = None,
) -> WorkflowResult:
    """Prepare every unprocessed entry locally and send their analysis as one Message Batch."""
    options = replace(options or WF1Options(), batch=True)
    _require_anthropic(ctx)
    ledger = CostLedger(ctx.state_dir)
    if options.dry_run:
        return run_wf1(ctx, options, reporter=reporter, transcriber=transcriber)

    reporter = reporter or SilentReporter()
    result = new_result(WORKFLOW, dry_run=False)
    state = StateFiles(ctx.state_dir)
    steps = WF1Steps(ctx, transcriber or Transcriber(ctx.pipeline.transcription))
    entries = select_entries(ctx, options)
    result.selected = len(entries)
    prepared: dict[str, PreparedEntry] = {}
    reporter.start(len(entries))
    try:
        work = partial(prepare_entry, steps, prepared)
        run_concurrently(work, entries, options.workers or ctx.pipeline.workers, result, state, reporter)
    finally:
        reporter.finish()
    by_id = {e.id: e for e in entries}
    items = []
    for entry_id, found in prepared.items():
        entry = by_id[entry_id]
        transcript = found.transcript_obj()
        request = dna_request(
            transcript,
            title=found.title or entry.title,
            source_type=SourceType(found.source_type),
            token_budget=ctx.ai.condense_token_budget,
            workflow=WORKFLOW,
            entry_id=entry_id,
        )
        items.append((entry_id, request, DNAAnalysisAnswer))
    if items:
        kept = PreparedEntries(ctx.state_dir)
        kept.add(prepared)  # before sending: results may come back before we could save them
        try:
            result.batch_ids.append(
                submit_batch(items, ai_config=ctx.ai, ledger=ledger, run_id=result.run_id, workflow=WORKFLOW)
            )
        except BudgetExceeded as exc:
            result.stopped_reason = f"spending limit reached: {exc}"
        finally:
            if not result.batch_ids:
                for entry_id in prepared:
                    kept.remove(entry_id)
    _finish(result, state)
    return result


def collect_wf1_batch(ctx: RunContext, *, reporter: Reporter | None = None) -> WorkflowResult:
    """Write back the answers of every ended batch; batches still running stay pending."""
    reporter = reporter or SilentReporter()
    ledger = CostLedger(ctx.state_dir)
    result = new_result(WORKFLOW, dry_run=False)
    state = StateFiles(ctx.state_dir)
    prepared = PreparedEntries(ctx.state_dir)
    steps = WF1Steps(ctx, Transcriber(ctx.pipeline.transcription))
    waiting = pending_batches(ledger)
    result.selected = sum(b.item_count - b.delivered for b in waiting)
    reporter.start(result.selected)

    def deliver(batch_result: BatchResult) -> None:
        outcome = _write_back(steps, prepared, batch_result)
        if outcome is not None:
            result.entries.append(outcome)
            if outcome.status == "done":
                state.mark_processed("viral_dna", outcome.id)
            reporter.entry_done(outcome)

    try:
        report = collect_batch(deliver, ai_config=ctx.ai, ledger=ledger)
    finally:
        reporter.finish()
    result.batch_ids = report.collected_batches
    if report.pending_batches:
        result.stopped_reason = f"batch still processing: {', '.join(report.pending_batches)} (run --resume later)"
    _finish(result, state)
    return result


def _write_back(steps: WF1Steps, prepared: PreparedEntries, batch_result: BatchResult) -> EntryOutcome | None:
    """One batch result onto its entry; None when there is nothing to write (gone or already done)."""
    entry_id = batch_result.entry_id or batch_result.custom_id
    try:
        entry = steps.ctx.store.get(ViralDNA, entry_id)
    except NotFound:
        prepared.remove(entry_id)
        return None
    found = prepared.get(entry_id)
    if entry.perspective or found is None:
        # Written by an earlier delivery of the same result; or what the local steps found
        # was lost, and the next normal run simply encodes the entry again.
        prepared.remove(entry_id)
        return None
    outcome = EntryOutcome(id=entry_id, title=entry.title, status="done")
    if batch_result.answer is not None:
        try:
            analysis = analysis_from_answer(batch_result.answer)
        except YPError as exc:
            outcome.status, outcome.error = "failed", str(exc)
        else:
            transcript = found.transcript_obj()
            written = steps.write(entry, found.content(entry), transcript, analysis)
            outcome.title = written.title
            outcome.detail = decoded_detail(SourceType(found.source_type), transcript.source, analysis)
    elif batch_result.retryable:
        outcome.status, outcome.error = "stopped", f"not answered ({batch_result.error}); the next run retries it"
    else:
        outcome.status, outcome.error = "failed", batch_result.error or "the batch answer was rejected"
    if outcome.status == "failed":
        steps.record_failure(entry, outcome.error or "")
    prepared.remove(entry_id)
    return outcome


def _finish(result: WorkflowResult, state: StateFiles) -> None:
    result.close()
    state.save_last_run(result)
