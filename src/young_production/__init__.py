"""Young Production: decode viral references, draft scripts in your voice, learn from results.

The public face, for library use (see the README's library example):

- `Workspace`: a workspace folder, its config and the paths of its files;
- `open_store(workspace)`: the store its config selects (SQLite or Notion), a context manager;
- `run_workflow(workspace, "wf1", RunOptions(...))`: one run from start to finish;
- `RunOptions`: what a run is asked to do (limit, dry run, provider, ...).

They are loaded on first use, so importing one submodule (as every command does)
does not load the durable engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["RunOptions", "Workspace", "open_store", "run_workflow", "__version__"]

_HOMES = {
    "Workspace": ".config",
    "open_store": ".runtime",
    "run_workflow": ".workflows",
    "RunOptions": ".workflows.engine.base",
}

if TYPE_CHECKING:
    from .config import Workspace
    from .runtime import open_store
    from .workflows.engine.base import RunOptions
    from .workflows import run_workflow


def __getattr__(name: str) -> Any:  # noqa: ANN401 (PEP 562: the public names, loaded on first use)
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
