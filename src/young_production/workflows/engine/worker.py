"""Several workers on one queue: `yp run wf1 --enqueue` submits, `yp worker` processes.

`enqueue_entries` selects the entries like a normal run, records the run ("queued"), puts
each entry's durable workflow on the shared DBOS queue under its stable id, and returns
without running anything: it talks to the system database through a `DBOSClient`,
so it never starts executing work itself. Submitting the same entries twice (two
terminals, a retry) attaches to the workflows already queued: nothing is done twice.

`run_worker` launches the engine listening on that queue (`worker_concurrency`
entries at once per worker), beats its heartbeat, adopts the unfinished work of
workers that went silent, and settles queued runs whose entries have all ended (one
worker claims each run: its summary, last-run file and processed entries are written
once). It stops when `stop` is set (SIGINT/SIGTERM in the CLI): it takes no new entry,
gives running ones `grace_sec` to finish, and leaves the rest pending for any other
worker, which adopts them at once.

On SQLite one worker is the supported setup (DBOS's queue limiter is per calendar
second there, and concurrent dequeuers have double-executed): use Postgres for more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from dbos import DBOS, DBOSClient

from ...config import Workspace
from ...runtime import Runtime
from . import logs
from .base import EntryOutcome, Outcome, RunOptions, StateFiles, WorkflowResult, new_result
from .attempts import current_attempt, entry_base_id
from .durable import APP_NAME, WorkflowDef, pick_workflow
from .runner import ENTRY_QUEUE, Engine, options_json, run_args_of, system_database_url
from .runs import RunRecords, finish_and_write_last_run, is_postgres

log = logging.getLogger(__name__)

FINISHED = ("SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED")
SQLITE_NOTICE = (
    "the engine runs on SQLite: one worker per workspace is the supported setup; "
    "set engine.database_url to a Postgres database in config/pipeline.yaml for more"
)


def enqueue_entries(workspace: Workspace, workflow: WorkflowDef, options: RunOptions | None = None) -> WorkflowResult:
    """Submit a run's entries to the workers' queue and return at once (nothing runs here).

    The result lists the entries submitted (status "queued"); `yp runs show RUN_ID` follows them.
    """
    options = options or RunOptions()
    result = new_result(workflow.name, dry_run=False)
    with Runtime(workspace.require(), provider_override=options.provider) as runtime:
        runtime.provider(options.provider)  # a bad key or price stops here, before anything is queued
        entries = workflow.select(runtime, options)
        run_args = run_args_of(workflow, runtime, result.run_id, options)
    url = system_database_url(workspace)
    DBOS.migrate(url)  # the tables exist once any engine launched here; a client alone cannot make them
    client = DBOSClient(system_database_url=url, application_name=APP_NAME)
    records = RunRecords(url)
    try:
        records.start_run(result.run_id, workflow.name, "enqueue", options_json(options), "queueing")
        for entry in entries:
            workflow_id = current_attempt(entry_base_id(workflow, entry), client, queue=ENTRY_QUEUE)
            records.add_entry(result.run_id, entry.id, workflow_id, entry.title)
            client.enqueue(
                {
                    "workflow_name": workflow.entry.yp_name,  # type: ignore[attr-defined]
                    "queue_name": ENTRY_QUEUE,
                    "workflow_id": workflow_id,
                    "attributes": {"run_id": result.run_id, "workflow": workflow.name, "entry": entry.id},
                },
                run_args,
                entry.payload,
            )
            result.entries.append(
                EntryOutcome(id=entry.id, title=entry.title, status=Outcome.QUEUED, workflow_id=workflow_id))
        records.claim_run(result.run_id, "queueing", "queued")
    finally:
        client.destroy()
        records.close()
    result.selected = len(entries)
    result.close()
    return result


# ---- the worker ------------------------------------------------------------------------------


def run_worker(
    workspace: Workspace,
    workflows: Mapping[str, WorkflowDef],
    stop: threading.Event,
    *,
    concurrency: int | None = None,
    verbose: bool = False,
    grace_sec: int = 5,
    idle_exit: bool = False,
    on_notice: Callable[[str], None] | None = None,
) -> int:
    """Process queued entries until `stop` is set (or, with `idle_exit`, until nothing is left).

    Returns the number of runs this worker settled.
    """
    engine = Engine(workspace, workflows, verbose=verbose, listen=True, concurrency=concurrency)
    if not is_postgres(engine.url) and on_notice is not None:
        on_notice(SQLITE_NOTICE)
    engine.launch()
    settled = 0
    interrupted = False
    try:
        logs.log_event("worker started", executor=engine.executor_id)
        tick = min(engine.settings.heartbeat_sec, 2.0)
        while not stop.wait(tick):
            engine.adopt_orphans()
            settled += settle_queued_runs(engine)
            if idle_exit and not _work_left(engine):
                settled += settle_queued_runs(engine)
                break
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        logs.log_event("worker stopping", executor=engine.executor_id)
        engine.close(interrupted=interrupted, grace_sec=grace_sec)
    return settled


def _work_left(engine: Engine) -> bool:
    left = DBOS.list_workflows(status=["ENQUEUED", "PENDING"], load_input=False, load_output=False)
    return any((s.name or "").startswith("yp.") for s in left)


def settle_queued_runs(engine: Engine) -> int:
    """Finish the records of queued runs whose entries have all ended; returns how many."""
    assert engine.records is not None
    settled = 0
    for run_id in engine.records.runs_with_status("queued"):
        run = engine.records.get_run(run_id)
        if run is None:
            continue
        ids = [e["workflow_id"] for e in run["entries"]]
        statuses = {s.workflow_id: s for s in DBOS.list_workflows(workflow_ids=ids, load_input=False)} if ids else {}
        outcomes = [statuses.get(i) for i in ids]
        stopped = next((s for s in outcomes if s is not None and _outcome(s).get("status") == Outcome.STOPPED), None)
        if stopped is not None:
            _cancel_waiting(ids, statuses)  # the account stopped: the others would stop too, one call each
        if any(s is None or s.status not in FINISHED for s in outcomes):
            continue
        if not engine.records.claim_run(run_id, "queued", "settling"):
            continue  # another worker settles it
        _settle(engine, run, statuses)
        settled += 1
    return settled


def _outcome(status: Any) -> dict[str, Any]:
    return status.output if isinstance(status.output, dict) else {}


def _cancel_waiting(ids: list[str], statuses: dict[str, Any]) -> None:
    for workflow_id in ids:
        status = statuses.get(workflow_id)
        if status is not None and status.status == "ENQUEUED":
            DBOS.cancel_workflow(workflow_id)
            statuses[workflow_id] = DBOS.get_workflow_status(workflow_id) or status


def _settle(engine: Engine, run: dict[str, Any], statuses: dict[str, Any]) -> None:
    assert engine.records is not None
    workflow = pick_workflow(engine.workflows, run["workflow"])
    result = WorkflowResult(workflow=run["workflow"], run_id=run["run_id"], started_at=run["started_at"], dry_run=False)
    result.selected = len(run["entries"])
    state = StateFiles(engine.state_dir)
    for entry in run["entries"]:
        status = statuses.get(entry["workflow_id"])
        data = _outcome(status) if status is not None else {}
        if data.get("status") == Outcome.STOPPED:
            result.stopped_reason = result.stopped_reason or data.get("error")
            continue
        if not data:
            continue  # cancelled before it started (the run stopped): left for the next run
        outcome = EntryOutcome.from_dict(data)
        outcome.workflow_id = entry["workflow_id"]
        engine.record_outcome(workflow, result, outcome)
    result.close()
    finish_and_write_last_run(engine.records, state, result, "stopped" if result.stopped_reason else "finished")
