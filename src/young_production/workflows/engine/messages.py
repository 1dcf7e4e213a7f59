"""What a running entry workflow and the process driving it say to each other, durably.

A workflow `publish`es a value under a key (WF2: the suggestions it shows) and
`wait_for` a message on a topic (the person's decision); the process driving the run
reads what was published (`published`), sends the message (`send`) and follows the
workflow's state (`state_of`). All of it is kept in the engine's database, so a
workflow stopped while it waits finds its message when it resumes. This is the one
place workflows reach DBOS for it; WF2 knows only these five calls.

A workflow waiting in `wait_for` holds its thread (DBOS waits in it, up to the timeout, and
a process does not exit while it does). So when the engine stops, `stop_waits` wakes each
waiting workflow of this process, which then stops unrecorded (`EngineStopping`): it stays
pending and goes on waiting when the entry resumes, here or in another process.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from dbos import DBOS

from .cpu_pool import EngineStopping

log = logging.getLogger(__name__)

RUNNING = ("PENDING", "ENQUEUED")  # states of a workflow that has not ended


def publish(key: str, value: Any) -> None:  # noqa: ANN401 (any picklable value)
    """From inside a workflow: make `value` readable under `key` by the driving process."""
    DBOS.set_event(key, value)


WAKE = "yp:engine-stopping"
"""What `stop_waits` sends: a waiting workflow that reads it in a later process, replaying its
history, takes it for a timeout (None)."""

_waiting: dict[str, str] = {}  # workflow id -> topic, of this process's workflows waiting now
_lock = threading.Lock()
_stopping = threading.Event()


def wait_for(topic: str, timeout_sec: float) -> Any:  # noqa: ANN401
    """From inside a workflow: the next message on `topic`, or None after `timeout_sec`."""
    workflow_id = str(DBOS.workflow_id)
    with _lock:
        _waiting[workflow_id] = topic  # before the check below: a stop from now on sees it
    try:
        if _stopping.is_set():
            raise EngineStopping("the engine stopped before this workflow waited")
        value = DBOS.recv(topic, timeout_seconds=timeout_sec)
    finally:
        with _lock:
            _waiting.pop(workflow_id, None)
    if value == WAKE:
        if _stopping.is_set():
            raise EngineStopping("the engine stopped while this workflow waited")
        return None
    return value


def open_waits() -> None:
    """The engine launched: workflows may wait again."""
    _stopping.clear()


def stop_waits() -> None:
    """The engine is stopping: wake every workflow of this process that waits for a message."""
    _stopping.set()
    with _lock:
        waiting = dict(_waiting)
    for workflow_id, topic in waiting.items():
        try:
            DBOS.send(workflow_id, WAKE, topic=topic)
        except Exception:  # noqa: BLE001 (at shutdown: that workflow waits out its timeout, as before)
            log.warning("could not wake waiting workflow %s", workflow_id, exc_info=True)


def published(workflow_id: str, key: str, timeout_sec: float) -> Any:  # noqa: ANN401
    """What the workflow published under `key`, waiting up to `timeout_sec`; None if nothing yet."""
    return DBOS.get_event(workflow_id, key, timeout_seconds=timeout_sec)


def send(workflow_id: str, value: Any, topic: str) -> None:  # noqa: ANN401
    DBOS.send(workflow_id, value, topic=topic)


def state_of(workflow_id: str) -> str | None:
    """The workflow's engine state (PENDING, ENQUEUED, SUCCESS, ERROR, ...), None if unknown."""
    status = DBOS.get_workflow_status(workflow_id)
    return None if status is None else str(status.status)
