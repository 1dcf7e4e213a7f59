"""WF2 and WF3 with paid providers (the loopback Claude and OpenAI-compatible emulators, real SDKs):
the model's reasons and script go through the same ledger and the same checks as the rule provider's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.ledger import CostLedger
from young_production.records import ProductionStatus
from young_production.workflows.args import LinkArgs, ScriptArgs
from young_production.workflows.engine.base import RunOptions

from .loop_data import make_workspace, production
from .running import run

MODEL = "claude-haiku-5-5"
PRICES = {MODEL: {"input": 1.0, "output": 5.0}, "llama3.2": {"input": 0.0, "output": 0.0}}
AUTO = {"auto": True, "min_score": 0.2, "top": 2}


def _claude(emu: AnthropicEmulator) -> dict[str, Any]:
    return {"provider": "anthropic", "prices": PRICES, "skills": {},
            "anthropic": {"api_key": emu.api_key, "base_url": emu.base_url, "default_model": MODEL, "max_retries": 0},
            "limits": {"per_run_usd": None, "daily_usd": None, "monthly_usd": None}}


def _openai(emu: OpenAIEmulator) -> dict[str, Any]:
    # The emulator fills arrays up to their schema maximum with random sentences (36 scenes for a
    # Short), far longer than a real model's breakdown: give its answers room.
    roomy = {skill: {"max_output_tokens": 16000} for skill in ("S15", "S19", "S20", "S21")}
    return {"provider": "openai", "prices": PRICES, "skills": roomy,
            "openai": {"api_key": emu.api_key or "", "base_url": emu.base_url + "/v1", "default_model": "llama3.2"}}


@pytest.mark.parametrize("kind", ["anthropic", "openai"])
def test_link_and_script_with_a_model(tmp_path: Path, kind: str) -> None:
    emulator = AnthropicEmulator() if kind == "anthropic" else OpenAIEmulator()
    with emulator as emu:
        workspace, ids = make_workspace(tmp_path / "ws")
        workspace.update_yaml("ai_config.yaml", lambda d: d.update(_claude(emu) if kind == "anthropic" else _openai(emu)))
        target = ids["Hook viewers in the first 30 seconds"]
        linked = run(workspace, "wf2", RunOptions(args=LinkArgs(**AUTO, production=target)))
        assert linked.successful == 1, [e.error for e in linked.entries]
        scripted = run(workspace, "wf3", RunOptions(args=ScriptArgs(production=target)))
        assert scripted.successful == 1, [e.error for e in scripted.entries]
        detail = scripted.entries[0].detail
        assert detail["draft"]["script"]["provider"] == kind
        assert production(workspace, target).status is ProductionStatus.DNA_MATCHING
    if kind == "anthropic":
        totals = CostLedger(workspace.state_dir).totals()
        assert set(totals.per_workflow) == {"WF2", "WF3"} and totals.total_usd > 0
        assert scripted.total_cost_usd > 0
