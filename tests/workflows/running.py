"""Running workflows in tests: one engine per call, sharing the session's loaded Whisper model."""

from __future__ import annotations

from young_production.config import Workspace
from young_production.skills.dna.transcribe import Transcriber
from young_production.workflows.engine.base import RunOptions, WorkflowResult
from young_production.workflows import open_engine


def run(
    workspace: Workspace,
    name: str = "wf1",
    options: RunOptions | None = None,
    *,
    transcriber: Transcriber | None = None,
) -> WorkflowResult:
    """`yp run <name>` as a library call: launch the engine, run, shut down."""
    options = options or RunOptions()
    with open_engine(workspace, provider_override=options.provider, transcriber=transcriber) as engine:
        return engine.run(name, options)
