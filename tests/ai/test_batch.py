"""Message Batches: submit, restart, collect; every result delivered exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from young_production.ai.base import AIRequest
from young_production.ai.batch import (
    BatchResult,
    collect_batch,
    load_schema,
    pending_batches,
    schema_ref,
    submit_batch,
)
from tests.fakes import AnthropicEmulator
from tests.postgres import postgres_cluster, postgres_url  # noqa: F401 (fixtures)
from young_production.ai.ledger import CostLedger
from young_production.ai.pricing import Pricing
from young_production.ai.router import ProviderPlan, make_llm_provider
from young_production.ai.shared_budget import SharedBudget
from young_production.config import AIConfig, LimitsConfig
from young_production.errors import AIError, BudgetExceeded, ConfigError
from young_production.skills.dna.decode import DNA_INSTRUCTIONS, DNAAnalysisAnswer
from young_production.workflows.engine.runs import sqlalchemy_url

from .conftest import FITNESS, MONEY, make_config

COLLECT_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from young_production.ai.batch import collect_batch
from young_production.ai.ledger import CostLedger
from young_production.config import AIConfig

config = AIConfig.model_validate(json.loads(sys.argv[2]))
seen = []
report = collect_batch(
    lambda r: seen.append([r.custom_id, r.entry_id, r.answer.value.perspective if r.ok else None]),
    ai_config=config,
    ledger=CostLedger(Path(sys.argv[1])),
)
print(json.dumps({"seen": seen, "collected": report.collected_batches, "pending": report.pending_batches}))
"""


def items(count: int = 3) -> list[tuple[str, AIRequest, type[DNAAnalysisAnswer]]]:
    texts = [MONEY.text, FITNESS.text, "Nobody tells you this about cooking rice. Rinse it twice. Then wait."]
    return [
        (
            f"dna-{i}",
            AIRequest("S05", DNA_INSTRUCTIONS, f"Title: Entry {i}\nTranscript:\n{texts[i % 3]} (part {i})",
                      {}, "WF1", f"entry-{i}", 800),
            DNAAnalysisAnswer,
        )
        for i in range(count)
    ]


def test_a_batch_survives_a_restart_and_each_result_arrives_once(
    anthropic_emu: AnthropicEmulator, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    anthropic_emu.batch_polls_until_ended = 1  # still running at the first look
    config = make_config("anthropic", anthropic=anthropic_emu, limits={"daily_usd": 1.0})
    batch_id = submit_batch(items(), ai_config=config, ledger=CostLedger(state), run_id="run-1", workflow="WF1")
    early = collect_batch(lambda r: pytest.fail("nothing has ended yet"), ai_config=config, ledger=CostLedger(state))
    assert early.pending_batches == [batch_id] and early.delivered == 0
    assert CostLedger(state).totals().reserved_usd > 0  # booked while the batch runs
    del early

    done = subprocess.run(
        [sys.executable, "-c", COLLECT_IN_A_NEW_PROCESS, str(state), config.model_dump_json()],
        capture_output=True, text=True, timeout=120, check=True,
    )
    collected = json.loads(done.stdout)
    assert collected["collected"] == [batch_id]
    assert sorted(row[0] for row in collected["seen"]) == ["dna-0", "dna-1", "dna-2"]
    assert {row[1] for row in collected["seen"]} == {"entry-0", "entry-1", "entry-2"}
    assert all(row[2] for row in collected["seen"])

    again: list[BatchResult] = []
    report = collect_batch(again.append, ai_config=config, ledger=CostLedger(state))
    assert again == [] and report.delivered == 0 and pending_batches(CostLedger(state)) == []

    ledger = CostLedger(state)
    rows = ledger.calls()
    assert len(rows) == 3 and all(row["batch"] == 1 and row["run_id"] == "run-1" for row in rows)
    assert ledger.totals().reserved_usd == 0


def test_batch_results_cost_half_price(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    ledger = CostLedger(tmp_path)
    submit_batch(items(1), ai_config=config, ledger=ledger, run_id="r")
    [result] = collect_results(config, ledger)

    usage = result.answer.usage
    pricing = Pricing(config.prices)
    assert usage.cost_usd == pytest.approx(pricing.cost(result.answer.model, usage) / 2)
    assert ledger.calls()[0]["cost_usd"] == pytest.approx(usage.cost_usd, abs=1e-9)


def test_a_failing_handler_leaves_its_result_for_the_next_collect(
    anthropic_emu: AnthropicEmulator, tmp_path: Path
) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    submit_batch(items(3), ai_config=config, ledger=CostLedger(tmp_path), run_id="r")
    delivered: list[str] = []

    def crashes_on_the_second(result: BatchResult) -> None:
        if len(delivered) == 1:
            raise RuntimeError("store unavailable")
        delivered.append(result.custom_id)

    with pytest.raises(RuntimeError):
        collect_batch(crashes_on_the_second, ai_config=config, ledger=CostLedger(tmp_path))
    assert len(delivered) == 1 and len(CostLedger(tmp_path).calls()) == 1
    assert json.loads((tmp_path / "ai_costs.json").read_text())["calls"] == 1  # what was delivered is on record

    collect_batch(lambda r: delivered.append(r.custom_id), ai_config=config, ledger=CostLedger(tmp_path))
    assert sorted(delivered) == ["dna-0", "dna-1", "dna-2"]
    assert len(CostLedger(tmp_path).calls()) == 3
    assert json.loads((tmp_path / "ai_costs.json").read_text())["calls"] == 3


def test_two_collectors_at_once_deliver_each_result_once(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    submit_batch(items(3), ai_config=config, ledger=CostLedger(tmp_path), run_id="r")
    anthropic_emu.latency_sec = 0.05
    seen: list[str] = []
    lock = threading.Lock()

    def collect() -> None:
        def handler(result: BatchResult) -> None:
            with lock:
                seen.append(result.custom_id)

        collect_batch(handler, ai_config=config, ledger=CostLedger(tmp_path))

    threads = [threading.Thread(target=collect) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    collect()  # whoever lost the lease is finished by a later collect

    assert sorted(seen) == ["dna-0", "dna-1", "dna-2"]


def test_an_answer_that_breaks_the_schema_comes_back_as_a_failed_result(
    anthropic_emu: AnthropicEmulator, tmp_path: Path
) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    anthropic_emu.invalid_answers.set(1)
    submit_batch(items(2), ai_config=config, ledger=CostLedger(tmp_path), run_id="r")
    results = collect_results(config, CostLedger(tmp_path))

    failed = [r for r in results if not r.ok]
    assert len(failed) == 1 and len(results) == 2
    assert "does not fit DNAAnalysisAnswer" in failed[0].error and failed[0].retryable is False
    assert sorted(row["outcome"] for row in CostLedger(tmp_path).calls()) == ["ok", "rejected"]


def test_a_batch_that_could_cross_a_limit_is_not_sent(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu, limits={"per_run_usd": 0.0001})
    with pytest.raises(BudgetExceeded, match="per-run"):
        submit_batch(items(3), ai_config=config, ledger=CostLedger(tmp_path), run_id="r")
    assert anthropic_emu.requests == [] and pending_batches(CostLedger(tmp_path)) == []


def test_custom_ids_must_be_unique_and_plain(anthropic_emu: AnthropicEmulator, tmp_path: Path) -> None:
    config = make_config("anthropic", anthropic=anthropic_emu)
    request = items(1)[0][1]
    for bad in ([("a b", request, DNAAnalysisAnswer)], [("x", request, DNAAnalysisAnswer)] * 2, []):
        with pytest.raises(AIError):
            submit_batch(bad, ai_config=config, ledger=CostLedger(tmp_path), run_id="r")
    assert anthropic_emu.requests == []


def test_a_schema_gone_since_submission_is_a_config_error() -> None:
    assert load_schema(schema_ref(DNAAnalysisAnswer)) is DNAAnalysisAnswer
    for ref in ("young_production.skills.dna.decode:RenamedAnswer", "young_production.skills.gone:DNAAnalysisAnswer"):
        with pytest.raises(ConfigError, match="no longer exists"):
            load_schema(ref)
    assert load_schema(ref, {ref: DNAAnalysisAnswer}) is DNAAnalysisAnswer


def collect_results(config: AIConfig, ledger: CostLedger) -> list[BatchResult]:
    results: list[BatchResult] = []
    collect_batch(results.append, ai_config=config, ledger=ledger)
    return results


def test_a_collected_batch_frees_its_booking_on_the_shared_budget(
    anthropic_emu: AnthropicEmulator, tmp_path: Path, postgres_url: str  # noqa: F811
) -> None:
    """With workers sharing a Postgres budget, a collected batch leaves only its real cost booked."""
    config = make_config("anthropic", anthropic=anthropic_emu, limits={"daily_usd": 1.0})
    ledger = CostLedger(tmp_path, shared=SharedBudget(sqlalchemy_url(postgres_url)))
    claude = make_llm_provider(ProviderPlan(config, "anthropic"), "anthropic", Pricing(config.prices))
    ceiling = sum(claude.cost_ceiling(request, schema, batch=True) for _, request, schema in items())  # booked

    submit_batch(items(), ai_config=config, ledger=ledger, run_id="r")
    assert len(collect_results(config, ledger)) == 3

    spent = ledger.spent_usd()
    assert 0 < spent < ceiling / 2
    limits = LimitsConfig(per_run_usd=None, daily_usd=1.0, monthly_usd=None)
    # the ceiling's booking is gone once the batch is collected: only the real cost stays booked
    assert ledger.reserve(1.0 - spent - ceiling / 4, limits, "r2")
