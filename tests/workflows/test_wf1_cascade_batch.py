"""Cascade and `--unsure` as one Message Batch, on the loopback Claude emulator: the rules run
first, entries they are sure of are written at once, and the batch asks only for the unsure
fields (the request a non-batch cascade sends); its answers fill only those fields, their cost
is booked at batch prices, and a rerun buys nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator
from young_production.ai.ledger import CostLedger
from young_production.cli.render import result_line
from young_production.config import Workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.skills.dna.cascade import fill_keys
from young_production.text import confidence
from young_production.tools.sample_server import SampleServer
from young_production.workflows import open_engine
from young_production.workflows.args import DecodeArgs
from young_production.workflows.engine.base import RunOptions, WorkflowResult
from young_production.workflows.wf1_batch import collect_wf1_batches, submit_wf1_batch

from .running import run
from .test_wf1_ai import _claude, _entries, _plan, _workspace
from .test_wf1_cascade import assert_filled_only_the_unsure_fields

pytestmark = pytest.mark.slow  # a batch polled to its end from a second engine


@pytest.fixture
def anthropic_emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator() as emu:
        emu.batch_polls_until_ended = 1  # the submitting run's first look finds the batch still running
        yield emu


def _submit(workspace: Workspace, args: DecodeArgs | None = None) -> WorkflowResult:
    with open_engine(workspace) as engine:
        return submit_wf1_batch(engine, RunOptions(args=args or DecodeArgs()))


def _collect(workspace: Workspace) -> WorkflowResult:
    with open_engine(workspace) as engine:
        return collect_wf1_batches(engine, wait_sec=10)


def _batches(emu: AnthropicEmulator) -> list[list[dict[str, Any]]]:
    """The `requests` of every batch sent, in order."""
    return [r["body"]["requests"] for r in emu.requests if r["method"] == "POST" and r["path"] == "/v1/messages/batches"]


def _asked(request: dict[str, Any]) -> set[str]:
    return set(request["params"]["output_config"]["format"]["schema"]["properties"])


def _rules_only(tmp_path: Path, server: SampleServer) -> dict[str, ViralDNA]:
    workspace = _workspace(tmp_path / "rules", server, {"provider": "rules"})
    run(workspace)
    decoded = {e.title: e for e in _entries(workspace)}
    assert any(e.unsure for e in decoded.values()), "the samples should leave something unsure"
    return decoded


def test_cascade_batch_sends_only_unsure_fields_and_writes_sure_entries_at_once(
        tmp_path: Path, sample_http: SampleServer, anthropic_emu: AnthropicEmulator,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules are unsure of both samples' perspective; with these thresholds they are sure of
    # everything in one sample and unsure of the other's hook pattern (confidence 0.97 against 0.94).
    monkeypatch.setitem(confidence.THRESHOLDS, "perspective", 0.0)
    monkeypatch.setitem(confidence.THRESHOLDS, "hook_pattern", 0.955)
    rules = _rules_only(tmp_path, sample_http)
    unsure = {title: e.unsure for title, e in rules.items() if e.unsure}
    assert 0 < len(unsure) < len(rules), {t: e.confidence for t, e in rules.items()}
    workspace = _workspace(tmp_path / "cascade", sample_http, {**_claude(anthropic_emu), "analysis": "cascade"})

    plan = _plan(workspace, args=DecodeArgs(batch=True))
    direct = _plan(workspace)
    assert plan.estimated_cost_usd == pytest.approx(direct.estimated_cost_usd / 2)
    assert "in one Message Batch (half price)" in result_line(plan)

    submitted = _submit(workspace)
    assert anthropic_emu.message_requests() == []  # nothing bought outside the batch
    [sent] = _batches(anthropic_emu)
    assert len(sent) == len(unsure) and submitted.batch_ids
    by_entry = {e.id: e for e in _entries(workspace)}
    assert sorted(_asked(r) for r in sent) == sorted(set(fill_keys(f)) for f in unsure.values())
    for request in sent:
        entry = by_entry[request["custom_id"]]
        assert _asked(request) == set(fill_keys(unsure[entry.title]))
        text = json.dumps(request["params"]["messages"])
        assert "Already decoded" in text and "hook_confidence" not in _asked(request)
        assert entry.status is DNAStatus.NEW  # written when its answer comes
    for entry in by_entry.values():
        if entry.title not in unsure:  # the rules were sure: written at once, no paid call
            assert entry.status is DNAStatus.ENCODED and entry.perspective == rules[entry.title].perspective
    assert "unsure fields of" in result_line(submitted)

    collected = _collect(workspace)
    assert collected.successful == len(unsure), [e.error for e in collected.entries]
    for entry in _entries(workspace):
        before = rules[entry.title]
        assert entry.status is DNAStatus.ENCODED and entry.unsure == [] and not entry.needs_review
        for name in ("perspective", "hook", "hook_pattern"):
            if name not in before.unsure:
                assert getattr(entry, name) == getattr(before, name)  # the rules' confident answer stands
            else:
                assert getattr(entry, name)  # the batch's answer filled it
    totals = CostLedger(workspace.state_dir).totals()
    assert totals.calls == len(unsure) and totals.per_workflow["WF1"] == pytest.approx(collected.total_cost_usd, abs=1e-5)
    assert collected.total_cost_usd > 0

    assert _submit(workspace).selected == 0 and run(workspace).selected == 0  # a rerun buys nothing
    assert len(_batches(anthropic_emu)) == 1 and anthropic_emu.message_requests() == []


def test_unsure_batch_fills_only_the_unsure_fields_and_is_never_bought_twice(
        tmp_path: Path, sample_http: SampleServer, anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    run(workspace, options=RunOptions(provider="rules"))
    before = {e.id: e for e in _entries(workspace)}
    waiting = {i: e for i, e in before.items() if e.needs_review}
    assert waiting

    plan = _plan(workspace, args=DecodeArgs(unsure=True, batch=True))
    assert plan.estimated_cost_usd == pytest.approx(_plan(workspace, args=DecodeArgs(unsure=True)).estimated_cost_usd / 2)
    fields = sum(len(e.unsure) for e in waiting.values())
    assert f"{len(waiting)} entries, {fields} unsure fields to anthropic" in result_line(plan)
    assert "in one Message Batch (half price)" in result_line(plan)

    submitted = _submit(workspace, DecodeArgs(unsure=True))
    assert {e.id for e in submitted.entries if e.status == "prepared"} == set(waiting)
    [sent] = _batches(anthropic_emu)
    assert {r["custom_id"]: _asked(r) for r in sent} == {i: set(fill_keys(e.unsure)) for i, e in waiting.items()}
    # Meanwhile no other run asks again about entries whose question is in the batch.
    assert run(workspace, options=RunOptions(args=DecodeArgs(unsure=True))).selected == 0
    assert _submit(workspace, DecodeArgs(unsure=True)).selected == 0

    collected = _collect(workspace)
    assert collected.successful == len(waiting), [e.error for e in collected.entries]
    after = {e.id: e for e in _entries(workspace)}
    for entry_id, old in waiting.items():
        assert_filled_only_the_unsure_fields(old, after[entry_id])
    assert CostLedger(workspace.state_dir).totals().calls == len(waiting)

    assert _submit(workspace, DecodeArgs(unsure=True)).selected == 0  # nothing left to ask
    assert len(_batches(anthropic_emu)) == 1 and anthropic_emu.message_requests() == []
    assert _collect(workspace).entries == []  # and nothing written twice
