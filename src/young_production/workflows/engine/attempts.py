"""Which workflow id an entry runs under: attempts, forks, and work adopted from other processes.

An entry's durable workflow id is `<workflow>:<entry>:<purpose>`. An entry stopped by
an account-level failure (no credit, a revoked key, the spending limit) or left waiting
for a person ends with outcome "stopped"/"waiting" and its entry untouched; the next run
forks that workflow from where it ended, under `<base>~<n>`, keeping the steps before
it (a transcription is not paid for twice). Work a dead process left, or an older
version of the package, is adopted here too.
"""

from __future__ import annotations

from typing import Any

from dbos import DBOS, SetWorkflowID

from . import durable
from .durable import APP_NAME, RESUMABLE, STOPPING, EntryRef, WorkflowDef, attempt_base

def _attempt_number(workflow_id: str, base: str) -> int:
    tail = workflow_id[len(base) :]
    return int(tail[1:]) if tail.startswith("~") and tail[1:].isdigit() else 1


def attempts_of(bases: list[str], api: Any = DBOS, *, chunk: int = 200) -> dict[str, list[Any]]:
    """The attempts every one of these base ids has so far, in one query per `chunk` ids
    (a run looks them up once, not once per entry)."""
    found: dict[str, list[Any]] = {base: [] for base in bases}
    for start in range(0, len(bases), chunk):
        part = bases[start : start + chunk]
        for status in api.list_workflows(workflow_id_prefix=part, load_input=False):
            base = attempt_base(status.workflow_id)
            if base in found:
                found[base].append(status)
    return found


def current_attempt(base: str, api: Any = DBOS, *, queue: str | None = None, known: list[Any] | None = None) -> str:
    """The workflow id to start for `base`: the latest attempt, or a fork of a stopped one.

    `api` is `DBOS` in a launched process, or a `DBOSClient` where DBOS is not launched
    (`yp run --enqueue`); `queue` is where a fork waits for a worker (default: DBOS's own).
    `known`: the attempts `attempts_of` found at the start of the run (else they are looked up).
    """
    if known is None:
        known = api.list_workflows(workflow_id_prefix=base, load_input=False)
    found = [s for s in known if s.workflow_id == base or s.workflow_id.startswith(base + "~")]
    if not found:
        return base
    latest = max(found, key=lambda s: _attempt_number(s.workflow_id, base))
    number = _attempt_number(latest.workflow_id, base)
    output = latest.output if isinstance(latest.output, dict) else {}
    if latest.status == "SUCCESS" and output.get("status") in RESUMABLE:
        start = _resume_step(api, latest.workflow_id)
        return _fork(api, latest.workflow_id, f"{base}~{number + 1}", start, durable.APP_VERSION, queue)
    if latest.status in ("ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"):
        return f"{base}~{number + 1}"  # something unexpected ended it: start afresh
    return latest.workflow_id


def next_attempt(base: str, api: Any = DBOS) -> str:
    """A new attempt for `base` however the last one ended (to decide again what was decided);
    an attempt still running or waiting is joined instead, so two runs never start two."""
    found = [
        s
        for s in api.list_workflows(workflow_id_prefix=base, load_input=False, load_output=False)
        if s.workflow_id == base or s.workflow_id.startswith(base + "~")
    ]
    if not found:
        return base
    latest = max(found, key=lambda s: _attempt_number(s.workflow_id, base))
    if latest.status in ("PENDING", "ENQUEUED"):
        return latest.workflow_id
    return f"{base}~{_attempt_number(latest.workflow_id, base) + 1}"


def _resume_step(api: Any, workflow_id: str) -> int:
    """Where to fork an entry that ended without finishing: the first step that raised a
    stopping error, else the wait for a person's decision that ran out, else after the last step."""
    steps = api.list_workflow_steps(workflow_id)
    for step in steps:
        if isinstance(step.get("error"), STOPPING):
            return int(step["function_id"])
    for step in steps:
        if step.get("function_name") == "DBOS.recv" and step.get("output") is None:
            return int(step["function_id"])
    return int(steps[-1]["function_id"]) + 1 if steps else 0


def _fork(api: Any, workflow_id: str, new_id: str, start_step: int, version: str | None, queue: str | None) -> str:
    """Fork `workflow_id` as `new_id`; a fork another process made first is as good as ours."""
    try:
        with SetWorkflowID(new_id):
            api.fork_workflow(workflow_id, start_step, application_version=version, queue_name=queue)
    except Exception:
        if not api.list_workflows(workflow_ids=[new_id], load_input=False, load_output=False):
            raise
    return new_id


def adopt_pending(executor_ids: list[str]) -> list[tuple[str, str]]:
    """Resume unfinished workflows of these executors (any worker of the workspace runs them).

    Workflows of the current application version are re-enqueued by DBOS as they are;
    those left by an older version of the package (pending, or queued for a version no
    worker runs any more) are forked onto this version from their last finished step
    (DBOS would otherwise never run them again), and the old one is cancelled. Returns
    the (old, new) ids of those forks.
    """
    if not executor_ids:
        return []
    forks: list[tuple[str, str]] = []
    stale = [
        s
        for s in DBOS.list_workflows(status=["PENDING"], executor_id=executor_ids, load_input=False, load_output=False)
        if s.app_version != durable.APP_VERSION
    ]
    stale += [
        s
        for s in DBOS.list_workflows(status=["ENQUEUED"], load_input=False, load_output=False)
        if s.app_version and s.app_version != durable.APP_VERSION and s.app_version.startswith(APP_NAME)
    ]
    for status in stale:
        if not (status.name or "").startswith("yp."):
            continue
        steps = DBOS.list_workflow_steps(status.workflow_id)
        start = int(steps[-1]["function_id"]) + 1 if steps else 0
        base, _, number = status.workflow_id.partition("~")
        new_id = f"{base}~{int(number or 1) + 1}"
        _fork(DBOS, status.workflow_id, new_id, start, durable.APP_VERSION, status.queue_name or None)
        DBOS.cancel_workflow(status.workflow_id)
        forks.append((status.workflow_id, new_id))
    DBOS._recover_pending_workflows(executor_ids)  # noqa: SLF001 (the documented recovery entry point)
    return forks


def entry_base_id(workflow: WorkflowDef, entry: EntryRef) -> str:
    """The stable id of an entry's durable workflow, before any `~n` attempt number."""
    return f"{workflow.name.lower()}:{entry.id}:{entry.purpose}"
