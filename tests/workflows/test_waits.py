"""A workflow waiting for a message does not hold the process when the engine stops.

DBOS waits for a message in the workflow's own thread, up to its timeout (WF1's batch polls
every 10 minutes, WF2 waits for a decision up to 30 days), and a process does not exit while
that thread lives. Stopping the engine wakes such a workflow; it stops unrecorded, stays pending,
and goes on when the next engine resumes it, as after a timeout.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dbos import DBOS

from young_production.config import Workspace
from young_production.workflows import open_engine
from young_production.workflows.engine import messages

TOPIC = "test-topic"


@DBOS.workflow(name="yp.test.wait")
def wait_long() -> str | None:
    return messages.wait_for(TOPIC, 600.0)


def _waiting_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.is_alive() and t is not threading.current_thread()
            and not t.daemon]


def test_stopping_the_engine_wakes_a_waiting_workflow_which_resumes_next_time(init_workspace: Path) -> None:
    workspace = Workspace(init_workspace, env={})
    before = set(_waiting_threads())
    with open_engine(workspace) as engine:
        handle = DBOS.start_workflow(wait_long)
        workflow_id = handle.workflow_id
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not messages._waiting:
            time.sleep(0.05)
        assert workflow_id in messages._waiting  # it waits now
        started = time.monotonic()
    assert time.monotonic() - started < 20  # closing did not wait out the 600 s
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and set(_waiting_threads()) - before:
        time.sleep(0.1)
    assert set(_waiting_threads()) - before == set()  # no thread left to hold the process
    assert engine.records is not None

    with open_engine(workspace):  # the next engine resumes it
        status = DBOS.get_workflow_status(workflow_id)
        assert status is not None and status.status in ("PENDING", "ENQUEUED")  # not recorded as ended
        result = DBOS.retrieve_workflow(workflow_id).get_result(polling_interval_sec=0.1)
    # the wake-up it read when the first engine stopped replays as a timeout (None): the workflow goes
    # on as after any timeout (WF1's batch looks at its batch and waits again; WF2 says "no decision yet")
    assert result is None
