"""The durable engine every workflow runs on (DBOS Transact).

A run selects entries (Viral DNA, productions, Empires) and runs each one as a DBOS
workflow whose expensive or unsafe-to-repeat work (a download, a transcription, a
paid AI call, a store write) is a checkpointed step. The workflow id is derived from
the workflow, the entry and what the run is for (`EntryRef.purpose`), so starting it
twice (a rerun, a second terminal, a worker on another machine) returns the first
result instead of repeating finished steps, and a process killed mid-entry resumes
at the interrupted step when any process of this workspace starts again.

Attempts: an entry stopped by an account-level failure (no credit, a revoked key,
the spending limit) ends with outcome "stopped" and its entry untouched; the next
run forks that workflow from the step that stopped, under the id `<base>~<n>`,
keeping the steps before it (a transcription is not paid for twice).

DBOS is a process-wide singleton, so is the engine: one `Engine` is active per
process at a time, and steps reach the process's store and providers through
`active_runtime()`, never through their (serialised) arguments.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from dbos import DBOS, SetWorkflowAttributes, SetWorkflowID
from dbos._error import DBOSMaxStepRetriesExceeded

from .. import __version__
from ..ai.metered import billing_run
from ..config import Workspace
from ..errors import AccountError, BudgetExceeded, ConfigError, TransientError, WorkspaceError, YPError
from ..runtime import Runtime
from ..skills.transcription import Transcriber
from . import logs
from .base import EntryOutcome, Reporter, RunOptions, SilentReporter, StateFiles, WorkflowResult, new_result
from .cpu_pool import CpuPool, needs_cpu
from .executors import ExecutorSlot, RunLock, dead_executor_ids
from .runs import RunRecords, is_postgres

APP_NAME = "young-production"
APP_VERSION = f"{APP_NAME}-{__version__}"
REGISTRY: dict[str, str] = {
    "wf1": "young_production.workflows.wf1",
    "wf2": "young_production.workflows.wf2",
    "wf3": "young_production.workflows.wf3",
    "wf4": "young_production.workflows.wf4",
    "wf5": "young_production.workflows.wf5",
}
"""Workflow name -> the module that defines its `WORKFLOW` (a `WorkflowDef`)."""
DURABLE_MODULES = ("young_production.workflows.wf1_batch",)
"""Modules with durable workflows of their own (beyond entry workflows), imported before launch."""

ENTRY_QUEUE = "yp-entries"
"""The DBOS queue `yp run --enqueue` submits entries to and `yp worker` processes consume."""
QUEUE_POLL_SEC = 0.5  # a worker looks for new entries this often (a free slot waits at most this long)

STOPPING = (AccountError, BudgetExceeded, ConfigError)
"""Errors about the account or the machine, not the entry: they stop the run."""

RESUMABLE = ("stopped", "waiting")
"""Outcomes of an entry left unfinished (a stop, a decision not made in time): the next run
forks its workflow from where it ended instead of returning this outcome again."""

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class EntryRef:
    """One selected entry: its id, a title for people, the workflow's (serialisable) input."""

    id: str
    title: str
    payload: dict[str, Any]
    purpose: str  # what this run does to the entry; part of the durable workflow id


@dataclass
class WorkflowDef:
    """What the engine needs to know about one workflow (each module defines its own).

    `entry` is the function `entry_workflow` made; its DBOS name is `entry.yp_name`.
    """

    name: str  # "WF1"
    title: str  # "Viral DNA encoding"
    collection: str  # key in state/processed_entries.json
    entry: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]  # the DBOS workflow
    select: Callable[[Runtime, RunOptions], list[EntryRef]]
    plan: Callable[[Runtime, EntryRef, RunOptions], EntryOutcome]
    estimate: Callable[[Runtime, int, RunOptions], float | None] | None = None
    # Values from config the entries need, fixed at the start of the run (so a workflow
    # resumed by another process, with another config, still does what this run meant).
    run_args: Callable[[Runtime, RunOptions], dict[str, Any]] | None = None


def load_workflow(name: str) -> WorkflowDef:
    key = name.lower()
    if key not in REGISTRY:
        raise YPError(f"unknown workflow {name!r}: use one of {', '.join(sorted(REGISTRY))}")
    return importlib.import_module(REGISTRY[key]).WORKFLOW  # type: ignore[no-any-return]


# ---- what steps see -------------------------------------------------------------------------

_active: Runtime | None = None
_records: RunRecords | None = None
_active_pool: CpuPool | None = None


def active_runtime() -> Runtime:
    """The runtime of the engine running in this process (steps call this, never build their own)."""
    if _active is None:
        raise YPError("no engine is running in this process")
    return _active


def active_records() -> RunRecords:
    """The engine's own tables (decisions, runs) in this process."""
    if _records is None:
        raise YPError("no engine is running in this process")
    return _records


def transcribe(content: Any) -> Any:
    """S04 for a step: Whisper and OCR in the engine's worker processes, the rest in this thread."""
    runtime = active_runtime()
    if _active_pool is not None and needs_cpu(content):
        return _active_pool.transcribe(content)
    return runtime.transcriber.transcribe(content)


def durable_step(name: str, *, attempts: int = 3) -> Callable[[F], F]:
    """A checkpointed step: retried only on `TransientError`, timed and logged once per attempt."""

    def decorate(func: F) -> F:
        @wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                value = func(*args, **kwargs)
            except BaseException as exc:
                logs.log_step(name, time.perf_counter() - started, "error", f"{type(exc).__name__}: {exc}")
                raise
            logs.log_step(name, time.perf_counter() - started, "ok")
            return value

        return DBOS.step(  # type: ignore[return-value]
            name=name,
            retries_allowed=attempts > 1,
            max_attempts=attempts,
            interval_seconds=1.0,
            backoff_rate=2.0,
            should_retry=lambda exc: isinstance(exc, TransientError),
        )(timed)

    return decorate


def entry_workflow(name: str, workflow: str) -> Callable[[F], F]:
    """The durable workflow of one entry: scopes its logs and costs to the run, turns a
    run-stopping error into a "stopped" outcome (the entry is left untouched), and marks
    finished entries processed."""

    def decorate(func: F) -> F:
        @wraps(func)
        def run(run_args: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
            entry_id = str(payload.get("id") or "")
            scope = logs.StepScope(run_args.get("run_id", ""), workflow, entry_id)
            token = logs.current_scope.set(scope)
            started = time.perf_counter()
            try:
                with billing_run(run_args.get("run_id")):
                    outcome: dict[str, Any] = func(run_args, payload)
            except STOPPING as exc:
                outcome = asdict(EntryOutcome(id=entry_id, title=str(payload.get("title") or ""), status="stopped"))
                outcome["error"] = stop_reason(exc)
            finally:
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


def stop_reason(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceeded):
        return f"spending limit reached: {exc}"
    return str(exc)


# ---- the engine ------------------------------------------------------------------------------


def require_writable(folder: Path) -> None:
    """Refuse to start (before any entry is touched) when the state folder cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise WorkspaceError(
            f"the workspace's state folder {folder} is not writable ({exc.strerror or exc}): "
            "runs keep their checkpoints and records there"
        ) from None


def system_database_url(workspace: Workspace) -> str:
    """DBOS's system database: `engine.database_url` in pipeline.yaml, else SQLite in state/."""
    url = workspace.pipeline_config().engine.database_url
    if url:
        return url
    return f"sqlite:///{(workspace.state_dir / 'engine.sqlite').resolve()}"


class Engine:
    """Launches DBOS for one workspace and runs workflows on it; a context manager.

    `listen`: also take entries from the shared queue (`yp worker`); a plain run only
    runs what it selected (and whatever dead processes left, which any process adopts).
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        provider_override: str | None = None,
        verbose: bool = False,
        transcriber: Transcriber | None = None,
        listen: bool = False,
        concurrency: int | None = None,
    ):
        self.workspace = workspace.require()
        pipeline = workspace.pipeline_config()
        self.settings = pipeline.engine
        self.url = system_database_url(workspace)
        self.runtime = Runtime(
            workspace, provider_override=provider_override, transcriber=transcriber,
            notion_pacer=_shared_notion_pacer(workspace, self.url),
        )
        # Tests hand in one loaded model for every engine; then transcription stays in-process.
        self.cpu_pool = None if transcriber is not None else CpuPool(pipeline.transcription, self.settings.cpu_processes)
        self.verbose = verbose
        self.listen = listen
        self.concurrency = concurrency or pipeline.workers
        self.slot: ExecutorSlot | None = None
        self.records: RunRecords | None = None
        self._log_handlers: list[logging.Handler] = []
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> Engine:
        self.launch()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(interrupted=exc_type is KeyboardInterrupt)

    def launch(self) -> None:
        global _active, _active_pool
        if _active is not None:
            raise YPError("an engine is already running in this process")
        for module in (*REGISTRY.values(), *DURABLE_MODULES):  # DBOS must know every workflow before launch
            importlib.import_module(module)
        require_writable(self.state_dir)
        self.slot = ExecutorSlot.acquire(self.state_dir, self.workspace.root)
        self._log_handlers = logs.attach(self.workspace.root / "logs", verbose=self.verbose)
        _quiet_dbos(self.verbose)
        DBOS(
            config={
                "name": APP_NAME,
                "system_database_url": self.url,
                "application_version": APP_VERSION,
                "executor_id": self.slot.executor_id,
                "log_level": "INFO" if self.verbose else "ERROR",
            }
        )
        DBOS.listen_queues([ENTRY_QUEUE] if self.listen else [])
        _active, _active_pool = self.runtime, self.cpu_pool
        try:
            DBOS.launch()
            if self.listen:
                DBOS.register_queue(
                    ENTRY_QUEUE, worker_concurrency=self.concurrency, polling_interval_sec=QUEUE_POLL_SEC,
                    on_conflict="always_update",
                )
            self.records = RunRecords(self.url)
            global _records
            _records = self.records
            self.records.interrupt_runs_of(self.executor_id)  # a run this slot drove before a crash
            self.adopt_orphans(at_launch=True)
        except BaseException:
            self.close()
            raise
        self._heartbeat = threading.Thread(target=self._beat, name="yp-heartbeat", daemon=True)
        self._heartbeat.start()

    def close(self, *, interrupted: bool = False, grace_sec: int = 0) -> None:
        """Shut down. Running entries get `grace_sec` to finish; what is left stays pending and is
        finished by the next process (on Postgres: by any worker, at once). After an interrupt,
        running workflows are left to the process exit."""
        global _active, _active_pool
        self._stop.set()
        if not interrupted:
            DBOS.destroy(workflow_completion_timeout_sec=grace_sec)
        if self.cpu_pool is not None:  # steps still waiting on it stop unrecorded (see EngineStopping)
            self.cpu_pool.close(kill=interrupted)
        if not interrupted:
            # Workflows still waiting in this process (a batch's durable wait) resume in the next
            # one; what their threads say when they find DBOS gone is noise, not news.
            logging.getLogger("dbos").setLevel(logging.CRITICAL + 1)
            self.runtime.close()
            if self.runtime.notion_pacer is not None:
                self.runtime.notion_pacer.close()
        if self.records is not None and self.slot is not None:
            try:  # gone: another worker adopts what this process left without waiting for silence
                self.records.mark_gone(self.slot.executor_id)
            except Exception:  # noqa: BLE001 (best effort at shutdown; heartbeats expire anyway)
                pass
        logs.detach(self._log_handlers)
        self._log_handlers = []
        _active, _active_pool = None, None
        global _records
        _records = None
        if self.slot is not None and not interrupted:
            self.slot.release()

    @property
    def state_dir(self):  # noqa: ANN201
        return self.workspace.state_dir

    @property
    def executor_id(self) -> str:
        assert self.slot is not None
        return self.slot.executor_id

    def _beat(self) -> None:
        while not self._stop.wait(self.settings.heartbeat_sec if self.records else 0.1):
            try:
                assert self.records is not None
                self.records.heartbeat(self.executor_id, socket.gethostname(), os.getpid())
            except Exception:  # noqa: BLE001 (a missed beat only delays adoption)
                continue

    def adopt_orphans(self, *, at_launch: bool = False) -> list[str]:
        """Finish what dead processes of this workspace left: same-machine slots whose lock
        is free, and executors anywhere whose heartbeat stopped. Returns the adopted ids.

        At launch this process's own executor id is adopted too (a process that crashed in
        this slot left it); later never, since its pending workflows are running here.
        """
        assert self.records is not None and self.slot is not None
        self.records.heartbeat(self.executor_id, socket.gethostname(), os.getpid())
        dead = set(dead_executor_ids(self.state_dir, self.workspace.root, self.slot))
        dead |= set(self.records.silent_executors(self.settings.executor_timeout_sec))
        dead.discard(self.executor_id)
        for old, new in adopt_pending(sorted(dead | ({self.executor_id} if at_launch else set()))):
            self.records.repoint_entries(old, new)
        for executor in dead:
            self.records.interrupt_runs_of(executor)
            self.records.forget_executor(executor)
        return sorted(dead)

    # ---- runs ----------------------------------------------------------------------------
    def run(self, name: str, options: RunOptions | None = None, *, reporter: Reporter | None = None) -> WorkflowResult:
        """Select the workflow's entries and run each durably; returns the run's result."""
        assert self.records is not None
        options = options or RunOptions()
        reporter = reporter or SilentReporter()
        workflow = load_workflow(name)
        result = new_result(workflow.name, options.dry_run)
        self.runtime.provider(options.provider)  # a bad key or price stops here, before any work
        if options.dry_run:
            return plan_workflow(self.runtime, name, options, reporter=reporter)
        with self.recorded_run(workflow, options, result, reporter) as (entries, state):
            self._run_entries(workflow, entries, options, result, reporter, state)
        return result

    @contextmanager
    def recorded_run(
        self, workflow: WorkflowDef, options: RunOptions, result: WorkflowResult, reporter: Reporter
    ) -> Iterator[tuple[list[EntryRef], StateFiles]]:
        """A run's bookkeeping around its body: the run lock, the run record, the selection,
        and at the end (however it ends) the result, the last-run file and the record's status."""
        assert self.records is not None
        state = StateFiles(self.state_dir)
        with RunLock(self.state_dir, workflow.name, result.run_id):
            self.records.start_run(result.run_id, workflow.name, self.executor_id, options_json(options), "running")
            entries = workflow.select(self.runtime, options)
            result.selected = len(entries)
            reporter.start(len(entries))
            try:
                yield entries, state
            except KeyboardInterrupt:
                result.stopped_reason = "interrupted"
                raise
            finally:
                reporter.finish()
                result.close()
                state.save_last_run(result)
                status = "interrupted" if result.stopped_reason == "interrupted" else (
                    "stopped" if result.stopped_reason else "finished"
                )
                self.records.finish_run(result.run_id, status, result.summary())

    def _run_entries(
        self,
        workflow: WorkflowDef,
        entries: list[EntryRef],
        options: RunOptions,
        result: WorkflowResult,
        reporter: Reporter,
        state: StateFiles,
    ) -> None:
        run_args = self.run_args_for(workflow, result.run_id, options)
        workers = max(1, options.workers or self.runtime.pipeline.workers)
        pending = iter(entries)
        stop = False
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"yp-{workflow.name.lower()}")
        running: set[Future[EntryOutcome]] = set()

        def submit_next() -> None:
            entry = None if stop else next(pending, None)
            if entry is not None:
                running.add(pool.submit(self.run_entry, workflow, entry, run_args))

        try:
            for _ in range(workers):
                submit_next()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    running.discard(future)
                    outcome = future.result()
                    if outcome.status == "stopped":
                        stop = True
                        result.stopped_reason = result.stopped_reason or outcome.error
                        continue
                    result.entries.append(outcome)
                    if outcome.status == "done":
                        state.mark_processed(workflow.collection, outcome.id)
                    reporter.entry_done(outcome)
                    submit_next()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def start_entry(self, workflow: WorkflowDef, entry: EntryRef, run_args: dict[str, Any]) -> tuple[Any, str]:
        """Start (or join) the entry's durable workflow without waiting: (handle, workflow id)."""
        assert self.records is not None
        workflow_id = current_attempt(entry_base_id(workflow, entry))
        self.records.add_entry(run_args["run_id"], entry.id, workflow_id, entry.title)
        attributes = {"run_id": run_args["run_id"], "workflow": workflow.name, "entry": entry.id}
        with SetWorkflowID(workflow_id), SetWorkflowAttributes(attributes):
            handle = DBOS.start_workflow(workflow.entry, run_args, entry.payload)
        return handle, workflow_id

    def run_entry(self, workflow: WorkflowDef, entry: EntryRef, run_args: dict[str, Any]) -> EntryOutcome:
        """Run (or join, or fetch the result of) the entry's durable workflow."""
        handle, workflow_id = self.start_entry(workflow, entry, run_args)
        outcome = EntryOutcome.from_dict(handle.get_result())
        outcome.workflow_id = workflow_id
        return outcome

    def run_args_for(self, workflow: WorkflowDef, run_id: str, options: RunOptions) -> dict[str, Any]:
        """What every entry workflow of a run receives: the run id, the provider, the options."""
        args = {"run_id": run_id, "provider": options.provider, **options.extra}
        if workflow.run_args is not None:
            args.update(workflow.run_args(self.runtime, options))
        return args


# ---- attempts and adoption -------------------------------------------------------------------


def _attempt_number(workflow_id: str, base: str) -> int:
    tail = workflow_id[len(base) :]
    return int(tail[1:]) if tail.startswith("~") and tail[1:].isdigit() else 1


def current_attempt(base: str, api: Any = DBOS, *, queue: str | None = None) -> str:
    """The workflow id to start for `base`: the latest attempt, or a fork of a stopped one.

    `api` is `DBOS` in a launched process, or a `DBOSClient` where DBOS is not launched
    (`yp run --enqueue`); `queue` is where a fork waits for a worker (default: DBOS's own).
    """
    found = [
        s
        for s in api.list_workflows(workflow_id_prefix=base, load_input=False)
        if s.workflow_id == base or s.workflow_id.startswith(base + "~")
    ]
    if not found:
        return base
    latest = max(found, key=lambda s: _attempt_number(s.workflow_id, base))
    number = _attempt_number(latest.workflow_id, base)
    output = latest.output if isinstance(latest.output, dict) else {}
    if latest.status == "SUCCESS" and output.get("status") in RESUMABLE:
        start = _resume_step(api, latest.workflow_id)
        return _fork(api, latest.workflow_id, f"{base}~{number + 1}", start, APP_VERSION, queue)
    if latest.status in ("ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"):
        return f"{base}~{number + 1}"  # something unexpected ended it: start afresh
    return latest.workflow_id


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
        if s.app_version != APP_VERSION
    ]
    stale += [
        s
        for s in DBOS.list_workflows(status=["ENQUEUED"], load_input=False, load_output=False)
        if s.app_version and s.app_version != APP_VERSION and s.app_version.startswith(APP_NAME)
    ]
    for status in stale:
        if not (status.name or "").startswith("yp."):
            continue
        steps = DBOS.list_workflow_steps(status.workflow_id)
        start = int(steps[-1]["function_id"]) + 1 if steps else 0
        base, _, number = status.workflow_id.partition("~")
        new_id = f"{base}~{int(number or 1) + 1}"
        _fork(DBOS, status.workflow_id, new_id, start, APP_VERSION, status.queue_name or None)
        DBOS.cancel_workflow(status.workflow_id)
        forks.append((status.workflow_id, new_id))
    DBOS._recover_pending_workflows(executor_ids)  # noqa: SLF001 (the documented recovery entry point)
    return forks


def plan_workflow(
    runtime: Runtime, name: str, options: RunOptions | None = None, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """A dry run: what the workflow would do and cost, with no engine, no network and no writes."""
    options = options or RunOptions(dry_run=True)
    reporter = reporter or SilentReporter()
    workflow = load_workflow(name)
    result = new_result(workflow.name, dry_run=True)
    runtime.provider(options.provider)  # the same key and price checks a real run makes first
    entries = workflow.select(runtime, options)
    result.selected = len(entries)
    reporter.start(len(entries))
    for entry in entries:
        outcome = workflow.plan(runtime, entry, options)
        result.entries.append(outcome)
        reporter.entry_done(outcome)
    if workflow.estimate is not None:
        result.estimated_cost_usd = workflow.estimate(runtime, len(entries), options)
    reporter.finish()
    result.close()
    return result


def entry_base_id(workflow: WorkflowDef, entry: EntryRef) -> str:
    """The stable id of an entry's durable workflow, before any `~n` attempt number."""
    return f"{workflow.name.lower()}:{entry.id}:{entry.purpose}"


def options_json(options: RunOptions) -> dict[str, Any]:
    return {k: v for k, v in asdict(options).items() if v not in (None, False, {}, [])}


def _shared_notion_pacer(workspace: Workspace, url: str) -> Any:
    """On Postgres with a Notion store: one pace for all workers (else the store's own)."""
    if not is_postgres(url):
        return None
    config = workspace.store_config()
    if config.store != "notion":
        return None
    from ..store.notion.client import Pacer
    from .pacing import SharedPacer

    return SharedPacer(url, workspace.pipeline_config().engine.notion_writes_per_sec,
                       local=Pacer(config.notion.rate_limit_per_sec))


def _quiet_dbos(verbose: bool) -> None:
    level = logging.INFO if verbose else logging.ERROR
    for name in ("dbos", "sqlalchemy", "alembic"):
        logging.getLogger(name).setLevel(level)


@contextmanager
def engine_for(workspace: Workspace, **kwargs: Any) -> Iterator[Engine]:
    """`with engine_for(workspace) as engine: engine.run("wf1")` for library users."""
    engine = Engine(workspace, **kwargs)
    with engine:
        yield engine


def run_workflow(
    workspace: Workspace, name: str, options: RunOptions | None = None, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """Run one workflow on a workspace from start to finish (launches and shuts down the engine)."""
    options = options or RunOptions()
    with engine_for(workspace, provider_override=options.provider) as engine:
        return engine.run(name, options, reporter=reporter)
