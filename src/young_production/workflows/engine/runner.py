"""The durable engine every workflow runs on (DBOS Transact).

A run selects entries (Viral DNA, productions, Empires) and runs each one as a DBOS
workflow whose expensive or unsafe-to-repeat work (a download, a transcription, a
paid AI call, a store write) is a checkpointed step (see `durable`). The workflow id
is derived from the workflow, the entry and what the run is for, so starting it twice
(a rerun, a second terminal, a worker on another machine) returns the first result
instead of repeating finished steps, and a process killed mid-entry resumes at the
interrupted step when any process of this workspace starts again (see `attempts`).

`Engine` launches DBOS for one workspace (checkpoints in SQLite under state/, or a
shared Postgres database), runs workflows with a progress reporter and a run record,
and makes its runtime the one steps see. One engine is active per process at a time.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from dbos import DBOS, SetWorkflowAttributes, SetWorkflowID

from ... import workspace_files
from ...ai.ledger import CostLedger
from ...config import Workspace
from ...errors import WorkspaceError
from ...runtime import Runtime
from ...skills.dna.transcribe import Transcriber
from . import durable, logs, messages
from .attempts import adopt_pending, attempts_of, current_attempt, entry_base_id, next_attempt
from .base import EntryOutcome, Outcome, Reporter, RunOptions, SilentReporter, StateFiles, WorkflowResult, new_result
from .cpu_pool import CpuPool
from .durable import APP_NAME, EntryRef, WorkflowDef, pick_workflow
from .executors import ExecutorSlot, RunLock, dead_executor_ids
from .runs import RunRecords, finish_and_write_last_run, is_postgres, sqlite_engine

ENTRY_QUEUE = "yp-entries"
"""The DBOS queue `yp run --enqueue` submits entries to and `yp worker` processes consume."""
QUEUE_POLL_SEC = 0.5  # a worker looks for new entries this often (a free slot waits at most this long)
NOTIFY_POLL_SEC = 0.1
"""How often DBOS's listener looks for messages and events (a WF2 answer, a batch's poke). DBOS's
default, 1 s, is also how long every shutdown waits for that thread to wake; a wake with nothing to
look for costs microseconds."""
RESULT_POLL_SEC = 0.1
"""How often a run looks for the result of an entry another execution owns (one this process resumed
at launch, or another worker's); DBOS's default is 1 s per look."""


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


def system_database_url(workspace: Workspace, configured: str | None = None) -> str:
    """DBOS's system database: `engine.database_url` in pipeline.yaml (or `configured`, when the
    caller has read it already), else SQLite in state/."""
    url = configured if configured is not None else workspace.pipeline_config().engine.database_url
    if url:
        return url
    return f"sqlite:///{workspace.path(workspace_files.ENGINE_DB).resolve()}"


class Engine:
    """Launches DBOS for one workspace and runs workflows on it; a context manager.

    `listen`: also take entries from the shared queue (`yp worker`); a plain run only
    runs what it selected (and whatever dead processes left, which any process adopts).
    """

    def __init__(
        self,
        workspace: Workspace,
        workflows: Mapping[str, WorkflowDef],
        *,
        provider_override: str | None = None,
        verbose: bool = False,
        transcriber: Transcriber | None = None,
        listen: bool = False,
        concurrency: int | None = None,
    ):
        self.workspace = workspace.require()
        # Every workflow this engine may run, by command name: their modules are imported by now,
        # so DBOS knows each durable function before launch (the engine itself names none).
        self.workflows = dict(workflows)
        pipeline = workspace.pipeline_config()
        self.settings = pipeline.engine
        self.url = system_database_url(workspace, self.settings.database_url or "")
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
        self.call_owner: str | None = None
        self.ledger = CostLedger.for_engine(workspace.state_dir, self.settings.database_url)
        self.records: RunRecords | None = None
        self._log_handlers: list[logging.Handler] = []
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self._activated = False
        self._sqlite: Any = None  # the SQLite engine handed to DBOS (DBOS does not dispose of it)

    # ---- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> Engine:
        self.launch()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(interrupted=exc_type is KeyboardInterrupt)

    def launch(self) -> None:
        durable.bind(self.runtime, self.cpu_pool)  # first: refuses a second engine in this process
        messages.open_waits()
        self._activated = True
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        self._heartbeat = threading.Thread(target=self._beat, name="yp-heartbeat", daemon=True)
        self._heartbeat.start()
        # What is loaded by now (DBOS, SQLAlchemy, the providers, the store) lives as long as the
        # engine: keep it out of the garbage collector's full passes, which otherwise walk it again
        # and again while entries allocate (about 1-2 ms of CPU per entry on caption-only runs).
        gc.freeze()

    def _start(self) -> None:
        require_writable(self.state_dir)
        self.slot = ExecutorSlot.acquire(self.state_dir, self.workspace.root)
        self.call_owner = f"{self.slot.executor_id}#{uuid.uuid4().hex[:12]}"
        durable.own_calls_as(self.call_owner)
        self._log_handlers = logs.attach(self.workspace.path(workspace_files.LOGS_DIR), verbose=self.verbose)
        _quiet_dbos(self.verbose)
        config: dict[str, Any] = {
            "name": APP_NAME,
            "system_database_url": self.url,
            "application_version": durable.APP_VERSION,
            "executor_id": self.slot.executor_id,
            "log_level": "INFO" if self.verbose else "ERROR",
            "notification_listener_polling_interval_sec": NOTIFY_POLL_SEC,
        }
        if not is_postgres(self.url):  # checkpoints in WAL mode (see runs.sqlite_engine)
            self._sqlite = sqlite_engine(self.url, immediate=True)
            config["system_database_engine"] = self._sqlite
        DBOS(config=config)  # type: ignore[arg-type]
        DBOS.listen_queues([ENTRY_QUEUE] if self.listen else [])
        DBOS.launch()
        if self.listen:
            DBOS.register_queue(
                ENTRY_QUEUE, worker_concurrency=self.concurrency, polling_interval_sec=QUEUE_POLL_SEC,
                on_conflict="always_update",
            )
        self.records = RunRecords(self.url)
        self.records.adopt_processed_file(StateFiles(self.state_dir))
        durable.attach_records(self.records)
        self.records.interrupt_runs_of(self.executor_id)  # a run this slot drove before a crash
        self.adopt_orphans(at_launch=True)

    def close(self, *, interrupted: bool = False, grace_sec: int = 0) -> None:
        """Shut down. Running entries get `grace_sec` to finish; what is left stays pending and is
        finished by the next process (on Postgres: by any worker, at once). After an interrupt,
        running workflows are left to the process exit."""
        self._stop.set()
        if not interrupted and self.records is not None:
            messages.stop_waits()  # a workflow waiting for a message stops unrecorded: it resumes next time
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
        if self._sqlite is not None and not interrupted:
            self._sqlite.dispose()
            self._sqlite = None
        gc.unfreeze()
        if self._activated:
            durable.unbind()
            self._activated = False
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
        # Paid calls those processes (and, at launch, an earlier process in this slot) left in
        # flight: counted as spent at their most, since the provider may have answered and charged.
        self.ledger.settle_lost(sorted(dead | ({self.executor_id} if at_launch else set())), keep=self.call_owner)
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
        workflow = pick_workflow(self.workflows, name)
        result = new_result(workflow.name, options.dry_run)
        self.runtime.provider(options.provider)  # a bad key or price stops here, before any work
        if options.dry_run:
            return plan_run(self.runtime, workflow, options, reporter=reporter)
        with self.recorded_run(workflow, options, result, reporter) as entries:
            self._run_entries(workflow, entries, options, result, reporter)
        return result

    @contextmanager
    def recorded_run(
        self, workflow: WorkflowDef, options: RunOptions, result: WorkflowResult, reporter: Reporter
    ) -> Iterator[list[EntryRef]]:
        """A run's bookkeeping around its body: the run lock, the run record, the selection,
        and at the end (however it ends) the result, the last-run file and the record's status."""
        assert self.records is not None
        state = StateFiles(self.state_dir)
        with RunLock(self.state_dir, workflow.name, result.run_id):
            entries = workflow.select(self.runtime, options)  # a refused selection leaves no run record
            self.records.start_run(result.run_id, workflow.name, self.executor_id, options_json(options), "running")
            result.selected = len(entries)
            result.note = explain_empty(self.runtime, workflow, entries, options)
            reporter.start(len(entries))
            try:
                yield entries
            except KeyboardInterrupt:
                result.stopped_reason = "interrupted"
                raise
            finally:
                reporter.finish()
                result.close()
                status = "interrupted" if result.stopped_reason == "interrupted" else (
                    "stopped" if result.stopped_reason else "finished"
                )
                finish_and_write_last_run(self.records, state, result, status)

    def _run_entries(
        self,
        workflow: WorkflowDef,
        entries: list[EntryRef],
        options: RunOptions,
        result: WorkflowResult,
        reporter: Reporter,
    ) -> None:
        run_args = self.run_args_for(workflow, result.run_id, options)
        known = attempts_of([entry_base_id(workflow, entry) for entry in entries])
        workers = max(1, options.workers or self.runtime.pipeline.workers)
        pending = iter(entries)
        stop = False
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"yp-{workflow.name.lower()}")
        running: set[Future[EntryOutcome]] = set()

        def submit_next() -> None:
            entry = None if stop else next(pending, None)
            if entry is not None:
                attempts = known.pop(entry_base_id(workflow, entry), None)
                running.add(pool.submit(self.run_entry, workflow, entry, run_args, attempts))

        try:
            for _ in range(workers):
                submit_next()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    running.discard(future)
                    outcome = future.result()
                    if outcome.status == Outcome.STOPPED:
                        stop = True
                        result.stopped_reason = result.stopped_reason or outcome.error
                        continue
                    self.record_outcome(workflow, result, outcome, reporter)
                    submit_next()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def record_outcome(
        self, workflow: WorkflowDef, result: WorkflowResult, outcome: EntryOutcome, reporter: Reporter | None = None
    ) -> None:
        """An entry's outcome joins the run's result; a finished entry is recorded as such (the seed's
        processed_entries.json is written from those records at the run's end)."""
        assert self.records is not None
        result.entries.append(outcome)
        if outcome.status == Outcome.DONE:
            self.records.mark_finished(workflow.collection, workflow.name, result.run_id, outcome.id)
        if reporter is not None:
            reporter.entry_done(outcome)

    def start_entry(
        self, workflow: WorkflowDef, entry: EntryRef, run_args: dict[str, Any], attempts: list[Any] | None = None
    ) -> tuple[Any, str]:
        """Start (or join) the entry's durable workflow without waiting: (handle, workflow id).
        `attempts`: the entry's attempts as the run found them at its start (else looked up now)."""
        assert self.records is not None
        base = entry_base_id(workflow, entry)
        workflow_id = next_attempt(base) if entry.fresh else current_attempt(base, known=attempts)
        self.records.add_entry(run_args["run_id"], entry.id, workflow_id, entry.title)
        attributes = {"run_id": run_args["run_id"], "workflow": workflow.name, "entry": entry.id}
        with SetWorkflowID(workflow_id), SetWorkflowAttributes(attributes):
            handle = DBOS.start_workflow(workflow.entry, run_args, entry.payload)
        return handle, workflow_id

    def run_entry(
        self, workflow: WorkflowDef, entry: EntryRef, run_args: dict[str, Any], attempts: list[Any] | None = None
    ) -> EntryOutcome:
        """Run (or join, or fetch the result of) the entry's durable workflow."""
        handle, workflow_id = self.start_entry(workflow, entry, run_args, attempts)
        outcome = EntryOutcome.from_dict(handle.get_result(polling_interval_sec=RESULT_POLL_SEC))
        outcome.workflow_id = workflow_id
        return outcome

    def run_args_for(self, workflow: WorkflowDef, run_id: str, options: RunOptions) -> dict[str, Any]:
        return run_args_of(workflow, self.runtime, run_id, options)


def run_args_of(workflow: WorkflowDef, runtime: Runtime, run_id: str, options: RunOptions) -> dict[str, Any]:
    """What every entry workflow of a run receives, however it is started (here, or queued for a
    worker): the run id, the provider, the options, and what the workflow fixes for the whole run."""
    args = {"run_id": run_id, "provider": options.provider, **options.durable_args()}
    if workflow.run_args is not None:
        args.update(workflow.run_args(runtime, options))
    return args


def plan_run(
    runtime: Runtime, workflow: WorkflowDef, options: RunOptions | None = None, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """A dry run: what the workflow would do and cost, with no engine, no network and no writes."""
    options = options or RunOptions(dry_run=True)
    reporter = reporter or SilentReporter()
    result = new_result(workflow.name, dry_run=True)
    runtime.provider(options.provider)  # the same key and price checks a real run makes first
    entries = workflow.select(runtime, options)
    result.selected = len(entries)
    result.note = explain_empty(runtime, workflow, entries, options)
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


def explain_empty(runtime: Runtime, workflow: WorkflowDef, entries: list[EntryRef], options: RunOptions) -> str | None:
    """The workflow's reason for selecting nothing (None when it selected something)."""
    if entries or workflow.explain_empty is None:
        return None
    return workflow.explain_empty(runtime, options)


def options_json(options: RunOptions) -> dict[str, Any]:
    return {k: v for k, v in asdict(options).items() if v not in (None, False, {}, [])}


def _shared_notion_pacer(workspace: Workspace, url: str) -> Any:
    """On Postgres with a Notion store: one pace for all workers (else the store's own)."""
    if not is_postgres(url):
        return None
    config = workspace.store_config()
    if config.store != "notion":
        return None
    from ...store.notion.client import Pacer
    from .pacing import SharedPacer

    return SharedPacer(url, workspace.pipeline_config().engine.notion_writes_per_sec,
                       local=Pacer(config.notion.rate_limit_per_sec))


def _quiet_dbos(verbose: bool) -> None:
    level = logging.INFO if verbose else logging.ERROR
    for name in ("dbos", "sqlalchemy", "alembic"):
        logging.getLogger(name).setLevel(level)
