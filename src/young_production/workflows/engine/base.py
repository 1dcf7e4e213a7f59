"""What every workflow shares: run options, entry outcomes, the run result, last-run state files.

A workflow's own arguments are its own dataclass (`workflows.args`), carried in `RunOptions.args`."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ... import workspace_files
from ...errors import YPError


A = TypeVar("A")


@dataclass
class RunOptions:
    """What a person asked of one run: what every workflow reads, and the workflow's own `args`."""

    dry_run: bool = False
    limit: int | None = None
    workers: int | None = None
    retry_failed: bool = False
    provider: str | None = None  # `--provider`: one provider for every skill this run
    args: Any = None  # the workflow's own arguments, a dataclass (see workflows.args)

    def args_as(self, kind: type[A]) -> A:
        """This run's arguments as the workflow's own kind (its defaults when none were given)."""
        if self.args is None:
            return kind()
        if not isinstance(self.args, kind):
            raise YPError(f"this workflow takes {kind.__name__}, not {type(self.args).__name__}")
        return self.args

    def durable_args(self) -> dict[str, Any]:
        """The arguments as plain values, for the entry workflows' input."""
        return asdict(self.args) if self.args is not None else {}


class Outcome(StrEnum):
    """How one entry's part in a run ended (a str: it compares equal to its value and serialises as it)."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"  # the record was removed while the run went
    STOPPED = "stopped"  # the run stopped (a limit, an account error): the next run resumes it
    WAITING = "waiting"  # WF2: no decision yet; the next run asks again
    PREPARED = "prepared"  # WF1 --batch: read and transcribed, its analysis sent in a Message Batch
    PLANNED = "planned"  # a dry run's plan
    QUEUED = "queued"  # enqueued for a worker (`--enqueue`)


@dataclass
class EntryOutcome:
    """What happened to one entry in a run."""

    id: str
    title: str
    status: Outcome  # a plain string is turned into its Outcome on construction and on assignment
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    workflow_id: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:  # noqa: ANN401
        super().__setattr__(name, Outcome(value) if name == "status" else value)

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (the status as its string): checkpoints hold no reference to a class.
        A shallow copy: `detail` holds plain values already (`asdict` would copy them deeply, at a
        cost paid on every entry)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(status=self.status.value, detail=dict(self.detail), step_seconds=dict(self.step_seconds))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntryOutcome:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class WorkflowResult:
    workflow: str
    run_id: str
    started_at: str
    dry_run: bool
    completed_at: str = ""
    selected: int = 0
    successful: int = 0
    failed: int = 0
    skipped: int = 0
    total_cost_usd: float = 0.0
    estimated_cost_usd: float | None = None  # dry runs: the most the run could cost
    batch_ids: list[str] = field(default_factory=list)  # Message Batches submitted or collected
    stopped_reason: str | None = None
    note: str | None = None  # for a person: e.g. why nothing was selected, and the next step
    entries: list[EntryOutcome] = field(default_factory=list)

    @property
    def total_processed(self) -> int:
        return self.successful + self.failed

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.stopped_reason is None

    def close(self) -> None:
        """Stamp the end and count outcomes (entries never finished count as skipped)."""
        self.completed_at = now_iso()
        self.successful = sum(1 for e in self.entries if e.status is Outcome.DONE)
        self.failed = sum(1 for e in self.entries if e.status is Outcome.FAILED)
        self.skipped = self.selected - self.successful - self.failed
        self.total_cost_usd = sum(e.detail.get("cost_usd", 0.0) for e in self.entries)

    def summary(self) -> dict[str, Any]:
        """The seed's last-run record, plus what we add."""
        return {
            "workflow": self.workflow,
            "run_id": self.run_id,
            "last_run": self.completed_at,
            "started_at": self.started_at,
            "total_processed": self.total_processed,
            "successful": self.successful,
            "failed": self.failed,
            "skipped": self.skipped,
            "total_cost_usd": round(self.total_cost_usd, 6),
            "dry_run": self.dry_run,
            "stopped_reason": self.stopped_reason,
            "note": self.note,
            "estimated_cost_usd": self.estimated_cost_usd,
            "batch_ids": self.batch_ids,
            "errors": [f"{e.id}: {e.error}" for e in self.entries if e.error],
        }


def new_result(workflow: str, dry_run: bool) -> WorkflowResult:
    return WorkflowResult(
        workflow=workflow,
        run_id=uuid.uuid4().hex[:12],
        started_at=now_iso(),
        dry_run=dry_run,
    )


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so a crash leaves either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, default=str)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StateFiles:
    """The seed's files in the workspace's state folder: `<wf>_last_run.json` and `processed_entries.json`.

    Both are written from the engine's records at a run's end (`runs.finish_and_write_last_run`),
    never kept beside them: the records are the source, the files their copies in the seed's shape.
    """

    def __init__(self, state_dir: Path):
        self.dir = state_dir

    def last_run_path(self, workflow: str) -> Path:
        return self.dir / workspace_files.LAST_RUN_JSON.relative(workflow).rsplit("/", 1)[-1]

    def write_last_run(self, workflow: str, summary: dict[str, Any]) -> None:
        write_json_atomic(self.last_run_path(workflow), summary)

    def load_last_run(self, workflow: str) -> dict[str, Any] | None:
        path = self.last_run_path(workflow)
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    @property
    def processed_path(self) -> Path:
        return self.dir / workspace_files.PROCESSED_JSON.filename

    def processed(self) -> dict[str, list[str]]:
        if not self.processed_path.exists():
            return {"viral_dna": [], "productions": []}
        return json.loads(self.processed_path.read_text(encoding="utf-8"))

    def write_processed(self, data: dict[str, list[str]]) -> None:
        write_json_atomic(self.processed_path, data)


class Reporter(Protocol):
    """Progress callbacks; the CLI renders them with Rich, library users may ignore them."""

    def start(self, total: int) -> None: ...

    def entry_done(self, outcome: EntryOutcome) -> None: ...

    def finish(self) -> None: ...


class SilentReporter:
    def start(self, total: int) -> None:
        pass

    def entry_done(self, outcome: EntryOutcome) -> None:
        pass

    def finish(self) -> None:
        pass
