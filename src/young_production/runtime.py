"""Build the parts a run needs from a workspace's config: store, AI provider, run context.

This is the one place that chooses implementations; everything below it receives
its dependencies.
"""

from __future__ import annotations

from .ai.base import AIProvider
from .config import Workspace
from .store.base import Store
from .workflows.base import RunContext


def open_store(workspace: Workspace) -> Store:
    """The store the workspace's config/databases.yaml selects."""
    config = workspace.store_config()
    if config.store == "notion":
        from .store.notion.store import NotionStore

        return NotionStore.from_config(config.notion, lock_dir=workspace.state_dir / "locks")
    from .store.sqlite import SQLiteStore

    path = workspace.root / config.sqlite_path
    return SQLiteStore(path)


def open_provider(workspace: Workspace, override: str | None = None) -> AIProvider:
    """The AI provider the workspace's config/ai_config.yaml selects (or `override` for all skills).

    Checks keys, models and prices before any work; the cost ledger in
    state/state.db is only created once a paid call is made.
    """
    from .ai.ledger import CostLedger
    from .ai.router import build_provider

    return build_provider(workspace.ai_config(), ledger=CostLedger(workspace.state_dir), override=override)


def open_context(workspace: Workspace, provider: str | None = None) -> RunContext:
    """Everything a workflow run needs, from the workspace's config."""
    workspace.require()
    pipeline = workspace.pipeline_config()
    ai = workspace.ai_config()
    store = open_store(workspace)
    try:
        ai_provider = open_provider(workspace, provider)
    except BaseException:
        store.close()
        raise
    return RunContext(
        store=store,
        provider=ai_provider,
        pipeline=pipeline,
        ai=ai,
        state_dir=workspace.state_dir,
        media_dir=workspace.media_dir,
        provider_override=provider,
    )
