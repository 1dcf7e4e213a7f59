"""The workflows (WF1 ... WF5), and the calls that run them on the durable engine.

`registry()` is the one list of workflows: each module's `WORKFLOW` (a `WorkflowDef`),
by its command name. The engine (`workflows.engine`) names no workflow: whoever builds
one hands it this registry (`open_engine`), so DBOS knows every durable function before
launch. The modules are imported on first use, so importing one piece of the package
(`workflows.args`, as the CLI's commands do) does not load DBOS and every workflow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import YPError

if TYPE_CHECKING:
    from ..config import Workspace
    from ..runtime import Runtime
    from .engine.base import Reporter, RunOptions, WorkflowResult
    from .engine.durable import WorkflowDef
    from .engine.runner import Engine

NAMES = ("wf1", "wf2", "wf3", "wf4", "wf5")  # the command names, for checks that need no import


def registry() -> dict[str, WorkflowDef]:
    """Every workflow by its command name; importing them registers their durable functions with DBOS."""
    from . import wf1, wf1_batch, wf2, wf3, wf4, wf5  # noqa: F401 (wf1_batch: a durable workflow of its own)

    return {module.WORKFLOW.name.lower(): module.WORKFLOW for module in (wf1, wf2, wf3, wf4, wf5)}


def workflow(name: str) -> WorkflowDef:
    """The workflow `name` ("wf1" or "WF1"); an unknown name is a user error."""
    from .engine.durable import pick_workflow

    return pick_workflow(registry(), check_name(name))


def check_name(name: str) -> str:
    """`name` lower-cased when it names a workflow, without importing any."""
    key = name.strip().lower()
    if key not in NAMES:
        raise YPError(f"unknown workflow {name!r}: use one of {', '.join(NAMES)}")
    return key


def open_engine(workspace: Workspace, **kwargs: Any) -> Engine:  # noqa: ANN401
    """An engine for `workspace` that runs every workflow (a context manager: `with open_engine(w) as e`)."""
    from .engine.runner import Engine

    return Engine(workspace, registry(), **kwargs)


def run_workflow(
    workspace: Workspace, name: str, options: RunOptions | None = None, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """Run one workflow on a workspace from start to finish (launches and shuts down the engine)."""
    from .engine.base import RunOptions

    options = options or RunOptions()
    with open_engine(workspace, provider_override=options.provider) as engine:
        return engine.run(name, options, reporter=reporter)


def plan_workflow(
    runtime: Runtime, name: str, options: RunOptions | None = None, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """A dry run: what the workflow would do and cost, with no engine, no network and no writes."""
    from .engine.runner import plan_run

    return plan_run(runtime, workflow(name), options, reporter=reporter)


def enqueue_run(workspace: Workspace, name: str, options: RunOptions | None = None) -> WorkflowResult:
    """Submit a run's entries to the workers' queue (`yp run wf1 --enqueue`) and return at once."""
    from .engine.worker import enqueue_entries

    return enqueue_entries(workspace, workflow(name), options)
