"""Cascade decoding and `--unsure` on the loopback Claude emulator: the model is asked only for the
fields the rules are unsure of, given the confident ones as context, and nothing when there are none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.config import Workspace
from young_production.errors import ConfigError
from young_production.records import DNAStatus, ViralDNA
from young_production.runtime import open_store
from young_production.skills.dna.cascade import fill_keys
from young_production.tools.sample_server import SampleServer
from young_production.workflows.args import DecodeArgs
from young_production.workflows.engine.base import RunOptions

from .running import run
from .test_wf1_ai import FAST_ROUTES, PRICES, _claude, _entries, _plan, _workspace


@pytest.fixture
def anthropic_emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator() as emu:
        yield emu


def _asked(request: dict[str, Any]) -> set[str]:
    """The answer keys a request's JSON schema asks for."""
    return set(request["output_config"]["format"]["schema"]["properties"])


def assert_filled_only_the_unsure_fields(old: ViralDNA, new: ViralDNA) -> None:
    """A filled entry: nothing left unsure, what the rules asserted kept, tags only added to."""
    assert new.unsure == [] and not new.needs_review
    for name in ("perspective", "hook", "hook_pattern", "open_loop"):
        if name not in old.unsure and not (name == "open_loop" and "payoff" in old.unsure):
            assert getattr(new, name) == getattr(old, name)  # what the rules asserted is kept
    assert set(old.niche_tags) <= set(new.niche_tags)
    assert new.transcript == old.transcript and new.processed_at == old.processed_at


def _user_text(request: dict[str, Any]) -> str:
    return json.dumps(request["messages"])


def _cascade(emu: AnthropicEmulator) -> dict[str, Any]:
    return {**_claude(emu), "analysis": "cascade"}


def test_cascade_asks_the_model_only_for_the_unsure_fields(tmp_path: Path, sample_http: SampleServer,
                                                           anthropic_emu: AnthropicEmulator) -> None:
    rules_only = _workspace(tmp_path / "rules", sample_http, {"provider": "rules"})
    run(rules_only)
    unsure = {e.title: e.unsure for e in _entries(rules_only)}
    assert any(unsure.values()), "the samples should leave something unsure, or this test shows nothing"

    workspace = _workspace(tmp_path / "cascade", sample_http, _cascade(anthropic_emu))
    result = run(workspace)

    assert result.successful == len(FAST_ROUTES), [e.error for e in result.entries]
    requests = anthropic_emu.message_requests()
    assert len(requests) == sum(1 for fields in unsure.values() if fields)  # sure entries cost nothing
    asked = sorted(_asked(r) for r in requests)
    assert asked == sorted(set(fill_keys(fields)) for fields in unsure.values() if fields)
    for request in requests:
        assert "Already decoded" in _user_text(request)
        assert "hook_confidence" not in _asked(request)
    for entry in _entries(workspace):
        assert entry.status is DNAStatus.ENCODED
        assert entry.unsure == [] and not entry.needs_review  # the emulator answers every field it is asked
        assert entry.perspective and entry.hook and entry.hook_pattern
    assert result.total_cost_usd > 0


def test_unsure_fills_only_the_unsure_fields_of_decoded_entries(tmp_path: Path, sample_http: SampleServer,
                                                                anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    run(workspace, options=RunOptions(provider="rules"))
    before = {e.id: e for e in _entries(workspace)}
    waiting = {i: e for i, e in before.items() if e.needs_review}
    assert waiting and anthropic_emu.message_requests() == []

    plan = _plan(workspace, args=DecodeArgs(unsure=True))
    assert {e.id: e.detail["ask_model"] for e in plan.entries} == {i: e.unsure for i, e in waiting.items()}
    assert plan.estimated_cost_usd and plan.estimated_cost_usd > 0
    assert anthropic_emu.message_requests() == []  # a dry run asks nobody

    result = run(workspace, options=RunOptions(args=DecodeArgs(unsure=True)))
    assert result.successful == len(waiting), [e.error for e in result.entries]
    requests = anthropic_emu.message_requests()
    assert sorted(_asked(r) for r in requests) == sorted(set(fill_keys(e.unsure)) for e in waiting.values())
    after = {e.id: e for e in _entries(workspace)}
    for entry_id, old in waiting.items():
        assert_filled_only_the_unsure_fields(old, after[entry_id])
    assert run(workspace, options=RunOptions(args=DecodeArgs(unsure=True))).selected == 0  # nothing left to ask


def test_unsure_needs_a_model(tmp_path: Path, sample_http: SampleServer) -> None:
    workspace: Workspace = _workspace(tmp_path, sample_http, {"provider": "rules"})
    run(workspace)
    with pytest.raises(ConfigError, match="for a model"):
        _plan(workspace, args=DecodeArgs(unsure=True))


def test_cascade_dry_run_names_the_model_and_prices_the_fills(tmp_path: Path, sample_http: SampleServer,
                                                               anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _cascade(anthropic_emu))
    plan = _plan(workspace)
    assert all(e.detail["cascade"].startswith("anthropic") for e in plan.entries)
    assert plan.estimated_cost_usd and plan.estimated_cost_usd > 0
    direct = _plan(workspace, provider="rules")
    assert direct.estimated_cost_usd == 0 and all("cascade" not in e.detail for e in direct.entries)
    assert anthropic_emu.message_requests() == []
    assert all(isinstance(e, ViralDNA) and e.status is DNAStatus.NEW for e in _entries(workspace))


def test_cascade_on_an_openai_compatible_server_asks_the_same_fields_in_strict_form(
        tmp_path: Path, sample_http: SampleServer) -> None:
    rules_only = _workspace(tmp_path / "rules", sample_http, {"provider": "rules"})
    run(rules_only)
    wanted = sorted(set(fill_keys(e.unsure)) for e in _entries(rules_only) if e.unsure)
    with OpenAIEmulator() as emu:
        ai = {"provider": "openai", "analysis": "cascade", "prices": PRICES,
              "openai": {"api_key": emu.api_key or "", "base_url": emu.base_url + "/v1", "default_model": "llama3.2"}}
        workspace = _workspace(tmp_path / "openai", sample_http, ai)
        result = run(workspace)
        schemas = [r["response_format"]["json_schema"]["schema"] for r in emu.completion_requests()]
    assert result.successful == len(FAST_ROUTES), [e.error for e in result.entries]
    assert sorted(set(s["properties"]) for s in schemas) == wanted
    assert all(set(s["required"]) == set(s["properties"]) and s["additionalProperties"] is False for s in schemas)
    assert all(e.unsure == [] for e in _entries(workspace))


def test_a_field_a_person_filled_in_since_is_neither_asked_nor_replaced(
        tmp_path: Path, sample_http: SampleServer, anthropic_emu: AnthropicEmulator) -> None:
    workspace = _workspace(tmp_path, sample_http, _claude(anthropic_emu))
    run(workspace, options=RunOptions(provider="rules"))
    person, other = [e for e in _entries(workspace) if "perspective" in e.unsure][:2]
    store = open_store(workspace)
    try:  # as a collaborator types it on Notion: the field filled, Unsure and Needs review left as they were
        store.update(ViralDNA, person.id or "", {"perspective": "A claim a person wrote."})
    finally:
        store.close()

    plan = {e.id: e.detail for e in _plan(workspace, args=DecodeArgs(unsure=True)).entries}
    assert "perspective" not in plan[person.id]["ask_model"]
    assert plan[other.id]["ask_model"] == other.unsure

    result = run(workspace, options=RunOptions(args=DecodeArgs(unsure=True)))
    assert result.failed == 0, [e.error for e in result.entries]
    for request in anthropic_emu.message_requests():
        if person.title in _user_text(request):
            assert "perspective" not in _asked(request)
    after = {e.id: e for e in _entries(workspace)}
    assert after[person.id].perspective == "A claim a person wrote."  # theirs, not replaced by a model's
    assert "perspective" not in after[person.id].unsure
    assert after[other.id].perspective and after[other.id].unsure == []
