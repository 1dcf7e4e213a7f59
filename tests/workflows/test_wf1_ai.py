"""WF1 with paid providers, on the loopback Claude and OpenAI-compatible emulators.

Covers: costs reach the ledger and state/ai_costs.json; a spend-limit answer or our
own limit stops the run with entries left unprocessed (not failed); a missing key
fails before any work; dry runs estimate cost; batch submit, collect from a new
context, exactly-once write-back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.ledger import CostLedger
from young_production.config import Workspace
from young_production.demo import prepare_demo_workspace
from young_production.errors import ConfigError
from young_production.records import DNAStatus, TranscriptSource, ViralDNA
from young_production.runtime import Runtime, open_store
from young_production.tools.sample_server import SAMPLES, SampleServer
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.workflows.args import DecodeArgs
from young_production.workflows.engine.base import RunOptions, WorkflowResult
from young_production.workflows import open_engine, plan_workflow
from young_production.workflows.wf1_batch import collect_wf1_batches, submit_wf1_batch

from .running import run

HAIKU = "claude-haiku-5-5"
PRICES = {HAIKU: {"input": 1.0, "output": 5.0}, "llama3.2": {"input": 0.0, "output": 0.0}}
FAST_ROUTES = (TranscriptSource.CAPTIONS, TranscriptSource.ARTICLE)  # no Whisper needed


@pytest.fixture
def anthropic_emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator() as emu:
        yield emu


def _workspace(tmp_path: Path, server: SampleServer, ai: dict[str, Any]) -> Workspace:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    workspace.update_yaml("ai_config.yaml", lambda data: data.update(ai))
    store = open_store(workspace)
    for sample in SAMPLES:
        if sample.route in FAST_ROUTES:
            add_dna(store, server.url(sample.path), title=sample.title)
    store.close()
    return workspace


def _claude(emu: AnthropicEmulator, **limits: float) -> dict[str, Any]:
    return {
        "provider": "anthropic",
        "prices": PRICES,
        "anthropic": {"api_key": emu.api_key, "base_url": emu.base_url, "default_model": HAIKU, "max_retries": 0},
        "skills": {},
        "limits": {"per_run_usd": None, "daily_usd": None, "monthly_usd": None, **limits},
    }


def _entries(workspace: Workspace) -> list[ViralDNA]:
    store = open_store(workspace)
    try:
        return list(iter_records(store, ViralDNA))
    finally:
        store.close()


def _plan(workspace: Workspace, **options: Any) -> WorkflowResult:
    with Runtime(workspace, provider_override=options.get("provider")) as runtime:
        return plan_workflow(runtime, "wf1", RunOptions(dry_run=True, **options))


def _submit(workspace: Workspace) -> WorkflowResult:
    with open_engine(workspace) as engine:
        return submit_wf1_batch(engine, RunOptions())


def _collect(workspace: Workspace) -> WorkflowResult:
    with open_engine(workspace) as engine:
        return collect_wf1_batches(engine, wait_sec=10)


def test_claude_run_is_priced_and_recorded(tmp_path: Path, sample_http: SampleServer,
                                           anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    result = run(workspace)
    assert result.successful == len(FAST_ROUTES) and result.failed == 0
    assert result.total_cost_usd > 0
    assert len(anthropic_emu.message_requests()) == len(FAST_ROUTES)  # one combined call per entry
    totals = CostLedger(workspace.state_dir).totals()
    assert totals.calls == len(FAST_ROUTES)
    assert totals.per_workflow["WF1"] == pytest.approx(result.total_cost_usd, abs=1e-6)
    costs = json.loads((workspace.state_dir / "ai_costs.json").read_text())
    assert set(costs) >= {"daily", "monthly", "per_skill", "per_workflow"}
    for entry in _entries(workspace):
        assert entry.status is DNAStatus.ENCODED and entry.perspective and entry.hook


def test_scraped_text_is_fenced_as_data(tmp_path: Path, sample_http: SampleServer,
                                        anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    run(workspace, options=RunOptions(limit=1))
    request = json.dumps(anthropic_emu.message_requests()[0])
    assert "untrusted" in request.lower()


def test_spend_limit_answer_stops_the_run_and_fails_nothing(tmp_path: Path, sample_http: SampleServer,
                                                             anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    anthropic_emu.spend_limit_reached = True
    result = run(workspace, options=RunOptions(workers=1))
    assert result.stopped_reason and "limit" in result.stopped_reason
    assert result.failed == 0 and result.successful == 0
    assert all(e.status is DNAStatus.NEW and not e.perspective for e in _entries(workspace))
    anthropic_emu.spend_limit_reached = False
    again = run(workspace)
    assert again.successful == len(FAST_ROUTES)


def test_own_daily_limit_stops_before_overshooting(tmp_path: Path, sample_http: SampleServer,
                                                   anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu, daily_usd=0.000001))
    result = run(workspace)
    assert result.stopped_reason and "limit" in result.stopped_reason
    assert anthropic_emu.message_requests() == []  # refused before the call was made
    assert all(e.status is DNAStatus.NEW for e in _entries(workspace))


def test_missing_key_fails_before_any_work(tmp_path: Path, sample_http: SampleServer,
                                           anthropic_emu: AnthropicEmulator) -> None:
    ai = _claude(anthropic_emu)
    ai["anthropic"]["api_key"] = ""
    workspace = _workspace(tmp_path, sample_http, ai)
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        run(workspace)
    assert all(e.status is DNAStatus.NEW for e in _entries(workspace))


def test_dry_run_estimates_cost_and_writes_nothing(tmp_path: Path, sample_http: SampleServer,
                                                   anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    paid = _plan(workspace)
    assert paid.estimated_cost_usd and paid.estimated_cost_usd > 0
    batch = _plan(workspace, args=DecodeArgs(batch=True))
    assert batch.estimated_cost_usd == pytest.approx(paid.estimated_cost_usd / 2)
    free = _plan(workspace, provider="rules")
    assert free.estimated_cost_usd == 0
    assert anthropic_emu.message_requests() == []
    assert not (workspace.state_dir / "wf1_last_run.json").exists()


def test_openai_compatible_provider_runs_wf1(tmp_path: Path, sample_http: SampleServer) -> None:
    with OpenAIEmulator() as emu:
        ai = {
            "provider": "openai",
            "prices": PRICES,
            "openai": {"api_key": emu.api_key or "", "base_url": emu.base_url + "/v1", "default_model": "llama3.2"},
        }
        workspace = _workspace(tmp_path, sample_http, ai)
        result = run(workspace)
    assert result.successful == len(FAST_ROUTES), [e.error for e in result.entries]
    assert all(e.status is DNAStatus.ENCODED for e in _entries(workspace))


@pytest.mark.slow  # two engines and a batch polled to its end
def test_batch_survives_a_restart_and_writes_back_once(tmp_path: Path, sample_http: SampleServer,
                                                       anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    anthropic_emu.batch_polls_until_ended = 1  # the first look finds it still running
    submitted = _submit(workspace)
    assert len(submitted.batch_ids) == 1 and submitted.successful == 0
    last = json.loads((workspace.state_dir / "wf1_last_run.json").read_text())
    assert last["batch_ids"] == submitted.batch_ids
    assert all(not e.perspective for e in _entries(workspace))

    # A normal run meanwhile leaves the entries waiting in the batch alone; so does a second submit.
    assert run(workspace).selected == 0
    assert _submit(workspace).selected == 0

    # "A new process": a fresh engine adopts the batch's durable workflow and collects it.
    collected = _collect(workspace)
    assert collected.successful == len(FAST_ROUTES), [e.error for e in collected.entries]
    assert collected.total_cost_usd > 0
    entries = _entries(workspace)
    assert all(e.status is DNAStatus.ENCODED and e.perspective for e in entries)
    stamps = {e.id: e.processed_at for e in entries}
    assert sum(1 for r in anthropic_emu.requests if r['method'] == 'POST' and r['path'] == '/v1/messages/batches') == 1

    again = _collect(workspace)
    assert again.successful == 0 and again.entries == []
    assert {e.id: e.processed_at for e in _entries(workspace)} == stamps


def test_batch_needs_claude(tmp_path: Path, sample_http: SampleServer) -> None:
    workspace = _workspace(tmp_path, sample_http, {"provider": "rules"})
    with pytest.raises(ConfigError, match="Message Batches"):
        _submit(workspace)


@pytest.mark.parametrize("knob, words", [("credit_exhausted", "credit"), ("billing_problem", "billing"),
                                         ("forbidden", "")])
def test_an_account_failure_stops_the_run_and_leaves_every_entry_untouched(
    tmp_path: Path, sample_http: SampleServer, anthropic_emu: AnthropicEmulator, knob: str, words: str
) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    setattr(anthropic_emu, knob, True)
    result = run(workspace, options=RunOptions(workers=1))
    assert result.stopped_reason and words in result.stopped_reason.lower()
    assert result.failed == 0 and result.successful == 0
    assert len(anthropic_emu.message_requests()) == 1  # the first refusal stopped it: no call per entry
    assert all(e.status is DNAStatus.NEW and not e.error_reason for e in _entries(workspace))

    setattr(anthropic_emu, knob, False)  # credit topped up: the next run finishes everything
    again = run(workspace)
    assert again.successful == len(FAST_ROUTES), [e.error for e in again.entries]
