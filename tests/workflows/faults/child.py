"""One process of a fault test: `python -m tests.workflows.faults.child SPEC` (SPEC is JSON).

SPEC keys:
- "workspace": the workspace folder;
- "mode": "run" (WF1 on the engine, like `yp run wf1`), "worker" (like `yp worker`,
  until no entry is left), "create" (start the keyed-create test workflow and wait),
  "resume" (launch the engine, wait until the create workflow has finished);
- "kill_before_analyse": kill -9 this process when the n-th analysis is about to call
  the provider (the read step, transcription included, is checkpointed by then);
- "kill_after_create": kill -9 right after the store's create returned, before the
  engine can record the step;
- "kill_after_paid_answer": kill -9 when the n-th paid call has returned its answer
  (bought and recorded by the metered provider), before its step is checkpointed;
- "version": run as this application version (the upgrade test's "old package").

It prints one JSON line at the end: what the run did.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from young_production.config import Workspace
from young_production.workflows.engine import durable
from young_production import workflows
from young_production.workflows import wf1
from young_production.workflows.engine.base import RunOptions


def _kill_self() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_before_analyse(n: int) -> None:
    real = wf1.analyse_dna
    calls = {"count": 0}
    lock = threading.Lock()

    def analyse_then_maybe_die(*args: Any, **kwargs: Any) -> Any:
        with lock:
            calls["count"] += 1
            due = calls["count"] == n
        if due:
            _kill_self()
        return real(*args, **kwargs)

    wf1.analyse_dna = analyse_then_maybe_die  # type: ignore[assignment]


def _kill_after_paid_answer(n: int) -> None:
    from young_production.ai.metered import MeteredProvider

    real = MeteredProvider.complete
    calls = {"count": 0}
    lock = threading.Lock()

    def complete_then_maybe_die(self: MeteredProvider, request: Any, schema: Any) -> Any:
        answer = real(self, request, schema)
        with lock:
            calls["count"] += 1
            due = calls["count"] == n
        if due:
            _kill_self()
        return answer

    MeteredProvider.complete = complete_then_maybe_die  # type: ignore[method-assign]


def _kill_after_create() -> None:
    from young_production.store.notion.store import NotionStore

    real = NotionStore.create

    def create_then_die(self: NotionStore, record: Any, body: Any = ()) -> Any:
        real(self, record, body)
        _kill_self()

    NotionStore.create = create_then_die  # type: ignore[method-assign]


def main(spec: dict[str, Any]) -> None:
    workspace = Workspace(Path(spec["workspace"]))
    if spec.get("version"):
        durable.APP_VERSION = spec["version"]
    if spec.get("kill_before_analyse"):
        _kill_before_analyse(int(spec["kill_before_analyse"]))
    if spec.get("kill_after_paid_answer"):
        _kill_after_paid_answer(int(spec["kill_after_paid_answer"]))
    if spec.get("kill_after_create"):
        _kill_after_create()
    mode = spec["mode"]
    if mode == "run":
        options = RunOptions(workers=spec.get("workers"))
        with workflows.open_engine(workspace) as engine:
            result = engine.run("wf1", options)
        print(json.dumps({"selected": result.selected, "done": result.successful, "failed": result.failed,
                          "stopped": result.stopped_reason}))
    elif mode == "worker":
        from young_production.workflows.engine.worker import run_worker

        settled = run_worker(workspace, workflows.registry(), threading.Event(), idle_exit=True, grace_sec=0)
        print(json.dumps({"settled": settled}))
    elif mode in ("create", "resume"):
        from dbos import DBOS, SetWorkflowID

        from . import create_workflow

        with workflows.open_engine(workspace):
            workflow_id = f"test-create:{spec['key']}"
            if mode == "create":
                with SetWorkflowID(workflow_id):
                    DBOS.start_workflow(create_workflow.create_one, spec["key"], "made once")
            page_id = DBOS.retrieve_workflow(workflow_id).get_result()
        print(json.dumps({"page_id": page_id}))
    sys.stdout.flush()
    os._exit(0)  # like the CLI: no waiting on threads DBOS left behind


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
