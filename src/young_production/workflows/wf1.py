"""WF1: Viral DNA encoding.

Select DNA whose perspective is empty (S17), then for each entry run five explicit
steps: classify (S08) -> scrape (S18) -> transcribe (S04) -> analyse (S05-S07, S09)
-> write (S03). Each step is a method with its own name so it can be retried on its
own (transient failures are retried in place) and, later, checkpointed by a durable
execution engine. The only write on success is one update of the entry carrying
every decoded field, so a run killed midway leaves each entry either untouched or
finished: a rerun finishes the rest and duplicates nothing.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..ai.ledger import DB_NAME as LEDGER_DB
from ..errors import BudgetExceeded, ConfigError, YPError
from ..media.guard import AddressGuard
from ..media.scrape import ScrapedContent, scrape
from ..records import DNAStatus, SourceType, TranscriptSource, ViralDNA, utcnow
from ..skills.ai_analysis import DNAAnalysis, analyse_dna, planned_requests
from ..skills.classification import classify_info_type
from ..skills.crud import default_title, fetch_unprocessed_dna, update_entry
from ..skills.transcription import Transcriber
from ..transcript import Transcript
from .base import (
    EntryOutcome,
    Reporter,
    RunContext,
    SilentReporter,
    StateFiles,
    WorkflowResult,
    new_result,
    run_step,
)

WORKFLOW = "WF1"
# Errors that are not about one entry: out of budget, a refused API key. They stop
# the run and leave the remaining entries unprocessed instead of failing each one.
RUN_STOPPING = (BudgetExceeded, ConfigError)


class WF1Steps:
    """The steps of one entry's pipeline; shared, stateless apart from loaded models."""

    def __init__(self, ctx: RunContext, transcriber: Transcriber):
        self.ctx = ctx
        self.transcriber = transcriber
        self.guard = AddressGuard.from_config(ctx.pipeline.sources)

    def classify(self, entry: ViralDNA) -> SourceType:
        """S08: trust a type the team set, else classify the URL by rules."""
        return classify_info_type(entry.url or "", entry.source_type)

    def scrape(self, entry: ViralDNA, source_type: SourceType) -> ScrapedContent:
        """S18: metadata, captions, article text or the media file itself."""
        if not entry.url:
            raise YPError("the entry has no URL or file path")
        return scrape(
            entry.url,
            source_type,
            work_dir=self.ctx.media_dir / _safe_name(entry.id or "entry"),
            config=self.ctx.pipeline,
            guard=self.guard,
            workspace_root=self.ctx.media_dir.parent,
        )

    def transcribe(self, content: ScrapedContent) -> Transcript:
        """S04: captions -> article text -> Whisper -> OCR, cheapest first."""
        return self.transcriber.transcribe(content)

    def analyse(self, entry: ViralDNA, content: ScrapedContent, transcript: Transcript) -> DNAAnalysis:
        """S05-S07 + S09 through the configured AI provider."""
        return analyse_dna(
            self.ctx.provider,
            transcript,
            title=content.title or entry.title,
            source_type=content.source_type,
            mode=self.ctx.ai.analysis_mode,
            token_budget=self.ctx.ai.condense_token_budget,
            workflow=WORKFLOW,
            entry_id=entry.id,
        )

    def write(
        self,
        entry: ViralDNA,
        content: ScrapedContent,
        transcript: Transcript,
        analysis: DNAAnalysis,
    ) -> ViralDNA:
        """S03: one update carrying every decoded field; only fields WF1 owns."""
        changes: dict[str, Any] = {
            "source_type": content.source_type,
            "transcript": transcript.text,
            "transcript_source": transcript.source,
            "perspective": analysis.perspective,
            "hook": analysis.hook,
            "hook_pattern": analysis.hook_pattern,
            "open_loop": analysis.open_loop,
            "niche_tags": _merge_tags(entry.niche_tags, analysis.niche_tags),
            "status": DNAStatus.ENCODED,
            "error_reason": None,
            "processed_at": utcnow(),
        }
        if content.title and entry.title == default_title(entry.url or ""):
            changes["title"] = content.title
        views = content.metadata.get("view_count") if content.metadata else None
        if isinstance(views, (int, float)):
            changes["views"] = float(views)
        return update_entry(self.ctx.store, ViralDNA, entry.id or "", changes)

    def record_failure(self, entry: ViralDNA, reason: str) -> None:
        update_entry(
            self.ctx.store,
            ViralDNA,
            entry.id or "",
            {"status": DNAStatus.FAILED, "error_reason": reason[:1900], "processed_at": utcnow()},
        )


def encode_entry(steps: WF1Steps, entry: ViralDNA) -> EntryOutcome:
    """Run one entry's pipeline; failures are recorded on the entry, never raised.

    RUN_STOPPING errors are the exception: they propagate so the run stops and the
    entry stays unprocessed rather than failed.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    outcome = EntryOutcome(id=entry.id or "", title=entry.title, status="done")
    try:
        source_type = run_step("classify", lambda: steps.classify(entry), timings)
        content = run_step("scrape", lambda: steps.scrape(entry, source_type), timings)
        transcript = run_step("transcribe", lambda: steps.transcribe(content), timings)
        analysis = run_step("analyse", lambda: steps.analyse(entry, content, transcript), timings)
        written = run_step("write", lambda: steps.write(entry, content, transcript, analysis), timings)
        outcome.title = written.title
        outcome.detail = decoded_detail(content.source_type, transcript.source, analysis)
    except RUN_STOPPING:
        raise
    except Exception as exc:  # one bad entry must never stop the run
        mark_failed(steps, entry, outcome, exc)
    outcome.seconds = round(time.perf_counter() - started, 3)
    outcome.step_seconds = timings
    return outcome


def decoded_detail(
    source_type: SourceType, transcript_source: TranscriptSource, analysis: DNAAnalysis
) -> dict[str, Any]:
    """What a finished entry shows in the run's summary."""
    return {
        "source_type": source_type.value,
        "transcript_source": transcript_source.value,
        "perspective": analysis.perspective,
        "hook": analysis.hook,
        "hook_pattern": analysis.hook_pattern,
        "open_loop": analysis.open_loop,
        "niche_tags": analysis.niche_tags,
        "cost_usd": analysis.usage.cost_usd,
    }


def mark_failed(steps: WF1Steps, entry: ViralDNA, outcome: EntryOutcome, exc: BaseException) -> None:
    """Record a failure on the entry, with a reason a person can read, and in the outcome."""
    outcome.status = "failed"
    outcome.error = _reason(exc)
    try:
        steps.record_failure(entry, outcome.error)
    except Exception as write_exc:
        outcome.error += f" (and the failure could not be recorded: {_reason(write_exc)})"


def plan_entry(steps: WF1Steps, entry: ViralDNA) -> EntryOutcome:
    """Dry run: what would be done, with no network and no writes."""
    source_type = steps.classify(entry)
    return EntryOutcome(
        id=entry.id or "",
        title=entry.title,
        status="planned",
        detail={"source_type": source_type.value, "url": entry.url, "route": _route(source_type)},
    )


@dataclass
class WF1Options:
    dry_run: bool = False
    limit: int | None = None
    workers: int | None = None
    retry_failed: bool = False
    batch: bool = False  # analysis through a Message Batch (see wf1_batch); prices dry-run estimates


def estimate_wf1_cost(ctx: RunContext, entry_count: int, *, batch: bool = False) -> float:
    """The most `entry_count` entries can cost with the configured provider, models and mode."""
    from ..ai.router import estimate_cost

    calls = planned_requests(ctx.ai.analysis_mode, ctx.ai.condense_token_budget) * entry_count
    return estimate_cost(ctx.ai, calls, override=ctx.provider_override, batch=batch).usd


def waiting_in_batches(ctx: RunContext) -> set[str]:
    """Entries whose analysis is in a Message Batch not yet collected (none without a ledger)."""
    if not (ctx.state_dir / LEDGER_DB).exists():
        return set()
    from ..ai.batch import pending_entry_ids
    from ..ai.ledger import CostLedger

    return pending_entry_ids(CostLedger(ctx.state_dir))


def select_entries(ctx: RunContext, options: WF1Options) -> list[ViralDNA]:
    """S17 with the run's options applied, leaving out entries waiting in a batch."""
    waiting = waiting_in_batches(ctx)
    entries = fetch_unprocessed_dna(
        ctx.store, include_failed=options.retry_failed, limit=None if waiting else options.limit
    )
    entries = [e for e in entries if e.id not in waiting]
    return entries[: options.limit] if options.limit else entries


def run_wf1(
    ctx: RunContext,
    options: WF1Options | None = None,
    *,
    reporter: Reporter | None = None,
    transcriber: Transcriber | None = None,
) -> WorkflowResult:
    """Encode every unprocessed Viral DNA entry; returns the run's result.

    Writes `state/wf1_last_run.json` and `state/processed_entries.json` unless dry-run.
    """
    options = options or WF1Options()
    reporter = reporter or SilentReporter()
    result = new_result(WORKFLOW, options.dry_run)
    state = StateFiles(ctx.state_dir)
    steps = WF1Steps(ctx, transcriber or Transcriber(ctx.pipeline.transcription))

    entries = select_entries(ctx, options)
    result.selected = len(entries)
    reporter.start(len(entries))
    try:
        if options.dry_run:
            for entry in entries:
                outcome = plan_entry(steps, entry)
                result.entries.append(outcome)
                reporter.entry_done(outcome)
            result.estimated_cost_usd = estimate_wf1_cost(ctx, len(entries), batch=options.batch)
        else:
            work = partial(encode_entry, steps)
            run_concurrently(work, entries, options.workers or ctx.pipeline.workers, result, state, reporter)
    except KeyboardInterrupt:
        result.stopped_reason = "interrupted"
        raise
    finally:
        reporter.finish()
        result.close()
        if not options.dry_run:
            state.save_last_run(result)
    return result


def run_concurrently(
    work: Callable[[ViralDNA], EntryOutcome],
    entries: list[ViralDNA],
    workers: int,
    result: WorkflowResult,
    state: StateFiles,
    reporter: Reporter,
) -> None:
    """Run `work` on each entry in a bounded pool, collecting outcomes into `result`.

    A run-stopping error lets running entries finish and starts no new ones.
    """
    stop = threading.Event()
    pending = iter(entries)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="wf1") as pool:
        running: set[Future[EntryOutcome]] = set()

        def submit_next() -> None:
            if stop.is_set():
                return
            entry = next(pending, None)
            if entry is not None:
                running.add(pool.submit(work, entry))

        for _ in range(max(1, workers)):
            submit_next()
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    running.discard(future)
                    try:
                        outcome = future.result()
                    except RUN_STOPPING as exc:
                        stop.set()
                        result.stopped_reason = _stop_reason(exc)
                        continue
                    result.entries.append(outcome)
                    if outcome.status == "done":
                        state.mark_processed("viral_dna", outcome.id)
                    reporter.entry_done(outcome)
                    submit_next()
        except KeyboardInterrupt:
            stop.set()
            for future in running:
                future.cancel()
            raise


def _stop_reason(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceeded):
        return f"spending limit reached: {exc}"
    return str(exc)


def _merge_tags(existing: list[str], found: list[str]) -> list[str]:
    merged = list(existing)
    for tag in found:
        if tag not in merged:
            merged.append(tag)
    return merged


def _route(source_type: SourceType) -> str:
    return {
        SourceType.ARTICLE: "fetch page -> article text",
        SourceType.IMAGE: "download image -> OCR",
        SourceType.MEDIA: "download -> Whisper",
    }.get(source_type, "yt-dlp -> captions, else Whisper")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, YPError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _safe_name(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", value)[:80]
