"""WF1 with Claude unreachable or silent: the run stops at the first entry, fails nothing (issue 17, item 4).

Before, each entry waited out its own timeouts and retries and was marked Failed
("Claude could not be reached"); now the first entry's retries end the run, the message
names the address tried, and every entry stays New for the next run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.fakes import AnthropicEmulator
from young_production.config import Workspace
from young_production.demo import prepare_demo_workspace
from young_production.records import DNAStatus, TranscriptSource, ViralDNA
from young_production.runtime import open_store
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.tools.sample_server import SAMPLES, SampleServer
from young_production.workflows.engine.base import RunOptions

from .running import run

HAIKU = "claude-haiku-5-5"
FAST_ROUTES = (TranscriptSource.CAPTIONS, TranscriptSource.ARTICLE)  # no Whisper needed


def _workspace(tmp_path: Path, server: SampleServer, base_url: str, **anthropic: Any) -> Workspace:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    ai = {
        "provider": "anthropic",
        "prices": {HAIKU: {"input": 1.0, "output": 5.0}},
        "anthropic": {"api_key": "test-key", "base_url": base_url, "default_model": HAIKU, "max_retries": 1,
                      **anthropic},
        "skills": {},
        "limits": {"per_run_usd": None, "daily_usd": None, "monthly_usd": None},
    }
    workspace.update_yaml("ai_config.yaml", lambda data: data.update(ai))
    store = open_store(workspace)
    for sample in SAMPLES:
        if sample.route in FAST_ROUTES:
            add_dna(store, server.url(sample.path), title=sample.title)
    store.close()
    return workspace


def _untouched(workspace: Workspace) -> bool:
    store = open_store(workspace)
    try:
        entries = list(iter_records(store, ViralDNA))
    finally:
        store.close()
    return bool(entries) and all(e.status is DNAStatus.NEW and not e.error_reason for e in entries)


def test_claude_at_a_closed_port_stops_the_run_and_fails_no_entry(
    tmp_path: Path, sample_http: SampleServer, closed_port_url: str
) -> None:
    origin = closed_port_url.rsplit("/", 1)[0]
    workspace = _workspace(tmp_path, sample_http, origin)
    result = run(workspace, options=RunOptions(workers=1))
    assert result.stopped_reason and origin.split("//")[1] in result.stopped_reason
    assert "connection refused" in result.stopped_reason
    assert result.failed == 0 and result.successful == 0
    assert _untouched(workspace)


def test_a_silent_claude_stops_the_run_after_one_entry_and_the_next_run_finishes(
    tmp_path: Path, sample_http: SampleServer
) -> None:
    with AnthropicEmulator(api_key="test-key") as emulator:
        workspace = _workspace(tmp_path, sample_http, emulator.base_url, read_timeout_sec=0.3)
        emulator.latency_sec = 3.0
        started = time.monotonic()
        result = run(workspace, options=RunOptions(workers=1))
        waited = time.monotonic() - started
        assert result.stopped_reason and "did not answer within 0.3 s" in result.stopped_reason
        assert result.failed == 0 and _untouched(workspace)
        assert waited < 30  # one entry's two attempts, not every entry's timeouts and step retries

        emulator.latency_sec = 0.0  # the server answers again: the next run does everything
        again = run(workspace)
        assert again.successful == len(FAST_ROUTES) and again.failed == 0, [e.error for e in again.entries]
