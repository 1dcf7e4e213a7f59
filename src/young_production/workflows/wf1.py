"""WF1: Viral DNA decoding, on the durable engine.

Selects DNA whose perspective is empty and that does not wait for review (S17); each entry
is one durable workflow of three steps:

- `wf1.read`: classify (S08), scrape (S18) and transcribe (S04). Downloads land in
  the entry's folder under the workspace's media folder; the step returns the
  transcript segments and what the page said about itself. When the analysis is a
  paid call the whole read is checkpointed, so a resumed entry never downloads or
  transcribes again, on this machine or another, and its paid step keeps its place.
  With the free rule-based provider only the costly part is: reading captions or an
  article is redone on resume (one page fetch for each entry a kill cut short, where a
  checkpoint costs every entry about 2 ms of CPU), and Whisper or OCR is its own checkpointed step
  (`wf1.transcribe`), never run twice; its media stays in the entry's folder, which
  yt-dlp does not download again.
- `wf1.analyse`: S05-S07 + S09 through the configured provider (a paid call is made
  once: its answer is checkpointed).
- `wf1.write`: S03, one update carrying every decoded field. The entry's last step,
  it has no checkpoint of its own: the workflow's outcome, recorded right after it, is
  its checkpoint (`engine.durable.final_step`). A rerun (after a crash between the
  write and that record) writes the same values again.
  With the free rule-based provider the analysis is redone at no cost, so analysis
  and write are one final step (`wf1.analyse_and_write`): no checkpoint between them.

With `analysis: cascade` the rules decode first and only their unsure fields go to the
model (`skills.dna.cascade`). `--unsure` (`DecodeArgs.unsure`) selects instead the
encoded entries with unsure fields and asks the model for those fields only, from the
transcript kept on the entry (`wf1.fill`, then `wf1.write`). With `--batch` both send the
same questions in one Message Batch instead (`prepared`, and wf1_batch).

A failure of the entry (private video, 404, nothing to transcribe) marks it Failed
with a reason a person can read, in one more step; a failure of the account or the
machine stops the run and leaves the entry as it was (see `engine.STOPPING`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from ..ai.ledger import DB_NAME as LEDGER_DB
from ..ai.rules import RuleProvider
from ..errors import ConfigError, YPError
from ..media.guard import AddressGuard
from ..media.scrape import scrape
from ..records import DNAStatus, SourceType, TranscriptSource, ViralDNA, utcnow
from ..runtime import Runtime
from ..skills.dna.decode import DNAAnalysis, analyse_dna, planned_requests
from ..skills.dna.cascade import (
    analysis_of_entry,
    cascade,
    planned_fill,
    still_unsure,
    stored_transcript,
    unsure_changes,
)
from ..skills.dna.classify import classify_info_type
from ..skills.crud import default_title, fetch_unprocessed_dna, fetch_unsure_dna, update_entry
from ..store.base import iter_records
from ..transcript import Segment, Transcript
from .args import DecodeArgs
from .engine.base import EntryOutcome, Outcome, RunOptions
from .engine.cpu_pool import needs_cpu
from .engine.durable import (
    REMOVED_REASON,
    STOPPING,
    EntryRef,
    WorkflowDef,
    durable_step,
    entry_workflow,
    final_step,
    reason_of,
    removed_meanwhile,
    transcribe,
)

NAME = "WF1"


# ---- steps -----------------------------------------------------------------------------------


def read(runtime: Runtime, entry: dict[str, Any], transcribed: Callable[[Any], Transcript]) -> dict[str, Any]:
    """S08 + S18 + S04: the entry's transcript (`transcribed(content)`), and what the source says
    about itself."""
    record = ViralDNA.model_validate(entry)
    if not record.url:
        raise YPError("the entry has no URL or file path")
    source_type = classify_info_type(record.url, record.source_type)
    content = scrape(
        record.url,
        source_type,
        work_dir=entry_media_dir(runtime, record.id or "entry"),
        config=runtime.pipeline,
        guard=AddressGuard.from_config(runtime.pipeline.sources),
        workspace_root=runtime.root,
    )
    transcript = transcribed(content)
    views = content.metadata.get("view_count") if content.metadata else None
    return {
        "source_type": content.source_type.value,
        "title": content.title,
        "duration": content.duration,
        "views": float(views) if isinstance(views, (int, float)) else None,
        "transcript_source": transcript.source.value,
        "language": transcript.language,
        "segments": [[s.text, s.start, s.end] for s in transcript.segments],
    }


@durable_step("wf1.read")
def read_source(runtime: Runtime, entry: dict[str, Any]) -> dict[str, Any]:
    """The read as one checkpoint (a paid analysis follows it)."""
    return read(runtime, entry, transcribe)  # Whisper/OCR in a worker process: two entries use two cores


@final_step("wf1.read")
def fetch_source(runtime: Runtime, entry: dict[str, Any]) -> dict[str, Any]:
    """The read before a free analysis: no checkpoint of its own, but Whisper or OCR has one."""
    return read(runtime, entry, lambda content: transcript_of(machine_transcript(content)) if needs_cpu(content)
                else transcribe(content))


@durable_step("wf1.transcribe")
def machine_transcript(runtime: Runtime, content: Any) -> dict[str, Any]:
    """S04 by Whisper or OCR, the costly part of a read: checkpointed as plain values."""
    transcript = transcribe(content)
    return {"transcript_source": transcript.source.value, "language": transcript.language,
            "segments": [[s.text, s.start, s.end] for s in transcript.segments]}


def analysis_keywords(runtime: Runtime, entry: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """What every analysis request of the entry is told besides the transcript."""
    return dict(title=source.get("title") or entry.get("title") or "", source_type=SourceType(source["source_type"]),
                token_budget=runtime.ai.condense_token_budget, workflow=NAME, entry_id=entry.get("id"))


def analysis_of(
    runtime: Runtime, run: dict[str, Any], entry: dict[str, Any], source: dict[str, Any]
) -> dict[str, Any]:
    """S05-S07 + S09: perspective, hook, open loop and niche tags."""
    transcript = transcript_of(source)
    common = analysis_keywords(runtime, entry, source)
    if run.get("cascade"):  # the free rules first, the model only for what they are unsure of
        rules = analyse_dna(RuleProvider(), transcript, mode="combined", **common)
        analysis = cascade(rules, runtime.provider(run.get("provider")), transcript, **common)
    else:
        analysis = analyse_dna(runtime.provider(run.get("provider")), transcript, mode=runtime.ai.analysis_mode,
                               **common)
    return analysis_values(analysis)


def analysis_values(analysis: DNAAnalysis) -> dict[str, Any]:
    """The analysis as plain values (a step's output): its fields, and its usage's (both flat
    dataclasses of plain values, so a shallow copy is the whole of it, unlike `asdict`'s deep one)."""
    return {**vars(analysis), "usage": dict(vars(analysis.usage))}


@durable_step("wf1.fill")
def fill_unsure(runtime: Runtime, run: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """`--unsure`: the model's answer to an encoded entry's unsure fields, as the update to write
    (a paid call: checkpointed, never bought twice)."""
    record = runtime.store.get(ViralDNA, entry_id)
    before = analysis_of_entry(record)
    after = cascade(before, runtime.provider(run.get("provider")), stored_transcript(record), title=record.title,
                    source_type=record.source_type or SourceType.UNKNOWN,
                    token_budget=runtime.ai.condense_token_budget, workflow=NAME, entry_id=entry_id)
    return {"changes": unsure_changes(before, after), "analysis": analysis_values(after)}


@final_step("wf1.rules_first")
def rules_first(runtime: Runtime, entry: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """Cascade in batch mode: the free rules' analysis, written at once (no paid call) when they are
    sure of every field, else handed back for the batch to ask the unsure ones (with "title" only
    when written). A final step: redone on resume at no cost."""
    analysis = analyse_dna(RuleProvider(), transcript_of(source), mode="combined",
                           **analysis_keywords(runtime, entry, source))
    values = analysis_values(analysis)
    if analysis.unsure:
        return {"analysis": values}
    return {**write_entry(runtime, entry["id"], decoded_changes(entry, source, values)), "analysis": values}


analyse = durable_step("wf1.analyse")(analysis_of)
"""The analysis as a step of its own when it is a paid call: its answer is checkpointed, never bought twice."""


@final_step("wf1.analyse_and_write")
def analyse_and_write(
    runtime: Runtime, run: dict[str, Any], entry: dict[str, Any], source: dict[str, Any]
) -> dict[str, Any]:
    """The free rule-based analysis and the write in one final step: redoing the analysis costs
    nothing, so it needs no checkpoint of its own."""
    analysis = analysis_of(runtime, run, entry, source)
    return {**write_entry(runtime, entry["id"], decoded_changes(entry, source, analysis)), "analysis": analysis}


def write_entry(runtime: Runtime, entry_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """S03: one update with every decoded field; returns the title the entry ends with."""
    written = update_entry(runtime.store, ViralDNA, entry_id, changes)
    return {"title": written.title}


def mark_entry_failed(runtime: Runtime, entry_id: str, reason: str) -> None:
    update_entry(
        runtime.store,
        ViralDNA,
        entry_id,
        {"status": DNAStatus.FAILED, "error_reason": reason[:1900], "processed_at": utcnow()},
    )


write = final_step("wf1.write")(write_entry)
record_failure = durable_step("wf1.record_failure")(mark_entry_failed)


# ---- the entry's workflow --------------------------------------------------------------------


@entry_workflow("yp.wf1.entry", NAME)
def encode_entry(run: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """Read, analyse, write; a failure of the entry is recorded on it, never raised.

    In batch mode (`run["batch"]`) the entry is only made ready here: the outcome is
    "prepared" and carries what the batch workflow asks about (see `prepared`, wf1_batch).
    """
    outcome = EntryOutcome(id=entry["id"], title=entry.get("title") or "", status=Outcome.DONE)
    if run.get("unsure") and run.get("batch") and entry.get("unsure"):  # asked when the batch is sent
        outcome.status, outcome.detail = Outcome.PREPARED, {**labels_of(entry), "ask_model": list(entry["unsure"])}
        return outcome.to_dict()
    if run.get("unsure"):
        return fill_entry(run, entry, outcome)
    try:
        source = read_source(entry) if run.get("checkpoint_read", True) else fetch_source(entry)
        if run.get("batch"):
            return prepared(run, entry, source, outcome)
        if run.get("free_analysis"):
            written = analyse_and_write(run, entry, source)
            analysis = written["analysis"]
        else:
            analysis = analyse(run, entry, source)
            written = write(entry["id"], decoded_changes(entry, source, analysis))
        outcome.title = written["title"]
        outcome.detail = decoded_detail(source, analysis)
    except STOPPING:
        raise
    except Exception as exc:  # one bad entry must never stop the run
        if removed_meanwhile(exc):
            outcome.status, outcome.error = Outcome.SKIPPED, REMOVED_REASON.format(what="entry", reason=reason_of(exc))
            return outcome.to_dict()
        outcome.status = Outcome.FAILED
        outcome.error = reason_of(exc)
        try:
            record_failure(entry["id"], outcome.error)
        except STOPPING:
            raise
        except Exception as write_exc:  # noqa: BLE001
            outcome.error += f" (and the failure could not be recorded: {reason_of(write_exc)})"
    return outcome.to_dict()


def prepared(run: dict[str, Any], entry: dict[str, Any], source: dict[str, Any],
             outcome: EntryOutcome) -> dict[str, Any]:
    """Batch mode: the read entry, ready for the batch workflow (see wf1_batch).

    In cascade mode the free rules decide first: an entry they are sure of is written at once and
    never reaches the batch; the others carry the rules' analysis, and their unsure fields are all
    the batch asks."""
    outcome.detail = {"source_type": source["source_type"], "transcript_source": source["transcript_source"]}
    if not run.get("cascade"):
        outcome.status = Outcome.PREPARED
        return {**outcome.to_dict(), "source": source}
    first = rules_first(entry, source)
    rules = first["analysis"]
    if "title" in first:
        outcome.title, outcome.detail = first["title"], decoded_detail(source, rules)
        return outcome.to_dict()
    outcome.status = Outcome.PREPARED
    outcome.detail["ask_model"] = rules["unsure"]
    return {**outcome.to_dict(), "source": source, "rules": rules}


def fill_entry(run: dict[str, Any], entry: dict[str, Any], outcome: EntryOutcome) -> dict[str, Any]:
    """`--unsure`: ask the model for the entry's unsure fields and write them. A failure leaves the
    encoded entry as it was (it is not marked Failed: what the rules decoded still stands)."""
    try:
        filled = fill_unsure(run, outcome.id)
        written = write(outcome.id, filled["changes"])
        outcome.title = written["title"]
        outcome.detail = decoded_detail(labels_of(entry), filled["analysis"])
    except STOPPING:
        raise
    except Exception as exc:  # noqa: BLE001 - one entry's answer must never stop the run
        outcome.status, outcome.error = Outcome.FAILED, reason_of(exc)
    return outcome.to_dict()


def decoded_changes(entry: dict[str, Any], source: dict[str, Any], analysis: dict[str, Any]) -> dict[str, Any]:
    """The one update WF1 makes: only the fields it owns."""
    changes: dict[str, Any] = {
        "source_type": SourceType(source["source_type"]),
        "transcript": transcript_of(source).text,
        "transcript_source": TranscriptSource(source["transcript_source"]),
        "perspective": analysis["perspective"],
        "hook": analysis["hook"],
        "hook_pattern": analysis["hook_pattern"],
        "open_loop": analysis["open_loop"],
        "niche_tags": _merge_tags(entry.get("niche_tags") or [], analysis["niche_tags"]),
        "confidence": analysis.get("confidence") or {},
        "unsure": analysis.get("unsure") or [],
        "needs_review": bool(analysis.get("unsure")),
        "status": DNAStatus.ENCODED,
        "error_reason": None,
        "processed_at": utcnow(),
    }
    if source.get("title") and entry.get("title") == default_title(entry.get("url") or ""):
        changes["title"] = source["title"]
    if source.get("views") is not None:
        changes["views"] = source["views"]
    if source.get("duration") is not None:
        changes["duration_seconds"] = float(source["duration"])
    return changes


def decoded_detail(source: dict[str, Any], analysis: dict[str, Any]) -> dict[str, Any]:
    """What a finished entry shows in the run's summary (`source`: what was read, or `labels_of` the entry)."""
    return {
        "source_type": source["source_type"],
        "transcript_source": source["transcript_source"],
        "perspective": analysis["perspective"],
        "hook": analysis["hook"],
        "hook_pattern": analysis["hook_pattern"],
        "open_loop": analysis["open_loop"],
        "niche_tags": analysis["niche_tags"],
        "unsure": analysis.get("unsure") or [],
        "cost_usd": analysis["usage"]["cost_usd"],
    }


def labels_of(entry: dict[str, Any]) -> dict[str, Any]:
    """How a decoded entry was read, as its run's summary shows it (`decoded_detail`'s source)."""
    return {"source_type": entry.get("source_type") or "-", "transcript_source": entry.get("transcript_source") or "-"}


def transcript_of(source: dict[str, Any]) -> Transcript:
    return Transcript(
        TranscriptSource(source["transcript_source"]),
        [Segment(text, start, end) for text, start, end in source["segments"]],
        language=source.get("language"),
    )


# ---- selection, plans, estimates -------------------------------------------------------------


def waiting_in_batches(runtime: Runtime) -> set[str]:
    """Entries whose analysis is in a Message Batch not yet collected (none without a ledger)."""
    if not (runtime.state_dir / LEDGER_DB).exists():
        return set()
    from ..ai.batch import pending_entry_ids
    from ..ai.ledger import CostLedger

    return pending_entry_ids(CostLedger(runtime.state_dir))


def select(runtime: Runtime, options: RunOptions) -> list[EntryRef]:
    """S17 with the run's options applied, leaving out entries waiting in a batch; with `--unsure`,
    the encoded entries that still have unsure fields."""
    args = options.args_as(DecodeArgs)
    waiting = waiting_in_batches(runtime)
    limit = None if waiting else options.limit
    if args.unsure:
        model_route(runtime, options)
        # a field a person filled in since is not asked (nothing left: the entry is only marked reviewed)
        entries = [e.model_copy(update={"unsure": still_unsure(e)})
                   for e in fetch_unsure_dna(runtime.store, limit=limit)]
        mode = "prepare-fill" if args.batch else "fill"
    else:
        entries = fetch_unprocessed_dna(runtime.store, include_failed=options.retry_failed, limit=limit)
        mode = ("prepare-cascade" if cascading(runtime, options) else "prepare") if args.batch else "encode"
    return [entry_ref(e, mode) for e in entries if e.id not in waiting][: options.limit or None]


def explain_empty(runtime: Runtime, options: RunOptions) -> str:
    """Why no entry waits to be decoded, and what to do."""
    counts: dict[DNAStatus, int] = {}
    unsure = 0
    for entry in iter_records(runtime.store, ViralDNA):
        counts[entry.status] = counts.get(entry.status, 0) + 1
        unsure += entry.needs_review and entry.status == DNAStatus.ENCODED
    if not counts:
        return "no Viral DNA yet: add a reference with `yp dna add URL`"
    waiting = len(waiting_in_batches(runtime))
    parts = [f"{counts.get(DNAStatus.ENCODED, 0)} decoded"]
    if unsure and not options.args_as(DecodeArgs).unsure:
        parts.append(f"{unsure} with unsure fields (`yp run wf1 --unsure` asks a model for those only)")
    if waiting:
        parts.append(f"{waiting} in a Message Batch (`yp run wf1 --resume` collects them)")
    failed = counts.get(DNAStatus.FAILED, 0)
    if failed and not options.retry_failed:
        parts.append(f"{failed} failed (`yp run wf1 --retry-failed`, or `yp dna retry ID` for one)")
    return "0 Viral DNA entries wait to be decoded: " + ", ".join(parts) + "; `yp dna add URL` adds one"


def entry_ref(entry: ViralDNA, mode: str = "encode") -> EntryRef:
    """The entry as the workflow's input; its purpose changes when the entry does (a retry after
    a failure, an edited URL), so each state of an entry is encoded at most once."""
    payload = entry.model_dump(mode="json", exclude={"transcript", "perspective", "hook", "open_loop"})
    fingerprint = "|".join(
        str(x) for x in (entry.url, entry.status.value, entry.error_reason, entry.processed_at)
    )
    purpose = f"{mode}-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    return EntryRef(id=entry.id or "", title=entry.title, payload=payload, purpose=purpose)


def model_route(runtime: Runtime, options: RunOptions) -> str:
    """The provider (and model) that unsure fields go to; a ConfigError when it is the rules."""
    from ..ai.router import ProviderPlan

    route = ProviderPlan(runtime.ai, options.provider).route("S05")
    if route.provider == "rules":
        raise ConfigError("unsure fields are for a model to decide: set `provider: anthropic` or `openai` in "
                          "config/ai_config.yaml, or pass --provider")
    return route.provider + (f" ({route.model})" if route.model else "")


def cascading(runtime: Runtime, options: RunOptions) -> bool:
    """Cascade mode with a model to cascade to (with the rules alone, unsure fields stay unsure)."""
    from ..ai.router import ProviderPlan

    return runtime.ai.analysis == "cascade" and ProviderPlan(runtime.ai, options.provider).route("S05").provider != "rules"


def plan(runtime: Runtime, entry: EntryRef, options: RunOptions) -> EntryOutcome:
    """Dry run: what would be done, with no network and no writes."""
    args = options.args_as(DecodeArgs)
    in_batch = {"batch": True} if args.batch else {}
    if args.unsure:
        fields = list(entry.payload.get("unsure") or [])
        nothing = {} if fields else {"route": "nothing left to ask (filled in by a person): marked reviewed"}
        return EntryOutcome(id=entry.id, title=entry.title, status=Outcome.PLANNED,
                            detail={"source_type": entry.payload.get("source_type") or "-", "ask_model": fields,
                                    "model": model_route(runtime, options), **in_batch, **nothing})
    source_type = classify_info_type(entry.payload.get("url") or "", _source_type(entry.payload))
    return EntryOutcome(
        id=entry.id,
        title=entry.title,
        status=Outcome.PLANNED,
        detail={"source_type": source_type.value, "url": entry.payload.get("url"), "route": _route(source_type),
                **({"cascade": model_route(runtime, options)} if cascading(runtime, options) else {}), **in_batch},
    )


def estimate(runtime: Runtime, entry_count: int, options: RunOptions) -> float:
    """The most `entry_count` entries can cost with the configured provider, models and mode."""
    from ..ai.router import estimate_cost

    args = options.args_as(DecodeArgs)
    budget = runtime.ai.condense_token_budget
    if args.unsure:  # each entry's own unsure fields, as `dna show` prices them
        calls = [planned_fill(budget, entry.payload["unsure"])
                 for entry in select(runtime, options)[:entry_count] if entry.payload.get("unsure")]
    elif cascading(runtime, options):  # at most: every field of every entry
        calls = [planned_fill(budget)] * entry_count
    else:
        calls = planned_requests(runtime.ai.analysis_mode, budget) * entry_count
    return estimate_cost(runtime.ai, calls, override=options.provider, batch=args.batch).usd


def run_args(runtime: Runtime, options: RunOptions) -> dict[str, Any]:
    """Whether the analysis is free (the rule provider answers S05), and so whether the read is
    checkpointed as a whole, fixed for the whole run. A workflow's steps follow from its inputs:
    one an older version started (whose inputs lack "checkpoint_read") replays its own steps."""
    from ..ai.router import ProviderPlan

    free = ProviderPlan(runtime.ai, options.provider).route("S05").provider == "rules"
    return {"free_analysis": free, "cascade": cascading(runtime, options),
            "checkpoint_read": not free or options.args_as(DecodeArgs).batch}


WORKFLOW = WorkflowDef(
    name=NAME,
    title="Viral DNA decoding",
    collection="viral_dna",
    entry=encode_entry,
    select=select,
    plan=plan,
    estimate=estimate,
    run_args=run_args,
    explain_empty=explain_empty,
)


# ---- helpers ---------------------------------------------------------------------------------


def entry_media_dir(runtime: Runtime, entry_id: str):  # noqa: ANN201
    return runtime.media_dir / re.sub(r"[^A-Za-z0-9_.-]", "_", entry_id)[:80]


def _source_type(payload: dict[str, Any]) -> SourceType | None:
    value = payload.get("source_type")
    return SourceType(value) if value else None


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
