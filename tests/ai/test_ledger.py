"""The cost ledger: totals, limits, reservations, and no overshoot under concurrency."""

from __future__ import annotations

import json
import multiprocessing
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from young_production.ai.answers import answer_scope
from young_production.ai.base import AIRequest, Usage
from tests.fakes import AnthropicEmulator
from young_production.ai.ledger import CallRecord, CostLedger
from young_production.ai.router import build_provider
from young_production.config import LimitsConfig
from young_production.errors import BudgetExceeded
from young_production.skills.dna.decode import DNA_INSTRUCTIONS, DNAAnalysisAnswer

from .conftest import HAIKU, make_config


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


NOV_30 = datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc)
NO_LIMITS = LimitsConfig()


def call(cost: float, skill: str = "S05", workflow: str = "WF1", run_id: str = "r1") -> CallRecord:
    return CallRecord("anthropic", HAIKU, Usage(1000, 100, 0, 0, cost), workflow, skill, "e1", run_id)


def test_totals_per_day_month_skill_and_workflow_in_the_seed_shape(tmp_path: Path) -> None:
    clock = Clock(NOV_30)
    ledger = CostLedger(tmp_path, clock=clock)
    ledger.record(call(0.25, "S05", "WF1"))
    clock.now += timedelta(hours=2)  # next day, next month
    ledger.record(call(0.5, "S15", "WF3"))
    ledger.record(call(0.125, "S05", "WF1"))

    totals = ledger.totals()
    assert totals.daily == {"2026-11-30": 0.25, "2026-12-01": 0.625}
    assert totals.monthly == {"2026-11": 0.25, "2026-12": 0.625}
    assert totals.per_skill == {"S05": 0.375, "S15": 0.5}
    assert totals.per_workflow == {"WF1": 0.375, "WF3": 0.5}
    assert (totals.today_usd, totals.month_usd, totals.calls) == (0.625, 0.625, 3)
    saved = json.loads((tmp_path / "ai_costs.json").read_text())
    assert saved["daily"] == totals.daily and saved["per_workflow"] == totals.per_workflow
    assert saved["total_usd"] == 0.875
    assert ledger.spent_usd(day="2026-12-01") == pytest.approx(0.625)


def test_a_call_that_could_cross_the_daily_limit_is_refused(tmp_path: Path) -> None:
    ledger = CostLedger(tmp_path)
    limits = LimitsConfig(daily_usd=1.0)
    ledger.record(call(0.6))

    with pytest.raises(BudgetExceeded, match="daily AI budget of \\$1.00"):
        ledger.reserve(0.5, limits, "r1")
    reservation = ledger.reserve(0.4, limits, "r1")  # exactly up to the limit is fine
    with pytest.raises(BudgetExceeded):
        ledger.reserve(0.01, limits, "r2")  # booked money counts before it is spent
    ledger.settle(reservation, call(0.1))  # the real cost was lower: room again
    ledger.release(ledger.reserve(0.3, limits, "r2"))
    assert ledger.spent_usd() == pytest.approx(0.7)


def test_per_run_limit_is_per_run_and_monthly_spans_days(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 12, 1, 12, tzinfo=timezone.utc))
    ledger = CostLedger(tmp_path, clock=clock)
    per_run = LimitsConfig(per_run_usd=0.5)
    ledger.record(call(0.5, run_id="run-a"))
    with pytest.raises(BudgetExceeded, match="per-run"):
        ledger.reserve(0.01, per_run, "run-a")
    ledger.release(ledger.reserve(0.5, per_run, "run-b"))

    monthly = LimitsConfig(monthly_usd=1.0)
    clock.now += timedelta(days=3)
    ledger.record(call(0.4, run_id="run-c"))
    with pytest.raises(BudgetExceeded, match="monthly"):
        ledger.reserve(0.2, monthly, "run-d")
    clock.now += timedelta(days=31)  # a new month starts from zero
    ledger.release(ledger.reserve(0.9, monthly, "run-d"))


def test_bookings_of_a_crashed_process_expire(tmp_path: Path) -> None:
    clock = Clock(NOV_30 - timedelta(hours=5))
    ledger = CostLedger(tmp_path, clock=clock, reservation_ttl_sec=60)
    limits = LimitsConfig(daily_usd=1.0)
    ledger.reserve(1.0, limits, "crashed")  # never settled
    with pytest.raises(BudgetExceeded):
        ledger.reserve(0.1, limits, "next")
    assert ledger.totals().reserved_usd == 1.0
    clock.now += timedelta(seconds=61)
    ledger.release(ledger.reserve(1.0, limits, "next"))


def test_ledgers_opened_at_once_on_a_new_workspace_all_start(tmp_path: Path) -> None:
    """Switching a new file to WAL needs it to itself and does not wait on the busy timeout: eight
    ledgers opened at the same moment (threads here, processes in a workspace) used to see
    "database is locked" about once in a hundred."""
    errors: list[str] = []
    for trial in range(40):
        start = threading.Barrier(8)

        def first_write(folder: Path = tmp_path / str(trial)) -> None:
            ledger = CostLedger(folder)
            start.wait()
            try:
                with ledger.transaction():
                    pass
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(repr(exc))

        threads = [threading.Thread(target=first_write) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []


def test_eight_threads_racing_a_tiny_limit_never_overshoot(tmp_path: Path) -> None:
    limit = 0.004
    with AnthropicEmulator() as emu:
        emu.latency_sec = 0.02  # widen the window between booking and settling
        config = make_config("anthropic", anthropic=emu, limits={"daily_usd": limit})
        results: dict[str, int] = {"ok": 0, "refused": 0}
        errors: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(8)

        def worker(n: int) -> None:
            provider = build_provider(config, ledger=CostLedger(tmp_path), run_id=f"run{n}")
            start.wait()
            for i in range(200):  # the limit stops every worker long before this
                data = f"Title: Entry {n}-{i}\nTranscript:\nEntry {n} number {i} talks about money and habits. " * 20
                request = AIRequest("S05", DNA_INSTRUCTIONS, data, {}, "WF1", f"e{n}-{i}", 800)
                try:
                    provider.complete(request, DNAAnalysisAnswer)
                except BudgetExceeded:
                    with lock:
                        results["refused"] += 1
                    return
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    errors.append(repr(exc))
                    return
                with lock:
                    results["ok"] += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    ledger = CostLedger(tmp_path)
    spent = sum(row["cost_usd"] for row in ledger.calls())
    assert errors == []
    assert results["refused"] == 8  # every worker ran into the limit
    assert results["ok"] == len(ledger.calls()) >= 3
    assert spent <= limit
    assert ledger.totals().reserved_usd == 0


def _spend_until_refused(state_dir: str, amount: float, limit: float) -> int:
    ledger = CostLedger(Path(state_dir))
    limits = LimitsConfig(monthly_usd=limit)
    done = 0
    while True:
        try:
            reservation = ledger.reserve(amount, limits, None)
        except BudgetExceeded:
            return done
        ledger.settle(reservation, call(amount))  # worst case: the call costs all it booked
        done += 1


def test_processes_racing_a_limit_book_exactly_what_fits(tmp_path: Path) -> None:
    CostLedger(tmp_path)  # create the database once
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        counts = pool.starmap(_spend_until_refused, [(str(tmp_path), 0.003, 0.1)] * 4)

    assert sum(counts) == 33  # floor(0.1 / 0.003), whichever process got them
    assert CostLedger(tmp_path).spent_usd() == pytest.approx(33 * 0.003)
    assert CostLedger(tmp_path).spent_usd() <= 0.1


def _analysis_request(n: int = 0) -> AIRequest:
    data = f"Title: Entry {n}\nTranscript:\nEntry {n} talks about money and habits. " * 10
    return AIRequest("S05", DNA_INSTRUCTIONS, data, {}, "WF1", f"e{n}", 800)


def test_a_replayed_step_gets_the_answer_it_bought_and_buys_nothing(tmp_path: Path) -> None:
    with AnthropicEmulator() as emu:
        provider = build_provider(make_config("anthropic", anthropic=emu), ledger=CostLedger(tmp_path), run_id="r1")
        with answer_scope("wf1:e0:encode#2:wf1.analyse"):
            first = provider.complete(_analysis_request(), DNAAnalysisAnswer)
            other = provider.complete(_analysis_request(), DNAAnalysisAnswer)  # a second S05 call: its own key
        with answer_scope("wf1:e0:encode#2:wf1.analyse"):  # the step again, after a crash
            replayed = provider.complete(_analysis_request(), DNAAnalysisAnswer)
            replayed_other = provider.complete(_analysis_request(), DNAAnalysisAnswer)
            fresh = provider.complete(_analysis_request(), DNAAnalysisAnswer)  # one more than before: bought
        assert len(emu.message_requests()) == 3
    assert (replayed.value, replayed.usage) == (first.value, first.usage) and replayed_other.value == other.value
    rows = CostLedger(tmp_path).calls()
    assert [r["outcome"] for r in rows] == ["ok"] * 3
    assert [r["call_key"].rsplit("|", 1)[0] for r in rows] == [f"wf1:e0:encode#2:wf1.analyse|S05|{n}" for n in range(3)]
    assert fresh.usage.cost_usd > 0


def test_a_replay_whose_request_changed_asks_again(tmp_path: Path) -> None:
    with AnthropicEmulator() as emu:
        provider = build_provider(make_config("anthropic", anthropic=emu), ledger=CostLedger(tmp_path), run_id="r1")
        with answer_scope("wf1:e0:encode#2:wf1.analyse"):
            provider.complete(_analysis_request(0), DNAAnalysisAnswer)
        with answer_scope("wf1:e0:encode#2:wf1.analyse"):  # the entry's text changed in between
            provider.complete(_analysis_request(1), DNAAnalysisAnswer)
        assert len(emu.message_requests()) == 2


def test_calls_in_flight_of_a_dead_process_stay_booked_at_their_most_and_are_marked_lost(tmp_path: Path) -> None:
    ledger = CostLedger(tmp_path)
    limits = LimitsConfig(daily_usd=1.0)
    booked = CallRecord("anthropic", HAIKU, Usage(), "WF3", "S20", "p1", "r1", call_key="k")
    dead = ledger.book(0.6, limits, booked, owner="host-a-1#old")
    mine = ledger.book(0.3, limits, booked, owner="host-a-1#new")
    with pytest.raises(BudgetExceeded):  # a call in flight holds its most possible cost
        ledger.book(0.2, limits, booked, owner="host-a-1#new")
    assert ledger.settle_lost(["host-a-1", "host-b-7"], keep="host-a-1#new") == 1
    rows = {r["id"]: r for r in ledger.calls()}
    assert (rows[dead.row_id]["outcome"], rows[dead.row_id]["cost_usd"]) == ("lost", 0.6)
    assert rows[mine.row_id]["outcome"] == "in_flight"
    ledger.settle_booking(mine, CallRecord("anthropic", HAIKU, Usage(100, 10, 0, 0, 0.05), "WF3", "S20", "p1", "r1"))
    totals = ledger.totals()
    assert totals.total_usd == pytest.approx(0.65) and totals.reserved_usd == 0 and totals.calls == 2
    with pytest.raises(BudgetExceeded):  # the lost call still counts against the day
        ledger.book(0.4, limits, booked)


def test_a_call_the_provider_refused_before_any_work_leaves_no_row(tmp_path: Path) -> None:
    with AnthropicEmulator() as emu:
        emu.fail_next(400)
        provider = build_provider(make_config("anthropic", anthropic=emu, max_retries=0), ledger=CostLedger(tmp_path))
        with pytest.raises(Exception):  # noqa: B017 - which error is the provider's business
            provider.complete(_analysis_request(), DNAAnalysisAnswer)
    assert CostLedger(tmp_path).calls() == []
