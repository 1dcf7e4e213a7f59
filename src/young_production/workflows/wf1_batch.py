"""WF1 with the analysis sent as one Message Batch (half price), as a durable workflow.

`submit_wf1_batch` (`yp run wf1 --batch`) runs each entry's read step durably (the
same `wf1.read` a normal run checkpoints), then starts one durable workflow,
`yp.wf1.batch`, for the run. That workflow submits every prepared entry's analysis
as a single batch, then waits for it: a durable wait that outlives the process, so
whichever process of the workspace starts next (any `yp` run, a `yp worker`) carries
on, and `yp run wf1 --resume` wakes it to look at once. When the batch has ended,
each answer is written back with the one update a normal run makes; deliveries are
marked in the ledger, so a result is written once even if the collecting step is
repeated after a crash.

With `analysis: cascade` the read step also runs the free rules: an entry they are sure
of is written at once, and the batch carries only the others, each asking for its unsure
fields with the rules' confident ones as context (the request a non-batch cascade sends).
With `--unsure` the batch asks for the unsure fields of entries decoded earlier, from the
transcript kept on the entry. Either way an answer fills only the fields it was asked for.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from dbos import DBOS, SetWorkflowID

from pydantic import BaseModel

from ..ai.base import AIRequest
from ..ai.batch import BatchResult, collect_batch, schema_ref, submit_batch
from ..ai.ledger import CostLedger
from ..ai.router import ProviderPlan
from ..errors import BudgetExceeded, ConfigError, NotFound, YPError
from ..records import DNAStatus, SourceType, ViralDNA
from ..runtime import Runtime
from ..skills.dna.cascade import (
    analysis_from_dict,
    analysis_of_entry,
    fill_schema,
    merged,
    stored_transcript,
    unsure_changes,
    unsure_request,
)
from ..skills.dna.decode import DNAAnalysisAnswer, analysis_from_answer, dna_request
from .args import DecodeArgs
from .engine import messages
from .engine.base import EntryOutcome, Outcome, Reporter, RunOptions, StateFiles, WorkflowResult, new_result
from .engine.durable import durable_step, reason_of, stop_reason
from .engine.runner import Engine
from .engine.runs import finish_and_write_last_run
from .wf1 import (
    NAME,
    WORKFLOW,
    analysis_keywords,
    analysis_values,
    decoded_changes,
    decoded_detail,
    labels_of,
    mark_entry_failed,
    transcript_of,
    write_entry,
)

BATCH_WORKFLOW = "yp.wf1.batch"
POLL_SEC = 600.0  # between looks at a running batch; `--resume` wakes the workflow sooner
POKE_TOPIC = "look-now"


def require_claude_for_batches(runtime_ai: Any, override: str | None, *, unsure: bool = False) -> None:
    route = ProviderPlan(runtime_ai, override).route("S05")
    if route.provider != "anthropic":
        raise ConfigError(
            f"batch mode sends the analysis through Claude's Message Batches API, but S05 runs on "
            f"{route.provider!r}: set `provider: anthropic` in ai_config.yaml or pass --provider anthropic"
        )
    one_call = unsure or runtime_ai.analysis == "cascade" or runtime_ai.analysis_mode == "combined"
    if not one_call:
        raise ConfigError("batch mode needs `analysis_mode: combined` (or `analysis: cascade`) in ai_config.yaml")


# ---- the batch's durable workflow ------------------------------------------------------------


@durable_step("wf1.batch_submit", attempts=1)
def submit(runtime: Runtime, run: dict[str, Any], prepared: list[dict[str, Any]]) -> str:
    """Build every prepared entry's request from its checkpointed read, and send one batch."""
    items = [(item["id"], *request_of(runtime, item)) for item in prepared]
    return submit_batch(
        items, ai_config=runtime.ai, ledger=CostLedger(runtime.state_dir), run_id=run["run_id"], workflow=NAME
    )


def request_of(runtime: Runtime, item: dict[str, Any]) -> tuple[AIRequest, type[BaseModel]]:
    """A prepared entry's question: the whole analysis, or only its unsure fields (`item["fields"]`)."""
    fields = tuple(item.get("fields") or ())
    if item.get("fill"):  # `--unsure`: from what the entry holds now
        record = runtime.store.get(ViralDNA, item["id"])
        known = replace(analysis_of_entry(record), unsure=list(fields))
        request = unsure_request(known, stored_transcript(record), title=record.title,
                                 source_type=record.source_type or SourceType.UNKNOWN,
                                 token_budget=runtime.ai.condense_token_budget, workflow=NAME, entry_id=item["id"])
        return request, fill_schema(fields)
    read = DBOS.retrieve_workflow(item["workflow_id"]).get_result()
    source = read["source"]
    common = analysis_keywords(runtime, {"id": item["id"], "title": item["title"]}, source)
    if fields:  # cascade: the rules' unsure fields, their confident ones as context
        rules = replace(analysis_from_dict(read["rules"]), unsure=list(fields))
        return unsure_request(rules, transcript_of(source), **common), fill_schema(fields)
    return dna_request(transcript_of(source), **common), DNAAnalysisAnswer


@durable_step("wf1.batch_collect")
def collect(runtime: Runtime, batch_id: str, prepared: list[dict[str, Any]]) -> dict[str, Any]:
    """Write back every answer of the batch if it has ended; else say it is still running."""
    by_id = {item["id"]: item for item in prepared}
    outcomes: list[dict[str, Any]] = []

    def deliver(result: BatchResult) -> None:
        outcome = write_back(runtime, result, by_id)
        if outcome is not None:
            outcomes.append(outcome.to_dict())

    fills = {fill_schema(tuple(item["fields"])) for item in prepared if item.get("fields")}
    report = collect_batch(deliver, ai_config=runtime.ai, ledger=CostLedger(runtime.state_dir), batch_id=batch_id,
                           schemas={schema_ref(schema): schema for schema in fills})
    return {"pending": bool(report.pending_batches), "outcomes": outcomes}


def write_back(runtime: Runtime, result: BatchResult, prepared: dict[str, dict[str, Any]]) -> EntryOutcome | None:
    """One answer onto its entry; None when there is nothing to write (gone or already written)."""
    entry_id = result.entry_id or result.custom_id
    item = prepared.get(entry_id)
    try:
        entry = runtime.store.get(ViralDNA, entry_id)
    except NotFound:
        return None
    if item is None or already_written(entry, item):
        return None  # written by an earlier delivery of the same result
    outcome = EntryOutcome(id=entry_id, title=entry.title, status=Outcome.DONE, workflow_id=item["workflow_id"])
    if result.answer is not None:
        try:
            written = write_answer(runtime, entry, item, result)
            outcome.title, outcome.detail = written["title"], written["detail"]
        except YPError as exc:
            outcome.status, outcome.error = Outcome.FAILED, str(exc)
    elif result.retryable:
        outcome.status, outcome.error = Outcome.STOPPED, f"not answered ({result.error}); the next run retries it"
    else:
        outcome.status, outcome.error = Outcome.FAILED, result.error or "the batch answer was rejected"
    if outcome.status == Outcome.FAILED and not item.get("fill"):  # a fill's failure leaves what the rules decoded
        mark_entry_failed(runtime, entry_id, outcome.error or "")
    return outcome


def already_written(entry: ViralDNA, item: dict[str, Any]) -> bool:
    """Whether the entry no longer waits for this answer (an earlier delivery wrote it)."""
    if item.get("fill"):
        return not set(item["fields"]) & set(entry.unsure)
    return bool(entry.perspective) or (entry.needs_review and entry.status is DNAStatus.ENCODED)


def write_answer(runtime: Runtime, entry: ViralDNA, item: dict[str, Any], result: BatchResult) -> dict[str, Any]:
    """The answer's one update, as a non-batch run makes it: the title written and the run's detail."""
    assert result.answer is not None
    if item.get("fill"):
        before = analysis_of_entry(entry)
        after = merged(before, result.answer)
        written = write_entry(runtime, entry.id or "", unsure_changes(before, after))
        labels = labels_of(entry.model_dump(mode="json"))
        return {**written, "detail": decoded_detail(labels, analysis_values(after))}
    read = DBOS.retrieve_workflow(item["workflow_id"]).get_result()
    if item.get("fields"):
        analysis = merged(analysis_from_dict(read["rules"]), result.answer)
    else:
        analysis = analysis_from_answer(result.answer)
    decoded = analysis_values(analysis)
    changes = decoded_changes(entry.model_dump(mode="json"), read["source"], decoded)
    written = write_entry(runtime, entry.id or "", changes)
    return {**written, "detail": decoded_detail(read["source"], decoded)}


@DBOS.workflow(name=BATCH_WORKFLOW)
def analyse_in_batch(run: dict[str, Any], prepared: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        batch_id = submit(run, prepared)
    except BudgetExceeded as exc:
        return {"batch_id": None, "stopped": stop_reason(exc), "outcomes": []}
    DBOS.set_event("batch_id", batch_id)
    while True:
        found = collect(batch_id, prepared)
        if not found["pending"]:
            return {"batch_id": batch_id, "stopped": None, "outcomes": found["outcomes"]}
        messages.wait_for(POKE_TOPIC, POLL_SEC)  # a poke (`--resume`) or the poll interval, whichever first


# ---- what the CLI calls ----------------------------------------------------------------------


def submit_wf1_batch(engine: Engine, options: RunOptions, *, reporter: Reporter | None = None) -> WorkflowResult:
    """Prepare every unprocessed entry durably and send their analysis as one Message Batch."""
    args = replace(options.args_as(DecodeArgs), batch=True)
    require_claude_for_batches(engine.runtime.ai, options.provider, unsure=args.unsure)
    options = replace(options, args=args)
    result = engine.run("wf1", options, reporter=reporter)
    if options.dry_run:
        return result
    prepared = [
        {"id": e.id, "title": e.title, "workflow_id": e.workflow_id, "fill": args.unsure,
         "fields": e.detail.get("ask_model")}
        for e in result.entries if e.status == Outcome.PREPARED
    ]
    if prepared:
        run = {"run_id": result.run_id, "provider": options.provider}
        workflow_id = f"wf1-batch:{result.run_id}"
        with SetWorkflowID(workflow_id):
            DBOS.start_workflow(analyse_in_batch, run, prepared)
        batch_id = DBOS.get_event(workflow_id, "batch_id", timeout_seconds=120)
        if batch_id:
            result.batch_ids.append(batch_id)
        else:
            status = DBOS.retrieve_workflow(workflow_id).get_result()
            result.stopped_reason = status.get("stopped") or "the batch could not be submitted"
    assert engine.records is not None
    status = "stopped" if result.stopped_reason else "finished"  # the batch's id and outcome join the run's record
    finish_and_write_last_run(engine.records, StateFiles(engine.state_dir), result, status)
    return result


def collect_wf1_batches(engine: Engine, *, wait_sec: float = 30.0, reporter: Reporter | None = None) -> WorkflowResult:
    """Wake every batch workflow of the workspace, and gather what the ended ones wrote back."""
    assert engine.records is not None
    result = new_result(NAME, dry_run=False)
    engine.records.start_run(result.run_id, NAME, engine.executor_id, {"resume": True}, "running")
    waiting = DBOS.list_workflows(name=BATCH_WORKFLOW, status=["PENDING", "ENQUEUED"], load_input=False)
    for status in waiting:
        DBOS.send(status.workflow_id, "look", topic=POKE_TOPIC)
    deadline = time.monotonic() + wait_sec
    still: list[str] = []
    state = StateFiles(engine.state_dir)
    for status in waiting:
        outcome = _wait_for(status.workflow_id, deadline)
        if outcome is None:
            still.append(status.workflow_id)
            continue
        if outcome.get("batch_id"):
            result.batch_ids.append(outcome["batch_id"])
        for data in outcome.get("outcomes", []):
            engine.record_outcome(WORKFLOW, result, EntryOutcome.from_dict(data), reporter)
    result.selected = len(result.entries)
    if still:
        result.stopped_reason = f"batch still processing ({len(still)} run(s)): run `yp run wf1 --resume` later"
    result.close()
    finish_and_write_last_run(engine.records, state, result, "stopped" if result.stopped_reason else "finished")
    return result


def _wait_for(workflow_id: str, deadline: float) -> dict[str, Any] | None:
    while True:
        status = DBOS.get_workflow_status(workflow_id)
        if status is not None and status.status == "SUCCESS":
            return DBOS.retrieve_workflow(workflow_id).get_result()
        if status is not None and status.status in ("ERROR", "CANCELLED"):
            raise YPError(f"the batch workflow {workflow_id} ended with an error: {reason_of(status.error)}")
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.5)
