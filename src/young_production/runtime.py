"""The parts a process needs, built once from a workspace's config: store, AI providers, transcriber.

This is the one place that chooses implementations; everything below it receives
its dependencies. A `Runtime` is a context manager: it opens what it is asked for,
lazily and once, and closes it all at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .ai.base import AIProvider
from . import workspace_files
from .config import AIConfig, PipelineConfig, Workspace
from .store.base import Store

if TYPE_CHECKING:
    from .skills.dna.transcribe import Transcriber

T = TypeVar("T")


def open_store(workspace: Workspace, *, notion_pacer: Any = None) -> Store:
    """The store the workspace's config/databases.yaml selects.

    `notion_pacer`: what spaces Notion requests (the engine passes one shared by every
    worker on its Postgres database); by default the store's own per-process pace.
    """
    config = workspace.store_config()
    if config.store == "notion":
        from .store.notion.store import NotionStore

        locks = workspace.path(workspace_files.LOCKS_DIR)
        return NotionStore.from_config(config.notion, lock_dir=locks, pacer=notion_pacer)
    from .store.sqlite import SQLiteStore

    return SQLiteStore(workspace.root / config.sqlite_path)


def open_provider(workspace: Workspace, override: str | None = None) -> AIProvider:
    """The AI provider the workspace's config/ai_config.yaml selects (or `override` for all skills).

    Checks keys, models and prices before any work; the cost ledger in
    state/state.db is only created once a paid call is made.
    """
    from .ai.ledger import CostLedger
    from .ai.router import build_provider

    return build_provider(workspace.ai_config(), ledger=CostLedger.for_workspace(workspace), override=override)


class Runtime:
    """Everything a workflow's steps need in this process, opened on first use."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        provider_override: str | None = None,
        transcriber: Transcriber | None = None,
        notion_pacer: Any = None,
    ):
        self.workspace = workspace.require()
        self.notion_pacer = notion_pacer
        self.pipeline: PipelineConfig = workspace.pipeline_config()
        self.ai: AIConfig = workspace.ai_config()
        self.provider_override = provider_override
        self._lock = threading.RLock()
        self._store: Store | None = None
        self._providers: dict[str | None, AIProvider] = {}
        self._transcriber: Transcriber | None = transcriber  # tests share one loaded model
        self._shared: dict[str, tuple[object, object]] = {}

    @property
    def root(self) -> Path:
        return self.workspace.root

    @property
    def state_dir(self) -> Path:
        return self.workspace.state_dir

    @property
    def media_dir(self) -> Path:
        return self.workspace.media_dir

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.workspace, notion_pacer=self.notion_pacer)
            return self._store

    def provider(self, override: str | None = None) -> AIProvider:
        """The provider for `override` (default: this runtime's), built and checked once."""
        name = override if override is not None else self.provider_override
        with self._lock:
            if name not in self._providers:
                self._providers[name] = open_provider(self.workspace, name)
            return self._providers[name]

    @property
    def transcriber(self) -> Transcriber:
        with self._lock:
            if self._transcriber is None:
                from .skills.dna.transcribe import Transcriber

                self._transcriber = Transcriber(self.pipeline.transcription)
            return self._transcriber

    def shared(self, name: str, factory: Callable[[], T], *, generation: object = None) -> T:
        """One `factory()` per process and name (rebuilt when `generation` changes): a loaded
        model, a ranker built over this run's pool of references."""
        with self._lock:
            held = self._shared.get(name)
            if held is None or held[0] != generation:
                held = (generation, factory())
                self._shared[name] = held
            return held[1]  # type: ignore[return-value]

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
