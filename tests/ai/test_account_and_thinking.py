"""Account-level failures stop a run (AccountError); thinking is explicit and never cuts an answer.

Through the real SDKs against the loopback emulators, as a run builds its provider.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.base import AIRequest
from young_production.ai.batch import collect_batch, submit_batch
from young_production.ai.ledger import CostLedger
from young_production.ai.prompting import AnswerCutOff
from young_production.ai.router import ProviderPlan, build_provider, estimate_cost
from young_production.config import Workspace
from young_production.errors import AccountError, TransientError
from young_production.skills.dna.decode import DNA_INSTRUCTIONS, DNAAnalysisAnswer

from .conftest import HAIKU, MONEY, make_config

ANSWER_BUDGET = 800  # the combined S05 call's answer budget


def dna_request(entry: str = "e1") -> AIRequest:
    data = f"Title: Money habits\nSource type: youtube_video\nTranscript:\n{MONEY.text}"
    return AIRequest("S05", DNA_INSTRUCTIONS, data, {}, "WF1", entry, ANSWER_BUDGET)


def claude(emu: AnthropicEmulator, tmp_path: Path, **config: Any) -> Any:
    return build_provider(make_config("anthropic", anthropic=emu, **config), ledger=CostLedger(tmp_path), run_id="r")


# --- account-level failures --------------------------------------------------------------


@pytest.mark.parametrize(
    ("knob", "words"),
    [
        ("credit_exhausted", "credit balance is too low"),
        ("billing_problem", "billing problem"),
        ("forbidden", "403"),
    ],
)
def test_claude_account_failures_stop_the_run(
    anthropic_emu: AnthropicEmulator, tmp_path: Path, knob: str, words: str
) -> None:
    setattr(anthropic_emu, knob, True)
    with pytest.raises(AccountError, match=words) as caught:
        claude(anthropic_emu, tmp_path).complete(dna_request(), DNAAnalysisAnswer)
    assert "\n" not in str(caught.value)
    assert len(anthropic_emu.message_requests()) == 1  # not retried
    assert CostLedger(tmp_path).totals().reserved_usd == 0


def test_a_claude_model_that_does_not_exist_stops_the_run(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    anthropic_emu.models = {"claude-sonnet-5-5"}
    with pytest.raises(AccountError, match="no model by that name"):
        claude(anthropic_emu, tmp_path).complete(dna_request(), DNAAnalysisAnswer)


def test_claude_overload_529_is_retried_after_retry_after(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    anthropic_emu.fail_next(529, times=2, retry_after=0.1)
    answer = claude(anthropic_emu, tmp_path).complete(dna_request(), DNAAnalysisAnswer)
    assert answer.value.perspective and len(anthropic_emu.message_requests()) == 3
    anthropic_emu.fail_next(529, times=3, retry_after=0.1)
    with pytest.raises(TransientError, match="529"):  # overload that outlasts the retries is per-entry
        claude(anthropic_emu, tmp_path).complete(dna_request("e2"), DNAAnalysisAnswer)


def test_an_openai_compatible_server_that_is_not_running_stops_the_run(closed_port_url: str, tmp_path: Path) -> None:
    config = make_config("openai", max_retries=1)
    config.openai.base_url = closed_port_url.rsplit("/", 1)[0] + "/v1"
    provider = build_provider(config, ledger=CostLedger(tmp_path), run_id="r")
    with pytest.raises(AccountError, match="ollama serve"):
        provider.complete(dna_request(), DNAAnalysisAnswer)


def test_an_openai_compatible_model_that_is_not_pulled_stops_the_run(openai_emu: OpenAIEmulator, tmp_path: Path) -> None:
    openai_emu.models = {"qwen3"}
    provider = build_provider(make_config("openai", openai=openai_emu), ledger=CostLedger(tmp_path), run_id="r")
    with pytest.raises(AccountError, match="ollama pull"):
        provider.complete(dna_request(), DNAAnalysisAnswer)


# --- thinking ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("skill", "expected_thinking", "expected_max_tokens", "effort"),
    [
        ({"thinking": "off"}, {"type": "disabled"}, ANSWER_BUDGET, None),
        ({"thinking": "adaptive", "effort": "medium", "thinking_tokens": 2000}, {"type": "adaptive"},
         ANSWER_BUDGET + 2000, "medium"),
        ({"thinking": 3000}, {"type": "enabled", "budget_tokens": 3000}, ANSWER_BUDGET + 3000, None),
    ],
    ids=["off", "adaptive", "budget"],
)
def test_each_skill_says_how_it_thinks_and_leaves_room_for_the_answer(
    anthropic_emu: AnthropicEmulator, tmp_path: Path, skill: dict, expected_thinking: dict,
    expected_max_tokens: int, effort: str | None,
) -> None:
    anthropic_emu.thinking_tokens = 2500
    provider = claude(anthropic_emu, tmp_path, skills={"S05": {"model": HAIKU, **skill}}, thinking="adaptive")
    answer = provider.complete(dna_request(), DNAAnalysisAnswer)
    sent = anthropic_emu.message_requests()[-1]
    assert sent["thinking"] == expected_thinking and sent["max_tokens"] == expected_max_tokens
    assert sent["output_config"].get("effort") == effort and sent["output_config"]["format"]["type"] == "json_schema"
    assert answer.value.perspective
    assert answer.usage.output_tokens > (0 if skill["thinking"] == "off" else 1000)  # thinking is billed as output


def test_adaptive_thinking_by_default_does_not_cut_the_combined_answer(
    anthropic_emu: AnthropicEmulator, tmp_path: Path
) -> None:
    """The model thinks ~600 tokens: an 800-token output limit alone would stop the JSON midway."""
    provider = claude(anthropic_emu, tmp_path, thinking="adaptive")
    answer = provider.complete(dna_request(), DNAAnalysisAnswer)
    assert answer.value.perspective and len(anthropic_emu.message_requests()) == 1


def test_an_answer_cut_at_max_tokens_is_an_error_never_half_parsed(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    anthropic_emu.thinking_tokens = 10_000  # thinks past everything reserved for it
    provider = claude(anthropic_emu, tmp_path, thinking="adaptive")
    with pytest.raises(AnswerCutOff) as caught:
        provider.complete(dna_request(), DNAAnalysisAnswer)
    message = str(caught.value)
    assert "skills.S05.max_output_tokens" in message and "thinking_tokens" in message and "\n" not in message
    assert len(anthropic_emu.message_requests()) == 1  # the same request would stop at the same place
    calls = CostLedger(tmp_path).calls()
    assert [c["outcome"] for c in calls] == ["rejected"] and calls[0]["output_tokens"] == ANSWER_BUDGET + 4096


def test_a_batch_answer_cut_at_max_tokens_is_a_failed_result(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    anthropic_emu.thinking_tokens = 10_000
    config = make_config("anthropic", anthropic=anthropic_emu, thinking="adaptive")
    ledger = CostLedger(tmp_path)
    submit_batch([("e1", dna_request(), DNAAnalysisAnswer)], ai_config=config, ledger=ledger, run_id="r")
    results: list[Any] = []
    collect_batch(results.append, ai_config=config, ledger=ledger)
    assert len(results) == 1 and results[0].answer is None
    assert "output token limit" in results[0].error and not results[0].retryable


def test_the_dry_run_estimate_counts_the_thinking_reserve(anthropic_emu: AnthropicEmulator) -> None:
    off = make_config("anthropic", anthropic=anthropic_emu, thinking="off")
    adaptive = make_config("anthropic", anthropic=anthropic_emu, thinking="adaptive")
    calls = [(dna_request(), DNAAnalysisAnswer)]
    assert estimate_cost(adaptive, calls).usd > estimate_cost(off, calls).usd + 4096 * 0.5e-6 * 0.99


def test_the_shipped_config_turns_thinking_off_for_the_extraction_skills(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    plan = ProviderPlan(workspace.ai_config(), "anthropic")
    for skill in ("S05", "S06", "S07", "S08", "S09"):
        assert plan.thinking(skill, "anthropic").mode == "off"
    default = plan.thinking("S15", "anthropic")
    assert default.mode == "adaptive" and default.reserve >= 1024 and default.effort
