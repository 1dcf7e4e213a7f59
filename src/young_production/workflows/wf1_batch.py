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
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from dbos import DBOS, SetWorkflowID

from ..ai.batch import BatchResult, collect_batch, submit_batch
from ..ai.ledger import CostLedger
from ..ai.router import ProviderPlan
from ..errors import BudgetExceeded, ConfigError, NotFound, YPError
from ..records import SourceType, ViralDNA
from ..runtime import Runtime
from ..skills.dna.decode import DNAAnalysisAnswer, analysis_from_answer, dna_request
from .args import DecodeArgs
from .engine.base import EntryOutcome, Reporter, RunOptions, StateFiles, WorkflowResult, new_result
from .engine.durable import durable_step, reason_of, stop_reason
from .engine.runner import Engine
from .engine.runs import finish_and_write_last_run
from .wf1 import NAME, WORKFLOW, decoded_changes, decoded_detail, mark_entry_failed, transcript_of, write_entry

BATCH_WORKFLOW = "yp.wf1.batch"
POLL_SEC = 600.0  # between looks at a running batch; `--resume` wakes the workflow sooner
POKE_TOPIC = "look-now"


def require_claude_for_batches(runtime_ai: Any, override: str | None) -> None:
    route = ProviderPlan(runtime_ai, override).route("S05")
    if route.provider != "anthropic":
        raise ConfigError(
            f"batch mode sends the analysis through Claude's Message Batches API, but S05 runs on "
            f"{route.provider!r}: set `provider: anthropic` in ai_config.yaml or pass --provider anthropic"
        )
    if runtime_ai.analysis_mode != "combined":
        raise ConfigError("batch mode needs `analysis_mode: combined` in ai_config.yaml")


# ---- the batch's durable workflow ------------------------------------------------------------


@durable_step("wf1.batch_submit", attempts=1)
def submit(runtime: Runtime, run: dict[str, Any], prepared: list[dict[str, Any]]) -> str:
    """Build every prepared entry's request from its checkpointed read, and send one batch."""
    items = []
    for item in prepared:
        source = DBOS.retrieve_workflow(item["workflow_id"]).get_result()["source"]
        request = dna_request(
            transcript_of(source),
            title=source.get("title") or item["title"],
            source_type=SourceType(source["source_type"]),
            token_budget=runtime.ai.condense_token_budget,
            workflow=NAME,
            entry_id=item["id"],
        )
        items.append((item["id"], request, DNAAnalysisAnswer))
    return submit_batch(
        items, ai_config=runtime.ai, ledger=CostLedger(runtime.state_dir), run_id=run["run_id"], workflow=NAME
    )


@durable_step("wf1.batch_collect")
def collect(runtime: Runtime, batch_id: str, prepared: list[dict[str, Any]]) -> dict[str, Any]:
    """Write back every answer of the batch if it has ended; else say it is still running."""
    by_id = {item["id"]: item for item in prepared}
    outcomes: list[dict[str, Any]] = []

    def deliver(result: BatchResult) -> None:
        outcome = write_back(runtime, result, by_id)
        if outcome is not None:
            outcomes.append(outcome.to_dict())

    report = collect_batch(deliver, ai_config=runtime.ai, ledger=CostLedger(runtime.state_dir), batch_id=batch_id)
    return {"pending": bool(report.pending_batches), "outcomes": outcomes}


def write_back(runtime: Runtime, result: BatchResult, prepared: dict[str, dict[str, Any]]) -> EntryOutcome | None:
    """One answer onto its entry; None when there is nothing to write (gone or already written)."""
    entry_id = result.entry_id or result.custom_id
    item = prepared.get(entry_id)
    try:
        entry = runtime.store.get(ViralDNA, entry_id)
    except NotFound:
        return None
    if entry.perspective or item is None:
        return None  # written by an earlier delivery of the same result
    outcome = EntryOutcome(id=entry_id, title=entry.title, status="done", workflow_id=item["workflow_id"])
    if result.answer is not None:
        try:
            analysis = analysis_from_answer(result.answer)
            source = DBOS.retrieve_workflow(item["workflow_id"]).get_result()["source"]
            payload = entry.model_dump(mode="json")
            as_dict = {**analysis.__dict__, "usage": analysis.usage.__dict__}
            written = write_entry(runtime, entry_id, decoded_changes(payload, source, as_dict))
            outcome.title = written["title"]
            outcome.detail = decoded_detail(source, as_dict)
        except YPError as exc:
            outcome.status, outcome.error = "failed", str(exc)
    elif result.retryable:
        outcome.status, outcome.error = "stopped", f"not answered ({result.error}); the next run retries it"
    else:
        outcome.status, outcome.error = "failed", result.error or "the batch answer was rejected"
    if outcome.status == "failed":
        mark_entry_failed(runtime, entry_id, outcome.error or "")
    return outcome


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
        DBOS.recv(POKE_TOPIC, timeout_seconds=POLL_SEC)


# ---- what the CLI calls ----------------------------------------------------------------------


def submit_wf1_batch(engine: Engine, options: RunOptions, *, reporter: Reporter | None = None) -> WorkflowResult:
    """Prepare every unprocessed entry durably and send their analysis as one Message Batch."""
    require_claude_for_batches(engine.runtime.ai, options.provider)
    options = replace(options, args=replace(options.args_as(DecodeArgs), batch=True))
    result = engine.run("wf1", options, reporter=reporter)
    if options.dry_run:
        return result
    prepared = [
        {"id": e.id, "title": e.title, "workflow_id": e.workflow_id} for e in result.entries if e.status == "prepared"
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
            entry = EntryOutcome.from_dict(data)
            result.entries.append(entry)
            if entry.status == "done":
                engine.records.mark_finished(WORKFLOW.collection, NAME, result.run_id, entry.id)
            if reporter is not None:
                reporter.entry_done(entry)
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
