"""`yp demo`: the whole WF1 pipeline on the bundled samples, offline, in a throwaway workspace.

The samples are served on 127.0.0.1 by `SampleServer`, so the real yt-dlp, httpx,
trafilatura, Whisper and OCR run exactly as they would on the web. The demo
workspace allows exactly the sample server's loopback address and port; a normal
workspace refuses them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Workspace
from .tools.sample_server import SAMPLES, SampleServer
from .skills.crud import add_dna
from .workflows.base import Reporter, WorkflowResult
from .workflows.engine import Engine


@dataclass
class DemoOutcome:
    workspace: Workspace
    result: WorkflowResult


def prepare_demo_workspace(directory: Path | None, allow: Sequence[str] = ("127.0.0.1",)) -> Workspace:
    """A new workspace (a temp folder unless `directory`) whose guard allows the `allow` entries.

    `allow` goes to `sources.allow_private_addresses` (host, host:port or CIDR entries).
    """
    root = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="yp-demo-"))
    workspace = Workspace(root)
    workspace.init()

    def allow_sample_server(data: dict) -> None:
        data.setdefault("sources", {})["allow_private_addresses"] = list(allow)

    workspace.update_yaml("pipeline.yaml", allow_sample_server)
    return workspace


def run_demo(
    directory: Path | None = None,
    *,
    reporter: Reporter | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> DemoOutcome:
    """Add every bundled sample as Viral DNA and encode them with WF1."""
    with SampleServer() as server:
        workspace = prepare_demo_workspace(directory, allow=[server.allow_entry])
        say(f"Demo workspace: {workspace.root}")
        say(f"Serving the bundled samples on {server.base_url}")
        with Engine(workspace) as engine:
            for sample in SAMPLES:
                entry, created = add_dna(
                    engine.runtime.store, server.url(sample.path), title=sample.title, tags=["demo"]
                )
                say(f"  {'added' if created else 'have'} {entry.source_type.value if entry.source_type else '?':>10}  {sample.title}")
            result = engine.run("wf1", reporter=reporter)
    return DemoOutcome(workspace=workspace, result=result)
