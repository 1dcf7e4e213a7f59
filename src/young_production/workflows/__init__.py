"""The workflows (WF1 ... WF5) and the engine that runs them durably.

`registry()` is the one list of workflows: each module's `WORKFLOW` (a `WorkflowDef`),
by its command name. The engine asks it for a workflow (`workflow("wf1")`) and for all
of them before launch (DBOS must know every durable function first); it names none
itself. The modules are imported on first use, so importing one piece of the package
(`workflows.base`, as the CLI's renderers do) does not load DBOS and every workflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import YPError

if TYPE_CHECKING:
    from .durable import WorkflowDef

NAMES = ("wf1", "wf2", "wf3", "wf4", "wf5")  # the command names, for checks that need no import


def registry() -> dict[str, WorkflowDef]:
    """Every workflow by its command name; importing them registers their durable functions with DBOS."""
    from . import wf1, wf1_batch, wf2, wf3, wf4, wf5  # noqa: F401 (wf1_batch: a durable workflow of its own)

    return {module.WORKFLOW.name.lower(): module.WORKFLOW for module in (wf1, wf2, wf3, wf4, wf5)}


def workflow(name: str) -> WorkflowDef:
    """The workflow `name` ("wf1" or "WF1"); an unknown name is a user error."""
    found = registry().get(name.strip().lower())
    if found is None:
        raise YPError(f"unknown workflow {name!r}: use one of {', '.join(NAMES)}")
    return found


def check_name(name: str) -> str:
    """`name` lower-cased when it names a workflow, without importing any."""
    key = name.strip().lower()
    if key not in NAMES:
        raise YPError(f"unknown workflow {name!r}: use one of {', '.join(NAMES)}")
    return key
