"""Provider choice: config default, per-skill override, command line; checks before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.ai.base import AIRequest
from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.ledger import CostLedger
from young_production.ai.router import ProviderPlan, build_provider, estimate_cost
from young_production.ai.rules import RuleProvider
from young_production.config import AIConfig, Workspace
from young_production.errors import ConfigError
from young_production.skills.dna.decode import (
    DNA_INSTRUCTIONS,
    HOOK_INSTRUCTIONS,
    DNAAnalysisAnswer,
    HookAnswer,
)

from .conftest import HAIKU, LOCAL, MONEY, SONNET, make_config


def dna_request(skill: str = "S05", entry: str = "e1", chars: int = 2000) -> AIRequest:
    data = ("Money habits change lives when you automate them. " * 60)[:chars]
    return AIRequest(skill, DNA_INSTRUCTIONS, data, {"segments": list(MONEY.segments)}, "WF1", entry, 800)


def test_the_shipped_config_runs_on_rules_without_any_key(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, env={})
    workspace.init()
    provider = build_provider(workspace.ai_config(), ledger=CostLedger(tmp_path / "state"), run_id="r")

    assert isinstance(provider, RuleProvider)


def test_shipped_config_switches_to_claude_with_a_key(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, env={"ANTHROPIC_API_KEY": "sk-test"})
    workspace.init()
    plan = ProviderPlan(workspace.ai_config(), override="anthropic")

    assert plan.problems() == []
    assert plan.route("S05").model == HAIKU  # the WF1 analysis runs on Haiku
    assert plan.route("S15").model == SONNET  # anything else on the default model


def test_a_missing_key_is_one_clear_error_before_any_request(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    config.anthropic = config.anthropic.model_copy(update={"api_key": ""})
    assert config.anthropic.base_url == anthropic_emu.base_url
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        build_provider(config, ledger=CostLedger(tmp_path), run_id="r")
    assert anthropic_emu.requests == []


def test_every_problem_comes_back_in_one_error(tmp_path: Path) -> None:
    config = AIConfig.model_validate(
        {
            "provider": "anthropic",
            "skills": {"S06": {"provider": "openai", "model": "gpt-unpriced"}},
            "openai": {"base_url": "https://api.openai.com/v1", "default_model": "x"},
        }
    )
    with pytest.raises(ConfigError) as caught:
        build_provider(config, ledger=CostLedger(tmp_path), run_id="r")

    message = str(caught.value)
    assert message.count("ai_config.yaml") == 1
    for part in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "anthropic.default_model", "'gpt-unpriced'"):
        assert part in message


def test_unknown_provider_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--provider is 'claude'"):
        build_provider(make_config(), ledger=CostLedger(tmp_path), run_id="r", override="claude")
    config = make_config(skills={"S06": {"provider": "gemini"}})
    with pytest.raises(ConfigError, match="skills.S06.provider is 'gemini'"):
        build_provider(config, ledger=CostLedger(tmp_path), run_id="r")


def test_per_skill_override_sends_each_skill_to_its_provider(
    anthropic_emu: AnthropicEmulator, openai_emu: OpenAIEmulator, tmp_path: Path
) -> None:
    config = make_config(
        "anthropic", anthropic=anthropic_emu, openai=openai_emu, skills={"S06": {"provider": "openai"}}
    )
    provider = build_provider(config, ledger=CostLedger(tmp_path), run_id="r")
    dna = provider.complete(dna_request("S05"), DNAAnalysisAnswer)
    hook = provider.complete(
        AIRequest("S06", HOOK_INSTRUCTIONS, "Why do you wake up tired? Here is why.", {}, "WF1", "e1"), HookAnswer
    )

    assert (dna.provider, dna.model) == ("anthropic", HAIKU)
    assert (hook.provider, hook.model) == ("openai", LOCAL)
    assert len(anthropic_emu.message_requests()) == 1 and len(openai_emu.completion_requests()) == 1
    assert {row["provider"] for row in CostLedger(tmp_path).calls()} == {"anthropic", "openai"}


def test_command_line_beats_config_and_claude_ids_never_reach_a_local_server(
    openai_emu: OpenAIEmulator, tmp_path: Path
) -> None:
    config = make_config(
        "anthropic", openai=openai_emu, skills={"S05": {"model": SONNET}, "S06": {"provider": "anthropic"}}
    )
    plan = ProviderPlan(config, override="openai")
    assert {plan.route(s).provider for s in ("S05", "S06", "S99")} == {"openai"}
    assert plan.route("S05").model == LOCAL

    answer = build_provider(config, ledger=CostLedger(tmp_path), run_id="r", override="openai").complete(
        dna_request(), DNAAnalysisAnswer
    )
    assert answer.model == LOCAL
    assert openai_emu.completion_requests()[0]["model"] == LOCAL


def test_rules_everywhere_but_one_skill(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("rules", anthropic=anthropic_emu, skills={"S06": {"provider": "anthropic"}})
    provider = build_provider(config, ledger=CostLedger(tmp_path), run_id="r")
    dna = provider.complete(dna_request(), DNAAnalysisAnswer)

    assert dna.provider == "rules" and anthropic_emu.requests == []


def test_dry_run_estimate_is_an_upper_bound_and_halves_in_batches(
    anthropic_emu: AnthropicEmulator, tmp_path: Path
) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    requests = [(dna_request(entry=f"e{i}"), DNAAnalysisAnswer) for i in range(5)]

    estimate = estimate_cost(config, requests)
    batch = estimate_cost(config, requests, batch=True)
    rules = estimate_cost(config, requests, override="rules")
    provider = build_provider(config, ledger=CostLedger(tmp_path), run_id="r")
    actual = sum(provider.complete(r, s).usage.cost_usd for r, s in requests)

    assert estimate.calls == 5 and set(estimate.per_skill) == {"S05"}
    assert actual < estimate.usd < actual * 20
    assert batch.usd == pytest.approx(estimate.usd / 2)
    assert rules.usd == 0.0 and rules.calls == 5
    assert anthropic_emu.message_requests() and len(anthropic_emu.message_requests()) == 5
