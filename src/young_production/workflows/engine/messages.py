"""What a running entry workflow and the process driving it say to each other, durably.

A workflow `publish`es a value under a key (WF2: the suggestions it shows) and
`wait_for` a message on a topic (the person's decision); the process driving the run
reads what was published (`published`), sends the message (`send`) and follows the
workflow's state (`state_of`). All of it is kept in the engine's database, so a
workflow stopped while it waits finds its message when it resumes. This is the one
place workflows reach DBOS for it; WF2 knows only these five calls.
"""

from __future__ import annotations

from typing import Any

from dbos import DBOS

RUNNING = ("PENDING", "ENQUEUED")  # states of a workflow that has not ended


def publish(key: str, value: Any) -> None:  # noqa: ANN401 (any picklable value)
    """From inside a workflow: make `value` readable under `key` by the driving process."""
    DBOS.set_event(key, value)


def wait_for(topic: str, timeout_sec: float) -> Any:  # noqa: ANN401
    """From inside a workflow: the next message on `topic`, or None after `timeout_sec`."""
    return DBOS.recv(topic, timeout_seconds=timeout_sec)


def published(workflow_id: str, key: str, timeout_sec: float) -> Any:  # noqa: ANN401
    """What the workflow published under `key`, waiting up to `timeout_sec`; None if nothing yet."""
    return DBOS.get_event(workflow_id, key, timeout_seconds=timeout_sec)


def send(workflow_id: str, value: Any, topic: str) -> None:  # noqa: ANN401
    DBOS.send(workflow_id, value, topic=topic)


def state_of(workflow_id: str) -> str | None:
    """The workflow's engine state (PENDING, ENQUEUED, SUCCESS, ERROR, ...), None if unknown."""
    status = DBOS.get_workflow_status(workflow_id)
    return None if status is None else str(status.status)
