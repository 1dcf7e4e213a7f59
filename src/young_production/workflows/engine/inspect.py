"""Read past and running runs without launching the engine (`yp runs`, `yp runs show`).

Run records come from the engine's own tables; each entry's live state (pending,
done, failed, waiting for a decision) and outcome come from DBOS through a
read-only client on the same system database.
"""

from __future__ import annotations

from typing import Any

from ... import workspace_files
from ...config import Workspace
from ...errors import YPError
from ...store.resolve import AmbiguousId, pick_id
from .base import Outcome
from .runner import system_database_url
from .runs import RunRecords


def _records(workspace: Workspace) -> RunRecords | None:
    url = system_database_url(workspace.require())
    if url.startswith("sqlite:///") and not workspace.path(workspace_files.ENGINE_DB).exists():
        return None  # nothing has run yet
    return RunRecords(url)


def list_runs(workspace: Workspace, *, limit: int | None = 20, workflow: str | None = None) -> list[dict[str, Any]]:
    records = _records(workspace)
    if records is None:
        return []
    try:
        return records.list_runs(limit=limit, workflow=workflow)
    finally:
        records.close()


def show_run(workspace: Workspace, run_id: str) -> dict[str, Any]:
    """The run record with, per entry: state, outcome, error and cost."""
    records = _records(workspace)
    wanted = (run_id or "").strip().lower()
    try:
        candidates = records.run_ids_starting(wanted) if records is not None and wanted else []
        chosen = pick_id(wanted, candidates, "run")
        run = records.get_run(chosen) if records is not None else None
    except AmbiguousId:
        raise
    except YPError as exc:
        raise YPError(f"{exc} in this workspace (see `yp runs`)") from None
    finally:
        if records is not None:
            records.close()
    if run is None:
        raise YPError(f"no run {run_id!r} in this workspace (see `yp runs`)")
    statuses = _statuses(workspace, [e["workflow_id"] for e in run["entries"]])
    for entry in run["entries"]:
        status = statuses.get(entry["workflow_id"])
        output = status.output if status is not None and isinstance(status.output, dict) else {}
        entry["outcome"] = output.get("status")
        entry["state"] = entry_state(status.status if status is not None else None, entry["outcome"])
        entry["error"] = output.get("error")
        entry["cost_usd"] = (output.get("detail") or {}).get("cost_usd")
    return run


def entry_state(engine_status: str | None, outcome: str | None) -> str:
    """One word for an entry's state in every view: the engine's status, except that a workflow
    the engine finished ("success") reports what became of the entry (failed, skipped, waiting, stopped)."""
    if engine_status is None:
        return "unknown"
    if engine_status == "SUCCESS" and outcome in (Outcome.FAILED, Outcome.SKIPPED, Outcome.WAITING, Outcome.STOPPED):
        return outcome
    return engine_status.lower()


def _statuses(workspace: Workspace, workflow_ids: list[str]) -> dict[str, Any]:
    if not workflow_ids:
        return {}
    from dbos import DBOSClient

    client = DBOSClient(system_database_url=system_database_url(workspace))
    try:
        found = client.list_workflows(workflow_ids=workflow_ids, load_input=False)
    finally:
        client.destroy()
    return {s.workflow_id: s for s in found}
