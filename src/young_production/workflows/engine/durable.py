"""What a workflow module is made of: entries, steps and the workflow of one entry (on DBOS).

A workflow module (wf1 ... wf5) declares its `WORKFLOW` (a `WorkflowDef`): how it
selects entries, the durable workflow each entry runs (`entry_workflow`), made of
checkpointed steps (`durable_step`) whose inputs and outputs are plain values. A step
function takes the runtime (store, providers, config) as its first argument: the decorator
hands it the running engine's, so the workflow calls `read_source(entry)` and DBOS sees
only the plain values. The engine is bound here once per process at launch because DBOS
itself is a process-wide singleton that calls workflows by name, with no way to pass an
object along; this module is the one place that holds it (`bind` / `unbind`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from dbos import DBOS
from dbos._error import DBOSMaxStepRetriesExceeded

from ... import __version__
from ...ai.answers import answer_scope
from ...ai.metered import billing_run
from ...errors import AccountError, BudgetExceeded, ConfigError, NotFound, TransientError, YPError
from ...runtime import Runtime
from . import activity, logs
from .base import EntryOutcome, Outcome, RunOptions
from .cpu_pool import CpuPool, needs_cpu
from .runs import RunRecords

APP_NAME = "young-production"
APP_VERSION = f"{APP_NAME}-{__version__}"


STOPPING = (AccountError, BudgetExceeded, ConfigError)
"""Errors about the account or the machine, not the entry: they stop the run."""

RESUMABLE = (Outcome.STOPPED, Outcome.WAITING)
"""Outcomes of an entry left unfinished (a stop, a decision not made in time): the next run
forks its workflow from where it ended instead of returning this outcome again."""

F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class EntryRef:
    """One selected entry: its id, a title for people, the workflow's (serialisable) input."""

    id: str
    title: str
    payload: dict[str, Any]
    purpose: str  # what this run does to the entry; part of the durable workflow id
    fresh: bool = False  # start a new attempt even when the last one finished (`yp run wf2 --again`)


@dataclass
class WorkflowDef:
    """What the engine needs to know about one workflow (each module defines its own).

    `entry` is the function `entry_workflow` made; its DBOS name is `entry.yp_name`.
    """

    name: str  # "WF1"
    title: str  # "Viral DNA decoding"
    collection: str  # key in state/processed_entries.json
    entry: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]  # the DBOS workflow
    select: Callable[[Runtime, RunOptions], list[EntryRef]]
    plan: Callable[[Runtime, EntryRef, RunOptions], EntryOutcome]
    estimate: Callable[[Runtime, int, RunOptions], float | None] | None = None
    # Values from config the entries need, fixed at the start of the run (so a workflow
    # resumed by another process, with another config, still does what this run meant).
    run_args: Callable[[Runtime, RunOptions], dict[str, Any]] | None = None
    # Why a run selected nothing, and what to do about it (one line for a person).
    explain_empty: Callable[[Runtime, RunOptions], str] | None = None


def pick_workflow(workflows: Mapping[str, WorkflowDef], name: str) -> WorkflowDef:
    """The workflow `name` ("wf1" or "WF1") among `workflows`; an unknown name is a user error."""
    found = workflows.get(name.strip().lower())
    if found is None:
        raise YPError(f"unknown workflow {name!r}: use one of {', '.join(sorted(workflows))}")
    return found


# ---- what steps see (set by the engine running in this process) -------------------------------

@dataclass
class _Bound:
    """What the engine running in this process lends its steps."""

    runtime: Runtime
    pool: CpuPool | None
    records: RunRecords | None = None
    call_owner: str | None = None  # who this process's paid calls are booked for (`<executor id>#<process>`)


_bound: _Bound | None = None


def bind(runtime: Runtime, pool: CpuPool | None) -> None:
    """Lend these to the process's steps (the engine calls this first at launch, `unbind` at close)."""
    global _bound
    if _bound is not None:
        raise YPError("an engine is already running in this process")
    _bound = _Bound(runtime, pool)


def own_calls_as(owner: str) -> None:
    """Book this process's paid calls as `owner` (`<executor id>#<process>`): when the process is
    found dead, whoever adopts its executor's work settles the calls it left in flight."""
    _engine().call_owner = owner


def attach_records(records: RunRecords) -> None:
    _engine().records = records


def unbind() -> None:
    global _bound
    _bound = None


def _engine() -> _Bound:
    if _bound is None:
        raise YPError("no engine is running in this process")
    return _bound


def active_records() -> RunRecords:
    """The engine's own tables (decisions, runs) in this process."""
    records = _engine().records
    if records is None:
        raise YPError("no engine is running in this process")
    return records


def transcribe(content: Any) -> Any:
    """S04 for a step: Whisper and OCR in the engine's worker processes, the rest in this thread.
    How far Whisper has got goes on the activity board ("transcribing 2:13 of 3:41")."""
    engine = _engine()
    runtime = engine.runtime
    if not needs_cpu(content):
        return runtime.transcriber.transcribe(content)
    scope = logs.current_scope.get()
    entry_id = scope.entry_id if scope is not None else ""
    activity.step(entry_id, activity.transcribing(0, getattr(content, "duration", None)))

    def progress(done: float, total: float | None) -> None:
        activity.step(entry_id, activity.transcribing(done, total))

    if engine.pool is not None:
        return engine.pool.transcribe(content, progress)
    return runtime.transcriber.transcribe(content, on_progress=progress)


RETRY_INTERVAL_SEC = 1.0  # a step's first retry after a TransientError waits this long,
RETRY_BACKOFF = 2.0  # and each further one this many times longer


def durable_step(
    name: str, *, attempts: int = 3
) -> Callable[[Callable[Concatenate[Runtime, P], R]], Callable[P, R]]:
    """A checkpointed step: retried only on `TransientError`, timed and logged once per attempt.
    The step function's first argument is the runtime, handed in here; callers pass the rest."""

    def decorate(func: Callable[Concatenate[Runtime, P], R]) -> Callable[P, R]:
        timed = _timed(name, func, lambda: step_execution_name(name))
        return DBOS.step(  # type: ignore[return-value]
            name=name,
            retries_allowed=attempts > 1,
            max_attempts=attempts,
            interval_seconds=RETRY_INTERVAL_SEC,
            backoff_rate=RETRY_BACKOFF,
            should_retry=lambda exc: isinstance(exc, TransientError),
        )(timed)

    return decorate


def final_step(
    name: str, *, attempts: int = 3
) -> Callable[[Callable[Concatenate[Runtime, P], R]], Callable[P, R]]:
    """An entry's last step, run in its workflow with no checkpoint of its own: the workflow's
    outcome, recorded right after it, is its checkpoint.

    A process killed between the step and that record runs the step again on resume, exactly as
    it runs again a step killed before its own checkpoint: the window is one transaction either
    way. What it saves is DBOS's bookkeeping of one step (a look for a recorded result before it,
    a checkpoint after it), about a sixth of the engine's cost on a caption-only WF1 entry. So it
    only suits the last work of an entry, whose output no later step needs and which may run twice
    (a store write of the same values). Timed, logged and retried on `TransientError` like a step.
    """

    def decorate(func: Callable[Concatenate[Runtime, P], R]) -> Callable[P, R]:
        timed = _timed(name, func, lambda: final_step_name(name))

        @wraps(timed)
        def retried(*args: Any, **kwargs: Any) -> Any:
            attempt = 1
            while True:
                try:
                    return timed(*args, **kwargs)
                except TransientError:
                    if attempt >= attempts:
                        raise
                    time.sleep(RETRY_INTERVAL_SEC * RETRY_BACKOFF ** (attempt - 1))
                    attempt += 1

        return retried  # type: ignore[return-value]

    return decorate


def _timed(name: str, func: Callable[..., Any], scope_name: Callable[[], str | None]) -> Callable[..., Any]:
    """`func` with the running engine's runtime handed in, on the activity board, its paid calls
    keyed under `scope_name()`, and one log record per attempt."""

    @wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        runtime = _engine().runtime
        scope = logs.current_scope.get()
        if scope is not None:
            activity.step(scope.entry_id, activity.step_words(name))
        started = time.perf_counter()
        try:
            with answer_scope(scope_name()):
                value = func(runtime, *args, **kwargs)
        except BaseException as exc:
            logs.log_step(name, time.perf_counter() - started, "error", f"{type(exc).__name__}: {exc}")
            raise
        logs.log_step(name, time.perf_counter() - started, "ok")
        return value

    del timed.__wrapped__  # its signature is the callers' (without the runtime), not `func`'s
    return timed


_ATTEMPT = re.compile(r"~\d+$")


def attempt_base(workflow_id: str) -> str:
    """An entry's workflow id without its attempt number (`wf1:e:p~3` -> `wf1:e:p`; see attempts.py)."""
    return _ATTEMPT.sub("", workflow_id)


def step_execution_name(step: str) -> str | None:
    """What a step's paid calls are keyed under: the entry's workflow without its attempt number
    (a fork replays the same calls), the step's position in it and its name."""
    workflow_id, position = DBOS.workflow_id, DBOS.step_id
    if not workflow_id or position is None:
        return None
    return f"{attempt_base(workflow_id)}#{position}:{step}"


def final_step_name(step: str) -> str | None:
    """What a final step's paid calls are keyed under: as a step's, with `final` for its position
    (it takes none in DBOS's count, and is the entry's last whatever came before it)."""
    workflow_id = DBOS.workflow_id
    return f"{attempt_base(workflow_id)}#final:{step}" if workflow_id else None


def entry_workflow(name: str, workflow: str) -> Callable[[F], F]:
    """The durable workflow of one entry: scopes its logs and costs to the run, and turns a
    run-stopping error into a "stopped" outcome (the entry is left untouched)."""

    def decorate(func: F) -> F:
        @wraps(func)
        def run(run_args: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
            entry_id = str(payload.get("id") or "")
            scope = logs.StepScope(run_args.get("run_id", ""), workflow, entry_id)
            token = logs.current_scope.set(scope)
            activity.start(entry_id, str(payload.get("title") or entry_id))
            started = time.perf_counter()
            try:
                with billing_run(run_args.get("run_id"), _engine().call_owner):
                    outcome: dict[str, Any] = func(run_args, payload)
            except STOPPING as exc:
                outcome = EntryOutcome(id=entry_id, title=str(payload.get("title") or ""), status=Outcome.STOPPED).to_dict()
                outcome["error"] = stop_reason(exc)
            finally:
                activity.end(entry_id)
                logs.current_scope.reset(token)
            outcome["seconds"] = round(time.perf_counter() - started, 3)
            return outcome

        registered = DBOS.workflow(name=name)(run)
        registered.yp_name = name  # type: ignore[attr-defined]  (what a queue submits by)
        return registered  # type: ignore[return-value]

    return decorate


def unwrap(exc: BaseException) -> BaseException:
    """The error behind DBOS's "step exceeded its retries" wrapper (the last attempt's)."""
    errors = getattr(exc, "errors", None) if isinstance(exc, DBOSMaxStepRetriesExceeded) else None
    return errors[-1] if errors else exc


def reason_of(exc: BaseException) -> str:
    """A failure as a person reads it: our own messages as they are, anything else with its type."""
    exc = unwrap(exc)
    if isinstance(exc, YPError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


REMOVED_REASON = "skipped: the {what} was removed while the run was going ({reason}); nothing written"


def removed_meanwhile(exc: BaseException) -> bool:
    """Whether a step failed because its record was removed (or trashed) after it was selected."""
    return isinstance(unwrap(exc), NotFound)


def stop_reason(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceeded):
        return f"spending limit reached: {exc}"
    return str(exc)
